use super::*;
use crate::access::room::Acting;
use crate::kernel::ids::{EntryId, UserId};
use crate::kernel::refusal::Refusal;
use crate::testing::{assert_can_agrees, World};
use time::Duration;

fn acting(w: &World, who: UserId) -> Acting<'_, Meetings> {
    Acting::new(&w.couple.space, &w.couple.meeting, who)
}

fn add(w: &mut World, who: UserId, part: &str, text: &str) -> EntryId {
    let input = ItemInput {
        part,
        text,
        ..ItemInput::default()
    };
    let event = add_item(acting(w, who), input).expect("the item is taken");
    w.record(who, event)
}

fn held(w: &mut World, who: UserId, covered: &[EntryId]) -> Result<(), Refusal> {
    let event = mark_held(acting(w, who), covered, "")?;
    w.record(who, event);
    Ok(())
}

fn agree_sundays(w: &mut World) -> EntryId {
    let (a, b) = (w.hurt, w.involved);
    let proposal = propose_time(acting(w, a), "sunday", "19:00", "Europe/London").unwrap();
    let proposal = w.record(a, proposal);
    let agreed = agree_time(acting(w, b), proposal).unwrap();
    w.record(b, agreed);
    proposal
}

#[test]
fn a_day_and_time_is_agreed_by_the_partner_who_did_not_propose_it() {
    let mut w = World::new();
    let (a, b) = (w.hurt, w.involved);
    let first = propose_time(acting(&w, a), "sunday", "19:00", "Europe/London").unwrap();
    let first = w.record(a, first);
    assert!(!can_agree(acting(&w, a), first), "the proposer waits");
    assert!(time_to_agree(&w.couple.meeting, &w.couple.space, b).is_some());
    // B suggests another time instead: now A answers, and B's first
    // proposal cannot be agreed any more.
    let other = propose_time(acting(&w, b), "saturday", "10:30", "Europe/Paris").unwrap();
    let other = w.record(b, other);
    assert_eq!(
        agree_time(acting(&w, b), first),
        Err(Refusal::Conflict(
            "A newer time has been suggested since; answer that one."
        ))
    );
    assert!(time_to_agree(&w.couple.meeting, &w.couple.space, b).is_none());
    let event = agree_time(acting(&w, a), other).unwrap();
    w.record(a, event);
    let agreed = w.couple.meeting.agreed().expect("a day and time agreed");
    assert_eq!(
        (agreed.day, agreed.clock(), agreed.zone.as_str()),
        (MeetingDay::Saturday, "10:30".to_owned(), "Europe/Paris")
    );
    assert!(w.couple.meeting.pending().is_none());
    assert!(!can_agree(acting(&w, a), other), "agreed once");
}

#[test]
fn a_proposal_needs_a_day_a_real_time_and_a_zone_and_says_all_at_once() {
    let w = World::new();
    let refused = propose_time(acting(&w, w.hurt), "someday", "25:00", "").unwrap_err();
    match refused {
        Refusal::InvalidFields(fields) => {
            let names: Vec<&str> = fields.iter().map(|(f, _)| *f).collect();
            assert_eq!(names, ["day", "time", "zone"]);
        }
        other => panic!("every field at once: {other:?}"),
    }
    for bad in ["7", "19", "19:60", "-1:00", "ab:cd", ""] {
        assert!(
            propose_time(acting(&w, w.hurt), "monday", bad, "UTC").is_err(),
            "{bad:?} is no time"
        );
    }
    assert_eq!(
        propose_time(acting(&w, w.stranger), "monday", "19:00", "UTC"),
        Err(Refusal::NotAMember)
    );
}

