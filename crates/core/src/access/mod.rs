//! Who may see and do what. The one place that reads space membership and
//! roles for the other rooms.

pub mod readiness;
pub mod repair_rules;
pub mod room;
pub mod therapist;
pub mod visibility;
