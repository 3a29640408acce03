use super::{
    assert_outsiders_refused, assert_redirect, assert_refused, assert_room_kept_in,
    assert_step_not_theirs, create, created_id, World,
};
use crate::helpers::{
    assert_hides, assert_page, assert_shows, request_fields as request, OnceForm, Person,
};

async fn make(hurt: &Person, what: &str, frequency: &str) -> u64 {
    create(
        hurt,
        "/requests",
        &request(what, frequency, "send"),
        "/requests/",
    )
    .await
}

/// A request the involved partner has accepted.
async fn agreed(w: &World, what: &str, frequency: &str) -> u64 {
    let id = make(&w.couple.hurt, what, frequency).await;
    step(&w.couple.involved, id, "accept", &[]).await;
    id
}

/// Takes an allowed `step` on request `id` (`accept`, `pause`, ...) and
/// asserts it leads back to the request's page.
async fn step(by: &Person, id: u64, step: &str, fields: &[(&str, &str)]) {
    let page = by.post(&format!("/requests/{id}/{step}"), fields).await;
    assert_redirect(&page, &format!("/requests/{id}"));
}

/// The id of the newest fulfilment on a request's page.
fn newest_fulfilment(body: &str) -> u64 {
    let at = body
        .find("/confirm#item-")
        .expect("a fulfilment to confirm");
    let before = &body[..at];
    let start = before.rfind("/requests/fulfilments/").unwrap() + "/requests/fulfilments/".len();
    before[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn the_coach_points_at_a_vague_request_and_keeps_it_as_typed() {
    let w = World::new().await;
    let hurt = &w.couple.hurt;
    let page = hurt
        .post("/requests", &request("Be more present", "", "check"))
        .await;
    assert_page(
        &page,
        200,
        &[
            "Leave little up to assumption.",
            "finding finding-vague",
            "<q><bdi>Be more present</bdi></q>",
            "finding finding-no_when",
            "Add a time, a frequency or a trigger",
            ">Be more present</textarea>",
        ],
    );

    let daily = request("Text me when you leave work", "daily", "check");
    let with_rhythm = hurt.post("/requests", &daily).await;
    assert_hides(&with_rhythm, &["finding-no_when"]); // the form says when
    assert_shows(
        &with_rhythm,
        &["name=\"frequency\" value=\"daily\" checked"],
    );
    assert!(
        hurt.sees("/requests", "Nothing asked yet.").await,
        "checking makes nothing"
    );
}

#[tokio::test]
async fn a_request_is_made_accepted_done_confirmed_and_its_reliability_shown() {
    let w = World::new().await;
    let (hurt, involved) = (&w.couple.hurt, &w.couple.involved);
    let id = make(hurt, "Marker-text me when you leave work", "daily").await;

    let list = involved.get("/requests").await;
    assert_shows(
        &list,
        &[
            "Marker-text me when you leave work",
            "Waiting for your answer.",
        ],
    );
    let page = involved.get(&format!("/requests/{id}")).await;
    let accept = format!("action=\"/requests/{id}/accept\"");
    assert_shows(&page, &[&accept, "Propose an alternative"]);
    assert!(!hurt.sees(&format!("/requests/{id}"), "/accept\"").await);

    step(involved, id, "accept", &[]).await;
    step(
        involved,
        id,
        "fulfilments",
        &[
            ("happened_on", ""),
            ("note", "Marker-note: from the car park"),
        ],
    )
    .await;

    let page = hurt.get(&format!("/requests/{id}")).await;
    assert_shows(
        &page,
        &[
            "Every day",
            "Agreed",
            "Last 7 days",
            "1 of 1 (100%)",
            "Last 30 days",
            "Marker-note: from the car park",
            "Done on",
        ],
    );
    let confirm = format!(
        "/requests/fulfilments/{}/confirm",
        newest_fulfilment(&page.body)
    );
    assert_step_not_theirs(involved, &confirm, &[]).await;
    let confirmed = hurt.post(&confirm, &[]).await;
    assert_redirect(&confirmed, &format!("/requests/{id}"));
    let page = involved.get(&format!("/requests/{id}")).await;
    assert_shows(
        &page,
        &["Your partner saw it", "1 of 1 (100%), 1 confirmed"],
    );
    let again = hurt.post(&confirm, &[]).await;
    assert_refused(&again, "You have already confirmed this.");

    let list = hurt.get("/requests").await;
    assert_shows(&list, &["Agreed", "1 of 1 (100%)"]);
    let history = page.body.find("id=\"history\"").unwrap();
    let done = page.body[history..].find("Done on").unwrap();
    let asked = page.body[history..].find("<strong>Asked</strong>").unwrap();
    assert!(done < asked, "the history is newest first");
}

#[tokio::test]
async fn an_alternative_is_proposed_declined_proposed_again_and_accepted() {
    let w = World::new().await;
    let (hurt, involved) = (&w.couple.hurt, &w.couple.involved);
    let id = make(hurt, "Call me at lunch", "daily").await;

    let alternative = |what: &'static str| {
        vec![
            ("what", what),
            ("frequency", "weekly"),
            ("trigger", ""),
            ("times_per_week", "3"),
            ("weekday", ""),
            ("by_date", ""),
        ]
    };
    let refused = involved
        .post(
            &format!("/requests/{id}/alternative"),
            &[
                ("what", "Marker-alt: call you at lunch"),
                ("frequency", "weekly"),
                ("times_per_week", "9"),
            ],
        )
        .await;
    assert_refused(&refused, "Please give a number from 1 to 7.");
    assert_shows(&refused, &["Marker-alt: call you at lunch", "value=\"9\""]);

    step(
        involved,
        id,
        "alternative",
        &alternative("Marker-alt: call you at lunch"),
    )
    .await;
    let page = hurt.get(&format!("/requests/{id}")).await;
    assert_shows(&page, &["Proposed instead:", "3 times a week"]);
    step(
        hurt,
        id,
        "alternative/answer",
        &[
            ("answer", "decline"),
            ("note", "Marker-decline: lunch matters to me"),
        ],
    )
    .await;
    let page = involved.get(&format!("/requests/{id}")).await;
    assert_shows(
        &page,
        &[
            "Declined the alternative",
            "Marker-decline: lunch matters to me",
            "Waiting for an answer",
        ],
    );

    involved
        .post(
            &format!("/requests/{id}/alternative"),
            &alternative("Marker-alt2: call you at lunch on office days"),
        )
        .await;
    let answer = format!("/requests/{id}/alternative/answer");
    let unanswered = hurt.post(&answer, &[("answer", "")]).await;
    assert_refused(&unanswered, "Please choose whether to accept or decline");
    step(
        hurt,
        id,
        "alternative/answer",
        &[("answer", "accept"), ("note", "")],
    )
    .await;
    let page = hurt.get(&format!("/requests/{id}")).await;
    assert_shows(
        &page,
        &[
            "<h1><bdi>Marker-alt2: call you at lunch on office days</bdi></h1>",
            "Accepted the alternative",
            "Agreed",
            // What was asked stays beside the alternative, each with its author.
            "The agreed alternative, proposed by your partner.",
            "First asked by you</strong>",
        ],
    );
    assert_hides(&page, &["Asked by you on"]);
    let theirs = involved.get(&format!("/requests/{id}")).await;
    assert_shows(
        &theirs,
        &[
            "The agreed alternative, proposed by you.",
            "First asked by your partner</strong>",
        ],
    );
    let list = hurt.get("/requests").await;
    assert_shows(
        &list,
        &["The agreed alternative, proposed by your partner, to what you asked."],
    );
    let progress = hurt.get("/progress").await;
    assert_shows(
        &progress,
        &["The agreed alternative to what was first asked: <bdi>"],
    );
}

#[tokio::test]
async fn a_request_is_paused_resumed_and_retired_with_its_reasons() {
    let w = World::new().await;
    let (hurt, involved) = (&w.couple.hurt, &w.couple.involved);
    let mut fields = request("Tell me when she writes", "each_time", "send");
    let without_trigger = hurt.post("/requests", &fields).await;
    assert_refused(&without_trigger, "Please say what happens each time");
    fields[3] = ("trigger", "she gets in touch");
    let id = created_id(&hurt.post("/requests", &fields).await);
    step(involved, id, "accept", &[]).await;
    hurt.assert_sees(&format!("/requests/{id}"), "Each time: she gets in touch")
        .await;

    let without_reason = involved
        .post(&format!("/requests/{id}/pause"), &[("reason", " ")])
        .await;
    assert_refused(&without_reason, "Please say why, in a few words");
    step(
        involved,
        id,
        "pause",
        &[("reason", "Marker-pause: we are apart this week")],
    )
    .await;
    let page = hurt.get(&format!("/requests/{id}")).await;
    assert_shows(&page, &["Paused", "Marker-pause: we are apart this week"]);
    assert!(page.body.contains(&format!("/requests/{id}/resume")));
    let kept_note = [("happened_on", ""), ("note", "Marker-kept-note")];
    let fulfilments = format!("/requests/{id}/fulfilments");
    let not_running = involved.post(&fulfilments, &kept_note).await;
    assert_refused(&not_running, "This request is not running");
    assert_shows(&not_running, &["Marker-kept-note"]);

    step(hurt, id, "resume", &[]).await;
    w.couple.log_done(&format!("/requests/{id}")).await;
    let page = hurt.get(&format!("/requests/{id}")).await;
    // Each time shows what was done only.
    assert_shows(&page, &["Resumed", "done 1 time"]);
    assert_hides(&page, &["(100%)"]);

    step(
        hurt,
        id,
        "retire",
        &[("reason", "Marker-retire: it has become our habit")],
    )
    .await;
    let list = involved.get("/requests").await;
    let retired_section = list.body.find("<h2>Retired</h2>").unwrap();
    assert!(list.body[retired_section..].contains("Tell me when she writes"));
    let page = involved.get(&format!("/requests/{id}")).await;
    assert_shows(&page, &["Marker-retire: it has become our habit"]);
    let fulfil = format!("action=\"{fulfilments}");
    assert_hides(&page, &["/pause#manage", &fulfil]);
}

#[tokio::test]
async fn each_partner_takes_only_their_own_steps_on_a_request() {
    let w = World::new().await;
    let (hurt, involved) = (&w.couple.hurt, &w.couple.involved);
    assert!(!involved.sees("/requests", "name=\"what\"").await);
    for action in ["send", "check"] {
        assert_step_not_theirs(involved, "/requests", &request("x", "daily", action)).await;
    }
    let id = make(hurt, "Marker-steps", "daily").await;
    let at = |step: &str| format!("/requests/{id}/{step}");
    assert_step_not_theirs(hurt, &at("accept"), &[]).await;
    let alternative = [("what", "x"), ("frequency", "daily")];
    assert_step_not_theirs(hurt, &at("alternative"), &alternative).await;
    involved.post(&at("accept"), &[]).await;
    let done = [("happened_on", ""), ("note", "")];
    assert_step_not_theirs(hurt, &at("fulfilments"), &done).await;
    assert_eq!(hurt.get("/requests/9999").await.status, 404);
    assert_eq!(hurt.get("/requests/abc").await.status, 404);
}

#[tokio::test]
async fn nobody_outside_the_couple_reaches_its_requests() {
    let w = World::new().await;
    let marker = "Marker-private-request";
    let id = agreed(&w, marker, "daily").await;
    w.couple.log_done(&format!("/requests/{id}")).await;
    let page = w.couple.hurt.get(&format!("/requests/{id}")).await;
    let fulfilment = newest_fulfilment(&page.body);

    let send = request("x", "daily", "send");
    assert_room_kept_in(&w, "/requests", Some(&send), marker).await;
    assert_outsiders_refused(&w, &format!("/requests/{id}"), None, marker).await;
    let reason = [("reason", "x")];
    let none: [(&str, &str); 0] = [];
    let alternative = [("what", "x"), ("frequency", "daily")];
    let answer = [("answer", "accept")];
    let done = [("happened_on", ""), ("note", "")];
    let steps: [(String, &[(&str, &str)]); 8] = [
        (format!("/requests/{id}/accept"), &none),
        (format!("/requests/{id}/alternative"), &alternative),
        (format!("/requests/{id}/alternative/answer"), &answer),
        (format!("/requests/{id}/pause"), &reason),
        (format!("/requests/{id}/resume"), &none),
        (format!("/requests/{id}/retire"), &reason),
        (format!("/requests/{id}/fulfilments"), &done),
        (format!("/requests/fulfilments/{fulfilment}/confirm"), &none),
    ];
    for (path, fields) in &steps {
        assert_outsiders_refused(&w, path, Some(fields), marker).await;
    }
}

#[tokio::test]
async fn the_coach_speaks_under_the_field_its_finding_is_about() {
    let w = World::new().await;
    let vague = request("Be more present", "", "check");
    let page = w.couple.hurt.post("/requests", &vague).await;
    assert_page(
        &page,
        200,
        &[
            "The coach noticed 2 things, shown under what they are about.",
            "<details class=\"new-entry\" id=\"new-request\" open>",
        ],
    );
    let status = page.body.find("role=\"status\"").unwrap();
    let field = page.body.find("id=\"request-what\"").unwrap();
    let vague = page.body.find("finding finding-vague").unwrap();
    let when = page
        .body
        .find("<legend>When, or how often</legend>")
        .unwrap();
    let no_when = page.body.find("finding finding-no_when").unwrap();
    let buttons = page.body.find("value=\"check\"").unwrap();
    assert!(status < field, "a short word from the coach above the form");
    assert!(
        !page.body[status..field].contains("class=\"finding"),
        "no finding sits away from its field"
    );
    assert!(
        field < vague && vague < when,
        "the words' finding under the words"
    );
    assert!(
        when < no_when && no_when < buttons,
        "the rhythm's finding under the rhythm"
    );
}

#[tokio::test]
async fn the_list_comes_first_with_no_tag_repeating_its_heading() {
    let w = World::new().await;
    let hurt = &w.couple.hurt;
    let empty = hurt.get("/requests").await;
    assert!(
        empty
            .body
            .contains("<details class=\"new-entry\" id=\"new-request\" open>"),
        "with nothing asked yet the form is open"
    );

    let id = agreed(&w, "Marker-agreed: text me at lunch", "daily").await;
    let waiting = make(hurt, "Marker-waiting: call me on Fridays", "weekly").await;
    let page = hurt.get("/requests").await;
    assert!(
        page.body
            .contains("<details class=\"new-entry\" id=\"new-request\">"),
        "once there are requests the form is folded"
    );
    let agreed_group = page.body.find("<h2>Agreed</h2>").unwrap();
    let row = page.body.find(&format!("id=\"request-{id}\"")).unwrap();
    assert!(agreed_group < row);
    let row_end = row + page.body[row..].find("</li>").unwrap();
    assert!(
        !page.body[row..row_end].contains("status-active"),
        "the heading says agreed already"
    );
    let waiting_row = page
        .body
        .find(&format!("id=\"request-{waiting}\""))
        .unwrap();
    let waiting_end = waiting_row + page.body[waiting_row..].find("</li>").unwrap();
    assert!(!page.body[waiting_row..waiting_end].contains("status-awaiting"));

    w.couple
        .involved
        .post(
            &format!("/requests/{waiting}/alternative"),
            &[
                ("what", "Marker-alt: call you on Saturdays"),
                ("frequency", "weekly"),
                ("times_per_week", "1"),
            ],
        )
        .await;
    let page = hurt.get("/requests").await;
    let waiting_row = page
        .body
        .find(&format!("id=\"request-{waiting}\""))
        .unwrap();
    let waiting_end = waiting_row + page.body[waiting_row..].find("</li>").unwrap();
    assert!(
        page.body[waiting_row..waiting_end]
            .contains("<span class=\"tag status-alternative\">Alternative proposed</span>"),
        "a status the heading does not say keeps its tag"
    );
}

#[tokio::test]
async fn times_done_wait_in_the_list_for_the_partner_to_see_them() {
    let w = World::new().await;
    let id = agreed(&w, "Marker-done: text me when you leave", "daily").await;
    w.couple.log_done(&format!("/requests/{id}")).await;
    // The partner who did it has nothing to see.
    let own = w.couple.involved.get("/requests").await;
    assert_hides(&own, &["not marked as seen"]);
    let list = w.couple.hurt.get("/requests").await;
    assert_shows(
        &list,
        &[
            "Done 1 time that you have not marked as seen.",
            &format!("href=\"/requests/{id}#history\">See it</a>"),
            "<meter class=\"reliability-meter\" min=\"0\" max=\"100\" value=\"100\"",
        ],
    );
}

/// A form on request `id`'s page, with the text each entry it writes adds
/// to that page, and the field a resend edits.
fn on_request<'a>(
    id: u64,
    step: &str,
    fields: &[(&'a str, &'a str)],
    edited: Option<(&'a str, &'a str)>,
    entry: &'a str,
) -> OnceForm<'a> {
    OnceForm {
        path: format!("/requests/{id}/{step}"),
        fields: fields.to_vec(),
        edited,
        shown_on: format!("/requests/{id}"),
        entry,
    }
}

