//! Time as the app's clock tells it: days turn at midnight, sessions end
//! when left alone. The tests move the clock instead of waiting.

use crate::checkin::check_in;
use crate::helpers::{assert_shows, TestApp};
use crate::pulse::take_pulse;
use kintsugi_web::app::clock::Clock;
use time::{Duration, OffsetDateTime, Time};

/// One minute past the next midnight after `now`.
fn just_after_midnight(now: OffsetDateTime) -> OffsetDateTime {
    let tomorrow = now.date().next_day().expect("a next day");
    tomorrow.with_time(Time::MIDNIGHT).assume_utc() + Duration::minutes(1)
}

#[tokio::test]
async fn after_midnight_today_asks_for_a_check_in_and_a_daily_request_again() {
    let (app, couple) = TestApp::with_couple_at(OffsetDateTime::now_utc()).await;
    let (hurt, involved) = (&couple.hurt, &couple.involved);

    let request = couple
        .agreed_request("Text me when you leave work", "daily")
        .await;
    let due = "Today: <bdi>Text me when you leave work</bdi>";
    involved.assert_sees("/", due).await;
    couple.log_done(&request).await;

    check_in(hurt, &[("tender", "2")], "", "only_me").await;
    take_pulse(hurt, 5, "only_me", &[]).await;
    hurt.assert_sees("/", "Nothing is waiting for you today.")
        .await;
    assert!(!involved.sees("/", due).await);

    let yesterday = app.clock.now().date();
    app.clock.set(just_after_midnight(app.clock.now()));

    let (day, month, year) = (yesterday.day(), yesterday.month(), yesterday.year());
    let last = format!("Your last check-in was on {day} {month} {year}.");
    let hurt_today = hurt.get("/").await;
    assert_shows(&hurt_today, &["Check in with yourself", &last]);
    // A daily request is due again on the new day.
    involved.assert_sees("/", due).await;
}

#[tokio::test]
async fn a_session_left_alone_past_the_idle_time_out_ends() {
    let app = TestApp::spawn().await;
    let person = app.stranger().await;
    assert!(person.is_signed_in().await);

    // The default idle time-out is three days; each visit starts it afresh.
    app.clock.advance(Duration::days(3) - Duration::minutes(5));
    assert!(person.is_signed_in().await);
    app.clock.advance(Duration::days(3) - Duration::minutes(5));
    let kept = person.is_signed_in().await;
    assert!(kept, "a visit within the time-out kept the session");

    app.clock.advance(Duration::days(3) + Duration::minutes(1));
    assert!(!person.is_signed_in().await);
}
