//! Check-ins: kept or shared, answered once by the partner, refused forms
//! that keep what was typed, and who may reach each page.

use crate::helpers::betrayal_fields;
use crate::helpers::{
    assert_hides, assert_page, assert_redirect, assert_refused, assert_shows, field_refs, Page,
    Person, TestApp, World,
};

/// Feelings as the form sends them: a word and how strongly, 1 to 5.
type Feelings<'a> = &'a [(&'a str, &'a str)];

/// A check-in's fields the way the form sends them: a `feelings` box per
/// word and an `intensity_<word>` choice beside it.
pub(crate) fn check_in_fields(
    feelings: &[(&str, &str)],
    note: &str,
    visibility: &str,
) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = Vec::new();
    for (code, intensity) in feelings {
        fields.push(("feelings".to_owned(), (*code).to_owned()));
        fields.push((format!("intensity_{code}"), (*intensity).to_owned()));
    }
    fields.push(("note".to_owned(), note.to_owned()));
    fields.push(("visibility".to_owned(), visibility.to_owned()));
    fields
}

pub(crate) async fn check_in(
    person: &Person,
    feelings: &[(&str, &str)],
    note: &str,
    visibility: &str,
) -> Page {
    let fields = check_in_fields(feelings, note, visibility);
    person.post("/checkin", &field_refs(&fields)).await
}

