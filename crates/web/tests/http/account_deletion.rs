//! "Delete my account": the calm page, the password and the typed
//! confirmation (a refusal keeps what was typed), and what deleting does:
//! the private stream destroyed (a sealed deletion record stays, no row
//! of it), the account and its sessions gone, the email free again; a
//! space nobody joined goes with it, a shared one ends and the partner
//! keeps the whole record, read-only. On SQLite, and on PostgreSQL when
//! the suite has a server.

use crate::checkin::check_in;
use crate::helpers::{assert_page, on_both_backends, Person, TestApp, PASSWORD};
use kintsugi_core::{StreamId, UserId};
use kintsugi_store::DeletionReason;
use kintsugi_web::record::DomainEvents;

const CONFIRM: &str = "delete my account";

/// The form as a browser sends it: its one-time key and the hidden
/// address for password managers included.
async fn delete(person: &Person, password: &str, confirm: &str) -> crate::helpers::Page {
    let fields = [
        ("username", person.email.as_str()),
        ("password", password),
        ("confirm", confirm),
    ];
    let key = crate::helpers::submission_key();
    person.post_with_key("/account/delete", &key, &fields).await
}

/// The stream's rows, as the database holds them.
async fn rows_of(app: &TestApp, stream: &StreamId) -> u64 {
    let sql = format!(
        "UPDATE events SET kind = kind WHERE stream_id = '{}'",
        stream.as_str()
    );
    app.raw_execute(&sql).await
}

async fn assert_intact(app: &TestApp) {
    let report = app
        .store
        .verify_with(&DomainEvents)
        .await
        .expect("verify runs");
    assert_eq!(report.first_break, None);
}

async fn deleting_an_account_without_a_space(app: TestApp) {
    let person = app.stranger().await;
    let (user, _) = app.ids_of(&person).await;
    let private = StreamId::private(UserId(user));

    let account = person.get("/account").await;
    assert_page(&account, 200, &["href=\"/account/delete\""]);
    assert!(!account.body.contains("/space/end"), "no space to end");
    let page = person.get("/account/delete").await;
    assert_page(
        &page,
        200,
        &[
            "destroyed at once",
            "Your email address is free again",
            "name=\"confirm\"",
        ],
    );
    assert!(!page.body.contains("Your shared space ends"));

    let wrong = delete(&person, "not my password", "Delete my account").await;
    assert_page(
        &wrong,
        422,
        &["That is not your password", "value=\"Delete my account\""],
    );
    assert!(!wrong.body.contains("not my password"));
    let unconfirmed = delete(&person, PASSWORD, "delete").await;
    assert_page(&unconfirmed, 422, &["to confirm", "value=\"delete\""]);
    assert!(person.is_signed_in().await, "nothing happened yet");

    let done = delete(&person, PASSWORD, CONFIRM).await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.location.as_deref(), Some("/account/deleted"));
    assert_eq!(
        done.headers
            .get("clear-site-data")
            .map(|v| v.to_str().unwrap_or_default()),
        Some("\"storage\"")
    );
    let farewell = person.get("/account/deleted").await;
    assert_page(&farewell, 200, &["Your account is deleted"]);
    assert!(!person.is_signed_in().await);

    assert_eq!(app.store.user_by_id(user).await.unwrap(), None);
    assert_eq!(rows_of(&app, &private).await, 0);
    assert!(app.store.sessions_of(user).await.unwrap().is_empty());
    let again = app.anonymous_as(&person.email);
    let login = again.post_login(&person.email, PASSWORD).await;
    assert_ne!(
        login.location.as_deref(),
        Some("/"),
        "the old password opens nothing"
    );
    let registered = again.register().await;
    assert_eq!(
        registered.status, 303,
        "the email registers again: {}",
        registered.body
    );
    assert_intact(&app).await;
}

on_both_backends!(deleting_an_account_without_a_space: without_a_space_on_sqlite, without_a_space_on_postgres);

