//! Withdrawing an entry: only its author, only an entry, only once; and the
//! fold after a withdrawal is the same whether it had read the entry (a
//! projection kept in memory) or never could (a fresh fold, the entry's
//! payload gone from the store and `Projection::skip` called for it).

use super::*;
use crate::access::room::Acting;
use crate::checkin::{CheckIn, PrivateCheckInEvent};
use crate::commitments::{CommitmentEvent, CommitmentKind};
use crate::contact::{ContactChannel, ContactEvent};
use crate::kernel::event::{Meta, Projection};
use crate::kernel::ids::{EntryId, UserId};
use crate::kernel::refusal::Refusal;
use crate::requests::{Frequency, RequestEvent};
use crate::streams::couple::{CoupleEvent, CoupleState};
use crate::streams::private::{PrivateEvent, PrivateState};
use crate::streams::snapshots::restores_at_every_prefix;
use crate::testing::{assert_round_trip, full_apology, World};
use crate::truth::{EntryKind, QuestionStatus, TruthEvent, TruthFilter};
use proptest::prelude::*;
use std::collections::BTreeSet;
use time::macros::{date, datetime};
use time::Duration;

/// What a fresh fold reads from the store after `base`: every event a
/// later one withdrew has lost its payload and is skipped.
fn fold_fresh<P: Projection + Clone>(base: &P, events: &[(Meta, P::Event)]) -> P {
    let redacted: BTreeSet<u64> = events
        .iter()
        .filter_map(|(_, event)| P::redacts(event))
        .collect();
    let mut state = base.clone();
    for (meta, event) in events {
        if redacted.contains(&meta.seq) {
            state.skip(meta);
        } else {
            state.apply(meta, event);
        }
    }
    state
}

/// The couple's events from some point on, kept so the same story can be
/// folded again as a fresh projection would fold it from the store.
struct Story {
    world: World,
    /// The state before the story's first event.
    base: CoupleState,
    events: Vec<(Meta, CoupleEvent)>,
}

impl Story {
    fn new() -> Story {
        let world = World::ticking();
        let base = world.couple.clone();
        Story {
            world,
            base,
            events: Vec::new(),
        }
    }

    fn record(&mut self, author: UserId, event: impl Into<CoupleEvent>) -> EntryId {
        let event = event.into();
        let id = self.world.record(author, event.clone());
        let meta = Meta {
            seq: id.0,
            author,
            at: self.world.now,
        };
        self.events.push((meta, event));
        id
    }

    fn disclose(&mut self, text: &str) -> EntryId {
        let betrayal = self.world.betrayal;
        let involved = self.world.involved;
        self.record(
            involved,
            TruthEvent::Disclosed {
                betrayal,
                text: text.to_owned(),
                refers_to: None,
            },
        )
    }

    /// `actor` withdraws `entry` through the command, as the web does.
    fn withdraw(&mut self, actor: UserId, entry: EntryId) -> Result<EntryId, Refusal> {
        let event = withdraw(&self.world.couple.withdrawals, actor, entry)?;
        Ok(self.record(actor, event))
    }

    /// `author` asks for a talk about `topic`.
    fn ask_talk(&mut self, author: UserId, topic: &str) -> EntryId {
        use crate::talk::{TalkEvent, TalkKind, TalkSoon};
        let asked = TalkEvent::Asked {
            kind: TalkKind::Practical,
            soon: TalkSoon::WhenYouCan,
            topic: topic.into(),
        };
        self.record(author, asked)
    }

    fn answer_talk(
        &mut self,
        author: UserId,
        request: EntryId,
        answer: crate::talk::TalkAnswer,
    ) -> EntryId {
        let answered = crate::talk::TalkEvent::Answered { request, answer };
        self.record(author, answered)
    }

    /// `author` says they talked, with `words` shared or none.
    fn talk_happened(
        &mut self,
        author: UserId,
        request: EntryId,
        words: Option<String>,
    ) -> EntryId {
        self.record(author, crate::talk::TalkEvent::Happened { request, words })
    }

    /// The state a fresh fold reads from the store: every event withdrawn
    /// has lost its payload and is skipped.
    fn fresh_fold(&self) -> CoupleState {
        fold_fresh(&self.base, &self.events)
    }

    /// The projection kept in memory is the fresh fold, to the last field.
    fn assert_folds_agree(&self) {
        let kept = format!("{:#?}", self.world.couple);
        let fresh = format!("{:#?}", self.fresh_fold());
        assert_eq!(kept, fresh, "the kept and the fresh fold differ");
        let snapshots = restores_at_every_prefix(&self.base, &self.events);
        assert_eq!(snapshots, Ok(()), "a snapshot did not restore");
    }
}

#[test]
fn only_its_author_may_withdraw_an_entry() {
    let mut s = Story::new();
    let (hurt, involved) = (s.world.hurt, s.world.involved);
    let disclosure = s.disclose("I kept the second phone");
    let state = &s.world.couple.withdrawals;
    assert!(!can_withdraw(state, hurt, disclosure));
    assert!(matches!(
        withdraw(state, hurt, disclosure),
        Err(Refusal::NotAllowed(_))
    ));
    assert!(!can_withdraw(state, s.world.stranger, disclosure));
    assert!(can_withdraw(state, involved, disclosure));
    assert!(s.withdraw(involved, disclosure).is_ok());
}

#[test]
fn only_entries_can_be_withdrawn_not_structural_steps() {
    let mut s = Story::new();
    let (hurt, involved) = (s.world.hurt, s.world.involved);
    let disclosure = s.disclose("I lied about the trip");
    let ack = s.record(
        hurt,
        TruthEvent::Acknowledged {
            entry: disclosure,
            response: None,
        },
    );
    let state = &s.world.couple.withdrawals;
    // The space's creation, the betrayal recorded, the partner joining, an
    // acknowledgement (a step on an entry, not an entry) and an id past the
    // end of the stream.
    for (who, id) in [
        (hurt, EntryId(1)),
        (hurt, s.world.betrayal),
        (involved, EntryId(3)),
        (hurt, ack),
        (involved, EntryId(999)),
    ] {
        assert_eq!(withdraw(state, who, id), Err(Refusal::NotFound), "{id:?}");
        assert!(!can_withdraw(state, who, id));
    }
}

