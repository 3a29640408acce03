//! What one person's export holds: their own private stream, and the
//! couple's record as they see it. Never anything private of the partner:
//! the partner's private stream is not an input here at all, and a couple
//! event meant for one partner only is left out of the other's export
//! until it would be shown to them.
//!
//! The rules are fixed once, when the export starts ([`ExportRules`]), from
//! the couple's state at that moment; the events themselves are then judged
//! one at a time, as they are read, so an export of any length needs only
//! the rules and one page of events in memory.

use crate::kernel::event::Meta;
use crate::kernel::ids::UserId;
use crate::kernel::refusal::Refusal;
use crate::streams::couple::{CoupleEvent, CoupleState};
use crate::streams::private::PrivateEvent;
use crate::talk::TalkEvent;
use serde::Serialize;
use time::OffsetDateTime;

/// The JSON document's `format`.
pub const FORMAT: &str = "kintsugi-export";
/// The JSON document's `version`: raised whenever a field changes meaning
/// or goes away (`docs/export.md`).
pub const VERSION: u32 = 1;

/// Who wrote an event, as the person exporting reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    Me,
    MyPartner,
    /// A therapist the couple invited (their acceptance is theirs).
    OurTherapist,
    /// Anyone else: no event of this version is written so, but an
    /// export names it plainly rather than guessing.
    Someone,
}

impl Who {
    /// The stable code in the JSON document.
    pub fn code(self) -> &'static str {
        match self {
            Who::Me => "me",
            Who::MyPartner => "my_partner",
            Who::OurTherapist => "our_therapist",
            Who::Someone => "someone",
        }
    }

    /// The words in the readable copy.
    pub fn label(self) -> &'static str {
        match self {
            Who::Me => "Me",
            Who::MyPartner => "My partner",
            Who::OurTherapist => "Our therapist",
            Who::Someone => "Someone else",
        }
    }
}

/// What `viewer`'s export may hold, fixed when it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRules {
    viewer: UserId,
    partner: Option<UserId>,
    therapists: Vec<UserId>,
    /// The couple record's `seq` when the export started: later events are
    /// not in it, so the rules stay true for every event it holds.
    couple_through: u64,
    /// Quiet notes the partner left that are still held back from the
    /// viewer (by author and time): shown once the quiet period ends.
    held_notes: Vec<(UserId, OffsetDateTime)>,
}

impl ExportRules {
    /// The rules for a person with no couple space: their private stream
    /// only.
    pub fn alone(viewer: UserId) -> ExportRules {
        ExportRules {
            viewer,
            partner: None,
            therapists: Vec::new(),
            couple_through: 0,
            held_notes: Vec::new(),
        }
    }

    /// The rules for `viewer`, a partner in `couple`, at `now`; refused
    /// for anyone the record does not name as a partner.
    pub fn for_partner(
        viewer: UserId,
        couple: &CoupleState,
        now: OffsetDateTime,
    ) -> Result<ExportRules, Refusal> {
        if !couple.space.is_member(viewer) {
            return Err(Refusal::NotAMember);
        }
        let partner = couple.space.partner_of(viewer);
        let therapists = couple
            .therapy
            .all()
            .iter()
            .filter_map(|engagement| engagement.accepted.map(|stamp| stamp.by))
            .collect();
        let held_notes = couple
            .talk
            .notes_held(now)
            .filter(|note| note.by != viewer)
            .map(|note| (note.by, note.at))
            .collect();
        Ok(ExportRules {
            viewer,
            partner,
            therapists,
            couple_through: couple.seq,
            held_notes,
        })
    }

    pub fn viewer(&self) -> UserId {
        self.viewer
    }

    /// The last couple event the export holds (0: none).
    pub fn couple_through(&self) -> u64 {
        self.couple_through
    }

    /// Who `author` is to the viewer.
    pub fn who(&self, author: UserId) -> Who {
        if author == self.viewer {
            Who::Me
        } else if Some(author) == self.partner {
            Who::MyPartner
        } else if self.therapists.contains(&author) {
            Who::OurTherapist
        } else {
            Who::Someone
        }
    }

    /// Whether a private event is in the export: only the viewer's own.
    /// An event of anyone else's stream is refused, never written.
    pub fn holds_private(&self, meta: &Meta, _event: &PrivateEvent) -> bool {
        meta.author == self.viewer
    }

