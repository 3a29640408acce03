use super::*;
use crate::access::visibility::Whose;

use crate::kernel::refusal::Refusal;
use crate::signs::{Sign, SignsEvent};
use crate::testing::*;
use time::{Duration, OffsetDateTime};

fn all(value: u8) -> [u8; ITEM_COUNT] {
    [value; ITEM_COUNT]
}

#[test]
fn each_construct_has_two_items_one_of_them_reverse_worded() {
    for construct in Construct::ALL {
        let items: Vec<_> = construct.items().collect();
        assert_eq!(items.len(), 2, "{construct:?}");
        assert_eq!(
            items.iter().filter(|i| i.reverse).count(),
            1,
            "{construct:?}"
        );
    }
    let mut codes: Vec<_> = ITEMS.iter().map(|i| i.code).collect();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), ITEM_COUNT);
}

#[test]
fn reverse_items_score_eight_minus_the_answer() {
    let reverse = ITEMS.iter().find(|i| i.reverse).unwrap();
    let plain = ITEMS.iter().find(|i| !i.reverse).unwrap();
    assert_eq!(reverse.score(1), 7);
    assert_eq!(reverse.score(7), 1);
    assert_eq!(reverse.score(4), 4);
    assert_eq!(plain.score(6), 6);
}

#[test]
fn full_trust_scores_one_hundred_and_none_scores_zero() {
    let full = Answers::new(steady(7)).unwrap().score();
    assert_eq!(full.index, 100);
    assert_eq!(full.constructs, [100; Construct::COUNT]);
    let none = Answers::new(steady(1)).unwrap().score();
    assert_eq!(none.index, 0);
    assert_eq!(none.constructs, [0; Construct::COUNT]);
}

#[test]
fn agreeing_with_everything_is_the_middle_not_the_top() {
    // Plain items give 7, reverse ones 8 − 7 = 1: the mean is 4.
    let score = Answers::new(all(7)).unwrap().score();
    assert_eq!(score.index, 50);
    assert_eq!(score.constructs, [50; Construct::COUNT]);
}

#[test]
fn construct_scores_and_the_index_are_means_mapped_to_percent_and_rounded() {
    let mut values = steady(4);
    // Predictability: plain 5 and reverse 2 (scores 6) → mean 5.5 → 75.
    values[0] = 5;
    values[1] = 2;
    // Honesty: plain 2 (2) and reverse 5 (3) → mean 2.5 → 25.
    values[6] = 2;
    values[7] = 5;
    // Safety: plain 5 (5) and reverse 4 (4) → mean 4.5 → 58.33 → 58.
    values[8] = 5;
    let score = Answers::new(values).unwrap().score();
    assert_eq!(score.construct(Construct::Predictability), 75);
    assert_eq!(score.construct(Construct::Dependability), 50);
    assert_eq!(score.construct(Construct::Faith), 50);
    assert_eq!(score.construct(Construct::Honesty), 25);
    assert_eq!(score.construct(Construct::Safety), 58);
    // Item scores: 5,6,4,4,4,4,2,3,5,4 = 41 → mean 4.1 → 51.67 → 52.
    assert_eq!(score.index, 52);
}

#[test]
fn one_step_above_the_floor_rounds_to_the_nearest_percent() {
    let mut values = steady(1);
    values[2] = 2; // one item one step up: sum 11 of 10 items → 1.67 → 2
    let score = Answers::new(values).unwrap().score();
    assert_eq!(score.index, 2);
    assert_eq!(score.construct(Construct::Dependability), 8); // 8.33
}

#[test]
fn answers_out_of_range_are_not_answers() {
    assert!(Answers::new(all(0)).is_none());
    assert!(Answers::new(all(8)).is_none());
}

#[test]
fn answers_are_stored_by_item_code_and_read_back_strictly() {
    let answers = Answers::new(steady(5)).unwrap();
    let json = serde_json::to_string(&answers).unwrap();
    assert!(json.contains("\"faith_future\":5"), "{json}");
    assert!(json.contains("\"faith_doubt\":3"), "{json}");
    assert_eq!(serde_json::from_str::<Answers>(&json).unwrap(), answers);
    let missing = json.replace("\"faith_doubt\":3,", "");
    assert!(serde_json::from_str::<Answers>(&missing).is_err());
    let out_of_range = json.replace("\"faith_doubt\":3", "\"faith_doubt\":9");
    assert!(serde_json::from_str::<Answers>(&out_of_range).is_err());
}

use crate::testing::pulse_form as form;

#[test]
fn a_shared_pulse_goes_to_the_couple_stream_and_its_signs_stay_private() {
    let w = World::ticking();
    let out = w
        .decide_pulse(w.hurt, steady(3), "partner", &["replaying"])
        .unwrap();
    assert!(matches!(
        out.pulse,
        NewPulse::Shared(PulseEvent::Shared { .. })
    ));
    assert_eq!(
        out.signs,
        SignsEvent::Noticed {
            signs: vec![Sign::Replaying]
        }
    );
}

