use crate::helpers::{assert_page, assert_refused, assert_shows, TestApp, PASSWORD};

#[tokio::test]
async fn registering_then_logging_in_shows_recovery_codes_once() {
    let app = TestApp::spawn().await;
    let sam = app.anonymous();
    let registered = sam.register().await;
    assert_eq!(registered.location.as_deref(), Some("/login?registered=1"));

    let first = sam.post_login(&sam.email, PASSWORD).await;
    assert_eq!(first.status, 200);
    assert!(first.body.contains("Your recovery codes"));
    assert_eq!(first.body.matches("<li><code>").count(), 10);
    assert!(
        first.body.contains("href=\"/space/new\""),
        "a first sign-in leads straight to creating a space: {}",
        first.body
    );
    let cookie = first.headers.get_all("set-cookie").iter().any(|v| {
        let v = v.to_str().unwrap();
        v.starts_with("kintsugi-session=") && v.contains("HttpOnly") && v.contains("SameSite=Lax")
    });
    assert!(cookie, "a HttpOnly, SameSite session cookie is set");

    let again = app.anonymous();
    let second = again.post_login(&sam.email, PASSWORD).await;
    assert_eq!(second.status, 303, "the codes are not shown a second time");
}

#[tokio::test]
async fn registration_answers_the_same_whether_or_not_the_email_is_taken() {
    let app = TestApp::spawn().await;
    let sam = app.anonymous();
    let first = sam.register().await;
    let impostor = app.anonymous();
    let other_password = "a different sentence";
    let second = impostor
        .post_register(&sam.email.to_uppercase(), other_password, other_password)
        .await;
    assert_eq!(first.status, second.status);
    assert_eq!(first.location, second.location);
    // The first password still works; the second never took over the account.
    let login = impostor.post_login(&sam.email, other_password).await;
    assert_eq!(login.status, 422);
}

#[tokio::test]
async fn a_failed_login_says_the_same_for_unknown_emails_and_wrong_passwords() {
    let app = TestApp::spawn().await;
    let sam = app.anonymous();
    sam.register().await;
    let wrong_password = app
        .anonymous()
        .post_login(&sam.email, "not the password at all")
        .await;
    let unknown = app
        .anonymous()
        .post_login("nobody@example.org", "not the password at all")
        .await;
    let message = "That email and password do not match an account here.";
    assert_refused(&wrong_password, message);
    assert_refused(&unknown, message);
    // The typed email is kept.
    assert_shows(&unknown, &["value=\"nobody@example.org\""]);
}

#[tokio::test]
async fn bad_registration_input_is_explained_and_the_email_kept() {
    let app = TestApp::spawn().await;
    let person = app.anonymous();
    let short = person
        .post_register("robin@example.org", "short", "short")
        .await;
    assert_eq!(short.status, 422);
    assert_shows(
        &short,
        &[
            "at least 8 characters",
            "value=\"robin@example.org\"",
            "aria-invalid=\"true\"",
        ],
    );

    let common = person
        .post_register("robin@example.org", "iloveyou1", "iloveyou1")
        .await;
    assert_eq!(common.status, 422);
    assert!(common.body.contains("one of the first that people guess"));

    let mismatch = person
        .post_register("robin@example.org", PASSWORD, "something else")
        .await;
    assert_eq!(mismatch.status, 422);
    assert!(mismatch.body.contains("not the same"));

    let bad_email = person
        .post_register("robin.example.org", PASSWORD, PASSWORD)
        .await;
    assert_eq!(bad_email.status, 422);
    assert!(bad_email.body.contains("value=\"robin.example.org\""));
}

#[tokio::test]
async fn logging_out_ends_the_session_on_the_server() {
    let app = TestApp::spawn().await;
    let sam = app.stranger().await;
    let session = sam.cookie("kintsugi-session").expect("a session cookie");
    assert!(sam.is_signed_in().await);
    let out = sam.post("/logout", &[]).await;
    assert_eq!(out.status, 303);
    assert!(!sam.is_signed_in().await);
    let said = sam
        .get(out.location.as_deref().expect("logging out leads on"))
        .await;
    assert_shows(&said, &["You are signed out."]);

    // Replaying the old cookie does not bring the session back.
    let replay = app.get_with_session_cookie("/account", &session).await;
    assert_eq!(replay.status, 303);
}

