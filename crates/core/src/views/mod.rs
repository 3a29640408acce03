//! Read models that combine capabilities: Today and Progress.

pub mod progress;
pub mod start;
pub mod today;
