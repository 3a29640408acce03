//! Someone with database access and no key changes rows behind the store's
//! back. One table, [`TAMPERINGS`], says for each tampering what is done
//! and what must be found: the store's conformance tests check `verify`,
//! `read` and `head` against it, the app's HTTP tests the page each couple
//! meets. The damage goes into stream `B`; `A` is another stream of the
//! same kind (in the app, another couple's record), which must pass for
//! `B`'s damage to be found. Stream names in the table are templates:
//! `{a}` and `{b}` stand for the two streams ([`Tamperer::fill`]).

use super::Raw;
use crate::{IntegrityProblem as P, Store};
use async_trait::async_trait;
use std::sync::{Arc, Mutex};

/// The untouched stream, as the table names it.
pub const A: &str = "{a}";
/// The damaged stream, as the table names it.
pub const B: &str = "{b}";

/// One thing someone with database access and no key does.
#[derive(Debug, Clone, Copy)]
pub enum Step {
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
    /// One more event is appended to `B` through the store (by
    /// [`Writer::append`]): the tampering is what follows.
    Append {
        author: &'static str,
        payload: &'static str,
    },
    /// Keeps a copy of `B`'s seal as it is now.
    SaveSeal,
    /// Puts the kept seal (and its `seq`) back.
    PutSealBack,
    /// A partner sees `B`: their private stream records a witness of `B`'s
    /// head as it is now (by [`Writer::witness`]).
    WitnessB,
}

#[derive(Debug, Clone, Copy)]
pub enum Byte {
    At(usize),
    Last,
}

/// What `verify` and `read` must answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    pub stream: &'static str,
    pub seq: u64,
    pub problem: P,
}

pub const fn at(stream: &'static str, seq: u64, problem: P) -> Found {
    Found {
        stream,
        seq,
        problem,
    }
}

