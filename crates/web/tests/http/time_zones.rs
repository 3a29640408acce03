//! Each person reads dates in their own time zone: chosen at registration
//! and on the account page, used for "today", for every date shown and for
//! a time they type. The clock is moved instead of waited for.

use crate::checkin::check_in;
use crate::helpers::{assert_hides, assert_refused, assert_shows, Page, Person, TestApp};
use crate::pulse::take_pulse;
use kintsugi_web::app::clock::{Clock, Zone};
use kintsugi_web::app::config::{Limits, WebConfig};
use kintsugi_web::present::dates;
use time::macros::datetime;
use time::macros::format_description;
use time::{Duration, Time};

fn zone(name: &str) -> Zone {
    Zone::named(name).unwrap()
}

async fn choose_zone(person: &Person, name: &str) {
    let page = person
        .post("/account/time-zone", &[("time_zone", name)])
        .await;
    assert_eq!(page.status, 200, "choosing {name}: {}", page.body);
    assert_shows(&page, &[&format!("Saved. Dates now read in {name}.")]);
    assert_shows(&page, &[&format!("<option value=\"{name}\" selected>")]);
}

/// A contact report's fields, with the time as typed on a wall clock.
fn report<'a>(happened_at: &'a str, which: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("betrayal", ""),
        ("happened_at", happened_at),
        ("happened_at_which", which),
        ("channel", "text_message"),
        ("what_was_said", "Marker-zone: she asked to meet."),
        ("how_i_responded", "I did not reply and blocked the number."),
    ]
}

#[tokio::test]
async fn registration_offers_the_instance_zone_and_keeps_the_one_chosen() {
    let app = TestApp::spawn_with(WebConfig {
        time_zone: zone("Europe/Berlin"),
        limits: Limits {
            auth_attempts: 1_000,
            ..Limits::default()
        },
        ..WebConfig::default()
    })
    .await;
    let visitor = app.anonymous_as("kiri@example.org");
    let form = visitor.get("/register").await;
    assert_shows(
        &form,
        &[
            "<optgroup label=\"Pacific\">",
            "<option value=\"Europe/Berlin\" selected>Berlin</option>",
            "<option value=\"America/New_York\">New York</option>",
        ],
    );

    let unknown = register_in(&visitor, "Mars/Olympus_Mons").await;
    assert_refused(&unknown, "Please choose your time zone from the list.");
    assert_shows(&unknown, &["value=\"kiri@example.org\""]);

    let registered = register_in(&visitor, "Pacific/Kiritimati").await;
    assert_eq!(registered.status, 303, "{}", registered.body);
    visitor.login().await;
    let account = visitor.get("/account").await;
    assert_shows(
        &account,
        &["<option value=\"Pacific/Kiritimati\" selected>Kiritimati</option>"],
    );

    // Someone who sends no zone at all gets the instance's.
    let plain = app.anonymous_as("plain@example.org");
    plain.register().await;
    plain.login().await;
    assert!(
        plain
            .sees("/account", "<option value=\"Europe/Berlin\" selected>")
            .await
    );
}

#[tokio::test]
async fn partners_in_zones_a_day_apart_each_see_their_own_today() {
    // 10:30 UTC: already 30 November on Kiritimati (UTC+14), still
    // 28 November on Pago Pago (UTC-11).
    let (app, couple) = TestApp::with_couple_at(datetime!(2026-11-29 10:30 UTC)).await;
    let (hurt, involved) = (&couple.hurt, &couple.involved);
    choose_zone(hurt, "Pacific/Kiritimati").await;
    choose_zone(involved, "Pacific/Pago_Pago").await;

    let hurts = hurt.get("/").await;
    assert_shows(&hurts, &["<p class=\"today-date\">30 November 2026</p>"]);
    let involveds = involved.get("/").await;
    assert_shows(
        &involveds,
        &["<p class=\"today-date\">28 November 2026</p>"],
    );

    // Half an hour later it is midnight on Pago Pago; Kiritimati's day goes on.
    app.clock.advance(Duration::minutes(30));
    assert!(
        involved
            .sees("/", "<p class=\"today-date\">29 November 2026</p>")
            .await
    );
    assert!(
        hurt.sees("/", "<p class=\"today-date\">30 November 2026</p>")
            .await
    );
}

