//! Quick exit ends the session on the server, deletes our cookies, clears
//! the site's storage and leaves; Back then finds only the sign-in page.

use crate::helpers::TestApp;
use kintsugi_web::app::config::DEFAULT_QUICK_EXIT_URL;

#[tokio::test]
async fn quick_exit_ends_the_session_and_back_finds_only_the_sign_in_page() {
    let app = TestApp::spawn().await;
    let couple = app.couple().await;
    let hurt = &couple.hurt;
    let asked = hurt
        .post("/truth/questions", &[("text", "Where were you on Friday?")])
        .await;
    assert_eq!(asked.status, 303, "{}", asked.body);
    let truth = hurt.get("/truth").await;
    assert!(truth.body.contains("Where were you on Friday?"));
    assert_eq!(
        truth.headers["cache-control"], "no-store",
        "Back must re-request"
    );
    assert!(truth.body.contains("class=\"quick-exit\" href=\"/exit\""));
    let session = hurt.cookie("kintsugi-session").unwrap();

    let left = hurt.get("/exit").await;
    assert_eq!(left.status, 303);
    assert_eq!(left.location.as_deref(), Some(DEFAULT_QUICK_EXIT_URL));
    assert_eq!(left.headers["clear-site-data"], "\"storage\"");
    let removed = left.set_cookies();
    for name in [
        "kintsugi-session=",
        "kintsugi-csrf=",
        "kintsugi-device=",
        "kintsugi-email=",
    ] {
        assert!(
            removed
                .iter()
                .any(|c| c.starts_with(name) && c.contains("Max-Age=0")),
            "{name} is deleted: {removed:?}"
        );
    }
    assert_eq!(removed.len(), 4, "and nothing new is set: {removed:?}");

    // Back: the browser asks again, and is sent to sign in.
    let back = hurt.get("/truth").await;
    assert_eq!(back.location.as_deref(), Some("/login"));
    let login = hurt.get("/login").await;
    assert_eq!(login.status, 200);
    assert!(!login.body.contains("Where were you on Friday?"));
    // The old cookie, kept somewhere, opens nothing either.
    let replay = app.get_with_session_cookie("/truth", &session).await;
    assert_eq!(replay.status, 303);
    // The partner's session is theirs and stays.
    couple.involved.visit("/truth").await;
}

#[tokio::test]
async fn prefetches_link_previews_and_other_sites_do_not_end_the_session() {
    let app = TestApp::spawn().await;
    let person = app.stranger().await;
    let exit = format!("{}/exit", app.base);
    let asks = [
        ("sec-purpose", "prefetch"),
        ("purpose", "prefetch"),
        ("user-agent", "WhatsApp/2.23.20.0"),
        ("user-agent", "facebookexternalhit/1.1"),
        ("sec-fetch-site", "cross-site"),
    ];
    for (name, value) in asks {
        let response = person
            .client
            .get(&exit)
            .header(name, value)
            .send()
            .await
            .unwrap();
        assert_ne!(response.status().as_u16(), 200, "{name}: {value}");
        assert!(
            response.headers().get("clear-site-data").is_none(),
            "{name}: {value}"
        );
        let signed_in = person.is_signed_in().await;
        assert!(signed_in, "{name}: {value} left the session open");
    }
}

#[tokio::test]
async fn quick_exit_works_for_someone_signed_out() {
    let app = TestApp::spawn().await;
    let visitor = app.anonymous();
    visitor.assert_sees("/login", "href=\"/exit\"").await;
    let left = visitor.get("/exit").await;
    assert_eq!(left.status, 303);
    assert_eq!(left.location.as_deref(), Some(DEFAULT_QUICK_EXIT_URL));
}
