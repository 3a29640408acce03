//! Commits of concurrent requests: all of them land, each readable, the
//! record intact. On SQLite they are grouped (one transaction, one fsync
//! for what waits together); inside a group each action still fails alone,
//! and nobody hears "written" before the group's COMMIT returned.
//!
//! The SQLite stories hold the database's write lock from another
//! connection, so the store's writer waits at `BEGIN IMMEDIATE` with a
//! first action in hand while the next ones queue up behind it: which
//! actions share a transaction is then known, not left to timing.

use crate::harness::{conformance_tests, event, fill, Kind, TestDb};
use kintsugi_store::{CommitBatches, NewSubmission, Store, StoreError, StoredEvent, StreamAppend};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Connection};
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;
use uuid::Uuid;

conformance_tests!(many_concurrent_commits_to_different_streams_all_land);

mod sqlite_batches {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn actions_waiting_together_commit_in_one_transaction() {
        actions_waiting_together_commit_in_one_transaction_().await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_moved_stream_fails_its_action_alone_in_the_batch() {
        a_moved_stream_fails_its_action_alone_in_the_batch_().await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_used_key_fails_its_action_alone_in_the_batch() {
        a_used_key_fails_its_action_alone_in_the_batch_().await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_batch_whose_commit_fails_acknowledges_none_of_its_actions() {
        a_batch_whose_commit_fails_acknowledges_none_of_its_actions_().await
    }
}

fn append(stream_id: &str, expected_seq: u64, payload: &str) -> StreamAppend {
    StreamAppend::new(stream_id, expected_seq, vec![event("ana", "note", payload)])
}

type Written = Result<Vec<Vec<StoredEvent>>, StoreError>;

fn spawn_commit(
    store: &Arc<dyn Store>,
    appends: Vec<StreamAppend>,
    submission: Option<NewSubmission>,
) -> JoinHandle<Written> {
    let store = store.clone();
    tokio::spawn(async move { store.commit(appends, submission).await })
}

/// The batch counts gained since `before`.
fn gained(store: &dyn Store, before: &CommitBatches) -> (u64, u64) {
    let now = store.commit_batches();
    (now.batches - before.batches, now.actions - before.actions)
}

async fn many_concurrent_commits_to_different_streams_all_land(kind: Kind) {
    const ACTIONS: usize = 48;
    let (_db, store) = TestDb::with_store(kind).await;
    let before = store.commit_batches();
    let start = Arc::new(tokio::sync::Barrier::new(ACTIONS));
    let tasks: Vec<_> = (0..ACTIONS)
        .map(|n| {
            let (store, start) = (store.clone(), start.clone());
            tokio::spawn(async move {
                start.wait().await;
                let appends = vec![
                    append(&format!("couple:{n}"), 0, "shared"),
                    append(&format!("private:{n}"), 0, "kept"),
                ];
                store.commit(appends, None).await
            })
        })
        .collect();
    for (n, task) in tasks.into_iter().enumerate() {
        let written = task.await.unwrap().unwrap();
        let couple = store.read(&format!("couple:{n}"), 0).await.unwrap();
        let private = store.read(&format!("private:{n}"), 0).await.unwrap();
        assert_eq!(
            written,
            [couple, private],
            "action {n} reads back as written"
        );
    }
    assert_eq!(store.verify().await.unwrap().first_break, None);
    let (batches, actions) = gained(store.as_ref(), &before);
    assert_eq!(actions, ACTIONS as u64, "every action is counted once");
    assert!((1..=actions).contains(&batches), "{batches} batches");
}

/// Another connection holding SQLite's write lock.
struct WriteLock(SqliteConnection);

impl WriteLock {
    async fn take(db: &TestDb) -> WriteLock {
        let options = SqliteConnectOptions::new()
            .filename(db.sqlite_path().unwrap())
            .foreign_keys(true);
        let mut connection = options.connect().await.unwrap();
        sqlx::query("BEGIN IMMEDIATE")
            .execute(&mut connection)
            .await
            .unwrap();
        WriteLock(connection)
    }

    /// Runs `sql` in the held transaction; it lands on release.
    async fn execute(&mut self, sql: &str) {
        sqlx::query(sql).execute(&mut self.0).await.unwrap();
    }

    async fn release(mut self) {
        self.execute("COMMIT").await;
        self.0.close().await.unwrap();
    }
}

/// Waits until the store's writer reports what `ready` wants: never
/// asserted on time, bounded only so a broken writer fails the test.
async fn until(store: &dyn Store, what: &str, ready: impl Fn(&CommitBatches) -> bool) {
    for _ in 0..20_000 {
        if ready(&store.commit_batches()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    panic!(
        "the writer never reached: {what}; it reports {:?}",
        store.commit_batches()
    );
}

/// With the write lock held elsewhere: hands the writer a first action
/// (on `couple:plug`, which must exist) and waits until it holds it at
/// `BEGIN IMMEDIATE`, so every action queued after it shares the next
/// transaction.
async fn plug_the_writer(store: &Arc<dyn Store>) -> JoinHandle<Written> {
    let head = store
        .head("couple:plug")
        .await
        .unwrap()
        .map_or(0, |h| h.seq);
    let plug = spawn_commit(store, vec![append("couple:plug", head, "plug")], None);
    until(store.as_ref(), "holding the plug", |b| b.writing == 1).await;
    plug
}

/// Queues each commit behind the plug, one after the other, so they reach
/// the writer in this order.
async fn queue(
    store: &Arc<dyn Store>,
    commits: Vec<(Vec<StreamAppend>, Option<NewSubmission>)>,
) -> Vec<JoinHandle<Written>> {
    let mut tasks = Vec::new();
    for (appends, submission) in commits {
        tasks.push(spawn_commit(store, appends, submission));
        let queued = tasks.len() as u64;
        until(store.as_ref(), "the next action queued", |b| {
            b.queued == queued
        })
        .await;
    }
    tasks
}

/// A SQLite store whose `streams` exist already (with one event each), so
/// that no commit below needs a new stream key written first.
async fn sqlite_store(streams: &[&str]) -> (TestDb, Arc<dyn Store>) {
    let (db, store) = TestDb::with_store(Kind::Sqlite).await;
    for stream in streams.iter().chain(&["couple:plug"]) {
        fill(store.as_ref(), stream, 1).await;
    }
    (db, store)
}

async fn actions_waiting_together_commit_in_one_transaction_() {
    const QUEUED: usize = 10;
    let streams: Vec<String> = (0..QUEUED).map(|n| format!("couple:{n}")).collect();
    let names: Vec<&str> = streams.iter().map(String::as_str).collect();
    let (db, store) = sqlite_store(&names).await;
    let before = store.commit_batches();

    let lock = WriteLock::take(&db).await;
    let plug = plug_the_writer(&store).await;
    let commits = names
        .iter()
        .map(|stream| (vec![append(stream, 1, "queued")], None))
        .collect();
    let tasks = queue(&store, commits).await;
    assert_eq!(
        gained(store.as_ref(), &before),
        (0, 0),
        "nothing is written yet"
    );
    assert!(
        !plug.is_finished() && tasks.iter().all(|task| !task.is_finished()),
        "no caller hears back before its transaction commits"
    );
    lock.release().await;

    plug.await.unwrap().unwrap();
    for (task, stream) in tasks.into_iter().zip(&names) {
        let written = task.await.unwrap().unwrap();
        assert_eq!(written[0][0].seq, 2);
        assert_eq!(store.read(stream, 1).await.unwrap(), written[0]);
    }
    // The plug alone, then the ten that waited behind it together: a mean
    // batch of 5.5 actions.
    assert_eq!(gained(store.as_ref(), &before), (2, 1 + QUEUED as u64));
    let after = store.commit_batches();
    let at_most = |bound: u64| {
        let of = |b: &CommitBatches| b.at_most.iter().find(|(b, _)| *b == bound).unwrap().1;
        of(&after) - of(&before)
    };
    assert_eq!((at_most(1), at_most(8), at_most(16)), (1, 1, 2));
    assert_eq!(store.verify().await.unwrap().first_break, None);
}

async fn a_moved_stream_fails_its_action_alone_in_the_batch_() {
    let (db, store) = sqlite_store(&["couple:1", "couple:2", "private:ben"]).await;
    let before = store.commit_batches();

    let lock = WriteLock::take(&db).await;
    let plug = plug_the_writer(&store).await;
    let tasks = queue(
        &store,
        vec![
            (vec![append("couple:1", 1, "first")], None),
            // Decided on the same head as the first: it must lose, and
            // its other stream must stay as it was.
            (
                vec![
                    append("private:ben", 1, "kept"),
                    append("couple:1", 1, "second"),
                ],
                None,
            ),
            (vec![append("couple:2", 1, "elsewhere")], None),
        ],
    )
    .await;
    lock.release().await;
    plug.await.unwrap().unwrap();
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.unwrap());
    }

    let first = outcomes.remove(0).unwrap();
    match outcomes.remove(0) {
        Err(StoreError::Conflict {
            stream_id,
            expected,
            actual,
        }) => assert_eq!((stream_id.as_str(), expected, actual), ("couple:1", 1, 2)),
        other => panic!("expected the second to find couple:1 moved, got {other:?}"),
    }
    let elsewhere = outcomes.remove(0).unwrap();
    assert_eq!(store.read("couple:1", 1).await.unwrap(), first[0]);
    assert_eq!(store.read("couple:2", 1).await.unwrap(), elsewhere[0]);
    assert_eq!(store.head("private:ben").await.unwrap().unwrap().seq, 1);
    assert_eq!(store.read("private:ben", 1).await.unwrap(), []);
    // The plug, then one transaction with the two that landed.
    assert_eq!(gained(store.as_ref(), &before), (2, 3));

    // Decided again on the new head, the loser lands.
    let retried = vec![
        append("private:ben", 1, "kept"),
        append("couple:1", 2, "second"),
    ];
    let written = store.commit(retried, None).await.unwrap();
    assert_eq!((written[0][0].seq, written[1][0].seq), (2, 3));
    assert_eq!(store.verify().await.unwrap().first_break, None);
}

async fn a_used_key_fails_its_action_alone_in_the_batch_() {
    let (db, store) = sqlite_store(&["couple:1", "couple:2", "couple:3"]).await;
    let user = Uuid::new_v4();
    let key = |request: u8| NewSubmission {
        user_id: user,
        key_hash: [9; 32],
        request_hash: [request; 32],
    };

    let lock = WriteLock::take(&db).await;
    let plug = plug_the_writer(&store).await;
    let tasks = queue(
        &store,
        vec![
            (vec![append("couple:1", 1, "first")], Some(key(1))),
            (vec![append("couple:2", 1, "again")], Some(key(2))),
            (vec![append("couple:3", 1, "no key")], None),
        ],
    )
    .await;
    lock.release().await;
    plug.await.unwrap().unwrap();
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.unwrap());
    }

