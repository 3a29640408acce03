//! Rules shared by the repair rooms (truth log, apology, requests,
//! commitments, contact reports): which betrayal an entry belongs to, and who
//! may take which step.
//!
//! Every repair entry belongs to one betrayal, and a person's role is read in
//! THAT betrayal: a couple may have recorded betrayals pointing both ways, so
//! "the hurt partner" only means something per betrayal. A form's `betrayal`
//! field may stay empty while the couple has recorded exactly one betrayal;
//! once there are several, the person must choose.
//!
//! Every command checks membership before anything else, so a stranger learns
//! nothing, not even whether an entry exists.

use crate::kernel::event::Meta;
use crate::kernel::ids::{EntryId, UserId};
use crate::kernel::refusal::Refusal;
use crate::kernel::text::Field;
use crate::space::{Role, SpaceState};
use serde::Deserialize;
use time::OffsetDateTime;

/// Every step of the repair work that depends on a person's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RepairAction {
    /// Truth log: volunteer a disclosure.
    Volunteer,
    /// Truth log: ask a question.
    Ask,
    /// Truth log: answer a question.
    Answer,
    /// Truth log: "I read this", on a disclosure, an answer or a correction.
    Acknowledge,
    /// Truth log: keep a question for the joint therapy session.
    Park,
    /// Truth log: bring a parked question back home.
    Unpark,
    /// Truth log: correct a disclosure, an answer or an earlier correction.
    Correct,
    /// Apology: fill in the parts (the form's draft).
    WriteApology,
    /// Apology: send a version.
    SendApology,
    /// Apology: received / not yet / I need more.
    RespondToApology,
    /// Requests: ask for a specific, observable behaviour.
    MakeRequest,
    /// Requests: accept a request or propose an alternative.
    RespondToRequest,
    /// Requests: accept or decline a proposed alternative.
    RespondToAlternative,
    PauseRequest,
    ResumeRequest,
    RetireRequest,
    /// Requests: "I did it".
    LogFulfilment,
    /// Requests: "I saw it".
    ConfirmFulfilment,
    MakeCommitment,
    UpdateCommitment,
    /// Commitments: "I have seen this news".
    AcknowledgeCommitment,
    ReportContact,
    AcknowledgeContact,
}

/// "I read this", optionally with words back.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Acknowledgement {
    pub by: UserId,
    pub at: OffsetDateTime,
    pub response: Option<String>,
}

/// Words back with an acknowledgement.
const RESPONSE: Field = Field::new("response", 2_000);

/// "I read this", as posted: optional words back to the partner who wrote
/// the entry.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AcknowledgementInput {
    pub response: String,
}

impl AcknowledgementInput {
    /// The words back, trimmed; `None` when there are none.
    pub fn response(&self) -> Result<Option<String>, Refusal> {
        RESPONSE.optional(&self.response)
    }
}

impl Acknowledgement {
    /// The acknowledgement an event records, by its author.
    pub fn new(meta: &Meta, response: &Option<String>) -> Self {
        Acknowledgement {
            by: meta.author,
            at: meta.at,
            response: response.clone(),
        }
    }
}

/// Which role in the entry's betrayal may take a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    Hurt,
    Involved,
    Either,
}

impl RepairAction {
    pub const ALL: [RepairAction; 23] = [
        RepairAction::Volunteer,
        RepairAction::Ask,
        RepairAction::Answer,
        RepairAction::Acknowledge,
        RepairAction::Park,
        RepairAction::Unpark,
        RepairAction::Correct,
        RepairAction::WriteApology,
        RepairAction::SendApology,
        RepairAction::RespondToApology,
        RepairAction::MakeRequest,
        RepairAction::RespondToRequest,
        RepairAction::RespondToAlternative,
        RepairAction::PauseRequest,
        RepairAction::ResumeRequest,
        RepairAction::RetireRequest,
        RepairAction::LogFulfilment,
        RepairAction::ConfirmFulfilment,
        RepairAction::MakeCommitment,
        RepairAction::UpdateCommitment,
        RepairAction::AcknowledgeCommitment,
        RepairAction::ReportContact,
        RepairAction::AcknowledgeContact,
    ];