#[test]
fn an_entry_is_withdrawn_once() {
    let mut s = Story::new();
    let involved = s.world.involved;
    let disclosure = s.disclose("I met them again");
    s.withdraw(involved, disclosure).ok();
    let state = &s.world.couple.withdrawals;
    assert!(matches!(
        withdraw(state, involved, disclosure),
        Err(Refusal::Conflict(_))
    ));
    assert!(!can_withdraw(state, involved, disclosure));
}

#[test]
fn a_withdrawn_disclosure_leaves_a_tombstone_with_its_acknowledgement_and_corrections() {
    let mut s = Story::new();
    let (hurt, involved) = (s.world.hurt, s.world.involved);
    let disclosure = s.disclose("SECRET-TEXT the first time was in May");
    s.record(
        hurt,
        TruthEvent::Acknowledged {
            entry: disclosure,
            response: Some("thank you for telling me".into()),
        },
    );
    s.world.advance(Duration::days(2));
    let correction = s.record(
        involved,
        TruthEvent::Corrected {
            corrects: disclosure,
            text: "It was April".into(),
        },
    );
    s.world.advance(Duration::days(1));
    let withdrawn_at = s.world.now + Duration::minutes(1);
    s.withdraw(involved, disclosure).ok();

    let log = &s.world.couple.truth;
    let tombstone = log.entry(disclosure).expect("a tombstone stays");
    assert_eq!(tombstone.text, "");
    assert_eq!(
        tombstone.withdrawn().map(|w| (w.by, w.at)),
        Some((involved, withdrawn_at))
    );
    assert!(!tombstone.is_acknowledgeable());
    let ack = tombstone
        .acknowledgement
        .as_ref()
        .expect("the response stays");
    assert_eq!(ack.response.as_deref(), Some("thank you for telling me"));
    assert_eq!(log.corrections_of(disclosure)[0].id, correction);
    assert!(log.entry(correction).and_then(|c| c.corrected_after()) > Some(Duration::days(1)));
    assert!(!format!("{:?}", s.world.couple).contains("SECRET-TEXT"));
    // Nothing more is done to a tombstone: not read, not corrected.
    let c = &s.world.couple;
    for who in [hurt, involved] {
        let acting = Acting::new(&c.space, &c.truth, who);
        assert!(!crate::truth::can_acknowledge(acting, disclosure));
        assert!(!crate::truth::can_correct(acting, disclosure));
    }
    s.assert_folds_agree();
}

#[test]
fn an_answer_to_a_withdrawn_question_stays_in_its_betrayal_and_says_so() {
    let mut s = Story::new();
    let (hurt, involved, betrayal) = (s.world.hurt, s.world.involved, s.world.betrayal);
    let question = s.record(
        hurt,
        TruthEvent::Asked {
            betrayal,
            text: "Where did you go?".into(),
        },
    );
    let answer = s.record(
        involved,
        TruthEvent::Answered {
            question,
            text: "To the coast".into(),
        },
    );
    s.record(
        hurt,
        TruthEvent::Acknowledged {
            entry: answer,
            response: None,
        },
    );
    s.withdraw(hurt, question).ok();

    let log = &s.world.couple.truth;
    let kept = log.entry(answer).expect("the answer stays");
    assert_eq!(kept.text, "To the coast");
    assert_eq!(kept.betrayal, betrayal);
    assert_eq!(kept.kind, EntryKind::Answer { question });
    assert!(log.entry(question).and_then(|q| q.withdrawn()).is_some());
    let acting = Acting::new(&s.world.couple.space, log, involved);
    assert!(!crate::truth::can_answer(acting, question));
    let shown: Vec<_> = log
        .entries_in(betrayal, TruthFilter::All)
        .iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(shown, [answer, question]);
    // The answer is still the involved partner's to withdraw, placed where
    // the question stood.
    let written = s.world.couple.withdrawals.written(answer).copied();
    assert_eq!(written.and_then(|w| w.betrayal), Some(betrayal));
    s.assert_folds_agree();
}

#[test]
fn a_withdrawn_answer_opens_its_question_again() {
    let mut s = Story::new();
    let (hurt, involved, betrayal) = (s.world.hurt, s.world.involved, s.world.betrayal);
    let question = s.record(
        hurt,
        TruthEvent::Asked {
            betrayal,
            text: "Did you see them?".into(),
        },
    );
    let answer = s.record(
        involved,
        TruthEvent::Answered {
            question,
            text: "said badly".into(),
        },
    );
    s.withdraw(involved, answer).ok();
    let log = &s.world.couple.truth;
    assert_eq!(
        log.entry(question).and_then(|q| q.question_status()),
        Some(&QuestionStatus::Open)
    );
    assert!(log.entry(answer).and_then(|a| a.withdrawn()).is_some());
    s.assert_folds_agree();
}

