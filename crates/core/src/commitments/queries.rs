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

can_queries! { Commitments:
    can_update_status = check_update_status, can_acknowledge = check_acknowledge,
}

impl Commitments {
    /// Commitments whose latest news `me` has not acknowledged yet.
    pub fn awaiting_acknowledgement_by(&self, space: &SpaceState, me: UserId) -> Vec<&Commitment> {
        let waits = Commitment::awaits_acknowledgement;
        waiting_for(&self.commitments, space, me, Role::Hurt, waits)
    }
}
