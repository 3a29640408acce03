//! Kintsugi's domain. Everything here is pure: a projection is a fold over
//! events, a command is a function from (state, actor, input) to an event or a
//! typed refusal. Time and identifiers come in as arguments, never from the
//! clock or a random source, so every rule is testable as given-when-then.
//!
//! The rooms (DESIGN §4): `kernel` (ids, the event envelope, refusals, text),
//! `access` (who may see and do what), one folder per capability (`space`,
//! `truth`, `apology`, `requests`, `commitments`, `contact`, `checkin`,
//! `pulse`, `signs`, `readiness`, `talk`, `together`, `reflections`, `therapist`, `sessions`), `streams` (the couple and private stream types, the only
//! place that knows every capability's events), `views` (Today and Progress,
//! read models that combine capabilities), `reminders` (when a reminder by
//! email is due, from the Today facts) and `coach`.
//!
//! Imports point one way: a capability reads `kernel` and `access`, never
//! `streams`, `views` or another capability's internals; `streams` and `views`
//! read the capabilities.

pub mod access;
pub mod apology;
pub mod checkin;
pub mod coach;
pub mod commitments;
pub mod contact;
pub mod kernel;
pub mod meeting;
pub mod pulse;
pub mod readiness;
pub mod reflections;
pub mod reminders;
pub mod requests;
pub mod sessions;
pub mod signs;
pub mod space;
pub mod streams;
pub mod talk;
pub mod therapist;
pub mod together;
pub mod truth;
pub mod views;
pub mod visits;
pub mod withdrawal;

#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use kernel::event::{Meta, Projection};
pub use kernel::ids::{CoupleId, EntryId, StreamId, UserId};
pub use kernel::refusal::Refusal;
