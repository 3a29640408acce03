//! The therapist's decisions about their own notes. Each needs them to be
//! the couple's active therapist now: a couple that ended access is not
//! written about any more (the notes already kept stay theirs to read).

use super::events::PracticeEvent;
use crate::kernel::ids::{CoupleId, EntryId, UserId};
use crate::kernel::refusal::Refusal;
use crate::kernel::text::Field;
use crate::space::SpaceState;
use crate::therapist::{check_accept, TherapistEvent, Therapy};

const NAME: Field = Field::new("name", 100);
const NOTE: Field = Field::new("text", 8000);

/// Refuses anyone but the couple's active therapist, as "not found": a
/// stranger learns nothing about the couple from the answer.
pub fn check_serving(space: &SpaceState, therapy: &Therapy, me: UserId) -> Result<(), Refusal> {
    therapy
        .active_for(space, me)
        .map(drop)
        .ok_or(Refusal::NotFound)
}

/// Names the couple as the therapist knows them.
pub fn name_couple(
    space: &SpaceState,
    therapy: &Therapy,
    me: UserId,
    couple: CoupleId,
    name: &str,
) -> Result<PracticeEvent, Refusal> {
    check_serving(space, therapy, me)?;
    Ok(PracticeEvent::CoupleNamed {
        couple,
        name: NAME.required(name)?,
    })
}

/// Keeps a note of the therapist's own about the couple.
pub fn write_note(
    space: &SpaceState,
    therapy: &Therapy,
    me: UserId,
    couple: CoupleId,
    text: &str,
) -> Result<PracticeEvent, Refusal> {
    check_serving(space, therapy, me)?;
    Ok(PracticeEvent::NoteWritten {
        couple,
        text: NOTE.required(text)?,
    })
}

/// The therapist accepts the couple's invitation with their own account,
/// and names the couple as they will know them, in one step.
pub fn accept_and_name(
    space: &SpaceState,
    therapy: &Therapy,
    me: UserId,
    proposal: EntryId,
    couple: CoupleId,
    name: &str,
) -> Result<(TherapistEvent, PracticeEvent), Refusal> {
    check_accept(space, therapy, me, proposal)?;
    let named = PracticeEvent::CoupleNamed {
        couple,
        name: NAME.required(name)?,
    };
    Ok((TherapistEvent::Accepted { proposal }, named))
}
