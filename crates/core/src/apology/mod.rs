//! The apology: written by the involved partner in parts, owning what
//! happened before saying anything about why. The factors that influenced
//! them may be shared only after every ownership part is written.
//!
//! Drafts live in the form; only sent versions are events. Every version
//! sent stays in the record, numbered. The hurt partner answers the latest
//! one: received, not yet, or "I need more" (saying what). After "not yet" or
//! "I need more" a new version may follow. The coach (`crate::coach`) advises
//! on wording; it never stops an apology from being sent.

use crate::access::repair_rules::{self, RepairAction};
use crate::kernel::event::Meta;
use crate::kernel::ids::{EntryId, UserId};
use crate::kernel::refusal::Refusal;
use crate::kernel::text;
use crate::space::{Role, SpaceState};
use crate::streams::couple::{CoupleEvent, CoupleState};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

const MAX_PART: usize = 5_000;
const MAX_NEED: usize = 2_000;

/// The parts of one version, as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApologyParts {
    pub what_i_did: String,
    pub impact: String,
    pub responsibility: String,
    pub remorse: String,
    pub changes: String,
    pub repair: String,
    /// What influenced the author; only ever after they owned their part.
    pub factors: Option<String>,
}

/// The six ownership parts, in the order the form asks for them: the form
/// field name and its label.
pub const OWNERSHIP_PARTS: [(&str, &str); 6] = [
    ("what_i_did", "What I did"),
    ("impact", "The impact it had on you"),
    (
        "responsibility",
        "That it was my choice and my responsibility",
    ),
    ("remorse", "My remorse"),
    ("changes", "What I am changing"),
    ("repair", "How I will repair"),
];

pub const FACTORS_LABEL: &str = "What influenced me (only after owning my part)";

