//! The truth log: the involved partner volunteers disclosures and answers
//! the hurt partner's questions; the hurt partner acknowledges what they
//! read. Nothing is edited in place: a correction is a new entry linked to
//! the one it corrects, and the log keeps both, with how long the correction
//! took to come.
//!
//! A question may be parked for the joint therapy session by either partner:
//! details can hurt more than they help, and a therapist can hold that talk.
//! A parked question is not answered at home until the partner who asked it
//! brings it back.

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
