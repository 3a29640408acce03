//! Pulses folded from the events.

use super::*;
use crate::kernel::entries::{self, entry_by_id_field};
use crate::kernel::ids::{EntryId, UserId};
use crate::Meta;
use std::collections::BTreeMap;
use time::OffsetDateTime;

// ---------------------------------------------------------------------------
// Projections.

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PulseRecord {
    pub id: EntryId,
    pub author: UserId,
    pub at: OffsetDateTime,
    pub answers: Answers,
    /// Computed once when folded, so charts never rescore history.
    pub score: TrustScore,
}

impl PulseRecord {
    fn new(meta: &Meta, answers: Answers) -> Self {
        PulseRecord {
            id: meta.entry(),
            author: meta.author,
            at: meta.at,
            answers,
            score: answers.score(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CadenceChoice {
    pub cadence: Cadence,
    pub by: UserId,
    pub at: OffsetDateTime,
}

/// The couple stream's pulses and the chosen cadence.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct PulseState {
    cadence: Option<CadenceChoice>,
    /// In time order.
    shared: Vec<PulseRecord>,
    /// Kept as instants: the day one fell on is the viewer's to say.
    last_at_by_author: BTreeMap<UserId, OffsetDateTime>,
}

impl PulseState {
    pub fn apply(&mut self, meta: &Meta, event: &PulseEvent) {
        match event {
            PulseEvent::Shared { answers } => {
                self.shared.push(PulseRecord::new(meta, *answers));
                let last = self.last_at_by_author.entry(meta.author).or_insert(meta.at);
                *last = (*last).max(meta.at);
            }
            PulseEvent::CadenceChosen { cadence } => {
                self.cadence = Some(CadenceChoice {
                    cadence: *cadence,
                    by: meta.author,
                    at: meta.at,
                });
            }
        }
    }

    pub fn cadence(&self) -> Cadence {
        self.cadence.map(|c| c.cadence).unwrap_or_default()
    }

    /// Who chose the current cadence and when; `None` while it is the default.
    pub fn cadence_choice(&self) -> Option<CadenceChoice> {
        self.cadence
    }

    /// Every shared pulse, oldest first. Both partners may see all of them.
    pub fn shared(&self) -> &[PulseRecord] {
        &self.shared
    }

    /// Shared pulses taken after `since`, oldest first.
    pub fn shared_after(&self, since: OffsetDateTime) -> &[PulseRecord] {
        let start = self.shared.partition_point(|p| p.at <= since);
        &self.shared[start..]
    }

    pub fn last_shared_at(&self, author: UserId) -> Option<OffsetDateTime> {
        self.last_at_by_author.get(&author).copied()
    }

    pub fn get(&self, id: EntryId) -> Option<&PulseRecord> {
        entries::find(&self.shared, id)
    }

    /// Forgets a shared pulse its author withdrew: the same state as a fold
    /// that never read it (its answers leave every chart and count, and
    /// when each partner last shared one is read again from what is left).
    pub fn withdraw(&mut self, id: EntryId) {
        self.shared.retain(|p| p.id != id);
        let mut last: BTreeMap<UserId, OffsetDateTime> = BTreeMap::new();
        for pulse in &self.shared {
            let at = last.entry(pulse.author).or_insert(pulse.at);
            *at = (*at).max(pulse.at);
        }
        self.last_at_by_author = last;
    }
}

/// The pulses a person kept to themselves.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct PrivatePulses {
    entries: Vec<PulseRecord>,
}

impl PrivatePulses {
    pub fn apply(&mut self, meta: &Meta, event: &PrivatePulseEvent) {
        match event {
            PrivatePulseEvent::Kept { answers } => {
                self.entries.push(PulseRecord::new(meta, *answers))
            }
        }
    }

    pub fn all(&self) -> &[PulseRecord] {
        &self.entries
    }

    pub fn last_at(&self) -> Option<OffsetDateTime> {
        self.entries.iter().map(|p| p.at).next_back()
    }

    pub fn get(&self, id: EntryId) -> Option<&PulseRecord> {
        entries::find(&self.entries, id)
    }

    /// Forgets a kept pulse its author deleted, as if never taken.
    pub fn withdraw(&mut self, id: EntryId) {
        self.entries.retain(|p| p.id != id);
    }
}

entry_by_id_field!(PulseRecord);
