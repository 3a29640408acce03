//! Accounts and sessions: who is asking.

pub mod again;
pub mod idle;
pub mod password;
pub mod quick_exit;
pub mod routes;
pub mod session;
pub mod session_cache;
pub mod throttle;
pub mod tokens;
pub mod zone;
