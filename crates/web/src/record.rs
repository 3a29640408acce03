//! What `kintsugi verify` (and the tests of the app) knows that the store
//! does not: which payloads are events of this version, and which of them
//! witness the couple stream. The store decrypts; this decodes, with core's
//! own stream types, so "intact" means the app can read every event.

use kintsugi_core::streams::couple::CoupleEvent;
use kintsugi_core::streams::private::PrivateEvent;
use kintsugi_core::visits::VisitEvent;
use kintsugi_core::StreamId;
use kintsugi_store::{Decoded, PayloadDecoder, Witness};

/// Decodes couple and private stream payloads as core's event types.
/// A withdrawal names the earlier event of its stream whose ciphertext it
/// removed, so `verify` proves the redaction (by the same author).
pub struct DomainEvents;

impl PayloadDecoder for DomainEvents {
    fn decode(&self, stream_id: &str, _kind: &str, payload: &[u8]) -> Decoded {
        if stream_id.starts_with("couple:") {
            match serde_json::from_slice::<CoupleEvent>(payload) {
                Ok(event) => Decoded::Known {
                    redacts: event.redacts(),
                },
                Err(_) => Decoded::Unknown,
            }
        } else if stream_id.starts_with("private:") {
            match serde_json::from_slice::<PrivateEvent>(payload) {
                // A partner's witness of the couple stream's head.
                Ok(PrivateEvent::Visit(VisitEvent::CoupleHeadSeen(seen))) => {
                    Decoded::Witness(Witness {
                        stream_id: StreamId::couple(seen.couple).as_str().to_owned(),
                        seq: seen.seq,
                        hash: seen.hash,
                    })
                }
                Ok(event) => Decoded::Known {
                    redacts: event.redacts(),
                },
                Err(_) => Decoded::Unknown,
            }
        } else {
            Decoded::Unknown
        }
    }
}
