//! Commitments: the involved partner's high-cost behaviours, the bedrock of
//! rebuilding trust. No contact with the affair partner comes first; then
//! therapy, ending shared work, volunteered openness, or a commitment in the
//! involved partner's own words.
//!
//! Each commitment keeps its whole status history (made, kept, at risk,
//! broken, renewed), written by the involved partner. The hurt partner sees
//! all of it and acknowledges the latest news. Openness is something offered,
//! never watched: nothing here reads devices, messages or locations.

use crate::access::repair_rules::{self, RepairAction};
use crate::kernel::event::Meta;
use crate::kernel::ids::{EntryId, UserId};
use crate::kernel::refusal::Refusal;
use crate::kernel::text;
use crate::space::{Role, SpaceState};
use crate::streams::couple::{CoupleEvent, CoupleState};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

const MAX_DETAILS: usize = 2_000;
const MAX_NOTE: usize = 2_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommitmentKind {
    NoContact,
    Therapy,
    EndSharedWork,
    Openness,
    Own,
}

impl CommitmentKind {
    /// In the order the form offers them: no contact always first.
    pub const ALL: [CommitmentKind; 5] = [
        CommitmentKind::NoContact,
        CommitmentKind::Therapy,
        CommitmentKind::EndSharedWork,
        CommitmentKind::Openness,
        CommitmentKind::Own,
    ];

