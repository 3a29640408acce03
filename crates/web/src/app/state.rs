//! What every handler can reach.

use crate::app::clock::{Clock, SystemClock};
use crate::app::config::WebConfig;
use crate::assets::Assets;
use crate::auth::session_cache::SessionCache;
use crate::metrics::Metrics;
use crate::projections::ProjectionCache;
use kintsugi_core::streams::couple::CoupleState;
use kintsugi_core::streams::private::PrivateState;
use kintsugi_store::Store;
use std::ops::Deref;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub store: Arc<dyn Store>,
    pub config: WebConfig,
    pub couples: ProjectionCache<CoupleState>,
    pub privates: ProjectionCache<PrivateState>,
    /// Who each session token belongs to, for a second at a time.
    pub sessions: SessionCache,
    /// What the operator's metrics page counts.
    pub metrics: Metrics,
    pub assets: Assets,
    /// The only source of the current time for every request.
    pub clock: Arc<dyn Clock>,
}

impl AppState {
    /// The app on the system clock, as it runs in production.
    pub fn new(store: Arc<dyn Store>, config: WebConfig) -> Self {
        Self::with_clock(store, config, Arc::new(SystemClock))
    }

    /// The app on a given clock; tests pass a `ManualClock` they can move.
    pub fn with_clock(store: Arc<dyn Store>, config: WebConfig, clock: Arc<dyn Clock>) -> Self {
        let half = config.cache_bytes / 2;
        Self(Arc::new(Inner {
            couples: ProjectionCache::with_budget(half).saving_snapshots_to(store.clone()),
            privates: ProjectionCache::with_budget(half).saving_snapshots_to(store.clone()),
            store,
            config,
            sessions: SessionCache::default(),
            metrics: Metrics::default(),
            assets: Assets::default(),
            clock,
        }))
    }
}

impl Deref for AppState {
    type Target = Inner;

    fn deref(&self) -> &Inner {
        &self.0
    }
}
