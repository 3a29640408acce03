//! Read models that combine capabilities: Today, Progress, the weekly
//! meeting's review and the therapist's session brief.

pub mod brief;
pub mod meeting;
pub mod progress;
pub mod start;
pub mod today;
