//! The metrics page: Prometheus's text exposition format, version 0.0.4.

use super::histogram::Histogram;
use super::{Metrics, RouteGroup, StatusClass};
use crate::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use kintsugi_store::CommitBatches;
use std::fmt::Write;
use std::sync::atomic::Ordering;

/// The metrics listener's one address, `/metrics`.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(metrics_page))
        .with_state(state)
}

/// What the projection caches hold now, and how many they let go.
pub(super) struct CacheFigures {
    pub streams: usize,
    pub bytes: usize,
    pub evictions: u64,
    /// Projections that came back from a snapshot, and snapshots written.
    pub restored: u64,
    pub snapshots: u64,
}

async fn metrics_page(State(app): State<AppState>) -> impl IntoResponse {
    let cache = CacheFigures {
        streams: app.couples.len() + app.privates.len(),
        bytes: app.couples.weight() + app.privates.weight(),
        evictions: app.couples.evictions() + app.privates.evictions(),
        restored: app.couples.restored() + app.privates.restored(),
        snapshots: app.couples.snapshots_written() + app.privates.snapshots_written(),
    };
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        render(&app.metrics, &cache, &app.store.commit_batches()),
    )
}

/// Every metric as text, with what the projection caches hold now and
/// how the store grouped its commits.
pub(super) fn render(metrics: &Metrics, cache: &CacheFigures, batches: &CommitBatches) -> String {
    let mut out = String::with_capacity(4_096);
    requests(&mut out, metrics);
    out.push_str(
        "# HELP kintsugi_http_request_duration_seconds Time from a request's arrival to its answer.\n\
         # TYPE kintsugi_http_request_duration_seconds histogram\n",
    );
    for group in RouteGroup::ALL {
        let labels = format!("group=\"{}\"", group.label());
        histogram(
            &mut out,
            "kintsugi_http_request_duration_seconds",
            &labels,
            &metrics.latency[group as usize],
        );
    }
    counter(
        &mut out,
        "kintsugi_appended_events_total",
        "Events appended to the record.",
        metrics.appends.load(Ordering::Relaxed),
    );
    commit_batches(&mut out, batches);
    counter(
        &mut out,
        "kintsugi_session_cache_hits_total",
        "Requests whose session came from the cache.",
        metrics.session_cache_hits.load(Ordering::Relaxed),
    );
    counter(
        &mut out,
        "kintsugi_session_cache_misses_total",
        "Requests whose session was read from the store.",
        metrics.session_cache_misses.load(Ordering::Relaxed),
    );
    let _ = write!(
        out,
        "# HELP kintsugi_projection_cache_streams Streams whose projection is held in memory.\n\
         # TYPE kintsugi_projection_cache_streams gauge\n\
         kintsugi_projection_cache_streams {}\n\
         # HELP kintsugi_projection_cache_bytes What the held projections weigh, roughly, against --cache-mb.\n\
         # TYPE kintsugi_projection_cache_bytes gauge\n\
         kintsugi_projection_cache_bytes {}\n",
        cache.streams, cache.bytes
    );
    counter(
        &mut out,
        "kintsugi_projection_cache_evictions_total",
        "Projections let go to keep within the cache budget.",
        cache.evictions,
    );
    counter(
        &mut out,
        "kintsugi_projection_snapshot_restores_total",
        "Projections that came back from their stream's snapshot instead of a whole fold.",
        cache.restored,
    );
    counter(
        &mut out,
        "kintsugi_projection_snapshots_written_total",
        "Snapshots of a projection written to the store.",
        cache.snapshots,
    );
    out
}

fn requests(out: &mut String, metrics: &Metrics) {
    out.push_str(
        "# HELP kintsugi_http_requests_total Requests answered, by coarse route group and status class.\n\
         # TYPE kintsugi_http_requests_total counter\n",
    );
    for group in RouteGroup::ALL {
        for status in StatusClass::ALL {
            let count = metrics.requests[group as usize][status as usize].load(Ordering::Relaxed);
            let _ = writeln!(
                out,
                "kintsugi_http_requests_total{{group=\"{}\",status=\"{}\"}} {count}",
                group.label(),
                status.label()
            );
        }
    }
}

