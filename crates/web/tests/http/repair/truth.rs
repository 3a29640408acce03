use super::{
    assert_not_theirs, assert_outsiders_refused, assert_redirect, assert_refused,
    assert_room_kept_in, assert_step_not_theirs, create, created_id, World,
};
use crate::helpers::{
    assert_hides, assert_shows, betrayal_fields, id_before, Page, Person, WrittenOnce,
};

async fn volunteer(involved: &Person, text: &str) -> u64 {
    let fields = [("text", text), ("refers_to", "")];
    create(involved, "/truth/disclosures", &fields, "/truth#entry-").await
}

async fn ask(hurt: &Person, text: &str) -> u64 {
    create(hurt, "/truth/questions", &[("text", text)], "/truth#entry-").await
}

/// Takes `step` (`answer`, `park`, `correct`, ...) on entry `id`.
async fn step(by: &Person, id: u64, step: &str, fields: &[(&str, &str)]) -> Page {
    by.post(&format!("/truth/{id}/{step}"), fields).await
}

/// Takes an allowed `step` on entry `id` and asserts it leads back to the
/// entry in the log.
async fn step_taken(by: &Person, id: u64, step_name: &str, fields: &[(&str, &str)]) {
    let page = step(by, id, step_name, fields).await;
    assert_redirect(&page, &format!("/truth#entry-{id}"));
}

/// One of each kind of entry, each text starting with `marker`: a
/// disclosure, a question left open and one parked for therapy.
struct Entries {
    disclosure: u64,
    open: u64,
    parked: u64,
}

