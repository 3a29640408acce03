use super::{
    assert_not_theirs, assert_outsiders_refused, assert_redirect, assert_refused,
    assert_room_kept_in, created_id, World,
};
use crate::helpers::{
    assert_hides, assert_page, assert_shows, id_before, Page, Person, WrittenOnce,
};
use kintsugi_core::apology::OWNERSHIP_PARTS;

/// A whole apology, every ownership part written.
pub(super) fn owned<'a>(action: &'a str, what_i_did: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("betrayal", ""),
        ("what_i_did", what_i_did),
        (
            "impact",
            "You stopped trusting your own memory because I kept denying it.",
        ),
        (
            "responsibility",
            "It was my choice and my responsibility; nothing you did caused it.",
        ),
        ("remorse", "I am deeply sorry for the pain I caused you."),
        (
            "changes",
            "I have ended all contact with her and I will tell you the same day if she writes.",
        ),
        (
            "repair",
            "I will answer your questions honestly, for as long as you need.",
        ),
        ("factors", ""),
        ("action", action),
    ]
}

/// Sends a version and returns the id of the sent version.
async fn send(involved: &Person, what_i_did: &str) -> u64 {
    let sent = involved.post("/apology", &owned("send", what_i_did)).await;
    assert_eq!(sent.status, 303, "{}", super::excerpt(&sent.body));
    version_of(&involved.get("/apology").await.body, what_i_did)
}

/// The hurt partner's answer to version `version`: `received`, `not_yet`
/// or `need_more` with `what` more they need to hear.
async fn answer(hurt: &Person, version: u64, answer: &str, what: &str) -> Page {
    let fields = [("answer", answer), ("what", what)];
    let path = format!("/apology/versions/{version}/answer");
    hurt.post(&path, &fields).await
}

/// The id of the version on the page whose first part is `what_i_did`.
fn version_of(body: &str, what_i_did: &str) -> u64 {
    id_before(body, &format!("{what_i_did}</bdi></dd>"), "id=\"version-")
}

#[tokio::test]
async fn the_coach_shows_its_findings_beside_each_part_and_keeps_every_word() {
    let w = World::new().await;
    let involved = &w.couple.involved;
    let mut fields = owned("check", "I lied to you for months about her.");
    fields[2] = ("impact", "I am sorry if you were hurt by any of it.");
    let page = involved.post("/apology", &fields).await;
    // The flagged words are quoted.
    assert_page(
        &page,
        200,
        &[
            "finding finding-conditional",
            "An &#34;if&#34; in the apology",
            "<q><bdi>sorry if you were hurt</bdi></q>",
            "makes the hurt sound uncertain",
            "Name what you did and that it hurt them",
        ],
    );
    let impact_field = page.body.find("id=\"b2-impact\"").unwrap();
    let responsibility_field = page.body.find("id=\"b2-responsibility\"").unwrap();
    let finding = page.body.find("finding-conditional").unwrap();
    assert!(
        impact_field < finding && finding < responsibility_field,
        "the finding sits next to the part it is about"
    );
    for (_, typed) in &fields[1..7] {
        assert!(page.body.contains(typed), "kept: {typed}");
    }
    assert!(
        involved
            .sees("/apology", "You have not sent an apology yet.")
            .await,
        "checking sends nothing"
    );
}

