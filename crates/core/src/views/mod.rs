//! Read models that combine capabilities: Today, Progress, the weekly
//! meeting's review, and what one person's export holds.

pub mod export;
pub mod meeting;
pub mod progress;
pub mod start;
pub mod today;
