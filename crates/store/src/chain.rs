//! The hash chain, written once for every backend.
//!
//! Each event commits to its ciphertext (`payload_hash = SHA-256(ciphertext)`)
//! and to a canonical header that includes the previous event's hash
//! (`hash = SHA-256(header)`). The header encoding is versioned and
//! unambiguous: a domain tag, then every field either fixed-width or
//! length-prefixed, so no two different headers can encode to the same bytes.

use crate::Hash;
use sha2::{Digest, Sha256};

/// `prev_hash` of the first event in every stream.
pub const GENESIS_PREV_HASH: Hash = [0u8; 32];

const HEADER_TAG: &[u8] = b"kintsugi/event-header/v1";

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
}

/// The fields an event's hash commits to.
pub(crate) struct Header<'a> {
    pub stream_id: &'a str,
    pub seq: i64,
    pub prev_hash: &'a [u8],
    pub author: &'a str,
    pub kind: &'a str,
    pub created_at: i64,
    pub payload_hash: &'a [u8],
}

impl Header<'_> {
    pub(crate) fn hash(&self) -> Hash {
        let mut hasher = Sha256::new();
        put_bytes(&mut hasher, HEADER_TAG);
        put_bytes(&mut hasher, self.stream_id.as_bytes());
        hasher.update(self.seq.to_be_bytes());
        put_bytes(&mut hasher, self.prev_hash);
        put_bytes(&mut hasher, self.author.as_bytes());
        put_bytes(&mut hasher, self.kind.as_bytes());
        hasher.update(self.created_at.to_be_bytes());
        put_bytes(&mut hasher, self.payload_hash);
        hasher.finalize().into()
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
    /// The reason `row` breaks the chain, if it does.
    pub(crate) fn check(&mut self, row: &EventRow) -> Result<(), String> {
        if row.seq != self.next_seq {
            return Err(format!(
                "expected seq {} here, found seq {}: an event is missing or out of place",
                self.next_seq, row.seq
            ));
        }
        if row.prev_hash != self.prev_hash {
            return Err(if row.seq == 1 {
                "the first event's prev_hash is not the genesis value".to_string()
            } else {
                "prev_hash does not match the hash of the event before".to_string()
            });
        }
        if row.payload_hash.len() != 32 {
            return Err("payload_hash is not 32 bytes".to_string());
        }
        if let Some(ciphertext) = &row.payload_ciphertext {
            if sha256(ciphertext).as_slice() != row.payload_hash.as_slice() {
                return Err("payload_hash does not match the stored ciphertext".to_string());
            }
        }
        if row.header().hash().as_slice() != row.hash.as_slice() {
            return Err("the stored hash does not match the event's header".to_string());
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
        };
        row.hash = row.header().hash().to_vec();
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

    fn first_break(rows: &[EventRow]) -> Option<(i64, String)> {
        let mut verifier = StreamVerifier::default();
        rows.iter()
            .find_map(|r| verifier.check(r).err().map(|reason| (r.seq, reason)))
    }

    #[test]
    fn a_good_chain_verifies() {
        assert_eq!(first_break(&chain(4)), None);
    }

    #[test]
    fn a_redacted_payload_still_verifies() {
        let mut rows = chain(3);
        rows[1].payload_ciphertext = None;
        assert_eq!(first_break(&rows), None);
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
        assert_eq!(first_break(&rows).map(|b| b.0), Some(3));
        let rows = chain(2);
        let first = rows[0].clone();
        assert_eq!(first_break(&[first.clone(), first]).map(|b| b.0), Some(1));
    }
}
