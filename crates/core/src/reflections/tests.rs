use super::*;
use crate::access::room::Acting;
use crate::kernel::ids::{EntryId, UserId};
use crate::kernel::refusal::Refusal;
use crate::space::SpaceEvent;
use crate::streams::couple::CoupleState;
use crate::testing::World;
use crate::views::today::{today, TodayItem};

fn write_as(w: &mut World, who: UserId, prompt: &str, typed: &[&str]) -> EntryId {
    let event = write(&w.couple.space, who, prompt, typed).unwrap();
    w.record_private(who, event)
}

fn revise_as(w: &mut World, who: UserId, id: EntryId, typed: &[&str]) -> Result<(), Refusal> {
    let event = revise(
        &w.couple.space,
        w.private(who).kept_reflections(),
        who,
        id,
        typed,
    )?;
    w.record_private(who, event);
    Ok(())
}

fn share_as(w: &mut World, who: UserId, id: EntryId, version: &str) -> Result<EntryId, Refusal> {
    let ShareCopy { copy, mark } = share(
        &w.couple.space,
        w.private(who).kept_reflections(),
        who,
        id,
        version,
    )?;
    let copy = w.record(who, copy);
    w.record_private(who, mark);
    Ok(copy)
}

fn acting(w: &World, who: UserId) -> Acting<'_, SharedReflections> {
    Acting::new(&w.couple.space, &w.couple.reflections, who)
}

#[test]
fn a_reflection_is_kept_in_its_authors_stream_with_every_version() {
    let mut w = World::new();
    let a = w.hurt;
    let id = write_as(
        &mut w,
        a,
        "trigger",
        &["the song in the shop", "", "I went cold"],
    );
    assert_eq!(w.couple.seq, 3, "nothing reaches the couple's record");
    revise_as(
        &mut w,
        a,
        id,
        &["the song in the shop", "sad", "I went cold"],
    )
    .unwrap();
    let r = own_reflection(w.private(a).kept_reflections(), a, id).unwrap();
    assert_eq!(r.prompt, Prompt::Trigger);
    assert_eq!(r.versions.len(), 2);
    assert_eq!(r.versions[0].parts[1], "");
    assert_eq!(r.latest().number, 2);
    assert_eq!(r.latest().parts[1], "sad");
    assert_eq!(r.latest().parts.len(), 5, "one answer per question");
    assert_eq!(
        revise_as(
            &mut w,
            a,
            id,
            &["the song in the shop", "sad", "I went cold"]
        ),
        Err(Refusal::invalid(
            "part_1",
            "This is the same as the newest version; change something to keep a new one."
        ))
    );
}

#[test]
fn nobody_but_the_author_reads_or_revises_a_reflection() {
    let mut w = World::new();
    let (a, b) = (w.hurt, w.involved);
    let id = write_as(&mut w, a, "worth_it", &["to stay"]);
    // The partner's own private state names no such reflection…
    assert_eq!(
        own_reflection(w.private(b).kept_reflections(), b, id),
        Err(Refusal::NotFound)
    );
    // …and the author's, handed to anyone else, is refused.
    let theirs = w.private(a).kept_reflections();
    assert_eq!(own_reflection(theirs, b, id), Err(Refusal::NotFound));
    let space = &w.couple.space;
    let revised = revise(space, theirs, b, id, &["mine now"]);
    assert_eq!(revised, Err(Refusal::NotFound));
    assert_eq!(withdraw(theirs, b, id), Err(Refusal::NotFound));
    assert!(!can_share(&w.couple.space, theirs, b, id));
    assert_eq!(
        share(&w.couple.space, theirs, b, id, "1"),
        Err(Refusal::NotFound)
    );
}

#[test]
fn a_reflection_needs_a_prompt_and_some_words_and_says_every_field_at_once() {
    let w = World::new();
    let a = w.hurt;
    let space = &w.couple.space;
    assert!(matches!(
        write(space, a, "gossip", &["x"]),
        Err(Refusal::Invalid {
            field: "prompt",
            ..
        })
    ));
    assert!(matches!(
        write(space, a, "looking_forward", &[" ", ""]),
        Err(Refusal::Invalid {
            field: "part_1",
            ..
        })
    ));
    let long = "x".repeat(4001);
    match write(space, a, "looking_forward", &[&long, "", &long]) {
        Err(Refusal::InvalidFields(fields)) => {
            let names: Vec<&str> = fields.iter().map(|(f, _)| *f).collect();
            assert_eq!(names, ["part_1", "part_3"]);
        }
        other => panic!("both fields at once: {other:?}"),
    }
    // Answers beyond the prompt's questions are not read.
    match write(space, a, "worth_it", &["a", "b", "c", "d", "e"]).unwrap() {
        PrivateReflectionEvent::Written { parts, .. } => assert_eq!(parts, ["a", "b", "c"]),
        other => panic!("written, not {other:?}"),
    }
    assert_eq!(
        write(space, w.stranger, "worth_it", &["a"]),
        Err(Refusal::NotAMember)
    );
}

