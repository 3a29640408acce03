//! The hash chain, written once for every backend.
//!
//! Each event commits to its ciphertext (`payload_hash = SHA-256(ciphertext)`)
//! and to a canonical header that includes the previous event's hash
//! (`hash = SHA-256(header)`). The header encoding is versioned and
//! unambiguous: a domain tag, then every field either fixed-width or
//! length-prefixed, so no two different headers can encode to the same bytes.
//!
//! An event's `format` says which encoding and which AEAD associated data it
//! uses. Format 1 (every event written before the head seal existed) keeps
//! its original header hash, so old chains and fingerprints do not change;
//! format 2 puts the format itself into the hash, so it cannot be rewritten
//! to 1 without changing the hash.

use crate::{Hash, IntegrityProblem};
use sha2::{Digest, Sha256};

/// `prev_hash` of the first event in every stream.
pub const GENESIS_PREV_HASH: Hash = [0u8; 32];

/// The AEAD binds stream and seq only; the header hash has no format field.
pub(crate) const FORMAT_STREAM_SEQ: i64 = 1;
/// The AEAD binds the whole header; the header hash covers the format.
pub(crate) const FORMAT_WHOLE_HEADER: i64 = 2;
/// What every new event is written as.
pub(crate) const CURRENT_FORMAT: i64 = FORMAT_WHOLE_HEADER;

const HEADER_TAG_V1: &[u8] = b"kintsugi/event-header/v1";
const HEADER_TAG_V2: &[u8] = b"kintsugi/event-header/v2";

/// One row of the `events` table, exactly as stored. Hash columns are kept as
/// raw bytes so that a row with a mangled hash can still be reported by
/// `verify` rather than failing to load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EventRow {
    pub stream_id: String,
    pub seq: i64,
    pub prev_hash: Vec<u8>,
    pub hash: Vec<u8>,
    pub author: String,
    pub kind: String,
    /// Microseconds since the Unix epoch, UTC.
    pub created_at: i64,
    /// `None` once redacted.
    pub payload_ciphertext: Option<Vec<u8>>,
    pub payload_hash: Vec<u8>,
    /// Which header encoding and associated data the event uses.
    pub format: i64,
}

/// The fields an event's hash commits to.
pub(crate) struct Header<'a> {
    pub format: i64,
    pub stream_id: &'a str,
    pub seq: i64,
    pub prev_hash: &'a [u8],
    pub author: &'a str,
    pub kind: &'a str,
    pub created_at: i64,
    pub payload_hash: &'a [u8],
}

impl Header<'_> {
    /// The header's hash; `None` for a format this version does not know.
    pub(crate) fn hash(&self) -> Option<Hash> {
        let mut hasher = Sha256::new();
        match self.format {
            FORMAT_STREAM_SEQ => put_bytes(&mut hasher, HEADER_TAG_V1),
            FORMAT_WHOLE_HEADER => {
                put_bytes(&mut hasher, HEADER_TAG_V2);
                hasher.update(self.format.to_be_bytes());
            }
            _ => return None,
        }
        put_bytes(&mut hasher, self.stream_id.as_bytes());
        hasher.update(self.seq.to_be_bytes());
        put_bytes(&mut hasher, self.prev_hash);
        put_bytes(&mut hasher, self.author.as_bytes());
        put_bytes(&mut hasher, self.kind.as_bytes());
        hasher.update(self.created_at.to_be_bytes());
        put_bytes(&mut hasher, self.payload_hash);
        Some(hasher.finalize().into())
    }
}

fn put_bytes(hasher: &mut Sha256, bytes: &[u8]) {
    hasher.update((bytes.len() as u64).to_be_bytes());
    hasher.update(bytes);
}

pub(crate) fn sha256(bytes: &[u8]) -> Hash {
    Sha256::digest(bytes).into()
}

