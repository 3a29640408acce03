use super::*;
use crate::access::room::Acting;
use crate::kernel::ids::{EntryId, UserId};
use crate::kernel::refusal::Refusal;
use crate::testing::step;
use crate::testing::{assert_can_agrees, entry_ids, refused_field, World};
use time::{Duration, OffsetDateTime};

/// The world's partners (`World::hurt`, `World::involved`), named where
/// the world is borrowed to be changed.
const HURT: UserId = UserId(uuid::Uuid::from_u128(1));
const INVOLVED: UserId = UserId(uuid::Uuid::from_u128(2));

fn asking(kind: &str) -> AskInput {
    AskInput {
        kind: kind.to_owned(),
        soon: "when_you_can".to_owned(),
        topic: "The weekend at the lake".to_owned(),
    }
}

/// `who` asks for a talk of `kind`.
fn asked(w: &mut World, who: UserId, kind: &str) -> EntryId {
    w.run(who, step!(talk: ask @now(&asking(kind))))
}

fn refusal_to_ask(w: &World, who: UserId, kind: &str) -> Refusal {
    match w.attempt(who, step!(talk: ask @now(&asking(kind)))) {
        Err(refusal) => refusal,
        Ok(event) => panic!("asking was accepted: {event:?}"),
    }
}

/// `who` is refused `kind` after `wait`, and asks it once `last` more has
/// passed.
fn refused_until_then_asked(
    w: &mut World,
    who: UserId,
    kind: &str,
    wait: Duration,
    last: Duration,
) {
    w.advance(wait);
    refusal_to_ask(w, who, kind);
    w.advance(last);
    asked(w, who, kind);
}

/// Whether no talk request waits for `who` to answer.
fn nothing_awaits(w: &World, who: UserId) -> bool {
    let (talk, space) = (&w.couple.talk, &w.couple.space);
    talk.awaiting_answer_from(space, who).is_empty()
}

fn answering(choice: &str) -> AnswerInput {
    AnswerInput {
        choice: choice.to_owned(),
        ..AnswerInput::default()
    }
}

fn space_for(days: &str, words: &str) -> AnswerInput {
    AnswerInput {
        days: days.to_owned(),
        words: words.to_owned(),
        ..answering("space")
    }
}

fn at_times(times: &[OffsetDateTime]) -> AnswerInput {
    let fields = ["time_1", "time_2", "time_3", "time_4"];
    AnswerInput {
        times: fields
            .iter()
            .zip(times)
            .map(|(field, at)| ProposedTime { field, at: Ok(*at) })
            .collect(),
        ..answering("at_a_time")
    }
}

fn answer_with(w: &mut World, who: UserId, id: EntryId, input: &AnswerInput) {
    w.run(who, step!(talk: answer @now(id, input)));
}

fn acting(w: &World, who: UserId) -> Acting<'_, Talks> {
    Acting::new(&w.couple.space, &w.couple.talk, who)
}

#[test]
fn a_request_waits_for_the_other_partner_and_only_them() {
    let mut w = World::new();
    let r = asked(&mut w, HURT, "our_future");
    let (talk, space) = (&w.couple.talk, &w.couple.space);
    assert_eq!(
        entry_ids(talk.awaiting_answer_from(space, w.involved)),
        vec![r]
    );
    assert!(talk.awaiting_answer_from(space, w.hurt).is_empty());
    assert!(talk.awaiting_answer_from(space, w.stranger).is_empty());
    assert_eq!(
        talk.get(r).map(|r| r.topic.as_str()),
        Some("The weekend at the lake")
    );
    let own = w.attempt(w.hurt, step!(talk: answer @now(r, &answering("now"))));
    assert!(matches!(own, Err(Refusal::NotAllowed(_))), "{own:?}");
    let stranger = w.attempt(w.stranger, step!(talk: answer @now(r, &answering("now"))));
    assert_eq!(stranger, Err(Refusal::NotAMember));
    answer_with(&mut w, INVOLVED, r, &answering("now"));
    assert_eq!(
        w.couple.talk.get(r).map(TalkRequest::stage),
        Some(Stage::Agreed)
    );
    assert!(nothing_awaits(&w, w.involved));
}

