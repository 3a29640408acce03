//! Snapshots of the stream states (`kernel::snapshot`): restored from the
//! snapshot taken at any point of a stream and folded on, a state is the
//! fold of the whole stream; and the bytes of a fixed story's states are
//! pinned, so that whoever changes a type a state holds is told to bump
//! `STATE_FORMAT`.
//!
//! The stories are made of every room's events, drawn from the strategies
//! the round-trip properties use (`round_trip.rs`), one list per stream.

use super::couple::{CoupleEvent, CoupleState};
use super::private::{PrivateEvent, PrivateState};
use crate::kernel::event::{Meta, Projection};
use crate::kernel::ids::{CoupleId, EntryId, UserId};
use crate::kernel::snapshot::STATE_FORMAT;
use crate::testing::World;
use crate::therapist::practice::PracticeEvent;
use crate::withdrawal::WithdrawalEvent;
use proptest::prelude::*;
use proptest::strategy::{BoxedStrategy, Union, ValueTree};
use proptest::test_runner::TestRunner;
use std::collections::BTreeSet;
use std::fmt::Debug;

/// The state a fold of `events` onto `base` holds when the store serves
/// them: an event a later one of them redacts has lost its payload and is
/// skipped.
fn fold_fresh<P: Projection + Clone>(base: &P, events: &[(Meta, P::Event)]) -> P {
    let mut state = base.clone();
    fold_on(&mut state, events, &redacted::<P>(events));
    state
}

fn fold_on<P: Projection>(state: &mut P, events: &[(Meta, P::Event)], redacted: &BTreeSet<u64>) {
    for (meta, event) in events {
        if redacted.contains(&meta.seq) {
            state.skip(meta);
        } else {
            state.apply(meta, event);
        }
    }
}

fn redacted<P: Projection>(events: &[(Meta, P::Event)]) -> BTreeSet<u64> {
    events
        .iter()
        .filter_map(|(_, event)| P::redacts(event))
        .collect()
}

/// For every prefix of `events` after `base`: the snapshot of the state
/// folded so far, read back and folded on with the rest, is the fold of
/// them all, to the byte and to the last field. A prefix some later event
/// redacts into is left out: the web folds such a stream afresh from its
/// first event instead (`projections::catch_up`, its `stale` rule).
pub(crate) fn restores_at_every_prefix<P>(
    base: &P,
    events: &[(Meta, P::Event)],
) -> Result<(), String>
where
    P: Projection + Clone + Debug,
{
    let whole = fold_fresh(base, events);
    let whole_bytes = whole.to_snapshot().ok_or("the state does not serialise")?;
    let all_redacted = redacted::<P>(events);
    for k in 0..=events.len() {
        let (before, after) = events.split_at(k);
        let folded = before.last().map_or(base.seq(), |(meta, _)| meta.seq);
        let stale = after
            .iter()
            .any(|(_, event)| P::redacts(event).is_some_and(|target| target <= folded));
        if stale {
            continue;
        }
        let bytes = fold_fresh(base, before)
            .to_snapshot()
            .ok_or("a prefix's state does not serialise")?;
        let mut restored =
            P::from_snapshot(&bytes).ok_or(format!("the snapshot at {folded} does not read"))?;
        fold_on(&mut restored, after, &all_redacted);
        if restored.to_snapshot().as_ref() != Some(&whole_bytes) {
            return Err(format!("restored at {folded}, the bytes differ"));
        }
        let (restored, whole) = (format!("{restored:#?}"), format!("{whole:#?}"));
        if restored != whole {
            return Err(format!(
                "restored at {folded}:\n{restored}\nfolded whole:\n{whole}"
            ));
        }
    }
    Ok(())
}

/// Every room's events in the couple stream.
fn couple_rooms() -> Vec<BoxedStrategy<CoupleEvent>> {
    macro_rules! rooms {
        ($($strategy:expr,)*) => {
            vec![$($strategy.prop_map(CoupleEvent::from).boxed(),)*]
        };
    }
    rooms![
        crate::space::tests::any_event(),
        crate::truth::tests::any_event(),
        crate::apology::tests::any_event(),
        crate::requests::tests::any_event(),
        crate::commitments::tests::any_event(),
        crate::contact::tests::any_event(),
        crate::checkin::tests::any_event(),
        crate::pulse::tests::any_event(),
        crate::readiness::tests::any_event(),
        crate::talk::tests::any_event(),
        crate::together::tests::any_event(),
        crate::meeting::tests::any_event(),
        crate::therapist::tests::any_event(),
        crate::reflections::tests::any_event(),
        crate::sessions::tests::any_event(),
        crate::withdrawal::tests::any_event(),
    ]
}

/// A therapist's own notes on a couple, in their private stream.
fn any_practice_event() -> impl Strategy<Value = PracticeEvent> {
    let couple = (0u128..4).prop_map(|n| CoupleId(uuid::Uuid::from_u128(n)));
    prop_oneof![
        (couple.clone(), "[a-z ]{0,12}")
            .prop_map(|(couple, name)| PracticeEvent::CoupleNamed { couple, name }),
        (couple, "[a-z ]{0,12}")
            .prop_map(|(couple, text)| PracticeEvent::NoteWritten { couple, text }),
    ]
}

