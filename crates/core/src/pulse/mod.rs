//! The trust pulse: a short, periodic self-assessment of how much a person
//! trusts their partner and the relationship right now.
//!
//! Ten statements, two for each of five constructs, answered on a 1–7 scale
//! (1 = not true at all, 7 = completely true). In each construct one
//! statement is worded in reverse, so agreeing with everything does not read
//! as high trust.
//!
//! ## Scoring
//! - A reverse-worded statement scores `8 − answer`; the others score the
//!   answer itself. Every item score is then in 1..=7, higher = more trust.
//! - A construct's score is the mean of its two item scores, the trust index
//!   the mean of all ten, each mapped linearly from 1..=7 onto 0..=100
//!   (`(mean − 1) / 6 × 100`) and rounded to the nearest whole number.
//!   So all 1s on the plain items and 7s on the reverse ones gives 0, and
//!   a middle answer (4) everywhere gives 50.
//!
//! A pulse shared with the partner goes to the couple stream; one kept to
//! oneself goes to the author's private stream. Either way its author sees
//! it. The signs ticked alongside always go to the private stream
//! ([`crate::signs`]).

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
