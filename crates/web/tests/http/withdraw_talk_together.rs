//! Withdrawing from the talk, time-together, weekly-meeting and session
//! rooms, on SQLite and PostgreSQL: the author withdraws (a replay of the
//! same submission writes nothing more), both partners (and the therapist,
//! for a session's agenda and the rooms in their scopes) see a tombstone
//! where it stood and never the words, the ciphertext is gone and `verify`
//! proves the record; the partner cannot withdraw it. Kept words on a talk
//! or on time together, and a reflection put away, are deleted without a
//! trace.

use crate::checkin::check_in;
use crate::export::download;
use crate::helpers::{
    assert_redirect, id_before, on_both_backends, request_fields, submission_key, Person, TestApp,
    PASSWORD,
};
use crate::repair::{create, created_id, excerpt};
use crate::talk::answer_fields;
use crate::withdraw::{assert_verified, couple_stream, private_stream, TOMBSTONE};
use kintsugi_web::app::clock::Clock;
use time::Duration;

/// `author` withdraws entry `id` of the couple's record and lands on
/// `room`: the partner is refused first, and the same submission sent
/// twice at once (a double tap) and then again (a replay) writes one
/// withdrawal only.
async fn withdraw_once(app: &TestApp, author: &Person, partner: &Person, id: u64, room: &str) {
    let path = format!("/withdraw/{id}");
    let length = app.couple_record_length(author).await;
    assert_eq!(partner.get(&path).await.status, 403);
    assert_eq!(partner.post(&path, &[]).await.status, 403);
    assert_eq!(app.couple_record_length(author).await, length);
    let key = submission_key();
    let send = || author.post_with_key(&path, &key, &[]);
    let (done, again) = tokio::join!(send(), send());
    assert_redirect(&done, room);
    assert_redirect(&again, room);
    assert_redirect(&send().await, room);
    assert_eq!(app.couple_record_length(author).await, length + 1);
    let stream = couple_stream(app, author).await;
    assert!(
        !app.raw_has_ciphertext(&stream, id).await,
        "the words are gone"
    );
}

/// Both see a tombstone on `room` and never `words`.
async fn assert_tombstone(people: [&Person; 2], room: &str, words: &str) {
    for person in people {
        let page = person.visit(room).await;
        assert!(page.body.contains(TOMBSTONE), "{}", excerpt(&page.body));
        assert!(!page.body.contains(words), "{words} is gone");
    }
}

/// The number after `prefix` on `person`'s `room` page, before `marker`.
async fn id_on(person: &Person, room: &str, marker: &str, prefix: &str) -> u64 {
    id_before(&person.visit(room).await.body, marker, prefix)
}

async fn talk_story(app: TestApp) {
    let couple = app.couple().await;
    let (hurt, involved) = (&couple.hurt, &couple.involved);
    let topic = "mk-talk-topic: the weekend away";
    let ask = [("kind", "details"), ("soon", "soon"), ("topic", topic)];
    let request = create(hurt, "/talk", &ask, "/talk#talk-").await;
    assert!(hurt.sees("/talk", "Take back this request").await);
    let words = "mk-space-words: give me two days";
    let space = answer_fields("space", &[("days", "2"), ("words", words)]);
    let answered = involved
        .post(&format!("/talk/{request}/answer"), &space)
        .await;
    assert_eq!(answered.status, 303, "{}", excerpt(&answered.body));
    let answer = request + 1;
    let answer_path = format!("/withdraw/{answer}");
    assert!(involved.sees("/talk", &answer_path).await);
    assert!(!hurt.sees("/talk", &answer_path).await);

    withdraw_once(&app, hurt, involved, request, "/talk").await;
    assert_tombstone([hurt, involved], "/talk", topic).await;
    for person in [hurt, involved] {
        let page = person.visit("/talk").await;
        assert!(page.body.contains("answered this request on"));
        assert!(page.body.contains(words), "the answer stays");
    }
    // Each partner's export keeps the tombstone in the talk room, never
    // the words.
    for person in [hurt, involved] {
        let zip = download(person, PASSWORD, "").await;
        assert_eq!((zip.status, zip.count(topic)), (200, 0));
        let json = zip.json(None);
        let couple = json["couple"].as_array().expect("the couple's record");
        let stone = couple.iter().find(|e| e["seq"] == request);
        let stone = stone.expect("the tombstone is exported");
        assert_eq!(
            (&stone["room"], &stone["kind"]),
            (&"talk".into(), &"withdrawn".into())
        );
    }
    // The answer's words are still its author's to withdraw.
    withdraw_once(&app, involved, hurt, answer, "/talk").await;
    for person in [hurt, involved] {
        assert!(!person.sees("/talk", words).await);
    }
    assert_verified(&app).await;
}

