//! What every handler can reach.

use crate::app::clock::{Clock, Now, SystemClock};
use crate::app::config::WebConfig;
use crate::assets::Assets;
use crate::http::rate_limit::RateLimiter;
use crate::projections::ProjectionCache;
use kintsugi_core::streams::couple::CoupleState;
use kintsugi_core::streams::private::PrivateState;
use kintsugi_store::Store;
use std::ops::Deref;
use std::sync::Arc;

/// How many more attempts one client address gets than one email address.
const ATTEMPTS_PER_ADDRESS_FACTOR: u32 = 10;

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub store: Arc<dyn Store>,
    pub config: WebConfig,
    pub couples: ProjectionCache<CoupleState>,
    pub privates: ProjectionCache<PrivateState>,
    /// Attempts per email address…
    pub auth_by_email: RateLimiter,
    /// …and per client address, more generous: behind a reverse proxy many
    /// people can share one.
    pub auth_by_address: RateLimiter,
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
        let limits = &config.limits;
        let auth_by_email = RateLimiter::new(limits.auth_attempts, limits.auth_window);
        let auth_by_address = RateLimiter::new(
            limits
                .auth_attempts
                .saturating_mul(ATTEMPTS_PER_ADDRESS_FACTOR),
            limits.auth_window,
        );
        Self(Arc::new(Inner {
            store,
            config,
            couples: ProjectionCache::default(),
            privates: ProjectionCache::default(),
            auth_by_email,
            auth_by_address,
            assets: Assets::default(),
            clock,
        }))
    }
}

impl AppState {
    /// "Now" for someone reading a page. Handlers take `Now` as an
    /// extractor; this is for code that builds a page for several of them.
    pub fn now(&self) -> Now {
        Now::for_viewer(self.clock.as_ref())
    }
}

impl Deref for AppState {
    type Target = Inner;

    fn deref(&self) -> &Inner {
        &self.0
    }
}
