//! Promises: commitments in a reply, with their due time resolved against
//! the business calendar, and vague ones flagged.
//!
//! A sentence is a promise when it commits ("I'll", "we will", "you'll
//! receive", ...) and names a time. Times understood: today, tonight, end of
//! day, tomorrow (morning, before noon, afternoon), weekdays (this/next),
//! within/in N (business) days, hours or weeks, end of the week, next week,
//! clock times (5pm, 17:30, noon) and dates (March 3, 3 March, the 15th).
//!
//! What a working day is comes from the [`BusinessCalendar`] alone: a day
//! without a clock time is due when the desk closes that day (the end of
//! the last opening interval that starts on it; 23:59 on a day the desk
//! does not open), a business day is a day the desk opens, "end of the
//! week" is the week's last business day and "within 4 business hours"
//! counts open time. Without a calendar only the times that need none are
//! resolved (a clock time, in N hours or minutes); the rest have no due time.
use crate::phrases::PhraseTable;
use crate::{Advice, Check, Finding, Severity};
use jiff::civil::Date;
use jiff::{ToSpan, Zoned};
use rapport_core::{BusinessCalendar, Timestamp};
use serde::Serialize;
use std::ops::Range;
use std::sync::LazyLock;
use when::{Day, When};
pub(crate) use when::{calendar_date, day_named, parse_when};

/// The wall-clock time a promise is due on a day the desk does not open.
const END_OF_CLOSED_DAY: (i8, i8) = (23, 59);
/// How many days ahead a count of business days looks (about ten years).
pub(super) const MAX_DAYS_AHEAD: i64 = 3_660;

/// A commitment found in a reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Promise {
    /// Byte range of the sentence in the draft.
    pub span: Range<usize>,
    /// The sentence.
    pub text: String,
    /// When it is due (RFC 3339 with the zone), when the time could be resolved.
    pub due: Option<String>,
    /// No time given, only "soon", "ASAP" and the like.
    pub vague: bool,
}

static MARK: () = ();

static COMMITS: LazyLock<PhraseTable<()>> = LazyLock::new(|| {
    let phrases = [
        "i will",
        "i'll",
        "we will",
        "we'll",
        "i am going to",
        "i'm going to",
        "we are going to",
        "we're going to",
        "you will receive",
        "you'll receive",
        "you will get",
        "you'll get",
        "you will hear",
        "you'll hear",
        "you will have",
        "you'll have",
        "you will see",
        "you'll see",
        "expect",
        "should arrive",
        "will arrive",
        "will ship",
        "will be",
        "i promise",
        "we promise",
        "will reach you",
        "i can have",
        "we can have",
        "it'll be",
        "it will be",
        "should be with you",
        "will be with you",
        "is scheduled",
        "are scheduled",
        "will follow",
        "will call",
        "will contact",
        "will respond",
        "will process",
        "will attempt",
        "will chase",
        "will get back",
        "will revert",
        "will look",
        "will send",
        "will update",
        "will provide",
        "will try",
        "will email",
        "will text",
        "will give",
        "will confirm",
        "will deliver",
        "will dispatch",
        "will have",
        "will review",
        "will finish",
        "will complete",
        "will fix",
        "will repair",
        "will inspect",
        "will investigate",
        "will action",
        "will attend",
        "will offer",
        "will get to you",
        "the first to know",
        "we aim to",
        "working to",
        "should be fixed",
        "should be back",
        "should be ready",
        "should be resolved",
    ];
    let entries: Vec<(&'static str, Option<&'static ()>)> =
        phrases.iter().map(|p| (*p, Some(&MARK))).collect();
    PhraseTable::new(&entries)
});