on_both_backends!(talk_story: a_withdrawn_talk_request_keeps_its_answer_on_sqlite, a_withdrawn_talk_request_keeps_its_answer_on_postgres);

async fn quiet_note_and_kept_word_story(app: TestApp) {
    let couple = app.couple().await;
    let (hurt, involved) = (&couple.hurt, &couple.involved);
    let declared = hurt.post("/talk/quiet", &[("quiet_days", "2")]).await;
    assert_eq!(declared.status, 303, "{}", excerpt(&declared.body));
    let note = "mk-quiet-note: I will be here";
    let left = involved
        .post("/talk/quiet/note", &[("quiet_note", note)])
        .await;
    assert_eq!(left.status, 303, "{}", excerpt(&left.body));
    let id = id_on(involved, "/talk", "Withdraw the note I left", "/withdraw/").await;
    withdraw_once(&app, involved, hurt, id, "/talk").await;
    assert!(involved.sees("/talk", TOMBSTONE).await);
    // Held from the hurt partner, like the note, while the period is on.
    assert!(!hurt.sees("/talk", TOMBSTONE).await);
    app.clock.advance(Duration::days(3));
    for person in [hurt, involved] {
        person.login().await;
    }
    assert_tombstone([hurt, involved], "/talk", note).await;

    // A word kept on how a talk went goes without a trace.
    let ask = [
        ("kind", "practical"),
        ("soon", "soon"),
        ("topic", "The car"),
    ];
    let request = create(involved, "/talk", &ask, "/talk#talk-").await;
    let now = answer_fields("now", &[]);
    let answered = hurt.post(&format!("/talk/{request}/answer"), &now).await;
    assert_eq!(answered.status, 303, "{}", excerpt(&answered.body));
    let kept = "mk-kept-talk-word: I felt heard";
    let marked = hurt
        .post(
            &format!("/talk/{request}/happened"),
            &[("words", kept), ("keep", "only_me")],
        )
        .await;
    assert_eq!(marked.status, 303, "{}", excerpt(&marked.body));
    let id = id_on(hurt, "/talk", "Delete the word I kept", "/delete/").await;
    let path = format!("/delete/{id}");
    assert_eq!(involved.post(&path, &[]).await.status, 404);
    assert_redirect(&hurt.post(&path, &[]).await, "/talk");
    assert!(!hurt.sees("/talk", kept).await);
    let zip = download(hurt, PASSWORD, "").await;
    assert_eq!((zip.status, zip.count(kept)), (200, 0), "not in the export");
    let stream = private_stream(&app, hurt).await;
    assert!(!app.raw_has_ciphertext(&stream, id).await);
    let page = involved.visit("/talk").await;
    assert_eq!(page.body.matches(TOMBSTONE).count(), 1, "only the note's");
    assert_verified(&app).await;
}

on_both_backends!(quiet_note_and_kept_word_story: a_withdrawn_quiet_note_and_a_deleted_kept_word_on_sqlite, a_withdrawn_quiet_note_and_a_deleted_kept_word_on_postgres);

