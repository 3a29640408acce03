//! Commitments: the involved partner's high-cost behaviours, the bedrock of
//! rebuilding trust. No contact with the affair partner comes first; then
//! therapy, ending shared work, volunteered openness, or a commitment in the
//! involved partner's own words.
//!
//! Each commitment keeps its whole status history (made, kept, at risk,
//! broken, renewed), written by the involved partner. The hurt partner sees
//! all of it and acknowledges the latest news. Openness is something offered,
//! never watched: nothing here reads devices, messages or locations.

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
