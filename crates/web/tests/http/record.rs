//! The record at the HTTP level, on SQLite and PostgreSQL: an undated
//! disclosure survives a restart and reaches a second instance; a private
//! stream's events say only "private" at rest; and a couple record damaged
//! in each way of the store's tamper table, read by a cold instance, shows
//! its couple the calm integrity page and nothing of itself, while another
//! couple carries on.

use crate::helpers::{assert_page, on_both_backends, Couple, Person, TestApp};
use async_trait::async_trait;
use kintsugi_core::{CoupleId, StreamId, UserId};
use kintsugi_store::testing::tamper::{Also, Tamperer, Tampering, Writer, TAMPERINGS};
use kintsugi_store::testing::Raw;
use kintsugi_store::NewEvent;
use kintsugi_web::record::DomainEvents;

const INTEGRITY: &str = "This record did not pass its integrity check";

/// The involved partner volunteers a disclosure with the date left empty;
/// returns its entry id.
async fn disclose_undated(involved: &Person, text: &str) -> u64 {
    let page = involved
        .post("/truth/disclosures", &[("text", text), ("refers_to", "")])
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let location = page.location.expect("the disclosure leads to its entry");
    let id = location.rsplit_once("#entry-").expect("an entry anchor").1;
    id.parse().expect("an entry id")
}

/// How the app meets a disclosure written before it started.
#[derive(Clone, Copy)]
enum Later {
    /// The app that wrote it stopped and started again.
    Restart,
    /// A second instance on the same database, the first still running.
    SecondInstance,
}

async fn undated_disclosure_story(app: TestApp, later: Later) {
    let couple = app.couple().await;
    let told = "Marker-undated: I was not where I said that weekend.";
    let id = disclose_undated(&couple.involved, told).await;

    // Either way, an instance with a cold cache reads every event from the start.
    let (first, next) = match later {
        Later::Restart => (None, app.restart().await),
        Later::SecondInstance => {
            let second = app.another_instance().await;
            (Some(app), second)
        }
    };
    let (hurt, involved) = (couple.hurt.visiting(&next), couple.involved.visiting(&next));
    assert!(hurt.sees("/truth", told).await, "the hurt partner sees it");
    assert!(involved.sees("/truth", told).await, "its author sees it");
    let thanks = "Marker-thanks: thank you for telling me.";
    let acknowledged = hurt
        .post(&format!("/truth/{id}/acknowledge"), &[("response", thanks)])
        .await;
    assert_eq!(acknowledged.status, 303, "{}", acknowledged.body);
    assert!(involved.sees("/truth", thanks).await);
    // The first instance, warm, catches up with what the second wrote.
    if first.is_some() {
        assert!(couple.involved.sees("/truth", thanks).await);
    }
    let report = next.store.verify_with(&DomainEvents).await;
    assert_eq!(report.expect("verify runs").first_break, None);
}

#[tokio::test]
async fn an_undated_disclosure_survives_a_restart_on_sqlite() {
    undated_disclosure_story(TestApp::spawn().await, Later::Restart).await;
}

#[tokio::test]
async fn an_undated_disclosure_reaches_a_second_instance_on_sqlite() {
    undated_disclosure_story(TestApp::spawn().await, Later::SecondInstance).await;
}

#[tokio::test]
async fn an_undated_disclosure_survives_a_restart_on_postgres() {
    if let Some(app) = TestApp::spawn_on_postgres().await {
        undated_disclosure_story(app, Later::Restart).await;
    }
}

#[tokio::test]
async fn an_undated_disclosure_reaches_a_second_instance_on_postgres() {
    if let Some(app) = TestApp::spawn_on_postgres().await {
        undated_disclosure_story(app, Later::SecondInstance).await;
    }
}

async fn private_stream_of(app: &TestApp, person: &Person) -> String {
    let (user, _) = app.ids_of(person).await;
    StreamId::private(UserId(user)).as_str().to_owned()
}