    let first = outcomes.remove(0).unwrap();
    match outcomes.remove(0) {
        Err(StoreError::SubmissionUsed(record)) => {
            assert_eq!((record.stream_id.as_str(), record.seq), ("couple:1", 2));
            assert_eq!(record.request_hash, [1; 32]);
        }
        other => panic!("expected the key to be used already, got {other:?}"),
    }
    outcomes.remove(0).unwrap();
    assert_eq!(store.read("couple:1", 1).await.unwrap(), first[0]);
    assert_eq!(store.read("couple:2", 1).await.unwrap(), []);
    assert_eq!(store.head("couple:3").await.unwrap().unwrap().seq, 2);
    assert_eq!(store.verify().await.unwrap().first_break, None);
}

async fn a_batch_whose_commit_fails_acknowledges_none_of_its_actions_() {
    let (db, store) = sqlite_store(&["couple:a", "couple:trap", "couple:b"]).await;
    let user = Uuid::new_v4();
    let key = NewSubmission {
        user_id: user,
        key_hash: [4; 32],
        request_hash: [4; 32],
    };
    let before = store.commit_batches();

    // A real failure of the COMMIT statement: a row written with the
    // trapped stream's event breaks a deferred foreign key, which SQLite
    // checks only when the transaction commits.
    let mut lock = WriteLock::take(&db).await;
    lock.execute(
        "CREATE TABLE commit_trap (name TEXT REFERENCES meta (name) DEFERRABLE INITIALLY DEFERRED)",
    )
    .await;
    lock.execute(
        "CREATE TRIGGER commit_trap AFTER INSERT ON events WHEN NEW.stream_id = 'couple:trap' \
         BEGIN INSERT INTO commit_trap VALUES ('no such meta'); END",
    )
    .await;
    let plug = plug_the_writer(&store).await;
    let tasks = queue(
        &store,
        vec![
            (vec![append("couple:a", 1, "innocent")], Some(key)),
            (vec![append("couple:trap", 1, "trapped")], None),
            (vec![append("couple:b", 1, "innocent too")], None),
        ],
    )
    .await;
    lock.release().await;
    plug.await.unwrap().unwrap();

    for task in tasks {
        match task.await.unwrap() {
            Err(StoreError::CommitFailed(_)) => {}
            other => panic!("expected the batch's failure, got {other:?}"),
        }
    }
    for stream in ["couple:a", "couple:trap", "couple:b"] {
        assert_eq!(store.read(stream, 1).await.unwrap(), [], "{stream}");
    }
    assert_eq!(store.submission(user, &[4; 32]).await.unwrap(), None);
    assert_eq!(gained(store.as_ref(), &before), (1, 1), "only the plug's");
    assert_eq!(store.verify().await.unwrap().first_break, None);

    // The writer goes on; the key was never used, so it takes the action.
    let raw = db.raw().await;
    raw.execute("DROP TRIGGER commit_trap").await;
    raw.close().await;
    let written = store
        .commit(vec![append("couple:a", 1, "innocent")], Some(key))
        .await
        .unwrap();
    assert_eq!(store.read("couple:a", 1).await.unwrap(), written[0]);
    assert_eq!(store.verify().await.unwrap().first_break, None);
}