#[test]
fn the_meeting_opens_with_appreciations_from_each_partner_before_it_can_be_held() {
    let mut w = World::new();
    let (a, b) = (w.hurt, w.involved);
    let plan = add(&mut w, a, "plan", "Dinner out on Friday");
    let well = add(&mut w, b, "went_well", "We laughed on the walk");
    let opening = Err(Refusal::Conflict(
        "The meeting opens with appreciations: each of you adds at least one first.",
    ));
    assert_eq!(held(&mut w, a, &[plan]), opening);
    let thanks = add(&mut w, a, "appreciation", "You made me tea when I was low");
    assert_eq!(
        held(&mut w, a, &[plan]),
        opening,
        "one partner is not enough"
    );
    add(
        &mut w,
        b,
        "appreciation",
        "You listened all the way through",
    );
    // The agenda walks the parts in order, appreciations first, whatever
    // order they were added in.
    let parts: Vec<u8> = w
        .couple
        .meeting
        .agenda()
        .iter()
        .map(|i| part_order(&i.item))
        .collect();
    assert_eq!(parts, [0, 0, 1, 3]);
    assert_eq!(w.couple.meeting.agenda()[0].id, thanks);
    held(&mut w, a, &[plan, well]).unwrap();
    assert_eq!(
        held(&mut w, a, &[plan]),
        Err(Refusal::Conflict(
            "You have said this meeting was held; it waits for your partner."
        ))
    );
    assert!(w.couple.meeting.held().is_empty(), "held once both say so");
    held(&mut w, b, &[plan, well]).unwrap();
    assert_eq!(w.couple.meeting.held().len(), 1);
    assert!(w.couple.meeting.agenda().is_empty());
}

#[test]
fn what_both_did_not_tick_carries_over_to_the_next_week_and_appreciations_start_again() {
    let mut w = World::new();
    let (a, b) = (w.hurt, w.involved);
    add(&mut w, a, "appreciation", "thank you for Tuesday");
    add(&mut w, b, "appreciation", "thank you for the flowers");
    let plan = add(&mut w, a, "plan", "Call the counsellor");
    let concern = {
        let input = ItemInput {
            part: "concern",
            feel: "uneasy",
            about: "late evenings at the office",
            need: "a message when you are held up",
            ..ItemInput::default()
        };
        let event = add_item(acting(&w, b), input).unwrap();
        w.record(b, event)
    };
    held(&mut w, a, &[plan, concern]).unwrap();
    w.advance(Duration::minutes(5));
    // Added between the two marks: on the agenda, but nobody ticked it.
    let late = add(&mut w, a, "went_well", "we sat together");
    held(&mut w, b, &[plan]).unwrap();
    let meeting = &w.couple.meeting;
    let first = &meeting.held()[0];
    assert_eq!(first.number, 1);
    assert!(first.covered.contains(&plan), "both ticked it");
    assert!(!first.covered.contains(&concern), "only one ticked it");
    let waiting: Vec<EntryId> = meeting.agenda().iter().map(|i| i.id).collect();
    assert_eq!(waiting, [late, concern], "what went well, then the concern");
    let carried: Vec<EntryId> = meeting.carried_over().iter().map(|i| i.id).collect();
    assert_eq!(carried, [late, concern]);
    assert_eq!(meeting.item(plan).unwrap().covered_in, Some(1));
    // The second week opens with appreciations again.
    assert!(!can_mark_held(acting(&w, a)));
    assert!(!has_appreciation(&w.couple.meeting, a));
    add(&mut w, a, "appreciation", "for this week");
    add(&mut w, b, "appreciation", "for you");
    held(&mut w, b, &[concern]).unwrap();
    held(&mut w, a, &[concern, late]).unwrap();
    let second = &w.couple.meeting.held()[1];
    assert_eq!(second.number, 2);
    assert!(second.covered.contains(&concern));
    assert_eq!(
        w.couple
            .meeting
            .agenda()
            .iter()
            .map(|i| i.id)
            .collect::<Vec<_>>(),
        [late]
    );
}

