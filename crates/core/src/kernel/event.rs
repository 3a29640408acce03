//! What every recorded event carries besides its payload.

use crate::kernel::ids::{EntryId, UserId};
use time::OffsetDateTime;

/// The store's facts about an event: where it sits in its stream, who wrote
/// it, and when. Projections receive it beside the decoded payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Meta {
    pub seq: u64,
    pub author: UserId,
    pub at: OffsetDateTime,
}

impl Meta {
    /// The id of the entry this event creates, if it creates one.
    pub fn entry(&self) -> EntryId {
        EntryId(self.seq)
    }

    /// Who wrote this event, and when.
    pub fn stamp(&self) -> Stamp {
        Stamp {
            by: self.author,
            at: self.at,
        }
    }
}

/// Who took a step on an entry, and when: what a fold keeps of a later
/// event that parks a question, confirms a fulfilment or marks news seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Stamp {
    pub by: UserId,
    pub at: OffsetDateTime,
}

/// A state folded from one stream's events. The web layer keeps one per
/// stream in memory and catches it up by applying only the events after
/// `seq()`.
pub trait Projection: Default + Send + Sync + 'static {
    type Event: serde::Serialize + serde::de::DeserializeOwned + Send + Sync;

    /// The last event folded in (0 for an empty stream).
    fn seq(&self) -> u64;

    /// Folds one event in. `meta.seq` is always `seq() + 1`.
    fn apply(&mut self, meta: &Meta, event: &Self::Event);

    /// The store's clear-text `kind` column for an event.
    fn kind(event: &Self::Event) -> &'static str;

    /// The `seq` of the earlier event of the same stream whose payload this
    /// event removes (a withdrawal), if it is one.
    fn redacts(_event: &Self::Event) -> Option<u64> {
        None
    }

    /// Advances past an event whose payload is gone (redacted) or whose kind
    /// this version does not know, so the fold stays aligned with the stream.
    fn skip(&mut self, meta: &Meta);

    /// The state as a snapshot's bytes (see `kernel::snapshot`); `None`
    /// only if it does not serialise.
    fn to_snapshot(&self) -> Option<Vec<u8>>;

    /// A state back from a snapshot's bytes of the current
    /// `kernel::snapshot::STATE_FORMAT`; `None` when they do not decode.
    fn from_snapshot(bytes: &[u8]) -> Option<Self>;
}
