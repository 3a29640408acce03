//! The couple space: who the two partners are and what happened between them.
//!
//! Roles belong to a betrayal, not to a person: a couple can record several
//! betrayals, pointing either way. Partners are named by their slot (the one
//! who created the space, the one who joined it) because the second partner
//! has no account yet when the first betrayal is recorded.

use crate::kernel::event::Meta;
use crate::kernel::ids::{EntryId, UserId};
use crate::kernel::refusal::Refusal;
use crate::kernel::text;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Slot {
    Creator,
    Invitee,
}

impl Slot {
    pub fn other(self) -> Self {
        match self {
            Slot::Creator => Slot::Invitee,
            Slot::Invitee => Slot::Creator,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Hurt,
    Involved,
}

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Role::Hurt => "hurt partner",
            Role::Involved => "involved partner",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BetrayalKind {
    PhysicalAffair,
    EmotionalAffair,
    OnlineRelationship,
    Deception,
    FinancialSecret,
    Other,
}

impl BetrayalKind {
    pub const ALL: [BetrayalKind; 6] = [
        BetrayalKind::PhysicalAffair,
        BetrayalKind::EmotionalAffair,
        BetrayalKind::OnlineRelationship,
        BetrayalKind::Deception,
        BetrayalKind::FinancialSecret,
        BetrayalKind::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            BetrayalKind::PhysicalAffair => "physical_affair",
            BetrayalKind::EmotionalAffair => "emotional_affair",
            BetrayalKind::OnlineRelationship => "online_relationship",
            BetrayalKind::Deception => "deception",
            BetrayalKind::FinancialSecret => "financial_secret",
            BetrayalKind::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            BetrayalKind::PhysicalAffair => "A physical affair",
            BetrayalKind::EmotionalAffair => "An emotional affair",
            BetrayalKind::OnlineRelationship => "An online relationship",
            BetrayalKind::Deception => "A long deception",
            BetrayalKind::FinancialSecret => "A financial secret",
            BetrayalKind::Other => "Something else",
        }
    }

    pub fn parse(code: &str) -> Result<Self, Refusal> {
        Self::ALL
            .into_iter()
            .find(|k| k.code() == code)
            .ok_or_else(|| Refusal::invalid("kind", "Please choose what happened."))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SpaceEvent {
    /// The author created the space and holds the creator slot.
    Created,
    BetrayalRecorded {
        kind: BetrayalKind,
        hurt: Slot,
        discovered_on: Option<Date>,
        note: Option<String>,
    },
    /// The author joined through an invitation and holds the invitee slot.
    PartnerJoined,
}

#[derive(Debug, Clone, PartialEq, Eq)]
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

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpaceState {
    pub creator: Option<UserId>,
    pub invitee: Option<UserId>,
    pub created_at: Option<OffsetDateTime>,
    pub betrayals: Vec<Betrayal>,
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
        }
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

/// What a person fills in to record a betrayal.
#[derive(Debug, Clone, Default)]
pub struct BetrayalInput {
    pub kind: String,
    /// "me" when the person recording it was hurt, "partner" when their
    /// partner was.
    pub hurt: String,
    pub discovered_on: String,
    pub note: String,
}

impl BetrayalInput {
    fn parse(&self, author: Slot, today: Date) -> Result<SpaceEvent, Refusal> {
        let kind = BetrayalKind::parse(&self.kind)?;
        let hurt = match self.hurt.as_str() {
            "me" => author,
            "partner" => author.other(),
            _ => {
                return Err(Refusal::invalid(
                    "hurt",
                    "Please say who was hurt: you or your partner.",
                ))
            }
        };
        let discovered_on = parse_optional_date("discovered_on", &self.discovered_on)?;
        if discovered_on.is_some_and(|d| d > today) {
            return Err(Refusal::invalid(
                "discovered_on",
                "The date of discovery cannot be in the future.",
            ));
        }
        let note = text::optional("note", &self.note, 2000)?;
        Ok(SpaceEvent::BetrayalRecorded {
            kind,
            hurt,
            discovered_on,
            note,
        })
    }
}

/// Parses an HTML date input (`YYYY-MM-DD`); empty means none.
pub fn parse_optional_date(field: &'static str, raw: &str) -> Result<Option<Date>, Refusal> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(raw, format)
        .map(Some)
        .map_err(|_| Refusal::invalid(field, "Please give a date like 2026-03-14."))
}

/// Creating a space: the creator takes the first slot and records the first
/// betrayal in the same append.
pub fn create_space(
    input: &BetrayalInput,
    now: OffsetDateTime,
) -> Result<Vec<SpaceEvent>, Refusal> {
    let betrayal = input.parse(Slot::Creator, now.date())?;
    Ok(vec![SpaceEvent::Created, betrayal])
}

pub fn record_betrayal(
    state: &SpaceState,
    actor: UserId,
    input: &BetrayalInput,
    now: OffsetDateTime,
) -> Result<SpaceEvent, Refusal> {
    let slot = state.slot_of(actor).ok_or(Refusal::NotAMember)?;
    input.parse(slot, now.date())
}

pub fn join(state: &SpaceState, actor: UserId) -> Result<SpaceEvent, Refusal> {
    if state.is_member(actor) {
        return Err(Refusal::Conflict("You are already part of this space."));
    }
    if state.invitee.is_some() {
        return Err(Refusal::Conflict(
            "Both partners have already joined this space.",
        ));
    }
    Ok(SpaceEvent::PartnerJoined)
}