/// Every room's events in a private stream.
fn private_rooms() -> Vec<BoxedStrategy<PrivateEvent>> {
    macro_rules! rooms {
        ($($strategy:expr,)*) => {
            vec![$($strategy.prop_map(PrivateEvent::from).boxed(),)*]
        };
    }
    rooms![
        crate::checkin::tests::any_private_event(),
        crate::pulse::tests::any_private_event(),
        crate::signs::tests::any_event(),
        crate::visits::tests::any_event(),
        crate::readiness::tests::any_mark_event(),
        crate::talk::tests::any_private_event(),
        crate::together::tests::any_private_event(),
        crate::reflections::tests::any_private_event(),
        any_practice_event(),
        crate::withdrawal::tests::any_event(),
    ]
}

/// A withdrawal aimed at an earlier event of the stream, as the store
/// allows: one at `seq` names an event before it.
fn aimed(withdrawal: &WithdrawalEvent, seq: u64) -> WithdrawalEvent {
    let mut aimed = withdrawal.clone();
    let WithdrawalEvent::Withdrawn { entry, .. } = &mut aimed;
    *entry = EntryId(1 + entry.0 % seq.saturating_sub(1).max(1));
    aimed
}

/// Couple events recorded on the test world by either partner, as the
/// store would number and date them.
fn couple_story(events: Vec<(bool, CoupleEvent)>) -> (CoupleState, Vec<(Meta, CoupleEvent)>) {
    let mut world = World::ticking();
    let base = world.couple.clone();
    let mut story = Vec::with_capacity(events.len());
    for (by_hurt, event) in events {
        let author = if by_hurt { world.hurt } else { world.involved };
        let seq = world.couple.seq + 1;
        let event = match event {
            CoupleEvent::Withdrawal(w) => CoupleEvent::Withdrawal(aimed(&w, seq)),
            other => other,
        };
        world.record(author, event.clone());
        story.push((meta(seq, author, &world), event));
    }
    (base, story)
}

/// Private events recorded in the hurt partner's private stream.
fn private_story(events: Vec<PrivateEvent>) -> (PrivateState, Vec<(Meta, PrivateEvent)>) {
    let mut world = World::ticking();
    let me = world.hurt;
    let base = world.private(me).clone();
    let mut story = Vec::with_capacity(events.len());
    for event in events {
        let seq = world.private(me).seq + 1;
        let event = match event {
            PrivateEvent::Withdrawal(w) => PrivateEvent::Withdrawal(aimed(&w, seq)),
            other => other,
        };
        world.record_private(me, event.clone());
        story.push((meta(seq, me, &world), event));
    }
    (base, story)
}

fn meta(seq: u64, author: UserId, world: &World) -> Meta {
    Meta {
        seq,
        author,
        at: world.now,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn a_couple_state_restored_at_any_point_folds_on_to_the_whole(
        events in proptest::collection::vec((any::<bool>(), Union::new(couple_rooms())), 1..40)
    ) {
        let (base, story) = couple_story(events);
        restores_at_every_prefix(&base, &story).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn a_private_state_restored_at_any_point_folds_on_to_the_whole(
        events in proptest::collection::vec(Union::new(private_rooms()), 1..40)
    ) {
        let (base, story) = private_story(events);
        restores_at_every_prefix(&base, &story).map_err(TestCaseError::fail)?;
    }
}

/// The same events every run: a dozen of each room's, in room order.
fn fixed<T: Debug>(rooms: Vec<BoxedStrategy<T>>) -> Vec<T> {
    let mut runner = TestRunner::deterministic();
    let mut events = Vec::new();
    for room in rooms {
        for _ in 0..12 {
            match room.new_tree(&mut runner) {
                Ok(tree) => events.push(tree.current()),
                Err(reason) => panic!("no event drawn: {reason}"),
            }
        }
    }
    events
}

/// FNV-1a, 64 bits: enough to tell bytes apart, and the same everywhere.
fn fingerprint(bytes: &[u8]) -> String {
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("{hash:016x}")
}

/// Each `STATE_FORMAT` with the fingerprints of the fixed stories' couple
/// and private states under it, oldest first.
const PINNED: &[(u32, &str, &str)] = &[
    (1, "fee505f7669869fc", "4647ccb95b6cc3fb"),
    (2, "65b1cb23e35d7294", "4647ccb95b6cc3fb"),
];

/// If this fails, a type a stream state holds changed shape, and older
/// snapshots would be misread: bump `STATE_FORMAT` (kernel/snapshot.rs)
/// and add a line to `PINNED` with the new format and fingerprints. (A new
/// version of `proptest` that draws other events changes them too: bump
/// all the same, it only costs each stream one fold from its events.)
#[test]
fn the_bytes_of_a_fixed_story_are_pinned_to_the_state_format() {
    let couple_events = fixed(couple_rooms())
        .into_iter()
        .enumerate()
        .map(|(n, event)| (n % 3 != 0, event))
        .collect();
    let (base, story) = couple_story(couple_events);
    let couple = fold_fresh(&base, &story).to_snapshot().unwrap_or_default();
    let (base, story) = private_story(fixed(private_rooms()));
    let private = fold_fresh(&base, &story).to_snapshot().unwrap_or_default();
    let (couple, private) = (fingerprint(&couple), fingerprint(&private));
    let now = (STATE_FORMAT, couple.as_str(), private.as_str());
    let formats: Vec<u32> = PINNED.iter().map(|(format, _, _)| *format).collect();
    assert!(
        formats.windows(2).all(|pair| pair[0] < pair[1]),
        "formats only grow"
    );
    assert_eq!(
        PINNED.last().copied(),
        Some(now),
        "a state type changed shape: bump STATE_FORMAT and pin the new fingerprints with it"
    );
}
