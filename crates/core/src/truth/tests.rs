use super::*;
use crate::access::repair_rules::RepairAction;
use crate::access::room::Acting;
use crate::kernel::ids::{EntryId, UserId};
use crate::kernel::refusal::Refusal;
use crate::space::SpaceState;
use crate::streams::couple::CoupleEvent;
use crate::testing::step;
use crate::testing::{assert_round_trip, entry_ids, refused_field, World};
use time::macros::date;
use time::Duration;

fn disclosure(text: &str) -> DisclosureInput {
    DisclosureInput {
        text: text.to_owned(),
        ..Default::default()
    }
}

fn question(text: &str) -> QuestionInput {
    QuestionInput {
        text: text.to_owned(),
        ..Default::default()
    }
}

fn answer_text(text: &str) -> AnswerInput {
    AnswerInput {
        text: text.to_owned(),
    }
}

/// The involved partner volunteers a disclosure in the only betrayal.
fn disclosed(c: &mut World, text: &str) -> EntryId {
    c.run(c.involved, step!(space: volunteer @now(&disclosure(text))))
}

/// The involved partner answers `question`.
fn answer_as_involved(c: &mut World, question: EntryId, text: &str) -> EntryId {
    c.run(
        c.involved,
        step!(truth: answer(question, &answer_text(text))),
    )
}

/// The entries the log says `who` has still to read.
fn to_read(c: &World, who: UserId) -> Vec<EntryId> {
    let (room, space) = (&c.couple.truth, &c.couple.space);
    entry_ids(room.awaiting_acknowledgement_by(space, who))
}

/// The questions the log says `who` is asked to answer.
fn to_answer(c: &World, who: UserId) -> Vec<EntryId> {
    let (room, space) = (&c.couple.truth, &c.couple.space);
    entry_ids(room.questions_waiting_for_answer_from(space, who))
}

/// Given a couple where the hurt partner asked one question.
fn with_question() -> (World, EntryId) {
    let mut c = World::new();
    let q = c.run(c.hurt, step!(space: ask(&question("When did it start?"))));
    (c, q)
}

#[test]
fn the_involved_partner_volunteers_a_disclosure_for_the_only_betrayal() {
    let c = World::new();
    let input = DisclosureInput {
        betrayal: String::new(),
        text: "  We met twice more in May.  ".to_owned(),
        refers_to: "2026-02-20".to_owned(),
    };
    let event = c.attempt(c.involved, step!(space: volunteer @now(&input)));
    assert_eq!(
        event,
        Ok(TruthEvent::Disclosed {
            betrayal: c.betrayal,
            text: "We met twice more in May.".to_owned(),
            refers_to: Some(date!(2026 - 02 - 20)),
        })
    );
}

#[test]
fn a_disclosure_cannot_refer_to_a_future_day_or_be_empty() {
    let c = World::new();
    let future = DisclosureInput {
        text: "Something".to_owned(),
        refers_to: "2026-03-03".to_owned(),
        ..Default::default()
    };
    let refusal = c.attempt(c.involved, step!(space: volunteer @now(&future)));
    assert_eq!(refused_field(refusal), "refers_to");
    let empty = c.attempt(c.involved, step!(space: volunteer @now(&disclosure(" "))));
    assert_eq!(refused_field(empty), "text");
}

#[test]
fn with_two_betrayals_the_form_must_name_one_and_the_role_is_read_in_it() {
    let mut c = World::new();
    let second = c.with_second_betrayal_the_other_way();
    let unnamed = c.attempt(c.hurt, step!(space: ask(&question("Why?"))));
    assert_eq!(refused_field(unnamed), "betrayal");

    // In the second betrayal the roles are reversed.
    let named = QuestionInput {
        betrayal: second.0.to_string(),
        text: "Why?".to_owned(),
    };
    assert_eq!(
        c.attempt(c.hurt, step!(space: ask(&named))),
        Err(Refusal::NotAllowed(RepairAction::Ask.refusal()))
    );
    let q = c.run(c.involved, step!(space: ask(&named)));
    assert_eq!(c.couple.truth.entry(q).map(|e| e.betrayal), Some(second));

    let unknown = QuestionInput {
        betrayal: "999".to_owned(),
        text: "Why?".to_owned(),
    };
    let refusal = c.attempt(c.involved, step!(space: ask(&unknown)));
    assert_eq!(refused_field(refusal), "betrayal");
}

