//! Public reviews and mentions imported as tickets on the `reviews`
//! channel: from a CSV file with a header row or JSON lines (`rapport
//! import reviews FILE`), or a JSON batch over the API. Fields: source, id,
//! author, rating (1–5, may be empty), text, date (RFC 3339 or a day),
//! url. Each review is unique by (source, id): a second import is reported
//! as a duplicate and changes nothing. The author is matched to a customer
//! by e-mail address or handle; an unknown author becomes a customer with
//! that handle. A review rated at or below `[feedback] negative_review`
//! opens a recovery task. A bad row is reported with its reason and the
//! others go on.

use crate::tickets::NewTicket;
use crate::{App, AppError, Caller, plain_text};
use rapport_core::{
    Actor, Channel, Command, CustomerId, IdentityKind, Permission, Priority, RecoverySource,
    TicketId, Timestamp, normalize_identity,
};
use rapport_store::{IdentityRecord, NewMessage, NewReview};
use std::collections::BTreeMap;

/// The most reviews one API batch takes.
pub const MAX_BATCH: usize = 1000;
/// The fields of a review, in the order a CSV file without them in its header would be refused.
pub const FIELDS: &[&str] = &["source", "id", "author", "rating", "text", "date", "url"];

/// One review as read from a file or a request, its fields still text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReviewRow {
    /// Where it was read: the file's line, or the position in an API batch (from 1).
    pub row: usize,
    /// Field name to its text (missing fields are empty).
    pub fields: BTreeMap<String, String>,
}

/// What became of one review.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum ReviewOutcome {
    /// A new ticket.
    Imported {
        /// The row.
        row: usize,
        /// The ticket it became.
        ticket_id: TicketId,
        /// Its customer.
        customer_id: CustomerId,
        /// Whether the author was already a known customer.
        matched_customer: bool,
        /// The recovery task a negative rating opened.
        recovery_task_id: Option<i64>,
    },
    /// Imported before; nothing changed.
    Duplicate {
        /// The row.
        row: usize,
        /// The ticket it became the first time.
        ticket_id: TicketId,
    },
    /// Refused, with the reason.
    Error {
        /// The row.
        row: usize,
        /// What is wrong with it.
        message: String,
    },
}

/// What an import did, row by row.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ReviewReport {
    /// New tickets.
    pub imported: usize,
    /// Rows imported before.
    pub duplicates: usize,
    /// Rows refused.
    pub errors: usize,
    /// Every row's outcome, in order.
    pub rows: Vec<ReviewOutcome>,
}

/// A review checked and ready to import.
struct Checked {
    source: String,
    external_id: String,
    author: String,
    rating: Option<u8>,
    text: String,
    posted_at: Option<Timestamp>,
    url: Option<String>,
}

/// Reads a file's reviews: JSON lines when the first non-blank character
/// is `{`, else CSV with a header row. A row that cannot be read at all is
/// an `Err` with its line and reason.
pub fn parse_reviews(text: &str) -> Vec<Result<ReviewRow, (usize, String)>> {
    if text.trim_start().starts_with('{') {
        return text
            .lines()
            .enumerate()
            .filter(|(_, line)| !line.trim().is_empty())
            .map(|(n, line)| json_row(n + 1, line))
            .collect();
    }
    let records = match super::csv::records(text) {
        Ok(r) => r,
        Err(e) => return vec![Err((1, e))],
    };
    let mut records = records.into_iter();
    let Some((_, header)) = records.next() else {
        return Vec::new();
    };
    let header: Vec<String> = header
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_lowercase())
        .collect();
    if let Some(missing) = ["source", "id", "author", "text"]
        .iter()
        .find(|f| !header.iter().any(|h| h == *f))
    {
        return vec![Err((
            1,
            format!(
                "the header row has no {missing:?} column; it needs {}",
                FIELDS.join(", ")
            ),
        ))];
    }
    records
        .map(|(line, values)| {
            if values.len() != header.len() {
                return Err((
                    line,
                    format!(
                        "has {} fields; the header has {}",
                        values.len(),
                        header.len()
                    ),
                ));
            }
            Ok(ReviewRow {
                row: line,
                fields: header.iter().cloned().zip(values).collect(),
            })
        })
        .collect()
}

/// One JSON line as a row: strings and numbers taken as text.
fn json_row(line: usize, text: &str) -> Result<ReviewRow, (usize, String)> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| (line, format!("is not JSON: {e}")))?;
    row_from_json(line, &value)
}

/// A review from a JSON object (a file's line or an API batch's element).
pub fn row_from_json(row: usize, value: &serde_json::Value) -> Result<ReviewRow, (usize, String)> {
    let object = value
        .as_object()
        .ok_or_else(|| (row, "is not a JSON object".to_string()))?;
    let mut fields = BTreeMap::new();
    for (key, value) in object {
        let text = match value {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::Null => String::new(),
            _ => return Err((row, format!("{key}: must be text or a number"))),
        };
        fields.insert(key.clone(), text);
    }
    Ok(ReviewRow { row, fields })
}

