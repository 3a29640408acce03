//! Snapshots of the projections, on SQLite and PostgreSQL: a long record
//! read once writes its snapshot (the couple's, and a person's private one
//! under their own stream's key), and a cold instance shows both partners
//! the same pages from it; a withdrawal after the snapshot leaves nothing
//! of the withdrawn words, in the database's snapshots or on any page.

use crate::helpers::{assert_redirect, on_both_backends, Person, TestApp};
use crate::repair::create;
use crate::withdraw::{assert_verified, couple_stream, private_stream, TOMBSTONE};
use kintsugi_core::checkin::{CheckIn, PrivateCheckInEvent};
use kintsugi_core::kernel::snapshot::STATE_FORMAT;
use kintsugi_core::streams::couple::CoupleEvent;
use kintsugi_core::streams::private::{PrivateEvent, PrivateState};
use kintsugi_core::truth::{self, DisclosureInput};
use kintsugi_core::{Projection, UserId};
use kintsugi_store::{NewEvent, Snapshot};
use kintsugi_web::projections::SNAPSHOT_EVERY;

/// Pages that read the couple's record and the viewer's private stream
/// and write nothing (Today would leave a visit mark).
const PAGES: [&str; 4] = ["/truth", "/checkin", "/progress", "/space"];

/// How many events each long stream is given.
const LONG: u64 = SNAPSHOT_EVERY + 44;

/// `count` disclosures by `author`, appended to the couple's record in one
/// go, as years of a record leave them.
async fn disclosures(app: &TestApp, stream: &str, author: &Person, count: u64) {
    let (id, _) = app.ids_of(author).await;
    let cached = app.state.couples.read(app.store.as_ref(), stream).await;
    let cached = cached.expect("the record reads");
    let now = time::OffsetDateTime::now_utc();
    let events = (0..count)
        .map(|n| {
            let input = DisclosureInput {
                text: format!("mk-long-record line {n}"),
                ..DisclosureInput::default()
            };
            let disclosed = truth::volunteer(&cached.state.space, UserId(id), now, &input);
            let event = CoupleEvent::from(disclosed.expect("a disclosure"));
            NewEvent {
                author: id.to_string(),
                kind: event.kind().to_owned(),
                payload: serde_json::to_vec(&event).expect("it encodes"),
            }
        })
        .collect();
    let seq = cached.state.seq;
    drop(cached);
    app.store
        .append(stream, seq, events)
        .await
        .expect("appended");
}

/// `count` check-ins `author` keeps for themselves, in their private stream.
async fn kept_check_ins(app: &TestApp, author: &Person, count: u64) {
    let (id, _) = app.ids_of(author).await;
    let stream = private_stream(app, author).await;
    let head = app.store.head(&stream).await.expect("a head");
    let events = (0..count)
        .map(|n| {
            let check_in = CheckIn {
                feelings: Vec::new(),
                note: Some(format!("mk-kept-for-me {n}")),
            };
            let event = PrivateEvent::from(PrivateCheckInEvent::Kept { check_in });
            NewEvent {
                author: id.to_string(),
                kind: <PrivateState as Projection>::kind(&event).to_owned(),
                payload: serde_json::to_vec(&event).expect("it encodes"),
            }
        })
        .collect();
    let seq = head.map_or(0, |head| head.seq);
    app.store
        .append(&stream, seq, events)
        .await
        .expect("appended");
}