/// The numbers that follow `prefix` in a page, in order of appearance.
pub(crate) fn ids_after(body: &str, prefix: &str) -> Vec<String> {
    body.match_indices(prefix)
        .map(|(at, _)| {
            body[at + prefix.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
        })
        .filter(|id| !id.is_empty())
        .collect()
}

/// The id of the first shared check-in the page offers an answer form for.
fn answerable_id(body: &str) -> String {
    ids_after(body, "action=\"/checkin/")
        .into_iter()
        .next()
        .expect("an answer form")
}

/// The id of the first shared check-in `person` is offered to answer.
pub(crate) async fn answerable(person: &Person) -> String {
    answerable_id(&person.get("/checkin").await.body)
}

/// Answers check-in `id` with a preset or own words.
pub(crate) async fn answer(person: &Person, id: &str, fields: &[(&str, &str)]) -> Page {
    person
        .post(&format!("/checkin/{id}/acknowledge"), fields)
        .await
}

#[tokio::test]
async fn a_shared_check_in_reaches_the_partner_who_answers_it_once() {
    let (_app, couple) = TestApp::with_couple().await;
    let feelings = [("betrayed", "4"), ("hopeful", "2")];
    let note = "A hard morning, but the walk helped.";
    let sent = check_in(&couple.hurt, &feelings, note, "partner").await;
    assert_redirect(&sent, "/checkin?done=shared");
    let confirmed = couple.hurt.get("/checkin?done=shared").await;
    assert_shows(
        &confirmed,
        &[
            "Shared. Your partner can read it now.",
            "shared with your partner",
        ],
    );
    // Nobody answers their own check-in.
    assert_hides(&confirmed, &["Answer your partner"]);

    let list = couple.involved.visit("/checkin").await;
    assert_shows(
        &list,
        &[
            note,
            "Betrayed",
            "strongly<span class=\"sr-only\">, 4 of 5</span>",
            "shared with you",
        ],
    );
    let id = answerable_id(&list.body);
    let thanks = [("preset", "thank_you")];

    let own = answer(&couple.hurt, &id, &thanks).await;
    assert_refused(
        &own,
        "This is your own check-in; your partner can answer it.",
    );

    let answered = answer(&couple.involved, &id, &thanks).await;
    assert_redirect(&answered, &format!("/checkin/{id}"));

    let seen = couple.hurt.visit(&format!("/checkin/{id}")).await;
    assert_shows(
        &seen,
        &[
            "Your partner answered",
            "“<bdi>Thank you for telling me.</bdi>”",
        ],
    );

    let again = answer(&couple.involved, &id, &[("own_words", "And once more")]).await;
    assert_refused(&again, "This check-in has already been answered.");
    let one = format!("/checkin/{id}");
    assert!(!couple.hurt.sees(&one, "And once more").await);
}

#[tokio::test]
async fn what_waits_for_an_answer_comes_before_the_form_until_it_is_answered() {
    let (_app, couple) = TestApp::with_couple().await;
    let feelings = [("stung", "3"), ("hopeful", "2")];
    check_in(&couple.hurt, &feelings, "", "partner").await;

    let list = couple.involved.get("/checkin").await;
    let body = &list.body;
    let waiting = body.find("Waiting for your answer");
    let form = body.find("<form method=\"post\" action=\"/checkin\"");
    assert!(
        waiting.expect("a waiting section") < form.expect("the form"),
        "what waits is read before the form"
    );
    let id = answerable_id(body);
    assert!(body.contains(&format!(
        "<a href=\"/checkin/{id}\">Your partner checked in: Stung, Hopeful</a>"
    )));

    // One's own check-in waits for no answer from oneself.
    let author = couple.hurt.get("/checkin").await;
    assert_hides(&author, &["Waiting for your answer"]);

    let answered = answer(&couple.involved, &id, &[("preset", "thank_you")]).await;
    assert_eq!(answered.status, 303, "{}", answered.body);
    let after = couple.involved.get("/checkin").await;
    assert_hides(&after, &["Waiting for your answer"]);
    assert!(after.body.contains("Stung"), "still in the list below");
}

#[tokio::test]
async fn the_form_offers_a_compact_strength_and_says_when_a_therapist_sees_a_check_in() {
    let (_app, couple) = TestApp::with_couple().await;
    let page = couple.hurt.get("/checkin").await;
    assert_shows(
        &page,
        &[
            "<select id=\"intensity_let_down\" name=\"intensity_let_down\" aria-describedby=\"strength-key\"><option value=\"\">1–5</option><option value=\"1\">1</option>",
            "id=\"strength-key\">How strongly, from 1 to 5:",
            "<strong>5</strong> overwhelmingly",
            "value=\"partner_and_therapist\" aria-describedby=\"visibility-partner_and_therapist-hint\"",
            "With this choice your partner sees it at once; a therapist only once you both invite one.",
        ],
    );
}

#[tokio::test]
async fn own_words_are_an_answer_and_a_refused_answer_keeps_them() {
    let (_app, couple) = TestApp::with_couple().await;
    let ashamed = [("ashamed", "5")];
    check_in(&couple.involved, &ashamed, "", "partner_and_therapist").await;
    let list = couple.hurt.get("/checkin").await;
    assert!(list.body.contains("shared with you and your therapist"));
    let id = answerable_id(&list.body);
    let own_words = |words| [("own_words", words)];

    let blank = answer(&couple.hurt, &id, &own_words("   ")).await;
    let marked = ["Please choose one of the answers", "aria-invalid=\"true\""];
    assert_page(&blank, 422, &marked);

    let long = "I hear you. ".repeat(30);
    let too_long = answer(&couple.hurt, &id, &own_words(&long)).await;
    assert_eq!(too_long.status, 422);
    assert!(
        too_long.body.contains(long.trim_end()),
        "the words are kept"
    );

    let sent = answer(&couple.hurt, &id, &own_words("I see you.")).await;
    assert_eq!(sent.status, 303);
    let seen = couple.involved.get(&format!("/checkin/{id}")).await;
    assert!(seen.body.contains("“<bdi>I see you.</bdi>”"));
}

#[tokio::test]
async fn an_only_me_check_in_is_kept_for_its_author_and_marked_so() {
    let (_app, couple) = TestApp::with_couple().await;
    let kept = check_in(&couple.hurt, &[("numb", "3")], "kept-note-1a2b", "only_me").await;
    assert_eq!(kept.location.as_deref(), Some("/checkin?done=kept"));
    let mine = couple.hurt.get("/checkin?done=kept").await;
    assert_shows(
        &mine,
        &[
            "Kept. Only you can see this check-in.",
            "kept-note-1a2b",
            "only you",
        ],
    );
    // A kept check-in has no answer form.
    assert_hides(&mine, &["action=\"/checkin/"]);
    let theirs = couple.involved.get("/checkin").await;
    assert_hides(&theirs, &["kept-note-1a2b"]);
    assert_shows(&theirs, &["No check-ins yet."]);
}

#[tokio::test]
async fn a_refused_check_in_keeps_everything_that_was_chosen_and_written() {
    let (_app, couple) = TestApp::with_couple().await;
    let feelings = [("grieving", "2"), ("sad", "")];
    let note = "words I do not want to lose";
    let missing_strength = check_in(&couple.hurt, &feelings, note, "partner").await;
    assert_page(
        &missing_strength,
        422,
        &[
            "Please choose how strongly you feel “Sad”",
            "id=\"intensity_sad\" name=\"intensity_sad\" aria-invalid=\"true\"",
            "value=\"grieving\" checked",
            "value=\"sad\" checked",
            "<option value=\"2\" selected>",
            note,
            "value=\"partner\" checked",
            "class=\"family family-sad\" open",
            "Everything you chose and wrote is kept.",
        ],
    );
    assert_hides(&missing_strength, &["value=\"only_me\" checked"]);

    let four = [
        ("sad", "1"),
        ("angry", "1"),
        ("lonely", "1"),
        ("afraid", "1"),
    ];
    let refusals: [(Feelings, &str, &str, &str); 3] = [
        (&four, "", "only_me", "Please choose up to three feelings"),
        (
            &[],
            "only a note",
            "partner",
            "Please choose at least one feeling.",
        ),
        (
            &[("sad", "1")],
            "",
            "",
            "Please choose who may see this check-in.",
        ),
    ];
    for (feelings, note, visibility, message) in refusals {
        let refused = check_in(&couple.hurt, feelings, note, visibility).await;
        assert_refused(&refused, message);
    }

    for person in [&couple.hurt, &couple.involved] {
        let list = person.get("/checkin").await;
        assert!(list.body.contains("No check-ins yet."), "nothing was saved");
    }
}

#[tokio::test]
async fn the_fresh_form_starts_private_and_closed() {
    let (_app, couple) = TestApp::with_couple().await;
    let page = couple.hurt.visit("/checkin").await;
    assert_eq!(page.body.matches("<details class=\"family ").count(), 8);
    assert_shows(
        &page,
        &[
            "value=\"only_me\" checked",
            "<label class=\"sr-only\" for=\"intensity_let_down\">",
            "aria-current=\"page\">Check-in</a>",
        ],
    );
    assert_hides(&page, &["class=\"family family-hurt\" open"]);
}

#[tokio::test]
async fn older_check_ins_are_a_page_away() {
    let (app, couple) = TestApp::with_couple().await;
    for n in 1..=22 {
        // Entries carry the app's clock, which stands still in tests: each
        // check-in a minute after the one before, as people make them.
        app.clock.advance(time::Duration::minutes(1));
        let note = format!("numbered note {n:02}");
        let visibility = if n % 2 == 0 { "only_me" } else { "partner" };
        let page = check_in(&couple.hurt, &[("weary", "2")], &note, visibility).await;
        assert_eq!(page.status, 303);
    }
    let first = couple.hurt.get("/checkin").await;
    assert_shows(&first, &["numbered note 22", "numbered note 03"]);
    assert_hides(&first, &["numbered note 02"]);
    let at = first
        .body
        .find("/checkin?before=")
        .expect("a link to earlier ones");
    let link: String = first.body[at..].chars().take_while(|c| *c != '"').collect();
    let older = couple.hurt.visit(&link).await;
    assert_shows(
        &older,
        &["Earlier check-ins", "numbered note 02", "numbered note 01"],
    );
    // And nothing older still.
    assert_hides(&older, &["numbered note 03", "/checkin?before="]);

    let partner = couple.involved.get("/checkin").await;
    assert_eq!(partner.body.matches("numbered note").count(), 11);
}

#[tokio::test]
async fn who_may_reach_the_check_in_pages() {
    let w = World::new().await;
    let (couple, stranger, anonymous) = (&w.couple, &w.stranger, &w.anon);
    check_in(
        &couple.hurt,
        &[("low", "2")],
        "about the weekend",
        "partner",
    )
    .await;
    let id = answerable(&couple.involved).await;
    let one = format!("/checkin/{id}");
    let here = [("preset", "im_here")];

    // The author and the partner.
    for person in [&couple.hurt, &couple.involved] {
        person.visit(&one).await;
    }

    // Someone from another couple: their own pages work, this one is not there.
    w.other.hurt.visit("/checkin").await;
    for person in [&w.other.hurt, stranger] {
        let page = person.get(&one).await;
        assert_eq!(page.status, 404);
        assert_hides(&page, &["about the weekend"]);
        assert_eq!(answer(person, &id, &here).await.status, 404);
    }
    assert_eq!(stranger.get("/checkin").await.status, 404);
    let stranger_post = check_in(stranger, &[("low", "2")], "", "partner").await;
    assert_eq!(stranger_post.status, 404);

    for path in ["/checkin", one.as_str()] {
        assert_redirect(&anonymous.get(path).await, "/login");
    }
    let anonymous_post = check_in(anonymous, &[("low", "2")], "", "partner").await;
    assert_redirect(&anonymous_post, "/login");
    assert_redirect(&answer(anonymous, &id, &here).await, "/login");

    for path in ["/checkin/abc", "/checkin/999999", "/checkin/-1"] {
        assert_eq!(couple.hurt.get(path).await.status, 404, "{path}");
    }
    // No one answered it.
    assert_hides(&couple.hurt.get(&one).await, &["answered, "]);
}

/// One kind of form of the check-in, pulse and space rooms: sent twice at
/// once under one key, then sent again under that key with other words.
struct FormCase {
    name: &'static str,
    by_involved: bool,
    path: String,
    fields: Vec<(String, String)>,
    edited: Vec<(String, String)>,
    /// What one send writes: entries in the couple's record, and in the
    /// sender's private stream.
    writes: (u64, u64),
    /// What the edit typed, shown again when its form is still offered.
    kept: Option<&'static str>,
}

fn owned(fields: &[(&str, &str)]) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect()
}

