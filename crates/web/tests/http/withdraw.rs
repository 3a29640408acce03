//! Withdrawing an entry, on SQLite and PostgreSQL: its author withdraws a
//! disclosure after a calm question; both partners see a tombstone where it
//! stood and never its words again; its ciphertext is gone from the
//! database and `verify` still proves the record; what answered it stays
//! and says so. The partner cannot withdraw it. A kept check-in is deleted
//! in place the same way.

use crate::checkin::check_in;
use crate::export::download;
use crate::helpers::{
    assert_page, assert_redirect, id_before, on_both_backends, Person, TestApp, PASSWORD,
};
use crate::repair::create;
use kintsugi_core::StreamId;
use kintsugi_web::record::DomainEvents;

pub(crate) const TOMBSTONE: &str = "Withdrawn by its author on";

pub(crate) async fn couple_stream(app: &TestApp, person: &Person) -> String {
    let (_, couple) = app.ids_of(person).await;
    let couple = couple.expect("the person is in a couple");
    StreamId::couple(kintsugi_core::CoupleId(couple))
        .as_str()
        .to_owned()
}

/// The person's own private stream's id.
pub(crate) async fn private_stream(app: &TestApp, person: &Person) -> String {
    let (me, _) = app.ids_of(person).await;
    StreamId::private(kintsugi_core::UserId(me))
        .as_str()
        .to_owned()
}

pub(crate) async fn assert_verified(app: &TestApp) {
    let report = app.store.verify_with(&DomainEvents).await;
    assert_eq!(report.expect("verify runs").first_break, None);
}

async fn withdraw_story(app: TestApp) {
    let couple = app.couple().await;
    let (hurt, involved) = (&couple.hurt, &couple.involved);
    let said = "mk-withdrawn-words: I said this badly";
    let fields = [("text", said), ("refers_to", "")];
    let disclosure = create(involved, "/truth/disclosures", &fields, "/truth#entry-").await;
    let thanks = "mk-thanks-stays: thank you for telling me";
    let read = hurt
        .post(
            &format!("/truth/{disclosure}/acknowledge"),
            &[("response", thanks)],
        )
        .await;
    assert_redirect(&read, &format!("/truth#entry-{disclosure}"));

    // The partner cannot withdraw it: refused, nothing written.
    let length = app.couple_record_length(hurt).await;
    let path = format!("/withdraw/{disclosure}");
    assert_eq!(hurt.get(&path).await.status, 403);
    assert_eq!(hurt.post(&path, &[]).await.status, 403);
    assert_eq!(app.couple_record_length(hurt).await, length);
    assert!(hurt.sees("/truth", said).await);

    // Its author is asked first, calmly, and then led back to the log.
    let question = involved.visit(&path).await;
    assert_page(
        &question,
        200,
        &[
            "Withdraw this entry?",
            "not what it said",
            "cannot be undone",
        ],
    );
    assert!(involved.sees("/truth", &path).await, "the log offers it");
    // Sent twice at once under one key (a double tap): one withdrawal.
    let (done, again) = involved.post_twice_at_once(&path, &[]).await;
    assert_redirect(&done, &format!("/truth#entry-{disclosure}"));
    assert_redirect(&again, &format!("/truth#entry-{disclosure}"));
    assert_eq!(app.couple_record_length(hurt).await, length + 1);

    for person in [hurt, involved] {
        let log = person.visit("/truth").await;
        assert!(log.body.contains(TOMBSTONE), "{}", log.body);
        assert!(!log.body.contains(said), "the words are gone");
        assert!(log.body.contains(thanks), "the answer to it stays");
        assert!(!log.body.contains(&path), "nothing left to withdraw");
    }
    let stream = couple_stream(&app, involved).await;
    assert!(!app.raw_has_ciphertext(&stream, disclosure).await);
    assert!(app.raw_has_ciphertext(&stream, disclosure + 1).await);
    assert_verified(&app).await;

    // Each partner's export keeps the tombstone, never the words.
    for person in [hurt, involved] {
        let zip = download(person, PASSWORD, "").await;
        assert_eq!(zip.status, 200);
        assert_eq!(zip.count(said), 0);
        let json = zip.json(None);
        let couple = json["couple"].as_array().expect("the couple's record");
        let at = |seq: u64| couple.iter().find(|e| e["seq"] == seq);
        let tombstone = at(disclosure).expect("the tombstone is exported");
        assert_eq!(
            (&tombstone["room"], &tombstone["kind"]),
            (&"truth".into(), &"withdrawn".into())
        );
        assert!(at(disclosure + 1).is_some(), "the acknowledgement stays");
    }

    // Not twice; and a cold instance folds the record without it too.
    assert_eq!(involved.post(&path, &[]).await.status, 409);
    let second = app.another_instance().await;
    let log = hurt.visiting(&second).visit("/truth").await;
    assert!(log.body.contains(TOMBSTONE) && !log.body.contains(said));
}

