//! What every room stands on: identifiers, the event envelope, refusals,
//! typed text, and the account's own values (email, password).

pub mod account;
pub mod event;
pub mod ids;
pub mod refusal;
pub mod text;
