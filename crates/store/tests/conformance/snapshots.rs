//! Snapshots of a stream's state: kept encrypted under the stream's data
//! key, one per stream, handed back only in the format asked for and while
//! they stand on the stream's chain; written only at the stream's head;
//! gone with their stream and with any commit that redacts an event they
//! may have folded.

use crate::harness::{conformance_tests, event, fill, occurrences, Kind, TestDb, TestPayloads};
use kintsugi_store::{DeletionReason, Snapshot, Store, StreamAppend};
use std::sync::Arc;
use time::OffsetDateTime;

conformance_tests!(
    a_snapshot_comes_back_only_in_its_format_and_never_in_clear_text,
    a_snapshot_is_written_only_at_the_streams_head,
    a_snapshot_that_does_not_open_or_left_its_chain_is_none,
    a_redaction_at_or_below_a_snapshot_takes_it_in_the_same_commit,
    a_destroyed_stream_takes_its_snapshot_with_it,
    a_snapshot_racing_a_redaction_never_keeps_the_redacted_event,
);

const STREAM: &str = "couple:snapshots";
const FORMAT: u32 = 7;

/// A snapshot of `stream_id` as it stands now, holding `state`.
async fn at_head(store: &dyn Store, stream_id: &str, state: &str) -> Snapshot {
    let head = store.head(stream_id).await.unwrap().unwrap();
    Snapshot {
        seq: head.seq,
        format: FORMAT,
        head: head.hash,
        state: state.as_bytes().to_vec(),
    }
}

async fn filled(kind: Kind, count: u64) -> (TestDb, Arc<dyn Store>) {
    let (db, store) = TestDb::with_store(kind).await;
    fill(store.as_ref(), STREAM, count).await;
    (db, store)
}

async fn stored_ciphertext(db: &TestDb, stream_id: &str) -> Option<Vec<u8>> {
    let raw = db.raw().await;
    raw.stream_bytes("stream_snapshots", "ciphertext", stream_id)
        .await
}

async fn a_snapshot_comes_back_only_in_its_format_and_never_in_clear_text(kind: Kind) {
    let (db, store) = filled(kind, 5).await;
    let snapshot = at_head(store.as_ref(), STREAM, "MARKER state at five").await;
    assert!(store.save_snapshot(STREAM, &snapshot).await.unwrap());

    let back = store.load_snapshot(STREAM, FORMAT).await.unwrap();
    assert_eq!(back.as_ref(), Some(&snapshot));
    assert_eq!(store.load_snapshot(STREAM, FORMAT + 1).await.unwrap(), None);
    assert_eq!(
        store.load_snapshot("couple:other", FORMAT).await.unwrap(),
        None
    );
    let sealed = stored_ciphertext(&db, STREAM).await.unwrap();
    assert_eq!(occurrences(&sealed, b"MARKER"), 0, "encrypted");
    assert!(
        sealed.len() > snapshot.state.len(),
        "with its nonce and tag"
    );

    // One per stream: a newer one, of another format, replaces it.
    let newer = Snapshot {
        format: FORMAT + 1,
        ..at_head(store.as_ref(), STREAM, "newer").await
    };
    assert!(store.save_snapshot(STREAM, &newer).await.unwrap());
    assert_eq!(store.load_snapshot(STREAM, FORMAT).await.unwrap(), None);
    assert_eq!(
        store.load_snapshot(STREAM, FORMAT + 1).await.unwrap(),
        Some(newer)
    );
    assert_eq!(store.verify().await.unwrap().first_break, None);
}

