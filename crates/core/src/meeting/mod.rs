//! The weekly couple meeting: a day and time both agree on, an agenda both
//! build during the week — appreciations first, then what went well,
//! concerns in the gentle start-up's words, and a plan for the week — and
//! both partners saying it was held. What was not talked about carries
//! over to the next week; every meeting stays in the record.

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