#[test]
fn every_field_of_a_request_is_checked_at_once() {
    let w = World::new();
    let input = AskInput {
        kind: "gossip".to_owned(),
        soon: "yesterday".to_owned(),
        topic: " ".to_owned(),
    };
    match w.attempt(w.hurt, step!(talk: ask @now(&input))) {
        Err(Refusal::InvalidFields(fields)) => {
            let named: Vec<&str> = fields.iter().map(|(f, _)| *f).collect();
            assert_eq!(named, ["kind", "soon", "topic"]);
        }
        other => panic!("unexpected {other:?}"),
    }
    let long = AskInput {
        topic: "x".repeat(301),
        ..asking("trigger")
    };
    assert_eq!(
        refused_field(w.attempt(w.hurt, step!(talk: ask @now(&long)))),
        "topic"
    );
}

#[test]
fn one_open_request_per_asker_per_kind() {
    let mut w = World::new();
    asked(&mut w, HURT, "details");
    assert_eq!(
        refusal_to_ask(&w, w.hurt, "details"),
        NotYet::OneOpen.refusal()
    );
    // Another kind, or the partner asking the same kind, is a new request.
    asked(&mut w, HURT, "practical");
    asked(&mut w, INVOLVED, "details");
}

#[test]
fn an_answered_request_stays_open_until_the_talk_happened() {
    let mut w = World::new();
    let r = asked(&mut w, HURT, "details");
    answer_with(&mut w, INVOLVED, r, &answering("at_quiet_talk"));
    assert_eq!(
        refusal_to_ask(&w, w.hurt, "details"),
        NotYet::OneOpen.refusal()
    );
    let for_the_meeting = |w: &World, who| -> Vec<EntryId> {
        let requests = w.couple.talk.for_the_meeting(&w.couple.space, who);
        requests.iter().map(|r| r.id).collect()
    };
    assert_eq!(
        for_the_meeting(&w, w.hurt),
        [r],
        "on the weekly meeting's agenda"
    );
    assert_eq!(for_the_meeting(&w, w.involved), [r]);
    assert!(for_the_meeting(&w, w.stranger).is_empty());
    let happened = HappenedInput::default();
    let marked = w.attempt(w.involved, step!(talk: mark_happened(r, &happened)));
    let marked = marked.expect("an agreed talk can be marked");
    w.record(w.involved, marked.shared);
    assert!(
        for_the_meeting(&w, w.hurt).is_empty(),
        "talked: off the agenda"
    );
    asked(&mut w, HURT, "details");
}

#[test]
fn space_is_honoured_for_that_kind_until_it_ends() {
    let mut w = World::new();
    let r = asked(&mut w, HURT, "what_happened");
    answer_with(&mut w, INVOLVED, r, &space_for("3", "I need a few days."));
    let request = w.couple.talk.get(r).expect("asked");
    let until = w.now + Duration::days(3);
    assert_eq!(request.stage(), Stage::Space { until });
    assert_eq!(
        request.answer.as_ref().map(|a| a.answer.clone()),
        Some(TalkAnswer::Space {
            days: 3,
            words: Some("I need a few days.".to_owned())
        })
    );
    // Not nudged: the request no longer waits for an answer.
    assert!(nothing_awaits(&w, w.involved));
    assert_eq!(
        refusal_to_ask(&w, w.hurt, "what_happened"),
        NotYet::Space { until }.refusal()
    );
    assert_eq!(
        not_yet(acting(&w, w.hurt), w.now, TalkKind::WhatHappened),
        Ok(Some(NotYet::Space { until }))
    );
    asked(&mut w, HURT, "practical");
    let (wait, last) = (
        Duration::days(3) - Duration::minutes(1),
        Duration::minutes(1),
    );
    refused_until_then_asked(&mut w, HURT, "what_happened", wait, last);
}

