//! Gentle reminders by email, against a real SMTP conversation over TCP
//! (`smtp_sink`): who opted in gets what they chose at their own time,
//! nobody else gets anything, no email carries anything anyone wrote, a
//! digest never follows the partner's action, unsubscribing takes one
//! `POST` without signing in (and a `GET` changes nothing), and two
//! instances on one database send each reminder once.

use crate::checkin::check_in;
use crate::helpers::{assert_redirect, excerpt, Couple, Person, TestApp};
use crate::smtp_sink::{Mail, SmtpSink};
use kintsugi_web::app::clock::Clock;
use kintsugi_web::app::config::{Limits, MailConfig, WebConfig};
use kintsugi_web::mail::task::tick;
use time::macros::time;
use time::{Date, Duration, OffsetDateTime, Time};

/// Marker words written into entries: none may ever be in an email.
const MARKERS: &[&str] = &[
    "mk-question",
    "mk-disclosure",
    "mk-kept-check-in",
    "lake house",
];
const PUBLIC: &str = "https://kintsugi.example.org";
/// India keeps no daylight saving: 09:00 there is 03:30 UTC all year.
const ZONE: &str = "Asia/Kolkata";

fn mailing(sink: &SmtpSink) -> WebConfig {
    WebConfig {
        mail: Some(
            MailConfig::new(&sink.url(), "Our Kintsugi <kintsugi@example.org>", PUBLIC).unwrap(),
        ),
        limits: Limits {
            auth_attempts: 1_000,
            ..Limits::default()
        },
        ..WebConfig::default()
    }
}

/// One test per backend for a story `async fn(TestApp, SmtpSink)`, the app
/// sending through the sink.
macro_rules! mailing_on_both_backends {
    ($story:ident: $on_sqlite:ident, $on_postgres:ident) => {
        #[tokio::test]
        async fn $on_sqlite() {
            let sink = SmtpSink::start().await;
            $story(TestApp::spawn_with(mailing(&sink)).await, sink).await;
        }

        #[tokio::test]
        async fn $on_postgres() {
            let sink = SmtpSink::start().await;
            if let Some(app) = TestApp::spawn_on_postgres_with(mailing(&sink)).await {
                $story(app, sink).await;
            }
        }
    };
}

/// The instant `wall` on `day` in India.
fn in_india(day: Date, wall: Time) -> OffsetDateTime {
    day.with_time(wall)
        .assume_offset(time::macros::offset!(+5:30))
        .to_offset(time::UtcOffset::UTC)
}

async fn choose(person: &Person, fields: &[(&str, &str)]) {
    let mut form = vec![
        ("digest", ""),
        ("digest_at", "09:00"),
        ("check_in", ""),
        ("check_in_at", "20:00"),
        ("meeting", ""),
        ("meeting_at", "09:00"),
    ];
    for (name, value) in fields {
        form.retain(|(field, _)| field != name);
        form.push((name, value));
    }
    assert_redirect(
        &person.post("/account/reminders", &form).await,
        "/account#reminders",
    );
    let zone = person
        .post("/account/time-zone", &[("time_zone", ZONE)])
        .await;
    assert_eq!(zone.status, 200, "{}", excerpt(&zone.body));
}

/// Whether the account page shows `kind` chosen.
async fn chosen(person: &Person, kind: &str) -> bool {
    let page = person.get("/account").await.body;
    page.contains(&format!(
        "name=\"{kind}\" value=\"on\" aria-describedby=\"{kind}-hint\" checked"
    ))
}

/// Ticks at `at`, after setting the clock there.
async fn tick_at(app: &TestApp, at: OffsetDateTime) {
    app.clock.set(at);
    tick(&app.state).await.expect("the tick runs");
}

fn assert_says_nothing(mail: &Mail) {
    for marker in MARKERS {
        assert!(!mail.data.contains(marker), "{marker:?} in {}", mail.data);
    }
}

fn unsubscribe_path(mail: &Mail) -> String {
    let header = mail.header("List-Unsubscribe").expect("List-Unsubscribe");
    let link = header
        .strip_prefix(&format!("<{PUBLIC}"))
        .and_then(|rest| rest.strip_suffix('>'))
        .unwrap_or_else(|| panic!("a link to this Kintsugi: {header}"));
    assert!(link.starts_with("/unsubscribe/"), "{link}");
    link.to_owned()
}

/// The hurt partner opts into the digest and the check-in reminder; their
/// partner opts into nothing. Each partner writes something with marker
/// words, one of them kept to themselves.
async fn opted_in_couple(app: &TestApp) -> Couple {
    let couple = app.couple().await;
    choose(&couple.hurt, &[("digest", "on"), ("check_in", "on")]).await;
    let question = [("text", "mk-question: the lake house"), ("refers_to", "")];
    let asked = couple.hurt.post("/truth/questions", &question).await;
    assert_eq!(asked.status, 303, "{}", excerpt(&asked.body));
    couple
}

