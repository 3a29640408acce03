use super::*;
use crate::access::room::Acting;
use crate::kernel::ids::{EntryId, UserId};
use crate::kernel::refusal::Refusal;
use crate::testing::{user, World};

const THERAPIST: u128 = 77;

fn acting(w: &World, who: UserId) -> Acting<'_, Therapy> {
    Acting::new(&w.couple.space, &w.couple.therapy, who)
}

fn proposed(w: &mut World, scopes: &[&str]) -> EntryId {
    let a = w.hurt;
    let event = propose(acting(w, a), "Dr Okafor", scopes).unwrap();
    w.record(a, event)
}

fn consented(w: &mut World, proposal: EntryId, scopes: &[&str]) {
    let b = w.involved;
    let event = consent(acting(w, b), proposal, scopes).unwrap();
    w.record(b, event);
}

fn accepted(w: &mut World, proposal: EntryId) {
    let event = accept(
        &w.couple.space,
        &w.couple.therapy,
        user(THERAPIST),
        proposal,
    )
    .unwrap();
    w.record(user(THERAPIST), event);
}

fn visible(w: &World, proposal: EntryId) -> Vec<Scope> {
    let engagement = w.couple.therapy.get(proposal).unwrap();
    engagement.visible(&w.couple.space).into_iter().collect()
}

#[test]
fn nothing_is_visible_before_all_three_said_yes_and_then_only_what_both_consented() {
    let mut w = World::new();
    let p = proposed(&mut w, &["check_ins", "requests", "truth_log"]);
    assert!(visible(&w, p).is_empty(), "proposed only");
    assert_eq!(
        accept(&w.couple.space, &w.couple.therapy, user(THERAPIST), p),
        Err(Refusal::Conflict(
            "Both partners have not consented yet; the invitation opens once they have."
        ))
    );
    consented(&mut w, p, &["requests", "truth_log", "pulses"]);
    assert!(visible(&w, p).is_empty(), "the therapist has not accepted");
    accepted(&mut w, p);
    assert_eq!(
        visible(&w, p),
        [Scope::ParkedQuestions, Scope::Requests, Scope::TruthLog],
        "parked questions always; the rest where both consents meet"
    );
    let space = &w.couple.space;
    assert!(w
        .couple
        .therapy
        .active_for(space, user(THERAPIST))
        .is_some());
    assert!(w.couple.therapy.active_for(space, user(78)).is_none());
}

#[test]
fn either_partner_ends_access_alone_and_at_once() {
    for ender in [0, 1] {
        let mut w = World::new();
        let p = proposed(&mut w, &["requests"]);
        consented(&mut w, p, &["requests"]);
        accepted(&mut w, p);
        let who = [w.hurt, w.involved][ender];
        let event = end(acting(&w, who), p).unwrap();
        w.record(who, event);
        assert!(visible(&w, p).is_empty());
        assert!(w
            .couple
            .therapy
            .active_for(&w.couple.space, user(THERAPIST))
            .is_none());
        assert!(
            can_propose(acting(&w, w.hurt)),
            "a new therapist may be proposed"
        );
        assert!(!can_end(acting(&w, who), p), "ended once");
    }
}

#[test]
fn narrowing_takes_one_partner_and_widening_takes_both() {
    let mut w = World::new();
    let p = proposed(&mut w, &["requests", "commitments"]);
    consented(&mut w, p, &["requests", "commitments"]);
    accepted(&mut w, p);
    let (a, b) = (w.hurt, w.involved);
    let narrower = change_scopes(acting(&w, b), p, &["requests"]).unwrap();
    assert!(matches!(narrower, TherapistEvent::Narrowed { .. }));
    w.record(b, narrower);
    assert_eq!(visible(&w, p), [Scope::ParkedQuestions, Scope::Requests]);
    // A alone asks for more: nothing new is visible until B agrees.
    let wider = change_scopes(acting(&w, a), p, &["requests", "commitments", "apology"]).unwrap();
    assert!(matches!(wider, TherapistEvent::Widened { .. }));
    w.record(a, wider);
    assert_eq!(visible(&w, p), [Scope::ParkedQuestions, Scope::Requests]);
    let wider = change_scopes(acting(&w, b), p, &["requests", "apology"]).unwrap();
    w.record(b, wider);
    assert_eq!(
        visible(&w, p),
        [Scope::ParkedQuestions, Scope::Requests, Scope::Apology]
    );
    // A narrowing event cannot add what its author had not consented to.
    w.record(
        a,
        TherapistEvent::Narrowed {
            proposal: p,
            scopes: vec![Scope::Requests, Scope::TruthLog],
        },
    );
    assert_eq!(visible(&w, p), [Scope::ParkedQuestions, Scope::Requests]);
}

