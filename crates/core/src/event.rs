//! What every recorded event carries besides its payload.

use crate::ids::{EntryId, UserId};
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
}
