//! The space folded from its events: who is in it, what happened, who holds which role.

use super::*;
use crate::kernel::event::Meta;
use crate::kernel::ids::{EntryId, UserId};
use crate::kernel::refusal::Refusal;
use time::{Date, OffsetDateTime};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Betrayal {
    pub id: EntryId,
    pub kind: BetrayalKind,
    pub hurt: Slot,
    pub discovered_on: Option<Date>,
    pub note: Option<String>,
    pub recorded_at: OffsetDateTime,
}

impl Betrayal {
    pub fn involved(&self) -> Slot {
        self.hurt.other()
    }

    pub fn role_of(&self, slot: Slot) -> Role {
        if slot == self.hurt {
            Role::Hurt
        } else {
            Role::Involved
        }
    }
}

/// When and why the shared space ended, and by whom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Ending {
    pub by: UserId,
    pub at: OffsetDateTime,
    pub reason: EndReason,
}

/// What a partner is told when they try to add to an ended space.
pub const CLOSED: &str = "This shared space was closed, so nothing more can be added to it.";

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SpaceState {
    pub creator: Option<UserId>,
    pub invitee: Option<UserId>,
    pub created_at: Option<OffsetDateTime>,
    pub betrayals: Vec<Betrayal>,
    /// Set once the space ended: it is read-only from then on.
    pub ended: Option<Ending>,
}

impl SpaceState {
    pub fn apply(&mut self, meta: &Meta, event: &SpaceEvent) {
        match event {
            SpaceEvent::Created => {
                self.creator = Some(meta.author);
                self.created_at = Some(meta.at);
            }
            SpaceEvent::BetrayalRecorded {
                kind,
                hurt,
                discovered_on,
                note,
            } => self.betrayals.push(Betrayal {
                id: meta.entry(),
                kind: *kind,
                hurt: *hurt,
                discovered_on: *discovered_on,
                note: note.clone(),
                recorded_at: meta.at,
            }),
            SpaceEvent::PartnerJoined => self.invitee = Some(meta.author),
            SpaceEvent::Ended { reason } => {
                self.ended.get_or_insert(Ending {
                    by: meta.author,
                    at: meta.at,
                    reason: *reason,
                });
            }
        }
    }

    /// Whether anything may still be added: the one rule every step of
    /// every room passes through (`access::repair_rules::member` for the
    /// partners, `can_join` for an invitation, the therapist's engagement
    /// for them).
    pub fn check_open(&self) -> Result<(), Refusal> {
        match self.ended {
            Some(_) => Err(Refusal::Conflict(CLOSED)),
            None => Ok(()),
        }
    }

    pub fn is_open(&self) -> bool {
        self.ended.is_none()
    }

    pub fn slot_of(&self, user: UserId) -> Option<Slot> {
        if self.creator == Some(user) {
            Some(Slot::Creator)
        } else if self.invitee == Some(user) {
            Some(Slot::Invitee)
        } else {
            None
        }
    }

    pub fn user_in(&self, slot: Slot) -> Option<UserId> {
        match slot {
            Slot::Creator => self.creator,
            Slot::Invitee => self.invitee,
        }
    }

    pub fn is_member(&self, user: UserId) -> bool {
        self.slot_of(user).is_some()
    }

    /// The other partner, once they have joined.
    pub fn partner_of(&self, user: UserId) -> Option<UserId> {
        self.slot_of(user)
            .and_then(|slot| self.user_in(slot.other()))
    }

    pub fn is_complete(&self) -> bool {
        self.creator.is_some() && self.invitee.is_some()
    }

    pub fn betrayal(&self, id: EntryId) -> Option<&Betrayal> {
        self.betrayals.iter().find(|b| b.id == id)
    }

    /// The user's role in one betrayal; `None` when they are not a member.
    pub fn role_in(&self, user: UserId, betrayal: &Betrayal) -> Option<Role> {
        self.slot_of(user).map(|slot| betrayal.role_of(slot))
    }

    /// Every role the user holds, one per betrayal.
    pub fn roles_of(&self, user: UserId) -> Vec<(EntryId, Role)> {
        self.betrayals
            .iter()
            .filter_map(|b| self.role_in(user, b).map(|role| (b.id, role)))
            .collect()
    }

    pub fn is_hurt_in_any(&self, user: UserId) -> bool {
        self.roles_of(user).iter().any(|(_, r)| *r == Role::Hurt)
    }

    pub fn is_involved_in_any(&self, user: UserId) -> bool {
        self.roles_of(user)
            .iter()
            .any(|(_, r)| *r == Role::Involved)
    }
}
