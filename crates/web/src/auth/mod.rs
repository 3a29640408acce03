//! Accounts and sessions: who is asking.

pub mod password;
pub mod routes;
pub mod session;
pub mod throttle;
pub mod tokens;
