//! Who may do what with a reflection or a trigger note, and what waits.

use super::state::{Reflection, Reflections, SharedReflections, TriggerNote};
use crate::access::room::*;
use crate::access::visibility::Private;

/// A reflection on `viewer`'s own list: refused as not found for anyone
/// else's private state, and for one put away.
pub fn own_reflection(
    mine: Private<'_, Reflections>,
    viewer: UserId,
    id: EntryId,
) -> Result<&Reflection, Refusal> {
    mine.read_as(viewer)?.get(id).ok_or(Refusal::NotFound)
}

/// A copy goes to a partner who has joined, once per version, and only of
/// the newest version (the one the preview showed: `version`).
pub fn check_share(
    space: &SpaceState,
    mine: Private<'_, Reflections>,
    viewer: UserId,
    id: EntryId,
    version: u32,
) -> Result<(), Refusal> {
    let reflection = own_reflection(mine, viewer, id)?;
    repair_rules::member(space, viewer)?;
    if space.partner_of(viewer).is_none() {
        return Err(Refusal::Conflict(
            "Your partner has not joined yet; you can share a copy once they have.",
        ));
    }
    if reflection.latest().number != version {
        return Err(Refusal::Conflict(
            "This reflection changed since the preview; please look at it again before sharing.",
        ));
    }
    Refusal::conflict_if(
        reflection.was_shared(version),
        "You shared this version with your partner already.",
    )
}

/// May the viewer share the newest version of this reflection?
pub fn can_share(
    space: &SpaceState,
    mine: Private<'_, Reflections>,
    viewer: UserId,
    id: EntryId,
) -> bool {
    own_reflection(mine, viewer, id)
        .map(|r| r.latest().number)
        .and_then(|version| check_share(space, mine, viewer, id, version))
        .is_ok()
}

/// The hurt partner (in any betrayal) sends a trigger note, once the other
/// partner has joined.
pub fn check_trigger_note(space: &SpaceState, me: UserId) -> Result<(), Refusal> {
    repair_rules::member(space, me)?;
    if !space.is_hurt_in_any(me) {
        return Err(Refusal::NotAllowed(
            "Trigger notes are sent by the hurt partner; you can answer theirs.",
        ));
    }
    if space.partner_of(me).is_none() {
        return Err(Refusal::Conflict(
            "Your partner has not joined yet; a trigger note can wait for them.",
        ));
    }
    Ok(())
}

/// May this person send a trigger note?
pub fn can_send_trigger_note(space: &SpaceState, me: UserId) -> bool {
    check_trigger_note(space, me).is_ok()
}

/// The partner who did not send a note answers it, once.
pub fn check_reassure(acting: Acting<SharedReflections>, id: EntryId) -> Result<(), Refusal> {
    let note = acting.member_entry(acting.room.note(id))?;
    if note.sent.by == acting.actor {
        return Err(Refusal::NotAllowed(
            "Your partner answers the trigger note you sent.",
        ));
    }
    Refusal::conflict_if(
        note.reassurance.is_some(),
        "You answered this note already.",
    )
}

can_queries!(SharedReflections: can_reassure = check_reassure);

/// The trigger notes waiting for `me` to answer, oldest first.
pub fn notes_to_answer<'a>(
    room: &'a SharedReflections,
    space: &SpaceState,
    me: UserId,
) -> Vec<&'a TriggerNote> {
    if !space.is_member(me) {
        return Vec::new();
    }
    let mut waiting: Vec<&TriggerNote> = room
        .notes()
        .filter(|n| n.sent.by != me && n.reassurance.is_none())
        .collect();
    waiting.reverse();
    waiting
}