#[test]
fn only_the_partner_who_asked_for_space_ends_it_early() {
    let mut w = World::new();
    let r = asked(&mut w, HURT, "trigger");
    answer_with(&mut w, INVOLVED, r, &space_for("14", ""));
    let by_asker = w.attempt(w.hurt, step!(talk: end_space @now(r)));
    assert!(
        matches!(by_asker, Err(Refusal::NotAllowed(_))),
        "{by_asker:?}"
    );
    assert!(!can_end_space(acting(&w, w.hurt), w.now, r));
    assert!(can_end_space(acting(&w, w.involved), w.now, r));
    w.advance(Duration::hours(5));
    w.run(w.involved, step!(talk: end_space @now(r)));
    assert_eq!(
        w.couple.talk.get(r).and_then(TalkRequest::space_until),
        Some(w.now)
    );
    let again = w.attempt(w.involved, step!(talk: end_space @now(r)));
    assert!(matches!(again, Err(Refusal::Conflict(_))), "{again:?}");
    asked(&mut w, HURT, "trigger");
}

#[test]
fn space_lasts_one_to_fourteen_days() {
    let mut w = World::new();
    let r = asked(&mut w, HURT, "trigger");
    for days in ["0", "15", "two", ""] {
        let refused = w.attempt(
            w.involved,
            step!(talk: answer @now(r, &space_for(days, ""))),
        );
        assert_eq!(refused_field(refused), "days", "{days:?}");
    }
    let long = space_for("3", &"x".repeat(501));
    let refused = w.attempt(w.involved, step!(talk: answer @now(r, &long)));
    assert_eq!(refused_field(refused), "space_words");
    let unknown = w.attempt(w.involved, step!(talk: answer @now(r, &answering("later"))));
    assert_eq!(refused_field(unknown), "choice");
}

#[test]
fn a_withdrawn_request_closes_its_kind_to_its_asker_for_a_day() {
    let mut w = World::new();
    let r = asked(&mut w, HURT, "our_future");
    let by_partner = w.attempt(w.involved, step!(talk: withdraw(r)));
    assert!(
        matches!(by_partner, Err(Refusal::NotAllowed(_))),
        "{by_partner:?}"
    );
    w.run(w.hurt, step!(talk: withdraw(r)));
    assert!(nothing_awaits(&w, w.involved));
    let until = w.now + COOL_DOWN;
    assert_eq!(
        refusal_to_ask(&w, w.hurt, "our_future"),
        NotYet::CoolDown { until }.refusal()
    );
    asked(&mut w, INVOLVED, "our_future");
    asked(&mut w, HURT, "details");
    let (wait, last) = (Duration::hours(23), Duration::hours(1));
    refused_until_then_asked(&mut w, HURT, "our_future", wait, last);
}

#[test]
fn the_asker_picks_one_of_the_proposed_times() {
    let mut w = World::new();
    let r = asked(&mut w, INVOLVED, "practical");
    let (soon, later) = (w.now + Duration::hours(30), w.now + Duration::days(2));
    answer_with(&mut w, HURT, r, &at_times(&[soon, later]));
    let talk = &w.couple.talk;
    assert_eq!(
        entry_ids(talk.time_to_pick_by(&w.couple.space, w.involved)),
        vec![r]
    );
    assert!(talk.time_to_pick_by(&w.couple.space, w.hurt).is_empty());
    let by_answerer = w.attempt(w.hurt, step!(talk: pick(r, "0")));
    assert!(
        matches!(by_answerer, Err(Refusal::NotAllowed(_))),
        "{by_answerer:?}"
    );
    for bad in ["2", "-1", "first", ""] {
        assert_eq!(
            refused_field(w.attempt(w.involved, step!(talk: pick(r, bad)))),
            "time"
        );
    }
    w.run(w.involved, step!(talk: pick(r, "1")));
    let request = w.couple.talk.get(r).expect("asked");
    assert_eq!(request.picked, Some(later));
    assert_eq!(request.stage(), Stage::Agreed);
    let (talk, space) = (&w.couple.talk, &w.couple.space);
    assert!(talk.time_to_pick_by(space, w.involved).is_empty());
}

