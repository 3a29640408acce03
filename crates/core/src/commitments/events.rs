//! What the commitments room records: the kinds, the statuses, the events.

use crate::kernel::ids::EntryId;
use crate::kernel::listed::by_code;
use crate::kernel::refusal::Refusal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommitmentKind {
    NoContact,
    Therapy,
    EndSharedWork,
    Openness,
    Own,
}

impl CommitmentKind {
    /// In the order the form offers them: no contact always first.
    pub const ALL: [CommitmentKind; 5] = [
        CommitmentKind::NoContact,
        CommitmentKind::Therapy,
        CommitmentKind::EndSharedWork,
        CommitmentKind::Openness,
        CommitmentKind::Own,
    ];

    pub fn code(self) -> &'static str {
        match self {
            CommitmentKind::NoContact => "no_contact",
            CommitmentKind::Therapy => "therapy",
            CommitmentKind::EndSharedWork => "end_shared_work",
            CommitmentKind::Openness => "openness",
            CommitmentKind::Own => "own",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CommitmentKind::NoContact => "No contact with the affair partner",
            CommitmentKind::Therapy => "Attending therapy",
            CommitmentKind::EndSharedWork => "Ending a shared job or project",
            CommitmentKind::Openness => "Volunteered openness",
            CommitmentKind::Own => "In my own words",
        }
    }

    /// What the form's details field asks for.
    pub fn details_hint(self) -> &'static str {
        match self {
            CommitmentKind::NoContact => "Anything you want to add, e.g. how you ended contact.",
            CommitmentKind::Therapy => "Which therapy, how often.",
            CommitmentKind::EndSharedWork => "Which job or project, and by when.",
            CommitmentKind::Openness => {
                "What you choose to share, e.g. your calendar. It is offered, never demanded."
            }
            CommitmentKind::Own => "Your commitment, in your own words.",
        }
    }

    pub fn parse(code: &str) -> Result<Self, Refusal> {
        by_code(&Self::ALL, code, Self::code)
            .ok_or_else(|| Refusal::invalid("kind", "Please choose a commitment."))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommitmentStatus {
    Made,
    Kept,
    AtRisk,
    Broken,
    Renewed,
}

impl CommitmentStatus {
    /// The statuses an update may set ("made" is the first entry only).
    pub const UPDATES: [CommitmentStatus; 4] = [
        CommitmentStatus::Kept,
        CommitmentStatus::AtRisk,
        CommitmentStatus::Broken,
        CommitmentStatus::Renewed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            CommitmentStatus::Made => "made",
            CommitmentStatus::Kept => "kept",
            CommitmentStatus::AtRisk => "at_risk",
            CommitmentStatus::Broken => "broken",
            CommitmentStatus::Renewed => "renewed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CommitmentStatus::Made => "Made",
            CommitmentStatus::Kept => "Kept",
            CommitmentStatus::AtRisk => "At risk",
            CommitmentStatus::Broken => "Broken",
            CommitmentStatus::Renewed => "Renewed",
        }
    }

    pub(crate) fn parse_update(code: &str) -> Result<Self, Refusal> {
        Self::UPDATES
            .into_iter()
            .find(|s| s.code() == code.trim())
            .ok_or_else(|| {
                Refusal::invalid(
                    "status",
                    "Please choose: kept, at risk, broken, or renewed.",
                )
            })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CommitmentEvent {
    Made {
        betrayal: EntryId,
        kind: CommitmentKind,
        details: Option<String>,
    },
    StatusUpdated {
        commitment: EntryId,
        status: CommitmentStatus,
        note: Option<String>,
    },
    /// The hurt partner has seen one entry of the status history.
    Acknowledged { commitment: EntryId, entry: EntryId },
}
