//! Phrases (answered from the word-pair fields) match exactly the
//! positional phrase; equal scores come most recently changed first,
//! across segments and pages.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use rapport_search::{
    Context, Language, MessageDoc, Query, SearchIndex, Sort, TicketDoc, Watermark,
};
mod common;

use common::{found_sorted, fresh};

fn ticket(id: i64, subject: &str, text: &str) -> TicketDoc {
    TicketDoc {
        id,
        subject: subject.into(),
        status: "open".into(),
        customer_id: 1,
        customer_name: "Ana Silva".into(),
        messages: vec![MessageDoc {
            sender_name: "Ana Silva".into(),
            sender_address: Some("ana@example.net".into()),
            text: text.into(),
            internal: false,
        }],
        created_at: 1_000,
        updated_at: 1_000 + id,
        ..TicketDoc::default()
    }
}

fn found(index: &SearchIndex, q: &str) -> Vec<i64> {
    found_sorted(index, q, &Context::default(), Sort::Relevance)
}

#[test]
fn phrases_match_only_true_phrases() {
    let dir = fresh("pairs");
    let (index, _) = SearchIndex::open(&dir, Language::English).expect("open");
    let long = "x".repeat(60); // longer than a word may be: left out, its place kept
    let docs = vec![
        ticket(1, "The app crashes", "Hello."),
        ticket(2, "Checkout", "The shop app and the cart."),
        ticket(3, "Login", "I opened THE Äpp yesterday."),
        ticket(4, "Login", &format!("the {long} app")),
        ticket(5, "Login", "Open the settings, then app the change."),
        ticket(6, "Late", "My orders arrived late."),
        ticket(7, "Late", "My big order arrived late."),
        ticket(8, "Broken", "Sadly the app is broken again."),
        ticket(9, "Broken", "Sadly the app was broken again."),
        ticket(10, "Card", "My credit card was charged twice."),
    ];
    // Two commits: two segments.
    index
        .apply(&docs[..5], &[], Watermark { upto: 1, at: 1 })
        .expect("apply");
    index
        .apply(&docs[5..], &[], Watermark { upto: 2, at: 2 })
        .expect("apply");
    assert_eq!(found(&index, r#""the app""#), vec![1, 3, 8, 9]);
    // Case, accents and stemming fold as for words.
    assert_eq!(found(&index, r#""THE APPS""#), vec![1, 3, 8, 9]);
    assert_eq!(found(&index, r#""the äpp""#), vec![1, 3, 8, 9]);
    assert_eq!(found(&index, r#""app the""#), vec![5]);
    assert_eq!(found(&index, r#""my order""#), vec![6]);
    assert_eq!(found(&index, r#""my orders arrived""#), vec![6]);
    // Longer phrases check positions among the tickets with their pairs.
    assert_eq!(found(&index, r#""the app is broken""#), vec![8]);
    assert_eq!(found(&index, r#""app was broken""#), vec![9]);
    assert_eq!(found(&index, r#""the app" -"is broken""#), vec![1, 3, 9]);
    assert_eq!(found(&index, r#""the app" sadly"#), vec![8, 9]);
    // Phrases of two rarer words, and words.
    assert_eq!(found(&index, r#""credit card""#), vec![10]);
    assert_eq!(found(&index, r#""card credit""#), Vec::<i64>::new());
    assert_eq!(found(&index, r#""credit card was charged""#), vec![10]);
    assert_eq!(found(&index, r#""credit card charged""#), Vec::<i64>::new());
    assert_eq!(found(&index, "app"), vec![1, 2, 3, 4, 5, 8, 9]);
    assert_eq!(found(&index, "nowhere"), Vec::<i64>::new());
    assert_eq!(found(&index, "-nowhere late"), vec![6, 7]);
    // The snippet marks the phrase's words.
    let query = Query::parse(r#""my order""#).expect("parse");
    let page = index
        .search(&query, &Context::default(), Sort::Relevance, 0, 10)
        .expect("search");
    assert_eq!(
        page.hits[0].snippet_html,
        "<mark>My</mark> <mark>orders</mark> arrived late"
    );
    drop(index);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn phrases_in_another_language_match_exactly() {
    let dir = fresh("pairs-fr");
    let (index, _) = SearchIndex::open(&dir, Language::French).expect("open");
    let docs = vec![
        ticket(1, "Colis", "Le colis est arrivé cassé."),
        ticket(2, "Colis", "Est-ce que le colis arrivé?"),
    ];
    index
        .apply(&docs, &[], Watermark { upto: 1, at: 1 })
        .expect("apply");
    assert_eq!(found(&index, r#""colis est arrivé""#), vec![1]);
    assert_eq!(found(&index, r#""le colis""#), vec![1, 2]);
    drop(index);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn equal_scores_come_most_recently_changed_first_across_segments_and_pages() {
    let dir = fresh("ties");
    let (index, _) = SearchIndex::open(&dir, Language::English).expect("open");
    // Forty tickets of the same text, in four segments, changed in an order
    // unrelated to their ids; one better match changed longest ago.
    let mut docs: Vec<TicketDoc> = (1..=40)
        .map(|id| {
            let mut t = ticket(id, "Question", "A refund please.");
            t.updated_at = 10_000 + (id * 17) % 41;
            t
        })
        .collect();
    let mut best = ticket(41, "Refund", "A refund please.");
    best.updated_at = 1;
    docs.push(best);
    for (n, chunk) in docs.chunks(11).enumerate() {
        index
            .apply(
                chunk,
                &[],
                Watermark {
                    upto: n as i64,
                    at: 1,
                },
            )
            .expect("apply");
    }
    let mut expected: Vec<(i64, i64)> = docs[..40].iter().map(|d| (d.updated_at, d.id)).collect();
    expected.sort_unstable_by(|a, b| b.cmp(a));
    let expected: Vec<i64> = std::iter::once(41)
        .chain(expected.into_iter().map(|(_, id)| id))
        .collect();
    let query = Query::parse("refund").expect("parse");
    let mut paged = Vec::new();
    let mut offset = Some(0);
    while let Some(at) = offset {
        let page = index
            .search(&query, &Context::default(), Sort::Relevance, at, 7)
            .expect("search");
        paged.extend(page.hits.iter().map(|h| h.ticket_id));
        offset = page.next;
    }
    assert_eq!(paged, expected);
    drop(index);
    let _ = std::fs::remove_dir_all(dir);
}