#[tokio::test]
async fn factors_wait_until_every_part_is_owned_and_the_typed_text_stays() {
    let w = World::new().await;
    let involved = &w.couple.involved;
    let fields = vec![
        ("betrayal", ""),
        ("what_i_did", "Marker-did: I met her for months."),
        ("impact", ""),
        ("responsibility", ""),
        ("remorse", ""),
        ("changes", ""),
        ("repair", ""),
        ("factors", "Marker-factors: I felt alone at work."),
        ("action", "send"),
    ];
    let page = involved.post("/apology", &fields).await;
    assert_refused(
        &page,
        "What influenced you can be shared once you have owned your part.",
    );
    assert_shows(
        &page,
        &[
            "the impact it had on you; that it was my choice",
            "id=\"b2-factors-error\"",
            "aria-describedby=\"b2-factors-hint b2-factors-error\" aria-invalid=\"true\"",
            "Marker-did: I met her for months.",
            "Marker-factors: I felt alone at work.",
        ],
    );
    let checked = [&fields[..8], &[("action", "check")]].concat();
    let check = involved.post("/apology", &checked).await;
    // A check marks no field in red; the coach says calmly why the factors
    // wait.
    assert_hides(&check, &["field-error", "aria-invalid"]);
    assert_page(
        &check,
        200,
        &[
            "Still to write:",
            "What influenced you can follow once these are written.",
            "Marker-factors: I felt alone at work.",
        ],
    );
}

#[tokio::test]
async fn a_check_lists_empty_parts_calmly_and_only_a_refused_send_marks_them() {
    let w = World::new().await;
    let involved = &w.couple.involved;
    let draft = "Marker-draft: I lied to you for months.";
    let mut fields = owned("check", draft);
    fields[6] = ("repair", "");
    let check = involved.post("/apology", &fields).await;
    assert_page(&check, 200, &[draft]);
    let coach = check
        .body
        .find("Still to write:")
        .expect("the coach's list");
    assert!(check.body[coach..].contains("<li>How I will repair</li>"));
    // The empty part is named once, in the coach's list.
    let marked = ["Please write something here.", "id=\"b2-repair-error\""];
    assert_hides(&check, &marked);

    fields[8] = ("action", "send");
    let sent = involved.post("/apology", &fields).await;
    let described = "aria-describedby=\"b2-repair-hint b2-repair-error\" aria-invalid=\"true\"";
    assert_page(&sent, 422, &[&marked[..], &[described, draft]].concat());
    // A refused send is not a check.
    assert_hides(&sent, &["Still to write:"]);
}

#[tokio::test]
async fn the_parts_are_tall_enough_to_read_back_without_scrolling() {
    let w = World::new().await;
    let page = w.couple.involved.get("/apology").await;
    // The six ownership parts, in the form's order, and the factors.
    let parts = OWNERSHIP_PARTS.iter().map(|(name, _)| *name);
    for part in parts.chain(["factors"]) {
        assert!(
            page.body
                .contains(&format!("id=\"b2-{part}\" name=\"{part}\" rows=\"6\"")),
            "{part} is six rows tall"
        );
    }
}

#[tokio::test]
async fn each_partner_reads_an_introduction_written_to_them() {
    let w = World::new().await;
    let writer = w.couple.involved.get("/apology").await;
    assert_shows(
        &writer,
        &[
            "You write it in six parts",
            "The line under each part says what it is for.",
        ],
    );
    assert_hides(&writer, &["always allowed"]);

    let reader = w.couple.hurt.get("/apology").await;
    assert_shows(
        &reader,
        &[
            "Here you can read the apology your partner writes to you",
            "\"Not yet\" is always allowed, and there is no hurry.",
        ],
    );
    // Nothing is said to the hurt partner about the hurt partner.
    assert_hides(&reader, &["You write it in six parts", "the hurt partner"]);
}

