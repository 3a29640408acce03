//! Encryption at rest, written once for every backend.
//!
//! Each stream has its own random 256-bit data key, kept in the database only
//! wrapped (encrypted) by the master key. Payloads are sealed with
//! XChaCha20-Poly1305 under the stream's data key, with a fresh random
//! 24-byte nonce prepended to the ciphertext. The associated data binds every
//! ciphertext to where it belongs: a payload to its event's whole header
//! (format 2; format 1 events bind only stream and seq), a wrapped key to its
//! stream, so nothing can be moved or relabelled and still open.

use crate::chain::{FORMAT_STREAM_SEQ, FORMAT_WHOLE_HEADER};
use crate::key::MasterKey;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use rand::RngCore;
use zeroize::{Zeroize, ZeroizeOnDrop};

const NONCE_LEN: usize = 24;
const DATA_KEY_LEN: usize = 32;

const PAYLOAD_CONTEXT: &[u8] = b"kintsugi/payload/v1";
const EVENT_CONTEXT: &[u8] = b"kintsugi/event-payload/v2";
const STREAM_KEY_CONTEXT: &[u8] = b"kintsugi/stream-key/v1";
const SNAPSHOT_CONTEXT: &[u8] = b"kintsugi/state-snapshot/v1";
const KEY_CHECK_CONTEXT: &[u8] = b"kintsugi/key-check/v1";
const KEY_CHECK_PLAINTEXT: &[u8] = b"This database belongs to Kintsugi; the master key opens it.";

/// Sealing failed: the key, the nonce, the associated data or the ciphertext
/// is not the one it should be. Deliberately carries no detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Unsealed;

/// A stream's data key, unwrapped. Wiped when dropped.
#[derive(Zeroize, ZeroizeOnDrop)]
pub(crate) struct DataKey([u8; DATA_KEY_LEN]);

impl DataKey {
    pub(crate) fn generate() -> DataKey {
        let mut bytes = [0u8; DATA_KEY_LEN];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        DataKey(bytes)
    }

    /// Encrypts a payload for the event at (`stream_id`, `seq`): format 1,
    /// kept for the tests of events written before format 2.
    #[cfg(test)]
    pub(crate) fn seal_payload(&self, stream_id: &str, seq: u64, plaintext: &[u8]) -> Vec<u8> {
        seal(&self.0, &payload_aad(stream_id, seq), plaintext)
    }

    #[cfg(test)]
    pub(crate) fn open_payload(
        &self,
        stream_id: &str,
        seq: u64,
        sealed: &[u8],
    ) -> Result<Vec<u8>, Unsealed> {
        open(&self.0, &payload_aad(stream_id, seq), sealed)
    }

    /// Encrypts a payload bound to its event's whole header (the current
    /// format).
    pub(crate) fn seal_event(&self, header: &AadHeader<'_>, plaintext: &[u8]) -> Vec<u8> {
        seal(&self.0, &header.aad(FORMAT_WHOLE_HEADER), plaintext)
    }

    /// Opens an event's payload with the associated data its `format` names.
    pub(crate) fn open_event(
        &self,
        header: &AadHeader<'_>,
        format: i64,
        sealed: &[u8],
    ) -> Result<Vec<u8>, Unsealed> {
        let aad = match format {
            FORMAT_STREAM_SEQ => payload_aad(header.stream_id, header.seq),
            FORMAT_WHOLE_HEADER => header.aad(FORMAT_WHOLE_HEADER),
            _ => return Err(Unsealed),
        };
        open(&self.0, &aad, sealed)
    }

    /// Encrypts a snapshot of the stream's state, bound to where it stands
    /// (stream, `seq`, the head there) and the format it is written in.
    pub(crate) fn seal_snapshot(&self, at: &SnapshotAad<'_>, plaintext: &[u8]) -> Vec<u8> {
        seal(&self.0, &at.aad(), plaintext)
    }

    pub(crate) fn open_snapshot(
        &self,
        at: &SnapshotAad<'_>,
        sealed: &[u8],
    ) -> Result<Vec<u8>, Unsealed> {
        open(&self.0, &at.aad(), sealed)
    }

    /// The data key encrypted under the master key, bound to its stream.
    pub(crate) fn wrap(&self, master: &MasterKey, stream_id: &str) -> Vec<u8> {
        seal(master.bytes(), &stream_key_aad(stream_id), &self.0)
    }