async fn one_of_each(w: &World, marker: &str) -> Entries {
    let (hurt, involved) = (&w.couple.hurt, &w.couple.involved);
    let disclosure = volunteer(involved, &format!("{marker} disclosure")).await;
    let open = ask(hurt, &format!("{marker} open question")).await;
    let parked = ask(hurt, &format!("{marker} parked question")).await;
    step_taken(hurt, parked, "park", &[]).await;
    Entries {
        disclosure,
        open,
        parked,
    }
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

/// Entry `id` as `person` sees it on the log page at `path`.
async fn entry_seen(person: &Person, path: &str, id: u64) -> String {
    let page = person.get(path).await;
    assert_eq!(page.status, 200, "{path}");
    entry(&page.body, id)
}

/// Asserts the text shows every one of `texts`.
fn assert_contains(text: &str, texts: &[&str]) {
    for expected in texts {
        assert!(text.contains(expected), "{expected:?} is not in {text}");
    }
}

#[tokio::test]
async fn a_disclosure_is_volunteered_then_acknowledged_with_words_back() {
    let w = World::new().await;
    let (hurt, involved) = (&w.couple.hurt, &w.couple.involved);

    let told = "Marker-disclosure: we met twice more in May.";
    let id = volunteer(involved, told).await;

    let shown = entry_seen(hurt, "/truth", id).await;
    let acknowledge = format!("/truth/{id}/acknowledge");
    assert_contains(
        &shown,
        &[told, "Your partner,", "Not acknowledged yet", &acknowledge],
    );

    let shown = entry_seen(involved, "/truth", id).await;
    assert!(shown.contains("You,"));
    assert!(
        !shown.contains("/acknowledge"),
        "the author does not acknowledge their own entry"
    );
    assert!(
        shown.contains(&format!("/truth/{id}/correct")),
        "the author may correct it"
    );

    let thanks = "Thank you for telling me.";
    step_taken(hurt, id, "acknowledge", &[("response", thanks)]).await;
    let shown = entry_seen(involved, "/truth", id).await;
    assert_contains(&shown, &["Your partner read this on", thanks]);

    let again = step(hurt, id, "acknowledge", &[("response", "")]).await;
    assert_refused(&again, "You have already acknowledged this entry.");
}

#[tokio::test]
async fn a_question_is_parked_kept_from_an_answer_brought_back_answered_and_corrected() {
    let w = World::new().await;
    let (hurt, involved) = (&w.couple.hurt, &w.couple.involved);

    let question = ask(hurt, "Did you see her at the conference?").await;
    let open = entry_seen(involved, "/truth", question).await;
    assert!(open.contains(&format!("/truth/{question}/answer")));

    // Either partner may park it; the involved partner does.
    step_taken(involved, question, "park", &[]).await;
    let shown = entry_seen(hurt, "/truth?filter=parked", question).await;
    assert_contains(
        &shown,
        &[
            "Waiting for your joint therapy session.",
            "Your partner parked it",
            "a therapist can help you both hold this talk",
        ],
    );
    assert!(
        shown.contains(&format!("/truth/{question}/unpark")),
        "the asker can bring it back"
    );
    let shown = entry_seen(involved, "/truth", question).await;
    assert!(!shown.contains("/unpark"), "only the asker brings it back");
    assert!(!shown.contains("/answer\""), "no answer form while parked");

    let answer = [("text", "Marker-answer: yes, at dinner.")];
    let refused = step(involved, question, "answer", &answer).await;
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
    assert_not_theirs(&step(involved, question, "unpark", &[]).await);

    step_taken(hurt, question, "unpark", &[]).await;
    let reopened = entry_seen(hurt, "/truth?filter=open", question).await;
    assert!(reopened.contains("Waiting for an answer"));

    step_taken(involved, question, "answer", &answer).await;
    let answered = hurt.get("/truth?filter=answered").await;
    assert!(entry(&answered.body, question).contains("Answered:"));
    assert_shows(&answered, &["Marker-answer: yes, at dinner."]);
    let all = hurt.get("/truth").await;
    // The answer is its own entry in the log.
    let answer = id_before(&all.body, "Answer to <a href=\"#entry-", "id=\"entry-");

    let correction = [("text", "Marker-correction: twice, dinner and a walk.")];
    let corrected = step(involved, answer, "correct", &correction).await;
    let correction = created_id(&corrected);
    assert_redirect(&corrected, &format!("/truth#entry-{correction}"));

    let log = hurt.get("/truth").await;
    let original = entry(&log.body, answer);
    assert!(
        original.contains("Marker-answer: yes, at dinner."),
        "the original stays as it was"
    );
    assert_contains(
        &original,
        &[
            "Corrected less than a minute later.",
            &format!("href=\"#entry-{correction}\""),
        ],
    );
    let shown = entry(&log.body, correction);
    assert_contains(
        &shown,
        &[
            "Marker-correction: twice, dinner and a walk.",
            "Written less than a minute after the entry it corrects.",
            &format!("href=\"#entry-{answer}\""),
        ],
    );
    let at = |id: u64| log.body.find(&format!("id=\"entry-{id}\"")).unwrap();
    assert!(
        at(correction) < at(answer),
        "the log lists the newest entry first"
    );
}

#[tokio::test]
async fn the_filters_are_links_that_show_one_kind_of_entry() {
    let w = World::new().await;
    let hurt = &w.couple.hurt;
    let log = one_of_each(&w, "Marker-filters").await;
    let (open_text, parked_text) = ("Marker-filters open", "Marker-filters parked");

    let page = hurt.get("/truth").await;
    for code in ["all", "disclosures", "open", "answered", "parked"] {
        assert_shows(&page, &[&format!("href=\"/truth?filter={code}\"")]);
    }
    let disclosure = format!("id=\"entry-{}\"", log.disclosure);
    let disclosures = hurt.get("/truth?filter=disclosures").await;
    let chosen = "href=\"/truth?filter=disclosures\" aria-current=\"page\"";
    assert_shows(&disclosures, &[&disclosure, chosen]);
    assert_hides(&disclosures, &[open_text]);
    let open_only = hurt.get("/truth?filter=open").await;
    assert_shows(&open_only, &[&format!("id=\"entry-{}\"", log.open)]);
    assert_hides(&open_only, &[parked_text, &disclosure]);
    let parked_only = hurt.get("/truth?filter=parked").await;
    assert_shows(&parked_only, &[parked_text]);
    assert_hides(&parked_only, &[open_text]);
    let none_answered = "No questions have been answered yet.";
    hurt.assert_sees("/truth?filter=answered", none_answered)
        .await;
}

#[tokio::test]
async fn a_refused_form_is_shown_again_with_what_was_typed() {
    let w = World::new().await;
    let involved = &w.couple.involved;
    let future = [
        ("text", "Marker-kept: the weekend in June."),
        ("refers_to", "2999-01-01"),
    ];
    let page = involved.post("/truth/disclosures", &future).await;
    assert_refused(&page, "the date cannot be in the future");
    assert_shows(
        &page,
        &[
            "Marker-kept: the weekend in June.",
            "value=\"2999-01-01\"",
            "aria-invalid=\"true\" aria-describedby=\"disclosure-refers_to-error\"",
        ],
    );

    let hurt = &w.couple.hurt;
    let empty = hurt.post("/truth/questions", &[("text", "   ")]).await;
    assert_refused(&empty, "Please write something here.");
    hurt.assert_sees("/truth", "Nothing has been written here yet.")
        .await;
}

#[tokio::test]
async fn each_partner_takes_only_their_own_steps() {
    let w = World::new().await;
    let (hurt, involved) = (&w.couple.hurt, &w.couple.involved);

    // The hurt partner sees the question form, not the disclosure form.
    let page = hurt.get("/truth").await;
    assert_shows(&page, &["action=\"/truth/questions#ask\""]);
    assert_hides(&page, &["action=\"/truth/disclosures"]);
    let page = involved.get("/truth").await;
    assert_shows(&page, &["action=\"/truth/disclosures#disclose\""]);
    assert_hides(&page, &["action=\"/truth/questions"]);

    let disclose = [("text", "x"), ("refers_to", "")];
    assert_step_not_theirs(hurt, "/truth/disclosures", &disclose).await;
    assert_step_not_theirs(involved, "/truth/questions", &[("text", "x")]).await;
    let disclosure = volunteer(involved, "Marker-steps").await;
    let question = ask(hurt, "Why?").await;
    let x = [("text", "x")];
    assert_not_theirs(&step(hurt, question, "answer", &x).await);
    let response = [("response", "")];
    assert_not_theirs(&step(involved, disclosure, "acknowledge", &response).await);
    assert_not_theirs(&step(hurt, disclosure, "correct", &x).await);
    // Not a question: nothing there to answer or park.
    let not_a_question = step(involved, disclosure, "answer", &x).await;
    assert_eq!(not_a_question.status, 404);
}

#[tokio::test]
async fn nobody_outside_the_couple_reaches_its_truth_log() {
    let w = World::new().await;
    let hurt = &w.couple.hurt;
    // Enough entries that their ids do not exist in the other couple's record.
    let log = one_of_each(&w, "Marker-private").await;
    let marker = "Marker-private";
    assert_room_kept_in(&w, "/truth", None, marker).await;

    let (disclosure, question, parked) = (log.disclosure, log.open, log.parked);
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
    assert_eq!(step(hurt, 999, "park", &[]).await.status, 404);

    // New entries posted by another couple land in their own record only.
    volunteer(&w.other.involved, "Marker-theirs").await;
    assert!(!hurt.sees("/truth", "Marker-theirs").await);
    w.other.hurt.assert_sees("/truth", "Marker-theirs").await;
}

#[tokio::test]
async fn with_two_betrayals_the_forms_ask_which_one_and_roles_follow_it() {
    let w = World::new().await;
    let (hurt, involved) = (&w.couple.hurt, &w.couple.involved);
    // The involved partner records a betrayal of their own, the other way.
    let theirs = betrayal_fields("financial_secret", "me", "", "");
    let recorded = involved.post("/space/betrayals", &theirs).await;
    assert_redirect(&recorded, "/space");

    let page = hurt.get("/truth").await;
    assert_shows(&page, &["Which of the things that happened is this about?"]);
    assert!(
        page.body
            .contains("A financial secret (you: involved partner)"),
        "in the second betrayal the first hurt partner is the one who tells"
    );
    let unnamed = [("betrayal", ""), ("text", "Marker-which")];
    let unnamed = hurt.post("/truth/questions", &unnamed).await;
    assert_refused(&unnamed, "Please choose which of the things that happened");
    assert_shows(&unnamed, &["Marker-which"]);
    let first = page
        .body
        .split("<option value=\"")
        .skip(1)
        .find(|option| option.contains("A physical affair (you: hurt partner)"))
        .and_then(|option| option.split('"').next())
        .expect("the first betrayal is a choice")
        .to_owned();
    let named = [("betrayal", first.as_str()), ("text", "Marker-which")];
    let asked = hurt.post("/truth/questions", &named).await;
    assert_eq!(asked.status, 303);
    let role = "A physical affair (you: involved partner)";
    involved.assert_sees("/truth", role).await;
}

#[tokio::test]
async fn an_answer_refused_while_the_question_is_open_comes_back_in_its_form() {
    let w = World::new().await;
    let question = ask(&w.couple.hurt, "Marker-open: who else knew?").await;
    let blank = [("text", "   ")];
    let refused = step(&w.couple.involved, question, "answer", &blank).await;
    assert_refused(&refused, "Please write something here.");
    let shown = entry(&refused.body, question);
    assert_contains(
        &shown,
        &[
            "<details class=\"entry-form\" open>",
            &format!("action=\"/truth/{question}/answer#entry-{question}\""),
            "Send the answer",
        ],
    );
    assert!(!shown.contains("readonly"));
}

/// Where the list of what waits for the reader starts on the log page.
fn waiting_at(body: &str) -> usize {
    body.find("<h2>Waiting for you</h2>")
        .expect("a list of what waits")
}

#[tokio::test]
async fn what_waits_for_each_partner_comes_before_the_log_and_the_forms_fold_away() {
    let w = World::new().await;
    let (hurt, involved) = (&w.couple.hurt, &w.couple.involved);
    let disclosure = volunteer(involved, "Marker-waits: I kept the second phone.").await;
    let question = ask(hurt, "Marker-asks: where is it now?").await;

    let page = hurt.get("/truth").await;
    let waiting = waiting_at(&page.body);
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
    let waits = &page.body[waiting_at(&page.body)..page.body.find("id=\"log\"").unwrap()];
    assert_contains(
        waits,
        &[
            &format!("<a href=\"/truth#entry-{question}\">A question to answer</a>"),
            "Marker-asks: where is it now?",
        ],
    );
    assert!(!waits.contains("A disclosure to read"));

    step(hurt, disclosure, "acknowledge", &[("response", "")]).await;
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
    let (hurt, involved) = (&w.couple.hurt, &w.couple.involved);
    let page = hurt.get("/truth").await;
    assert_shows(
        &page,
        &["newest first", "“Ask a question” above is where to start."],
    );
    assert_hides(&page, &["in the order it was written"]);
    let start = "“Tell something” above is where to start.";
    involved.assert_sees("/truth", start).await;
}

#[tokio::test]
async fn every_truth_form_sent_twice_under_one_key_writes_one_entry() {
    let w = World::new().await;
    let (hurt, involved) = (&w.couple.hurt, &w.couple.involved);
    let Entries {
        disclosure,
        open: to_answer,
        parked,
    } = one_of_each(&w, "Marker-once").await;
    let to_park = ask(hurt, "Marker-to park").await;

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
            "Marker-once parked",
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
