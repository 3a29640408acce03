use super::*;
use crate::access::repair_rules::RepairAction;
use crate::access::room::Acting;
use crate::kernel::ids::EntryId;
use crate::kernel::refusal::Refusal;
use crate::testing::step;
use crate::testing::{assert_can_agrees, assert_round_trip, World};
use time::Duration;

fn commitment(kind: &str, details: &str) -> CommitmentInput {
    CommitmentInput {
        betrayal: String::new(),
        kind: kind.to_owned(),
        details: details.to_owned(),
    }
}

fn status(code: &str, note: &str) -> StatusInput {
    StatusInput {
        status: code.to_owned(),
        note: note.to_owned(),
    }
}

#[test]
fn no_contact_is_offered_first() {
    assert_eq!(CommitmentKind::ALL[0], CommitmentKind::NoContact);
    assert_eq!(
        CommitmentKind::parse("end_shared_work"),
        Ok(CommitmentKind::EndSharedWork)
    );
    assert!(matches!(
        CommitmentKind::parse("spy"),
        Err(Refusal::Invalid { field: "kind", .. })
    ));
}

#[test]
fn the_involved_partner_makes_a_commitment_and_its_history_grows() {
    let mut c = World::new();
    let k = c.run(
        c.involved,
        step!(commitments: make(&commitment("no_contact", ""))),
    );
    c.advance(Duration::days(7));
    c.run(
        c.involved,
        step!(commitments: update_status(k, &status("kept", ""))),
    );
    c.advance(Duration::days(3));
    c.run(
        c.involved,
        step!(commitments: update_status(k, &status("at_risk", "She wrote to me at work."))),
    );
    let made = c.couple.commitments.get(k).unwrap();
    let statuses: Vec<_> = made.history.iter().map(|e| e.status).collect();
    assert_eq!(
        statuses,
        vec![
            CommitmentStatus::Made,
            CommitmentStatus::Kept,
            CommitmentStatus::AtRisk
        ]
    );
    assert_eq!(made.status(), CommitmentStatus::AtRisk);
    assert_eq!(
        made.latest().and_then(|e| e.note.as_deref()),
        Some("She wrote to me at work.")
    );
    assert_eq!(made.title(), "No contact with the affair partner");
}

#[test]
fn an_own_commitment_needs_its_words_and_named_kinds_are_made_once() {
    let mut c = World::new();
    assert!(matches!(
        c.attempt(
            c.involved,
            step!(commitments: make(&commitment("own", " ")))
        ),
        Err(Refusal::Invalid {
            field: "details",
            ..
        })
    ));
    let own = c.run(
        c.involved,
        step!(commitments: make(&commitment("own", "I come home straight after work."))),
    );
    assert_eq!(
        c.couple.commitments.get(own).unwrap().title(),
        "I come home straight after work."
    );
    c.run(
        c.involved,
        step!(commitments: make(&commitment("own", "Phone stays in the hall."))),
    );
    c.run(
        c.involved,
        step!(commitments: make(&commitment("therapy", "Weekly"))),
    );
    assert_eq!(
        c.attempt(
            c.involved,
            step!(commitments: make(&commitment("therapy", "")))
        ),
        Err(Refusal::Conflict(
            "You have already made this commitment; its status can be updated instead."
        ))
    );
    assert_eq!(c.couple.commitments.for_betrayal(c.betrayal).len(), 3);
}

#[test]
fn updates_are_the_involved_partners_and_name_a_real_status() {
    let mut c = World::new();
    let k = c.run(
        c.involved,
        step!(commitments: make(&commitment("therapy", ""))),
    );
    assert!(matches!(
        c.attempt(
            c.involved,
            step!(commitments: update_status(k, &status("made", "")))
        ),
        Err(Refusal::Invalid {
            field: "status",
            ..
        })
    ));
    assert_eq!(
        c.attempt(
            c.hurt,
            step!(commitments: update_status(k, &status("broken", "")))
        ),
        Err(Refusal::NotAllowed(
            RepairAction::UpdateCommitment.refusal()
        ))
    );
    assert_eq!(
        c.attempt(
            c.involved,
            step!(commitments: update_status(EntryId(99), &status("kept", "")))
        ),
        Err(Refusal::NotFound)
    );
}

