//! Read models that combine capabilities: Today, Progress, the weekly
//! meeting's review, the therapist's session brief, and what one
//! person's export holds.

pub mod brief;
pub mod export;
pub mod meeting;
pub mod progress;
pub mod start;
pub mod today;
