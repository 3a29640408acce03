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
    /// Several fields are not acceptable: a form marks all of them at once,
    /// so nobody fixes one problem only to meet the next.
    #[error("{}", .0.first().map(|(_, message)| message.as_str()).unwrap_or_default())]
    InvalidFields(Vec<(&'static str, String)>),
}

/// Reads a form's fields one by one and keeps every field refusal, so one
/// answer can name them all. Any other refusal stops at once.
#[derive(Debug, Default)]
pub struct FieldChecks {
    found: Vec<(&'static str, String)>,
}

impl FieldChecks {
    /// The value when the field is acceptable; `None` when it was refused
    /// (and the refusal is kept).
    pub fn check<T>(&mut self, result: Result<T, Refusal>) -> Result<Option<T>, Refusal> {
        match result {
            Ok(value) => Ok(Some(value)),
            Err(Refusal::Invalid { field, message }) => {
                self.found.push((field, message));
                Ok(None)
            }
            Err(Refusal::InvalidFields(fields)) => {
                self.found.extend(fields);
                Ok(None)
            }
            Err(other) => Err(other),
        }
    }

    /// Every field refusal kept, as one refusal; `Ok` when there were none.
    pub fn finish(mut self) -> Result<(), Refusal> {
        match self.found.len() {
            0 => Ok(()),
            1 => {
                let (field, message) = self.found.remove(0);
                Err(Refusal::Invalid { field, message })
            }
            _ => Err(Refusal::InvalidFields(self.found)),
        }
    }
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
