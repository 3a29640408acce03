//! The therapist both partners invite: one partner proposes, with the
//! scopes they consent to; the other consents (or not), with theirs; the
//! therapist accepts with their own account. The therapist sees a scope
//! only where both consents hold it, and nothing before all three said
//! yes. Either partner narrows alone, or ends the access at once; widening
//! takes both. The view itself is built in `access::therapist`. The
//! therapist's own notes and names for couples live in `practice`, in
//! their private stream.

mod commands;
mod events;
pub mod practice;
mod queries;
mod state;
#[cfg(test)]
pub(crate) mod tests;

pub use commands::*;
pub use events::*;
pub use queries::*;
pub use state::*;
