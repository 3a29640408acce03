//! The therapy sessions of one engagement: the agenda the partners and the
//! active therapist build (with the parked questions on it until they are
//! talked about), and each session marked held, with what was covered.
//! Items not covered carry over to the next session. Who may take part is
//! decided once, in `access::therapist`.

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
