//! Mutual readiness over HTTP: marks stay with their author, a step shows
//! once both marked it ready, and one partner's marks change nothing the
//! other can see. On SQLite, and on PostgreSQL when the suite has a server.

use crate::helpers::{
    assert_hides, assert_refused, assert_shows, on_both_backends, Couple, Person, TestApp,
};

const TOGETHER: &str = "<h2>Ready together</h2>";
const NONE_YET: &str = "No step is marked ready by both of you yet.";

async fn mark(person: &Person, marks: &[(&str, &str)]) {
    let fields: Vec<(String, String)> = marks
        .iter()
        .map(|(step, mark)| (format!("mark-{step}"), (*mark).to_owned()))
        .collect();
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let saved = person.post("/readiness/marks", &refs).await;
    assert_eq!(
        saved.location.as_deref(),
        Some("/readiness#ready-together"),
        "{}",
        saved.body
    );
}

/// The "Ready together" part of a person's readiness page.
async fn together(person: &Person) -> String {
    let page = person.get("/readiness").await;
    assert_eq!(page.status, 200);
    let start = page.body.find(TOGETHER).expect("the mutual list");
    let end = page.body[start..].find("</section>").expect("its end") + start;
    page.body[start..end].to_owned()
}

/// Everything `person` can see of the couple, with the one-time tokens of
/// its forms left out: the pages compared before and after the partner
/// marks a step.
async fn everything_seen_by(person: &Person) -> Vec<String> {
    let mut seen = Vec::new();
    for path in [
        "/",
        "/readiness",
        "/progress",
        "/space",
        "/checkin",
        "/pulse",
        "/truth",
    ] {
        let page = person.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        seen.push(without_tokens(&page.body));
    }
    seen
}

fn without_tokens(body: &str) -> String {
    body.lines()
        .filter(|line| !line.contains("name=\"csrf\"") && !line.contains("name=\"submission\""))
        .collect::<Vec<_>>()
        .join("\n")
}

async fn readiness_story(app: TestApp) {
    let Couple { hurt, involved, .. } = app.couple().await;
    for person in [&hurt, &involved] {
        assert!(together(person).await.contains(NONE_YET));
    }

    mark(&hurt, &[("same_bed", "ready"), ("going_out", "ready")]).await;
    assert!(
        together(&involved).await.contains(NONE_YET),
        "one mark shows nothing"
    );
    mark(
        &involved,
        &[("same_bed", "ready"), ("going_out", "not_yet")],
    )
    .await;
    for person in [&hurt, &involved] {
        let list = together(person).await;
        assert!(list.contains("Sleeping in the same bed"), "{list}");
        assert!(!list.contains("Going out as a couple"), "{list}");
    }
    let own = hurt.get("/readiness").await;
    assert_shows(&own, &["<option value=\"ready\" selected>Ready</option>"]);

    mark(&involved, &[("same_bed", "not_sure")]).await;
    for person in [&hurt, &involved] {
        assert!(
            together(person).await.contains(NONE_YET),
            "withdrawn: gone for both"
        );
    }

    // A step of their own joins the list once the other accepts it.
    let proposed = involved
        .post(
            "/readiness/steps",
            &[("name", "Cooking together on Sundays")],
        )
        .await;
    assert_eq!(proposed.location.as_deref(), Some("/readiness#proposals"));
    let page = hurt.get("/readiness").await;
    assert_shows(
        &page,
        &["Proposed by your partner", "Cooking together on Sundays"],
    );
    let id = page
        .body
        .split("action=\"/readiness/steps/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .expect("the proposal's answer form")
        .to_owned();
    let own = involved
        .post(
            &format!("/readiness/steps/{id}/answer"),
            &[("answer", "accept")],
        )
        .await;
    assert_eq!(
        own.status, 403,
        "the proposer does not answer their own step"
    );
    let accepted = hurt
        .post(
            &format!("/readiness/steps/{id}/answer"),
            &[("answer", "accept")],
        )
        .await;
    assert_eq!(accepted.location.as_deref(), Some("/readiness#proposals"));
    let step = format!("proposed-{id}");
    mark(&hurt, &[(&step, "ready")]).await;
    mark(&involved, &[(&step, "ready")]).await;
    assert!(together(&hurt)
        .await
        .contains("Cooking together on Sundays"));

    // A restart (or a second instance) reads the same from the record.
    let again = app.another_instance().await;
    let hurt_again = hurt.visiting(&again);
    assert!(together(&hurt_again)
        .await
        .contains("Cooking together on Sundays"));
    let report = app.store.verify().await.expect("verify runs");
    assert!(report.first_break.is_none(), "{report:?}");
}

on_both_backends!(readiness_story:
    readiness_becomes_mutual_and_is_withdrawn_on_sqlite,
    readiness_becomes_mutual_and_is_withdrawn_on_postgres);

/// `marker` marks `step`, and everything `watcher` sees stays the same.
async fn marking_changes_nothing_for(watcher: &Person, marker: &Person, step: &str, how: &str) {
    let before = everything_seen_by(watcher).await;
    mark(marker, &[(step, how)]).await;
    assert_eq!(
        everything_seen_by(watcher).await,
        before,
        "a {how} mark on {step} changed what the partner sees"
    );
}

#[tokio::test]
async fn one_partners_marks_change_nothing_the_other_sees_in_either_direction() {
    let app = TestApp::spawn().await;
    let couple = app.couple().await;
    let (hurt, involved) = (&couple.hurt, &couple.involved);
    for (first, second, step) in [
        (hurt, involved, "same_bed"),
        (involved, hurt, "trip_together"),
    ] {
        // Seen once, so Today's "since your last visit" stands still.
        everything_seen_by(first).await;
        everything_seen_by(second).await;
        marking_changes_nothing_for(second, first, step, "ready").await;
        marking_changes_nothing_for(first, second, step, "not_yet").await;
    }
}

#[tokio::test]
async fn a_mark_on_a_step_off_the_list_is_refused_and_the_form_keeps_the_marks() {
    let app = TestApp::spawn().await;
    let couple = app.couple().await;
    let refused = couple
        .hurt
        .post(
            "/readiness/marks",
            &[("mark-same_bed", "ready"), ("mark-proposed-999", "ready")],
        )
        .await;
    assert_refused(&refused, "Please mark steps from the list.");
    assert_shows(
        &refused,
        &["<option value=\"ready\" selected>Ready</option>"],
    );
    let page = couple.hurt.get("/readiness").await;
    assert_hides(&page, &["<option value=\"ready\" selected>"]);
    let empty = couple
        .hurt
        .post("/readiness/steps", &[("name", "  ")])
        .await;
    assert_refused(&empty, "Please write something here.");
}
