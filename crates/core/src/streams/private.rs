//! One person's private stream: what they keep for themselves. Only queries
//! made for its author ever read it (DESIGN §3, principle 2).

use crate::access::visibility::Private;
use crate::checkin::{PrivateCheckInEvent, PrivateCheckIns};
use crate::kernel::event::Meta;
use crate::kernel::ids::{EntryId, UserId};
use crate::kernel::refusal::Refusal;
use crate::pulse::{PrivatePulseEvent, PrivatePulses};
use crate::readiness::{ReadinessMarkEvent, ReadinessMarks};
use crate::reflections::{PrivateReflectionEvent, Reflections};
use crate::signs::{SignsEvent, SignsLog};
use crate::talk::{PrivateTalkEvent, PrivateTalks};
use crate::therapist::practice::{Practice, PracticeEvent};
use crate::together::{KeptTogether, PrivateTogetherEvent};
use crate::visits::{VisitEvent, Visits};
use crate::withdrawal::{EntryRoom, WithdrawalEvent, Withdrawals, Withdrawn, Written};

stream_events! {
    /// One event in a person's private stream.
    PrivateEvent {
        CheckIn(PrivateCheckInEvent) = "checkin",
        Pulse(PrivatePulseEvent) = "pulse",
        Signs(SignsEvent) = "signs",
        Visit(VisitEvent) = "visit",
        Readiness(ReadinessMarkEvent) = "readiness",
        Talk(PrivateTalkEvent) = "talk",
        Together(PrivateTogetherEvent) = "together",
        Reflection(PrivateReflectionEvent) = "reflection",
        Practice(PracticeEvent) = "practice",
        Withdrawal(WithdrawalEvent) = "withdrawal",
    }
}

