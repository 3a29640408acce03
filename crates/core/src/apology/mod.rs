//! The apology: written by the involved partner in parts, owning what
//! happened before saying anything about why. The factors that influenced
//! them may be shared only after every ownership part is written.
//!
//! Drafts live in the form; only sent versions are events. Every version
//! sent stays in the record, numbered. The hurt partner answers the latest
//! one: received, not yet, or "I need more" (saying what). After "not yet" or
//! "I need more" a new version may follow. The coach (`crate::coach`) advises
//! on wording; it never stops an apology from being sent.

mod commands;
mod events;
mod queries;
mod state;
#[cfg(test)]
pub(crate) mod tests;

pub use commands::*;
pub use events::*;
pub use queries::*;
pub use state::*;
