//! Today: the signed-in home. What waits for the person in order of care,
//! with links to where it is handled, and what their partner shared.

use crate::checkin::{answer, answerable, check_in};
use crate::helpers::{assert_hides, assert_page, assert_shows, TestApp};
use crate::pulse::take_pulse;

/// Where `first` and `then` are on a page that must show both, and whether
/// `first` comes first.
fn comes_before(body: &str, first: &str, then: &str) -> bool {
    let at = |text: &str| {
        body.find(text)
            .unwrap_or_else(|| panic!("{text:?} is missing"))
    };
    at(first) < at(then)
}

#[tokio::test]
async fn a_new_day_asks_for_a_check_in_and_the_first_pulse() {
    let (_app, couple) = TestApp::with_couple().await;
    let page = couple.hurt.visit("/").await;
    assert!(page.body.contains("aria-current=\"page\">Today</a>"));
    assert!(
        comes_before(
            &page.body,
            "Check in with yourself",
            "Your trust pulse is due"
        ),
        "the check-in comes first"
    );
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
    let (_app, couple) = TestApp::with_couple().await;
    let feelings = [("remorseful", "4"), ("willing", "3")];
    let note = "I want to keep showing up.";
    check_in(&couple.involved, &feelings, note, "partner").await;
    let pulse = take_pulse(&couple.involved, 5, "partner", &[]).await;
    let shared = pulse.location.expect("a shared pulse");
    let id = answerable(&couple.hurt).await;

    let today = couple.hurt.get("/").await;
    assert_shows(
        &today,
        &[
            "Everything your partner has shared so far.",
            "Your partner checked in: Remorseful, Willing",
            "“<bdi>I want to keep showing up.</bdi>”",
            &format!("href=\"/checkin/{id}\""),
            &format!("href=\"{shared}\""),
            "Your partner shared a trust pulse",
        ],
    );

    // A reload in the same sitting keeps the news in view.
    let again = couple.hurt.get("/").await;
    assert_shows(&again, &["Your partner checked in: Remorseful, Willing"]);

    // The partner's own entries are not news to them.
    let theirs = couple.involved.get("/").await;
    assert_hides(&theirs, &["Your partner checked in"]);
    assert_shows(&theirs, &["Nothing shared by your partner yet."]);
}

#[tokio::test]
async fn an_answer_to_my_check_in_is_news_to_me() {
    let (_app, couple) = TestApp::with_couple().await;
    check_in(&couple.hurt, &[("unheard", "4")], "", "partner").await;
    let id = answerable(&couple.involved).await;
    answer(&couple.involved, &id, &[("preset", "when_youre_ready")]).await;
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
    let (_app, couple) = TestApp::with_couple().await;
    let question = [("betrayal", ""), ("text", "When did it really end?")];
    let asked = couple.hurt.post("/truth/questions", &question).await;
    assert_eq!(asked.status, 303, "{}", asked.body);
    let today = couple.involved.get("/").await;
    let waits = "Your partner asked you a question";
    assert!(comes_before(&today.body, waits, "Check in with yourself"));
    assert_shows(
        &today,
        &[
            "“<bdi>When did it really end?</bdi>”",
            "<a class=\"button\" href=\"/truth\">Answer it</a>",
        ],
    );
    assert!(
        !couple.hurt.sees("/", waits).await,
        "the one who asked is not asked"
    );
}

#[tokio::test]
async fn without_a_partner_yet_today_says_how_to_invite_them() {
    let app = TestApp::spawn().await;
    let alone = app.stranger().await;
    alone.create_space("emotional_affair", "me").await;
    let today = alone.visit("/").await;
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
    let (app, couple) = TestApp::with_couple().await;
    for person in [&couple.hurt, &couple.involved] {
        assert_page(&person.get("/").await, 200, &["<h1>Today</h1>"]);
    }
    let start = app.stranger().await.visit("/").await;
    assert_hides(&start, &["<h1>Today</h1>"]);
    assert_shows(&start, &["href=\"/space/new\""]);
    let welcome = app.anonymous().visit("/").await;
    assert_hides(&welcome, &["<h1>Today</h1>", "aria-label=\"Main\""]);
}

#[tokio::test]
async fn what_waits_above_is_never_denied_below() {
    let (_app, couple) = TestApp::with_couple().await;
    let disclosure = [
        ("text", "Marker-told: the first message was in May."),
        ("refers_to", ""),
    ];
    couple
        .involved
        .post("/truth/disclosures", &disclosure)
        .await;

    let today = couple.hurt.get("/").await;
    assert_shows(
        &today,
        &[
            "A disclosure from your partner is waiting to be read",
            "What your partner shared is waiting for you above.",
        ],
    );
    assert_hides(&today, &["Nothing shared by your partner yet."]);
}

#[tokio::test]
async fn a_question_parked_for_therapy_shows_on_today_without_its_words() {
    let (_app, couple) = TestApp::with_couple().await;
    let asked = couple
        .hurt
        .post(
            "/truth/questions",
            &[("text", "Marker-parked: where did you two meet?")],
        )
        .await;
    let question = asked
        .location
        .as_deref()
        .and_then(|at| at.rsplit("entry-").next())
        .expect("the question's anchor")
        .to_owned();
    couple
        .hurt
        .post(&format!("/truth/{question}/park"), &[])
        .await;

    let today = couple.involved.get("/").await;
    assert_shows(
        &today,
        &["A question from your partner is parked for your joint therapy session"],
    );
    assert_hides(&today, &["Marker-parked"]);
    let parked = couple.involved.get("/truth?filter=parked").await;
    assert_shows(&parked, &["Marker-parked: where did you two meet?"]);
}

#[tokio::test]
async fn a_new_couple_gets_three_first_steps_by_role_gone_once_taken() {
    let (_app, couple) = TestApp::with_couple().await;
    let hurt = couple.hurt.get("/").await;
    assert_shows(
        &hurt,
        &[
            "Start here",
            "<a class=\"step-title\" href=\"/checkin\">Check in with how you feel</a>",
            "<a class=\"step-title\" href=\"/truth\">Ask what you need to know</a>",
            "<a class=\"step-title\" href=\"/requests\">Ask for one specific thing</a>",
        ],
    );
    let involved = couple.involved.get("/").await;
    assert_shows(
        &involved,
        &[
            "<a class=\"step-title\" href=\"/truth\">Tell the truth, in your own words</a>",
            "<a class=\"step-title\" href=\"/apology\">Write your apology</a>",
            "<a class=\"step-title\" href=\"/commitments\">Make your bedrock commitments</a>",
        ],
    );
    assert_hides(&involved, &["Ask for one specific thing"]);

    check_in(&couple.hurt, &[("tender", "2")], "", "only_me").await;
    let one_done = couple.hurt.get("/").await;
    assert_shows(
        &one_done,
        &["<span class=\"step-title\">Check in with how you feel</span> <span class=\"tag\">Done</span>"],
    );
    couple
        .hurt
        .post("/truth/questions", &[("text", "When did it begin?")])
        .await;
    let request = crate::helpers::request_fields("Text me when you leave work", "daily", "send");
    couple.hurt.post("/requests", &request).await;
    let all_done = couple.hurt.get("/").await;
    assert_hides(&all_done, &["Start here"]);
    assert_shows(&couple.involved.get("/").await, &["Start here"]);
}
