//! Talks: a request answered with space and then with a time the asker
//! picks, and the hurt partner's quiet period, on SQLite and PostgreSQL.

use crate::helpers::{assert_redirect, assert_refused, excerpt, Couple, OnceForm, Person, TestApp};
use crate::repair::{assert_not_theirs, create, created_id};
use kintsugi_web::app::clock::{LocalTime, Zone};
use kintsugi_web::present::dates;
use time::{Duration, OffsetDateTime, Time};

const TOPIC: &str = "Marker-topic: the weekend at the lake house";

fn ask_fields<'a>(kind: &'a str, topic: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![("kind", kind), ("soon", "soon"), ("topic", topic)]
}

async fn ask(by: &Person, kind: &str, topic: &str) -> u64 {
    create(by, "/talk", &ask_fields(kind, topic), "/talk#talk-").await
}

/// The answer form as sent, with `choice` and the fields it reads.
pub(crate) fn answer_fields<'a>(
    choice: &'a str,
    extra: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("choice", choice),
        ("time_1", ""),
        ("time_1_which", ""),
        ("time_2", ""),
        ("time_2_which", ""),
        ("time_3", ""),
        ("time_3_which", ""),
        ("days", ""),
        ("words", ""),
    ];
    for (name, value) in extra {
        if let Some(field) = fields.iter_mut().find(|(n, _)| n == name) {
            field.1 = value;
        }
    }
    fields
}

/// 19:00 on the wall clock in `zone`, two days from now: the value typed
/// and the instant it names.
fn evening_in(zone: Zone) -> (String, OffsetDateTime) {
    let day = (OffsetDateTime::now_utc() + Duration::days(2)).date();
    let wall = day.with_time(Time::from_hms(19, 0, 0).unwrap());
    let LocalTime::One(at) = zone.instants_at(wall) else {
        panic!("19:00 is on every clock")
    };
    (dates::typed_value(wall.assume_utc()), at)
}

async fn set_zone(person: &Person, zone: &str) {
    let set = person
        .post("/account/time-zone", &[("time_zone", zone)])
        .await;
    assert!(set.status < 400, "{}", excerpt(&set.body));
}

/// A request answered with space, the space ended early by the one who
/// asked for it, then a new request answered with times in the answerer's
/// zone, the asker picking one read in theirs, and each partner's word on
/// how it went, kept or shared.
async fn space_then_a_time(couple: &Couple) {
    let (hurt, involved) = (&couple.hurt, &couple.involved);
    set_zone(involved, "Europe/Berlin").await;
    let first = ask(hurt, "our_future", TOPIC).await;
    let today = involved.get("/").await;
    assert!(today.body.contains("Your partner asked for a talk"));
    assert!(!today.body.contains("Marker-topic"), "no topic on Today");
    assert!(involved.sees("/talk", TOPIC).await);

    let space = answer_fields(
        "space",
        &[("days", "2"), ("words", "Marker-space: give me two days")],
    );
    let answered = involved
        .post(&format!("/talk/{first}/answer"), &space)
        .await;
    assert_redirect(&answered, &format!("/talk#talk-{first}"));
    let asker = hurt.get("/talk").await;
    assert!(asker.body.contains("Your partner asked for space, until"));
    assert!(asker.body.contains("Marker-space: give me two days"));
    assert!(asker
        .body
        .contains("Our future: your partner asked for space until"));
    let again = hurt
        .post("/talk", &ask_fields("our_future", "Marker-again"))
        .await;
    assert_refused(&again, "asked for space on this");
    assert!(
        again.body.contains("Marker-again"),
        "the typed words are kept"
    );
    assert_not_theirs(&hurt.post(&format!("/talk/{first}/end-space"), &[]).await);
    let ended = involved
        .post(&format!("/talk/{first}/end-space"), &[])
        .await;
    assert_redirect(&ended, &format!("/talk#talk-{first}"));

    let second = ask(hurt, "our_future", TOPIC).await;
    let (typed, at) = evening_in(Zone::named("Europe/Berlin").unwrap());
    let times = answer_fields("at_a_time", &[("time_1", &typed)]);
    let proposed = involved
        .post(&format!("/talk/{second}/answer"), &times)
        .await;
    assert_redirect(&proposed, &format!("/talk#talk-{second}"));
    assert!(
        hurt.sees("/", "Your partner proposed times for a talk")
            .await
    );
    let to_pick = hurt.get("/talk").await;
    assert!(
        to_pick.body.contains(&dates::when(at, Zone::utc())),
        "in the asker's zone"
    );
    assert_not_theirs(
        &involved
            .post(&format!("/talk/{second}/pick"), &[("time", "0")])
            .await,
    );
    let picked = hurt
        .post(&format!("/talk/{second}/pick"), &[("time", "0")])
        .await;
    assert_redirect(&picked, &format!("/talk#talk-{second}"));
    let berlin = dates::when(at, Zone::named("Europe/Berlin").unwrap());
    assert!(involved.sees("/talk", &format!("Agreed: {berlin}.")).await);

    let kept = [("words", "Marker-kept: I held back"), ("keep", "only_me")];
    let marked = involved
        .post(&format!("/talk/{second}/happened"), &kept)
        .await;
    assert_redirect(&marked, &format!("/talk#talk-{second}"));
    let shared = [
        ("words", "Marker-shared: gentler than I feared"),
        ("keep", "partner"),
    ];
    hurt.post(&format!("/talk/{second}/happened"), &shared)
        .await;
    assert!(involved.sees("/talk", "Marker-kept: I held back").await);
    let hurt_page = hurt.get("/talk").await;
    assert!(
        !hurt_page.body.contains("Marker-kept"),
        "a kept word is its author's"
    );
    assert!(
        involved
            .sees("/talk", "Marker-shared: gentler than I feared")
            .await
    );
}