#[test]
fn proposed_times_are_one_to_three_distinct_times_still_to_come() {
    let mut w = World::new();
    let r = asked(&mut w, HURT, "details");
    let hour = |n: i64| w.now + Duration::hours(n);
    let none = w.attempt(w.involved, step!(talk: answer @now(r, &at_times(&[]))));
    assert_eq!(refused_field(none), "time_1");
    let four = at_times(&[hour(1), hour(2), hour(3), hour(4)]);
    assert_eq!(
        refused_field(w.attempt(w.involved, step!(talk: answer @now(r, &four)))),
        "time_1"
    );
    let past_and_twice = at_times(&[hour(-1), hour(2), hour(2)]);
    match w.attempt(w.involved, step!(talk: answer @now(r, &past_and_twice))) {
        Err(Refusal::InvalidFields(fields)) => {
            let named: Vec<&str> = fields.iter().map(|(f, _)| *f).collect();
            assert_eq!(named, ["time_1", "time_3"]);
        }
        other => panic!("unexpected {other:?}"),
    }
    // A time the web side could not read keeps its own refusal.
    let mut unread = at_times(&[hour(1)]);
    unread.times.push(ProposedTime {
        field: "time_2",
        at: Err(Refusal::invalid("time_2", "This time does not exist here.")),
    });
    assert_eq!(
        refused_field(w.attempt(w.involved, step!(talk: answer @now(r, &unread)))),
        "time_2"
    );
}

#[test]
fn only_the_hurt_partner_declares_a_quiet_period_of_one_to_fourteen_days() {
    let mut w = World::new();
    let by_involved = w.attempt(w.involved, step!(talk: declare_quiet("7")));
    assert!(
        matches!(by_involved, Err(Refusal::NotAllowed(_))),
        "{by_involved:?}"
    );
    assert!(!can_declare_quiet(acting(&w, w.involved)));
    for days in ["0", "15", "a week"] {
        let refused = w.attempt(w.hurt, step!(talk: declare_quiet(days)));
        assert_eq!(refused_field(refused), "quiet_days");
    }
    w.run(w.hurt, step!(talk: declare_quiet("7")));
    let period = w.couple.talk.quiet_on(w.hurt, w.now).expect("on");
    assert_eq!(period.until, w.now + Duration::days(7));
    // Renewed two days in: seven days from the renewal.
    w.advance_days(2);
    w.run(w.hurt, step!(talk: declare_quiet("7")));
    let renewed = w.couple.talk.quiet_on(w.hurt, w.now).expect("on");
    assert_eq!(renewed.until, w.now + Duration::days(7));
    assert_eq!(renewed.started_at, w.now - Duration::days(2));
}

#[test]
fn a_quiet_period_stops_new_requests_to_the_hurt_partner_and_nothing_else() {
    let mut w = World::new();
    let before = asked(&mut w, HURT, "details");
    w.run(w.hurt, step!(talk: declare_quiet("5")));
    let until = w.now + Duration::days(5);
    for kind in TalkKind::ALL {
        assert_eq!(
            not_yet(acting(&w, w.involved), w.now, kind),
            Ok(Some(NotYet::QuietPeriod { until }))
        );
    }
    refusal_to_ask(&w, w.involved, "practical");
    // The hurt partner still asks, and the involved partner still answers,
    // with space like anyone.
    asked(&mut w, HURT, "trigger");
    answer_with(&mut w, INVOLVED, before, &space_for("2", ""));
    w.advance_days(5);
    assert!(w.couple.talk.quiet_on(w.hurt, w.now).is_none());
    asked(&mut w, INVOLVED, "practical");
}

