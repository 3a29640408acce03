use super::*;
use crate::access::room::Acting;
use crate::access::therapist::{parked_questions, therapist_view};
use crate::kernel::ids::{EntryId, UserId};
use crate::kernel::refusal::Refusal;
use crate::testing::{step, user, World};
use crate::therapist::{self, TherapistEvent};
use crate::truth::{self, QuestionInput};

pub(crate) const THERAPIST: u128 = 77;

/// A proposal by the hurt partner, with `hurt`'s scopes.
pub(crate) fn propose(w: &mut World, hurt: &[&str]) -> EntryId {
    let a = w.hurt;
    let acting = Acting::new(&w.couple.space, &w.couple.therapy, a);
    let event = therapist::propose(acting, "Dr Okafor", hurt).unwrap();
    w.record(a, event)
}

/// A therapist `who` both partners consented to (with `hurt` and
/// `involved`'s scopes), who accepted.
pub(crate) fn engage_with(w: &mut World, who: UserId, hurt: &[&str], involved: &[&str]) -> EntryId {
    let p = propose(w, hurt);
    let b = w.involved;
    let acting = Acting::new(&w.couple.space, &w.couple.therapy, b);
    let event = therapist::consent(acting, p, involved).unwrap();
    w.record(b, event);
    let event = therapist::accept(&w.couple.space, &w.couple.therapy, who, p).unwrap();
    w.record(who, event);
    p
}

pub(crate) fn engage(w: &mut World, scopes: &[&str]) -> EntryId {
    engage_with(w, user(THERAPIST), scopes, scopes)
}

fn parked(w: &World) -> Vec<ParkedQuestion> {
    parked_questions(&w.couple.truth.parked())
}

fn add(w: &mut World, who: UserId, text: &str) -> EntryId {
    w.run(who, |s, a, _| add_agenda_item(s.sessions_acting(a), text))
}

fn try_hold(
    w: &World,
    who: UserId,
    number: u32,
    covered: &[EntryId],
    talked_about: &[EntryId],
) -> Result<SessionEvent, Refusal> {
    let input = HeldInput {
        number,
        covered,
        talked_about,
    };
    mark_held(w.couple.sessions_acting(who), &parked(w), input)
}

fn hold(w: &mut World, who: UserId, covered: &[EntryId], talked_about: &[EntryId]) -> EntryId {
    let number = w.couple.sessions.next_number(engagement(w));
    let event = try_hold(w, who, number, covered, talked_about).unwrap();
    w.record(who, event)
}

fn engagement(w: &World) -> EntryId {
    w.couple.therapy.open().map(|e| e.id).unwrap()
}

/// The agenda's items: text, and the number of the session each was
/// carried over from.
fn agenda(w: &World) -> Vec<(String, Option<u32>)> {
    w.couple
        .sessions
        .agenda(engagement(w), &parked(w))
        .items
        .iter()
        .map(|l| (l.item.text.clone(), l.carried_from.map(|h| h.number)))
        .collect()
}

fn park_question(w: &mut World, text: &str) -> EntryId {
    let input = QuestionInput {
        betrayal: String::new(),
        text: text.to_owned(),
    };
    let q = w.run(w.hurt, step!(space: truth::ask(&input)));
    w.run(w.hurt, step!(truth: truth::park(q)));
    q
}

#[test]
fn items_not_covered_carry_over_across_two_sessions_and_say_from_which() {
    let mut w = World::ticking();
    let (hurt, involved) = (w.hurt, w.involved);
    engage(&mut w, &[]);
    let t = user(THERAPIST);
    let a = add(&mut w, hurt, "sleeping apart");
    add(&mut w, involved, "the phone rule");
    let c = add(&mut w, t, "how the week felt");
    w.advance_days(7);
    hold(&mut w, t, &[a], &[]);
    assert_eq!(
        agenda(&w),
        [
            ("the phone rule".to_owned(), Some(1)),
            ("how the week felt".to_owned(), Some(1)),
        ]
    );
    add(&mut w, hurt, "the holidays");
    w.advance_days(7);
    hold(&mut w, involved, &[c], &[]);
    assert_eq!(
        agenda(&w),
        [
            ("the phone rule".to_owned(), Some(1)),
            ("the holidays".to_owned(), Some(2)),
        ],
        "an item says the first session it waited through"
    );
    let held = w.couple.sessions.held_of(engagement(&w));
    assert_eq!(
        held.iter()
            .map(|h| (h.number, h.covered.clone()))
            .collect::<Vec<_>>(),
        [(1, vec![a]), (2, vec![c])]
    );
    assert_eq!(w.couple.sessions.next_number(engagement(&w)), 3);
}

