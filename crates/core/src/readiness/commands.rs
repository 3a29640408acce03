//! The readiness room's decisions: proposing a step, answering or taking
//! back a proposal, and marking one's own readiness.

use super::events::*;
use super::queries::{check_answer, check_withdraw, proposals_by};
use super::state::{ProposalStatus, ReadinessList, ReadinessMarks};
use crate::access::repair_rules::member;
use crate::access::room::*;
use crate::kernel::text::Field;

/// What a command of this room decides: its event, or why not.
type Decided = Result<ReadinessEvent, Refusal>;

const NAME: Field = Field::new("name", 120);

/// How many proposals one partner may have waiting at once: enough to say
/// what matters, few enough that the other is not handed a long list.
pub const OPEN_PROPOSALS: usize = 3;

pub fn propose(acting: Acting<ReadinessList>, name: &str) -> Decided {
    member(acting.space, acting.actor)?;
    let name = NAME.required(name)?;
    let same = |other: &str| other.trim().eq_ignore_ascii_case(&name);
    let listed = acting.room.steps().iter().any(|s| same(&s.name));
    let waiting = acting
        .room
        .proposals()
        .iter()
        .any(|p| p.status == ProposalStatus::Open && same(&p.name));
    if listed || waiting {
        return Err(Refusal::invalid(
            "name",
            "This step is on the list, or proposed, already.",
        ));
    }
    if proposals_by(acting.room, acting.actor).len() >= OPEN_PROPOSALS {
        return Err(Refusal::Conflict(
            "Three of your steps are waiting for your partner already; there is room for more once they answer.",
        ));
    }
    Ok(ReadinessEvent::Proposed { name })
}

/// `answer` is `accept` or `decline`, as the page's two buttons send it.
pub fn answer(acting: Acting<ReadinessList>, proposal: EntryId, answer: &str) -> Decided {
    check_answer(acting, proposal)?;
    match answer.trim() {
        "accept" => Ok(ReadinessEvent::Accepted { proposal }),
        "decline" => Ok(ReadinessEvent::Declined { proposal }),
        _ => Err(Refusal::invalid(
            "answer",
            "Please choose to add the step to your list or leave it out.",
        )),
    }
}

pub fn withdraw(acting: Acting<ReadinessList>, proposal: EntryId) -> Decided {
    check_withdraw(acting, proposal)?;
    Ok(ReadinessEvent::Withdrawn { proposal })
}

/// The marks a person sent, as `(step code, mark code)` pairs; a step left
/// unmarked is simply not sent.
pub type MarksInput = [(String, String)];

/// The person's marks, as events for their own private stream: only the
/// marks that change, so saving the form again writes nothing.
pub fn mark(
    acting: Acting<ReadinessList>,
    mine: &ReadinessMarks,
    input: &MarksInput,
) -> Result<Vec<ReadinessMarkEvent>, Refusal> {
    member(acting.space, acting.actor)?;
    let mut events = Vec::new();
    for (step_code, mark_code) in input {
        let step = StepRef::from_code(step_code.trim())
            .filter(|step| acting.room.name_of(*step).is_some())
            .ok_or_else(|| Refusal::invalid("marks", "Please mark steps from the list."))?;
        let mark = Mark::from_code(mark_code.trim()).ok_or_else(|| {
            Refusal::invalid("marks", "Please choose ready, not yet or not sure.")
        })?;
        let changed = mine.mark_of(step).is_none_or(|now| now.mark != mark);
        let repeated = events
            .iter()
            .any(|ReadinessMarkEvent::Marked { step: s, .. }| *s == step);
        if changed && !repeated {
            events.push(ReadinessMarkEvent::Marked { step, mark });
        }
    }
    Ok(events)
}