/// The id of the session the page marks as "this one".
fn own_session_id(account_page: &str) -> String {
    let item = account_page
        .split("<li>")
        .find(|item| item.contains("this one"))
        .expect("the current session is marked");
    let at = item.find("/account/sessions/").expect("an end button") + "/account/sessions/".len();
    item[at..at + 36].to_owned()
}

#[tokio::test]
async fn a_person_sees_their_sessions_and_can_end_another_one() {
    let app = TestApp::spawn().await;
    let (phone, laptop) = app.signed_in_twice().await;

    let account = phone.get("/account").await;
    assert_eq!(
        account.body.matches("/end\"").count(),
        2,
        "two sessions are listed"
    );
    let laptop_session = own_session_id(&laptop.get("/account").await.body);
    assert_ne!(laptop_session, own_session_id(&account.body));

    let ended = phone
        .post(&format!("/account/sessions/{laptop_session}/end"), &[])
        .await;
    assert_eq!(ended.status, 303);
    assert!(!laptop.is_signed_in().await);
    assert!(phone.is_signed_in().await);

    // Someone else's session is not theirs to end, and not even found.
    let phone_session = own_session_id(&phone.get("/account").await.body);
    let other = app.stranger().await;
    let refused = other
        .post(&format!("/account/sessions/{phone_session}/end"), &[])
        .await;
    assert_eq!(refused.status, 404);
    assert!(phone.is_signed_in().await);
}

#[tokio::test]
async fn a_recovery_code_resets_the_password_once() {
    let app = TestApp::spawn().await;
    let sam = app.anonymous();
    sam.register().await;
    let codes_page = sam.post_login(&sam.email, PASSWORD).await;
    let start = codes_page.body.find("<li><code>").unwrap() + "<li><code>".len();
    let code = &codes_page.body[start..start + 14];

    let new_password = "the lighthouse keeps its lamp";
    let recovered = app
        .anonymous()
        .post_recover(&sam.email, &code.to_uppercase(), new_password)
        .await;
    assert_page(&recovered, 200, &["Your password is changed"]);
    assert!(!sam.is_signed_in().await, "old sessions are ended");

    let again = app
        .anonymous()
        .post_recover(&sam.email, code, new_password)
        .await;
    assert_eq!(again.status, 422, "a code works once");
    let login = app.anonymous().post_login(&sam.email, new_password).await;
    assert_eq!(login.status, 303);
}

#[tokio::test]
async fn login_attempts_are_rate_limited() {
    let app = TestApp::spawn_allowing(3).await;
    let person = app.anonymous();
    for _ in 0..3 {
        let page = person
            .post_login("sam@example.org", "guess guess guess")
            .await;
        assert_eq!(page.status, 422);
    }
    let limited = person
        .post_login("sam@example.org", "guess guess guess")
        .await;
    assert_eq!(limited.status, 429);
    assert!(limited.body.contains("too many attempts"));
    // Another email from the same address is still let in: the address has a
    // larger allowance, since people behind one proxy share it.
    let other = person
        .post_login("robin@example.org", "guess guess guess")
        .await;
    assert_eq!(other.status, 422);
}

#[tokio::test]
async fn after_registering_the_sign_in_form_holds_the_email_once_and_never_in_an_address() {
    let app = TestApp::spawn().await;
    let sam = app.anonymous();
    let registered = sam.register().await;
    let to = registered.location.expect("registering leads to sign in");
    assert!(!to.contains(&sam.email) && !to.contains('@'), "{to}");

    let login = sam.get(&to).await;
    assert_shows(&login, &[&format!("value=\"{}\"", sam.email)]);
    let again = sam.get("/login").await;
    assert!(
        !again.body.contains(&sam.email),
        "the hint is used once, so a shared phone does not keep offering it"
    );

    // A taken address gets the very same hint: registering reveals nothing.
    let impostor = app.anonymous_as(&sam.email);
    let taken = impostor.register().await;
    let login = impostor.get(&taken.location.expect("to sign in")).await;
    assert_shows(&login, &[&format!("value=\"{}\"", sam.email)]);
}
