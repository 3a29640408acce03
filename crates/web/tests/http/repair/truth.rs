use super::{
    assert_not_theirs, assert_outsiders_refused, assert_redirect, assert_refused,
    assert_tokenless_refused, create, created_id, World,
};
use crate::helpers::{assert_shows, id_before, Person, WrittenOnce};

async fn volunteer(involved: &Person, text: &str) -> u64 {
    let fields = [("text", text), ("refers_to", "")];
    create(involved, "/truth/disclosures", &fields, "/truth#entry-").await
}

async fn ask(hurt: &Person, text: &str) -> u64 {
    create(hurt, "/truth/questions", &[("text", text)], "/truth#entry-").await
}

/// The part of the log page that shows one entry.
fn entry(body: &str, id: u64) -> String {
    let start = body
        .find(&format!("id=\"entry-{id}\""))
        .unwrap_or_else(|| panic!("entry {id} is not on the page"));
    let end = body[start..]
        .find("</li>")
        .map_or(body.len(), |end| start + end);
    body[start..end].to_owned()
}

#[tokio::test]
async fn a_disclosure_is_volunteered_then_acknowledged_with_words_back() {
    let w = World::new().await;
    let (hurt, involved) = (&w.couple.hurt, &w.couple.involved);

    let id = volunteer(involved, "Marker-disclosure: we met twice more in May.").await;

    let seen = hurt.get("/truth").await;
    assert_eq!(seen.status, 200);
    let shown = entry(&seen.body, id);
    assert!(shown.contains("Marker-disclosure: we met twice more in May."));
    assert!(shown.contains("Your partner,"));
    assert!(shown.contains("Not acknowledged yet"));
    assert!(shown.contains(&format!("/truth/{id}/acknowledge")));

    let own = involved.get("/truth").await;
    let shown = entry(&own.body, id);
    assert!(shown.contains("You,"));
    assert!(
        !shown.contains("/acknowledge"),
        "the author does not acknowledge their own entry"
    );
    assert!(
        shown.contains(&format!("/truth/{id}/correct")),
        "the author may correct it"
    );

    let acknowledged = hurt
        .post(
            &format!("/truth/{id}/acknowledge"),
            &[("response", "Thank you for telling me.")],
        )
        .await;
    assert_redirect(&acknowledged, &format!("/truth#entry-{id}"));

    let after = involved.get("/truth").await;
    let shown = entry(&after.body, id);
    assert!(shown.contains("Your partner read this on"));
    assert!(shown.contains("Thank you for telling me."));

    let again = hurt
        .post(&format!("/truth/{id}/acknowledge"), &[("response", "")])
        .await;
    assert_refused(&again, "You have already acknowledged this entry.");
}

