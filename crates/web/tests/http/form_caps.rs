//! Every form has caps on its body, on its number of fields and on each
//! field's length, declared with its type. Beyond them the person gets a
//! page (413 or 422) with the layout and the quick exit, and nothing is
//! written; within them a text that is merely too long comes back in its
//! form with a kind word.

use crate::helpers::{request_fields, Page, Person, TestApp};

/// One oversized form: what it is, who sends it, where, its fields, and
/// the status and words expected back.
type Case<'a> = (
    &'a str,
    &'a Person,
    &'a str,
    Vec<(&'a str, &'a str)>,
    u16,
    &'a str,
);
const TOO_LARGE: &str = "That was more than this form takes";
const OVERFULL: &str = "That form held more than it has room for";

fn assert_refused(what: &str, page: &Page, status: u16, heading: &str) {
    assert_eq!(page.status, status, "{what}: {}", page.body);
    assert!(page.body.contains(heading), "{what}: {}", page.body);
    assert!(
        page.body.contains("class=\"quick-exit\""),
        "{what}: the page keeps the layout"
    );
}

/// `count` fields called `name`.
fn many<'a>(name: &'a str, value: &'a str, count: usize) -> Vec<(&'a str, &'a str)> {
    vec![(name, value); count]
}

#[tokio::test]
async fn a_form_beyond_its_caps_gets_a_page_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let couple = app.couple().await;
    let (hurt, involved) = (&couple.hurt, &couple.involved);
    let made = hurt
        .post(
            "/requests",
            &request_fields("Text me when you leave work", "daily", "send"),
        )
        .await;
    let request = made.location.expect("the request's page");
    let accept = format!("{request}/accept");
    let before = app.couple_record_length(hurt).await;

    let long_note = "a".repeat(60_000);
    let check_in = [
        ("feelings", "sad"),
        ("intensity_sad", "3"),
        ("visibility", "partner"),
        ("note", long_note.as_str()),
    ];
    let huge_email = "a".repeat(30_000);
    let long_question = "Why? ".repeat(1_000);
    let long_part = "I lied to you. ".repeat(700);
    let cases: Vec<Case> = vec![
        (
            "a check-in with a huge note",
            hurt,
            "/checkin",
            check_in.to_vec(),
            413,
            TOO_LARGE,
        ),
        (
            "a check-in with more fields than the vocabulary",
            hurt,
            "/checkin",
            many("feelings", "sad", 200),
            422,
            OVERFULL,
        ),
        (
            "a question far longer than a question",
            hurt,
            "/truth/questions",
            vec![("betrayal", ""), ("text", long_question.as_str())],
            422,
            OVERFULL,
        ),
        (
            "an apology part far longer than a part",
            involved,
            "/apology",
            vec![("what_i_did", long_part.as_str()), ("action", "send")],
            422,
            OVERFULL,
        ),
        (
            "a button with fields",
            involved,
            &accept,
            many("note", "x", 5),
            422,
            OVERFULL,
        ),
        (
            "a button with a body",
            involved,
            &accept,
            vec![("note", &long_note[..600])],
            413,
            TOO_LARGE,
        ),
    ];
    for (what, person, path, fields, status, heading) in &cases {
        let page = person.post(path, fields).await;
        assert_refused(what, &page, *status, heading);
    }
    assert_eq!(
        app.couple_record_length(hurt).await,
        before,
        "nothing was written"
    );

    let stranger = app.anonymous();
    let login = stranger
        .post(
            "/login",
            &[("email", huge_email.as_str()), ("password", "x")],
        )
        .await;
    assert_refused("a sign-in with a huge email", &login, 413, TOO_LARGE);
}

#[tokio::test]
async fn a_text_a_little_too_long_comes_back_in_its_form() {
    let app = TestApp::spawn().await;
    let couple = app.couple().await;
    let question = "w".repeat(2_500);
    let page = couple
        .hurt
        .post(
            "/truth/questions",
            &[("betrayal", ""), ("text", question.as_str())],
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(!page.body.contains(OVERFULL));
    assert!(page.body.contains("please keep it under 2000"));
    assert!(page.body.contains(&question), "what was typed is kept");
}
