//! A stream's state as bytes: a projection let go from memory (or never
//! loaded) comes back from its snapshot plus the events after it, instead of
//! a fold of the whole stream. The web side keeps the bytes in the store,
//! encrypted under the stream's data key like a payload.
//!
//! The bytes are MessagePack (`rmp-serde`): compact, able to write maps
//! keyed on instants and structs (which JSON cannot), and self-describing
//! enough for the internally tagged enums the states hold (which `postcard`
//! and `bincode` cannot read back). Structs are written as arrays, without
//! their field names, in the human-readable mode the stored events use
//! (ids and instants as text), so a value that `serde` buffers on its way
//! back (inside a tagged enum) reads the way it was written. So the bytes
//! mean what the shape of every type a state holds says: whoever changes
//! such a type bumps [`STATE_FORMAT`] (the golden test in
//! `streams/snapshots.rs` says so), and a snapshot of another format is
//! never read: the stream is folded from its events instead.
//!
//! Snapshots are of STATE, never of events: the stored form of an event
//! stays what `tests/stored_events.rs` pins.

use serde::de::DeserializeOwned;
use serde::Serialize;

/// The shape of the states' bytes. Bump it with any change to a type a
/// stream state holds (a field added, removed, renamed or retyped, a
/// variant added): older snapshots are then ignored, not misread.
pub const STATE_FORMAT: u32 = 2;

/// `state` as a snapshot's bytes; `None` only if it does not serialise.
pub fn to_snapshot<P: Serialize>(state: &P) -> Option<Vec<u8>> {
    let mut bytes = Vec::new();
    let mut serializer = rmp_serde::Serializer::new(&mut bytes).with_human_readable();
    state.serialize(&mut serializer).ok()?;
    Some(bytes)
}

/// A state back from bytes [`to_snapshot`] wrote under the same
/// [`STATE_FORMAT`]; `None` when they do not decode, or hold more.
pub fn from_snapshot<P: DeserializeOwned>(bytes: &[u8]) -> Option<P> {
    let mut deserializer = rmp_serde::Deserializer::new(bytes).with_human_readable();
    let state = P::deserialize(&mut deserializer).ok()?;
    deserializer.get_ref().is_empty().then_some(state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use time::macros::datetime;
    use time::OffsetDateTime;

    #[test]
    fn maps_keyed_on_instants_round_trip() {
        let mut map: BTreeMap<OffsetDateTime, Vec<String>> = BTreeMap::new();
        map.insert(datetime!(2026-03-02 09:00 +01:00), vec!["a".into()]);
        map.insert(datetime!(2026-03-02 09:00 UTC), vec![]);
        let bytes = to_snapshot(&map).unwrap();
        let back: BTreeMap<OffsetDateTime, Vec<String>> = from_snapshot(&bytes).unwrap();
        assert_eq!(back, map);
        // The offset is kept, not only the instant.
        let offsets: Vec<_> = back.keys().map(|at| at.offset().whole_hours()).collect();
        assert_eq!(offsets, [1, 0]);
    }

    #[test]
    fn bytes_that_do_not_decode_or_run_on_are_no_state() {
        let bytes = to_snapshot(&(7u64, String::from("words"))).unwrap();
        assert_eq!(
            from_snapshot::<(u64, String)>(&bytes),
            Some((7, "words".into()))
        );
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(from_snapshot::<(u64, String)>(&longer), None);
        assert_eq!(
            from_snapshot::<(u64, String)>(&bytes[..bytes.len() - 1]),
            None
        );
        assert_eq!(from_snapshot::<(u64, String)>(&[]), None);
    }
}
