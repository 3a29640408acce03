//! Signs that trust has gone missing, noticed in oneself.
//!
//! During a trust pulse a person may tick the signs they noticed in
//! themselves lately. The ticks always go to their own private stream, even
//! when the pulse itself is shared: they are for self-understanding, never a
//! report on anyone. Only their author ever sees them or their count.

mod events;
mod state;
#[cfg(test)]
pub(crate) mod tests;

pub use events::*;
pub use state::*;
