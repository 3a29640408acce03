use super::*;
use crate::access::visibility::Whose;
use crate::checkin::feelings::{CoreFeeling, Feeling, Intensity};
use crate::kernel::ids::{EntryId, UserId};
use crate::kernel::refusal::Refusal;
use crate::testing::*;
use time::OffsetDateTime;

pub fn input(feelings: &[(&str, &str)], note: &str, visibility: &str) -> CheckInInput {
    CheckInInput {
        feelings: feelings
            .iter()
            .map(|(c, i)| ((*c).to_owned(), (*i).to_owned()))
            .collect(),
        note: note.to_owned(),
        visibility: visibility.to_owned(),
    }
}

#[test]
fn an_only_me_check_in_goes_to_the_private_stream() {
    let w = World::ticking();
    let out = check_in(
        &w.couple.space,
        w.hurt,
        &input(&[("sad", "3")], " tired ", "only_me"),
    )
    .unwrap();
    let NewCheckIn::Kept(PrivateCheckInEvent::Kept { check_in }) = out else {
        panic!("expected a private check-in, got {out:?}");
    };
    assert_eq!(check_in.note.as_deref(), Some("tired"));
    assert_eq!(check_in.feelings[0].feeling.code(), "sad");
    assert_eq!(check_in.feelings[0].intensity.value(), 3);
}

#[test]
fn shared_check_ins_go_to_the_couple_stream_with_their_audience() {
    let w = World::ticking();
    for (visibility, with) in [
        ("partner", SharedWith::Partner),
        ("partner_and_therapist", SharedWith::PartnerAndTherapist),
    ] {
        let out = check_in(
            &w.couple.space,
            w.involved,
            &input(&[("ashamed", "4"), ("hopeful", "2")], "", visibility),
        )
        .unwrap();
        let NewCheckIn::Shared(CheckInEvent::Shared {
            check_in,
            with: got,
        }) = out
        else {
            panic!("expected a shared check-in, got {out:?}");
        };
        assert_eq!(got, with);
        assert_eq!(check_in.feelings.len(), 2);
        assert_eq!(check_in.note, None);
    }
}

#[test]
fn a_stranger_cannot_check_in() {
    let w = World::ticking();
    assert_eq!(
        check_in(
            &w.couple.space,
            w.stranger,
            &input(&[("sad", "3")], "", "partner")
        ),
        Err(Refusal::NotAMember)
    );
}

#[test]
fn check_in_input_is_validated_field_by_field() {
    let w = World::ticking();
    let run = |i: CheckInInput| refused_field(check_in(&w.couple.space, w.hurt, &i));
    assert_eq!(run(input(&[], "", "partner")), "feelings");
    assert_eq!(
        run(input(
            &[
                ("sad", "1"),
                ("angry", "1"),
                ("lonely", "1"),
                ("afraid", "1")
            ],
            "",
            "partner"
        )),
        "feelings"
    );
    assert_eq!(
        run(input(&[("sad", "1"), ("sad", "2")], "", "partner")),
        "feelings"
    );
    assert_eq!(run(input(&[("elated", "1")], "", "partner")), "feelings");
    assert_eq!(
        run(input(&[("betrayed", "0")], "", "partner")),
        "intensity_betrayed"
    );
    assert_eq!(
        run(input(&[("betrayed", "6")], "", "partner")),
        "intensity_betrayed"
    );
    assert_eq!(
        run(input(&[("betrayed", "")], "", "partner")),
        "intensity_betrayed"
    );
    assert_eq!(
        run(input(
            &[("sad", "2")],
            &"x".repeat(NOTE_MAX_CHARS + 1),
            "partner"
        )),
        "note"
    );
    assert_eq!(run(input(&[("sad", "2")], "", "everyone")), "visibility");
    assert_eq!(run(input(&[("sad", "2")], "", "")), "visibility");
    assert!(check_in(
        &w.couple.space,
        w.hurt,
        &input(&[("sad", "2")], &"x".repeat(NOTE_MAX_CHARS), "partner")
    )
    .is_ok());
}

#[test]
fn the_intensity_refusal_names_the_feeling_kindly() {
    let w = World::ticking();
    let Err(Refusal::Invalid { message, .. }) = check_in(
        &w.couple.space,
        w.hurt,
        &input(&[("let_down", "x")], "", "partner"),
    ) else {
        panic!("expected a refusal");
    };
    assert!(message.contains("Let down"), "{message}");
}

#[test]
fn form_pairs_become_an_input_keeping_only_ticked_feelings() {
    let input = CheckInInput::from_form(&form_pairs(&[
        ("feelings", "betrayed"),
        ("intensity_betrayed", "4"),
        ("intensity_calm", "2"),
        ("feelings", "hopeful"),
        ("intensity_hopeful", "1"),
        ("note", "long day"),
        ("visibility", "partner"),
    ]));
    assert_eq!(
        input.feelings,
        vec![
            ("betrayed".to_owned(), "4".to_owned()),
            ("hopeful".to_owned(), "1".to_owned())
        ]
    );
    assert_eq!(input.note, "long day");
    assert_eq!(input.visibility, "partner");
}

