//! How things read for the person looking: dates in their zone, the small
//! word helpers, and the charts on the Progress page.

pub mod charts;
pub mod dates;
pub mod words;
