//! "End our shared space": either partner alone, with the password again
//! and a plain confirmation. From then on nothing can be added by anyone
//! (every form is gone, a post is refused), both partners read the whole
//! record and export it during the separation window, with a calm banner
//! on every page, the therapist sees nothing more, and the other partner
//! is told neutrally. After the window the task destroys the record, at
//! most once whatever the number of instances. On SQLite, and on
//! PostgreSQL when the suite has a server.

use crate::checkin::check_in;
use crate::helpers::{
    assert_hides, assert_page, assert_shows, excerpt, on_both_backends, Couple, Person, TestApp,
    PASSWORD,
};
use crate::smtp_sink::SmtpSink;
use kintsugi_core::{CoupleId, StreamId};
use kintsugi_web::app::clock::Clock;
use kintsugi_web::app::config::{Limits, MailConfig, WebConfig};
use kintsugi_web::space::destroy;

const SHARED: &str = "mk-ending-shared-check-in";
const FOR_THERAPIST: &str = "mk-ending-for-the-therapist";
const BANNER: &str = "This shared space was closed on";

/// Every page of a couple's rooms, as the navigation lists them.
const ROOMS: &[&str] = &[
    "/",
    "/truth",
    "/apology",
    "/requests",
    "/commitments",
    "/talk",
    "/checkin",
    "/pulse",
    "/progress",
    "/space",
    "/together",
    "/meeting",
    "/readiness",
    "/reflections",
    "/therapist",
    "/therapist/sees",
];

/// The addresses of the couple's rooms a page links to (an entry's own
/// page, a room's other pages), without their fragment.
fn room_links(body: &str) -> Vec<String> {
    body.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|href| href.split('#').next().unwrap_or_default().to_owned())
        .filter(|href| {
            ROOMS
                .iter()
                .any(|room| *room != "/" && href.starts_with(room) && href != room)
        })
        .collect()
}

/// Where each form on a page posts to, but signing out, and but putting a
/// reflection of one's own private stream away: that stays theirs, not the
/// space's. Revising one adds to it, and is gone like writing one.
fn posting_forms(body: &str) -> Vec<String> {
    body.split("<form")
        .skip(1)
        .filter(|form| form.contains("method=\"post\""))
        .filter_map(|form| {
            let action = form.split("action=\"").nth(1)?;
            action.split('"').next().map(str::to_owned)
        })
        .filter(|action| action != "/logout")
        .filter(|action| !(action.starts_with("/reflections/") && action.ends_with("/withdraw")))
        .collect()
}

/// "30 November 2026", the way pages write a day (the people here keep
/// the instance's zone, UTC).
fn day(at: time::OffsetDateTime) -> String {
    let format = time::macros::format_description!("[day padding:none] [month repr:long] [year]");
    at.to_offset(time::UtcOffset::UTC).format(format).unwrap()
}

/// The couple's therapist, active, with `FOR_THERAPIST` marked for them:
/// their page of the couple.
async fn with_active_therapist(
    app: &TestApp,
    hurt: &Person,
    involved: &Person,
) -> (Person, String) {
    check_in(
        hurt,
        &[("hopeful", "2")],
        FOR_THERAPIST,
        "partner_and_therapist",
    )
    .await;
    let therapist = app.stranger().await;
    let proposed = hurt
        .post(
            "/therapist",
            &[("name", "Dr Okafor"), ("scopes", "check_ins")],
        )
        .await;
    assert_eq!(proposed.status, 303, "{}", excerpt(&proposed.body));
    let proposal = app.heads_of(hurt).await.couple.to_string();
    let consented = involved
        .post(
            &format!("/therapist/{proposal}/consent"),
            &[("scopes", "check_ins")],
        )
        .await;
    assert_eq!(consented.status, 303, "{}", excerpt(&consented.body));
    let made = hurt.post(&format!("/therapist/{proposal}/link"), &[]).await;
    let token = made
        .body
        .split("/practice/join/")
        .nth(1)
        .and_then(|rest| {
            rest.split(|c: char| !c.is_ascii_alphanumeric() && c != '-' && c != '_')
                .next()
        })
        .expect("the link")
        .to_owned();
    let accepted = therapist
        .post(
            &format!("/practice/join/{token}"),
            &[("name", "The Ashbys")],
        )
        .await;
    assert_eq!(accepted.status, 303, "{}", excerpt(&accepted.body));
    let page = accepted.location.expect("the couple's page");
    assert_shows(&therapist.get(&page).await, &[FOR_THERAPIST]);
    (therapist, page)
}

