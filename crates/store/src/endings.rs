//! Ended shared spaces: when each ended and from when its record is
//! destroyed, so the destroying task finds them without reading a record.

use crate::Result;
use async_trait::async_trait;
use time::OffsetDateTime;
use uuid::Uuid;

/// A shared space a partner ended. Written with the record's "ended" event
/// (`Joining::Ending` in [`crate::EventStore::commit_at`]), or not at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpaceEnding {
    pub couple_id: Uuid,
    pub ended_at: OffsetDateTime,
    /// The end of the separation window: until then both partners read and
    /// export the record; from then on it is destroyed.
    pub destroy_after: OffsetDateTime,
}

#[async_trait]
pub trait SpaceEndings: Send + Sync {
    /// The couple's ending, while its record is kept.
    async fn space_ending(&self, couple_id: Uuid) -> Result<Option<SpaceEnding>>;
    /// Every ending whose window has passed at `at`, oldest first.
    async fn space_endings_due(&self, at: OffsetDateTime) -> Result<Vec<SpaceEnding>>;
    /// Forgets the couple's ending once its record is destroyed; forgetting
    /// one that is gone already is no error.
    async fn forget_space_ending(&self, couple_id: Uuid) -> Result<()>;
}
