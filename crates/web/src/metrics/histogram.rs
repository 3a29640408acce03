//! A Prometheus histogram on atomics: fixed buckets, a count and a sum.

use std::sync::atomic::{AtomicU64, Ordering};

/// Seconds: from a tenth of a millisecond (a cached page) to ten seconds.
pub(super) const LATENCY_BOUNDS: &[f64] = &[
    0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1.0, 10.0,
];

pub(super) struct Histogram {
    pub(super) bounds: &'static [f64],
    /// Observations per bucket (not cumulative here; `snapshot` sums).
    buckets: Vec<AtomicU64>,
    count: AtomicU64,
    /// The sum in millionths, so that it fits an atomic integer.
    sum_millionths: AtomicU64,
}

/// A histogram read at one moment.
pub(super) struct Snapshot {
    /// Cumulative counts, one per bound.
    pub cumulative: Vec<u64>,
    pub count: u64,
    pub sum: f64,
}

impl Histogram {
    pub(super) fn new(bounds: &'static [f64]) -> Histogram {
        Histogram {
            bounds,
            buckets: bounds.iter().map(|_| AtomicU64::new(0)).collect(),
            count: AtomicU64::new(0),
            sum_millionths: AtomicU64::new(0),
        }
    }

    pub(super) fn observe(&self, value: f64) {
        if let Some(bucket) = self.bounds.iter().position(|bound| value <= *bound) {
            self.buckets[bucket].fetch_add(1, Ordering::Relaxed);
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        // Truncation is fine: a millionth of a second (or of an action).
        let millionths = (value.max(0.0) * 1_000_000.0) as u64;
        self.sum_millionths.fetch_add(millionths, Ordering::Relaxed);
    }

    pub(super) fn snapshot(&self) -> Snapshot {
        let mut running = 0;
        let cumulative = self
            .buckets
            .iter()
            .map(|bucket| {
                running += bucket.load(Ordering::Relaxed);
                running
            })
            .collect();
        Snapshot {
            cumulative,
            count: self.count.load(Ordering::Relaxed),
            sum: self.sum_millionths.load(Ordering::Relaxed) as f64 / 1_000_000.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_cumulative_and_the_sum_and_count_are_kept() {
        let histogram = Histogram::new(LATENCY_BOUNDS);
        for value in [0.000_05, 0.002, 0.002, 20.0] {
            histogram.observe(value);
        }
        let snapshot = histogram.snapshot();
        assert_eq!(snapshot.cumulative[0], 1, "at or below 0.1 ms");
        assert_eq!(snapshot.cumulative[4], 3, "at or below 2.5 ms");
        assert_eq!(snapshot.cumulative.last(), Some(&3), "20 s is past 10 s");
        assert_eq!(snapshot.count, 4, "+Inf holds every observation");
        assert!((snapshot.sum - 20.004_05).abs() < 1e-6);
    }
}
