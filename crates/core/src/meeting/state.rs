//! The weekly meeting, folded from the couple stream: the agreed day and
//! time, the agenda both build, and every meeting held.

use super::events::*;
use crate::kernel::event::{Meta, Stamp};
use crate::kernel::ids::EntryId;

/// A proposed weekly day and time.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Schedule {
    pub id: EntryId,
    pub day: MeetingDay,
    pub hour: u8,
    pub minute: u8,
    /// The proposer's time zone, which the time is read in.
    pub zone: String,
    pub proposed: Stamp,
    pub agreed: Option<Stamp>,
}

impl Schedule {
    /// "19:00".
    pub fn clock(&self) -> String {
        format!("{:02}:{:02}", self.hour, self.minute)
    }
}

/// An item on the agenda.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Item {
    pub id: EntryId,
    pub added: Stamp,
    pub item: AgendaItem,
    /// The meeting it was talked about in; `None` while it waits, carried
    /// from one week to the next until then.
    pub covered_in: Option<u32>,
}

impl Item {
    pub fn is_appreciation(&self) -> bool {
        matches!(self.item, AgendaItem::Appreciation { .. })
    }
}

/// One partner's "we held it".
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HeldMark {
    pub by: Stamp,
    pub covered: Vec<EntryId>,
    pub agreed: Option<String>,
}

/// A meeting both partners said was held.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Held {
    pub number: u32,
    /// Both marks, in the order given.
    pub marks: [HeldMark; 2],
    /// The items talked about: appreciations, and what both ticked.
    pub covered: Vec<EntryId>,
}

impl Held {
    /// When the second partner said so.
    pub fn at(&self) -> time::OffsetDateTime {
        self.marks[1].by.at
    }
}

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Meetings {
    proposals: Vec<Schedule>,
    items: Vec<Item>,
    held: Vec<Held>,
    /// The first "we held it" of the meeting still to be held.
    first_mark: Option<HeldMark>,
}

impl Meetings {
    pub fn apply(&mut self, meta: &Meta, event: &MeetingEvent) {
        match event {
            MeetingEvent::TimeProposed {
                day,
                hour,
                minute,
                zone,
            } => self.proposals.push(Schedule {
                id: meta.entry(),
                day: *day,
                hour: *hour,
                minute: *minute,
                zone: zone.clone(),
                proposed: meta.stamp(),
                agreed: None,
            }),
            MeetingEvent::TimeAgreed { proposal } => {
                if let Some(p) = self.proposals.iter_mut().find(|p| p.id == *proposal) {
                    p.agreed = Some(meta.stamp());
                }
            }
            MeetingEvent::ItemAdded { item } => self.items.push(Item {
                id: meta.entry(),
                added: meta.stamp(),
                item: item.clone(),
                covered_in: None,
            }),
            MeetingEvent::HeldMarked {
                round,
                covered,
                agreed,
            } => self.mark_held(meta, *round, covered, agreed),
        }
    }

    fn mark_held(&mut self, meta: &Meta, round: u32, covered: &[EntryId], agreed: &Option<String>) {
        if round != self.next_number() {
            return;
        }
        let mark = HeldMark {
            by: meta.stamp(),
            covered: covered.to_vec(),
            agreed: agreed.clone(),
        };
        let first = match self.first_mark.take() {
            Some(first) if first.by.by != meta.author => first,
            Some(same) => {
                self.first_mark = Some(same);
                return;
            }
            None => {
                self.first_mark = Some(mark);
                return;
            }
        };
        let number = self.next_number();
        let mut talked_about = Vec::new();
        for item in self.items.iter_mut().filter(|i| i.covered_in.is_none()) {
            let both = first.covered.contains(&item.id) && mark.covered.contains(&item.id);
            if item.is_appreciation() || both {
                item.covered_in = Some(number);
                talked_about.push(item.id);
            }
        }
        self.held.push(Held {
            number,
            marks: [first, mark],
            covered: talked_about,
        });
    }

    /// The number the next meeting held will have, from 1.
    /// Forgets an agenda item its author withdrew, as a fold that never
    /// read it would: gone from the agenda and from what each meeting
    /// held covered.
    pub fn withdraw_item(&mut self, id: EntryId) {
        self.items.retain(|i| i.id != id);
        for held in &mut self.held {
            held.covered.retain(|c| *c != id);
        }
    }

    pub fn next_number(&self) -> u32 {
        u32::try_from(self.held.len()).map_or(u32::MAX, |n| n.saturating_add(1))
    }

    /// The day and time both agreed, the newest.
    pub fn agreed(&self) -> Option<&Schedule> {
        self.proposals.iter().rev().find(|p| p.agreed.is_some())
    }

    /// The newest proposal, when it still waits for an answer.
    pub fn pending(&self) -> Option<&Schedule> {
        self.proposals.last().filter(|p| p.agreed.is_none())
    }

    pub fn proposal(&self, id: EntryId) -> Option<&Schedule> {
        self.proposals.iter().find(|p| p.id == id)
    }

    /// Every item, in the order added.
    pub fn items(&self) -> &[Item] {
        &self.items
    }

    pub fn item(&self, id: EntryId) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }

    /// The agenda of the next meeting: every item not talked about yet,
    /// appreciations first, then the other parts in their order.
    pub fn agenda(&self) -> Vec<&Item> {
        let mut open: Vec<&Item> = self
            .items
            .iter()
            .filter(|i| i.covered_in.is_none())
            .collect();
        open.sort_by_key(|i| part_order(&i.item));
        open
    }

    /// The items carried over: added before the last meeting held and not
    /// talked about in it.
    pub fn carried_over(&self) -> Vec<&Item> {
        let Some(last) = self.held.last() else {
            return Vec::new();
        };
        self.agenda()
            .into_iter()
            .filter(|i| i.added.at <= last.at())
            .collect()
    }

    /// The meetings held, oldest first.
    pub fn held(&self) -> &[Held] {
        &self.held
    }

    /// The first partner's "we held it" for the next meeting, if given.
    pub fn first_mark(&self) -> Option<&HeldMark> {
        self.first_mark.as_ref()
    }
}

/// Where an item's part stands in the meeting: appreciations open it.
pub fn part_order(item: &AgendaItem) -> u8 {
    match item {
        AgendaItem::Appreciation { .. } => 0,
        AgendaItem::WentWell { .. } => 1,
        AgendaItem::Concern { .. } => 2,
        AgendaItem::Plan { .. } => 3,
    }
}
