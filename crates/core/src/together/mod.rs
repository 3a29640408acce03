//! Time together: one partner suggests something to do together and when,
//! the other accepts it, suggests another time or declines; once it has
//! happened each says how connected they felt (1 to 5) and, if they want, a
//! line, kept to themselves or shared.
//!
//! "When trust is broken, partners may stop doing some things together."
//! Nothing here counts a plan that did not happen against anyone.

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
