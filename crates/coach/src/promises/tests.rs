use super::*;
use rapport_core::{CalendarSpec, Holiday, HolidayRule, TimeRange};

fn zoned(text: &str) -> Zoned {
    text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// Monday to Friday 09:00–17:00 in the zone of `now`.
fn office(now: &Zoned) -> BusinessCalendar {
    let zone = now.time_zone().iana_name().unwrap_or("UTC");
    BusinessCalendar::new(CalendarSpec::office_hours("Office", zone))
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The due time of the first promise in `draft`, written at `now`, on a
/// calendar.
fn due_on(draft: &str, now: &str, calendar: Option<&BusinessCalendar>) -> Option<String> {
    let mut findings = Vec::new();
    let promises = extract(draft, Some(&zoned(now)), calendar, &mut findings);
    promises.first().and_then(|p| p.due.clone())
}

/// The due time on office hours in the zone of `now`.
fn due(draft: &str, now: &str) -> Option<String> {
    due_on(draft, now, Some(&office(&zoned(now))))
}

// 2026-11-19 is a Thursday.
const THU: &str = "2026-11-19T10:00:00+01:00[Europe/Berlin]";

#[test]
fn weekdays_and_tomorrow() {
    assert_eq!(
        due("I'll send the replacement by Thursday.", THU).as_deref(),
        Some("2026-11-26T17:00:00+01:00[Europe/Berlin]"),
        "today is Thursday: next week's"
    );
    assert_eq!(
        due("We'll call you on Monday at 9am.", THU).as_deref(),
        Some("2026-11-23T09:00:00+01:00[Europe/Berlin]")
    );
    assert_eq!(
        due("We will call you tomorrow before noon.", THU).as_deref(),
        Some("2026-11-20T12:00:00+01:00[Europe/Berlin]")
    );
    assert_eq!(
        due("I'll update you next Tuesday.", THU).as_deref(),
        Some("2026-11-24T17:00:00+01:00[Europe/Berlin]")
    );
    assert_eq!(
        due("You'll have it by Friday 5:30 pm.", THU).as_deref(),
        Some("2026-11-20T17:30:00+01:00[Europe/Berlin]")
    );
}

#[test]
fn business_days_skip_the_weekend() {
    // Thursday + 2 business days = Monday.
    assert_eq!(
        due("You will receive the refund within 2 business days.", THU).as_deref(),
        Some("2026-11-23T17:00:00+01:00[Europe/Berlin]")
    );
    assert_eq!(
        due("You will receive the refund within 2 days.", THU).as_deref(),
        Some("2026-11-21T23:59:00+01:00[Europe/Berlin]"),
        "calendar days; the desk does not open on Saturday, so its end"
    );
    assert_eq!(
        due(
            "We'll reply within three working days.",
            "2026-11-21T09:00:00+01:00[Europe/Berlin]"
        )
        .as_deref(),
        Some("2026-11-25T17:00:00+01:00[Europe/Berlin]")
    );
    assert_eq!(
        due("I'll check back in 4 hours.", THU).as_deref(),
        Some("2026-11-19T14:00:00+01:00[Europe/Berlin]")
    );
}

#[test]
fn end_of_day_week_and_next_week() {
    assert_eq!(
        due("I'll have an answer for you by end of day.", THU).as_deref(),
        Some("2026-11-19T17:00:00+01:00[Europe/Berlin]")
    );
    assert_eq!(
        due("I'll get back to you by the end of the week.", THU).as_deref(),
        Some("2026-11-20T17:00:00+01:00[Europe/Berlin]")
    );
    assert_eq!(
        due("The part will ship next week.", THU).as_deref(),
        Some("2026-11-27T17:00:00+01:00[Europe/Berlin]")
    );
    // On a Saturday, "end of the week" is next Friday.
    assert_eq!(
        due(
            "I'll finish it by the end of the week.",
            "2026-11-21T09:00:00+01:00[Europe/Berlin]"
        )
        .as_deref(),
        Some("2026-11-27T17:00:00+01:00[Europe/Berlin]")
    );
}

#[test]
fn clock_times_and_dates() {
    assert_eq!(
        due("I'll call you at 3pm.", THU).as_deref(),
        Some("2026-11-19T15:00:00+01:00[Europe/Berlin]")
    );
    assert_eq!(
        due("I'll call you at 9am.", THU).as_deref(),
        Some("2026-11-20T09:00:00+01:00[Europe/Berlin]"),
        "9am has passed: tomorrow"
    );
    assert_eq!(
        due("Your order will arrive on December 3.", THU).as_deref(),
        Some("2026-12-03T17:00:00+01:00[Europe/Berlin]")
    );
    assert_eq!(
        due("Your order will arrive by 2 March.", THU).as_deref(),
        Some("2027-03-02T17:00:00+01:00[Europe/Berlin]")
    );
    assert_eq!(
        due("We'll credit you on the 5th.", THU).as_deref(),
        Some("2026-12-05T23:59:00+01:00[Europe/Berlin]"),
        "a Saturday"
    );
}

#[test]
fn daylight_saving_changes_the_offset_not_the_clock() {
    // Berlin springs forward on 2027-03-28 at 02:00.
    let now = "2027-03-27T10:00:00+01:00[Europe/Berlin]";
    assert_eq!(
        due("We will call you tomorrow before noon.", now).as_deref(),
        Some("2027-03-28T12:00:00+02:00[Europe/Berlin]")
    );
    // New York falls back on 2026-11-01.
    let ny = "2026-10-31T16:00:00-04:00[America/New_York]";
    assert_eq!(
        due("I'll send it within 1 business day.", ny).as_deref(),
        Some("2026-11-02T17:00:00-05:00[America/New_York]")
    );
    assert_eq!(
        due("I'll call in 24 hours.", ny).as_deref(),
        Some("2026-11-01T15:00:00-05:00[America/New_York]"),
        "24 real hours"
    );
}

#[test]
fn vague_promises_are_flagged_and_plain_sentences_ignored() {
    let mut findings = Vec::new();
    let promises = extract(
        "Thanks Ann. We'll ship it soon. The box is blue.",
        Some(&zoned(THU)),
        None,
        &mut findings,
    );
    assert_eq!(promises.len(), 1);
    assert!(promises[0].vague && promises[0].due.is_none());
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].check, Check::VaguePromise);
    let mut findings = Vec::new();
    assert!(
        extract(
            "The office opens on Monday at 9am. We may get busy.",
            Some(&zoned(THU)),
            None,
            &mut findings
        )
        .is_empty(),
        "no commitment"
    );
    assert!(extract("I'll look into it ASAP!", None, None, &mut findings)[0].vague);
}