#[test]
fn withdrawn_entries_of_the_other_rooms_fold_the_same_fresh_and_kept() {
    let mut s = Story::new();
    let (hurt, involved, betrayal) = (s.world.hurt, s.world.involved, s.world.betrayal);
    let send = |c: &CoupleState| {
        crate::apology::send(Acting::new(&c.space, &c.apology, involved), &full_apology())
    };
    let first = send(&s.world.couple).map(|e| s.record(involved, e));
    if let Ok(version) = first {
        let answer = crate::apology::ApologyAnswer::NotYet;
        s.record(
            hurt,
            crate::apology::ApologyEvent::Answered { version, answer },
        );
    }
    let second = send(&s.world.couple).map(|e| s.record(involved, e));
    let request = s.record(
        hurt,
        RequestEvent::Made {
            betrayal,
            what: "Text me when you leave work".into(),
            frequency: Frequency::Daily,
        },
    );
    s.record(involved, RequestEvent::Accepted { request });
    s.record(
        involved,
        RequestEvent::FulfilmentLogged {
            request,
            happened_on: date!(2026 - 03 - 02),
            note: None,
        },
    );
    let commitment = s.record(
        involved,
        CommitmentEvent::Made {
            betrayal,
            kind: CommitmentKind::NoContact,
            details: None,
        },
    );
    let report = s.record(
        involved,
        ContactEvent::Reported {
            betrayal,
            happened_at: datetime!(2026-03-01 20:00 UTC),
            channel: ContactChannel::TextMessage,
            what_was_said: "hello".into(),
            how_i_responded: "I did not answer".into(),
        },
    );
    s.record(
        hurt,
        ContactEvent::Acknowledged {
            report,
            response: Some("thank you for telling me at once".into()),
        },
    );
    let check_in = s.world.share_check_in(hurt, &[("hopeful", "3")]);
    s.events.push((
        Meta {
            seq: check_in.0,
            author: hurt,
            at: s.world.now,
        },
        shared_check_in_event(&s.world, check_in),
    ));
    let answer = crate::checkin::CheckInEvent::Acknowledged {
        check_in,
        acknowledgement: crate::checkin::Acknowledgement::OwnWords("I hear you".into()),
    };
    s.record(involved, answer);
    let (Ok(first), Ok(second)) = (first, second) else {
        panic!("the apology was refused");
    };
    for (who, id) in [
        (involved, first),
        (hurt, request),
        (involved, commitment),
        (involved, report),
        (hurt, check_in),
    ] {
        assert!(s.withdraw(who, id).is_ok(), "{id:?}");
    }
    let c = &s.world.couple;
    let versions = c.apology.for_betrayal(betrayal).map(|a| a.versions.clone());
    let versions = versions.unwrap_or_default();
    assert_eq!(
        versions
            .iter()
            .map(|v| (v.id, v.number))
            .collect::<Vec<_>>(),
        [(second, 1)]
    );
    assert!(c.requests.get(request).is_none());
    assert!(c.commitments.get(commitment).is_none());
    assert!(c.contact.get(report).is_none());
    let rooms: Vec<_> = [EntryRoom::Apology, EntryRoom::Request, EntryRoom::Contact]
        .into_iter()
        .map(|room| c.withdrawals.in_room(room).count())
        .collect();
    assert_eq!(rooms, [1, 1, 1]);
    // What the hurt partner said back stays, and says what it answered.
    let answered = c.apology.answer_to_withdrawn(first).map(|r| r.by);
    assert_eq!(answered, Some(hurt));
    let read = c.contact.acknowledgement_of_withdrawn(report);
    let words = read.and_then(|ack| ack.response.as_deref());
    assert_eq!(words, Some("thank you for telling me at once"));
    let steps = c.requests.steps_of_withdrawn(request);
    let steps = steps.map(|k| (k.changes.len(), k.fulfilments.len()));
    assert_eq!(
        steps,
        Some((1, 1)),
        "the acceptance and the time it was done stay"
    );
    assert!(c.check_ins.get(check_in).is_none());
    let heard = c.check_ins.answer_to_withdrawn(check_in).map(|a| a.by);
    assert_eq!(heard, Some(involved));
    s.assert_folds_agree();
}

/// The event `World::share_check_in` recorded as `id`, as the store would
/// hand it to a fresh fold.
fn shared_check_in_event(w: &World, id: EntryId) -> CoupleEvent {
    let shared = w.couple.check_ins.get(id).expect("the check-in is shared");
    crate::checkin::CheckInEvent::Shared {
        check_in: shared.check_in.clone(),
        with: shared.with,
    }
    .into()
}

#[test]
fn a_kept_check_in_is_deleted_in_place() {
    let mut w = World::ticking();
    let me = w.hurt;
    let kept = |note: &str| PrivateCheckInEvent::Kept {
        check_in: CheckIn {
            feelings: Vec::new(),
            note: Some(note.to_owned()),
        },
    };
    let base = w.private(me).clone();
    let mut events: Vec<(Meta, PrivateEvent)> = Vec::new();
    let mut record = |w: &mut World, event: PrivateEvent| {
        let id = w.record_private(me, event.clone());
        let meta = Meta {
            seq: id.0,
            author: me,
            at: w.now,
        };
        events.push((meta, event));
        id
    };
    let stays = record(&mut w, kept("a calm evening").into());
    let gone = record(&mut w, kept("PRIVATE-MARKER").into());
    let delete = withdraw(&w.private(me).withdrawals, w.involved, gone);
    assert!(matches!(delete, Err(Refusal::NotAllowed(_))));
    let delete = withdraw(&w.private(me).withdrawals, me, gone);
    let Ok(delete) = delete else {
        panic!("the author may delete their check-in");
    };
    record(&mut w, delete.into());

    let mine = w.private(me);
    let ids: Vec<_> = mine.check_ins.all().iter().map(|c| c.id).collect();
    assert_eq!(ids, [stays]);
    assert_eq!(mine.seq, gone.0 + 1, "the stream's seq stays gap-free");
    let mut fresh: PrivateState = base;
    for (meta, event) in &events {
        if meta.seq == gone.0 {
            Projection::skip(&mut fresh, meta);
        } else {
            fresh.apply(meta, event);
        }
    }
    assert_eq!(format!("{mine:#?}"), format!("{fresh:#?}"));
    assert!(!format!("{mine:?}").contains("PRIVATE-MARKER"));
}

#[test]
fn the_withdrawal_names_the_event_it_redacts_in_both_streams() {
    let event = WithdrawalEvent::Withdrawn {
        entry: EntryId(7),
        room: EntryRoom::Truth,
        betrayal: Some(EntryId(2)),
        written_at: datetime!(2026-03-02 09:00 UTC),
        for_therapist: false,
    };
    assert_eq!(CoupleEvent::from(event.clone()).redacts(), Some(7));
    assert_eq!(PrivateEvent::from(event).redacts(), Some(7));
    let disclosed = TruthEvent::Asked {
        betrayal: EntryId(2),
        text: "?".into(),
    };
    assert_eq!(CoupleEvent::from(disclosed).redacts(), None);
}

#[test]
fn the_withdrawal_reads_back_from_its_stored_form() {
    let event = WithdrawalEvent::Withdrawn {
        entry: EntryId(7),
        room: EntryRoom::CheckIn,
        betrayal: None,
        written_at: datetime!(2026-03-02 09:00 UTC),
        for_therapist: false,
    };
    assert_round_trip(&event, "withdrawn");
}

pub(crate) fn any_event() -> impl Strategy<Value = WithdrawalEvent> {
    let rooms = prop_oneof![
        Just(EntryRoom::Truth),
        Just(EntryRoom::Apology),
        Just(EntryRoom::Request),
        Just(EntryRoom::Commitment),
        Just(EntryRoom::Contact),
        Just(EntryRoom::CheckIn),
        Just(EntryRoom::Pulse),
        Just(EntryRoom::Reflection),
        Just(EntryRoom::Talk),
        Just(EntryRoom::Together),
        Just(EntryRoom::Meeting),
        Just(EntryRoom::Session),
    ];
    (
        1u64..10_000,
        rooms,
        proptest::option::of(1u64..100),
        0i64..4_000_000_000,
    )
        .prop_map(
            |(entry, room, betrayal, seconds)| WithdrawalEvent::Withdrawn {
                entry: EntryId(entry),
                room,
                betrayal: betrayal.map(EntryId),
                written_at: time::OffsetDateTime::from_unix_timestamp(seconds)
                    .unwrap_or(time::OffsetDateTime::UNIX_EPOCH),
                for_therapist: entry % 2 == 0,
            },
        )
}