#[test]
fn consent_is_given_once_declining_closes_the_proposal_and_one_therapist_at_a_time() {
    let mut w = World::new();
    let (a, b) = (w.hurt, w.involved);
    let p = proposed(&mut w, &[]);
    assert_eq!(
        consent(acting(&w, a), p, &[]),
        Err(Refusal::Conflict("You have given your consent already."))
    );
    assert!(matches!(
        propose(acting(&w, b), "Someone else", &[]),
        Err(Refusal::Conflict(_))
    ));
    assert_eq!(
        consent_waiting_for(&w.couple.therapy, &w.couple.space, b).map(|e| e.id),
        Some(p)
    );
    assert!(consent_waiting_for(&w.couple.therapy, &w.couple.space, a).is_none());
    let no = decline(acting(&w, b), p).unwrap();
    w.record(b, no);
    assert!(consent_waiting_for(&w.couple.therapy, &w.couple.space, b).is_none());
    assert!(matches!(
        accept(&w.couple.space, &w.couple.therapy, user(THERAPIST), p),
        Err(Refusal::Conflict(_))
    ));
    assert!(can_propose(acting(&w, b)));
}

#[test]
fn a_partner_cannot_be_their_own_couples_therapist_and_strangers_take_no_step() {
    let mut w = World::new();
    let p = proposed(&mut w, &["requests"]);
    consented(&mut w, p, &["requests"]);
    assert!(matches!(
        accept(&w.couple.space, &w.couple.therapy, w.involved, p),
        Err(Refusal::NotAllowed(_))
    ));
    let stranger = w.stranger;
    assert_eq!(
        propose(acting(&w, stranger), "x", &[]),
        Err(Refusal::NotAMember)
    );
    assert_eq!(end(acting(&w, stranger), p), Err(Refusal::NotAMember));
    let fresh = World::new();
    assert!(matches!(
        propose(acting(&fresh, fresh.hurt), " ", &["requests"]),
        Err(Refusal::Invalid { field: "name", .. })
    ));
    assert!(matches!(
        propose(acting(&fresh, fresh.hurt), "Dr Okafor", &["nonsense"]),
        Err(Refusal::Invalid {
            field: "scopes",
            ..
        })
    ));
    accepted(&mut w, p);
    assert!(matches!(
        accept(&w.couple.space, &w.couple.therapy, user(THERAPIST), p),
        Err(Refusal::Conflict(_))
    ));
}

/// Every couple-stream event.
pub(crate) fn any_event() -> impl proptest::strategy::Strategy<Value = TherapistEvent> {
    use crate::testing::strategies::{entry_id, one_of, text};
    use proptest::prelude::*;
    let scopes = || proptest::collection::vec(one_of(Scope::ALL), 0..4);
    prop_oneof![
        (text(), scopes()).prop_map(|(name, scopes)| TherapistEvent::Proposed { name, scopes }),
        (entry_id(), scopes())
            .prop_map(|(proposal, scopes)| TherapistEvent::Consented { proposal, scopes }),
        entry_id().prop_map(|proposal| TherapistEvent::Declined { proposal }),
        entry_id().prop_map(|proposal| TherapistEvent::Accepted { proposal }),
        (entry_id(), scopes())
            .prop_map(|(proposal, scopes)| TherapistEvent::Narrowed { proposal, scopes }),
        (entry_id(), scopes())
            .prop_map(|(proposal, scopes)| TherapistEvent::Widened { proposal, scopes }),
        entry_id().prop_map(|proposal| TherapistEvent::Ended { proposal }),
    ]
}

#[test]
fn ending_the_shared_space_ends_the_therapists_access_at_once() {
    use crate::space::{self, EndReason};
    let mut w = World::new();
    let p = proposed(&mut w, &["check_ins", "requests", "truth_log"]);
    consented(&mut w, p, &["requests", "truth_log"]);
    let mut waiting = w.couple.clone();
    accepted(&mut w, p);
    assert!(!visible(&w, p).is_empty(), "active before the end");
    let involved = w.involved;
    w.run(involved, |s, a, _| {
        space::end(&s.space, a, EndReason::PartnerEnded)
    });
    assert!(visible(&w, p).is_empty(), "nothing is visible once ended");
    let therapist = user(THERAPIST);
    assert!(w
        .couple
        .therapy
        .active_for(&w.couple.space, therapist)
        .is_none());
    assert!(matches!(
        crate::access::therapist::session_party(&w.couple.space, &w.couple.therapy, therapist),
        Err(Refusal::NotFound)
    ));
    // A therapist who had not accepted yet cannot accept any more.
    let meta = crate::kernel::event::Meta {
        seq: waiting.seq + 1,
        author: involved,
        at: w.now,
    };
    waiting.apply(
        &meta,
        &space::SpaceEvent::Ended {
            reason: EndReason::AccountDeleted,
        }
        .into(),
    );
    assert!(accept(&waiting.space, &waiting.therapy, therapist, p).is_err());
}
