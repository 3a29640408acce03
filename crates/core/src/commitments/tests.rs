use super::*;
use crate::access::repair_rules::RepairAction;
use crate::access::room::Acting;
use crate::kernel::ids::{EntryId, UserId};
use crate::kernel::refusal::Refusal;
use crate::testing::step;
use crate::testing::{assert_can_agrees, assert_round_trip, entry_ids, refused_field, World};
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

/// The involved partner makes a commitment in the only betrayal.
fn made(c: &mut World, kind: &str, details: &str) -> EntryId {
    c.run(
        c.involved,
        step!(commitments: make(&commitment(kind, details))),
    )
}

/// The involved partner gives news of commitment `k`.
fn updated(c: &mut World, k: EntryId, code: &str, note: &str) -> EntryId {
    c.run(
        c.involved,
        step!(commitments: update_status(k, &status(code, note))),
    )
}

/// What `who` asks about commitment `k` when giving `code` as its news.
fn update(c: &World, who: UserId, k: EntryId, code: &str) -> Result<CommitmentEvent, Refusal> {
    c.attempt(who, step!(commitments: update_status(k, &status(code, ""))))
}

/// The commitments whose news `who` has still to see.
fn news_for(c: &World, who: UserId) -> Vec<EntryId> {
    let (room, space) = (&c.couple.commitments, &c.couple.space);
    entry_ids(room.awaiting_acknowledgement_by(space, who))
}

#[test]
fn no_contact_is_offered_first() {
    assert_eq!(CommitmentKind::ALL[0], CommitmentKind::NoContact);
    assert_eq!(
        CommitmentKind::parse("end_shared_work"),
        Ok(CommitmentKind::EndSharedWork)
    );
    assert_eq!(refused_field(CommitmentKind::parse("spy")), "kind");
}

#[test]
fn the_involved_partner_makes_a_commitment_and_its_history_grows() {
    let mut c = World::new();
    let k = made(&mut c, "no_contact", "");
    c.advance(Duration::days(7));
    updated(&mut c, k, "kept", "");
    c.advance(Duration::days(3));
    updated(&mut c, k, "at_risk", "She wrote to me at work.");
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
    assert_eq!(
        refused_field(c.attempt(
            c.involved,
            step!(commitments: make(&commitment("own", " ")))
        )),
        "details"
    );
    let own = made(&mut c, "own", "I come home straight after work.");
    assert_eq!(
        c.couple.commitments.get(own).unwrap().title(),
        "I come home straight after work."
    );
    made(&mut c, "own", "Phone stays in the hall.");
    made(&mut c, "therapy", "Weekly");
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
    let k = made(&mut c, "therapy", "");
    assert_eq!(refused_field(update(&c, c.involved, k, "made")), "status");
    assert_eq!(
        update(&c, c.hurt, k, "broken"),
        Err(Refusal::NotAllowed(
            RepairAction::UpdateCommitment.refusal()
        ))
    );
    assert_eq!(
        update(&c, c.involved, EntryId(99), "kept"),
        Err(Refusal::NotFound)
    );
}

#[test]
fn the_hurt_partner_acknowledges_the_latest_news_once() {
    let mut c = World::new();
    let k = made(&mut c, "no_contact", "");
    assert_eq!(news_for(&c, c.hurt).len(), 1);
    c.run(c.hurt, step!(commitments: acknowledge(k)));
    assert_eq!(
        c.attempt(c.hurt, step!(commitments: acknowledge(k))),
        Err(Refusal::Conflict("You have already seen the latest news."))
    );
    let broken = updated(&mut c, k, "broken", "I answered her call.");
    assert_eq!(
        c.attempt(c.hurt, step!(commitments: acknowledge(k))),
        Ok(CommitmentEvent::Acknowledged {
            commitment: k,
            entry: broken
        })
    );
    assert!(news_for(&c, c.involved).is_empty());
    c.run(c.hurt, step!(commitments: acknowledge(k)));
    assert!(news_for(&c, c.hurt).is_empty());
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