#[test]
fn a_mark_names_only_open_items_of_its_own_agenda_and_a_stale_round_changes_nothing() {
    let mut w = World::new();
    let (a, b) = (w.hurt, w.involved);
    add(&mut w, a, "appreciation", "one");
    add(&mut w, b, "appreciation", "two");
    let thanks = w.couple.meeting.agenda()[0].id;
    let event = mark_held(
        acting(&w, a),
        &[thanks, EntryId(999), thanks],
        " we agreed ",
    )
    .unwrap();
    assert_eq!(
        event,
        MeetingEvent::HeldMarked {
            round: 1,
            covered: vec![],
            agreed: Some("we agreed".to_owned()),
        }
    );
    w.record(a, event);
    // A mark for a meeting already held (a late, stale write) is ignored.
    w.record(
        b,
        MeetingEvent::HeldMarked {
            round: 7,
            covered: vec![],
            agreed: None,
        },
    );
    assert!(w.couple.meeting.held().is_empty());
    assert!(w.couple.meeting.first_mark().is_some());
}

#[test]
fn a_concern_asks_for_its_three_parts_at_once_and_other_parts_for_their_words() {
    let w = World::new();
    let refused = add_item(
        acting(&w, w.hurt),
        ItemInput {
            part: "concern",
            about: "the phone",
            ..ItemInput::default()
        },
    )
    .unwrap_err();
    match refused {
        Refusal::InvalidFields(fields) => {
            let names: Vec<&str> = fields.iter().map(|(f, _)| *f).collect();
            assert_eq!(names, ["feel", "need"]);
        }
        other => panic!("both missing parts at once: {other:?}"),
    }
    for part in ["appreciation", "went_well", "plan"] {
        let empty = ItemInput {
            part,
            text: "   ",
            ..ItemInput::default()
        };
        assert!(matches!(
            add_item(acting(&w, w.hurt), empty),
            Err(Refusal::Invalid { field: "text", .. })
        ));
    }
    let nowhere = ItemInput {
        part: "grievance",
        text: "x",
        ..ItemInput::default()
    };
    assert!(matches!(
        add_item(acting(&w, w.hurt), nowhere),
        Err(Refusal::Invalid { field: "part", .. })
    ));
    assert_eq!(
        add_item(acting(&w, w.stranger), ItemInput::default()),
        Err(Refusal::NotAMember)
    );
}

#[test]
fn the_agenda_holds_a_bounded_number_of_items() {
    let mut w = World::new();
    let a = w.hurt;
    for n in 0..OPEN_ITEMS {
        add(&mut w, a, "plan", &format!("plan {n}"));
    }
    assert!(!can_add_item(acting(&w, w.involved)));
    let more = ItemInput {
        part: "plan",
        text: "one more",
        ..ItemInput::default()
    };
    assert!(matches!(
        add_item(acting(&w, w.involved), more),
        Err(Refusal::Conflict(_))
    ));
}

#[test]
fn today_asks_for_an_answer_a_confirmation_and_on_the_day_the_meeting() {
    let mut w = World::new();
    let (a, b) = (w.hurt, w.involved);
    fn waits(w: &World, who: UserId) -> Vec<MeetingWaits<'_>> {
        meeting_waits(&w.couple.meeting, &w.couple.space, who, w.now)
    }
    assert!(waits(&w, a).is_empty());
    let proposal = propose_time(acting(&w, a), "thursday", "20:00", "UTC").unwrap();
    let proposal = w.record(a, proposal);
    assert!(waits(&w, a).is_empty());
    assert!(matches!(waits(&w, b)[..], [MeetingWaits::TimeToAgree(p)] if p.id == proposal));
    let event = agree_time(acting(&w, b), proposal).unwrap();
    w.record(b, event);
    // START is a Monday; the meeting is on Thursdays.
    assert!(waits(&w, a).is_empty());
    w.advance_days(3);
    assert!(matches!(
        waits(&w, a)[..],
        [MeetingWaits::MeetingToday {
            appreciated: false,
            ..
        }]
    ));
    add(&mut w, a, "appreciation", "for the kids' evening");
    add(&mut w, b, "appreciation", "for the walk");
    assert!(matches!(
        waits(&w, a)[..],
        [MeetingWaits::MeetingToday {
            appreciated: true,
            ..
        }]
    ));
    held(&mut w, a, &[]).unwrap();
    assert!(waits(&w, a).is_empty(), "said held: nothing more today");
    assert_eq!(waits(&w, b), [MeetingWaits::HeldToConfirm]);
    held(&mut w, b, &[]).unwrap();
    assert!(waits(&w, b).is_empty(), "held today");
    w.advance_days(7);
    assert_eq!(waits(&w, b).len(), 1, "a week later, the next one");
    assert!(meeting_waits(&w.couple.meeting, &w.couple.space, w.stranger, w.now).is_empty());
}