fn field<'a>(row: &'a ReviewRow, name: &str) -> &'a str {
    row.fields.get(name).map_or("", |v| v.trim())
}

fn required(row: &ReviewRow, name: &str, max: usize) -> Result<String, String> {
    let value = field(row, name);
    if value.is_empty() {
        return Err(format!("{name}: is missing"));
    }
    if value.chars().count() > max {
        return Err(format!("{name}: has more than {max} characters"));
    }
    Ok(value.to_string())
}

/// Checks a row's fields.
fn check(row: &ReviewRow) -> Result<Checked, String> {
    if let Some(unknown) = row.fields.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(format!(
            "{unknown}: unknown field; the fields are {}",
            FIELDS.join(", ")
        ));
    }
    for (name, value) in &row.fields {
        rapport_core::check_text(value).map_err(|m| format!("{name}: {m}"))?;
    }
    let source = required(row, "source", 100)?.to_lowercase();
    let external_id = required(row, "id", 200)?;
    let author = required(row, "author", 200)?;
    let text = required(row, "text", 20_000)?;
    let rating = match field(row, "rating") {
        "" => None,
        r => Some(
            r.parse::<u8>()
                .ok()
                .filter(|r| rapport_core::feedback::valid_rating(*r))
                .ok_or_else(|| format!("rating: {r:?} is not a whole number from 1 to 5"))?,
        ),
    };
    let posted_at = match field(row, "date") {
        "" => None,
        d => Some(parse_date(d).ok_or_else(|| {
            format!("date: {d:?} is neither an RFC 3339 instant nor a day like 2026-11-30")
        })?),
    };
    let url = match field(row, "url") {
        "" => None,
        u if (u.starts_with("https://") || u.starts_with("http://")) && u.len() <= 2000 => {
            Some(u.to_string())
        }
        u => return Err(format!("url: {u:?} is not an http(s) address")),
    };
    Ok(Checked {
        source,
        external_id,
        author,
        rating,
        text,
        posted_at,
        url,
    })
}

fn parse_date(text: &str) -> Option<Timestamp> {
    Timestamp::parse(text).ok().or_else(|| {
        let day: jiff::civil::Date = text.parse().ok()?;
        let instant = day.to_zoned(jiff::tz::TimeZone::UTC).ok()?.timestamp();
        Some(Timestamp(instant.as_microsecond()))
    })
}

impl App {
    /// Imports reviews, each in its own transaction; bad rows and
    /// duplicates are reported and the others go on.
    pub async fn import_reviews(
        &self,
        caller: &Caller,
        rows: Vec<Result<ReviewRow, (usize, String)>>,
    ) -> Result<ReviewReport, AppError> {
        caller.require(Permission::Work, "import reviews")?;
        let mut report = ReviewReport::default();
        for row in rows {
            let outcome = match row {
                Err((row, message)) => ReviewOutcome::Error { row, message },
                Ok(row) => match check(&row) {
                    Err(message) => ReviewOutcome::Error {
                        row: row.row,
                        message,
                    },
                    Ok(review) => match self.import_review(row.row, review).await {
                        Ok(outcome) => outcome,
                        Err(e @ (AppError::Invalid { .. } | AppError::Refused(_))) => {
                            ReviewOutcome::Error {
                                row: row.row,
                                message: e.to_string(),
                            }
                        }
                        Err(e) => return Err(e),
                    },
                },
            };
            match outcome {
                ReviewOutcome::Imported { .. } => report.imported += 1,
                ReviewOutcome::Duplicate { .. } => report.duplicates += 1,
                ReviewOutcome::Error { .. } => report.errors += 1,
            }
            report.rows.push(outcome);
        }
        Ok(report)
    }

