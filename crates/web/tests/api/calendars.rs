//! Issue 9, business time: calendars managed over the API, the posted hours
//! in the business zone, and the acknowledgment that names a real time.

use crate::both_backends;
use crate::harness::Harness;
use axum::body::Body;
use axum::http::{Method, Request};
use rapport_core::{BusinessCalendar, CalendarSpec, TimeRange, Timestamp, Weekday};
use serde_json::{Value, json};

async fn call(h: &Harness, method: Method, path: &str, token: &str, body: Value) -> (u16, Value) {
    let (s, b) = h.call(method, path, Some(token), Some(body)).await;
    (s.as_u16(), b)
}

async fn import(h: &Harness, query: &str, ics: &str) -> (u16, Value) {
    let request = Request::post(format!("/api/v1/calendars/import{query}"))
        .header("authorization", format!("Bearer {}", h.admin))
        .header("content-type", "text/calendar")
        .body(Body::from(ics.to_string()))
        .unwrap();
    let (s, b) = h.raw(request).await;
    (s.as_u16(), b)
}

/// The posted hours at an instant, without a token.
async fn hours_at(h: &Harness, at: &str) -> Value {
    let (s, b) = h
        .call(
            Method::GET,
            &format!("/api/v1/business-hours?at={at}"),
            None,
            None,
        )
        .await;
    assert_eq!(s, 200, "{b}");
    b
}

fn berlin() -> Value {
    json!({
        "name": "Support EU",
        "time_zone": "Europe/Berlin",
        "hours": {
            "monday": [{"start": "09:00", "end": "17:00"}],
            "tuesday": [{"start": "09:00", "end": "17:00"}],
            "wednesday": [{"start": "09:00", "end": "17:00"}],
            "thursday": [{"start": "09:00", "end": "17:00"}],
            "friday": [{"start": "09:00", "end": "17:00"}],
        },
        "holidays": [{"name": "New Year's Day", "rule": {"kind": "yearly", "month": 1, "day": 1}}],
    })
}

