//! Someone with database access and no key changes rows behind the store's
//! back. For every tampering, `verify` names the damaged stream, the `seq`
//! and the kind of problem; `read` refuses that stream with the same
//! answer; the other stream stays readable.

use crate::harness::{conformance_tests, event, fill, Kind, Raw, TestDb};
use kintsugi_store::{
    ChainBreak, Decoded, IntegrityProblem as P, MasterKey, PayloadDecoder, Store, StoreError,
};
use std::sync::Arc;

conformance_tests!(
    rechain_of_an_untouched_stream_changes_nothing,
    flipped_stream_id_byte,
    flipped_seq_bit,
    flipped_prev_hash_byte,
    flipped_hash_byte,
    flipped_author_byte,
    flipped_kind_byte,
    changed_created_at,
    flipped_ciphertext_nonce_byte,
    flipped_ciphertext_tag_byte,
    flipped_payload_hash_byte,
    format_downgraded,
    format_unknown,
    first_event_deleted,
    middle_event_deleted,
    newest_event_deleted,
    tail_of_two_events_cut_off,
    rechained_author_change,
    rechained_kind_change,
    rechained_backdated_created_at,
    rechained_format_downgrade,
    rechained_stream_rename,
    rechained_delete_and_renumber,
    rechained_ciphertext_swap_within_a_stream,
    rechained_ciphertext_copied_from_another_stream,
    rechained_ciphertext_swap_between_streams,
    unrechained_ciphertext_swap,
    forged_redaction,
    forged_redaction_is_proven_only_by_its_author,
    corrupted_wrapped_key,
    deleted_wrapped_key,
    wrapped_key_copied_from_another_stream,
    seal_removed,
    flipped_seal_byte,
    seal_seq_lowered,
    seal_copied_from_another_stream,
    older_seal_put_back_over_newer_rows,
    rechained_event_appended_past_the_seal,
    deleted_stream_rows,
    deleted_stream_rows_and_key,
    rolled_back_stream_with_its_seal_is_not_seen_by_the_seal,
);

const A: &str = "couple:a";
const B: &str = "couple:b";

struct Tampered {
    _db: TestDb,
    store: Arc<dyn Store>,
    raw: Raw,
}

/// Two streams of four events each; the damage goes into the second (in
/// verify's order), so the first must pass for it to be found.
async fn tampered(kind: Kind) -> Tampered {
    let db = TestDb::new(kind).await;
    let store = db.open(&MasterKey::generate()).await;
    fill(store.as_ref(), A, 4).await;
    fill(store.as_ref(), B, 4).await;
    assert_eq!(store.verify().await.unwrap().first_break, None);
    let raw = db.raw().await;
    Tampered {
        _db: db,
        store,
        raw,
    }
}

async fn first_break(store: &dyn Store) -> ChainBreak {
    store
        .verify()
        .await
        .unwrap()
        .first_break
        .expect("verify should find the tampering")
}

/// `verify` and `read` name (`stream`, `seq`, `problem`); the untouched
/// stream `A` still reads whole unless it is `stream`.
async fn assert_caught(world: &Tampered, stream: &str, seq: u64, problem: P) {
    let store = world.store.as_ref();
    let found = first_break(store).await;
    assert_eq!(
        (found.stream_id.as_str(), found.seq, found.problem),
        (stream, seq, problem),
        "verify: {}",
        found.reason
    );
    match store.read(stream, 0).await {
        Err(StoreError::Integrity {
            stream_id,
            seq: at,
            problem: what,
        }) => assert_eq!((stream_id.as_str(), at, what), (stream, seq, problem)),
        other => panic!("read served the damaged stream: {other:?}"),
    }
    if stream != A {
        assert_eq!(store.read(A, 0).await.unwrap().len(), 4);
    }
}

async fn exec(world: &Tampered, sql: &str) {
    assert!(world.raw.execute(sql).await > 0, "{sql} changed nothing");
}

