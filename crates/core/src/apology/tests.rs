use super::*;
use crate::access::repair_rules::RepairAction;
use crate::access::room::Acting;
use crate::kernel::ids::EntryId;
use crate::kernel::refusal::Refusal;
use crate::testing::step;
use crate::testing::{assert_can_agrees, assert_round_trip, full_apology, refused_field, World};

fn reply(answer: &str, what: &str) -> ApologyAnswerInput {
    ApologyAnswerInput {
        answer: answer.to_owned(),
        what: what.to_owned(),
    }
}

#[test]
fn factors_are_refused_while_an_ownership_part_is_empty_and_the_message_names_it() {
    let c = World::new();
    let mut input = full_apology();
    input.draft.remorse = "  ".to_owned();
    input.draft.repair = String::new();
    input.draft.factors = "I was lonely.".to_owned();
    let refusal = c
        .attempt(c.involved, |s, a, _| {
            send(Acting::new(&s.space, &s.apology, a), &input)
        })
        .unwrap_err();
    match refusal {
        Refusal::Invalid { field, message } => {
            assert_eq!(field, "factors");
            assert!(
                message.contains("my remorse; how I will repair"),
                "{message}"
            );
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(
        input.missing_parts(),
        vec!["My remorse", "How I will repair"]
    );
}

#[test]
fn without_factors_each_empty_ownership_part_is_marked_on_its_own_field() {
    let mut input = full_apology();
    input.draft.impact = String::new();
    assert_eq!(refused_field(input.parts()), "impact");
}

#[test]
fn factors_are_accepted_after_every_part_is_owned_and_come_last() {
    let mut c = World::new();
    let mut input = full_apology();
    input.draft.factors = "I was drinking a lot that year.".to_owned();
    let v = c.run(c.involved, step!(apology: send(&input)));
    let (_, version) = c.couple.apology.version(v).unwrap();
    let labelled = version.parts.labelled();
    assert_eq!(labelled.len(), 7);
    assert_eq!(
        labelled[0],
        ("What I did", "I hid a relationship from you for a year.")
    );
    assert_eq!(
        labelled[6],
        (FACTORS_LABEL, "I was drinking a lot that year.")
    );
}

#[test]
fn coach_advice_never_stops_a_version_from_being_sent() {
    let mut c = World::new();
    let mut input = full_apology();
    input.draft.remorse = "I'm sorry if you were hurt, but you pushed me away.".to_owned();
    let advice = input.coach();
    assert!(advice.iter().any(|f| f.part == "remorse"), "{advice:?}");
    let v = c.run(c.involved, step!(apology: send(&input)));
    assert!(c.couple.apology.version(v).is_some());
}

#[test]
fn a_draft_is_checked_without_becoming_an_event() {
    let c = World::new();
    let parts = check_draft(&c.couple.space, c.involved, &full_apology()).unwrap();
    assert_eq!(parts.factors, None);
    assert_eq!(
        check_draft(&c.couple.space, c.hurt, &full_apology()),
        Err(Refusal::NotAllowed(RepairAction::WriteApology.refusal()))
    );
    assert!(c.couple.apology.all().is_empty());
}

#[test]
fn which_betrayal_a_draft_belongs_to_is_answered_only_for_its_writer() {
    let c = World::new();
    let space = &c.couple.space;
    let first = space.betrayals.first().map(|b| b.id);
    let named = first.map(|id| id.0.to_string()).unwrap_or_default();
    let not_theirs = Refusal::NotAllowed(RepairAction::WriteApology.refusal());
    for (actor, raw, expected) in [
        (c.involved, "", first.ok_or(Refusal::NotFound)),
        (c.involved, named.as_str(), first.ok_or(Refusal::NotFound)),
        (c.hurt, "", Err(not_theirs)),
        (c.stranger, "", Err(Refusal::NotAMember)),
    ] {
        assert_eq!(
            check_write(space, actor, raw),
            expected,
            "{actor:?} {raw:?}"
        );
    }
    assert!(matches!(
        check_write(space, c.involved, "999"),
        Err(Refusal::Invalid {
            field: "betrayal",
            ..
        })
    ));
}

#[test]
fn versions_are_numbered_and_a_new_one_follows_only_not_yet_or_need_more() {
    let mut c = World::new();
    let first = c.run(c.involved, step!(apology: send(&full_apology())));
    assert_eq!(
        c.attempt(c.involved, step!(apology: send(&full_apology()))),
        Err(Refusal::Conflict(
            "Your partner has not answered the last version yet. \
                 A new version can follow their answer."
        ))
    );
    let waiting = c
        .couple
        .apology
        .waiting_for_response_from(&c.couple.space, c.hurt);
    assert_eq!(waiting.len(), 1);

    c.run(c.hurt, step!(apology: answer(first, &reply("not_yet", ""))));
    assert_eq!(
        c.couple
            .apology
            .open_for_new_version_by(&c.couple.space, c.involved)
            .len(),
        1
    );
    let second = c.run(c.involved, step!(apology: send(&full_apology())));
    c.run(
        c.hurt,
        step!(apology: answer(second, &reply("need_more", "Say what you told her about me."))),
    );
    let third = c.run(c.involved, step!(apology: send(&full_apology())));
    c.run(
        c.hurt,
        step!(apology: answer(third, &reply("received", ""))),
    );

    let apology = c.couple.apology.for_betrayal(c.betrayal).unwrap();
    let numbers: Vec<_> = apology.versions.iter().map(|v| v.number).collect();
    assert_eq!(numbers, vec![1, 2, 3]);
    assert_eq!(
        apology
            .version(2)
            .and_then(|v| v.response.as_ref())
            .map(|r| &r.answer),
        Some(&ApologyAnswer::NeedMore {
            what: "Say what you told her about me.".to_owned()
        })
    );
    assert_eq!(apology.status(), ApologyStatus::Received);
    assert_eq!(
        c.attempt(c.involved, step!(apology: send(&full_apology()))),
        Err(Refusal::Conflict("Your partner has received your apology."))
    );
    let (apology, space) = (&c.couple.apology, &c.couple.space);
    assert!(apology.waiting_for_response_from(space, c.hurt).is_empty());
}

#[test]
fn only_the_latest_version_is_answered_and_only_once() {
    let mut c = World::new();
    let first = c.run(c.involved, step!(apology: send(&full_apology())));
    c.run(c.hurt, step!(apology: answer(first, &reply("not_yet", ""))));
    assert_eq!(
        c.attempt(
            c.hurt,
            step!(apology: answer(first, &reply("received", "")))
        ),
        Err(Refusal::Conflict("You have already answered this version."))
    );
    c.run(c.involved, step!(apology: send(&full_apology())));
    assert_eq!(
        c.attempt(
            c.hurt,
            step!(apology: answer(first, &reply("received", "")))
        ),
        Err(Refusal::Conflict(
            "A newer version has been sent since; please answer that one."
        ))
    );
}

#[test]
fn need_more_must_say_what_and_the_answer_must_be_one_of_three() {
    let mut c = World::new();
    let v = c.run(c.involved, step!(apology: send(&full_apology())));
    assert_eq!(
        refused_field(c.attempt(c.hurt, step!(apology: answer(v, &reply("need_more", " "))))),
        "what"
    );
    for (code, label) in ANSWERS {
        let parsed = reply(code, "More about the nights away.").parse().unwrap();
        assert_eq!(parsed.label(), label);
    }
    assert_eq!(
        refused_field(c.attempt(c.hurt, step!(apology: answer(v, &reply("whatever", ""))))),
        "answer"
    );
    assert_eq!(
        c.attempt(
            c.involved,
            step!(apology: answer(v, &reply("received", "")))
        ),
        Err(Refusal::NotAllowed(
            RepairAction::RespondToApology.refusal()
        ))
    );
    assert_eq!(
        c.attempt(
            c.hurt,
            step!(apology: answer(EntryId(99), &reply("received", "")))
        ),
        Err(Refusal::NotFound)
    );
}

#[test]
fn every_apology_event_survives_the_stored_json() {
    let parts = full_apology().parts().unwrap();
    assert_round_trip(
        &ApologyEvent::Sent {
            betrayal: EntryId(2),
            parts: ApologyParts {
                factors: Some("f".to_owned()),
                ..parts
            },
        },
        "sent",
    );
    for answer in [
        ApologyAnswer::Received,
        ApologyAnswer::NotYet,
        ApologyAnswer::NeedMore {
            what: "more".to_owned(),
        },
    ] {
        assert_round_trip(
            &ApologyEvent::Answered {
                version: EntryId(4),
                answer,
            },
            "answered",
        );
    }
    let json = serde_json::to_value(ApologyEvent::Answered {
        version: EntryId(4),
        answer: ApologyAnswer::NotYet,
    })
    .unwrap();
    assert_eq!(json["answer"]["kind"], "not_yet");
}

/// For the hurt partner, the involved partner and a stranger, on every
/// betrayal and version in every state, `can_send` and `can_answer` agree
/// with whether `send` and `answer` take valid input.
#[test]
fn every_can_query_agrees_with_its_command() {
    let mut c = World::new();
    let first = c.betrayal;
    let second = c.with_second_betrayal_the_same_way();
    let other_way = c.with_second_betrayal_the_other_way();
    let sent_for = |betrayal: EntryId| ApologyInput {
        betrayal: betrayal.0.to_string(),
        ..full_apology()
    };
    let not_yet = c.run(c.involved, step!(apology: send(&sent_for(first))));
    c.run(
        c.hurt,
        step!(apology: answer(not_yet, &reply("not_yet", ""))),
    );
    let awaiting = c.run(c.involved, step!(apology: send(&sent_for(first))));
    let received = c.run(c.involved, step!(apology: send(&sent_for(second))));
    c.run(
        c.hurt,
        step!(apology: answer(received, &reply("received", ""))),
    );
    let (space, apologies) = (&c.couple.space, &c.couple.apology);
    let actors = [c.hurt, c.involved, c.stranger];
    let betrayals = [first, second, other_way, EntryId(999)];
    assert_can_agrees("send", &actors, &betrayals, |actor, betrayal| {
        let accepted = send(Acting::new(space, apologies, actor), &sent_for(betrayal)).is_ok();
        (
            can_send(Acting::new(space, apologies, actor), betrayal),
            accepted,
        )
    });
    let versions = [not_yet, awaiting, received, EntryId(999)];
    assert_can_agrees("answer", &actors, &versions, |actor, version| {
        let accepted = answer(
            Acting::new(space, apologies, actor),
            version,
            &reply("received", ""),
        )
        .is_ok();
        (
            can_answer(Acting::new(space, apologies, actor), version),
            accepted,
        )
    });
}

/// Every apology event and answer, with the factors present and absent.
pub(crate) fn any_event() -> impl proptest::strategy::Strategy<Value = ApologyEvent> {
    use crate::testing::strategies::{entry_id, maybe_text, text};
    use proptest::prelude::*;
    let owned = proptest::collection::vec(text(), 6);
    let parts = (owned, maybe_text()).prop_map(|(owned, factors)| {
        let [what_i_did, impact, responsibility, remorse, changes, repair] =
            <[String; 6]>::try_from(owned).unwrap_or_default();
        ApologyParts {
            what_i_did,
            impact,
            responsibility,
            remorse,
            changes,
            repair,
            factors,
        }
    });
    let answer = prop_oneof![
        Just(ApologyAnswer::Received),
        Just(ApologyAnswer::NotYet),
        text().prop_map(|what| ApologyAnswer::NeedMore { what }),
    ];
    prop_oneof![
        (entry_id(), parts).prop_map(|(betrayal, parts)| ApologyEvent::Sent { betrayal, parts }),
        (entry_id(), answer)
            .prop_map(|(version, answer)| ApologyEvent::Answered { version, answer }),
    ]
}

#[test]
fn a_whole_draft_the_coach_flagged_asks_its_author_before_it_is_sent() {
    let c = World::new();
    let space = &c.couple.space;
    assert!(
        !asks_before_sending(space, c.involved, &full_apology()),
        "nothing noticed: it is simply sent"
    );
    let mut flagged = full_apology();
    flagged.draft.impact = "I'm sorry if you were hurt, but you were never home.".to_owned();
    assert!(asks_before_sending(space, c.involved, &flagged));
    let mut unfinished = flagged.clone();
    unfinished.draft.remorse = String::new();
    assert!(
        !asks_before_sending(space, c.involved, &unfinished),
        "a draft that cannot be sent is refused, not asked about"
    );
}