async fn talk_word_story(app: TestApp) {
    let couple = app.couple().await;
    let (hurt, involved) = (&couple.hurt, &couple.involved);
    let ask = [
        ("kind", "what_happened"),
        ("soon", "soon"),
        ("topic", "The phone calls"),
    ];
    let request = create(involved, "/talk", &ask, "/talk#talk-").await;
    let now = answer_fields("now", &[]);
    let answered = hurt.post(&format!("/talk/{request}/answer"), &now).await;
    assert_eq!(answered.status, 303, "{}", excerpt(&answered.body));
    let words = "mk-talk-word: it was hard but I am glad";
    let happened = format!("/talk/{request}/happened");
    let shared = [("words", words), ("keep", "partner")];
    let marked = hurt.post(&happened, &shared).await;
    assert_eq!(marked.status, 303, "{}", excerpt(&marked.body));
    assert!(involved.sees("/talk", words).await);
    let link = "Withdraw my word on how it went";
    assert!(!involved.sees("/talk", link).await, "only its author's");
    let id = id_on(hurt, "/talk", link, "/withdraw/").await;
    withdraw_once(&app, hurt, involved, id, "/talk").await;
    assert_tombstone([hurt, involved], "/talk", words).await;
    // "We talked" went with the word: the talk waits to be marked again,
    // and its author can say so once more.
    assert!(!hurt.sees("/talk", "You talked.").await);
    let again = hurt
        .post(&happened, &[("words", ""), ("keep", "partner")])
        .await;
    assert_eq!(again.status, 303, "{}", excerpt(&again.body));
    let page = involved.visit("/talk").await;
    assert!(page.body.contains("Your partner marked that you talked."));
    assert_eq!(page.body.matches(TOMBSTONE).count(), 1);
    assert_verified(&app).await;
}

on_both_backends!(talk_word_story: a_withdrawn_word_on_how_a_talk_went_leaves_a_tombstone_on_sqlite, a_withdrawn_word_on_how_a_talk_went_leaves_a_tombstone_on_postgres);

fn typed(at: time::OffsetDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute()
    )
}

async fn together_story(app: TestApp) {
    let couple = app.couple().await;
    let (hurt, involved) = (&couple.hurt, &couple.involved);
    let what = "mk-plan-what: a walk by the river";
    let at = typed(app.clock.now() + Duration::hours(2));
    let plan_fields = [("what", what), ("at", at.as_str()), ("at_which", "")];
    let plan = create(hurt, "/together", &plan_fields, "/together#plan-").await;
    let accept = [("answer", "accept"), ("at", ""), ("at_which", "")];
    let accepted = involved
        .post(&format!("/together/{plan}/answer"), &accept)
        .await;
    assert_eq!(accepted.status, 303, "{}", excerpt(&accepted.body));
    app.clock.advance(Duration::hours(4));
    let line = "mk-shared-line: like the first summer";
    let how = format!("/together/{plan}/how-it-went");
    let shared = [("connection", "5"), ("line", line), ("keep", "partner")];
    assert_eq!(involved.post(&how, &shared).await.status, 303);
    let kept_line = "mk-kept-line: I was tense";
    let kept = [
        ("connection", "2"),
        ("line", kept_line),
        ("keep", "only_me"),
    ];
    assert_eq!(hurt.post(&how, &kept).await.status, 303);
    assert!(!involved.sees("/together", kept_line).await);

    let word = id_on(involved, "/together", "Withdraw my word", "/withdraw/").await;
    withdraw_once(&app, involved, hurt, word, "/together").await;
    assert_tombstone([hurt, involved], "/together", line).await;

    let id = id_on(hurt, "/together", "Delete my kept word", "/delete/").await;
    assert_redirect(&hurt.post(&format!("/delete/{id}"), &[]).await, "/together");
    assert!(!hurt.sees("/together", kept_line).await);
    let stream = private_stream(&app, hurt).await;
    assert!(!app.raw_has_ciphertext(&stream, id).await);

    withdraw_once(&app, hurt, involved, plan, "/together").await;
    assert_tombstone([hurt, involved], "/together", what).await;

    let ritual = "mk-ritual: tea at nine";
    let begun = hurt.post("/together/rituals", &[("ritual", ritual)]).await;
    assert_eq!(begun.status, 303, "{}", excerpt(&begun.body));
    let id = id_on(hurt, "/together", "Withdraw this ritual", "/withdraw/").await;
    withdraw_once(&app, hurt, involved, id, "/together").await;
    assert_tombstone([hurt, involved], "/together", ritual).await;
    let page = involved.visit("/together").await;
    assert_eq!(page.body.matches(TOMBSTONE).count(), 3, "none for the kept");
    assert_verified(&app).await;
}

on_both_backends!(together_story: withdrawn_plans_words_and_rituals_leave_tombstones_on_sqlite, withdrawn_plans_words_and_rituals_leave_tombstones_on_postgres);

