//! What the readiness room stores: the shared list's proposals and
//! answers (couple stream), and each person's own marks (private stream).

use crate::kernel::ids::EntryId;
use crate::kernel::listed::listed_enum;
use serde::{Deserialize, Serialize};

listed_enum! {
    /// The usual steps, in the order a couple often meets them. The codes
    /// are the serde names and are stable forever.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Step {
        AffectionateTouch,
        SameBed,
        SexualIntimacy,
        TalkingDetails,
        TellingFamily,
        TellingFriends,
        GoingOut,
        TripTogether,
    }
}

impl Step {
    pub fn code(self) -> &'static str {
        match self {
            Step::AffectionateTouch => "affectionate_touch",
            Step::SameBed => "same_bed",
            Step::SexualIntimacy => "sexual_intimacy",
            Step::TalkingDetails => "talking_details",
            Step::TellingFamily => "telling_family",
            Step::TellingFriends => "telling_friends",
            Step::GoingOut => "going_out",
            Step::TripTogether => "trip_together",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Step::AffectionateTouch => "Affectionate touch: a hug, holding hands",
            Step::SameBed => "Sleeping in the same bed",
            Step::SexualIntimacy => "Sexual intimacy",
            Step::TalkingDetails => "Talking about the details of what happened",
            Step::TellingFamily => "Telling family",
            Step::TellingFriends => "Telling friends",
            Step::GoingOut => "Going out as a couple",
            Step::TripTogether => "A trip together",
        }
    }

    pub fn from_code(code: &str) -> Option<Step> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// A step on the couple's list: one of the usual ones, or one a partner
/// proposed (named by the proposal's entry) and the other accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepRef {
    Usual(Step),
    Proposed(EntryId),
}

impl StepRef {
    /// The step's name in a form: a usual step's code, or `proposed-<id>`.
    pub fn code(self) -> String {
        match self {
            StepRef::Usual(step) => step.code().to_owned(),
            StepRef::Proposed(id) => format!("proposed-{id}"),
        }
    }

    pub fn from_code(code: &str) -> Option<StepRef> {
        match code.strip_prefix("proposed-") {
            Some(id) => id.parse().ok().map(|id| StepRef::Proposed(EntryId(id))),
            None => Step::from_code(code).map(StepRef::Usual),
        }
    }
}

listed_enum! {
    /// How a person feels about a step, for now. The codes are the serde
    /// names and are stable forever.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Mark {
        Ready,
        NotYet,
        NotSure,
    }
}

impl Mark {
    pub fn code(self) -> &'static str {
        match self {
            Mark::Ready => "ready",
            Mark::NotYet => "not_yet",
            Mark::NotSure => "not_sure",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Mark::Ready => "Ready",
            Mark::NotYet => "Not yet",
            Mark::NotSure => "Not sure",
        }
    }

    pub fn from_code(code: &str) -> Option<Mark> {
        Self::ALL.into_iter().find(|m| m.code() == code)
    }
}

/// The shared list of steps (couple stream).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ReadinessEvent {
    /// A partner proposes a step of their own; the event's entry names it.
    Proposed { name: String },
    /// The other partner takes it into the list.
    Accepted { proposal: EntryId },
    /// The other partner leaves it out.
    Declined { proposal: EntryId },
    /// Its proposer takes it back before it is answered.
    Withdrawn { proposal: EntryId },
}

/// One person's own mark on a step (their private stream).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ReadinessMarkEvent {
    Marked { step: StepRef, mark: Mark },
}
