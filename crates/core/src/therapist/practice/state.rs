//! The therapist's practice, folded from their private stream.

use super::events::PracticeEvent;
use crate::kernel::event::{Meta, Stamp};
use crate::kernel::ids::{CoupleId, EntryId};
use std::collections::BTreeMap;

/// One note, as written.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PracticeNote {
    pub id: EntryId,
    pub written: Stamp,
    pub text: String,
}

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Practice {
    names: BTreeMap<CoupleId, String>,
    notes: BTreeMap<CoupleId, Vec<PracticeNote>>,
}

impl Practice {
    pub fn apply(&mut self, meta: &Meta, event: &PracticeEvent) {
        match event {
            PracticeEvent::CoupleNamed { couple, name } => {
                self.names.insert(*couple, name.clone());
            }
            PracticeEvent::NoteWritten { couple, text } => {
                self.notes.entry(*couple).or_default().push(PracticeNote {
                    id: meta.entry(),
                    written: meta.stamp(),
                    text: text.clone(),
                });
            }
        }
    }

    /// The name the therapist gave `couple`, if they gave one.
    pub fn name_of(&self, couple: CoupleId) -> Option<&str> {
        self.names.get(&couple).map(String::as_str)
    }

    /// The therapist's notes about `couple`, newest first.
    pub fn notes_on(&self, couple: CoupleId) -> impl Iterator<Item = &PracticeNote> {
        self.notes.get(&couple).into_iter().flatten().rev()
    }
}
