//! The sessions, folded from the couple stream: the agenda items of each
//! engagement and every session held.

use super::events::SessionEvent;
use crate::kernel::event::{Meta, Stamp};
use crate::kernel::ids::EntryId;
use time::OffsetDateTime;

/// An item someone put on a session's agenda.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SessionItem {
    pub id: EntryId,
    pub engagement: EntryId,
    pub added: Stamp,
    pub text: String,
    /// The session it was covered in; `None` while it waits, carried from
    /// one session to the next until then.
    pub covered_in: Option<u32>,
}

/// A session marked held (one mark holds it).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HeldSession {
    /// The mark's own entry.
    pub id: EntryId,
    pub engagement: EntryId,
    pub number: u32,
    /// Who marked it held, and when.
    pub held: Stamp,
    /// The agenda items covered.
    pub covered: Vec<EntryId>,
    /// The parked questions talked about.
    pub talked_about: Vec<EntryId>,
}

/// A question parked for therapy, as the truth log has it: its id and
/// when it was parked (a question parked again after it was talked about
/// comes back to the agenda).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ParkedQuestion {
    pub question: EntryId,
    pub parked_at: OffsetDateTime,
}

/// One line of the agenda: an item, and the session it was carried over
/// from when it waited through one already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgendaLine<'a> {
    pub item: &'a SessionItem,
    pub carried_from: Option<&'a HeldSession>,
}

/// The agenda of an engagement's next session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agenda<'a> {
    pub engagement: EntryId,
    /// The number the session will have when held; a held mark names it.
    pub number: u32,
    /// The parked questions not talked about yet, in the order given.
    pub questions: Vec<EntryId>,
    /// The items not covered yet, oldest first.
    pub items: Vec<AgendaLine<'a>>,
}

impl Agenda<'_> {
    pub fn has_item(&self, id: EntryId) -> bool {
        self.items.iter().any(|l| l.item.id == id)
    }

    pub fn has_question(&self, id: EntryId) -> bool {
        self.questions.contains(&id)
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty() && self.questions.is_empty()
    }
}

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Sessions {
    items: Vec<SessionItem>,
    held: Vec<HeldSession>,
}

impl Sessions {
    pub fn apply(&mut self, meta: &Meta, event: &SessionEvent) {
        match event {
            SessionEvent::ItemAdded { engagement, text } => self.items.push(SessionItem {
                id: meta.entry(),
                engagement: *engagement,
                added: meta.stamp(),
                text: text.clone(),
                covered_in: None,
            }),
            SessionEvent::Held {
                engagement,
                number,
                covered,
                talked_about,
            } => {
                // A mark for a session already held changes nothing.
                if *number != self.next_number(*engagement) {
                    return;
                }
                let mut marked = Vec::new();
                for item in self.items.iter_mut().filter(|i| {
                    i.engagement == *engagement && i.covered_in.is_none() && covered.contains(&i.id)
                }) {
                    item.covered_in = Some(*number);
                    marked.push(item.id);
                }
                self.held.push(HeldSession {
                    id: meta.entry(),
                    engagement: *engagement,
                    number: *number,
                    held: meta.stamp(),
                    covered: marked,
                    talked_about: talked_about.clone(),
                });
            }
        }
    }

    /// The sessions of `engagement` held, oldest first.
    /// Forgets an agenda item its author withdrew, as a fold that never
    /// read it would: gone from the agenda and from what each session held
    /// covered.
    pub fn withdraw_item(&mut self, id: EntryId) {
        self.items.retain(|i| i.id != id);
        for held in &mut self.held {
            held.covered.retain(|c| *c != id);
        }
    }

    pub fn held_of(&self, engagement: EntryId) -> Vec<&HeldSession> {
        self.held
            .iter()
            .filter(|h| h.engagement == engagement)
            .collect()
    }

    /// The newest session of `engagement` held.
    pub fn last_held(&self, engagement: EntryId) -> Option<&HeldSession> {
        self.held.iter().rev().find(|h| h.engagement == engagement)
    }

    /// The number the next session of `engagement` will have, from 1.
    pub fn next_number(&self, engagement: EntryId) -> u32 {
        self.last_held(engagement)
            .map_or(1, |h| h.number.saturating_add(1))
    }

    /// Every item of `engagement`, in the order added.
    pub fn items_of(&self, engagement: EntryId) -> Vec<&SessionItem> {
        self.items
            .iter()
            .filter(|i| i.engagement == engagement)
            .collect()
    }

    /// The items of `engagement` not covered yet, oldest first.
    pub fn items_waiting(&self, engagement: EntryId) -> Vec<&SessionItem> {
        self.items
            .iter()
            .filter(|i| i.engagement == engagement && i.covered_in.is_none())
            .collect()
    }

    /// The first session held while `item` waited and that did not cover
    /// it: "carried over from the session of …".
    pub fn carried_from(&self, item: &SessionItem) -> Option<&HeldSession> {
        if item.covered_in.is_some() {
            return None;
        }
        self.held
            .iter()
            .find(|h| h.engagement == item.engagement && h.id > item.id)
    }

    /// Whether `question`, parked at `parked_at`, was talked about in a
    /// session of `engagement` since.
    fn talked_since(&self, engagement: EntryId, parked: &ParkedQuestion) -> bool {
        self.held.iter().any(|h| {
            h.engagement == engagement
                && h.held.at >= parked.parked_at
                && h.talked_about.contains(&parked.question)
        })
    }

    /// The agenda of the next session of `engagement`: the parked
    /// questions not talked about since they were parked, and the items
    /// not covered, each saying where it was carried over from.
    pub fn agenda(&self, engagement: EntryId, parked: &[ParkedQuestion]) -> Agenda<'_> {
        Agenda {
            engagement,
            number: self.next_number(engagement),
            questions: parked
                .iter()
                .filter(|p| !self.talked_since(engagement, p))
                .map(|p| p.question)
                .collect(),
            items: self
                .items_waiting(engagement)
                .into_iter()
                .map(|item| AgendaLine {
                    item,
                    carried_from: self.carried_from(item),
                })
                .collect(),
        }
    }

    /// The newest session, of any engagement, in which `question` was
    /// talked about: the truth entry's "talked about in session on …".
    /// Shown to the partners; a therapist's page filters it to their own
    /// engagement (`HeldSession::engagement`).
    pub fn talked_about(&self, question: EntryId) -> Option<&HeldSession> {
        self.held
            .iter()
            .rev()
            .find(|h| h.talked_about.contains(&question))
    }
}
