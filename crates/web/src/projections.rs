//! Projections kept in memory, one per stream, caught up from the store by
//! reading only the events after the cached `seq`. Appends go through here
//! too, so a decision is always made against the newest state and a race
//! with another writer (another instance on the same PostgreSQL) is retried
//! rather than forked.

use crate::app::error::{AppError, AppResult};
use kintsugi_core::{Meta, Projection, UserId};
use kintsugi_store::{Hash, NewEvent, Store, StoredEvent};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::{OwnedRwLockReadGuard, OwnedRwLockWriteGuard, RwLock};

/// A projection and the hash of the last event folded into it.
#[derive(Default)]
pub struct Cached<P> {
    pub state: P,
    pub head: Option<Hash>,
}

pub struct ProjectionCache<P> {
    streams: Mutex<HashMap<String, Arc<RwLock<Cached<P>>>>>,
}

impl<P> Default for ProjectionCache<P> {
    fn default() -> Self {
        Self {
            streams: Mutex::new(HashMap::new()),
        }
    }
}

impl<P: Projection> ProjectionCache<P> {
    fn slot(&self, stream_id: &str) -> Arc<RwLock<Cached<P>>> {
        let mut streams = self
            .streams
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        streams.entry(stream_id.to_owned()).or_default().clone()
    }

    /// Drops what this instance holds of a stream that was destroyed:
    /// nothing of it stays in memory.
    pub fn forget(&self, stream_id: &str) {
        self.streams
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(stream_id);
    }

    /// How many streams this cache holds.
    pub fn len(&self) -> usize {
        self.streams
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A look at what this instance already holds of a stream, without
    /// reading the store or waiting: `None` when it holds nothing of it
    /// yet, or the stream is being written just now.
    pub fn peek<T>(&self, stream_id: &str, look: impl FnOnce(&Cached<P>) -> T) -> Option<T> {
        let slot = {
            let streams = self
                .streams
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            streams.get(stream_id)?.clone()
        };
        let cached = slot.try_read().ok()?;
        Some(look(&cached))
    }

    /// The stream's current state, caught up with the store.
    pub async fn read(
        &self,
        store: &dyn Store,
        stream_id: &str,
    ) -> AppResult<OwnedRwLockReadGuard<Cached<P>>> {
        Ok(self.lock(store, stream_id).await?.downgrade())
    }

    /// The stream's state, caught up, held for writing: nothing else reads
    /// or writes this stream through this cache until the guard is dropped.
    pub async fn lock(
        &self,
        store: &dyn Store,
        stream_id: &str,
    ) -> AppResult<OwnedRwLockWriteGuard<Cached<P>>> {
        let mut cached = self.slot(stream_id).write_owned().await;
        catch_up(&mut cached, store, stream_id).await?;
        Ok(cached)
    }
}

impl<P: Projection> Cached<P> {
    /// Folds in what was just written to this stream (in order, right after
    /// the cached `seq`), so the cache needs no round trip to the store.
    pub fn fold_written(&mut self, written: &[StoredEvent], events: &[P::Event]) -> AppResult<()> {
        for (row, event) in written.iter().zip(events) {
            self.state.apply(&meta_of(row)?, event);
            self.head = Some(row.hash);
        }
        Ok(())
    }
}

pub(crate) fn encode<P: Projection>(actor: UserId, event: &P::Event) -> AppResult<NewEvent> {
    let payload = serde_json::to_vec(event)
        .map_err(|e| AppError::Internal(format!("encoding an event: {e}")))?;
    Ok(NewEvent {
        author: actor.to_string(),
        kind: P::kind(event).to_owned(),
        payload,
    })
}

fn meta_of(row: &StoredEvent) -> AppResult<Meta> {
    let author = row.author.parse::<UserId>().map_err(|_| {
        AppError::Internal(format!(
            "stream {} seq {}: author is not a user id",
            row.stream_id, row.seq
        ))
    })?;
    Ok(Meta {
        seq: row.seq,
        author,
        at: row.created_at,
    })
}

impl<P: Projection> Cached<P> {
    /// Whether any of `events` removes the payload of an event this state
    /// may have folded: then it is folded again from the stream.
    pub fn redacted_by(events: &[P::Event]) -> bool {
        events.iter().any(|event| P::redacts(event).is_some())
    }

