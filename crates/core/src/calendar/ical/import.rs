//! Reading a VCALENDAR into a [`CalendarSpec`].

use super::lex::{self, Line};
use super::values::{Rrule, byday_item, duration, when};
use super::{IcalError, IcalErrorKind, MAX_ICAL_BYTES, MAX_ICAL_EVENTS};
use crate::calendar::civil::{self, DAY};
use crate::calendar::spec::{
    CalendarSpec, ClosedPeriod, ClosedSpan, Holiday, HolidayRule, Nth, TimeRange, Weekday,
};
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;

/// How deeply components may nest.
const MAX_DEPTH: usize = 16;

/// An event's content lines and where it starts.
struct RawEvent {
    line: usize,
    props: Vec<Line>,
}

/// Reads the text; also returns the line of `END:VCALENDAR`.
pub(super) fn read(text: &str, default_zone: &str) -> Result<(CalendarSpec, usize), IcalError> {
    if text.len() > MAX_ICAL_BYTES {
        return Err(IcalError {
            line: 0,
            kind: IcalErrorKind::TooLarge { bytes: text.len() },
        });
    }
    let lines = lex::lines(text.strip_prefix('\u{feff}').unwrap_or(text))?;
    let (props, events, end_line) = split_calendar(lines)?;
    let mut zone_name = default_zone.to_owned();
    let mut zone_line = 0;
    let mut spec = CalendarSpec::new("", default_zone);
    for prop in &props {
        match prop.name.as_str() {
            "X-WR-CALNAME" => spec.name = lex::unescape(&prop.value),
            "X-WR-TIMEZONE" => {
                zone_name = lex::unescape(&prop.value).trim().to_owned();
                zone_line = prop.number;
            }
            "X-RAPPORT-ALWAYS-OPEN" => {
                spec.always_open = match prop.value.trim().to_ascii_uppercase().as_str() {
                    "TRUE" => true,
                    "FALSE" => false,
                    _ => return Err(prop.bad_value("expected TRUE or FALSE")),
                }
            }
            _ => {}
        }
    }
    let tz = TimeZone::get(&zone_name).map_err(|_| IcalError {
        line: zone_line,
        kind: IcalErrorKind::UnknownTimeZone {
            name: zone_name.clone(),
        },
    })?;
    spec.time_zone.clone_from(&zone_name);
    let zone = Zone {
        name: &zone_name,
        tz: &tz,
    };
    for event in &events {
        read_event(event, &zone, &mut spec)?;
    }
    Ok((spec, end_line))
}

/// Splits the lines into calendar properties and events, skipping other
/// components; checks BEGIN/END nesting and the limits.
fn split_calendar(lines: Vec<Line>) -> Result<(Vec<Line>, Vec<RawEvent>, usize), IcalError> {
    let last_line = lines.last().map_or(0, |l| l.number);
    let mut lines = lines.into_iter();
    match lines.next() {
        Some(first) if is(&first, "BEGIN", "VCALENDAR") => {}
        other => {
            return Err(IcalError {
                line: other.map_or(1, |l| l.number),
                kind: IcalErrorKind::MissingCalendar,
            });
        }
    }
    let unterminated = |component: &str| IcalError {
        line: last_line,
        kind: IcalErrorKind::Unterminated {
            component: component.to_owned(),
        },
    };
    let (mut props, mut events) = (Vec::new(), Vec::new());
    let end_line = loop {
        let line = lines.next().ok_or_else(|| unterminated("VCALENDAR"))?;
        match line.name.as_str() {
            "BEGIN" if is(&line, "BEGIN", "VEVENT") => {
                if events.len() >= MAX_ICAL_EVENTS {
                    return Err(line.error(IcalErrorKind::TooManyEvents));
                }
                let mut event = RawEvent {
                    line: line.number,
                    props: Vec::new(),
                };
                read_component(&mut lines, "VEVENT", &mut event.props, last_line)?;
                events.push(event);
            }
            "BEGIN" => {
                let name = line.value.to_ascii_uppercase();
                read_component(&mut lines, &name, &mut Vec::new(), last_line)?;
            }
            "END" if is(&line, "END", "VCALENDAR") => break line.number,
            "END" => return Err(mismatched(&line, "VCALENDAR")),
            _ => props.push(line),
        }
    };
    if let Some(extra) = lines.next() {
        return Err(extra.error(IcalErrorKind::Malformed("content after END:VCALENDAR")));
    }
    Ok((props, events, end_line))
}

