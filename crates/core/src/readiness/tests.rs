use super::*;
use crate::access::readiness::{reveal, MutualStep};
use crate::access::room::Acting;
use crate::kernel::ids::{EntryId, UserId};
use crate::kernel::refusal::Refusal;
use crate::testing::World;
use time::Duration;

fn propose_as(w: &mut World, who: UserId, name: &str) -> Result<EntryId, Refusal> {
    let event = propose(Acting::new(&w.couple.space, &w.couple.readiness, who), name)?;
    Ok(w.record(who, event))
}

fn answer_as(w: &mut World, who: UserId, id: EntryId, accept: bool) -> Result<(), Refusal> {
    let said = if accept { "accept" } else { "decline" };
    let event = answer(
        Acting::new(&w.couple.space, &w.couple.readiness, who),
        id,
        said,
    )?;
    w.record(who, event);
    Ok(())
}

/// Saves the marks form for `who` and records what it decides.
fn mark_as(w: &mut World, who: UserId, marks: &[(&str, &str)]) -> Result<usize, Refusal> {
    let input: Vec<(String, String)> = marks
        .iter()
        .map(|(s, m)| ((*s).to_owned(), (*m).to_owned()))
        .collect();
    let mine = w.private(who).readiness.clone();
    let events = mark(
        Acting::new(&w.couple.space, &w.couple.readiness, who),
        &mine,
        &input,
    )?;
    let written = events.len();
    for event in events {
        w.record_private(who, event);
    }
    Ok(written)
}

fn mutual_for(w: &World, viewer: UserId) -> Vec<MutualStep> {
    let partner = w.couple.space.partner_of(viewer).expect("a partner");
    reveal(
        &w.couple.space,
        &w.couple.readiness,
        viewer,
        w.private(viewer).readiness_marks(),
        w.private(partner).readiness_marks(),
    )
    .expect("the reveal reads the viewer's and their partner's marks")
}

fn names(steps: &[MutualStep]) -> Vec<&str> {
    steps.iter().map(|s| s.name.as_str()).collect()
}

#[test]
fn a_step_shows_only_once_both_marked_it_ready_and_since_the_later_mark() {
    let mut w = World::new();
    let (a, b) = (w.hurt, w.involved);
    mark_as(&mut w, a, &[("same_bed", "ready"), ("going_out", "ready")]).unwrap();
    assert!(
        mutual_for(&w, a).is_empty(),
        "one partner's ready shows nothing"
    );
    assert!(mutual_for(&w, b).is_empty());

    w.advance_days(3);
    let later = w.now;
    mark_as(
        &mut w,
        b,
        &[("same_bed", "ready"), ("going_out", "not_yet")],
    )
    .unwrap();
    let seen_by_a = mutual_for(&w, a);
    assert_eq!(names(&seen_by_a), ["Sleeping in the same bed"]);
    assert_eq!(
        seen_by_a[0].since, later,
        "mutual from the later of the two marks"
    );
    assert_eq!(seen_by_a, mutual_for(&w, b), "both see the same list");
}

#[test]
fn when_one_withdraws_the_step_leaves_the_list_and_returns_with_a_new_since() {
    let mut w = World::new();
    let (a, b) = (w.hurt, w.involved);
    mark_as(&mut w, a, &[("trip_together", "ready")]).unwrap();
    mark_as(&mut w, b, &[("trip_together", "ready")]).unwrap();
    assert_eq!(mutual_for(&w, a).len(), 1);

    w.advance_days(1);
    mark_as(&mut w, b, &[("trip_together", "not_sure")]).unwrap();
    assert!(
        mutual_for(&w, a).is_empty(),
        "withdrawn: gone, with no word of who"
    );
    assert!(mutual_for(&w, b).is_empty());

    w.advance_days(1);
    let again = w.now;
    mark_as(&mut w, b, &[("trip_together", "ready")]).unwrap();
    assert_eq!(mutual_for(&w, a)[0].since, again);
}

#[test]
fn saving_the_same_marks_again_writes_nothing_and_keeps_since() {
    let mut w = World::new();
    let a = w.hurt;
    let first = w.now;
    assert_eq!(mark_as(&mut w, a, &[("same_bed", "ready")]).unwrap(), 1);
    w.advance_days(2);
    assert_eq!(mark_as(&mut w, a, &[("same_bed", "ready")]).unwrap(), 0);
    let mark = w
        .private(a)
        .readiness
        .mark_of(StepRef::Usual(Step::SameBed));
    assert_eq!(mark.map(|m| m.since), Some(first));
}

