//! Slots, roles, the kinds of betrayal, and the space's events.

use crate::kernel::refusal::Refusal;
use serde::{Deserialize, Serialize};
use time::Date;

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
    /// The author ended the shared space: from here on nothing is added,
    /// and the record is kept to be read and exported for a while.
    Ended { reason: EndReason },
}

/// Why a shared space ended. The record keeps it; what the partners are
/// shown reads the same either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// A partner chose to end it.
    PartnerEnded,
    /// A partner deleted their account, which ends it too.
    AccountDeleted,
}
