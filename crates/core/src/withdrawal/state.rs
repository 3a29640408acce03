//! Which events of a stream wrote an entry, and which entries were withdrawn.

use super::events::{EntryRoom, WithdrawalEvent};
use crate::kernel::event::{Meta, Stamp};
use crate::kernel::ids::{EntryId, UserId};
use std::collections::{BTreeMap, BTreeSet};
use time::OffsetDateTime;

/// An entry a person wrote, as far as withdrawing it needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Written {
    pub author: UserId,
    pub room: EntryRoom,
    pub betrayal: Option<EntryId>,
    pub at: OffsetDateTime,
}

/// A tombstone: the entry's room, and who withdrew it (its author) when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Withdrawn {
    pub entry: EntryId,
    pub room: EntryRoom,
    pub betrayal: Option<EntryId>,
    pub written_at: OffsetDateTime,
    pub stamp: Stamp,
    /// It was shared with the therapist too; they see the tombstone.
    pub for_therapist: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Withdrawals {
    /// Entries that can still be withdrawn, by id.
    written: BTreeMap<EntryId, Written>,
    /// Tombstones, by the id of the entry withdrawn.
    withdrawn: BTreeMap<EntryId, Withdrawn>,
    /// Entries still standing that were shared with the therapist too.
    for_therapist: BTreeSet<EntryId>,
}

impl Withdrawals {
    /// Notes an entry the stream's fold just read: the rooms say which
    /// events write entries, the stream's state tells this room.
    pub fn note_written(&mut self, id: EntryId, written: Written) {
        self.written.insert(id, written);
    }

    /// Notes that an entry the fold just read was shared with the
    /// therapist too (a check-in marked for them).
    pub fn note_for_therapist(&mut self, id: EntryId) {
        self.for_therapist.insert(id);
    }

    /// Whether the entry was shared with the therapist too.
    pub fn is_for_therapist(&self, id: EntryId) -> bool {
        self.for_therapist.contains(&id)
    }

    /// Folds a withdrawal in and returns the tombstone, for the stream's
    /// state to hand to the entry's room.
    pub fn apply(&mut self, meta: &Meta, event: &WithdrawalEvent) -> Withdrawn {
        let WithdrawalEvent::Withdrawn {
            entry,
            room,
            betrayal,
            written_at,
            for_therapist,
        } = event;
        self.written.remove(entry);
        self.for_therapist.remove(entry);
        let tombstone = Withdrawn {
            entry: *entry,
            room: *room,
            betrayal: *betrayal,
            written_at: *written_at,
            stamp: meta.stamp(),
            for_therapist: *for_therapist,
        };
        self.withdrawn.insert(*entry, tombstone);
        tombstone
    }

    /// Places an entry in a betrayal once the entry it followed (an answer
    /// its question, a correction what it corrects) was withdrawn.
    pub fn place(&mut self, id: EntryId, betrayal: EntryId) {
        if let Some(written) = self.written.get_mut(&id) {
            written.betrayal = Some(betrayal);
        }
    }

    pub fn written(&self, id: EntryId) -> Option<&Written> {
        self.written.get(&id)
    }

    /// The tombstone of an entry withdrawn, if it was.
    pub fn withdrawn(&self, id: EntryId) -> Option<&Withdrawn> {
        self.withdrawn.get(&id)
    }

    /// The tombstones of one room, oldest entry first.
    pub fn in_room(&self, room: EntryRoom) -> impl Iterator<Item = &Withdrawn> + '_ {
        self.withdrawn.values().filter(move |w| w.room == room)
    }

    /// The ids of the entries `author` may still withdraw, oldest first.
    pub fn withdrawable_by(&self, author: UserId) -> impl Iterator<Item = EntryId> + '_ {
        self.written
            .iter()
            .filter(move |(_, w)| w.author == author)
            .map(|(id, _)| *id)
    }
}
