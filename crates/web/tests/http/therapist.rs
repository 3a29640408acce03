//! The therapist both partners invite, over HTTP: a proposal with scopes,
//! the one-time link, the therapist turned away before both said yes, the
//! other partner's consent, the therapist's acceptance with their own
//! account (which is a partner's elsewhere), their home and read-only view
//! of exactly what both consented to, "what our therapist sees" showing
//! the same, their own notes, narrowing, widening by one only, and the
//! end. On SQLite and PostgreSQL.

use crate::checkin::check_in;
use crate::helpers::{
    assert_hides, assert_shows, on_both_backends, request_fields, Couple, Page, Person, TestApp,
};
use crate::repair::{created_id, excerpt};

const PARKED: &str = "Marker-parked: why that summer";
const DISCLOSURE: &str = "Marker-disclosure: the second phone";
const FOR_THERAPIST: &str = "Marker-for-therapist: a heavy week";
const FOR_PARTNER: &str = "Marker-for-partner: only for you";
const KEPT: &str = "Marker-kept: mine alone";
const REQUEST: &str = "Marker-request: text me when you leave";
const NOTE: &str = "Marker-note: ask about the sister";

/// The path of the therapist's link on the page that made it.
fn link_path(page: &Page) -> String {
    let at = page
        .body
        .find("/practice/join/")
        .unwrap_or_else(|| panic!("no link on the page: {}", excerpt(&page.body)));
    page.body[at..]
        .split('"')
        .next()
        .expect("the link")
        .to_owned()
}

/// The therapist's view on a page: from the scopes to the last section.
fn seen_part(body: &str, until: &str) -> String {
    let start = body.find("id=\"scopes\"").expect("the view's scopes");
    let end = body[start..].find(until).map_or(body.len(), |n| n + start);
    body[start..end].trim_end().to_owned()
}

async fn our_entries(hurt: &Person, involved: &Person) {
    let asked = hurt
        .post("/truth/questions", &[("text", PARKED), ("refers_to", "")])
        .await;
    let question = created_id(&asked);
    let parked = hurt.post(&format!("/truth/{question}/park"), &[]).await;
    assert_eq!(parked.status, 303, "{}", excerpt(&parked.body));
    let disclosed = involved
        .post(
            "/truth/disclosures",
            &[("text", DISCLOSURE), ("refers_to", "")],
        )
        .await;
    assert_eq!(disclosed.status, 303, "{}", excerpt(&disclosed.body));
    for (note, visibility) in [
        (FOR_THERAPIST, "partner_and_therapist"),
        (FOR_PARTNER, "partner"),
        (KEPT, "only_me"),
    ] {
        let page = check_in(hurt, &[("hopeful", "3")], note, visibility).await;
        assert_eq!(page.status, 303, "{}", excerpt(&page.body));
    }
    let fields = request_fields(REQUEST, "daily", "send");
    let made = hurt.post("/requests", &fields).await;
    assert_eq!(made.status, 303, "{}", excerpt(&made.body));
}

