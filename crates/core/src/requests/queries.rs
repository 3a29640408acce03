//! What the requests room answers: may this person take a step on a
//! request now, and what waits for them. The commands run the same checks
//! before they read any text.

use super::events::Frequency;
use super::state::{Fulfilment, Request, RequestStatus, Requests};
use crate::access::room::*;
use crate::space::{Role, SpaceState};
use time::Date;

/// Why a request in `status` is not open to `action` (`Ok` when it is):
/// which step fits which point of a request's life, in one table.
fn open_to(action: RepairAction, status: RequestStatus) -> Result<(), Refusal> {
    use RepairAction as Step;
    use RequestStatus as Is;
    let why = match (action, status) {
        (Step::RespondToRequest, Is::AwaitingAnswer)
        | (Step::RespondToAlternative, Is::AlternativeProposed)
        | (Step::PauseRequest | Step::LogFulfilment, Is::Active)
        | (Step::ResumeRequest, Is::Paused) => return Ok(()),
        (Step::RespondToRequest, Is::AlternativeProposed) => {
            "An alternative is waiting for your partner's answer."
        }
        (Step::RespondToRequest, Is::Active | Is::Paused) => {
            "This request has already been agreed."
        }
        (Step::RespondToRequest, _) => "This request has been retired.",
        (Step::RespondToAlternative, _) => "There is no alternative waiting for your answer.",
        (Step::PauseRequest, _) => "Only an agreed request that is running can be paused.",
        (Step::ResumeRequest, _) => "This request is not paused.",
        (Step::RetireRequest, Is::Retired) => "This request is already retired.",
        (Step::LogFulfilment, _) => {
            "This request is not running: it is logged once it is agreed, and not while paused."
        }
        (Step::RetireRequest, _) => return Ok(()),
        _ => "This step does not apply to a request.",
    };
    Err(Refusal::Conflict(why))
}

/// The request a step names, when `action` is the actor's to take in its
/// betrayal and the request is open to it now.
fn step_on<'a>(
    acting: Acting<'a, Requests>,
    request: EntryId,
    action: RepairAction,
) -> Result<&'a Request, Refusal> {
    let found = acting.entry_for(acting.room.get(request), action)?;
    open_to(action, found.status)?;
    Ok(found)
}

/// Why `actor` may not answer `request` (accept it or propose an
/// alternative) now; `Ok` when they may.
pub fn check_respond(acting: Acting<Requests>, request: EntryId) -> Result<(), Refusal> {
    step_on(acting, request, RepairAction::RespondToRequest).map(drop)
}

/// Why `actor` may not accept or decline the alternative proposed for
/// `request` now.
pub fn check_answer_alternative(acting: Acting<Requests>, request: EntryId) -> Result<(), Refusal> {
    step_on(acting, request, RepairAction::RespondToAlternative).map(drop)
}

/// Why `actor` may not pause `request` now.
pub fn check_pause(acting: Acting<Requests>, request: EntryId) -> Result<(), Refusal> {
    step_on(acting, request, RepairAction::PauseRequest).map(drop)
}

/// Why `actor` may not resume `request` now.
pub fn check_resume(acting: Acting<Requests>, request: EntryId) -> Result<(), Refusal> {
    step_on(acting, request, RepairAction::ResumeRequest).map(drop)
}

/// Why `actor` may not retire `request` now.
pub fn check_retire(acting: Acting<Requests>, request: EntryId) -> Result<(), Refusal> {
    step_on(acting, request, RepairAction::RetireRequest).map(drop)
}

/// Why `actor` may not log a time `request` was done, now.
pub fn check_log_fulfilment<'a>(
    acting: Acting<'a, Requests>,
    request: EntryId,
) -> Result<&'a Request, Refusal> {
    let found = step_on(acting, request, RepairAction::LogFulfilment)?;
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

/// The betrayal a new request of `actor` would belong to (`raw` names it,
/// or the only one there is), if they may ask for a behaviour in it.
pub fn check_make(space: &SpaceState, actor: UserId, raw: &str) -> Result<EntryId, Refusal> {
    repair_rules::choose_for(space, actor, raw, RepairAction::MakeRequest)
}

// Accepting and proposing an alternative are the same answer to a request.
can_queries! { Requests:
    can_accept = check_respond, can_propose_alternative = check_respond,
    can_answer_alternative = check_answer_alternative,
    can_pause = check_pause, can_resume = check_resume, can_retire = check_retire,
    can_log_fulfilment = check_log_fulfilment,
    can_confirm_fulfilment = check_confirm_fulfilment,
}

impl Requests {
    /// The requests due today that are `me`'s to do.
    pub fn due_for(&self, space: &SpaceState, me: UserId, today: Date) -> Vec<&Request> {
        waiting_for(self.due_on(today), space, me, Role::Involved, |_| true)
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
