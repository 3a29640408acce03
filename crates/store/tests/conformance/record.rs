//! Appending and reading the record, and what keeps a chain from forking.

use crate::harness::{conformance_tests, event, fill, Kind, TestDb};
use kintsugi_store::{StoreError, GENESIS_PREV_HASH};
use time::OffsetDateTime;

conformance_tests!(
    append_then_read_round_trips,
    read_returns_only_events_after_the_given_seq,
    a_batch_is_appended_whole_and_linked,
    appending_at_a_stale_or_future_seq_is_a_conflict,
    racing_writers_on_one_stream_leave_exactly_one_winner,
    racing_writers_on_a_new_stream_share_one_data_key,
    a_good_database_verifies,
    names_its_backend_and_answers_ping,
    dated_events_keep_their_times_and_verify,
    read_page_serves_a_stream_a_page_at_a_time,
);

async fn append_then_read_round_trips(kind: Kind) {
    let db = TestDb::new(kind).await;
    let store = db.open(&kintsugi_store::MasterKey::generate()).await;
    let now = OffsetDateTime::now_utc();
    // The store keeps microseconds.
    let before = now
        .replace_nanosecond(now.nanosecond() / 1_000 * 1_000)
        .unwrap();

    let appended = store
        .append(
            "couple:1",
            0,
            vec![event("ana", "truth.asked", "Where were you?")],
        )
        .await
        .unwrap();
    let after = OffsetDateTime::now_utc();
    let read = store.read("couple:1", 0).await.unwrap();

    assert_eq!(read, appended);
    let first = &read[0];
    assert_eq!(first.stream_id, "couple:1");
    assert_eq!(first.seq, 1);
    assert_eq!(first.prev_hash, GENESIS_PREV_HASH);
    assert_eq!(first.author, "ana");
    assert_eq!(first.kind, "truth.asked");
    assert_eq!(first.payload.as_deref(), Some(&b"Where were you?"[..]));
    assert_eq!(first.created_at.offset(), time::UtcOffset::UTC);
    assert!(before <= first.created_at && first.created_at <= after);
    let head = store.head("couple:1").await.unwrap().unwrap();
    assert_eq!((head.seq, head.hash), (1, first.hash));
    assert_eq!(store.head("couple:none").await.unwrap(), None);
    assert!(store.read("couple:none", 0).await.unwrap().is_empty());
}

async fn read_returns_only_events_after_the_given_seq(kind: Kind) {
    let db = TestDb::new(kind).await;
    let store = db.open(&kintsugi_store::MasterKey::generate()).await;
    fill(store.as_ref(), "couple:1", 5).await;
    fill(store.as_ref(), "private:ana", 2).await;

    let tail = store.read("couple:1", 3).await.unwrap();

    let seqs: Vec<u64> = tail.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, vec![4, 5]);
    assert_eq!(tail[0].payload.as_deref(), Some(&b"couple:1 #4"[..]));
    assert!(store.read("couple:1", 5).await.unwrap().is_empty());
    assert_eq!(store.read("private:ana", 0).await.unwrap().len(), 2);
}

async fn read_page_serves_a_stream_a_page_at_a_time(kind: Kind) {
    let db = TestDb::new(kind).await;
    let store = db.open(&kintsugi_store::MasterKey::generate()).await;
    fill(store.as_ref(), "couple:1", 5).await;

    let whole = store.read("couple:1", 0).await.unwrap();
    let mut paged = Vec::new();
    let mut sizes = Vec::new();
    loop {
        let after = paged
            .last()
            .map_or(0, |e: &kintsugi_store::StoredEvent| e.seq);
        let page = store.read_page("couple:1", after, 2).await.unwrap();
        sizes.push(page.len());
        if page.is_empty() {
            break;
        }
        paged.extend(page);
    }
    assert_eq!(sizes, vec![2, 2, 1, 0]);
    assert_eq!(paged, whole);
    assert!(store
        .read_page("couple:none", 0, 2)
        .await
        .unwrap()
        .is_empty());
    assert!(matches!(
        store.read_page("couple:1", 9, 2).await,
        Err(StoreError::Integrity { .. })
    ));
}

async fn a_batch_is_appended_whole_and_linked(kind: Kind) {
    let db = TestDb::new(kind).await;
    let store = db.open(&kintsugi_store::MasterKey::generate()).await;
    fill(store.as_ref(), "couple:1", 1).await;

    let batch = store
        .append(
            "couple:1",
            1,
            vec![
                event("ana", "a", "one"),
                event("ana", "b", "two"),
                event("ben", "c", "three"),
            ],
        )
        .await
        .unwrap();

    let all = store.read("couple:1", 0).await.unwrap();
    assert_eq!(&all[1..], &batch[..]);
    for pair in all.windows(2) {
        assert_eq!(pair[1].prev_hash, pair[0].hash);
        assert_eq!(pair[1].seq, pair[0].seq + 1);
    }
    assert_eq!(store.head("couple:1").await.unwrap().unwrap().seq, 4);
    assert!(store
        .append("couple:1", 4, Vec::new())
        .await
        .unwrap()
        .is_empty());
}

