//! Time expressions in a reply ("tomorrow by 5pm", "within 3 business
//! days", "March 3"), read into a [`When`] not yet tied to a calendar.

use super::MAX_DAYS_AHEAD;
use jiff::civil::{Date, Weekday};
use jiff::{ToSpan, Zoned};

/// A time expression, not yet tied to a calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct When {
    /// The day named, or none.
    pub(super) day: Day,
    /// The clock time named (hour, minute), if any.
    pub(super) clock: Option<(i8, i8)>,
}

/// The day of a time expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Day {
    Today,
    Tomorrow,
    Weekday { day: Weekday, next_week: bool },
    InBusinessDays(i64),
    InBusinessMinutes(i64),
    InDays(i64),
    InHours(i64),
    InMinutes(i64),
    EndOfWeek { next_week: bool },
    Date { month: Option<i8>, day: i8 },
    Unspecified,
}

fn number(word: &str) -> Option<i64> {
    const WORDS: [&str; 13] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve",
    ];
    word.parse()
        .ok()
        .or_else(|| WORDS.iter().position(|w| *w == word).map(|n| n as i64))
        .or((word == "a" || word == "an").then_some(1))
}

fn weekday(word: &str) -> Option<Weekday> {
    Some(match crate::text::trim_possessive(word) {
        "monday" | "mon" => Weekday::Monday,
        "tuesday" | "tue" | "tues" => Weekday::Tuesday,
        "wednesday" => Weekday::Wednesday,
        "thursday" | "thu" | "thurs" => Weekday::Thursday,
        "friday" | "fri" => Weekday::Friday,
        "saturday" => Weekday::Saturday,
        "sunday" => Weekday::Sunday,
        _ => return None,
    })
}

fn month(word: &str) -> Option<i8> {
    const FULL: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    const SHORT: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sept", "oct", "nov", "dec",
    ];
    FULL.iter()
        .position(|m| *m == word)
        .or_else(|| SHORT.iter().position(|m| *m == word))
        .map(|i| i as i8 + 1)
}

fn ordinal(word: &str) -> Option<i8> {
    let digits = word.trim_end_matches(|c: char| c.is_alphabetic());
    let suffix = &word[digits.len()..];
    let n: i8 = digits.parse().ok()?;
    ((1..=31).contains(&n) && ["", "st", "nd", "rd", "th"].contains(&suffix)).then_some(n)
}

/// Reads a clock time starting at `i`: "5pm", "5 pm", "5:30pm", "17:30", "noon", "midday".
fn clock(words: &[&str], i: usize) -> Option<((i8, i8), usize)> {
    let w = words[i];
    if w == "noon" || w == "midday" {
        return Some(((12, 0), 1));
    }
    if w == "midnight" {
        return Some(((23, 59), 1));
    }
    let (body, mut meridiem, used) = if let Some(b) = w.strip_suffix("pm") {
        (b, Some(true), 1)
    } else if let Some(b) = w.strip_suffix("am") {
        (b, Some(false), 1)
    } else {
        match words.get(i + 1) {
            Some(&"pm") | Some(&"p") => (w, Some(true), 2),
            Some(&"am") | Some(&"a") => (w, Some(false), 2),
            _ => (w, None, 1),
        }
    };
    let (h, m) = match body.split_once(':') {
        Some((h, m)) => (h.parse::<i8>().ok()?, m.parse::<i8>().ok()?),
        None => {
            meridiem?;
            (body.parse::<i8>().ok()?, 0)
        }
    };
    if !(0..60).contains(&m) {
        return None;
    }
    let h = match meridiem.take() {
        Some(true) if (1..12).contains(&h) => h + 12,
        Some(true) if h == 12 => 12,
        Some(false) if h == 12 => 0,
        Some(false) if (1..12).contains(&h) => h,
        None if (0..24).contains(&h) && body.contains(':') => h,
        _ => return None,
    };
    Some(((h, m), used))
}

/// Finds the first time expression in a sentence's words.
/// The calendar date (month, day) a text names, when it names one with its
/// month ("on 22 December", "by Thursday 10 December").
pub(crate) fn calendar_date(words: &[&str]) -> Option<(i8, i8)> {
    match parse_when(words)?.day {
        Day::Date {
            month: Some(month),
            day,
        } => Some((month, day)),
        _ => None,
    }
}