    pub(crate) fn unwrap(
        master: &MasterKey,
        stream_id: &str,
        wrapped: &[u8],
    ) -> Result<DataKey, Unsealed> {
        let mut plain = open(master.bytes(), &stream_key_aad(stream_id), wrapped)?;
        let key = <[u8; DATA_KEY_LEN]>::try_from(plain.as_slice())
            .map(DataKey)
            .map_err(|_| Unsealed);
        plain.zeroize();
        key
    }
}

/// A value stored once per database, that only the right master key opens:
/// a wrong key is refused when the store opens, not at the first read.
pub(crate) fn key_check(master: &MasterKey) -> Vec<u8> {
    seal(master.bytes(), KEY_CHECK_CONTEXT, KEY_CHECK_PLAINTEXT)
}

pub(crate) fn key_check_opens(master: &MasterKey, sealed: &[u8]) -> bool {
    open(master.bytes(), KEY_CHECK_CONTEXT, sealed).is_ok_and(|plain| plain == KEY_CHECK_PLAINTEXT)
}

fn seal(key: &[u8; 32], aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
    let cipher = XChaCha20Poly1305::new(Key::from_slice(key));
    let mut nonce = [0u8; NONCE_LEN];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let body = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .expect("XChaCha20-Poly1305 refuses only messages longer than 256 GiB");
    let mut sealed = Vec::with_capacity(NONCE_LEN + body.len());
    sealed.extend_from_slice(&nonce);
    sealed.extend_from_slice(&body);
    sealed
}

fn open(key: &[u8; 32], aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, Unsealed> {
    if sealed.len() < NONCE_LEN {
        return Err(Unsealed);
    }
    let (nonce, body) = sealed.split_at(NONCE_LEN);
    let cipher = XChaCha20Poly1305::new(Key::from_slice(key));
    cipher
        .decrypt(XNonce::from_slice(nonce), Payload { msg: body, aad })
        .map_err(|_| Unsealed)
}

/// The header fields a payload's associated data binds.
pub(crate) struct AadHeader<'a> {
    pub stream_id: &'a str,
    pub seq: u64,
    pub author: &'a str,
    pub kind: &'a str,
    pub created_at: i64,
}

impl AadHeader<'_> {
    /// Domain tag, format, then each field fixed-width or length-prefixed.
    fn aad(&self, format: i64) -> Vec<u8> {
        let mut aad = Vec::with_capacity(
            EVENT_CONTEXT.len() + 48 + self.stream_id.len() + self.author.len() + self.kind.len(),
        );
        aad.extend_from_slice(EVENT_CONTEXT);
        aad.extend_from_slice(&format.to_be_bytes());
        for field in [self.stream_id, self.author, self.kind] {
            aad.extend_from_slice(&(field.len() as u64).to_be_bytes());
            aad.extend_from_slice(field.as_bytes());
        }
        aad.extend_from_slice(&self.seq.to_be_bytes());
        aad.extend_from_slice(&self.created_at.to_be_bytes());
        aad
    }
}

/// What a snapshot's associated data binds: a snapshot opens only for the
/// stream, `seq`, head and format it was written for.
pub(crate) struct SnapshotAad<'a> {
    pub stream_id: &'a str,
    pub seq: u64,
    pub format: u32,
    pub head: &'a [u8],
}

impl SnapshotAad<'_> {
    fn aad(&self) -> Vec<u8> {
        let mut aad = Vec::with_capacity(SNAPSHOT_CONTEXT.len() + 28 + self.stream_id.len() + 32);
        aad.extend_from_slice(SNAPSHOT_CONTEXT);
        aad.extend_from_slice(&(self.stream_id.len() as u64).to_be_bytes());
        aad.extend_from_slice(self.stream_id.as_bytes());
        aad.extend_from_slice(&self.seq.to_be_bytes());
        aad.extend_from_slice(&self.format.to_be_bytes());
        aad.extend_from_slice(&(self.head.len() as u64).to_be_bytes());
        aad.extend_from_slice(self.head);
        aad
    }
}

fn payload_aad(stream_id: &str, seq: u64) -> Vec<u8> {
    let mut aad = Vec::with_capacity(PAYLOAD_CONTEXT.len() + 16 + stream_id.len());
    aad.extend_from_slice(PAYLOAD_CONTEXT);
    aad.extend_from_slice(&(stream_id.len() as u64).to_be_bytes());
    aad.extend_from_slice(stream_id.as_bytes());
    aad.extend_from_slice(&seq.to_be_bytes());
    aad
}