#[test]
fn an_answered_question_shows_its_answer_and_cannot_be_answered_twice() {
    let (mut c, q) = with_question();
    let a = answer_as_involved(&mut c, q, "In January.");
    assert_eq!(c.couple.truth.answer_to(q).map(|e| e.id), Some(a));
    assert_eq!(
        c.couple
            .truth
            .entry(q)
            .and_then(|e| e.question_status().cloned()),
        Some(QuestionStatus::Answered { answer: a })
    );
    assert_eq!(
        c.attempt(c.involved, step!(truth: answer(q, &answer_text("Again")))),
        Err(Refusal::Conflict(
            "This question has been answered. To change the answer, write a correction."
        ))
    );
}

#[test]
fn answering_something_that_is_not_a_question_is_not_found() {
    let mut c = World::new();
    let d = disclosed(&mut c, "Told");
    assert_eq!(
        c.attempt(c.involved, step!(truth: answer(d, &answer_text("x")))),
        Err(Refusal::NotFound)
    );
    assert_eq!(
        c.attempt(
            c.involved,
            step!(truth: answer(EntryId(77), &answer_text("x")))
        ),
        Err(Refusal::NotFound)
    );
}

#[test]
fn a_stranger_is_not_a_member_even_for_an_entry_that_does_not_exist() {
    let c = World::new();
    assert_eq!(
        c.attempt(
            c.stranger,
            step!(truth: answer(EntryId(77), &answer_text("x")))
        ),
        Err(Refusal::NotAMember)
    );
}

#[test]
fn a_parked_question_waits_for_therapy_until_its_asker_brings_it_back() {
    let (mut c, q) = with_question();
    // Either partner may park it; here the involved partner does.
    c.run(c.involved, step!(truth: park(q)));
    assert_eq!(
        c.attempt(c.involved, step!(truth: answer(q, &answer_text("x")))),
        Err(Refusal::Conflict(
            "This question is parked for your joint therapy session. \
                 The partner who asked it can bring it back home first."
        ))
    );
    assert!(matches!(
        c.attempt(c.hurt, step!(truth: park(q))),
        Err(Refusal::Conflict(_))
    ));
    assert_eq!(
        c.attempt(c.involved, step!(truth: unpark(q))),
        Err(Refusal::NotAllowed(RepairAction::Unpark.refusal()))
    );
    let parked = entry_ids(c.couple.truth.parked());
    assert_eq!(parked, vec![q]);
    assert!(to_answer(&c, c.involved).is_empty());

    c.run(c.hurt, step!(truth: unpark(q)));
    assert!(c.couple.truth.parked().is_empty());
    answer_as_involved(&mut c, q, "In January.");
    assert!(c.couple.truth.answer_to(q).is_some());
}

#[test]
fn only_an_open_question_can_be_parked_and_only_a_parked_one_unparked() {
    let (mut c, q) = with_question();
    assert_eq!(
        c.attempt(c.hurt, step!(truth: unpark(q))),
        Err(Refusal::Conflict("This question is not parked."))
    );
    answer_as_involved(&mut c, q, "Yes.");
    assert!(matches!(
        c.attempt(c.hurt, step!(truth: park(q))),
        Err(Refusal::Conflict(_))
    ));
}