#[test]
fn a_kept_pulse_goes_to_the_private_stream() {
    let w = World::ticking();
    let out = w
        .decide_pulse(w.involved, steady(3), "only_me", &[])
        .unwrap();
    assert!(matches!(
        out.pulse,
        NewPulse::Kept(PrivatePulseEvent::Kept { .. })
    ));
    assert_eq!(out.signs, SignsEvent::Noticed { signs: vec![] });
}

#[test]
fn every_item_must_be_answered_and_the_refusal_names_it() {
    let w = World::ticking();
    let mut input = form(steady(3), "partner", &[]);
    input.answers.retain(|(code, _)| code != "honesty_hidden");
    let Err(Refusal::Invalid { field, message }) = record_pulse(&w.couple.space, w.hurt, &input)
    else {
        panic!("expected a refusal");
    };
    assert_eq!(field, "honesty_hidden");
    assert!(message.contains("keeping things from me"), "{message}");

    for bad in ["0", "8", "", "seven"] {
        let mut input = form(steady(3), "partner", &[]);
        input.answers[4].1 = bad.to_owned();
        assert!(
            matches!(
                record_pulse(&w.couple.space, w.hurt, &input),
                Err(Refusal::Invalid {
                    field: "faith_future",
                    ..
                })
            ),
            "{bad:?}"
        );
    }
}

#[test]
fn the_share_choice_and_signs_are_validated_and_strangers_refused() {
    let w = World::ticking();
    assert_eq!(
        refused_field(w.decide_pulse(w.hurt, steady(3), "", &[])),
        "share"
    );
    assert_eq!(
        refused_field(w.decide_pulse(w.hurt, steady(3), "partner", &["spying"])),
        "signs"
    );
    assert_eq!(
        w.decide_pulse(w.stranger, steady(3), "partner", &[]),
        Err(Refusal::NotAMember)
    );
}

#[test]
fn form_pairs_become_a_pulse_input() {
    let input = PulseInput::from_form(&form_pairs(&[
        ("faith_future", "6"),
        ("csrf", "token"),
        ("signs", "withdrawing"),
        ("share", "only_me"),
        ("signs", "keeping_score"),
    ]));
    assert_eq!(
        input.answers,
        vec![("faith_future".to_owned(), "6".to_owned())]
    );
    assert_eq!(input.share, "only_me");
    assert_eq!(
        input.signs,
        vec!["withdrawing".to_owned(), "keeping_score".to_owned()]
    );
}

#[test]
fn the_cadence_can_be_changed_by_either_partner_but_not_to_itself() {
    let mut w = World::ticking();
    assert_eq!(w.couple.pulse.cadence(), Cadence::Weekly);
    assert_eq!(
        choose_cadence(
            &w.couple.space,
            &w.couple.pulse,
            w.hurt,
            &CadenceInput {
                cadence: "weekly".into()
            }
        ),
        Err(Refusal::Conflict(
            "That is already how often you take the pulse."
        ))
    );
    let event = choose_cadence(
        &w.couple.space,
        &w.couple.pulse,
        w.involved,
        &CadenceInput {
            cadence: "monthly".into(),
        },
    )
    .unwrap();
    w.record(w.involved, event);
    assert_eq!(w.couple.pulse.cadence(), Cadence::Monthly);
    assert_eq!(
        w.couple.pulse.cadence_choice().map(|c| c.by),
        Some(w.involved)
    );
    assert_eq!(
        refused_field(choose_cadence(
            &w.couple.space,
            &w.couple.pulse,
            w.hurt,
            &CadenceInput {
                cadence: "daily".into()
            }
        )),
        "cadence"
    );
    assert_eq!(
        choose_cadence(
            &w.couple.space,
            &w.couple.pulse,
            w.stranger,
            &CadenceInput {
                cadence: "fortnightly".into()
            }
        ),
        Err(Refusal::NotAMember)
    );
}

#[test]
fn next_due_dates_follow_the_cadence_and_clamp_months() {
    use time::macros::date;
    use Cadence::*;
    // (how often, the last pulse, the next one due)
    let cases = [
        (Weekly, date!(2026 - 03 - 02), date!(2026 - 03 - 09)),
        (Fortnightly, date!(2026 - 12 - 25), date!(2027 - 01 - 08)),
        (Monthly, date!(2026 - 01 - 31), date!(2026 - 02 - 28)),
        (Monthly, date!(2026 - 12 - 15), date!(2027 - 01 - 15)),
    ];
    for (cadence, last, next) in cases {
        assert_eq!(cadence.next_due(last), next, "{cadence:?} after {last}");
    }
}

