//! Private reflections over HTTP: written, revised, previewed and shared as
//! a copy, put away while the copy stays; a trigger note sent by the hurt
//! partner, first on the other's Today, answered with reassurance. On
//! SQLite, and on PostgreSQL when the suite has a server. And the promise:
//! a reflection kept private reaches nobody else by any page, count, Today
//! item or error.

use crate::checkin::check_in;
use crate::helpers::{
    assert_hides, assert_refused, assert_shows, on_both_backends, Couple, OnceForm, Person, TestApp,
};
use crate::pulse::take_pulse;
use crate::repair::created_id;

/// A trigger reflection's five answers.
fn trigger_fields<'a>(situation: &'a str, felt: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("prompt", "trigger"),
        ("part_1", situation),
        ("part_2", felt),
        ("part_3", "I went quiet and cold"),
        ("part_4", ""),
        ("part_5", ""),
    ]
}

/// Writes a reflection and returns its number, from where the form led.
async fn write(person: &Person, fields: &[(&str, &str)]) -> u64 {
    let written = person.post("/reflections", fields).await;
    let id = created_id(&written);
    assert_eq!(
        written.location,
        Some(format!("/reflections/{id}")),
        "{}",
        written.body
    );
    id
}

async fn reflection_story(app: TestApp) {
    let Couple { hurt, involved, .. } = app.couple().await;
    let id = write(
        &hurt,
        &trigger_fields("A song in the shop", "mk-first-felt"),
    )
    .await;
    let own = hurt.get(&format!("/reflections/{id}")).await;
    assert_shows(&own, &["A song in the shop", "mk-first-felt", "Version 1"]);
    assert_eq!(
        involved.get(&format!("/reflections/{id}")).await.status,
        404
    );

    let revised = hurt
        .post(
            &format!("/reflections/{id}/revise"),
            &trigger_fields("A song in the shop", "mk-second-felt")[1..],
        )
        .await;
    assert_eq!(revised.location, Some(format!("/reflections/{id}")));
    let own = hurt.get(&format!("/reflections/{id}")).await;
    assert_shows(&own, &["Version 2", "mk-second-felt", "mk-first-felt"]);

    let preview = hurt.get(&format!("/reflections/{id}/share")).await;
    assert_shows(
        &preview,
        &["exactly what your partner will see", "mk-second-felt"],
    );
    assert_hides(&preview, &["mk-first-felt"]);
    assert_hides(&involved.get("/reflections").await, &["mk-second-felt"]);
    let stale = hurt
        .post(&format!("/reflections/{id}/share"), &[("version", "1")])
        .await;
    assert_refused(&stale, "This reflection changed since the preview");
    let shared = hurt
        .post(&format!("/reflections/{id}/share"), &[("version", "2")])
        .await;
    assert_eq!(shared.location, Some(format!("/reflections/{id}#shared")));
    assert_shows(
        &hurt.get(&format!("/reflections/{id}")).await,
        &["a copy shared with your partner"],
    );
    let theirs = involved.get("/reflections").await;
    assert_shows(&theirs, &["Shared by your partner", "mk-second-felt"]);
    assert_hides(&theirs, &["mk-first-felt"]);

    let away = hurt.post(&format!("/reflections/{id}/withdraw"), &[]).await;
    assert_eq!(away.location.as_deref(), Some("/reflections"));
    assert_eq!(hurt.get(&format!("/reflections/{id}")).await.status, 404);
    assert_hides(&hurt.get("/reflections").await, &["mk-first-felt"]);
    assert_shows(&involved.get("/reflections").await, &["mk-second-felt"]);

    let report = app.store.verify().await.expect("verify runs");
    assert!(report.first_break.is_none(), "{report:?}");
}

on_both_backends!(reflection_story:
    a_reflection_is_written_revised_previewed_shared_and_put_away_on_sqlite,
    a_reflection_is_written_revised_previewed_shared_and_put_away_on_postgres);