#[test]
fn nothing_leaves_an_ended_space_not_even_by_its_author() {
    let mut s = Story::new();
    let (hurt, involved) = (s.world.hurt, s.world.involved);
    let disclosure = s.disclose("We met twice more");
    let space = &s.world.couple.space;
    assert!(can_withdraw_shared(
        space,
        &s.world.couple.withdrawals,
        involved,
        disclosure
    ));
    let ended = crate::space::end(space, hurt, crate::space::EndReason::PartnerEnded)
        .expect("either partner may end the space");
    s.record(hurt, ended);

    let (space, state) = (&s.world.couple.space, &s.world.couple.withdrawals);
    assert!(!can_withdraw_shared(space, state, involved, disclosure));
    assert!(withdraw_shared(space, state, involved, disclosure).is_err());
    assert!(check_withdraw_shared(space, state, involved, disclosure).is_err());
    assert!(
        can_withdraw(state, involved, disclosure),
        "only the space says no"
    );
}

// ---- pulses and reflections ------------------------------------------------

fn answers(value: u8) -> crate::pulse::Answers {
    crate::pulse::Answers::new([value; crate::pulse::ITEM_COUNT]).expect("within the scale")
}

#[test]
fn a_withdrawn_shared_pulse_leaves_the_chart_and_folds_the_same_fresh_and_kept() {
    use crate::pulse::PulseEvent;
    let mut s = Story::new();
    let (hurt, involved) = (s.world.hurt, s.world.involved);
    let stays = s.record(
        hurt,
        PulseEvent::Shared {
            answers: answers(6),
        },
    );
    let theirs = s.record(
        involved,
        PulseEvent::Shared {
            answers: answers(4),
        },
    );
    let gone = s.record(
        hurt,
        PulseEvent::Shared {
            answers: answers(2),
        },
    );
    let gone_at = s.world.now;
    let state = &s.world.couple;
    assert_eq!(state.pulse.last_shared_at(hurt), Some(gone_at));
    // Only its author: not the partner, not a stranger; a kept id is not
    // an entry of the couple's record.
    assert!(!can_withdraw_shared(
        &state.space,
        &state.withdrawals,
        involved,
        gone
    ));
    assert!(!can_withdraw_shared(
        &state.space,
        &state.withdrawals,
        s.world.stranger,
        gone
    ));
    assert!(can_withdraw_shared(
        &state.space,
        &state.withdrawals,
        hurt,
        gone
    ));
    assert!(s.withdraw(hurt, gone).is_ok());

    let c = &s.world.couple;
    let left: Vec<_> = c.pulse.shared().iter().map(|p| p.id).collect();
    assert_eq!(
        left,
        [stays, theirs],
        "its answers leave every chart and count"
    );
    assert!(c.pulse.get(gone).is_none());
    assert!(c.pulse.last_shared_at(hurt) < Some(gone_at));
    let tombstones: Vec<_> = c
        .withdrawals
        .in_room(EntryRoom::Pulse)
        .map(|w| w.entry)
        .collect();
    assert_eq!(tombstones, [gone]);
    assert!(matches!(s.withdraw(hurt, gone), Err(Refusal::Conflict(_))));
    s.assert_folds_agree();

    // A partner's only pulse withdrawn: no "last shared" is left for them.
    assert!(s.withdraw(involved, theirs).is_ok());
    assert_eq!(s.world.couple.pulse.last_shared_at(involved), None);
    s.assert_folds_agree();
}

/// A person's private stream from some point on, kept so it can be folded
/// again as a fresh projection would read it from the store.
struct PrivateStory {
    world: World,
    me: UserId,
    base: PrivateState,
    events: Vec<(Meta, PrivateEvent)>,
}

impl PrivateStory {
    fn new() -> PrivateStory {
        let world = World::ticking();
        let me = world.hurt;
        let base = world.private(me).clone();
        PrivateStory {
            world,
            me,
            base,
            events: Vec::new(),
        }
    }

    fn record(&mut self, event: impl Into<PrivateEvent>) -> EntryId {
        let event = event.into();
        let id = self.world.record_private(self.me, event.clone());
        let meta = Meta {
            seq: id.0,
            author: self.me,
            at: self.world.now,
        };
        self.events.push((meta, event));
        id
    }

    /// The owner deletes `entry` through the command, as the web does:
    /// every event it returns, in one go.
    fn delete(&mut self, entry: EntryId) -> Result<usize, Refusal> {
        let events = self.world.private(self.me).delete(self.me, entry)?;
        let count = events.len();
        for event in events {
            self.record(event);
        }
        Ok(count)
    }

    /// The kept projection is the fresh fold, to the last field.
    fn assert_folds_agree(&self) {
        let fresh = fold_fresh(&self.base, &self.events);
        let kept = self.world.private(self.me);
        assert_eq!(format!("{kept:#?}"), format!("{fresh:#?}"));
        let snapshots = restores_at_every_prefix(&self.base, &self.events);
        assert_eq!(snapshots, Ok(()), "a snapshot did not restore");
    }
}

#[test]
fn a_kept_pulse_is_deleted_in_place() {
    use crate::pulse::PrivatePulseEvent;
    let mut p = PrivateStory::new();
    let stays = p.record(PrivatePulseEvent::Kept {
        answers: answers(5),
    });
    let gone = p.record(PrivatePulseEvent::Kept {
        answers: answers(1),
    });
    let partner = p.world.involved;
    let mine = p.world.private(p.me);
    assert!(matches!(
        mine.delete(partner, gone),
        Err(Refusal::NotAllowed(_))
    ));
    assert!(can_withdraw(&mine.withdrawals, p.me, gone));
    assert_eq!(p.delete(gone), Ok(1));
    let mine = p.world.private(p.me);
    let ids: Vec<_> = mine.pulses.all().iter().map(|k| k.id).collect();
    assert_eq!(ids, [stays]);
    assert!(!can_withdraw(&mine.withdrawals, p.me, gone));
    assert_eq!(mine.seq, gone.0 + 1, "the stream's seq stays gap-free");
    p.assert_folds_agree();
}

