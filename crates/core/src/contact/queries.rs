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

/// May `actor` acknowledge `report` now?
pub fn can_acknowledge(acting: Acting<ContactReports>, report: EntryId) -> bool {
    check_acknowledge(acting, report).is_ok()
}

impl ContactReports {
    /// Reports `me` has not acknowledged yet, oldest first.
    pub fn awaiting_acknowledgement_by(
        &self,
        space: &SpaceState,
        me: UserId,
    ) -> Vec<&ContactReport> {
        self.reports
            .iter()
            .filter(|r| r.acknowledgement.is_none())
            .filter(|r| repair_rules::holds(space, me, r.betrayal, Role::Hurt))
            .collect()
    }
}
