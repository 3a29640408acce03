//! The smaller account and request hardening: CSRF tokens rotate at login
//! and logout, forms are read only as urlencoded bodies, HSTS behind TLS,
//! and an unknown session cookie is cleared.

use crate::helpers::{assert_page, TestApp, PASSWORD};
use kintsugi_web::app::config::WebConfig;

#[tokio::test]
async fn the_csrf_token_is_new_after_login_and_after_logout() {
    let app = TestApp::spawn().await;
    let sam = app.anonymous();
    sam.register().await;
    let before = sam.csrf().await;
    let codes = sam.post_login(&sam.email, PASSWORD).await;
    assert_eq!(codes.status, 200);
    let signed_in = sam.cookie("kintsugi-csrf").unwrap();
    assert_ne!(before, signed_in, "login rotates the token");
    assert!(
        codes.body.contains(&format!("value=\"{signed_in}\"")),
        "the page after login carries the new token"
    );
    let stale = sam
        .post_raw("/account/recovery-codes", &[("csrf", &before)])
        .await;
    assert_eq!(stale.status, 403, "the old token is worth nothing");

    assert_eq!(sam.post("/logout", &[]).await.status, 303);
    let signed_out = sam.cookie("kintsugi-csrf").unwrap();
    assert_ne!(signed_in, signed_out, "logout rotates the token");
}

#[tokio::test]
async fn a_form_body_of_another_type_is_refused_with_a_page() {
    let app = TestApp::spawn().await;
    let person = app.stranger().await;
    let csrf = format!("csrf={}", person.csrf().await);
    let plain = [("content-type", "text/plain")];
    let page = person
        .post_with_headers("/account/recovery-codes", &plain, csrf)
        .await;
    // The page keeps the layout.
    assert_page(
        &page,
        415,
        &["class=\"quick-exit\"", "That form could not be read"],
    );
    assert!(
        !page.body.contains("<code>"),
        "no new recovery codes were made"
    );
}

#[tokio::test]
async fn hsts_is_sent_only_when_the_instance_is_reached_over_https() {
    let plain = TestApp::spawn().await;
    let page = plain.anonymous().get("/login").await;
    assert!(page.headers.get("strict-transport-security").is_none());

    let secure = TestApp::spawn_with(WebConfig {
        secure_cookies: true,
        ..WebConfig::default()
    })
    .await;
    for path in ["/login", "/no-such-page"] {
        let page = secure.anonymous().get(path).await;
        assert_eq!(
            page.headers["strict-transport-security"], "max-age=63072000; includeSubDomains",
            "{path}"
        );
    }
}

#[tokio::test]
async fn an_unknown_session_cookie_is_cleared() {
    let app = TestApp::spawn().await;
    for value in ["A".repeat(43), "not-even-a-token".to_owned()] {
        let page = app.get_with_session_cookie("/login", &value).await;
        let cookies = page.set_cookies();
        assert!(
            cookies
                .iter()
                .any(|c| c.starts_with("kintsugi-session=") && c.contains("Max-Age=0")),
            "{value}: {cookies:?}"
        );
    }
}
