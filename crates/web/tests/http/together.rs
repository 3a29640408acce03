//! Time together over HTTP: a suggestion answered with another time, then
//! yes; once the time has passed each says how it went, one shared, one
//! kept. On SQLite, and on PostgreSQL when the suite has a server.

use crate::helpers::{
    assert_hides, assert_refused, assert_shows, on_both_backends, Couple, OnceForm, Person, TestApp,
};
use crate::repair::created_id;
use kintsugi_web::app::clock::Clock;
use time::{Duration, OffsetDateTime};

/// A moment as a person types it (the test people are on UTC).
fn typed(at: OffsetDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute()
    )
}

/// `person` says how plan `plan` went, and lands back on it.
async fn say_how_it_went(person: &Person, plan: u64, fields: &[(&str, &str)]) {
    let said = person
        .post(&format!("/together/{plan}/how-it-went"), fields)
        .await;
    let landed = format!("/together#plan-{plan}");
    assert_eq!(
        said.location.as_deref(),
        Some(landed.as_str()),
        "{}",
        said.body
    );
}

async fn together_story(app: TestApp) {
    let Couple { hurt, involved, .. } = app.couple().await;
    let now = app.clock.now();
    let first = typed(now + Duration::hours(2));
    let suggested = hurt
        .post(
            "/together",
            &[
                ("what", "A walk by the river"),
                ("at", &first),
                ("at_which", ""),
            ],
        )
        .await;
    let plan = created_id(&suggested);
    assert_shows(
        &involved.get("/").await,
        &["Your partner suggested time together"],
    );
    assert_hides(
        &hurt.get("/").await,
        &["Your partner suggested time together"],
    );
    let page = involved.get("/together").await;
    assert_shows(
        &page,
        &[
            "A walk by the river",
            "Waiting for your answer",
            "Yes, let's",
        ],
    );

    let own = hurt
        .post(
            &format!("/together/{plan}/answer"),
            &[("answer", "accept"), ("at", ""), ("at_which", "")],
        )
        .await;
    assert_eq!(
        own.status, 403,
        "the one who suggested does not answer their own time"
    );
    let later = typed(now + Duration::hours(3));
    let moved = involved
        .post(
            &format!("/together/{plan}/answer"),
            &[("answer", "move"), ("at", &later), ("at_which", "")],
        )
        .await;
    assert_eq!(moved.location, Some(format!("/together#plan-{plan}")));
    assert_shows(&hurt.get("/together").await, &["Waiting for your answer"]);
    let agreed = hurt
        .post(
            &format!("/together/{plan}/answer"),
            &[("answer", "accept"), ("at", ""), ("at_which", "")],
        )
        .await;
    assert_eq!(agreed.status, 303, "{}", agreed.body);
    assert_shows(&involved.get("/together").await, &["Coming up", "Agreed"]);

    // Too early to say how it went.
    let early = [("connection", "4"), ("line", ""), ("keep", "partner")];
    let refused = hurt
        .post(&format!("/together/{plan}/how-it-went"), &early)
        .await;
    assert_refused(&refused, "This time together is still to come.");

    app.clock.advance(Duration::hours(4));
    assert_shows(&hurt.get("/").await, &["How was your time together?"]);
    let shared = [
        ("connection", "5"),
        ("line", "Like the first summer"),
        ("keep", "partner"),
    ];
    say_how_it_went(&hurt, plan, &shared).await;
    let kept = [
        ("connection", "2"),
        ("line", "I kept checking my phone"),
        ("keep", "only_me"),
    ];
    say_how_it_went(&involved, plan, &kept).await;

    assert_hides(&hurt.get("/").await, &["How was your time together?"]);
    let hurt_sees = hurt.get("/together").await;
    assert_shows(&hurt_sees, &["Like the first summer", "Spent together"]);
    assert_hides(
        &hurt_sees,
        &["I kept checking my phone", "A little connected"],
    );
    let involved_sees = involved.get("/together").await;
    assert_shows(
        &involved_sees,
        &[
            "Like the first summer",
            "I kept checking my phone",
            "only you see this",
        ],
    );

    let report = app.store.verify().await.expect("verify runs");
    assert!(report.first_break.is_none(), "{report:?}");
}