static VAGUE: LazyLock<PhraseTable<()>> = LazyLock::new(|| {
    let phrases = [
        "soon",
        "shortly",
        "asap",
        "as soon as possible",
        "as soon as we can",
        "as soon as i can",
        "as soon as they can",
        "when he can",
        "when she can",
        "when they can",
        "next available",
        "first to know",
        "in a while",
        "at some point",
        "in due course",
        "in the near future",
        "as quickly as possible",
        "when possible",
        "when we can",
        "sometime",
        "in a bit",
        "before long",
        "eventually",
        "at the earliest opportunity",
        "later",
        "at a later date",
        "in time",
        "in due time",
        "in a timely manner",
        "promptly",
    ];
    let entries: Vec<(&'static str, Option<&'static ()>)> =
        phrases.iter().map(|p| (*p, Some(&MARK))).collect();
    PhraseTable::new(&entries)
});

/// Finds the promises in a draft written at `now`, with due times read
/// against the calendar (in its zone); adds a finding for each vague one.
pub fn extract(
    draft: &str,
    now: Option<&Zoned>,
    calendar: Option<&BusinessCalendar>,
    findings: &mut Vec<Finding>,
) -> Vec<Promise> {
    let anchor = now.map(|now| Anchor::new(now, calendar));
    let mut out = Vec::new();
    for span in crate::text::sentences(draft) {
        let sentence = &draft[span.clone()];
        if !COMMITS.any(sentence) {
            continue;
        }
        let lower = crate::text::lower(sentence);
        let words: Vec<&str> = lower
            .split(|c: char| !(c.is_alphanumeric() || c == ':' || c == '\''))
            .filter(|w| !w.is_empty())
            .collect();
        match parse_when(&words) {
            Some(when) => out.push(Promise {
                span: span.clone(),
                text: sentence.to_string(),
                due: anchor
                    .as_ref()
                    .and_then(|a| a.resolve(&when))
                    .map(|z| z.to_string()),
                vague: false,
            }),
            // "Fingers crossed we'll have it soon": a hope, not a commitment
            // (a hope with a time is still kept, to be safe).
            None if WISHES.iter().any(|w| lower.contains(w)) => {}
            None => {
                let vague = VAGUE
                    .find(sentence)
                    .next()
                    .map(|(r, _)| r)
                    .or_else(|| undated(&lower).then_some(0..sentence.len()));
                if let Some(vague) = vague {
                    findings.push(Finding {
                        check: Check::VaguePromise,
                        severity: Severity::Warn,
                        span: span.start + vague.start..span.start + vague.end,
                        explanation:
                            "a promise without a time: the customer cannot tell when to expect it"
                                .into(),
                        suggestion: Some(Advice::NameATime.into()),
                    });
                    out.push(Promise {
                        span: span.clone(),
                        text: sentence.to_string(),
                        due: None,
                        vague: true,
                    });
                }
            }
        }
    }
    out
}

/// What a commitment without a time can deliver: contact, a thing sent or
/// fixed, a decision. "We will attempt redelivery", "a technician will be
/// in touch", "we'll email you when it's ready".
const DELIVERABLES: &[&str] = &[
    "in touch",
    "review",
    "inspect",
    "action it",
    "attend to",
    "get to you",
    "finish",
    "complete",
    "fix",
    "repair",
    "in contact",
    "call you",
    "contact you",
    "get back to you",
    "get back",
    "respond",
    "revert",
    "update you",
    "let you know",
    "follow up",
    "be sent",
    "be dispatched",
    "be delivered",
    "be ready",
    "be fixed",
    "be resolved",
    "be done",
    "be processed",
    "be dealt with",
    "be made",
    "be handled",
    "be back",
    "follow in the post",
    "will follow",
    "be reviewed",
    "rebook",
    "chase",
    "email you",
    "text you",
    "provide an update",
    "look into",
    "attempt",
    "update it",
    "process it",
    "confirm",
    "be in touch",
    "call back",
    "send",
    "be repaired",
    "be replaced",
    "be refunded",
    "be credited",
    "be investigated",
    "be restored",
];

