//! Progress: charts with table alternatives, the choices in the address,
//! kind empty states, and who may reach the page.

use crate::checkin::check_in;
use crate::helpers::{assert_hides, assert_redirect, assert_shows, TestApp, World};
use crate::pulse::take_pulse;
use kintsugi_web::app::clock::Clock;

#[tokio::test]
async fn a_new_couple_sees_kind_empty_states() {
    let (_app, couple) = TestApp::with_couple().await;
    let page = couple.hurt.visit("/progress").await;
    assert_shows(
        &page,
        &[
            "aria-current=\"page\">Progress</a>",
            "No pulses in the last year.",
            "No check-ins in the last 30 days.",
            "No requests agreed yet.",
            "You began this work together",
        ],
    );
    assert!(!page.body.contains("<svg"), "no empty charts are drawn");
}

#[tokio::test]
async fn trust_is_drawn_for_me_and_for_what_my_partner_shared() {
    let (_app, couple) = TestApp::with_couple().await;
    take_pulse(&couple.hurt, 4, "partner", &[]).await;
    take_pulse(&couple.hurt, 7, "only_me", &[]).await;
    take_pulse(&couple.involved, 1, "only_me", &[]).await;

    let mine = couple.hurt.get("/progress").await;
    assert_shows(
        &mine,
        &[
            "Your latest: <strong>100 on ",
            "Your partner has not shared a pulse in this time.",
            "role=\"img\"",
            "<table class=\"chart-table\"><caption>Trust index over time",
            "50, 100 (kept to yourself)",
            "Your first trust pulse",
            "Your trust index reached 90 for the first time",
        ],
    );
    // The first pulse stood at 50: where the person began, not a change.
    assert_hides(&mine, &["reached 50 for the first time"]);

    let theirs = couple.involved.get("/progress").await;
    assert_shows(
        &theirs,
        &[
            "Your latest: <strong>0 on ",
            "Your partner’s latest shared: <strong>50 on ",
            "<td>0 (kept to yourself)</td><td>50</td>",
        ],
    );
    // The kept pulse is not theirs to see.
    assert_hides(&theirs, &["50, 100"]);
}

#[tokio::test]
async fn a_construct_and_a_window_are_chosen_in_the_address() {
    let (_app, couple) = TestApp::with_couple().await;
    take_pulse(&couple.hurt, 4, "partner", &[]).await;
    check_in(&couple.hurt, &[("hopeful", "3")], "", "partner").await;

    let honesty = couple.hurt.get("/progress?construct=honesty").await;
    assert_shows(
        &honesty,
        &[
            "<h2>Honesty over time</h2>",
            "href=\"/progress?construct=honesty#trust\" aria-current=\"true\">Honesty</a>",
            "href=\"/progress?construct=honesty&#38;days=90#feelings\"",
        ],
    );

    let unknown = couple.hurt.visit("/progress?construct=%3Cscript%3E&days=7");
    let unknown = unknown.await;
    assert_shows(
        &unknown,
        &[
            "<h2>Trust index over time</h2>",
            "Feelings in check-ins over the last 30 days",
        ],
    );
    assert_hides(&unknown, &["<script"]);

    let ninety = couple.hurt.get("/progress?days=90").await;
    assert_shows(
        &ninety,
        &[
            "Feelings in check-ins over the last 90 days",
            "You checked in 1 time; your partner shared 0 check-ins.",
        ],
    );

    let all_time = couple.hurt.get("/progress?span=all").await;
    let chosen = "href=\"/progress?span=all#trust\" aria-current=\"true\">All time</a>";
    assert_shows(&all_time, &[chosen]);
}

#[tokio::test]
async fn signs_are_charted_only_for_the_one_who_noticed_them() {
    let (_app, couple) = TestApp::with_couple().await;
    let signs = ["replaying", "checking_phone", "replaying"];
    take_pulse(&couple.hurt, 3, "partner", &signs).await;
    let mine = couple.hurt.get("/progress").await;
    assert_shows(
        &mine,
        &[
            "Signs you noticed at each pulse (only you see this)",
            "I replayed what happened over and over: 1 time",
            "I looked through my partner&#39;s phone, messages or accounts: 1 time",
        ],
    );

    let theirs = couple.involved.get("/progress").await;
    assert_hides(
        &theirs,
        &[
            "I replayed what happened",
            "Signs you noticed at each pulse",
        ],
    );
    assert!(theirs.body.contains("Nothing here yet."));
}

