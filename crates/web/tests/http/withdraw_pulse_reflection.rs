//! Withdrawing pulses and reflections, on SQLite and PostgreSQL: a shared
//! pulse leaves the chart and leaves a tombstone for both partners; a kept
//! pulse is deleted without a trace; a shared copy, a trigger note and a
//! reassurance are each withdrawn by their own author, and what answered a
//! withdrawn note says what it answered; a private reflection is deleted
//! with every version at once, its shared copy staying. Each time the
//! ciphertext is gone from the database and `verify` still proves it.

use crate::export::download;
use crate::helpers::{
    assert_page, assert_redirect, id_before, on_both_backends, Person, TestApp, PASSWORD,
};
use crate::pulse::take_pulse;
use crate::repair::created_id;
use crate::withdraw::{assert_verified, couple_stream, private_stream, TOMBSTONE};

/// The `seq` of every event of a stream whose ciphertext is gone.
async fn redacted(app: &TestApp, stream: &str) -> Vec<u64> {
    let length = app.raw_kinds(stream).await.len() as u64;
    let mut gone = Vec::new();
    for seq in 1..=length {
        if !app.raw_has_ciphertext(stream, seq).await {
            gone.push(seq);
        }
    }
    gone
}

/// The number in a result page's address (`/pulse/shared/12` → 12).
fn pulse_id(result: &str) -> u64 {
    let digits = result.rsplit('/').next().unwrap_or_default();
    digits.parse().expect("a pulse id")
}

async fn shared_pulse_story(app: TestApp) {
    let couple = app.couple().await;
    let (hurt, involved) = (&couple.hurt, &couple.involved);
    let kept = take_pulse(involved, 7, "partner", &[]).await;
    assert_eq!(kept.status, 303, "{}", kept.body);
    let taken = take_pulse(involved, 1, "partner", &[]).await;
    let result = taken.location.expect("a result page");
    let id = pulse_id(&result);
    let path = format!("/withdraw/{id}");
    hurt.assert_sees("/progress", "Your partner’s latest shared: <strong>0 ")
        .await;

    // The partner cannot withdraw it, and is not offered to: nothing written.
    let length = app.couple_record_length(hurt).await;
    let link = format!("\"{path}\"");
    assert!(!hurt.sees(&result, &link).await);
    assert_eq!(hurt.get(&path).await.status, 403);
    assert_eq!(hurt.post(&path, &[]).await.status, 403);
    assert_eq!(app.couple_record_length(hurt).await, length);

    // Its author is offered it on the result, asked, and led back.
    assert!(involved.sees(&result, &link).await);
    assert_page(&involved.visit(&path).await, 200, &["Withdraw this entry?"]);
    let (done, again) = involved.post_twice_at_once(&path, &[]).await;
    assert_redirect(&done, "/pulse#recent");
    assert_redirect(&again, "/pulse#recent");
    assert_eq!(app.couple_record_length(hurt).await, length + 1);

    for person in [hurt, involved] {
        let page = person.visit("/pulse").await;
        assert!(page.body.contains(TOMBSTONE), "{}", page.body);
        let listed = format!("\"{result}\"");
        assert!(!page.body.contains(&listed), "the pulse is not listed");
        assert!(page.body.contains("trust index <strong>100</strong>"));
        assert_eq!(person.get(&result).await.status, 404);
        let progress = person.visit("/progress").await;
        assert!(progress.body.contains(TOMBSTONE), "{}", progress.body);
    }
    // The chart and its latest reading no longer count its answers.
    hurt.assert_sees("/progress", "Your partner’s latest shared: <strong>100 ")
        .await;
    let stream = couple_stream(&app, involved).await;
    assert_eq!(redacted(&app, &stream).await, [id]);
    assert_verified(&app).await;

    for person in [hurt, involved] {
        let zip = download(person, PASSWORD, "").await;
        let json = zip.json(None);
        let couple = json["couple"].as_array().expect("the couple's record");
        let tombstone = couple.iter().find(|e| e["seq"] == id);
        let tombstone = tombstone.expect("the tombstone is exported");
        assert_eq!(
            (&tombstone["room"], &tombstone["kind"]),
            (&"pulse".into(), &"withdrawn".into())
        );
    }
    assert_eq!(involved.post(&path, &[]).await.status, 409);
    let second = app.another_instance().await;
    let page = hurt.visiting(&second).visit("/pulse").await;
    assert!(page.body.contains(TOMBSTONE) && !page.body.contains(&format!("\"{result}\"")));
}