async fn end_it(person: &Person) -> crate::helpers::Page {
    person
        .post("/space/end", &[("password", PASSWORD), ("confirm", "end")])
        .await
}

/// Who posts a form, where, with which fields.
type Sent<'a> = (&'a Person, &'a str, &'a [(&'a str, &'a str)]);

/// An entry waiting for the other partner in many rooms, so their pages
/// would offer a form for each.
async fn entries_waiting(hurt: &Person, involved: &Person) {
    let sent: [Sent; 9] = [
        (
            hurt,
            "/reflections",
            &[
                ("prompt", "looking_forward"),
                ("part_1", "A calmer spring."),
                ("part_2", ""),
                ("part_3", ""),
            ],
        ),
        (
            hurt,
            "/truth/questions",
            &[("text", "Where were you that night?")],
        ),
        (
            involved,
            "/truth/disclosures",
            &[("text", "I lied about the trip."), ("refers_to", "")],
        ),
        (
            hurt,
            "/talk",
            &[
                ("kind", "what_happened"),
                ("soon", "when_you_can"),
                ("topic", "the trip"),
            ],
        ),
        (hurt, "/together/rituals", &[("ritual", "tea at nine")]),
        (
            hurt,
            "/meeting/time",
            &[("day", "sunday"), ("time", "19:00")],
        ),
        (hurt, "/readiness/steps", &[("name", "dancing on Fridays")]),
        (
            involved,
            "/commitments",
            &[
                ("betrayal", ""),
                ("kind", "no_contact"),
                ("details", "I blocked her number"),
            ],
        ),
        (
            hurt,
            "/requests",
            &[
                ("betrayal", ""),
                ("what", "Text me when you leave the gym"),
                ("frequency", "daily"),
                ("trigger", ""),
                ("times_per_week", ""),
                ("weekday", ""),
                ("by_date", ""),
                ("action", "send"),
            ],
        ),
    ];
    for (who, path, fields) in sent {
        let page = who.post(path, fields).await;
        assert_eq!(page.status, 303, "{path}: {}", excerpt(&page.body));
    }
}