on_both_backends!(withdraw_story: a_withdrawn_disclosure_leaves_a_tombstone_on_sqlite, a_withdrawn_disclosure_leaves_a_tombstone_on_postgres);

async fn answered_question_story(app: TestApp) {
    let couple = app.couple().await;
    let (hurt, involved) = (&couple.hurt, &couple.involved);
    let asked = "mk-question-withdrawn: where were you?";
    let question = create(
        hurt,
        "/truth/questions",
        &[("text", asked)],
        "/truth#entry-",
    )
    .await;
    let answer_text = "mk-answer-stays: at my sisters house";
    let answered = involved
        .post(
            &format!("/truth/{question}/answer"),
            &[("text", answer_text)],
        )
        .await;
    assert_redirect(&answered, &format!("/truth#entry-{question}"));
    let answer = question + 1;
    let done = hurt.post(&format!("/withdraw/{question}"), &[]).await;
    assert_redirect(&done, &format!("/truth#entry-{question}"));
    for person in [hurt, involved] {
        let log = person.visit("/truth").await;
        assert!(log.body.contains(answer_text), "the answer stays");
        assert!(log.body.contains("Answer to <a href=\"#entry-"));
        assert!(log.body.contains("a question its author withdrew on"));
        assert!(!log.body.contains(asked));
    }
    assert!(
        involved
            .sees("/truth", &format!("/withdraw/{answer}"))
            .await
    );
    assert_verified(&app).await;
}

on_both_backends!(answered_question_story: an_answer_to_a_withdrawn_question_says_so_on_sqlite, an_answer_to_a_withdrawn_question_says_so_on_postgres);

/// `person` keeps a check-in with `note` to themselves; returns its id in
/// their private stream, read from the check-in page.
async fn keep_check_in(person: &Person, note: &str) -> u64 {
    let kept = check_in(person, &[("numb", "3")], note, "only_me").await;
    assert_eq!(kept.status, 303, "{}", kept.body);
    let page = person.visit("/checkin").await;
    id_before(&page.body, note, "id=\"kept-")
}

async fn kept_check_in_story(app: TestApp) {
    let couple = app.couple().await;
    let (hurt, involved) = (&couple.hurt, &couple.involved);
    let kept = "mk-kept-deleted: a hard night";
    let id = keep_check_in(hurt, kept).await;
    let path = format!("/delete/{id}");
    assert!(hurt.sees("/checkin", &path).await);
    assert_page(&hurt.visit(&path).await, 200, &["Delete this entry?"]);
    assert_redirect(&hurt.post(&path, &[]).await, "/checkin");
    assert!(!hurt.sees("/checkin", kept).await);
    assert!(!involved.sees("/checkin", TOMBSTONE).await);
    let (me, _) = app.ids_of(hurt).await;
    let stream = StreamId::private(kintsugi_core::UserId(me));
    assert!(!app.raw_has_ciphertext(stream.as_str(), id).await);
    assert_verified(&app).await;
    // The stream goes on, gap-free: the next kept entry follows the deletion.
    let next = keep_check_in(hurt, "mk-kept-next").await;
    assert_eq!(next, id + 2);
}

on_both_backends!(kept_check_in_story: a_kept_check_in_is_deleted_in_place_on_sqlite, a_kept_check_in_is_deleted_in_place_on_postgres);

async fn contact_report_story(app: TestApp) {
    let couple = app.couple().await;
    let (hurt, involved) = (&couple.hurt, &couple.involved);
    let said = "mk-contact-withdrawn: she wrote again";
    let fields = [
        ("betrayal", ""),
        ("happened_at", "2024-03-01T09:30"),
        ("happened_at_which", ""),
        ("channel", "text_message"),
        ("what_was_said", said),
        ("how_i_responded", "I did not reply."),
    ];
    let report = create(involved, "/contact", &fields, "/contact#report-").await;
    let words = "mk-contact-thanks: thank you for telling me";
    let read = hurt
        .post(
            &format!("/contact/{report}/acknowledge"),
            &[("response", words)],
        )
        .await;
    assert_redirect(&read, &format!("/contact#report-{report}"));
    assert!(
        involved
            .sees("/contact", &format!("/withdraw/{report}"))
            .await
    );
    let done = involved.post(&format!("/withdraw/{report}"), &[]).await;
    assert_redirect(&done, "/contact");
    for person in [hurt, involved] {
        let page = person.visit("/contact").await;
        assert!(page.body.contains(TOMBSTONE), "{}", page.body);
        assert!(!page.body.contains(said));
        assert!(page.body.contains(words), "the words back stay");
        assert!(page.body.contains("before it was withdrawn"));
    }
    assert_verified(&app).await;
}

on_both_backends!(contact_report_story: a_withdrawn_contact_report_keeps_the_words_back_on_sqlite, a_withdrawn_contact_report_keeps_the_words_back_on_postgres);

