//! What the contact room answers: may this person acknowledge a report
//! now, and which reports wait for them.

use super::state::{ContactReport, ContactReports};
use crate::access::room::*;
use crate::space::{Role, SpaceState};

/// Why `actor` may not acknowledge `report` now (`Ok` when they may).
pub fn check_acknowledge(
    space: &SpaceState,
    reports: &ContactReports,
    actor: UserId,
    report: EntryId,
) -> Result<(), Refusal> {
    let found = reports.get(report);
    let found = entry_for(space, actor, found, RepairAction::AcknowledgeContact)?;
    Refusal::conflict_if(
        found.acknowledgement.is_some(),
        "You have already acknowledged this report.",
    )
}

/// May `actor` acknowledge `report` now?
pub fn can_acknowledge(
    space: &SpaceState,
    reports: &ContactReports,
    actor: UserId,
    report: EntryId,
) -> bool {
    check_acknowledge(space, reports, actor, report).is_ok()
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