#[test]
fn the_calendar_decides_what_a_business_day_is() {
    // Berlin, Monday to Friday 09:00–17:00, Friday 2026-11-20 a holiday.
    let mut spec = CalendarSpec::office_hours("Office", "Europe/Berlin");
    spec.holidays.push(Holiday {
        name: "Day off".into(),
        rule: HolidayRule::Date {
            date: jiff::civil::date(2026, 11, 20),
        },
    });
    spec.hours.thursday = vec![TimeRange::hm(9, 0, 14, 0)];
    let cal = BusinessCalendar::new(spec).unwrap_or_else(|e| panic!("{e}"));
    let due = |draft: &str| due_on(draft, THU, Some(&cal));
    assert_eq!(
        due("You will receive the refund within 2 business days.").as_deref(),
        Some("2026-11-24T17:00:00+01:00[Europe/Berlin]"),
        "Friday is a holiday: Monday, then Tuesday"
    );
    assert_eq!(
        due("I'll get back to you by the end of the week.").as_deref(),
        Some("2026-11-19T14:00:00+01:00[Europe/Berlin]"),
        "the week's last business day is today, which closes at 14:00"
    );
    assert_eq!(
        due("I'll have an answer for you by end of day.").as_deref(),
        Some("2026-11-19T14:00:00+01:00[Europe/Berlin]")
    );
    assert_eq!(
        due("We'll reply within 6 business hours.").as_deref(),
        Some("2026-11-23T11:00:00+01:00[Europe/Berlin]"),
        "4 hours today, none on the holiday or the weekend, 2 on Monday"
    );
    assert_eq!(
        due("Your parcel will arrive on Saturday.").as_deref(),
        Some("2026-11-21T23:59:00+01:00[Europe/Berlin]"),
        "a day the desk does not open lasts until its end"
    );
    // A desk open on Saturdays counts them.
    let mut spec = CalendarSpec::office_hours("Shop", "Europe/Berlin");
    spec.hours.saturday = vec![TimeRange::hm(10, 0, 13, 0)];
    let shop = BusinessCalendar::new(spec).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        due_on(
            "You will receive the refund within 2 business days.",
            THU,
            Some(&shop)
        )
        .as_deref(),
        Some("2026-11-21T13:00:00+01:00[Europe/Berlin]")
    );
    // The calendar's zone wins over the zone `now` was given in.
    assert_eq!(
        due_on(
            "I'll send it by end of day.",
            "2026-11-19T09:00:00+00:00[UTC]",
            Some(&cal)
        )
        .as_deref(),
        Some("2026-11-19T14:00:00+01:00[Europe/Berlin]")
    );
}