async fn shared_check_in_story(app: TestApp) {
    let couple = app.couple().await;
    let (hurt, involved) = (&couple.hurt, &couple.involved);
    let note = "mk-shared-withdrawn: a heavy day";
    let shared = check_in(hurt, &[("numb", "3")], note, "partner").await;
    assert_eq!(shared.status, 303, "{}", shared.body);
    let page = hurt.visit("/checkin").await;
    let id = id_before(&page.body, note, "id=\"checkin-");
    let heard = "mk-heard-stays: I am here";
    let answered = involved
        .post(
            &format!("/checkin/{id}/acknowledge"),
            &[("preset", ""), ("own_words", heard)],
        )
        .await;
    assert_eq!(answered.status, 303, "{}", answered.body);
    assert!(!involved.sees("/checkin", &format!("/withdraw/{id}")).await);
    let done = hurt.post(&format!("/withdraw/{id}"), &[]).await;
    assert_redirect(&done, "/checkin");
    for person in [hurt, involved] {
        let page = person.visit("/checkin").await;
        assert!(page.body.contains(TOMBSTONE), "{}", page.body);
        assert!(!page.body.contains(note));
        assert!(page.body.contains(heard), "the answer stays");
    }
    let stream = couple_stream(&app, hurt).await;
    assert!(!app.raw_has_ciphertext(&stream, id).await);
    assert_verified(&app).await;
}

on_both_backends!(shared_check_in_story: a_withdrawn_shared_check_in_keeps_its_answer_on_sqlite, a_withdrawn_shared_check_in_keeps_its_answer_on_postgres);

async fn request_story(app: TestApp) {
    let couple = app.couple().await;
    let (hurt, involved) = (&couple.hurt, &couple.involved);
    let asked = "mk-request-withdrawn: call me at lunch";
    let fields = [
        ("betrayal", ""),
        ("what", asked),
        ("frequency", "daily"),
        ("trigger", ""),
        ("times_per_week", ""),
        ("weekday", ""),
        ("by_date", ""),
        ("action", "send"),
    ];
    let request = create(hurt, "/requests", &fields, "/requests/").await;
    let accepted = involved
        .post(&format!("/requests/{request}/accept"), &[])
        .await;
    assert_redirect(&accepted, &format!("/requests/{request}"));
    let done = hurt.post(&format!("/withdraw/{request}"), &[]).await;
    assert_redirect(&done, "/requests");
    for (person, accepted_by) in [
        (hurt, "Your partner accepted it on"),
        (involved, "You accepted it on"),
    ] {
        let page = person.visit("/requests").await;
        assert!(page.body.contains(TOMBSTONE), "{}", page.body);
        assert!(!page.body.contains(asked));
        assert!(page.body.contains(accepted_by), "what answered it stays");
    }
    assert_verified(&app).await;
}

on_both_backends!(request_story: a_withdrawn_request_says_what_was_done_about_it_on_sqlite, a_withdrawn_request_says_what_was_done_about_it_on_postgres);

async fn apology_story(app: TestApp) {
    let couple = app.couple().await;
    let (hurt, involved) = (&couple.hurt, &couple.involved);
    let did = "mk-apology-withdrawn: I lied to you for months about where I was.";
    let fields = [
        ("betrayal", ""),
        ("what_i_did", did),
        (
            "impact",
            "You stopped trusting your own memory because I denied it.",
        ),
        (
            "responsibility",
            "It was my choice; nothing you did caused it.",
        ),
        ("remorse", "I am deeply sorry for the pain I caused you."),
        (
            "changes",
            "I ended all contact and will tell you the same day if she writes.",
        ),
        (
            "repair",
            "I will answer your questions honestly, for as long as you need.",
        ),
        ("factors", ""),
        ("action", "send"),
    ];
    let sent = involved.post("/apology", &fields).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let page = involved.visit("/apology").await;
    let version = id_before(&page.body, did, "id=\"version-");
    let need = "mk-need-more-stays: what you will do when she writes";
    let answer = [("answer", "need_more"), ("what", need)];
    let answered = hurt
        .post(&format!("/apology/versions/{version}/answer"), &answer)
        .await;
    assert_eq!(answered.status, 303, "{}", answered.body);
    let done = involved.post(&format!("/withdraw/{version}"), &[]).await;
    assert_redirect(&done, "/apology");
    for person in [hurt, involved] {
        let page = person.visit("/apology").await;
        assert!(page.body.contains(TOMBSTONE), "{}", page.body);
        assert!(!page.body.contains(did));
        assert!(page.body.contains(need), "the answer stays");
        assert!(page.body.contains("before it was withdrawn"));
    }
    assert_verified(&app).await;
}

on_both_backends!(apology_story: a_withdrawn_apology_version_keeps_its_answer_on_sqlite, a_withdrawn_apology_version_keeps_its_answer_on_postgres);
