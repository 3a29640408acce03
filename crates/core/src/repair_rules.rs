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

use crate::ids::{EntryId, UserId};
use crate::refusal::Refusal;
use crate::space::{Role, SpaceState};
use time::{Duration, OffsetDateTime};

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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acknowledgement {
    pub by: UserId,
    pub at: OffsetDateTime,
    pub response: Option<String>,
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

/// Refuses anyone who is not one of the two partners.
pub fn member(space: &SpaceState, actor: UserId) -> Result<(), Refusal> {
    if space.is_member(actor) {
        Ok(())
    } else {
        Err(Refusal::NotAMember)
    }
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

/// How long something took, in the words a page shows ("3 hours").
/// Coarse on purpose: the record is about accountability, not a stopwatch.
pub fn plain_delay(delay: Duration) -> String {
    let minutes = delay.whole_minutes().max(0);
    let (count, unit) = if minutes < 1 {
        return "less than a minute".to_owned();
    } else if minutes < 60 {
        (minutes, "minute")
    } else if minutes < 60 * 24 {
        (minutes / 60, "hour")
    } else if minutes < 60 * 24 * 14 {
        (minutes / (60 * 24), "day")
    } else if minutes < 60 * 24 * 61 {
        (minutes / (60 * 24 * 7), "week")
    } else {
        (minutes / (60 * 24 * 30), "month")
    };
    if count == 1 {
        format!("1 {unit}")
    } else {
        format!("{count} {unit}s")
    }
}

/// Serde shapes for time values in stored events, spelled out so the JSON
/// stays the same whichever features of `time` the rest of the workspace
/// turns on.
pub(crate) mod json {
    use time::Weekday;

    time::serde::format_description!(pub(crate) iso_date, Date, "[year]-[month]-[day]");

    /// A weekday as its lowercase English name ("monday").
    pub(crate) mod weekday_option {
        use super::Weekday;
        use serde::{de::Error, Deserialize, Deserializer, Serialize, Serializer};

        pub(crate) fn serialize<S: Serializer>(
            day: &Option<Weekday>,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            day.map(crate::repair_rules::weekday_code)
                .serialize(serializer)
        }

        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Option<Weekday>, D::Error> {
            let raw: Option<String> = Option::deserialize(deserializer)?;
            raw.map(|code| {
                crate::repair_rules::parse_weekday(&code)
                    .ok_or_else(|| D::Error::custom(format!("unknown weekday {code:?}")))
            })
            .transpose()
        }
    }
}

const WEEKDAYS: [(time::Weekday, &str); 7] = [
    (time::Weekday::Monday, "monday"),
    (time::Weekday::Tuesday, "tuesday"),
    (time::Weekday::Wednesday, "wednesday"),
    (time::Weekday::Thursday, "thursday"),
    (time::Weekday::Friday, "friday"),
    (time::Weekday::Saturday, "saturday"),
    (time::Weekday::Sunday, "sunday"),
];

/// The form and storage code of a weekday ("monday").
pub fn weekday_code(day: time::Weekday) -> &'static str {
    WEEKDAYS
        .iter()
        .find(|(d, _)| *d == day)
        .map_or("monday", |(_, code)| code)
}

pub fn parse_weekday(code: &str) -> Option<time::Weekday> {
    WEEKDAYS
        .iter()
        .find(|(_, c)| c.eq_ignore_ascii_case(code.trim()))
        .map(|(d, _)| *d)
}

/// Given-when-then helpers shared by the repair rooms' tests.
#[cfg(test)]
pub(crate) mod given {
    use crate::couple::{CoupleEvent, CoupleState};
    use crate::event::Meta;
    use crate::ids::{EntryId, UserId};
    use crate::refusal::Refusal;
    use crate::space::{BetrayalKind, SpaceEvent};
    use time::macros::datetime;
    use time::{Duration, OffsetDateTime};
    use uuid::Uuid;

    /// A couple whose creator was hurt by the invitee, with a clock that
    /// tests move forward by hand.
    pub(crate) struct Couple {
        pub(crate) state: CoupleState,
        pub(crate) hurt: UserId,
        pub(crate) involved: UserId,
        pub(crate) stranger: UserId,
        pub(crate) betrayal: EntryId,
        pub(crate) now: OffsetDateTime,
    }

    pub(crate) fn user(n: u128) -> UserId {
        UserId(Uuid::from_u128(n))
    }

    impl Couple {
        pub(crate) fn new() -> Self {
            let mut couple = Couple {
                state: CoupleState::default(),
                hurt: user(1),
                involved: user(2),
                stranger: user(3),
                betrayal: EntryId(0),
                now: datetime!(2026-03-02 09:00 UTC),
            };
            couple.record(couple.hurt, CoupleEvent::Space(SpaceEvent::Created));
            couple.betrayal = couple.record(couple.hurt, betrayal(crate::space::Slot::Creator));
            couple.record(
                couple.involved,
                CoupleEvent::Space(SpaceEvent::PartnerJoined),
            );
            couple
        }

        /// Records another betrayal, pointing the other way: in it the
        /// couple's `hurt` user is the involved partner.
        pub(crate) fn with_second_betrayal_the_other_way(&mut self) -> EntryId {
            self.record(self.involved, betrayal(crate::space::Slot::Invitee))
        }

        /// Appends an event as the store would and returns the entry id it
        /// creates.
        pub(crate) fn record(&mut self, author: UserId, event: CoupleEvent) -> EntryId {
            let meta = Meta {
                seq: self.state.seq + 1,
                author,
                at: self.now,
            };
            self.state.apply(&meta, &event);
            meta.entry()
        }

        /// Runs a command that must succeed and records its event.
        pub(crate) fn run(
            &mut self,
            actor: UserId,
            command: impl FnOnce(&CoupleState, UserId, OffsetDateTime) -> Result<CoupleEvent, Refusal>,
        ) -> EntryId {
            let event = command(&self.state, actor, self.now)
                .unwrap_or_else(|refusal| panic!("command refused: {refusal:?}"));
            self.record(actor, event)
        }

        /// Runs a command without recording it.
        pub(crate) fn attempt(
            &self,
            actor: UserId,
            command: impl FnOnce(&CoupleState, UserId, OffsetDateTime) -> Result<CoupleEvent, Refusal>,
        ) -> Result<CoupleEvent, Refusal> {
            command(&self.state, actor, self.now)
        }

        pub(crate) fn advance(&mut self, by: Duration) {
            self.now += by;
        }
    }

    fn betrayal(hurt: crate::space::Slot) -> CoupleEvent {
        CoupleEvent::Space(SpaceEvent::BetrayalRecorded {
            kind: BetrayalKind::EmotionalAffair,
            hurt,
            discovered_on: None,
            note: None,
        })
    }

    /// Asserts that a value survives the JSON the store keeps, and that its
    /// `type` tag is the expected one.
    pub(crate) fn assert_round_trip<T>(value: &T, expected_type: &str)
    where
        T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
    {
        let json = serde_json::to_value(value).unwrap();
        assert_eq!(json["type"], expected_type, "{json}");
        let back: T = serde_json::from_value(json).unwrap();
        assert_eq!(&back, value);
    }
}