/// A time tied to another event ("30 minutes before", "the day before")
/// is a time, not vagueness.
const RELATIVE_TIMES: &[&str] = &[
    "minutes",
    "minute",
    "hours",
    "hour",
    "day before",
    "days before",
    "the day",
    "evening before",
    "night before",
    "morning",
    "afternoon",
    "evening",
    "on arrival",
    "at the same time",
];

/// Words that make what follows a hope rather than a promise.
const WISHES: &[&str] = &[
    "fingers crossed",
    "hopefully",
    "we hope",
    "i hope",
    "hoping",
];

/// "For further help, please email us at ... and we will assist": the
/// customer's step comes first, so what we will do waits on it.
fn step_first(lower: &str) -> bool {
    let Some(ours) = ["and we will", "and we'll", "and we can", "so we can"]
        .iter()
        .filter_map(|p| lower.find(p))
        .min()
    else {
        return false;
    };
    [
        "please ",
        "send us",
        "dm us",
        "email us",
        "contact us",
        "reach out",
    ]
    .iter()
    .any(|p| lower[..ours].contains(p))
        && !lower[..ours].contains("please note")
}

/// A commitment with no time at all: a deliverable, no time, no relative time.
fn undated(lower: &str) -> bool {
    // "Please send us an email and we will assist": conditional on the
    // customer's step, not a commitment on its own.
    let conditional = [
        "please",
        "send us",
        "dm us",
        "reply",
        "contact us",
        "let us know",
        "just ",
    ]
    .iter()
    .any(|p| lower.trim_start().starts_with(p))
        || step_first(lower)
        // "Once the airline confirms, we will email you": tied to an event.
        || lower.trim_start().starts_with("once ");
    !conditional
        && DELIVERABLES.iter().any(|d| lower.contains(d))
        && !RELATIVE_TIMES.iter().any(|t| lower.contains(t))
        && !lower.contains('?')
        && ![
            "if you",
            "would you like",
            "shall i",
            "can i",
            "i can ",
            "we can ",
            "if it",
            "if that",
            "if the",
        ]
        .iter()
        .any(|c| lower.contains(c))
}

/// Whether the desk opens on a date: the one definition of a business day.
fn is_business_day(calendar: &BusinessCalendar, date: Date) -> bool {
    !calendar.open_spans_on(date).is_empty()
}

/// The moment a reply is written, in the calendar's zone, and the calendar.
struct Anchor<'c> {
    now: Zoned,
    calendar: Option<&'c BusinessCalendar>,
}

impl<'c> Anchor<'c> {
    fn new(now: &Zoned, calendar: Option<&'c BusinessCalendar>) -> Self {
        let now = match calendar {
            Some(c) => now.with_time_zone(c.time_zone().clone()),
            None => now.clone(),
        };
        Self { now, calendar }
    }

    /// A wall-clock time on a date, in the zone.
    fn at(&self, date: Date, (h, m): (i8, i8)) -> Option<Zoned> {
        date.at(h, m, 0, 0)
            .to_zoned(self.now.time_zone().clone())
            .ok()
    }

    /// An instant, in the zone.
    fn zoned(&self, t: Timestamp) -> Option<Zoned> {
        jiff::Timestamp::from_microsecond(t.as_micros())
            .ok()
            .map(|t| t.to_zoned(self.now.time_zone().clone()))
    }

    /// When the desk closes on a date (`None` without a calendar).
    fn close_of(&self, date: Date) -> Option<Zoned> {
        let calendar = self.calendar?;
        match calendar.open_spans_on(date).last() {
            Some(&(_, end)) => self.zoned(end),
            None => self.at(date, END_OF_CLOSED_DAY),
        }
    }

    /// A date at the clock time named, or when the desk closes that day.
    fn on(&self, date: Date, clock: Option<(i8, i8)>) -> Option<Zoned> {
        match clock {
            Some(clock) => self.at(date, clock),
            None => self.close_of(date),
        }
    }