async fn deleting_an_account_alone_in_a_space(app: TestApp) {
    let (founder, link) = app.space_with_link("physical_affair", "me").await;
    let (user, couple) = app.ids_of(&founder).await;
    let couple = StreamId::couple(kintsugi_core::CoupleId(couple.expect("a space")));
    let private = StreamId::private(UserId(user));
    let kept = check_in(&founder, &[("hopeful", "2")], "mk-alone-kept", "only_me").await;
    assert_eq!(kept.status, 303, "{}", kept.body);
    assert!(rows_of(&app, &private).await > 0);

    let page = founder.get("/account/delete").await;
    assert_page(
        &page,
        200,
        &["which no partner has joined, is deleted with your account"],
    );
    let done = delete(&founder, PASSWORD, CONFIRM).await;
    assert_eq!(
        done.location.as_deref(),
        Some("/account/deleted"),
        "{}",
        done.body
    );

    for stream in [&couple, &private] {
        assert_eq!(rows_of(&app, stream).await, 0, "{}", stream.as_str());
        let record = app.store.deletion_record(stream.as_str()).await.unwrap();
        assert_eq!(
            record.map(|r| r.reason),
            Some(DeletionReason::AccountDeleted)
        );
    }
    let invited = app.anonymous().get(&link).await;
    assert!(
        !invited.body.contains("safety"),
        "the invitation opens nothing"
    );
    assert_intact(&app).await;
}

on_both_backends!(deleting_an_account_alone_in_a_space: alone_in_a_space_on_sqlite, alone_in_a_space_on_postgres);

/// Deleting an account in a shared space ends it: the partner keeps the
/// whole record read-only, the deleted person's shared entries included,
/// and nothing of what they kept to themselves.
async fn deleting_an_account_in_a_shared_space(app: TestApp) {
    let couple = app.couple().await;
    let (hurt, involved) = (&couple.hurt, &couple.involved);
    let (involved_id, space) = app.ids_of(involved).await;
    let private = StreamId::private(UserId(involved_id));
    let shared_words = "mk-told-before-leaving: we met in May";
    let told = involved
        .post(
            "/truth/disclosures",
            &[("text", shared_words), ("refers_to", "")],
        )
        .await;
    assert_eq!(told.status, 303, "{}", told.body);
    let kept = check_in(
        involved,
        &[("hopeful", "2")],
        "mk-kept-by-the-leaver",
        "only_me",
    )
    .await;
    assert_eq!(kept.status, 303, "{}", kept.body);

    let account = involved.get("/account").await;
    assert_page(
        &account,
        200,
        &["href=\"/space/end\"", "href=\"/account/delete\""],
    );
    let page = involved.get("/account/delete").await;
    assert_page(&page, 200, &["Your shared space ends", "read-only access"]);
    let done = delete(involved, PASSWORD, CONFIRM).await;
    assert_eq!(
        done.location.as_deref(),
        Some("/account/deleted"),
        "{}",
        done.body
    );

    let today = hurt.get("/").await;
    assert_page(&today, 200, &["This shared space was closed on"]);
    assert!(
        !today.body.contains("When they share"),
        "nothing more will be shared"
    );
    let account = hurt.get("/account").await;
    assert!(!account.body.contains("/space/end"), "ended already");
    let truth = hurt.get("/truth").await;
    assert_page(&truth, 200, &[shared_words]);
    assert!(!truth.body.contains("mk-kept-by-the-leaver"));
    assert_eq!(rows_of(&app, &private).await, 0);
    let couple_stream = StreamId::couple(kintsugi_core::CoupleId(space.expect("a space")));
    assert!(
        rows_of(&app, &couple_stream).await > 0,
        "kept for the window"
    );
    assert_eq!(app.store.user_by_id(involved_id).await.unwrap(), None);
    let export = hurt.get("/account/export").await;
    assert_eq!(export.status, 200, "the export stays open to the partner");
    assert_intact(&app).await;
}

on_both_backends!(deleting_an_account_in_a_shared_space: in_a_shared_space_on_sqlite, in_a_shared_space_on_postgres);