#[test]
fn a_pulse_is_due_first_today_then_after_the_cadence_counting_both_streams() {
    let mut w = World::ticking();
    let today = w.now.date();
    let first = due(w.pulses_seen_by(w.hurt), today, OffsetDateTime::date).unwrap();
    assert!(first.due);
    assert_eq!(first.last, None);

    w.keep_pulse(w.hurt, steady(4));
    let after_private = due(w.pulses_seen_by(w.hurt), today, OffsetDateTime::date).unwrap();
    assert!(!after_private.due);
    assert_eq!(after_private.next, today + Duration::days(7));
    assert!(due(
        w.pulses_seen_by(w.hurt),
        today + Duration::days(6),
        OffsetDateTime::date
    )
    .is_ok_and(|d| !d.due));
    assert!(due(
        w.pulses_seen_by(w.hurt),
        today + Duration::days(7),
        OffsetDateTime::date
    )
    .is_ok_and(|d| d.due));

    w.advance_days(10);
    w.share_pulse(w.hurt, steady(5));
    let later = w.now.date();
    assert_eq!(
        last_pulse_day(
            &w.couple.pulse,
            w.hurt_private.kept_pulses(),
            w.hurt,
            OffsetDateTime::date
        ),
        Some(later)
    );
    assert!(due(w.pulses_seen_by(w.hurt), later, OffsetDateTime::date).is_ok_and(|d| !d.due));
    // The partner's pulses do not count for the viewer.
    assert!(due(w.pulses_seen_by(w.involved), later, OffsetDateTime::date).is_ok_and(|d| d.due));
}

#[test]
fn projections_keep_pulses_in_order_with_their_scores() {
    let mut w = World::ticking();
    let a = w.share_pulse(w.hurt, steady(2));
    let b = w.keep_pulse(w.hurt, steady(6));
    let c = w.share_pulse(w.involved, steady(7));
    let views = visible_pulses(w.pulses_seen_by(w.hurt)).unwrap();
    let seen: Vec<_> = views
        .iter()
        .map(|v| (v.id, v.whose, v.record.score.index))
        .collect();
    assert_eq!(
        seen,
        vec![
            (PulseId::Shared(a), Whose::Mine, 17),
            (PulseId::Private(b), Whose::Mine, 83),
            (PulseId::Shared(c), Whose::Partner, 100),
        ]
    );
    assert_eq!(w.couple.pulse.get(a).map(|p| p.author), Some(w.hurt));
    assert_eq!(
        w.hurt_private.pulses.get(b).map(|p| p.score.index),
        Some(83)
    );
}

#[test]
fn a_single_pulse_is_found_for_those_who_may_see_it_and_no_one_else() {
    let mut w = World::ticking();
    let shared = w.share_pulse(w.hurt, steady(2));
    let kept = w.keep_pulse(w.hurt, steady(6));
    let (hurt, involved, stranger) = (w.hurt, w.involved, w.stranger);
    // The hurt and the involved partner's private states.
    let (hp, ip) = (&w.hurt_private, &w.involved_private);
    use PulseId::{Private as Kept, Shared};
    // (viewer, the private state the query is handed, pulse, what they see)
    let cases = [
        (involved, ip, Shared(shared), Ok((Whose::Partner, 17))),
        (hurt, hp, Kept(kept), Ok((Whose::Mine, 83))),
        // The partner's own (empty) private state has no such pulse.
        (involved, ip, Kept(kept), Err(Refusal::NotFound)),
        // Another person's private state is refused.
        (involved, hp, Kept(kept), Err(Refusal::NotFound)),
        (hurt, hp, Shared(kept), Err(Refusal::NotFound)),
        (stranger, hp, Shared(shared), Err(Refusal::NotAMember)),
    ];
    for (n, (viewer, mine, id, expected)) in cases.into_iter().enumerate() {
        let seen = view(w.couple.pulses_seen_by(viewer, mine), id);
        let seen = seen.map(|v| (v.whose, v.record.score.index));
        assert_eq!(seen, expected, "case {n}");
    }
}

fn any_answers() -> impl proptest::strategy::Strategy<Value = Answers> {
    use proptest::prelude::*;
    proptest::array::uniform10(SCALE_MIN..=SCALE_MAX).prop_filter_map("on the scale", Answers::new)
}

/// Every pulse event in the couple stream.
pub(crate) fn any_event() -> impl proptest::strategy::Strategy<Value = PulseEvent> {
    use crate::testing::strategies::one_of;
    use proptest::prelude::*;
    prop_oneof![
        any_answers().prop_map(|answers| PulseEvent::Shared { answers }),
        one_of(Cadence::ALL).prop_map(|cadence| PulseEvent::CadenceChosen { cadence }),
    ]
}

/// The pulse event in the author's private stream.
pub(crate) fn any_private_event() -> impl proptest::strategy::Strategy<Value = PrivatePulseEvent> {
    use proptest::prelude::*;
    any_answers().prop_map(|answers| PrivatePulseEvent::Kept { answers })
}