async fn calendars_are_managed_by_admins(h: &Harness) {
    // The first look stores the configured calendar as the default.
    let (s, list) = h.get("/api/v1/calendars", &h.agent).await;
    assert_eq!(s, 200, "{list}");
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(
        (
            &list[0]["name"],
            &list[0]["is_default"],
            &list[0]["time_zone"]
        ),
        (&json!("Business hours"), &json!(true), &json!("UTC"))
    );
    let seeded = list[0]["id"].as_i64().unwrap();
    let (s, _) = call(h, Method::POST, "/api/v1/calendars", &h.lead, berlin()).await;
    assert_eq!(s, 403, "leads do not change calendars");
    let (s, eu) = call(h, Method::POST, "/api/v1/calendars", &h.admin, berlin()).await;
    assert_eq!(s, 201, "{eu}");
    assert_eq!(eu["is_default"], false);
    let eu_id = eu["id"].as_i64().unwrap();
    let (s, b) = call(h, Method::POST, "/api/v1/calendars", &h.admin, berlin()).await;
    assert_eq!((s, b["error"]["code"].as_str()), (409, Some("conflict")));
    // Bad calendars are refused with the field at fault.
    let mut bad = berlin();
    bad["name"] = json!("Other");
    bad["time_zone"] = json!("Mars/Olympus");
    let (s, b) = call(h, Method::POST, "/api/v1/calendars", &h.admin, bad).await;
    assert_eq!(
        (s, b["error"]["field"].as_str()),
        (422, Some("time_zone")),
        "{b}"
    );
    let mut bad = berlin();
    bad["name"] = json!("Other");
    bad["hours"]["monday"] =
        json!([{"start": "09:00", "end": "13:00"}, {"start": "12:00", "end": "17:00"}]);
    let (s, b) = call(h, Method::POST, "/api/v1/calendars", &h.admin, bad).await;
    assert_eq!(
        (s, b["error"]["field"].as_str()),
        (422, Some("hours")),
        "{b}"
    );
    let mut bad = berlin();
    bad["colour"] = json!("blue");
    let (s, b) = call(h, Method::POST, "/api/v1/calendars", &h.admin, bad).await;
    assert_eq!(
        (s, b["error"]["field"].as_str()),
        (422, Some("colour")),
        "{b}"
    );
    // A calendar that never opens cannot be the default.
    let closed = json!({"name": "Closed", "time_zone": "Europe/Berlin"});
    let (s, shut) = call(h, Method::POST, "/api/v1/calendars", &h.admin, closed).await;
    assert_eq!(s, 201, "{shut}");
    let path = format!("/api/v1/calendars/{}/default", shut["id"]);
    let (s, b) = call(h, Method::POST, &path, &h.admin, json!({})).await;
    assert_eq!(
        (s, b["error"]["field"].as_str()),
        (422, Some("hours")),
        "{b}"
    );
    // The posted hours follow the default at once.
    let path = format!("/api/v1/calendars/{eu_id}/default");
    let (s, _) = call(h, Method::POST, &path, &h.agent, json!({})).await;
    assert_eq!(s, 403);
    let (s, b) = call(h, Method::POST, &path, &h.admin, json!({})).await;
    assert_eq!((s, &b["is_default"]), (200, &json!(true)), "{b}");
    let hours = hours_at(h, "2026-12-03T12:00:00Z").await;
    assert_eq!(
        (
            &hours["calendar"],
            &hours["time_zone"],
            &hours["zone_label"]
        ),
        (
            &json!("Support EU"),
            &json!("Europe/Berlin"),
            &json!("Berlin time")
        )
    );
    // Changing it changes the posted hours at once, too.
    let mut later = berlin();
    later["hours"]["thursday"] = json!([{"start": "14:00", "end": "20:00"}]);
    let path = format!("/api/v1/calendars/{eu_id}");
    let (s, b) = call(h, Method::PUT, &path, &h.admin, later).await;
    assert_eq!(s, 200, "{b}");
    let hours = hours_at(h, "2026-12-03T12:00:00Z").await;
    assert_eq!(hours["open_now"], false, "13:00 in Berlin: not yet");
    assert_eq!(hours["next_opening"]["local"], "2026-12-03T14:00");
    // The default cannot be deleted; another can.
    let (s, _) = call(h, Method::DELETE, &path, &h.admin, json!({})).await;
    assert_eq!(s, 409);
    let path = format!("/api/v1/calendars/{seeded}");
    let (s, _) = call(h, Method::DELETE, &path, &h.admin, json!({})).await;
    assert_eq!(s, 204);
    let (s, _) = h.get(&path, &h.agent).await;
    assert_eq!(s, 404);
    // The feed of the default is public; any calendar's needs a token.
    let (s, feed) = h
        .call(Method::GET, "/api/v1/business-hours/ical", None, None)
        .await;
    let feed = feed.as_str().unwrap_or_default().to_string();
    assert_eq!(s, 200);
    assert!(feed.contains("X-WR-TIMEZONE:Europe/Berlin"), "{feed}");
    let (s, same) = h
        .get(&format!("/api/v1/calendars/{eu_id}/ical"), &h.agent)
        .await;
    assert_eq!((s.as_u16(), same.as_str().is_some()), (200, true));
}

