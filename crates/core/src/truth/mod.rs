//! The truth log: the involved partner volunteers disclosures and answers
//! the hurt partner's questions; the hurt partner acknowledges what they
//! read. Nothing is edited in place: a correction is a new entry linked to
//! the one it corrects, and the log keeps both, with how long the correction
//! took to come.
//!
//! A question may be parked for the joint therapy session by either partner:
//! details can hurt more than they help, and a therapist can hold that talk.
//! A parked question is not answered at home until the partner who asked it
//! brings it back.

pub use crate::access::repair_rules::Acknowledgement;
use crate::access::repair_rules::{self, json, RepairAction};
use crate::kernel::event::Meta;
use crate::kernel::ids::{EntryId, UserId};
use crate::kernel::refusal::Refusal;
use crate::kernel::text;
use crate::space::{parse_optional_date, Role, SpaceState};
use crate::streams::couple::{CoupleEvent, CoupleState};
use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime};

const MAX_TELLING: usize = 10_000;
const MAX_QUESTION: usize = 2_000;
const MAX_RESPONSE: usize = 2_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TruthEvent {
    /// The involved partner tells something without being asked.
    Disclosed {
        betrayal: EntryId,
        text: String,
        /// The day the disclosure is about, when the author gave one.
        #[serde(with = "json::iso_date_option", default)]
        refers_to: Option<Date>,
    },
    Asked {
        betrayal: EntryId,
        text: String,
    },
    Answered {
        question: EntryId,
        text: String,
    },
    /// "I read this", optionally with a response.
    Acknowledged {
        entry: EntryId,
        response: Option<String>,
    },
    /// The question waits for the joint therapy session.
    Parked {
        question: EntryId,
    },
    Unparked {
        question: EntryId,
    },
    /// A new entry that corrects an earlier disclosure, answer or correction.
    Corrected {
        corrects: EntryId,
        text: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parking {
    pub by: UserId,
    pub at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuestionStatus {
    Open,
    Parked(Parking),
    Answered { answer: EntryId },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryKind {
    Disclosure {
        refers_to: Option<Date>,
    },
    Question {
        status: QuestionStatus,
    },
    Answer {
        question: EntryId,
    },
    Correction {
        corrects: EntryId,
        /// How long after the corrected entry this correction came: the
        /// record of late truth.
        after: Duration,
    },
}

/// Where an entry stands with the partner who reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckState<'a> {
    /// Questions are answered, not acknowledged.
    NotNeeded,
    Awaiting,
    Acknowledged(&'a Acknowledgement),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TruthEntry {
    pub id: EntryId,
    pub betrayal: EntryId,
    pub author: UserId,
    pub written_at: OffsetDateTime,
    pub text: String,
    pub kind: EntryKind,
    pub acknowledgement: Option<Acknowledgement>,
    /// Entries that correct this one, oldest first.
    pub corrections: Vec<EntryId>,
}

impl TruthEntry {
    /// Disclosures, answers and corrections are read and acknowledged.
    pub fn is_acknowledgeable(&self) -> bool {
        !matches!(self.kind, EntryKind::Question { .. })
    }

    pub fn ack_state(&self) -> AckState<'_> {
        match (&self.acknowledgement, self.is_acknowledgeable()) {
            (_, false) => AckState::NotNeeded,
            (Some(ack), true) => AckState::Acknowledged(ack),
            (None, true) => AckState::Awaiting,
        }
    }

    pub fn question_status(&self) -> Option<&QuestionStatus> {
        match &self.kind {
            EntryKind::Question { status } => Some(status),
            _ => None,
        }
    }

    /// For a correction: how long after the corrected entry it came.
    pub fn corrected_after(&self) -> Option<Duration> {
        match self.kind {
            EntryKind::Correction { after, .. } => Some(after),
            _ => None,
        }
    }

    pub fn is_corrected(&self) -> bool {
        !self.corrections.is_empty()
    }

    /// A short name of the kind of entry, for the page.
    pub fn label(&self) -> &'static str {
        match &self.kind {
            EntryKind::Disclosure { .. } => "Disclosure",
            EntryKind::Question {
                status: QuestionStatus::Parked(_),
            } => "Question parked for therapy",
            EntryKind::Question { .. } => "Question",
            EntryKind::Answer { .. } => "Answer",
            EntryKind::Correction { .. } => "Correction",
        }
    }
}

/// The log's filters, as the page offers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TruthFilter {
    #[default]
    All,
    Disclosures,
    QuestionsOpen,
    QuestionsAnswered,
    QuestionsParked,
}

impl TruthFilter {
    pub const ALL: [TruthFilter; 5] = [
        TruthFilter::All,
        TruthFilter::Disclosures,
        TruthFilter::QuestionsOpen,
        TruthFilter::QuestionsAnswered,
        TruthFilter::QuestionsParked,
    ];

    pub fn code(self) -> &'static str {
        match self {
            TruthFilter::All => "all",
            TruthFilter::Disclosures => "disclosures",
            TruthFilter::QuestionsOpen => "open",
            TruthFilter::QuestionsAnswered => "answered",
            TruthFilter::QuestionsParked => "parked",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TruthFilter::All => "Everything",
            TruthFilter::Disclosures => "Disclosures",
            TruthFilter::QuestionsOpen => "Open questions",
            TruthFilter::QuestionsAnswered => "Answered questions",
            TruthFilter::QuestionsParked => "Parked for therapy",
        }
    }

    /// Reads a query-string value; anything unknown shows everything.
    pub fn parse(code: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|f| f.code() == code.trim())
            .unwrap_or_default()
    }

    pub fn matches(self, entry: &TruthEntry) -> bool {
        match (self, &entry.kind) {
            (TruthFilter::All, _) => true,
            (TruthFilter::Disclosures, EntryKind::Disclosure { .. }) => true,
            (TruthFilter::QuestionsOpen, EntryKind::Question { status }) => {
                *status == QuestionStatus::Open
            }
            (TruthFilter::QuestionsAnswered, EntryKind::Question { status }) => {
                matches!(status, QuestionStatus::Answered { .. })
            }
            (TruthFilter::QuestionsParked, EntryKind::Question { status }) => {
                matches!(status, QuestionStatus::Parked(_))
            }
            _ => false,
        }
    }
}