/// The stream's snapshot, once the task writing one past `after` is done.
async fn snapshot_after(app: &TestApp, stream: &str, after: u64) -> Snapshot {
    for _ in 0..500 {
        let found = app.store.load_snapshot(stream, STATE_FORMAT).await;
        if let Some(snapshot) = found.expect("it reads").filter(|s| s.seq > after) {
            return snapshot;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("no snapshot of {stream} was written past {after}");
}

/// What `person` is shown on `PAGES`, without the one-time tokens.
async fn pages_of(person: &Person) -> Vec<String> {
    let mut seen = Vec::new();
    for path in PAGES {
        let page = person.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        let lines = page.body.lines().filter(|line| {
            !line.contains("name=\"csrf\"") && !line.contains("name=\"submission\"")
        });
        seen.push(lines.collect::<Vec<_>>().join("\n"));
    }
    seen
}

async fn a_cold_instance_shows_a_long_record_from_its_snapshots(app: TestApp) {
    let couple = app.couple().await;
    let (hurt, involved) = (&couple.hurt, &couple.involved);
    let stream = couple_stream(&app, hurt).await;
    let mine = private_stream(&app, hurt).await;
    disclosures(&app, &stream, involved, LONG).await;
    kept_check_ins(&app, hurt, LONG).await;

    let warm = [pages_of(hurt).await, pages_of(involved).await];
    assert!(warm[0][0].contains("mk-long-record line 299"));
    assert!(
        warm[0][1].contains("mk-kept-for-me 299"),
        "kept, for its author"
    );
    assert!(
        !warm[1][1].contains("mk-kept-for-me"),
        "never for the partner"
    );
    let shared = snapshot_after(&app, &stream, 0).await;
    let kept = snapshot_after(&app, &mine, 0).await;
    assert!(shared.seq > LONG && kept.seq >= LONG);
    assert!(String::from_utf8_lossy(&kept.state).contains("mk-kept-for-me"));
    assert!(
        !String::from_utf8_lossy(&shared.state).contains("mk-kept-for-me"),
        "what is kept stays in its author's stream, and its snapshot"
    );

    let cold = app.another_instance().await;
    let seen = [
        pages_of(&hurt.visiting(&cold)).await,
        pages_of(&involved.visiting(&cold)).await,
    ];
    assert_eq!(seen, warm, "the same pages, from the snapshots");
    assert_eq!(cold.state.couples.restored(), 1, "the record came back");
    assert_eq!(cold.state.privates.restored(), 1, "the long private one");
    assert_verified(&app).await;
}

async fn a_withdrawal_after_a_snapshot_leaves_nothing_of_its_words(app: TestApp) {
    let couple = app.couple().await;
    let (hurt, involved) = (&couple.hurt, &couple.involved);
    let said = "mk-snapshot-withdrawn: words to take back";
    let fields = [("text", said), ("refers_to", "")];
    let entry = create(involved, "/truth/disclosures", &fields, "/truth#entry-").await;
    let stream = couple_stream(&app, hurt).await;
    disclosures(&app, &stream, involved, LONG).await;
    assert!(hurt.sees("/truth", said).await);
    let before = snapshot_after(&app, &stream, 0).await;
    assert!(String::from_utf8_lossy(&before.state).contains(said));

    let done = involved.post(&format!("/withdraw/{entry}"), &[]).await;
    assert_redirect(&done, &format!("/truth#entry-{entry}"));
    // The withdrawal took the snapshot that held the words; a page read
    // since may already have written one of the record as it is now.
    let found = app.store.load_snapshot(&stream, STATE_FORMAT).await;
    if let Some(newer) = found.expect("it reads") {
        assert!(newer.seq > before.seq, "the withdrawal took the older one");
        assert!(!String::from_utf8_lossy(&newer.state).contains(said));
    }

    // The next page writes a snapshot of the record as it is now.
    assert!(!hurt.sees("/truth", said).await);
    let after = snapshot_after(&app, &stream, before.seq).await;
    assert!(!String::from_utf8_lossy(&after.state).contains(said));
    let cold = app.another_instance().await;
    for person in [hurt, involved] {
        let page = person.visiting(&cold).get("/truth").await;
        assert!(page.body.contains(TOMBSTONE), "{}", page.body);
        assert!(!page.body.contains(said));
        assert!(page.body.contains("mk-long-record line 299"));
    }
    assert_eq!(cold.state.couples.restored(), 1, "from the newer snapshot");
    assert_verified(&app).await;
}

on_both_backends!(
    a_cold_instance_shows_a_long_record_from_its_snapshots:
    a_cold_instance_shows_a_long_record_from_its_snapshots_on_sqlite,
    a_cold_instance_shows_a_long_record_from_its_snapshots_on_postgres
);

on_both_backends!(
    a_withdrawal_after_a_snapshot_leaves_nothing_of_its_words:
    a_withdrawal_after_a_snapshot_leaves_nothing_of_its_words_on_sqlite,
    a_withdrawal_after_a_snapshot_leaves_nothing_of_its_words_on_postgres
);