async fn private_kinds_story(app: TestApp) {
    let couple = app.couple().await;
    let fields = crate::checkin::check_in_fields(&[("sad", "2")], "", "only_me");
    let kept = couple
        .hurt
        .post("/checkin", &crate::helpers::field_refs(&fields))
        .await;
    assert_eq!(kept.status, 303, "{}", kept.body);
    assert_eq!(couple.hurt.get("/").await.status, 200);
    let private = private_stream_of(&app, &couple.hurt).await;
    let kinds = app.raw_kinds(&private).await;
    // A kept check-in, a visit mark and a witness of the couple record.
    assert!(kinds.len() >= 3, "{kinds:?}");
    assert!(kinds.iter().all(|kind| kind == "private"), "{kinds:?}");
    // An event written before keeps its room's kind (a ciphertext never
    // changes once appended) and still reads.
    let (user, _) = app.ids_of(&couple.hurt).await;
    let head = app
        .store
        .head(&private)
        .await
        .expect("a head")
        .map_or(0, |h| h.seq);
    let older = NewEvent {
        author: user.to_string(),
        kind: "checkin".to_owned(),
        payload: br#"{"room":"check_in","event":{"type":"kept","check_in":{"feelings":[{"feeling":"hopeful","intensity":1}],"note":"Marker-older"}}}"#.to_vec(),
    };
    let appended = app.store.append(&private, head, vec![older]).await;
    appended.expect("an event as an older version wrote it");
    assert!(couple.hurt.sees("/checkin", "Marker-older").await);
    assert_eq!(
        app.raw_kinds(&private).await.last().map(String::as_str),
        Some("checkin")
    );
    // The positive control: the couple's record still names its rooms.
    let (_, space) = app.ids_of(&couple.hurt).await;
    let shared = StreamId::couple(CoupleId(space.expect("a space")));
    assert!(app
        .raw_kinds(shared.as_str())
        .await
        .contains(&"space".to_owned()));
    let report = app.store.verify_with(&DomainEvents).await;
    assert_eq!(report.expect("verify runs").first_break, None);
}

on_both_backends!(private_kinds_story:
    private_events_say_only_private_at_rest_on_sqlite,
    private_events_say_only_private_at_rest_on_postgres);

const SECRET: &str = "Marker-damaged: the first thing I told.";

async fn couple_stream(app: &TestApp, couple: &Couple) -> String {
    let (_, space) = app.ids_of(&couple.hurt).await;
    StreamId::couple(CoupleId(space.expect("a space")))
        .as_str()
        .to_owned()
}

/// Both partners open Today, which leaves each one's witness of the
/// record's head in their private stream.
async fn both_see_today(couple: &Couple) {
    for person in [&couple.hurt, &couple.involved] {
        assert!(person.sees("/", "Quick exit").await);
    }
}

/// Two couples whose records each hold their space, its betrayal, the
/// joining and a disclosure: four events, as the tamper table expects, the
/// newest seen by both partners. The first couple's record is damaged.
async fn world_to_damage(app: &TestApp) -> (Couple, Couple) {
    let couple = app.couple().await;
    let other = app.couple().await;
    for (each, told) in [(&couple, SECRET), (&other, "Marker-other: told too.")] {
        disclose_undated(&each.involved, told).await;
        both_see_today(each).await;
        assert_eq!(app.heads_of(&each.hurt).await.couple, 4, "the table's seqs");
    }
    (couple, other)
}

/// What the couple does between the table's steps: their record grows by
/// an event the app reads (a copy of its newest), and they look at Today.
struct CoupleWrites<'a> {
    app: &'a TestApp,
    couple: &'a Couple,
}

#[async_trait]
impl Writer for CoupleWrites<'_> {
    async fn append(&self, stream: &str, _author: &str, _payload: &str) {
        let events = self.app.store.read(stream, 0).await.expect("it reads");
        let newest = events.last().expect("an event");
        let copy = NewEvent {
            author: newest.author.clone(),
            kind: newest.kind.clone(),
            payload: newest.payload.clone().expect("not redacted"),
        };
        let appended = self.app.store.append(stream, newest.seq, vec![copy]);
        appended.await.expect("the store appends");
    }

    async fn witness(&self, _stream: &str) {
        both_see_today(self.couple).await;
    }
}

/// How many damaged worlds are made at once, each on its own database.
const WORLDS_AT_ONCE: usize = 3;

/// Every tampering of the store's table, each on a fresh database.
async fn integrity_page_story(on_postgres: bool) {
    if on_postgres && TestApp::spawn_on_postgres().await.is_none() {
        return;
    }
    let turns = std::sync::Arc::new(tokio::sync::Semaphore::new(WORLDS_AT_ONCE));
    let mut worlds = tokio::task::JoinSet::new();
    for tampering in TAMPERINGS {
        let turns = turns.clone();
        worlds.spawn(async move {
            let _turn = turns
                .acquire_owned()
                .await
                .expect("the semaphore stays open");
            integrity_page_after(tampering, on_postgres).await;
        });
    }
    // A failed world's panic names its tampering; it is raised here as it was.
    while let Some(ran) = worlds.join_next().await {
        if let Err(failed) = ran {
            std::panic::resume_unwind(failed.into_panic());
        }
    }
}

