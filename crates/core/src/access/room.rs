//! What every repair room's commands and queries stand on, in one `use`:
//! ids, refusals, the text rules, the space and who may take which step.

pub use crate::access::repair_rules::{self, RepairAction};
pub use crate::kernel::ids::{EntryId, UserId};
pub use crate::kernel::refusal::Refusal;
pub use crate::kernel::text;
pub use crate::space::SpaceState;

/// An entry that belongs to one betrayal: the roles in that betrayal decide
/// who may take a step on it.
pub trait OfBetrayal {
    fn betrayal(&self) -> EntryId;
}

impl<E: OfBetrayal> OfBetrayal for &E {
    fn betrayal(&self) -> EntryId {
        (**self).betrayal()
    }
}

/// An entry found with a part of it (a version, a fulfilment) belongs to the
/// entry's betrayal.
impl<E: OfBetrayal, Part> OfBetrayal for (&E, &Part) {
    fn betrayal(&self) -> EntryId {
        self.0.betrayal()
    }
}

/// `impl OfBetrayal` for entries whose betrayal is a field named `betrayal`.
macro_rules! of_betrayal_field {
    ($($entry:ty),* $(,)?) => {$(
        impl $crate::access::room::OfBetrayal for $entry {
            fn betrayal(&self) -> $crate::kernel::ids::EntryId {
                self.betrayal
            }
        }
    )*};
}
pub(crate) use of_betrayal_field;

/// The entry a step names, after the membership check: a stranger learns
/// nothing about which ids exist.
pub fn member_entry<T>(space: &SpaceState, actor: UserId, found: Option<T>) -> Result<T, Refusal> {
    repair_rules::member(space, actor)?;
    found.ok_or(Refusal::NotFound)
}

/// The entry a step names, after the membership check, when `action` is the
/// actor's to take in the entry's betrayal.
pub fn entry_for<T: OfBetrayal>(
    space: &SpaceState,
    actor: UserId,
    found: Option<T>,
    action: RepairAction,
) -> Result<T, Refusal> {
    let entry = member_entry(space, actor, found)?;
    repair_rules::authorize(space, actor, entry.betrayal(), action)?;
    Ok(entry)
}
