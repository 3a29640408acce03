//! Changing the password from the account page.

use crate::helpers::{assert_page, TestApp, PASSWORD};

const NEW_PASSWORD: &str = "the lighthouse keeps its lamp";

#[tokio::test]
async fn a_password_change_needs_the_current_one_and_ends_every_other_session() {
    let app = TestApp::spawn().await;
    let (phone, laptop) = app.signed_in_twice().await;
    phone
        .assert_sees("/account", "action=\"/account/password\"")
        .await;

    let wrong = phone
        .post_password_change("not my password", NEW_PASSWORD)
        .await;
    assert_page(&wrong, 422, &["That is not your current password"]);
    assert!(
        !wrong.body.contains(NEW_PASSWORD),
        "passwords are never shown again"
    );
    assert!(laptop.is_signed_in().await, "nothing changed");

    // Checked as at registration.
    let weak = phone.post_password_change(PASSWORD, "short").await;
    assert_page(&weak, 422, &["id=\"password-error\""]);

    let changed = phone.post_password_change(PASSWORD, NEW_PASSWORD).await;
    assert_page(&changed, 200, &["Your password is changed"]);
    assert!(phone.is_signed_in().await, "this session stays");
    assert!(!laptop.is_signed_in().await, "every other session ends");
    for (password, status) in [(PASSWORD, 422), (NEW_PASSWORD, 303)] {
        let browser = app.anonymous_as(&phone.email);
        let login = browser.post_login(&phone.email, password).await;
        assert_eq!(login.status, status, "signing in with {password:?}");
    }
}

#[tokio::test]
async fn wrong_current_passwords_are_rate_limited() {
    let app = TestApp::spawn_allowing(2).await;
    let person = app.stranger().await;
    let guess = || person.post_password_change("a guess at it", NEW_PASSWORD);
    for _ in 0..2 {
        assert_eq!(guess().await.status, 422);
    }
    let limited = guess().await;
    assert_eq!(limited.status, 429);
    assert!(limited.headers.get("retry-after").is_some());
}
