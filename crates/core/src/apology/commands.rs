//! The apology room's decisions: check the step (as `can_*` does), then the
//! text, and return the event to record.

use super::events::{ApologyAnswer, ApologyEvent, ApologyParts, OWNERSHIP_PARTS};
use super::queries::{check_answer, check_send, check_write};
use super::state::Apologies;
use crate::access::room::*;
pub use crate::coach::apology::ApologyParts as DraftParts;
use crate::kernel::refusal::FieldChecks;
use crate::kernel::text::Field;

/// What a command of this room decides: its event, or why not.
type Decided = Result<ApologyEvent, Refusal>;

const MAX_PART: usize = 5_000;
const NEED: Field = Field::new("what", 2_000);

/// The apology form, as posted: which betrayal, and the parts as typed.
#[derive(Debug, Clone, Default)]
pub struct ApologyInput {
    pub betrayal: String,
    /// The same draft the coach reads.
    pub draft: DraftParts,
}

impl ApologyInput {
    fn ownership(&self) -> [&str; 6] {
        let d = &self.draft;
        [
            &d.what_i_did,
            &d.impact,
            &d.responsibility,
            &d.remorse,
            &d.changes,
            &d.repair,
        ]
    }

    /// The labels of the ownership parts still empty, in form order.
    pub fn missing_parts(&self) -> Vec<&'static str> {
        OWNERSHIP_PARTS
            .iter()
            .zip(self.ownership())
            .filter(|(_, text)| text.trim().is_empty())
            .map(|((_, label), _)| *label)
            .collect()
    }

    /// The coach's advice on the draft as typed. Advice only: it is never
    /// part of what `send` accepts or refuses.
    pub fn coach(&self) -> Vec<crate::coach::apology::PartFinding> {
        crate::coach::apology::review_parts(&self.draft)
    }

    /// Checks the parts without sending: the form can show the refusal
    /// while the person is still drafting.
    pub fn parts(&self) -> Result<ApologyParts, Refusal> {
        let missing = self.missing_parts();
        if !self.draft.factors.trim().is_empty() && !missing.is_empty() {
            return Err(Refusal::invalid(
                "factors",
                format!(
                    "What influenced you can be shared once you have owned your part. \
                     Please write these first: {}.",
                    missing
                        .iter()
                        .map(|l| lowercase_first(l))
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
            ));
        }
        let owned = self.ownership();
        // Every part is read, so each empty one is named at once.
        let mut checks = FieldChecks::default();
        let mut parts = Vec::with_capacity(OWNERSHIP_PARTS.len());
        for (i, (name, _)) in OWNERSHIP_PARTS.iter().enumerate() {
            parts.push(checks.check(text::required(name, owned[i], MAX_PART))?);
        }
        let factors = checks.check(text::optional("factors", &self.draft.factors, MAX_PART))?;
        checks.finish()?;
        let mut parts = parts.into_iter().flatten();
        let mut next = || parts.next().unwrap_or_default();
        Ok(ApologyParts {
            what_i_did: next(),
            impact: next(),
            responsibility: next(),
            remorse: next(),
            changes: next(),
            repair: next(),
            factors: factors.flatten(),
        })
    }
}

/// A label inside a sentence: "What I am changing" becomes "what I am
/// changing" (the "I" keeps its capital).
fn lowercase_first(label: &str) -> String {
    let mut chars = label.chars();
    chars
        .next()
        .map(|first| first.to_lowercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The hurt partner's answer form: `answer` is `received`, `not_yet` or
/// `need_more`; `what` says what more is needed.
#[derive(Debug, Clone, Default)]
pub struct ApologyAnswerInput {
    pub answer: String,
    pub what: String,
}

impl ApologyAnswerInput {
    pub(crate) fn parse(&self) -> Result<ApologyAnswer, Refusal> {
        match self.answer.trim() {
            "received" => Ok(ApologyAnswer::Received),
            "not_yet" => Ok(ApologyAnswer::NotYet),
            "need_more" => {
                let what = NEED.required(&self.what).map_err(|_| {
                    Refusal::invalid("what", "Please say what more you need to hear.")
                })?;
                Ok(ApologyAnswer::NeedMore { what })
            }
            _ => Err(Refusal::invalid(
                "answer",
                "Please choose: received, not yet, or I need more.",
            )),
        }
    }
}

/// Checks a draft for the actor without sending it.
pub fn check_draft(
    space: &SpaceState,
    actor: UserId,
    input: &ApologyInput,
) -> Result<ApologyParts, Refusal> {
    check_write(space, actor, &input.betrayal)?;
    input.parts()
}

/// Whether a plain "send" must first ask its author: a whole draft the
/// coach noticed something in. The author decides, but never unknowingly;
/// a draft that cannot be sent is refused by `send` as it is.
pub fn asks_before_sending(space: &SpaceState, actor: UserId, input: &ApologyInput) -> bool {
    check_draft(space, actor, input).is_ok() && !input.coach().is_empty()
}

pub fn send(acting: Acting<Apologies>, input: &ApologyInput) -> Decided {
    let betrayal = acting.choose_betrayal(&input.betrayal)?;
    check_send(acting, betrayal)?;
    let parts = input.parts()?;
    Ok(ApologyEvent::Sent { betrayal, parts })
}

pub fn answer(acting: Acting<Apologies>, version: EntryId, input: &ApologyAnswerInput) -> Decided {
    check_answer(acting, version)?;
    let answer = input.parse()?;
    Ok(ApologyEvent::Answered { version, answer })
}