#[test]
fn marks_name_steps_on_the_list_and_one_of_three_answers() {
    let mut w = World::new();
    let a = w.hurt;
    for bad in [
        ("no_such_step", "ready"),
        ("proposed-99", "ready"),
        ("same_bed", "maybe"),
    ] {
        let refused = mark_as(&mut w, a, &[bad]).unwrap_err();
        assert!(
            matches!(refused, Refusal::Invalid { field: "marks", .. }),
            "{bad:?}: {refused:?}"
        );
    }
    let stranger = w.stranger;
    assert_eq!(
        mark_as(&mut w, stranger, &[("same_bed", "ready")]),
        Err(Refusal::NotAMember)
    );
}

#[test]
fn a_proposed_step_joins_the_list_once_the_other_partner_accepts_it() {
    let mut w = World::new();
    let (a, b) = (w.hurt, w.involved);
    let id = propose_as(&mut w, b, "Cooking together on Sundays").unwrap();
    let code = StepRef::Proposed(id).code();
    assert!(
        mark_as(&mut w, a, &[(&code, "ready")]).is_err(),
        "not on the list before it is accepted"
    );
    assert_eq!(
        proposals_waiting_for(&w.couple.readiness, &w.couple.space, a).len(),
        1
    );
    assert!(proposals_waiting_for(&w.couple.readiness, &w.couple.space, b).is_empty());

    let unsaid = answer(
        Acting::new(&w.couple.space, &w.couple.readiness, a),
        id,
        "maybe",
    );
    assert!(matches!(
        unsaid,
        Err(Refusal::Invalid {
            field: "answer",
            ..
        })
    ));
    let own = answer_as(&mut w, b, id, true).unwrap_err();
    assert!(matches!(own, Refusal::NotAllowed(_)), "{own:?}");
    answer_as(&mut w, a, id, true).unwrap();
    assert_eq!(
        answer_as(&mut w, a, id, false),
        Err(Refusal::Conflict("This step has been answered already."))
    );
    mark_as(&mut w, a, &[(&code, "ready")]).unwrap();
    mark_as(&mut w, b, &[(&code, "ready")]).unwrap();
    assert_eq!(names(&mutual_for(&w, a)), ["Cooking together on Sundays"]);
}

#[test]
fn a_declined_or_withdrawn_proposal_stays_off_the_list() {
    let mut w = World::new();
    let (a, b) = (w.hurt, w.involved);
    let declined = propose_as(&mut w, a, "Meeting my parents").unwrap();
    answer_as(&mut w, b, declined, false).unwrap();
    let taken_back = propose_as(&mut w, a, "Dancing lessons").unwrap();
    let acting = Acting::new(&w.couple.space, &w.couple.readiness, b);
    assert!(
        !can_withdraw(acting, taken_back),
        "only its proposer takes it back"
    );
    assert!(can_answer(acting, taken_back));
    let event = withdraw(
        Acting::new(&w.couple.space, &w.couple.readiness, a),
        taken_back,
    )
    .unwrap();
    w.record(a, event);
    assert_eq!(w.couple.readiness.steps().len(), Step::COUNT);
    assert!(proposals_waiting_for(&w.couple.readiness, &w.couple.space, b).is_empty());
}

#[test]
fn a_proposal_must_be_new_and_each_partner_has_three_waiting_at_most() {
    let mut w = World::new();
    let a = w.hurt;
    let refused = propose_as(&mut w, a, "  sleeping in the SAME bed ").unwrap_err();
    assert!(matches!(refused, Refusal::Invalid { field: "name", .. }));
    assert!(matches!(
        propose_as(&mut w, a, "   ").unwrap_err(),
        Refusal::Invalid { field: "name", .. }
    ));
    for name in ["One", "Two", "Three"] {
        propose_as(&mut w, a, name).unwrap();
    }
    assert!(matches!(
        propose_as(&mut w, a, "one").unwrap_err(),
        Refusal::Invalid { .. }
    ));
    assert!(matches!(
        propose_as(&mut w, a, "Four").unwrap_err(),
        Refusal::Conflict(_)
    ));
    let b = w.involved;
    propose_as(&mut w, b, "Four").expect("the other partner has room of their own");
    let stranger = w.stranger;
    assert_eq!(
        propose_as(&mut w, stranger, "Five"),
        Err(Refusal::NotAMember)
    );
}

