//! The couple space: who the two partners are and what happened between them.
//!
//! Roles belong to a betrayal, not to a person: a couple can record several
//! betrayals, pointing either way. Partners are named by their slot (the one
//! who created the space, the one who joined it) because the second partner
//! has no account yet when the first betrayal is recorded.

mod commands;
mod events;
mod state;
#[cfg(test)]
pub(crate) mod tests;

pub use commands::*;
pub use events::*;
pub use state::*;