#[test]
fn the_hurt_partner_acknowledges_the_latest_news_once() {
    let mut c = World::new();
    let k = c.run(
        c.involved,
        step!(commitments: make(&commitment("no_contact", ""))),
    );
    assert_eq!(
        c.couple
            .commitments
            .awaiting_acknowledgement_by(&c.couple.space, c.hurt)
            .len(),
        1
    );
    c.run(c.hurt, step!(commitments: acknowledge(k)));
    assert_eq!(
        c.attempt(c.hurt, step!(commitments: acknowledge(k))),
        Err(Refusal::Conflict("You have already seen the latest news."))
    );
    let broken = c.run(
        c.involved,
        step!(commitments: update_status(k, &status("broken", "I answered her call."))),
    );
    assert_eq!(
        c.attempt(c.hurt, step!(commitments: acknowledge(k))),
        Ok(CommitmentEvent::Acknowledged {
            commitment: k,
            entry: broken
        })
    );
    assert!(c
        .couple
        .commitments
        .awaiting_acknowledgement_by(&c.couple.space, c.involved)
        .is_empty());
    c.run(c.hurt, step!(commitments: acknowledge(k)));
    assert!(c
        .couple
        .commitments
        .awaiting_acknowledgement_by(&c.couple.space, c.hurt)
        .is_empty());
}

#[test]
fn every_commitment_event_survives_the_stored_json() {
    for kind in CommitmentKind::ALL {
        assert_round_trip(
            &CommitmentEvent::Made {
                betrayal: EntryId(2),
                kind,
                details: Some("d".to_owned()),
            },
            "made",
        );
    }
    for status in CommitmentStatus::UPDATES {
        assert_round_trip(
            &CommitmentEvent::StatusUpdated {
                commitment: EntryId(4),
                status,
                note: None,
            },
            "status_updated",
        );
    }
    assert_round_trip(
        &CommitmentEvent::Acknowledged {
            commitment: EntryId(4),
            entry: EntryId(5),
        },
        "acknowledged",
    );
    let json = serde_json::to_value(CommitmentEvent::StatusUpdated {
        commitment: EntryId(4),
        status: CommitmentStatus::AtRisk,
        note: None,
    })
    .unwrap();
    assert_eq!(json["status"], "at_risk");
}

/// For the hurt partner, the involved partner and a stranger, on
/// commitments with news seen and unseen, in both directions of betrayal,
/// `can_update_status` and `can_acknowledge` agree with their commands.
#[test]
fn every_can_query_agrees_with_its_command() {
    let mut c = World::new();
    let other_way = c.with_second_betrayal_the_other_way();
    let in_first = |kind: &str| CommitmentInput {
        betrayal: c.betrayal.0.to_string(),
        ..commitment(kind, "")
    };
    let (no_contact, therapy) = (in_first("no_contact"), in_first("therapy"));
    let unseen = c.run(c.involved, step!(commitments: make(&no_contact)));
    let seen = c.run(c.involved, step!(commitments: make(&therapy)));
    c.run(c.hurt, step!(commitments: acknowledge(seen)));
    let theirs = c.run(c.hurt, |s, a, _| {
        let input = CommitmentInput {
            betrayal: other_way.0.to_string(),
            ..commitment("openness", "")
        };
        make(Acting::new(&s.space, &s.commitments, a), &input)
    });
    let (space, commitments) = (&c.couple.space, &c.couple.commitments);
    let actors = [c.hurt, c.involved, c.stranger];
    let ids = [unseen, seen, theirs, EntryId(999)];
    assert_can_agrees("update", &actors, &ids, |a, id| {
        let accepted =
            update_status(Acting::new(space, commitments, a), id, &status("kept", "")).is_ok();
        (
            can_update_status(Acting::new(space, commitments, a), id),
            accepted,
        )
    });
    assert_can_agrees("acknowledge", &actors, &ids, |a, id| {
        let accepted = acknowledge(Acting::new(space, commitments, a), id).is_ok();
        (
            can_acknowledge(Acting::new(space, commitments, a), id),
            accepted,
        )
    });
}

/// Every commitment event, with the details and the note present and absent.
pub(crate) fn any_event() -> impl proptest::strategy::Strategy<Value = CommitmentEvent> {
    use crate::testing::strategies::{entry_id, maybe_text, one_of};
    use proptest::prelude::*;
    let status = one_of([
        CommitmentStatus::Made,
        CommitmentStatus::Kept,
        CommitmentStatus::AtRisk,
        CommitmentStatus::Broken,
        CommitmentStatus::Renewed,
    ]);
    prop_oneof![
        (entry_id(), one_of(CommitmentKind::ALL), maybe_text()).prop_map(
            |(betrayal, kind, details)| CommitmentEvent::Made {
                betrayal,
                kind,
                details
            }
        ),
        (entry_id(), status, maybe_text()).prop_map(|(commitment, status, note)| {
            CommitmentEvent::StatusUpdated {
                commitment,
                status,
                note,
            }
        }),
        (entry_id(), entry_id())
            .prop_map(|(commitment, entry)| CommitmentEvent::Acknowledged { commitment, entry }),
    ]
}
