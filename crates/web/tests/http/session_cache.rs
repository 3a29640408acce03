//! The session cache: a session ended on one instance is refused there at
//! once, and on another instance sharing the database within a second,
//! the cache's lifetime; the idle time-out still holds on a cached hit.

use crate::helpers::{on_both_backends, TestApp};
use std::time::Duration;

async fn an_ended_session_is_refused_everywhere_within_a_second(app: TestApp) {
    let second = app.another_instance().await;
    let person = app.stranger().await;
    let token = person.cookie("kintsugi-session").expect("a session cookie");
    // Both instances have just looked the session up, so both hold it.
    assert_eq!(
        app.get_with_session_cookie("/account", &token).await.status,
        200
    );
    assert_eq!(
        second
            .get_with_session_cookie("/account", &token)
            .await
            .status,
        200
    );

    let out = person.post("/logout", &[]).await;
    assert_eq!(out.status, 303, "{}", out.body);

    let here = app.get_with_session_cookie("/account", &token).await;
    assert_eq!(
        here.location.as_deref(),
        Some("/login"),
        "refused at once here"
    );
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let there = second.get_with_session_cookie("/account", &token).await;
    assert_eq!(
        there.location.as_deref(),
        Some("/login"),
        "refused there within a second"
    );
}

on_both_backends!(an_ended_session_is_refused_everywhere_within_a_second: ended_everywhere_on_sqlite, ended_everywhere_on_postgres);

/// The cache keeps who a session is, not whether it is still alive: the
/// idle time-out is judged on every request, cached or not.
async fn an_idle_session_is_ended_even_when_cached(app: TestApp) {
    let person = app.stranger().await;
    assert!(person.is_signed_in().await, "the session is cached now");
    app.clock.advance(time::Duration::days(4));
    assert!(!person.is_signed_in().await);
}

on_both_backends!(an_idle_session_is_ended_even_when_cached: idle_when_cached_on_sqlite, idle_when_cached_on_postgres);
