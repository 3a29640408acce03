use super::*;
use crate::kernel::ids::EntryId;
use crate::kernel::refusal::Refusal;
use crate::testing::{refused_field, user, World};
use time::macros::date;

fn betrayal(hurt: &str, discovered_on: &str) -> BetrayalInput {
    BetrayalInput {
        kind: "emotional_affair".to_owned(),
        hurt: hurt.to_owned(),
        discovered_on: discovered_on.to_owned(),
        note: String::new(),
    }
}

#[test]
fn who_was_hurt_is_read_from_the_person_recording_it() {
    let w = World::new();
    let space = &w.couple.space;
    let by_involved = record_betrayal(space, w.involved, &betrayal("me", ""), w.now).unwrap();
    assert!(matches!(
        by_involved,
        SpaceEvent::BetrayalRecorded {
            hurt: Slot::Invitee,
            ..
        }
    ));
    let by_hurt = record_betrayal(space, w.hurt, &betrayal("partner", ""), w.now).unwrap();
    assert!(matches!(
        by_hurt,
        SpaceEvent::BetrayalRecorded {
            hurt: Slot::Invitee,
            ..
        }
    ));
    assert_eq!(
        record_betrayal(space, w.stranger, &betrayal("me", ""), w.now),
        Err(Refusal::NotAMember)
    );
}

#[test]
fn a_discovery_in_the_future_is_refused_on_its_field() {
    let w = World::new();
    let tomorrow = (w.now.date() + time::Duration::days(1)).to_string();
    let refused = record_betrayal(&w.couple.space, w.hurt, &betrayal("me", &tomorrow), w.now);
    assert_eq!(refused_field(refused), "discovered_on");
    assert_eq!(
        parse_optional_date("d", "2026-03-14"),
        Ok(Some(date!(2026 - 03 - 14)))
    );
}

#[test]
fn a_full_space_takes_nobody_else() {
    let w = World::new();
    assert!(join(&w.couple.space, w.involved).is_err());
    assert!(join(&w.couple.space, user(9)).is_err());
    assert!(!can_join(&w.couple.space, user(9)));
    let empty = create_space(&betrayal("me", ""), w.now).unwrap();
    let mut space = SpaceState::default();
    for (seq, event) in (1..).zip(&empty) {
        let meta = crate::kernel::event::Meta {
            seq,
            author: w.hurt,
            at: w.now,
        };
        space.apply(&meta, event);
    }
    assert_eq!(join(&space, w.involved), Ok(SpaceEvent::PartnerJoined));
    assert!(can_join(&space, w.involved));
    assert!(!can_join(&space, w.hurt), "the creator is in already");
    assert_eq!(space.roles_of(w.hurt), vec![(EntryId(2), Role::Hurt)]);
}

/// Every space event, with the day and the note both present and absent.
pub(crate) fn any_event() -> impl proptest::strategy::Strategy<Value = SpaceEvent> {
    use crate::testing::strategies::{maybe_day, maybe_text, one_of};
    use proptest::prelude::*;
    let recorded = (
        one_of(BetrayalKind::ALL),
        one_of([Slot::Creator, Slot::Invitee]),
        maybe_day(),
        maybe_text(),
    )
        .prop_map(
            |(kind, hurt, discovered_on, note)| SpaceEvent::BetrayalRecorded {
                kind,
                hurt,
                discovered_on,
                note,
            },
        );
    prop_oneof![
        Just(SpaceEvent::Created),
        recorded,
        Just(SpaceEvent::PartnerJoined)
    ]
}
