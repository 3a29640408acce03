//! The reflections folds: one person's reflections, and the couple's
//! shared copies and trigger notes.

use super::events::*;
use super::prompts::Prompt;
use crate::kernel::event::{Meta, Stamp};
use crate::kernel::ids::EntryId;
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// One version of a reflection.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Version {
    /// 1 for the first.
    pub number: u32,
    pub at: OffsetDateTime,
    pub parts: Vec<String>,
}

/// A copy shared with the partner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SharedMark {
    pub version: u32,
    pub at: OffsetDateTime,
}

/// A reflection, as its author sees it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Reflection {
    pub id: EntryId,
    pub prompt: Prompt,
    /// Oldest first; never empty.
    pub versions: Vec<Version>,
    pub shared: Vec<SharedMark>,
    pub withdrawn: bool,
    /// Every event of it after the first (each revision, each copy marked
    /// shared, putting it away), by `seq`, with when it was written: what
    /// deleting it redacts besides the reflection itself.
    pub(crate) later: Vec<(EntryId, OffsetDateTime)>,
}

impl Reflection {
    pub fn latest(&self) -> &Version {
        // `Written` makes the first version; there is always one.
        let last = self.versions.len().saturating_sub(1);
        &self.versions[last]
    }

    pub fn was_shared(&self, version: u32) -> bool {
        self.shared.iter().any(|s| s.version == version)
    }
}

/// One person's reflections, folded from their private stream.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Reflections {
    all: Vec<Reflection>,
}

impl Reflections {
    pub fn apply(&mut self, meta: &Meta, event: &PrivateReflectionEvent) {
        if let PrivateReflectionEvent::Written { prompt, parts } = event {
            self.all.push(Reflection {
                id: meta.entry(),
                prompt: *prompt,
                versions: vec![Version {
                    number: 1,
                    at: meta.at,
                    parts: parts.clone(),
                }],
                shared: Vec::new(),
                withdrawn: false,
                later: Vec::new(),
            });
            return;
        }
        let id = match event {
            PrivateReflectionEvent::Written { .. } => return,
            PrivateReflectionEvent::Revised { reflection, .. }
            | PrivateReflectionEvent::CopyShared { reflection, .. }
            | PrivateReflectionEvent::Withdrawn { reflection } => *reflection,
        };
        let Some(r) = self.all.iter_mut().find(|r| r.id == id) else {
            return;
        };
        r.later.push((meta.entry(), meta.at));
        match event {
            PrivateReflectionEvent::Revised { parts, .. } => {
                let number = r.latest().number + 1;
                r.versions.push(Version {
                    number,
                    at: meta.at,
                    parts: parts.clone(),
                });
            }
            PrivateReflectionEvent::CopyShared { version, .. } => r.shared.push(SharedMark {
                version: *version,
                at: meta.at,
            }),
            PrivateReflectionEvent::Withdrawn { .. } => r.withdrawn = true,
            PrivateReflectionEvent::Written { .. } => {}
        }
    }

    /// The reflections still on the author's list, newest first.
    pub fn listed(&self) -> impl Iterator<Item = &Reflection> {
        self.all.iter().rev().filter(|r| !r.withdrawn)
    }

    /// The reflections put away (off the list, still in the stream until
    /// their author deletes them), newest first.
    pub fn put_away(&self) -> impl Iterator<Item = &Reflection> {
        self.all.iter().rev().filter(|r| r.withdrawn)
    }

    /// A reflection on the list (one put away is not found).
    pub fn get(&self, id: EntryId) -> Option<&Reflection> {
        self.all.iter().find(|r| r.id == id && !r.withdrawn)
    }

    /// A reflection, on the list or put away: what its author may delete.
    pub fn written(&self, id: EntryId) -> Option<&Reflection> {
        self.all.iter().find(|r| r.id == id)
    }

    /// Forgets a reflection its author deleted, every version of it, as if
    /// never written. The deletion's further events (one per later event
    /// of it) find nothing left to forget.
    pub fn delete(&mut self, id: EntryId) {
        self.all.retain(|r| r.id != id);
    }
}

