//! What the requests room answers: may this person take a step on a
//! request now, and what waits for them. The commands run the same checks
//! before they read any text.

use super::events::Frequency;
use super::state::{Fulfilment, Request, RequestStatus, Requests};
use crate::access::room::*;
use crate::space::{Role, SpaceState};
use time::Date;

fn awaiting_answer(request: &Request) -> Result<(), Refusal> {
    match request.status {
        RequestStatus::AwaitingAnswer => Ok(()),
        RequestStatus::AlternativeProposed => Err(Refusal::Conflict(
            "An alternative is waiting for your partner's answer.",
        )),
        RequestStatus::Active | RequestStatus::Paused => {
            Err(Refusal::Conflict("This request has already been agreed."))
        }
        RequestStatus::Retired => Err(Refusal::Conflict("This request has been retired.")),
    }
}

/// Why `actor` may not answer `request` (accept it or propose an
/// alternative) now; `Ok` when they may.
pub fn check_respond(acting: Acting<Requests>, request: EntryId) -> Result<(), Refusal> {
    let found = acting.room.get(request);
    awaiting_answer(acting.entry_for(found, RepairAction::RespondToRequest)?)
}

/// Why `actor` may not accept or decline the alternative proposed for
/// `request` now.
pub fn check_answer_alternative(acting: Acting<Requests>, request: EntryId) -> Result<(), Refusal> {
    let found = acting.room.get(request);
    let found = acting.entry_for(found, RepairAction::RespondToAlternative)?;
    Refusal::conflict_if(
        found.status != RequestStatus::AlternativeProposed,
        "There is no alternative waiting for your answer.",
    )
}

/// Why `actor` may not pause `request` now.
pub fn check_pause(acting: Acting<Requests>, request: EntryId) -> Result<(), Refusal> {
    let found = acting.room.get(request);
    let found = acting.entry_for(found, RepairAction::PauseRequest)?;
    Refusal::conflict_if(
        found.status != RequestStatus::Active,
        "Only an agreed request that is running can be paused.",
    )
}

/// Why `actor` may not resume `request` now.
pub fn check_resume(acting: Acting<Requests>, request: EntryId) -> Result<(), Refusal> {
    let found = acting.room.get(request);
    let found = acting.entry_for(found, RepairAction::ResumeRequest)?;
    Refusal::conflict_if(
        found.status != RequestStatus::Paused,
        "This request is not paused.",
    )
}

/// Why `actor` may not retire `request` now.
pub fn check_retire(acting: Acting<Requests>, request: EntryId) -> Result<(), Refusal> {
    let found = acting.room.get(request);
    let found = acting.entry_for(found, RepairAction::RetireRequest)?;
    Refusal::conflict_if(
        found.status == RequestStatus::Retired,
        "This request is already retired.",
    )
}

/// Why `actor` may not log a time `request` was done, now.
pub fn check_log_fulfilment<'a>(
    acting: Acting<'a, Requests>,
    request: EntryId,
) -> Result<&'a Request, Refusal> {
    let found = acting.room.get(request);
    let found = acting.entry_for(found, RepairAction::LogFulfilment)?;
    if found.status != RequestStatus::Active {
        return Err(Refusal::Conflict(
            "This request is not running: it is logged once it is agreed, and not while paused.",
        ));
    }
    if matches!(found.terms.frequency, Frequency::ByDate { .. }) && !found.fulfilments.is_empty() {
        return Err(Refusal::Conflict("This one-off request is already done."));
    }
    Ok(found)
}

/// Why `actor` may not confirm the logged `fulfilment` now.
pub fn check_confirm_fulfilment<'a>(
    acting: Acting<'a, Requests>,
    fulfilment: EntryId,
) -> Result<&'a Request, Refusal> {
    let found = acting.room.fulfilment(fulfilment);
    let (request, logged) = acting.entry_for(found, RepairAction::ConfirmFulfilment)?;
    if logged.confirmation.is_some() {
        return Err(Refusal::Conflict("You have already confirmed this."));
    }
    Ok(request)
}

/// May `actor` accept `request` now?
/// The betrayal a new request of `actor` would belong to (`raw` names it,
/// or the only one there is), if they may ask for a behaviour in it.
pub fn check_make(space: &SpaceState, actor: UserId, raw: &str) -> Result<EntryId, Refusal> {
    let betrayal = repair_rules::choose_betrayal(space, actor, raw)?;
    repair_rules::authorize(space, actor, betrayal, RepairAction::MakeRequest)?;
    Ok(betrayal)
}

pub fn can_accept(acting: Acting<Requests>, request: EntryId) -> bool {
    check_respond(acting, request).is_ok()
}

/// May `actor` propose an alternative to `request` now?
pub fn can_propose_alternative(acting: Acting<Requests>, request: EntryId) -> bool {
    check_respond(acting, request).is_ok()
}

/// May `actor` accept or decline the alternative proposed for `request` now?
pub fn can_answer_alternative(acting: Acting<Requests>, request: EntryId) -> bool {
    check_answer_alternative(acting, request).is_ok()
}

/// May `actor` pause `request` now?
pub fn can_pause(acting: Acting<Requests>, request: EntryId) -> bool {
    check_pause(acting, request).is_ok()
}

/// May `actor` resume `request` now?
pub fn can_resume(acting: Acting<Requests>, request: EntryId) -> bool {
    check_resume(acting, request).is_ok()
}

/// May `actor` retire `request` now?
pub fn can_retire(acting: Acting<Requests>, request: EntryId) -> bool {
    check_retire(acting, request).is_ok()
}

/// May `actor` log a time `request` was done, now?
pub fn can_log_fulfilment(acting: Acting<Requests>, request: EntryId) -> bool {
    check_log_fulfilment(acting, request).is_ok()
}

/// May `actor` confirm the logged `fulfilment` now?
pub fn can_confirm_fulfilment(acting: Acting<Requests>, fulfilment: EntryId) -> bool {
    check_confirm_fulfilment(acting, fulfilment).is_ok()
}

impl Requests {
    /// The requests due today that are `me`'s to do.
    pub fn due_for(&self, space: &SpaceState, me: UserId, today: Date) -> Vec<&Request> {
        self.due_on(today)
            .into_iter()
            .filter(|r| repair_rules::holds(space, me, r.betrayal, Role::Involved))
            .collect()
    }

    /// Requests waiting for `me` to answer: a new request (involved
    /// partner) or a proposed alternative (hurt partner).
    pub fn awaiting_answer_from(&self, space: &SpaceState, me: UserId) -> Vec<&Request> {
        self.requests
            .iter()
            .filter(|r| match r.status {
                RequestStatus::AwaitingAnswer => {
                    repair_rules::holds(space, me, r.betrayal, Role::Involved)
                }
                RequestStatus::AlternativeProposed => {
                    repair_rules::holds(space, me, r.betrayal, Role::Hurt)
                }
                _ => false,
            })
            .collect()
    }

    /// Fulfilments `me` may confirm and has not, oldest first.
    pub fn fulfilments_to_confirm_by(
        &self,
        space: &SpaceState,
        me: UserId,
    ) -> Vec<(&Request, &Fulfilment)> {
        self.requests
            .iter()
            .filter(|r| repair_rules::holds(space, me, r.betrayal, Role::Hurt))
            .flat_map(|r| {
                r.fulfilments
                    .iter()
                    .filter(|f| f.confirmation.is_none())
                    .map(move |f| (r, f))
            })
            .collect()
    }
}
