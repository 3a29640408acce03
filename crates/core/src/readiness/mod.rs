//! Mutual readiness: the steps back towards closeness (touch, sleeping in the
//! same bed, telling family, a trip together, …), each marked privately by
//! each partner as ready, not yet or not sure.
//!
//! The list of steps is shared: the usual ones, and any a partner proposes
//! and the other accepts. The marks are not: each lives in its author's
//! private stream. Only `access::readiness::reveal` reads both partners'
//! marks, and it says only which steps *both* marked ready, and since when.

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
