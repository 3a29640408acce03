//! What the commitments room answers: may this person update or
//! acknowledge a commitment now, and what waits for them.

use super::state::{Commitment, Commitments};
use crate::access::room::*;
use crate::space::{Role, SpaceState};

/// Why `actor` may not update the status of `commitment` now.
pub fn check_update_status(
    acting: Acting<Commitments>,
    commitment: EntryId,
) -> Result<(), Refusal> {
    let found = acting.room.get(commitment);
    acting
        .entry_for(found, RepairAction::UpdateCommitment)
        .map(drop)
}

/// Why `actor` may not acknowledge the latest news of `commitment` now;
/// `Ok` with that news's entry id when they may.
pub fn check_acknowledge(
    acting: Acting<Commitments>,
    commitment: EntryId,
) -> Result<EntryId, Refusal> {
    let found = acting.room.get(commitment);
    let found = acting.entry_for(found, RepairAction::AcknowledgeCommitment)?;
    found
        .latest()
        .filter(|e| e.seen.is_none())
        .map(|e| e.id)
        .ok_or(Refusal::Conflict("You have already seen the latest news."))
}

/// May `actor` update the status of `commitment` now?
pub fn can_update_status(acting: Acting<Commitments>, commitment: EntryId) -> bool {
    check_update_status(acting, commitment).is_ok()
}

/// May `actor` acknowledge the latest news of `commitment` now?
pub fn can_acknowledge(acting: Acting<Commitments>, commitment: EntryId) -> bool {
    check_acknowledge(acting, commitment).is_ok()
}

impl Commitments {
    /// Commitments whose latest news `me` has not acknowledged yet.
    pub fn awaiting_acknowledgement_by(&self, space: &SpaceState, me: UserId) -> Vec<&Commitment> {
        self.commitments
            .iter()
            .filter(|c| c.awaits_acknowledgement())
            .filter(|c| repair_rules::holds(space, me, c.betrayal, Role::Hurt))
            .collect()
    }
}
