//! Today: the signed-in home. What waits for the person in order of care,
//! with links to where it is handled, and what their partner shared.

use crate::checkin::{check_in, ids_after};
use crate::helpers::{assert_hides, assert_shows, TestApp};
use crate::pulse::take_pulse;

#[tokio::test]
async fn a_new_day_asks_for_a_check_in_and_the_first_pulse() {
    let app = TestApp::spawn().await;
    let couple = app.couple().await;
    let page = couple.hurt.get("/").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("aria-current=\"page\">Today</a>"));
    let check_in_at = page
        .body
        .find("Check in with yourself")
        .expect("today's check-in");
    let pulse_at = page
        .body
        .find("Your trust pulse is due")
        .expect("the first pulse");
    assert!(check_in_at < pulse_at, "the check-in comes first");
    assert_shows(
        &page,
        &[
            "You have not checked in yet.",
            "<a class=\"button\" href=\"/checkin\">Check in</a>",
            "<a class=\"button\" href=\"/pulse\">Take the pulse</a>",
            "Nothing shared by your partner yet.",
        ],
    );

    check_in(&couple.hurt, &[("tender", "2")], "", "only_me").await;
    take_pulse(&couple.hurt, 5, "only_me", &[]).await;
    let done = couple.hurt.get("/").await;
    assert_hides(
        &done,
        &["Check in with yourself", "Your trust pulse is due"],
    );
    assert!(done.body.contains("Nothing is waiting for you today."));
}

#[tokio::test]
async fn what_the_partner_shared_is_news_with_a_link_to_it() {
    let app = TestApp::spawn().await;
    let couple = app.couple().await;
    check_in(
        &couple.involved,
        &[("remorseful", "4"), ("willing", "3")],
        "I want to keep showing up.",
        "partner",
    )
    .await;
    let shared = take_pulse(&couple.involved, 5, "partner", &[])
        .await
        .location
        .expect("a shared pulse");
    let id = ids_after(
        &couple.hurt.get("/checkin").await.body,
        "action=\"/checkin/",
    )
    .into_iter()
    .next()
    .expect("the partner's check-in");

    let today = couple.hurt.get("/").await;
    assert_shows(
        &today,
        &[
            "Everything your partner has shared so far.",
            "Your partner checked in: Remorseful, Willing",
            "“<bdi>I want to keep showing up.</bdi>”",
        ],
    );
    assert!(today.body.contains(&format!("href=\"/checkin/{id}\"")));
    assert!(today.body.contains(&format!("href=\"{shared}\"")));
    assert!(today.body.contains("Your partner shared a trust pulse"));

    // A reload in the same sitting keeps the news in view.
    let again = couple.hurt.get("/").await;
    assert!(again
        .body
        .contains("Your partner checked in: Remorseful, Willing"));

    // The partner's own entries are not news to them.
    let theirs = couple.involved.get("/").await;
    assert!(!theirs.body.contains("Your partner checked in"));
    assert!(theirs.body.contains("Nothing shared by your partner yet."));
}

#[tokio::test]
async fn an_answer_to_my_check_in_is_news_to_me() {
    let app = TestApp::spawn().await;
    let couple = app.couple().await;
    check_in(&couple.hurt, &[("unheard", "4")], "", "partner").await;
    let id = ids_after(
        &couple.involved.get("/checkin").await.body,
        "action=\"/checkin/",
    )
    .into_iter()
    .next()
    .expect("an answer form");
    couple
        .involved
        .post(
            &format!("/checkin/{id}/acknowledge"),
            &[("preset", "when_youre_ready")],
        )
        .await;
    let today = couple.hurt.get("/").await;
    assert_shows(
        &today,
        &[
            "Your partner answered your check-in",
            "“<bdi>I&#39;d like to hear more, whenever you&#39;re ready.</bdi>”",
        ],
    );
}

#[tokio::test]
async fn a_question_waiting_for_an_answer_comes_before_the_check_in() {
    let app = TestApp::spawn().await;
    let couple = app.couple().await;
    let asked = couple
        .hurt
        .post(
            "/truth/questions",
            &[("betrayal", ""), ("text", "When did it really end?")],
        )
        .await;
    assert_eq!(asked.status, 303, "{}", asked.body);
    let today = couple.involved.get("/").await;
    let question = today
        .body
        .find("Your partner asked you a question")
        .expect("the question waits");
    let check_in = today
        .body
        .find("Check in with yourself")
        .expect("the check-in");
    assert!(question < check_in);
    assert_shows(
        &today,
        &[
            "“<bdi>When did it really end?</bdi>”",
            "<a class=\"button\" href=\"/truth\">Answer it</a>",
        ],
    );
    assert!(
        !couple
            .hurt
            .get("/")
            .await
            .body
            .contains("Your partner asked you a question"),
        "the one who asked is not asked"
    );
}

#[tokio::test]
async fn without_a_partner_yet_today_says_how_to_invite_them() {
    let app = TestApp::spawn().await;
    let alone = app.stranger().await;
    alone.create_space("emotional_affair", "me").await;
    let today = alone.get("/").await;
    assert_eq!(today.status, 200);
    assert_shows(
        &today,
        &[
            "Your partner has not joined yet.",
            "href=\"/space\"",
            "Check in with yourself",
        ],
    );
}

#[tokio::test]
async fn who_sees_which_front_door() {
    let app = TestApp::spawn().await;
    let couple = app.couple().await;
    let stranger = app.stranger().await;
    let anonymous = app.anonymous();
    for person in [&couple.hurt, &couple.involved] {
        let page = person.get("/").await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("<h1>Today</h1>"));
    }
    let start = stranger.get("/").await;
    assert_eq!(start.status, 200);
    assert!(!start.body.contains("<h1>Today</h1>"));
    assert!(start.body.contains("href=\"/space/new\""));
    let welcome = anonymous.get("/").await;
    assert_eq!(welcome.status, 200);
    assert_hides(&welcome, &["<h1>Today</h1>", "aria-label=\"Main\""]);
}