    /// The `n`-th business day after `date`.
    fn business_days_after(&self, date: Date, n: i64) -> Option<Date> {
        let calendar = self.calendar?;
        let mut left = n;
        let mut day = date;
        for _ in 0..MAX_DAYS_AHEAD {
            if left <= 0 {
                return Some(day);
            }
            day = day.checked_add(1.day()).ok()?;
            if is_business_day(calendar, day) {
                left -= 1;
            }
        }
        None
    }

    /// The last business day of the Monday-to-Sunday week of `date` that is
    /// not before `date`.
    fn last_business_day_of_week(&self, date: Date) -> Option<Date> {
        let calendar = self.calendar?;
        let to_sunday = 6 - i64::from(date.weekday().to_monday_zero_offset());
        (0..=to_sunday)
            .rev()
            .filter_map(|ahead| date.checked_add(ahead.days()).ok())
            .find(|&day| is_business_day(calendar, day))
    }

    /// Ties a time expression to the calendar.
    fn resolve(&self, when: &When) -> Option<Zoned> {
        let now = &self.now;
        let today = now.date();
        let clock = when.clock;
        match &when.day {
            Day::Today => self.on(today, clock),
            Day::Tomorrow => self.on(today.checked_add(1.day()).ok()?, clock),
            Day::Unspecified => {
                let due = self.at(today, clock?)?;
                if due > *now {
                    Some(due)
                } else {
                    self.at(today.checked_add(1.day()).ok()?, clock?)
                }
            }
            Day::Weekday { day, next_week } => {
                let mut ahead = (day.to_monday_zero_offset()
                    - today.weekday().to_monday_zero_offset())
                .rem_euclid(7) as i64;
                if ahead == 0 {
                    ahead = 7;
                }
                if *next_week {
                    // "next Thursday": the Thursday of next week.
                    let to_next_monday = 7 - today.weekday().to_monday_zero_offset() as i64;
                    ahead = to_next_monday + day.to_monday_zero_offset() as i64;
                }
                self.on(today.checked_add(ahead.days()).ok()?, clock)
            }
            Day::InBusinessDays(n) if *n <= MAX_DAYS_AHEAD => {
                self.on(self.business_days_after(today, *n)?, clock)
            }
            Day::InBusinessDays(_) => None,
            Day::InBusinessMinutes(n) => {
                let at = Timestamp(now.timestamp().as_microsecond());
                self.zoned(self.calendar?.add_business_minutes(at, *n)?)
            }
            Day::InDays(n) => self.on(today.checked_add(n.days()).ok()?, clock),
            Day::InHours(n) => now.checked_add(n.hours()).ok(),
            Day::InMinutes(n) => now.checked_add(n.minutes()).ok(),
            Day::EndOfWeek { next_week } => {
                let next_monday = today
                    .checked_add((7 - i64::from(today.weekday().to_monday_zero_offset())).days());
                let day = if *next_week {
                    self.last_business_day_of_week(next_monday.ok()?)?
                } else {
                    match self.last_business_day_of_week(today) {
                        Some(day) => day,
                        // Nothing left this week: the end of next week's.
                        None => self.last_business_day_of_week(next_monday.ok()?)?,
                    }
                };
                self.on(day, clock)
            }
            Day::Date {
                month: Some(month),
                day,
            } => {
                // A date already past this year means next year's.
                let this_year = Date::new(today.year(), *month, *day).ok()?;
                let date = if this_year < today {
                    Date::new(today.year() + 1, *month, *day).ok()?
                } else {
                    this_year
                };
                self.on(date, clock)
            }
            Day::Date { month: None, day } => {
                // "the 15th": this month's, or next month's once it has passed.
                let mut first = today.first_of_month();
                for _ in 0..3 {
                    if let Ok(date) = Date::new(first.year(), first.month(), *day)
                        && date >= today
                    {
                        return self.on(date, clock);
                    }
                    first = first.checked_add(1.month()).ok()?;
                }
                None
            }
        }
    }
}

#[cfg(test)]
mod tests;
mod when;
