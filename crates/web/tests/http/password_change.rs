//! Changing the password from the account page.

use crate::helpers::{TestApp, PASSWORD};
use kintsugi_web::app::config::{Limits, WebConfig};

const NEW_PASSWORD: &str = "the lighthouse keeps its lamp";

#[tokio::test]
async fn a_password_change_needs_the_current_one_and_ends_every_other_session() {
    let app = TestApp::spawn().await;
    let phone = app.stranger().await;
    let laptop = app.anonymous_as(&phone.email);
    laptop.login().await;
    assert!(phone
        .get("/account")
        .await
        .body
        .contains("action=\"/account/password\""));

    let wrong = phone
        .post(
            "/account/password",
            &[
                ("current_password", "not my password"),
                ("password", NEW_PASSWORD),
                ("password_confirm", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("That is not your current password"));
    assert!(
        !wrong.body.contains(NEW_PASSWORD),
        "passwords are never shown again"
    );
    assert_eq!(laptop.get("/account").await.status, 200, "nothing changed");

    let weak = phone
        .post(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("password", "short"),
                ("password_confirm", "short"),
            ],
        )
        .await;
    assert_eq!(weak.status, 422, "checked as at registration");
    assert!(weak.body.contains("id=\"password-error\""));

    let changed = phone
        .post(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("password", NEW_PASSWORD),
                ("password_confirm", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert!(changed.body.contains("Your password is changed"));
    assert_eq!(
        phone.get("/account").await.status,
        200,
        "this session stays"
    );
    assert_eq!(
        laptop.get("/account").await.location.as_deref(),
        Some("/login"),
        "every other session ends"
    );
    let old = app
        .anonymous_as(&phone.email)
        .post("/login", &[("email", &phone.email), ("password", PASSWORD)])
        .await;
    assert_eq!(old.status, 422);
    let new = app
        .anonymous_as(&phone.email)
        .post(
            "/login",
            &[("email", &phone.email), ("password", NEW_PASSWORD)],
        )
        .await;
    assert_eq!(new.status, 303);
}

#[tokio::test]
async fn wrong_current_passwords_are_rate_limited() {
    let app = TestApp::spawn_with(WebConfig {
        limits: Limits {
            auth_attempts: 2,
            ..Limits::default()
        },
        ..WebConfig::default()
    })
    .await;
    let person = app.stranger().await;
    let guess = [
        ("current_password", "a guess at it"),
        ("password", NEW_PASSWORD),
        ("password_confirm", NEW_PASSWORD),
    ];
    for _ in 0..2 {
        assert_eq!(person.post("/account/password", &guess).await.status, 422);
    }
    let limited = person.post("/account/password", &guess).await;
    assert_eq!(limited.status, 429);
    assert!(limited.headers.get("retry-after").is_some());
}
