//! What the contact room answers: may this person acknowledge a report
//! now, and which reports wait for them.

use super::state::{ContactReport, ContactReports};
use crate::access::room::*;
use crate::space::{Role, SpaceState};

/// Why `actor` may not acknowledge `report` now (`Ok` when they may).
pub fn check_acknowledge(acting: Acting<ContactReports>, report: EntryId) -> Result<(), Refusal> {
    let found = acting.room.get(report);
    let found = acting.entry_for(found, RepairAction::AcknowledgeContact)?;
    Refusal::conflict_if(
        found.acknowledgement.is_some(),
        "You have already acknowledged this report.",
    )
}

can_queries! { ContactReports: can_acknowledge = check_acknowledge }

impl ContactReports {
    /// Reports `me` has not acknowledged yet, oldest first.
    pub fn awaiting_acknowledgement_by(
        &self,
        space: &SpaceState,
        me: UserId,
    ) -> Vec<&ContactReport> {
        let waits = |r: &ContactReport| r.acknowledgement.is_none();
        waiting_for(&self.reports, space, me, Role::Hurt, waits)
    }
}
