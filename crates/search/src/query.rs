//! The agents' query language, parsed into a typed AST.
//!
//! ```text
//! refund "credit card" -paypal status:open owner:me team:billing tag:vip
//! from:ana@example.net customer:"Ana Silva" has:attachment
//! created:>2026-01-01 created:2026-01-01..2026-02-01 #1234
//! due:today due:tomorrow due:<2026-02-01 breached:true
//! ```
//!
//! Clauses are separated by white space and all must match; `-` before a
//! clause excludes what it matches. A value may be quoted. Anything wrong
//! is a [`QueryError`] with the byte span of the bad part, so a caller can
//! point at it.

use rapport_core::Status;
use std::ops::Range;

/// The longest query accepted, in bytes.
pub const MAX_QUERY_BYTES: usize = 1000;
/// The most clauses a query may have.
pub const MAX_CLAUSES: usize = 32;

/// A parsed query: every clause must hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// The clauses in the order they were written.
    pub clauses: Vec<Clause>,
}

/// One clause, possibly negated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    /// Written with a leading `-`: the clause excludes.
    pub negated: bool,
    /// What the clause matches.
    pub term: Term,
    /// Where the clause is in the query text (bytes).
    pub span: Range<usize>,
}

/// What a clause matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    /// A word, looked for (stemmed) in every text field.
    Word(String),
    /// Words that must follow each other.
    Phrase(String),
    /// `status:open`.
    Status(Status),
    /// `owner:me`, `owner:none` or `owner:agent@example.com`.
    Owner(OwnerRef),
    /// `team:billing` (a team's name) or `team:none`.
    Team(Option<String>),
    /// `tag:refund`.
    Tag(String),
    /// `from:ana@example.net` (an address) or `from:Ana` (a name).
    From(String),
    /// `customer:"Ana Silva"`: a customer's name or address.
    Customer(String),
    /// `has:attachment`.
    HasAttachment,
    /// `created:>2026-01-01`, `created:<…`, `created:2026-01-01..2026-02-01`.
    Created(DateRange),
    /// `#1234`: one ticket by number.
    Ticket(i64),
    /// `due:today`, `due:tomorrow` (days in the business's time zone) or
    /// `due:` with dates as `created:`: a running response target falls due then.
    Due(DueWhen),
    /// `breached:true`: a running response target is past due now
    /// (`breached:false`: none is).
    Breached(bool),
}

/// When a `due:` clause looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueWhen {
    /// Today in the business's time zone (the caller's context says when that is).
    Today,
    /// Tomorrow in the business's time zone.
    Tomorrow,
    /// Dates written in the query (UTC days, as `created:`).
    Range(DateRange),
}

/// Whose tickets `owner:` means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OwnerRef {
    /// The agent searching.
    Me,
    /// Tickets nobody owns.
    Nobody,
    /// An agent by email address.
    Email(String),
}

/// A half-open range of instants in UTC microseconds: `from <= t < until`
/// (the default: every instant).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DateRange {
    /// Inclusive lower bound.
    pub from: Option<i64>,
    /// Exclusive upper bound.
    pub until: Option<i64>,
}

/// A query that could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} (at bytes {}..{})", span.start, span.end)]
pub struct QueryError {
    /// What is wrong.
    pub kind: QueryErrorKind,
    /// The bad part of the query (bytes).
    pub span: Range<usize>,
}

