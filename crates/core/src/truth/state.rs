//! The truth log folded from its events.

use super::events::TruthEvent;
pub use crate::access::repair_rules::Acknowledgement;
use crate::kernel::entries;
use crate::kernel::event::{Meta, Stamp};
use crate::kernel::ids::{EntryId, UserId};
use crate::kernel::listed::by_code;
use time::{Date, Duration, OffsetDateTime};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum QuestionStatus {
    Open,
    /// Who parked it, and when.
    Parked(Stamp),
    Answered {
        answer: EntryId,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
    /// A tombstone: its author withdrew it (`by`, `at`). Its text is gone;
    /// what answered, acknowledged or corrected it stays.
    Withdrawn(Stamp),
}

/// Where an entry stands with the partner who reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckState<'a> {
    /// Questions are answered, not acknowledged.
    NotNeeded,
    Awaiting,
    Acknowledged(&'a Acknowledgement),
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
        !matches!(
            self.kind,
            EntryKind::Question { .. } | EntryKind::Withdrawn(_)
        )
    }

    /// When its author withdrew it, if they did.
    pub fn withdrawn(&self) -> Option<Stamp> {
        match self.kind {
            EntryKind::Withdrawn(stamp) => Some(stamp),
            _ => None,
        }
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
    /// A question set aside for the couple's joint therapy session.
    pub fn is_parked(&self) -> bool {
        matches!(
            self.kind,
            EntryKind::Question {
                status: QuestionStatus::Parked(_)
            }
        )
    }

    pub fn label(&self) -> &'static str {
        match &self.kind {
            EntryKind::Disclosure { .. } => "Disclosure",
            EntryKind::Question {
                status: QuestionStatus::Parked(_),
            } => "Question parked for therapy",
            EntryKind::Question { .. } => "Question",
            EntryKind::Answer { .. } => "Answer",
            EntryKind::Correction { .. } => "Correction",
            EntryKind::Withdrawn(_) => "Withdrawn",
        }
    }
}

/// The log's filters, as the page offers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
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
        by_code(&Self::ALL, code, Self::code).unwrap_or_default()
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
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TruthLog {
    /// In the order written; ids grow with it.
    pub(super) entries: Vec<TruthEntry>,
    /// Acknowledgements of entries this fold never read (their author
    /// withdrew them and the store no longer holds their text), kept until
    /// the withdrawal gives them their tombstone.
    orphan_acknowledgements: Vec<(EntryId, Acknowledgement)>,
}

/// Where an answer or a correction of an entry this fold never read stands
/// until the entry's withdrawal says which betrayal it belongs to.
const UNPLACED: EntryId = EntryId(0);

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
                let betrayal = self.entry(*question).map_or(UNPLACED, |q| q.betrayal);
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
                let acknowledgement = Acknowledgement::new(meta, response);
                match entries::find_mut(&mut self.entries, *entry) {
                    Some(entry) => entry.acknowledgement = Some(acknowledgement),
                    None => self.orphan_acknowledgements.push((*entry, acknowledgement)),
                }
            }
            TruthEvent::Parked { question } => {
                self.set_question_status(*question, QuestionStatus::Parked(meta.stamp()))
            }
            TruthEvent::Unparked { question } => {
                self.set_question_status(*question, QuestionStatus::Open)
            }
            TruthEvent::Corrected { corrects, text } => {
                let (betrayal, after) = match entries::find_mut(&mut self.entries, *corrects) {
                    Some(original) => {
                        original.corrections.push(meta.entry());
                        (original.betrayal, meta.at - original.written_at)
                    }
                    None => (UNPLACED, Duration::ZERO),
                };
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

    /// Puts a tombstone where a withdrawn entry stood: the same state
    /// whether this fold had read the entry or not (its event's text is
    /// gone from the store). An answer withdrawn opens its question again;
    /// what answered, acknowledged or corrected the entry stays, placed in
    /// the entry's betrayal. Returns the ids of the entries it placed.
    pub fn withdraw(
        &mut self,
        id: EntryId,
        betrayal: EntryId,
        written_at: OffsetDateTime,
        by: Stamp,
    ) -> Vec<EntryId> {
        let old = entries::find(&self.entries, id).map(|e| e.kind.clone());
        match old {
            Some(EntryKind::Answer { question }) => {
                if let Some(q) = self.entry(question) {
                    if q.question_status() == Some(&QuestionStatus::Answered { answer: id }) {
                        self.set_question_status(question, QuestionStatus::Open);
                    }
                }
            }
            Some(EntryKind::Correction { corrects, .. }) => {
                if let Some(original) = entries::find_mut(&mut self.entries, corrects) {
                    original.corrections.retain(|c| *c != id);
                }
            }
            _ => {}
        }
        let acknowledgement = match entries::find(&self.entries, id) {
            Some(entry) => entry.acknowledgement.clone(),
            None => self.take_orphan_acknowledgement(id),
        };
        self.orphan_acknowledgements
            .retain(|(entry, _)| *entry != id);
        let tombstone = TruthEntry {
            id,
            betrayal,
            author: by.by,
            written_at,
            text: String::new(),
            kind: EntryKind::Withdrawn(by),
            acknowledgement,
            corrections: Vec::new(),
        };
        match self.entries.binary_search_by_key(&id, |e| e.id) {
            Ok(index) => self.entries[index] = tombstone,
            Err(index) => self.entries.insert(index, tombstone),
        }
        self.place_what_followed(id, betrayal, written_at)
    }

    fn take_orphan_acknowledgement(&mut self, id: EntryId) -> Option<Acknowledgement> {
        let index = self
            .orphan_acknowledgements
            .iter()
            .rposition(|(entry, _)| *entry == id)?;
        Some(self.orphan_acknowledgements.remove(index).1)
    }

    /// The answers and corrections of a withdrawn entry, in its betrayal,
    /// and its corrections listed on its tombstone again.
    fn place_what_followed(
        &mut self,
        id: EntryId,
        betrayal: EntryId,
        written_at: OffsetDateTime,
    ) -> Vec<EntryId> {
        let mut placed = Vec::new();
        let mut corrections = Vec::new();
        for entry in &mut self.entries {
            match entry.kind {
                EntryKind::Answer { question } if question == id => {}
                EntryKind::Correction {
                    corrects,
                    ref mut after,
                } if corrects == id => {
                    *after = entry.written_at - written_at;
                    corrections.push(entry.id);
                }
                _ => continue,
            }
            entry.betrayal = betrayal;
            placed.push(entry.id);
        }
        if let Some(tombstone) = entries::find_mut(&mut self.entries, id) {
            tombstone.corrections = corrections;
        }
        placed
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
        }) = entries::find_mut(&mut self.entries, question)
        {
            *status = new;
        }
    }

    pub fn entry(&self, id: EntryId) -> Option<&TruthEntry> {
        entries::find(&self.entries, id)
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
}

crate::access::room::repair_entry!(TruthEntry);
