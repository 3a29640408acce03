//! The time-together folds: the couple's plans, and one person's kept words.

use super::events::*;
use crate::kernel::event::{Meta, Stamp};
use crate::kernel::ids::{EntryId, UserId};
use time::OffsetDateTime;

/// Where a plan stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum PlanStatus {
    /// `by` suggested this time (first, or as a move): waiting for the
    /// other partner to accept, move or decline.
    Asked {
        by: UserId,
    },
    Agreed,
    Declined(Stamp),
}

/// One partner's word on time together that happened, shared.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SharedWord {
    /// The word's own entry, which its author may withdraw.
    pub id: EntryId,
    pub by: UserId,
    pub at: OffsetDateTime,
    pub connection: Connection,
    pub line: Option<String>,
}

/// Time together, suggested by one partner.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Plan {
    pub id: EntryId,
    pub what: String,
    /// Who suggested it, and when they did.
    pub suggested: Stamp,
    /// When it is to happen (the newest time agreed or suggested).
    pub at: OffsetDateTime,
    pub status: PlanStatus,
    /// Who said it happened (with a shared or a kept word), once each.
    pub happened: Vec<Stamp>,
    pub words: Vec<SharedWord>,
}

impl Plan {
    pub fn happened_for(&self, person: UserId) -> bool {
        self.happened.iter().any(|s| s.by == person)
    }
}

/// The couple's plans, folded from the couple stream.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Together {
    plans: Vec<Plan>,
    rituals: Vec<Ritual>,
}

impl Together {
    pub fn apply(&mut self, meta: &Meta, event: &TogetherEvent) {
        if self.apply_ritual(meta, event) {
            return;
        }
        if let TogetherEvent::Suggested { what, at } = event {
            self.plans.push(Plan {
                id: meta.entry(),
                what: what.clone(),
                suggested: meta.stamp(),
                at: *at,
                status: PlanStatus::Asked { by: meta.author },
                happened: Vec::new(),
                words: Vec::new(),
            });
            return;
        }
        let plan_id = match event {
            TogetherEvent::Suggested { .. }
            | TogetherEvent::RitualBegun { .. }
            | TogetherEvent::RitualDone { .. }
            | TogetherEvent::RitualSetAside { .. } => return,
            TogetherEvent::Accepted { plan }
            | TogetherEvent::Moved { plan, .. }
            | TogetherEvent::Declined { plan }
            | TogetherEvent::Shared { plan, .. }
            | TogetherEvent::Happened { plan } => *plan,
        };
        let Some(plan) = self.plans.iter_mut().find(|p| p.id == plan_id) else {
            return;
        };
        match event {
            TogetherEvent::Accepted { .. } => plan.status = PlanStatus::Agreed,
            TogetherEvent::Moved { at, .. } => {
                plan.at = *at;
                // The one who moved it waits for the other now.
                plan.status = PlanStatus::Asked { by: meta.author };
            }
            TogetherEvent::Declined { .. } => plan.status = PlanStatus::Declined(meta.stamp()),
            TogetherEvent::Shared {
                connection, line, ..
            } => {
                plan.happened.push(meta.stamp());
                plan.words.push(SharedWord {
                    id: meta.entry(),
                    by: meta.author,
                    at: meta.at,
                    connection: *connection,
                    line: line.clone(),
                });
            }
            TogetherEvent::Happened { .. } => plan.happened.push(meta.stamp()),
            _ => {}
        }
    }

    /// Folds a ritual's event; `false` for any other.
    fn apply_ritual(&mut self, meta: &Meta, event: &TogetherEvent) -> bool {
        match event {
            TogetherEvent::RitualBegun { what } => self.rituals.push(Ritual {
                id: meta.entry(),
                what: what.clone(),
                begun: meta.stamp(),
                done_on: Default::default(),
                set_aside: None,
            }),
            TogetherEvent::RitualDone { ritual, on } => {
                if let Some(r) = self.rituals.iter_mut().find(|r| r.id == *ritual) {
                    r.done_on.insert(*on);
                }
            }
            TogetherEvent::RitualSetAside { ritual } => {
                if let Some(r) = self.rituals.iter_mut().find(|r| r.id == *ritual) {
                    r.set_aside = Some(meta.stamp());
                }
            }
            _ => return false,
        }
        true
    }

    /// Forgets an entry its author withdrew, as a fold that never read it
    /// would: a plan or a ritual with every step taken on it, or a shared
    /// word (and with it, that its author said the plan happened).
    pub fn withdraw(&mut self, id: EntryId) {
        self.plans.retain(|p| p.id != id);
        self.rituals.retain(|r| r.id != id);
        for plan in &mut self.plans {
            let Some(at) = plan.words.iter().position(|w| w.id == id) else {
                continue;
            };
            let word = plan.words.remove(at);
            let said = Stamp {
                by: word.by,
                at: word.at,
            };
            if let Some(at) = plan.happened.iter().position(|s| *s == said) {
                plan.happened.remove(at);
            }
        }
    }

    pub fn rituals(&self) -> &[Ritual] {
        &self.rituals
    }

    pub fn ritual(&self, id: EntryId) -> Option<&Ritual> {
        self.rituals.iter().find(|r| r.id == id)
    }

    pub fn all(&self) -> &[Plan] {
        &self.plans
    }

    pub fn plan(&self, id: EntryId) -> Option<&Plan> {
        self.plans.iter().find(|p| p.id == id)
    }
}

/// A small recurring thing the couple does together.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Ritual {
    pub id: EntryId,
    pub what: String,
    pub begun: Stamp,
    /// The days it was done, each once.
    pub done_on: std::collections::BTreeSet<time::Date>,
    pub set_aside: Option<Stamp>,
}

impl Ritual {
    /// How many of the days from `since` to `until`, both included, it was
    /// done: a count of what happened, never of what did not.
    pub fn done_between(&self, since: time::Date, until: time::Date) -> usize {
        self.done_on.range(since..=until).count()
    }
}

/// A word on time together, kept by its author.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KeptWord {
    /// Its own entry in the private stream, which its author may delete.
    pub id: EntryId,
    pub plan: EntryId,
    pub at: OffsetDateTime,
    pub connection: Connection,
    pub line: Option<String>,
}

/// One person's kept words, folded from their private stream.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct KeptTogether {
    words: Vec<KeptWord>,
}

impl KeptTogether {
    pub fn apply(&mut self, meta: &Meta, event: &PrivateTogetherEvent) {
        let PrivateTogetherEvent::Kept {
            plan,
            connection,
            line,
        } = event;
        self.words.push(KeptWord {
            id: meta.entry(),
            plan: *plan,
            at: meta.at,
            connection: *connection,
            line: line.clone(),
        });
    }

    /// Forgets a kept word its author deleted, without a trace.
    pub fn delete(&mut self, id: EntryId) {
        self.words.retain(|w| w.id != id);
    }

    pub fn on(&self, plan: EntryId) -> Option<&KeptWord> {
        self.words.iter().find(|w| w.plan == plan)
    }
}
