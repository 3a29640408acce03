//! The head seal: what makes a cut-off or re-chained stream visible to
//! someone who holds the master key and was not there when it happened.
//!
//! The hash chain alone can be rewritten by anyone with database access:
//! change a row, recompute every SHA-256 after it. So each stream's head
//! (`seq` and its hash) is sealed with HMAC-SHA-256 under a key derived from
//! the master key with HKDF-SHA-256, and the seal is written in the same
//! transaction as every append. Without the master key no one can make a
//! seal that matches another head.

use crate::key::MasterKey;
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

/// HKDF `info`: this key is for head seals and nothing else.
const SEAL_KEY_INFO: &[u8] = b"kintsugi/head-seal-key/v1";
/// The first thing every seal's MAC covers.
const SEAL_TAG: &[u8] = b"kintsugi/head-seal/v1";
/// The first thing a redaction's proof covers.
const REDACTION_TAG: &[u8] = b"kintsugi/redaction/v1";
/// The first thing a deletion record's seal covers.
const DELETION_TAG: &[u8] = b"kintsugi/stream-deletion/v1";

/// One stream's seal, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SealRow {
    pub stream_id: String,
    pub seq: i64,
    pub seal: Vec<u8>,
}

/// What a deletion record's seal covers: which stream, its head when it
/// was destroyed, when (microseconds) and why.
#[derive(Clone, Copy)]
pub(crate) struct DeletionFields<'a> {
    pub stream_id: &'a str,
    pub last_seq: i64,
    pub last_hash: &'a [u8],
    pub deleted_at: i64,
    pub reason: &'a str,
}

/// The key that seals heads, derived from the master key. Wiped when dropped.
pub(crate) struct SealKey(Zeroizing<[u8; 32]>);

impl SealKey {
    pub(crate) fn derive(master: &MasterKey) -> SealKey {
        let mut key = Zeroizing::new([0u8; 32]);
        Hkdf::<Sha256>::new(None, master.bytes())
            .expand(SEAL_KEY_INFO, key.as_mut())
            .expect("32 bytes is a valid HKDF-SHA-256 output length");
        SealKey(key)
    }