#[tokio::test]
async fn a_question_is_parked_kept_from_an_answer_brought_back_answered_and_corrected() {
    let w = World::new().await;
    let (hurt, involved) = (&w.couple.hurt, &w.couple.involved);

    let question = ask(hurt, "Did you see her at the conference?").await;
    let page = involved.get("/truth").await;
    assert!(entry(&page.body, question).contains(&format!("/truth/{question}/answer")));

    // Either partner may park it; the involved partner does.
    let parked = involved.post(&format!("/truth/{question}/park"), &[]).await;
    assert_redirect(&parked, &format!("/truth#entry-{question}"));
    let page = hurt.get("/truth?filter=parked").await;
    let shown = entry(&page.body, question);
    assert!(shown.contains("Waiting for your joint therapy session."));
    assert!(shown.contains("Your partner parked it"));
    assert!(shown.contains("a therapist can help you both hold this talk"));
    assert!(
        shown.contains(&format!("/truth/{question}/unpark")),
        "the asker can bring it back"
    );
    let page = involved.get("/truth").await;
    let shown = entry(&page.body, question);
    assert!(!shown.contains("/unpark"), "only the asker brings it back");
    assert!(!shown.contains("/answer\""), "no answer form while parked");

    let refused = involved
        .post(
            &format!("/truth/{question}/answer"),
            &[("text", "Marker-answer: yes, at dinner.")],
        )
        .await;
    assert_refused(
        &refused,
        "This question is parked for your joint therapy session.",
    );
    assert!(
        refused.body.contains("Marker-answer: yes, at dinner."),
        "the typed answer is kept"
    );
    let kept = entry(&refused.body, question);
    assert!(
        kept.contains(&format!(
            "<textarea id=\"kept-text-{question}\" rows=\"4\" dir=\"auto\" readonly"
        )),
        "kept read-only, to copy"
    );
    assert!(
        kept.contains("it can be sent once the question is brought back home"),
        "it says when the answer can be sent"
    );
    assert!(
        !kept.contains("Send the answer") && !kept.contains("/answer#"),
        "no send button that cannot work while the question is parked"
    );
    let unparked_by_involved = involved
        .post(&format!("/truth/{question}/unpark"), &[])
        .await;
    assert_not_theirs(&unparked_by_involved);

    let unparked = hurt.post(&format!("/truth/{question}/unpark"), &[]).await;
    assert_redirect(&unparked, &format!("/truth#entry-{question}"));
    let open = hurt.get("/truth?filter=open").await;
    assert!(entry(&open.body, question).contains("Waiting for an answer"));

    let answered = involved
        .post(
            &format!("/truth/{question}/answer"),
            &[("text", "Marker-answer: yes, at dinner.")],
        )
        .await;
    assert_redirect(&answered, &format!("/truth#entry-{question}"));
    let page = hurt.get("/truth?filter=answered").await;
    assert!(entry(&page.body, question).contains("Answered:"));
    assert!(page.body.contains("Marker-answer: yes, at dinner."));
    let all = hurt.get("/truth").await;
    // The answer is its own entry in the log.
    let answer = id_before(&all.body, "Answer to <a href=\"#entry-", "id=\"entry-");

    let corrected = involved
        .post(
            &format!("/truth/{answer}/correct"),
            &[("text", "Marker-correction: twice, dinner and a walk.")],
        )
        .await;
    let correction = created_id(&corrected);
    assert_redirect(&corrected, &format!("/truth#entry-{correction}"));

    let log = hurt.get("/truth").await;
    let original = entry(&log.body, answer);
    assert!(
        original.contains("Marker-answer: yes, at dinner."),
        "the original stays as it was"
    );
    assert!(original.contains("Corrected less than a minute later."));
    assert!(original.contains(&format!("href=\"#entry-{correction}\"")));
    let shown = entry(&log.body, correction);
    assert!(shown.contains("Marker-correction: twice, dinner and a walk."));
    assert!(shown.contains("Written less than a minute after the entry it corrects."));
    assert!(shown.contains(&format!("href=\"#entry-{answer}\"")));
    let newest_first = log
        .body
        .find(&format!("id=\"entry-{correction}\""))
        .unwrap()
        < log.body.find(&format!("id=\"entry-{answer}\"")).unwrap();
    assert!(newest_first, "the log lists the newest entry first");
}

#[tokio::test]
async fn the_filters_are_links_that_show_one_kind_of_entry() {
    let w = World::new().await;
    let (hurt, involved) = (&w.couple.hurt, &w.couple.involved);
    let disclosure = volunteer(involved, "Marker-told").await;
    let open = ask(hurt, "Marker-open-question").await;
    let parked = ask(hurt, "Marker-parked-question").await;
    hurt.post(&format!("/truth/{parked}/park"), &[]).await;

    let page = hurt.get("/truth").await;
    for code in ["all", "disclosures", "open", "answered", "parked"] {
        assert!(page
            .body
            .contains(&format!("href=\"/truth?filter={code}\"")));
    }
    let disclosures = hurt.get("/truth?filter=disclosures").await;
    assert!(disclosures
        .body
        .contains(&format!("id=\"entry-{disclosure}\"")));
    assert!(!disclosures.body.contains("Marker-open-question"));
    assert!(disclosures
        .body
        .contains("href=\"/truth?filter=disclosures\" aria-current=\"page\""));
    let open_only = hurt.get("/truth?filter=open").await;
    assert!(open_only.body.contains(&format!("id=\"entry-{open}\"")));
    assert!(!open_only.body.contains("Marker-parked-question"));
    assert!(!open_only
        .body
        .contains(&format!("id=\"entry-{disclosure}\"")));
    let parked_only = hurt.get("/truth?filter=parked").await;
    assert!(parked_only.body.contains("Marker-parked-question"));
    assert!(!parked_only.body.contains("Marker-open-question"));
    let answered = hurt.get("/truth?filter=answered").await;
    assert!(answered
        .body
        .contains("No questions have been answered yet."));
}