fn betrayal(note: &str) -> Vec<(String, String)> {
    owned(&betrayal_fields("deception", "me", "", note))
}

#[tokio::test]
async fn every_form_sent_twice_at_once_writes_once_and_an_edit_under_a_used_key_comes_back() {
    use crate::helpers::{assert_same_answer, first_submission_key, submission_key};
    use crate::pulse::pulse_fields;
    let app = TestApp::spawn().await;
    let couple = app.couple().await;
    check_in(&couple.hurt, &[("low", "2")], "", "partner").await;
    let id = answerable(&couple.involved).await;
    let feeling = [("sad", "2")];
    let cases = [
        FormCase {
            name: "a shared check-in",
            by_involved: false,
            path: "/checkin".into(),
            fields: check_in_fields(&feeling, "sent twice at once", "partner"),
            edited: check_in_fields(&feeling, "edited words 4471", "partner"),
            writes: (1, 0),
            kept: Some("edited words 4471"),
        },
        FormCase {
            name: "a kept check-in",
            by_involved: false,
            path: "/checkin".into(),
            fields: check_in_fields(&feeling, "sent twice at once", "only_me"),
            edited: check_in_fields(&feeling, "edited words 4472", "only_me"),
            writes: (0, 1),
            kept: Some("edited words 4472"),
        },
        FormCase {
            name: "an answer to a check-in",
            by_involved: true,
            path: format!("/checkin/{id}/acknowledge"),
            fields: owned(&[("preset", "thank_you")]),
            edited: owned(&[("own_words", "other words 4473")]),
            writes: (1, 0),
            // Answered by the first send: there is no answer form any more.
            kept: None,
        },
        FormCase {
            name: "a kept pulse with its signs",
            by_involved: false,
            path: "/pulse".into(),
            fields: pulse_fields(5, "only_me", &["replaying"]),
            edited: pulse_fields(2, "only_me", &[]),
            writes: (0, 2),
            kept: Some("name=\"predictable_know\" value=\"2\" checked"),
        },
        FormCase {
            name: "a shared pulse with its signs",
            by_involved: true,
            path: "/pulse".into(),
            fields: pulse_fields(4, "partner", &["replaying"]),
            edited: pulse_fields(3, "partner", &[]),
            writes: (1, 1),
            kept: Some("name=\"predictable_know\" value=\"3\" checked"),
        },
        FormCase {
            name: "how often to take the pulse",
            by_involved: false,
            path: "/pulse/cadence".into(),
            fields: owned(&[("cadence", "monthly")]),
            edited: owned(&[("cadence", "fortnightly")]),
            writes: (1, 0),
            kept: None,
        },
        FormCase {
            name: "another betrayal",
            by_involved: true,
            path: "/space/betrayals".into(),
            fields: betrayal("recorded twice at once"),
            edited: betrayal("edited note 4474"),
            writes: (1, 0),
            kept: Some("edited note 4474"),
        },
    ];
    for case in cases {
        let name = case.name;
        let person = if case.by_involved {
            &couple.involved
        } else {
            &couple.hurt
        };
        let before = app.heads_of(person).await;
        let key = submission_key();
        let fields = field_refs(&case.fields);
        let (first, second) = tokio::join!(
            person.post_with_key(&case.path, &key, &fields),
            person.post_with_key(&case.path, &key, &fields)
        );
        assert_eq!(first.status, 303, "{name}: {}", first.body);
        assert_same_answer(&first, &second);
        let after = app.heads_of(person).await;
        let written = (after.couple - before.couple, after.private - before.private);
        assert_eq!(written, case.writes, "{name}: written once");

        let edited = person
            .post_with_key(&case.path, &key, &field_refs(&case.edited))
            .await;
        assert_eq!(edited.status, 422, "{name}: {}", edited.body);
        assert!(
            edited.body.contains("sent before with other words"),
            "{name}"
        );
        assert_ne!(first_submission_key(&edited), key, "{name}: a fresh key");
        if let Some(kept) = case.kept {
            assert!(edited.body.contains(kept), "{name}: the edit is kept");
        }
        assert_eq!(app.heads_of(person).await, after, "{name}: nothing new");
    }
}

