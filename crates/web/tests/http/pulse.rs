//! The trust pulse: kept or shared results, refusals that name the missing
//! statement, the couple's cadence, and who may reach each page.

use crate::helpers::{
    assert_hides, assert_page, assert_redirect, assert_refused, assert_shows, field_refs, Page,
    Person, TestApp, World,
};
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

/// Chooses how often the couple takes the pulse.
async fn cadence(person: &Person, cadence: &str) -> Page {
    person.post("/pulse/cadence", &[("cadence", cadence)]).await
}

#[tokio::test]
async fn a_kept_pulse_shows_its_result_to_its_author_only() {
    let (_app, couple) = TestApp::with_couple().await;
    let taken = take_pulse(&couple.hurt, 7, "only_me", &["replaying"]).await;
    assert_eq!(taken.status, 303, "{}", taken.body);
    let result = taken.location.expect("a result page");
    assert!(result.starts_with("/pulse/kept/"), "{result}");

    let page = couple.hurt.visit(&result).await;
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
    assert_hides(&partner, &["trust-number"]);
    couple
        .involved
        .assert_sees("/pulse", "No pulses yet.")
        .await;
}

#[tokio::test]
async fn a_shared_pulse_is_seen_by_both_partners() {
    let (_app, couple) = TestApp::with_couple().await;
    let taken = take_pulse(&couple.involved, 4, "partner", &[]).await;
    let result = taken.location.expect("a result page");
    assert!(result.starts_with("/pulse/shared/"), "{result}");

    let own = couple.involved.get(&result).await;
    assert_shows(
        &own,
        &[
            "Shared with your partner.",
            "<span class=\"trust-number\">50</span>",
            "Knowing what to expect from your partner.",
        ],
    );

    let partner = couple.hurt.get(&result).await;
    assert_page(
        &partner,
        200,
        &[
            "Your partner’s trust pulse",
            "<span class=\"trust-number\">50</span>",
            "not a verdict on you",
            // The parts speak from the reader's side: about them, not about
            // the partner whose pulse it is.
            "How well your partner feels they know what to expect from you.",
            "How much your partner believes what you tell them.",
        ],
    );
    assert_hides(&partner, &["Knowing what to expect from your partner."]);

    let listed = format!("<a href=\"{result}\">Your partner, ");
    couple.hurt.assert_sees("/pulse", &listed).await;
}

#[tokio::test]
async fn a_missing_answer_is_refused_by_name_keeping_the_rest() {
    let (_app, couple) = TestApp::with_couple().await;
    let answers = steady(3);
    let mut fields: Vec<(&str, &str)> = answers
        .iter()
        .filter(|(code, _)| *code != "faith_doubt")
        .map(|(k, v)| (*k, v.as_str()))
        .collect();
    fields.extend([("share", "partner"), ("signs", "keeping_score")]);
    let refused = couple.hurt.post("/pulse", &fields).await;
    assert_page(
        &refused,
        422,
        &[
            "<a href=\"#q-faith_doubt\">Statement 6</a> still needs an answer.",
            "Please answer “Part of me expects our relationship to fall apart, whatever we do.”",
            "class=\"scale has-error\" id=\"q-faith_doubt\"",
            "name=\"predictable_know\" value=\"3\" checked",
            "name=\"faith_future\" value=\"3\" checked",
            "value=\"keeping_score\" checked",
            "value=\"partner\" checked",
        ],
    );
    assert_hides(&refused, &["name=\"faith_doubt\" value=\"5\" checked"]);

    let out_of_range = {
        let mut fields: Vec<(&str, &str)> = answers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        fields[0].1 = "9";
        fields.push(("share", "only_me"));
        couple.hurt.post("/pulse", &fields).await
    };
    assert_refused(
        &out_of_range,
        "<a href=\"#q-predictable_know\">Statement 1</a>",
    );

    let page = couple.hurt.get("/pulse").await;
    assert!(page.body.contains("No pulses yet."), "nothing was saved");
}

