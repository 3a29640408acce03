//! Emails with control characters are refused as invalid on every account
//! form, on both backends, never answered with a server error.

use crate::helpers::{assert_refused, TestApp, PASSWORD};

async fn control_characters_are_refused(app: &TestApp) {
    let visitor = app.anonymous();
    for email in [
        "sam\0@example.org",
        "sam@example.org\u{7}",
        "sam\u{1b}[2J@example.org",
    ] {
        let invalid = "Please enter an email address";
        let registered = visitor.post_register(email, PASSWORD, PASSWORD).await;
        assert_refused(&registered, invalid);
        let login = visitor.post_login(email, PASSWORD).await;
        assert_eq!(login.status, 422, "login {email:?}: {}", login.body);
        let recovered = visitor
            .post_recover(email, "abcd-efgh-jkmn", PASSWORD)
            .await;
        assert_refused(&recovered, invalid);
    }
    assert!(app
        .store
        .user_by_email("sam\0@example.org")
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn emails_with_control_characters_are_refused_as_invalid() {
    let app = TestApp::spawn().await;
    control_characters_are_refused(&app).await;
}

#[tokio::test]
async fn emails_with_control_characters_are_refused_as_invalid_on_postgres() {
    let Some(app) = TestApp::spawn_on_postgres().await else {
        return;
    };
    control_characters_are_refused(&app).await;
}