    /// Folds the stream again from its first event, as a fresh instance
    /// would: what a withdrawal removed is skipped, never remembered.
    pub async fn rebuild(&mut self, store: &dyn Store, stream_id: &str) -> AppResult<()> {
        *self = Cached::default();
        catch_up(self, store, stream_id).await
    }
}

/// Reads the events after the cached `seq` into the cached state. A
/// redaction of an event the state had already folded (a withdrawal written
/// through another instance) makes it fold the whole stream again, fresh:
/// what was withdrawn is never remembered.
async fn catch_up<P: Projection>(
    cached: &mut Cached<P>,
    store: &dyn Store,
    stream_id: &str,
) -> AppResult<()> {
    let folded = cached.state.seq();
    let rows = decode_all::<P>(store.read(stream_id, folded).await?)?;
    let stale = rows.iter().any(|(_, _, event)| {
        event
            .as_ref()
            .and_then(P::redacts)
            .is_some_and(|target| target <= folded)
    });
    let rows = if stale {
        *cached = Cached::default();
        decode_all::<P>(store.read(stream_id, 0).await?)?
    } else {
        rows
    };
    for (meta, hash, event) in rows {
        match event {
            Some(event) => cached.state.apply(&meta, &event),
            None => cached.state.skip(&meta),
        }
        cached.head = Some(hash);
    }
    Ok(())
}

/// A row's facts, its hash, and its decoded event (`None` once redacted).
type Decoded<E> = (Meta, Hash, Option<E>);

/// Each row's facts and its decoded event.
fn decode_all<P: Projection>(rows: Vec<StoredEvent>) -> AppResult<Vec<Decoded<P::Event>>> {
    rows.into_iter()
        .map(|row| {
            let meta = meta_of(&row)?;
            let event = match row.payload.as_deref().map(serde_json::from_slice::<P::Event>) {
                Some(Ok(event)) => Some(event),
                Some(Err(error)) => {
                    // Never skipped: a fold without this event would show the
                    // couple a record that is not theirs. Say where, never what
                    // (serde's message can quote the payload); the error page
                    // reports the place once.
                    tracing::debug!(stream = %row.stream_id, seq = row.seq, category = ?error.classify(), "an event does not decode");
                    return Err(AppError::Unreadable {
                        stream_id: row.stream_id.clone(),
                        seq: row.seq,
                    });
                }
                None => None,
            };
            Ok((meta, row.hash, event))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use kintsugi_core::space::{self, BetrayalInput};
    use kintsugi_core::streams::couple::{CoupleEvent, CoupleState};
    use kintsugi_core::Refusal;
    use kintsugi_store::StoreError;
    use std::sync::Arc;
    use time::OffsetDateTime;

    /// Decides on the newest state held for writing and appends, retrying a
    /// lost race, as `exec::submit` does for a page.
    async fn execute(
        cache: &ProjectionCache<CoupleState>,
        store: &dyn Store,
        stream_id: &str,
        actor: UserId,
        decide: impl Fn(&CoupleState) -> Result<Vec<CoupleEvent>, Refusal>,
    ) -> AppResult<Vec<u64>> {
        let mut last = None;
        for _ in 0..3 {
            let mut cached = cache.lock(store, stream_id).await?;
            let events = decide(&cached.state)?;
            let append = crate::exec::append_for(&cached, stream_id, actor, &events)?;
            match store.commit(vec![append], None).await {
                Ok(mut written) => {
                    let rows = written.pop().unwrap_or_default();
                    cached.fold_written(&rows, &events)?;
                    return Ok(rows.iter().map(|r| r.seq).collect());
                }
                Err(conflict @ StoreError::Conflict { .. }) => last = Some(conflict),
                Err(other) => return Err(other.into()),
            }
        }
        Err(AppError::Store(last.expect("three attempts")))
    }

    async fn sqlite_store(dir: &tempfile::TempDir) -> Arc<dyn Store> {
        let key = kintsugi_store::MasterKey::generate();
        let url = format!("sqlite://{}", dir.path().join("k.db").display());
        kintsugi_store::open(&url, key).await.unwrap()
    }

    fn betrayal(hurt: &str) -> BetrayalInput {
        BetrayalInput {
            kind: "deception".into(),
            hurt: hurt.into(),
            ..BetrayalInput::default()
        }
    }

    /// `creator` makes the space of `stream_id` through `cache`.
    async fn create_space(
        cache: &ProjectionCache<CoupleState>,
        store: &dyn Store,
        stream_id: &str,
        creator: UserId,
    ) {
        let now = OffsetDateTime::now_utc();
        execute(cache, store, stream_id, creator, |_| {
            Ok(space::create_space(&betrayal("me"), now)?
                .into_iter()
                .map(CoupleEvent::Space)
                .collect())
        })
        .await
        .unwrap();
    }

    /// Two caches on one store behave like two app instances on one
    /// PostgreSQL: each sees what the other appended.
    #[tokio::test]
    async fn a_cache_catches_up_with_what_another_instance_appended() {
        let dir = tempfile::tempdir().unwrap();
        let store = sqlite_store(&dir).await;
        let (first, second) = (
            ProjectionCache::<CoupleState>::default(),
            ProjectionCache::<CoupleState>::default(),
        );
        let creator = UserId(uuid::Uuid::new_v4());
        let partner = UserId(uuid::Uuid::new_v4());
        create_space(&first, store.as_ref(), "couple:t", creator).await;
        execute(&second, store.as_ref(), "couple:t", partner, |state| {
            space::join(&state.space, partner).map(|e| vec![CoupleEvent::Space(e)])
        })
        .await
        .unwrap();

        let seen = first.read(store.as_ref(), "couple:t").await.unwrap();
        assert_eq!(seen.state.seq, 3);
        assert_eq!(seen.state.space.invitee, Some(partner));
        let head = store.head("couple:t").await.unwrap().unwrap();
        assert_eq!(
            seen.head,
            Some(head.hash),
            "the cached head is the store's head"
        );
        drop(seen);

        // A decision in the first instance is made against the newest state.
        let refused = execute(
            &first,
            store.as_ref(),
            "couple:t",
            UserId(uuid::Uuid::new_v4()),
            |state| space::join(&state.space, partner).map(|e| vec![CoupleEvent::Space(e)]),
        )
        .await;
        assert!(matches!(refused, Err(AppError::Conflict(_))));
    }

    /// An instance that had folded an entry, catching up with its
    /// withdrawal written through another instance, folds the stream again
    /// fresh: it keeps nothing of the entry, and holds exactly what a cold
    /// instance holds.
    #[tokio::test]
    async fn a_withdrawal_caught_up_refolds_the_stream_fresh() {
        use kintsugi_core::truth::{self, DisclosureInput};
        use kintsugi_core::withdrawal;
        let dir = tempfile::tempdir().unwrap();
        let store = sqlite_store(&dir).await;
        let (writer, warm) = (
            ProjectionCache::<CoupleState>::default(),
            ProjectionCache::<CoupleState>::default(),
        );
        let (hurt, involved) = (UserId(uuid::Uuid::new_v4()), UserId(uuid::Uuid::new_v4()));
        create_space(&writer, store.as_ref(), "couple:w", hurt).await;
        let join = |state: &CoupleState| {
            space::join(&state.space, involved).map(|e| vec![CoupleEvent::Space(e)])
        };
        execute(&writer, store.as_ref(), "couple:w", involved, join)
            .await
            .unwrap();
        let input = DisclosureInput {
            text: "MARKER-withdrawn".into(),
            ..DisclosureInput::default()
        };
        let now = OffsetDateTime::now_utc();
        let disclose = |state: &CoupleState| {
            truth::volunteer(&state.space, involved, now, &input).map(|e| vec![e.into()])
        };
        let written = execute(&writer, store.as_ref(), "couple:w", involved, disclose).await;
        let entry = kintsugi_core::EntryId(written.unwrap()[0]);
        let seen = warm.read(store.as_ref(), "couple:w").await.unwrap();
        assert!(format!("{:?}", seen.state).contains("MARKER-withdrawn"));
        drop(seen);

        let take_back = |state: &CoupleState| {
            withdrawal::withdraw(&state.withdrawals, involved, entry).map(|e| vec![e.into()])
        };
        execute(&writer, store.as_ref(), "couple:w", involved, take_back)
            .await
            .unwrap();
        let caught_up = warm.read(store.as_ref(), "couple:w").await.unwrap();
        let cold = ProjectionCache::<CoupleState>::default();
        let fresh = cold.read(store.as_ref(), "couple:w").await.unwrap();
        let (caught_up, fresh) = (
            format!("{:?}", caught_up.state),
            format!("{:?}", fresh.state),
        );
        assert!(!caught_up.contains("MARKER-withdrawn"));
        assert_eq!(caught_up, fresh);
        let report = store
            .verify_with(&crate::record::DomainEvents)
            .await
            .unwrap();
        assert_eq!(report.first_break, None);
    }

    /// Writers racing from two instances never fork the chain: each append
    /// either lands (and every cache sees it) or is refused as a conflict.
    #[tokio::test]
    async fn racing_instances_never_fork_a_stream() {
        let dir = tempfile::tempdir().unwrap();
        let store = sqlite_store(&dir).await;
        let caches = Arc::new([
            ProjectionCache::<CoupleState>::default(),
            ProjectionCache::<CoupleState>::default(),
        ]);
        let creator = UserId(uuid::Uuid::new_v4());
        let now = OffsetDateTime::now_utc();
        create_space(&caches[0], store.as_ref(), "couple:r", creator).await;

        let writers = (0..16).map(|n| {
            let (store, caches) = (store.clone(), caches.clone());
            tokio::spawn(async move {
                execute(
                    &caches[n % 2],
                    store.as_ref(),
                    "couple:r",
                    creator,
                    |state| {
                        space::record_betrayal(&state.space, creator, &betrayal("partner"), now)
                            .map(|e| vec![CoupleEvent::Space(e)])
                    },
                )
                .await
            })
        });
        let mut landed = 0;
        for writer in writers.collect::<Vec<_>>() {
            match writer.await.unwrap() {
                Ok(seqs) => landed += seqs.len(),
                Err(AppError::Store(StoreError::Conflict { .. })) => {}
                Err(other) => panic!("unexpected: {other}"),
            }
        }
        assert!(landed >= 2);
        for cache in caches.iter() {
            let state = cache.read(store.as_ref(), "couple:r").await.unwrap();
            assert_eq!(state.state.space.betrayals.len(), 1 + landed);
        }
        let report = store.verify().await.unwrap();
        assert_eq!(report.first_break, None);
        assert_eq!(report.events, 2 + landed as u64);
    }
}
