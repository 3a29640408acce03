//! The smaller account and request hardening: CSRF tokens rotate at login
//! and logout, forms are read only as urlencoded bodies, HSTS behind TLS,
//! and an unknown session cookie is cleared.

use crate::helpers::{TestApp, PASSWORD};
use kintsugi_web::app::config::WebConfig;

#[tokio::test]
async fn the_csrf_token_is_new_after_login_and_after_logout() {
    let app = TestApp::spawn().await;
    let sam = app.anonymous();
    sam.register().await;
    let before = sam.csrf().await;
    let codes = sam
        .post("/login", &[("email", &sam.email), ("password", PASSWORD)])
        .await;
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
    let csrf = person.csrf().await;
    let response = person
        .client
        .post(format!("{}/account/recovery-codes", app.base))
        .header("content-type", "text/plain")
        .body(format!("csrf={csrf}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 415);
    let body = response.text().await.unwrap();
    assert!(
        body.contains("class=\"quick-exit\""),
        "the page keeps the layout"
    );
    assert!(body.contains("That form could not be read"));
    assert!(!body.contains("<code>"), "no new recovery codes were made");
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
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for value in ["A".repeat(43), "not-even-a-token".to_owned()] {
        let response = client
            .get(format!("{}/login", app.base))
            .header("cookie", format!("kintsugi-session={value}"))
            .send()
            .await
            .unwrap();
        let cookies: Vec<&str> = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect();
        assert!(
            cookies
                .iter()
                .any(|c| c.starts_with("kintsugi-session=") && c.contains("Max-Age=0")),
            "{value}: {cookies:?}"
        );
    }
}
