//! Who may add to the next session's agenda or mark it held, and what
//! waits there.

use super::state::{Agenda, ParkedQuestion, Sessions};
pub use crate::access::therapist::{SessionActing, SessionRole};
use crate::kernel::ids::EntryId;
use crate::kernel::refusal::Refusal;

/// How many items may wait for the next session at once.
pub const OPEN_ITEMS: usize = 40;

/// A partner or the active therapist adds to the next session's agenda
/// while it has room; the engagement it belongs to.
pub fn check_add_agenda_item(acting: SessionActing<Sessions>) -> Result<EntryId, Refusal> {
    let (engagement, _) = acting.party()?;
    if acting.room.items_waiting(engagement.id).len() >= OPEN_ITEMS {
        return Err(Refusal::Conflict(
            "The agenda is full; hold the session before adding more.",
        ));
    }
    Ok(engagement.id)
}

/// A partner or the active therapist marks the next session held; one
/// mark holds it. The engagement it belongs to.
pub fn check_mark_held(acting: SessionActing<Sessions>) -> Result<EntryId, Refusal> {
    acting.party().map(|(engagement, _)| engagement.id)
}

pub fn can_add_agenda_item(acting: SessionActing<Sessions>) -> bool {
    check_add_agenda_item(acting).is_ok()
}

pub fn can_mark_held(acting: SessionActing<Sessions>) -> bool {
    check_mark_held(acting).is_ok()
}

/// The next session's agenda, as the actor may read it (a partner or the
/// active therapist); `parked` as the truth log has them.
pub fn agenda_for<'a>(
    acting: SessionActing<'a, Sessions>,
    parked: &[ParkedQuestion],
) -> Result<Agenda<'a>, Refusal> {
    let (engagement, _) = acting.party()?;
    Ok(acting.room.agenda(engagement.id, parked))
}

/// What waits for the next session, for a home page: how many agenda
/// items and parked questions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SessionWaits {
    pub items: usize,
    pub questions: usize,
}

pub fn session_waits(agenda: &Agenda) -> SessionWaits {
    SessionWaits {
        items: agenda.items.len(),
        questions: agenda.questions.len(),
    }
}
