//! The sessions room's decisions.

use super::events::SessionEvent;
use super::queries::{check_add_agenda_item, check_mark_held, SessionActing};
use super::state::{ParkedQuestion, Sessions};
use crate::kernel::ids::EntryId;
use crate::kernel::refusal::Refusal;
use crate::kernel::text::Field;

const ITEM: Field = Field::new("text", 300);

/// Adds an item to the next session's agenda of the active engagement.
pub fn add_agenda_item(
    acting: SessionActing<Sessions>,
    text: &str,
) -> Result<SessionEvent, Refusal> {
    let engagement = check_add_agenda_item(acting)?;
    Ok(SessionEvent::ItemAdded {
        engagement,
        text: ITEM.required(text)?,
    })
}

/// What the "we held the session" form sends: the session it was drawn
/// for, the items ticked as covered and the parked questions ticked as
/// talked about.
#[derive(Debug, Clone, Copy, Default)]
pub struct HeldInput<'a> {
    pub number: u32,
    pub covered: &'a [EntryId],
    pub talked_about: &'a [EntryId],
}

/// Marks the next session held. The form names the session it was drawn
/// for: when that session was marked held since, the ticks belong to an
/// agenda that moved on and are refused rather than given to the next
/// session. Anything added since simply carries over, so nothing else is
/// checked; ticking an id not on the agenda is refused.
pub fn mark_held(
    acting: SessionActing<Sessions>,
    parked: &[ParkedQuestion],
    input: HeldInput,
) -> Result<SessionEvent, Refusal> {
    let engagement = check_mark_held(acting)?;
    let agenda = acting.room.agenda(engagement, parked);
    if input.number != agenda.number {
        return Err(Refusal::Conflict(
            "This session was marked held already; please look at the agenda again.",
        ));
    }
    let covered = ticked(input.covered, |id| agenda.has_item(id), "covered")?;
    let talked_about = ticked(
        input.talked_about,
        |id| agenda.has_question(id),
        "talked_about",
    )?;
    Ok(SessionEvent::Held {
        engagement,
        number: agenda.number,
        covered,
        talked_about,
    })
}

/// The ids ticked, sorted once each; one not on the agenda is refused.
fn ticked(
    ids: &[EntryId],
    on_agenda: impl Fn(EntryId) -> bool,
    field: &'static str,
) -> Result<Vec<EntryId>, Refusal> {
    if ids.iter().any(|id| !on_agenda(*id)) {
        return Err(Refusal::invalid(
            field,
            "Please tick only what is on this session's agenda.",
        ));
    }
    let mut ids = ids.to_vec();
    ids.sort_by_key(|id| id.0);
    ids.dedup();
    Ok(ids)
}
