//! Talk requests and the quiet period: pacing (DESIGN §2 "Talk requests",
//! §3 principle 1, the hurt partner sets the pace).
//!
//! Either partner asks for a conversation, in their own words, of a kind and
//! with how soon it matters; the other answers: now, at one of up to three
//! times the asker picks from, at the next quiet talk, or "I need space" for a
//! number of days. Space is honoured: no new request of that kind from the
//! asker until it ends. The hurt partner may declare a quiet period in which
//! no new request reaches them. A topic's words stay on the two partners' own
//! pages: this room gives nothing else a way to show them.

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
