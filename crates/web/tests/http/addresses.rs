//! Every address answers like a page of the app: a form's address opened
//! directly leads to its page, and every refusal (404, 403, 405, 429) keeps
//! the layout with Quick exit and the navigation that fits the person.

use crate::helpers::{Page, Person, TestApp};

/// Every address that takes a form, from the list the router is built from.
fn form_routes() -> Vec<String> {
    let mut found: Vec<String> = kintsugi_web::routes()
        .iter()
        .filter(|route| route.method.as_str() == "POST")
        .map(|route| route.path.to_owned())
        .collect();
    found.sort();
    found.dedup();
    found
}

/// A route path with its parameters filled in with plausible values.
fn fill(path: &str) -> String {
    path.replace("{id}", "1")
        .replace("{token}", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
}

/// GETs `path` and follows the app's own redirects (a few at most): the
/// first answer's status and location, and the page it led to.
async fn open(person: &Person, path: &str) -> ((u16, Option<String>), Page) {
    let mut last = person.get(path).await;
    let first = (last.status, last.location.clone());
    for _ in 0..3 {
        match last.location.clone() {
            Some(next) if last.status == 303 || last.status == 302 => {
                last = person.get(&next).await;
            }
            _ => break,
        }
    }
    (first, last)
}

pub(crate) fn has_layout(page: &Page) -> bool {
    page.body.contains("<a class=\"quick-exit\"") && page.body.contains("<main id=\"main\">")
}

/// The links of one navigation, in order.
fn nav_links(body: &str, label: &str) -> Vec<String> {
    let marker = format!("<nav aria-label=\"{label}\"");
    let Some(start) = body.find(&marker) else {
        return Vec::new();
    };
    let nav = &body[start..];
    let nav = &nav[..nav.find("</nav>").expect("a closed nav")];
    nav.match_indices("href=\"")
        .map(|(at, found)| {
            let rest = &nav[at + found.len()..];
            rest[..rest.find('"').expect("a closed href")].to_owned()
        })
        .collect()
}

#[tokio::test]
async fn every_form_address_opened_directly_gives_a_page_never_405() {
    let app = TestApp::spawn().await;
    let couple = app.couple().await;
    let routes = form_routes();
    assert!(
        routes.len() >= 25 && routes.contains(&"/space/invite".to_owned()),
        "the routes were read from the list: {routes:?}"
    );
    for route in &routes {
        let path = fill(route);
        let ((status, _), last) = open(&couple.hurt, &path).await;
        // 404 only where the made-up id or token names nothing.
        assert!(
            [200, 303, 404].contains(&status),
            "GET {path} answered {status}"
        );
        assert_ne!(last.status, 405, "GET {path} led to a 405");
        assert!(
            has_layout(&last),
            "GET {path} led to a page without the layout"
        );
    }
    assert_eq!(
        couple.hurt.get("/account").await.status,
        200,
        "opening /logout with GET signs nobody out"
    );
    let ((status, location), _) = open(&couple.hurt, "/requests/18/fulfilments").await;
    assert_eq!(status, 303);
    assert_eq!(location.as_deref(), Some("/requests/18"));
    let ((status, _), _) = open(&couple.hurt, "/requests/%2F%2Fevil.example/accept").await;
    assert_eq!(status, 404, "only plain ids are passed on");
    let ((status, location), page) = open(&couple.hurt, "/space/invite").await;
    assert_eq!((status, location.as_deref()), (303, Some("/space")));
    assert_eq!(page.status, 200);
}

#[tokio::test]
async fn a_wrong_method_anywhere_is_a_page_with_the_layout() {
    let app = TestApp::spawn().await;
    let couple = app.couple().await;
    for path in ["/progress", "/healthz", "/truth"] {
        let page = couple.hurt.post(path, &[]).await;
        assert_eq!(page.status, 405, "POST {path}");
        assert!(has_layout(&page), "POST {path}: {}", page.body);
        assert!(
            nav_links(&page.body, "Main").contains(&"/truth".to_owned()),
            "a partner keeps their navigation"
        );
        assert!(page.headers.contains_key("allow"));
    }
}

#[tokio::test]
async fn before_a_space_exists_every_link_in_the_navigation_leads_somewhere() {
    let app = TestApp::spawn().await;
    let person = app.stranger().await;
    let start = person.visit("/").await;
    let main = nav_links(&start.body, "Main");
    let more = nav_links(&start.body, "More");
    assert_eq!(main, ["/"], "only the start page before a space");
    assert_eq!(more, ["/account"]);
    for link in main.iter().chain(&more) {
        let page = person.get(link).await;
        assert_eq!(page.status, 200, "{link} is usable before a space");
        assert!(!page.body.contains("Nothing here"));
    }

    // Once the space exists, the couple's rooms appear.
    person.create_space("physical_affair", "me").await;
    let today = person.get("/").await;
    let main = nav_links(&today.body, "Main");
    assert!(main.contains(&"/truth".to_owned()) && main.contains(&"/progress".to_owned()));
    assert!(nav_links(&today.body, "More").contains(&"/space".to_owned()));
}

#[tokio::test]
async fn error_pages_keep_the_layout_and_the_persons_navigation() {
    let app = TestApp::spawn_allowing(3).await;
    let couple = app.couple().await;
    let partner = &couple.hurt;
    let alone = app.stranger().await;
    let visitor = app.anonymous();

    let not_found = partner.get("/no-such-page").await;
    assert_eq!(not_found.status, 404);
    let refused = partner
        .post_without_csrf("/truth/questions", &[("text", "Why?")])
        .await;
    assert_eq!(refused.status, 403);
    let wrong_method = partner.post("/progress", &[]).await;
    assert_eq!(wrong_method.status, 405);
    let mut limited = None;
    for _ in 0..5 {
        let page = partner.post_login(&partner.email, "not the password").await;
        if page.status == 429 {
            limited = Some(page);
            break;
        }
    }
    let limited = limited.expect("the rate limit answers");
    for page in [&not_found, &refused, &wrong_method, &limited] {
        assert!(has_layout(page), "{}: {}", page.status, page.body);
        assert!(
            nav_links(&page.body, "Main").contains(&"/truth".to_owned()),
            "{} keeps a partner's navigation",
            page.status
        );
    }

    let alone_missing = alone.get("/truth").await;
    assert_eq!(alone_missing.status, 404);
    assert!(has_layout(&alone_missing));
    assert_eq!(nav_links(&alone_missing.body, "Main"), ["/"]);

    let visitor_missing = visitor.get("/no-such-page").await;
    assert_eq!(visitor_missing.status, 404);
    assert!(has_layout(&visitor_missing));
    assert!(nav_links(&visitor_missing.body, "Main").is_empty());
}
