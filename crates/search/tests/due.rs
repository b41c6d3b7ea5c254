//! `due:` and `breached:` against an index on disk, and an index of an
//! older schema replaced by a new one to rebuild.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use rapport_search::query::DateRange;
use rapport_search::{Context, Language, SearchIndex, Sort, TicketDoc, Watermark};
mod common;

use common::{found_sorted, fresh};

const HOUR: i64 = 3_600_000_000;
const DAY: i64 = 24 * HOUR;
/// 2026-12-04T00:00:00Z.
const DEC4: i64 = 1_796_342_400_000_000;

fn ticket(id: i64, due_at: Option<i64>) -> TicketDoc {
    TicketDoc {
        id,
        subject: format!("Parcel {id}"),
        status: "open".into(),
        customer_id: 1,
        customer_name: "Ana Silva".into(),
        created_at: DEC4 - DAY,
        updated_at: DEC4 - DAY + id,
        due_at,
        ..TicketDoc::default()
    }
}

fn found(index: &SearchIndex, q: &str, ctx: &Context) -> Vec<i64> {
    found_sorted(index, q, ctx, Sort::Newest)
}

#[test]
fn due_days_and_breaches_are_read_against_the_callers_clock() {
    let dir = fresh("due");
    let (index, created) = SearchIndex::open(&dir, Language::English).expect("open");
    assert!(created);
    // Now is 2026-12-04 10:00 in a zone two hours ahead of UTC: its
    // "today" runs from 2026-12-03T22:00Z to 2026-12-04T22:00Z.
    let now = DEC4 + 8 * HOUR;
    let today = DateRange {
        from: Some(DEC4 - 2 * HOUR),
        until: Some(DEC4 + 22 * HOUR),
    };
    let tomorrow = DateRange {
        from: today.until,
        until: Some(DEC4 + 46 * HOUR),
    };
    let docs = vec![
        ticket(1, Some(now - HOUR)),       // breached an hour ago, today
        ticket(2, Some(now + HOUR)),       // later today
        ticket(3, Some(DEC4 + 23 * HOUR)), // tomorrow in the zone, today in UTC
        ticket(4, None),                   // no clock runs (pending)
        ticket(5, Some(DEC4 - 3 * HOUR)),  // breached yesterday (zone)
        ticket(6, Some(now)),              // falls due this instant: breached
    ];
    index
        .apply(&docs, &[], Watermark { upto: 1, at: now })
        .expect("apply");
    let ctx = Context {
        now,
        today,
        tomorrow,
        ..Context::default()
    };
    assert_eq!(found(&index, "due:today", &ctx), vec![1, 2, 6]);
    assert_eq!(found(&index, "due:tomorrow", &ctx), vec![3]);
    assert_eq!(found(&index, "breached:true", &ctx), vec![1, 5, 6]);
    assert_eq!(found(&index, "breached:false", &ctx), vec![2, 3, 4]);
    assert_eq!(found(&index, "-breached:true", &ctx), vec![2, 3, 4]);
    assert_eq!(
        found(&index, "due:today -breached:true parcel", &ctx),
        vec![2]
    );
    // Dates in the query are UTC days, as `created:`; a ticket without a
    // running clock is never due.
    assert_eq!(found(&index, "due:2026-12-04", &ctx), vec![1, 2, 3, 6]);
    assert_eq!(found(&index, "due:>=2026-12-04", &ctx), vec![1, 2, 3, 6]);
    assert_eq!(found(&index, "due:<2026-12-04", &ctx), vec![5]);
    // Met: the clock stopped, the ticket is no longer breached.
    index
        .apply(&[ticket(1, None)], &[], Watermark { upto: 2, at: now })
        .expect("apply");
    assert_eq!(found(&index, "breached:true", &ctx), vec![5, 6]);
    drop(index);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn an_index_with_other_fields_is_replaced_by_a_new_one_to_rebuild() {
    let dir = fresh("schema");
    // An index of an older release: other fields, named by CURRENT.
    let old = dir.join("index-1");
    std::fs::create_dir_all(&old).expect("mkdir");
    let mut b = tantivy::schema::Schema::builder();
    b.add_u64_field("id", tantivy::schema::INDEXED);
    tantivy::Index::create_in_dir(&old, b.build()).expect("old index");
    std::fs::write(dir.join("CURRENT"), "index-1").expect("CURRENT");
    let (index, created) = SearchIndex::open(&dir, Language::English).expect("open");
    assert!(created, "the caller is told to rebuild");
    assert!(index.is_empty().expect("len"));
    let current = std::fs::read_to_string(dir.join("CURRENT")).expect("CURRENT");
    assert_eq!(current.trim(), "index-2");
    assert!(!old.exists(), "the unusable index is removed");
    // It serves: a document added is found.
    index
        .apply(&[ticket(7, None)], &[], Watermark { upto: 1, at: DEC4 })
        .expect("apply");
    assert_eq!(found(&index, "parcel", &Context::default()), vec![7]);
    drop(index);
    let _ = std::fs::remove_dir_all(dir);
}