#[tokio::test]
async fn a_contact_time_is_read_on_the_reporters_wall_clock() {
    // The record stamps a report with the real time it was written, so
    // this story keeps the app's clock at the real time too.
    let app = TestApp::spawn().await;
    let couple = app.couple().await;
    let (hurt, involved) = (&couple.hurt, &couple.involved);
    choose_zone(involved, "Pacific/Kiritimati").await;
    let kiritimati = zone("Pacific/Kiritimati");
    let now = app.clock.now();

    let form = involved.get("/contact").await;
    let wall_now = dates::wall_time(kiritimati.local(now));
    assert_shows(
        &form,
        &[
            "Your own time, in Pacific/Kiritimati.",
            &format!("It is {wall_now} +14 now."),
        ],
    );
    assert_hides(&form, &["Times are UTC", "utc_offset"]);

    // Three hours ago on Kiritimati's clocks (UTC+14). Read as UTC, the
    // same digits would be eleven hours in the future.
    let typed = (kiritimati.local(now) - Duration::hours(3))
        .format(format_description!("[year]-[month]-[day]T[hour]:[minute]"))
        .unwrap();
    let sent = involved.post("/contact", &report(&typed, "")).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let read = hurt.get("/contact").await;
    let happened = (now - Duration::hours(3)).replace_second(0).unwrap();
    let happened = happened.replace_nanosecond(0).unwrap();
    assert_shows(
        &read,
        &[
            "Reported 3 hours after the contact",
            &dates::when(happened, Zone::utc()),
        ],
    );
    assert!(
        involved
            .sees("/contact", &dates::when(happened, kiritimati))
            .await
    );
}

#[tokio::test]
async fn a_time_the_clocks_skipped_is_refused_and_a_repeated_one_asks_which() {
    // 8 March 2026, 08:00 in New York: clocks went forward at 02:00.
    let (app, couple) = TestApp::with_couple_at(datetime!(2026-03-08 12:00 UTC)).await;
    let (hurt, involved) = (&couple.hurt, &couple.involved);
    choose_zone(involved, "America/New_York").await;

    let skipped = involved
        .post("/contact", &report("2026-03-08T02:30", ""))
        .await;
    assert_refused(
        &skipped,
        "The clocks went forward that night, so 02:30 did not happen in America/New_York.",
    );
    assert_shows(
        &skipped,
        &[
            "value=\"2026-03-08T02:30\"",
            "Marker-zone: she asked to meet.",
        ],
    );

    // 1 November 2026, 07:00 in New York: clocks went back at 02:00, so
    // 01:30 came twice, first in EDT (05:30 UTC), then in EST (06:30 UTC).
    app.clock.set(datetime!(2026-11-01 12:00 UTC));
    // Months later: both sign in again, their sessions long ended.
    involved.login().await;
    hurt.login().await;
    let twice = involved
        .post("/contact", &report("2026-11-01T01:30", ""))
        .await;
    assert_refused(
        &twice,
        "The clocks went back that night, so 01:30 happened twice in America/New_York.",
    );
    assert_shows(
        &twice,
        &[
            "value=\"2026-11-01T01:30\"",
            "<input type=\"radio\" name=\"happened_at_which\" value=\"first\"> the first 01:30 (EDT)",
            "<input type=\"radio\" name=\"happened_at_which\" value=\"second\"> the second 01:30 (EST)",
            "Marker-zone: she asked to meet.",
        ],
    );
    assert!(hurt.sees("/contact", "No contact has been reported.").await);

    let chosen = involved
        .post("/contact", &report("2026-11-01T01:30", "second"))
        .await;
    assert_eq!(chosen.status, 303, "{}", chosen.body);
    assert!(hurt.sees("/contact", "1 November 2026, 06:30 UTC").await);
    assert!(
        involved
            .sees("/contact", "1 November 2026, 01:30 EST")
            .await
    );
}

/// A daily request's days are the days of the partner who does it. The
/// record stamps each step with the real time, so this story runs on the
/// real clock: before 11:00 UTC it is still yesterday on Pago Pago, where a
/// request agreed "tomorrow" in UTC could not have been done today.
#[tokio::test]
async fn a_request_is_done_on_the_day_of_the_partner_who_does_it() {
    let app = TestApp::spawn().await;
    let couple = app.couple().await;
    choose_zone(&couple.hurt, "Pacific/Kiritimati").await;
    choose_zone(&couple.involved, "Pacific/Pago_Pago").await;
    let request = couple
        .agreed_request("Text me when you leave work", "daily")
        .await;
    couple.log_done(&request).await;

    let theirs = zone("Pacific/Pago_Pago").local(app.clock.now()).date();
    let page = couple.involved.get(&request).await;
    assert_shows(&page, &[&format!("max=\"{theirs}\"")]);
    // Done on the doer's today, and counted so on the hurt partner's page,
    // whose own today is a day or two later.
    let read = couple.hurt.get(&request).await;
    assert_shows(&read, &["1 of 1 (100%)"]);
    // Progress counts the same days as the request's own page, for both.
    for partner in [&couple.hurt, &couple.involved] {
        assert!(partner.sees("/progress", "1 of 1 time (100%)").await);
    }
}

