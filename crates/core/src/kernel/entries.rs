//! Finding an entry by its id in a room's list. Every room keeps its entries
//! in the order their events were appended, so ids grow along the list and a
//! binary search finds one without a map beside it.

use crate::kernel::ids::EntryId;

/// An entry made by one event and named by that event's `seq`.
pub trait Entry {
    fn entry_id(&self) -> EntryId;
}

/// The entry with this id in a list ordered by id.
pub fn find<T: Entry>(entries: &[T], id: EntryId) -> Option<&T> {
    let index = entries.binary_search_by_key(&id, T::entry_id).ok()?;
    entries.get(index)
}

/// The entry with this id, to fold a later event into.
pub fn find_mut<T: Entry>(entries: &mut [T], id: EntryId) -> Option<&mut T> {
    let index = entries.binary_search_by_key(&id, T::entry_id).ok()?;
    entries.get_mut(index)
}

/// `impl Entry` for types whose id lives in a field named `id`.
macro_rules! entry_by_id_field {
    ($($entry:ty),* $(,)?) => {$(
        impl $crate::kernel::entries::Entry for $entry {
            fn entry_id(&self) -> $crate::kernel::ids::EntryId {
                self.id
            }
        }
    )*};
}
pub(crate) use entry_by_id_field;

#[cfg(test)]
mod tests {
    use super::*;

    struct Item {
        id: EntryId,
        label: &'static str,
    }
    entry_by_id_field!(Item);

    fn items() -> Vec<Item> {
        [(2, "two"), (5, "five"), (9, "nine")]
            .into_iter()
            .map(|(id, label)| Item {
                id: EntryId(id),
                label,
            })
            .collect()
    }

    #[test]
    fn finds_present_ids_and_nothing_for_absent_ones() {
        let list = items();
        let cases = [(2, Some("two")), (5, Some("five")), (9, Some("nine"))];
        for (id, label) in cases {
            assert_eq!(find(&list, EntryId(id)).map(|i| i.label), label);
        }
        for absent in [0, 3, 10] {
            assert!(find(&list, EntryId(absent)).is_none());
        }
    }

    #[test]
    fn find_mut_changes_the_named_entry_only() {
        let mut list = items();
        if let Some(item) = find_mut(&mut list, EntryId(5)) {
            item.label = "changed";
        }
        let labels: Vec<_> = list.iter().map(|i| i.label).collect();
        assert_eq!(labels, ["two", "changed", "nine"]);
    }
}
