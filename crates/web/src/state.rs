//! What every handler can reach.

use crate::assets::Assets;
use crate::config::WebConfig;
use crate::projections::ProjectionCache;
use crate::rate_limit::RateLimiter;
use kintsugi_core::couple::CoupleState;
use kintsugi_core::private::PrivateState;
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
    pub auth_limiter: RateLimiter,
    pub assets: Assets,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, config: WebConfig) -> Self {
        let auth_limiter = RateLimiter::new(config.limits.auth_attempts, config.limits.auth_window);
        Self(Arc::new(Inner {
            store,
            config,
            couples: ProjectionCache::default(),
            privates: ProjectionCache::default(),
            auth_limiter,
            assets: Assets::default(),
        }))
    }
}

impl Deref for AppState {
    type Target = Inner;

    fn deref(&self) -> &Inner {
        &self.0
    }
}
