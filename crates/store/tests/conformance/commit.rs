//! One commit across streams, with a submission key: all of it or nothing,
//! and a key used once.

use crate::harness::{conformance_tests, event, fill, occurrences, Kind, TestDb};
use kintsugi_store::{MasterKey, NewSubmission, Store, StoreError, StreamAppend, SubmissionRecord};
use std::sync::Arc;
use uuid::Uuid;

conformance_tests!(
    a_two_stream_commit_lands_in_both,
    a_conflict_on_the_second_stream_leaves_the_first_unchanged,
    one_key_twice_writes_once_and_yields_the_first_record,
    eight_concurrent_commits_with_one_key_land_once,
    an_expired_key_is_absent_and_can_be_used_again,
    expired_keys_are_forgotten_and_live_ones_kept,
    the_submissions_table_holds_no_marker,
);

fn append(stream_id: &str, expected_seq: u64, payload: &str) -> StreamAppend {
    StreamAppend::new(stream_id, expected_seq, vec![event("ana", "note", payload)])
}

fn key(user_id: Uuid, key: u8, request: u8) -> NewSubmission {
    NewSubmission {
        user_id,
        key_hash: [key; 32],
        request_hash: [request; 32],
    }
}

async fn used_record(
    store: &dyn Store,
    appends: Vec<StreamAppend>,
    submission: NewSubmission,
) -> SubmissionRecord {
    match store.commit(appends, Some(submission)).await {
        Err(StoreError::SubmissionUsed(first)) => *first,
        other => panic!("expected the key to be used already, got {other:?}"),
    }
}

async fn a_two_stream_commit_lands_in_both(kind: Kind) {
    let db = TestDb::new(kind).await;
    let store = db.open(&MasterKey::generate()).await;
    fill(store.as_ref(), "couple:1", 2).await;

    let written = store
        .commit(
            vec![
                append("couple:1", 2, "shared"),
                append("private:ana", 0, "mine"),
            ],
            None,
        )
        .await
        .unwrap();

    assert_eq!(written.len(), 2);
    assert_eq!(written[0][0].seq, 3);
    assert_eq!(written[1][0].seq, 1);
    assert_eq!(store.read("couple:1", 2).await.unwrap(), written[0]);
    assert_eq!(store.read("private:ana", 0).await.unwrap(), written[1]);
    assert_eq!(store.verify().await.unwrap().first_break, None);
}

async fn a_conflict_on_the_second_stream_leaves_the_first_unchanged(kind: Kind) {
    let db = TestDb::new(kind).await;
    let store = db.open(&MasterKey::generate()).await;
    fill(store.as_ref(), "couple:1", 2).await;
    fill(store.as_ref(), "private:ana", 3).await;
    let user = Uuid::new_v4();

    for stale in [1, 2, 5] {
        let refused = store
            .commit(
                vec![
                    append("couple:1", 2, "shared"),
                    append("private:ana", stale, "mine"),
                ],
                Some(key(user, 1, 1)),
            )
            .await;
        match refused {
            Err(StoreError::Conflict {
                stream_id, actual, ..
            }) => assert_eq!((stream_id.as_str(), actual), ("private:ana", 3)),
            other => panic!("expected a conflict on private:ana, got {other:?}"),
        }
    }

    assert_eq!(store.head("couple:1").await.unwrap().unwrap().seq, 2);
    assert_eq!(store.head("private:ana").await.unwrap().unwrap().seq, 3);
    assert_eq!(store.submission(user, &[1; 32]).await.unwrap(), None);
    let report = store.verify().await.unwrap();
    assert_eq!((report.events, report.first_break), (5, None));
    // The same key is still free for the decision made again.
    store
        .commit(
            vec![append("couple:1", 2, "x"), append("private:ana", 3, "y")],
            Some(key(user, 1, 1)),
        )
        .await
        .unwrap();
}

async fn one_key_twice_writes_once_and_yields_the_first_record(kind: Kind) {
    let db = TestDb::new(kind).await;
    let store = db.open(&MasterKey::generate()).await;
    fill(store.as_ref(), "couple:1", 1).await;
    let (ana, ben) = (Uuid::new_v4(), Uuid::new_v4());

    store
        .commit(vec![append("couple:1", 1, "first")], Some(key(ana, 7, 1)))
        .await
        .unwrap();
    let first = store.submission(ana, &[7; 32]).await.unwrap().unwrap();
    assert_eq!(
        (first.user_id, first.key_hash, first.request_hash),
        (ana, [7; 32], [1; 32])
    );
    assert_eq!((first.stream_id.as_str(), first.seq), ("couple:1", 2));

    // A replay, and another request under the same key: neither writes.
    let replay = used_record(
        store.as_ref(),
        vec![append("couple:1", 2, "first")],
        key(ana, 7, 1),
    )
    .await;
    let edited = used_record(
        store.as_ref(),
        vec![append("couple:1", 2, "edited")],
        key(ana, 7, 2),
    )
    .await;
    assert_eq!(replay, first);
    assert_eq!(edited.request_hash, [1; 32]);
    assert_eq!(store.head("couple:1").await.unwrap().unwrap().seq, 2);

    // Keys are per person: another person's equal key is a new key.
    store
        .commit(vec![append("couple:1", 2, "ben")], Some(key(ben, 7, 1)))
        .await
        .unwrap();
    assert_eq!(store.head("couple:1").await.unwrap().unwrap().seq, 3);
}