#[test]
fn the_hurt_partner_alone_ends_their_quiet_period_early() {
    let mut w = World::new();
    w.run(w.hurt, step!(talk: declare_quiet("10")));
    let by_involved = w.attempt(w.involved, step!(talk: end_quiet @now()));
    assert!(
        matches!(by_involved, Err(Refusal::Conflict(_))),
        "{by_involved:?}"
    );
    w.advance_days(1);
    w.run(w.hurt, step!(talk: end_quiet @now()));
    let period = w.couple.talk.latest_quiet_of(w.hurt).expect("declared");
    assert!(period.ended_early);
    assert!(!period.is_on(w.now));
    asked(&mut w, INVOLVED, "our_future");
}

#[test]
fn the_involved_partner_leaves_one_note_read_only_after_the_quiet_period() {
    let mut w = World::new();
    let none_on = w.attempt(
        w.involved,
        step!(talk: leave_quiet_note @now("Take your time.")),
    );
    assert!(matches!(none_on, Err(Refusal::Conflict(_))), "{none_on:?}");
    w.run(w.hurt, step!(talk: declare_quiet("3")));
    let empty = w.attempt(w.involved, step!(talk: leave_quiet_note @now(" ")));
    assert_eq!(refused_field(empty), "quiet_note");
    w.run(
        w.involved,
        step!(talk: leave_quiet_note @now("Take your time.")),
    );
    assert!(!can_leave_quiet_note(acting(&w, w.involved), w.now));
    let second = w.attempt(w.involved, step!(talk: leave_quiet_note @now("Again")));
    assert!(matches!(second, Err(Refusal::Conflict(_))), "{second:?}");
    let period = w.couple.talk.latest_quiet_of(w.hurt).expect("declared");
    assert_eq!(period.note_after_end(w.now), None);
    w.advance_days(3);
    let period = w.couple.talk.latest_quiet_of(w.hurt).expect("declared");
    let note = period.note_after_end(w.now).map(|n| n.note.as_str());
    assert_eq!(note, Some("Take your time."));
}

#[test]
fn each_partner_marks_the_talk_once_with_a_word_kept_or_shared() {
    let mut w = World::new();
    let r = asked(&mut w, HURT, "our_future");
    let early = w.attempt(
        w.hurt,
        step!(talk: mark_happened(r, &HappenedInput::default())),
    );
    assert!(matches!(early, Err(Refusal::Conflict(_))), "{early:?}");
    answer_with(&mut w, INVOLVED, r, &answering("now"));
    let kept = HappenedInput {
        words: "Hard, and I am glad we did.".to_owned(),
        keep: "only_me".to_owned(),
    };
    let decided = w
        .attempt(w.hurt, step!(talk: mark_happened(r, &kept)))
        .expect("agreed");
    assert_eq!(
        decided.shared,
        TalkEvent::Happened {
            request: r,
            words: None
        }
    );
    w.record(w.hurt, decided.shared);
    w.record_private(w.hurt, decided.kept.expect("a kept word"));
    assert_eq!(
        w.hurt_private.talk.kept_word(r),
        Some("Hard, and I am glad we did.")
    );
    assert_eq!(w.involved_private.talk.kept_word(r), None);
    let shared = HappenedInput {
        words: "Better than I feared.".to_owned(),
        keep: "partner".to_owned(),
    };
    let decided = w
        .attempt(w.involved, step!(talk: mark_happened(r, &shared)))
        .expect("second");
    assert_eq!(decided.kept, None);
    w.record(w.involved, decided.shared);
    let request = w.couple.talk.get(r).expect("asked");
    let words: Vec<Option<&str>> = request
        .happened
        .iter()
        .map(|m| m.words.as_deref())
        .collect();
    assert_eq!(words, [None, Some("Better than I feared.")]);
    assert_eq!(request.stage(), Stage::Happened);
    let twice = w.attempt(
        w.hurt,
        step!(talk: mark_happened(r, &HappenedInput::default())),
    );
    assert!(matches!(twice, Err(Refusal::Conflict(_))), "{twice:?}");
}

