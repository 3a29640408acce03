//! The weekly meeting over HTTP: a day and time agreed, an agenda built by
//! both (appreciations first, a concern in the gentle start-up's words, a
//! plan, a talk answered "at our weekly meeting", the record's review),
//! held by both, and what only one ticked carried over. On SQLite and
//! PostgreSQL.

use crate::helpers::{
    assert_hides, assert_refused, assert_shows, on_both_backends, Couple, OnceForm, Person, TestApp,
};
use crate::repair::created_id;
use crate::talk::answer_fields;
use kintsugi_web::app::clock::Clock;

const APPRECIATION: &str = "Marker-thanks: the tea you brought me";
const CONCERN_ABOUT: &str = "Marker-about: the late evenings";
const PLAN: &str = "Marker-plan: dinner out on Friday";
const TALK: &str = "Marker-talk: the holiday next summer";

fn item<'a>(part: &'a str, text: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("part", part),
        ("text", text),
        ("feel", ""),
        ("about", ""),
        ("need", ""),
    ]
}

/// A concern in the gentle start-up's three parts.
fn concern<'a>(feel: &'a str, about: &'a str, need: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut fields = item("concern", "");
    fields[2..].copy_from_slice(&[("feel", feel), ("about", about), ("need", need)]);
    fields
}

async fn add(person: &Person, fields: &[(&str, &str)], landed: &str) {
    let added = person.post("/meeting/items", fields).await;
    assert_eq!(added.location.as_deref(), Some(landed), "{}", added.body);
}

/// The number of the newest entry in the record, from the agenda's ids.
fn item_id(page: &str, text: &str) -> String {
    let at = page.find(text).expect("the item on the page");
    let before = &page[..at];
    let start = before.rfind("id=\"item-").expect("the item's anchor") + "id=\"item-".len();
    before[start..].split('"').next().expect("an id").to_owned()
}

/// Today's weekday as the form names it (the test people are on UTC).
fn todays_day(app: &TestApp) -> String {
    app.clock.now().weekday().to_string().to_lowercase()
}

