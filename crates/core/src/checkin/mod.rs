//! Check-ins: filling a partner in on one's emotional landscape.
//!
//! A person picks one to three feelings from the vocabulary, says how strong
//! each is, may add a note, and chooses who may see it. "Only me" check-ins
//! go to the author's private stream; the others go to the couple stream,
//! where the partner may answer once with a short acknowledgement. Nothing
//! here scores or judges a check-in.

mod commands;
mod events;
pub mod feelings;
mod queries;
mod state;
#[cfg(test)]
pub(crate) mod tests;

pub use commands::*;
pub use events::*;
pub use queries::*;
pub use state::*;