#[test]
fn a_correction_is_a_new_entry_that_records_how_late_it_came() {
    let (mut c, q) = with_question();
    let a = answer_as_involved(&mut c, q, "Once.");
    c.advance(Duration::days(9) + Duration::hours(2));
    let fix = CorrectionInput {
        text: "It was three times.".to_owned(),
    };
    let k = c.run(c.involved, |s, actor, _| {
        correct(Acting::new(&s.space, &s.truth, actor), a, &fix)
    });

    let original = c.couple.truth.entry(a).unwrap();
    assert_eq!(original.text, "Once.", "the original stays as it was");
    assert_eq!(original.corrections, vec![k]);
    let correction = c.couple.truth.entry(k).unwrap();
    assert_eq!(
        correction.kind,
        EntryKind::Correction {
            corrects: a,
            after: Duration::days(9) + Duration::hours(2)
        }
    );
    assert_eq!(correction.corrected_after(), Some(Duration::hours(218)));
    assert_eq!(correction.betrayal, c.betrayal);
    let listed = entry_ids(c.couple.truth.corrections_of(a));
    assert_eq!(listed, vec![k]);
    assert_eq!(
        crate::kernel::days::plain_delay(Duration::hours(218)),
        "9 days"
    );
}

#[test]
fn only_the_author_corrects_and_questions_are_not_corrected() {
    let (mut c, q) = with_question();
    let fix = CorrectionInput {
        text: "x".to_owned(),
    };
    // The hurt partner may not correct (their role), and nobody corrects a question.
    assert_eq!(
        c.attempt(c.hurt, step!(truth: correct(q, &fix))),
        Err(Refusal::NotAllowed(RepairAction::Correct.refusal()))
    );
    assert!(matches!(
        c.attempt(c.involved, step!(truth: correct(q, &fix))),
        Err(Refusal::Conflict(_))
    ));
    // A disclosure in a second betrayal, written by the other partner,
    // cannot be corrected by someone who did not write it.
    let second = c.with_second_betrayal_the_other_way();
    let theirs = DisclosureInput {
        betrayal: second.0.to_string(),
        text: "Mine".to_owned(),
        refers_to: String::new(),
    };
    let d = c.run(c.hurt, step!(space: volunteer @now(&theirs)));
    assert_eq!(
        c.attempt(c.involved, step!(truth: correct(d, &fix))),
        Err(Refusal::NotAllowed(RepairAction::Correct.refusal()))
    );
    assert!(c
        .attempt(c.hurt, |s, a, _| correct(
            Acting::new(&s.space, &s.truth, a),
            d,
            &fix
        ))
        .is_ok());
}

#[test]
fn an_entry_is_acknowledged_once_with_an_optional_response() {
    let mut c = World::new();
    let d = disclosed(&mut c, "Told");
    let waiting = to_read(&c, c.hurt);
    assert_eq!(waiting, vec![d]);
    assert!(to_read(&c, c.involved).is_empty());
    assert_eq!(
        c.attempt(
            c.involved,
            step!(truth: acknowledge(d, &Default::default()))
        ),
        Err(Refusal::NotAllowed(RepairAction::Acknowledge.refusal()))
    );

    let input = AcknowledgementInput {
        response: " Thank you for telling me. ".to_owned(),
    };
    c.run(c.hurt, step!(truth: acknowledge(d, &input)));
    let entry = c.couple.truth.entry(d).unwrap();
    match entry.ack_state() {
        AckState::Acknowledged(ack) => {
            assert_eq!(ack.by, c.hurt);
            assert_eq!(ack.response.as_deref(), Some("Thank you for telling me."));
        }
        other => panic!("expected an acknowledgement, got {other:?}"),
    }
    assert_eq!(
        c.attempt(c.hurt, step!(truth: acknowledge(d, &input))),
        Err(Refusal::Conflict(
            "You have already acknowledged this entry."
        ))
    );
    assert!(to_read(&c, c.hurt).is_empty());
}

#[test]
fn a_question_is_answered_rather_than_acknowledged() {
    let (c, q) = with_question();
    assert_eq!(
        c.couple.truth.entry(q).unwrap().ack_state(),
        AckState::NotNeeded
    );
    assert!(matches!(
        c.attempt(c.hurt, step!(truth: acknowledge(q, &Default::default()))),
        Err(Refusal::Conflict(_))
    ));
}

