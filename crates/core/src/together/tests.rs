use super::*;
use crate::access::room::Acting;
use crate::kernel::ids::{EntryId, UserId};
use crate::kernel::refusal::Refusal;
use crate::testing::World;
use time::Duration;

fn acting(w: &World, who: UserId) -> Acting<'_, Together> {
    Acting::new(&w.couple.space, &w.couple.together, who)
}

/// Suggests "a walk by the river" two days from now.
fn suggest_walk(w: &mut World, who: UserId) -> EntryId {
    let at = w.now + Duration::days(2);
    let event = suggest(acting(w, who), w.now, "a walk by the river", Ok(at)).unwrap();
    w.record(who, event)
}

fn answer_as(w: &mut World, who: UserId, plan: EntryId, said: &str) -> Result<(), Refusal> {
    let later = Ok(w.now + Duration::days(3));
    let event = answer(acting(w, who), w.now, plan, said, later)?;
    w.record(who, event);
    Ok(())
}

fn status(w: &World, plan: EntryId) -> PlanStatus {
    w.couple.together.plan(plan).expect("the plan").status
}

#[test]
fn the_partner_who_was_asked_answers_and_a_move_turns_the_question_around() {
    let mut w = World::new();
    let (a, b) = (w.hurt, w.involved);
    let plan = suggest_walk(&mut w, a);
    assert_eq!(
        plans_to_answer(&w.couple.together, &w.couple.space, b).len(),
        1
    );
    assert!(plans_to_answer(&w.couple.together, &w.couple.space, a).is_empty());
    assert!(matches!(
        answer_as(&mut w, a, plan, "accept"),
        Err(Refusal::NotAllowed(_))
    ));

    answer_as(&mut w, b, plan, "move").unwrap();
    assert_eq!(status(&w, plan), PlanStatus::Asked { by: b });
    assert_eq!(
        w.couple.together.plan(plan).unwrap().at,
        w.now + Duration::days(3)
    );
    assert!(!can_answer(acting(&w, b), plan), "the mover waits now");
    answer_as(&mut w, a, plan, "accept").unwrap();
    assert_eq!(status(&w, plan), PlanStatus::Agreed);
    assert_eq!(
        answer_as(&mut w, b, plan, "decline"),
        Err(Refusal::Conflict("This plan has been answered already."))
    );
}

#[test]
fn a_suggestion_needs_words_and_a_time_still_to_come_and_says_all_at_once() {
    let w = World::new();
    let a = w.hurt;
    let refused = suggest(acting(&w, a), w.now, " ", Ok(w.now - Duration::hours(1))).unwrap_err();
    match refused {
        Refusal::InvalidFields(fields) => {
            let names: Vec<&str> = fields.iter().map(|(f, _)| *f).collect();
            assert_eq!(names, ["what", "at"]);
        }
        other => panic!("both fields at once: {other:?}"),
    }
    let far = suggest(
        acting(&w, a),
        w.now,
        "a trip",
        Ok(w.now + Duration::days(400)),
    );
    assert!(matches!(far, Err(Refusal::Invalid { field: "at", .. })));
    let gap = Err(Refusal::invalid(
        "at",
        "That time does not exist on your clock.",
    ));
    assert!(matches!(
        suggest(acting(&w, a), w.now, "a trip", gap),
        Err(Refusal::Invalid { field: "at", .. })
    ));
    let stranger = w.stranger;
    let soon = Ok(w.now + Duration::days(1));
    assert_eq!(
        suggest(acting(&w, stranger), w.now, "a walk", soon),
        Err(Refusal::NotAMember)
    );
}

#[test]
fn how_it_went_is_said_after_the_time_once_each_kept_or_shared() {
    let mut w = World::new();
    let (a, b) = (w.hurt, w.involved);
    let plan = suggest_walk(&mut w, a);
    let early = how_it_went(acting(&w, b), w.now, plan, "4", "", "partner");
    assert!(matches!(early, Err(Refusal::Conflict(_))), "not agreed yet");
    answer_as(&mut w, b, plan, "accept").unwrap();
    let before = how_it_went(acting(&w, b), w.now, plan, "4", "", "partner");
    assert_eq!(
        before,
        Err(Refusal::Conflict("This time together is still to come."))
    );

    w.advance_days(2);
    match how_it_went(acting(&w, a), w.now, plan, "5", "like before", "partner").unwrap() {
        HowItWent::Shared(event) => {
            w.record(a, event);
        }
        kept => panic!("shared, not {kept:?}"),
    }
    match how_it_went(acting(&w, b), w.now, plan, "2", "  I was tense ", "only_me").unwrap() {
        HowItWent::Kept(happened, word) => {
            w.record(b, happened);
            w.record_private(b, word);
        }
        shared => panic!("kept, not {shared:?}"),
    }
    let spent = w.couple.together.plan(plan).unwrap();
    assert!(spent.happened_for(a) && spent.happened_for(b));
    assert_eq!(
        spent.words.len(),
        1,
        "only the shared word is in the record"
    );
    assert_eq!(spent.words[0].line.as_deref(), Some("like before"));
    let kept = w.private(b).together.on(plan).expect("the kept word");
    assert_eq!(
        (kept.connection.value(), kept.line.as_deref()),
        (2, Some("I was tense"))
    );
    assert!(w.private(a).together.on(plan).is_none());
    assert_eq!(
        how_it_went(acting(&w, a), w.now, plan, "3", "", "partner"),
        Err(Refusal::Conflict("You have said how it went already."))
    );
}

