//! What every repair room's commands and queries stand on, in one `use`:
//! ids, refusals, the text rules, the space and who may take which step.

pub use crate::access::repair_rules::{self, RepairAction};
pub use crate::kernel::ids::{EntryId, UserId};
pub use crate::kernel::refusal::Refusal;
pub use crate::kernel::text;
use crate::space::Role;
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

/// The shape of a repair room's entries: named by their `id` field (see
/// `entry_by_id_field`), in the betrayal their `betrayal` field names.
macro_rules! repair_entry {
    ($($entry:ty),* $(,)?) => {$(
        $crate::kernel::entries::entry_by_id_field!($entry);
        impl $crate::access::room::OfBetrayal for $entry {
            fn betrayal(&self) -> $crate::kernel::ids::EntryId {
                self.betrayal
            }
        }
    )*};
}
pub(crate) use repair_entry;

/// The `can_*` queries of a room, one per `check_*`: each says yes exactly
/// when its check passes, so a page offers a step exactly when the command
/// would take it. `can_accept = check_respond` declares
/// `pub fn can_accept(acting: Acting<Room>, id: EntryId) -> bool`.
macro_rules! can_queries {
    ($room:ty: $($can:ident = $check:ident),+ $(,)?) => {$(
        #[doc = concat!(
            "May the actor take this step on the entry now? Yes exactly when [`",
            stringify!($check),
            "`] lets them."
        )]
        pub fn $can(
            acting: $crate::access::room::Acting<$room>,
            id: $crate::kernel::ids::EntryId,
        ) -> bool {
            $check(acting, id).is_ok()
        }
    )+};
}
pub(crate) use can_queries;

/// The entries `waits` picks, among those in betrayals where `me` is the
/// `role` partner, in the order given: what each room's "waits for this
/// person" list is made of.
pub fn waiting_for<'a, T: OfBetrayal + 'a>(
    entries: impl IntoIterator<Item = &'a T>,
    space: &SpaceState,
    me: UserId,
    role: Role,
    waits: impl Fn(&T) -> bool,
) -> Vec<&'a T> {
    entries
        .into_iter()
        .filter(|e| waits(e) && repair_rules::holds(space, me, e.betrayal(), role))
        .collect()
}

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

/// Who takes a step, in which couple's space, on which room's entries: the
/// first argument of every repair room's `check_*` and `can_*` and of each
/// command that reads the room (a first step such as `truth::ask` needs
/// only the space), so the three travel together and read the same way.
#[derive(Debug)]
pub struct Acting<'a, Room> {
    pub space: &'a SpaceState,
    pub room: &'a Room,
    pub actor: UserId,
}

// Derived `Clone`/`Copy` would ask the room to be `Copy` too; only the
// references are copied.
impl<Room> Clone for Acting<'_, Room> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<Room> Copy for Acting<'_, Room> {}

impl<'a, Room> Acting<'a, Room> {
    pub fn new(space: &'a SpaceState, room: &'a Room, actor: UserId) -> Self {
        Acting { space, room, actor }
    }

    /// `entry_for`, as this actor in this space.
    pub fn entry_for<T: OfBetrayal>(
        self,
        found: Option<T>,
        action: RepairAction,
    ) -> Result<T, Refusal> {
        entry_for(self.space, self.actor, found, action)
    }

    /// `member_entry`, as this actor in this space.
    pub fn member_entry<T>(self, found: Option<T>) -> Result<T, Refusal> {
        member_entry(self.space, self.actor, found)
    }

    /// `repair_rules::choose_for`, as this actor in this space.
    pub fn choose_for(self, named: &str, action: RepairAction) -> Result<EntryId, Refusal> {
        repair_rules::choose_for(self.space, self.actor, named, action)
    }

    /// `repair_rules::choose_betrayal`, as this actor in this space.
    pub fn choose_betrayal(self, named: &str) -> Result<EntryId, Refusal> {
        repair_rules::choose_betrayal(self.space, self.actor, named)
    }

    /// `repair_rules::authorize`, as this actor in this space.
    pub fn authorize(
        self,
        betrayal: EntryId,
        action: RepairAction,
    ) -> Result<crate::space::Role, Refusal> {
        repair_rules::authorize(self.space, self.actor, betrayal, action)
    }
}
