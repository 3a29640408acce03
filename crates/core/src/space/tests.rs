use super::*;
use crate::kernel::ids::{EntryId, UserId};
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

/// The world's space, ended by the hurt partner.
fn ended() -> World {
    let mut w = World::new();
    let hurt = w.hurt;
    w.run(hurt, |s, a, _| end(&s.space, a, EndReason::PartnerEnded));
    w
}

#[test]
fn either_partner_alone_ends_the_space_once_and_a_stranger_cannot() {
    let w = World::new();
    let space = &w.couple.space;
    assert!(can_end(space, w.hurt) && can_end(space, w.involved));
    assert_eq!(
        end(space, w.involved, EndReason::AccountDeleted),
        Ok(SpaceEvent::Ended {
            reason: EndReason::AccountDeleted
        })
    );
    assert_eq!(
        end(space, w.stranger, EndReason::PartnerEnded),
        Err(Refusal::NotAMember)
    );
    let w = ended();
    let ending = w.couple.space.ended.expect("ended");
    assert_eq!((ending.by, ending.at), (w.hurt, w.now));
    assert_eq!(ending.reason, EndReason::PartnerEnded);
    assert!(!can_end(&w.couple.space, w.involved), "ended once");
    assert_eq!(
        end(&w.couple.space, w.involved, EndReason::PartnerEnded),
        Err(Refusal::Conflict(CLOSED))
    );
    assert!(
        w.couple.space.is_member(w.involved),
        "both stay partners, to read the record"
    );
}

#[test]
fn an_ended_space_takes_no_betrayal_no_invitation_and_nobody_joining() {
    let w = ended();
    let space = &w.couple.space;
    assert_eq!(
        record_betrayal(space, w.hurt, &betrayal("me", ""), w.now),
        Err(Refusal::Conflict(CLOSED))
    );
    assert!(!can_invite(space, w.hurt));
    // A creator alone, with an invitation out, ends the space: the old
    // invitation leads nowhere.
    let mut alone = SpaceState::default();
    let meta = |seq| crate::kernel::event::Meta {
        seq,
        author: w.hurt,
        at: w.now,
    };
    for (seq, event) in (1..).zip(create_space(&betrayal("me", ""), w.now).unwrap()) {
        alone.apply(&meta(seq), &event);
    }
    assert!(can_invite(&alone, w.hurt) && can_join(&alone, w.involved));
    let event = end(&alone, w.hurt, EndReason::PartnerEnded).unwrap();
    alone.apply(&meta(3), &event);
    assert!(!can_invite(&alone, w.hurt));
    assert!(!can_join(&alone, w.involved));
    assert!(matches!(
        join(&alone, w.involved),
        Err(Refusal::Conflict(_))
    ));
}

#[test]
fn every_room_refuses_every_step_once_the_space_ended() {
    use crate::access::room::Acting;
    use crate::{
        checkin, meeting, pulse, readiness, reflections, talk, therapist, together, truth,
    };
    let open = World::new();
    let w = ended();
    for who in [w.hurt, w.involved] {
        let question = truth::QuestionInput {
            betrayal: String::new(),
            text: "Where were you?".into(),
        };
        if who == w.hurt {
            assert!(truth::ask(&open.couple.space, who, &question).is_ok());
        }
        assert_eq!(
            truth::ask(&w.couple.space, who, &question).err(),
            Some(Refusal::Conflict(CLOSED))
        );
        let feeling = checkin::CheckInInput {
            feelings: vec![("sad".into(), "3".into())],
            note: String::new(),
            visibility: "only_me".into(),
        };
        assert!(checkin::check_in(&open.couple.space, who, &feeling).is_ok());
        assert_eq!(
            checkin::check_in(&w.couple.space, who, &feeling).err(),
            Some(Refusal::Conflict(CLOSED))
        );
        let form = crate::testing::pulse_form(crate::testing::steady(4), "only_me", &[]);
        assert!(pulse::record_pulse(&open.couple.space, who, &form).is_ok());
        assert_eq!(
            pulse::record_pulse(&w.couple.space, who, &form).err(),
            Some(Refusal::Conflict(CLOSED))
        );
        fn readiness_of(w: &World, who: UserId) -> Acting<'_, readiness::ReadinessList> {
            Acting::new(&w.couple.space, &w.couple.readiness, who)
        }
        assert!(readiness::propose(readiness_of(&open, who), "Holding hands").is_ok());
        assert_eq!(
            readiness::propose(readiness_of(&w, who), "Holding hands").err(),
            Some(Refusal::Conflict(CLOSED))
        );
        fn talks(w: &World, who: UserId) -> Acting<'_, talk::Talks> {
            Acting::new(&w.couple.space, &w.couple.talk, who)
        }
        let no_form = talk::AskInput::default();
        assert!(talk::ask(talks(&open, who), open.now, &no_form)
            .is_err_and(|refusal| refusal != Refusal::Conflict(CLOSED)));
        assert_eq!(
            talk::ask(talks(&w, who), w.now, &no_form).err(),
            Some(Refusal::Conflict(CLOSED))
        );
        assert!(meeting::can_add_item(Acting::new(
            &open.couple.space,
            &open.couple.meeting,
            who
        )));
        let meetings = Acting::new(&w.couple.space, &w.couple.meeting, who);
        assert!(!meeting::can_add_item(meetings));
        let together = Acting::new(&w.couple.space, &w.couple.together, who);
        assert_eq!(
            together::begin_ritual(together, "Morning coffee").err(),
            Some(Refusal::Conflict(CLOSED))
        );
        assert!(reflections::check_trigger_note(&w.couple.space, who).is_err());
        let therapy = Acting::new(&w.couple.space, &w.couple.therapy, who);
        assert!(!therapist::can_propose(therapy));
    }
}

#[test]
fn nothing_waits_on_today_once_the_space_ended() {
    let mut w = World::new();
    let hurt = w.hurt;
    let question = crate::truth::QuestionInput {
        betrayal: String::new(),
        text: "Where were you?".into(),
    };
    w.run(hurt, |s, a, _| crate::truth::ask(&s.space, a, &question));
    let today = |w: &World| {
        let (me, day) = (w.involved, w.now.date());
        crate::views::today::today(&w.couple, w.private(me), me, None, day, |at| at.date()).map(
            |today| {
                today
                    .with_talks(&w.couple, me, w.now)
                    .with_time_together(&w.couple, me, w.now)
                    .with_meeting(&w.couple, me, w.now)
                    .to_do
                    .len()
            },
        )
    };
    assert!(today(&w).unwrap() > 0, "a question and a check-in wait");
    w.run(hurt, |s, a, _| end(&s.space, a, EndReason::PartnerEnded));
    assert_eq!(today(&w), Ok(0));
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
        Just(SpaceEvent::PartnerJoined),
        one_of([EndReason::PartnerEnded, EndReason::AccountDeleted])
            .prop_map(|reason| SpaceEvent::Ended { reason }),
    ]
}