    /// The one place that says who may take each step.
    ///
    /// The involved partner carries the accountability work (telling,
    /// answering, correcting, apologising, doing, reporting); the hurt
    /// partner asks, receives and acknowledges. Either partner may park a
    /// question for therapy (either may feel a talk needs holding) and may
    /// pause or retire a request (either may find it no longer helps).
    /// Unparking belongs to the hurt partner because only they ask questions:
    /// the person who asked decides when they want the answer at home.
    pub fn who(self) -> Who {
        use RepairAction::*;
        match self {
            Volunteer | Answer | Correct | WriteApology | SendApology | RespondToRequest
            | LogFulfilment | MakeCommitment | UpdateCommitment | ReportContact => Who::Involved,
            Ask
            | Acknowledge
            | Unpark
            | RespondToApology
            | MakeRequest
            | RespondToAlternative
            | ConfirmFulfilment
            | AcknowledgeCommitment
            | AcknowledgeContact => Who::Hurt,
            Park | PauseRequest | ResumeRequest | RetireRequest => Who::Either,
        }
    }

    pub fn allows(self, role: Role) -> bool {
        match self.who() {
            Who::Either => true,
            Who::Hurt => role == Role::Hurt,
            Who::Involved => role == Role::Involved,
        }
    }

    /// What a person is told when their role does not allow the step.
    pub fn refusal(self) -> &'static str {
        use RepairAction::*;
        match self {
            Volunteer => "Disclosures are volunteered by the involved partner in this betrayal.",
            Ask => "Questions are asked by the hurt partner in this betrayal.",
            Answer => "Questions are answered by the involved partner in this betrayal.",
            Acknowledge => "Entries are acknowledged by the hurt partner in this betrayal.",
            Unpark => "Only the partner who asked this question can bring it back home.",
            Correct => "Corrections are written by the involved partner, who wrote the entry.",
            WriteApology | SendApology => {
                "The apology is written by the involved partner in this betrayal."
            }
            RespondToApology => "The hurt partner in this betrayal answers the apology.",
            MakeRequest => "Requests are made by the hurt partner in this betrayal.",
            RespondToRequest => {
                "The involved partner answers a request: accepting it or proposing an alternative."
            }
            RespondToAlternative => "The hurt partner answers a proposed alternative.",
            LogFulfilment => "The involved partner logs each time a request was done.",
            ConfirmFulfilment => "The hurt partner confirms what they saw.",
            MakeCommitment | UpdateCommitment => {
                "Commitments are made and updated by the involved partner in this betrayal."
            }
            AcknowledgeCommitment => "The hurt partner acknowledges news about a commitment.",
            ReportContact => {
                "Contact reports are written by the involved partner in this betrayal."
            }
            AcknowledgeContact => "The hurt partner acknowledges a contact report.",
            // Either partner may take these steps, so nobody is refused them
            // for their role.
            Park | PauseRequest | ResumeRequest | RetireRequest => "",
        }
    }
}

/// Refuses anyone who is not one of the two partners, and everyone once
/// the space has ended: the one check every partner's step passes, so
/// every `can_*` answers no in an ended space.
pub fn member(space: &SpaceState, actor: UserId) -> Result<(), Refusal> {
    if space.is_member(actor) {
        space.check_open()
    } else {
        Err(Refusal::NotAMember)
    }
}

/// Whether `actor` may add anything to the space now: one of the partners,
/// while it is open. The `can_*` of every first step that asks nothing
/// more than [`member`] (a check-in, a pulse, a plan, a ritual, a meeting
/// time, a step of one's own), so its form shows exactly when the command
/// would take it.
pub fn can_add(space: &SpaceState, actor: UserId) -> bool {
    member(space, actor).is_ok()
}

/// The actor's role in `betrayal`, if the action is theirs to take.
pub fn authorize(
    space: &SpaceState,
    actor: UserId,
    betrayal: EntryId,
    action: RepairAction,
) -> Result<Role, Refusal> {
    member(space, actor)?;
    let betrayal = space.betrayal(betrayal).ok_or(Refusal::NotFound)?;
    let role = space.role_in(actor, betrayal).ok_or(Refusal::NotAMember)?;
    if action.allows(role) {
        Ok(role)
    } else {
        Err(Refusal::NotAllowed(action.refusal()))
    }
}

/// Whether a page should offer the step at all.
pub fn may(space: &SpaceState, actor: UserId, betrayal: EntryId, action: RepairAction) -> bool {
    authorize(space, actor, betrayal, action).is_ok()
}