#[test]
fn without_a_calendar_only_times_that_need_none_are_resolved() {
    let plain = |draft: &str| due_on(draft, THU, None);
    assert_eq!(plain("I'll have an answer for you by end of day."), None);
    assert_eq!(plain("We'll reply within 2 business days."), None);
    assert_eq!(
        plain("I'll check back in 4 hours.").as_deref(),
        Some("2026-11-19T14:00:00+01:00[Europe/Berlin]")
    );
    assert_eq!(
        plain("We'll call you on Monday at 9am.").as_deref(),
        Some("2026-11-23T09:00:00+01:00[Europe/Berlin]")
    );
    assert_eq!(
        due("We'll reply within 99999999999 business days.", THU),
        None,
        "no endless count"
    );
}

#[test]
fn hopes_and_steps_that_wait_on_the_customer_are_no_vague_promises() {
    let mut findings = Vec::new();
    for draft in [
        "Fingers crossed we'll have it back soon!",
        "Hopefully we will have it in stock again.",
        "For more help, please email us the order number and we will look into it.",
        "Once the airline confirms, we will email you the new times.",
    ] {
        let promises = extract(draft, None, None, &mut findings);
        assert!(promises.iter().all(|p| !p.vague), "{draft}: {promises:?}");
    }
    assert!(findings.is_empty(), "{findings:?}");
    // A hope with a time is still tracked as a promise.
    let dated = extract(
        "Hopefully we will send it by Friday.",
        None,
        None,
        &mut findings,
    );
    assert_eq!(dated.len(), 1);
    assert!(!dated[0].vague);
    // Our own undated step is still vague.
    assert!(extract("We will look into it.", None, None, &mut findings)[0].vague);
}

#[test]
fn the_day_named_is_read_against_now() {
    let monday = zoned("2026-12-07T10:00:00+00:00[UTC]");
    let day = |text: &str| day_named(&text.split(' ').collect::<Vec<_>>(), &monday);
    assert_eq!(day("by friday"), Some(jiff::civil::date(2026, 12, 11)));
    assert_eq!(day("next tuesday"), Some(jiff::civil::date(2026, 12, 15)));
    assert_eq!(day("on 2 january"), Some(jiff::civil::date(2027, 1, 2)));
    assert_eq!(day("the 3rd"), Some(jiff::civil::date(2027, 1, 3)));
    assert_eq!(day("in 3 days"), Some(jiff::civil::date(2026, 12, 10)));
    assert_eq!(day("soon"), None);
}
