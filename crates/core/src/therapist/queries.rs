//! What a partner, or a therapist, may do in the therapist room now.

use super::state::{Engagement, Therapy};
use crate::access::room::*;

fn open_engagement<'a>(
    acting: Acting<'a, Therapy>,
    id: EntryId,
) -> Result<&'a Engagement, Refusal> {
    let engagement = acting.member_entry(acting.room.get(id))?;
    if !engagement.is_open() {
        return Err(Refusal::Conflict(
            "This therapist's access has ended or was declined.",
        ));
    }
    Ok(engagement)
}

/// Either partner proposes a therapist while none is proposed or active.
pub fn check_propose(acting: Acting<Therapy>) -> Result<(), Refusal> {
    repair_rules::member(acting.space, acting.actor)?;
    if acting.room.open().is_some() {
        return Err(Refusal::Conflict(
            "A therapist is already proposed or working with you; end that first.",
        ));
    }
    Ok(())
}

/// The partner who did not propose consents, once.
pub fn check_consent(acting: Acting<Therapy>, id: EntryId) -> Result<(), Refusal> {
    let engagement = open_engagement(acting, id)?;
    if engagement.consent_of(acting.actor).is_some() {
        return Err(Refusal::Conflict("You have given your consent already."));
    }
    Ok(())
}

/// The partner who did not propose may say no instead.
pub fn check_decline(acting: Acting<Therapy>, id: EntryId) -> Result<(), Refusal> {
    check_consent(acting, id)
}

/// Either partner narrows, widens or ends, alone, while it is open and
/// they have consented.
pub fn check_change(acting: Acting<Therapy>, id: EntryId) -> Result<(), Refusal> {
    let engagement = open_engagement(acting, id)?;
    if engagement.consent_of(acting.actor).is_none() {
        return Err(Refusal::Conflict(
            "Give or decline your consent to this therapist first.",
        ));
    }
    Ok(())
}

/// Either partner ends the therapist's access at once.
pub fn check_end(acting: Acting<Therapy>, id: EntryId) -> Result<(), Refusal> {
    open_engagement(acting, id).map(drop)
}

/// A partner who said yes makes the one-time link for the therapist, while
/// the invitation is open and not yet accepted.
pub fn check_hand_over(acting: Acting<Therapy>, id: EntryId) -> Result<(), Refusal> {
    let engagement = open_engagement(acting, id)?;
    if engagement.consent_of(acting.actor).is_none() {
        return Err(Refusal::Conflict(
            "Give or decline your consent to this therapist first.",
        ));
    }
    if engagement.accepted.is_some() {
        return Err(Refusal::Conflict(
            "Your therapist has accepted already; no new link is needed.",
        ));
    }
    Ok(())
}

can_queries!(Therapy:
    can_hand_over = check_hand_over,
    can_consent = check_consent,
    can_decline = check_decline,
    can_change = check_change,
    can_end = check_end,
);

pub fn can_propose(acting: Acting<Therapy>) -> bool {
    check_propose(acting).is_ok()
}

/// A therapist (`therapist`, not a partner of this space) accepts an
/// engagement both partners consented to, once.
pub fn check_accept(
    space: &SpaceState,
    room: &Therapy,
    therapist: UserId,
    id: EntryId,
) -> Result<(), Refusal> {
    if space.is_member(therapist) {
        return Err(Refusal::NotAllowed(
            "A partner in this space cannot be its therapist.",
        ));
    }
    space.check_open()?;
    let engagement = room.get(id).ok_or(Refusal::NotFound)?;
    if !engagement.is_open() {
        return Err(Refusal::Conflict(
            "This invitation has ended or was declined.",
        ));
    }
    if engagement.accepted.is_some() {
        return Err(Refusal::Conflict("This invitation was accepted already."));
    }
    if !engagement.both_consented(space) {
        return Err(Refusal::Conflict(
            "Both partners have not consented yet; the invitation opens once they have.",
        ));
    }
    Ok(())
}

/// The proposal waiting for `me` to consent or decline.
pub fn consent_waiting_for<'a>(
    room: &'a Therapy,
    space: &SpaceState,
    me: UserId,
) -> Option<&'a Engagement> {
    room.open()
        .filter(|e| space.is_member(me) && e.consent_of(me).is_none())
}