#[tokio::test]
async fn a_refused_form_is_shown_again_with_what_was_typed() {
    let w = World::new().await;
    let involved = &w.couple.involved;
    let page = involved
        .post(
            "/truth/disclosures",
            &[
                ("text", "Marker-kept: the weekend in June."),
                ("refers_to", "2999-01-01"),
            ],
        )
        .await;
    assert_refused(&page, "the date cannot be in the future");
    assert_shows(
        &page,
        &[
            "Marker-kept: the weekend in June.",
            "value=\"2999-01-01\"",
            "aria-invalid=\"true\" aria-describedby=\"disclosure-refers_to-error\"",
        ],
    );

    let empty = w
        .couple
        .hurt
        .post("/truth/questions", &[("text", "   ")])
        .await;
    assert_refused(&empty, "Please write something here.");
    let log = w.couple.hurt.get("/truth").await;
    assert!(log.body.contains("Nothing has been written here yet."));
}

#[tokio::test]
async fn each_partner_takes_only_their_own_steps() {
    let w = World::new().await;
    let (hurt, involved) = (&w.couple.hurt, &w.couple.involved);

    // The hurt partner sees the question form, not the disclosure form.
    let page = hurt.get("/truth").await;
    assert!(page.body.contains("action=\"/truth/questions#ask\""));
    assert!(!page.body.contains("action=\"/truth/disclosures"));
    let page = involved.get("/truth").await;
    assert!(page.body.contains("action=\"/truth/disclosures#disclose\""));
    assert!(!page.body.contains("action=\"/truth/questions"));

    assert_not_theirs(
        &hurt
            .post("/truth/disclosures", &[("text", "x"), ("refers_to", "")])
            .await,
    );
    assert_not_theirs(&involved.post("/truth/questions", &[("text", "x")]).await);
    let disclosure = volunteer(involved, "Marker-steps").await;
    let question = ask(hurt, "Why?").await;
    assert_not_theirs(
        &hurt
            .post(&format!("/truth/{question}/answer"), &[("text", "x")])
            .await,
    );
    assert_not_theirs(
        &involved
            .post(
                &format!("/truth/{disclosure}/acknowledge"),
                &[("response", "")],
            )
            .await,
    );
    assert_not_theirs(
        &hurt
            .post(&format!("/truth/{disclosure}/correct"), &[("text", "x")])
            .await,
    );
    // Not a question: nothing there to answer or park.
    let not_a_question = involved
        .post(&format!("/truth/{disclosure}/answer"), &[("text", "x")])
        .await;
    assert_eq!(not_a_question.status, 404);
}

#[tokio::test]
async fn nobody_outside_the_couple_reaches_its_truth_log() {
    let w = World::new().await;
    let (hurt, involved) = (&w.couple.hurt, &w.couple.involved);
    // Enough entries that their ids do not exist in the other couple's record.
    let disclosure = volunteer(involved, "Marker-private-truth").await;
    let question = ask(hurt, "Marker-private-question").await;
    let parked = ask(hurt, "Marker-private-parked").await;
    hurt.post(&format!("/truth/{parked}/park"), &[]).await;
    let marker = "Marker-private";

    let own = w.other.hurt.get("/truth").await;
    assert_eq!(own.status, 200, "another couple sees their own log");
    assert!(!own.body.contains(marker));
    let stranger = w.stranger.get("/truth").await;
    assert_eq!(stranger.status, 404);
    assert_redirect(&w.anon.get("/truth").await, "/login");

    let steps: Vec<(String, Vec<(&str, &str)>)> = vec![
        (format!("/truth/{question}/answer"), vec![("text", "x")]),
        (
            format!("/truth/{disclosure}/acknowledge"),
            vec![("response", "")],
        ),
        (format!("/truth/{question}/park"), vec![]),
        (format!("/truth/{parked}/unpark"), vec![]),
        (format!("/truth/{disclosure}/correct"), vec![("text", "x")]),
    ];
    for (path, fields) in &steps {
        assert_outsiders_refused(&w, path, Some(fields), marker).await;
    }
    assert_eq!(hurt.post("/truth/abc/park", &[]).await.status, 404);
    assert_eq!(hurt.post("/truth/999/park", &[]).await.status, 404);

    // New entries posted by another couple land in their own record only.
    volunteer(&w.other.involved, "Marker-theirs").await;
    assert!(!hurt.sees("/truth", "Marker-theirs").await);
    assert!(w.other.hurt.sees("/truth", "Marker-theirs").await);
}

