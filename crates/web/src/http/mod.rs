//! What every request passes through before and after a handler: security
//! headers, the same-origin rule, CSRF-checked forms, rate limits, the
//! request log, and the extractors handlers share.

pub mod client;
pub mod extractors;
pub mod form_addresses;
pub mod forms;
pub mod rate_limit;
pub mod request_log;
pub mod routes;
pub mod security;
