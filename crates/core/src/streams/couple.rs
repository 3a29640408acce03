//! The couple's shared record: every room's events in one stream, and the
//! state both partners see, folded from them.

use super::private::PrivateState;
use crate::access::therapist::SessionActing;
use crate::access::visibility::Viewing;
use crate::apology::{Apologies, ApologyEvent};
use crate::checkin::{CheckInEvent, CheckInsSeen, CheckInsState, SharedWith};
use crate::commitments::{CommitmentEvent, Commitments};
use crate::contact::{ContactEvent, ContactReports};
use crate::kernel::event::Meta;
use crate::kernel::ids::{EntryId, UserId};
use crate::meeting::{MeetingEvent, Meetings};
use crate::pulse::{PulseEvent, PulseState, PulsesSeen};
use crate::readiness::{ReadinessEvent, ReadinessList};
use crate::reflections::{ReflectionEvent, SharedReflections};
use crate::requests::{RequestEvent, Requests};
use crate::sessions::{SessionEvent, Sessions};
use crate::space::{SpaceEvent, SpaceState};
use crate::talk::{TalkAnswer, TalkEvent, Talks};
use crate::therapist::{TherapistEvent, Therapy};
use crate::together::{Together, TogetherEvent};
use crate::truth::{TruthEvent, TruthLog};
use crate::withdrawal::{EntryRoom, WithdrawalEvent, Withdrawals, Withdrawn, Written};

stream_events! {
    /// One event in the couple stream. Each room owns its own event type; this
    /// enum only says which room an event belongs to.
    CoupleEvent {
        Space(SpaceEvent) = "space",
        CheckIn(CheckInEvent) = "checkin",
        Pulse(PulseEvent) = "pulse",
        Truth(TruthEvent) = "truth",
        Apology(ApologyEvent) = "apology",
        Request(RequestEvent) = "request",
        Commitment(CommitmentEvent) = "commitment",
        Contact(ContactEvent) = "contact",
        Readiness(ReadinessEvent) = "readiness",
        Talk(TalkEvent) = "talk",
        Together(TogetherEvent) = "together",
        Meeting(MeetingEvent) = "meeting",
        Therapist(TherapistEvent) = "therapist",
        Reflection(ReflectionEvent) = "reflection",
        Session(SessionEvent) = "session",
        Withdrawal(WithdrawalEvent) = "withdrawal",
    }
}

impl CoupleEvent {
    /// The `seq` of the earlier event of this stream whose ciphertext this
    /// event removes (a withdrawal names its entry), so the store removes
    /// it in the same transaction and `verify` proves it.
    pub fn redacts(&self) -> Option<u64> {
        match self {
            CoupleEvent::Withdrawal(e) => Some(e.redacts()),
            _ => None,
        }
    }
}

/// Everything the couple stream says, as of `seq`.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct CoupleState {
    /// The last event folded in; a cache catches up from here.
    pub seq: u64,
    pub space: SpaceState,
    pub check_ins: CheckInsState,
    pub pulse: PulseState,
    pub truth: TruthLog,
    pub apology: Apologies,
    pub requests: Requests,
    pub commitments: Commitments,
    pub contact: ContactReports,
    /// The steps on the readiness list (never anyone's marks).
    pub readiness: ReadinessList,
    pub talk: Talks,
    pub together: Together,
    pub meeting: Meetings,
    /// Each therapist proposed, and where their access stands.
    pub therapy: Therapy,
    /// Shared copies of reflections and trigger notes.
    pub reflections: SharedReflections,
    /// The therapy sessions of each engagement.
    pub sessions: Sessions,
    /// Who wrote which entry, and the tombstones of those withdrawn.
    pub withdrawals: Withdrawals,
}

impl CoupleState {
    pub fn apply(&mut self, meta: &Meta, event: &CoupleEvent) {
        self.seq = meta.seq;
        match event {
            CoupleEvent::Space(e) => self.space.apply(meta, e),
            CoupleEvent::CheckIn(e) => self.check_ins.apply(meta, e),
            CoupleEvent::Pulse(e) => self.pulse.apply(meta, e),
            CoupleEvent::Truth(e) => self.truth.apply(meta, e),
            CoupleEvent::Apology(e) => self.apology.apply(meta, e),
            CoupleEvent::Request(e) => self.requests.apply(meta, e),
            CoupleEvent::Commitment(e) => self.commitments.apply(meta, e),
            CoupleEvent::Contact(e) => self.contact.apply(meta, e),
            CoupleEvent::Readiness(e) => self.readiness.apply(meta, e),
            CoupleEvent::Talk(e) => self.talk.apply(meta, e),
            CoupleEvent::Together(e) => self.together.apply(meta, e),
            CoupleEvent::Meeting(e) => self.meeting.apply(meta, e),
            CoupleEvent::Therapist(e) => self.therapy.apply(meta, e),
            CoupleEvent::Reflection(e) => self.reflections.apply(meta, e),
            CoupleEvent::Session(e) => self.sessions.apply(meta, e),
            CoupleEvent::Withdrawal(e) => {
                let tombstone = self.withdrawals.apply(meta, e);
                self.forget(&tombstone);
            }
        }
        if let Some((room, betrayal)) = self.written_entry(meta, event) {
            let written = Written {
                author: meta.author,
                room,
                betrayal,
                at: meta.at,
            };
            self.withdrawals.note_written(meta.entry(), written);
        }
        if let CoupleEvent::CheckIn(CheckInEvent::Shared {
            with: SharedWith::PartnerAndTherapist,
            ..
        }) = event
        {
            self.withdrawals.note_for_therapist(meta.entry());
        }
    }

