//! What the apology room answers: may this person send a version or answer
//! one now, and which apologies wait for them. The commands run the same
//! checks before they read any text.

use super::state::{Apologies, Apology, ApologyStatus};
use crate::access::room::*;
use crate::space::{Role, SpaceState};

/// The betrayal a draft apology of `actor` belongs to (`raw` names it, or
/// the only one there is), if they may write the apology for it: what the
/// page resolves before the coach reads a draft.
pub fn check_write(space: &SpaceState, actor: UserId, raw: &str) -> Result<EntryId, Refusal> {
    repair_rules::choose_for(space, actor, raw, RepairAction::WriteApology)
}

/// Why `actor` may not send a new version of the apology for `betrayal`
/// now (`Ok` when they may).
pub fn check_send(acting: Acting<Apologies>, betrayal: EntryId) -> Result<(), Refusal> {
    acting.authorize(betrayal, RepairAction::SendApology)?;
    let Some(apology) = acting.room.for_betrayal(betrayal) else {
        return Ok(());
    };
    match apology.status() {
        ApologyStatus::AwaitingResponse => Err(Refusal::Conflict(
            "Your partner has not answered the last version yet. \
             A new version can follow their answer.",
        )),
        ApologyStatus::Received => {
            Err(Refusal::Conflict("Your partner has received your apology."))
        }
        ApologyStatus::NotYet | ApologyStatus::NeedMore => Ok(()),
    }
}

/// Why `actor` may not answer the version `version` now.
pub fn check_answer(acting: Acting<Apologies>, version: EntryId) -> Result<(), Refusal> {
    let found = acting.room.version(version);
    let (apology, sent) = acting.entry_for(found, RepairAction::RespondToApology)?;
    if apology.latest().map(|v| v.id) != Some(version) {
        return Err(Refusal::Conflict(
            "A newer version has been sent since; please answer that one.",
        ));
    }
    Refusal::conflict_if(
        sent.response.is_some(),
        "You have already answered this version.",
    )
}

can_queries! { Apologies: can_send = check_send, can_answer = check_answer }

impl Apologies {
    /// Apologies whose latest version waits for `me` to answer.
    pub fn waiting_for_response_from(&self, space: &SpaceState, me: UserId) -> Vec<&Apology> {
        let waits = |a: &Apology| a.status() == ApologyStatus::AwaitingResponse;
        waiting_for(&self.apologies, space, me, Role::Hurt, waits)
    }

    /// Apologies where `me` was answered "not yet" or "I need more".
    pub fn open_for_new_version_by(&self, space: &SpaceState, me: UserId) -> Vec<&Apology> {
        waiting_for(
            &self.apologies,
            space,
            me,
            Role::Involved,
            Apology::open_for_new_version,
        )
    }
}
