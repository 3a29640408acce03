use super::*;
use crate::access::room::Acting;
use crate::kernel::event::Meta;
use crate::kernel::ids::{CoupleId, EntryId, UserId};
use crate::kernel::refusal::Refusal;
use crate::testing::{assert_round_trip, refused_field, user, World};
use crate::therapist::{self, TherapistEvent};
use uuid::Uuid;

const THERAPIST: u128 = 77;
const COUPLE: CoupleId = CoupleId(Uuid::from_u128(9));

fn therapist() -> UserId {
    user(THERAPIST)
}

/// A couple whose therapist all three said yes to.
fn served() -> (World, EntryId) {
    let mut w = World::new();
    let (a, b) = (w.hurt, w.involved);
    let event = therapist::propose(acting(&w, a), "Dr Okafor", &[]).unwrap();
    let p = w.record(a, event);
    let event = therapist::consent(acting(&w, b), p, &[]).unwrap();
    w.record(b, event);
    let event = therapist::accept(&w.couple.space, &w.couple.therapy, therapist(), p).unwrap();
    w.record(therapist(), event);
    (w, p)
}

fn acting(w: &World, who: UserId) -> Acting<'_, crate::therapist::Therapy> {
    Acting::new(&w.couple.space, &w.couple.therapy, who)
}

fn fold(events: &[PracticeEvent]) -> Practice {
    let mut practice = Practice::default();
    for (n, event) in events.iter().enumerate() {
        let meta = Meta {
            seq: n as u64 + 1,
            author: therapist(),
            at: time::OffsetDateTime::UNIX_EPOCH,
        };
        practice.apply(&meta, event);
    }
    practice
}

#[test]
fn the_active_therapist_names_the_couple_and_keeps_notes_newest_first() {
    let (w, _) = served();
    let (space, therapy) = (&w.couple.space, &w.couple.therapy);
    let named = name_couple(space, therapy, therapist(), COUPLE, " The Ashbys ").unwrap();
    let first = write_note(space, therapy, therapist(), COUPLE, "first").unwrap();
    let second = write_note(space, therapy, therapist(), COUPLE, "second").unwrap();
    let practice = fold(&[named, first, second]);
    assert_eq!(practice.name_of(COUPLE), Some("The Ashbys"));
    let notes: Vec<&str> = practice.notes_on(COUPLE).map(|n| n.text.as_str()).collect();
    assert_eq!(notes, ["second", "first"]);
    assert_eq!(practice.notes_on(CoupleId(Uuid::from_u128(10))).count(), 0);
    assert_eq!(
        refused_field(write_note(space, therapy, therapist(), COUPLE, "  ")),
        "text"
    );
}

#[test]
fn nobody_but_the_active_therapist_writes_about_the_couple() {
    let (mut w, p) = served();
    for who in [w.hurt, w.involved, w.stranger, user(78)] {
        let (space, therapy) = (&w.couple.space, &w.couple.therapy);
        assert_eq!(
            write_note(space, therapy, who, COUPLE, "a note"),
            Err(Refusal::NotFound)
        );
    }
    w.record(w.hurt, TherapistEvent::Ended { proposal: p });
    let (space, therapy) = (&w.couple.space, &w.couple.therapy);
    assert_eq!(
        write_note(space, therapy, therapist(), COUPLE, "after"),
        Err(Refusal::NotFound),
        "a couple that ended access is not written about any more"
    );
    assert_eq!(
        name_couple(space, therapy, therapist(), COUPLE, "x"),
        Err(Refusal::NotFound)
    );
}

#[test]
fn practice_events_round_trip() {
    assert_round_trip(
        &PracticeEvent::CoupleNamed {
            couple: COUPLE,
            name: "A".into(),
        },
        "couple_named",
    );
    assert_round_trip(
        &PracticeEvent::NoteWritten {
            couple: COUPLE,
            text: "B".into(),
        },
        "note_written",
    );
}

#[test]
fn accepting_names_the_couple_in_the_same_step_and_only_once_both_said_yes() {
    let mut w = World::new();
    let (a, b) = (w.hurt, w.involved);
    let event = therapist::propose(acting(&w, a), "Dr Okafor", &[]).unwrap();
    let p = w.record(a, event);
    let (space, therapy) = (&w.couple.space, &w.couple.therapy);
    assert!(matches!(
        accept_and_name(space, therapy, therapist(), p, COUPLE, "The Ashbys"),
        Err(Refusal::Conflict(_))
    ));
    let event = therapist::consent(acting(&w, b), p, &[]).unwrap();
    w.record(b, event);
    let (space, therapy) = (&w.couple.space, &w.couple.therapy);
    assert_eq!(
        refused_field(accept_and_name(space, therapy, therapist(), p, COUPLE, "")),
        "name"
    );
    assert!(matches!(
        accept_and_name(space, therapy, a, p, COUPLE, "Us"),
        Err(Refusal::NotAllowed(_))
    ));
    let (accepted, named) =
        accept_and_name(space, therapy, therapist(), p, COUPLE, "The Ashbys").unwrap();
    assert_eq!(accepted, TherapistEvent::Accepted { proposal: p });
    assert_eq!(fold(&[named]).name_of(COUPLE), Some("The Ashbys"));
}
