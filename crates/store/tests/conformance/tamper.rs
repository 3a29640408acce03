//! Rows changed behind the store's back: `verify` names the stream and seq.

use crate::harness::{conformance_tests, fill, Kind, Raw, TestDb};
use kintsugi_store::{ChainBreak, MasterKey, Store};
use std::sync::Arc;

conformance_tests!(
    a_changed_author_is_found,
    a_changed_kind_is_found,
    a_changed_created_at_is_found,
    a_changed_hash_is_found,
    a_changed_prev_hash_is_found,
    a_changed_ciphertext_is_found,
    a_changed_payload_hash_is_found,
    a_deleted_event_is_found,
    a_redacted_payload_still_verifies,
);

/// Two streams of four events; the tampering goes into the second stream
/// (in verify's order), at seq 3, so the first must pass for it to be found.
async fn tampered(kind: Kind) -> (TestDb, Arc<dyn Store>, Raw) {
    let db = TestDb::new(kind).await;
    let store = db.open(&MasterKey::generate()).await;
    fill(store.as_ref(), "couple:a", 4).await;
    fill(store.as_ref(), "couple:b", 4).await;
    assert_eq!(store.verify().await.unwrap().first_break, None);
    let raw = db.raw().await;
    (db, store, raw)
}

async fn first_break(store: &dyn Store) -> ChainBreak {
    store
        .verify()
        .await
        .unwrap()
        .first_break
        .expect("verify should find the tampering")
}

async fn assert_found_at_b3(store: &dyn Store, reason_mentions: &str) {
    let found = first_break(store).await;
    assert_eq!((found.stream_id.as_str(), found.seq), ("couple:b", 3));
    assert!(
        found.reason.contains(reason_mentions),
        "reason {:?} should mention {reason_mentions:?}",
        found.reason
    );
}

async fn a_changed_author_is_found(kind: Kind) {
    let (_db, store, raw) = tampered(kind).await;
    // "author-a" becomes "author-`": one bit of one byte.
    raw.execute("UPDATE events SET author = 'author-`' WHERE stream_id = 'couple:b' AND seq = 3")
        .await;
    assert_found_at_b3(store.as_ref(), "header").await;
}

async fn a_changed_kind_is_found(kind: Kind) {
    let (_db, store, raw) = tampered(kind).await;
    raw.execute("UPDATE events SET kind = 'notd' WHERE stream_id = 'couple:b' AND seq = 3")
        .await;
    assert_found_at_b3(store.as_ref(), "header").await;
}

async fn a_changed_created_at_is_found(kind: Kind) {
    let (_db, store, raw) = tampered(kind).await;
    raw.execute(
        "UPDATE events SET created_at = created_at + 1 WHERE stream_id = 'couple:b' AND seq = 3",
    )
    .await;
    assert_found_at_b3(store.as_ref(), "header").await;
}

async fn a_changed_hash_is_found(kind: Kind) {
    let (_db, store, raw) = tampered(kind).await;
    raw.flip_byte("hash", "couple:b", 3, 17).await;
    assert_found_at_b3(store.as_ref(), "header").await;
}

async fn a_changed_prev_hash_is_found(kind: Kind) {
    let (_db, store, raw) = tampered(kind).await;
    raw.flip_byte("prev_hash", "couple:b", 3, 0).await;
    assert_found_at_b3(store.as_ref(), "prev_hash").await;
}

async fn a_changed_ciphertext_is_found(kind: Kind) {
    let (_db, store, raw) = tampered(kind).await;
    raw.flip_byte("payload_ciphertext", "couple:b", 3, 30).await;
    assert_found_at_b3(store.as_ref(), "ciphertext").await;
    assert!(matches!(
        store.read("couple:b", 0).await,
        Err(kintsugi_store::StoreError::Decrypt { seq: 3, .. })
    ));
}

async fn a_changed_payload_hash_is_found(kind: Kind) {
    let (_db, store, raw) = tampered(kind).await;
    raw.flip_byte("payload_hash", "couple:b", 3, 5).await;
    assert_found_at_b3(store.as_ref(), "payload_hash").await;
}

async fn a_deleted_event_is_found(kind: Kind) {
    let (_db, store, raw) = tampered(kind).await;
    raw.execute("DELETE FROM events WHERE stream_id = 'couple:b' AND seq = 2")
        .await;
    let found = first_break(store.as_ref()).await;
    assert_eq!((found.stream_id.as_str(), found.seq), ("couple:b", 3));
    assert!(found.reason.contains("missing"), "{}", found.reason);
}

async fn a_redacted_payload_still_verifies(kind: Kind) {
    let (_db, store, raw) = tampered(kind).await;
    raw.set_bytes("payload_ciphertext", "couple:b", 3, None)
        .await;

    let report = store.verify().await.unwrap();
    assert_eq!(report.first_break, None);
    assert_eq!(report.events, 8);
    let events = store.read("couple:b", 0).await.unwrap();
    assert_eq!(events[2].payload, None);
    assert_eq!(events[3].payload.as_deref(), Some(&b"couple:b #4"[..]));
}
