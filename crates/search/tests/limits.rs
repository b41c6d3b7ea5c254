//! Paging never hands out a cursor past [`MAX_OFFSET`]; an index built for
//! one language is replaced by a new one to rebuild when the configured
//! language changes.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use rapport_search::{
    Context, Language, MAX_OFFSET, MessageDoc, Query, SearchIndex, Sort, TicketDoc, Watermark,
};
mod common;

use common::{found_sorted, fresh};

fn ticket(id: i64, text: &str) -> TicketDoc {
    TicketDoc {
        id,
        subject: "Question".into(),
        status: "open".into(),
        customer_id: 1,
        customer_name: "Ana Silva".into(),
        messages: vec![MessageDoc {
            sender_name: "Ana Silva".into(),
            text: text.into(),
            ..MessageDoc::default()
        }],
        created_at: 1_000,
        updated_at: 1_000 + id,
        ..TicketDoc::default()
    }
}

#[test]
fn no_cursor_is_handed_out_past_the_deepest_offset() {
    let dir = fresh("paging-limit");
    let (index, _) = SearchIndex::open(&dir, Language::English).expect("open");
    let total = MAX_OFFSET as i64 + 150;
    let docs: Vec<TicketDoc> = (1..=total).map(|id| ticket(id, "parcel")).collect();
    index
        .apply(&docs, &[], Watermark { upto: 1, at: 1 })
        .expect("apply");
    let query = Query::parse("parcel").expect("query");
    let ctx = Context::default();
    for sort in [Sort::Relevance, Sort::Newest] {
        let page = |offset: usize, limit: usize| {
            index
                .search(&query, &ctx, sort, offset, limit)
                .expect("search")
        };
        // A page that ends at the deepest offset still has a next page.
        let reaching = page(MAX_OFFSET - 100, 100);
        assert_eq!(reaching.hits.len(), 100);
        assert_eq!(reaching.next, Some(MAX_OFFSET), "{sort:?}");
        // The last page paging reaches has hits and no further cursor,
        // though more tickets match.
        let last = page(MAX_OFFSET, 100);
        assert_eq!(last.hits.len(), 100, "{sort:?}");
        assert_eq!(last.next, None, "{sort:?}: a cursor past the limit");
        // A page that straddles the limit hands out no cursor past it.
        let straddling = page(MAX_OFFSET - 50, 100);
        assert_eq!(straddling.hits.len(), 100);
        assert_eq!(straddling.next, None, "{sort:?}");
        for p in [reaching, last, straddling] {
            assert!(p.next.is_none_or(|n| n <= MAX_OFFSET));
        }
    }
    drop(index);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn an_index_of_another_language_is_replaced_by_a_new_one_to_rebuild() {
    let dir = fresh("language");
    let (index, created) = SearchIndex::open(&dir, Language::French).expect("open");
    assert!(created);
    index
        .apply(
            &[ticket(7, "les chevaux mangent")],
            &[],
            Watermark { upto: 3, at: 1 },
        )
        .expect("apply");
    // Found through the French analyzer.
    assert_eq!(
        found_sorted(&index, "chevaux", &Context::default(), Sort::Relevance),
        vec![7]
    );
    drop(index);
    // Opened again in French: the same index, nothing to rebuild.
    let (index, created) = SearchIndex::open(&dir, Language::French).expect("reopen");
    assert!(!created, "the same language keeps its index");
    assert_eq!(index.len().expect("len"), 1);
    drop(index);
    let first = std::fs::read_to_string(dir.join("CURRENT")).expect("CURRENT");
    // The configuration now says English: a new, empty index to rebuild.
    let (index, created) = SearchIndex::open(&dir, Language::English).expect("open in English");
    assert!(created, "the caller is told to rebuild");
    assert!(index.is_empty().expect("len"));
    let current = std::fs::read_to_string(dir.join("CURRENT")).expect("CURRENT");
    assert_ne!(current.trim(), first.trim(), "a new index is served");
    assert!(
        !dir.join(first.trim()).exists(),
        "the index of the old language is removed"
    );
    index
        .apply(
            &[ticket(8, "the horses run")],
            &[],
            Watermark { upto: 4, at: 2 },
        )
        .expect("apply");
    assert_eq!(
        found_sorted(&index, "horse", &Context::default(), Sort::Relevance),
        vec![8],
        "English stemming"
    );
    drop(index);
    // And it stays: opened in English again, nothing to rebuild.
    let (_, created) = SearchIndex::open(&dir, Language::English).expect("reopen");
    assert!(!created);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn an_index_from_before_the_language_was_recorded_keeps_serving() {
    let dir = fresh("language-unrecorded");
    let (index, _) = SearchIndex::open(&dir, Language::German).expect("open");
    index
        .apply(&[ticket(9, "Pakete")], &[], Watermark { upto: 1, at: 1 })
        .expect("apply");
    drop(index);
    let current = std::fs::read_to_string(dir.join("CURRENT")).expect("CURRENT");
    let marker = dir.join(current.trim()).join(rapport_search::LANGUAGE_FILE);
    std::fs::remove_file(&marker).expect("the language is recorded beside the index");
    let (index, created) = SearchIndex::open(&dir, Language::German).expect("open");
    assert!(!created, "taken to be the configured language");
    assert_eq!(index.len().expect("len"), 1);
    assert_eq!(
        std::fs::read_to_string(&marker)
            .expect("recorded now")
            .trim(),
        "german"
    );
    let _ = std::fs::remove_dir_all(dir);
}