/// A check-in and a pulse count on the local day they were made: "checked
/// in today" lasts until the person's own midnight, the pulse is due again a
/// week of their days later, and Progress dates it on their calendar. The
/// record is dated by the app's clock, so the story is set at a moment when
/// Pago Pago (UTC-11) is still on the day before UTC's.
#[tokio::test]
async fn a_check_in_and_a_pulse_count_on_the_local_day_they_were_made() {
    // 05:00 UTC on 2 March is 18:00 on 1 March in Pago Pago (UTC-11).
    let (app, couple) = TestApp::with_couple_at(datetime!(2026-03-02 05:00 UTC)).await;
    let involved = &couple.involved;
    let made_at = app.clock.now();
    let name = "Pacific/Pago_Pago";
    choose_zone(involved, name).await;
    let local = zone(name).local(made_at);
    let local_day = local.date();
    assert_ne!(
        local_day,
        made_at.date(),
        "{name} must not be on UTC's date"
    );

    let checked = check_in(involved, &[("tender", "2")], "", "only_me").await;
    assert_eq!(checked.status, 303, "{}", checked.body);
    let pulsed = take_pulse(involved, 5, "partner", &[]).await;
    assert_eq!(pulsed.status, 303, "{}", pulsed.body);

    // The last second of that local day: still checked in today.
    let midnight = made_at + (Duration::DAY - (local.time() - Time::MIDNIGHT));
    app.clock.set(midnight - Duration::seconds(1));
    involved.login().await;
    let late = involved.get("/").await;
    assert_shows(
        &late,
        &[&format!(
            "<p class=\"today-date\">{}</p>",
            dates::day(local_day)
        )],
    );
    assert_hides(
        &late,
        &["Check in with yourself", "Your trust pulse is due"],
    );
    let progress = involved.get("/progress").await;
    assert_shows(&progress, &[&format!(" on {}", dates::day(local_day))]);
    // UTC's date of that moment appears nowhere: not in the trust chart,
    // not among the milestones.
    assert_hides(&progress, &[&dates::day(made_at.date())]);

    // Their midnight: a new day asks for a new check-in; the weekly pulse
    // is not due yet.
    app.clock.set(midnight + Duration::seconds(1));
    involved.login().await;
    let next = involved.get("/").await;
    assert_shows(&next, &["Check in with yourself"]);
    assert_hides(&next, &["Your trust pulse is due"]);

    // A week of their days after the pulse, it is due from their midnight.
    app.clock
        .set(midnight + Duration::days(6) + Duration::seconds(1));
    involved.login().await;
    assert!(involved.sees("/", "Your trust pulse is due").await);
}

/// The feelings chart counts a check-in on the viewer's local day: one
/// made at 23:30 in Pago Pago (UTC-11) is already the next day in UTC, yet
/// it belongs to the window ending with their today.
#[tokio::test]
async fn a_late_evening_check_in_counts_in_the_feelings_chart_of_that_local_day() {
    // 10:30 UTC on 2 March is 23:30 on 1 March in Pago Pago.
    let (_app, couple) = TestApp::with_couple_at(datetime!(2026-03-02 10:30 UTC)).await;
    let involved = &couple.involved;
    choose_zone(involved, "Pacific/Pago_Pago").await;
    let checked = check_in(involved, &[("tender", "2")], "", "only_me").await;
    assert_eq!(checked.status, 303, "{}", checked.body);

    let progress = involved.get("/progress").await;
    assert_shows(&progress, &["to 1 March 2026. You checked in 1 time;"]);
}

/// Registers `kiri@example.org` with the time zone `zone` chosen.
async fn register_in(visitor: &Person, zone: &str) -> Page {
    let password = crate::helpers::PASSWORD;
    let fields = [
        ("email", "kiri@example.org"),
        ("password", password),
        ("password_confirm", password),
        ("time_zone", zone),
    ];
    visitor.post("/register", &fields).await
}
