//! The trust pulse: kept or shared results, refusals that name the missing
//! statement, the couple's cadence, and who may reach each page.

use crate::helpers::{assert_shows, field_refs, Page, Person, TestApp};
use kintsugi_core::pulse::ITEMS;

/// Answers meaning the same trust `level` (1 to 7) on every statement,
/// reverse-worded ones included, so the index is `(level - 1) * 100 / 6`.
pub(crate) fn steady(level: u8) -> Vec<(&'static str, String)> {
    ITEMS
        .iter()
        .map(|item| {
            let value = if item.reverse { 8 - level } else { level };
            (item.code, value.to_string())
        })
        .collect()
}

/// A pulse's fields the way the form sends them.
pub(crate) fn pulse_fields(level: u8, share: &str, signs: &[&str]) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = steady(level)
        .into_iter()
        .map(|(code, value)| (code.to_owned(), value))
        .collect();
    fields.push(("share".to_owned(), share.to_owned()));
    fields.extend(signs.iter().map(|s| ("signs".to_owned(), (*s).to_owned())));
    fields
}

pub(crate) async fn take_pulse(person: &Person, level: u8, share: &str, signs: &[&str]) -> Page {
    let fields = pulse_fields(level, share, signs);
    person.post("/pulse", &field_refs(&fields)).await
}

#[tokio::test]
async fn a_kept_pulse_shows_its_result_to_its_author_only() {
    let app = TestApp::spawn().await;
    let couple = app.couple().await;
    let taken = take_pulse(&couple.hurt, 7, "only_me", &["replaying"]).await;
    assert_eq!(taken.status, 303, "{}", taken.body);
    let result = taken.location.expect("a result page");
    assert!(result.starts_with("/pulse/kept/"), "{result}");

    let page = couple.hurt.get(&result).await;
    assert_eq!(page.status, 200);
    assert_shows(
        &page,
        &[
            "Your trust pulse",
            "<span class=\"trust-number\">100</span>",
            "Kept to yourself: only you can see it.",
        ],
    );
    assert_eq!(
        page.body
            .matches("<span class=\"construct-value\">100</span>")
            .count(),
        5
    );

    let partner = couple.involved.get(&result).await;
    assert_eq!(partner.status, 404);
    assert!(!partner.body.contains("trust-number"));
    let list = couple.involved.get("/pulse").await;
    assert!(list.body.contains("No pulses yet."));
}

#[tokio::test]
async fn a_shared_pulse_is_seen_by_both_partners() {
    let app = TestApp::spawn().await;
    let couple = app.couple().await;
    let taken = take_pulse(&couple.involved, 4, "partner", &[]).await;
    let result = taken.location.expect("a result page");
    assert!(result.starts_with("/pulse/shared/"), "{result}");

    let own = couple.involved.get(&result).await;
    assert_shows(
        &own,
        &[
            "Shared with your partner.",
            "<span class=\"trust-number\">50</span>",
        ],
    );

    let partner = couple.hurt.get(&result).await;
    assert_eq!(partner.status, 200);
    assert_shows(
        &partner,
        &[
            "Your partner’s trust pulse",
            "<span class=\"trust-number\">50</span>",
            "not a verdict on you",
        ],
    );

    let list = couple.hurt.get("/pulse").await;
    assert!(list
        .body
        .contains(&format!("<a href=\"{result}\">Your partner, ")));
}