#[test]
fn a_kept_reflection_is_deleted_with_every_version_and_its_shared_copy_stays() {
    use crate::reflections::{self, PrivateReflectionEvent};
    let mut p = PrivateStory::new();
    let me = p.me;
    let keep = p.record(PrivateReflectionEvent::Written {
        prompt: reflections::Prompt::WorthIt,
        parts: vec!["a calm evening".into()],
    });
    let gone = p.record(PrivateReflectionEvent::Written {
        prompt: reflections::Prompt::WorthIt,
        parts: vec!["PRIVATE-MARKER one".into()],
    });
    let revise = |p: &PrivateStory, words: &str| {
        let mine = p.world.private(me).kept_reflections();
        reflections::revise(&p.world.couple.space, mine, me, gone, &[words])
    };
    let second = revise(&p, "PRIVATE-MARKER two").map(|e| p.record(e));
    assert!(second.is_ok());
    let shared = {
        let mine = p.world.private(me).kept_reflections();
        reflections::share(&p.world.couple.space, mine, me, gone, "2")
    };
    let Ok(reflections::ShareCopy { copy, mark }) = shared else {
        panic!("the author may share a copy");
    };
    let copy = p.world.record(me, copy);
    p.record(mark);
    let third = revise(&p, "PRIVATE-MARKER three").map(|e| p.record(e));
    assert!(third.is_ok());

    // The written reflection, two revisions and the mark of the copy: four
    // events, each redacted by its own withdrawal, in one commit.
    assert_eq!(p.delete(gone), Ok(4));
    let mine = p.world.private(me);
    let listed: Vec<_> = mine.reflections.listed().map(|r| r.id).collect();
    assert_eq!(listed, [keep]);
    assert!(mine.reflections.written(gone).is_none());
    assert!(!format!("{mine:?}").contains("PRIVATE-MARKER"));
    assert!(matches!(mine.delete(me, gone), Err(Refusal::Conflict(_))));
    let redacted: Vec<_> = p.events.iter().filter_map(|(_, e)| e.redacts()).collect();
    assert_eq!(redacted.len(), 4);
    assert_eq!(redacted.first(), Some(&gone.0));
    assert!(
        p.world.couple.reflections.copy(copy).is_some(),
        "the copy is an entry of its own"
    );
    p.assert_folds_agree();
}

#[test]
fn a_reflection_put_away_can_still_be_deleted() {
    use crate::reflections::{self, PrivateReflectionEvent};
    let mut p = PrivateStory::new();
    let gone = p.record(PrivateReflectionEvent::Written {
        prompt: reflections::Prompt::WorthIt,
        parts: vec!["PRIVATE-MARKER".into()],
    });
    let away = reflections::withdraw(p.world.private(p.me).kept_reflections(), p.me, gone);
    p.record(away.expect("its author may put it away"));
    assert_eq!(p.delete(gone), Ok(2));
    assert!(!format!("{:?}", p.world.private(p.me)).contains("PRIVATE-MARKER"));
    p.assert_folds_agree();
}

#[test]
fn withdrawn_copies_notes_and_reassurances_fold_the_same_fresh_and_kept() {
    use crate::reflections::{self, ReflectionEvent};
    let mut s = Story::new();
    let (hurt, involved) = (s.world.hurt, s.world.involved);
    let copy = s.record(
        involved,
        ReflectionEvent::CopyShared {
            prompt: reflections::Prompt::WorthIt,
            parts: vec!["SHARED-MARKER".into()],
        },
    );
    let note = |felt: &str| ReflectionEvent::TriggerNoted {
        when: "at the station".into(),
        felt: felt.into(),
        would_help: None,
    };
    let answered = s.record(hurt, note("NOTE-MARKER cold"));
    let open = s.record(hurt, note("alone"));
    let reassure = |s: &Story, note: EntryId, words: &str| {
        let c = &s.world.couple;
        reflections::reassure(Acting::new(&c.space, &c.reflections, involved), note, words)
    };
    let kept_words = reassure(&s, answered, "I am here").map(|e| s.record(involved, e));
    let taken_back = reassure(&s, open, "REASSURE-MARKER").map(|e| s.record(involved, e));
    let (Ok(_), Ok(taken_back)) = (kept_words, taken_back) else {
        panic!("the other partner may reassure");
    };
    // Each by its own author only.
    let c = &s.world.couple;
    for (who, id) in [(hurt, copy), (involved, answered), (hurt, taken_back)] {
        assert!(
            !can_withdraw_shared(&c.space, &c.withdrawals, who, id),
            "{id:?}"
        );
    }
    for (who, id) in [(involved, copy), (hurt, answered), (involved, taken_back)] {
        assert!(s.withdraw(who, id).is_ok(), "{id:?}");
    }

    let r = &s.world.couple.reflections;
    assert!(r.copy(copy).is_none());
    assert!(r.note(answered).is_none());
    // The reassurance to the withdrawn note stays, and says what it answered.
    let stays = r
        .reassurance_to_withdrawn(answered)
        .map(|a| (a.by.by, a.words.as_str()));
    assert_eq!(stays, Some((involved, "I am here")));
    // The note whose reassurance was withdrawn waits for an answer again.
    assert!(r.note(open).is_some_and(|n| n.reassurance.is_none()));
    let c = &s.world.couple;
    assert!(reflections::can_reassure(
        Acting::new(&c.space, &c.reflections, involved),
        open
    ));
    assert_eq!(c.withdrawals.in_room(EntryRoom::Reflection).count(), 3);
    let seen = format!("{c:?}");
    for marker in ["SHARED-MARKER", "NOTE-MARKER", "REASSURE-MARKER"] {
        assert!(!seen.contains(marker), "{marker}");
    }
    s.assert_folds_agree();
}

#[test]
fn a_reassurance_withdrawn_after_its_note_leaves_nothing_behind() {
    use crate::reflections::{self, ReflectionEvent};
    let mut s = Story::new();
    let (hurt, involved) = (s.world.hurt, s.world.involved);
    let note = s.record(
        hurt,
        ReflectionEvent::TriggerNoted {
            when: "at dinner".into(),
            felt: "shaky".into(),
            would_help: Some("a hand".into()),
        },
    );
    let c = &s.world.couple;
    let acting = Acting::new(&c.space, &c.reflections, involved);
    let words = reflections::reassure(acting, note, "REASSURE-MARKER");
    let words = s.record(involved, words.expect("the other partner may reassure"));
    assert!(s.withdraw(hurt, note).is_ok());
    assert!(s
        .world
        .couple
        .reflections
        .reassurance_to_withdrawn(note)
        .is_some());
    assert!(s.withdraw(involved, words).is_ok());
    assert!(s
        .world
        .couple
        .reflections
        .reassurance_to_withdrawn(note)
        .is_none());
    assert!(!format!("{:?}", s.world.couple).contains("REASSURE-MARKER"));
    s.assert_folds_agree();
}