fn stream_key_aad(stream_id: &str) -> Vec<u8> {
    let mut aad = Vec::with_capacity(STREAM_KEY_CONTEXT.len() + 8 + stream_id.len());
    aad.extend_from_slice(STREAM_KEY_CONTEXT);
    aad.extend_from_slice(&(stream_id.len() as u64).to_be_bytes());
    aad.extend_from_slice(stream_id.as_bytes());
    aad
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_payload_opens_only_where_it_was_sealed() {
        let key = DataKey::generate();
        let sealed = key.seal_payload("couple:1", 3, b"the truth");
        assert_eq!(
            key.open_payload("couple:1", 3, &sealed).unwrap(),
            b"the truth"
        );
        assert_eq!(key.open_payload("couple:1", 4, &sealed), Err(Unsealed));
        assert_eq!(key.open_payload("couple:2", 3, &sealed), Err(Unsealed));
        assert_eq!(
            DataKey::generate().open_payload("couple:1", 3, &sealed),
            Err(Unsealed)
        );
    }

    #[test]
    fn an_event_payload_opens_only_under_its_whole_header() {
        let key = DataKey::generate();
        let header = AadHeader {
            stream_id: "couple:1",
            seq: 3,
            author: "ana",
            kind: "truth",
            created_at: 1_700_000_000_000_000,
        };
        let sealed = key.seal_event(&header, b"the truth");
        let opened = key.open_event(&header, FORMAT_WHOLE_HEADER, &sealed);
        assert_eq!(opened.as_deref(), Ok(&b"the truth"[..]));
        let changes: [&dyn Fn(&mut AadHeader<'_>); 5] = [
            &|h| h.stream_id = "couple:2",
            &|h| h.seq = 4,
            &|h| h.author = "ben",
            &|h| h.kind = "space",
            &|h| h.created_at -= 1,
        ];
        for change in changes {
            let mut edited = AadHeader { ..header };
            change(&mut edited);
            assert_eq!(
                key.open_event(&edited, FORMAT_WHOLE_HEADER, &sealed),
                Err(Unsealed)
            );
        }
        assert_eq!(
            key.open_event(&header, FORMAT_STREAM_SEQ, &sealed),
            Err(Unsealed),
            "a format downgrade does not open it either"
        );
        let old = key.seal_payload("couple:1", 3, b"old");
        assert_eq!(
            key.open_event(&header, FORMAT_STREAM_SEQ, &old).as_deref(),
            Ok(&b"old"[..]),
            "format 1 events still open"
        );
    }

    #[test]
    fn a_snapshot_opens_only_for_its_stream_seq_head_and_format() {
        let key = DataKey::generate();
        let head = [7u8; 32];
        let at = SnapshotAad {
            stream_id: "couple:1",
            seq: 300,
            format: 1,
            head: &head,
        };
        let sealed = key.seal_snapshot(&at, b"the state");
        assert_eq!(key.open_snapshot(&at, &sealed).unwrap(), b"the state");
        let other_head = [8u8; 32];
        for moved in [
            SnapshotAad {
                stream_id: "couple:2",
                ..at
            },
            SnapshotAad { seq: 301, ..at },
            SnapshotAad { format: 2, ..at },
            SnapshotAad {
                head: &other_head,
                ..at
            },
        ] {
            assert_eq!(key.open_snapshot(&moved, &sealed), Err(Unsealed));
        }
        assert_eq!(
            DataKey::generate().open_snapshot(&at, &sealed),
            Err(Unsealed)
        );
        // Never mistaken for an event's payload at the same place.
        assert_eq!(key.open_payload("couple:1", 300, &sealed), Err(Unsealed));
    }

    #[test]
    fn a_cut_or_altered_ciphertext_does_not_open() {
        let key = DataKey::generate();
        let mut sealed = key.seal_payload("s", 1, b"x");
        assert_eq!(key.open_payload("s", 1, &sealed[..10]), Err(Unsealed));
        let last = sealed.len() - 1;
        sealed[last] ^= 1;
        assert_eq!(key.open_payload("s", 1, &sealed), Err(Unsealed));
    }

    #[test]
    fn a_wrapped_key_opens_only_for_its_stream_and_master_key() {
        let master = MasterKey::generate();
        let key = DataKey::generate();
        let wrapped = key.wrap(&master, "private:a");
        let unwrapped = DataKey::unwrap(&master, "private:a", &wrapped).unwrap();
        assert_eq!(unwrapped.0, key.0);
        assert!(DataKey::unwrap(&master, "private:b", &wrapped).is_err());
        assert!(DataKey::unwrap(&MasterKey::generate(), "private:a", &wrapped).is_err());
    }

    #[test]
    fn the_key_check_opens_only_with_its_master_key() {
        let master = MasterKey::generate();
        let check = key_check(&master);
        assert!(key_check_opens(&master, &check));
        assert!(!key_check_opens(&MasterKey::generate(), &check));
    }
}