#[test]
fn the_log_lists_newest_first_and_filters_by_kind_and_question_state() {
    let mut c = World::new();
    let d = disclosed(&mut c, "Told");
    let open = c.run(c.hurt, step!(space: ask(&question("Open?"))));
    let answered = c.run(c.hurt, step!(space: ask(&question("Answered?"))));
    let parked = c.run(c.hurt, step!(space: ask(&question("Parked?"))));
    let a = answer_as_involved(&mut c, answered, "Yes");
    c.run(c.hurt, step!(truth: park(parked)));

    let ids = |filter| -> Vec<EntryId> {
        c.couple
            .truth
            .entries(filter)
            .iter()
            .map(|e| e.id)
            .collect()
    };
    assert_eq!(ids(TruthFilter::All), vec![a, parked, answered, open, d]);
    assert_eq!(ids(TruthFilter::Disclosures), vec![d]);
    assert_eq!(ids(TruthFilter::QuestionsOpen), vec![open]);
    assert_eq!(ids(TruthFilter::QuestionsAnswered), vec![answered]);
    assert_eq!(ids(TruthFilter::QuestionsParked), vec![parked]);
    assert_eq!(TruthFilter::parse("parked"), TruthFilter::QuestionsParked);
    assert_eq!(TruthFilter::parse("nonsense"), TruthFilter::All);

    let waiting = to_answer(&c, c.involved);
    assert_eq!(waiting, vec![open]);
    assert!(to_answer(&c, c.hurt).is_empty());
    let acks = to_read(&c, c.hurt);
    assert_eq!(acks, vec![d, a]);
}

#[test]
fn every_truth_event_survives_the_stored_json() {
    let events = [
        (
            TruthEvent::Disclosed {
                betrayal: EntryId(2),
                text: "t".to_owned(),
                refers_to: Some(date!(2026 - 01 - 31)),
            },
            "disclosed",
        ),
        (
            TruthEvent::Asked {
                betrayal: EntryId(2),
                text: "q".to_owned(),
            },
            "asked",
        ),
        (
            TruthEvent::Answered {
                question: EntryId(5),
                text: "a".to_owned(),
            },
            "answered",
        ),
        (
            TruthEvent::Acknowledged {
                entry: EntryId(6),
                response: Some("ok".to_owned()),
            },
            "acknowledged",
        ),
        (
            TruthEvent::Parked {
                question: EntryId(5),
            },
            "parked",
        ),
        (
            TruthEvent::Unparked {
                question: EntryId(5),
            },
            "unparked",
        ),
        (
            TruthEvent::Corrected {
                corrects: EntryId(6),
                text: "c".to_owned(),
            },
            "corrected",
        ),
    ];
    for (event, tag) in &events {
        assert_round_trip(event, tag);
    }
    let json = serde_json::to_value(&events[0].0).unwrap();
    assert_eq!(json["refers_to"], "2026-01-31");
    let wrapped = CoupleEvent::from(events[1].0.clone());
    assert_eq!(serde_json::to_value(&wrapped).unwrap()["room"], "truth");
    assert_eq!(wrapped.kind(), "truth");
}