#[test]
fn every_prompt_has_its_questions_within_the_form() {
    for prompt in Prompt::ALL {
        assert!(
            (1..=MOST_PARTS).contains(&prompt.parts().len()),
            "{prompt:?}"
        );
        assert_eq!(Prompt::from_code(prompt.code()), Some(prompt));
        assert!(!prompt.title().is_empty() && !prompt.lead().is_empty());
    }
    assert_eq!(Prompt::Trigger.parts().len(), 5);
}

#[test]
fn a_shared_copy_is_the_previewed_version_once_and_withdrawing_leaves_it() {
    let mut w = World::new();
    let (a, b) = (w.hurt, w.involved);
    let id = write_as(&mut w, a, "forgiving_myself", &["that I did not see it"]);
    revise_as(&mut w, a, id, &["that I did not see it sooner"]).unwrap();
    assert_eq!(
        share_as(&mut w, a, id, "1"),
        Err(Refusal::Conflict(
            "This reflection changed since the preview; please look at it again before sharing."
        ))
    );
    assert!(matches!(
        share_as(&mut w, a, id, "two"),
        Err(Refusal::Conflict(_))
    ));
    let copy = share_as(&mut w, a, id, "2").unwrap();
    assert!(!can_share(
        &w.couple.space,
        w.private(a).kept_reflections(),
        a,
        id
    ));
    assert_eq!(
        share_as(&mut w, a, id, "2"),
        Err(Refusal::Conflict(
            "You shared this version with your partner already."
        ))
    );
    let shared = w.couple.reflections.copies().next().expect("the copy");
    assert_eq!((shared.id, shared.shared.by), (copy, a));
    assert_eq!(shared.parts, ["that I did not see it sooner", "", ""]);
    let event = withdraw(w.private(a).kept_reflections(), a, id).unwrap();
    w.record_private(a, event);
    assert!(w.private(a).reflections.listed().next().is_none());
    assert_eq!(
        own_reflection(w.private(a).kept_reflections(), a, id),
        Err(Refusal::NotFound)
    );
    assert_eq!(w.couple.reflections.copies().count(), 1, "the copy stays");
    assert!(w.private(b).reflections.listed().next().is_none());
}

/// A space whose partner has not joined yet.
fn on_their_own() -> (CoupleState, UserId) {
    let w = World::new();
    let mut alone = CoupleState::default();
    let meta = crate::kernel::event::Meta {
        seq: 1,
        author: w.hurt,
        at: w.now,
    };
    alone.apply(&meta, &SpaceEvent::Created.into());
    (alone, w.hurt)
}

#[test]
fn on_their_own_a_person_reflects_but_shares_and_sends_nothing_yet() {
    let (alone, me) = on_their_own();
    let event = write(&alone.space, me, "trusting_myself", &["I knew"]).unwrap();
    let mut mine = crate::streams::private::PrivateState::default();
    let meta = crate::kernel::event::Meta {
        seq: 1,
        author: me,
        at: crate::testing::START,
    };
    mine.apply(&meta, &event.into());
    let id = EntryId(1);
    assert!(own_reflection(mine.kept_reflections(), me, id).is_ok());
    assert!(!can_share(&alone.space, mine.kept_reflections(), me, id));
    assert!(matches!(
        share(&alone.space, mine.kept_reflections(), me, id, "1"),
        Err(Refusal::Conflict(_))
    ));
    assert!(!can_send_trigger_note(&alone.space, me));
}