#[tokio::test]
async fn an_apology_is_sent_answered_and_followed_by_a_new_version_while_all_stay() {
    let w = World::new().await;
    let (hurt, involved) = (&w.couple.hurt, &w.couple.involved);

    hurt.assert_sees("/apology", "Your partner has not sent an apology yet.")
        .await;
    let first = send(involved, "Marker-v1: I lied to you about the trips.").await;
    let page = hurt.get("/apology").await;
    assert_shows(
        &page,
        &[
            "Marker-v1: I lied to you about the trips.",
            "Waiting for your answer.",
            &format!("/apology/versions/{first}/answer"),
        ],
    );
    let own = involved.get("/apology").await;
    assert_shows(
        &own,
        &["Sent. Your partner will answer when they are ready."],
    );
    // One version at a time.
    assert_hides(&own, &["Write a new version"]);
    let too_soon = involved
        .post("/apology", &owned("send", "Marker-too-soon"))
        .await;
    assert_refused(
        &too_soon,
        "Your partner has not answered the last version yet.",
    );
    assert!(
        too_soon.body.contains("Marker-too-soon"),
        "the typed text is kept"
    );

    let unclear = answer(hurt, first, "need_more", "").await;
    assert_refused(&unclear, "Please say what more you need to hear.");
    let need = "Marker-need: what you told yourself each time.";
    let answered = answer(hurt, first, "need_more", need).await;
    assert_redirect(&answered, &format!("/apology#version-{first}"));

    let own = involved.get("/apology").await;
    let news = own
        .body
        .find("class=\"notice apology-news\"")
        .expect("the answer is news near the top");
    let version = own.body.find(&format!("id=\"version-{first}\"")).unwrap();
    assert!(
        news < version,
        "the answer comes before the version it answers"
    );
    assert!(own.body[news..version].contains("Your partner answered: I need more"));
    assert!(own.body[news..version].contains("What your partner needs to hear:"));
    assert_eq!(
        own.body.matches(need).count(),
        1,
        "what the partner needs to hear is shown once"
    );
    assert_eq!(
        own.body
            .matches("Your partner answered: I need more")
            .count(),
        1
    );
    assert_shows(
        &own,
        &[
            "When you are ready, you can write a new version below.",
            "Write a new version",
        ],
    );
    assert!(
        own.body
            .contains(">Marker-v1: I lied to you about the trips.</textarea>"),
        "the new version starts from the last one"
    );

    let second = send(
        involved,
        "Marker-v2: I lied about the trips, and about her.",
    )
    .await;
    assert_ne!(first, second);
    let page = hurt.get("/apology").await;
    assert_shows(
        &page,
        &[
            "Version 2",
            "Version 1",
            "Marker-v1: I lied to you about the trips.",
            "Marker-v2: I lied about the trips, and about her.",
            "You answered: I need more",
        ],
    );

    let stale = answer(hurt, first, "received", "").await;
    assert_refused(&stale, "A newer version has been sent since");
    let received = answer(hurt, second, "received", "").await;
    assert_redirect(&received, &format!("/apology#version-{second}"));
    let own = involved.get("/apology").await;
    assert_shows(&own, &["Your partner has received your apology."]);
    assert_hides(&own, &["Write a new version"]);
}

#[tokio::test]
async fn only_the_involved_partner_writes_and_only_the_hurt_partner_answers() {
    let w = World::new().await;
    let (hurt, involved) = (&w.couple.hurt, &w.couple.involved);
    assert!(!hurt.sees("/apology", "name=\"what_i_did\"").await);
    involved
        .assert_sees("/apology", "name=\"what_i_did\"")
        .await;
    assert_not_theirs(&hurt.post("/apology", &owned("send", "x")).await);
    assert_not_theirs(&hurt.post("/apology", &owned("check", "x")).await);

    let version = send(involved, "Marker-roles").await;
    assert_not_theirs(&answer(involved, version, "received", "").await);
    let missing = answer(hurt, version + 100, "received", "").await;
    assert_eq!(missing.status, 404);
}

#[tokio::test]
async fn nobody_outside_the_couple_reaches_its_apology() {
    let w = World::new().await;
    let version = send(&w.couple.involved, "Marker-private-apology").await;
    let marker = "Marker-private-apology";

    assert_room_kept_in(&w, "/apology", Some(&owned("check", "x")), marker).await;
    let sent = w.anon.post("/apology", &owned("send", "x")).await;
    assert_redirect(&sent, "/login");
    let answer = format!("/apology/versions/{version}/answer");
    let received = [("answer", "received"), ("what", "")];
    assert_outsiders_refused(&w, &answer, Some(&received), marker).await;

    // Another couple's apology goes to their own record.
    let sent = w
        .other
        .involved
        .post("/apology", &owned("send", "Marker-theirs"))
        .await;
    assert_eq!(created_id(&sent), 2, "anchored at their own betrayal");
    assert!(!w.couple.hurt.sees("/apology", "Marker-theirs").await);
}