async fn integrity_page_after(tampering: &Tampering, on_postgres: bool) {
    let app = if on_postgres {
        TestApp::spawn_on_postgres()
            .await
            .expect("PostgreSQL was there a moment ago")
    } else {
        TestApp::spawn().await
    };
    let name = tampering.name;
    let (couple, other) = world_to_damage(&app).await;
    let damaged = couple_stream(&app, &couple).await;
    let untouched = couple_stream(&app, &other).await;
    let raw = Raw::open(&app.database_url).await;
    let tamperer = Tamperer::new(raw, app.store.clone(), &untouched, &damaged);
    let writes = CoupleWrites {
        app: &app,
        couple: &couple,
    };
    tamperer.damage(tampering, &writes).await;
    let verified = app.store.verify_with(&DomainEvents).await;
    let found = verified.expect("verify runs").first_break;
    let found = found.unwrap_or_else(|| panic!("{name}: verify found nothing"));
    // Where two streams are damaged, which verify meets first depends on
    // how the couples' ids sort.
    let mut expected = vec![tampering.found];
    if let Also::Refused(other) = tampering.also {
        expected.push(other);
    }
    let named = expected
        .iter()
        .map(|each| (tamperer.fill(each.stream), each.problem))
        .any(|place| place == (found.stream_id.clone(), found.problem));
    assert!(named, "{name}: verify said {}", found.reason);

    let cold = app.another_instance().await;
    for person in [&couple.hurt, &couple.involved] {
        let person = person.visiting(&cold);
        for path in ["/", "/truth", "/space"] {
            let page = person.get(path).await;
            let what = format!("{name}: {path}");
            assert_eq!(page.status, 500, "{what}: {}", page.body);
            assert!(page.body.contains(INTEGRITY), "{what}");
            assert!(page.body.contains("Quick exit"), "{what}: the layout");
            assert!(!page.body.contains("Marker-damaged"), "{what}: served");
        }
    }
    if tampering.spares_a() {
        let page = other.hurt.visiting(&cold).get("/truth").await;
        assert_page(&page, 200, &["Quick exit", "Marker-other"]);
        assert!(!page.body.contains(INTEGRITY), "{name}: the other couple");
    }
}

#[tokio::test]
async fn every_tampering_shows_its_couple_the_integrity_page_on_sqlite() {
    integrity_page_story(false).await;
}

#[tokio::test]
async fn every_tampering_shows_its_couple_the_integrity_page_on_postgres() {
    integrity_page_story(true).await;
}

/// What the app writes carries the app's clock, not the database's nor the
/// store's own: a test that moves time sees its entries dated there.
#[tokio::test]
async fn entries_are_dated_by_the_apps_clock() {
    use kintsugi_web::app::clock::Clock;
    let app = TestApp::spawn().await;
    let couple = app.couple().await;
    // Far enough from the real time to tell, near enough for the session
    // (idle sessions end after three days).
    app.clock
        .advance(time::Duration::hours(7) + time::Duration::seconds(3));
    disclose_undated(&couple.involved, "Marker-later: what I told you in spring.").await;
    let events = app
        .store
        .read(&couple_stream(&app, &couple).await, 0)
        .await
        .expect("the record reads");
    let newest = events.last().expect("the disclosure").created_at;
    let off_by = (newest - app.clock.now()).abs();
    assert!(
        off_by < time::Duration::milliseconds(1),
        "{newest} is not the app's now"
    );
}

/// The partner's witness counts as well as one's own. The record is put
/// back, seal and all, to before what the involved partner last saw but not
/// before what the hurt partner saw: once an instance holds the involved
/// partner's witness, the hurt partner is refused it too.
async fn partners_witness_story(app: TestApp) {
    let couple = app.couple().await;
    both_see_today(&couple).await;
    let stream = couple_stream(&app, &couple).await;
    let raw = Raw::open(&app.database_url).await;
    let kept_seal = raw.stream_bytes("stream_seals", "seal", &stream).await;
    let kept_seq = app.heads_of(&couple.hurt).await.couple;
    disclose_undated(&couple.involved, SECRET).await;
    assert!(couple.involved.sees("/", "Quick exit").await);
    let rolled_back =
        format!("DELETE FROM events WHERE stream_id = '{stream}' AND seq > {kept_seq}");
    assert_eq!(raw.execute(&rolled_back).await, 1);
    let seal_back =
        format!("UPDATE stream_seals SET seq = {kept_seq} WHERE stream_id = '{stream}'");
    assert_eq!(raw.execute(&seal_back).await, 1);
    let kept_seal = kept_seal.expect("a seal");
    raw.set_stream_bytes("stream_seals", "seal", &stream, kept_seal)
        .await;

    let cold = app.another_instance().await;
    let (hurt, involved) = (couple.hurt.visiting(&cold), couple.involved.visiting(&cold));
    // The positive control: the hurt partner's own witness still holds, and
    // this instance holds nothing of the involved partner's yet.
    assert_page(&hurt.get("/truth").await, 200, &["Quick exit"]);
    // The involved partner's own witness refuses the record...
    let theirs = involved.get("/").await;
    assert_page(&theirs, 500, &[INTEGRITY, "Quick exit"]);
    // ...and, now held here, refuses it to the hurt partner too.
    let refused = hurt.get("/truth").await;
    assert_page(&refused, 500, &[INTEGRITY, "Quick exit"]);
}

on_both_backends!(partners_witness_story:
    a_partners_witness_refuses_a_rolled_back_record_on_sqlite,
    a_partners_witness_refuses_a_rolled_back_record_on_postgres);