#[test]
fn a_partner_who_has_not_joined_yet_is_not_asked() {
    let mut w = World::new();
    w.couple.space = crate::space::SpaceState::default();
    let meta = crate::kernel::event::Meta {
        seq: 1,
        author: w.hurt,
        at: w.now,
    };
    w.couple
        .space
        .apply(&meta, &crate::space::SpaceEvent::Created);
    let alone = w.attempt(w.hurt, step!(talk: ask @now(&asking("details"))));
    assert!(matches!(alone, Err(Refusal::NotAllowed(_))), "{alone:?}");
}

#[test]
fn the_queries_agree_with_the_commands() {
    let mut w = World::new();
    let open = asked(&mut w, HURT, "details");
    let timed = asked(&mut w, INVOLVED, "practical");
    let agreed = asked(&mut w, INVOLVED, "trigger");
    let now = w.now;
    answer_with(&mut w, HURT, timed, &at_times(&[now + Duration::hours(2)]));
    answer_with(&mut w, HURT, agreed, &answering("now"));
    let actors = [w.hurt, w.involved, w.stranger];
    let ids = [open, timed, agreed, EntryId(999)];
    let s = &w.couple;
    let acting = |a| Acting::new(&s.space, &s.talk, a);
    assert_can_agrees("answer", &actors, &ids, |a, id| {
        let ok = answer(acting(a), now, id, &answering("now")).is_ok();
        (can_answer(acting(a), id), ok)
    });
    assert_can_agrees("pick", &actors, &ids, |a, id| {
        (can_pick(acting(a), id), pick(acting(a), id, "0").is_ok())
    });
    assert_can_agrees("withdraw", &actors, &ids, |a, id| {
        (can_withdraw(acting(a), id), withdraw(acting(a), id).is_ok())
    });
    let none = HappenedInput::default();
    assert_can_agrees("mark happened", &actors, &ids, |a, id| {
        let ok = mark_happened(acting(a), id, &none).is_ok();
        (can_mark_happened(acting(a), id), ok)
    });
}

/// Every talk event, with every optional part present and absent.
pub(crate) fn any_event() -> impl proptest::strategy::Strategy<Value = TalkEvent> {
    use crate::testing::strategies::{entry_id, instant, maybe_text, one_of, text};
    use proptest::prelude::*;
    let answer = prop_oneof![
        Just(TalkAnswer::Now),
        proptest::collection::vec(instant(), 1..=3).prop_map(|times| TalkAnswer::AtATime { times }),
        Just(TalkAnswer::AtQuietTalk),
        (any::<u8>(), maybe_text()).prop_map(|(days, words)| TalkAnswer::Space { days, words }),
    ];
    prop_oneof![
        (one_of(TalkKind::ALL), one_of(TalkSoon::ALL), text())
            .prop_map(|(kind, soon, topic)| TalkEvent::Asked { kind, soon, topic }),
        (entry_id(), answer).prop_map(|(request, answer)| TalkEvent::Answered { request, answer }),
        (entry_id(), instant()).prop_map(|(request, at)| TalkEvent::TimePicked { request, at }),
        entry_id().prop_map(|request| TalkEvent::SpaceEnded { request }),
        entry_id().prop_map(|request| TalkEvent::Withdrawn { request }),
        (entry_id(), maybe_text())
            .prop_map(|(request, words)| TalkEvent::Happened { request, words }),
        any::<u8>().prop_map(|days| TalkEvent::QuietDeclared { days }),
        Just(TalkEvent::QuietEnded),
        text().prop_map(|note| TalkEvent::QuietNoteLeft { note }),
    ]
}

pub(crate) fn any_private_event() -> impl proptest::strategy::Strategy<Value = PrivateTalkEvent> {
    use crate::testing::strategies::{entry_id, text};
    use proptest::prelude::*;
    (entry_id(), text()).prop_map(|(request, words)| PrivateTalkEvent::HowItWent { request, words })
}