#[test]
fn every_can_query_agrees_with_its_command() {
    let mut w = World::new();
    let (a, b) = (w.hurt, w.involved);
    let proposal = propose_time(acting(&w, a), "friday", "18:00", "UTC").unwrap();
    let proposal = w.record(a, proposal);
    let ids = [proposal, EntryId(404)];
    assert_can_agrees("agree", &[a, b, w.stranger], &ids, |who, id| {
        (
            can_agree(acting(&w, who), id),
            agree_time(acting(&w, who), id).is_ok(),
        )
    });
    add(&mut w, a, "appreciation", "for today");
    let held_check = |w: &World, who| {
        (
            can_mark_held(acting(w, who)),
            mark_held(acting(w, who), &[], "").is_ok(),
        )
    };
    for who in [a, b, w.stranger] {
        let (can, took) = held_check(&w, who);
        assert_eq!(can, took);
        assert!(!can, "only one partner has appreciated");
    }
    add(&mut w, b, "appreciation", "for you");
    assert_eq!(held_check(&w, a), (true, true));
    assert_eq!(held_check(&w, w.stranger), (false, false));
}

#[test]
fn agree_sundays_leaves_an_agreed_schedule_for_the_reminder() {
    let mut w = World::new();
    let proposal = agree_sundays(&mut w);
    let agreed = w.couple.meeting.agreed().unwrap();
    assert_eq!(agreed.id, proposal);
    assert!(agreed.day.falls_on(time::macros::date!(2026 - 03 - 08)));
    assert!(!agreed.day.falls_on(time::macros::date!(2026 - 03 - 09)));
}

/// Every couple-stream event, optional parts present and absent.
pub(crate) fn any_event() -> impl proptest::strategy::Strategy<Value = MeetingEvent> {
    use crate::testing::strategies::{entry_id, maybe_text, one_of, text};
    use proptest::prelude::*;
    let item = prop_oneof![
        text().prop_map(|text| AgendaItem::Appreciation { text }),
        text().prop_map(|text| AgendaItem::WentWell { text }),
        (text(), text(), text()).prop_map(|(feel, about, need)| AgendaItem::Concern {
            feel,
            about,
            need
        }),
        text().prop_map(|text| AgendaItem::Plan { text }),
    ];
    prop_oneof![
        (one_of(MeetingDay::ALL), 0..24u8, 0..60u8, text()).prop_map(
            |(day, hour, minute, zone)| MeetingEvent::TimeProposed {
                day,
                hour,
                minute,
                zone
            }
        ),
        entry_id().prop_map(|proposal| MeetingEvent::TimeAgreed { proposal }),
        item.prop_map(|item| MeetingEvent::ItemAdded { item }),
        (
            any::<u32>(),
            proptest::collection::vec(entry_id(), 0..4),
            maybe_text()
        )
            .prop_map(|(round, covered, agreed)| MeetingEvent::HeldMarked {
                round,
                covered,
                agreed
            }),
    ]
}
