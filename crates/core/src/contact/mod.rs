//! Contact reports: when the affair partner makes contact, the involved
//! partner tells the hurt partner what happened and how they responded. The
//! record keeps how long after the contact the report came, because telling
//! promptly is part of being trustworthy. The hurt partner acknowledges it.
//!
//! Reports are written by a person; nothing here watches a phone, an inbox or
//! a location.

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