/// What is wrong with a query.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QueryErrorKind {
    /// Nothing to look for.
    #[error("the query is empty")]
    Empty,
    /// Longer than [`MAX_QUERY_BYTES`].
    #[error("the query is longer than {MAX_QUERY_BYTES} bytes")]
    TooLong,
    /// More than [`MAX_CLAUSES`] clauses.
    #[error("the query has more than {MAX_CLAUSES} parts")]
    TooManyClauses,
    /// A `"` without its closing `"`.
    #[error("this quote is never closed")]
    UnclosedQuote,
    /// `""` or a filter without a value.
    #[error("a value is missing here")]
    MissingValue,
    /// `foo:bar` where `foo` is no filter.
    #[error(
        "`{0}` is not a filter (known: status, owner, team, tag, from, customer, has, created, due, breached); quote it to search for the text"
    )]
    UnknownFilter(String),
    /// `status:` with no such status.
    #[error("`{0}` is not a status (new, open, pending, on_hold, solved, closed)")]
    BadStatus(String),
    /// `has:` with something other than `attachment`.
    #[error("`has:` takes `attachment`, not `{0}`")]
    BadHas(String),
    /// A date that is not `YYYY-MM-DD`, or a range that is empty.
    #[error(
        "`{0}` is not a date like 2026-01-31, a comparison like >2026-01-31 or a range like 2026-01-01..2026-02-01"
    )]
    BadDate(String),
    /// `due:` with something that is neither a day word nor a date.
    #[error(
        "`{0}` is not a due time: use today, tomorrow, a date like 2026-01-31, >2026-01-31 or 2026-01-01..2026-02-01"
    )]
    BadDue(String),
    /// `breached:` with something other than true or false.
    #[error("`breached:` takes `true` or `false`, not `{0}`")]
    BadBreached(String),
    /// `#` not followed by a ticket number.
    #[error("`#` must be followed by a ticket number")]
    BadTicketNumber,
    /// A lone `-`.
    #[error("`-` must be followed by what to exclude")]
    DanglingMinus,
}

impl QueryError {
    fn new(kind: QueryErrorKind, span: Range<usize>) -> Self {
        QueryError { kind, span }
    }
}

impl Query {
    /// Parses a query typed by an agent or a customer.
    pub fn parse(text: &str) -> Result<Query, QueryError> {
        if text.len() > MAX_QUERY_BYTES {
            return Err(QueryError::new(
                QueryErrorKind::TooLong,
                floor_char(text, MAX_QUERY_BYTES)..text.len(),
            ));
        }
        let mut clauses = Vec::new();
        let mut pos = 0;
        while let Some(start) = skip_space(text, pos) {
            let (clause, end) = clause(text, start)?;
            if clauses.len() == MAX_CLAUSES {
                return Err(QueryError::new(QueryErrorKind::TooManyClauses, start..end));
            }
            clauses.extend(clause);
            pos = end;
        }
        if clauses.is_empty() {
            return Err(QueryError::new(QueryErrorKind::Empty, 0..text.len()));
        }
        Ok(Query { clauses })
    }

    /// True when some clause must match text (not only filters).
    pub fn has_positive_text(&self) -> bool {
        self.clauses
            .iter()
            .any(|c| !c.negated && matches!(c.term, Term::Word(_) | Term::Phrase(_)))
    }
}

/// The largest char boundary at or below `at`.
fn floor_char(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The position of the next non-space character at or after `pos`.
fn skip_space(text: &str, pos: usize) -> Option<usize> {
    text[pos..]
        .char_indices()
        .find(|(_, c)| !c.is_whitespace())
        .map(|(i, _)| pos + i)
}

/// The end of the bare (unquoted) token starting at `pos`.
fn bare_end(text: &str, pos: usize) -> usize {
    text[pos..]
        .char_indices()
        .find(|(_, c)| c.is_whitespace())
        .map_or(text.len(), |(i, _)| pos + i)
}

/// A quoted value starting at the `"` at `pos`: (inner text, end after the closing quote).
fn quoted(text: &str, pos: usize) -> Result<(&str, usize), QueryError> {
    let inner = pos + 1;
    match text[inner..].find('"') {
        Some(i) => Ok((&text[inner..inner + i], inner + i + 1)),
        None => Err(QueryError::new(
            QueryErrorKind::UnclosedQuote,
            pos..text.len(),
        )),
    }
}

/// A value after `key:` at `pos`, quoted or bare: (value, end).
fn value(text: &str, pos: usize, key_span: Range<usize>) -> Result<(String, usize), QueryError> {
    let (raw, end) = if text[pos..].starts_with('"') {
        quoted(text, pos)?
    } else {
        let end = bare_end(text, pos);
        (&text[pos..end], end)
    };
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(QueryError::new(
            QueryErrorKind::MissingValue,
            key_span.start..end,
        ));
    }
    Ok((raw.to_string(), end))
}