    /// Whether a couple event is in the export. Every room is named, so a
    /// new room's events must be decided here before the code builds.
    pub fn holds_couple(&self, meta: &Meta, event: &CoupleEvent) -> bool {
        if meta.seq > self.couple_through {
            return false;
        }
        match event {
            // The partner's note for the end of the viewer's quiet period
            // is theirs to read only once it ends.
            CoupleEvent::Talk(TalkEvent::QuietNoteLeft { .. }) => {
                !self.held_notes.contains(&(meta.author, meta.at))
            }
            // Shared by both partners: each sees all of it. The readiness
            // room holds only the list here; the marks are private.
            CoupleEvent::Space(_)
            | CoupleEvent::CheckIn(_)
            | CoupleEvent::Pulse(_)
            | CoupleEvent::Truth(_)
            | CoupleEvent::Apology(_)
            | CoupleEvent::Request(_)
            | CoupleEvent::Commitment(_)
            | CoupleEvent::Contact(_)
            | CoupleEvent::Readiness(_)
            | CoupleEvent::Talk(_)
            | CoupleEvent::Together(_)
            | CoupleEvent::Meeting(_)
            | CoupleEvent::Therapist(_)
            | CoupleEvent::Session(_)
            | CoupleEvent::Reflection(_)
            | CoupleEvent::Withdrawal(_) => true,
        }
    }
}

/// One event as the export writes it: where it sits, when, who wrote it,
/// its room and kind, and what it says.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportedEvent {
    pub seq: u64,
    #[serde(with = "time::serde::rfc3339")]
    pub time: OffsetDateTime,
    pub who: &'static str,
    pub room: String,
    pub kind: String,
    pub content: serde_json::Value,
}

impl ExportedEvent {
    /// `event` (a stream's event, stored as `{"room", "event": {"type", …}}`)
    /// as the export writes it for the person `rules` are for.
    pub fn of<E: Serialize>(
        rules: &ExportRules,
        meta: &Meta,
        event: &E,
    ) -> Result<ExportedEvent, serde_json::Error> {
        let stored = serde_json::to_value(event)?;
        let room = text_at(&stored, "room");
        let mut content = stored.get("event").cloned().unwrap_or_default();
        let kind = match content.as_object_mut().and_then(|o| o.remove("type")) {
            Some(serde_json::Value::String(kind)) => kind,
            _ => String::new(),
        };
        Ok(ExportedEvent {
            seq: meta.seq,
            time: meta.at,
            who: rules.who(meta.author).code(),
            room,
            kind,
            content,
        })
    }
}

impl ExportedEvent {
    /// An event whose payload its author withdrew (the store no longer
    /// holds it): where it stood, when and by whom, in which room (from the
    /// stream's clear-text `kind`), and never what it said.
    pub fn withdrawn(rules: &ExportRules, meta: &Meta, stored_kind: &str) -> ExportedEvent {
        let room = match stored_kind {
            "checkin" => "check_in",
            other => other,
        };
        ExportedEvent {
            seq: meta.seq,
            time: meta.at,
            who: rules.who(meta.author).code(),
            room: room.to_owned(),
            kind: "withdrawn".to_owned(),
            content: serde_json::Value::Object(serde_json::Map::new()),
        }
    }
}

