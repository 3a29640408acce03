//! What a partner may do with the shared list now, and what waits for them.

use super::state::{Proposal, ProposalStatus, ReadinessList};
use crate::access::room::*;

/// The open proposal `id`, after the membership check.
fn open_proposal(acting: Acting<'_, ReadinessList>, id: EntryId) -> Result<&Proposal, Refusal> {
    let proposal = acting.member_entry(acting.room.proposal(id))?;
    if proposal.status != ProposalStatus::Open {
        return Err(Refusal::Conflict("This step has been answered already."));
    }
    Ok(proposal)
}

/// A proposal is answered by the partner who did not make it.
pub fn check_answer(acting: Acting<ReadinessList>, id: EntryId) -> Result<(), Refusal> {
    if open_proposal(acting, id)?.by == acting.actor {
        return Err(Refusal::NotAllowed(
            "Your partner answers the steps you propose.",
        ));
    }
    Ok(())
}

/// A proposal is withdrawn by the partner who made it, while it is open.
pub fn check_withdraw(acting: Acting<ReadinessList>, id: EntryId) -> Result<(), Refusal> {
    if open_proposal(acting, id)?.by != acting.actor {
        return Err(Refusal::NotAllowed(
            "Only the partner who proposed a step can take it back.",
        ));
    }
    Ok(())
}

can_queries!(ReadinessList: can_answer = check_answer, can_withdraw = check_withdraw);

/// The steps the partner proposed that wait for `me` to answer.
pub fn proposals_waiting_for<'a>(
    list: &'a ReadinessList,
    space: &SpaceState,
    me: UserId,
) -> Vec<&'a Proposal> {
    if !space.is_member(me) {
        return Vec::new();
    }
    list.proposals()
        .iter()
        .filter(|p| p.status == ProposalStatus::Open && p.by != me)
        .collect()
}

/// The steps `me` proposed that wait for the partner.
pub fn proposals_by(list: &ReadinessList, me: UserId) -> Vec<&Proposal> {
    list.proposals()
        .iter()
        .filter(|p| p.status == ProposalStatus::Open && p.by == me)
        .collect()
}