/// Whether `user` holds `role` in `betrayal` (for "waiting for me" lists).
pub fn holds(space: &SpaceState, user: UserId, betrayal: EntryId, role: Role) -> bool {
    space
        .betrayal(betrayal)
        .and_then(|b| space.role_in(user, b))
        .is_some_and(|r| r == role)
}

/// The betrayal a first step names in its form (see `choose_betrayal`),
/// when `action` is the actor's to take in it.
pub fn choose_for(
    space: &SpaceState,
    actor: UserId,
    named: &str,
    action: RepairAction,
) -> Result<EntryId, Refusal> {
    let betrayal = choose_betrayal(space, actor, named)?;
    authorize(space, actor, betrayal, action)?;
    Ok(betrayal)
}

/// The betrayal a new entry belongs to, from the form's `betrayal` field.
pub fn choose_betrayal(space: &SpaceState, actor: UserId, raw: &str) -> Result<EntryId, Refusal> {
    member(space, actor)?;
    let raw = raw.trim();
    if raw.is_empty() {
        return match space.betrayals.as_slice() {
            [only] => Ok(only.id),
            [] => Err(Refusal::invalid(
                "betrayal",
                "Please record what happened first, so this has a place to belong.",
            )),
            _ => Err(Refusal::invalid(
                "betrayal",
                "Please choose which of the things that happened this is about.",
            )),
        };
    }
    raw.parse::<u64>()
        .ok()
        .map(EntryId)
        .filter(|id| space.betrayal(*id).is_some())
        .ok_or_else(|| {
            Refusal::invalid(
                "betrayal",
                "Please choose which of the things that happened this is about.",
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::room::Acting;
    use crate::streams::couple::CoupleState;
    use crate::testing::{refused_field, step, World};
    use crate::{apology, commitments, contact, requests, truth};

    /// A couple with two betrayals in the same direction and one entry of
    /// every kind, each in the state where the step tested on it is
    /// possible. Entries that must be fresh (a first apology, a new
    /// commitment) go to the first betrayal; the rest live in the second.
    struct Setting {
        couple: World,
        first: String,
        disclosure: EntryId,
        open_question: EntryId,
        parked_question: EntryId,
        apology_version: EntryId,
        new_request: EntryId,
        request_with_alternative: EntryId,
        running_request: EntryId,
        /// Agreed and not yet done today: a day counts once.
        request_not_done_today: EntryId,
        paused_request: EntryId,
        fulfilment: EntryId,
        commitment: EntryId,
        contact_report: EntryId,
    }

    fn world() -> Setting {
        let mut c = World::new();
        let first = c.betrayal.0.to_string();
        let second = c.with_second_betrayal_the_same_way().0.to_string();
        let in_second = |text: &str| truth::QuestionInput {
            betrayal: second.clone(),
            text: text.to_owned(),
        };
        let disclosure = c.run(c.involved, |s, a, n| {
            truth::volunteer(
                &s.space,
                a,
                n,
                &truth::DisclosureInput {
                    betrayal: second.clone(),
                    text: "I told her about us.".to_owned(),
                    refers_to: String::new(),
                },
            )
        });
        let open_question = c.run(c.hurt, |s, a, _| {
            truth::ask(&s.space, a, &in_second("Who knew?"))
        });
        let parked_question = c.run(c.hurt, |s, a, _| {
            truth::ask(&s.space, a, &in_second("Where?"))
        });
        c.run(c.hurt, |s, a, _| {
            truth::park(Acting::new(&s.space, &s.truth, a), parked_question)
        });
        let apology_version = c.run(c.involved, |s, a, _| {
            apology::send(
                Acting::new(&s.space, &s.apology, a),
                &apology::ApologyInput {
                    betrayal: second.clone(),
                    ..crate::testing::full_apology()
                },
            )
        });
        let daily = || requests::RequestInput {
            betrayal: second.clone(),
            what: "Text me when you leave work".to_owned(),
            when: requests::FrequencyInput {
                frequency: "daily".to_owned(),
                ..Default::default()
            },
        };
        let new_request = c.run(c.hurt, |s, a, n| requests::make(&s.space, a, n, &daily()));
        let request_with_alternative =
            c.run(c.hurt, |s, a, n| requests::make(&s.space, a, n, &daily()));
        c.run(c.involved, |s, a, n| {
            requests::propose_alternative(
                Acting::new(&s.space, &s.requests, a),
                n,
                request_with_alternative,
                &alternative(),
            )
        });
        let running_request = c.run(c.hurt, |s, a, n| requests::make(&s.space, a, n, &daily()));
        c.run(c.involved, |s, a, _| {
            requests::accept(Acting::new(&s.space, &s.requests, a), running_request)
        });
        let request_not_done_today =
            c.run(c.hurt, |s, a, n| requests::make(&s.space, a, n, &daily()));
        c.run(c.involved, |s, a, _| {
            requests::accept(
                Acting::new(&s.space, &s.requests, a),
                request_not_done_today,
            )
        });
        let paused_request = c.run(c.hurt, |s, a, n| requests::make(&s.space, a, n, &daily()));
        c.run(c.involved, |s, a, _| {
            requests::accept(Acting::new(&s.space, &s.requests, a), paused_request)
        });
        c.run(c.hurt, |s, a, _| {
            requests::pause(
                Acting::new(&s.space, &s.requests, a),
                paused_request,
                &reason(),
            )
        });
        let fulfilment = c.run(c.involved, |s, a, n| {
            requests::log_fulfilment(
                Acting::new(&s.space, &s.requests, a),
                n,
                running_request,
                &Default::default(),
            )
        });
        let commitment = c.run(c.involved, |s, a, _| {
            commitments::make(
                Acting::new(&s.space, &s.commitments, a),
                &commitments::CommitmentInput {
                    betrayal: second.clone(),
                    kind: "no_contact".to_owned(),
                    details: String::new(),
                },
            )
        });
        let contact_report = c.run(c.involved, |s, a, n| {
            contact::report(
                &s.space,
                a,
                n,
                &contact::ContactReportInput {
                    betrayal: second.clone(),
                    ..contact_input()
                },
            )
        });
        Setting {
            couple: c,
            first,
            disclosure,
            open_question,
            parked_question,
            apology_version,
            new_request,
            request_with_alternative,
            running_request,
            request_not_done_today,
            paused_request,
            fulfilment,
            commitment,
            contact_report,
        }
    }

    fn alternative() -> requests::AlternativeInput {
        requests::AlternativeInput {
            what: "Text me when I leave work".to_owned(),
            when: requests::FrequencyInput {
                frequency: "weekly".to_owned(),
                times_per_week: "5".to_owned(),
                ..Default::default()
            },
        }
    }

    fn reason() -> requests::ReasonInput {
        requests::ReasonInput {
            reason: "We are apart this week.".to_owned(),
        }
    }

    fn contact_input() -> contact::ContactReportInput {
        contact::ContactReportInput {
            betrayal: String::new(),
            happened_at: time::macros::datetime!(2026-03-01 20:00 UTC),
            channel: "call".to_owned(),
            what_was_said: "She wanted to talk.".to_owned(),
            how_i_responded: "I said no and hung up.".to_owned(),
        }
    }

    fn text_input(text: &str) -> truth::AnswerInput {
        truth::AnswerInput {
            text: text.to_owned(),
        }
    }

    /// A full apology in the first betrayal.
    fn full_apology_in(w: &Setting) -> apology::ApologyInput {
        let betrayal = w.first.clone();
        apology::ApologyInput {
            betrayal,
            ..crate::testing::full_apology()
        }
    }

    fn apology_answer(answer: &str) -> apology::ApologyAnswerInput {
        let answer = answer.to_owned();
        apology::ApologyAnswerInput {
            answer,
            what: String::new(),
        }
    }

    fn alternative_answer(answer: &str) -> requests::AlternativeAnswerInput {
        let answer = answer.to_owned();
        requests::AlternativeAnswerInput {
            answer,
            note: String::new(),
        }
    }

    fn commitment_status(status: &str) -> commitments::StatusInput {
        let status = status.to_owned();
        commitments::StatusInput {
            status,
            note: String::new(),
        }
    }

    /// One command, run by `actor` against the world.
    type Step = fn(&Setting, UserId) -> Result<(), Refusal>;

    impl Setting {
        /// What `command` says when `actor` tries it here.
        fn by<E>(
            &self,
            actor: UserId,
            command: impl FnOnce(&CoupleState, UserId, OffsetDateTime) -> Result<E, Refusal>,
        ) -> Result<(), Refusal> {
            self.couple.attempt(actor, command).map(drop)
        }
    }

    /// Every command of the repair rooms, with the action it stands for and
    /// who may take it, written out here independently of `who()`.
    fn table() -> Vec<(RepairAction, Who, Step)> {
        use RepairAction::*;
        vec![
            (Volunteer, Who::Involved, |w, actor| {
                let input = truth::DisclosureInput {
                    betrayal: w.first.clone(),
                    text: "More.".to_owned(),
                    refers_to: String::new(),
                };
                w.by(actor, step!(space: truth::volunteer @now(&input)))
            }),
            (Ask, Who::Hurt, |w, actor| {
                let text = "Why?".to_owned();
                let input = truth::QuestionInput {
                    betrayal: w.first.clone(),
                    text,
                };
                w.by(actor, step!(space: truth::ask(&input)))
            }),
            (Answer, Who::Involved, |w, actor| {
                let (question, input) = (w.open_question, text_input("Because."));
                w.by(actor, step!(truth: truth::answer(question, &input)))
            }),
            (Acknowledge, Who::Hurt, |w, actor| {
                let (entry, input) = (w.disclosure, Default::default());
                w.by(actor, step!(truth: truth::acknowledge(entry, &input)))
            }),
            (Park, Who::Either, |w, actor| {
                w.by(actor, step!(truth: truth::park(w.open_question)))
            }),
            (Unpark, Who::Hurt, |w, actor| {
                w.by(actor, step!(truth: truth::unpark(w.parked_question)))
            }),
            (Correct, Who::Involved, |w, actor| {
                let input = truth::CorrectionInput {
                    text: "It was twice.".to_owned(),
                };
                w.by(actor, step!(truth: truth::correct(w.disclosure, &input)))
            }),
            (WriteApology, Who::Involved, |w, actor| {
                let input = full_apology_in(w);
                apology::check_draft(&w.couple.couple.space, actor, &input).map(drop)
            }),
            (SendApology, Who::Involved, |w, actor| {
                let input = full_apology_in(w);
                w.by(actor, step!(apology: apology::send(&input)))
            }),
            (RespondToApology, Who::Hurt, |w, actor| {
                let (version, input) = (w.apology_version, apology_answer("received"));
                w.by(actor, step!(apology: apology::answer(version, &input)))
            }),
            (MakeRequest, Who::Hurt, |w, actor| {
                let input = requests::RequestInput {
                    betrayal: w.first.clone(),
                    what: "Call me at lunch".to_owned(),
                    when: requests::FrequencyInput {
                        frequency: "daily".to_owned(),
                        ..Default::default()
                    },
                };
                w.by(actor, step!(space: requests::make @now(&input)))
            }),
            (RespondToRequest, Who::Involved, |w, actor| {
                w.by(actor, step!(requests: requests::accept(w.new_request)))
            }),
            (RespondToRequest, Who::Involved, |w, actor| {
                let (request, offer) = (w.new_request, alternative());
                w.by(
                    actor,
                    step!(requests: requests::propose_alternative @now(request, &offer)),
                )
            }),
            (RespondToAlternative, Who::Hurt, |w, actor| {
                let (request, input) = (w.request_with_alternative, alternative_answer("decline"));
                w.by(
                    actor,
                    step!(requests: requests::answer_alternative(request, &input)),
                )
            }),
            (PauseRequest, Who::Either, |w, actor| {
                let (request, why) = (w.running_request, reason());
                w.by(actor, step!(requests: requests::pause(request, &why)))
            }),
            (ResumeRequest, Who::Either, |w, actor| {
                w.by(actor, step!(requests: requests::resume(w.paused_request)))
            }),
            (RetireRequest, Who::Either, |w, actor| {
                let (request, why) = (w.running_request, reason());
                w.by(actor, step!(requests: requests::retire(request, &why)))
            }),
            (LogFulfilment, Who::Involved, |w, actor| {
                let (request, done) = (w.request_not_done_today, Default::default());
                w.by(
                    actor,
                    step!(requests: requests::log_fulfilment @now(request, &done)),
                )
            }),
            (ConfirmFulfilment, Who::Hurt, |w, actor| {
                let fulfilment = w.fulfilment;
                w.by(
                    actor,
                    step!(requests: requests::confirm_fulfilment(fulfilment)),
                )
            }),
            (MakeCommitment, Who::Involved, |w, actor| {
                let input = commitments::CommitmentInput {
                    betrayal: w.first.clone(),
                    kind: "therapy".to_owned(),
                    details: String::new(),
                };
                w.by(actor, step!(commitments: commitments::make(&input)))
            }),
            (UpdateCommitment, Who::Involved, |w, actor| {
                let (commitment, input) = (w.commitment, commitment_status("kept"));
                w.by(
                    actor,
                    step!(commitments: commitments::update_status(commitment, &input)),
                )
            }),
            (AcknowledgeCommitment, Who::Hurt, |w, actor| {
                let commitment = w.commitment;
                w.by(
                    actor,
                    step!(commitments: commitments::acknowledge(commitment)),
                )
            }),
            (ReportContact, Who::Involved, |w, actor| {
                let input = contact::ContactReportInput {
                    betrayal: w.first.clone(),
                    ..contact_input()
                };
                w.by(actor, step!(space: contact::report @now(&input)))
            }),
            (AcknowledgeContact, Who::Hurt, |w, actor| {
                let (report, input) = (w.contact_report, Default::default());
                w.by(actor, step!(contact: contact::acknowledge(report, &input)))
            }),
        ]
    }

    #[test]
    fn every_step_is_allowed_to_exactly_its_role_and_never_to_a_stranger() {
        let w = world();
        let c = &w.couple;
        let rows = table();
        for action in RepairAction::ALL {
            assert!(
                rows.iter().any(|(a, _, _)| *a == action),
                "{action:?} has no row in the table"
            );
        }
        for (action, who, step) in &rows {
            assert_eq!(action.who(), *who, "{action:?}");
            let run = |actor| step(&w, actor);
            let refused = Err(Refusal::NotAllowed(action.refusal()));
            let (hurt, involved) = match who {
                Who::Hurt => (Ok(()), refused),
                Who::Involved => (refused, Ok(())),
                Who::Either => (Ok(()), Ok(())),
            };
            assert_eq!(run(c.hurt), hurt, "{action:?} by the hurt partner");
            assert_eq!(
                run(c.involved),
                involved,
                "{action:?} by the involved partner"
            );
            assert_eq!(
                run(c.stranger),
                Err(Refusal::NotAMember),
                "{action:?} by a stranger"
            );
        }
    }

    #[test]
    fn the_rule_table_reads_roles_per_betrayal() {
        let mut c = World::new();
        let reversed = c.with_second_betrayal_the_other_way();
        assert!(may(&c.couple.space, c.hurt, c.betrayal, RepairAction::Ask));
        assert!(!may(&c.couple.space, c.hurt, reversed, RepairAction::Ask));
        assert!(may(
            &c.couple.space,
            c.involved,
            reversed,
            RepairAction::Ask
        ));
        assert_eq!(
            authorize(&c.couple.space, c.stranger, EntryId(999), RepairAction::Ask),
            Err(Refusal::NotAMember)
        );
        assert_eq!(
            authorize(&c.couple.space, c.hurt, EntryId(999), RepairAction::Ask),
            Err(Refusal::NotFound)
        );
        assert!(holds(&c.couple.space, c.hurt, reversed, Role::Involved));
        for action in RepairAction::ALL {
            let message = action.refusal();
            assert_eq!(
                message.is_empty(),
                action.who() == Who::Either,
                "{action:?} needs a refusal message exactly when someone can be refused"
            );
        }
    }

    #[test]
    fn the_betrayal_field_defaults_only_when_there_is_one() {
        let mut c = World::new();
        let space = |c: &World| c.couple.space.clone();
        assert_eq!(choose_betrayal(&space(&c), c.hurt, " "), Ok(c.betrayal));
        assert_eq!(
            choose_betrayal(&space(&c), c.stranger, ""),
            Err(Refusal::NotAMember)
        );
        let second = c.with_second_betrayal_the_other_way();
        assert_eq!(
            refused_field(choose_betrayal(&space(&c), c.hurt, "")),
            "betrayal"
        );
        assert_eq!(
            choose_betrayal(&space(&c), c.hurt, &second.0.to_string()),
            Ok(second)
        );
        assert_eq!(
            refused_field(choose_betrayal(&space(&c), c.hurt, "abc")),
            "betrayal"
        );
    }
}
