//! HTTP integration tests: the real app on a random port, a temporary data
//! directory, and browsers simulated by cookie-keeping clients. One test
//! binary for the whole crate, so linking happens once.

#![allow(clippy::unwrap_used)] // test helpers may panic on a broken set-up

mod helpers;

mod account_deletion;
mod account_input;
mod accounts;
mod addresses;
mod authorization;
mod bidi;
mod checkin;
mod clock;
mod ending;
mod export;
mod form_caps;
mod hardening;
mod idle_sign_out;
mod joining;
mod lockout;
mod meeting;
mod metrics;
mod pairing;
mod password_change;
mod postgres;
mod privacy;
mod progress;
mod pulse;
mod quick_exit;
mod readiness;
mod record;
mod reflections;
mod reminders;
mod repair;
mod security;
mod session_cache;
mod smtp_sink;
mod snapshots;
mod talk;
mod therapist;
mod time_zones;
mod today;
mod together;
mod withdraw;
mod withdraw_pulse_reflection;
mod withdraw_talk_together;
