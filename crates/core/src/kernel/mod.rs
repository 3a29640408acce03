//! What every room stands on: identifiers, the event envelope, refusals,
//! typed text, time words and shapes, and the account's own values (email,
//! password).

pub mod account;
pub mod days;
pub mod entries;
pub mod event;
pub mod ids;
pub(crate) mod listed;
pub mod refusal;
pub mod snapshot;
pub mod text;