/// The store's commit batches: a histogram of the actions each
/// transaction wrote (its sum is every action written), and the actions
/// waiting for the writer.
fn commit_batches(out: &mut String, batches: &CommitBatches) {
    let name = "kintsugi_commit_batch_size";
    let _ = write!(
        out,
        "# HELP {name} Actions written by each commit transaction (one fsync on SQLite).\n\
         # TYPE {name} histogram\n"
    );
    for (bound, count) in &batches.at_most {
        let _ = writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {count}");
    }
    let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {}", batches.batches);
    let _ = writeln!(out, "{name}_sum {}", batches.actions);
    let _ = writeln!(out, "{name}_count {}", batches.batches);
    let _ = write!(
        out,
        "# HELP kintsugi_commit_queue_actions Actions waiting for the store's writer.\n\
         # TYPE kintsugi_commit_queue_actions gauge\n\
         kintsugi_commit_queue_actions {}\n",
        batches.queued
    );
}

fn counter(out: &mut String, name: &str, help: &str, value: u64) {
    let _ = write!(
        out,
        "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}\n"
    );
}

fn histogram(out: &mut String, name: &str, labels: &str, histogram: &Histogram) {
    let snapshot = histogram.snapshot();
    let with = |le: &str| match labels {
        "" => format!("le=\"{le}\""),
        labels => format!("{labels},le=\"{le}\""),
    };
    for (bound, count) in histogram.bounds.iter().zip(&snapshot.cumulative) {
        let _ = writeln!(out, "{name}_bucket{{{}}} {count}", with(&bound.to_string()));
    }
    let _ = writeln!(out, "{name}_bucket{{{}}} {}", with("+Inf"), snapshot.count);
    let braced = |labels: &str| match labels {
        "" => String::new(),
        labels => format!("{{{labels}}}"),
    };
    let _ = writeln!(out, "{name}_sum{} {}", braced(labels), snapshot.sum);
    let _ = writeln!(out, "{name}_count{} {}", braced(labels), snapshot.count);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_counts_by_group_and_status_and_names_nothing_else() {
        let metrics = Metrics::default();
        metrics.request(RouteGroup::Pages, StatusClass::Success, 0.002);
        metrics.request(RouteGroup::Pages, StatusClass::Success, 0.02);
        metrics.request(RouteGroup::Forms, StatusClass::Redirect, 0.004);
        metrics.appended(2);
        metrics.session_cache(true);
        let cache = CacheFigures {
            streams: 7,
            bytes: 4_096,
            evictions: 3,
            restored: 4,
            snapshots: 5,
        };
        let batches = CommitBatches {
            batches: 2,
            actions: 5,
            at_most: vec![(1, 1), (2, 1), (4, 2)],
            queued: 3,
            writing: 1,
        };
        let page = render(&metrics, &cache, &batches);
        for line in [
            "kintsugi_http_requests_total{group=\"pages\",status=\"2xx\"} 2",
            "kintsugi_http_requests_total{group=\"forms\",status=\"3xx\"} 1",
            "kintsugi_http_requests_total{group=\"auth\",status=\"5xx\"} 0",
            "kintsugi_http_request_duration_seconds_bucket{group=\"pages\",le=\"0.0025\"} 1",
            "kintsugi_http_request_duration_seconds_bucket{group=\"pages\",le=\"+Inf\"} 2",
            "kintsugi_http_request_duration_seconds_count{group=\"pages\"} 2",
            "kintsugi_appended_events_total 2",
            "kintsugi_commit_batch_size_bucket{le=\"1\"} 1",
            "kintsugi_commit_batch_size_bucket{le=\"4\"} 2",
            "kintsugi_commit_batch_size_bucket{le=\"+Inf\"} 2",
            "kintsugi_commit_batch_size_sum 5",
            "kintsugi_commit_batch_size_count 2",
            "kintsugi_commit_queue_actions 3",
            "kintsugi_session_cache_hits_total 1",
            "kintsugi_projection_cache_streams 7",
            "kintsugi_projection_cache_bytes 4096",
            "kintsugi_projection_cache_evictions_total 3",
            "kintsugi_projection_snapshot_restores_total 4",
            "kintsugi_projection_snapshots_written_total 5",
        ] {
            assert!(
                page.lines().any(|l| l == line),
                "missing {line:?} in\n{page}"
            );
        }
        // Every label is one of the fixed words above.
        let labels: std::collections::BTreeSet<&str> = page
            .match_indices('"')
            .collect::<Vec<_>>()
            .chunks(2)
            .filter_map(|pair| match pair {
                [(open, _), (close, _)] => Some(&page[open + 1..*close]),
                _ => None,
            })
            .filter(|value| value.parse::<f64>().is_err() && *value != "+Inf")
            .collect();
        let allowed = [
            "pages", "forms", "auth", "static", "1xx", "2xx", "3xx", "4xx", "5xx",
        ];
        assert!(labels.iter().all(|l| allowed.contains(l)), "{labels:?}");
    }
}