on_both_backends!(shared_pulse_story: a_withdrawn_shared_pulse_leaves_the_chart_on_sqlite, a_withdrawn_shared_pulse_leaves_the_chart_on_postgres);

async fn kept_pulse_story(app: TestApp) {
    let couple = app.couple().await;
    let (hurt, involved) = (&couple.hurt, &couple.involved);
    let taken = take_pulse(hurt, 2, "only_me", &[]).await;
    let result = taken.location.expect("a result page");
    let id = pulse_id(&result);
    let path = format!("/delete/{id}");
    assert!(hurt.sees(&result, &path).await);
    // The partner's private stream has no such entry.
    assert_eq!(involved.get(&path).await.status, 404);
    assert_eq!(involved.post(&path, &[]).await.status, 404);

    let stream = private_stream(&app, hurt).await;
    let length = app.raw_kinds(&stream).await.len();
    let (done, again) = hurt.post_twice_at_once(&path, &[]).await;
    assert_redirect(&done, "/pulse#recent");
    assert_redirect(&again, "/pulse#recent");
    assert_eq!(
        app.raw_kinds(&stream).await.len(),
        length + 1,
        "one deletion"
    );
    assert_eq!(hurt.get(&result).await.status, 404);
    for person in [hurt, involved] {
        let page = person.visit("/pulse").await;
        assert!(!page.body.contains(TOMBSTONE), "no trace: {}", page.body);
        assert!(page.body.contains("No pulses yet."));
    }
    assert_eq!(redacted(&app, &stream).await, [id]);
    assert_verified(&app).await;
}

on_both_backends!(kept_pulse_story: a_kept_pulse_is_deleted_without_a_trace_on_sqlite, a_kept_pulse_is_deleted_without_a_trace_on_postgres);

/// The hurt partner sends a trigger note; its id, from the partner's page.
async fn send_note(hurt: &Person, involved: &Person, felt: &str) -> u64 {
    let note = [
        ("when", "the phone rang"),
        ("felt", felt),
        ("would_help", ""),
    ];
    let sent = hurt.post("/reflections/triggers", &note).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let page = involved.visit("/reflections").await;
    id_before(&page.body, felt, "id=\"note-")
}

/// The partner reassures note `note`; the id of the reassurance, from the
/// link its author is offered to withdraw it.
async fn reassure(involved: &Person, note: u64, words: &str) -> u64 {
    let path = format!("/reflections/triggers/{note}/reassure");
    let answered = involved.post(&path, &[("words", words)]).await;
    assert_eq!(answered.status, 303, "{}", answered.body);
    let page = involved.visit("/reflections").await;
    let after = &page.body[page.body.find(words).expect("the words shown")..];
    id_before(after, "Withdraw your reassurance", "/withdraw/")
}

async fn shared_reflections_story(app: TestApp) {
    let couple = app.couple().await;
    let (hurt, involved) = (&couple.hurt, &couple.involved);
    let fields = [("prompt", "worth_it"), ("part_1", "mk-copy-withdrawn")];
    let written = created_id(&hurt.post("/reflections", &fields).await);
    let shared = hurt
        .post(
            &format!("/reflections/{written}/share"),
            &[("version", "1")],
        )
        .await;
    assert_eq!(shared.status, 303, "{}", shared.body);
    let page = involved.visit("/reflections").await;
    let copy = id_before(&page.body, "mk-copy-withdrawn", "id=\"copy-");
    let answered = send_note(hurt, involved, "mk-note-withdrawn").await;
    let words = "mk-reassurance-stays I am right here";
    reassure(involved, answered, words).await;
    let open = send_note(hurt, involved, "mk-note-stays").await;
    let taken_back = "mk-reassurance-withdrawn";
    let reassurance = reassure(involved, open, taken_back).await;

    // Each is its own author's alone to withdraw.
    for (person, id) in [(involved, copy), (involved, answered), (hurt, reassurance)] {
        let path = format!("/withdraw/{id}");
        let link = format!("\"{path}\"");
        assert!(!person.sees("/reflections", &link).await, "{path}");
        assert_eq!(person.post(&path, &[]).await.status, 403, "{path}");
    }
    let stream = couple_stream(&app, hurt).await;
    let length = app.couple_record_length(hurt).await;
    for (person, id) in [(hurt, copy), (hurt, answered), (involved, reassurance)] {
        let path = format!("/withdraw/{id}");
        let link = format!("\"{path}\"");
        assert!(person.sees("/reflections", &link).await, "{path}");
        let (done, again) = person.post_twice_at_once(&path, &[]).await;
        assert_redirect(&done, "/reflections");
        assert_redirect(&again, "/reflections");
    }
    assert_eq!(app.couple_record_length(hurt).await, length + 3);

    // The hurt partner's own reflection still starts with the copy's words.
    let everything = ["mk-note-withdrawn", taken_back, "mk-copy-withdrawn"];
    for (person, gone) in [(hurt, &everything[..2]), (involved, &everything[..])] {
        let page = person.visit("/reflections").await;
        assert_eq!(page.body.matches(TOMBSTONE).count(), 3, "{}", page.body);
        for gone in gone {
            assert!(!page.body.contains(gone), "{gone}");
        }
        assert!(page.body.contains(words), "the reassurance stays");
        assert!(page.body.contains("to a note since withdrawn"));
        assert!(page.body.contains("mk-note-stays"));
    }
    // The note whose reassurance was withdrawn may be answered again.
    involved
        .assert_sees("/reflections", "Send reassurance")
        .await;
    let mut gone = redacted(&app, &stream).await;
    gone.sort_unstable();
    let mut expected = vec![copy, answered, reassurance];
    expected.sort_unstable();
    assert_eq!(gone, expected);
    assert_verified(&app).await;
    // The hurt partner's own reflection is not the copy: it stays theirs.
    hurt.assert_sees(&format!("/reflections/{written}"), "mk-copy-withdrawn")
        .await;
}