async fn appending_at_a_stale_or_future_seq_is_a_conflict(kind: Kind) {
    let db = TestDb::new(kind).await;
    let store = db.open(&kintsugi_store::MasterKey::generate()).await;
    fill(store.as_ref(), "couple:1", 2).await;

    for expected in [0, 1, 3, 7] {
        let refused = store
            .append(
                "couple:1",
                expected,
                vec![event("ana", "a", "x"), event("ana", "b", "y")],
            )
            .await;
        match refused {
            Err(StoreError::Conflict {
                stream_id,
                expected: e,
                actual,
            }) => assert_eq!((stream_id.as_str(), e, actual), ("couple:1", expected, 2)),
            other => panic!("expected a conflict at {expected}, got {other:?}"),
        }
    }
    assert_eq!(store.read("couple:1", 0).await.unwrap().len(), 2);
    assert_eq!(store.verify().await.unwrap().first_break, None);
}

/// Writers spread over two separately opened stores (as two app instances
/// would be) all append a two-event batch after the same seq.
async fn racing_writers_on_one_stream_leave_exactly_one_winner(kind: Kind) {
    race(kind, 1).await;
}

async fn racing_writers_on_a_new_stream_share_one_data_key(kind: Kind) {
    race(kind, 0).await;
}

async fn race(kind: Kind, start_seq: u64) {
    const WRITERS: usize = 8;
    let db = TestDb::new(kind).await;
    let key = kintsugi_store::MasterKey::generate();
    let instances = [db.open(&key).await, db.open(&key).await];
    fill(instances[0].as_ref(), "couple:1", start_seq).await;

    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(WRITERS));
    let writers: Vec<_> = (0..WRITERS)
        .map(|writer| {
            let store = instances[writer % 2].clone();
            let barrier = barrier.clone();
            tokio::spawn(async move {
                barrier.wait().await;
                let batch = vec![
                    event(&format!("writer-{writer}"), "a", "first"),
                    event(&format!("writer-{writer}"), "b", "second"),
                ];
                store.append("couple:1", start_seq, batch).await
            })
        })
        .collect();
    let mut winners = Vec::new();
    for (writer, handle) in writers.into_iter().enumerate() {
        match handle.await.unwrap() {
            Ok(events) => winners.push((writer, events)),
            Err(StoreError::Conflict {
                expected, actual, ..
            }) => {
                assert_eq!(expected, start_seq);
                assert!(actual > start_seq, "a loser saw head {actual}");
            }
            Err(other) => panic!("writer {writer} failed: {other}"),
        }
    }

    assert_eq!(winners.len(), 1, "exactly one writer wins");
    let (winner, won) = &winners[0];
    for instance in &instances {
        let events = instance.read("couple:1", 0).await.unwrap();
        assert_eq!(events.len() as u64, start_seq + 2);
        assert_eq!(&events[start_seq as usize..], &won[..]);
        assert!(events[start_seq as usize..]
            .iter()
            .all(|e| e.author == format!("writer-{winner}")));
        let report = instance.verify().await.unwrap();
        assert_eq!(report.first_break, None);
        assert_eq!(report.events, start_seq + 2);
    }
}

async fn a_good_database_verifies(kind: Kind) {
    let db = TestDb::new(kind).await;
    let store = db.open(&kintsugi_store::MasterKey::generate()).await;
    assert_eq!(store.verify().await.unwrap().streams, 0);
    fill(store.as_ref(), "couple:1", 3).await;
    fill(store.as_ref(), "private:ana", 2).await;
    fill(store.as_ref(), "private:ben", 1).await;

    let report = store.verify().await.unwrap();

    assert_eq!(report.streams, 3);
    assert_eq!(report.events, 6);
    assert_eq!(report.first_break, None);
}

async fn names_its_backend_and_answers_ping(kind: Kind) {
    let db = TestDb::new(kind).await;
    let store = db.open(&kintsugi_store::MasterKey::generate()).await;
    store.ping().await.unwrap();
    let expected = match kind {
        Kind::Sqlite => "sqlite",
        Kind::Postgres => "postgres",
    };
    assert_eq!(store.backend(), expected);
}

async fn dated_events_keep_their_times_and_verify(kind: Kind) {
    let db = TestDb::new(kind).await;
    let store = db.open(&kintsugi_store::MasterKey::generate()).await;
    let monday = time::macros::datetime!(2024-03-04 08:30 UTC);
    let tuesday = monday + time::Duration::days(1);
    let written = store
        .append_dated(
            "couple:1",
            0,
            vec![
                (event("ana", "a", "one"), monday),
                (event("ben", "b", "two"), tuesday),
            ],
        )
        .await
        .unwrap();

    let read = store.read("couple:1", 0).await.unwrap();
    assert_eq!(read, written);
    assert_eq!((read[0].created_at, read[1].created_at), (monday, tuesday));
    store
        .append("couple:1", 2, vec![event("ana", "a", "now")])
        .await
        .unwrap();
    assert_eq!(store.verify().await.unwrap().first_break, None);
    assert!(matches!(
        store
            .append_dated("couple:1", 1, vec![(event("ana", "a", "late"), monday)])
            .await,
        Err(StoreError::Conflict { .. })
    ));
}
