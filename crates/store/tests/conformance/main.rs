//! Kintsugi store conformance: one story, told against SQLite always and
//! against PostgreSQL when `KINTSUGI_TEST_POSTGRES_URL` names a server
//! (each PostgreSQL test creates, and drops, its own database).

// Helpers outside `#[test]` functions are test code too; clippy.toml's
// allow-unwrap-in-tests does not see them.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test"
)]

mod harness;

mod accounts;
mod backup;
mod commit;
mod crash;
mod data_rights;
mod encryption;
mod endings;
mod group_commit;
mod joining;
mod key_file;
mod record;
mod reminders;
mod snapshots;
mod sqlite_file;
mod tamper;
mod therapists;