impl EventRow {
    pub(crate) fn header(&self) -> Header<'_> {
        Header {
            format: self.format,
            stream_id: &self.stream_id,
            seq: self.seq,
            prev_hash: &self.prev_hash,
            author: &self.author,
            kind: &self.kind,
            created_at: self.created_at,
            payload_hash: &self.payload_hash,
        }
    }
}

/// Where a stream stops being trustworthy: the first `seq` with a problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Break {
    pub seq: i64,
    pub problem: IntegrityProblem,
}

impl Break {
    pub(crate) fn at(seq: i64, problem: IntegrityProblem) -> Break {
        Break { seq, problem }
    }
}

/// Walks one stream's rows in `seq` order and names the first that does not
/// belong. Needs no key: it checks commitments to ciphertexts, never
/// plaintexts.
pub(crate) struct StreamVerifier {
    next_seq: i64,
    prev_hash: Vec<u8>,
}

impl Default for StreamVerifier {
    fn default() -> Self {
        StreamVerifier {
            next_seq: 1,
            prev_hash: GENESIS_PREV_HASH.to_vec(),
        }
    }
}

impl StreamVerifier {
    /// Continues a stream whose rows up to `seq` (with hash `hash`) were
    /// checked before.
    pub(crate) fn after(seq: i64, hash: Vec<u8>) -> StreamVerifier {
        StreamVerifier {
            next_seq: seq + 1,
            prev_hash: hash,
        }
    }

    /// The last row checked (0 before the first) and its hash.
    pub(crate) fn head(&self) -> (i64, &[u8]) {
        (self.next_seq - 1, &self.prev_hash)
    }

