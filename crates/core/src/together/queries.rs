//! What a partner may do with a plan now, and what waits for them.

use super::state::{Plan, PlanStatus, Together};
use crate::access::room::*;
use time::OffsetDateTime;

/// A plan is answered (accepted, moved, declined) by the partner who did
/// not suggest its current time, while it waits.
pub fn check_answer(acting: Acting<Together>, id: EntryId) -> Result<(), Refusal> {
    let plan = acting.member_entry(acting.room.plan(id))?;
    match plan.status {
        PlanStatus::Asked { by } if by == acting.actor => Err(Refusal::NotAllowed(
            "Your partner answers the time you suggested.",
        )),
        PlanStatus::Asked { .. } => Ok(()),
        PlanStatus::Agreed | PlanStatus::Declined(_) => {
            Err(Refusal::Conflict("This plan has been answered already."))
        }
    }
}

/// Either partner says an agreed plan happened, once its time has come,
/// once each.
pub fn check_happened(
    acting: Acting<Together>,
    now: OffsetDateTime,
    id: EntryId,
) -> Result<(), Refusal> {
    let plan = acting.member_entry(acting.room.plan(id))?;
    if plan.status != PlanStatus::Agreed {
        return Err(Refusal::Conflict(
            "Only time you both agreed to can be marked as spent.",
        ));
    }
    if plan.at > now {
        return Err(Refusal::Conflict("This time together is still to come."));
    }
    if plan.happened_for(acting.actor) {
        return Err(Refusal::Conflict("You have said how it went already."));
    }
    Ok(())
}

can_queries!(Together: can_answer = check_answer);

/// May the actor say how this plan went, now?
pub fn can_say_how_it_went(acting: Acting<Together>, now: OffsetDateTime, id: EntryId) -> bool {
    check_happened(acting, now, id).is_ok()
}

/// The plans waiting for `me` to answer.
pub fn plans_to_answer<'a>(room: &'a Together, space: &SpaceState, me: UserId) -> Vec<&'a Plan> {
    if !space.is_member(me) {
        return Vec::new();
    }
    room.all()
        .iter()
        .filter(|p| matches!(p.status, PlanStatus::Asked { by } if by != me))
        .collect()
}

/// A ritual still kept up, after the membership check.
fn ritual_in_use(
    acting: Acting<'_, Together>,
    id: EntryId,
) -> Result<&super::state::Ritual, Refusal> {
    let ritual = acting.member_entry(acting.room.ritual(id))?;
    if ritual.set_aside.is_some() {
        return Err(Refusal::Conflict("This ritual has been set aside."));
    }
    Ok(ritual)
}

/// Either partner marks a ritual done on `today`, once a day.
pub fn check_ritual_done(
    acting: Acting<Together>,
    today: time::Date,
    id: EntryId,
) -> Result<(), Refusal> {
    if ritual_in_use(acting, id)?.done_on.contains(&today) {
        return Err(Refusal::Conflict("You marked this one done today already."));
    }
    Ok(())
}

/// Either partner sets a ritual aside.
pub fn check_set_aside(acting: Acting<Together>, id: EntryId) -> Result<(), Refusal> {
    ritual_in_use(acting, id).map(drop)
}

/// May the actor mark this ritual done today?
pub fn can_mark_ritual_done(acting: Acting<Together>, today: time::Date, id: EntryId) -> bool {
    check_ritual_done(acting, today, id).is_ok()
}

can_queries!(Together: can_set_aside = check_set_aside);