/// The quiet period seen from both sides: only the hurt partner declares
/// it, no new request reaches them, the involved partner's note waits for
/// its end.
async fn a_quiet_period(app: &TestApp, couple: &Couple) {
    let (hurt, involved) = (&couple.hurt, &couple.involved);
    let earlier = ask(hurt, "details", TOPIC).await;
    assert_not_theirs(&involved.post("/talk/quiet", &[("quiet_days", "3")]).await);
    let declared = hurt.post("/talk/quiet", &[("quiet_days", "2")]).await;
    assert_redirect(&declared, "/talk#quiet");
    assert!(hurt.sees("/talk", "Your quiet period is on until").await);
    let theirs = involved.get("/talk").await;
    assert!(theirs
        .body
        .contains("Your partner has a quiet period until"));
    let refused = involved
        .post("/talk", &ask_fields("practical", "Marker-waits"))
        .await;
    assert_refused(&refused, "quiet period");
    let note = [("quiet_note", "Marker-note: I am here when you are ready")];
    assert_redirect(
        &involved.post("/talk/quiet/note", &note).await,
        "/talk#quiet",
    );
    assert!(
        !hurt.sees("/talk", "Marker-note").await,
        "not while it is on"
    );
    // The involved partner still answers a request with space.
    let space = answer_fields("space", &[("days", "1")]);
    let answered = involved
        .post(&format!("/talk/{earlier}/answer"), &space)
        .await;
    assert_redirect(&answered, &format!("/talk#talk-{earlier}"));

    // Two days on: within the sessions' idle time-out of three.
    app.clock.advance(Duration::days(2));
    assert!(
        hurt.sees("/talk", "Marker-note: I am here when you are ready")
            .await
    );
    assert!(!involved.sees("/talk", "has a quiet period").await);
    let asked = involved
        .post("/talk", &ask_fields("practical", "Marker-after"))
        .await;
    assert_eq!(asked.status, 303, "{}", excerpt(&asked.body));
}

#[tokio::test]
async fn a_talk_answered_with_space_then_at_a_time_the_asker_picks() {
    let (_app, couple) = TestApp::with_couple().await;
    space_then_a_time(&couple).await;
}

#[tokio::test]
async fn a_quiet_period_seen_from_both_sides() {
    let (app, couple) = TestApp::with_couple().await;
    a_quiet_period(&app, &couple).await;
}

#[tokio::test]
async fn the_talk_stories_on_postgres() {
    let Some(app) = TestApp::spawn_on_postgres().await else {
        return;
    };
    space_then_a_time(&app.couple().await).await;
    a_quiet_period(&app, &app.couple().await).await;
}

#[tokio::test]
async fn a_talk_request_sent_twice_at_once_is_asked_once() {
    let (_app, couple) = TestApp::with_couple().await;
    let asked = couple
        .hurt
        .sends_once(&OnceForm {
            path: "/talk".into(),
            fields: ask_fields("trigger", "Marker-once: the song in the car"),
            edited: Some(("topic", "Marker-edited: the song")),
            shown_on: "/talk".into(),
            entry: "Marker-once: the song in the car",
        })
        .await;
    let id = created_id(&asked);
    assert_redirect(&asked, &format!("/talk#talk-{id}"));
}