    fn mac(&self, stream_id: &str, seq: i64, head_hash: &[u8]) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.0.as_ref())
            .expect("HMAC takes a key of any length");
        for field in [SEAL_TAG, stream_id.as_bytes()] {
            mac.update(&(field.len() as u64).to_be_bytes());
            mac.update(field);
        }
        mac.update(&seq.to_be_bytes());
        mac.update(&(head_hash.len() as u64).to_be_bytes());
        mac.update(head_hash);
        mac
    }

    /// A MAC over `fields`, each preceded by its length, so that no two
    /// lists of fields give the same input.
    fn mac_of(&self, fields: &[&[u8]]) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.0.as_ref())
            .expect("HMAC takes a key of any length");
        for field in fields {
            mac.update(&(field.len() as u64).to_be_bytes());
            mac.update(field);
        }
        mac
    }

    fn redaction_mac(&self, stream_id: &str, seq: i64, payload_hash: &[u8]) -> Hmac<Sha256> {
        let seq = seq.to_be_bytes();
        self.mac_of(&[REDACTION_TAG, stream_id.as_bytes(), &seq, payload_hash])
    }

    /// The proof, stored beside an event whose ciphertext was removed by a
    /// redaction the store itself wrote, that the removal was not someone
    /// with database access hiding an entry: no one without the master key
    /// can make one, and it binds the event's stream, `seq` and payload hash.
    pub(crate) fn prove_redaction(
        &self,
        stream_id: &str,
        seq: i64,
        payload_hash: &[u8],
    ) -> Vec<u8> {
        let mac = self.redaction_mac(stream_id, seq, payload_hash);
        mac.finalize().into_bytes().to_vec()
    }

    /// Whether `proof` is this key's proof of that redaction (constant time).
    pub(crate) fn proves_redaction(
        &self,
        stream_id: &str,
        seq: i64,
        payload_hash: &[u8],
        proof: &[u8],
    ) -> bool {
        let mac = self.redaction_mac(stream_id, seq, payload_hash);
        mac.verify_slice(proof).is_ok()
    }

    fn deletion_mac(&self, record: &DeletionFields<'_>) -> Hmac<Sha256> {
        let seq = record.last_seq.to_be_bytes();
        let at = record.deleted_at.to_be_bytes();
        self.mac_of(&[
            DELETION_TAG,
            record.stream_id.as_bytes(),
            &seq,
            record.last_hash,
            &at,
            record.reason.as_bytes(),
        ])
    }

    /// The seal of a destroyed stream's deletion record.
    pub(crate) fn seal_deletion(&self, record: &DeletionFields<'_>) -> Vec<u8> {
        self.deletion_mac(record).finalize().into_bytes().to_vec()
    }

    /// Whether `seal` is this key's seal of that deletion record.
    pub(crate) fn opens_deletion(&self, record: &DeletionFields<'_>, seal: &[u8]) -> bool {
        self.deletion_mac(record).verify_slice(seal).is_ok()
    }

    /// The seal of `stream_id` whose head is `seq` with hash `head_hash`.
    pub(crate) fn seal(&self, stream_id: &str, seq: i64, head_hash: &[u8]) -> SealRow {
        SealRow {
            stream_id: stream_id.to_string(),
            seq,
            seal: self
                .mac(stream_id, seq, head_hash)
                .finalize()
                .into_bytes()
                .to_vec(),
        }
    }

    /// Whether `seal` is this key's seal of that head, compared in constant
    /// time (`verify_slice`), so a forger learns nothing from the timing.
    pub(crate) fn opens(&self, stream_id: &str, seq: i64, head_hash: &[u8], seal: &[u8]) -> bool {
        self.mac(stream_id, seq, head_hash)
            .verify_slice(seal)
            .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seal_opens_only_for_its_stream_seq_head_and_master_key() {
        let master = MasterKey::generate();
        let key = SealKey::derive(&master);
        let head = [7u8; 32];
        let sealed = key.seal("couple:1", 4, &head);
        assert!(key.opens("couple:1", 4, &head, &sealed.seal));
        assert!(SealKey::derive(&master).opens("couple:1", 4, &head, &sealed.seal));
        assert!(!key.opens("couple:2", 4, &head, &sealed.seal));
        assert!(!key.opens("couple:1", 3, &head, &sealed.seal));
        assert!(!key.opens("couple:1", 4, &[8u8; 32], &sealed.seal));
        let stranger = SealKey::derive(&MasterKey::generate());
        assert!(!stranger.opens("couple:1", 4, &head, &sealed.seal));
        assert!(!key.opens("couple:1", 4, &head, &sealed.seal[..31]));
    }

    #[test]
    fn a_redaction_proof_binds_its_stream_seq_and_payload_hash() {
        let key = SealKey::derive(&MasterKey::generate());
        let proof = key.prove_redaction("couple:1", 3, &[5u8; 32]);
        assert!(key.proves_redaction("couple:1", 3, &[5u8; 32], &proof));
        assert!(!key.proves_redaction("couple:1", 4, &[5u8; 32], &proof));
        assert!(!key.proves_redaction("couple:2", 3, &[5u8; 32], &proof));
        assert!(!key.proves_redaction("couple:1", 3, &[6u8; 32], &proof));
        // A head seal of the same numbers is no proof of a redaction.
        let sealed = key.seal("couple:1", 3, &[5u8; 32]);
        assert!(!key.proves_redaction("couple:1", 3, &[5u8; 32], &sealed.seal));
        let stranger = SealKey::derive(&MasterKey::generate());
        assert!(!stranger.proves_redaction("couple:1", 3, &[5u8; 32], &proof));
    }

    #[test]
    fn a_deletion_seal_binds_every_field_of_the_record() {
        let key = SealKey::derive(&MasterKey::generate());
        let record = DeletionFields {
            stream_id: "private:1",
            last_seq: 9,
            last_hash: &[1u8; 32],
            deleted_at: 1_000,
            reason: "account-deleted",
        };
        let seal = key.seal_deletion(&record);
        assert!(key.opens_deletion(&record, &seal));
        let changed = [
            DeletionFields {
                stream_id: "private:2",
                ..record
            },
            DeletionFields {
                last_seq: 8,
                ..record
            },
            DeletionFields {
                last_hash: &[2u8; 32],
                ..record
            },
            DeletionFields {
                deleted_at: 999,
                ..record
            },
            DeletionFields {
                reason: "space-ended",
                ..record
            },
        ];
        for other in changed {
            assert!(!key.opens_deletion(&other, &seal));
        }
    }

    #[test]
    fn the_seal_key_is_not_the_master_key() {
        let master = MasterKey::from_bytes([3u8; 32]);
        assert_ne!(SealKey::derive(&master).0.as_ref(), master.bytes());
    }
}
