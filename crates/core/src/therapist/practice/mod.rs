//! A therapist's own practice, kept in their private stream: the name they
//! give each couple they serve, and their notes. Nothing here reaches a
//! couple's record, and no partner ever reads it.

mod commands;
mod events;
mod state;
#[cfg(test)]
mod tests;

pub use commands::*;
pub use events::*;
pub use state::*;
