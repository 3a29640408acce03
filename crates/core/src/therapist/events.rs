//! What the therapist room stores: a proposal, each partner's consent,
//! the therapist's acceptance, scopes narrowed or widened, and the end.

use crate::kernel::ids::EntryId;
use crate::kernel::listed::{by_code, listed_enum};
use serde::{Deserialize, Serialize};

listed_enum! {
    /// What a therapist may see, one part of the record each. Parked
    /// questions are always in: they wait for the therapist.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Scope {
        ParkedQuestions,
        CheckIns,
        Pulses,
        Reflections,
        Requests,
        Commitments,
        Apology,
        TruthLog,
    }
}

impl Scope {
    pub fn code(self) -> &'static str {
        match self {
            Scope::ParkedQuestions => "parked_questions",
            Scope::CheckIns => "check_ins",
            Scope::Pulses => "pulses",
            Scope::Reflections => "reflections",
            Scope::Requests => "requests",
            Scope::Commitments => "commitments",
            Scope::Apology => "apology",
            Scope::TruthLog => "truth_log",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Scope::ParkedQuestions => "Questions parked for therapy",
            Scope::CheckIns => "Check-ins marked for our therapist",
            Scope::Pulses => "Shared trust-pulse results",
            Scope::Reflections => "Reflections shared with my partner",
            Scope::Requests => "Requests and how reliably they are kept",
            Scope::Commitments => "Commitments and contact reports",
            Scope::Apology => "The apology as sent (never drafts)",
            Scope::TruthLog => "The truth log",
        }
    }

    pub fn parse(raw: &str) -> Option<Scope> {
        by_code(&Self::ALL, raw, Self::code)
    }
}

/// The therapist room's events in the couple stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TherapistEvent {
    /// A partner proposes a therapist, named as the couple calls them,
    /// with the scopes the proposer consents to.
    Proposed { name: String, scopes: Vec<Scope> },
    /// A partner's consent to the proposal, with the scopes they consent
    /// to; a scope is visible only where both consented.
    Consented {
        proposal: EntryId,
        scopes: Vec<Scope>,
    },
    /// The other partner says no to the proposal.
    Declined { proposal: EntryId },
    /// The therapist accepted with their own account (the event's author).
    Accepted { proposal: EntryId },
    /// Either partner narrows what the therapist sees, alone.
    Narrowed {
        proposal: EntryId,
        scopes: Vec<Scope>,
    },
    /// A partner asks to widen: the scopes they consent to now. The
    /// therapist sees a scope once both partners' consents hold it.
    Widened {
        proposal: EntryId,
        scopes: Vec<Scope>,
    },
    /// Either partner ends the therapist's access, at once and alone.
    Ended { proposal: EntryId },
}
