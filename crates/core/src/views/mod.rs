//! Read models that combine capabilities: Today, Progress and the weekly
//! meeting's review.

pub mod meeting;
pub mod progress;
pub mod start;
pub mod today;