// Talks, time together and agenda items (the rooms added last).

#[test]
fn a_withdrawn_talk_request_goes_and_the_answer_it_had_stays_and_says_what_it_answered() {
    use crate::talk::{TalkAnswer, TalkEvent, TalkKind, TalkSoon};
    let mut s = Story::new();
    let (hurt, involved) = (s.world.hurt, s.world.involved);
    let asked = |topic: &str| TalkEvent::Asked {
        kind: TalkKind::Details,
        soon: TalkSoon::Soon,
        topic: topic.to_owned(),
    };
    let request = s.record(hurt, asked("TALK-MARKER the hotel"));
    let answer = s.record(
        involved,
        TalkEvent::Answered {
            request,
            answer: TalkAnswer::Space {
                days: 3,
                words: Some("I need a few days".into()),
            },
        },
    );
    s.record(hurt, TalkEvent::SpaceEnded { request });
    let c = &s.world.couple.withdrawals;
    assert!(!can_withdraw(c, involved, request), "only its asker");
    assert!(!can_withdraw(c, hurt, answer), "only the one who answered");
    assert!(can_withdraw(c, involved, answer));
    assert!(s.withdraw(hurt, request).is_ok());

    let talk = &s.world.couple.talk;
    assert!(talk.get(request).is_none());
    let kept = talk.answer_to_withdrawn(request).map(|a| (a.id, a.by));
    assert_eq!(kept, Some((answer, involved)));
    let tombstones: Vec<_> = s
        .world
        .couple
        .withdrawals
        .in_room(EntryRoom::Talk)
        .collect();
    assert_eq!(tombstones.len(), 1);
    assert!(!format!("{:?}", s.world.couple).contains("TALK-MARKER"));
    s.assert_folds_agree();
    // The answer's words are still its author's to withdraw.
    assert!(s.withdraw(involved, answer).is_ok());
    assert!(s.world.couple.talk.answer_to_withdrawn(request).is_none());
    s.assert_folds_agree();
}

#[test]
fn a_withdrawn_answer_asking_for_space_lets_the_request_wait_for_an_answer_again() {
    use crate::talk::{Stage, TalkAnswer, TalkEvent};
    let mut s = Story::new();
    let (hurt, involved) = (s.world.hurt, s.world.involved);
    let request = s.ask_talk(involved, "Where we live");
    let now = s.answer_talk(hurt, request, TalkAnswer::Now);
    // An answer without words is a step, not an entry to withdraw.
    assert!(!can_withdraw(&s.world.couple.withdrawals, hurt, now));
    let other = s.ask_talk(involved, "The song");
    let space = s.record(
        hurt,
        TalkEvent::Answered {
            request: other,
            answer: TalkAnswer::Space {
                days: 2,
                words: Some("SPACE-MARKER not tonight".into()),
            },
        },
    );
    assert!(s.withdraw(involved, space).is_err(), "not the asker's");
    assert!(s.withdraw(hurt, space).is_ok());
    let talk = &s.world.couple.talk;
    assert_eq!(
        talk.get(other).map(|r| r.stage()),
        Some(Stage::AwaitingAnswer)
    );
    assert_eq!(talk.get(other).map(|r| r.topic.as_str()), Some("The song"));
    assert!(!format!("{:?}", s.world.couple).contains("SPACE-MARKER"));
    s.assert_folds_agree();
}

#[test]
fn a_withdrawn_quiet_note_is_no_longer_held_for_the_end_of_the_quiet_period() {
    use crate::talk::TalkEvent;
    let mut s = Story::new();
    let (hurt, involved) = (s.world.hurt, s.world.involved);
    s.record(hurt, TalkEvent::QuietDeclared { days: 3 });
    let note = s.record(
        involved,
        TalkEvent::QuietNoteLeft {
            note: "NOTE-MARKER I am here".into(),
        },
    );
    assert!(!can_withdraw(&s.world.couple.withdrawals, hurt, note));
    assert!(s.withdraw(involved, note).is_ok());
    let talk = &s.world.couple.talk;
    assert!(talk.quiet_periods().iter().all(|p| p.note.is_none()));
    assert_eq!(talk.notes_held(s.world.now).count(), 0);
    assert!(!format!("{:?}", s.world.couple).contains("NOTE-MARKER"));
    // Its tombstone waits, as the note did, until the quiet period ends.
    let stone = s.world.couple.withdrawals.withdrawn(note).copied();
    let stone = stone.expect("a tombstone");
    let held = |viewer, now| talk.tombstone_held(viewer, stone.stamp.by, stone.written_at, now);
    assert!(held(hurt, s.world.now));
    assert!(!held(involved, s.world.now), "its author sees it");
    assert!(!held(hurt, s.world.now + Duration::days(4)));
    s.assert_folds_agree();
}

#[test]
fn withdrawn_plans_words_and_rituals_fold_the_same_fresh_and_kept() {
    use crate::together::{Connection, TogetherEvent};
    let mut s = Story::new();
    let (hurt, involved) = (s.world.hurt, s.world.involved);
    let at = datetime!(2026-03-07 18:00 UTC);
    let suggest = |what: &str| TogetherEvent::Suggested {
        what: what.to_owned(),
        at,
    };
    let walk = s.record(hurt, suggest("A walk by the river"));
    s.record(involved, TogetherEvent::Accepted { plan: walk });
    let connection = Connection::new(4).expect("4 is a connection");
    let shared = |line: &str| TogetherEvent::Shared {
        plan: walk,
        connection,
        line: Some(line.to_owned()),
    };
    let theirs = s.record(involved, shared("WORD-MARKER it felt easy"));
    s.record(hurt, shared("I liked it"));
    let dinner = s.record(involved, suggest("PLAN-MARKER dinner out"));
    s.record(hurt, TogetherEvent::Accepted { plan: dinner });
    s.record(hurt, TogetherEvent::Happened { plan: dinner });
    let ritual = s.record(
        hurt,
        TogetherEvent::RitualBegun {
            what: "RITUAL-MARKER tea at nine".into(),
        },
    );
    s.record(
        involved,
        TogetherEvent::RitualDone {
            ritual,
            on: date!(2026 - 03 - 08),
        },
    );
    let state = &s.world.couple.withdrawals;
    assert!(!can_withdraw(state, hurt, theirs));
    assert!(!can_withdraw(state, involved, ritual));
    for (who, id) in [(involved, theirs), (involved, dinner), (hurt, ritual)] {
        assert!(s.withdraw(who, id).is_ok(), "{id:?}");
    }
    let together = &s.world.couple.together;
    let plan = together.plan(walk).expect("the walk stays");
    assert_eq!(plan.words.iter().map(|w| w.by).collect::<Vec<_>>(), [hurt]);
    assert!(plan.happened_for(hurt) && !plan.happened_for(involved));
    assert!(together.plan(dinner).is_none());
    assert!(together.ritual(ritual).is_none());
    let seen = format!("{:?}", s.world.couple);
    for marker in ["WORD-MARKER", "PLAN-MARKER", "RITUAL-MARKER"] {
        assert!(!seen.contains(marker), "{marker}");
    }
    s.assert_folds_agree();
}

