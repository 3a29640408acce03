//! The record at the HTTP level, on SQLite and PostgreSQL: an undated
//! disclosure survives a restart and reaches a second instance; a private
//! stream's events say only "private" at rest; and a damaged couple record,
//! read by a cold instance, shows its couple the calm integrity page and
//! nothing of itself, while another couple carries on.

use crate::helpers::{assert_page, Couple, Person, TestApp};
use kintsugi_core::{CoupleId, StreamId, UserId};
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

async fn undated_disclosure_story(app: TestApp) {
    let couple = app.couple().await;
    let told = "Marker-undated: I was not where I said that weekend.";
    let id = disclose_undated(&couple.involved, told).await;

    // A new instance on the same database reads every event from the start.
    let second = app.another_instance().await;
    let (hurt, involved) = (
        couple.hurt.visiting(&second),
        couple.involved.visiting(&second),
    );
    assert!(hurt.sees("/truth", told).await, "the hurt partner sees it");
    assert!(involved.sees("/truth", told).await, "its author sees it");
    let thanks = "Marker-thanks: thank you for telling me.";
    let acknowledged = hurt
        .post(&format!("/truth/{id}/acknowledge"), &[("response", thanks)])
        .await;
    assert_eq!(acknowledged.status, 303, "{}", acknowledged.body);
    // The first instance, warm, catches up with what the second wrote.
    assert!(couple.involved.sees("/truth", thanks).await);
    let report = second.store.verify_with(&DomainEvents).await;
    assert_eq!(report.expect("verify runs").first_break, None);
}

#[tokio::test]
async fn an_undated_disclosure_survives_a_restart_on_sqlite() {
    undated_disclosure_story(TestApp::spawn().await).await;
}