async fn ritual_set_aside_story(app: TestApp) {
    let couple = app.couple().await;
    let (hurt, involved) = (&couple.hurt, &couple.involved);
    let ritual = "mk-ritual-aside: a walk on Sundays";
    let begun = involved
        .post("/together/rituals", &[("ritual", ritual)])
        .await;
    assert_eq!(begun.status, 303, "{}", excerpt(&begun.body));
    let id = id_on(involved, "/together", ritual, "id=\"ritual-").await;
    let aside = format!("/together/rituals/{id}/set-aside");
    assert_eq!(hurt.post(&aside, &[]).await.status, 303);
    // Only its author sees it still, set aside, to withdraw it.
    let page = involved.visit("/together").await;
    let said = "Set aside by your partner";
    assert!(page.body.contains(said), "{}", excerpt(&page.body));
    assert!(page.body.contains(ritual));
    assert!(
        !hurt.sees("/together", ritual).await,
        "gone from the partner's page"
    );
    let link = "Withdraw this ritual";
    assert!(!hurt.sees("/together", link).await, "only its author's");
    let found = id_on(involved, "/together", link, "/withdraw/").await;
    assert_eq!(found, id);
    withdraw_once(&app, involved, hurt, id, "/together").await;
    assert_tombstone([hurt, involved], "/together", ritual).await;
    assert!(!involved.sees("/together", "Set aside by").await);
    assert_verified(&app).await;
}

on_both_backends!(ritual_set_aside_story: a_ritual_set_aside_can_be_withdrawn_on_sqlite, a_ritual_set_aside_can_be_withdrawn_on_postgres);

async fn meeting_story(app: TestApp) {
    let couple = app.couple().await;
    let (hurt, involved) = (&couple.hurt, &couple.involved);
    let text = "mk-agenda-item: the school run";
    let fields = [
        ("part", "plan"),
        ("text", text),
        ("feel", ""),
        ("about", ""),
        ("need", ""),
    ];
    let added = hurt.post("/meeting/items", &fields).await;
    assert_eq!(added.status, 303, "{}", excerpt(&added.body));
    let id = id_on(hurt, "/meeting", "Withdraw this item", "/withdraw/").await;
    assert!(!involved.sees("/meeting", "Withdraw this item").await);
    withdraw_once(&app, hurt, involved, id, "/meeting#agenda").await;
    assert_tombstone([hurt, involved], "/meeting", text).await;
    assert_verified(&app).await;
}

on_both_backends!(meeting_story: a_withdrawn_meeting_item_leaves_a_tombstone_on_sqlite, a_withdrawn_meeting_item_leaves_a_tombstone_on_postgres);

/// A therapist both partners invited, who may see the requests and the
/// check-ins marked for them; the path
/// of the couple's page in the therapist's practice.
async fn with_therapist(hurt: &Person, involved: &Person, therapist: &Person) -> String {
    let scopes = [
        ("name", "Dr Okafor"),
        ("scopes", "requests"),
        ("scopes", "check_ins"),
    ];
    assert_eq!(hurt.post("/therapist", &scopes).await.status, 303);
    let page = involved.get("/therapist").await;
    let proposal = page
        .body
        .split("/therapist/")
        .find_map(|rest| rest.split_once("/consent").map(|(id, _)| id.to_owned()))
        .expect("the consent form");
    let consent = format!("/therapist/{proposal}/consent");
    let both = [("scopes", "requests"), ("scopes", "check_ins")];
    let consented = involved.post(&consent, &both).await;
    assert_eq!(consented.status, 303);
    let made = hurt.post(&format!("/therapist/{proposal}/link"), &[]).await;
    let at = made.body.find("/practice/join/").expect("the link");
    let link = made.body[at..].split('"').next().expect("the link");
    let accepted = therapist.post(link, &[("name", "The Ashbys")]).await;
    accepted.location.expect("the couple's page")
}