fn is(line: &Line, name: &str, value: &str) -> bool {
    line.name == name && line.value.trim().eq_ignore_ascii_case(value)
}

fn mismatched(line: &Line, expected: &str) -> IcalError {
    line.error(IcalErrorKind::MismatchedEnd {
        expected: expected.to_owned(),
        found: line.value.trim().to_ascii_uppercase(),
    })
}

/// Reads up to the `END` of a component whose `BEGIN` was just read,
/// keeping its own properties in `props` and skipping nested components.
fn read_component(
    lines: &mut impl Iterator<Item = Line>,
    name: &str,
    props: &mut Vec<Line>,
    last_line: usize,
) -> Result<(), IcalError> {
    let mut stack = vec![name.to_owned()];
    while let Some(open) = stack.last().cloned() {
        let line = lines.next().ok_or(IcalError {
            line: last_line,
            kind: IcalErrorKind::Unterminated {
                component: open.clone(),
            },
        })?;
        match line.name.as_str() {
            "BEGIN" => {
                if stack.len() >= MAX_DEPTH {
                    return Err(
                        line.error(IcalErrorKind::Malformed("components nested too deeply"))
                    );
                }
                stack.push(line.value.trim().to_ascii_uppercase());
            }
            "END" if is(&line, "END", &open) => {
                stack.pop();
            }
            "END" => return Err(mismatched(&line, &open)),
            _ if stack.len() == 1 => props.push(line),
            _ => {}
        }
    }
    Ok(())
}

/// The calendar's zone, by name and compiled.
pub(super) struct Zone<'a> {
    /// Its IANA name.
    pub name: &'a str,
    /// The zone.
    pub tz: &'a TimeZone,
}

/// A DTSTART/DTEND value in the calendar's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum When {
    /// An all-day DATE.
    Date(Date),
    /// A DATE-TIME as wall-clock time in the calendar's zone, and how many
    /// days conversion from the value's own zone moved its date.
    Local(DateTime, i64),
}

/// The recognised properties of one event.
#[derive(Default)]
struct Props<'a> {
    dtstart: Option<&'a Line>,
    dtend: Option<&'a Line>,
    duration: Option<&'a Line>,
    summary: Option<&'a Line>,
    rrule: Option<&'a Line>,
    kind: Option<&'a Line>,
    status: Option<&'a Line>,
}

/// What `X-RAPPORT-KIND` says an event is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Opening,
    Holiday,
    Closure,
}

/// One event, read but not yet interpreted.
struct Event<'a> {
    line: usize,
    props: Props<'a>,
    kind: Option<Kind>,
    start_line: &'a Line,
    start: When,
    end: Option<When>,
    name: String,
}

fn collect(event: &RawEvent) -> Result<Props<'_>, IcalError> {
    let mut props = Props::default();
    for line in &event.props {
        let slot = match line.name.as_str() {
            "DTSTART" => &mut props.dtstart,
            "DTEND" => &mut props.dtend,
            "DURATION" => &mut props.duration,
            "SUMMARY" => &mut props.summary,
            "RRULE" => &mut props.rrule,
            "X-RAPPORT-KIND" => &mut props.kind,
            "STATUS" => &mut props.status,
            "RDATE" | "EXDATE" | "EXRULE" | "RECURRENCE-ID" => {
                return Err(line.unsupported(&format!("the {} property", line.name)));
            }
            _ => continue,
        };
        if slot.is_some() {
            return Err(line.error(IcalErrorKind::DuplicateProperty {
                property: line.name.clone(),
            }));
        }
        *slot = Some(line);
    }
    Ok(props)
}

fn kind_of(props: &Props<'_>) -> Result<Option<Kind>, IcalError> {
    let Some(line) = props.kind else {
        return Ok(None);
    };
    Ok(Some(
        match line.value.trim().to_ascii_uppercase().as_str() {
            "OPENING" => Kind::Opening,
            "HOLIDAY" => Kind::Holiday,
            "CLOSURE" => Kind::Closure,
            _ => return Err(line.bad_value("expected OPENING, HOLIDAY or CLOSURE")),
        },
    ))
}