/// The involved partner adds `words` to the truth log: it waits for the
/// hurt partner to read.
async fn disclose(involved: &Person, words: &str) {
    let told = involved
        .post("/truth/disclosures", &[("text", words), ("refers_to", "")])
        .await;
    assert_eq!(told.status, 303, "{}", excerpt(&told.body));
}

async fn the_chosen_reminders_arrive_at_the_chosen_time_and_say_nothing(
    app: TestApp,
    sink: SmtpSink,
) {
    let couple = opted_in_couple(&app).await;
    let day = (app.clock.now() + Duration::days(1)).date();
    tick_at(&app, in_india(day, time!(08:59))).await;
    assert!(sink.mails().is_empty(), "not their time yet");
    // At 09:00 nothing waits for the hurt partner: the day is decided,
    // quietly, and what their partner does at 09:05 sends nothing.
    tick_at(&app, in_india(day, time!(09:00))).await;
    app.clock.set(in_india(day, time!(09:05)));
    disclose(&couple.involved, "mk-disclosure: I saw her twice").await;
    let kept = check_in(
        &couple.involved,
        &[("ashamed", "3")],
        "mk-kept-check-in",
        "only_me",
    )
    .await;
    assert_eq!(kept.status, 303, "{}", excerpt(&kept.body));
    tick_at(&app, in_india(day, time!(09:05))).await;
    assert!(
        sink.mails().is_empty(),
        "never at the moment the partner acted"
    );

    // The next morning it waits: one digest, to the hurt partner only.
    let next = day.next_day().expect("a next day");
    tick_at(&app, in_india(next, time!(09:00))).await;
    tick_at(&app, in_india(next, time!(09:01))).await;
    let mails = sink.mails();
    assert_eq!(mails.len(), 1, "{mails:?}");
    let digest = &mails[0];
    assert_eq!(digest.to, vec![format!("<{}>", couple.hurt.email)]);
    assert_eq!(digest.from, "<kintsugi@example.org>");
    assert_eq!(
        digest.header("Subject").as_deref(),
        Some("Something is waiting for you in Kintsugi")
    );
    assert_eq!(
        digest.header("From").as_deref(),
        Some("\"Our Kintsugi\" <kintsugi@example.org>")
    );
    assert_eq!(
        digest.header("List-Unsubscribe-Post").as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    assert!(digest
        .body()
        .contains("You have something waiting in Kintsugi."));
    assert!(digest.body().contains(&format!("Open Kintsugi: {PUBLIC}/")));
    assert_says_nothing(digest);

    // 20:00 in India, and the hurt partner has not checked in that day.
    tick_at(&app, in_india(next, time!(20:00))).await;
    let mails = sink.mails();
    assert_eq!(mails.len(), 2, "{mails:?}");
    assert_eq!(
        mails[1].header("Subject").as_deref(),
        Some("A gentle reminder to check in")
    );
    assert_eq!(mails[1].to, digest.to);
    assert_says_nothing(&mails[1]);
    assert!(
        mails
            .iter()
            .all(|mail| !mail.data.contains(&couple.involved.email)),
        "nothing to the partner who did not opt in"
    );
}

mailing_on_both_backends!(the_chosen_reminders_arrive_at_the_chosen_time_and_say_nothing:
    reminders_arrive_at_the_chosen_time_on_sqlite,
    reminders_arrive_at_the_chosen_time_on_postgres);

async fn one_post_unsubscribes_without_signing_in(app: TestApp, sink: SmtpSink) {
    let couple = opted_in_couple(&app).await;
    disclose(&couple.involved, "mk-disclosure: the lake house").await;
    let day = (app.clock.now() + Duration::days(1)).date();
    tick_at(&app, in_india(day, time!(09:00))).await;
    let mails = sink.mails();
    assert_eq!(mails.len(), 1, "{mails:?}");
    let path = unsubscribe_path(&mails[0]);

    // A scanner, or a person, opening the link changes nothing.
    let visitor = app.anonymous();
    let page = visitor.get(&path).await;
    assert_eq!(page.status, 200, "{}", excerpt(&page.body));
    assert!(page.body.contains("Stop these emails?"));
    assert!(!page.body.contains(&couple.hurt.email));
    assert!(chosen(&couple.hurt, "digest").await);
    // Any body but the one click is refused, and changes nothing.
    let form = [("content-type", "application/x-www-form-urlencoded")];
    let other = visitor
        .post_with_headers(&path, &form, "List-Unsubscribe=Maybe&check_in=".into())
        .await;
    assert_eq!(other.status, 400);
    assert!(chosen(&couple.hurt, "digest").await);
    // The mail client's one click: no session, no CSRF token.
    let done = visitor
        .post_with_headers(&path, &form, "List-Unsubscribe=One-Click".into())
        .await;
    assert_eq!(done.status, 200, "{}", excerpt(&done.body));
    assert!(done.body.contains("You will get no more of these emails"));
    assert!(!chosen(&couple.hurt, "digest").await);
    assert!(chosen(&couple.hurt, "check_in").await, "only that one kind");
    let again = visitor
        .post_with_headers(&path, &form, "List-Unsubscribe=One-Click".into())
        .await;
    assert_eq!(again.status, 404, "the link is used up");
    // The next morning, no digest.
    let next = day.next_day().expect("a next day");
    tick_at(&app, in_india(next, time!(09:00))).await;
    assert_eq!(sink.mails().len(), 1);
}

mailing_on_both_backends!(one_post_unsubscribes_without_signing_in:
    unsubscribing_takes_one_post_on_sqlite,
    unsubscribing_takes_one_post_on_postgres);

async fn two_instances_send_each_reminder_once(app: TestApp, sink: SmtpSink) {
    let couple = opted_in_couple(&app).await;
    disclose(&couple.involved, "mk-disclosure: the lake house").await;
    let second = app.another_instance().await;
    let day = (app.clock.now() + Duration::days(1)).date();
    for (n, at) in [
        in_india(day, time!(09:00)),
        in_india(day, time!(09:01)),
        in_india(day.next_day().expect("a day"), time!(09:00)),
    ]
    .into_iter()
    .enumerate()
    {
        app.clock.set(at);
        second.clock.set(at);
        let (one, two) = tokio::join!(tick(&app.state), tick(&second.state));
        let (one, two) = (one.unwrap(), two.unwrap());
        let digests = if n < 2 { 1 } else { 2 };
        assert_eq!(sink.mails().len(), digests, "at {at}: {one:?} {two:?}");
    }
}

mailing_on_both_backends!(two_instances_send_each_reminder_once:
    two_instances_send_each_reminder_once_on_sqlite,
    two_instances_send_each_reminder_once_on_postgres);

async fn the_meeting_reminder_comes_on_the_morning_of_the_agreed_day(app: TestApp, sink: SmtpSink) {
    let couple = app.couple().await;
    choose(&couple.hurt, &[("meeting", "on"), ("meeting_at", "08:00")]).await;
    let day = (app.clock.now() + Duration::days(1)).date();
    let weekday = day.weekday().to_string().to_lowercase();
    let proposed = couple
        .hurt
        .post("/meeting/time", &[("day", &weekday), ("time", "19:00")])
        .await;
    assert_eq!(proposed.location.as_deref(), Some("/meeting#time"));
    tick_at(&app, in_india(day, time!(08:00))).await;
    assert!(sink.mails().is_empty(), "suggested, not agreed yet");
    let page = couple.involved.get("/meeting").await.body;
    let proposal = page
        .split("/meeting/time/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .expect("the suggestion's agree form")
        .to_owned();
    let agreed = couple
        .involved
        .post(&format!("/meeting/time/{proposal}/agree"), &[])
        .await;
    assert_eq!(agreed.location.as_deref(), Some("/meeting#time"));
    let next_week = day + Duration::days(7);
    for before in [day + Duration::days(1), day + Duration::days(6)] {
        tick_at(&app, in_india(before, time!(08:00))).await;
    }
    tick_at(&app, in_india(next_week, time!(07:59))).await;
    assert!(
        sink.mails().is_empty(),
        "not the meeting day, or not yet 08:00"
    );
    tick_at(&app, in_india(next_week, time!(08:00))).await;
    let mails = sink.mails();
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert_eq!(
        mails[0].header("Subject").as_deref(),
        Some("Your weekly meeting is today")
    );
    assert_eq!(mails[0].to, vec![format!("<{}>", couple.hurt.email)]);
}

mailing_on_both_backends!(the_meeting_reminder_comes_on_the_morning_of_the_agreed_day:
    the_meeting_reminder_comes_on_its_day_on_sqlite,
    the_meeting_reminder_comes_on_its_day_on_postgres);

#[tokio::test]
async fn without_smtp_the_account_page_says_no_email_is_sent() {
    let app = TestApp::spawn().await;
    let person = app.stranger().await;
    let page = person.get("/account").await;
    assert!(page.body.contains("This Kintsugi does not send email."));
    assert!(page.body.contains("<fieldset disabled>"));
    let sink = SmtpSink::start().await;
    let mailing = TestApp::spawn_with(mailing(&sink)).await;
    let page = mailing.stranger().await.get("/account").await;
    assert!(!page.body.contains("does not send email"));
    assert!(!page.body.contains("disabled"));
}
