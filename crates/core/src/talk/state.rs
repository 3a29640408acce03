//! Every talk request and quiet period, folded from the events.

use super::events::{PrivateTalkEvent, TalkAnswer, TalkEvent, TalkKind, TalkSoon};
use crate::kernel::entries::{self, entry_by_id_field};
use crate::kernel::event::Meta;
use crate::kernel::ids::{EntryId, UserId};
use std::collections::BTreeMap;
use time::{Duration, OffsetDateTime};

/// An answer, by whom and when.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Answered {
    /// The answer's own entry (its author may withdraw words it carried).
    pub id: EntryId,
    pub by: UserId,
    pub at: OffsetDateTime,
    pub answer: TalkAnswer,
}

/// "We talked", by one partner, with the shared word if there is one.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HappenedMark {
    /// The mark's own entry (its author may withdraw the word it carried).
    pub id: EntryId,
    pub by: UserId,
    pub at: OffsetDateTime,
    pub words: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TalkRequest {
    pub id: EntryId,
    pub asked_by: UserId,
    pub asked_at: OffsetDateTime,
    pub kind: TalkKind,
    pub soon: TalkSoon,
    pub topic: String,
    pub answer: Option<Answered>,
    /// The time the asker picked among those proposed.
    pub picked: Option<OffsetDateTime>,
    /// When the partner who asked for space ended it early.
    pub space_ended_at: Option<OffsetDateTime>,
    pub withdrawn_at: Option<OffsetDateTime>,
    /// Each partner's "we talked", in the order marked.
    pub happened: Vec<HappenedMark>,
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Stage {
    /// Waits for the other partner's answer.
    AwaitingAnswer,
    /// Times were proposed; the asker picks one.
    AwaitingPick,
    /// Agreed: now, at the picked time or at the next quiet talk.
    Agreed,
    /// The other partner asked for space, until then (an ended space keeps
    /// its end).
    Space {
        until: OffsetDateTime,
    },
    Withdrawn,
    Happened,
}

impl TalkRequest {
    pub fn stage(&self) -> Stage {
        if self.withdrawn_at.is_some() {
            return Stage::Withdrawn;
        }
        if !self.happened.is_empty() {
            return Stage::Happened;
        }
        match &self.answer {
            None => Stage::AwaitingAnswer,
            Some(Answered {
                answer: TalkAnswer::Space { .. },
                ..
            }) => Stage::Space {
                until: self.space_until().unwrap_or(self.asked_at),
            },
            Some(Answered {
                answer: TalkAnswer::AtATime { .. },
                ..
            }) if self.picked.is_none() => Stage::AwaitingPick,
            Some(_) => Stage::Agreed,
        }
    }

    /// Still asking for a talk: neither withdrawn, nor answered with space,
    /// nor held yet.
    pub fn is_open(&self) -> bool {
        matches!(
            self.stage(),
            Stage::AwaitingAnswer | Stage::AwaitingPick | Stage::Agreed
        )
    }

    /// When the space asked for ends (earlier when ended early); `None` when
    /// the answer was not space.
    pub fn space_until(&self) -> Option<OffsetDateTime> {
        match &self.answer {
            Some(Answered {
                answer: TalkAnswer::Space { days, .. },
                at,
                ..
            }) => {
                let until = *at + Duration::days(i64::from(*days));
                Some(self.space_ended_at.map_or(until, |ended| ended.min(until)))
            }
            _ => None,
        }
    }

    /// Whether the space asked for still holds at `now`.
    pub fn space_holds(&self, now: OffsetDateTime) -> bool {
        self.space_until().is_some_and(|until| until > now)
    }

    /// The proposed times, when the answer was "at a time".
    pub fn proposed_times(&self) -> &[OffsetDateTime] {
        match &self.answer {
            Some(Answered {
                answer: TalkAnswer::AtATime { times },
                ..
            }) => times,
            _ => &[],
        }
    }

    pub fn marked_by(&self, user: UserId) -> Option<&HappenedMark> {
        self.happened.iter().find(|m| m.by == user)
    }
}

/// A note the other partner left for when a quiet period ends.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct QuietNote {
    /// The note's own entry, which its author may withdraw.
    pub id: EntryId,
    pub by: UserId,
    pub at: OffsetDateTime,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct QuietPeriod {
    /// The hurt partner who declared it.
    pub by: UserId,
    pub started_at: OffsetDateTime,
    /// When it ends (or ended): moved by a renewal or an early end.
    pub until: OffsetDateTime,
    pub ended_early: bool,
    pub note: Option<QuietNote>,
}

impl QuietPeriod {
    pub fn is_on(&self, now: OffsetDateTime) -> bool {
        self.until > now
    }

    /// The note, once the period is over: never while it is on.
    pub fn note_after_end(&self, now: OffsetDateTime) -> Option<&QuietNote> {
        self.note.as_ref().filter(|_| !self.is_on(now))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Talks {
    /// In the order asked; ids grow with it.
    pub(super) requests: Vec<TalkRequest>,
    /// Every quiet period, in the order declared.
    pub(super) quiet: Vec<QuietPeriod>,
    /// The answers to requests their asker withdrew (or that this fold
    /// never read, their payload gone): what answered them stays.
    answered_withdrawn: BTreeMap<EntryId, Answered>,
}

entry_by_id_field!(TalkRequest);

impl Talks {
    pub fn apply(&mut self, meta: &Meta, event: &TalkEvent) {
        match event {
            TalkEvent::Asked { kind, soon, topic } => self.requests.push(TalkRequest {
                id: meta.entry(),
                asked_by: meta.author,
                asked_at: meta.at,
                kind: *kind,
                soon: *soon,
                topic: topic.clone(),
                answer: None,
                picked: None,
                space_ended_at: None,
                withdrawn_at: None,
                happened: Vec::new(),
            }),
            TalkEvent::QuietDeclared { days } => self.declare_quiet(meta, *days),
            TalkEvent::QuietEnded => {
                if let Some(period) = self.latest_quiet_mut(meta.author) {
                    period.until = period.until.min(meta.at);
                    period.ended_early = true;
                }
            }
            TalkEvent::QuietNoteLeft { note } => {
                let by_partner = self.quiet.iter_mut().rev().find(|p| p.by != meta.author);
                if let Some(period) = by_partner {
                    period.note.get_or_insert(QuietNote {
                        id: meta.entry(),
                        by: meta.author,
                        at: meta.at,
                        note: note.clone(),
                    });
                }
            }
            step => self.apply_to_request(meta, step),
        }
    }

    fn apply_to_request(&mut self, meta: &Meta, event: &TalkEvent) {
        let (request, change) = match event {
            TalkEvent::Answered { request, .. }
            | TalkEvent::TimePicked { request, .. }
            | TalkEvent::SpaceEnded { request }
            | TalkEvent::Withdrawn { request }
            | TalkEvent::Happened { request, .. } => (*request, event),
            _ => return,
        };
        let Some(found) = entries::find_mut(&mut self.requests, request) else {
            if let TalkEvent::Answered { answer, .. } = change {
                let answered = answered(meta, answer);
                self.answered_withdrawn.entry(request).or_insert(answered);
            }
            return;
        };
        match change {
            TalkEvent::Answered { answer, .. } => found.answer = Some(answered(meta, answer)),
            TalkEvent::TimePicked { at, .. } => found.picked = Some(*at),
            TalkEvent::SpaceEnded { .. } => found.space_ended_at = Some(meta.at),
            TalkEvent::Withdrawn { .. } => found.withdrawn_at = Some(meta.at),
            TalkEvent::Happened { words, .. } => found.happened.push(HappenedMark {
                id: meta.entry(),
                by: meta.author,
                at: meta.at,
                words: words.clone(),
            }),
            _ => {}
        }
    }

    /// A new period, or a renewal of one still on: `days` from now either way.
    fn declare_quiet(&mut self, meta: &Meta, days: u8) {
        let until = meta.at + Duration::days(i64::from(days));
        match self.latest_quiet_mut(meta.author) {
            Some(period) if period.is_on(meta.at) => period.until = until,
            _ => self.quiet.push(QuietPeriod {
                by: meta.author,
                started_at: meta.at,
                until,
                ended_early: false,
                note: None,
            }),
        }
    }

    /// The notes still held back at `now`: their quiet period is on, so
    /// the partner who declared it does not see them yet.
    pub fn notes_held(&self, now: OffsetDateTime) -> impl Iterator<Item = &QuietNote> {
        self.quiet
            .iter()
            .filter(move |period| period.is_on(now))
            .filter_map(|period| period.note.as_ref())
    }

    /// Forgets an entry its author withdrew, as a fold that never read it
    /// would: a request (what answered it stays, and says what it
    /// answered), an answer (the request waits for one again), a shared
    /// word on how a talk went (and with it, that its author said they
    /// talked, as with a shared word on time together) or a quiet note.
    pub fn withdraw(&mut self, id: EntryId) {
        if let Some(at) = self.requests.iter().position(|r| r.id == id) {
            let request = self.requests.remove(at);
            if let Some(answer) = request.answer {
                self.answered_withdrawn.insert(id, answer);
            }
            return;
        }
        for request in &mut self.requests {
            if request.answer.as_ref().is_some_and(|a| a.id == id) {
                request.answer = None;
            }
            request.happened.retain(|mark| mark.id != id);
        }
        self.answered_withdrawn.retain(|_, answer| answer.id != id);
        for period in &mut self.quiet {
            if period.note.as_ref().is_some_and(|n| n.id == id) {
                period.note = None;
            }
        }
    }

    /// The answer to a request its asker withdrew, if it had one.
    pub fn answer_to_withdrawn(&self, request: EntryId) -> Option<&Answered> {
        self.answered_withdrawn.get(&request)
    }

    /// Whether `viewer` does not see yet the tombstone of an entry
    /// `author` wrote at `written_at`: the partner's, written during the
    /// viewer's quiet period that is still on. Like the note it may have
    /// been, it shows once the period ends.
    pub fn tombstone_held(
        &self,
        viewer: UserId,
        author: UserId,
        written_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> bool {
        author != viewer
            && self
                .quiet_on(viewer, now)
                .is_some_and(|period| written_at >= period.started_at)
    }

    /// Every quiet period, in the order declared.
    pub fn quiet_periods(&self) -> &[QuietPeriod] {
        &self.quiet
    }

    fn latest_quiet_mut(&mut self, by: UserId) -> Option<&mut QuietPeriod> {
        self.quiet.iter_mut().rev().find(|p| p.by == by)
    }

    pub fn get(&self, id: EntryId) -> Option<&TalkRequest> {
        entries::find(&self.requests, id)
    }

    /// Every request, newest first.
    pub fn all(&self) -> impl Iterator<Item = &TalkRequest> {
        self.requests.iter().rev()
    }

    /// The latest quiet period `by` declared, on or over.
    pub fn latest_quiet_of(&self, by: UserId) -> Option<&QuietPeriod> {
        self.quiet.iter().rev().find(|p| p.by == by)
    }

    /// `by`'s quiet period, if one is on at `now`.
    pub fn quiet_on(&self, by: UserId, now: OffsetDateTime) -> Option<&QuietPeriod> {
        self.latest_quiet_of(by).filter(|p| p.is_on(now))
    }
}

fn answered(meta: &Meta, answer: &TalkAnswer) -> Answered {
    Answered {
        id: meta.entry(),
        by: meta.author,
        at: meta.at,
        answer: answer.clone(),
    }
}

/// A word a person kept on how a talk went.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KeptTalkWord {
    /// Its own entry in the private stream, which its author may delete.
    pub id: EntryId,
    pub request: EntryId,
    pub words: String,
}

/// The words a person kept on how their talks went, in their private stream.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PrivateTalks {
    kept: Vec<KeptTalkWord>,
}

impl PrivateTalks {
    pub fn apply(&mut self, meta: &Meta, event: &PrivateTalkEvent) {
        match event {
            PrivateTalkEvent::HowItWent { request, words } => self.kept.push(KeptTalkWord {
                id: meta.entry(),
                request: *request,
                words: words.clone(),
            }),
        }
    }

    /// Forgets a kept word its author deleted, without a trace.
    pub fn delete(&mut self, id: EntryId) {
        self.kept.retain(|w| w.id != id);
    }

    /// The word kept on how the talk went, if any.
    pub fn kept(&self, request: EntryId) -> Option<&KeptTalkWord> {
        self.kept.iter().find(|w| w.request == request)
    }

    /// The word kept on how the talk went, if any.
    pub fn kept_word(&self, request: EntryId) -> Option<&str> {
        self.kept(request).map(|w| w.words.as_str())
    }
}