#[tokio::test]
async fn a_form_without_its_safety_token_is_refused_and_adds_nothing() {
    let w = World::new().await;
    let involved = &w.couple.involved;
    let fields = [("text", "Marker-no-token"), ("refers_to", "")];
    let page =
        assert_tokenless_refused(involved, "/truth/disclosures", &fields, involved, "/truth").await;
    assert!(page.body.contains("Please try that again"));
}

#[tokio::test]
async fn with_two_betrayals_the_forms_ask_which_one_and_roles_follow_it() {
    let w = World::new().await;
    let (hurt, involved) = (&w.couple.hurt, &w.couple.involved);
    // The involved partner records a betrayal of their own, the other way.
    let recorded = involved
        .post(
            "/space/betrayals",
            &[
                ("kind", "financial_secret"),
                ("hurt", "me"),
                ("discovered_on", ""),
                ("note", ""),
            ],
        )
        .await;
    assert_redirect(&recorded, "/space");

    let page = hurt.get("/truth").await;
    assert!(page
        .body
        .contains("Which of the things that happened is this about?"));
    assert!(
        page.body
            .contains("A financial secret (you: involved partner)"),
        "in the second betrayal the first hurt partner is the one who tells"
    );
    let unnamed = hurt
        .post(
            "/truth/questions",
            &[("betrayal", ""), ("text", "Marker-which")],
        )
        .await;
    assert_refused(&unnamed, "Please choose which of the things that happened");
    assert!(unnamed.body.contains("Marker-which"));
    let first = page
        .body
        .split("<option value=\"")
        .skip(1)
        .find(|option| option.contains("A physical affair (you: hurt partner)"))
        .and_then(|option| option.split('"').next())
        .expect("the first betrayal is a choice")
        .to_owned();
    let asked = hurt
        .post(
            "/truth/questions",
            &[("betrayal", first.as_str()), ("text", "Marker-which")],
        )
        .await;
    assert_eq!(asked.status, 303);
    let log = involved.get("/truth").await;
    assert!(log
        .body
        .contains("A physical affair (you: involved partner)"));
}

#[tokio::test]
async fn an_answer_refused_while_the_question_is_open_comes_back_in_its_form() {
    let w = World::new().await;
    let question = ask(&w.couple.hurt, "Marker-open: who else knew?").await;
    let refused = w
        .couple
        .involved
        .post(&format!("/truth/{question}/answer"), &[("text", "   ")])
        .await;
    assert_refused(&refused, "Please write something here.");
    let shown = entry(&refused.body, question);
    assert!(shown.contains("<details class=\"entry-form\" open>"));
    assert!(shown.contains(&format!(
        "action=\"/truth/{question}/answer#entry-{question}\""
    )));
    assert!(shown.contains("Send the answer"));
    assert!(!shown.contains("readonly"));
}