#[tokio::test]
async fn an_agreed_request_shows_how_reliably_it_was_done() {
    let (_app, couple) = TestApp::with_couple().await;
    let request = couple
        .agreed_request("Text me when you leave work", "daily")
        .await;
    couple.log_done(&request).await;

    for person in [&couple.hurt, &couple.involved] {
        let page = person.get("/progress").await;
        assert!(page.body.contains(&format!(
            "<a href=\"{request}\"><bdi>Text me when you leave work</bdi></a>"
        )));
        assert_shows(
            &page,
            &[
                "Last 30 days: 1 of 1 time (100%)",
                "Requests done as agreed, week by week",
            ],
        );
    }
    let today = couple.hurt.get("/").await;
    assert!(today
        .body
        .contains("Your partner did what you asked: <bdi>Text me when you leave work</bdi>"));
    assert!(today.body.contains(&format!("href=\"{request}\"")));
}

#[tokio::test]
async fn milestones_read_oldest_first_and_one_pulse_marks_one_trust_level() {
    let (_app, couple) = TestApp::with_couple().await;
    check_in(&couple.hurt, &[("hopeful", "3")], "", "partner").await;
    // A first pulse of 2 on every statement (an index of 17) is the start;
    // then 6 on every statement: a trust index of 83, past both 50 and 75.
    take_pulse(&couple.hurt, 2, "only_me", &[]).await;
    take_pulse(&couple.hurt, 6, "only_me", &[]).await;

    let page = couple.hurt.get("/progress").await;
    assert!(page
        .body
        .contains("Your trust index reached 75 for the first time"));
    assert!(
        !page.body.contains("reached 50 for the first time"),
        "the same pulse is not told twice"
    );
    let list = &page.body[page.body.find("<ol class=\"milestones\">").expect("a list")..];
    let order: Vec<usize> = [
        "You began this work together",
        "The first check-in shared between you",
        "Your first trust pulse",
        "Your trust index reached 75 for the first time",
    ]
    .iter()
    .map(|label| list.find(label).expect(label))
    .collect();
    assert!(
        order.windows(2).all(|pair| pair[0] < pair[1]),
        "oldest first: {order:?}"
    );
}

#[tokio::test]
async fn charts_scale_to_the_page_and_a_lone_day_is_labelled_under_its_point() {
    let (app, couple) = TestApp::with_couple().await;
    take_pulse(&couple.hurt, 5, "partner", &[]).await;
    check_in(&couple.hurt, &[("sad", "2")], "", "partner").await;
    // A date reads as everywhere else: "30 November 2026".
    let today = kintsugi_web::present::dates::day(app.clock.now().date());
    let lone_day = format!("text-anchor=\"middle\">{today}</text>");

    let page = couple.hurt.get("/progress").await;
    for (piece, what) in [
        ("<svg ", "trust, feelings and signs"),
        ("viewBox=\"0 0 360 ", "all drawn narrow"),
        (" width=\"100%\" class=\"chart ", "all as wide as the page"),
    ] {
        assert_eq!(page.body.matches(piece).count(), 3, "{what}");
    }
    assert_shows(
        &page,
        &[
            &lone_day,
            "You checked in 1 time; your partner shared 0 check-ins.",
            "<rect class=\"bar series-sad group-mine\"",
        ],
    );

    let theirs = couple.involved.get("/progress").await;
    assert_shows(
        &theirs,
        &[
            "You checked in 0 times; your partner shared 1 check-in.",
            "<rect class=\"bar series-sad group-partner\"",
        ],
    );
}

#[tokio::test]
async fn who_may_reach_progress() {
    let w = World::new().await;
    check_in(&w.couple.hurt, &[("hopeful", "3")], "", "partner").await;
    for partner in [&w.couple.hurt, &w.couple.involved] {
        partner.visit("/progress").await;
    }
    let elsewhere = w.other.hurt.visit("/progress?days=90").await;
    assert_shows(&elsewhere, &["No check-ins in the last 90 days."]);
    assert_eq!(w.stranger.get("/progress").await.status, 404);
    let page = w.anon.get("/progress?construct=safety").await;
    assert_redirect(&page, "/login");
}
