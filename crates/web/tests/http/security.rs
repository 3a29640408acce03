use crate::helpers::TestApp;

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    let person = app.stranger().await;
    for path in ["/", "/space/new", "/account", "/no-such-page"] {
        let page = person.get(path).await;
        let header = |name: &str| {
            page.headers
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
        };
        let csp = header("content-security-policy").expect("a CSP");
        assert!(csp.contains("default-src 'none'"), "{path}");
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe-inline"));
        assert_eq!(header("referrer-policy").as_deref(), Some("no-referrer"));
        assert_eq!(header("x-content-type-options").as_deref(), Some("nosniff"));
        assert_eq!(
            header("cache-control").as_deref(),
            Some("no-store"),
            "{path}"
        );
        assert!(!page.body.contains("<script"), "{path} has no script");
        assert!(
            page.body.contains("<title>Kintsugi</title>"),
            "{path} has a neutral title"
        );
        assert!(
            page.body.contains("class=\"quick-exit\""),
            "{path} has a quick exit"
        );
    }
}

#[tokio::test]
async fn the_stylesheet_is_cached_forever_under_its_hash() {
    let app = TestApp::spawn().await;
    let person = app.anonymous();
    let home = person.get("/").await;
    let at = home.body.find("/static/app-").unwrap();
    let href: String = home.body[at..].chars().take_while(|c| *c != '"').collect();
    let css = person.get(&href).await;
    assert_eq!(css.status, 200);
    assert!(css.headers["cache-control"]
        .to_str()
        .unwrap()
        .contains("immutable"));
    assert!(css.body.contains("prefers-color-scheme: dark"));
    assert_eq!(person.get("/static/app-000000000000.css").await.status, 404);
}

#[tokio::test]
async fn a_form_without_its_csrf_token_is_refused() {
    let app = TestApp::spawn().await;
    let person = app.stranger().await;
    let refused = person
        .post_without_csrf(
            "/space/new",
            &[("kind", "deception"), ("hurt", "me"), ("feel_safe", "yes")],
        )
        .await;
    assert_eq!(refused.status, 403);
    let wrong = person
        .post_raw(
            "/space/new",
            &[
                ("csrf", "x"),
                ("kind", "deception"),
                ("hurt", "me"),
                ("feel_safe", "yes"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 403);
    assert!(!person.has_a_space().await, "nothing was created");
    let login = app
        .anonymous()
        .post_without_csrf("/login", &[("email", "a@b.org"), ("password", "x")])
        .await;
    assert_eq!(login.status, 403);
}

#[tokio::test]
async fn a_cross_site_form_is_refused_even_with_a_token() {
    let app = TestApp::spawn().await;
    let person = app.stranger().await;
    let csrf = person.csrf().await;
    let cross_site = [
        ("origin", "https://elsewhere.example"),
        ("content-type", "application/x-www-form-urlencoded"),
    ];
    let body = format!("csrf={csrf}&kind=deception&hurt=me&feel_safe=yes");
    let page = person
        .post_with_headers("/space/new", &cross_site, body)
        .await;
    assert_eq!(page.status, 403);
}

#[tokio::test]
async fn health_answers_when_the_store_does() {
    let app = TestApp::spawn().await;
    let page = app.anonymous().get("/healthz").await;
    assert_eq!(page.status, 200);
    assert_eq!(page.body, "ok");
}
