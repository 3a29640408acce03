//! What the session middleware found for a session token (the session,
//! its idle limit, whether the person has a space, their zone), kept in
//! memory so that most requests ask the store nothing about who they are.
//!
//! An entry lives one second (on the monotonic clock, whatever the app's
//! clock says). That bounds how long another instance can go on honouring
//! a session ended elsewhere, a password change or a new membership,
//! without any channel between instances: at most one read per session
//! and second reaches the store. On this instance every such change clears
//! the cache at once (`clear`). The idle and absolute time-outs are judged
//! on every hit against the app's clock, and the last-seen touch is still
//! written at most once a minute.

use crate::app::clock::Zone;
use crate::app::layout::Visitor;
use kintsugi_store::{Hash, SessionRecord};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long an entry is trusted before the store is asked again.
const LIFETIME: Duration = Duration::from_secs(1);
/// Past this many entries, a new one first sweeps out the stale ones.
const SWEEP_ABOVE: usize = 4_096;

/// Who a session token belongs to, as the store said within the last second.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub record: SessionRecord,
    pub idle_limit: time::Duration,
    pub visitor: Visitor,
    pub zone: Option<Zone>,
    /// The couple space the person is a member of.
    pub couple: Option<uuid::Uuid>,
}

#[derive(Default)]
pub struct SessionCache {
    entries: Mutex<HashMap<Hash, (Resolved, Instant)>>,
}

impl SessionCache {
    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<Hash, (Resolved, Instant)>> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The entry for `token_hash`, if it is younger than a second.
    pub fn get(&self, token_hash: &Hash) -> Option<Resolved> {
        let mut entries = self.entries();
        match entries.get(token_hash) {
            Some((resolved, at)) if at.elapsed() < LIFETIME => Some(resolved.clone()),
            Some(_) => {
                entries.remove(token_hash);
                None
            }
            None => None,
        }
    }

    pub fn put(&self, token_hash: Hash, resolved: Resolved) {
        let mut entries = self.entries();
        if entries.len() >= SWEEP_ABOVE {
            entries.retain(|_, (_, at)| at.elapsed() < LIFETIME);
        }
        entries.insert(token_hash, (resolved, Instant::now()));
    }

    /// The session's last-seen time was just written: the entry keeps it,
    /// so the next touch waits its minute.
    pub fn touched(&self, token_hash: &Hash, at: time::OffsetDateTime) {
        if let Some((resolved, _)) = self.entries().get_mut(token_hash) {
            resolved.record.last_seen_at = at;
        }
    }

    pub fn remove(&self, token_hash: &Hash) {
        self.entries().remove(token_hash);
    }

    /// Forgets everything: a session ended, a password, a zone, an idle
    /// limit or a membership changed. Such changes are rare next to the
    /// requests that read the cache, so nothing finer is needed.
    pub fn clear(&self) {
        self.entries().clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;
    use uuid::Uuid;

    fn resolved() -> Resolved {
        let at = datetime!(2026-12-01 09:00 UTC);
        Resolved {
            record: SessionRecord {
                id: Uuid::new_v4(),
                user_id: Uuid::new_v4(),
                token_hash: [1; 32],
                created_at: at,
                last_seen_at: at,
                device: "a phone".into(),
            },
            idle_limit: time::Duration::minutes(30),
            visitor: Visitor::WithoutSpace,
            zone: None,
            couple: None,
        }
    }

    #[test]
    fn an_entry_is_served_until_removed_or_cleared() {
        let cache = SessionCache::default();
        assert!(cache.get(&[1; 32]).is_none());
        cache.put([1; 32], resolved());
        cache.put([2; 32], resolved());
        assert!(cache.get(&[1; 32]).is_some());
        cache.remove(&[1; 32]);
        assert!(cache.get(&[1; 32]).is_none());
        assert!(cache.get(&[2; 32]).is_some());
        cache.clear();
        assert!(cache.get(&[2; 32]).is_none());
    }

    #[test]
    fn an_entry_older_than_a_second_is_not_served() {
        let cache = SessionCache::default();
        cache.put([1; 32], resolved());
        std::thread::sleep(LIFETIME + Duration::from_millis(20));
        assert!(cache.get(&[1; 32]).is_none());
    }

    #[test]
    fn a_touch_is_kept_in_the_entry() {
        let cache = SessionCache::default();
        cache.put([1; 32], resolved());
        let later = datetime!(2026-12-01 09:05 UTC);
        cache.touched(&[1; 32], later);
        assert_eq!(
            cache.get(&[1; 32]).map(|r| r.record.last_seen_at),
            Some(later)
        );
    }
}