async fn ending_story(app: TestApp) {
    let Couple { hurt, involved, .. } = app.couple().await;
    check_in(&hurt, &[("hopeful", "2")], SHARED, "partner").await;
    entries_waiting(&hurt, &involved).await;
    let (therapist, practice_page) = with_active_therapist(&app, &hurt, &involved).await;

    assert_shows(&hurt.get("/space").await, &["href=\"/space/end\""]);
    let page = hurt.get("/space/end").await;
    assert_page(
        &page,
        200,
        &[
            "nothing can be added by anyone",
            "for 30 days",
            "name=\"password\"",
            "name=\"confirm\"",
        ],
    );
    // A wrong password, or no tick: the form again, nothing ended.
    let wrong = hurt
        .post(
            "/space/end",
            &[("password", "not my password"), ("confirm", "end")],
        )
        .await;
    assert_page(&wrong, 422, &["That is not your password", "checked"]);
    let unticked = hurt.post("/space/end", &[("password", PASSWORD)]).await;
    assert_page(&unticked, 422, &["Please tick the box"]);
    assert_hides(&involved.get("/").await, &[BANNER]);

    let ended_at = app.clock.now();
    let ended = end_it(&hurt).await;
    assert_eq!(
        ended.location.as_deref(),
        Some("/"),
        "{}",
        excerpt(&ended.body)
    );
    let banner = format!(
        "{BANNER} {}. You can read and <a href=\"/account/export\">export everything</a> until {}.",
        day(ended_at),
        day(ended_at + time::Duration::days(30))
    );
    for partner in [&hurt, &involved] {
        let mut forms = Vec::new();
        let mut linked = std::collections::BTreeSet::new();
        for room in ROOMS {
            let page = partner.get(room).await;
            assert_page(&page, 200, &[&banner]);
            forms.extend(posting_forms(&page.body));
            linked.extend(room_links(&page.body));
        }
        // And every page of one entry, or of a room's part, they link to.
        assert!(linked.len() > 3, "{linked:?}");
        for path in &linked {
            let page = partner.get(path).await;
            assert_page(&page, 200, &[&banner]);
            forms.extend(posting_forms(&page.body));
        }
        assert_eq!(forms, Vec::<String>::new(), "no form is left on any page");
        assert_shows(&partner.get("/").await, &["Nothing more can be added here"]);
        assert_hides(&partner.get("/").await, &["You can still"]);
        // A ritual nobody did today does not read as done.
        let together = partner.get("/together").await;
        assert_shows(&together, &["tea at nine"]);
        assert_hides(&together, &["done today"]);
        // The whole record stays readable.
        assert_shows(&partner.get("/checkin").await, &[SHARED]);
        let export = partner
            .post(
                "/account/export",
                &[
                    ("password", PASSWORD),
                    ("passphrase", ""),
                    ("passphrase_confirm", ""),
                ],
            )
            .await;
        assert_eq!(export.status, 200, "{}", excerpt(&export.body));
        assert_eq!(export.headers["content-type"], "application/zip");
    }
    // Nothing can be added, whatever is posted.
    let couple = app.ids_of(&involved).await.1.expect("a couple still");
    let stream = StreamId::couple(CoupleId(couple));
    let before = app.raw_kinds(stream.as_str()).await;
    let refused = involved
        .post(
            "/checkin",
            &[
                ("feelings", "sad"),
                ("intensity_sad", "2"),
                ("note", ""),
                ("visibility", "partner"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", excerpt(&refused.body));
    assert_shows(&refused, &["closed"]);
    assert_eq!(end_it(&involved).await.status, 422, "ended once");
    assert_eq!(app.raw_kinds(stream.as_str()).await, before);
    // The therapist sees nothing more.
    let seen = therapist.get(&practice_page).await;
    assert_hides(&seen, &[FOR_THERAPIST, SHARED]);
    assert_hides(&therapist.get("/practice").await, &[FOR_THERAPIST]);
    // The page says what happened, calmly.
    assert_shows(
        &involved.get("/space/end").await,
        &[
            "Your shared space was closed on",
            &day(ended_at + time::Duration::days(30)),
        ],
    );
}

on_both_backends!(ending_story: either_partner_ends_the_space_and_both_read_it_on_sqlite, either_partner_ends_the_space_and_both_read_it_on_postgres);

async fn destruction_story(app: TestApp) {
    let Couple { hurt, involved, .. } = app.couple().await;
    check_in(&hurt, &[("hopeful", "2")], SHARED, "partner").await;
    let couple = app.ids_of(&hurt).await.1.expect("a couple");
    let stream = StreamId::couple(CoupleId(couple));
    // Each partner has seen their space on Today (and so left a witness of it).
    for partner in [&hurt, &involved] {
        assert_hides(&partner.get("/").await, &[BANNER]);
    }
    assert_eq!(end_it(&involved).await.status, 303);

    // Inside the window nothing goes.
    app.clock.advance(time::Duration::days(29));
    assert_eq!(
        destroy::tick(&app.state).await.unwrap(),
        destroy::TickReport::default()
    );
    // A month away signs anyone out: they sign in again to read.
    hurt.login().await;
    assert_shows(&hurt.get("/").await, &[BANNER]);
    assert_shows(&hurt.get("/checkin").await, &[SHARED]);
    assert!(!app.raw_kinds(stream.as_str()).await.is_empty());

    app.clock
        .advance(time::Duration::days(1) + time::Duration::minutes(1));
    let report = destroy::tick(&app.state).await.unwrap();
    assert_eq!(report.destroyed, 1, "{report:?}");
    for partner in [&hurt, &involved] {
        partner.login().await;
        assert!(!partner.has_a_space().await);
        let start = partner.get("/").await;
        assert_hides(&start, &[BANNER, SHARED]);
        assert_shows(&start, &["its record was destroyed on"]);
    }
    assert!(
        app.raw_kinds(stream.as_str()).await.is_empty(),
        "no event row stays"
    );
    let verified = app.store.verify().await.unwrap();
    assert!(verified.first_break.is_none(), "{:?}", verified.first_break);
    assert_eq!(
        destroy::tick(&app.state).await.unwrap(),
        destroy::TickReport::default()
    );
    // Each can begin again.
    hurt.create_space("emotional_affair", "me").await;
    assert!(hurt.has_a_space().await);
}

on_both_backends!(destruction_story: the_record_is_destroyed_after_the_window_on_sqlite, the_record_is_destroyed_after_the_window_on_postgres);

async fn racing_story(app: TestApp) {
    let Couple { hurt, .. } = app.couple().await;
    assert_eq!(end_it(&hurt).await.status, 303);
    let other = app.another_instance().await;
    app.clock.advance(time::Duration::days(31));
    other.clock.set(app.clock.now());
    let (one, two) = tokio::join!(destroy::tick(&app.state), destroy::tick(&other.state));
    let (one, two) = (one.unwrap(), two.unwrap());
    assert_eq!(one.destroyed + two.destroyed, 1, "{one:?} {two:?}");
    assert_eq!(one.failed + two.failed, 0, "{one:?} {two:?}");
    let verified = app.store.verify().await.unwrap();
    assert!(verified.first_break.is_none(), "{:?}", verified.first_break);
}

on_both_backends!(racing_story: two_instances_destroy_an_ended_record_once_on_sqlite, two_instances_destroy_an_ended_record_once_on_postgres);

fn mailing(sink: &SmtpSink) -> WebConfig {
    WebConfig {
        mail: Some(
            MailConfig::new(
                &sink.url(),
                "Our Kintsugi <kintsugi@example.org>",
                "https://kintsugi.example.org",
            )
            .unwrap(),
        ),
        limits: Limits {
            auth_attempts: 1_000,
            ..Limits::default()
        },
        ..WebConfig::default()
    }
}

#[tokio::test]
async fn the_other_partner_is_told_neutrally_by_email_once() {
    let sink = SmtpSink::start().await;
    let app = TestApp::spawn_with(mailing(&sink)).await;
    let Couple { hurt, involved, .. } = app.couple().await;
    check_in(&hurt, &[("hopeful", "2")], SHARED, "partner").await;
    let key = crate::helpers::submission_key();
    let fields = [("password", PASSWORD), ("confirm", "end")];
    assert_eq!(
        hurt.post_with_key("/space/end", &key, &fields).await.status,
        303
    );
    // The same form sent again (a double tap) tells nobody twice.
    assert_eq!(
        hurt.post_with_key("/space/end", &key, &fields).await.status,
        303
    );
    let mails = sink.mails();
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert_eq!(mail.to, vec![format!("<{}>", involved.email)]);
    assert_eq!(
        mail.header("Subject").as_deref(),
        Some("Something changed in your Kintsugi space")
    );
    assert!(mail.body().contains("https://kintsugi.example.org/"));
    assert!(!mail.data.contains(SHARED));
    for told in ["ended", "closed", "destroy", "30 days"] {
        assert!(!mail.body().contains(told), "{told}");
    }
}