#[test]
fn a_form_with_a_flood_of_feelings_is_read_once_and_refused() {
    // 190,000 ticked boxes (about 2 MB): read in one pass, kept to one past
    // the most that can be chosen, and refused as too many.
    let mut pairs: Vec<(String, String)> = (0..190_000)
        .map(|n| ("feelings".to_owned(), format!("word{n}")))
        .collect();
    pairs.push(("intensity_word0".to_owned(), "3".to_owned()));
    let input = CheckInInput::from_form(&pairs);
    assert_eq!(input.feelings.len(), MAX_FEELINGS + 1);
    assert_eq!(input.feelings[0], ("word0".to_owned(), "3".to_owned()));
    let refused = input.parse().unwrap_err();
    assert!(matches!(
        refused,
        Refusal::Invalid {
            field: "feelings",
            ..
        }
    ));
}

fn ack(check_in: EntryId, preset: &str, own_words: &str) -> AcknowledgeInput {
    AcknowledgeInput {
        check_in: check_in.0.to_string(),
        preset: preset.to_owned(),
        own_words: own_words.to_owned(),
    }
}

/// `by` answers the shared check-in `id` with a preset or their own words.
fn answer(w: &World, by: UserId, id: EntryId, preset: &str, words: &str) -> Answered {
    let input = ack(id, preset, words);
    acknowledge(&w.couple.space, &w.couple.check_ins, by, &input)
}

type Answered = Result<CheckInEvent, Refusal>;

#[test]
fn only_the_partner_acknowledges_a_shared_check_in_and_only_once() {
    let mut w = World::ticking();
    let id = w.share_check_in(w.hurt, &[("hurt", "5")]);
    assert_eq!(
        answer(&w, w.hurt, id, "thank_you", ""),
        Err(Refusal::NotAllowed(
            "This is your own check-in; your partner can answer it."
        ))
    );
    assert_eq!(
        answer(&w, w.stranger, id, "thank_you", ""),
        Err(Refusal::NotAMember)
    );
    let event = answer(&w, w.involved, id, "thank_you", "").unwrap();
    assert_eq!(
        event,
        CheckInEvent::Acknowledged {
            check_in: id,
            acknowledgement: Acknowledgement::Preset(AckPreset::ThankYou)
        }
    );
    w.record(w.involved, event);
    let entry = w.couple.check_ins.get(id).unwrap();
    assert_eq!(
        entry.acknowledgement.as_ref().map(|a| a.by),
        Some(w.involved)
    );
    assert_eq!(
        answer(&w, w.involved, id, "im_here", ""),
        Err(Refusal::Conflict(
            "This check-in has already been answered."
        ))
    );
}

#[test]
fn own_words_win_over_a_preset_and_an_empty_answer_is_refused() {
    let mut w = World::ticking();
    let id = w.share_check_in(w.hurt, &[("lonely", "3")]);
    let event = answer(&w, w.involved, id, "thank_you", "  I see you.  ").unwrap();
    let CheckInEvent::Acknowledged {
        acknowledgement, ..
    } = event
    else {
        panic!("expected an acknowledgement");
    };
    assert_eq!(acknowledgement.text(), "I see you.");
    assert_eq!(
        refused_field(answer(&w, w.involved, id, "", " ")),
        "own_words"
    );
    assert_eq!(
        refused_field(answer(
            &w,
            w.involved,
            id,
            "",
            &"x".repeat(OWN_WORDS_MAX_CHARS + 1)
        )),
        "own_words"
    );
}

#[test]
fn acknowledging_a_missing_or_private_check_in_is_not_found() {
    let mut w = World::ticking();
    let private_id = w.keep_check_in(w.hurt, &[("sad", "2")]);
    assert_eq!(
        answer(&w, w.involved, EntryId(999), "thank_you", ""),
        Err(Refusal::NotFound)
    );
    assert_eq!(
        answer(&w, w.involved, private_id, "thank_you", ""),
        Err(Refusal::NotFound)
    );
    let mut garbled = ack(EntryId(1), "thank_you", "");
    garbled.check_in = "abc".to_owned();
    assert_eq!(
        acknowledge(&w.couple.space, &w.couple.check_ins, w.involved, &garbled),
        Err(Refusal::NotFound)
    );
}

#[test]
fn tallies_count_a_family_once_per_check_in_with_its_strongest_intensity() {
    let mut w = World::ticking();
    w.share_check_in(
        w.hurt,
        &[("hurt", "2"), ("betrayed", "5"), ("hopeful", "1")],
    );
    w.share_check_in(w.hurt, &[("stung", "3")]);
    let day = w.now.date().midnight().assume_offset(w.now.offset());
    let tally = w
        .couple
        .check_ins
        .days_of(w.hurt)
        .unwrap()
        .between(day, day + time::Duration::DAY);
    assert_eq!(tally.check_ins, 2);
    assert_eq!(tally.count(CoreFeeling::Hurt), 2);
    assert_eq!(tally.count(CoreFeeling::Hopeful), 1);
    assert_eq!(tally.count(CoreFeeling::Sad), 0);
    assert_eq!(tally.mean_intensity_tenths(CoreFeeling::Hurt), Some(40));
    assert_eq!(tally.mean_intensity_tenths(CoreFeeling::Sad), None);
}

