//! Encryption at rest: what is stored is ciphertext bound to its place, and
//! the master key is checked when the store opens.

use crate::harness::{conformance_tests, event, fill, occurrences, Kind, TestDb};
use kintsugi_store::{IntegrityProblem, MasterKey, StoreError};

conformance_tests!(
    the_same_plaintext_twice_gives_different_ciphertexts,
    a_ciphertext_moved_to_another_seq_does_not_decrypt,
    a_ciphertext_moved_to_another_stream_does_not_decrypt,
    a_wrong_master_key_is_refused_at_open,
    a_marker_is_never_stored_in_plain_text,
    rotating_the_master_key_rewraps_only_the_data_keys,
    rotating_the_master_key_reseals_every_head_or_nothing,
);

async fn the_same_plaintext_twice_gives_different_ciphertexts(kind: Kind) {
    let (db, store) = TestDb::with_store(kind).await;
    store
        .append(
            "couple:1",
            0,
            vec![event("ana", "a", "yes"), event("ana", "a", "yes")],
        )
        .await
        .unwrap();

    let raw = db.raw().await;
    let (first, second) = (
        raw.ciphertext("couple:1", 1).await,
        raw.ciphertext("couple:1", 2).await,
    );

    assert_ne!(first, second);
    assert_ne!(
        raw.bytes("payload_hash", "couple:1", 1).await,
        raw.bytes("payload_hash", "couple:1", 2).await
    );
    assert_eq!(occurrences(&first, b"yes"), 0);
    let events = store.read("couple:1", 0).await.unwrap();
    assert!(events
        .iter()
        .all(|e| e.payload.as_deref() == Some(&b"yes"[..])));
}

async fn a_ciphertext_moved_to_another_seq_does_not_decrypt(kind: Kind) {
    let (db, store) = TestDb::with_store(kind).await;
    fill(store.as_ref(), "couple:1", 3).await;
    let raw = db.raw().await;
    let from_seq_1 = raw.bytes("payload_ciphertext", "couple:1", 1).await;

    raw.set_bytes("payload_ciphertext", "couple:1", 2, from_seq_1)
        .await;

    // The moved ciphertext fails its payload hash before it is even tried;
    // with the hashes recomputed it would fail its AEAD tag (see tamper.rs).
    match store.read("couple:1", 0).await {
        Err(StoreError::Integrity {
            stream_id,
            seq,
            problem,
        }) => {
            assert_eq!((stream_id.as_str(), seq), ("couple:1", 2));
            assert!(matches!(
                problem,
                IntegrityProblem::PayloadHashMismatch | IntegrityProblem::Undecryptable
            ));
        }
        other => panic!("expected an integrity failure, got {other:?}"),
    }
    assert_eq!(store.read("couple:1", 2).await.unwrap().len(), 1);
}

async fn a_ciphertext_moved_to_another_stream_does_not_decrypt(kind: Kind) {
    let (db, store) = TestDb::with_store(kind).await;
    fill(store.as_ref(), "private:ana", 1).await;
    fill(store.as_ref(), "couple:1", 1).await;
    let raw = db.raw().await;
    let private = raw.bytes("payload_ciphertext", "private:ana", 1).await;

    raw.set_bytes("payload_ciphertext", "couple:1", 1, private)
        .await;

    assert!(matches!(
        store.read("couple:1", 0).await,
        Err(StoreError::Integrity { seq: 1, .. })
    ));
    // The data key is bound to its stream too: moving it over fails as well.
    raw.execute(
        "UPDATE stream_keys SET wrapped_key = \
         (SELECT wrapped_key FROM stream_keys WHERE stream_id = 'private:ana') \
         WHERE stream_id = 'couple:1'",
    )
    .await;
    assert!(matches!(
        store.read("couple:1", 0).await,
        Err(StoreError::Integrity { seq: 1, .. })
    ));
}

async fn a_wrong_master_key_is_refused_at_open(kind: Kind) {
    let db = TestDb::new(kind).await;
    let key = MasterKey::generate();
    let store = db.open(&key).await;
    fill(store.as_ref(), "couple:1", 1).await;
    drop(store);

    let refused = kintsugi_store::open(&db.url, MasterKey::generate()).await;

    assert!(matches!(refused, Err(StoreError::WrongMasterKey(_))));
    let reopened = db.open(&key).await;
    assert_eq!(reopened.read("couple:1", 0).await.unwrap().len(), 1);
}

