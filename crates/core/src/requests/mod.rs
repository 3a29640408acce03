//! Requested behaviours: the small, observable things the hurt partner asks
//! for ("text me when you leave work"), leaving little up to assumption.
//!
//! The hurt partner makes a request with how often it applies. The involved
//! partner accepts it or proposes an alternative, which the hurt partner
//! accepts (it becomes the request's terms) or declines (the request waits
//! for an answer again). Either partner may pause, resume or retire a
//! request, giving a reason. The involved partner logs each time it was done;
//! the hurt partner may confirm "I saw it".
//!
//! Reliability compares what was done with what the frequency expected,
//! counting only the days the request was running (not before it was agreed,
//! not while paused, not after it was retired). Today is still open, so it
//! counts towards what was expected only once something was done today.

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