async fn meeting_story(app: TestApp) {
    let Couple { hurt, involved, .. } = app.couple().await;
    let day = todays_day(&app);
    let proposed = hurt
        .post("/meeting/time", &[("day", &day), ("time", "23:59")])
        .await;
    assert_eq!(proposed.location.as_deref(), Some("/meeting#time"));
    assert_shows(
        &involved.get("/").await,
        &["Your partner suggested a time for your weekly meeting"],
    );
    let page = involved.get("/meeting").await;
    assert_shows(&page, &["You suggested", "Yes, that suits me"][1..]);
    let proposal = page
        .body
        .split("/meeting/time/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .expect("the proposal's agree form")
        .to_owned();
    let own = hurt
        .post(&format!("/meeting/time/{proposal}/agree"), &[])
        .await;
    assert_eq!(
        own.status, 403,
        "the one who suggested does not agree to it"
    );
    let agreed = involved
        .post(&format!("/meeting/time/{proposal}/agree"), &[])
        .await;
    assert_eq!(agreed.location.as_deref(), Some("/meeting#time"));
    assert_shows(
        &hurt.get("/").await,
        &[
            "Your weekly meeting is today at 23:59",
            "add one before you meet",
        ],
    );

    // Holding the meeting waits for both appreciations.
    add(
        &hurt,
        &item("appreciation", APPRECIATION),
        "/meeting#agenda",
    )
    .await;
    let early = hurt.post("/meeting/held", &[("agreed", "")]).await;
    assert_refused(&early, "each of you adds at least one first");
    add(
        &involved,
        &item("appreciation", "Marker-thanks-back: you listened"),
        "/meeting#agenda",
    )
    .await;

    let raised = concern("uneasy", CONCERN_ABOUT, "a message when you are held up");
    add(&involved, &raised, "/meeting#concerns").await;
    add(&hurt, &item("plan", PLAN), "/meeting#agenda").await;
    let talk = hurt
        .post(
            "/talk",
            &[
                ("kind", "our_future"),
                ("soon", "when_you_can"),
                ("topic", TALK),
            ],
        )
        .await;
    let talk = created_id(&talk);
    let answer = answer_fields("at_quiet_talk", &[]);
    let answered = involved
        .post(&format!("/talk/{talk}/answer"), &answer)
        .await;
    assert_eq!(answered.status, 303, "{}", answered.body);

    let agenda = hurt.get("/meeting").await;
    assert_shows(
        &agenda,
        &[
            "Agenda for meeting 1",
            APPRECIATION,
            "I feel <bdi>uneasy</bdi> about <bdi>Marker-about",
            PLAN,
            TALK,
            "No changes to commitments.",
        ],
    );
    // Appreciations open the agenda, whatever order things were added in.
    let opens = agenda.body.find(APPRECIATION).expect("appreciation");
    assert!(opens < agenda.body.find(CONCERN_ABOUT).expect("concern"));
    assert!(opens < agenda.body.find(PLAN).expect("plan"));

    let plan_id = item_id(&agenda.body, PLAN);
    let concern_id = item_id(&agenda.body, CONCERN_ABOUT);
    let held = hurt
        .post(
            "/meeting/held",
            &[
                ("covered", plan_id.as_str()),
                ("covered", concern_id.as_str()),
                ("agreed", "Marker-agreed: dinner on Friday"),
            ],
        )
        .await;
    assert_eq!(
        held.location.as_deref(),
        Some("/meeting#held"),
        "{}",
        held.body
    );
    assert_shows(
        &involved.get("/").await,
        &["Your partner said your weekly meeting was held"],
    );
    let confirm = involved.get("/meeting").await;
    assert_shows(
        &confirm,
        &[&format!("name=\"covered\" value=\"{plan_id}\" checked")],
    );
    // The involved partner remembers only the plan as talked about.
    let held = involved
        .post(
            "/meeting/held",
            &[("covered", plan_id.as_str()), ("agreed", "")],
        )
        .await;
    assert_eq!(held.status, 303, "{}", held.body);

    let after = hurt.get("/meeting").await;
    assert_shows(
        &after,
        &[
            "Agenda for meeting 2",
            "Meeting 1",
            "Marker-agreed: dinner on Friday",
            "carried over",
            CONCERN_ABOUT,
            TALK,
        ],
    );
    let agenda_part = &after.body[..after.body.find("Meetings held").expect("the past")];
    assert!(!agenda_part.contains(PLAN), "the plan was talked about");
    assert!(
        !agenda_part.contains(APPRECIATION),
        "appreciations start again"
    );
    assert_hides(&hurt.get("/").await, &["Your weekly meeting is today"]);

    let report = app.store.verify().await.expect("verify runs");
    assert!(report.first_break.is_none(), "{report:?}");
}

on_both_backends!(meeting_story:
    a_weekly_meeting_is_agreed_built_held_and_carries_over_on_sqlite,
    a_weekly_meeting_is_agreed_built_held_and_carries_over_on_postgres);

#[tokio::test]
async fn a_concern_with_parts_missing_names_them_and_keeps_what_was_typed() {
    let app = TestApp::spawn().await;
    let couple = app.couple().await;
    let page = couple
        .hurt
        .post("/meeting/items", &concern("Marker-kept-feel", "", ""))
        .await;
    assert_refused(&page, "Please write something here.");
    assert_shows(
        &page,
        &[
            "value=\"Marker-kept-feel\"",
            "concern-about-error",
            "concern-need-error",
        ],
    );
    let page = couple
        .hurt
        .post("/meeting/time", &[("day", "someday"), ("time", "7pm")])
        .await;
    assert_shows(
        &page,
        &[
            "Please choose a day.",
            "Please choose a time, such as 19:00.",
            "value=\"7pm\"",
        ],
    );
}

#[tokio::test]
async fn an_agenda_item_sent_twice_at_once_is_added_once() {
    let app = TestApp::spawn().await;
    let couple = app.couple().await;
    couple
        .hurt
        .sends_once(&OnceForm {
            path: "/meeting/items".into(),
            fields: item("went_well", "Marker-once: the walk"),
            edited: Some(("text", "Marker-edited: the film")),
            shown_on: "/meeting".into(),
            entry: "Marker-once: the walk",
        })
        .await;
}
