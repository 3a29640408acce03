//! The readiness room's folds: the shared list (proposals and what became
//! of them) and one person's marks.

use super::events::*;
use crate::kernel::event::{Meta, Stamp};
use crate::kernel::ids::{EntryId, UserId};
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// What became of a proposed step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ProposalStatus {
    Open,
    Accepted(Stamp),
    Declined(Stamp),
    Withdrawn(Stamp),
}

/// A step a partner proposed for the list.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Proposal {
    pub id: EntryId,
    pub name: String,
    pub by: UserId,
    pub at: OffsetDateTime,
    pub status: ProposalStatus,
}

/// A step of the list with its name.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ListedStep {
    pub step: StepRef,
    pub name: String,
}

/// The couple's list of steps, folded from the couple stream.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct ReadinessList {
    proposals: Vec<Proposal>,
}

impl ReadinessList {
    pub fn apply(&mut self, meta: &Meta, event: &ReadinessEvent) {
        let (proposal, status): (_, fn(Stamp) -> ProposalStatus) = match event {
            ReadinessEvent::Proposed { name } => {
                self.proposals.push(Proposal {
                    id: meta.entry(),
                    name: name.clone(),
                    by: meta.author,
                    at: meta.at,
                    status: ProposalStatus::Open,
                });
                return;
            }
            ReadinessEvent::Accepted { proposal } => (proposal, ProposalStatus::Accepted),
            ReadinessEvent::Declined { proposal } => (proposal, ProposalStatus::Declined),
            ReadinessEvent::Withdrawn { proposal } => (proposal, ProposalStatus::Withdrawn),
        };
        if let Some(p) = self.proposals.iter_mut().find(|p| p.id == *proposal) {
            p.status = status(meta.stamp());
        }
    }

    pub fn proposals(&self) -> &[Proposal] {
        &self.proposals
    }

    pub fn proposal(&self, id: EntryId) -> Option<&Proposal> {
        self.proposals.iter().find(|p| p.id == id)
    }

    /// Every step on the list: the usual ones, then the accepted proposals
    /// in the order they were proposed.
    pub fn steps(&self) -> Vec<ListedStep> {
        let usual = Step::ALL.into_iter().map(|step| ListedStep {
            step: StepRef::Usual(step),
            name: step.label().to_owned(),
        });
        let accepted = self
            .proposals
            .iter()
            .filter(|p| matches!(p.status, ProposalStatus::Accepted(_)))
            .map(|p| ListedStep {
                step: StepRef::Proposed(p.id),
                name: p.name.clone(),
            });
        usual.chain(accepted).collect()
    }

    /// The name of a step on the list; `None` for a step not on it.
    pub fn name_of(&self, step: StepRef) -> Option<String> {
        match step {
            StepRef::Usual(step) => Some(step.label().to_owned()),
            StepRef::Proposed(id) => self
                .proposal(id)
                .filter(|p| matches!(p.status, ProposalStatus::Accepted(_)))
                .map(|p| p.name.clone()),
        }
    }
}

/// A person's mark on a step as it stands, and since when it has stood.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MarkNow {
    pub mark: Mark,
    pub since: OffsetDateTime,
}

/// One person's marks, folded from their private stream.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct ReadinessMarks {
    marks: BTreeMap<StepRef, MarkNow>,
}

impl ReadinessMarks {
    pub fn apply(&mut self, meta: &Meta, event: &ReadinessMarkEvent) {
        match event {
            ReadinessMarkEvent::Marked { step, mark } => {
                // Marking the same again keeps "since": readiness dates from
                // when it began, not from the last time the form was saved.
                let unchanged = self.marks.get(step).is_some_and(|m| m.mark == *mark);
                if !unchanged {
                    self.marks.insert(
                        *step,
                        MarkNow {
                            mark: *mark,
                            since: meta.at,
                        },
                    );
                }
            }
        }
    }

    pub fn mark_of(&self, step: StepRef) -> Option<MarkNow> {
        self.marks.get(&step).copied()
    }
}