/// Parses one clause at `start` (not white space): (clause if any, end).
fn clause(text: &str, start: usize) -> Result<(Option<Clause>, usize), QueryError> {
    let mut pos = start;
    let negated = text[pos..].starts_with('-');
    if negated {
        pos += 1;
        if pos == text.len() || text[pos..].starts_with(char::is_whitespace) {
            return Err(QueryError::new(QueryErrorKind::DanglingMinus, start..pos));
        }
    }
    let (term, end) = if text[pos..].starts_with('"') {
        let (inner, end) = quoted(text, pos)?;
        let inner = inner.trim();
        if inner.is_empty() {
            return Err(QueryError::new(QueryErrorKind::MissingValue, start..end));
        }
        (Term::Phrase(inner.to_string()), end)
    } else if text[pos..].starts_with('#') {
        let end = bare_end(text, pos);
        let digits = &text[pos + 1..end];
        match digits.parse::<i64>() {
            Ok(n) if n > 0 && digits.bytes().all(|b| b.is_ascii_digit()) => (Term::Ticket(n), end),
            _ => {
                return Err(QueryError::new(QueryErrorKind::BadTicketNumber, start..end));
            }
        }
    } else if let Some(colon) = filter_key(text, pos) {
        let key = &text[pos..colon];
        let (value, end) = value(text, colon + 1, start..colon + 1)?;
        let span = start..end;
        (filter(key, value, span.clone())?, end)
    } else {
        let end = bare_end(text, pos);
        (Term::Word(text[pos..end].to_string()), end)
    };
    Ok((
        Some(Clause {
            negated,
            term,
            span: start..end,
        }),
        end,
    ))
}

/// The position of the `:` when the token at `pos` is `key:…` with an
/// ASCII-letter key.
fn filter_key(text: &str, pos: usize) -> Option<usize> {
    let rest = &text[pos..bare_end(text, pos)];
    let colon = rest.find(':')?;
    let key = &rest[..colon];
    (!key.is_empty() && key.bytes().all(|b| b.is_ascii_alphabetic())).then_some(pos + colon)
}

/// A `key:value` filter.
fn filter(key: &str, value: String, span: Range<usize>) -> Result<Term, QueryError> {
    let bad = |kind| Err(QueryError::new(kind, span.clone()));
    Ok(match key.to_ascii_lowercase().as_str() {
        "status" => match value
            .to_ascii_lowercase()
            .replace('-', "_")
            .parse::<Status>()
        {
            Ok(s) => Term::Status(s),
            Err(_) => return bad(QueryErrorKind::BadStatus(value)),
        },
        "owner" => Term::Owner(match value.to_ascii_lowercase().as_str() {
            "me" => OwnerRef::Me,
            "none" | "nobody" => OwnerRef::Nobody,
            other => OwnerRef::Email(other.to_string()),
        }),
        "team" => Term::Team((!value.eq_ignore_ascii_case("none")).then_some(value)),
        "tag" => Term::Tag(value.to_lowercase()),
        "from" => Term::From(value.to_lowercase()),
        "customer" => Term::Customer(value),
        "has" => match value.to_ascii_lowercase().as_str() {
            "attachment" | "attachments" => Term::HasAttachment,
            _ => return bad(QueryErrorKind::BadHas(value)),
        },
        "created" => match date_range(&value) {
            Some(r) => Term::Created(r),
            None => return bad(QueryErrorKind::BadDate(value)),
        },
        "due" => match value.to_ascii_lowercase().as_str() {
            "today" => Term::Due(DueWhen::Today),
            "tomorrow" => Term::Due(DueWhen::Tomorrow),
            _ => match date_range(&value) {
                Some(r) => Term::Due(DueWhen::Range(r)),
                None => return bad(QueryErrorKind::BadDue(value)),
            },
        },
        "breached" => match value.to_ascii_lowercase().as_str() {
            "true" | "yes" => Term::Breached(true),
            "false" | "no" => Term::Breached(false),
            _ => return bad(QueryErrorKind::BadBreached(value)),
        },
        _ => return bad(QueryErrorKind::UnknownFilter(key.to_string())),
    })
}