#[tokio::test]
async fn what_waits_for_each_partner_comes_before_the_log_and_the_forms_fold_away() {
    let w = World::new().await;
    let (hurt, involved) = (&w.couple.hurt, &w.couple.involved);
    let disclosure = volunteer(involved, "Marker-waits: I kept the second phone.").await;
    let question = ask(hurt, "Marker-asks: where is it now?").await;

    let page = hurt.get("/truth").await;
    let waiting = page
        .body
        .find("<h2>Waiting for you</h2>")
        .expect("a list of what waits");
    let form = page.body.find("id=\"ask\"").unwrap();
    let log = page.body.find("id=\"log\"").unwrap();
    assert!(
        waiting < form && form < log,
        "what waits, then the folded form, then the log"
    );
    assert!(page.body[waiting..form].contains(&format!(
        "<a href=\"/truth#entry-{disclosure}\">A disclosure to read</a>"
    )));
    assert!(!page.body[waiting..form].contains("A question to answer"));
    assert!(
        page.body
            .contains("<details class=\"new-entry\" id=\"ask\">"),
        "the question form is folded until it is wanted"
    );

    let page = involved.get("/truth").await;
    let waiting = page
        .body
        .find("<h2>Waiting for you</h2>")
        .expect("a list of what waits");
    let log = page.body.find("id=\"log\"").unwrap();
    assert!(page.body[waiting..log].contains(&format!(
        "<a href=\"/truth#entry-{question}\">A question to answer</a>"
    )));
    assert!(page.body[waiting..log].contains("Marker-asks: where is it now?"));
    assert!(!page.body[waiting..log].contains("A disclosure to read"));

    hurt.post(
        &format!("/truth/{disclosure}/acknowledge"),
        &[("response", "")],
    )
    .await;
    assert!(!hurt.sees("/truth", "Waiting for you").await);

    let refused = hurt.post("/truth/questions", &[("text", " ")]).await;
    assert_refused(&refused, "Please write something here.");
    assert!(
        refused
            .body
            .contains("<details class=\"new-entry\" id=\"ask\" open>"),
        "a refused question stays unfolded"
    );
}

#[tokio::test]
async fn an_empty_log_says_newest_entries_come_first_and_where_to_start() {
    let w = World::new().await;
    let page = w.couple.hurt.get("/truth").await;
    assert!(page.body.contains("newest first"));
    assert!(!page.body.contains("in the order it was written"));
    assert!(page
        .body
        .contains("“Ask a question” above is where to start."));
    let page = w.couple.involved.get("/truth").await;
    assert!(page
        .body
        .contains("“Tell something” above is where to start."));
}

#[tokio::test]
async fn every_truth_form_sent_twice_under_one_key_writes_one_entry() {
    let w = World::new().await;
    let (hurt, involved) = (&w.couple.hurt, &w.couple.involved);
    let disclosure = volunteer(involved, "Marker-told once").await;
    let to_answer = ask(hurt, "Marker-asked once").await;
    let to_park = ask(hurt, "Marker-to park").await;
    let parked = ask(hurt, "Marker-parked").await;
    hurt.post(&format!("/truth/{parked}/park"), &[]).await;

    let at = |id: u64, step: &str| format!("/truth/{id}/{step}");
    let forms = [
        WrittenOnce::words(
            involved,
            "/truth/disclosures".into(),
            "text",
            "Marker-d1",
            "Marker-d1 edited",
        ),
        WrittenOnce::words(
            hurt,
            "/truth/questions".into(),
            "text",
            "Marker-q1",
            "Marker-q1 edited",
        ),
        WrittenOnce::words(
            involved,
            at(to_answer, "answer"),
            "text",
            "Marker-a1",
            "Marker-a1 edited",
        ),
        WrittenOnce::words(
            hurt,
            at(disclosure, "acknowledge"),
            "response",
            "Marker-r1",
            "Marker-r1 edited",
        ),
        WrittenOnce::words(
            involved,
            at(disclosure, "correct"),
            "text",
            "Marker-c1",
            "Marker-c1 edited",
        ),
        WrittenOnce::button(
            hurt,
            at(to_park, "park"),
            at(to_park, "unpark"),
            "Marker-to park",
        ),
        WrittenOnce::button(
            hurt,
            at(parked, "unpark"),
            at(parked, "park"),
            "Marker-parked",
        ),
    ];
    for form in &forms {
        w._app.assert_written_once(form).await;
    }
    let log = hurt.get("/truth").await;
    for marker in ["Marker-d1", "Marker-q1", "Marker-a1", "Marker-c1"] {
        let entry_text = format!("class=\"entry-text\"><bdi>{marker}</bdi></p>");
        assert_eq!(log.body.matches(&entry_text).count(), 1, "{marker} once");
    }
    assert!(!log.body.contains("edited"), "no resent words were saved");
    assert!(log.body.contains("Marker-r1"));
}
