//! What every repair room's commands and queries stand on, in one `use`:
//! ids, refusals, the text rules, the space and who may take which step.

pub use crate::access::repair_rules::{self, RepairAction};
pub use crate::kernel::ids::{EntryId, UserId};
pub use crate::kernel::refusal::Refusal;
pub use crate::kernel::text;
pub use crate::space::SpaceState;