#[tokio::test]
async fn a_missing_answer_is_refused_by_name_keeping_the_rest() {
    let app = TestApp::spawn().await;
    let couple = app.couple().await;
    let answers = steady(3);
    let mut fields: Vec<(&str, &str)> = answers
        .iter()
        .filter(|(code, _)| *code != "faith_doubt")
        .map(|(k, v)| (*k, v.as_str()))
        .collect();
    fields.extend([("share", "partner"), ("signs", "keeping_score")]);
    let refused = couple.hurt.post("/pulse", &fields).await;
    assert_eq!(refused.status, 422);
    let body = &refused.body;
    assert!(body.contains("<a href=\"#q-faith_doubt\">Statement 6</a> still needs an answer."));
    assert!(body.contains(
        "Please answer “Part of me expects our relationship to fall apart, whatever we do.”"
    ));
    assert!(body.contains("class=\"scale has-error\" id=\"q-faith_doubt\""));
    assert!(body.contains("name=\"predictable_know\" value=\"3\" checked"));
    assert!(body.contains("name=\"faith_future\" value=\"3\" checked"));
    assert!(!body.contains("name=\"faith_doubt\" value=\"5\" checked"));
    assert!(body.contains("value=\"keeping_score\" checked"));
    assert!(body.contains("value=\"partner\" checked"));

    let out_of_range = {
        let mut fields: Vec<(&str, &str)> = answers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        fields[0].1 = "9";
        fields.push(("share", "only_me"));
        couple.hurt.post("/pulse", &fields).await
    };
    assert_eq!(out_of_range.status, 422);
    assert!(out_of_range
        .body
        .contains("<a href=\"#q-predictable_know\">Statement 1</a>"));

    let page = couple.hurt.get("/pulse").await;
    assert!(page.body.contains("No pulses yet."), "nothing was saved");
}

#[tokio::test]
async fn the_pulse_page_keeps_signs_private_and_starts_unshared() {
    let app = TestApp::spawn().await;
    let couple = app.couple().await;
    let page = couple.hurt.get("/pulse").await;
    assert_eq!(page.status, 200);
    assert_shows(
        &page,
        &["Only you will ever see these", "value=\"only_me\" checked"],
    );
    assert!(!page.body.contains("value=\"partner\" checked"));
    assert!(page.body.contains("Your pulse is due today."));
    assert_eq!(
        page.body
            .matches("type=\"radio\" name=\"honesty_hidden\"")
            .count(),
        7
    );
    assert!(page
        .body
        .contains("<span class=\"sr-only\">: Not true at all</span>"));

    take_pulse(&couple.hurt, 5, "only_me", &[]).await;
    let after = couple.hurt.get("/pulse").await;
    assert!(!after.body.contains("Your pulse is due today."));
    assert!(after.body.contains("Your next pulse is due on"));
}

#[tokio::test]
async fn either_partner_sets_how_often_for_both() {
    let app = TestApp::spawn().await;
    let couple = app.couple().await;
    let before = couple.involved.get("/pulse").await;
    assert_shows(
        &before,
        &["<strong>every week</strong>", "value=\"weekly\" checked"],
    );

    let changed = couple
        .hurt
        .post("/pulse/cadence", &[("cadence", "monthly")])
        .await;
    assert_eq!(changed.status, 303);
    assert_eq!(changed.location.as_deref(), Some("/pulse#cadence"));
    let theirs = couple.involved.get("/pulse").await;
    assert_shows(
        &theirs,
        &["<strong>every month</strong>", "Chosen by your partner on"],
    );
    assert!(couple.hurt.sees("/pulse", "Chosen by you on").await);

    let same = couple
        .involved
        .post("/pulse/cadence", &[("cadence", "monthly")])
        .await;
    assert_eq!(same.status, 422);
    assert!(same
        .body
        .contains("That is already how often you take the pulse."));

    let unknown = couple
        .involved
        .post("/pulse/cadence", &[("cadence", "hourly")])
        .await;
    assert_eq!(unknown.status, 422);
    assert_shows(
        &unknown,
        &[
            "Please choose how often to take the pulse.",
            "aria-describedby=\"cadence-error\"",
        ],
    );
}