/// Interprets one event and adds what it describes to the spec.
fn read_event(raw: &RawEvent, zone: &Zone<'_>, spec: &mut CalendarSpec) -> Result<(), IcalError> {
    let props = collect(raw)?;
    if props
        .status
        .is_some_and(|s| s.value.trim().eq_ignore_ascii_case("CANCELLED"))
    {
        return Ok(());
    }
    let kind = kind_of(&props)?;
    let start_line = props.dtstart.ok_or(IcalError {
        line: raw.line,
        kind: IcalErrorKind::MissingProperty {
            property: "DTSTART",
        },
    })?;
    let start = when(start_line, zone)?;
    let end = end_of(&props, start, zone)?;
    let name = props
        .summary
        .map(|s| lex::unescape(&s.value))
        .unwrap_or_default();
    let event = Event {
        line: raw.line,
        props,
        kind,
        start_line,
        start,
        end,
        name,
    };
    match event.props.rrule {
        Some(line) => read_recurring(&event, line, spec),
        None => read_single(&event, spec),
    }
}

/// A weekly opening or a yearly holiday.
fn read_recurring(ev: &Event<'_>, line: &Line, spec: &mut CalendarSpec) -> Result<(), IcalError> {
    let rule = Rrule::parse(line)?;
    match rule.freq.as_str() {
        "WEEKLY" if ev.kind == Some(Kind::Opening) => read_opening(ev, line, &rule, spec),
        "WEEKLY" => Err(line.unsupported("a weekly event without X-RAPPORT-KIND:OPENING")),
        "YEARLY" if matches!(ev.kind, None | Some(Kind::Holiday)) => {
            let rule = yearly(ev, line, &rule)?;
            spec.holidays.push(Holiday {
                name: ev.name.clone(),
                rule,
            });
            Ok(())
        }
        "YEARLY" => Err(line.unsupported("a yearly rule on anything but a holiday")),
        _ => Err(line.unsupported("RRULE frequencies other than WEEKLY and YEARLY")),
    }
}

/// A holiday or closure without recurrence.
fn read_single(ev: &Event<'_>, spec: &mut CalendarSpec) -> Result<(), IcalError> {
    let end_line = ev
        .props
        .dtend
        .or(ev.props.duration)
        .unwrap_or(ev.start_line);
    match (ev.start, ev.end) {
        _ if ev.kind == Some(Kind::Opening) => Err(ev
            .start_line
            .unsupported("an OPENING event without RRULE:FREQ=WEEKLY")),
        (When::Date(first), Some(When::Date(after))) => {
            let (first_day, after_day) = (civil::day_of(first), civil::day_of(after));
            let last = civil::date_of(after_day - 1)
                .filter(|_| after_day > first_day)
                .ok_or_else(|| end_line.bad_value("the event must end after it starts"))?;
            let single = after_day == first_day + 1;
            if ev.kind == Some(Kind::Holiday) && !single {
                return Err(ev
                    .start_line
                    .unsupported("a HOLIDAY event longer than one day"));
            }
            if single && ev.kind != Some(Kind::Closure) {
                let rule = HolidayRule::Date { date: first };
                spec.holidays.push(Holiday {
                    name: ev.name.clone(),
                    rule,
                });
            } else {
                let span = ClosedSpan::Days { first, last };
                spec.closures.push(ClosedPeriod {
                    reason: ev.name.clone(),
                    span,
                });
            }
            Ok(())
        }
        (When::Local(..), _) if ev.kind == Some(Kind::Holiday) => Err(ev
            .start_line
            .unsupported("a HOLIDAY event with a time (a holiday is a whole DATE)")),
        (When::Local(start, _), Some(When::Local(end, _))) => {
            if end <= start {
                return Err(end_line.bad_value("the event must end after it starts"));
            }
            spec.closures.push(ClosedPeriod {
                reason: ev.name.clone(),
                span: ClosedSpan::Period { start, end },
            });
            Ok(())
        }
        (When::Local(..), None) => Err(IcalError {
            line: ev.line,
            kind: IcalErrorKind::MissingProperty { property: "DTEND" },
        }),
        _ => Err(end_line.bad_value("DTSTART and DTEND must both be DATE or both DATE-TIME")),
    }
}