on_both_backends!(together_story:
    time_together_is_suggested_moved_agreed_and_reflected_on_sqlite,
    time_together_is_suggested_moved_agreed_and_reflected_on_postgres);

#[tokio::test]
async fn a_suggestion_with_nothing_filled_in_names_both_fields_and_keeps_the_words() {
    let app = TestApp::spawn().await;
    let couple = app.couple().await;
    let page = couple
        .hurt
        .post(
            "/together",
            &[("what", "Dinner, just us"), ("at", ""), ("at_which", "")],
        )
        .await;
    assert_refused(&page, "Please choose a day and a time.");
    assert_shows(&page, &["value=\"Dinner, just us\""]);
    let past = typed(app.clock.now() - Duration::hours(2));
    let page = couple
        .hurt
        .post(
            "/together",
            &[("what", " "), ("at", &past), ("at_which", "")],
        )
        .await;
    assert_shows(
        &page,
        &[
            "Please write something here.",
            "Please choose a time that is still to come.",
        ],
    );
}

#[tokio::test]
async fn a_suggestion_sent_twice_at_once_is_made_once() {
    let app = TestApp::spawn().await;
    let couple = app.couple().await;
    let at = typed(app.clock.now() + Duration::days(5));
    couple
        .hurt
        .sends_once(&OnceForm {
            path: "/together".into(),
            fields: vec![
                ("what", "Marker-once: the film"),
                ("at", &at),
                ("at_which", ""),
            ],
            edited: Some(("what", "Marker-edited: the play")),
            shown_on: "/together".into(),
            entry: "Marker-once: the film",
        })
        .await;
}

/// Either partner marks a ritual done once a day; the count says only how
/// often it was done; set aside, it leaves the list.
async fn rituals_story(app: TestApp) {
    let Couple { hurt, involved, .. } = app.couple().await;
    let before = hurt.get("/progress").await;
    assert_shows(
        &before,
        &["Time you spend together and the rituals you keep"],
    );
    assert_hides(&before, &["Time together, week by week"]);
    let begun = hurt
        .post(
            "/together/rituals",
            &[("ritual", "Twenty minutes of talk after dinner")],
        )
        .await;
    assert_eq!(begun.location.as_deref(), Some("/together#rituals"));
    let page = involved.get("/together").await;
    assert_shows(
        &page,
        &[
            "Twenty minutes of talk after dinner",
            "Not marked yet in the last four weeks",
        ],
    );
    let id = page
        .body
        .split("action=\"/together/rituals/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .expect("the ritual's forms")
        .to_owned();
    let done = format!("/together/rituals/{id}/done");
    assert_eq!(
        involved.post(&done, &[]).await.location.as_deref(),
        Some("/together#rituals")
    );
    assert_refused(
        &hurt.post(&done, &[]).await,
        "You marked this one done today already.",
    );
    assert_shows(
        &hurt.get("/together").await,
        &["Done once in the last four weeks", "done today"],
    );
    app.clock.advance(Duration::days(1));
    assert_eq!(
        hurt.post(&done, &[]).await.location.as_deref(),
        Some("/together#rituals")
    );
    assert_shows(
        &involved.get("/together").await,
        &["Done 2 times in the last four weeks"],
    );
    let progress = hurt.get("/progress").await;
    assert_shows(&progress, &["Time together, week by week", "Ritual days"]);

    let aside = involved
        .post(&format!("/together/rituals/{id}/set-aside"), &[])
        .await;
    assert_eq!(aside.location.as_deref(), Some("/together#rituals"));
    assert_hides(
        &involved.get("/together").await,
        &["Twenty minutes of talk after dinner"],
    );
    // Its author sees it only among those set aside, to withdraw it.
    let page = hurt.get("/together").await;
    assert_shows(&page, &["Set aside by your partner"]);
    assert_hides(
        &page,
        &["Done 2 times in the last four weeks", "We did it today"],
    );
    let report = app.store.verify().await.expect("verify runs");
    assert!(report.first_break.is_none(), "{report:?}");
}

on_both_backends!(rituals_story:
    a_ritual_is_kept_counted_and_set_aside_on_sqlite,
    a_ritual_is_kept_counted_and_set_aside_on_postgres);