    pub fn code(self) -> &'static str {
        match self {
            CommitmentKind::NoContact => "no_contact",
            CommitmentKind::Therapy => "therapy",
            CommitmentKind::EndSharedWork => "end_shared_work",
            CommitmentKind::Openness => "openness",
            CommitmentKind::Own => "own",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CommitmentKind::NoContact => "No contact with the affair partner",
            CommitmentKind::Therapy => "Attending therapy",
            CommitmentKind::EndSharedWork => "Ending a shared job or project",
            CommitmentKind::Openness => "Volunteered openness",
            CommitmentKind::Own => "In my own words",
        }
    }

    /// What the form's details field asks for.
    pub fn details_hint(self) -> &'static str {
        match self {
            CommitmentKind::NoContact => "Anything you want to add, e.g. how you ended contact.",
            CommitmentKind::Therapy => "Which therapy, how often.",
            CommitmentKind::EndSharedWork => "Which job or project, and by when.",
            CommitmentKind::Openness => {
                "What you choose to share, e.g. your calendar. It is offered, never demanded."
            }
            CommitmentKind::Own => "Your commitment, in your own words.",
        }
    }

    pub fn parse(code: &str) -> Result<Self, Refusal> {
        Self::ALL
            .into_iter()
            .find(|k| k.code() == code.trim())
            .ok_or_else(|| Refusal::invalid("kind", "Please choose a commitment."))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommitmentStatus {
    Made,
    Kept,
    AtRisk,
    Broken,
    Renewed,
}

impl CommitmentStatus {
    /// The statuses an update may set ("made" is the first entry only).
    pub const UPDATES: [CommitmentStatus; 4] = [
        CommitmentStatus::Kept,
        CommitmentStatus::AtRisk,
        CommitmentStatus::Broken,
        CommitmentStatus::Renewed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            CommitmentStatus::Made => "made",
            CommitmentStatus::Kept => "kept",
            CommitmentStatus::AtRisk => "at_risk",
            CommitmentStatus::Broken => "broken",
            CommitmentStatus::Renewed => "renewed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CommitmentStatus::Made => "Made",
            CommitmentStatus::Kept => "Kept",
            CommitmentStatus::AtRisk => "At risk",
            CommitmentStatus::Broken => "Broken",
            CommitmentStatus::Renewed => "Renewed",
        }
    }

    fn parse_update(code: &str) -> Result<Self, Refusal> {
        Self::UPDATES
            .into_iter()
            .find(|s| s.code() == code.trim())
            .ok_or_else(|| {
                Refusal::invalid(
                    "status",
                    "Please choose: kept, at risk, broken, or renewed.",
                )
            })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CommitmentEvent {
    Made {
        betrayal: EntryId,
        kind: CommitmentKind,
        details: Option<String>,
    },
    StatusUpdated {
        commitment: EntryId,
        status: CommitmentStatus,
        note: Option<String>,
    },
    /// The hurt partner has seen one entry of the status history.
    Acknowledged { commitment: EntryId, entry: EntryId },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub by: UserId,
    pub at: OffsetDateTime,
}

/// One entry of a commitment's status history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusEntry {
    pub id: EntryId,
    pub status: CommitmentStatus,
    pub note: Option<String>,
    pub by: UserId,
    pub at: OffsetDateTime,
    pub seen: Option<Seen>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commitment {
    pub id: EntryId,
    pub betrayal: EntryId,
    pub kind: CommitmentKind,
    pub details: Option<String>,
    /// Oldest first; the first entry is "made".
    pub history: Vec<StatusEntry>,
}

impl Commitment {
    pub fn latest(&self) -> Option<&StatusEntry> {
        self.history.last()
    }

    pub fn status(&self) -> CommitmentStatus {
        self.latest().map_or(CommitmentStatus::Made, |e| e.status)
    }

    /// The name a page shows: the kind, or the person's own words.
    pub fn title(&self) -> &str {
        match (self.kind, &self.details) {
            (CommitmentKind::Own, Some(words)) => words,
            (kind, _) => kind.label(),
        }
    }

    pub fn awaits_acknowledgement(&self) -> bool {
        self.latest().is_some_and(|e| e.seen.is_none())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Commitments {
    /// In the order made; ids grow with it.
    commitments: Vec<Commitment>,
}

impl Commitments {
    pub fn apply(&mut self, meta: &Meta, event: &CommitmentEvent) {
        match event {
            CommitmentEvent::Made {
                betrayal,
                kind,
                details,
            } => self.commitments.push(Commitment {
                id: meta.entry(),
                betrayal: *betrayal,
                kind: *kind,
                details: details.clone(),
                history: vec![StatusEntry {
                    id: meta.entry(),
                    status: CommitmentStatus::Made,
                    note: None,
                    by: meta.author,
                    at: meta.at,
                    seen: None,
                }],
            }),
            CommitmentEvent::StatusUpdated {
                commitment,
                status,
                note,
            } => {
                if let Some(c) = self.get_mut(*commitment) {
                    c.history.push(StatusEntry {
                        id: meta.entry(),
                        status: *status,
                        note: note.clone(),
                        by: meta.author,
                        at: meta.at,
                        seen: None,
                    });
                }
            }
            CommitmentEvent::Acknowledged { commitment, entry } => {
                let found = self
                    .get_mut(*commitment)
                    .and_then(|c| c.history.iter_mut().find(|e| e.id == *entry));
                if let Some(entry) = found {
                    entry.seen = Some(Seen {
                        by: meta.author,
                        at: meta.at,
                    });
                }
            }
        }
    }

    pub fn get(&self, id: EntryId) -> Option<&Commitment> {
        self.commitments
            .binary_search_by_key(&id, |c| c.id)
            .ok()
            .map(|i| &self.commitments[i])
    }

    fn get_mut(&mut self, id: EntryId) -> Option<&mut Commitment> {
        self.commitments
            .binary_search_by_key(&id, |c| c.id)
            .ok()
            .map(|i| &mut self.commitments[i])
    }

    /// Every commitment, in the order made.
    pub fn all(&self) -> &[Commitment] {
        &self.commitments
    }

    pub fn for_betrayal(&self, betrayal: EntryId) -> Vec<&Commitment> {
        self.commitments
            .iter()
            .filter(|c| c.betrayal == betrayal)
            .collect()
    }

    /// Commitments whose latest news `me` has not acknowledged yet.
    pub fn awaiting_acknowledgement_by(&self, space: &SpaceState, me: UserId) -> Vec<&Commitment> {
        self.commitments
            .iter()
            .filter(|c| c.awaits_acknowledgement())
            .filter(|c| repair_rules::holds(space, me, c.betrayal, Role::Hurt))
            .collect()
    }
}

#[derive(Debug, Clone, Default)]
pub struct CommitmentInput {
    pub betrayal: String,
    /// `no_contact`, `therapy`, `end_shared_work`, `openness` or `own`.
    pub kind: String,
    /// Required for `own`; optional otherwise.
    pub details: String,
}

#[derive(Debug, Clone, Default)]
pub struct StatusInput {
    /// `kept`, `at_risk`, `broken` or `renewed`.
    pub status: String,
    pub note: String,
}

fn find(
    state: &CoupleState,
    actor: UserId,
    id: EntryId,
    action: RepairAction,
) -> Result<&Commitment, Refusal> {
    repair_rules::member(&state.space, actor)?;
    let commitment = state.commitments.get(id).ok_or(Refusal::NotFound)?;
    repair_rules::authorize(&state.space, actor, commitment.betrayal, action)?;
    Ok(commitment)
}

pub fn make(
    state: &CoupleState,
    actor: UserId,
    input: &CommitmentInput,
) -> Result<CoupleEvent, Refusal> {
    let betrayal = repair_rules::choose_betrayal(&state.space, actor, &input.betrayal)?;
    repair_rules::authorize(&state.space, actor, betrayal, RepairAction::MakeCommitment)?;
    let kind = CommitmentKind::parse(&input.kind)?;
    let details = if kind == CommitmentKind::Own {
        if input.details.trim().is_empty() {
            return Err(Refusal::invalid(
                "details",
                "Please write the commitment in your own words.",
            ));
        }
        Some(text::required("details", &input.details, MAX_DETAILS)?)
    } else {
        text::optional("details", &input.details, MAX_DETAILS)?
    };
    // One commitment of each named kind per betrayal: its history carries
    // what happens to it, including renewal after a break.
    let already = kind != CommitmentKind::Own
        && state
            .commitments
            .for_betrayal(betrayal)
            .iter()
            .any(|c| c.kind == kind);
    if already {
        return Err(Refusal::Conflict(
            "You have already made this commitment; its status can be updated instead.",
        ));
    }
    Ok(CoupleEvent::Commitment(CommitmentEvent::Made {
        betrayal,
        kind,
        details,
    }))
}

pub fn update_status(
    state: &CoupleState,
    actor: UserId,
    commitment: EntryId,
    input: &StatusInput,
) -> Result<CoupleEvent, Refusal> {
    find(state, actor, commitment, RepairAction::UpdateCommitment)?;
    let status = CommitmentStatus::parse_update(&input.status)?;
    let note = text::optional("note", &input.note, MAX_NOTE)?;
    Ok(CoupleEvent::Commitment(CommitmentEvent::StatusUpdated {
        commitment,
        status,
        note,
    }))
}

/// The hurt partner acknowledges the latest entry of the history.
pub fn acknowledge(
    state: &CoupleState,
    actor: UserId,
    commitment: EntryId,
) -> Result<CoupleEvent, Refusal> {
    let found = find(
        state,
        actor,
        commitment,
        RepairAction::AcknowledgeCommitment,
    )?;
    let latest = found
        .latest()
        .filter(|e| e.seen.is_none())
        .ok_or(Refusal::Conflict("You have already seen the latest news."))?;
    Ok(CoupleEvent::Commitment(CommitmentEvent::Acknowledged {
        commitment,
        entry: latest.id,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_round_trip, World};
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
        let k = c.run(c.involved, |s, a, _| {
            make(s, a, &commitment("no_contact", ""))
        });
        c.advance(Duration::days(7));
        c.run(c.involved, |s, a, _| {
            update_status(s, a, k, &status("kept", ""))
        });
        c.advance(Duration::days(3));
        c.run(c.involved, |s, a, _| {
            update_status(s, a, k, &status("at_risk", "She wrote to me at work."))
        });
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
            c.attempt(c.involved, |s, a, _| make(s, a, &commitment("own", " "))),
            Err(Refusal::Invalid {
                field: "details",
                ..
            })
        ));
        let own = c.run(c.involved, |s, a, _| {
            make(s, a, &commitment("own", "I come home straight after work."))
        });
        assert_eq!(
            c.couple.commitments.get(own).unwrap().title(),
            "I come home straight after work."
        );
        c.run(c.involved, |s, a, _| {
            make(s, a, &commitment("own", "Phone stays in the hall."))
        });
        c.run(c.involved, |s, a, _| {
            make(s, a, &commitment("therapy", "Weekly"))
        });
        assert_eq!(
            c.attempt(c.involved, |s, a, _| make(s, a, &commitment("therapy", ""))),
            Err(Refusal::Conflict(
                "You have already made this commitment; its status can be updated instead."
            ))
        );
        assert_eq!(c.couple.commitments.for_betrayal(c.betrayal).len(), 3);
    }

    #[test]
    fn updates_are_the_involved_partners_and_name_a_real_status() {
        let mut c = World::new();
        let k = c.run(c.involved, |s, a, _| make(s, a, &commitment("therapy", "")));
        assert!(matches!(
            c.attempt(c.involved, |s, a, _| update_status(
                s,
                a,
                k,
                &status("made", "")
            )),
            Err(Refusal::Invalid {
                field: "status",
                ..
            })
        ));
        assert_eq!(
            c.attempt(c.hurt, |s, a, _| update_status(
                s,
                a,
                k,
                &status("broken", "")
            )),
            Err(Refusal::NotAllowed(
                RepairAction::UpdateCommitment.refusal()
            ))
        );
        assert_eq!(
            c.attempt(c.involved, |s, a, _| update_status(
                s,
                a,
                EntryId(99),
                &status("kept", "")
            )),
            Err(Refusal::NotFound)
        );
    }

    #[test]
    fn the_hurt_partner_acknowledges_the_latest_news_once() {
        let mut c = World::new();
        let k = c.run(c.involved, |s, a, _| {
            make(s, a, &commitment("no_contact", ""))
        });
        assert_eq!(
            c.couple
                .commitments
                .awaiting_acknowledgement_by(&c.couple.space, c.hurt)
                .len(),
            1
        );
        c.run(c.hurt, |s, a, _| acknowledge(s, a, k));
        assert_eq!(
            c.attempt(c.hurt, |s, a, _| acknowledge(s, a, k)),
            Err(Refusal::Conflict("You have already seen the latest news."))
        );
        let broken = c.run(c.involved, |s, a, _| {
            update_status(s, a, k, &status("broken", "I answered her call."))
        });
        assert_eq!(
            c.attempt(c.hurt, |s, a, _| acknowledge(s, a, k)),
            Ok(CoupleEvent::Commitment(CommitmentEvent::Acknowledged {
                commitment: k,
                entry: broken
            }))
        );
        assert!(c
            .couple
            .commitments
            .awaiting_acknowledgement_by(&c.couple.space, c.involved)
            .is_empty());
        c.run(c.hurt, |s, a, _| acknowledge(s, a, k));
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
}