/// What else must be refused besides reading the damaged stream.
#[derive(Debug, Clone, Copy)]
pub enum Also {
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

pub struct Tampering {
    pub name: &'static str,
    pub steps: &'static [Step],
    pub found: Found,
    pub also: Also,
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

pub const CIPHERTEXT: &str = "payload_ciphertext";
pub const KEYS: &str = "stream_keys";
pub const SEALS: &str = "stream_seals";

/// Every tampering, with what must be found. The damage goes into `B`, the
/// second stream in verify's order, so `A` must pass for it to be found.
#[rustfmt::skip]
pub const TAMPERINGS: &[Tampering] = &[
    // One column of one row changed, hashes left as they were.
    row("stream_id changed: the row leaves its stream", &[Sql("UPDATE events SET stream_id = '{b}c' WHERE stream_id = '{b}' AND seq = 3")], at(B, 3, P::MissingEvent)),
    row("seq changed", &[Sql("UPDATE events SET seq = 7 WHERE stream_id = '{b}' AND seq = 3")], at(B, 3, P::MissingEvent)),
    row("prev_hash byte flipped", &[FlipByte { column: "prev_hash", seq: 3, byte: Byte::At(0) }], at(B, 3, P::BrokenLink)),
    row("hash byte flipped", &[FlipByte { column: "hash", seq: 3, byte: Byte::At(17) }], at(B, 3, P::HeaderHashMismatch)),
    row("author byte flipped", &[Sql("UPDATE events SET author = 'author-`' WHERE stream_id = '{b}' AND seq = 3")], at(B, 3, P::HeaderHashMismatch)),
    row("kind byte flipped", &[Sql("UPDATE events SET kind = 'notd' WHERE stream_id = '{b}' AND seq = 3")], at(B, 3, P::HeaderHashMismatch)),
    row("created_at moved by a microsecond", &[Sql("UPDATE events SET created_at = created_at + 1 WHERE stream_id = '{b}' AND seq = 3")], at(B, 3, P::HeaderHashMismatch)),
    row("ciphertext nonce byte flipped", &[FlipByte { column: CIPHERTEXT, seq: 3, byte: Byte::At(0) }], at(B, 3, P::PayloadHashMismatch)),
    row("ciphertext tag byte flipped", &[FlipByte { column: CIPHERTEXT, seq: 3, byte: Byte::Last }], at(B, 3, P::PayloadHashMismatch)),
    row("payload_hash byte flipped", &[FlipByte { column: "payload_hash", seq: 3, byte: Byte::At(5) }], at(B, 3, P::PayloadHashMismatch)),
    row("format downgraded", &[Sql("UPDATE events SET format = 1 WHERE stream_id = '{b}' AND seq = 3")], at(B, 3, P::HeaderHashMismatch)),
    row("format unknown", &[Sql("UPDATE events SET format = 3 WHERE stream_id = '{b}' AND seq = 3")], at(B, 3, P::UnknownFormat)),
    // Rows deleted.
    row("first event deleted", &[Sql("DELETE FROM events WHERE stream_id = '{b}' AND seq = 1")], at(B, 1, P::MissingEvent)),
    row("middle event deleted", &[Sql("DELETE FROM events WHERE stream_id = '{b}' AND seq = 2")], at(B, 2, P::MissingEvent)),
    row_also("newest event deleted", &[Sql("DELETE FROM events WHERE stream_id = '{b}' AND seq = 4")], at(B, 4, P::CutOff), Also::HeadAndAppendRefused),
    row("tail of two events cut off", &[Sql("DELETE FROM events WHERE stream_id = '{b}' AND seq >= 3")], at(B, 3, P::CutOff)),
    row_also("every row of the stream deleted", &[Sql("DELETE FROM events WHERE stream_id = '{b}'")], at(B, 1, P::CutOff), Also::HeadRefused),
    row("every row of the stream and its key deleted", &[Sql("DELETE FROM events WHERE stream_id = '{b}'"), Sql("DELETE FROM stream_keys WHERE stream_id = '{b}'")], at(B, 1, P::CutOff)),
    // Re-chained edits: the change, then every hash recomputed.
    row("re-chained author change", &[Sql("UPDATE events SET author = 'author-b' WHERE stream_id = '{b}' AND seq = 3"), Rechain(B)], at(B, 3, P::Undecryptable)),
    row("re-chained kind change", &[Sql("UPDATE events SET kind = 'truth' WHERE stream_id = '{b}' AND seq = 3"), Rechain(B)], at(B, 3, P::Undecryptable)),
    row("re-chained created_at backdated by a day", &[Sql("UPDATE events SET created_at = created_at - 86400000000 WHERE stream_id = '{b}' AND seq = 3"), Rechain(B)], at(B, 3, P::Undecryptable)),
    row("re-chained format downgrade", &[Sql("UPDATE events SET format = 1 WHERE stream_id = '{b}' AND seq = 3"), Rechain(B)], at(B, 3, P::Undecryptable)),
    row_also("re-chained stream rename: the seal stays behind and names events that are gone", &[Sql("UPDATE events SET stream_id = '{b}b' WHERE stream_id = '{b}'"), Rechain("{b}b")], at(B, 1, P::CutOff), Also::Refused(at("{b}b", 1, P::DataKey))),
    row("re-chained delete and renumber", &[Sql("DELETE FROM events WHERE stream_id = '{b}' AND seq = 2"), Sql("UPDATE events SET seq = 2 WHERE stream_id = '{b}' AND seq = 3"), Sql("UPDATE events SET seq = 3 WHERE stream_id = '{b}' AND seq = 4"), Rechain(B)], at(B, 2, P::Undecryptable)),
    row("re-chained ciphertext swap within a stream", &[MoveCiphertext { from: (B, 2), to: (B, 3), swap: true }, Rechain(B)], at(B, 2, P::Undecryptable)),
    row("re-chained ciphertext copied from another stream", &[MoveCiphertext { from: (A, 3), to: (B, 3), swap: false }, Rechain(B)], at(B, 3, P::Undecryptable)),
    row_also("re-chained ciphertext swap between streams: verify names the first", &[MoveCiphertext { from: (A, 3), to: (B, 3), swap: true }, Rechain(A), Rechain(B)], at(A, 3, P::Undecryptable), Also::Refused(at(B, 3, P::Undecryptable))),
    row("re-chained copy of the newest event appended past the seal", &[Sql("INSERT INTO events (stream_id, seq, prev_hash, hash, author, kind, created_at, payload_ciphertext, payload_hash, format) SELECT stream_id, 5, hash, hash, author, kind, created_at, payload_ciphertext, payload_hash, format FROM events WHERE stream_id = '{b}' AND seq = 4"), Rechain(B)], at(B, 5, P::Undecryptable)),
    row("ciphertext swap without re-chaining", &[MoveCiphertext { from: (B, 2), to: (B, 3), swap: true }], at(B, 2, P::PayloadHashMismatch)),
    // Redactions nobody made.
    row("forged redaction: a ciphertext removed, its payload_hash kept", &[DropCiphertext { stream: B, seq: 3 }], at(B, 3, P::UnprovenRedaction)),
    row("forged redaction of the newest event", &[DropCiphertext { stream: B, seq: 4 }], at(B, 4, P::UnprovenRedaction)),
    row("forged redaction named by a redaction from someone else", &[Append { author: "author-b", payload: "redacts 3" }, DropCiphertext { stream: B, seq: 3 }], at(B, 3, P::UnprovenRedaction)),
    // The stream's data key.
    row("wrapped key byte flipped", &[FlipStreamByte { table: KEYS, column: "wrapped_key", byte: 30 }], at(B, 1, P::DataKey)),
    row("wrapped key deleted", &[Sql("DELETE FROM stream_keys WHERE stream_id = '{b}'")], at(B, 1, P::DataKey)),
    row("wrapped key copied from another stream", &[CopyStreamBytesFromA { table: KEYS, column: "wrapped_key" }], at(B, 1, P::DataKey)),
    // The stream's seal.
    row_also("seal removed", &[Sql("DELETE FROM stream_seals WHERE stream_id = '{b}'")], at(B, 4, P::Unsealed), Also::HeadRefused),
    row_also("seal byte flipped", &[FlipStreamByte { table: SEALS, column: "seal", byte: 9 }], at(B, 4, P::SealMismatch), Also::HeadRefused),
    row("seal seq lowered", &[Sql("UPDATE stream_seals SET seq = 3 WHERE stream_id = '{b}'")], at(B, 4, P::SealMismatch)),
    row("seal copied from another stream", &[CopyStreamBytesFromA { table: SEALS, column: "seal" }], at(B, 4, P::SealMismatch)),
    row("older seal put back over newer rows", &[SaveSeal, Append { author: "author-a", payload: "more" }, PutSealBack], at(B, 5, P::SealMismatch)),
    // Whole streams put back or deleted, seal and all: only a partner's
    // witness, kept in their private stream, can tell.
    row_also("couple stream rolled back with its seal behind a partner's witness", &[SaveSeal, Append { author: "author-a", payload: "more" }, Append { author: "author-a", payload: "more" }, WitnessB, Sql("DELETE FROM events WHERE stream_id = '{b}' AND seq > 4"), PutSealBack], at(B, 6, P::BehindWitness), Also::OnlyTheWitnessKnows),
    row_also("couple stream rolled back under a witness, then written on to the same length", &[SaveSeal, Append { author: "author-a", payload: "more" }, Append { author: "author-a", payload: "more" }, WitnessB, Sql("DELETE FROM events WHERE stream_id = '{b}' AND seq > 4"), PutSealBack, Append { author: "author-a", payload: "more" }, Append { author: "author-a", payload: "more" }], at(B, 6, P::BehindWitness), Also::OnlyTheWitnessKnows),
    row_also("couple stream deleted with its seal and key under a partner's witness", &[WitnessB, Sql("DELETE FROM events WHERE stream_id = '{b}'"), Sql("DELETE FROM stream_seals WHERE stream_id = '{b}'"), Sql("DELETE FROM stream_keys WHERE stream_id = '{b}'")], at(B, 4, P::BehindWitness), Also::OnlyTheWitnessKnows),
];

impl Tampering {
    /// Whether the damage stays in `B`, so that `A` must read as before.
    pub fn spares_a(&self) -> bool {
        let other = match self.also {
            Also::Refused(other) => Some(other.stream),
            _ => None,
        };
        self.found.stream != A && other != Some(A)
    }
}

/// What the world around the damage writes, the way it writes: the store's
/// tests append plain notes, the app's its own events.
#[async_trait]
pub trait Writer: Send + Sync {
    /// Appends one event to stream `b` after its head.
    async fn append(&self, b: &str, author: &str, payload: &str);
    /// A partner sees stream `b` and keeps a witness of its head.
    async fn witness(&self, b: &str);
}

/// Takes the table's steps on a database: raw SQL around the store, with
/// the stream names filled in.
pub struct Tamperer {
    pub raw: Raw,
    store: Arc<dyn Store>,
    a: String,
    b: String,
    /// `B`'s seal and its `seq`, as `SaveSeal` kept them.
    kept_seal: Mutex<Option<(Vec<u8>, u64)>>,
}

impl Tamperer {
    /// Damage to stream `b`, with `a` the untouched one, on the database
    /// `raw` reaches and `store` is open on.
    pub fn new(raw: Raw, store: Arc<dyn Store>, a: &str, b: &str) -> Tamperer {
        Tamperer {
            raw,
            store,
            a: a.to_owned(),
            b: b.to_owned(),
            kept_seal: Mutex::new(None),
        }
    }