#[tokio::test]
async fn who_may_reach_the_pulse_pages() {
    let app = TestApp::spawn().await;
    let couple = app.couple().await;
    let other = app.couple().await;
    let stranger = app.stranger().await;
    let anonymous = app.anonymous();
    let shared = take_pulse(&couple.hurt, 6, "partner", &[])
        .await
        .location
        .expect("a shared result");
    let kept = take_pulse(&couple.hurt, 2, "only_me", &[])
        .await
        .location
        .expect("a kept result");

    assert_eq!(couple.hurt.get(&shared).await.status, 200);
    assert_eq!(couple.hurt.get(&kept).await.status, 200);
    assert_eq!(couple.involved.get(&shared).await.status, 200);
    assert_eq!(couple.involved.get(&kept).await.status, 404);

    for person in [&other.hurt, &other.involved, &stranger] {
        for path in [shared.as_str(), kept.as_str()] {
            let page = person.get(path).await;
            assert_eq!(page.status, 404, "{path}");
            assert!(!page.body.contains("trust-number"));
        }
    }
    assert_eq!(other.hurt.get("/pulse").await.status, 200);
    assert_eq!(stranger.get("/pulse").await.status, 404);
    assert_eq!(take_pulse(&stranger, 4, "partner", &[]).await.status, 404);
    let stranger_cadence = stranger
        .post("/pulse/cadence", &[("cadence", "monthly")])
        .await;
    assert_eq!(stranger_cadence.status, 404);

    for path in ["/pulse", shared.as_str(), kept.as_str()] {
        let page = anonymous.get(path).await;
        assert_eq!(page.location.as_deref(), Some("/login"), "{path}");
    }
    let anonymous_pulse = take_pulse(&anonymous, 4, "partner", &[]).await;
    assert_eq!(anonymous_pulse.location.as_deref(), Some("/login"));
    let anonymous_cadence = anonymous
        .post("/pulse/cadence", &[("cadence", "monthly")])
        .await;
    assert_eq!(anonymous_cadence.location.as_deref(), Some("/login"));

    for path in ["/pulse/kept/zero", "/pulse/shared/999999", "/pulse/other/1"] {
        assert_eq!(couple.hurt.get(path).await.status, 404, "{path}");
    }
}

#[tokio::test]
async fn a_shared_pulse_that_fails_half_way_through_its_two_streams_changes_neither() {
    use crate::helpers::submission_key;
    use kintsugi_core::{StreamId, UserId};
    let app = TestApp::spawn().await;
    let couple = app.couple().await;
    let sharer = &couple.involved;
    take_pulse(sharer, 5, "only_me", &[]).await;
    let before = app.heads_of(sharer).await;
    let (user, _) = app.ids_of(sharer).await;
    let private = StreamId::private(UserId(user));
    // The commit writes the couple's event first; the private stream's
    // insert then fails inside the same transaction.
    let mut raw = app.raw_sqlite().await;
    let refuse = format!(
        "CREATE TRIGGER refuse_private BEFORE INSERT ON events \
         WHEN NEW.stream_id = '{}' BEGIN SELECT RAISE(ABORT, 'refused'); END",
        private.as_str()
    );
    sqlx::query(&refuse).execute(&mut raw).await.unwrap();

    let key = submission_key();
    let fields = pulse_fields(3, "partner", &["replaying"]);
    let failed = sharer
        .post_with_key("/pulse", &key, &field_refs(&fields))
        .await;
    assert_eq!(failed.status, 500, "{}", failed.body);
    assert!(failed.body.contains("Something went wrong on our side"));
    assert!(failed.body.contains("Quick exit"), "the layout is kept");
    assert_eq!(app.heads_of(sharer).await, before, "neither stream moved");
    let partner = couple.hurt.get("/pulse").await;
    assert!(partner.body.contains("No pulses yet."));

    // The key was not used up: once the stream takes writes again, the
    // same send lands whole.
    sqlx::query("DROP TRIGGER refuse_private")
        .execute(&mut raw)
        .await
        .unwrap();
    let landed = sharer
        .post_with_key("/pulse", &key, &field_refs(&fields))
        .await;
    assert_eq!(landed.status, 303, "{}", landed.body);
    let after = app.heads_of(sharer).await;
    assert_eq!(after.couple, before.couple + 1);
    assert_eq!(after.private, before.private + 1);
}