#[tokio::test]
async fn the_pulse_page_keeps_signs_private_and_starts_unshared() {
    let (_app, couple) = TestApp::with_couple().await;
    let page = couple.hurt.visit("/pulse").await;
    assert_shows(
        &page,
        &[
            "Only you will ever see these",
            "value=\"only_me\" checked",
            "Your pulse is due today.",
            "<span class=\"sr-only\">: Not true at all</span>",
        ],
    );
    assert_hides(&page, &["value=\"partner\" checked"]);
    assert_eq!(
        page.body
            .matches("type=\"radio\" name=\"honesty_hidden\"")
            .count(),
        7
    );

    take_pulse(&couple.hurt, 5, "only_me", &[]).await;
    let after = couple.hurt.get("/pulse").await;
    assert_hides(&after, &["Your pulse is due today."]);
    assert_shows(&after, &["Your next pulse is due on"]);
}

#[tokio::test]
async fn either_partner_sets_how_often_for_both() {
    let (_app, couple) = TestApp::with_couple().await;
    let before = couple.involved.get("/pulse").await;
    assert_shows(
        &before,
        &["<strong>every week</strong>", "value=\"weekly\" checked"],
    );

    let changed = cadence(&couple.hurt, "monthly").await;
    assert_redirect(&changed, "/pulse#cadence");
    let theirs = couple.involved.get("/pulse").await;
    assert_shows(
        &theirs,
        &["<strong>every month</strong>", "Chosen by your partner on"],
    );
    couple.hurt.assert_sees("/pulse", "Chosen by you on").await;

    let same = cadence(&couple.involved, "monthly").await;
    assert_refused(&same, "That is already how often you take the pulse.");

    let unknown = cadence(&couple.involved, "hourly").await;
    assert_page(
        &unknown,
        422,
        &[
            "Please choose how often to take the pulse.",
            "aria-describedby=\"cadence-error\"",
        ],
    );
}

#[tokio::test]
async fn who_may_reach_the_pulse_pages() {
    let w = World::new().await;
    let (couple, other, stranger, anonymous) = (&w.couple, &w.other, &w.stranger, &w.anon);
    let result = |level, share| async move {
        let taken = take_pulse(&couple.hurt, level, share, &[]).await;
        taken.location.expect("a result page")
    };
    let (shared, kept) = (result(6, "partner").await, result(2, "only_me").await);

    // Who sees each result: its author both, the partner only the shared one.
    let partners = [(&couple.hurt, 200), (&couple.involved, 404)];
    for (person, kept_status) in partners {
        assert_eq!(person.get(&shared).await.status, 200);
        assert_eq!(person.get(&kept).await.status, kept_status);
    }

    for person in [&other.hurt, &other.involved, stranger] {
        for path in [shared.as_str(), kept.as_str()] {
            let page = person.get(path).await;
            assert_eq!(page.status, 404, "{path}");
            assert_hides(&page, &["trust-number"]);
        }
    }
    other.hurt.visit("/pulse").await;
    assert_eq!(stranger.get("/pulse").await.status, 404);
    assert_eq!(take_pulse(stranger, 4, "partner", &[]).await.status, 404);
    assert_eq!(cadence(stranger, "monthly").await.status, 404);

    for path in ["/pulse", shared.as_str(), kept.as_str()] {
        let page = anonymous.get(path).await;
        assert_eq!(page.location.as_deref(), Some("/login"), "{path}");
    }
    let anonymous_pulse = take_pulse(anonymous, 4, "partner", &[]).await;
    assert_eq!(anonymous_pulse.location.as_deref(), Some("/login"));
    let anonymous_cadence = cadence(anonymous, "monthly").await;
    assert_eq!(anonymous_cadence.location.as_deref(), Some("/login"));

    for path in ["/pulse/kept/zero", "/pulse/shared/999999", "/pulse/other/1"] {
        assert_eq!(couple.hurt.get(path).await.status, 404, "{path}");
    }
}

#[tokio::test]
async fn a_shared_pulse_that_fails_half_way_through_its_two_streams_changes_neither() {
    use crate::helpers::submission_key;
    use kintsugi_core::{StreamId, UserId};
    let (app, couple) = TestApp::with_couple().await;
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
    // The layout is kept.
    assert_page(
        &failed,
        500,
        &["Something went wrong on our side", "Quick exit"],
    );
    assert_eq!(app.heads_of(sharer).await, before, "neither stream moved");
    couple.hurt.assert_sees("/pulse", "No pulses yet.").await;

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