async fn rechain_of_an_untouched_stream_changes_nothing(kind: Kind) {
    let world = tampered(kind).await;
    let before = world.raw.rows(B).await;
    world.raw.rechain(B).await;
    let after = world.raw.rows(B).await;
    let hashes = |rows: &[crate::harness::RawEvent]| {
        rows.iter()
            .map(|r| (r.prev_hash.clone(), r.hash.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(hashes(&before), hashes(&after));
    assert_eq!(world.store.verify().await.unwrap().first_break, None);
}

async fn flipped_stream_id_byte(kind: Kind) {
    let world = tampered(kind).await;
    // "couple:b" becomes "couple:c": the row leaves its stream.
    exec(
        &world,
        "UPDATE events SET stream_id = 'couple:c' WHERE stream_id = 'couple:b' AND seq = 3",
    )
    .await;
    assert_caught(&world, B, 3, P::MissingEvent).await;
}

async fn flipped_seq_bit(kind: Kind) {
    let world = tampered(kind).await;
    exec(
        &world,
        "UPDATE events SET seq = 7 WHERE stream_id = 'couple:b' AND seq = 3",
    )
    .await;
    assert_caught(&world, B, 3, P::MissingEvent).await;
}

async fn flipped_prev_hash_byte(kind: Kind) {
    let world = tampered(kind).await;
    world.raw.flip_byte("prev_hash", B, 3, 0).await;
    assert_caught(&world, B, 3, P::BrokenLink).await;
}

async fn flipped_hash_byte(kind: Kind) {
    let world = tampered(kind).await;
    world.raw.flip_byte("hash", B, 3, 17).await;
    assert_caught(&world, B, 3, P::HeaderHashMismatch).await;
}

async fn flipped_author_byte(kind: Kind) {
    let world = tampered(kind).await;
    // "author-a" becomes "author-`": one bit of one byte.
    exec(
        &world,
        "UPDATE events SET author = 'author-`' WHERE stream_id = 'couple:b' AND seq = 3",
    )
    .await;
    assert_caught(&world, B, 3, P::HeaderHashMismatch).await;
}

async fn flipped_kind_byte(kind: Kind) {
    let world = tampered(kind).await;
    exec(
        &world,
        "UPDATE events SET kind = 'notd' WHERE stream_id = 'couple:b' AND seq = 3",
    )
    .await;
    assert_caught(&world, B, 3, P::HeaderHashMismatch).await;
}

async fn changed_created_at(kind: Kind) {
    let world = tampered(kind).await;
    exec(
        &world,
        "UPDATE events SET created_at = created_at + 1 WHERE stream_id = 'couple:b' AND seq = 3",
    )
    .await;
    assert_caught(&world, B, 3, P::HeaderHashMismatch).await;
}

async fn flipped_ciphertext_nonce_byte(kind: Kind) {
    let world = tampered(kind).await;
    world.raw.flip_byte("payload_ciphertext", B, 3, 0).await;
    assert_caught(&world, B, 3, P::PayloadHashMismatch).await;
}

async fn flipped_ciphertext_tag_byte(kind: Kind) {
    let world = tampered(kind).await;
    let last = world
        .raw
        .bytes("payload_ciphertext", B, 3)
        .await
        .unwrap()
        .len()
        - 1;
    world.raw.flip_byte("payload_ciphertext", B, 3, last).await;
    assert_caught(&world, B, 3, P::PayloadHashMismatch).await;
}

async fn flipped_payload_hash_byte(kind: Kind) {
    let world = tampered(kind).await;
    world.raw.flip_byte("payload_hash", B, 3, 5).await;
    assert_caught(&world, B, 3, P::PayloadHashMismatch).await;
}

async fn format_downgraded(kind: Kind) {
    let world = tampered(kind).await;
    exec(
        &world,
        "UPDATE events SET format = 1 WHERE stream_id = 'couple:b' AND seq = 3",
    )
    .await;
    assert_caught(&world, B, 3, P::HeaderHashMismatch).await;
}

async fn format_unknown(kind: Kind) {
    let world = tampered(kind).await;
    exec(
        &world,
        "UPDATE events SET format = 3 WHERE stream_id = 'couple:b' AND seq = 3",
    )
    .await;
    assert_caught(&world, B, 3, P::UnknownFormat).await;
}

async fn first_event_deleted(kind: Kind) {
    let world = tampered(kind).await;
    exec(
        &world,
        "DELETE FROM events WHERE stream_id = 'couple:b' AND seq = 1",
    )
    .await;
    assert_caught(&world, B, 1, P::MissingEvent).await;
}

async fn middle_event_deleted(kind: Kind) {
    let world = tampered(kind).await;
    exec(
        &world,
        "DELETE FROM events WHERE stream_id = 'couple:b' AND seq = 2",
    )
    .await;
    assert_caught(&world, B, 2, P::MissingEvent).await;
}

async fn newest_event_deleted(kind: Kind) {
    let world = tampered(kind).await;
    exec(
        &world,
        "DELETE FROM events WHERE stream_id = 'couple:b' AND seq = 4",
    )
    .await;
    assert_caught(&world, B, 4, P::CutOff).await;
    assert!(matches!(
        world.store.head(B).await,
        Err(StoreError::Integrity {
            seq: 4,
            problem: P::CutOff,
            ..
        })
    ));
    // Nothing is appended onto the cut: that would seal it as if whole.
    let append = world
        .store
        .append(B, 3, vec![event("author-a", "note", "x")]);
    assert!(matches!(
        append.await,
        Err(StoreError::Integrity {
            seq: 4,
            problem: P::CutOff,
            ..
        })
    ));
}

async fn tail_of_two_events_cut_off(kind: Kind) {
    let world = tampered(kind).await;
    exec(
        &world,
        "DELETE FROM events WHERE stream_id = 'couple:b' AND seq >= 3",
    )
    .await;
    assert_caught(&world, B, 3, P::CutOff).await;
}

async fn rechained_author_change(kind: Kind) {
    let world = tampered(kind).await;
    exec(
        &world,
        "UPDATE events SET author = 'author-b' WHERE stream_id = 'couple:b' AND seq = 3",
    )
    .await;
    world.raw.rechain(B).await;
    assert_caught(&world, B, 3, P::Undecryptable).await;
}

async fn rechained_kind_change(kind: Kind) {
    let world = tampered(kind).await;
    exec(
        &world,
        "UPDATE events SET kind = 'space' WHERE stream_id = 'couple:b' AND seq = 3",
    )
    .await;
    world.raw.rechain(B).await;
    assert_caught(&world, B, 3, P::Undecryptable).await;
}

async fn rechained_backdated_created_at(kind: Kind) {
    let world = tampered(kind).await;
    exec(&world, "UPDATE events SET created_at = created_at - 86400000000 WHERE stream_id = 'couple:b' AND seq = 3").await;
    world.raw.rechain(B).await;
    assert_caught(&world, B, 3, P::Undecryptable).await;
}

async fn rechained_format_downgrade(kind: Kind) {
    let world = tampered(kind).await;
    exec(
        &world,
        "UPDATE events SET format = 1 WHERE stream_id = 'couple:b' AND seq = 3",
    )
    .await;
    world.raw.rechain(B).await;
    assert_caught(&world, B, 3, P::Undecryptable).await;
}

async fn rechained_stream_rename(kind: Kind) {
    let world = tampered(kind).await;
    exec(
        &world,
        "UPDATE events SET stream_id = 'couple:bb' WHERE stream_id = 'couple:b'",
    )
    .await;
    world.raw.rechain("couple:bb").await;
    // The seal stays behind and names events that are gone.
    assert_caught(&world, B, 1, P::CutOff).await;
    assert!(world.store.read("couple:bb", 0).await.is_err());
}

async fn rechained_delete_and_renumber(kind: Kind) {
    let world = tampered(kind).await;
    exec(
        &world,
        "DELETE FROM events WHERE stream_id = 'couple:b' AND seq = 2",
    )
    .await;
    for seq in 3..=4 {
        let sql = format!(
            "UPDATE events SET seq = {} WHERE stream_id = 'couple:b' AND seq = {seq}",
            seq - 1
        );
        exec(&world, &sql).await;
    }
    world.raw.rechain(B).await;
    assert_caught(&world, B, 2, P::Undecryptable).await;
}

async fn rechained_ciphertext_swap_within_a_stream(kind: Kind) {
    let world = tampered(kind).await;
    let second = world.raw.bytes("payload_ciphertext", B, 2).await;
    let third = world.raw.bytes("payload_ciphertext", B, 3).await;
    world.raw.set_bytes("payload_ciphertext", B, 2, third).await;
    world
        .raw
        .set_bytes("payload_ciphertext", B, 3, second)
        .await;
    world.raw.rechain(B).await;
    assert_caught(&world, B, 2, P::Undecryptable).await;
}

async fn rechained_ciphertext_copied_from_another_stream(kind: Kind) {
    let world = tampered(kind).await;
    let from_a = world.raw.bytes("payload_ciphertext", A, 3).await;
    world
        .raw
        .set_bytes("payload_ciphertext", B, 3, from_a)
        .await;
    world.raw.rechain(B).await;
    assert_caught(&world, B, 3, P::Undecryptable).await;
}

async fn rechained_ciphertext_swap_between_streams(kind: Kind) {
    let world = tampered(kind).await;
    let from_a = world.raw.bytes("payload_ciphertext", A, 3).await;
    let from_b = world.raw.bytes("payload_ciphertext", B, 3).await;
    world
        .raw
        .set_bytes("payload_ciphertext", A, 3, from_b)
        .await;
    world
        .raw
        .set_bytes("payload_ciphertext", B, 3, from_a)
        .await;
    world.raw.rechain(A).await;
    world.raw.rechain(B).await;
    // Both streams are damaged; verify names the first, read refuses both.
    assert_caught(&world, A, 3, P::Undecryptable).await;
    assert!(matches!(
        world.store.read(B, 0).await,
        Err(StoreError::Integrity {
            seq: 3,
            problem: P::Undecryptable,
            ..
        })
    ));
}

async fn unrechained_ciphertext_swap(kind: Kind) {
    let world = tampered(kind).await;
    let second = world.raw.bytes("payload_ciphertext", B, 2).await;
    let third = world.raw.bytes("payload_ciphertext", B, 3).await;
    world.raw.set_bytes("payload_ciphertext", B, 2, third).await;
    world
        .raw
        .set_bytes("payload_ciphertext", B, 3, second)
        .await;
    assert_caught(&world, B, 2, P::PayloadHashMismatch).await;
}

async fn forged_redaction(kind: Kind) {
    let world = tampered(kind).await;
    // Looks like a redaction: the chain still holds (payload_hash stays).
    world.raw.set_bytes("payload_ciphertext", B, 3, None).await;
    assert_caught(&world, B, 3, P::UnprovenRedaction).await;
}

/// Says every payload is known and that the payload "redacts N" redacts
/// seq N: a stand-in for the domain's redaction event.
struct RedactionsByText;

impl PayloadDecoder for RedactionsByText {
    fn decode(&self, _stream_id: &str, _kind: &str, payload: &[u8]) -> Decoded {
        let redacts = std::str::from_utf8(payload)
            .ok()
            .and_then(|text| text.strip_prefix("redacts "))
            .and_then(|seq| seq.parse().ok());
        Decoded::Known { redacts }
    }
}

async fn forged_redaction_is_proven_only_by_its_author(kind: Kind) {
    let world = tampered(kind).await;
    let store = world.store.as_ref();
    store
        .append(B, 4, vec![event("author-b", "note", "redacts 3")])
        .await
        .unwrap();
    world.raw.set_bytes("payload_ciphertext", B, 3, None).await;
    let found = store.verify_with(&RedactionsByText).await.unwrap();
    let found = found.first_break.expect("another author cannot redact it");
    assert_eq!((found.stream_id.as_str(), found.seq), (B, 3));
    assert_eq!(found.problem, P::UnprovenRedaction);

    let world = tampered(kind).await;
    let store = world.store.as_ref();
    store
        .append(B, 4, vec![event("author-a", "note", "redacts 3")])
        .await
        .unwrap();
    world.raw.set_bytes("payload_ciphertext", B, 3, None).await;
    let report = store.verify_with(&RedactionsByText).await.unwrap();
    assert_eq!(report.first_break, None, "its author's redaction proves it");
    assert_eq!(report.events, 9);
    // Without a decoder that knows redactions, nothing proves it.
    assert_eq!(first_break(store).await.problem, P::UnprovenRedaction);
}

async fn corrupted_wrapped_key(kind: Kind) {
    let world = tampered(kind).await;
    let mut wrapped = world
        .raw
        .stream_bytes("stream_keys", "wrapped_key", B)
        .await
        .unwrap();
    wrapped[30] ^= 1;
    world
        .raw
        .set_stream_bytes("stream_keys", "wrapped_key", B, wrapped)
        .await;
    assert_caught(&world, B, 1, P::DataKey).await;
}

async fn deleted_wrapped_key(kind: Kind) {
    let world = tampered(kind).await;
    exec(
        &world,
        "DELETE FROM stream_keys WHERE stream_id = 'couple:b'",
    )
    .await;
    assert_caught(&world, B, 1, P::DataKey).await;
}

async fn wrapped_key_copied_from_another_stream(kind: Kind) {
    let world = tampered(kind).await;
    let from_a = world
        .raw
        .stream_bytes("stream_keys", "wrapped_key", A)
        .await
        .unwrap();
    world
        .raw
        .set_stream_bytes("stream_keys", "wrapped_key", B, from_a)
        .await;
    assert_caught(&world, B, 1, P::DataKey).await;
}

async fn seal_removed(kind: Kind) {
    let world = tampered(kind).await;
    exec(
        &world,
        "DELETE FROM stream_seals WHERE stream_id = 'couple:b'",
    )
    .await;
    assert_caught(&world, B, 4, P::Unsealed).await;
    assert!(matches!(
        world.store.head(B).await,
        Err(StoreError::Integrity {
            problem: P::Unsealed,
            ..
        })
    ));
}

async fn flipped_seal_byte(kind: Kind) {
    let world = tampered(kind).await;
    let mut seal = world
        .raw
        .stream_bytes("stream_seals", "seal", B)
        .await
        .unwrap();
    seal[9] ^= 1;
    world
        .raw
        .set_stream_bytes("stream_seals", "seal", B, seal)
        .await;
    assert_caught(&world, B, 4, P::SealMismatch).await;
    assert!(world.store.head(B).await.is_err());
}

async fn seal_seq_lowered(kind: Kind) {
    let world = tampered(kind).await;
    exec(
        &world,
        "UPDATE stream_seals SET seq = 3 WHERE stream_id = 'couple:b'",
    )
    .await;
    assert_caught(&world, B, 4, P::SealMismatch).await;
}

async fn seal_copied_from_another_stream(kind: Kind) {
    let world = tampered(kind).await;
    let from_a = world
        .raw
        .stream_bytes("stream_seals", "seal", A)
        .await
        .unwrap();
    world
        .raw
        .set_stream_bytes("stream_seals", "seal", B, from_a)
        .await;
    assert_caught(&world, B, 4, P::SealMismatch).await;
}

async fn older_seal_put_back_over_newer_rows(kind: Kind) {
    let world = tampered(kind).await;
    let older = world
        .raw
        .stream_bytes("stream_seals", "seal", B)
        .await
        .unwrap();
    fill_more(world.store.as_ref(), B, 4, 1).await;
    exec(
        &world,
        "UPDATE stream_seals SET seq = 4 WHERE stream_id = 'couple:b'",
    )
    .await;
    world
        .raw
        .set_stream_bytes("stream_seals", "seal", B, older)
        .await;
    assert_caught(&world, B, 5, P::SealMismatch).await;
}

async fn rechained_event_appended_past_the_seal(kind: Kind) {
    let world = tampered(kind).await;
    // A copy of seq 4 as a new seq 5, chained on properly: no key needed.
    exec(
        &world,
        "INSERT INTO events (stream_id, seq, prev_hash, hash, author, kind, created_at, \
         payload_ciphertext, payload_hash, format) \
         SELECT stream_id, 5, hash, hash, author, kind, created_at, payload_ciphertext, \
         payload_hash, format FROM events WHERE stream_id = 'couple:b' AND seq = 4",
    )
    .await;
    world.raw.rechain(B).await;
    assert_caught(&world, B, 5, P::Undecryptable).await;
}

async fn deleted_stream_rows(kind: Kind) {
    let world = tampered(kind).await;
    exec(&world, "DELETE FROM events WHERE stream_id = 'couple:b'").await;
    assert_caught(&world, B, 1, P::CutOff).await;
    assert!(world.store.head(B).await.is_err());
}

async fn deleted_stream_rows_and_key(kind: Kind) {
    let world = tampered(kind).await;
    exec(&world, "DELETE FROM events WHERE stream_id = 'couple:b'").await;
    exec(
        &world,
        "DELETE FROM stream_keys WHERE stream_id = 'couple:b'",
    )
    .await;
    assert_caught(&world, B, 1, P::CutOff).await;
}

/// Rows and seal put back together to an older state: the seal cannot see
/// it, nor a stream deleted with its seal. That is for the partners'
/// witnesses (each private stream records the couple head it last saw).
/// What the seal does catch, the older seal alone, is tested above.
async fn rolled_back_stream_with_its_seal_is_not_seen_by_the_seal(kind: Kind) {
    let world = tampered(kind).await;
    let seal_at_4 = world
        .raw
        .stream_bytes("stream_seals", "seal", B)
        .await
        .unwrap();
    fill_more(world.store.as_ref(), B, 4, 2).await;
    exec(
        &world,
        "DELETE FROM events WHERE stream_id = 'couple:b' AND seq > 4",
    )
    .await;
    exec(
        &world,
        "UPDATE stream_seals SET seq = 4 WHERE stream_id = 'couple:b'",
    )
    .await;
    world
        .raw
        .set_stream_bytes("stream_seals", "seal", B, seal_at_4)
        .await;
    assert_eq!(world.store.verify().await.unwrap().first_break, None);
    assert_eq!(world.store.read(B, 0).await.unwrap().len(), 4);
    // A reader that saw seq 6 does notice: its events are gone.
    assert!(matches!(
        world.store.read(B, 6).await,
        Err(StoreError::Integrity {
            seq: 6,
            problem: P::CutOff,
            ..
        })
    ));
}

/// Appends `count` events after `from`.
async fn fill_more(store: &dyn Store, stream_id: &str, from: u64, count: u64) {
    for seq in from + 1..=from + count {
        store
            .append(stream_id, seq - 1, vec![event("author-a", "note", "more")])
            .await
            .unwrap();
    }
}
