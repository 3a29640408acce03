//! Nobody can lock another person out: failed logins are counted per
//! (account, client), where a client is a browser that signed in before or
//! else an address, and successes never count.

use crate::helpers::{Person, TestApp, PASSWORD};
use kintsugi_web::app::config::{Limits, WebConfig};
use std::net::IpAddr;

fn behind_local_proxy(auth_attempts: u32) -> WebConfig {
    WebConfig {
        trusted_proxies: vec![IpAddr::from([127, 0, 0, 1])],
        limits: Limits {
            auth_attempts,
            ..Limits::default()
        },
        ..WebConfig::default()
    }
}

/// One login attempt with a chosen `X-Forwarded-For` and device cookie.
async fn attempt(
    person: &Person,
    email: &str,
    password: &str,
    forwarded_for: Option<&str>,
    device: Option<&str>,
) -> (u16, Option<String>) {
    let csrf = person.csrf().await;
    let body = serde_html_form::to_string([
        ("csrf", csrf.as_str()),
        ("email", email),
        ("password", password),
    ])
    .unwrap();
    let mut request = person
        .client
        .post(format!("{}/login", person.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body);
    if let Some(forwarded_for) = forwarded_for {
        request = request.header("x-forwarded-for", forwarded_for);
    }
    if let Some(device) = device {
        request = request.header(
            "cookie",
            format!("kintsugi-device={device}; kintsugi-csrf={csrf}"),
        );
    }
    let response = request.send().await.unwrap();
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    (response.status().as_u16(), retry_after)
}

async fn a_thousand_guesses_do_not_lock_out_the_owner(app: &TestApp) {
    let owner = app.stranger().await;
    assert!(
        owner.cookie("kintsugi-device").is_some(),
        "a login leaves a device cookie"
    );
    assert_eq!(owner.post("/logout", &[]).await.status, 303);

    let attacker = app.anonymous();
    let forged = "A".repeat(43);
    let mut refused_without_hashing = 0;
    for n in 0..1_000_u32 {
        let forwarded = format!("198.51.100.{}", n % 10);
        // Every tenth guess comes from the owner's own address, some with a
        // made-up device cookie: neither is the owner's browser.
        let (forwarded, device) = match n % 20 {
            0 => (None, None),
            10 => (None, Some(forged.as_str())),
            _ => (Some(forwarded.as_str()), None),
        };
        let (status, retry_after) = attempt(
            &attacker,
            &owner.email,
            "not the password",
            forwarded,
            device,
        )
        .await;
        match status {
            422 => {}
            429 => {
                refused_without_hashing += 1;
                let seconds: u64 = retry_after.expect("a Retry-After").parse().unwrap();
                assert!(seconds >= 1);
            }
            other => panic!("guess {n}: {other}"),
        }
    }
    // Five free failures per client (eleven clients), the rest refused.
    assert!(
        refused_without_hashing >= 1_000 - 11 * 5,
        "{refused_without_hashing}"
    );

    let from_own_device = owner.post_login(&owner.email, PASSWORD).await;
    assert_eq!(from_own_device.status, 303, "{}", from_own_device.body);
    assert!(owner.is_signed_in().await);

    // A new browser on the guessed-from address waits like the guesser did:
    // that is the limit of keying on addresses.
    let new_browser = app.anonymous_as(&owner.email);
    let (status, _) = attempt(&new_browser, &owner.email, PASSWORD, None, None).await;
    assert_eq!(status, 429);
}

#[tokio::test]
async fn a_thousand_wrong_passwords_from_other_clients_leave_the_owner_able_to_log_in() {
    let app = TestApp::spawn_with(behind_local_proxy(Limits::default().auth_attempts)).await;
    a_thousand_guesses_do_not_lock_out_the_owner(&app).await;
}

#[tokio::test]
async fn a_thousand_wrong_passwords_leave_the_owner_able_to_log_in_on_postgres() {
    let Some(app) = TestApp::spawn_on_postgres_with(behind_local_proxy(5)).await else {
        return;
    };
    a_thousand_guesses_do_not_lock_out_the_owner(&app).await;
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_is_counted_apart() {
    let app = TestApp::spawn_with(behind_local_proxy(3)).await;
    let guesser = app.anonymous();
    let email = "sam@example.org";
    for n in 0..50 {
        let client = format!("203.0.113.{n}");
        let (status, _) = attempt(&guesser, email, "a guess", Some(&client), None).await;
        assert_eq!(status, 422, "client {n} has its own count");
    }
    for _ in 0..2 {
        let (status, _) = attempt(&guesser, email, "a guess", Some("203.0.113.1"), None).await;
        assert_eq!(status, 422);
    }
    // A spoofed entry on the left does not change who is asking.
    let (status, retry_after) = attempt(
        &guesser,
        email,
        "a guess",
        Some("192.0.2.77, 203.0.113.1"),
        None,
    )
    .await;
    assert_eq!(status, 429);
    assert!(retry_after.is_some());
    let (status, _) = attempt(&guesser, email, "a guess", Some("203.0.113.2"), None).await;
    assert_eq!(status, 422, "another client is still let through");
}

#[tokio::test]
async fn without_a_trusted_proxy_the_forwarded_header_is_ignored() {
    let app = TestApp::spawn_allowing(3).await;
    let guesser = app.anonymous();
    for n in 0..3 {
        let client = format!("203.0.113.{n}");
        let (status, _) =
            attempt(&guesser, "sam@example.org", "a guess", Some(&client), None).await;
        assert_eq!(status, 422);
    }
    let (status, _) = attempt(
        &guesser,
        "sam@example.org",
        "a guess",
        Some("203.0.113.9"),
        None,
    )
    .await;
    assert_eq!(status, 429);
}

#[tokio::test]
async fn registrations_and_successful_logins_never_count_against_a_login() {
    let app = TestApp::spawn_with(behind_local_proxy(2)).await;
    let sam = app.anonymous();
    sam.register().await;
    // Registering the same email again answers the same and counts nothing.
    for _ in 0..3 {
        sam.register().await;
    }
    for _ in 0..5 {
        sam.login().await;
    }
    let again = sam.post_login(&sam.email, PASSWORD).await;
    assert_eq!(again.status, 303);
}

#[tokio::test]
async fn waits_grow_and_pass_with_time() {
    let app = TestApp::spawn_with(behind_local_proxy(1)).await;
    let guesser = app.anonymous();
    let email = "robin@example.org";
    let (status, _) = attempt(&guesser, email, "a guess", None, None).await;
    assert_eq!(status, 422);
    let (status, first_wait) = attempt(&guesser, email, "a guess", None, None).await;
    assert_eq!(status, 429);
    assert_eq!(first_wait.as_deref(), Some("5"));
    app.clock.advance(time::Duration::seconds(5));
    let (status, _) = attempt(&guesser, email, "a guess", None, None).await;
    assert_eq!(status, 422, "the wait is over");
    let (status, second_wait) = attempt(&guesser, email, "a guess", None, None).await;
    assert_eq!(status, 429);
    assert_eq!(
        second_wait.as_deref(),
        Some("10"),
        "and the next one is longer"
    );
}