/// The truth log as both partners see it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TruthLog {
    /// In the order written; ids grow with it.
    entries: Vec<TruthEntry>,
}

impl TruthLog {
    pub fn apply(&mut self, meta: &Meta, event: &TruthEvent) {
        match event {
            TruthEvent::Disclosed {
                betrayal,
                text,
                refers_to,
            } => self.push(
                meta,
                *betrayal,
                text,
                EntryKind::Disclosure {
                    refers_to: *refers_to,
                },
            ),
            TruthEvent::Asked { betrayal, text } => self.push(
                meta,
                *betrayal,
                text,
                EntryKind::Question {
                    status: QuestionStatus::Open,
                },
            ),
            TruthEvent::Answered { question, text } => {
                let Some(betrayal) = self.entry(*question).map(|q| q.betrayal) else {
                    return;
                };
                self.push(
                    meta,
                    betrayal,
                    text,
                    EntryKind::Answer {
                        question: *question,
                    },
                );
                self.set_question_status(
                    *question,
                    QuestionStatus::Answered {
                        answer: meta.entry(),
                    },
                );
            }
            TruthEvent::Acknowledged { entry, response } => {
                if let Some(entry) = self.entry_mut(*entry) {
                    entry.acknowledgement = Some(Acknowledgement {
                        by: meta.author,
                        at: meta.at,
                        response: response.clone(),
                    });
                }
            }
            TruthEvent::Parked { question } => self.set_question_status(
                *question,
                QuestionStatus::Parked(Parking {
                    by: meta.author,
                    at: meta.at,
                }),
            ),
            TruthEvent::Unparked { question } => {
                self.set_question_status(*question, QuestionStatus::Open)
            }
            TruthEvent::Corrected { corrects, text } => {
                let Some(original) = self.entry_mut(*corrects) else {
                    return;
                };
                original.corrections.push(meta.entry());
                let betrayal = original.betrayal;
                let after = meta.at - original.written_at;
                self.push(
                    meta,
                    betrayal,
                    text,
                    EntryKind::Correction {
                        corrects: *corrects,
                        after,
                    },
                );
            }
        }
    }