/// A form's key is kept a day, then forgotten by the task that runs each
/// minute: the same key sent again after that writes again.
#[tokio::test]
async fn a_used_key_is_forgotten_after_a_day() {
    use crate::helpers::submission_key;
    use kintsugi_web::exec::forget_used_keys;
    let app = TestApp::spawn().await;
    let couple = app.couple().await;
    let key = submission_key();
    let fields = check_in_fields(&[("sad", "2")], "", "partner");
    let fields = field_refs(&fields);
    let send = || couple.hurt.post_with_key("/checkin", &key, &fields);
    assert_eq!(send().await.status, 303);
    let once = app.heads_of(&couple.hurt).await;
    assert_eq!(
        send().await.status,
        303,
        "a repeat leads where the first did"
    );
    assert_eq!(app.heads_of(&couple.hurt).await, once, "and writes nothing");
    assert_eq!(forget_used_keys(&app.state).await.unwrap(), 0, "kept a day");

    app.clock
        .advance(time::Duration::days(1) + time::Duration::minutes(1));
    assert_eq!(forget_used_keys(&app.state).await.unwrap(), 1);
    couple.hurt.login().await;
    assert_eq!(send().await.status, 303);
    let again = app.heads_of(&couple.hurt).await;
    assert_eq!(
        again.couple,
        once.couple + 1,
        "a forgotten key writes again"
    );
}