/// The marker goes in through the store; no file the database writes, nor
/// a backup, may hold it in plain text.
async fn a_marker_is_never_stored_in_plain_text(kind: Kind) {
    const MARKER: &[u8] = b"MARKER-7f3a-she-said-it-was-only-once";
    let (db, store) = TestDb::with_store(kind).await;
    let mut payload = b"I want to tell you the truth: ".to_vec();
    payload.extend_from_slice(MARKER);
    store
        .append(
            "couple:1",
            0,
            vec![kintsugi_store::NewEvent {
                author: "ana".into(),
                kind: "truth.told".into(),
                payload,
            }],
        )
        .await
        .unwrap();
    let raw = db.raw().await;
    let ciphertext = raw.ciphertext("couple:1", 1).await;
    raw.close().await;
    let backup = db.dir().join("backup.db");
    store.backup(&backup).await.unwrap();

    let mut files = vec![backup];
    if let Some(path) = db.sqlite_path() {
        let wal = path.with_extension("db-wal");
        assert!(wal.exists(), "the database runs in WAL mode");
        files.push(path);
        files.push(wal);
    }
    let mut ciphertext_seen = 0;
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        assert_eq!(
            occurrences(&bytes, MARKER),
            0,
            "{} holds the marker",
            file.display()
        );
        ciphertext_seen += occurrences(&bytes, &ciphertext);
    }
    // The files searched do hold the event, only encrypted: in the backup,
    // and for SQLite in the database or its WAL as well.
    let expected = if kind == Kind::Sqlite { 2 } else { 1 };
    assert!(
        ciphertext_seen >= expected,
        "the ciphertext was found {ciphertext_seen} times"
    );
}

/// A database with two streams written under the `old` master key
/// (`couple:1` of two events, and `other` of one), no store open on it any
/// more, and the `new` key to rotate to.
struct Rotation {
    db: TestDb,
    old: MasterKey,
    new: MasterKey,
    /// `couple:1` as the store read it before the rotation.
    couple_events: Vec<kintsugi_store::StoredEvent>,
}

async fn before_rotation(kind: Kind, other: &str) -> Rotation {
    let (old, new) = (MasterKey::generate(), MasterKey::generate());
    let db = TestDb::new(kind).await;
    let store = db.open(&old).await;
    fill(store.as_ref(), "couple:1", 2).await;
    fill(store.as_ref(), other, 1).await;
    let couple_events = store.read("couple:1", 0).await.unwrap();
    Rotation {
        db,
        old,
        new,
        couple_events,
    }
}

async fn rotating_the_master_key_rewraps_only_the_data_keys(kind: Kind) {
    let Rotation {
        db,
        old,
        new,
        couple_events,
    } = before_rotation(kind, "private:ana").await;
    let raw = db.raw().await;
    let keys_before = raw.wrapped_keys().await;
    let ciphertexts_before = raw.ciphertexts().await;

    let rewrapped = kintsugi_store::rotate_master_key(&db.url, old.clone(), new.clone())
        .await
        .unwrap();

    assert_eq!(rewrapped, 2);
    let keys_after = raw.wrapped_keys().await;
    assert_eq!(keys_after.len(), 2);
    for (before, after) in keys_before.iter().zip(&keys_after) {
        assert_eq!(before.0, after.0);
        assert_ne!(before.1, after.1);
    }
    assert_eq!(raw.ciphertexts().await, ciphertexts_before);
    assert!(matches!(
        kintsugi_store::open(&db.url, old).await,
        Err(StoreError::WrongMasterKey(_))
    ));
    let store = db.open(&new).await;
    assert_eq!(store.read("couple:1", 0).await.unwrap(), couple_events);
    assert_eq!(store.verify().await.unwrap().first_break, None);
    fill_more(store.as_ref()).await;
}

async fn fill_more(store: &dyn kintsugi_store::Store) {
    store
        .append("couple:1", 2, vec![event("ben", "a", "after rotation")])
        .await
        .unwrap();
    assert_eq!(
        store.read("couple:1", 2).await.unwrap()[0]
            .payload
            .as_deref(),
        Some(&b"after rotation"[..])
    );
}

async fn rotating_the_master_key_reseals_every_head_or_nothing(kind: Kind) {
    let Rotation { db, old, new, .. } = before_rotation(kind, "couple:2").await;
    let raw = db.raw().await;
    let seal_of = |stream: &'static str| raw.stream_bytes("stream_seals", "seal", stream);
    let (seal_1, seal_2) = (seal_of("couple:1").await, seal_of("couple:2").await);

    // A damaged seal stops the rotation before anything changes: re-sealing
    // it under the new key would bless the damage.
    let mut broken = seal_2.clone().unwrap();
    broken[0] ^= 1;
    raw.set_stream_bytes("stream_seals", "seal", "couple:2", broken.clone())
        .await;
    let keys_before = raw.wrapped_keys().await;
    let refused = kintsugi_store::rotate_master_key(&db.url, old.clone(), new.clone()).await;
    assert!(matches!(
        refused,
        Err(StoreError::Integrity { ref stream_id, seq: 1, problem: IntegrityProblem::SealMismatch })
            if stream_id == "couple:2"
    ));
    assert_eq!(raw.wrapped_keys().await, keys_before);
    assert_eq!(seal_of("couple:1").await, seal_1);

    raw.set_stream_bytes("stream_seals", "seal", "couple:2", seal_2.clone().unwrap())
        .await;
    kintsugi_store::rotate_master_key(&db.url, old, new.clone())
        .await
        .unwrap();
    assert_ne!(seal_of("couple:1").await, seal_1);
    assert_ne!(seal_of("couple:2").await, seal_2);
    let store = db.open(&new).await;
    assert_eq!(store.head("couple:1").await.unwrap().unwrap().seq, 2);
    assert_eq!(store.verify().await.unwrap().first_break, None);
}
