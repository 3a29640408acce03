use super::{
    assert_not_theirs, assert_outsiders_refused, assert_redirect, assert_refused,
    assert_room_kept_in, create, created_id, World,
};
use crate::helpers::{assert_shows, OnceForm, Page, Person};
use time::macros::format_description;
use time::{Duration, OffsetDateTime};

/// A `datetime-local` value for a moment `ago` before now, in UTC.
pub(super) fn local_time(ago: Duration) -> String {
    (OffsetDateTime::now_utc() - ago)
        .format(format_description!("[year]-[month]-[day]T[hour]:[minute]"))
        .unwrap()
}

pub(super) fn report_fields<'a>(happened_at: &'a str, said: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("betrayal", ""),
        ("happened_at", happened_at),
        ("happened_at_which", ""),
        ("channel", "text_message"),
        ("what_was_said", said),
        ("how_i_responded", "I did not reply and blocked the number."),
    ]
}

async fn report(involved: &Person, ago: Duration, said: &str) -> u64 {
    let when = local_time(ago);
    let fields = report_fields(&when, said);
    create(involved, "/contact", &fields, "/contact#report-").await
}

/// Acknowledges report `id` with a `response`, which may be empty.
async fn acknowledge(hurt: &Person, id: u64, response: &str) -> Page {
    let path = format!("/contact/{id}/acknowledge");
    hurt.post(&path, &[("response", response)]).await
}

#[tokio::test]
async fn a_contact_is_reported_with_how_long_it_took_and_acknowledged() {
    let w = World::new().await;
    let (hurt, involved) = (&w.couple.hurt, &w.couple.involved);

    let form = involved.get("/contact").await;
    assert_shows(
        &form,
        &[
            "Your own time, in UTC.",
            "type=\"datetime-local\"",
            "Nothing here watches anyone.",
        ],
    );

    let id = report(
        involved,
        Duration::hours(3),
        "Marker-said: she asked to meet for coffee.",
    )
    .await;
    let page = hurt.get("/contact").await;
    assert_shows(
        &page,
        &[
            "Marker-said: she asked to meet for coffee.",
            "I did not reply and blocked the number.",
            "A text message",
            "<dt>How they responded</dt>",
        ],
    );
    involved
        .assert_sees("/contact", "<dt>How you responded</dt>")
        .await;
    assert_shows(
        &page,
        &[
            "Reported 3 hours after the contact, by your partner",
            "Not read yet",
        ],
    );
    assert!(page.body.contains(&format!("/contact/{id}/acknowledge")));
    let commitments = hurt.get("/commitments").await;
    assert_shows(
        &commitments,
        &["1 contact has been reported.", "1 waiting for you to read."],
    );

    let thanks = "Marker-thanks: thank you for telling me straight away.";
    let acknowledged = acknowledge(hurt, id, thanks).await;
    assert_redirect(&acknowledged, &format!("/contact#report-{id}"));
    let own = involved.get("/contact").await;
    assert_shows(&own, &["Your partner read this on", thanks]);
    let again = acknowledge(hurt, id, "Marker-again").await;
    assert_refused(&again, "You have already acknowledged this report.");
    assert_shows(&again, &["Marker-again"]); // the typed words are kept
}

#[tokio::test]
async fn a_refused_report_is_shown_again_with_what_was_typed() {
    let w = World::new().await;
    let involved = &w.couple.involved;
    let future = local_time(Duration::hours(-5));
    let page = involved
        .post(
            "/contact",
            &report_fields(&future, "Marker-kept: she called twice."),
        )
        .await;
    assert_refused(&page, "This time is still to come");
    assert!(page.body.contains("Marker-kept: she called twice."));
    assert!(page.body.contains(&format!("value=\"{future}\"")));
    assert!(page
        .body
        .contains("<option value=\"text_message\" selected>"));
    let unreadable = involved
        .post(
            "/contact",
            &report_fields("yesterday evening", "Marker-kept"),
        )
        .await;
    assert_refused(
        &unreadable,
        "Please give a date and time like 2026-03-14 18:30.",
    );
    assert!(unreadable.body.contains("aria-invalid=\"true\""));
    // The last minute of the calendar has no instant in every zone: a
    // refusal with the form kept, never a dropped connection.
    let edge = report_fields("9999-12-31T23:59", "Marker-kept at the edge");
    let edge = involved.post("/contact", &edge).await;
    assert_refused(&edge, "Please check the year.");
    assert!(edge.body.contains("Marker-kept at the edge"));
    involved
        .assert_sees("/contact", "No contact has been reported.")
        .await;
}

#[tokio::test]
async fn only_the_involved_partner_reports_and_only_the_hurt_partner_acknowledges() {
    let w = World::new().await;
    let (hurt, involved) = (&w.couple.hurt, &w.couple.involved);
    assert!(!hurt.sees("/contact", "name=\"what_was_said\"").await);
    let when = local_time(Duration::minutes(30));
    assert_not_theirs(&hurt.post("/contact", &report_fields(&when, "x")).await);
    let id = report(involved, Duration::minutes(30), "Marker-roles").await;
    assert_not_theirs(&acknowledge(involved, id, "").await);
}

#[tokio::test]
async fn nobody_outside_the_couple_reaches_its_contact_reports() {
    let w = World::new().await;
    let involved = &w.couple.involved;
    report(involved, Duration::hours(1), "Marker-private-one").await;
    let id = report(involved, Duration::hours(1), "Marker-private-two").await;
    let marker = "Marker-private";

    let when = local_time(Duration::hours(1));
    assert_room_kept_in(&w, "/contact", Some(&report_fields(&when, "x")), marker).await;
    let acknowledge = format!("/contact/{id}/acknowledge");
    let response = [("response", "x")];
    assert_outsiders_refused(&w, &acknowledge, Some(&response), marker).await;
}

#[tokio::test]
async fn every_contact_form_sent_twice_at_once_writes_once() {
    let w = World::new().await;
    let (hurt, involved) = (&w.couple.hurt, &w.couple.involved);
    let when = local_time(Duration::hours(2));
    let reported = involved
        .sends_once(&OnceForm {
            path: "/contact".into(),
            fields: report_fields(&when, "Marker-once: she wrote to me"),
            edited: Some(("what_was_said", "Marker-edited: she called me")),
            shown_on: "/contact".into(),
            entry: "Marker-once: she wrote to me",
        })
        .await;
    let id = created_id(&reported);
    assert_redirect(&reported, &format!("/contact#report-{id}"));
    let acknowledged = hurt
        .sends_once(&OnceForm {
            path: format!("/contact/{id}/acknowledge"),
            fields: vec![("response", "Marker-thanks-once")],
            edited: Some(("response", "Marker-thanks-edited")),
            shown_on: "/contact".into(),
            entry: "Marker-thanks-once",
        })
        .await;
    assert_redirect(&acknowledged, &format!("/contact#report-{id}"));
}