/// For every person (hurt, involved, a stranger), every entry in every
/// state it can be in, and an id that names nothing, each `can_*` query
/// agrees with whether its command takes valid text. The couple has a
/// second betrayal pointing the other way, so roles are read per entry.
#[test]
fn every_can_query_agrees_with_its_command() {
    let mut c = World::new();
    let other_way = c.with_second_betrayal_the_other_way().0.to_string();
    let ask_in = |betrayal: &str, text: &str| QuestionInput {
        betrayal: betrayal.to_owned(),
        text: text.to_owned(),
    };
    let first = c.betrayal.0.to_string();
    let open = c.run(c.hurt, step!(space: ask(&ask_in(&first, "Open?"))));
    let parked = c.run(c.hurt, step!(space: ask(&ask_in(&first, "Parked?"))));
    c.run(c.involved, step!(truth: park(parked)));
    let answered = c.run(c.hurt, step!(space: ask(&ask_in(&first, "Answered?"))));
    let answer_id = answer_as_involved(&mut c, answered, "Yes.");
    let told = DisclosureInput {
        betrayal: first.clone(),
        text: "I told you.".to_owned(),
        refers_to: String::new(),
    };
    let disclosure = c.run(c.involved, step!(space: volunteer @now(&told)));
    let read = c.run(c.involved, step!(space: volunteer @now(&told)));
    c.run(
        c.hurt,
        step!(truth: acknowledge(read, &AcknowledgementInput::default())),
    );
    let correction = c.run(
        c.involved,
        step!(truth: correct(disclosure, &CorrectionInput { text: "More.".into(), })),
    );
    let theirs = c.run(c.involved, step!(space: ask(&ask_in(&other_way, "Why?"))));
    let entries = [
        open,
        parked,
        answered,
        answer_id,
        disclosure,
        read,
        correction,
        theirs,
        EntryId(999),
    ];

    type Step = fn(&SpaceState, &TruthLog, UserId, EntryId) -> (bool, bool);
    let steps: [(&str, Step); 5] = [
        ("answer", |s, l, a, id| {
            (
                can_answer(Acting::new(s, l, a), id),
                answer(Acting::new(s, l, a), id, &answer_text("x")).is_ok(),
            )
        }),
        ("park", |s, l, a, id| {
            (
                can_park(Acting::new(s, l, a), id),
                park(Acting::new(s, l, a), id).is_ok(),
            )
        }),
        ("unpark", |s, l, a, id| {
            (
                can_unpark(Acting::new(s, l, a), id),
                unpark(Acting::new(s, l, a), id).is_ok(),
            )
        }),
        ("acknowledge", |s, l, a, id| {
            let input = AcknowledgementInput::default();
            (
                can_acknowledge(Acting::new(s, l, a), id),
                acknowledge(Acting::new(s, l, a), id, &input).is_ok(),
            )
        }),
        ("correct", |s, l, a, id| {
            let input = CorrectionInput { text: "x".into() };
            (
                can_correct(Acting::new(s, l, a), id),
                correct(Acting::new(s, l, a), id, &input).is_ok(),
            )
        }),
    ];
    for (name, step) in steps {
        let mut allowed = 0;
        for actor in [c.hurt, c.involved, c.stranger] {
            for id in entries {
                let (can, accepted) = step(&c.couple.space, &c.couple.truth, actor, id);
                assert_eq!(can, accepted, "{name} by {actor} on {id}");
                allowed += usize::from(can);
            }
        }
        assert!(
            allowed > 0,
            "{name} is never allowed: the table proves nothing"
        );
    }
    // What waits for a person is exactly what its checks allow.
    let waiting = |who: UserId| -> Vec<(EntryId, Waiting)> {
        let log = &c.couple.truth;
        log.waiting_for(&c.couple.space, who)
            .iter()
            .map(|(e, w)| (e.id, *w))
            .collect()
    };
    assert_eq!(waiting(c.involved), vec![(open, Waiting::Answer)]);
    assert_eq!(
        waiting(c.hurt),
        vec![
            (theirs, Waiting::Answer),
            (correction, Waiting::Acknowledge),
            (disclosure, Waiting::Acknowledge),
            (answer_id, Waiting::Acknowledge),
        ]
    );
    assert!(waiting(c.stranger).is_empty());
}

/// Every truth event, with the optional day and response present and absent.
pub(crate) fn any_event() -> impl proptest::strategy::Strategy<Value = TruthEvent> {
    use crate::testing::strategies::{entry_id, maybe_day, maybe_text, text};
    use proptest::prelude::*;
    let id = entry_id;
    prop_oneof![
        (id(), text(), maybe_day()).prop_map(|(betrayal, text, refers_to)| {
            TruthEvent::Disclosed {
                betrayal,
                text,
                refers_to,
            }
        }),
        (id(), text()).prop_map(|(betrayal, text)| TruthEvent::Asked { betrayal, text }),
        (id(), text()).prop_map(|(question, text)| TruthEvent::Answered { question, text }),
        (id(), maybe_text())
            .prop_map(|(entry, response)| TruthEvent::Acknowledged { entry, response }),
        id().prop_map(|question| TruthEvent::Parked { question }),
        id().prop_map(|question| TruthEvent::Unparked { question }),
        (id(), text()).prop_map(|(corrects, text)| TruthEvent::Corrected { corrects, text }),
    ]
}
