//! What a therapist keeps about the couples they serve.

use crate::kernel::ids::CoupleId;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PracticeEvent {
    /// The name the therapist knows the couple by ("The Ashbys, Tuesdays").
    CoupleNamed { couple: CoupleId, name: String },
    /// A note of the therapist's own about the couple.
    NoteWritten { couple: CoupleId, text: String },
}
