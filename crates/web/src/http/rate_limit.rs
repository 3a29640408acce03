//! Fixed-window attempt counting for login, registration and recovery.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct RateLimiter {
    max: u32,
    window: Duration,
    counts: Mutex<HashMap<String, (Instant, u32)>>,
}

/// Past this many tracked keys, expired windows are swept on the next hit.
const SWEEP_AT: usize = 10_000;

impl RateLimiter {
    pub fn new(max: u32, window: Duration) -> Self {
        Self {
            max,
            window,
            counts: Mutex::new(HashMap::new()),
        }
    }

    /// Counts an attempt for each key; `false` if any key is over its limit.
    pub fn allow(&self, keys: &[&str]) -> bool {
        let now = Instant::now();
        let mut counts = self
            .counts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if counts.len() > SWEEP_AT {
            counts.retain(|_, (start, _)| now.duration_since(*start) < self.window);
        }
        let mut allowed = true;
        for key in keys {
            let entry = counts.entry((*key).to_owned()).or_insert((now, 0));
            if now.duration_since(entry.0) >= self.window {
                *entry = (now, 0);
            }
            entry.1 = entry.1.saturating_add(1);
            allowed &= entry.1 <= self.max;
        }
        allowed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attempts_past_the_limit_are_refused_per_key() {
        let limiter = RateLimiter::new(2, Duration::from_secs(60));
        assert!(limiter.allow(&["ip:1", "email:a"]));
        assert!(limiter.allow(&["ip:1", "email:a"]));
        assert!(
            !limiter.allow(&["ip:1", "email:b"]),
            "the address is over its limit"
        );
        assert!(
            limiter.allow(&["ip:2", "email:b"]),
            "another address and email still pass"
        );
        assert!(
            !limiter.allow(&["ip:3", "email:a"]),
            "the email is over its limit from anywhere"
        );
    }

    #[test]
    fn a_new_window_starts_afresh() {
        let limiter = RateLimiter::new(1, Duration::from_millis(0));
        assert!(limiter.allow(&["k"]));
        assert!(limiter.allow(&["k"]));
    }
}
