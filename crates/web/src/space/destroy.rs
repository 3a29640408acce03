//! Destroying an ended space's record once its separation window has
//! passed: a tick each minute on the app's clock (so tests move time and
//! call [`tick`] themselves), started by `serve` on every instance.
//!
//! Each tick reads the ended spaces whose window has passed from the
//! store's `space_endings` (no record is read for it) and asks the store
//! to destroy each couple stream. At most once is the store's to keep: the
//! destruction is one transaction, and a stream already destroyed (by
//! another instance, or by this one before a crash) answers `None`. The
//! ending's row goes after, whichever instance did it.

use crate::app::state::AppState;
use kintsugi_core::{CoupleId, StreamId};
use kintsugi_store::{DeletionReason, StoreError};

/// What one tick did, in counts only.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TickReport {
    /// Records this tick destroyed.
    pub destroyed: usize,
    /// Records found destroyed already (another instance was first).
    pub gone_already: usize,
    /// Records the store could not destroy now; the next tick tries again.
    pub failed: usize,
}

/// Starts the task that ticks each minute.
pub fn start(app: AppState) -> tokio::task::JoinHandle<()> {
    crate::app::ticks::every_minute(app, "ended spaces", |app| async move { tick(&app).await })
}

/// One tick at the app clock's now.
pub async fn tick(app: &AppState) -> Result<TickReport, StoreError> {
    let now = app.clock.now();
    let mut report = TickReport::default();
    for ending in app.store.space_endings_due(now).await? {
        let stream = StreamId::couple(CoupleId(ending.couple_id));
        match app
            .store
            .destroy_stream(stream.as_str(), DeletionReason::SpaceEnded, now)
            .await
        {
            Ok(Some(_)) => report.destroyed += 1,
            Ok(None) => report.gone_already += 1,
            Err(error) => {
                report.failed += 1;
                tracing::warn!(%error, "an ended space's record was not destroyed yet");
                continue;
            }
        }
        app.couples.forget(stream.as_str());
        app.sessions.clear();
        app.store.forget_space_ending(ending.couple_id).await?;
    }
    Ok(report)
}