#[test]
fn connection_is_one_to_five() {
    let mut w = World::new();
    let (a, b) = (w.hurt, w.involved);
    let plan = suggest_walk(&mut w, a);
    answer_as(&mut w, b, plan, "accept").unwrap();
    w.advance_days(3);
    for bad in ["0", "6", "", "four", "-1"] {
        let refused = how_it_went(acting(&w, a), w.now, plan, bad, "", "partner");
        assert!(
            matches!(
                refused,
                Err(Refusal::Invalid {
                    field: "connection",
                    ..
                })
            ),
            "{bad:?}: {refused:?}"
        );
    }
}

/// Every couple-stream event, optional parts present and absent.
pub(crate) fn any_event() -> impl proptest::strategy::Strategy<Value = TogetherEvent> {
    use crate::testing::strategies::{day, entry_id, instant, maybe_text, text};
    use proptest::prelude::*;
    let connection = (1..=Connection::MOST)
        .prop_map(|v| Connection::new(v).unwrap_or(Connection::new(1).unwrap()));
    prop_oneof![
        (text(), instant()).prop_map(|(what, at)| TogetherEvent::Suggested { what, at }),
        entry_id().prop_map(|plan| TogetherEvent::Accepted { plan }),
        (entry_id(), instant()).prop_map(|(plan, at)| TogetherEvent::Moved { plan, at }),
        entry_id().prop_map(|plan| TogetherEvent::Declined { plan }),
        (entry_id(), connection, maybe_text()).prop_map(|(plan, connection, line)| {
            TogetherEvent::Shared {
                plan,
                connection,
                line,
            }
        }),
        entry_id().prop_map(|plan| TogetherEvent::Happened { plan }),
        text().prop_map(|what| TogetherEvent::RitualBegun { what }),
        (entry_id(), day()).prop_map(|(ritual, on)| TogetherEvent::RitualDone { ritual, on }),
        entry_id().prop_map(|ritual| TogetherEvent::RitualSetAside { ritual }),
    ]
}

/// Every kept word, the line present and absent.
pub(crate) fn any_private_event() -> impl proptest::strategy::Strategy<Value = PrivateTogetherEvent>
{
    use crate::testing::strategies::{entry_id, maybe_text};
    use proptest::prelude::*;
    (entry_id(), 1..=Connection::MOST, maybe_text()).prop_map(|(plan, value, line)| {
        PrivateTogetherEvent::Kept {
            plan,
            connection: Connection::new(value).unwrap_or(Connection::new(1).unwrap()),
            line,
        }
    })
}

mod rituals {
    use super::*;

    fn begin(w: &mut World, who: UserId, what: &str) -> Result<EntryId, Refusal> {
        let event = begin_ritual(acting(w, who), what)?;
        Ok(w.record(who, event))
    }

    fn done(w: &mut World, who: UserId, ritual: EntryId) -> Result<(), Refusal> {
        let event = ritual_done(acting(w, who), w.now.date(), ritual)?;
        w.record(who, event);
        Ok(())
    }

    #[test]
    fn a_ritual_is_done_once_a_day_by_either_and_counted_without_the_missed_days() {
        let mut w = World::new();
        let (a, b) = (w.hurt, w.involved);
        let talk = begin(&mut w, a, "Twenty minutes of talk after dinner").unwrap();
        done(&mut w, b, talk).unwrap();
        assert_eq!(
            done(&mut w, a, talk),
            Err(Refusal::Conflict("You marked this one done today already."))
        );
        assert!(!can_mark_ritual_done(acting(&w, a), w.now.date(), talk));
        w.advance_days(3);
        done(&mut w, a, talk).unwrap();
        let ritual = w.couple.together.ritual(talk).unwrap();
        let (start, today) = (w.now.date() - Duration::days(27), w.now.date());
        assert_eq!(ritual.done_between(start, today), 2);
        assert_eq!(ritual.done_between(today, today), 1);
    }

    #[test]
    fn a_ritual_set_aside_takes_no_more_days_and_makes_room_for_another() {
        let mut w = World::new();
        let a = w.hurt;
        let first = begin(&mut w, a, "A walk on Sundays").unwrap();
        for n in 1..RITUALS {
            begin(&mut w, a, &format!("ritual {n}")).unwrap();
        }
        assert!(matches!(
            begin(&mut w, a, "one more"),
            Err(Refusal::Conflict(_))
        ));
        let aside = set_ritual_aside(acting(&w, w.involved), first).unwrap();
        w.record(w.involved, aside);
        assert_eq!(
            done(&mut w, a, first),
            Err(Refusal::Conflict("This ritual has been set aside."))
        );
        assert!(!can_set_aside(acting(&w, a), first));
        begin(&mut w, a, "one more").expect("room for another");
        assert!(matches!(
            begin(&mut w, a, "  "),
            Err(Refusal::Invalid {
                field: "ritual",
                ..
            })
        ));
        let stranger = w.stranger;
        assert_eq!(begin(&mut w, stranger, "x"), Err(Refusal::NotAMember));
    }
}