    fn push(&mut self, meta: &Meta, betrayal: EntryId, text: &str, kind: EntryKind) {
        self.entries.push(TruthEntry {
            id: meta.entry(),
            betrayal,
            author: meta.author,
            written_at: meta.at,
            text: text.to_owned(),
            kind,
            acknowledgement: None,
            corrections: Vec::new(),
        });
    }

    fn set_question_status(&mut self, question: EntryId, new: QuestionStatus) {
        if let Some(TruthEntry {
            kind: EntryKind::Question { status },
            ..
        }) = self.entry_mut(question)
        {
            *status = new;
        }
    }

    pub fn entry(&self, id: EntryId) -> Option<&TruthEntry> {
        self.entries
            .binary_search_by_key(&id, |e| e.id)
            .ok()
            .map(|i| &self.entries[i])
    }

    fn entry_mut(&mut self, id: EntryId) -> Option<&mut TruthEntry> {
        self.entries
            .binary_search_by_key(&id, |e| e.id)
            .ok()
            .map(|i| &mut self.entries[i])
    }

    /// The log, newest first.
    pub fn entries(&self, filter: TruthFilter) -> Vec<&TruthEntry> {
        self.entries
            .iter()
            .rev()
            .filter(|e| filter.matches(e))
            .collect()
    }

    /// The log of one betrayal, newest first.
    pub fn entries_in(&self, betrayal: EntryId, filter: TruthFilter) -> Vec<&TruthEntry> {
        self.entries(filter)
            .into_iter()
            .filter(|e| e.betrayal == betrayal)
            .collect()
    }

    pub fn answer_to(&self, question: EntryId) -> Option<&TruthEntry> {
        match self.entry(question)?.question_status()? {
            QuestionStatus::Answered { answer } => self.entry(*answer),
            _ => None,
        }
    }