    /// A stream name or SQL of the table with `{a}` and `{b}` filled in.
    pub fn fill(&self, template: &str) -> String {
        template.replace(A, &self.a).replace(B, &self.b)
    }

    /// Every step of `tampering`, in order.
    pub async fn damage(&self, tampering: &Tampering, writer: &dyn Writer) {
        for step in tampering.steps {
            self.take(*step, tampering.name, writer).await;
        }
    }

    pub async fn take(&self, step: Step, name: &str, writer: &dyn Writer) {
        let (raw, b) = (&self.raw, self.b.as_str());
        match step {
            Sql(sql) => {
                let sql = self.fill(sql);
                assert!(raw.execute(&sql).await > 0, "{name}: {sql} changed nothing");
            }
            FlipByte { column, seq, byte } => {
                let index = match byte {
                    Byte::At(index) => index,
                    Byte::Last => {
                        raw.bytes(column, b, seq)
                            .await
                            .expect("the column holds bytes")
                            .len()
                            - 1
                    }
                };
                raw.flip_byte(column, b, seq, index).await;
            }
            FlipStreamByte {
                table,
                column,
                byte,
            } => {
                let mut bytes = raw
                    .stream_bytes(table, column, b)
                    .await
                    .expect("the stream has the column");
                bytes[byte] ^= 1;
                raw.set_stream_bytes(table, column, b, bytes).await;
            }
            CopyStreamBytesFromA { table, column } => {
                let from_a = raw
                    .stream_bytes(table, column, &self.a)
                    .await
                    .expect("the stream has the column");
                raw.set_stream_bytes(table, column, b, from_a).await;
            }
            DropCiphertext { stream, seq } => {
                raw.set_bytes(CIPHERTEXT, &self.fill(stream), seq, None)
                    .await
            }
            MoveCiphertext { from, to, swap } => self.move_ciphertext(from, to, swap).await,
            Rechain(stream) => raw.rechain(&self.fill(stream)).await,
            Append { author, payload } => writer.append(b, author, payload).await,
            SaveSeal => {
                let seal = raw
                    .stream_bytes(SEALS, "seal", b)
                    .await
                    .expect("the stream is sealed");
                let seq = self.head_of_b().await;
                *self.kept_seal.lock().expect("the kept seal") = Some((seal, seq));
            }
            PutSealBack => {
                let (seal, seq) = self
                    .kept_seal
                    .lock()
                    .expect("the kept seal")
                    .clone()
                    .expect("a seal was kept before");
                let sql = format!("UPDATE stream_seals SET seq = {seq} WHERE stream_id = '{b}'");
                assert_eq!(raw.execute(&sql).await, 1, "{name}: no seal");
                raw.set_stream_bytes(SEALS, "seal", b, seal).await;
            }
            WitnessB => writer.witness(b).await,
        }
    }

    async fn move_ciphertext(&self, from: (&str, i64), to: (&str, i64), swap: bool) {
        let (from, to) = ((self.fill(from.0), from.1), (self.fill(to.0), to.1));
        let moved = self.raw.bytes(CIPHERTEXT, &from.0, from.1).await;
        let replaced = self.raw.bytes(CIPHERTEXT, &to.0, to.1).await;
        self.raw.set_bytes(CIPHERTEXT, &to.0, to.1, moved).await;
        if swap {
            self.raw
                .set_bytes(CIPHERTEXT, &from.0, from.1, replaced)
                .await;
        }
    }

    async fn head_of_b(&self) -> u64 {
        let head = self.store.head(&self.b).await.expect("the head reads");
        head.map_or(0, |head| head.seq)
    }
}