    /// Where `row` breaks the chain, if it does. A gap is reported at the
    /// first missing `seq`.
    pub(crate) fn check(&mut self, row: &EventRow) -> Result<(), Break> {
        use IntegrityProblem as P;
        let here = |problem| Err(Break::at(row.seq, problem));
        if row.seq != self.next_seq {
            return Err(Break::at(self.next_seq, P::MissingEvent));
        }
        if row.prev_hash != self.prev_hash {
            return here(P::BrokenLink);
        }
        if row.payload_hash.len() != 32 {
            return here(P::PayloadHashMismatch);
        }
        if let Some(ciphertext) = &row.payload_ciphertext {
            if sha256(ciphertext).as_slice() != row.payload_hash.as_slice() {
                return here(P::PayloadHashMismatch);
            }
        }
        match row.header().hash() {
            None => return here(P::UnknownFormat),
            Some(hash) if hash.as_slice() != row.hash.as_slice() => {
                return here(P::HeaderHashMismatch)
            }
            Some(_) => {}
        }
        self.next_seq += 1;
        self.prev_hash.clone_from(&row.hash);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(seq: i64, prev_hash: Vec<u8>, ciphertext: &[u8]) -> EventRow {
        let mut row = EventRow {
            stream_id: "s".into(),
            seq,
            prev_hash,
            hash: Vec::new(),
            author: "a".into(),
            kind: "k".into(),
            created_at: 1_700_000_000_000_000,
            payload_ciphertext: Some(ciphertext.to_vec()),
            payload_hash: sha256(ciphertext).to_vec(),
            format: CURRENT_FORMAT,
        };
        row.hash = row.header().hash().unwrap().to_vec();
        row
    }

    fn chain(len: i64) -> Vec<EventRow> {
        let mut rows: Vec<EventRow> = Vec::new();
        for seq in 1..=len {
            let prev = rows
                .last()
                .map_or(GENESIS_PREV_HASH.to_vec(), |r| r.hash.clone());
            rows.push(row(seq, prev, &[seq as u8; 5]));
        }
        rows
    }

    fn first_break(rows: &[EventRow]) -> Option<(i64, IntegrityProblem)> {
        let mut verifier = StreamVerifier::default();
        rows.iter()
            .find_map(|r| verifier.check(r).err().map(|b| (b.seq, b.problem)))
    }

    #[test]
    fn a_good_chain_verifies() {
        assert_eq!(first_break(&chain(4)), None);
    }

    #[test]
    fn a_missing_ciphertext_leaves_the_chain_whole() {
        // Whether the redaction was allowed is the record's question, not
        // the chain's: the chain commits to the ciphertext's hash only.
        let mut rows = chain(3);
        rows[1].payload_ciphertext = None;
        assert_eq!(first_break(&rows), None);
    }

    #[test]
    fn a_format_1_header_hashes_as_before_the_format_existed() {
        // Events written before the format column keep their hashes: this
        // is the original v1 encoding, computed by hand.
        let mut old = row(1, GENESIS_PREV_HASH.to_vec(), b"c");
        old.format = FORMAT_STREAM_SEQ;
        let mut hasher = Sha256::new();
        for field in [HEADER_TAG_V1, b"s"] {
            put_bytes(&mut hasher, field);
        }
        hasher.update(1i64.to_be_bytes());
        put_bytes(&mut hasher, &GENESIS_PREV_HASH);
        put_bytes(&mut hasher, b"a");
        put_bytes(&mut hasher, b"k");
        hasher.update(old.created_at.to_be_bytes());
        put_bytes(&mut hasher, &old.payload_hash);
        let expected: Hash = hasher.finalize().into();
        assert_eq!(old.header().hash(), Some(expected));
    }

    #[test]
    fn the_format_is_part_of_the_hash_and_an_unknown_one_is_refused() {
        let new = row(1, GENESIS_PREV_HASH.to_vec(), b"c");
        let mut downgraded = new.clone();
        downgraded.format = FORMAT_STREAM_SEQ;
        assert_ne!(new.header().hash(), downgraded.header().hash());
        let mut rows = vec![new];
        rows[0].format = 7;
        assert_eq!(
            first_break(&rows),
            Some((1, IntegrityProblem::UnknownFormat))
        );
    }

    #[test]
    fn moving_a_byte_between_length_prefixed_fields_changes_the_hash() {
        let mut a = row(1, GENESIS_PREV_HASH.to_vec(), b"c");
        a.author = "ab".into();
        a.kind = "c".into();
        let mut b = a.clone();
        b.author = "a".into();
        b.kind = "bc".into();
        assert_ne!(a.header().hash(), b.header().hash());
    }

    #[test]
    fn each_kind_of_tampering_is_found_at_its_seq() {
        type Tamper = fn(&mut EventRow);
        let cases: Vec<(&str, Tamper)> = vec![
            ("format", |r| r.format = FORMAT_STREAM_SEQ),
            ("author", |r| r.author.push('x')),
            ("kind", |r| r.kind = "other".into()),
            ("created_at", |r| r.created_at += 1),
            ("hash", |r| r.hash[0] ^= 1),
            ("prev_hash", |r| r.prev_hash[31] ^= 1),
            ("payload", |r| {
                if let Some(c) = r.payload_ciphertext.as_mut() {
                    c[2] ^= 1;
                }
            }),
            ("payload_hash", |r| r.payload_hash[0] ^= 1),
        ];
        for (what, tamper) in cases {
            let mut rows = chain(4);
            tamper(&mut rows[2]);
            let (seq, _) = first_break(&rows).unwrap_or_else(|| panic!("{what} not caught"));
            assert_eq!(seq, 3, "{what}");
        }
    }

    #[test]
    fn a_missing_or_repeated_seq_is_found() {
        let mut rows = chain(4);
        rows.remove(1);
        assert_eq!(
            first_break(&rows),
            Some((2, IntegrityProblem::MissingEvent)),
            "a gap is named at the first seq that is missing"
        );
        let rows = chain(2);
        let first = rows[0].clone();
        assert_eq!(first_break(&[first.clone(), first]).map(|b| b.0), Some(2));
    }
}
