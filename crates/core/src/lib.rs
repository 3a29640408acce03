//! Kintsugi's domain. Everything here is pure: a projection is a fold over
//! events, a command is a function from (state, actor, input) to an event or a
//! typed refusal. Time and identifiers come in as arguments, never from the
//! clock or a random source, so every rule is testable as given-when-then.

pub mod account;
pub mod apology;
pub mod checkin;
pub mod coach;
pub mod commitments;
pub mod contact;
pub mod couple;
pub mod event;
pub mod feelings;
pub mod ids;
pub mod private;
pub mod progress;
pub mod pulse;
pub mod refusal;
pub mod repair_rules;
pub mod requests;
pub mod signs;
pub mod space;
pub mod text;
pub mod today;
pub mod truth;
pub mod visibility;

#[cfg(test)]
mod landscape_test_support;

pub use event::{Meta, Projection};
pub use ids::{CoupleId, EntryId, StreamId, UserId};
pub use refusal::Refusal;