    /// The entries that correct `id`, oldest first.
    pub fn corrections_of(&self, id: EntryId) -> Vec<&TruthEntry> {
        self.entry(id)
            .map(|e| {
                e.corrections
                    .iter()
                    .filter_map(|c| self.entry(*c))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Open questions that `me` is asked to answer, oldest first (the
    /// longest waiting comes first).
    pub fn questions_waiting_for_answer_from(
        &self,
        space: &SpaceState,
        me: UserId,
    ) -> Vec<&TruthEntry> {
        self.entries
            .iter()
            .filter(|e| e.question_status() == Some(&QuestionStatus::Open))
            .filter(|e| repair_rules::holds(space, me, e.betrayal, Role::Involved))
            .collect()
    }

    /// Disclosures, answers and corrections that `me` has not acknowledged
    /// yet, oldest first.
    pub fn awaiting_acknowledgement_by(&self, space: &SpaceState, me: UserId) -> Vec<&TruthEntry> {
        self.entries
            .iter()
            .filter(|e| e.ack_state() == AckState::Awaiting)
            .filter(|e| repair_rules::holds(space, me, e.betrayal, Role::Hurt))
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

fn wrap(event: TruthEvent) -> Result<CoupleEvent, Refusal> {
    Ok(CoupleEvent::Truth(event))
}

/// Finds an entry after the membership check, so a stranger cannot probe ids.
fn find(state: &CoupleState, actor: UserId, id: EntryId) -> Result<&TruthEntry, Refusal> {
    repair_rules::member(&state.space, actor)?;
    state.truth.entry(id).ok_or(Refusal::NotFound)
}

pub fn volunteer(
    state: &CoupleState,
    actor: UserId,
    now: OffsetDateTime,
    input: &DisclosureInput,
) -> Result<CoupleEvent, Refusal> {
    let betrayal = repair_rules::choose_betrayal(&state.space, actor, &input.betrayal)?;
    repair_rules::authorize(&state.space, actor, betrayal, RepairAction::Volunteer)?;
    let text = text::required("text", &input.text, MAX_TELLING)?;
    let refers_to = parse_optional_date("refers_to", &input.refers_to)?;
    if refers_to.is_some_and(|d| d > now.date()) {
        return Err(Refusal::invalid(
            "refers_to",
            "A disclosure tells about something that has happened: the date cannot be in the future.",
        ));
    }
    wrap(TruthEvent::Disclosed {
        betrayal,
        text,
        refers_to,
    })
}

pub fn ask(
    state: &CoupleState,
    actor: UserId,
    input: &QuestionInput,
) -> Result<CoupleEvent, Refusal> {
    let betrayal = repair_rules::choose_betrayal(&state.space, actor, &input.betrayal)?;
    repair_rules::authorize(&state.space, actor, betrayal, RepairAction::Ask)?;
    let text = text::required("text", &input.text, MAX_QUESTION)?;
    wrap(TruthEvent::Asked { betrayal, text })
}

fn open_question(
    state: &CoupleState,
    actor: UserId,
    question: EntryId,
    action: RepairAction,
) -> Result<(), Refusal> {
    let entry = find(state, actor, question)?;
    let status = entry.question_status().ok_or(Refusal::NotFound)?;
    repair_rules::authorize(&state.space, actor, entry.betrayal, action)?;
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

pub fn answer(
    state: &CoupleState,
    actor: UserId,
    question: EntryId,
    input: &AnswerInput,
) -> Result<CoupleEvent, Refusal> {
    open_question(state, actor, question, RepairAction::Answer)?;
    let text = text::required("text", &input.text, MAX_TELLING)?;
    wrap(TruthEvent::Answered { question, text })
}

pub fn park(state: &CoupleState, actor: UserId, question: EntryId) -> Result<CoupleEvent, Refusal> {
    open_question(state, actor, question, RepairAction::Park)?;
    wrap(TruthEvent::Parked { question })
}

pub fn unpark(
    state: &CoupleState,
    actor: UserId,
    question: EntryId,
) -> Result<CoupleEvent, Refusal> {
    let entry = find(state, actor, question)?;
    let status = entry.question_status().ok_or(Refusal::NotFound)?;
    repair_rules::authorize(&state.space, actor, entry.betrayal, RepairAction::Unpark)?;
    if entry.author != actor {
        return Err(Refusal::NotAllowed(RepairAction::Unpark.refusal()));
    }
    if !matches!(status, QuestionStatus::Parked(_)) {
        return Err(Refusal::Conflict("This question is not parked."));
    }
    wrap(TruthEvent::Unparked { question })
}

pub fn acknowledge(
    state: &CoupleState,
    actor: UserId,
    entry: EntryId,
    input: &AcknowledgementInput,
) -> Result<CoupleEvent, Refusal> {
    let target = find(state, actor, entry)?;
    repair_rules::authorize(
        &state.space,
        actor,
        target.betrayal,
        RepairAction::Acknowledge,
    )?;
    match target.ack_state() {
        AckState::NotNeeded => {
            return Err(Refusal::Conflict(
                "A question is answered rather than acknowledged.",
            ))
        }
        AckState::Acknowledged(_) => {
            return Err(Refusal::Conflict(
                "You have already acknowledged this entry.",
            ))
        }
        AckState::Awaiting => {}
    }
    let response = text::optional("response", &input.response, MAX_RESPONSE)?;
    wrap(TruthEvent::Acknowledged { entry, response })
}

pub fn correct(
    state: &CoupleState,
    actor: UserId,
    entry: EntryId,
    input: &CorrectionInput,
) -> Result<CoupleEvent, Refusal> {
    let original = find(state, actor, entry)?;
    repair_rules::authorize(
        &state.space,
        actor,
        original.betrayal,
        RepairAction::Correct,
    )?;
    if !original.is_acknowledgeable() {
        return Err(Refusal::Conflict(
            "A question is not corrected. A new question can be asked instead.",
        ));
    }
    if original.author != actor {
        return Err(Refusal::NotAllowed(
            "Only the partner who wrote an entry can correct it.",
        ));
    }
    let text = text::required("text", &input.text, MAX_TELLING)?;
    wrap(TruthEvent::Corrected {
        corrects: entry,
        text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::repair_rules::given::{assert_round_trip, Couple};
    use time::macros::date;

    fn disclosure(text: &str) -> DisclosureInput {
        DisclosureInput {
            text: text.to_owned(),
            ..Default::default()
        }
    }

    fn question(text: &str) -> QuestionInput {
        QuestionInput {
            text: text.to_owned(),
            ..Default::default()
        }
    }

    fn answer_text(text: &str) -> AnswerInput {
        AnswerInput {
            text: text.to_owned(),
        }
    }

    /// Given a couple where the hurt partner asked one question.
    fn with_question() -> (Couple, EntryId) {
        let mut c = Couple::new();
        let q = c.run(c.hurt, |s, a, _| ask(s, a, &question("When did it start?")));
        (c, q)
    }

    #[test]
    fn the_involved_partner_volunteers_a_disclosure_for_the_only_betrayal() {
        let c = Couple::new();
        let input = DisclosureInput {
            betrayal: String::new(),
            text: "  We met twice more in May.  ".to_owned(),
            refers_to: "2026-02-20".to_owned(),
        };
        let event = c.attempt(c.involved, |s, a, n| volunteer(s, a, n, &input));
        assert_eq!(
            event,
            Ok(CoupleEvent::Truth(TruthEvent::Disclosed {
                betrayal: c.betrayal,
                text: "We met twice more in May.".to_owned(),
                refers_to: Some(date!(2026 - 02 - 20)),
            }))
        );
    }

    #[test]
    fn a_disclosure_cannot_refer_to_a_future_day_or_be_empty() {
        let c = Couple::new();
        let future = DisclosureInput {
            text: "Something".to_owned(),
            refers_to: "2026-03-03".to_owned(),
            ..Default::default()
        };
        let refusal = c.attempt(c.involved, |s, a, n| volunteer(s, a, n, &future));
        assert!(matches!(
            refusal,
            Err(Refusal::Invalid {
                field: "refers_to",
                ..
            })
        ));
        let empty = c.attempt(c.involved, |s, a, n| volunteer(s, a, n, &disclosure("  ")));
        assert!(matches!(empty, Err(Refusal::Invalid { field: "text", .. })));
    }

    #[test]
    fn with_two_betrayals_the_form_must_name_one_and_the_role_is_read_in_it() {
        let mut c = Couple::new();
        let second = c.with_second_betrayal_the_other_way();
        let unnamed = c.attempt(c.hurt, |s, a, _| ask(s, a, &question("Why?")));
        assert!(matches!(
            unnamed,
            Err(Refusal::Invalid {
                field: "betrayal",
                ..
            })
        ));

        // In the second betrayal the roles are reversed.
        let named = QuestionInput {
            betrayal: second.0.to_string(),
            text: "Why?".to_owned(),
        };
        assert_eq!(
            c.attempt(c.hurt, |s, a, _| ask(s, a, &named)),
            Err(Refusal::NotAllowed(RepairAction::Ask.refusal()))
        );
        let q = c.run(c.involved, |s, a, _| ask(s, a, &named));
        assert_eq!(c.state.truth.entry(q).map(|e| e.betrayal), Some(second));

        let unknown = QuestionInput {
            betrayal: "999".to_owned(),
            text: "Why?".to_owned(),
        };
        let refusal = c.attempt(c.involved, |s, a, _| ask(s, a, &unknown));
        assert!(matches!(
            refusal,
            Err(Refusal::Invalid {
                field: "betrayal",
                ..
            })
        ));
    }

    #[test]
    fn an_answered_question_shows_its_answer_and_cannot_be_answered_twice() {
        let (mut c, q) = with_question();
        let a = c.run(c.involved, |s, a, _| {
            answer(s, a, q, &answer_text("In January."))
        });
        assert_eq!(c.state.truth.answer_to(q).map(|e| e.id), Some(a));
        assert_eq!(
            c.state
                .truth
                .entry(q)
                .and_then(|e| e.question_status().cloned()),
            Some(QuestionStatus::Answered { answer: a })
        );
        assert_eq!(
            c.attempt(c.involved, |s, a, _| answer(s, a, q, &answer_text("Again"))),
            Err(Refusal::Conflict(
                "This question has been answered. To change the answer, write a correction."
            ))
        );
    }

    #[test]
    fn answering_something_that_is_not_a_question_is_not_found() {
        let mut c = Couple::new();
        let d = c.run(c.involved, |s, a, n| {
            volunteer(s, a, n, &disclosure("Told"))
        });
        assert_eq!(
            c.attempt(c.involved, |s, a, _| answer(s, a, d, &answer_text("x"))),
            Err(Refusal::NotFound)
        );
        assert_eq!(
            c.attempt(c.involved, |s, a, _| answer(
                s,
                a,
                EntryId(77),
                &answer_text("x")
            )),
            Err(Refusal::NotFound)
        );
    }

    #[test]
    fn a_stranger_is_not_a_member_even_for_an_entry_that_does_not_exist() {
        let c = Couple::new();
        assert_eq!(
            c.attempt(c.stranger, |s, a, _| answer(
                s,
                a,
                EntryId(77),
                &answer_text("x")
            )),
            Err(Refusal::NotAMember)
        );
    }

    #[test]
    fn a_parked_question_waits_for_therapy_until_its_asker_brings_it_back() {
        let (mut c, q) = with_question();
        // Either partner may park it; here the involved partner does.
        c.run(c.involved, |s, a, _| park(s, a, q));
        assert_eq!(
            c.attempt(c.involved, |s, a, _| answer(s, a, q, &answer_text("x"))),
            Err(Refusal::Conflict(
                "This question is parked for your joint therapy session. \
                 The partner who asked it can bring it back home first."
            ))
        );
        assert!(matches!(
            c.attempt(c.hurt, |s, a, _| park(s, a, q)),
            Err(Refusal::Conflict(_))
        ));
        assert_eq!(
            c.attempt(c.involved, |s, a, _| unpark(s, a, q)),
            Err(Refusal::NotAllowed(RepairAction::Unpark.refusal()))
        );
        let parked: Vec<_> = c.state.truth.parked().iter().map(|e| e.id).collect();
        assert_eq!(parked, vec![q]);
        assert!(c
            .state
            .truth
            .questions_waiting_for_answer_from(&c.state.space, c.involved)
            .is_empty());

        c.run(c.hurt, |s, a, _| unpark(s, a, q));
        assert!(c.state.truth.parked().is_empty());
        c.run(c.involved, |s, a, _| {
            answer(s, a, q, &answer_text("In January."))
        });
        assert!(c.state.truth.answer_to(q).is_some());
    }

    #[test]
    fn only_an_open_question_can_be_parked_and_only_a_parked_one_unparked() {
        let (mut c, q) = with_question();
        assert_eq!(
            c.attempt(c.hurt, |s, a, _| unpark(s, a, q)),
            Err(Refusal::Conflict("This question is not parked."))
        );
        c.run(c.involved, |s, a, _| answer(s, a, q, &answer_text("Yes.")));
        assert!(matches!(
            c.attempt(c.hurt, |s, a, _| park(s, a, q)),
            Err(Refusal::Conflict(_))
        ));
    }

    #[test]
    fn a_correction_is_a_new_entry_that_records_how_late_it_came() {
        let (mut c, q) = with_question();
        let a = c.run(c.involved, |s, actor, _| {
            answer(s, actor, q, &answer_text("Once."))
        });
        c.advance(Duration::days(9) + Duration::hours(2));
        let fix = CorrectionInput {
            text: "It was three times.".to_owned(),
        };
        let k = c.run(c.involved, |s, actor, _| correct(s, actor, a, &fix));

        let original = c.state.truth.entry(a).unwrap();
        assert_eq!(original.text, "Once.", "the original stays as it was");
        assert_eq!(original.corrections, vec![k]);
        let correction = c.state.truth.entry(k).unwrap();
        assert_eq!(
            correction.kind,
            EntryKind::Correction {
                corrects: a,
                after: Duration::days(9) + Duration::hours(2)
            }
        );
        assert_eq!(correction.corrected_after(), Some(Duration::hours(218)));
        assert_eq!(correction.betrayal, c.betrayal);
        let listed: Vec<_> = c
            .state
            .truth
            .corrections_of(a)
            .iter()
            .map(|e| e.id)
            .collect();
        assert_eq!(listed, vec![k]);
        assert_eq!(repair_rules::plain_delay(Duration::hours(218)), "9 days");
    }

    #[test]
    fn only_the_author_corrects_and_questions_are_not_corrected() {
        let (mut c, q) = with_question();
        let fix = CorrectionInput {
            text: "x".to_owned(),
        };
        // The hurt partner may not correct (their role), and nobody corrects a question.
        assert_eq!(
            c.attempt(c.hurt, |s, a, _| correct(s, a, q, &fix)),
            Err(Refusal::NotAllowed(RepairAction::Correct.refusal()))
        );
        assert!(matches!(
            c.attempt(c.involved, |s, a, _| correct(s, a, q, &fix)),
            Err(Refusal::Conflict(_))
        ));
        // A disclosure in a second betrayal, written by the other partner,
        // cannot be corrected by someone who did not write it.
        let second = c.with_second_betrayal_the_other_way();
        let theirs = DisclosureInput {
            betrayal: second.0.to_string(),
            text: "Mine".to_owned(),
            refers_to: String::new(),
        };
        let d = c.run(c.hurt, |s, a, n| volunteer(s, a, n, &theirs));
        assert_eq!(
            c.attempt(c.involved, |s, a, _| correct(s, a, d, &fix)),
            Err(Refusal::NotAllowed(RepairAction::Correct.refusal()))
        );
        assert!(c.attempt(c.hurt, |s, a, _| correct(s, a, d, &fix)).is_ok());
    }

    #[test]
    fn an_entry_is_acknowledged_once_with_an_optional_response() {
        let mut c = Couple::new();
        let d = c.run(c.involved, |s, a, n| {
            volunteer(s, a, n, &disclosure("Told"))
        });
        let waiting: Vec<_> = c
            .state
            .truth
            .awaiting_acknowledgement_by(&c.state.space, c.hurt)
            .iter()
            .map(|e| e.id)
            .collect();
        assert_eq!(waiting, vec![d]);
        assert!(c
            .state
            .truth
            .awaiting_acknowledgement_by(&c.state.space, c.involved)
            .is_empty());
        assert_eq!(
            c.attempt(c.involved, |s, a, _| acknowledge(
                s,
                a,
                d,
                &Default::default()
            )),
            Err(Refusal::NotAllowed(RepairAction::Acknowledge.refusal()))
        );

        let input = AcknowledgementInput {
            response: " Thank you for telling me. ".to_owned(),
        };
        c.run(c.hurt, |s, a, _| acknowledge(s, a, d, &input));
        let entry = c.state.truth.entry(d).unwrap();
        match entry.ack_state() {
            AckState::Acknowledged(ack) => {
                assert_eq!(ack.by, c.hurt);
                assert_eq!(ack.response.as_deref(), Some("Thank you for telling me."));
            }
            other => panic!("expected an acknowledgement, got {other:?}"),
        }
        assert_eq!(
            c.attempt(c.hurt, |s, a, _| acknowledge(s, a, d, &input)),
            Err(Refusal::Conflict(
                "You have already acknowledged this entry."
            ))
        );
        assert!(c
            .state
            .truth
            .awaiting_acknowledgement_by(&c.state.space, c.hurt)
            .is_empty());
    }

    #[test]
    fn a_question_is_answered_rather_than_acknowledged() {
        let (c, q) = with_question();
        assert_eq!(
            c.state.truth.entry(q).unwrap().ack_state(),
            AckState::NotNeeded
        );
        assert!(matches!(
            c.attempt(c.hurt, |s, a, _| acknowledge(s, a, q, &Default::default())),
            Err(Refusal::Conflict(_))
        ));
    }

    #[test]
    fn the_log_lists_newest_first_and_filters_by_kind_and_question_state() {
        let mut c = Couple::new();
        let d = c.run(c.involved, |s, a, n| {
            volunteer(s, a, n, &disclosure("Told"))
        });
        let open = c.run(c.hurt, |s, a, _| ask(s, a, &question("Open?")));
        let answered = c.run(c.hurt, |s, a, _| ask(s, a, &question("Answered?")));
        let parked = c.run(c.hurt, |s, a, _| ask(s, a, &question("Parked?")));
        let a = c.run(c.involved, |s, actor, _| {
            answer(s, actor, answered, &answer_text("Yes"))
        });
        c.run(c.hurt, |s, a, _| park(s, a, parked));

        let ids = |filter| -> Vec<EntryId> {
            c.state.truth.entries(filter).iter().map(|e| e.id).collect()
        };
        assert_eq!(ids(TruthFilter::All), vec![a, parked, answered, open, d]);
        assert_eq!(ids(TruthFilter::Disclosures), vec![d]);
        assert_eq!(ids(TruthFilter::QuestionsOpen), vec![open]);
        assert_eq!(ids(TruthFilter::QuestionsAnswered), vec![answered]);
        assert_eq!(ids(TruthFilter::QuestionsParked), vec![parked]);
        assert_eq!(TruthFilter::parse("parked"), TruthFilter::QuestionsParked);
        assert_eq!(TruthFilter::parse("nonsense"), TruthFilter::All);

        let waiting: Vec<_> = c
            .state
            .truth
            .questions_waiting_for_answer_from(&c.state.space, c.involved)
            .iter()
            .map(|e| e.id)
            .collect();
        assert_eq!(waiting, vec![open]);
        assert!(c
            .state
            .truth
            .questions_waiting_for_answer_from(&c.state.space, c.hurt)
            .is_empty());
        let acks: Vec<_> = c
            .state
            .truth
            .awaiting_acknowledgement_by(&c.state.space, c.hurt)
            .iter()
            .map(|e| e.id)
            .collect();
        assert_eq!(acks, vec![d, a]);
    }

    #[test]
    fn every_truth_event_survives_the_stored_json() {
        let events = [
            (
                TruthEvent::Disclosed {
                    betrayal: EntryId(2),
                    text: "t".to_owned(),
                    refers_to: Some(date!(2026 - 01 - 31)),
                },
                "disclosed",
            ),
            (
                TruthEvent::Asked {
                    betrayal: EntryId(2),
                    text: "q".to_owned(),
                },
                "asked",
            ),
            (
                TruthEvent::Answered {
                    question: EntryId(5),
                    text: "a".to_owned(),
                },
                "answered",
            ),
            (
                TruthEvent::Acknowledged {
                    entry: EntryId(6),
                    response: Some("ok".to_owned()),
                },
                "acknowledged",
            ),
            (
                TruthEvent::Parked {
                    question: EntryId(5),
                },
                "parked",
            ),
            (
                TruthEvent::Unparked {
                    question: EntryId(5),
                },
                "unparked",
            ),
            (
                TruthEvent::Corrected {
                    corrects: EntryId(6),
                    text: "c".to_owned(),
                },
                "corrected",
            ),
        ];
        for (event, tag) in &events {
            assert_round_trip(event, tag);
        }
        let json = serde_json::to_value(&events[0].0).unwrap();
        assert_eq!(json["refers_to"], "2026-01-31");
        let wrapped = serde_json::to_value(CoupleEvent::Truth(events[1].0.clone())).unwrap();
        assert_eq!(wrapped["room"], "truth");
        assert_eq!(CoupleEvent::Truth(events[1].0.clone()).kind(), "truth");
    }
}
