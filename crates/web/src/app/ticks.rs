//! The background tasks `serve` starts (reminders, destroying ended
//! spaces) tick the same way: each minute, on a timer that waits rather
//! than bursts after a stall, logging what a tick did in counts only.

use crate::app::state::AppState;
use std::fmt::{Debug, Display};
use std::future::Future;
use std::time::Duration;

/// Runs `tick` each minute for as long as the returned task lives. A
/// report equal to its default (nothing done) is not logged; a failure is
/// logged and the next minute tries again.
pub fn every_minute<R, E, F, Fut>(
    app: AppState,
    what: &'static str,
    tick: F,
) -> tokio::task::JoinHandle<()>
where
    F: Fn(AppState) -> Fut + Send + 'static,
    Fut: Future<Output = Result<R, E>> + Send,
    R: Debug + Default + PartialEq,
    E: Display,
{
    tokio::spawn(async move {
        let mut every_minute = tokio::time::interval(Duration::from_secs(60));
        every_minute.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every_minute.tick().await;
            match tick(app.clone()).await {
                Ok(report) if report != R::default() => tracing::info!(?report, "{what}"),
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "a tick of {what} failed"),
            }
        }
    })
}