async fn eight_concurrent_commits_with_one_key_land_once(kind: Kind) {
    let db = TestDb::new(kind).await;
    let store: Arc<dyn Store> = db.open(&MasterKey::generate()).await;
    let user = Uuid::new_v4();

    // Each racer writes to its own stream, so only the key can stop it.
    let racers = (0..8).map(|i| {
        let store = Arc::clone(&store);
        tokio::spawn(async move {
            let appends = vec![append(&format!("private:{i}"), 0, "double tap")];
            store.commit(appends, Some(key(user, 9, 1))).await
        })
    });
    let outcomes = outcomes_of(racers).await;

    let landed = outcomes.iter().filter(|outcome| outcome.is_ok()).count();
    let used = outcomes
        .iter()
        .filter(|outcome| matches!(outcome, Err(StoreError::SubmissionUsed(_))))
        .count();
    assert_eq!((landed, used), (1, 7), "{outcomes:?}");
    let report = store.verify().await.unwrap();
    assert_eq!((report.streams, report.events), (1, 1));
}

async fn outcomes_of<T>(handles: impl Iterator<Item = tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut outcomes = Vec::new();
    for handle in handles.collect::<Vec<_>>() {
        outcomes.push(handle.await.unwrap());
    }
    outcomes
}

async fn an_expired_key_is_absent_and_can_be_used_again(kind: Kind) {
    let db = TestDb::new(kind).await;
    let store = db.open(&MasterKey::generate()).await;
    let user = Uuid::new_v4();
    store
        .commit(
            vec![append("couple:1", 0, "long ago")],
            Some(key(user, 3, 1)),
        )
        .await
        .unwrap();
    let raw = db.raw().await;
    // A day and a minute ago, in microseconds.
    let aged = raw
        .execute("UPDATE submissions SET created_at = created_at - 86460000000")
        .await;
    assert_eq!(aged, 1);

    assert_eq!(store.submission(user, &[3; 32]).await.unwrap(), None);
    store
        .commit(vec![append("couple:1", 1, "today")], Some(key(user, 3, 2)))
        .await
        .unwrap();
    let fresh = store.submission(user, &[3; 32]).await.unwrap().unwrap();
    assert_eq!((fresh.seq, fresh.request_hash), (2, [2; 32]));
    // The expired row was replaced, not kept beside the new one.
    assert_eq!(raw.submission_rows().await.len(), 1);
    raw.close().await;
}

/// Keys are kept a day, then forgotten by the task that asks each minute;
/// a key still alive is kept, and keeps its first record.
async fn expired_keys_are_forgotten_and_live_ones_kept(kind: Kind) {
    let db = TestDb::new(kind).await;
    let store = db.open(&MasterKey::generate()).await;
    let user = Uuid::new_v4();
    for (seq, key_byte) in [(0, 1), (1, 2), (2, 3)] {
        let note = append("couple:1", seq, "a note");
        store
            .commit(vec![note], Some(key(user, key_byte, 1)))
            .await
            .unwrap();
    }
    let raw = db.raw().await;
    // Two of the three a day and a minute ago, in microseconds.
    let aged = raw
        .execute("UPDATE submissions SET created_at = created_at - 86460000000 WHERE seq < 3")
        .await;
    assert_eq!(aged, 2);
    let now = time::OffsetDateTime::now_utc();
    assert_eq!(store.forget_expired_submissions(now).await.unwrap(), 2);
    assert_eq!(raw.submission_rows().await.len(), 1);
    let kept = store.submission(user, &[3; 32]).await.unwrap().unwrap();
    assert_eq!(kept.seq, 3);
    assert_eq!(store.forget_expired_submissions(now).await.unwrap(), 0);
    raw.close().await;
}

async fn the_submissions_table_holds_no_marker(kind: Kind) {
    const MARKER: &str = "MARKER-c41d-the-hotel-in-lyon";
    let db = TestDb::new(kind).await;
    let store = db.open(&MasterKey::generate()).await;
    let marked = event(MARKER, MARKER, &format!("I was at {MARKER}"));
    let appends = vec![StreamAppend::new("couple:marked", 0, vec![marked])];
    store
        .commit(appends, Some(key(Uuid::new_v4(), 4, 4)))
        .await
        .unwrap();

    let raw = db.raw().await;
    let rows = raw.submission_rows().await;
    raw.close().await;
    assert_eq!(rows.len(), 1);
    let (columns, bytes) = &rows[0];
    // Who, which key, which request, where, when: nothing else is kept.
    assert_eq!(*columns, 6);
    assert_eq!(occurrences(bytes, MARKER.as_bytes()), 0);
    // Control: the dump does hold the row's text, here the stream id.
    assert_eq!(occurrences(bytes, b"couple:marked"), 1);
}
