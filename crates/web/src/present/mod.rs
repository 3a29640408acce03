//! How things read for the person looking: dates in their zone, the small
//! word helpers, the parts the repair pages share (which betrayal, what the
//! coach noticed), and the charts on the Progress page.

pub mod charts;
pub mod dates;
pub mod repair;
pub mod words;
