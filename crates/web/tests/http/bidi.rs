//! Words a person wrote are set apart on every page that shows them: a
//! right-to-left override (U+202E) in one entry cannot reorder the text
//! around it.

use crate::helpers::{request_fields, Page, Person, TestApp};
use kintsugi_web::app::clock::Clock;
use time::macros::format_description;

const OVERRIDE: char = '\u{202E}';

/// The opening tag of the element each override on the page sits in
/// directly, when that element neither is a `<bdi>` nor carries
/// `dir="auto"` (nor is a hidden field, never shown); and how many
/// overrides there are.
fn unisolated(body: &str) -> (Vec<&str>, usize) {
    let mut loose = Vec::new();
    let mut count = 0;
    for (at, _) in body.match_indices(OVERRIDE) {
        count += 1;
        let tag = body[..at]
            .rfind('<')
            .and_then(|start| Some(&body[start..start + body[start..].find('>')? + 1]));
        match tag {
            Some(tag)
                if tag == "<bdi>"
                    || tag.contains("dir=\"auto\"")
                    || tag.starts_with("<input type=\"hidden\"") => {}
            other => loose.push(other.unwrap_or("(no element)")),
        }
    }
    (loose, count)
}

fn assert_isolated(who: &str, path: &str, page: &Page) {
    assert_eq!(page.status, 200, "{who} {path}");
    let (loose, count) = unisolated(&page.body);
    assert!(count > 0, "{who} {path} shows the words");
    assert!(loose.is_empty(), "{who} {path}: not set apart in {loose:?}");
}

#[test]
fn the_check_finds_words_left_loose() {
    let words = format!("{OVERRIDE}dlrow");
    let page = format!("<p class=\"x\">{words}</p><bdi>{words}</bdi>");
    assert_eq!(unisolated(&page), (vec!["<p class=\"x\">"], 2));
    let field = format!("<textarea dir=\"auto\">{words}</textarea>");
    assert_eq!(unisolated(&field), (vec![], 1));
}

async fn sent(person: &Person, path: &str, fields: &[(&str, &str)]) -> Page {
    let page = person.post(path, fields).await;
    assert_eq!(page.status, 303, "{path}: {}", page.body);
    page
}

#[tokio::test]
async fn a_right_to_left_override_in_an_entry_reorders_nothing_around_it() {
    let app = TestApp::spawn().await;
    let couple = app.couple().await;
    let (hurt, involved) = (&couple.hurt, &couple.involved);
    let w = format!("{OVERRIDE}ereh sdrow ym");
    let w = w.as_str();

    sent(hurt, "/truth/questions", &[("betrayal", ""), ("text", w)]).await;
    sent(
        involved,
        "/truth/disclosures",
        &[("betrayal", ""), ("text", w), ("refers_to", "")],
    )
    .await;
    let made = sent(
        hurt,
        "/requests",
        &request_fields(w, "each_time", "send")
            .into_iter()
            .map(|(k, v)| if k == "trigger" { (k, w) } else { (k, v) })
            .collect::<Vec<_>>(),
    )
    .await;
    let request = made.location.expect("the request's page");
    sent(involved, &format!("{request}/accept"), &[]).await;
    sent(
        involved,
        &format!("{request}/fulfilments"),
        &[("happened_on", ""), ("note", w)],
    )
    .await;
    sent(
        hurt,
        "/checkin",
        &[
            ("feelings", "sad"),
            ("intensity_sad", "3"),
            ("note", w),
            ("visibility", "partner"),
        ],
    )
    .await;
    sent(
        involved,
        "/commitments",
        &[("betrayal", ""), ("kind", "own"), ("details", w)],
    )
    .await;
    let an_hour_ago = (app.clock.now() - time::Duration::hours(1))
        .format(format_description!("[year]-[month]-[day]T[hour]:[minute]"))
        .expect("a time");
    sent(
        involved,
        "/contact",
        &[
            ("betrayal", ""),
            ("happened_at", &an_hour_ago),
            ("happened_at_which", ""),
            ("channel", "text_message"),
            ("what_was_said", w),
            ("how_i_responded", w),
        ],
    )
    .await;
    // Sent as it is: what the coach thinks of reversed words is not this test.
    let mut apology = vec![
        ("betrayal", ""),
        ("factors", ""),
        ("action", "send_as_it_is"),
    ];
    for part in "what_i_did impact responsibility remorse changes repair".split(' ') {
        apology.push((part, w));
    }
    sent(involved, "/apology", &apology).await;
    // Last: with a second betrayal, every form above would ask which one.
    sent(
        hurt,
        "/space/betrayals",
        &[("kind", "emotional_affair"), ("hurt", "me"), ("note", w)],
    )
    .await;

    let pages: [(&str, &Person, &[&str]); 2] = [
        (
            "hurt",
            hurt,
            &[
                "/",
                "/truth",
                "/requests",
                &request,
                "/progress",
                "/checkin",
                "/commitments",
                "/contact",
                "/apology",
                "/space",
            ],
        ),
        (
            "involved",
            involved,
            &[
                "/",
                "/truth",
                "/requests",
                &request,
                "/checkin",
                "/commitments",
                "/contact",
                "/apology",
            ],
        ),
    ];
    for (who, person, paths) in pages {
        for path in paths {
            assert_isolated(who, path, &person.get(path).await);
        }
    }
}

#[tokio::test]
async fn an_email_with_an_override_is_set_apart_on_the_account_page() {
    let app = TestApp::spawn().await;
    let person = app.anonymous_as(&format!("eno{OVERRIDE}@example.org"));
    person.register().await;
    person.login().await;
    assert_isolated("its owner", "/account", &person.get("/account").await);
}