#[test]
fn the_reveal_refuses_marks_handed_in_for_the_wrong_person() {
    let mut w = World::new();
    let (a, b) = (w.hurt, w.involved);
    mark_as(&mut w, a, &[("same_bed", "ready")]).unwrap();
    mark_as(&mut w, b, &[("same_bed", "ready")]).unwrap();
    let space = &w.couple.space;
    let list = &w.couple.readiness;
    let (mine, theirs) = (
        w.private(a).readiness_marks(),
        w.private(b).readiness_marks(),
    );
    assert!(reveal(space, list, a, theirs, mine).is_err(), "swapped");
    assert!(
        reveal(space, list, a, mine, mine).is_err(),
        "the viewer's twice"
    );
    assert_eq!(
        reveal(space, list, w.stranger, mine, theirs),
        Err(Refusal::NotAMember)
    );
}

#[test]
fn marks_before_the_partner_joins_reveal_nothing_until_they_mark_too() {
    let mut w = World::new();
    let a = w.hurt;
    w.advance(Duration::hours(1));
    mark_as(&mut w, a, &[("affectionate_touch", "ready")]).unwrap();
    let b = w.involved;
    assert!(mutual_for(&w, b).is_empty());
}

mod privacy {
    //! What one partner sees never depends on the other's marks, except
    //! through the steps both marked ready.
    use super::*;
    use proptest::prelude::*;

    fn any_marks() -> impl Strategy<Value = Vec<Option<Mark>>> {
        proptest::collection::vec(
            proptest::option::of(crate::testing::strategies::one_of(Mark::ALL)),
            Step::COUNT,
        )
    }

    fn world_with(a_marks: &[Option<Mark>], b_marks: &[Option<Mark>]) -> World {
        let mut w = World::ticking();
        let (a, b) = (w.hurt, w.involved);
        for (who, marks) in [(a, a_marks), (b, b_marks)] {
            let pairs: Vec<(&str, &str)> = Step::ALL
                .iter()
                .zip(marks)
                .filter_map(|(s, m)| m.map(|m| (s.code(), m.code())))
                .collect();
            mark_as(&mut w, who, &pairs).unwrap();
        }
        w
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn only_steps_both_marked_ready_are_revealed(a in any_marks(), b in any_marks()) {
            let w = world_with(&a, &b);
            let expected: Vec<&str> = Step::ALL
                .iter()
                .zip(a.iter().zip(&b))
                .filter(|(_, (x, y))| **x == Some(Mark::Ready) && **y == Some(Mark::Ready))
                .map(|(s, _)| s.label())
                .collect();
            let (for_a, for_b) = (mutual_for(&w, w.hurt), mutual_for(&w, w.involved));
            prop_assert_eq!(names(&for_a), expected.clone());
            prop_assert_eq!(names(&for_b), expected);
        }

        #[test]
        fn a_partners_other_marks_change_nothing_the_other_sees(
            a in any_marks(),
            b in any_marks(),
            other in any_marks(),
        ) {
            // The hurt partner changes every mark that is not "ready" into
            // something else that is not "ready" either (or no mark).
            let not_ready = |m: Option<Mark>| m != Some(Mark::Ready);
            let changed: Vec<Option<Mark>> = a
                .iter()
                .zip(&other)
                .map(|(was, new)| if not_ready(*was) && not_ready(*new) { *new } else { *was })
                .collect();
            let before = world_with(&a, &b);
            let after = world_with(&changed, &b);
            let (seen_before, seen_after) =
                (mutual_for(&before, before.involved), mutual_for(&after, after.involved));
            prop_assert_eq!(names(&seen_before), names(&seen_after));
        }
    }
}

/// Every shared-list event, the name any text.
pub(crate) fn any_event() -> impl proptest::strategy::Strategy<Value = ReadinessEvent> {
    use crate::testing::strategies::{entry_id, text};
    use proptest::prelude::*;
    prop_oneof![
        text().prop_map(|name| ReadinessEvent::Proposed { name }),
        entry_id().prop_map(|proposal| ReadinessEvent::Accepted { proposal }),
        entry_id().prop_map(|proposal| ReadinessEvent::Declined { proposal }),
        entry_id().prop_map(|proposal| ReadinessEvent::Withdrawn { proposal }),
    ]
}

/// Every mark, on usual and proposed steps.
pub(crate) fn any_mark_event() -> impl proptest::strategy::Strategy<Value = ReadinessMarkEvent> {
    use crate::testing::strategies::{entry_id, one_of};
    use proptest::prelude::*;
    let step = prop_oneof![
        one_of(Step::ALL).prop_map(StepRef::Usual),
        entry_id().prop_map(StepRef::Proposed),
    ];
    (step, one_of(Mark::ALL)).prop_map(|(step, mark)| ReadinessMarkEvent::Marked { step, mark })
}
