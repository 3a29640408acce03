//! Every commitment with its status history, folded from the events.

use super::events::{CommitmentEvent, CommitmentKind, CommitmentStatus};
use crate::kernel::entries;
use crate::kernel::event::{Meta, Stamp};
use crate::kernel::ids::{EntryId, UserId};
use time::OffsetDateTime;

/// One entry of a commitment's status history.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StatusEntry {
    pub id: EntryId,
    pub status: CommitmentStatus,
    pub note: Option<String>,
    pub by: UserId,
    pub at: OffsetDateTime,
    /// Who acknowledged it, and when.
    pub seen: Option<Stamp>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Commitment {
    pub id: EntryId,
    pub betrayal: EntryId,
    pub kind: CommitmentKind,
    pub details: Option<String>,
    /// Oldest first; the first entry is "made".
    pub history: Vec<StatusEntry>,
}

impl Commitment {
    pub fn latest(&self) -> Option<&StatusEntry> {
        self.history.last()
    }

    pub fn status(&self) -> CommitmentStatus {
        self.latest().map_or(CommitmentStatus::Made, |e| e.status)
    }

    /// The name a page shows: the kind, or the person's own words.
    pub fn title(&self) -> &str {
        match (self.kind, &self.details) {
            (CommitmentKind::Own, Some(words)) => words,
            (kind, _) => kind.label(),
        }
    }

    pub fn awaits_acknowledgement(&self) -> bool {
        self.latest().is_some_and(|e| e.seen.is_none())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Commitments {
    /// In the order made; ids grow with it.
    pub(super) commitments: Vec<Commitment>,
}

impl Commitments {
    pub fn apply(&mut self, meta: &Meta, event: &CommitmentEvent) {
        match event {
            CommitmentEvent::Made {
                betrayal,
                kind,
                details,
            } => self.commitments.push(Commitment {
                id: meta.entry(),
                betrayal: *betrayal,
                kind: *kind,
                details: details.clone(),
                history: vec![StatusEntry {
                    id: meta.entry(),
                    status: CommitmentStatus::Made,
                    note: None,
                    by: meta.author,
                    at: meta.at,
                    seen: None,
                }],
            }),
            CommitmentEvent::StatusUpdated {
                commitment,
                status,
                note,
            } => {
                if let Some(c) = entries::find_mut(&mut self.commitments, *commitment) {
                    c.history.push(StatusEntry {
                        id: meta.entry(),
                        status: *status,
                        note: note.clone(),
                        by: meta.author,
                        at: meta.at,
                        seen: None,
                    });
                }
            }
            CommitmentEvent::Acknowledged { commitment, entry } => {
                let found = entries::find_mut(&mut self.commitments, *commitment)
                    .and_then(|c| c.history.iter_mut().find(|e| e.id == *entry));
                if let Some(entry) = found {
                    entry.seen = Some(meta.stamp());
                }
            }
        }
    }

    /// Forgets a commitment its author withdrew, with its history: the same
    /// state as a fold that never read it.
    pub fn withdraw(&mut self, id: EntryId) {
        self.commitments.retain(|c| c.id != id);
    }

    pub fn get(&self, id: EntryId) -> Option<&Commitment> {
        entries::find(&self.commitments, id)
    }

    /// Every commitment, in the order made.
    pub fn all(&self) -> &[Commitment] {
        &self.commitments
    }

    pub fn for_betrayal(&self, betrayal: EntryId) -> Vec<&Commitment> {
        self.commitments
            .iter()
            .filter(|c| c.betrayal == betrayal)
            .collect()
    }
}

crate::access::room::repair_entry!(Commitment);