#[tokio::test]
async fn every_request_form_sent_twice_at_once_writes_once() {
    let w = World::new().await;
    let (hurt, involved) = (&w.couple.hurt, &w.couple.involved);
    let made = hurt
        .sends_once(&OnceForm {
            path: "/requests".into(),
            fields: request("Marker-once: text me at noon", "daily", "send"),
            edited: Some(("what", "Marker-edited: text me at one")),
            shown_on: "/requests".into(),
            entry: "Marker-once: text me at noon",
        })
        .await;
    let id = created_id(&made);
    let other = make(hurt, "Call me at lunch", "daily").await;
    let alternative = [
        ("what", "Marker-alt-once"),
        ("frequency", "weekly"),
        ("times_per_week", "3"),
    ];
    let steps = [
        (
            involved,
            on_request(id, "accept", &[], None, "<strong>Accepted</strong>"),
        ),
        (
            involved,
            on_request(
                id,
                "fulfilments",
                &[("happened_on", ""), ("note", "Marker-done-once")],
                Some(("note", "Marker-done-edited")),
                "Marker-done-once",
            ),
        ),
        (
            involved,
            on_request(
                other,
                "alternative",
                &alternative,
                Some(("what", "Marker-alt-edited")),
                "<strong>Proposed an alternative</strong>",
            ),
        ),
        (
            hurt,
            on_request(
                other,
                "alternative/answer",
                &[("answer", "accept"), ("note", "Marker-answer-once")],
                Some(("note", "Marker-answer-edited")),
                "<strong>Accepted the alternative</strong>",
            ),
        ),
    ];
    for (person, form) in &steps {
        let page = person.sends_once(form).await;
        assert_redirect(&page, &form.shown_on);
    }
    let fulfilment = newest_fulfilment(&hurt.get(&format!("/requests/{id}")).await.body);
    let confirm = OnceForm {
        path: format!("/requests/fulfilments/{fulfilment}/confirm"),
        ..on_request(id, "", &[], None, " saw it (")
    };
    assert_redirect(&hurt.sends_once(&confirm).await, &confirm.shown_on);
    let reason = |text| [("reason", text)];
    let steps = [
        (
            involved,
            on_request(
                id,
                "pause",
                &reason("Marker-pause-once"),
                Some(("reason", "Marker-pause-edited")),
                "Marker-pause-once",
            ),
        ),
        (
            hurt,
            on_request(id, "resume", &[], None, "<strong>Resumed</strong>"),
        ),
        (
            hurt,
            on_request(
                id,
                "retire",
                &reason("Marker-retire-once"),
                Some(("reason", "Marker-retire-edited")),
                "Marker-retire-once",
            ),
        ),
    ];
    for (person, form) in &steps {
        let page = person.sends_once(form).await;
        assert_redirect(&page, &form.shown_on);
    }
}

#[tokio::test]
async fn a_daily_request_logged_twice_on_one_day_counts_once() {
    let w = World::new().await;
    let (hurt, involved) = (&w.couple.hurt, &w.couple.involved);
    let id = agreed(&w, "Marker-call me at lunch", "daily").await;
    let once = [("happened_on", ""), ("note", "Marker-first call")];
    step(involved, id, "fulfilments", &once).await;

    let twice = [("happened_on", ""), ("note", "Marker-second call today")];
    let page = involved
        .post(&format!("/requests/{id}/fulfilments"), &twice)
        .await;
    assert_page(
        &page,
        422,
        &[
            "This is already logged for that day, and a day counts once.",
            "Marker-second call today",
        ],
    );

    let today = hurt.get("/").await;
    assert_eq!(
        today
            .body
            .matches("Your partner did what you asked:")
            .count(),
        1,
        "one day, one occurrence on Today"
    );
}