fn text_at(value: &serde_json::Value, key: &str) -> String {
    value
        .get(key)
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::room::Acting;
    use crate::talk::{self, TalkEvent};
    use crate::testing::World;
    use crate::therapist::TherapistEvent;
    use crate::truth::TruthEvent;
    use time::Duration;

    fn meta(seq: u64, author: UserId, at: OffsetDateTime) -> Meta {
        Meta { seq, author, at }
    }

    #[test]
    fn only_a_partner_of_the_couple_gets_rules_for_its_record() {
        let w = World::new();
        assert!(ExportRules::for_partner(w.hurt, &w.couple, w.now).is_ok());
        assert!(ExportRules::for_partner(w.involved, &w.couple, w.now).is_ok());
        assert_eq!(
            ExportRules::for_partner(w.stranger, &w.couple, w.now),
            Err(Refusal::NotAMember)
        );
    }

    #[test]
    fn who_names_me_my_partner_and_our_therapist() {
        let mut w = World::new();
        let proposal = w.record(
            w.hurt,
            TherapistEvent::Proposed {
                name: "Dr Okafor".into(),
                scopes: vec![],
            },
        );
        w.record(w.stranger, TherapistEvent::Accepted { proposal });
        let rules = ExportRules::for_partner(w.involved, &w.couple, w.now).unwrap();
        assert_eq!(rules.who(w.involved), Who::Me);
        assert_eq!(rules.who(w.hurt), Who::MyPartner);
        assert_eq!(rules.who(w.stranger), Who::OurTherapist);
        assert_eq!(rules.who(crate::testing::user(99)), Who::Someone);
        let codes: Vec<_> = [Who::Me, Who::MyPartner, Who::OurTherapist, Who::Someone]
            .map(Who::code)
            .to_vec();
        assert_eq!(codes, ["me", "my_partner", "our_therapist", "someone"]);
    }

    #[test]
    fn a_private_event_is_held_only_when_it_is_the_viewers_own() {
        let w = World::new();
        let rules = ExportRules::for_partner(w.hurt, &w.couple, w.now).unwrap();
        let event = PrivateEvent::Talk(talk::PrivateTalkEvent::HowItWent {
            request: crate::EntryId(1),
            words: "hard".into(),
        });
        assert!(rules.holds_private(&meta(1, w.hurt, w.now), &event));
        assert!(!rules.holds_private(&meta(1, w.involved, w.now), &event));
        let alone = ExportRules::alone(w.stranger);
        assert!(alone.holds_private(&meta(1, w.stranger, w.now), &event));
        assert!(!alone.holds_private(&meta(1, w.hurt, w.now), &event));
    }

    #[test]
    fn every_shared_event_is_held_for_both_partners_up_to_the_start() {
        let mut w = World::new();
        let event = CoupleEvent::from(TruthEvent::Asked {
            betrayal: w.betrayal,
            text: "Where were you?".into(),
        });
        let asked = w.record(w.hurt, event.clone());
        for viewer in [w.hurt, w.involved] {
            let rules = ExportRules::for_partner(viewer, &w.couple, w.now).unwrap();
            assert!(rules.holds_couple(&meta(asked.0, w.hurt, w.now), &event));
            // Written after the export started: not in it.
            assert!(!rules.holds_couple(&meta(asked.0 + 1, w.hurt, w.now), &event));
        }
    }

    /// The hurt partner declares a quiet period; the involved partner
    /// leaves a note for its end. The note is its author's to export at
    /// once, and the hurt partner's only once the period is over.
    #[test]
    fn a_quiet_note_waits_for_the_end_of_the_quiet_period() {
        let mut w = World::new();
        let quiet =
            talk::declare_quiet(Acting::new(&w.couple.space, &w.couple.talk, w.hurt), "3").unwrap();
        w.record(w.hurt, quiet);
        let note = talk::leave_quiet_note(
            Acting::new(&w.couple.space, &w.couple.talk, w.involved),
            w.now,
            "I am here when you are ready",
        )
        .unwrap();
        let at = w.now;
        let seq = w.record(w.involved, note.clone()).0;
        let note = CoupleEvent::from(note);
        let left = meta(seq, w.involved, at);
        assert!(matches!(
            note,
            CoupleEvent::Talk(TalkEvent::QuietNoteLeft { .. })
        ));

        let during = ExportRules::for_partner(w.hurt, &w.couple, w.now).unwrap();
        assert!(!during.holds_couple(&left, &note), "held back while quiet");
        let author = ExportRules::for_partner(w.involved, &w.couple, w.now).unwrap();
        assert!(author.holds_couple(&left, &note), "its author's at once");

        let after = ExportRules::for_partner(w.hurt, &w.couple, w.now + Duration::days(3)).unwrap();
        assert!(after.holds_couple(&left, &note), "shown once it ended");
    }

    #[test]
    fn an_exported_event_names_its_room_kind_author_and_content() {
        let w = World::new();
        let rules = ExportRules::for_partner(w.involved, &w.couple, w.now).unwrap();
        let event = CoupleEvent::from(TruthEvent::Asked {
            betrayal: w.betrayal,
            text: "Where were you?".into(),
        });
        let exported = ExportedEvent::of(&rules, &meta(7, w.hurt, w.now), &event).unwrap();
        assert_eq!(exported.seq, 7);
        assert_eq!(exported.time, w.now);
        assert_eq!(exported.who, "my_partner");
        assert_eq!(exported.room, "truth");
        assert_eq!(exported.kind, "asked");
        assert_eq!(
            exported.content,
            serde_json::json!({ "betrayal": w.betrayal, "text": "Where were you?" })
        );
    }
}
