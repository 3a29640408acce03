//! What a check-in says, and the events that record it.

use crate::checkin::feelings::{Feeling, Intensity};
use crate::kernel::ids::EntryId;
use crate::kernel::listed::by_code;
use crate::kernel::refusal::Refusal;
use serde::{Deserialize, Serialize};

pub const MAX_FEELINGS: usize = 3;
pub const NOTE_MAX_CHARS: usize = 1000;
pub const OWN_WORDS_MAX_CHARS: usize = 280;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeltFeeling {
    pub feeling: Feeling,
    pub intensity: Intensity,
}

/// What a check-in says, wherever it is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckIn {
    pub feelings: Vec<FeltFeeling>,
    pub note: Option<String>,
}

/// Who may see a check-in, as the author chooses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    OnlyMe,
    Partner,
    PartnerAndTherapist,
}

impl Visibility {
    pub const ALL: [Visibility; 3] = [
        Visibility::OnlyMe,
        Visibility::Partner,
        Visibility::PartnerAndTherapist,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Visibility::OnlyMe => "only_me",
            Visibility::Partner => "partner",
            Visibility::PartnerAndTherapist => "partner_and_therapist",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Visibility::OnlyMe => "Only me",
            Visibility::Partner => "Me and my partner",
            Visibility::PartnerAndTherapist => "Me, my partner and our therapist",
        }
    }

    pub fn parse(raw: &str) -> Result<Visibility, Refusal> {
        by_code(&Self::ALL, raw, Self::code).ok_or_else(|| {
            Refusal::invalid("visibility", "Please choose who may see this check-in.")
        })
    }
}

/// The audience of a check-in in the couple stream. "Only me" has no
/// variant here: such a check-in cannot be written to the shared record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SharedWith {
    Partner,
    PartnerAndTherapist,
}

impl SharedWith {
    pub fn visibility(self) -> Visibility {
        match self {
            SharedWith::Partner => Visibility::Partner,
            SharedWith::PartnerAndTherapist => Visibility::PartnerAndTherapist,
        }
    }
}

/// The ready-made answers a partner can give with one tap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AckPreset {
    ThankYou,
    ImHere,
    WhenYoureReady,
}

impl AckPreset {
    pub const ALL: [AckPreset; 3] = [
        AckPreset::ThankYou,
        AckPreset::ImHere,
        AckPreset::WhenYoureReady,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AckPreset::ThankYou => "thank_you",
            AckPreset::ImHere => "im_here",
            AckPreset::WhenYoureReady => "when_youre_ready",
        }
    }

    pub fn text(self) -> &'static str {
        match self {
            AckPreset::ThankYou => "Thank you for telling me.",
            AckPreset::ImHere => "I'm here with you in this.",
            AckPreset::WhenYoureReady => "I'd like to hear more, whenever you're ready.",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Acknowledgement {
    Preset(AckPreset),
    OwnWords(String),
}

impl Acknowledgement {
    pub fn text(&self) -> &str {
        match self {
            Acknowledgement::Preset(p) => p.text(),
            Acknowledgement::OwnWords(words) => words,
        }
    }
}

/// Check-in events in the couple stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CheckInEvent {
    Shared {
        check_in: CheckIn,
        with: SharedWith,
    },
    Acknowledged {
        check_in: EntryId,
        acknowledgement: Acknowledgement,
    },
}

/// Check-in events in the author's private stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PrivateCheckInEvent {
    Kept { check_in: CheckIn },
}