async fn therapist_story(app: TestApp) {
    let Couple { hurt, involved, .. } = app.couple().await;
    // The therapist is a partner in a space of their own.
    let elsewhere = app.couple().await;
    let therapist = elsewhere.hurt;
    our_entries(&hurt, &involved).await;

    let proposed = hurt
        .post(
            "/therapist",
            &[
                ("name", "Dr Okafor"),
                ("scopes", "check_ins"),
                ("scopes", "requests"),
                ("scopes", "truth_log"),
            ],
        )
        .await;
    assert_eq!(proposed.location.as_deref(), Some("/therapist"));
    let page = involved.get("/therapist").await;
    assert_shows(
        &page,
        &[
            "Dr Okafor",
            "Your partner proposed this therapist",
            "Yes, I consent",
        ],
    );
    let proposal = page
        .body
        .split("/therapist/")
        .find_map(|rest| rest.split_once("/consent").map(|(id, _)| id.to_owned()))
        .expect("the consent form");

    let made = hurt.post(&format!("/therapist/{proposal}/link"), &[]).await;
    assert_eq!(made.status, 200, "{}", excerpt(&made.body));
    let link = link_path(&made);
    // Before the other partner said yes, the link opens nothing.
    let early = therapist.get(&link).await;
    assert_eq!(early.status, 409, "{}", excerpt(&early.body));
    assert_hides(&early, &[PARKED, FOR_THERAPIST, REQUEST, "Dr Okafor"]);
    // A stranger who only holds the link learns only that it is one.
    let holder = app.anonymous().get(&link).await;
    assert_shows(&holder, &["invited you as their therapist", "Log in"]);
    assert_hides(&holder, &["Dr Okafor", PARKED]);

    let consented = involved
        .post(
            &format!("/therapist/{proposal}/consent"),
            &[("scopes", "check_ins"), ("scopes", "requests")],
        )
        .await;
    assert_eq!(consented.location.as_deref(), Some("/therapist"));
    let invitation = therapist.get(&link).await;
    assert_shows(
        &invitation,
        &[
            "Dr Okafor",
            "Check-ins marked for our therapist",
            "Requests and how reliably",
        ],
    );
    assert_hides(&invitation, &["The truth log", PARKED]);
    let empty_name = therapist.post(&link, &[("name", " ")]).await;
    assert_eq!(empty_name.status, 422, "{}", excerpt(&empty_name.body));
    let accepted = therapist.post(&link, &[("name", "The Ashbys")]).await;
    assert_eq!(accepted.status, 303, "{}", excerpt(&accepted.body));
    let couple_page = accepted.location.clone().expect("the couple's page");
    assert!(couple_page.starts_with("/practice/"), "{couple_page}");
    let again = app.stranger().await.get(&link).await;
    assert_eq!(again.status, 410, "a used link opens nothing");

    let home = therapist.get("/practice").await;
    assert_shows(&home, &["The Ashbys", &couple_page]);
    let seen = therapist.get(&couple_page).await;
    assert_shows(&seen, &[PARKED, FOR_THERAPIST, REQUEST, "The hurt partner"]);
    assert_hides(&seen, &[DISCLOSURE, FOR_PARTNER, KEPT]);
    // Both partners see exactly that view.
    for partner in [&hurt, &involved] {
        let sees = partner.get("/therapist/sees").await;
        assert_eq!(
            seen_part(&sees.body, "</main>"),
            seen_part(&seen.body, "<section class=\"card\" id=\"notes\">"),
        );
    }
    // Their own space is untouched by serving ours.
    let own = therapist.get("/therapist/sees").await;
    assert_shows(&own, &["No therapist sees anything now"]);
    assert_hides(&own, &[PARKED, FOR_THERAPIST]);

    let noted = therapist
        .post(&format!("{couple_page}/notes"), &[("text", NOTE)])
        .await;
    assert_eq!(noted.status, 303, "{}", excerpt(&noted.body));
    assert_shows(&therapist.get(&couple_page).await, &[NOTE]);
    for partner in [&hurt, &involved] {
        for path in ["/therapist/sees", "/therapist", "/"] {
            assert_hides(&partner.get(path).await, &[NOTE]);
        }
    }
    // What the therapist writes as a partner lands in their own space,
    // never in the record of the couple they serve.
    let asked = therapist
        .post(
            "/truth/questions",
            &[("text", "Marker-own-question"), ("refers_to", "")],
        )
        .await;
    assert_eq!(asked.status, 303, "{}", excerpt(&asked.body));
    assert_shows(&therapist.get("/truth").await, &["Marker-own-question"]);
    assert_hides(&hurt.get("/truth").await, &["Marker-own-question"]);

    // Narrowed by one partner alone: at once.
    let narrowed = involved
        .post(
            &format!("/therapist/{proposal}/scopes"),
            &[("scopes", "check_ins")],
        )
        .await;
    assert_eq!(narrowed.location.as_deref(), Some("/therapist"));
    let seen = therapist.get(&couple_page).await;
    assert_hides(&seen, &[REQUEST]);
    assert_shows(&seen, &[FOR_THERAPIST]);
    // Widened by one partner only: nothing more is seen.
    let widened = hurt
        .post(
            &format!("/therapist/{proposal}/scopes"),
            &[
                ("scopes", "check_ins"),
                ("scopes", "requests"),
                ("scopes", "truth_log"),
            ],
        )
        .await;
    assert_eq!(widened.location.as_deref(), Some("/therapist"));
    assert_hides(&therapist.get(&couple_page).await, &[REQUEST, DISCLOSURE]);

    // Either partner ends it alone: the therapist then sees only that.
    let ended = hurt.post(&format!("/therapist/{proposal}/end"), &[]).await;
    assert_eq!(ended.location.as_deref(), Some("/therapist"));
    let after = therapist.get(&couple_page).await;
    assert_shows(&after, &["This couple ended your access on", NOTE]);
    assert_hides(&after, &[PARKED, FOR_THERAPIST, REQUEST, DISCLOSURE]);
    let home = therapist.get("/practice").await;
    assert_shows(&home, &["This couple ended your access on"]);
    let late = therapist
        .post(&format!("{couple_page}/notes"), &[("text", "Marker-late")])
        .await;
    assert_eq!(late.status, 404);
    assert_shows(
        &hurt.get("/therapist").await,
        &["Access ended by you on", "Propose a therapist"],
    );
}

on_both_backends!(therapist_story: a_therapist_sees_only_what_both_consented_until_the_end, a_therapist_sees_only_what_both_consented_until_the_end_on_postgres);

#[tokio::test]
async fn a_proposal_keeps_what_was_typed_when_refused() {
    let app = TestApp::spawn().await;
    let couple = app.couple().await;
    let page = couple
        .hurt
        .post(
            "/therapist",
            &[("name", ""), ("scopes", "pulses"), ("scopes", "apology")],
        )
        .await;
    assert_eq!(page.status, 422, "{}", excerpt(&page.body));
    assert_shows(
        &page,
        &[
            "Please write something here.",
            "value=\"pulses\" checked",
            "value=\"apology\" checked",
        ],
    );
}