#[test]
fn partners_and_the_active_therapist_add_and_mark_and_nobody_else() {
    let mut w = World::new();
    let t = user(THERAPIST);
    let can = |w: &World, who: UserId| {
        let acting = w.couple.sessions_acting(who);
        (can_add_agenda_item(acting), can_mark_held(acting))
    };
    let (hurt, involved, stranger) = (w.hurt, w.involved, w.stranger);
    let p = propose(&mut w, &["requests"]);
    assert_eq!(can(&w, t), (false, false), "proposed, not consented");
    assert_eq!(
        check_add_agenda_item(w.couple.sessions_acting(t)),
        Err(Refusal::NotFound)
    );
    assert_eq!(
        check_add_agenda_item(w.couple.sessions_acting(hurt)),
        Err(Refusal::Conflict(
            "Sessions begin once your therapist has accepted."
        ))
    );
    w.record(involved, TherapistEvent::Declined { proposal: p });
    engage(&mut w, &["requests"]);
    for who in [hurt, involved, t] {
        assert_eq!(can(&w, who), (true, true), "{who:?}");
        add(&mut w, who, "an item");
    }
    assert_eq!(can(&w, stranger), (false, false));
    assert_eq!(can(&w, user(78)), (false, false), "another therapist");
    assert_eq!(
        add_agenda_item(w.couple.sessions_acting(stranger), "x"),
        Err(Refusal::NotFound)
    );
    let e = engagement(&w);
    w.record(hurt, TherapistEvent::Ended { proposal: e });
    assert_eq!(can(&w, t), (false, false), "after the end");
    assert_eq!(
        try_hold(&w, t, 1, &[], &[]),
        Err(Refusal::NotFound),
        "after the end"
    );
    assert_eq!(can(&w, hurt), (false, false), "no therapist is active");
}

#[test]
fn the_agenda_is_bounded_and_an_item_is_short_text() {
    let mut w = World::new();
    let hurt = w.hurt;
    engage(&mut w, &[]);
    let acting = w.couple.sessions_acting(w.hurt);
    assert_eq!(
        crate::testing::refused_field(add_agenda_item(acting, "   ")),
        "text"
    );
    assert!(add_agenda_item(acting, &"x".repeat(301)).is_err());
    for _ in 0..OPEN_ITEMS {
        add(&mut w, hurt, "one more");
    }
    assert!(!can_add_agenda_item(w.couple.sessions_acting(w.hurt)));
}

#[test]
fn a_parked_question_talked_about_leaves_the_agenda_but_stays_parked() {
    let mut w = World::ticking();
    engage(&mut w, &[]);
    let q = park_question(&mut w, "Did you love them?");
    let other = park_question(&mut w, "Why then?");
    let e = engagement(&w);
    assert_eq!(
        w.couple.sessions.agenda(e, &parked(&w)).questions,
        [q, other]
    );
    let held = hold(&mut w, user(THERAPIST), &[], &[q]);
    assert_eq!(w.couple.sessions.agenda(e, &parked(&w)).questions, [other]);
    assert!(
        w.couple.truth.entry(q).unwrap().is_parked(),
        "it stays parked until its asker brings it back home"
    );
    let talked = w.couple.sessions.talked_about(q).unwrap();
    assert_eq!((talked.id, talked.number), (held, 1));
    assert_eq!(talked.held.at, w.now, "talked about in session on this day");
    assert_eq!(w.couple.sessions.talked_about(other), None);
    let view = therapist_view(&w.couple, user(THERAPIST)).unwrap();
    assert_eq!(
        view.sessions
            .questions
            .iter()
            .map(|e| e.id)
            .collect::<Vec<_>>(),
        [other]
    );
    w.run(w.hurt, step!(truth: truth::unpark(q)));
    w.run(w.hurt, step!(truth: truth::park(q)));
    assert_eq!(
        w.couple.sessions.agenda(e, &parked(&w)).questions,
        [q, other],
        "parked again, it waits for a session again"
    );
}

