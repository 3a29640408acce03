//! Every contact report, folded from the events.

use super::events::{ContactChannel, ContactEvent};
use crate::access::repair_rules::Acknowledgement;
use crate::kernel::entries;
use crate::kernel::event::Meta;
use crate::kernel::ids::{EntryId, UserId};
use std::collections::BTreeMap;
use time::{Duration, OffsetDateTime};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ContactReport {
    pub id: EntryId,
    pub betrayal: EntryId,
    pub reported_by: UserId,
    pub reported_at: OffsetDateTime,
    pub happened_at: OffsetDateTime,
    pub channel: ContactChannel,
    pub what_was_said: String,
    pub how_i_responded: String,
    pub acknowledgement: Option<Acknowledgement>,
}

impl ContactReport {
    /// How long after the contact it was reported.
    pub fn reported_after(&self) -> Duration {
        self.reported_at - self.happened_at
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ContactReports {
    /// In the order reported; ids grow with it.
    pub(super) reports: Vec<ContactReport>,
    /// The acknowledgements of reports their author withdrew (or that this
    /// fold never read, their payload gone): they stay, and say what they
    /// answered.
    answered_withdrawn: BTreeMap<EntryId, Acknowledgement>,
}

impl ContactReports {
    pub fn apply(&mut self, meta: &Meta, event: &ContactEvent) {
        match event {
            ContactEvent::Reported {
                betrayal,
                happened_at,
                channel,
                what_was_said,
                how_i_responded,
            } => self.reports.push(ContactReport {
                id: meta.entry(),
                betrayal: *betrayal,
                reported_by: meta.author,
                reported_at: meta.at,
                happened_at: *happened_at,
                channel: *channel,
                what_was_said: what_was_said.clone(),
                how_i_responded: how_i_responded.clone(),
                acknowledgement: None,
            }),
            ContactEvent::Acknowledged { report, response } => {
                let acknowledgement = Acknowledgement::new(meta, response);
                match entries::find_mut(&mut self.reports, *report) {
                    Some(found) => found.acknowledgement = Some(acknowledgement),
                    None => {
                        self.answered_withdrawn.insert(*report, acknowledgement);
                    }
                }
            }
        }
    }

    /// Forgets a report its author withdrew: the same state as a fold that
    /// never read it.
    pub fn withdraw(&mut self, id: EntryId) {
        if let Some(ack) = self.get(id).and_then(|r| r.acknowledgement.clone()) {
            self.answered_withdrawn.insert(id, ack);
        }
        self.reports.retain(|r| r.id != id);
    }

    /// The acknowledgement of a report its author withdrew, if it had one.
    pub fn acknowledgement_of_withdrawn(&self, id: EntryId) -> Option<&Acknowledgement> {
        self.answered_withdrawn.get(&id)
    }

    pub fn get(&self, id: EntryId) -> Option<&ContactReport> {
        entries::find(&self.reports, id)
    }

    /// Every report, newest first.
    pub fn all(&self) -> Vec<&ContactReport> {
        self.reports.iter().rev().collect()
    }
}

crate::access::room::repair_entry!(ContactReport);
