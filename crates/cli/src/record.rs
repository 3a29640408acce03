//! What `kintsugi verify` knows that the store does not: which payloads are
//! events of this version. The store decrypts; this decodes, with core's
//! own stream types, so "intact" means the app can read every event.

use kintsugi_core::streams::couple::CoupleEvent;
use kintsugi_core::streams::private::PrivateEvent;
use kintsugi_store::{Decoded, PayloadDecoder};

/// Decodes couple and private stream payloads as core's event types.
/// Core has no redaction event yet, so nothing redacts anything.
pub struct DomainEvents;

impl PayloadDecoder for DomainEvents {
    fn decode(&self, stream_id: &str, _kind: &str, payload: &[u8]) -> Decoded {
        let known = if stream_id.starts_with("couple:") {
            serde_json::from_slice::<CoupleEvent>(payload).is_ok()
        } else if stream_id.starts_with("private:") {
            serde_json::from_slice::<PrivateEvent>(payload).is_ok()
        } else {
            false
        };
        if known {
            Decoded::Known { redacts: None }
        } else {
            Decoded::Unknown
        }
    }
}
