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
    /// A talk request, the words of an answer asking for space, a shared
    /// word on how a talk went, a quiet note; or a word kept on how a talk
    /// went.
    Talk,
    /// A plan for time together, a shared word on it, a ritual; or a word
    /// kept on it.
    Together,
    /// An item on the weekly meeting's agenda.
    Meeting,
    /// An item on a therapy session's agenda; its tombstone's `betrayal`
    /// names the engagement (the therapist's proposal) it belongs to.
    Session,
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
        /// The entry was shared with the therapist too (a check-in marked
        /// for them): the tombstone shows in their view as well.
        /// Left out when false, so the events written before it read and
        /// write back exactly as stored.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        for_therapist: bool,
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