#[test]
fn a_withdrawn_meeting_item_leaves_the_agenda_and_the_meeting_that_covered_it() {
    use crate::meeting::{AgendaItem, MeetingEvent};
    let mut s = Story::new();
    let (hurt, involved) = (s.world.hurt, s.world.involved);
    let add = |text: &str| MeetingEvent::ItemAdded {
        item: AgendaItem::Plan {
            text: text.to_owned(),
        },
    };
    let mine = s.record(hurt, add("ITEM-MARKER the school run"));
    let theirs = s.record(involved, add("Sunday lunch"));
    let waits = s.record(hurt, add("The holidays"));
    for who in [hurt, involved] {
        s.record(
            who,
            MeetingEvent::HeldMarked {
                round: 1,
                covered: vec![mine, theirs],
                agreed: None,
            },
        );
    }
    assert!(!can_withdraw(&s.world.couple.withdrawals, involved, mine));
    assert!(s.withdraw(hurt, mine).is_ok());
    assert!(s.withdraw(hurt, waits).is_ok());
    let meetings = &s.world.couple.meeting;
    assert!(meetings.item(mine).is_none());
    assert_eq!(meetings.held()[0].covered, [theirs]);
    assert!(meetings.agenda().is_empty());
    assert!(!format!("{:?}", s.world.couple).contains("ITEM-MARKER"));
    s.assert_folds_agree();
}

#[test]
fn a_withdrawn_session_item_leaves_its_tombstone_in_its_engagement() {
    use crate::sessions::SessionEvent;
    let mut s = Story::new();
    let (hurt, involved) = (s.world.hurt, s.world.involved);
    let engagement = EntryId(2);
    let add = |text: &str| SessionEvent::ItemAdded {
        engagement,
        text: text.to_owned(),
    };
    let covered = s.record(involved, add("SESSION-MARKER the first year"));
    let waiting = s.record(hurt, add("SESSION-MARKER our son"));
    s.record(
        hurt,
        SessionEvent::Held {
            engagement,
            number: 1,
            covered: vec![covered],
            talked_about: Vec::new(),
        },
    );
    assert!(!can_withdraw(&s.world.couple.withdrawals, hurt, covered));
    assert!(s.withdraw(involved, covered).is_ok());
    assert!(s.withdraw(hurt, waiting).is_ok());
    let sessions = &s.world.couple.sessions;
    assert!(sessions.items_of(engagement).is_empty());
    assert!(sessions.held_of(engagement)[0].covered.is_empty());
    let places: Vec<_> = s
        .world
        .couple
        .withdrawals
        .in_room(EntryRoom::Session)
        .map(|w| w.betrayal)
        .collect();
    assert_eq!(places, [Some(engagement), Some(engagement)]);
    assert!(!format!("{:?}", s.world.couple).contains("SESSION-MARKER"));
    s.assert_folds_agree();
}

#[test]
fn kept_words_on_a_talk_and_on_time_together_are_deleted_in_place() {
    use crate::talk::PrivateTalkEvent;
    use crate::together::{Connection, PrivateTogetherEvent};
    let mut w = World::ticking();
    let me = w.hurt;
    let base = w.private(me).clone();
    let mut events: Vec<(Meta, PrivateEvent)> = Vec::new();
    let mut record = |w: &mut World, event: PrivateEvent| {
        let id = w.record_private(me, event.clone());
        let meta = Meta {
            seq: id.0,
            author: me,
            at: w.now,
        };
        events.push((meta, event));
        id
    };
    let (request, plan) = (EntryId(40), EntryId(41));
    let talk = |words: &str| PrivateTalkEvent::HowItWent {
        request,
        words: words.to_owned(),
    };
    let word = record(&mut w, talk("KEPT-TALK-MARKER hard but good").into());
    let kept = PrivateTogetherEvent::Kept {
        plan,
        connection: Connection::new(2).expect("2 is a connection"),
        line: Some("KEPT-TOGETHER-MARKER".into()),
    };
    let line = record(&mut w, kept.into());
    let stays = record(&mut w, talk("a second word").into());
    for gone in [word, line] {
        let refused = withdraw(&w.private(me).withdrawals, w.involved, gone);
        assert!(matches!(refused, Err(Refusal::NotAllowed(_))));
        let Ok(delete) = withdraw(&w.private(me).withdrawals, me, gone) else {
            panic!("the author may delete what they kept");
        };
        record(&mut w, delete.into());
    }
    let mine = w.private(me);
    assert_eq!(mine.talk.kept(request).map(|k| k.id), Some(stays));
    assert!(mine.together.on(plan).is_none());
    assert!(can_withdraw(&mine.withdrawals, me, stays));
    let mut fresh: PrivateState = base;
    for (meta, event) in &events {
        if meta.seq == word.0 || meta.seq == line.0 {
            Projection::skip(&mut fresh, meta);
        } else {
            fresh.apply(meta, event);
        }
    }
    assert_eq!(format!("{mine:#?}"), format!("{fresh:#?}"));
    let seen = format!("{mine:?}");
    assert!(!seen.contains("KEPT-TALK-MARKER") && !seen.contains("KEPT-TOGETHER-MARKER"));
}