    /// The room and betrayal of the entry `event` wrote, if it wrote one
    /// its author may withdraw (not a structural step: the space, a
    /// consent, a therapist's acceptance).
    fn written_entry(
        &self,
        meta: &Meta,
        event: &CoupleEvent,
    ) -> Option<(EntryRoom, Option<EntryId>)> {
        let id = meta.entry();
        let (room, betrayal) = match event {
            CoupleEvent::Truth(
                TruthEvent::Disclosed { .. }
                | TruthEvent::Asked { .. }
                | TruthEvent::Answered { .. }
                | TruthEvent::Corrected { .. },
            ) => (EntryRoom::Truth, self.truth.entry(id)?.betrayal),
            CoupleEvent::Apology(ApologyEvent::Sent { betrayal, .. }) => {
                (EntryRoom::Apology, *betrayal)
            }
            CoupleEvent::Request(RequestEvent::Made { betrayal, .. }) => {
                (EntryRoom::Request, *betrayal)
            }
            CoupleEvent::Commitment(CommitmentEvent::Made { betrayal, .. }) => {
                (EntryRoom::Commitment, *betrayal)
            }
            CoupleEvent::Contact(ContactEvent::Reported { betrayal, .. }) => {
                (EntryRoom::Contact, *betrayal)
            }
            CoupleEvent::CheckIn(CheckInEvent::Shared { .. }) => {
                return Some((EntryRoom::CheckIn, None));
            }
            CoupleEvent::Pulse(PulseEvent::Shared { .. }) => return Some((EntryRoom::Pulse, None)),
            CoupleEvent::Reflection(
                ReflectionEvent::CopyShared { .. }
                | ReflectionEvent::TriggerNoted { .. }
                | ReflectionEvent::Reassured { .. },
            ) => return Some((EntryRoom::Reflection, None)),
            CoupleEvent::Talk(
                TalkEvent::Asked { .. }
                | TalkEvent::QuietNoteLeft { .. }
                | TalkEvent::Happened { words: Some(_), .. }
                | TalkEvent::Answered {
                    answer: TalkAnswer::Space { words: Some(_), .. },
                    ..
                },
            ) => return Some((EntryRoom::Talk, None)),
            CoupleEvent::Together(
                TogetherEvent::Suggested { .. }
                | TogetherEvent::Shared { .. }
                | TogetherEvent::RitualBegun { .. },
            ) => return Some((EntryRoom::Together, None)),
            CoupleEvent::Meeting(MeetingEvent::ItemAdded { .. }) => {
                return Some((EntryRoom::Meeting, None));
            }
            // A session's tombstone stands in its engagement's sessions.
            CoupleEvent::Session(SessionEvent::ItemAdded { engagement, .. }) => {
                return Some((EntryRoom::Session, Some(*engagement)));
            }
            _ => return None,
        };
        Some((room, Some(betrayal)))
    }

    /// The entry's room forgets what its author withdrew and keeps a
    /// tombstone where the room shows one.
    fn forget(&mut self, tombstone: &Withdrawn) {
        let id = tombstone.entry;
        match tombstone.room {
            EntryRoom::Truth => {
                let betrayal = tombstone.betrayal.unwrap_or(id);
                let placed =
                    self.truth
                        .withdraw(id, betrayal, tombstone.written_at, tombstone.stamp);
                for entry in placed {
                    self.withdrawals.place(entry, betrayal);
                }
            }
            EntryRoom::Apology => self.apology.withdraw(id),
            EntryRoom::Request => self.requests.withdraw(id),
            EntryRoom::Commitment => self.commitments.withdraw(id),
            EntryRoom::Contact => self.contact.withdraw(id),
            EntryRoom::CheckIn => self.check_ins.withdraw(id),
            EntryRoom::Pulse => self.pulse.withdraw(id),
            EntryRoom::Reflection => self.reflections.withdraw(id),
            EntryRoom::Talk => self.talk.withdraw(id),
            EntryRoom::Together => self.together.withdraw(id),
            EntryRoom::Meeting => self.meeting.withdraw_item(id),
            EntryRoom::Session => self.sessions.withdraw_item(id),
        }
    }

    /// May `actor` withdraw `entry` from this record now? The one question
    /// every page asks before it offers the link.
    pub fn can_withdraw(&self, actor: UserId, entry: EntryId) -> bool {
        crate::withdrawal::can_withdraw_shared(&self.space, &self.withdrawals, actor, entry)
    }

    /// The check-ins as `viewer` sees them, with `mine`, their private state.
    pub fn check_ins_seen_by<'a>(
        &'a self,
        viewer: UserId,
        mine: &'a PrivateState,
    ) -> CheckInsSeen<'a> {
        let kept = mine.kept_check_ins();
        Viewing {
            space: &self.space,
            shared: &self.check_ins,
            kept,
            viewer,
        }
    }

    /// The pulses as `viewer` sees them, with `mine`, their private state.
    pub fn pulses_seen_by<'a>(&'a self, viewer: UserId, mine: &'a PrivateState) -> PulsesSeen<'a> {
        let kept = mine.kept_pulses();
        Viewing {
            space: &self.space,
            shared: &self.pulse,
            kept,
            viewer,
        }
    }

    /// `actor` acting on the therapy sessions.
    pub fn sessions_acting(&self, actor: UserId) -> SessionActing<'_, Sessions> {
        SessionActing::new(&self.space, &self.therapy, &self.sessions, actor)
    }

    pub fn fold<'a>(events: impl IntoIterator<Item = (&'a Meta, &'a CoupleEvent)>) -> Self {
        let mut state = Self::default();
        for (meta, event) in events {
            state.apply(meta, event);
        }
        state
    }
}

stream_projection!(CoupleState, CoupleEvent);
