//! Growing delays after failed attempts, counted in the store so that
//! several app instances share them. A counter is keyed by a hash of what
//! it counts (an email and a client, a client alone, an account): no email
//! or address is written down. A throttled attempt is refused before any
//! password hashing runs, and is not counted itself.

use crate::app::config::Limits;
use crate::app::error::{AppError, AppResult};
use crate::app::state::AppState;
use kintsugi_store::Hash;
use sha2::{Digest, Sha256};
use std::time::Duration;

/// One thing attempts are counted under, and how many failures it is
/// allowed before it has to wait.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counter {
    key: Hash,
    free: u32,
}

impl Counter {
    /// A counter in `scope` ("login", "register"…) for `parts`; each part is
    /// length-prefixed, so no two lists of parts share a key.
    pub fn new(scope: &str, parts: &[&str], free: u32) -> Self {
        let mut hasher = Sha256::new();
        for part in std::iter::once(scope).chain(parts.iter().copied()) {
            hasher.update((part.len() as u64).to_be_bytes());
            hasher.update(part.as_bytes());
        }
        Self {
            key: hasher.finalize().into(),
            free,
        }
    }
}

/// How long the attempt after `failures` failures has to wait: nothing
/// while they are within `free`, then the first delay, doubling with each
/// further failure up to the longest.
pub fn wait_after(limits: &Limits, free: u32, failures: u32) -> Duration {
    if failures < free {
        return Duration::ZERO;
    }
    let doublings = (failures - free).min(30);
    limits
        .auth_first_delay
        .saturating_mul(1_u32 << doublings)
        .min(limits.auth_longest_delay)
}

/// Refuses with 429 (and how long to wait) while any counter is waiting.
pub async fn check(app: &AppState, counters: &[Counter]) -> AppResult<()> {
    let now = app.clock.now();
    let since = now - app.config.limits.auth_window;
    let mut longest = Duration::ZERO;
    for counter in counters {
        let Some(attempts) = app.store.failed_attempts(&counter.key, since).await? else {
            continue;
        };
        let wait = wait_after(&app.config.limits, counter.free, attempts.failures);
        let until = attempts.last_at + wait;
        if until > now {
            let left = Duration::try_from(until - now).unwrap_or(wait);
            longest = longest.max(left);
        }
    }
    if longest.is_zero() {
        Ok(())
    } else {
        // Whole seconds, rounded up: `Retry-After: 0` would invite a retry
        // that is refused again.
        let seconds = longest.as_secs() + u64::from(longest.subsec_nanos() > 0);
        Err(AppError::RateLimited {
            retry_after_seconds: seconds,
        })
    }
}

/// Counts one failure under each counter.
pub async fn count_failure(app: &AppState, counters: &[Counter]) -> AppResult<()> {
    let now = app.clock.now();
    let since = now - app.config.limits.auth_window;
    for counter in counters {
        app.store
            .count_failed_attempt(&counter.key, now, since)
            .await?;
    }
    Ok(())
}

/// Forgets the failures under `counter`, after a success.
pub async fn clear(app: &AppState, counter: &Counter) -> AppResult<()> {
    app.store.clear_failed_attempts(&counter.key).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_start_after_the_free_attempts_and_double_up_to_the_longest() {
        let limits = Limits {
            auth_first_delay: Duration::from_secs(5),
            auth_longest_delay: Duration::from_secs(60),
            ..Limits::default()
        };
        assert_eq!(wait_after(&limits, 3, 2), Duration::ZERO);
        assert_eq!(wait_after(&limits, 3, 3), Duration::from_secs(5));
        assert_eq!(wait_after(&limits, 3, 4), Duration::from_secs(10));
        assert_eq!(wait_after(&limits, 3, 6), Duration::from_secs(40));
        assert_eq!(wait_after(&limits, 3, 7), Duration::from_secs(60));
        assert_eq!(wait_after(&limits, 3, u32::MAX), Duration::from_secs(60));
    }

    #[test]
    fn counters_differ_by_scope_and_by_how_parts_split() {
        let a = Counter::new("login", &["sam@example.org", "address:1.2.3.4"], 5);
        assert_eq!(
            a,
            Counter::new("login", &["sam@example.org", "address:1.2.3.4"], 5)
        );
        assert_ne!(
            a.key,
            Counter::new("recover", &["sam@example.org", "address:1.2.3.4"], 5).key
        );
        assert_ne!(
            Counter::new("login", &["ab", "c"], 5).key,
            Counter::new("login", &["a", "bc"], 5).key
        );
    }
}