#[test]
fn a_held_mark_takes_only_ids_on_the_agenda_of_the_session_it_was_drawn_for() {
    let mut w = World::ticking();
    let (hurt, involved) = (w.hurt, w.involved);
    engage(&mut w, &[]);
    let q = park_question(&mut w, "When?");
    let item = add(&mut w, hurt, "money");
    assert_eq!(
        crate::testing::refused_field(try_hold(&w, hurt, 1, &[q], &[])),
        "covered",
        "a question is not an agenda item"
    );
    assert_eq!(
        crate::testing::refused_field(try_hold(&w, hurt, 1, &[], &[item])),
        "talked_about"
    );
    // Drawn for session 1; an item added meanwhile just carries over.
    let late = add(&mut w, involved, "added while the form was open");
    let event = try_hold(&w, hurt, 1, &[item, item], &[q]).unwrap();
    assert_eq!(
        event,
        SessionEvent::Held {
            engagement: engagement(&w),
            number: 1,
            covered: vec![item],
            talked_about: vec![q],
        }
    );
    w.record(hurt, event.clone());
    assert_eq!(
        try_hold(&w, w.involved, 1, &[late], &[]),
        Err(Refusal::Conflict(
            "This session was marked held already; please look at the agenda again."
        )),
        "a second mark from a form drawn before would give its ticks to the next session"
    );
    w.record(hurt, event);
    assert_eq!(
        w.couple.sessions.held_of(engagement(&w)).len(),
        1,
        "a replayed mark changes nothing"
    );
}

#[test]
fn a_later_therapist_never_sees_an_earlier_ones_sessions() {
    let mut w = World::ticking();
    let hurt = w.hurt;
    let first = engage(&mut w, &[]);
    let q = park_question(&mut w, "Who knew?");
    add(&mut w, hurt, "first therapist item");
    hold(&mut w, hurt, &[], &[q]);
    w.record(w.hurt, TherapistEvent::Ended { proposal: first });
    engage_with(&mut w, user(88), &[], &[]);
    let view = therapist_view(&w.couple, user(88)).unwrap();
    assert!(view.sessions.held.is_empty());
    assert!(view.sessions.agenda.items.is_empty());
    assert_eq!(view.sessions.agenda.number, 1);
    assert_eq!(
        view.sessions.agenda.questions,
        [q],
        "the new therapist has not talked about it yet"
    );
    assert!(!format!("{view:?}").contains("first therapist item"));
    assert_eq!(view.sessions.talked_about(q), None);
    assert!(
        w.couple.sessions.talked_about(q).is_some(),
        "the partners' truth log still shows it was talked about"
    );
}

pub(crate) fn any_event() -> impl proptest::strategy::Strategy<Value = SessionEvent> {
    use crate::testing::strategies::{entry_id, text};
    use proptest::prelude::*;
    prop_oneof![
        (entry_id(), text())
            .prop_map(|(engagement, text)| SessionEvent::ItemAdded { engagement, text }),
        (
            entry_id(),
            any::<u32>(),
            proptest::collection::vec(entry_id(), 0..4),
            proptest::collection::vec(entry_id(), 0..4),
        )
            .prop_map(|(engagement, number, covered, talked_about)| {
                SessionEvent::Held {
                    engagement,
                    number,
                    covered,
                    talked_about,
                }
            }),
    ]
}