async fn session_story(app: TestApp) {
    let couple = app.couple().await;
    let (hurt, involved) = (&couple.hurt, &couple.involved);
    let therapist = app.stranger().await;
    let couple_page = with_therapist(hurt, involved, &therapist).await;
    let item = "mk-session-item: my mother";
    let added = involved.post("/therapist/agenda", &[("text", item)]).await;
    assert_eq!(added.status, 303, "{}", excerpt(&added.body));
    assert!(therapist.sees(&couple_page, item).await);
    let id = id_on(involved, "/therapist", "Withdraw this item", "/withdraw/").await;
    let question = involved.visit(&format!("/withdraw/{id}")).await;
    assert!(question.body.contains("Your therapist sees the same"));
    withdraw_once(&app, involved, hurt, id, "/therapist#session").await;
    assert_tombstone([hurt, involved], "/therapist", item).await;
    let seen = therapist.visit(&couple_page).await;
    assert!(seen.body.contains(TOMBSTONE), "{}", excerpt(&seen.body));
    assert!(!seen.body.contains(item));

    // A request, in the therapist's scopes: its tombstone, never its words.
    let what = "mk-request-for-therapist: call me at lunch";
    let request = create(
        hurt,
        "/requests",
        &request_fields(what, "daily", "send"),
        "/requests/",
    )
    .await;
    assert!(therapist.sees(&couple_page, what).await);
    withdraw_once(&app, hurt, involved, request, "/requests").await;
    let seen = therapist.visit(&couple_page).await;
    assert_eq!(
        seen.body.matches(TOMBSTONE).count(),
        2,
        "{}",
        excerpt(&seen.body)
    );
    assert!(!seen.body.contains(what));

    // A check-in marked for the therapist leaves them its tombstone; one
    // shared with the partner alone leaves them nothing, not even that.
    for (note, visibility) in [
        (
            "mk-checkin-for-therapist: a heavy week",
            "partner_and_therapist",
        ),
        ("mk-checkin-for-partner: only for you", "partner"),
    ] {
        let shared = check_in(hurt, &[("hopeful", "3")], note, visibility).await;
        assert_eq!(shared.status, 303, "{}", excerpt(&shared.body));
        let id = id_on(hurt, "/checkin", note, "id=\"checkin-").await;
        withdraw_once(&app, hurt, involved, id, "/checkin").await;
    }
    let seen = therapist.visit(&couple_page).await;
    let count = seen.body.matches(TOMBSTONE).count();
    assert_eq!(count, 3, "{}", excerpt(&seen.body));
    assert!(!seen.body.contains("mk-checkin-for"));
    let page = involved.visit("/checkin").await;
    assert_eq!(
        page.body.matches(TOMBSTONE).count(),
        2,
        "the partner sees both"
    );
    assert_verified(&app).await;
}

on_both_backends!(session_story: the_therapist_sees_the_tombstones_never_the_words_on_sqlite, the_therapist_sees_the_tombstones_never_the_words_on_postgres);

async fn put_away_reflection_story(app: TestApp) {
    let couple = app.couple().await;
    let (hurt, involved) = (&couple.hurt, &couple.involved);
    let words = "mk-put-away: what I could not say";
    let fields = [("prompt", "worth_it"), ("part_1", words)];
    let id = created_id(&hurt.post("/reflections", &fields).await);
    let away = hurt.post(&format!("/reflections/{id}/withdraw"), &[]).await;
    assert_redirect(&away, "/reflections");
    let path = format!("/delete/{id}");
    let page = hurt.visit("/reflections").await;
    assert!(page.body.contains("Put away"), "{}", excerpt(&page.body));
    assert!(page.body.contains(&path), "its author may delete it");
    assert!(!page.body.contains(words), "listed, never its words");
    let theirs = involved.visit("/reflections").await;
    assert!(!theirs.body.contains("Put away") && !theirs.body.contains(&path));
    assert_eq!(involved.get(&path).await.status, 404);
    assert_eq!(involved.post(&path, &[]).await.status, 404);

    assert_eq!(hurt.get(&path).await.status, 200);
    let stream = private_stream(&app, hurt).await;
    let (done, again) = hurt.post_twice_at_once(&path, &[]).await;
    assert_redirect(&done, "/reflections");
    assert_redirect(&again, "/reflections");
    assert!(
        !app.raw_has_ciphertext(&stream, id).await,
        "the words are gone"
    );
    let page = hurt.visit("/reflections").await;
    assert!(!page.body.contains("Put away") && !page.body.contains(&path));
    assert!(!page.body.contains(TOMBSTONE), "no trace");
    let zip = download(hurt, PASSWORD, "").await;
    assert_eq!((zip.status, zip.count(words)), (200, 0));
    assert_verified(&app).await;
}

on_both_backends!(put_away_reflection_story: a_reflection_put_away_is_listed_to_its_author_to_delete_on_sqlite, a_reflection_put_away_is_listed_to_its_author_to_delete_on_postgres);
