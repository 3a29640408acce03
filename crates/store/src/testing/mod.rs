//! What tests outside this crate share to damage a record behind the
//! store's back: raw SQL on its database ([`Raw`]) and the table of every
//! tampering with what must be found ([`tamper::TAMPERINGS`]). Behind the
//! `testing` feature; test code, so a failed `unwrap` is a failed test.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test"
)]

mod raw;
pub mod tamper;

pub use raw::{Raw, RawEvent};
