//! What the truth log answers: who may take which step on which entry now,
//! and what waits for a person. Commands call the same checks before they
//! look at any text, so a page offers a form exactly when the record would
//! take it.

use super::state::{AckState, QuestionStatus, TruthEntry, TruthFilter, TruthLog};
use crate::access::room::*;

/// A question that is open, and `action` is the actor's to take on it.
fn open_question(
    acting: Acting<TruthLog>,
    question: EntryId,
    action: RepairAction,
) -> Result<(), Refusal> {
    let entry = acting.member_entry(acting.room.entry(question))?;
    let status = entry.question_status().ok_or(Refusal::NotFound)?;
    acting.authorize(entry.betrayal, action)?;
    match status {
        QuestionStatus::Open => Ok(()),
        QuestionStatus::Parked(_) => Err(Refusal::Conflict(
            "This question is parked for your joint therapy session. \
             The partner who asked it can bring it back home first.",
        )),
        QuestionStatus::Answered { .. } => Err(Refusal::Conflict(
            "This question has been answered. To change the answer, write a correction.",
        )),
    }
}

/// Why `actor` may not answer `question` now (`Ok` when they may).
pub fn check_answer(acting: Acting<TruthLog>, question: EntryId) -> Result<(), Refusal> {
    open_question(acting, question, RepairAction::Answer)
}

/// Why `actor` may not park `question` for therapy now.
pub fn check_park(acting: Acting<TruthLog>, question: EntryId) -> Result<(), Refusal> {
    open_question(acting, question, RepairAction::Park)
}

/// Why `actor` may not bring `question` back home now.
pub fn check_unpark(acting: Acting<TruthLog>, question: EntryId) -> Result<(), Refusal> {
    let entry = acting.member_entry(acting.room.entry(question))?;
    let status = entry.question_status().ok_or(Refusal::NotFound)?;
    acting.authorize(entry.betrayal, RepairAction::Unpark)?;
    if entry.author != acting.actor {
        return Err(Refusal::NotAllowed(RepairAction::Unpark.refusal()));
    }
    Refusal::conflict_if(
        !matches!(status, QuestionStatus::Parked(_)),
        "This question is not parked.",
    )
}

/// Why `actor` may not acknowledge `entry` now.
pub fn check_acknowledge(acting: Acting<TruthLog>, entry: EntryId) -> Result<(), Refusal> {
    let target = acting.member_entry(acting.room.entry(entry))?;
    acting.authorize(target.betrayal, RepairAction::Acknowledge)?;
    match target.ack_state() {
        AckState::NotNeeded => Err(Refusal::Conflict(
            "A question is answered rather than acknowledged.",
        )),
        AckState::Acknowledged(_) => Err(Refusal::Conflict(
            "You have already acknowledged this entry.",
        )),
        AckState::Awaiting => Ok(()),
    }
}

/// Why `actor` may not correct `entry` now.
pub fn check_correct(acting: Acting<TruthLog>, entry: EntryId) -> Result<(), Refusal> {
    let original = acting.member_entry(acting.room.entry(entry))?;
    acting.authorize(original.betrayal, RepairAction::Correct)?;
    if original.withdrawn().is_some() {
        return Err(Refusal::Conflict("Its author withdrew this entry."));
    }
    if !original.is_acknowledgeable() {
        return Err(Refusal::Conflict(
            "A question is not corrected. A new question can be asked instead.",
        ));
    }
    if original.author != acting.actor {
        return Err(Refusal::NotAllowed(
            "Only the partner who wrote an entry can correct it.",
        ));
    }
    Ok(())
}

can_queries! { TruthLog:
    can_answer = check_answer, can_park = check_park, can_unpark = check_unpark,
    can_acknowledge = check_acknowledge, can_correct = check_correct,
}

/// The step an entry waits for from a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waiting {
    /// An open question this person is asked to answer.
    Answer,
    /// A disclosure, answer or correction this person has not read yet.
    Acknowledge,
}

impl TruthLog {
    /// Open questions that `me` is asked to answer, oldest first (the
    /// longest waiting comes first).
    pub fn questions_waiting_for_answer_from(
        &self,
        space: &SpaceState,
        me: UserId,
    ) -> Vec<&TruthEntry> {
        self.entries
            .iter()
            .filter(|e| can_answer(Acting::new(space, self, me), e.id))
            .collect()
    }

    /// Disclosures, answers and corrections that `me` has not acknowledged
    /// yet, oldest first.
    pub fn awaiting_acknowledgement_by(&self, space: &SpaceState, me: UserId) -> Vec<&TruthEntry> {
        self.entries
            .iter()
            .filter(|e| can_acknowledge(Acting::new(space, self, me), e.id))
            .collect()
    }

    /// Everything that waits for `me`, newest first: the questions to
    /// answer and the entries to read, from the same checks the commands
    /// use, so the truth page and Today never disagree.
    pub fn waiting_for(&self, space: &SpaceState, me: UserId) -> Vec<(&TruthEntry, Waiting)> {
        self.entries
            .iter()
            .rev()
            .filter_map(|e| {
                if can_answer(Acting::new(space, self, me), e.id) {
                    Some((e, Waiting::Answer))
                } else if can_acknowledge(Acting::new(space, self, me), e.id) {
                    Some((e, Waiting::Acknowledge))
                } else {
                    None
                }
            })
            .collect()
    }

    /// Questions waiting for the joint therapy session, oldest first.
    pub fn parked(&self) -> Vec<&TruthEntry> {
        self.entries
            .iter()
            .filter(|e| TruthFilter::QuestionsParked.matches(e))
            .collect()
    }
}
