//! Someone with database access and no key changes rows behind the store's
//! back. One table, [`TAMPERINGS`], says for each tampering what is done
//! and what must be found: `verify` names the damaged stream, the `seq` and
//! the kind of problem; `read` refuses that stream with the same answer;
//! the other stream stays readable. One loop runs every row on both
//! backends, each on a fresh database.

use crate::harness::{conformance_tests, event, fill, Kind, Raw, TestDb};
use kintsugi_store::{
    ChainBreak, Decoded, IntegrityProblem as P, MasterKey, PayloadDecoder, Store, StoreError,
    Witness,
};
use std::sync::{Arc, Mutex};

conformance_tests!(
    every_tampering_is_found,
    rechain_of_an_untouched_stream_changes_nothing,
    a_redaction_by_its_author_is_proven,
    rolled_back_stream_with_its_seal_is_not_seen_by_the_seal,
);

const A: &str = "couple:a";
const B: &str = "couple:b";
/// A partner's private stream: after both couple streams in verify's order.
const PRIVATE: &str = "private:p";

/// One thing someone with database access and no key does.
#[derive(Debug, Clone, Copy)]
enum Step {
    /// A statement that must change at least one row.
    Sql(&'static str),
    /// Flips the lowest bit of one byte of an event column of `B`.
    FlipByte {
        column: &'static str,
        seq: i64,
        byte: Byte,
    },
    /// Flips the lowest bit of one byte of `B`'s row in a per-stream table
    /// (`stream_keys`, `stream_seals`).
    FlipStreamByte {
        table: &'static str,
        column: &'static str,
        byte: usize,
    },
    /// Copies `A`'s value of a per-stream table's column over `B`'s.
    CopyStreamBytesFromA {
        table: &'static str,
        column: &'static str,
    },
    /// Removes an event's ciphertext, as a redaction would.
    DropCiphertext { stream: &'static str, seq: i64 },
    /// Puts the first event's ciphertext into the second (a copy, or a
    /// swap when `swap`).
    MoveCiphertext {
        from: (&'static str, i64),
        to: (&'static str, i64),
        swap: bool,
    },
    /// Recomputes every hash of a stream: needs no key.
    Rechain(&'static str),
    /// The store itself appends to `B`: the tampering is what follows.
    Append {
        author: &'static str,
        payload: &'static str,
    },
    /// Keeps a copy of `B`'s seal as it is now.
    SaveSeal,
    /// Puts the kept seal (and its `seq`) back.
    PutSealBack,
    /// A partner sees `B`: the store appends to their private stream a
    /// witness of `B`'s head as it is now.
    WitnessB,
}

#[derive(Debug, Clone, Copy)]
enum Byte {
    At(usize),
    Last,
}

/// What `verify` and `read` must answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Found {
    stream: &'static str,
    seq: u64,
    problem: P,
}

const fn at(stream: &'static str, seq: u64, problem: P) -> Found {
    Found {
        stream,
        seq,
        problem,
    }
}

/// What else must be refused besides reading the damaged stream.
#[derive(Debug, Clone, Copy)]
enum Also {
    Nothing,
    /// `head` answers the same as `read`.
    HeadRefused,
    /// And nothing is appended onto the damage: that would seal it as if whole.
    HeadAndAppendRefused,
    /// Another stream is damaged too, and `read` refuses it so.
    Refused(Found),
    /// The stream reads as an intact older copy (or as empty): only the
    /// witness knows, and `check_witness`, which the app asks, refuses it.
    OnlyTheWitnessKnows,
}

struct Tampering {
    name: &'static str,
    steps: &'static [Step],
    found: Found,
    also: Also,
}

const fn row(name: &'static str, steps: &'static [Step], found: Found) -> Tampering {
    Tampering {
        name,
        steps,
        found,
        also: Also::Nothing,
    }
}

const fn row_also(
    name: &'static str,
    steps: &'static [Step],
    found: Found,
    also: Also,
) -> Tampering {
    Tampering {
        name,
        steps,
        found,
        also,
    }
}

use Step::*;

const CIPHERTEXT: &str = "payload_ciphertext";
const KEYS: &str = "stream_keys";
const SEALS: &str = "stream_seals";

/// Every tampering, with what must be found. The damage goes into `B`, the
/// second stream in verify's order, so `A` must pass for it to be found.
#[rustfmt::skip]
const TAMPERINGS: &[Tampering] = &[
    // One column of one row changed, hashes left as they were.
    row("stream_id changed: the row leaves its stream", &[Sql("UPDATE events SET stream_id = 'couple:c' WHERE stream_id = 'couple:b' AND seq = 3")], at(B, 3, P::MissingEvent)),
    row("seq changed", &[Sql("UPDATE events SET seq = 7 WHERE stream_id = 'couple:b' AND seq = 3")], at(B, 3, P::MissingEvent)),
    row("prev_hash byte flipped", &[FlipByte { column: "prev_hash", seq: 3, byte: Byte::At(0) }], at(B, 3, P::BrokenLink)),
    row("hash byte flipped", &[FlipByte { column: "hash", seq: 3, byte: Byte::At(17) }], at(B, 3, P::HeaderHashMismatch)),
    row("author byte flipped", &[Sql("UPDATE events SET author = 'author-`' WHERE stream_id = 'couple:b' AND seq = 3")], at(B, 3, P::HeaderHashMismatch)),
    row("kind byte flipped", &[Sql("UPDATE events SET kind = 'notd' WHERE stream_id = 'couple:b' AND seq = 3")], at(B, 3, P::HeaderHashMismatch)),
    row("created_at moved by a microsecond", &[Sql("UPDATE events SET created_at = created_at + 1 WHERE stream_id = 'couple:b' AND seq = 3")], at(B, 3, P::HeaderHashMismatch)),
    row("ciphertext nonce byte flipped", &[FlipByte { column: CIPHERTEXT, seq: 3, byte: Byte::At(0) }], at(B, 3, P::PayloadHashMismatch)),
    row("ciphertext tag byte flipped", &[FlipByte { column: CIPHERTEXT, seq: 3, byte: Byte::Last }], at(B, 3, P::PayloadHashMismatch)),
    row("payload_hash byte flipped", &[FlipByte { column: "payload_hash", seq: 3, byte: Byte::At(5) }], at(B, 3, P::PayloadHashMismatch)),
    row("format downgraded", &[Sql("UPDATE events SET format = 1 WHERE stream_id = 'couple:b' AND seq = 3")], at(B, 3, P::HeaderHashMismatch)),
    row("format unknown", &[Sql("UPDATE events SET format = 3 WHERE stream_id = 'couple:b' AND seq = 3")], at(B, 3, P::UnknownFormat)),
    // Rows deleted.
    row("first event deleted", &[Sql("DELETE FROM events WHERE stream_id = 'couple:b' AND seq = 1")], at(B, 1, P::MissingEvent)),
    row("middle event deleted", &[Sql("DELETE FROM events WHERE stream_id = 'couple:b' AND seq = 2")], at(B, 2, P::MissingEvent)),
    row_also("newest event deleted", &[Sql("DELETE FROM events WHERE stream_id = 'couple:b' AND seq = 4")], at(B, 4, P::CutOff), Also::HeadAndAppendRefused),
    row("tail of two events cut off", &[Sql("DELETE FROM events WHERE stream_id = 'couple:b' AND seq >= 3")], at(B, 3, P::CutOff)),
    row_also("every row of the stream deleted", &[Sql("DELETE FROM events WHERE stream_id = 'couple:b'")], at(B, 1, P::CutOff), Also::HeadRefused),
    row("every row of the stream and its key deleted", &[Sql("DELETE FROM events WHERE stream_id = 'couple:b'"), Sql("DELETE FROM stream_keys WHERE stream_id = 'couple:b'")], at(B, 1, P::CutOff)),
    // Re-chained edits: the change, then every hash recomputed.
    row("re-chained author change", &[Sql("UPDATE events SET author = 'author-b' WHERE stream_id = 'couple:b' AND seq = 3"), Rechain(B)], at(B, 3, P::Undecryptable)),
    row("re-chained kind change", &[Sql("UPDATE events SET kind = 'space' WHERE stream_id = 'couple:b' AND seq = 3"), Rechain(B)], at(B, 3, P::Undecryptable)),
    row("re-chained created_at backdated by a day", &[Sql("UPDATE events SET created_at = created_at - 86400000000 WHERE stream_id = 'couple:b' AND seq = 3"), Rechain(B)], at(B, 3, P::Undecryptable)),
    row("re-chained format downgrade", &[Sql("UPDATE events SET format = 1 WHERE stream_id = 'couple:b' AND seq = 3"), Rechain(B)], at(B, 3, P::Undecryptable)),
    row_also("re-chained stream rename: the seal stays behind and names events that are gone", &[Sql("UPDATE events SET stream_id = 'couple:bb' WHERE stream_id = 'couple:b'"), Rechain("couple:bb")], at(B, 1, P::CutOff), Also::Refused(at("couple:bb", 1, P::DataKey))),
    row("re-chained delete and renumber", &[Sql("DELETE FROM events WHERE stream_id = 'couple:b' AND seq = 2"), Sql("UPDATE events SET seq = 2 WHERE stream_id = 'couple:b' AND seq = 3"), Sql("UPDATE events SET seq = 3 WHERE stream_id = 'couple:b' AND seq = 4"), Rechain(B)], at(B, 2, P::Undecryptable)),
    row("re-chained ciphertext swap within a stream", &[MoveCiphertext { from: (B, 2), to: (B, 3), swap: true }, Rechain(B)], at(B, 2, P::Undecryptable)),
    row("re-chained ciphertext copied from another stream", &[MoveCiphertext { from: (A, 3), to: (B, 3), swap: false }, Rechain(B)], at(B, 3, P::Undecryptable)),
    row_also("re-chained ciphertext swap between streams: verify names the first", &[MoveCiphertext { from: (A, 3), to: (B, 3), swap: true }, Rechain(A), Rechain(B)], at(A, 3, P::Undecryptable), Also::Refused(at(B, 3, P::Undecryptable))),
    row("re-chained copy of the newest event appended past the seal", &[Sql("INSERT INTO events (stream_id, seq, prev_hash, hash, author, kind, created_at, payload_ciphertext, payload_hash, format) SELECT stream_id, 5, hash, hash, author, kind, created_at, payload_ciphertext, payload_hash, format FROM events WHERE stream_id = 'couple:b' AND seq = 4"), Rechain(B)], at(B, 5, P::Undecryptable)),
    row("ciphertext swap without re-chaining", &[MoveCiphertext { from: (B, 2), to: (B, 3), swap: true }], at(B, 2, P::PayloadHashMismatch)),
    // Redactions nobody made.
    row("forged redaction: a ciphertext removed, its payload_hash kept", &[DropCiphertext { stream: B, seq: 3 }], at(B, 3, P::UnprovenRedaction)),
    row("forged redaction of the newest event", &[DropCiphertext { stream: B, seq: 4 }], at(B, 4, P::UnprovenRedaction)),
    row("forged redaction named by a redaction from someone else", &[Append { author: "author-b", payload: "redacts 3" }, DropCiphertext { stream: B, seq: 3 }], at(B, 3, P::UnprovenRedaction)),
    // The stream's data key.
    row("wrapped key byte flipped", &[FlipStreamByte { table: KEYS, column: "wrapped_key", byte: 30 }], at(B, 1, P::DataKey)),
    row("wrapped key deleted", &[Sql("DELETE FROM stream_keys WHERE stream_id = 'couple:b'")], at(B, 1, P::DataKey)),
    row("wrapped key copied from another stream", &[CopyStreamBytesFromA { table: KEYS, column: "wrapped_key" }], at(B, 1, P::DataKey)),
    // The stream's seal.
    row_also("seal removed", &[Sql("DELETE FROM stream_seals WHERE stream_id = 'couple:b'")], at(B, 4, P::Unsealed), Also::HeadRefused),
    row_also("seal byte flipped", &[FlipStreamByte { table: SEALS, column: "seal", byte: 9 }], at(B, 4, P::SealMismatch), Also::HeadRefused),
    row("seal seq lowered", &[Sql("UPDATE stream_seals SET seq = 3 WHERE stream_id = 'couple:b'")], at(B, 4, P::SealMismatch)),
    row("seal copied from another stream", &[CopyStreamBytesFromA { table: SEALS, column: "seal" }], at(B, 4, P::SealMismatch)),
    row("older seal put back over newer rows", &[SaveSeal, Append { author: "author-a", payload: "more" }, PutSealBack], at(B, 5, P::SealMismatch)),
    // Whole streams put back or deleted, seal and all: only a partner's
    // witness, kept in their private stream, can tell.
    row_also("couple stream rolled back with its seal behind a partner's witness", &[SaveSeal, Append { author: "author-a", payload: "more" }, Append { author: "author-a", payload: "more" }, WitnessB, Sql("DELETE FROM events WHERE stream_id = 'couple:b' AND seq > 4"), PutSealBack], at(B, 6, P::BehindWitness), Also::OnlyTheWitnessKnows),
    row_also("couple stream rolled back under a witness, then written on to the same length", &[SaveSeal, Append { author: "author-a", payload: "more" }, Append { author: "author-a", payload: "more" }, WitnessB, Sql("DELETE FROM events WHERE stream_id = 'couple:b' AND seq > 4"), PutSealBack, Append { author: "author-a", payload: "more" }, Append { author: "author-a", payload: "more" }], at(B, 6, P::BehindWitness), Also::OnlyTheWitnessKnows),
    row_also("couple stream deleted with its seal and key under a partner's witness", &[WitnessB, Sql("DELETE FROM events WHERE stream_id = 'couple:b'"), Sql("DELETE FROM stream_seals WHERE stream_id = 'couple:b'"), Sql("DELETE FROM stream_keys WHERE stream_id = 'couple:b'")], at(B, 4, P::BehindWitness), Also::OnlyTheWitnessKnows),
];

/// How many rows run at once, each on its own database: enough to wait on
/// several databases together, few enough for PostgreSQL's connections.
const ROWS_AT_ONCE: usize = 4;

async fn every_tampering_is_found(kind: Kind) {
    assert!(TAMPERINGS.len() >= 43, "the issue asks for 30 at least");
    let turns = Arc::new(tokio::sync::Semaphore::new(ROWS_AT_ONCE));
    let mut rows = tokio::task::JoinSet::new();
    for tampering in TAMPERINGS {
        let turns = turns.clone();
        rows.spawn(async move {
            let _turn = turns.acquire_owned().await.unwrap();
            let world = World::new(kind).await;
            for step in tampering.steps {
                world.take(*step, tampering.name).await;
            }
            world.assert_caught(tampering).await;
        });
    }
    // A failed row's panic names it; it is raised here as it was.
    while let Some(ran) = rows.join_next().await {
        if let Err(failed) = ran {
            std::panic::resume_unwind(failed.into_panic());
        }
    }
}

struct World {
    _db: TestDb,
    store: Arc<dyn Store>,
    raw: Raw,
    /// `B`'s seal and its `seq`, as `SaveSeal` kept them.
    kept_seal: Mutex<Option<(Vec<u8>, u64)>>,
    /// The newest witness `WitnessB` appended.
    witness: Mutex<Option<Witness>>,
}

impl World {
    /// Two streams of four events each, intact.
    async fn new(kind: Kind) -> World {
        let db = TestDb::new(kind).await;
        let store = db.open(&MasterKey::generate()).await;
        fill(store.as_ref(), A, 4).await;
        fill(store.as_ref(), B, 4).await;
        assert_eq!(store.verify().await.unwrap().first_break, None);
        let raw = db.raw().await;
        World {
            _db: db,
            store,
            raw,
            kept_seal: Mutex::new(None),
            witness: Mutex::new(None),
        }
    }

    async fn take(&self, step: Step, name: &str) {
        let raw = &self.raw;
        match step {
            Sql(sql) => assert!(raw.execute(sql).await > 0, "{name}: {sql} changed nothing"),
            FlipByte { column, seq, byte } => {
                let index = match byte {
                    Byte::At(index) => index,
                    Byte::Last => raw.bytes(column, B, seq).await.unwrap().len() - 1,
                };
                raw.flip_byte(column, B, seq, index).await;
            }
            FlipStreamByte {
                table,
                column,
                byte,
            } => {
                let mut bytes = raw.stream_bytes(table, column, B).await.unwrap();
                bytes[byte] ^= 1;
                raw.set_stream_bytes(table, column, B, bytes).await;
            }
            CopyStreamBytesFromA { table, column } => {
                let from_a = raw.stream_bytes(table, column, A).await.unwrap();
                raw.set_stream_bytes(table, column, B, from_a).await;
            }
            DropCiphertext { stream, seq } => raw.set_bytes(CIPHERTEXT, stream, seq, None).await,
            MoveCiphertext { from, to, swap } => {
                let moved = raw.bytes(CIPHERTEXT, from.0, from.1).await;
                let replaced = raw.bytes(CIPHERTEXT, to.0, to.1).await;
                raw.set_bytes(CIPHERTEXT, to.0, to.1, moved).await;
                if swap {
                    raw.set_bytes(CIPHERTEXT, from.0, from.1, replaced).await;
                }
            }
            Rechain(stream) => raw.rechain(stream).await,
            Append { author, payload } => {
                let head = self.store.head(B).await.unwrap().map_or(0, |head| head.seq);
                let appended = self
                    .store
                    .append(B, head, vec![event(author, "note", payload)]);
                appended.await.unwrap();
            }
            SaveSeal => {
                let seal = raw.stream_bytes(SEALS, "seal", B).await.unwrap();
                let seq = self.store.head(B).await.unwrap().map_or(0, |head| head.seq);
                *self.kept_seal.lock().unwrap() = Some((seal, seq));
            }
            PutSealBack => {
                let (seal, seq) = self.kept_seal.lock().unwrap().clone().unwrap();
                let sql =
                    format!("UPDATE stream_seals SET seq = {seq} WHERE stream_id = 'couple:b'");
                assert_eq!(raw.execute(&sql).await, 1, "{name}: no seal");
                raw.set_stream_bytes(SEALS, "seal", B, seal).await;
            }
            WitnessB => {
                let head = self.store.head(B).await.unwrap().unwrap();
                let payload = format!("witnesses {B} {} {}", head.seq, hex::encode(head.hash));
                let private_head = self.store.head(PRIVATE).await.unwrap().map_or(0, |h| h.seq);
                let witness = event("author-p", "private", &payload);
                let appended = self.store.append(PRIVATE, private_head, vec![witness]);
                appended.await.unwrap();
                *self.witness.lock().unwrap() = Some(Witness {
                    stream_id: B.to_owned(),
                    seq: head.seq,
                    hash: head.hash,
                });
            }
        }
    }

    /// `verify` and `read` name what the row says; the untouched stream `A`
    /// still reads whole unless it is the one found.
    async fn assert_caught(&self, tampering: &Tampering) {
        let (store, name, expected) = (self.store.as_ref(), tampering.name, tampering.found);
        let report = store.verify_with(&TestPayloads).await.unwrap();
        let found = report
            .first_break
            .unwrap_or_else(|| panic!("{name}: verify found nothing"));
        assert_eq!(
            found_in(&found),
            expected,
            "{name}: verify said {}",
            found.reason
        );
        if let Also::OnlyTheWitnessKnows = tampering.also {
            assert!(found.reason.contains(PRIVATE), "{name}: {}", found.reason);
            let witness = self.witness.lock().unwrap().clone().unwrap();
            let checked = store.check_witness(&witness).await;
            assert_refused(checked, expected, name, "check_witness");
        } else {
            assert_refused(store.read(expected.stream, 0).await, expected, name, "read");
        }
        if expected.stream != A {
            assert_eq!(store.read(A, 0).await.unwrap().len(), 4, "{name}: A");
        }
        match tampering.also {
            Also::Nothing | Also::OnlyTheWitnessKnows => {}
            Also::HeadRefused => {
                assert_refused(store.head(B).await, expected, name, "head");
            }
            Also::HeadAndAppendRefused => {
                assert_refused(store.head(B).await, expected, name, "head");
                let append = store.append(B, 3, vec![event("author-a", "note", "x")]);
                assert_refused(append.await, expected, name, "append");
            }
            Also::Refused(other) => {
                assert_refused(store.read(other.stream, 0).await, other, name, "read");
            }
        }
    }
}

fn found_in(found: &ChainBreak) -> Found {
    let stream = match found.stream_id.as_str() {
        A => A,
        B => B,
        _ => "another stream",
    };
    at(stream, found.seq, found.problem)
}

fn assert_refused<T: std::fmt::Debug>(
    answer: Result<T, StoreError>,
    expected: Found,
    name: &str,
    what: &str,
) {
    match answer {
        Err(StoreError::Integrity {
            stream_id,
            seq,
            problem,
        }) => assert_eq!(
            (stream_id.as_str(), seq, problem),
            (expected.stream, expected.seq, expected.problem),
            "{name}: {what}"
        ),
        other => panic!("{name}: {what} served the damaged stream: {other:?}"),
    }
}

/// Says every payload is known, that the payload "redacts N" redacts seq
/// N and that "witnesses STREAM SEQ HASH" witnesses that head: stand-ins
/// for the domain's redaction and witness events.
struct TestPayloads;

impl PayloadDecoder for TestPayloads {
    fn decode(&self, _stream_id: &str, _kind: &str, payload: &[u8]) -> Decoded {
        let text = std::str::from_utf8(payload).unwrap_or_default();
        if let Some(witness) = text.strip_prefix("witnesses ") {
            let parts: Vec<&str> = witness.split(' ').collect();
            let hash = hex::decode(parts[2]).unwrap().try_into().unwrap();
            return Decoded::Witness(Witness {
                stream_id: parts[0].to_owned(),
                seq: parts[1].parse().unwrap(),
                hash,
            });
        }
        let redacts = text
            .strip_prefix("redacts ")
            .and_then(|seq| seq.parse().ok());
        Decoded::Known { redacts }
    }
}

/// The positive control of the re-chained rows: re-chaining a stream
/// nobody changed gives back exactly its hashes, so the harness's copy of
/// the header encoding is the store's.
async fn rechain_of_an_untouched_stream_changes_nothing(kind: Kind) {
    let world = World::new(kind).await;
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

/// The positive control of the forged redactions: the entry's author's own
/// redaction proves the missing ciphertext, and only a decoder that knows
/// redactions can see it.
async fn a_redaction_by_its_author_is_proven(kind: Kind) {
    let world = World::new(kind).await;
    let redaction = Append {
        author: "author-a",
        payload: "redacts 3",
    };
    world.take(redaction, "redaction").await;
    world
        .take(DropCiphertext { stream: B, seq: 3 }, "redaction")
        .await;
    let report = world.store.verify_with(&TestPayloads).await.unwrap();
    assert_eq!(report.first_break, None, "its author's redaction proves it");
    assert_eq!(report.events, 9);
    let found = world.store.verify().await.unwrap().first_break.unwrap();
    assert_eq!(found.problem, P::UnprovenRedaction);
}

/// Rows and seal put back together to an older state: the seal alone
/// cannot see it, nor a stream deleted with its seal. That is what the
/// partners' witnesses are for (the rows above that a witness catches);
/// what the seal does catch, the older seal alone, is a row above too.
async fn rolled_back_stream_with_its_seal_is_not_seen_by_the_seal(kind: Kind) {
    let world = World::new(kind).await;
    let seal_at_4 = world.raw.stream_bytes(SEALS, "seal", B).await.unwrap();
    fill_more(world.store.as_ref(), B, 4, 2).await;
    let cut = "DELETE FROM events WHERE stream_id = 'couple:b' AND seq > 4";
    world.take(Sql(cut), "rollback").await;
    let seal_back = "UPDATE stream_seals SET seq = 4 WHERE stream_id = 'couple:b'";
    world.take(Sql(seal_back), "rollback").await;
    world
        .raw
        .set_stream_bytes(SEALS, "seal", B, seal_at_4)
        .await;
    assert_eq!(world.store.verify().await.unwrap().first_break, None);
    assert_eq!(world.store.read(B, 0).await.unwrap().len(), 4);
    // A reader that saw seq 6 does notice: its events are gone.
    assert_refused(
        world.store.read(B, 6).await,
        at(B, 6, P::CutOff),
        "rollback",
        "read",
    );
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
