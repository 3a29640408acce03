//! What a withdrawal records.

use crate::kernel::ids::EntryId;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// The room an entry was written in: all a tombstone says of what it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryRoom {
    Truth,
    Apology,
    Request,
    Commitment,
    Contact,
    /// A check-in, shared or kept in its author's private stream.
    CheckIn,
    /// A trust pulse, shared or kept.
    Pulse,
    /// A shared copy of a reflection, a trigger note or a reassurance to
    /// one; or a reflection kept in its author's private stream (every
    /// version of it: one withdrawal per event it wrote).
    Reflection,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum WithdrawalEvent {
    /// The author withdrew one of their entries; its event's ciphertext is
    /// removed in the same transaction. `betrayal` and `written_at` say only
    /// where the tombstone stands (in which betrayal's log, at which time),
    /// so a fold that never read the entry puts it in the same place.
    Withdrawn {
        entry: EntryId,
        room: EntryRoom,
        #[serde(default)]
        betrayal: Option<EntryId>,
        #[serde(with = "time::serde::rfc3339")]
        written_at: OffsetDateTime,
    },
}

impl WithdrawalEvent {
    /// The `seq` of the earlier event of the same stream whose ciphertext
    /// this event removes (an entry's id is the `seq` of the event that
    /// wrote it).
    pub fn redacts(&self) -> u64 {
        match self {
            WithdrawalEvent::Withdrawn { entry, .. } => entry.0,
        }
    }
}