impl ApologyParts {
    /// The parts with their labels, in the order a page shows them; the
    /// factors come last and only when given.
    pub fn labelled(&self) -> Vec<(&'static str, &str)> {
        let owned = [
            &self.what_i_did,
            &self.impact,
            &self.responsibility,
            &self.remorse,
            &self.changes,
            &self.repair,
        ];
        let mut parts: Vec<(&'static str, &str)> = OWNERSHIP_PARTS
            .iter()
            .zip(owned)
            .map(|((_, label), text)| (*label, text.as_str()))
            .collect();
        if let Some(factors) = &self.factors {
            parts.push((FACTORS_LABEL, factors));
        }
        parts
    }
}

/// The choices of the answer form's `answer` field: code and label.
pub const ANSWERS: [(&str, &str); 3] = [
    ("received", "Received"),
    ("not_yet", "Not yet"),
    ("need_more", "I need more"),
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ApologyAnswer {
    Received,
    NotYet,
    NeedMore { what: String },
}

impl ApologyAnswer {
    pub fn label(&self) -> &'static str {
        match self {
            ApologyAnswer::Received => "Received",
            ApologyAnswer::NotYet => "Not yet",
            ApologyAnswer::NeedMore { .. } => "I need more",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ApologyEvent {
    /// A version is sent; its number is its place among the betrayal's
    /// versions.
    Sent {
        betrayal: EntryId,
        parts: ApologyParts,
    },
    Answered {
        version: EntryId,
        answer: ApologyAnswer,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApologyResponse {
    pub answer: ApologyAnswer,
    pub by: UserId,
    pub at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApologyVersion {
    pub id: EntryId,
    /// 1 for the first version sent for this betrayal.
    pub number: u32,
    pub author: UserId,
    pub sent_at: OffsetDateTime,
    pub parts: ApologyParts,
    pub response: Option<ApologyResponse>,
}

/// Where the latest version stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApologyStatus {
    AwaitingResponse,
    Received,
    NotYet,
    NeedMore,
}

/// Every version sent for one betrayal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Apology {
    pub betrayal: EntryId,
    /// Oldest first.
    pub versions: Vec<ApologyVersion>,
}

impl Apology {
    pub fn latest(&self) -> Option<&ApologyVersion> {
        self.versions.last()
    }

    pub fn version(&self, number: u32) -> Option<&ApologyVersion> {
        self.versions.iter().find(|v| v.number == number)
    }

    pub fn status(&self) -> ApologyStatus {
        match self.latest().and_then(|v| v.response.as_ref()) {
            None => ApologyStatus::AwaitingResponse,
            Some(response) => match response.answer {
                ApologyAnswer::Received => ApologyStatus::Received,
                ApologyAnswer::NotYet => ApologyStatus::NotYet,
                ApologyAnswer::NeedMore { .. } => ApologyStatus::NeedMore,
            },
        }
    }

    /// Whether the involved partner may send another version now.
    pub fn open_for_new_version(&self) -> bool {
        matches!(
            self.status(),
            ApologyStatus::NotYet | ApologyStatus::NeedMore
        )
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Apologies {
    /// One per betrayal, in the order the first version was sent.
    apologies: Vec<Apology>,
}

impl Apologies {
    pub fn apply(&mut self, meta: &Meta, event: &ApologyEvent) {
        match event {
            ApologyEvent::Sent { betrayal, parts } => {
                let index = match self.apologies.iter().position(|a| a.betrayal == *betrayal) {
                    Some(index) => index,
                    None => {
                        self.apologies.push(Apology {
                            betrayal: *betrayal,
                            versions: Vec::new(),
                        });
                        self.apologies.len() - 1
                    }
                };
                let apology = &mut self.apologies[index];
                let number = u32::try_from(apology.versions.len()).map_or(u32::MAX, |n| n + 1);
                apology.versions.push(ApologyVersion {
                    id: meta.entry(),
                    number,
                    author: meta.author,
                    sent_at: meta.at,
                    parts: parts.clone(),
                    response: None,
                });
            }
            ApologyEvent::Answered { version, answer } => {
                let found = self
                    .apologies
                    .iter_mut()
                    .flat_map(|a| a.versions.iter_mut())
                    .find(|v| v.id == *version);
                if let Some(version) = found {
                    version.response = Some(ApologyResponse {
                        answer: answer.clone(),
                        by: meta.author,
                        at: meta.at,
                    });
                }
            }
        }
    }

    pub fn all(&self) -> &[Apology] {
        &self.apologies
    }

    pub fn for_betrayal(&self, betrayal: EntryId) -> Option<&Apology> {
        self.apologies.iter().find(|a| a.betrayal == betrayal)
    }

    /// A version by its entry id, with the apology it belongs to.
    pub fn version(&self, id: EntryId) -> Option<(&Apology, &ApologyVersion)> {
        self.apologies
            .iter()
            .find_map(|a| a.versions.iter().find(|v| v.id == id).map(|v| (a, v)))
    }

    /// Apologies whose latest version waits for `me` to answer.
    pub fn waiting_for_response_from(&self, space: &SpaceState, me: UserId) -> Vec<&Apology> {
        self.apologies
            .iter()
            .filter(|a| a.status() == ApologyStatus::AwaitingResponse)
            .filter(|a| repair_rules::holds(space, me, a.betrayal, Role::Hurt))
            .collect()
    }

    /// Apologies where `me` was answered "not yet" or "I need more".
    pub fn open_for_new_version_by(&self, space: &SpaceState, me: UserId) -> Vec<&Apology> {
        self.apologies
            .iter()
            .filter(|a| a.open_for_new_version())
            .filter(|a| repair_rules::holds(space, me, a.betrayal, Role::Involved))
            .collect()
    }
}

/// The apology form, as posted.
#[derive(Debug, Clone, Default)]
pub struct ApologyInput {
    pub betrayal: String,
    pub what_i_did: String,
    pub impact: String,
    pub responsibility: String,
    pub remorse: String,
    pub changes: String,
    pub repair: String,
    pub factors: String,
}

impl ApologyInput {
    fn ownership(&self) -> [&str; 6] {
        [
            &self.what_i_did,
            &self.impact,
            &self.responsibility,
            &self.remorse,
            &self.changes,
            &self.repair,
        ]
    }

    /// The labels of the ownership parts still empty, in form order.
    pub fn missing_parts(&self) -> Vec<&'static str> {
        OWNERSHIP_PARTS
            .iter()
            .zip(self.ownership())
            .filter(|(_, text)| text.trim().is_empty())
            .map(|((_, label), _)| *label)
            .collect()
    }

    /// The coach's advice on the draft as typed. Advice only: it is never
    /// part of what `send` accepts or refuses.
    pub fn coach(&self) -> Vec<crate::coach::apology::PartFinding> {
        crate::coach::apology::review_parts(&crate::coach::apology::ApologyParts {
            what_i_did: self.what_i_did.clone(),
            impact: self.impact.clone(),
            responsibility: self.responsibility.clone(),
            remorse: self.remorse.clone(),
            changes: self.changes.clone(),
            repair: self.repair.clone(),
            factors: self.factors.clone(),
        })
    }

    /// Checks the parts without sending: the form can show the refusal
    /// while the person is still drafting.
    pub fn parts(&self) -> Result<ApologyParts, Refusal> {
        let missing = self.missing_parts();
        if !self.factors.trim().is_empty() && !missing.is_empty() {
            return Err(Refusal::invalid(
                "factors",
                format!(
                    "What influenced you can be shared once you have owned your part. \
                     Please write these first: {}.",
                    missing
                        .iter()
                        .map(|l| lowercase_first(l))
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
            ));
        }
        let owned = self.ownership();
        let part = |i: usize| text::required(OWNERSHIP_PARTS[i].0, owned[i], MAX_PART);
        Ok(ApologyParts {
            what_i_did: part(0)?,
            impact: part(1)?,
            responsibility: part(2)?,
            remorse: part(3)?,
            changes: part(4)?,
            repair: part(5)?,
            factors: text::optional("factors", &self.factors, MAX_PART)?,
        })
    }
}

/// A label inside a sentence: "What I am changing" becomes "what I am
/// changing" (the "I" keeps its capital).
fn lowercase_first(label: &str) -> String {
    let mut chars = label.chars();
    chars
        .next()
        .map(|first| first.to_lowercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The hurt partner's answer form: `answer` is `received`, `not_yet` or
/// `need_more`; `what` says what more is needed.
#[derive(Debug, Clone, Default)]
pub struct ApologyAnswerInput {
    pub answer: String,
    pub what: String,
}

impl ApologyAnswerInput {
    fn parse(&self) -> Result<ApologyAnswer, Refusal> {
        match self.answer.trim() {
            "received" => Ok(ApologyAnswer::Received),
            "not_yet" => Ok(ApologyAnswer::NotYet),
            "need_more" => {
                let what = text::required("what", &self.what, MAX_NEED).map_err(|_| {
                    Refusal::invalid("what", "Please say what more you need to hear.")
                })?;
                Ok(ApologyAnswer::NeedMore { what })
            }
            _ => Err(Refusal::invalid(
                "answer",
                "Please choose: received, not yet, or I need more.",
            )),
        }
    }
}

/// Checks a draft for the actor without sending it.
pub fn check_draft(
    state: &CoupleState,
    actor: UserId,
    input: &ApologyInput,
) -> Result<ApologyParts, Refusal> {
    let betrayal = repair_rules::choose_betrayal(&state.space, actor, &input.betrayal)?;
    repair_rules::authorize(&state.space, actor, betrayal, RepairAction::WriteApology)?;
    input.parts()
}

pub fn send(
    state: &CoupleState,
    actor: UserId,
    input: &ApologyInput,
) -> Result<CoupleEvent, Refusal> {
    let betrayal = repair_rules::choose_betrayal(&state.space, actor, &input.betrayal)?;
    repair_rules::authorize(&state.space, actor, betrayal, RepairAction::SendApology)?;
    if let Some(apology) = state.apology.for_betrayal(betrayal) {
        match apology.status() {
            ApologyStatus::AwaitingResponse => {
                return Err(Refusal::Conflict(
                    "Your partner has not answered the last version yet. \
                     A new version can follow their answer.",
                ))
            }
            ApologyStatus::Received => {
                return Err(Refusal::Conflict("Your partner has received your apology."))
            }
            ApologyStatus::NotYet | ApologyStatus::NeedMore => {}
        }
    }
    let parts = input.parts()?;
    Ok(CoupleEvent::Apology(ApologyEvent::Sent { betrayal, parts }))
}

pub fn answer(
    state: &CoupleState,
    actor: UserId,
    version: EntryId,
    input: &ApologyAnswerInput,
) -> Result<CoupleEvent, Refusal> {
    repair_rules::member(&state.space, actor)?;
    let (apology, sent) = state.apology.version(version).ok_or(Refusal::NotFound)?;
    repair_rules::authorize(
        &state.space,
        actor,
        apology.betrayal,
        RepairAction::RespondToApology,
    )?;
    if apology.latest().map(|v| v.id) != Some(version) {
        return Err(Refusal::Conflict(
            "A newer version has been sent since; please answer that one.",
        ));
    }
    if sent.response.is_some() {
        return Err(Refusal::Conflict("You have already answered this version."));
    }
    let answer = input.parse()?;
    Ok(CoupleEvent::Apology(ApologyEvent::Answered {
        version,
        answer,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_round_trip, World};

    pub(crate) fn full_apology() -> ApologyInput {
        ApologyInput {
            betrayal: String::new(),
            what_i_did: "I hid a relationship from you for a year.".to_owned(),
            impact: "You stopped trusting your own memory.".to_owned(),
            responsibility: "It was my choice, every time.".to_owned(),
            remorse: "I am deeply sorry.".to_owned(),
            changes: "I have ended all contact and I see a therapist.".to_owned(),
            repair: "I will answer every question you ask.".to_owned(),
            factors: String::new(),
        }
    }

    fn reply(answer: &str, what: &str) -> ApologyAnswerInput {
        ApologyAnswerInput {
            answer: answer.to_owned(),
            what: what.to_owned(),
        }
    }

    #[test]
    fn factors_are_refused_while_an_ownership_part_is_empty_and_the_message_names_it() {
        let c = World::new();
        let input = ApologyInput {
            remorse: "  ".to_owned(),
            repair: String::new(),
            factors: "I was lonely.".to_owned(),
            ..full_apology()
        };
        let refusal = c
            .attempt(c.involved, |s, a, _| send(s, a, &input))
            .unwrap_err();
        match refusal {
            Refusal::Invalid { field, message } => {
                assert_eq!(field, "factors");
                assert!(
                    message.contains("my remorse; how I will repair"),
                    "{message}"
                );
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(
            input.missing_parts(),
            vec!["My remorse", "How I will repair"]
        );
    }

    #[test]
    fn without_factors_each_empty_ownership_part_is_marked_on_its_own_field() {
        let input = ApologyInput {
            impact: String::new(),
            ..full_apology()
        };
        assert!(matches!(
            input.parts(),
            Err(Refusal::Invalid {
                field: "impact",
                ..
            })
        ));
    }

    #[test]
    fn factors_are_accepted_after_every_part_is_owned_and_come_last() {
        let mut c = World::new();
        let input = ApologyInput {
            factors: "I was drinking a lot that year.".to_owned(),
            ..full_apology()
        };
        let v = c.run(c.involved, |s, a, _| send(s, a, &input));
        let (_, version) = c.couple.apology.version(v).unwrap();
        let labelled = version.parts.labelled();
        assert_eq!(labelled.len(), 7);
        assert_eq!(
            labelled[0],
            ("What I did", "I hid a relationship from you for a year.")
        );
        assert_eq!(
            labelled[6],
            (FACTORS_LABEL, "I was drinking a lot that year.")
        );
    }

    #[test]
    fn coach_advice_never_stops_a_version_from_being_sent() {
        let mut c = World::new();
        let input = ApologyInput {
            remorse: "I'm sorry if you were hurt, but you pushed me away.".to_owned(),
            ..full_apology()
        };
        let advice = input.coach();
        assert!(advice.iter().any(|f| f.part == "remorse"), "{advice:?}");
        let v = c.run(c.involved, |s, a, _| send(s, a, &input));
        assert!(c.couple.apology.version(v).is_some());
    }

    #[test]
    fn a_draft_is_checked_without_becoming_an_event() {
        let c = World::new();
        let parts = check_draft(&c.couple, c.involved, &full_apology()).unwrap();
        assert_eq!(parts.factors, None);
        assert_eq!(
            check_draft(&c.couple, c.hurt, &full_apology()),
            Err(Refusal::NotAllowed(RepairAction::WriteApology.refusal()))
        );
        assert!(c.couple.apology.all().is_empty());
    }

    #[test]
    fn versions_are_numbered_and_a_new_one_follows_only_not_yet_or_need_more() {
        let mut c = World::new();
        let first = c.run(c.involved, |s, a, _| send(s, a, &full_apology()));
        assert_eq!(
            c.attempt(c.involved, |s, a, _| send(s, a, &full_apology())),
            Err(Refusal::Conflict(
                "Your partner has not answered the last version yet. \
                 A new version can follow their answer."
            ))
        );
        let waiting = c
            .couple
            .apology
            .waiting_for_response_from(&c.couple.space, c.hurt);
        assert_eq!(waiting.len(), 1);

        c.run(c.hurt, |s, a, _| answer(s, a, first, &reply("not_yet", "")));
        assert_eq!(
            c.couple
                .apology
                .open_for_new_version_by(&c.couple.space, c.involved)
                .len(),
            1
        );
        let second = c.run(c.involved, |s, a, _| send(s, a, &full_apology()));
        c.run(c.hurt, |s, a, _| {
            answer(
                s,
                a,
                second,
                &reply("need_more", "Say what you told her about me."),
            )
        });
        let third = c.run(c.involved, |s, a, _| send(s, a, &full_apology()));
        c.run(c.hurt, |s, a, _| {
            answer(s, a, third, &reply("received", ""))
        });

        let apology = c.couple.apology.for_betrayal(c.betrayal).unwrap();
        let numbers: Vec<_> = apology.versions.iter().map(|v| v.number).collect();
        assert_eq!(numbers, vec![1, 2, 3]);
        assert_eq!(
            apology
                .version(2)
                .and_then(|v| v.response.as_ref())
                .map(|r| &r.answer),
            Some(&ApologyAnswer::NeedMore {
                what: "Say what you told her about me.".to_owned()
            })
        );
        assert_eq!(apology.status(), ApologyStatus::Received);
        assert_eq!(
            c.attempt(c.involved, |s, a, _| send(s, a, &full_apology())),
            Err(Refusal::Conflict("Your partner has received your apology."))
        );
        assert!(c
            .couple
            .apology
            .waiting_for_response_from(&c.couple.space, c.hurt)
            .is_empty());
    }

    #[test]
    fn only_the_latest_version_is_answered_and_only_once() {
        let mut c = World::new();
        let first = c.run(c.involved, |s, a, _| send(s, a, &full_apology()));
        c.run(c.hurt, |s, a, _| answer(s, a, first, &reply("not_yet", "")));
        assert_eq!(
            c.attempt(c.hurt, |s, a, _| answer(
                s,
                a,
                first,
                &reply("received", "")
            )),
            Err(Refusal::Conflict("You have already answered this version."))
        );
        c.run(c.involved, |s, a, _| send(s, a, &full_apology()));
        assert_eq!(
            c.attempt(c.hurt, |s, a, _| answer(
                s,
                a,
                first,
                &reply("received", "")
            )),
            Err(Refusal::Conflict(
                "A newer version has been sent since; please answer that one."
            ))
        );
    }

    #[test]
    fn need_more_must_say_what_and_the_answer_must_be_one_of_three() {
        let mut c = World::new();
        let v = c.run(c.involved, |s, a, _| send(s, a, &full_apology()));
        assert!(matches!(
            c.attempt(c.hurt, |s, a, _| answer(s, a, v, &reply("need_more", " "))),
            Err(Refusal::Invalid { field: "what", .. })
        ));
        for (code, label) in ANSWERS {
            let parsed = reply(code, "More about the nights away.").parse().unwrap();
            assert_eq!(parsed.label(), label);
        }
        assert!(matches!(
            c.attempt(c.hurt, |s, a, _| answer(s, a, v, &reply("whatever", ""))),
            Err(Refusal::Invalid {
                field: "answer",
                ..
            })
        ));
        assert_eq!(
            c.attempt(c.involved, |s, a, _| answer(
                s,
                a,
                v,
                &reply("received", "")
            )),
            Err(Refusal::NotAllowed(
                RepairAction::RespondToApology.refusal()
            ))
        );
        assert_eq!(
            c.attempt(c.hurt, |s, a, _| answer(
                s,
                a,
                EntryId(99),
                &reply("received", "")
            )),
            Err(Refusal::NotFound)
        );
    }

    #[test]
    fn every_apology_event_survives_the_stored_json() {
        let parts = full_apology().parts().unwrap();
        assert_round_trip(
            &ApologyEvent::Sent {
                betrayal: EntryId(2),
                parts: ApologyParts {
                    factors: Some("f".to_owned()),
                    ..parts
                },
            },
            "sent",
        );
        for answer in [
            ApologyAnswer::Received,
            ApologyAnswer::NotYet,
            ApologyAnswer::NeedMore {
                what: "more".to_owned(),
            },
        ] {
            assert_round_trip(
                &ApologyEvent::Answered {
                    version: EntryId(4),
                    answer,
                },
                "answered",
            );
        }
        let json = serde_json::to_value(ApologyEvent::Answered {
            version: EntryId(4),
            answer: ApologyAnswer::NotYet,
        })
        .unwrap();
        assert_eq!(json["answer"]["kind"], "not_yet");
    }
}