/// A feed with weekday hours and an all-day Christmas holiday, in a zone.
fn christmas_feed(name: &str, zone: &str) -> String {
    [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Test//Holidays//EN",
        &format!("X-WR-CALNAME:{name}"),
        &format!("X-WR-TIMEZONE:{zone}"),
        "BEGIN:VEVENT",
        "UID:hours@test",
        "X-RAPPORT-KIND:OPENING",
        &format!("DTSTART;TZID={zone}:20240101T090000"),
        &format!("DTEND;TZID={zone}:20240101T170000"),
        "RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
        "SUMMARY:Open",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:xmas@test",
        "DTSTART;VALUE=DATE:20261225",
        "DTEND;VALUE=DATE:20261226",
        "SUMMARY:Christmas Day",
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
    .join("\r\n")
}

/// Issue 9's bug "holidays from a feed shifted by one day", end to end
/// through the API: an all-day holiday stays on its civil day in zones east
/// and west of UTC, in the stored calendar, the posted hours and the clocks.
async fn holidays_from_a_feed_stay_on_their_day(h: &Harness) {
    for (zone, starts_at) in [
        ("Europe/Berlin", "2026-12-24T23:00:00Z"),
        ("America/Los_Angeles", "2026-12-25T08:00:00Z"),
        ("Pacific/Auckland", "2026-12-24T11:00:00Z"),
    ] {
        let name = format!("Holidays {zone}");
        let (s, cal) = import(h, "?default=true", &christmas_feed(&name, zone)).await;
        assert_eq!(s, 200, "{cal}");
        assert_eq!(
            (&cal["name"], &cal["is_default"]),
            (&json!(name), &json!(true))
        );
        assert_eq!(
            cal["spec"]["holidays"][0]["rule"],
            json!({"kind": "date", "date": "2026-12-25"}),
            "{zone}: {cal}"
        );
        let hours = hours_at(h, "2026-12-21T12:00:00Z").await;
        let christmas = &hours["closures"][0];
        assert_eq!(
            (&christmas["reason"], &christmas["start"], &christmas["end"]),
            (
                &json!("Christmas Day"),
                &json!("2026-12-25T00:00"),
                &json!("2026-12-26T00:00")
            ),
            "{zone}: {hours}"
        );
        assert_eq!(christmas["starts_at"], starts_at, "{zone}");
        let day = |date: &str| {
            hours["days"]
                .as_array()
                .unwrap()
                .iter()
                .find(|d| d["date"] == date)
                .cloned()
                .unwrap_or_else(|| panic!("{date} in {hours}"))
        };
        let (eve, xmas) = (day("2026-12-24"), day("2026-12-25"));
        assert_eq!(
            eve["open"][0]["opens"]["local"], "2026-12-24T09:00",
            "{zone}"
        );
        assert_eq!(xmas["holidays"], json!(["Christmas Day"]), "{zone}");
        assert_eq!(xmas["open"], json!([]), "{zone}: closed all day");
        // The clocks agree: closed at 10:00 local on the 25th, open the 24th.
        let local_ten = |date: &str| -> String {
            let zoned: jiff::Zoned = format!("{date}T10:00[{zone}]").parse().unwrap();
            zoned.timestamp().to_string()
        };
        assert_eq!(
            hours_at(h, &local_ten("2026-12-25")).await["open_now"],
            false
        );
        assert_eq!(
            hours_at(h, &local_ten("2026-12-24")).await["open_now"],
            true
        );
        // Export and import again: the same calendar.
        let (_, feed) = h
            .get(&format!("/api/v1/calendars/{}/ical", cal["id"]), &h.admin)
            .await;
        let again = format!("?name=Copy%20{}", zone.replace('/', "-"));
        let (s, copy) = import(h, &again, feed.as_str().unwrap()).await;
        assert_eq!(s, 200, "{copy}");
        assert_eq!(copy["spec"]["holidays"], cal["spec"]["holidays"], "{zone}");
        assert_eq!(copy["spec"]["hours"], cal["spec"]["hours"], "{zone}");
    }
    // A public-holiday feed (as calendar services publish them) goes into
    // the default calendar, which keeps its name, zone and hours.
    let (_, eu) = call(h, Method::POST, "/api/v1/calendars", &h.admin, berlin()).await;
    let path = format!("/api/v1/calendars/{}/default", eu["id"]);
    assert_eq!(
        call(h, Method::POST, &path, &h.admin, json!({})).await.0,
        200
    );
    let public = [
        "BEGIN:VCALENDAR",
        "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:Holidays in Germany",
        "X-WR-TIMEZONE:UTC",
        "BEGIN:VEVENT",
        "DTSTART;VALUE=DATE:20261226",
        "DTEND;VALUE=DATE:20261227",
        "DTSTAMP:20260101T000000Z",
        "UID:20261226_de@holiday.example",
        "CLASS:PUBLIC",
        "DESCRIPTION:Public holiday",
        "STATUS:CONFIRMED",
        "TRANSP:TRANSPARENT",
        "SUMMARY:Second Day of Christmas",
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
    .join("\r\n");
    let (s, merged) = import(h, "?holidays_only=true", &public).await;
    assert_eq!(s, 200, "{merged}");
    assert_eq!(
        (&merged["name"], &merged["time_zone"], &merged["is_default"]),
        (&json!("Support EU"), &json!("Europe/Berlin"), &json!(true))
    );
    assert_eq!(merged["spec"]["hours"], eu["spec"]["hours"]);
    assert_eq!(
        merged["spec"]["holidays"],
        json!([{"name": "Second Day of Christmas", "rule": {"kind": "date", "date": "2026-12-26"}}])
    );
    let hours = hours_at(h, "2026-12-21T12:00:00Z").await;
    assert_eq!(hours["closures"][0]["start"], "2026-12-26T00:00", "{hours}");
    assert_eq!(hours["closures"][0]["starts_at"], "2026-12-25T23:00:00Z");
    let (s, b) = import(h, "?holidays_only=true&name=Nobody", &public).await;
    assert_eq!(
        (s, b["error"]["field"].as_str()),
        (422, Some("name")),
        "{b}"
    );
    // Importing the same name again replaces it; errors name the line.
    let (s, list) = h.get("/api/v1/calendars", &h.agent).await;
    let before = list.as_array().unwrap().len();
    let (s2, _) = import(
        h,
        "",
        &christmas_feed("Holidays Europe/Berlin", "Europe/Berlin"),
    )
    .await;
    let (_, list) = h.get("/api/v1/calendars", &h.agent).await;
    assert_eq!(
        (s.as_u16(), s2, list.as_array().unwrap().len()),
        (200, 200, before)
    );
    let broken = christmas_feed("Broken", "Europe/Berlin").replace(
        "DTSTART;VALUE=DATE:20261225",
        "DTSTART;VALUE=DATE:2026-13-45",
    );
    let (s, b) = import(h, "", &broken).await;
    assert_eq!(
        (s, b["error"]["field"].as_str()),
        (422, Some("calendar")),
        "{b}"
    );
    assert!(
        b["error"]["message"].as_str().unwrap().contains("line 16"),
        "{b}"
    );
    let (s, _) = import(h, "", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n").await;
    assert_eq!(s, 422, "no name");
}

/// Issue 9's bug "times shown in UTC instead of the business zone": the
/// posted hours give wall-clock times in the business zone and name it.
async fn business_hours_show_the_business_zone(h: &Harness) {
    let (_, eu) = call(h, Method::POST, "/api/v1/calendars", &h.admin, berlin()).await;
    let path = format!("/api/v1/calendars/{}/default", eu["id"]);
    assert_eq!(
        call(h, Method::POST, &path, &h.admin, json!({})).await.0,
        200
    );
    // Thursday 17:30 UTC is 18:30 in Berlin: closed until Friday 09:00.
    let hours = hours_at(h, "2026-12-03T17:30:00Z").await;
    assert_eq!(hours["now"]["local"], "2026-12-03T18:30");
    assert_eq!(hours["open_now"], false);
    assert_eq!(
        hours["next_opening"],
        json!({"at": "2026-12-04T08:00:00Z", "local": "2026-12-04T09:00", "text": "Friday 09:00 (Berlin time)"})
    );
    assert_eq!(hours["closes_at"], Value::Null);
    // 15:00 UTC is 16:00 in Berlin: open until 17:00.
    let hours = hours_at(h, "2026-12-03T15:00:00Z").await;
    assert_eq!(hours["open_now"], true);
    assert_eq!(hours["closes_at"]["local"], "2026-12-03T17:00");
    assert_eq!(hours["closes_at"]["text"], "Thursday 17:00 (Berlin time)");
    assert_eq!(
        hours["week"][0]["intervals"][0],
        json!({"start": "09:00", "end": "17:00", "ends_next_day": false})
    );
    assert_eq!(hours["days"][0]["date"], "2026-12-03");
    let new_year = &hours_at(h, "2026-12-31T12:00:00Z").await["closures"][0];
    assert_eq!(
        (
            &new_year["reason"],
            &new_year["start"],
            &new_year["starts_at"]
        ),
        (
            &json!("New Year's Day"),
            &json!("2027-01-01T00:00"),
            &json!("2026-12-31T23:00:00Z")
        )
    );
    let (s, b) = h
        .call(
            Method::GET,
            "/api/v1/business-hours?at=tomorrow",
            None,
            None,
        )
        .await;
    assert_eq!(
        (s.as_u16(), b["error"]["field"].as_str()),
        (422, Some("at"))
    );
}

/// A second server on the same database changes the default calendar; this
/// one shows the change once its copy is older than the recheck interval.
async fn a_change_through_another_server_is_seen(h: &Harness) {
    let hours = hours_at(h, "2026-12-03T12:00:00Z").await;
    assert_eq!(hours["time_zone"], "UTC");
    let store = rapport_store::Store::open(&h.database_url).await.unwrap();
    let blobs = rapport_store::Blobs::filesystem(&h.blob_dir).unwrap();
    let other = rapport_app::App::new(store.clone(), blobs, rapport_app::AppConfig::default());
    let operator = rapport_app::Caller::operator(h.admin_id, rapport_core::Role::Admin);
    let spec: CalendarSpec = serde_json::from_value(berlin()).unwrap();
    let created = other.create_calendar(&operator, spec).await.unwrap();
    other
        .set_default_calendar(&operator, created.id)
        .await
        .unwrap();
    store.close().await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let hours = hours_at(h, "2026-12-03T12:00:00Z").await;
    assert_eq!(
        (&hours["calendar"], &hours["time_zone"]),
        (&json!("Support EU"), &json!("Europe/Berlin"))
    );
}

fn quick_recheck() -> rapport_app::AppConfig {
    rapport_app::AppConfig {
        business: rapport_app::BusinessConfig {
            recheck: std::time::Duration::from_millis(200),
            ..rapport_app::BusinessConfig::default()
        },
        ..rapport_app::AppConfig::default()
    }
}

crate::both_backends_with!(super::quick_recheck(); a_change_through_another_server_is_seen);

both_backends!(
    calendars_are_managed_by_admins,
    holidays_from_a_feed_stay_on_their_day,
    business_hours_show_the_business_zone,
);

/// A Berlin calendar open one hour a week, three days from today: closed
/// whenever the test runs.
fn far_opening() -> CalendarSpec {
    let today = jiff::Timestamp::now()
        .in_tz("Europe/Berlin")
        .map(|z| Weekday::of(z.date()))
        .unwrap_or(Weekday::Monday);
    let open_day = Weekday::from_index(today.index() + 3);
    let mut spec = CalendarSpec::new("Berlin, one hour", "Europe/Berlin");
    spec.hours
        .day_mut(open_day)
        .push(TimeRange::hm(9, 0, 10, 0));
    spec
}

fn closed_now() -> rapport_app::AppConfig {
    rapport_app::AppConfig {
        business: rapport_app::BusinessConfig {
            calendar: far_opening(),
            first_response_minutes: 90,
            ..rapport_app::BusinessConfig::default()
        },
        mail: rapport_app::MailConfig {
            address: "support@shop.example".into(),
            outbound: true,
            ..rapport_app::MailConfig::default()
        },
        ..rapport_app::AppConfig::default()
    }
}

/// Mails a new request in through the MTA pipe (Message-ID `<{id}@...>`) and
/// returns the text of the acknowledgment it queued, the only mail queued.
async fn acknowledgment_of_new_mail(h: &Harness, id: &str) -> String {
    let raw = format!(
        "Message-ID: <{id}@customer.example>\r\nFrom: Ann Lee <ann@customer.example>\r\nTo: support@shop.example\r\nSubject: Broken lamp\r\n\r\nMy lamp arrived broken.\r\n"
    );
    let request = Request::post("/api/v1/inbound/mime")
        .header("authorization", format!("Bearer {}", h.mail_pipe))
        .header("content-type", "message/rfc822")
        .body(Body::from(raw))
        .unwrap();
    let (s, b) = h.raw(request).await;
    assert_eq!(
        (s.as_u16(), b["outcome"].as_str()),
        (202, Some("created")),
        "{b}"
    );
    let store = rapport_store::Store::connect(&h.database_url)
        .await
        .unwrap();
    let lease = Timestamp::now().plus_seconds(60);
    let claimed = store.claim_outbox("test", 10, lease).await.unwrap();
    store.close().await;
    assert_eq!(claimed.len(), 1);
    rapport_mail::parse(&claimed[0].raw).unwrap().text
}

/// The acknowledgment names a real time in the business zone: when the desk
/// opens (it is closed now) and by when a person answers, counted in
/// business minutes on the default calendar.
async fn the_acknowledgment_names_a_real_time(h: &Harness) {
    let calendar = BusinessCalendar::new(far_opening()).unwrap();
    let before = Timestamp::now();
    let text = acknowledgment_of_new_mail(h, "ack-time").await;
    let opens = calendar.next_opening(before).unwrap();
    let by = calendar.add_business_minutes(before, 90).unwrap();
    let show = |t: Timestamp| rapport_app::hours::customer_time(&calendar, t, before);
    assert!(
        show(opens).ends_with("09:00 (Berlin time)"),
        "{}",
        show(opens)
    );
    assert!(
        text.contains(&format!(
            "We are closed right now and open again on {}.",
            show(opens)
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "A person from our team will answer by {};",
            show(by)
        )),
        "{text}"
    );
    assert!(!text.contains("UTC"), "{text}");
}

/// The acknowledgment promises the response-target policy that applies to
/// the new ticket (here 30 business minutes, not the configured 90).
async fn the_acknowledgment_follows_the_policy(h: &Harness) {
    let (s, b) = h
        .post(
            "/api/v1/sla-policies",
            &h.admin,
            serde_json::json!({"name": "Mail", "conditions": {"channels": ["email"]}, "first_response_minutes": 30}),
        )
        .await;
    assert_eq!(s.as_u16(), 201, "{b}");
    let calendar = BusinessCalendar::new(far_opening()).unwrap();
    let before = Timestamp::now();
    let text = acknowledgment_of_new_mail(h, "ack-policy").await;
    let by = calendar.add_business_minutes(before, 30).unwrap();
    let show = |t: Timestamp| rapport_app::hours::customer_time(&calendar, t, before);
    assert!(
        text.contains(&format!(
            "A person from our team will answer by {};",
            show(by)
        )),
        "{text}"
    );
}

crate::both_backends_with!(super::closed_now(); the_acknowledgment_names_a_real_time, the_acknowledgment_follows_the_policy);