#[test]
fn the_hurt_partner_sends_a_trigger_note_the_other_answers_once_and_today_shows_it_first() {
    let mut w = World::new();
    let (a, b) = (w.hurt, w.involved);
    assert!(can_send_trigger_note(&w.couple.space, a));
    assert!(matches!(
        send_trigger_note(&w.couple.space, b, "x", "y", ""),
        Err(Refusal::NotAllowed(_))
    ));
    match send_trigger_note(&w.couple.space, a, " ", "", "") {
        Err(Refusal::InvalidFields(fields)) => {
            let names: Vec<&str> = fields.iter().map(|(f, _)| *f).collect();
            assert_eq!(names, ["when", "felt"]);
        }
        other => panic!("both at once: {other:?}"),
    }
    let input = crate::truth::QuestionInput {
        text: "Where were you?".to_owned(),
        ..Default::default()
    };
    let question = crate::truth::ask(&w.couple.space, a, &input).unwrap();
    w.record(a, question);
    let note =
        send_trigger_note(&w.couple.space, a, "your phone buzzed", "scared", "a hug").unwrap();
    let note = w.record(a, note);
    let waiting = notes_to_answer(&w.couple.reflections, &w.couple.space, b);
    assert_eq!(waiting.len(), 1);
    assert!(notes_to_answer(&w.couple.reflections, &w.couple.space, a).is_empty());
    assert!(notes_to_answer(&w.couple.reflections, &w.couple.space, w.stranger).is_empty());

    let for_b = today(&w.couple, w.private(b), b, None, w.now.date(), |t| t.date()).unwrap();
    assert!(
        matches!(for_b.to_do[0], TodayItem::TriggerNoteToAnswer(n) if n.id == note),
        "first of all: {:?}",
        for_b.to_do
    );
    assert!(matches!(for_b.to_do[1], TodayItem::QuestionToAnswer(_)));

    assert!(matches!(
        reassure(acting(&w, a), note, "I am here"),
        Err(Refusal::NotAllowed(_))
    ));
    assert_eq!(
        reassure(acting(&w, w.stranger), note, "hi"),
        Err(Refusal::NotAMember)
    );
    assert!(matches!(
        reassure(acting(&w, b), note, "  "),
        Err(Refusal::Invalid { field: "words", .. })
    ));
    let answer = reassure(acting(&w, b), note, "I am here, and it was only work").unwrap();
    w.record(b, answer);
    assert!(!can_reassure(acting(&w, b), note));
    assert_eq!(
        reassure(acting(&w, b), note, "again"),
        Err(Refusal::Conflict("You answered this note already."))
    );
    let answered = w.couple.reflections.note(note).unwrap();
    assert_eq!(
        answered
            .reassurance
            .as_ref()
            .map(|r| (r.by.by, r.words.as_str())),
        Some((b, "I am here, and it was only work"))
    );
    let for_b = today(&w.couple, w.private(b), b, None, w.now.date(), |t| t.date()).unwrap();
    assert!(!matches!(for_b.to_do[0], TodayItem::TriggerNoteToAnswer(_)));
}

#[test]
fn a_partner_hurt_in_a_second_betrayal_may_send_one_too() {
    let mut w = World::new();
    let b = w.involved;
    w.with_second_betrayal_the_other_way();
    assert!(can_send_trigger_note(&w.couple.space, b));
}

/// Every event, every optional field present and absent.
pub(crate) fn any_event() -> impl proptest::strategy::Strategy<Value = ReflectionEvent> {
    use crate::testing::strategies::{entry_id, maybe_text, one_of, text};
    use proptest::prelude::*;
    prop_oneof![
        (
            one_of(Prompt::ALL.to_vec()),
            proptest::collection::vec(text(), 0..6)
        )
            .prop_map(|(prompt, parts)| ReflectionEvent::CopyShared { prompt, parts }),
        (text(), text(), maybe_text()).prop_map(|(when, felt, would_help)| {
            ReflectionEvent::TriggerNoted {
                when,
                felt,
                would_help,
            }
        }),
        (entry_id(), text()).prop_map(|(note, words)| ReflectionEvent::Reassured { note, words }),
    ]
}

/// Every private event.
pub(crate) fn any_private_event(
) -> impl proptest::strategy::Strategy<Value = PrivateReflectionEvent> {
    use crate::testing::strategies::{entry_id, one_of, text};
    use proptest::prelude::*;
    prop_oneof![
        (
            one_of(Prompt::ALL.to_vec()),
            proptest::collection::vec(text(), 0..6)
        )
            .prop_map(|(prompt, parts)| PrivateReflectionEvent::Written { prompt, parts }),
        (entry_id(), proptest::collection::vec(text(), 0..6)).prop_map(|(reflection, parts)| {
            PrivateReflectionEvent::Revised { reflection, parts }
        }),
        (entry_id(), any::<u32>()).prop_map(|(reflection, version)| {
            PrivateReflectionEvent::CopyShared {
                reflection,
                version,
            }
        }),
        entry_id().prop_map(|reflection| PrivateReflectionEvent::Withdrawn { reflection }),
    ]
}

#[test]
fn once_the_space_ended_a_reflection_is_no_longer_revised_but_still_read() {
    let mut w = World::new();
    let (a, b) = (w.hurt, w.involved);
    let id = write_as(&mut w, a, "worth_it", &["to stay"]);
    let ended = crate::space::end(&w.couple.space, b, crate::space::EndReason::PartnerEnded)
        .expect("either partner may end the space");
    w.record(b, ended);
    assert!(!can_write(&w.couple.space, a));
    assert!(revise_as(&mut w, a, id, &["to leave"]).is_err());
    let r = own_reflection(w.private(a).kept_reflections(), a, id).map(|r| r.versions.len());
    assert_eq!(r, Ok(1), "what was written stays its author's to read");
}