async fn a_snapshot_is_written_only_at_the_streams_head(kind: Kind) {
    let (db, store) = filled(kind, 3).await;
    let at_three = at_head(store.as_ref(), STREAM, "at three").await;
    fill_more(store.as_ref(), 3, 1).await;

    assert!(
        !store.save_snapshot(STREAM, &at_three).await.unwrap(),
        "the stream moved on"
    );
    let at_four = at_head(store.as_ref(), STREAM, "at four").await;
    let not_its_head = Snapshot {
        head: at_three.head,
        ..at_four.clone()
    };
    let not_yet = Snapshot {
        seq: 5,
        ..at_four.clone()
    };
    let nothing = Snapshot {
        seq: 0,
        ..at_four.clone()
    };
    for refused in [&not_its_head, &not_yet, &nothing] {
        assert!(!store.save_snapshot(STREAM, refused).await.unwrap());
    }
    assert!(!store.save_snapshot("couple:none", &at_four).await.unwrap());
    assert_eq!(stored_ciphertext(&db, STREAM).await, None);
    assert_eq!(stored_ciphertext(&db, "couple:none").await, None);

    assert!(store.save_snapshot(STREAM, &at_four).await.unwrap());
    let back = store.load_snapshot(STREAM, FORMAT).await.unwrap();
    assert_eq!(back.map(|s| s.seq), Some(4));
}

/// `count` more events by author-a after `after`.
async fn fill_more(store: &dyn Store, after: u64, count: u64) {
    for seq in after..after + count {
        let line = event("author-a", "note", &format!("{STREAM} #{}", seq + 1));
        store.append(STREAM, seq, vec![line]).await.unwrap();
    }
}

async fn a_snapshot_that_does_not_open_or_left_its_chain_is_none(kind: Kind) {
    let (db, store) = filled(kind, 3).await;
    const OTHER: &str = "couple:another";
    fill(store.as_ref(), OTHER, 3).await;
    let mine = at_head(store.as_ref(), STREAM, "mine").await;
    let theirs = at_head(store.as_ref(), OTHER, "theirs").await;
    assert!(store.save_snapshot(STREAM, &mine).await.unwrap());
    assert!(store.save_snapshot(OTHER, &theirs).await.unwrap());
    let raw = db.raw().await;
    let sealed = stored_ciphertext(&db, STREAM).await.unwrap();
    let their_sealed = stored_ciphertext(&db, OTHER).await.unwrap();

    // Moved to another stream at the same seq, with that stream's head.
    let table = "stream_snapshots";
    raw.set_stream_bytes(table, "ciphertext", OTHER, sealed.clone())
        .await;
    assert_eq!(store.load_snapshot(OTHER, FORMAT).await.unwrap(), None);
    raw.set_stream_bytes(table, "ciphertext", OTHER, their_sealed)
        .await;
    assert_eq!(
        store.load_snapshot(OTHER, FORMAT).await.unwrap(),
        Some(theirs)
    );
    // Changed by one bit.
    let mut flipped = sealed.clone();
    flipped[30] ^= 1;
    raw.set_stream_bytes(table, "ciphertext", STREAM, flipped)
        .await;
    assert_eq!(store.load_snapshot(STREAM, FORMAT).await.unwrap(), None);
    raw.set_stream_bytes(table, "ciphertext", STREAM, sealed)
        .await;
    assert_eq!(
        store.load_snapshot(STREAM, FORMAT).await.unwrap(),
        Some(mine)
    );
    // Its event rewritten (a head hash the chain no longer holds there).
    raw.set_bytes("hash", STREAM, 3, Some(vec![9; 32])).await;
    assert_eq!(store.load_snapshot(STREAM, FORMAT).await.unwrap(), None);
    // Relabelled with another format.
    let relabel = format!("UPDATE stream_snapshots SET format = {}", FORMAT + 1);
    raw.execute(&relabel).await;
    assert_eq!(store.load_snapshot(OTHER, FORMAT).await.unwrap(), None);
    assert_eq!(store.load_snapshot(OTHER, FORMAT + 1).await.unwrap(), None);
}