/// A copy of a reflection in the couple's record.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SharedCopy {
    pub id: EntryId,
    pub shared: Stamp,
    pub prompt: Prompt,
    pub parts: Vec<String>,
}

/// The other partner's answer to a trigger note.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Reassurance {
    /// The entry that wrote it, for its author to withdraw.
    pub id: EntryId,
    pub by: Stamp,
    pub words: String,
}

/// A trigger note the hurt partner sent.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TriggerNote {
    pub id: EntryId,
    pub sent: Stamp,
    pub when: String,
    pub felt: String,
    pub would_help: Option<String>,
    pub reassurance: Option<Reassurance>,
}

/// The couple's shared reflections and trigger notes.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct SharedReflections {
    copies: Vec<SharedCopy>,
    notes: Vec<TriggerNote>,
    /// The reassurances to notes their author withdrew (or that this fold
    /// never read, their payload gone), by note: the partner's words stay.
    reassured_withdrawn: BTreeMap<EntryId, Reassurance>,
}

impl SharedReflections {
    pub fn apply(&mut self, meta: &Meta, event: &ReflectionEvent) {
        match event {
            ReflectionEvent::CopyShared { prompt, parts } => self.copies.push(SharedCopy {
                id: meta.entry(),
                shared: meta.stamp(),
                prompt: *prompt,
                parts: parts.clone(),
            }),
            ReflectionEvent::TriggerNoted {
                when,
                felt,
                would_help,
            } => self.notes.push(TriggerNote {
                id: meta.entry(),
                sent: meta.stamp(),
                when: when.clone(),
                felt: felt.clone(),
                would_help: would_help.clone(),
                reassurance: None,
            }),
            ReflectionEvent::Reassured { note, words } => {
                let reassurance = Reassurance {
                    id: meta.entry(),
                    by: meta.stamp(),
                    words: words.clone(),
                };
                match self.notes.iter_mut().find(|n| n.id == *note) {
                    Some(n) => n.reassurance = Some(reassurance),
                    // Only a note that was withdrawn is not found here: a
                    // reassurance is refused for any other.
                    None => {
                        self.reassured_withdrawn.insert(*note, reassurance);
                    }
                }
            }
        }
    }

    /// Shared copies, newest first.
    pub fn copies(&self) -> impl Iterator<Item = &SharedCopy> {
        self.copies.iter().rev()
    }

    /// Trigger notes, newest first.
    pub fn notes(&self) -> impl Iterator<Item = &TriggerNote> {
        self.notes.iter().rev()
    }

    pub fn note(&self, id: EntryId) -> Option<&TriggerNote> {
        self.notes.iter().find(|n| n.id == id)
    }

    pub fn copy(&self, id: EntryId) -> Option<&SharedCopy> {
        self.copies.iter().find(|c| c.id == id)
    }

    /// Forgets what its author withdrew, whichever it was: a shared copy, a
    /// trigger note (the reassurance to it stays, and says what it
    /// answered), or a reassurance (its note can be answered again). The
    /// same state as a fold that never read it.
    pub fn withdraw(&mut self, id: EntryId) {
        self.copies.retain(|c| c.id != id);
        if let Some(at) = self.notes.iter().position(|n| n.id == id) {
            let note = self.notes.remove(at);
            if let Some(reassurance) = note.reassurance {
                self.reassured_withdrawn.insert(id, reassurance);
            }
        }
        for note in &mut self.notes {
            if note.reassurance.as_ref().is_some_and(|r| r.id == id) {
                note.reassurance = None;
            }
        }
        self.reassured_withdrawn.retain(|_, r| r.id != id);
    }

    /// The reassurance to a note its author withdrew, if it had one.
    pub fn reassurance_to_withdrawn(&self, note: EntryId) -> Option<&Reassurance> {
        self.reassured_withdrawn.get(&note)
    }
}
