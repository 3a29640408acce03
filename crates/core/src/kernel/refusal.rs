//! Why a command was refused. One type for every room so the web layer maps
//! refusals to pages in one place.

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Refusal {
    /// The actor is not a member of this couple space. The web layer shows it
    /// exactly like a missing page, so nobody learns that a space exists.
    #[error("not found")]
    NotAMember,
    /// The entry named does not exist (or is not visible to the actor).
    #[error("not found")]
    NotFound,
    /// The actor's role does not allow this step. The text is shown to them.
    #[error("{0}")]
    NotAllowed(&'static str),
    /// The input is not acceptable; `field` names the form field to mark.
    #[error("{message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    /// The step does not fit the entry's current state (already answered, …).
    #[error("{0}")]
    Conflict(&'static str),
}

impl Refusal {
    /// A step that does not fit the entry's state when `condition` holds.
    pub fn conflict_if(condition: bool, why: &'static str) -> Result<(), Refusal> {
        if condition {
            Err(Refusal::Conflict(why))
        } else {
            Ok(())
        }
    }

    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid {
            field,
            message: message.into(),
        }
    }
}