#[tokio::test]
async fn every_apology_form_sent_twice_under_one_key_writes_one_entry() {
    let w = World::new().await;
    let (hurt, involved) = (&w.couple.hurt, &w.couple.involved);
    let app = &w._app;
    let sent = owned("send", "Marker-once: I lied about the trips.");
    let mut edited = sent.clone();
    edited[1] = ("what_i_did", "Marker-edited: I lied about everything.");
    app.assert_written_once(&WrittenOnce {
        by: involved,
        path: "/apology".into(),
        fields: sent,
        resent_path: "/apology".into(),
        resent_fields: edited,
        resent_shows: "Marker-edited: I lied about everything.",
    })
    .await;

    let page = hurt.get("/apology").await;
    assert_eq!(page.body.matches("Version 1").count(), 1);
    assert!(!page.body.contains("Version 2"), "one version for two taps");
    assert!(!page.body.contains("Marker-edited"));
    let version = version_of(&page.body, "Marker-once: I lied about the trips.");
    let answer = format!("/apology/versions/{version}/answer");
    app.assert_written_once(&WrittenOnce {
        by: hurt,
        path: answer.clone(),
        fields: vec![("answer", "need_more"), ("what", "Marker-need once")],
        resent_path: answer,
        resent_fields: vec![("answer", "need_more"), ("what", "Marker-need edited")],
        resent_shows: "Marker-need edited",
    })
    .await;
    let own = involved.get("/apology").await;
    assert!(own.body.contains("Marker-need once"));
    assert!(!own.body.contains("Marker-need edited"));
}

#[tokio::test]
async fn a_version_the_coach_flagged_is_sent_only_once_its_author_chose_to() {
    let w = World::new().await;
    let (hurt, involved) = (&w.couple.hurt, &w.couple.involved);
    let mut fields = owned("send", "Marker-blame: I lied to you for months.");
    fields[2] = (
        "impact",
        "I'm sorry if you were hurt, but you were never home.",
    );
    let asked = involved.post("/apology", &fields).await;
    assert_page(
        &asked,
        200,
        &[
            "Before it goes to your partner",
            "You can send it as it is, or revise it first",
            "name=\"action\" value=\"send_as_it_is\"",
            "<q><bdi>sorry if you were hurt</bdi></q>",
            "you were never home",
        ],
    );
    assert!(
        !hurt.sees("/apology", "Marker-blame").await,
        "nothing reaches the partner unknowingly"
    );

    fields[8] = ("action", "send_as_it_is");
    let sent = involved.post("/apology", &fields).await;
    assert_eq!(sent.status, 303, "{}", super::excerpt(&sent.body));
    assert!(
        hurt.sees("/apology", "Marker-blame").await,
        "the author decided"
    );
}

#[tokio::test]
async fn a_send_with_five_empty_parts_marks_all_five() {
    let w = World::new().await;
    let mut fields = owned("send", "Marker-only: I lied to you for months.");
    for part in &mut fields[2..7] {
        part.1 = "";
    }
    let page = w.couple.involved.post("/apology", &fields).await;
    assert_eq!(page.status, 422, "{}", super::excerpt(&page.body));
    for part in ["impact", "responsibility", "remorse", "changes", "repair"] {
        assert!(
            page.body.contains(&format!("id=\"b2-{part}-error\"")),
            "{part} is marked"
        );
    }
    assert_shows(&page, &["Marker-only: I lied to you for months."]);
}
