//! Automatic sign-out after some idle minutes, chosen per person on the
//! account page for a shared device; off unless chosen.

use crate::helpers::{assert_shows, TestApp};
use time::Duration;

#[tokio::test]
async fn a_person_who_chose_it_is_signed_out_after_that_many_idle_minutes() {
    let app = TestApp::spawn().await;
    let careful = app.stranger().await;
    let elsewhere = app.anonymous_as(&careful.email);
    elsewhere.login().await;
    let everyone_else = app.stranger().await;
    assert_shows(
        &careful.get("/account").await,
        &[
            "Sign out when I step away",
            "<option value=\"off\" selected>",
        ],
    );

    let chosen = careful
        .post("/account/idle-sign-out", &[("minutes", "15")])
        .await;
    assert_eq!(chosen.status, 303, "{}", chosen.body);
    assert_shows(
        &careful.get("/account").await,
        &["<option value=\"15\" selected>"],
    );

    // Used every 14 minutes, the session stays; 16 idle minutes end it, in
    // every place that person is signed in, and no one else's.
    for _ in 0..3 {
        app.clock.advance(Duration::minutes(14));
        assert_eq!(careful.get("/account").await.status, 200);
    }
    app.clock.advance(Duration::minutes(16));
    for browser in [&careful, &elsewhere] {
        let after = browser.get("/account").await;
        assert_eq!(after.location.as_deref(), Some("/login"));
    }
    assert_eq!(everyone_else.get("/account").await.status, 200);
}

#[tokio::test]
async fn turned_off_again_the_usual_time_out_applies_and_odd_choices_are_refused() {
    let app = TestApp::spawn().await;
    let person = app.stranger().await;
    for minutes in ["30", "off"] {
        let chosen = person
            .post("/account/idle-sign-out", &[("minutes", minutes)])
            .await;
        assert_eq!(chosen.status, 303, "{minutes}: {}", chosen.body);
    }
    for odd in ["7", "", "100000"] {
        let refused = person
            .post("/account/idle-sign-out", &[("minutes", odd)])
            .await;
        assert_eq!(refused.status, 400, "{odd:?}");
    }
    app.clock.advance(Duration::hours(5));
    assert_shows(
        &person.get("/account").await,
        &["<option value=\"off\" selected>"],
    );
    let anonymous = app.anonymous();
    let refused = anonymous
        .post("/account/idle-sign-out", &[("minutes", "15")])
        .await;
    assert_eq!(refused.location.as_deref(), Some("/login"));
}
