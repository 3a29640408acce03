//! The truth log's decisions: each command checks that the step is the
//! actor's to take (the same check its `can_*` query answers) and then the
//! text, and returns the event to record. Each form's input stands beside
//! the command that reads it.

use super::events::TruthEvent;
use super::queries::{check_acknowledge, check_answer, check_correct, check_park, check_unpark};
use super::state::TruthLog;
pub use crate::access::repair_rules::AcknowledgementInput;
use crate::access::room::*;
use crate::kernel::text::Field;
use crate::space::parse_optional_date;
use time::OffsetDateTime;

/// What a command of this room decides: its event, or why not.
type Decided = Result<TruthEvent, Refusal>;

#[derive(Debug, Clone, Default)]
pub struct DisclosureInput {
    /// Which betrayal this is about; may stay empty when there is only one.
    pub betrayal: String,
    pub text: String,
    /// `YYYY-MM-DD`, or empty.
    pub refers_to: String,
}

/// A disclosure, an answer or a correction: the truth as told.
const TELLING: Field = Field::new("text", 10_000);
const QUESTION: Field = Field::new("text", 2_000);

pub fn volunteer(
    space: &SpaceState,
    actor: UserId,
    now: OffsetDateTime,
    input: &DisclosureInput,
) -> Decided {
    let betrayal =
        repair_rules::choose_for(space, actor, &input.betrayal, RepairAction::Volunteer)?;
    let text = TELLING.required(&input.text)?;
    let refers_to = parse_optional_date("refers_to", &input.refers_to)?;
    if refers_to.is_some_and(|d| d > now.date()) {
        return Err(Refusal::invalid(
            "refers_to",
            "A disclosure tells about something that has happened: the date cannot be in the future.",
        ));
    }
    Ok(TruthEvent::Disclosed {
        betrayal,
        text,
        refers_to,
    })
}

#[derive(Debug, Clone, Default)]
pub struct QuestionInput {
    pub betrayal: String,
    pub text: String,
}

pub fn ask(space: &SpaceState, actor: UserId, input: &QuestionInput) -> Decided {
    let betrayal = repair_rules::choose_for(space, actor, &input.betrayal, RepairAction::Ask)?;
    let text = QUESTION.required(&input.text)?;
    Ok(TruthEvent::Asked { betrayal, text })
}

#[derive(Debug, Clone, Default)]
pub struct AnswerInput {
    pub text: String,
}

pub fn answer(acting: Acting<TruthLog>, question: EntryId, input: &AnswerInput) -> Decided {
    check_answer(acting, question)?;
    let text = TELLING.required(&input.text)?;
    Ok(TruthEvent::Answered { question, text })
}

pub fn park(acting: Acting<TruthLog>, question: EntryId) -> Decided {
    check_park(acting, question)?;
    Ok(TruthEvent::Parked { question })
}

pub fn unpark(acting: Acting<TruthLog>, question: EntryId) -> Decided {
    check_unpark(acting, question)?;
    Ok(TruthEvent::Unparked { question })
}

pub fn acknowledge(
    acting: Acting<TruthLog>,
    entry: EntryId,
    input: &AcknowledgementInput,
) -> Decided {
    check_acknowledge(acting, entry)?;
    let response = input.response()?;
    Ok(TruthEvent::Acknowledged { entry, response })
}

#[derive(Debug, Clone, Default)]
pub struct CorrectionInput {
    pub text: String,
}

pub fn correct(acting: Acting<TruthLog>, entry: EntryId, input: &CorrectionInput) -> Decided {
    check_correct(acting, entry)?;
    let text = TELLING.required(&input.text)?;
    Ok(TruthEvent::Corrected {
        corrects: entry,
        text,
    })
}