    async fn import_review(&self, row: usize, review: Checked) -> Result<ReviewOutcome, AppError> {
        if let Some(ticket_id) = self
            .store()
            .review_ticket(&review.source, &review.external_id)
            .await?
        {
            return Ok(ReviewOutcome::Duplicate { row, ticket_id });
        }
        let (customer_id, matched_customer) = self.review_author(&review.author).await?;
        plain_text("text", &review.text)?;
        let actor = Actor::Customer(customer_id);
        let first = NewMessage::from_customer(customer_id, review.text.clone());
        let headline: String = review.text.chars().take(60).collect();
        let stars = review
            .rating
            .map(|r| format!(" ({r}/5)"))
            .unwrap_or_default();
        let negative = review
            .rating
            .is_some_and(|r| r <= self.config().feedback.negative_review);
        let opening = NewTicket {
            subject: format!("Review on {}{stars}: {headline}", review.source),
            customer_id,
            channel: Channel::Review,
            priority: if negative {
                Priority::High
            } else {
                Priority::Normal
            },
            team_id: None,
            tags: vec!["review".into()],
        }
        .decide(Some(&first), actor)?;
        let rules = self.sla_rules().await?;
        let mut tx = self.store().begin_write().await?;
        let created = tx.create_ticket(opening, actor, Some(first)).await?;
        let ticket_id = created.ticket.id;
        let recorded = tx
            .insert_review(&NewReview {
                source: review.source.clone(),
                external_id: review.external_id.clone(),
                ticket_id,
                rating: review.rating,
                url: review.url.clone(),
                posted_at: review.posted_at,
            })
            .await?;
        if !recorded {
            // Imported by someone else meanwhile: drop this ticket.
            drop(tx);
            let first = self
                .store()
                .review_ticket(&review.source, &review.external_id)
                .await?
                .ok_or(AppError::NotFound("review"))?;
            return Ok(ReviewOutcome::Duplicate {
                row,
                ticket_id: first,
            });
        }
        let command = Command::RecordReview {
            source: review.source,
            external_id: review.external_id,
            rating: review.rating,
            url: review.url,
        };
        let change = tx
            .change_ticket(ticket_id, actor, None, move |t, _| {
                Ok::<_, AppError>(rapport_core::decide(t, &command, actor)?)
            })
            .await?;
        let mut recovery_task_id = None;
        if let (true, Some(rating)) = (negative, review.rating) {
            let calendar = rules.calendar_of(rules.policy_for(&change.ticket)).clone();
            recovery_task_id = self
                .open_recovery(
                    &mut tx,
                    &change.ticket,
                    &calendar,
                    (RecoverySource::Review, rating, &review.text),
                )
                .await?;
        }
        tx.commit().await?;
        Ok(ReviewOutcome::Imported {
            row,
            ticket_id,
            customer_id,
            matched_customer,
            recovery_task_id,
        })
    }

    /// The customer an author is: one with that e-mail address or handle,
    /// or a new one (with the handle, so the next review matches).
    async fn review_author(&self, author: &str) -> Result<(CustomerId, bool), AppError> {
        let identity = [IdentityKind::Email, IdentityKind::Handle]
            .into_iter()
            .filter(|k| {
                *k != IdentityKind::Email || author.contains('@') && !author.starts_with('@')
            })
            .find_map(|kind| normalize_identity(kind, author).ok().map(|v| (kind, v)));
        if let Some((kind, value)) = &identity
            && let Some(id) = self.store().customer_by_identity(*kind, value).await?
        {
            return Ok((id, true));
        }
        let identities: Vec<IdentityRecord> = identity
            .into_iter()
            .map(|(kind, value)| IdentityRecord { kind, value })
            .collect();
        match self.store().insert_customer(author, &identities).await {
            Ok(c) => Ok((c.id, false)),
            Err(rapport_store::StoreError::Conflict(_)) => {
                let (kind, value) = &identities
                    .first()
                    .map(|i| (i.kind, i.value.clone()))
                    .ok_or(AppError::NotFound("customer"))?;
                let id = self
                    .store()
                    .customer_by_identity(*kind, value)
                    .await?
                    .ok_or(AppError::NotFound("customer"))?;
                Ok((id, true))
            }
            Err(e) => Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_and_json_lines_read_into_rows_and_bad_rows_say_why() {
        let csv = "source,id,author,rating,text,date,url\n\
                   trustpilot,r1,ann@example.com,1,\"Broken, twice\",2026-11-30,https://t.example/r1\n\
                   trustpilot,r2,@bob,six,Nice,,\n";
        let rows = parse_reviews(csv);
        assert_eq!(rows.len(), 2);
        let first = rows[0].as_ref().unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(first.row, 2);
        let checked = check(first).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(checked.text, "Broken, twice");
        assert_eq!(checked.rating, Some(1));
        assert!(checked.posted_at.is_some());
        let second = rows[1].as_ref().unwrap_or_else(|e| panic!("{e:?}"));
        let error = check(second).err().unwrap_or_default();
        assert!(error.starts_with("rating:"), "{error}");
        let jsonl =
            "{\"source\":\"g\",\"id\":7,\"author\":\"x\",\"rating\":5,\"text\":\"ok\"}\nnot json\n";
        let rows = parse_reviews(jsonl);
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[0].as_ref().map(|r| r.fields["id"].clone()).ok(),
            Some("7".to_string())
        );
        assert!(matches!(&rows[1], Err((2, m)) if m.contains("not JSON")));
        assert!(matches!(
            parse_reviews("a,b\n1,2\n").as_slice(),
            [Err((1, _))]
        ));
    }
}