/// The calendar day a time expression names, read against `now` without a
/// business calendar ("Friday" is the next Friday, "the 15th" this month's
/// or next, "in 3 days" three calendar days on); `None` for counts of
/// business time and for clock times alone.
pub(crate) fn day_named(words: &[&str], now: &Zoned) -> Option<Date> {
    let today = now.date();
    let ahead_to = |day: Weekday| {
        let ahead = (day.to_monday_zero_offset() - today.weekday().to_monday_zero_offset())
            .rem_euclid(7) as i64;
        if ahead == 0 { 7 } else { ahead }
    };
    match parse_when(words)?.day {
        Day::Today => Some(today),
        Day::Tomorrow => today.checked_add(1.day()).ok(),
        Day::Weekday { day, next_week } => {
            let ahead = if next_week {
                7 - today.weekday().to_monday_zero_offset() as i64
                    + day.to_monday_zero_offset() as i64
            } else {
                ahead_to(day)
            };
            today.checked_add(ahead.days()).ok()
        }
        Day::InDays(n) if (0..=MAX_DAYS_AHEAD).contains(&n) => today.checked_add(n.days()).ok(),
        Day::EndOfWeek { next_week } => {
            let friday = ahead_to(Weekday::Friday) % 7;
            let days = friday + if next_week { 7 } else { 0 };
            today.checked_add(days.days()).ok()
        }
        Day::Date {
            month: Some(month),
            day,
        } => {
            let date = Date::new(today.year(), month, day).ok()?;
            // "2 January" written in December is next year's.
            if date.checked_add(60.days()).ok()? < today {
                Date::new(today.year() + 1, month, day).ok()
            } else {
                Some(date)
            }
        }
        Day::Date { month: None, day } => {
            let this_month = Date::new(today.year(), today.month(), day).ok();
            match this_month {
                Some(date) if date >= today => Some(date),
                _ => {
                    let first = today.first_of_month().checked_add(1.month()).ok()?;
                    Date::new(first.year(), first.month(), day).ok()
                }
            }
        }
        _ => None,
    }
}

pub(crate) fn parse_when(words: &[&str]) -> Option<When> {
    let mut day: Option<Day> = None;
    let mut clock_time: Option<(i8, i8)> = None;
    let mut part_of_day: Option<(i8, i8)> = None;
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        let next = words.get(i + 1).copied().unwrap_or("");
        let after = words.get(i + 2).copied().unwrap_or("");
        let mut step = 1;
        match w {
            "today" if day.is_none() => day = Some(Day::Today),
            "tonight" if day.is_none() => {
                day = Some(Day::Today);
                clock_time = clock_time.or(Some((21, 0)));
            }
            "eod" | "cob" if day.is_none() => day = Some(Day::Today),
            "tomorrow" if day.is_none() => day = Some(Day::Tomorrow),
            "morning" => part_of_day = part_of_day.or(Some((12, 0))),
            "afternoon" => part_of_day = part_of_day.or(Some((17, 0))),
            "evening" => part_of_day = part_of_day.or(Some((21, 0))),
            "end" | "close" if next == "of" && day.is_none() => {
                let what = if after == "the" {
                    words.get(i + 3).copied().unwrap_or("")
                } else {
                    after
                };
                let what2 = if after == "the" {
                    words.get(i + 4).copied().unwrap_or("")
                } else {
                    words.get(i + 3).copied().unwrap_or("")
                };
                match what {
                    "day" | "business" => day = Some(Day::Today),
                    "week" => day = Some(Day::EndOfWeek { next_week: false }),
                    "next" if what2 == "week" => day = Some(Day::EndOfWeek { next_week: true }),
                    _ => {}
                }
            }
            "this" | "next" if next == "week" && day.is_none() => {
                day = Some(Day::EndOfWeek {
                    next_week: w == "next",
                });
                step = 2;
            }
            "within" | "in" if day.is_none() => {
                let Some(n) = number(next) else {
                    i += 1;
                    continue;
                };
                let (unit, business) = if ["business", "working"].contains(&after) {
                    (words.get(i + 3).copied().unwrap_or(""), true)
                } else {
                    (after, false)
                };
                day = match unit.trim_end_matches('s') {
                    "day" if business => Some(Day::InBusinessDays(n)),
                    "day" => Some(Day::InDays(n)),
                    "hour" if business => n.checked_mul(60).map(Day::InBusinessMinutes),
                    "hour" => Some(Day::InHours(n)),
                    "minute" | "min" => Some(Day::InMinutes(n)),
                    "week" => Some(Day::InDays(7 * n)),
                    _ => None,
                };
            }
            _ => {
                if let Some(d) = weekday(w).filter(|_| day.is_none()) {
                    let previous = if i > 0 { words[i - 1] } else { "" };
                    day = Some(Day::Weekday {
                        day: d,
                        next_week: previous == "next",
                    });
                } else if let Some(m) =
                    month(w).filter(|_| day.is_none() || matches!(day, Some(Day::Weekday { .. })))
                {
                    // "March 3", "3 March", "3rd of March"; a date after its
                    // weekday ("Saturday 19 December") is the more exact.
                    let before = |k: usize| if i >= k { words[i - k] } else { "" };
                    let found = match ordinal(next) {
                        Some(d) => {
                            step = 2;
                            Some(d)
                        }
                        None if before(1) == "of" => ordinal(before(2)),
                        None => ordinal(before(1)),
                    };
                    if let Some(d) = found {
                        day = Some(Day::Date {
                            month: Some(m),
                            day: d,
                        });
                    }
                } else if w == "the"
                    && day.is_none()
                    && next.len() > 2
                    && next.ends_with(['h', 't', 'd'])
                {
                    if let Some(d) =
                        ordinal(next).filter(|_| !next.chars().all(|c| c.is_ascii_digit()))
                    {
                        day = Some(Day::Date {
                            month: None,
                            day: d,
                        });
                        step = 2;
                    }
                } else if let Some((t, used)) = clock(words, i) {
                    clock_time = Some(t);
                    step = used;
                }
            }
        }
        i += step;
    }
    match (day, clock_time) {
        (Some(day), clock) => Some(When {
            day,
            clock: clock.or(part_of_day),
        }),
        (None, Some(clock)) => Some(When {
            day: Day::Unspecified,
            clock: Some(clock),
        }),
        (None, None) => None,
    }
}