#[test]
fn history_merges_own_private_and_shared_check_ins_newest_first_and_pages() {
    let mut w = World::ticking();
    let a = w.keep_check_in(w.hurt, &[("sad", "2")]);
    let b = w.share_check_in(w.involved, &[("ashamed", "4")]);
    let c = w.share_check_in(w.hurt, &[("afraid", "3")]);
    let d = w.keep_check_in(w.hurt, &[("close", "1")]);
    let page = history(w.check_ins_seen_by(w.hurt), None, 3).unwrap();
    let ids: Vec<_> = page.iter().map(|v| v.id).collect();
    assert_eq!(
        ids,
        vec![
            CheckInId::Private(d),
            CheckInId::Shared(c),
            CheckInId::Shared(b)
        ]
    );
    assert_eq!(page[2].whose, Whose::Partner);
    assert!(page[2].can_acknowledge);
    assert!(!page[1].can_acknowledge);
    let next = history(w.check_ins_seen_by(w.hurt), Some(page[2].at), 3).unwrap();
    assert_eq!(
        next.iter().map(|v| v.id).collect::<Vec<_>>(),
        vec![CheckInId::Private(a)]
    );
}

#[test]
fn last_check_in_day_looks_at_both_streams() {
    let mut w = World::ticking();
    assert_eq!(
        last_check_in_day(
            &w.couple.check_ins,
            w.hurt_private.kept_check_ins(),
            w.hurt,
            OffsetDateTime::date
        ),
        None
    );
    w.keep_check_in(w.hurt, &[("sad", "2")]);
    assert_eq!(
        last_check_in_day(
            &w.couple.check_ins,
            w.hurt_private.kept_check_ins(),
            w.hurt,
            OffsetDateTime::date
        ),
        Some(w.now.date())
    );
    assert_eq!(
        last_check_in_day(
            &w.couple.check_ins,
            w.involved_private.kept_check_ins(),
            w.involved,
            OffsetDateTime::date
        ),
        None
    );
    w.advance_days(2);
    w.share_check_in(w.involved, &[("sad", "2")]);
    assert_eq!(
        last_check_in_day(
            &w.couple.check_ins,
            w.involved_private.kept_check_ins(),
            w.involved,
            OffsetDateTime::date
        ),
        Some(w.now.date())
    );
}

#[test]
fn events_round_trip_through_json() {
    let event = CheckInEvent::Shared {
        check_in: CheckIn {
            feelings: vec![FeltFeeling {
                feeling: Feeling::from_code("on_edge").unwrap(),
                intensity: Intensity::new(2).unwrap(),
            }],
            note: Some("a <b> note".to_owned()),
        },
        with: SharedWith::PartnerAndTherapist,
    };
    let json = serde_json::to_string(&event).unwrap();
    assert!(json.contains("\"on_edge\""), "{json}");
    assert_eq!(serde_json::from_str::<CheckInEvent>(&json).unwrap(), event);
}

/// What a check-in says, with and without a note.
fn any_check_in() -> impl proptest::strategy::Strategy<Value = CheckIn> {
    use crate::checkin::feelings::{Feeling, Intensity};
    use crate::testing::strategies::{maybe_text, one_of};
    use proptest::prelude::*;
    let felt = (
        one_of(Feeling::all().collect::<Vec<_>>()),
        (Intensity::MIN..=Intensity::MAX).prop_filter_map("on the scale", Intensity::new),
    )
        .prop_map(|(feeling, intensity)| FeltFeeling { feeling, intensity });
    (
        proptest::collection::vec(felt, 0..=MAX_FEELINGS),
        maybe_text(),
    )
        .prop_map(|(feelings, note)| CheckIn { feelings, note })
}

/// Every check-in event in the couple stream.
pub(crate) fn any_event() -> impl proptest::strategy::Strategy<Value = CheckInEvent> {
    use crate::testing::strategies::{entry_id, one_of, text};
    use proptest::prelude::*;
    let with = one_of([SharedWith::Partner, SharedWith::PartnerAndTherapist]);
    let acknowledgement = prop_oneof![
        one_of(AckPreset::ALL).prop_map(Acknowledgement::Preset),
        text().prop_map(Acknowledgement::OwnWords),
    ];
    prop_oneof![
        (any_check_in(), with).prop_map(|(check_in, with)| CheckInEvent::Shared { check_in, with }),
        (entry_id(), acknowledgement).prop_map(|(check_in, acknowledgement)| {
            CheckInEvent::Acknowledged {
                check_in,
                acknowledgement,
            }
        }),
    ]
}

/// The check-in event in the author's private stream.
pub(crate) fn any_private_event() -> impl proptest::strategy::Strategy<Value = PrivateCheckInEvent>
{
    use proptest::prelude::*;
    any_check_in().prop_map(|check_in| PrivateCheckInEvent::Kept { check_in })
}
