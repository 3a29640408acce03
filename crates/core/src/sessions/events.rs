//! What the sessions room stores. Every event names the engagement (the
//! therapist's proposal) it belongs to, so a later therapist never reads
//! an earlier one's sessions.

use crate::kernel::ids::EntryId;
use serde::{Deserialize, Serialize};

/// The sessions room's events in the couple stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SessionEvent {
    /// An item for the next session, by a partner or the therapist.
    ItemAdded { engagement: EntryId, text: String },
    /// The session numbered `number` (from 1, per engagement) was held:
    /// the agenda items covered and the parked questions talked about.
    Held {
        engagement: EntryId,
        number: u32,
        covered: Vec<EntryId>,
        talked_about: Vec<EntryId>,
    },
}