#[test]
fn only_a_check_in_marked_for_the_therapist_leaves_them_a_tombstone() {
    let mut s = Story::new();
    let hurt = s.world.hurt;
    let share = |s: &mut Story, for_therapist: bool| {
        let feelings = [("hopeful", "3")];
        let id = if for_therapist {
            s.world.check_in_for_therapist(hurt, &feelings)
        } else {
            s.world.share_check_in(hurt, &feelings)
        };
        let meta = Meta {
            seq: id.0,
            author: hurt,
            at: s.world.now,
        };
        s.events.push((meta, shared_check_in_event(&s.world, id)));
        id
    };
    let marked = share(&mut s, true);
    let partner_only = share(&mut s, false);
    assert!(s.world.couple.withdrawals.is_for_therapist(marked));
    assert!(!s.world.couple.withdrawals.is_for_therapist(partner_only));
    for id in [marked, partner_only] {
        assert!(s.withdraw(hurt, id).is_ok(), "{id:?}");
    }
    let stones: Vec<_> = s
        .world
        .couple
        .withdrawals
        .in_room(EntryRoom::CheckIn)
        .map(|w| (w.entry, w.for_therapist))
        .collect();
    assert_eq!(stones, [(marked, true), (partner_only, false)]);
    assert!(!s.world.couple.withdrawals.is_for_therapist(marked));
    s.assert_folds_agree();
}

#[test]
fn a_withdrawn_word_on_how_a_talk_went_takes_its_we_talked_with_it() {
    use crate::talk::{Stage, TalkAnswer};
    let mut s = Story::new();
    let (hurt, involved) = (s.world.hurt, s.world.involved);
    let request = s.ask_talk(hurt, "The weekend away");
    s.answer_talk(involved, request, TalkAnswer::Now);
    let said = s.talk_happened(
        hurt,
        request,
        Some("HOW-MARKER it was hard but good".into()),
    );
    let bare = s.talk_happened(involved, request, None);
    let state = &s.world.couple.withdrawals;
    assert!(!can_withdraw(state, involved, said), "only its author");
    assert!(
        !can_withdraw(state, involved, bare),
        "a mark without words is a step"
    );
    assert!(s.withdraw(hurt, said).is_ok());

    let talk = &s.world.couple.talk;
    let marks: Vec<_> = talk.get(request).map_or(Vec::new(), |r| {
        r.happened.iter().map(|m| (m.id, m.by)).collect()
    });
    assert_eq!(marks, [(bare, involved)], "the other partner's mark stays");
    assert_eq!(talk.get(request).map(|r| r.stage()), Some(Stage::Happened));
    let stone = s.world.couple.withdrawals.withdrawn(said).map(|w| w.room);
    assert_eq!(stone, Some(EntryRoom::Talk));
    assert!(!format!("{:?}", s.world.couple).contains("HOW-MARKER"));
    s.assert_folds_agree();
}

#[test]
fn a_talk_whose_only_word_was_withdrawn_is_agreed_again() {
    use crate::talk::{Stage, TalkAnswer};
    let mut s = Story::new();
    let (hurt, involved) = (s.world.hurt, s.world.involved);
    let request = s.ask_talk(involved, "The bank account");
    s.answer_talk(hurt, request, TalkAnswer::AtQuietTalk);
    let said = s.talk_happened(involved, request, Some("ONLY-MARKER we settled it".into()));
    assert!(s.withdraw(involved, said).is_ok());
    let talk = &s.world.couple.talk;
    let request = talk.get(request).expect("the request stays");
    assert!(request.happened.is_empty());
    assert_eq!(request.stage(), Stage::Agreed);
    assert!(!format!("{:?}", s.world.couple).contains("ONLY-MARKER"));
    s.assert_folds_agree();
}

#[test]
fn a_ritual_set_aside_is_still_its_authors_to_withdraw() {
    use crate::together::TogetherEvent;
    let mut s = Story::new();
    let (hurt, involved) = (s.world.hurt, s.world.involved);
    let ritual = s.record(
        involved,
        TogetherEvent::RitualBegun {
            what: "ASIDE-MARKER a walk on Sundays".into(),
        },
    );
    s.record(
        hurt,
        TogetherEvent::RitualDone {
            ritual,
            on: date!(2026 - 03 - 08),
        },
    );
    s.record(hurt, TogetherEvent::RitualSetAside { ritual });
    let aside = s.world.couple.together.ritual(ritual).map(|r| r.set_aside);
    assert!(matches!(aside, Some(Some(_))), "set aside, still there");
    let state = &s.world.couple.withdrawals;
    let space = &s.world.couple.space;
    assert!(
        !can_withdraw_shared(space, state, hurt, ritual),
        "not who set it aside"
    );
    assert!(can_withdraw_shared(space, state, involved, ritual));
    assert!(s.withdraw(involved, ritual).is_ok());
    assert!(s.world.couple.together.ritual(ritual).is_none());
    let stone = s.world.couple.withdrawals.withdrawn(ritual).map(|w| w.room);
    assert_eq!(stone, Some(EntryRoom::Together));
    assert!(!format!("{:?}", s.world.couple).contains("ASIDE-MARKER"));
    s.assert_folds_agree();
}

#[test]
fn a_reflection_put_away_is_listed_until_deleted() {
    use crate::reflections::{self, PrivateReflectionEvent};
    let mut p = PrivateStory::new();
    let kept = p.record(PrivateReflectionEvent::Written {
        prompt: reflections::Prompt::WorthIt,
        parts: vec!["still on the list".into()],
    });
    let gone = p.record(PrivateReflectionEvent::Written {
        prompt: reflections::Prompt::WorthIt,
        parts: vec!["AWAY-MARKER".into()],
    });
    let away = reflections::withdraw(p.world.private(p.me).kept_reflections(), p.me, gone);
    p.record(away.expect("its author may put it away"));
    let listed = |p: &PrivateStory| {
        let own = p.world.private(p.me).kept_reflections().read_as(p.me);
        let own = own.expect("their own");
        let ids = |it: &mut dyn Iterator<Item = &reflections::Reflection>| {
            it.map(|r| r.id).collect::<Vec<_>>()
        };
        (ids(&mut own.listed()), ids(&mut own.put_away()))
    };
    assert_eq!(listed(&p), (vec![kept], vec![gone]));
    assert_eq!(p.delete(gone), Ok(2));
    assert_eq!(listed(&p), (vec![kept], vec![]));
    assert!(!format!("{:?}", p.world.private(p.me)).contains("AWAY-MARKER"));
    p.assert_folds_agree();
}