impl PrivateEvent {
    /// The `seq` of the earlier event of this stream whose ciphertext this
    /// event removes (a deletion names its entry).
    pub fn redacts(&self) -> Option<u64> {
        match self {
            PrivateEvent::Withdrawal(e) => Some(e.redacts()),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct PrivateState {
    pub seq: u64,
    /// The person the stream belongs to (the author of its events); queries
    /// refuse a private state that is not the viewer's own.
    pub owner: Option<UserId>,
    pub check_ins: PrivateCheckIns,
    pub pulses: PrivatePulses,
    pub signs: SignsLog,
    /// When its owner last opened Today (see `today::last_visit`).
    pub visits: Visits,
    /// Their own readiness marks; only `access::readiness::reveal` reads
    /// them beside the partner's.
    pub readiness: ReadinessMarks,
    /// The words kept on how talks went.
    pub talk: PrivateTalks,
    /// Their kept words on time together.
    pub together: KeptTogether,
    /// Their reflections, every version.
    pub reflections: Reflections,
    /// As a therapist: the couples they serve, named, and their notes.
    pub practice: Practice,
    /// The entries its owner may delete, and those deleted.
    pub withdrawals: Withdrawals,
}

impl PrivateState {
    pub fn apply(&mut self, meta: &Meta, event: &PrivateEvent) {
        self.seq = meta.seq;
        self.owner.get_or_insert(meta.author);
        match event {
            PrivateEvent::CheckIn(e) => self.check_ins.apply(meta, e),
            PrivateEvent::Pulse(e) => self.pulses.apply(meta, e),
            PrivateEvent::Signs(e) => self.signs.apply(meta, e),
            PrivateEvent::Visit(e) => self.visits.apply(meta, e),
            PrivateEvent::Readiness(e) => self.readiness.apply(meta, e),
            PrivateEvent::Talk(e) => self.talk.apply(meta, e),
            PrivateEvent::Together(e) => self.together.apply(meta, e),
            PrivateEvent::Reflection(e) => self.reflections.apply(meta, e),
            PrivateEvent::Practice(e) => self.practice.apply(meta, e),
            PrivateEvent::Withdrawal(e) => {
                let deleted = self.withdrawals.apply(meta, e);
                self.forget(&deleted);
            }
        }
        if let Some(room) = Self::written_entry(event) {
            let written = Written {
                author: meta.author,
                room,
                betrayal: None,
                at: meta.at,
            };
            self.withdrawals.note_written(meta.entry(), written);
        }
    }

    /// The room of the kept entry `event` wrote, if it wrote one its author
    /// may delete.
    fn written_entry(event: &PrivateEvent) -> Option<EntryRoom> {
        match event {
            PrivateEvent::CheckIn(PrivateCheckInEvent::Kept { .. }) => Some(EntryRoom::CheckIn),
            PrivateEvent::Pulse(PrivatePulseEvent::Kept { .. }) => Some(EntryRoom::Pulse),
            PrivateEvent::Reflection(PrivateReflectionEvent::Written { .. }) => {
                Some(EntryRoom::Reflection)
            }
            PrivateEvent::Talk(PrivateTalkEvent::HowItWent { .. }) => Some(EntryRoom::Talk),
            PrivateEvent::Together(PrivateTogetherEvent::Kept { .. }) => Some(EntryRoom::Together),
            _ => None,
        }
    }

    /// The entry's room forgets what its author deleted. Only the rooms
    /// of `written_entry` keep anything deletable.
    fn forget(&mut self, deleted: &Withdrawn) {
        let id = deleted.entry;
        match deleted.room {
            EntryRoom::CheckIn => self.check_ins.withdraw(id),
            EntryRoom::Pulse => self.pulses.withdraw(id),
            EntryRoom::Reflection => self.reflections.delete(id),
            EntryRoom::Talk => self.talk.delete(id),
            EntryRoom::Together => self.together.delete(id),
            _ => {}
        }
    }

    /// Deletes one of the owner's kept entries, without a trace: the
    /// deletion of the entry and, for a reflection, one more for each later
    /// event of it (every revision, every mark of a copy shared, putting it
    /// away), so every version's ciphertext goes in the one commit. A copy
    /// shared with the partner is an entry of the couple's record and stays.
    pub fn delete(&self, actor: UserId, entry: EntryId) -> Result<Vec<WithdrawalEvent>, Refusal> {
        let first = crate::withdrawal::withdraw(&self.withdrawals, actor, entry)?;
        let WithdrawalEvent::Withdrawn { room, .. } = first;
        let mut events = vec![first];
        if room == EntryRoom::Reflection {
            let later = self.reflections.written(entry).map(|r| r.later.as_slice());
            for &(seq, at) in later.unwrap_or_default() {
                events.push(WithdrawalEvent::Withdrawn {
                    entry: seq,
                    room,
                    betrayal: None,
                    written_at: at,
                    for_therapist: false,
                });
            }
        }
        Ok(events)
    }
}

impl PrivateState {
    /// The kept check-ins, for a query made for one viewer.
    pub fn kept_check_ins(&self) -> Private<'_, PrivateCheckIns> {
        Private::new(self.owner, &self.check_ins)
    }

    /// The kept pulses, for a query made for one viewer.
    pub fn kept_pulses(&self) -> Private<'_, PrivatePulses> {
        Private::new(self.owner, &self.pulses)
    }

    /// The reflections, for a query made for one viewer.
    pub fn kept_reflections(&self) -> Private<'_, Reflections> {
        Private::new(self.owner, &self.reflections)
    }

    /// The readiness marks, for the reveal.
    pub fn readiness_marks(&self) -> Private<'_, ReadinessMarks> {
        Private::new(self.owner, &self.readiness)
    }
}

/// The viewer's own private state, refused if it belongs to someone else:
/// a query handed the partner's private projection fails closed instead of
/// showing it.
pub fn own_private(mine: &PrivateState, viewer: UserId) -> Result<&PrivateState, Refusal> {
    Private::new(mine.owner, mine).read_as(viewer)
}

// The clear-text `kind` column of a private stream says only "private": the
// kind of each event (and so when someone checked in, took a pulse or opened
// Today) is inside the encrypted payload, not beside it. Events written
// before keep their room's name: a ciphertext never changes once appended.
stream_projection!(PrivateState, PrivateEvent, stored_kind = "private");
