//! Operator metrics in Prometheus's text format, served on an address of
//! their own (`serve --metrics-listen`), never on the app's.
//!
//! Every label is one of a few fixed words chosen here (`RouteGroup`,
//! `StatusClass`), so no couple, person, entry, capability or content can
//! ever become a label: on a small instance the operator may be one of
//! the partners, and a counter per room would tell them what the other
//! did. Counters are atomics; nothing is allocated per request.

mod histogram;
mod render;

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use histogram::{Histogram, LATENCY_BOUNDS};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

pub use render::router;

/// What a request was, as coarsely as the operator needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteGroup {
    /// A page (any GET of the app's own pages).
    Pages,
    /// A posted form.
    Forms,
    /// Registering, signing in or out, recovery, quick exit.
    Auth,
    /// The style sheet and the health check.
    Static,
}

impl RouteGroup {
    const ALL: [RouteGroup; 4] = [
        RouteGroup::Pages,
        RouteGroup::Forms,
        RouteGroup::Auth,
        RouteGroup::Static,
    ];

    fn label(self) -> &'static str {
        match self {
            RouteGroup::Pages => "pages",
            RouteGroup::Forms => "forms",
            RouteGroup::Auth => "auth",
            RouteGroup::Static => "static",
        }
    }

    /// The group of a request, by its method and the first part of its
    /// path alone.
    pub fn of(method: &Method, path: &str) -> RouteGroup {
        const AUTH: [&str; 5] = ["/login", "/register", "/recover", "/logout", "/exit"];
        if path.starts_with("/static/") || path == "/healthz" {
            RouteGroup::Static
        } else if AUTH.contains(&path) {
            RouteGroup::Auth
        } else if method == Method::GET || method == Method::HEAD {
            RouteGroup::Pages
        } else {
            RouteGroup::Forms
        }
    }
}

/// An answer's status, by its first digit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusClass {
    Informational,
    Success,
    Redirect,
    ClientError,
    ServerError,
}

impl StatusClass {
    const ALL: [StatusClass; 5] = [
        StatusClass::Informational,
        StatusClass::Success,
        StatusClass::Redirect,
        StatusClass::ClientError,
        StatusClass::ServerError,
    ];

    fn label(self) -> &'static str {
        match self {
            StatusClass::Informational => "1xx",
            StatusClass::Success => "2xx",
            StatusClass::Redirect => "3xx",
            StatusClass::ClientError => "4xx",
            StatusClass::ServerError => "5xx",
        }
    }

    pub fn of(status: u16) -> StatusClass {
        match status {
            0..=199 => StatusClass::Informational,
            200..=299 => StatusClass::Success,
            300..=399 => StatusClass::Redirect,
            400..=499 => StatusClass::ClientError,
            _ => StatusClass::ServerError,
        }
    }
}

/// Every number the metrics page shows.
pub struct Metrics {
    /// Requests by group and status class.
    requests: [[AtomicU64; 5]; 4],
    /// Seconds from the request's arrival to its answer, by group.
    latency: [Histogram; 4],
    /// Events appended, in every stream together. (How commits were
    /// grouped into transactions is the store's to count:
    /// `Operations::commit_batches`.)
    appends: AtomicU64,
    session_cache_hits: AtomicU64,
    session_cache_misses: AtomicU64,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            requests: Default::default(),
            latency: RouteGroup::ALL.map(|_| Histogram::new(LATENCY_BOUNDS)),
            appends: AtomicU64::new(0),
            session_cache_hits: AtomicU64::new(0),
            session_cache_misses: AtomicU64::new(0),
        }
    }
}

impl Metrics {
    pub fn request(&self, group: RouteGroup, status: StatusClass, seconds: f64) {
        self.requests[group as usize][status as usize].fetch_add(1, Ordering::Relaxed);
        self.latency[group as usize].observe(seconds);
    }

    /// One action written, `events` events in all.
    pub fn appended(&self, events: usize) {
        self.appends.fetch_add(events as u64, Ordering::Relaxed);
    }

    pub fn session_cache(&self, hit: bool) {
        let counter = if hit {
            &self.session_cache_hits
        } else {
            &self.session_cache_misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

/// Counts and times every request, outermost, so error pages count too.
pub async fn track(State(app): State<crate::AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let group = RouteGroup::of(request.method(), request.uri().path());
    let response = next.run(request).await;
    let status = StatusClass::of(response.status().as_u16());
    app.metrics
        .request(group, status, started.elapsed().as_secs_f64());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_falls_in_one_coarse_group() {
        let group = |method: Method, path| RouteGroup::of(&method, path);
        assert_eq!(group(Method::GET, "/static/app.css"), RouteGroup::Static);
        assert_eq!(group(Method::GET, "/healthz"), RouteGroup::Static);
        assert_eq!(group(Method::POST, "/login"), RouteGroup::Auth);
        assert_eq!(group(Method::GET, "/exit"), RouteGroup::Auth);
        assert_eq!(group(Method::GET, "/truth"), RouteGroup::Pages);
        assert_eq!(group(Method::POST, "/contact"), RouteGroup::Forms);
        assert_eq!(group(Method::POST, "/login/elsewhere"), RouteGroup::Forms);
    }

    #[test]
    fn a_status_falls_in_its_class() {
        let classes: Vec<_> = [101, 200, 303, 404, 422, 500, 503]
            .map(StatusClass::of)
            .into_iter()
            .map(StatusClass::label)
            .collect();
        assert_eq!(classes, ["1xx", "2xx", "3xx", "4xx", "4xx", "5xx", "5xx"]);
    }
}