#[tokio::test]
async fn an_undated_disclosure_reaches_a_second_instance_on_postgres() {
    if let Some(app) = TestApp::spawn_on_postgres().await {
        undated_disclosure_story(app).await;
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

#[tokio::test]
async fn private_events_say_only_private_at_rest_on_sqlite() {
    private_kinds_story(TestApp::spawn().await).await;
}

#[tokio::test]
async fn private_events_say_only_private_at_rest_on_postgres() {
    if let Some(app) = TestApp::spawn_on_postgres().await {
        private_kinds_story(app).await;
    }
}

/// One way of damaging a couple's record behind the app's back: SQL in
/// which `{s}` is the couple's stream and `{other}` another couple's.
struct Damage {
    name: &'static str,
    sql: &'static [&'static str],
}

const fn damage(name: &'static str, sql: &'static [&'static str]) -> Damage {
    Damage { name, sql }
}

/// The kinds of tampering of the store's table, as SQL both backends run.
/// Before them, the record's seal was kept in `kept_seals` and the couple
/// wrote on; both partners saw the newest head (their witnesses).
const DAMAGES: &[Damage] = &[
    damage(
        "hash changed",
        &["UPDATE events SET hash = prev_hash WHERE stream_id = '{s}' AND seq = 2"],
    ),
    damage(
        "prev_hash changed",
        &["UPDATE events SET prev_hash = hash WHERE stream_id = '{s}' AND seq = 2"],
    ),
    damage(
        "payload_hash changed",
        &["UPDATE events SET payload_hash = hash WHERE stream_id = '{s}' AND seq = 2"],
    ),
    damage(
        "author changed",
        &["UPDATE events SET author = 'someone-else' WHERE stream_id = '{s}' AND seq = 2"],
    ),
    damage(
        "kind changed",
        &["UPDATE events SET kind = 'truth' WHERE stream_id = '{s}' AND seq = 1"],
    ),
    damage(
        "created_at backdated",
        &["UPDATE events SET created_at = created_at - 86400000000 WHERE stream_id = '{s}' AND seq = 2"],
    ),
    damage(
        "format unknown",
        &["UPDATE events SET format = 3 WHERE stream_id = '{s}' AND seq = 2"],
    ),
    damage(
        "ciphertext copied from another event",
        &["UPDATE events SET payload_ciphertext = (SELECT payload_ciphertext FROM events \
           WHERE stream_id = '{s}' AND seq = 1) WHERE stream_id = '{s}' AND seq = 2"],
    ),
    damage(
        "forged redaction",
        &["UPDATE events SET payload_ciphertext = NULL WHERE stream_id = '{s}' AND seq = 2"],
    ),
    damage(
        "middle event deleted",
        &["DELETE FROM events WHERE stream_id = '{s}' AND seq = 2"],
    ),
    damage(
        "newest event deleted",
        &["DELETE FROM events WHERE stream_id = '{s}' AND seq = \
           (SELECT MAX(seq) FROM events WHERE stream_id = '{s}')"],
    ),
    damage(
        "every row deleted, the seal kept",
        &["DELETE FROM events WHERE stream_id = '{s}'"],
    ),
    damage(
        "wrapped key deleted",
        &["DELETE FROM stream_keys WHERE stream_id = '{s}'"],
    ),
    damage(
        "wrapped key copied from another couple",
        &["UPDATE stream_keys SET wrapped_key = (SELECT wrapped_key FROM stream_keys \
           WHERE stream_id = '{other}') WHERE stream_id = '{s}'"],
    ),
    damage(
        "seal removed",
        &["DELETE FROM stream_seals WHERE stream_id = '{s}'"],
    ),
    damage(
        "seal copied from another couple",
        &["UPDATE stream_seals SET seal = (SELECT seal FROM stream_seals \
           WHERE stream_id = '{other}') WHERE stream_id = '{s}'"],
    ),
    damage(
        "rolled back with its seal behind the partners' witnesses",
        &[
            "DELETE FROM events WHERE stream_id = '{s}' AND seq > \
             (SELECT seq FROM kept_seals WHERE stream_id = '{s}')",
            "UPDATE stream_seals SET \
             seq = (SELECT seq FROM kept_seals WHERE stream_id = '{s}'), \
             seal = (SELECT seal FROM kept_seals WHERE stream_id = '{s}') \
             WHERE stream_id = '{s}'",
        ],
    ),
    damage(
        "deleted with its seal and key under the partners' witnesses",
        &[
            "DELETE FROM events WHERE stream_id = '{s}'",
            "DELETE FROM stream_seals WHERE stream_id = '{s}'",
            "DELETE FROM stream_keys WHERE stream_id = '{s}'",
        ],
    ),
];

const SECRET: &str = "Marker-damaged: the first thing I told.";

async fn couple_stream(app: &TestApp, couple: &Couple) -> String {
    let (_, space) = app.ids_of(&couple.hurt).await;
    StreamId::couple(CoupleId(space.expect("a space")))
        .as_str()
        .to_owned()
}

/// A couple whose record holds a disclosure, a seal kept from then, and
/// more written after it that both partners have seen on Today.
async fn world_to_damage(app: &TestApp) -> (Couple, Couple) {
    let couple = app.couple().await;
    let other = app.couple().await;
    let id = disclose_undated(&couple.involved, SECRET).await;
    let kept = "CREATE TABLE kept_seals AS SELECT stream_id, seq, seal FROM stream_seals";
    app.raw_execute(kept).await;
    let acknowledged = couple
        .hurt
        .post(&format!("/truth/{id}/acknowledge"), &[("response", "")])
        .await;
    assert_eq!(acknowledged.status, 303, "{}", acknowledged.body);
    for person in [&couple.hurt, &couple.involved, &other.hurt] {
        assert!(person.sees("/", "Quick exit").await);
    }
    (couple, other)
}

/// How many damaged worlds are made at once, each on its own database.
const WORLDS_AT_ONCE: usize = 3;

async fn integrity_page_story(on_postgres: bool) {
    if on_postgres && TestApp::spawn_on_postgres().await.is_none() {
        return;
    }
    let turns = std::sync::Arc::new(tokio::sync::Semaphore::new(WORLDS_AT_ONCE));
    let mut worlds = tokio::task::JoinSet::new();
    for damage in DAMAGES {
        let turns = turns.clone();
        worlds.spawn(async move {
            let _turn = turns
                .acquire_owned()
                .await
                .expect("the semaphore stays open");
            integrity_page_after(damage, on_postgres).await;
        });
    }
    // A failed world's panic names its damage; it is raised here as it was.
    while let Some(ran) = worlds.join_next().await {
        if let Err(failed) = ran {
            std::panic::resume_unwind(failed.into_panic());
        }
    }
}

async fn integrity_page_after(damage: &Damage, on_postgres: bool) {
    let app = if on_postgres {
        TestApp::spawn_on_postgres()
            .await
            .expect("PostgreSQL was there a moment ago")
    } else {
        TestApp::spawn().await
    };
    let (couple, other) = world_to_damage(&app).await;
    let stream = couple_stream(&app, &couple).await;
    let other_stream = couple_stream(&app, &other).await;
    for sql in damage.sql {
        let sql = sql
            .replace("{s}", &stream)
            .replace("{other}", &other_stream);
        let changed = app.raw_execute(&sql).await;
        assert!(changed > 0, "{}: {sql} changed nothing", damage.name);
    }
    let verified = app.store.verify_with(&DomainEvents).await;
    let found = verified.expect("verify runs").first_break;
    let found = found.expect("verify finds the damage");
    assert_eq!(found.stream_id, stream, "{}", damage.name);

    let cold = app.another_instance().await;
    for person in [&couple.hurt, &couple.involved] {
        let person = person.visiting(&cold);
        for path in ["/", "/truth", "/space"] {
            let page = person.get(path).await;
            let what = format!("{}: {path}", damage.name);
            assert_eq!(page.status, 500, "{what}: {}", page.body);
            assert!(page.body.contains(INTEGRITY), "{what}");
            assert!(page.body.contains("Quick exit"), "{what}: the layout");
            assert!(!page.body.contains("Marker-damaged"), "{what}: served");
        }
    }
    let other = other.hurt.visiting(&cold);
    let page = other.get("/").await;
    assert_page(&page, 200, &["Quick exit"]);
    assert!(
        !page.body.contains(INTEGRITY),
        "{}: the other couple",
        damage.name
    );
}

#[tokio::test]
async fn a_damaged_record_shows_its_couple_the_integrity_page_on_sqlite() {
    integrity_page_story(false).await;
}

#[tokio::test]
async fn a_damaged_record_shows_its_couple_the_integrity_page_on_postgres() {
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