async fn a_redaction_at_or_below_a_snapshot_takes_it_in_the_same_commit(kind: Kind) {
    let (db, store) = filled(kind, 3).await;
    let at_three = at_head(store.as_ref(), STREAM, "at three").await;
    assert!(store.save_snapshot(STREAM, &at_three).await.unwrap());
    fill_more(store.as_ref(), 3, 2).await;

    // Withdrawing an event after the snapshot leaves it be.
    store.commit(vec![redaction(5, 4)], None).await.unwrap();
    let kept = store.load_snapshot(STREAM, FORMAT).await.unwrap();
    assert_eq!(kept, Some(at_three.clone()));

    // One it folded (or the one it stands on) takes it with the commit.
    for target in [3, 2] {
        let (db, store) = filled(kind, 3).await;
        assert!(store
            .save_snapshot(STREAM, &at_three_of(&store).await)
            .await
            .unwrap());
        store
            .commit(vec![redaction(3, target)], None)
            .await
            .unwrap();
        assert_eq!(stored_ciphertext(&db, STREAM).await, None, "{target}");
        assert_eq!(store.load_snapshot(STREAM, FORMAT).await.unwrap(), None);
    }
    store.commit(vec![redaction(6, 2)], None).await.unwrap();
    assert_eq!(stored_ciphertext(&db, STREAM).await, None);
}

async fn at_three_of(store: &Arc<dyn Store>) -> Snapshot {
    at_head(store.as_ref(), STREAM, "at three").await
}

/// A redaction by author-a of `target`, after `expected_seq`.
fn redaction(expected_seq: u64, target: u64) -> StreamAppend {
    let line = event("author-a", "note", &format!("redacts {target}"));
    let mut append = StreamAppend::new(STREAM, expected_seq, vec![line]);
    append.redacts = vec![target];
    append
}

async fn a_destroyed_stream_takes_its_snapshot_with_it(kind: Kind) {
    let (db, store) = filled(kind, 3).await;
    let snapshot = at_head(store.as_ref(), STREAM, "at three").await;
    assert!(store.save_snapshot(STREAM, &snapshot).await.unwrap());
    let now = OffsetDateTime::now_utc();
    let reason = DeletionReason::SpaceEnded;
    store.destroy_stream(STREAM, reason, now).await.unwrap();
    assert_eq!(stored_ciphertext(&db, STREAM).await, None);
    assert_eq!(store.load_snapshot(STREAM, FORMAT).await.unwrap(), None);
    assert!(!store.save_snapshot(STREAM, &snapshot).await.unwrap());
    assert_eq!(stored_ciphertext(&db, STREAM).await, None);
    assert_eq!(store.verify().await.unwrap().first_break, None);
}

/// A snapshot's save and a commit that redacts an event it folded, sent at
/// the same moment, many times: whichever comes first, no snapshot is left
/// (the save holds the stream's seal as the commit does, and writes only
/// at the head).
async fn a_snapshot_racing_a_redaction_never_keeps_the_redacted_event(kind: Kind) {
    let (_db, store) = TestDb::with_store(kind).await;
    for n in 0..12 {
        let stream = format!("couple:race-{n}");
        fill(store.as_ref(), &stream, 3).await;
        let snapshot = at_head(store.as_ref(), &stream, "at three").await;
        let line = event("author-a", "note", "redacts 2");
        let mut append = StreamAppend::new(stream.as_str(), 3, vec![line]);
        append.redacts = vec![2];
        let save = store.save_snapshot(&stream, &snapshot);
        let commit = store.commit(vec![append], None);
        // Each goes first half of the time.
        let (saved, committed) = if n % 2 == 0 {
            tokio::join!(save, commit)
        } else {
            let (committed, saved) = tokio::join!(commit, save);
            (saved, committed)
        };
        committed.unwrap();
        saved.unwrap();
        let left = store.load_snapshot(&stream, FORMAT).await.unwrap();
        assert_eq!(left, None, "race {n}");
    }
    let report = store.verify_with(&TestPayloads).await.unwrap();
    assert_eq!(report.first_break, None);
}