/// Weekly opening hours: one interval on each BYDAY weekday.
fn read_opening(
    ev: &Event<'_>,
    line: &Line,
    rule: &Rrule,
    spec: &mut CalendarSpec,
) -> Result<(), IcalError> {
    if rule.bymonth.is_some() || rule.bymonthday.is_some() {
        return Err(line.unsupported("BYMONTH or BYMONTHDAY in weekly opening hours"));
    }
    let (When::Local(from, shift), Some(When::Local(to, _))) = (ev.start, ev.end) else {
        return Err(ev
            .start_line
            .bad_value("opening hours need a DATE-TIME DTSTART and a DTEND or DURATION"));
    };
    let length = civil::local_of(to) - civil::local_of(from);
    if length <= 0 || length >= DAY {
        return Err(ev
            .start_line
            .bad_value("an opening interval lasts more than 0 and less than 24 hours"));
    }
    let range = TimeRange::new(from.time(), to.time());
    let whole = |t: jiff::civil::Time| t.second() == 0 && t.subsec_nanosecond() == 0;
    if !whole(range.start) || !whole(range.end) {
        return Err(ev
            .start_line
            .bad_value("opening hours start and end on whole minutes"));
    }
    let mut days = Vec::new();
    match &rule.byday {
        None => days.push(Weekday::of(from.date())),
        Some(list) => {
            for item in list.split(',') {
                match byday_item(item) {
                    Some((None, day)) => days.push(shifted(day, shift)),
                    Some((Some(_), _)) => {
                        return Err(line.unsupported("an ordinal BYDAY in weekly opening hours"));
                    }
                    None => {
                        return Err(line.bad_value("BYDAY items are MO, TU, WE, TH, FR, SA or SU"));
                    }
                }
            }
        }
    }
    for day in days {
        spec.hours.day_mut(day).push(range);
    }
    Ok(())
}

fn shifted(day: Weekday, shift: i64) -> Weekday {
    let index = (day.index() as i64 + shift).rem_euclid(7);
    Weekday::from_index(usize::try_from(index).unwrap_or(0))
}

/// A yearly holiday rule from an all-day event's RRULE.
fn yearly(ev: &Event<'_>, line: &Line, rule: &Rrule) -> Result<HolidayRule, IcalError> {
    let When::Date(date) = ev.start else {
        return Err(
            line.unsupported("a yearly rule on an event with a time (holidays are all-day)")
        );
    };
    if let Some(When::Date(end)) = ev.end
        && civil::day_of(end) != civil::day_of(date) + 1
    {
        return Err(line.unsupported("a yearly holiday longer than one day"));
    }
    let month = match &rule.bymonth {
        None => date.month(),
        Some(text) => text
            .trim()
            .parse::<i8>()
            .ok()
            .filter(|m| (1..=12).contains(m))
            .ok_or_else(|| line.unsupported("BYMONTH other than one month 1 to 12"))?,
    };
    let valid_day =
        |day: i8| day >= 1 && i64::from(day) <= civil::days_in_month(2000, i64::from(month));
    match (&rule.bymonthday, &rule.byday) {
        (Some(_), Some(_)) => Err(line.unsupported("BYMONTHDAY together with BYDAY")),
        (None, Some(byday)) => match byday_item(byday) {
            Some((Some(ordinal), weekday)) => {
                let nth = Nth::from_ordinal(ordinal)
                    .ok_or_else(|| line.unsupported("BYDAY ordinals other than 1 to 5 and -1"))?;
                Ok(HolidayRule::NthWeekday {
                    month,
                    weekday,
                    nth,
                })
            }
            _ => Err(line.unsupported("BYDAY other than one weekday with an ordinal (-1MO, 4TH)")),
        },
        (Some(text), None) => {
            let day = text
                .trim()
                .parse::<i8>()
                .ok()
                .filter(|&d| valid_day(d))
                .ok_or_else(|| line.unsupported("BYMONTHDAY other than one day of the month"))?;
            Ok(HolidayRule::Yearly { month, day })
        }
        (None, None) if valid_day(date.day()) => Ok(HolidayRule::Yearly {
            month,
            day: date.day(),
        }),
        (None, None) => Err(line.bad_value("the month has no such day")),
    }
}

/// The end of an event from DTEND or DURATION; an all-day event without
/// either lasts one day.
fn end_of(props: &Props<'_>, start: When, zone: &Zone<'_>) -> Result<Option<When>, IcalError> {
    if let Some(line) = props.dtend {
        if props.duration.is_some() {
            return Err(line.error(IcalErrorKind::Malformed(
                "an event has either DTEND or DURATION",
            )));
        }
        return when(line, zone).map(Some);
    }
    let Some(line) = props.duration else {
        return Ok(match start {
            When::Date(d) => civil::date_of(civil::day_of(d) + 1).map(When::Date),
            When::Local(..) => None,
        });
    };
    let micros = duration(line)?;
    Ok(match start {
        When::Date(d) if micros % DAY == 0 => {
            civil::date_of(civil::day_of(d) + micros / DAY).map(When::Date)
        }
        When::Date(_) => return Err(line.bad_value("an all-day event lasts whole days")),
        When::Local(dt, shift) => {
            civil::datetime_of(civil::local_of(dt) + micros).map(|end| When::Local(end, shift))
        }
    })
}
