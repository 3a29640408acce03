//! The truth log's decisions: each command checks that the step is the
//! actor's to take (the same check its `can_*` query answers) and then the
//! text, and returns the event to record.

use super::events::TruthEvent;
use super::queries::{check_acknowledge, check_answer, check_correct, check_park, check_unpark};
use super::state::TruthLog;
use crate::access::room::*;
use crate::space::parse_optional_date;
use time::OffsetDateTime;

const MAX_TELLING: usize = 10_000;
const MAX_QUESTION: usize = 2_000;
const MAX_RESPONSE: usize = 2_000;

#[derive(Debug, Clone, Default)]
pub struct DisclosureInput {
    /// Which betrayal this is about; may stay empty when there is only one.
    pub betrayal: String,
    pub text: String,
    /// `YYYY-MM-DD`, or empty.
    pub refers_to: String,
}

#[derive(Debug, Clone, Default)]
pub struct QuestionInput {
    pub betrayal: String,
    pub text: String,
}

#[derive(Debug, Clone, Default)]
pub struct AnswerInput {
    pub text: String,
}

#[derive(Debug, Clone, Default)]
pub struct AcknowledgementInput {
    /// Optional words back to the partner who wrote the entry.
    pub response: String,
}

#[derive(Debug, Clone, Default)]
pub struct CorrectionInput {
    pub text: String,
}
pub fn volunteer(
    space: &SpaceState,
    actor: UserId,
    now: OffsetDateTime,
    input: &DisclosureInput,
) -> Result<TruthEvent, Refusal> {
    let betrayal = repair_rules::choose_betrayal(space, actor, &input.betrayal)?;
    repair_rules::authorize(space, actor, betrayal, RepairAction::Volunteer)?;
    let text = text::required("text", &input.text, MAX_TELLING)?;
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

pub fn ask(
    space: &SpaceState,
    actor: UserId,
    input: &QuestionInput,
) -> Result<TruthEvent, Refusal> {
    let betrayal = repair_rules::choose_betrayal(space, actor, &input.betrayal)?;
    repair_rules::authorize(space, actor, betrayal, RepairAction::Ask)?;
    let text = text::required("text", &input.text, MAX_QUESTION)?;
    Ok(TruthEvent::Asked { betrayal, text })
}

pub fn answer(
    acting: Acting<TruthLog>,
    question: EntryId,
    input: &AnswerInput,
) -> Result<TruthEvent, Refusal> {
    check_answer(acting, question)?;
    let text = text::required("text", &input.text, MAX_TELLING)?;
    Ok(TruthEvent::Answered { question, text })
}

pub fn park(acting: Acting<TruthLog>, question: EntryId) -> Result<TruthEvent, Refusal> {
    check_park(acting, question)?;
    Ok(TruthEvent::Parked { question })
}

pub fn unpark(acting: Acting<TruthLog>, question: EntryId) -> Result<TruthEvent, Refusal> {
    check_unpark(acting, question)?;
    Ok(TruthEvent::Unparked { question })
}

pub fn acknowledge(
    acting: Acting<TruthLog>,
    entry: EntryId,
    input: &AcknowledgementInput,
) -> Result<TruthEvent, Refusal> {
    check_acknowledge(acting, entry)?;
    let response = text::optional("response", &input.response, MAX_RESPONSE)?;
    Ok(TruthEvent::Acknowledged { entry, response })
}

pub fn correct(
    acting: Acting<TruthLog>,
    entry: EntryId,
    input: &CorrectionInput,
) -> Result<TruthEvent, Refusal> {
    check_correct(acting, entry)?;
    let text = text::required("text", &input.text, MAX_TELLING)?;
    Ok(TruthEvent::Corrected {
        corrects: entry,
        text,
    })
}