/// The number in `id="agenda-N"` of the agenda line that says `text`.
fn agenda_id(body: &str, text: &str) -> String {
    let at = body
        .find(text)
        .unwrap_or_else(|| panic!("{text} is not on the page"));
    let start = body[..at].rfind("id=\"agenda-").expect("the line's anchor") + "id=\"agenda-".len();
    body[start..].split('"').next().expect("an id").to_owned()
}

/// The brief's sections, from the first to the end of the page.
fn brief_part(body: &str) -> String {
    let start = body.find("id=\"brief-").expect("the brief's sections");
    let end = body.find("</main>").expect("the page's end");
    body[start..end].trim_end().to_owned()
}

async fn session_story(app: TestApp) {
    let Couple { hurt, involved, .. } = app.couple().await;
    let therapist = app.stranger().await;
    our_entries(&hurt, &involved).await;
    let proposed = hurt
        .post(
            "/therapist",
            &[("name", "Dr Okafor"), ("scopes", "check_ins")],
        )
        .await;
    assert_eq!(proposed.status, 303);
    let page = involved.get("/therapist").await;
    let proposal = page
        .body
        .split("/therapist/")
        .find_map(|rest| rest.split_once("/consent").map(|(id, _)| id.to_owned()))
        .expect("the consent form");
    let consented = involved
        .post(
            &format!("/therapist/{proposal}/consent"),
            &[("scopes", "check_ins")],
        )
        .await;
    assert_eq!(consented.status, 303);
    let link = link_path(&hurt.post(&format!("/therapist/{proposal}/link"), &[]).await);
    let accepted = therapist.post(&link, &[("name", "The Ashbys")]).await;
    let couple_page = accepted.location.clone().expect("the couple's page");

    for (person, path, text) in [
        (
            &hurt,
            "/therapist/agenda".to_owned(),
            "Marker-item-covered: the weekends",
        ),
        (
            &involved,
            "/therapist/agenda".to_owned(),
            "Marker-item-carried: my mother",
        ),
        (
            &therapist,
            format!("{couple_page}/agenda"),
            "Marker-item-therapist: sleep",
        ),
    ] {
        let added = person.post(&path, &[("text", text)]).await;
        assert_eq!(added.status, 303, "{path}: {}", excerpt(&added.body));
    }
    let agenda = therapist.get(&couple_page).await;
    assert_shows(
        &agenda,
        &[
            "Agenda for session 1",
            PARKED,
            "Marker-item-covered",
            "Marker-item-carried",
            "Marker-item-therapist",
        ],
    );
    let covered = agenda_id(&agenda.body, "Marker-item-covered");
    let by_therapist = agenda_id(&agenda.body, "Marker-item-therapist");
    let question = agenda
        .body
        .split("name=\"talked_about\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the parked question's box")
        .to_owned();
    let held = therapist
        .post(
            &format!("{couple_page}/held"),
            &[
                ("number", "1"),
                ("covered", &covered),
                ("covered", &by_therapist),
                ("talked_about", &question),
            ],
        )
        .await;
    assert_eq!(held.status, 303, "{}", excerpt(&held.body));

    for (person, path) in [
        (&therapist, couple_page.as_str()),
        (&hurt, "/therapist"),
        (&involved, "/therapist"),
    ] {
        let page = person.get(path).await;
        assert_shows(
            &page,
            &[
                "Agenda for session 2",
                "Carried over from session 1",
                "Session 1",
                "Parked questions talked about:",
            ],
        );
        let session = &page.body[page.body.find("id=\"session\"").expect("the agenda")..];
        let agenda = &session[..session
            .find("id=\"sessions-held\"")
            .expect("the sessions held")];
        assert!(
            agenda.contains("Marker-item-carried"),
            "the item not covered carries over"
        );
        assert!(
            !agenda.contains("Marker-item-covered"),
            "a covered item leaves the agenda"
        );
        assert!(
            !agenda.contains(PARKED),
            "a question talked about leaves the agenda"
        );
    }
    // A form drawn for session 1, sent again, is refused and changes nothing.
    let stale = hurt
        .post("/therapist/held", &[("number", "1"), ("covered", &covered)])
        .await;
    assert_eq!(stale.status, 422, "{}", excerpt(&stale.body));
    assert_shows(&stale, &["marked held already"]);

    // The brief: the same page for the therapist and both partners,
    // within the consented scopes only.
    let brief = therapist.get(&format!("{couple_page}/brief")).await;
    assert_shows(
        &brief,
        &[
            "Session brief: session 2",
            "Since session 1",
            "Marker-item-carried",
            "Check-ins marked for the therapist",
        ],
    );
    assert_hides(
        &brief,
        &[
            DISCLOSURE,
            REQUEST,
            FOR_PARTNER,
            KEPT,
            "Requests: how reliably",
        ],
    );
    for partner in [&hurt, &involved] {
        let theirs = partner.get("/therapist/brief").await;
        assert_eq!(brief_part(&theirs.body), brief_part(&brief.body));
    }
}

on_both_backends!(session_story: a_session_carries_over_what_was_not_covered_and_the_brief_is_the_same_for_all, a_session_carries_over_what_was_not_covered_and_the_brief_is_the_same_for_all_on_postgres);