/// `>D`, `>=D`, `<D`, `<=D`, `D..E` (E inclusive) or `D` (that day).
fn date_range(value: &str) -> Option<DateRange> {
    let day = |s: &str| day_start(s.trim());
    const DAY: i64 = 86_400_000_000;
    let range = if let Some(d) = value.strip_prefix(">=") {
        DateRange {
            from: Some(day(d)?),
            until: None,
        }
    } else if let Some(d) = value.strip_prefix('>') {
        DateRange {
            from: Some(day(d)? + DAY),
            until: None,
        }
    } else if let Some(d) = value.strip_prefix("<=") {
        DateRange {
            from: None,
            until: Some(day(d)? + DAY),
        }
    } else if let Some(d) = value.strip_prefix('<') {
        DateRange {
            from: None,
            until: Some(day(d)?),
        }
    } else if let Some((a, b)) = value.split_once("..") {
        let (from, until) = (day(a)?, day(b)? + DAY);
        if from >= until {
            return None;
        }
        DateRange {
            from: Some(from),
            until: Some(until),
        }
    } else {
        let d = day(value)?;
        DateRange {
            from: Some(d),
            until: Some(d + DAY),
        }
    };
    Some(range)
}

/// Midnight UTC of `YYYY-MM-DD`, in microseconds since the epoch.
fn day_start(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: Range<usize>| -> Option<i64> {
        let part = s.get(r)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days_in = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&m) || d < 1 || d > days_in[(m - 1) as usize] || y < 1970 {
        return None;
    }
    // Days from civil (Howard Hinnant's algorithm).
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn terms(q: &str) -> Vec<(bool, Term)> {
        Query::parse(q)
            .map(|q| q.clauses.into_iter().map(|c| (c.negated, c.term)).collect())
            .unwrap_or_else(|e| panic!("{q}: {e}"))
    }

    #[test]
    fn words_phrases_and_exclusions() {
        assert_eq!(
            terms(r#"refund "credit card" -paypal"#),
            vec![
                (false, Term::Word("refund".into())),
                (false, Term::Phrase("credit card".into())),
                (true, Term::Word("paypal".into())),
            ]
        );
    }

    #[test]
    fn every_filter() {
        let t = terms(
            r#"status:open owner:me team:billing tag:Refund from:Ana@Example.net customer:"Ana Silva" has:attachment #1234 -status:closed owner:none team:none"#,
        );
        assert_eq!(
            t,
            vec![
                (false, Term::Status(Status::Open)),
                (false, Term::Owner(OwnerRef::Me)),
                (false, Term::Team(Some("billing".into()))),
                (false, Term::Tag("refund".into())),
                (false, Term::From("ana@example.net".into())),
                (false, Term::Customer("Ana Silva".into())),
                (false, Term::HasAttachment),
                (false, Term::Ticket(1234)),
                (true, Term::Status(Status::Closed)),
                (false, Term::Owner(OwnerRef::Nobody)),
                (false, Term::Team(None)),
            ]
        );
    }

    #[test]
    fn dates() {
        let jan1 = 1_767_225_600_000_000; // 2026-01-01T00:00:00Z
        let day = 86_400_000_000;
        let r = |q: &str| match terms(q).pop() {
            Some((_, Term::Created(r))) => r,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            r("created:>=2026-01-01"),
            DateRange {
                from: Some(jan1),
                until: None
            }
        );
        assert_eq!(
            r("created:>2026-01-01"),
            DateRange {
                from: Some(jan1 + day),
                until: None
            }
        );
        assert_eq!(
            r("created:<2026-01-01"),
            DateRange {
                from: None,
                until: Some(jan1)
            }
        );
        assert_eq!(
            r("created:2026-01-01"),
            DateRange {
                from: Some(jan1),
                until: Some(jan1 + day)
            }
        );
        assert_eq!(
            r("created:2026-01-01..2026-01-31"),
            DateRange {
                from: Some(jan1),
                until: Some(jan1 + 31 * day)
            }
        );
    }

    #[test]
    fn errors_point_at_the_bad_part() {
        let err = |q: &str| {
            Query::parse(q)
                .err()
                .unwrap_or_else(|| panic!("{q} parsed"))
        };
        let e = err(r#"refund "credit card"#);
        assert_eq!((e.kind, e.span), (QueryErrorKind::UnclosedQuote, 7..19));
        let e = err("refund statu:open");
        assert_eq!(e.kind, QueryErrorKind::UnknownFilter("statu".into()));
        assert_eq!(e.span, 7..17);
        assert_eq!(
            err("status:later").kind,
            QueryErrorKind::BadStatus("later".into())
        );
        assert_eq!(err("created:>2026-13-01").span, 0..19);
        assert_eq!(
            err("created:2026-02-30").kind,
            QueryErrorKind::BadDate("2026-02-30".into())
        );
        assert_eq!(err("a #12x").span, 2..6);
        assert_eq!(err("a - b").span, 2..3);
        assert_eq!(err("tag:").kind, QueryErrorKind::MissingValue);
        assert_eq!(err("   ").kind, QueryErrorKind::Empty);
        assert_eq!(err(&"a ".repeat(600)).kind, QueryErrorKind::TooLong);
        assert_eq!(err(&"a ".repeat(40)).kind, QueryErrorKind::TooManyClauses);
    }

    #[test]
    fn due_and_breached() {
        let jan1 = 1_767_225_600_000_000; // 2026-01-01T00:00:00Z
        let day = 86_400_000_000;
        assert_eq!(
            terms("due:Today -due:tomorrow breached:true breached:no due:<2026-01-02"),
            vec![
                (false, Term::Due(DueWhen::Today)),
                (true, Term::Due(DueWhen::Tomorrow)),
                (false, Term::Breached(true)),
                (false, Term::Breached(false)),
                (
                    false,
                    Term::Due(DueWhen::Range(DateRange {
                        from: None,
                        until: Some(jan1 + day)
                    }))
                ),
            ]
        );
        let e = Query::parse("refund due:someday").err();
        assert_eq!(
            e.map(|e| (e.kind, e.span)),
            Some((QueryErrorKind::BadDue("someday".into()), 7..18))
        );
        let e = Query::parse("breached:maybe").err();
        assert_eq!(
            e.map(|e| e.kind),
            Some(QueryErrorKind::BadBreached("maybe".into()))
        );
    }

    #[test]
    fn urls_and_times_are_words() {
        // A colon after something other than letters is plain text.
        assert_eq!(terms("10:30"), vec![(false, Term::Word("10:30".into()))]);
    }

    proptest! {
        #[test]
        fn random_text_never_panics(s in "\\PC{0,80}") {
            match Query::parse(&s) {
                Ok(q) => prop_assert!(!q.clauses.is_empty()),
                Err(e) => {
                    prop_assert!(e.span.start <= e.span.end && e.span.end <= s.len());
                    prop_assert!(s.is_char_boundary(e.span.start) && s.is_char_boundary(e.span.end));
                }
            }
        }

        #[test]
        fn query_like_text_never_panics(s in "[-\"#: a-z0-9<>=.]{0,60}") {
            if let Err(e) = Query::parse(&s) {
                prop_assert!(e.span.end <= s.len());
            }
        }
    }
}