async fn trigger_note_story(app: TestApp) {
    let Couple { hurt, involved, .. } = app.couple().await;
    let note = [
        ("when", "your phone lit up at dinner"),
        ("felt", "scared and small"),
        ("would_help", "hold my hand"),
    ];
    let not_theirs = involved.post("/reflections/triggers", &note).await;
    assert_eq!(not_theirs.status, 403);
    let sent = hurt.post("/reflections/triggers", &note).await;
    assert_eq!(sent.location.as_deref(), Some("/reflections#trigger-notes"));
    // A question waits too; the trigger note comes first.
    let asked = hurt
        .post("/truth/questions", &[("text", "Who texted you?")])
        .await;
    assert_eq!(asked.status, 303);
    let today = involved.get("/").await;
    let note_at = today
        .body
        .find("Your partner sent you a trigger note")
        .expect("the note on Today");
    let question_at = today
        .body
        .find("Your partner asked you a question")
        .expect("the question on Today");
    assert!(note_at < question_at, "the trigger note first");
    assert_hides(&today, &["your phone lit up at dinner"]);
    assert_hides(
        &hurt.get("/").await,
        &["Your partner sent you a trigger note"],
    );

    let page = involved.get("/reflections").await;
    assert_shows(&page, &["scared and small", "Send reassurance"]);
    assert_hides(&page, &["Send it to my partner"]);
    let action = "action=\"/reflections/triggers/";
    let id: String = page.body[page.body.find(action).expect("the answer form") + action.len()..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let path = format!("/reflections/triggers/{id}/reassure");
    assert_eq!(hurt.post(&path, &[("words", "me")]).await.status, 403);
    let empty = involved.post(&path, &[("words", " ")]).await;
    assert_refused(&empty, "Please write something here.");
    let answered = involved
        .post(&path, &[("words", "It was the dentist. I am here.")])
        .await;
    assert_eq!(answered.location, Some(format!("/reflections#note-{id}")));
    assert_shows(
        &hurt.get("/reflections").await,
        &["It was the dentist. I am here."],
    );
    assert_hides(
        &involved.get("/").await,
        &["Your partner sent you a trigger note"],
    );
    let again = involved.post(&path, &[("words", "again")]).await;
    assert_refused(&again, "You answered this note already.");
    let report = app.store.verify().await.expect("verify runs");
    assert!(report.first_break.is_none(), "{report:?}");
}

on_both_backends!(trigger_note_story:
    a_trigger_note_is_first_on_today_and_answered_with_reassurance_on_sqlite,
    a_trigger_note_is_first_on_today_and_answered_with_reassurance_on_postgres);

#[tokio::test]
async fn on_their_own_a_person_reflects_checks_in_and_takes_the_pulse() {
    let app = TestApp::spawn().await;
    let (alone, _link) = app.space_with_link("physical_affair", "me").await;
    let page = alone.get("/reflections").await;
    assert_shows(&page, &["Your partner has not joined yet"]);
    assert_hides(&page, &["Send it to my partner"]);
    let id = write(&alone, &trigger_fields("An old photo", "mk-alone")).await;
    assert_shows(&alone.get("/reflections").await, &["An old photo"]);
    let preview = alone.get(&format!("/reflections/{id}/share")).await;
    assert_shows(&preview, &["Your partner has not joined yet"]);
    assert_hides(&preview, &["Share this copy"]);
    let refused = alone
        .post(&format!("/reflections/{id}/share"), &[("version", "1")])
        .await;
    assert_refused(&refused, "Your partner has not joined yet");
    let kept = check_in(&alone, &[("hopeful", "2")], "mk-alone-check-in", "only_me").await;
    assert_eq!(kept.location.as_deref(), Some("/checkin?done=kept"));
    let pulse = take_pulse(&alone, 3, "only_me", &[]).await;
    assert!(
        pulse
            .location
            .as_deref()
            .is_some_and(|l| l.starts_with("/pulse/kept/")),
        "{}",
        pulse.body
    );
}

#[tokio::test]
async fn a_refused_reflection_or_note_keeps_what_was_typed() {
    let (_app, couple) = TestApp::with_couple().await;
    let long = "x".repeat(4_001);
    let mut fields = trigger_fields("mk-kept-situation", "");
    fields[2] = ("part_2", &long);
    let page = couple.hurt.post("/reflections", &fields).await;
    assert_refused(&page, "please keep it under 4000");
    assert_shows(&page, &["mk-kept-situation", "I went quiet and cold"]);
    let empty = couple
        .hurt
        .post(
            "/reflections",
            &[
                ("prompt", "worth_it"),
                ("part_1", " "),
                ("part_2", ""),
                ("part_3", ""),
            ],
        )
        .await;
    assert_refused(
        &empty,
        "Please write something in at least one of the boxes.",
    );
    let note = [("when", ""), ("felt", ""), ("would_help", "mk-kept-help")];
    let page = couple.hurt.post("/reflections/triggers", &note).await;
    assert_refused(&page, "Please write something here.");
    assert_shows(&page, &["value=\"mk-kept-help\""]);
    let id = write(&couple.hurt, &trigger_fields("mk-same", "")).await;
    let same = couple
        .hurt
        .post(
            &format!("/reflections/{id}/revise"),
            &trigger_fields("mk-same", "")[1..],
        )
        .await;
    assert_refused(&same, "This is the same as the newest version");
}

#[tokio::test]
async fn a_reflection_and_a_trigger_note_sent_twice_at_once_are_written_once() {
    let (_app, couple) = TestApp::with_couple().await;
    couple
        .hurt
        .sends_once(&OnceForm {
            path: "/reflections".into(),
            fields: trigger_fields("Marker-once: the song", ""),
            edited: Some(("part_1", "Marker-edited: the film")),
            shown_on: "/reflections".into(),
            entry: "Marker-once: the song",
        })
        .await;
    couple
        .hurt
        .sends_once(&OnceForm {
            path: "/reflections/triggers".into(),
            fields: vec![
                ("when", "Marker-note: the car park"),
                ("felt", "shaky"),
                ("would_help", ""),
            ],
            edited: Some(("when", "Marker-edited: the station")),
            shown_on: "/reflections".into(),
            entry: "Marker-note: the car park",
        })
        .await;
}

const KEPT: &str = "kept-reflection-marker-52d1";

/// What the partner, another couple and a stranger meet for every page of
/// the room (the author's reflection's number in each address), for Today,
/// the space page, and for every form tried on the author's reflection.
async fn pages_met_by(person: &Person, id: u64) -> Vec<(String, u16, String)> {
    let mut met = Vec::new();
    for path in [
        "/".to_owned(),
        "/space".to_owned(),
        "/reflections".to_owned(),
        "/reflections?prompt=worth_it".to_owned(),
        format!("/reflections/{id}"),
        format!("/reflections/{id}/share"),
        "/progress".to_owned(),
    ] {
        let page = person.get(&path).await;
        met.push((path, page.status, page.body));
    }
    for (path, fields) in [
        (format!("/reflections/{id}/revise"), &[("part_1", "x")][..]),
        (format!("/reflections/{id}/share"), &[("version", "1")][..]),
        (format!("/reflections/{id}/withdraw"), &[][..]),
    ] {
        let page = person.post(&path, fields).await;
        met.push((format!("POST {path}"), page.status, page.body));
    }
    met
}

#[tokio::test]
async fn a_reflection_kept_private_reaches_no_one_else_by_any_page_count_or_error() {
    let app = TestApp::spawn().await;
    let couple = app.couple().await;
    let other = app.couple().await;
    let stranger = app.stranger().await;
    let partner = &couple.involved;
    let before_space = partner.get("/space").await.body;
    let before_today = partner.get("/").await.body;
    let fields = [
        ("prompt", "worth_it"),
        ("part_1", KEPT),
        ("part_2", "to be left"),
        ("part_3", ""),
    ];
    let id = write(&couple.hurt, &fields).await;
    let revised = couple
        .hurt
        .post(
            &format!("/reflections/{id}/revise"),
            &[("part_1", KEPT), ("part_2", "to be left, again")],
        )
        .await;
    assert_eq!(revised.status, 303);
    for person in [partner, &other.hurt, &other.involved, &stranger] {
        for (path, status, body) in pages_met_by(person, id).await {
            assert!(
                !body.contains(KEPT),
                "{} met the marker on {path}",
                person.email
            );
            if path.contains(&format!("/reflections/{id}")) {
                assert_eq!(status, 404, "{} on {path}", person.email);
            }
        }
    }
    // Nothing counted: the space page and Today read as before.
    assert_eq!(
        entries_line(&partner.get("/space").await.body),
        entries_line(&before_space)
    );
    let today = partner.get("/").await.body;
    assert_eq!(
        today.matches("<li").count(),
        before_today.matches("<li").count(),
        "no Today item"
    );
    assert_shows(
        &couple.hurt.get(&format!("/reflections/{id}")).await,
        &[KEPT],
    );
}

fn entries_line(space_page: &str) -> String {
    let at = space_page.find("After entry ").expect("the entry count");
    space_page[at..].chars().take_while(|c| *c != '.').collect()
}