on_both_backends!(shared_reflections_story: copies_notes_and_reassurances_are_withdrawn_by_their_authors_on_sqlite, copies_notes_and_reassurances_are_withdrawn_by_their_authors_on_postgres);

async fn kept_reflection_story(app: TestApp) {
    let couple = app.couple().await;
    let (hurt, involved) = (&couple.hurt, &couple.involved);
    let fields = [("prompt", "worth_it"), ("part_1", "mk-deleted-first")];
    let id = created_id(&hurt.post("/reflections", &fields).await);
    let revise = format!("/reflections/{id}/revise");
    let revised = hurt.post(&revise, &[("part_1", "mk-copy-stays")]).await;
    assert_eq!(revised.status, 303, "{}", revised.body);
    let shared = hurt
        .post(&format!("/reflections/{id}/share"), &[("version", "2")])
        .await;
    assert_eq!(shared.status, 303, "{}", shared.body);
    let revised = hurt.post(&revise, &[("part_1", "mk-deleted-third")]).await;
    assert_eq!(revised.status, 303, "{}", revised.body);

    let path = format!("/delete/{id}");
    assert!(hurt.sees(&format!("/reflections/{id}"), &path).await);
    assert_eq!(involved.get(&path).await.status, 404);
    assert_eq!(involved.post(&path, &[]).await.status, 404);
    let question = hurt.visit(&path).await;
    assert_page(
        &question,
        200,
        &[
            "Delete this entry?",
            "Every version of it goes",
            "A copy you shared",
        ],
    );

    let stream = private_stream(&app, hurt).await;
    let length = app.raw_kinds(&stream).await.len();
    let (done, again) = hurt.post_twice_at_once(&path, &[]).await;
    assert_redirect(&done, "/reflections");
    assert_redirect(&again, "/reflections");
    // The reflection, its two revisions and the mark of its copy: four
    // events, each redacted by its own withdrawal, written once.
    assert_eq!(app.raw_kinds(&stream).await.len(), length + 4);
    let gone = redacted(&app, &stream).await;
    assert_eq!(gone.len(), 4, "{gone:?}");
    assert_eq!(gone.first(), Some(&id));
    assert_verified(&app).await;

    assert_eq!(hurt.get(&format!("/reflections/{id}")).await.status, 404);
    for person in [hurt, involved] {
        let page = person.visit("/reflections").await;
        assert!(!page.body.contains(TOMBSTONE), "no trace: {}", page.body);
        assert!(!page.body.contains("mk-deleted-"));
        assert!(
            page.body.contains("mk-copy-stays"),
            "the copy is its own entry"
        );
    }
    let zip = download(hurt, PASSWORD, "").await;
    assert_eq!(
        zip.count("mk-deleted-first") + zip.count("mk-deleted-third"),
        0
    );
    assert!(zip.count("mk-copy-stays") > 0);
    assert_eq!(hurt.post(&path, &[]).await.status, 409);
}

on_both_backends!(kept_reflection_story: a_kept_reflection_is_deleted_with_every_version_on_sqlite, a_kept_reflection_is_deleted_with_every_version_on_postgres);
