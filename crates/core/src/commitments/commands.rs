//! The commitments room's decisions: check the step (as `can_*` does),
//! then the text, and return the event to record.

use super::events::{CommitmentEvent, CommitmentKind, CommitmentStatus};
use super::queries::{check_acknowledge, check_update_status};
use super::state::Commitments;
use crate::access::room::*;
use crate::kernel::text::Field;
use serde::Deserialize;

/// What a command of this room decides: its event, or why not.
type Decided = Result<CommitmentEvent, Refusal>;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CommitmentInput {
    pub betrayal: String,
    /// `no_contact`, `therapy`, `end_shared_work`, `openness` or `own`.
    pub kind: String,
    /// Required for `own`; optional otherwise.
    pub details: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct StatusInput {
    /// `kept`, `at_risk`, `broken` or `renewed`.
    pub status: String,
    pub note: String,
}

const DETAILS: Field = Field::new("details", 2_000);
const NOTE: Field = Field::new("note", 2_000);

pub fn make(acting: Acting<Commitments>, input: &CommitmentInput) -> Decided {
    let betrayal = acting.choose_for(&input.betrayal, RepairAction::MakeCommitment)?;
    let kind = CommitmentKind::parse(&input.kind)?;
    let details = if kind == CommitmentKind::Own {
        if input.details.trim().is_empty() {
            return Err(Refusal::invalid(
                "details",
                "Please write the commitment in your own words.",
            ));
        }
        Some(DETAILS.required(&input.details)?)
    } else {
        DETAILS.optional(&input.details)?
    };
    // One commitment of each named kind per betrayal: its history carries
    // what happens to it, including renewal after a break.
    let already = kind != CommitmentKind::Own
        && acting
            .room
            .for_betrayal(betrayal)
            .iter()
            .any(|c| c.kind == kind);
    if already {
        return Err(Refusal::Conflict(
            "You have already made this commitment; its status can be updated instead.",
        ));
    }
    Ok(CommitmentEvent::Made {
        betrayal,
        kind,
        details,
    })
}

pub fn update_status(
    acting: Acting<Commitments>,
    commitment: EntryId,
    input: &StatusInput,
) -> Decided {
    check_update_status(acting, commitment)?;
    let status = CommitmentStatus::parse_update(&input.status)?;
    let note = NOTE.optional(&input.note)?;
    Ok(CommitmentEvent::StatusUpdated {
        commitment,
        status,
        note,
    })
}

/// The hurt partner acknowledges the latest entry of the history.
pub fn acknowledge(acting: Acting<Commitments>, commitment: EntryId) -> Decided {
    let entry = check_acknowledge(acting, commitment)?;
    Ok(CommitmentEvent::Acknowledged { commitment, entry })
}
