//! Projections kept in memory, one per stream, caught up from the store by
//! reading only the events after the cached `seq`. Appends go through here
//! too, so a decision is always made against the newest state and a race
//! with another writer (another instance on the same PostgreSQL) is retried
//! rather than forked.

use crate::app::error::{AppError, AppResult};
use kintsugi_core::kernel::snapshot::STATE_FORMAT;
use kintsugi_core::{Meta, Projection, UserId};
use kintsugi_store::{Hash, NewEvent, Snapshot, Store, StoredEvent};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::{OwnedRwLockReadGuard, OwnedRwLockWriteGuard, RwLock};

/// A projection and the hash of the last event folded into it.
#[derive(Default)]
pub struct Cached<P> {
    pub state: P,
    pub head: Option<Hash>,
    /// Roughly what the state holds in memory: the bytes of every event
    /// folded in, plus a little for each (or, restored from a snapshot,
    /// the snapshot's bytes and a little for each event it folded, plus
    /// the events folded on).
    pub weight: usize,
    /// Witnesses (a `seq` and the hash a person saw there) the store has
    /// already found in this stream: the record is append-only, so one
    /// found once is not asked for again while this projection is held.
    witnessed: Mutex<Vec<(u64, Hash)>>,
    /// The `seq` of the stream's newest snapshot as this instance knows
    /// it (the one it was restored from, or the last it wrote or is
    /// writing); 0 for none. Shared with the task writing one, which puts
    /// the one before back if the stream moved on first, so the next read
    /// tries again.
    snapshot_seq: Arc<AtomicU64>,
}

/// How many found witnesses a projection remembers: each partner's own,
/// and a visit or two behind.
const WITNESSES_KEPT: usize = 4;

/// What one event is taken to cost in memory beside its payload's bytes.
const EVENT_OVERHEAD: usize = 96;

/// How many events a state folds beyond its stream's last snapshot before
/// a new snapshot is written: a projection let go from memory then comes
/// back from the snapshot and at most this many events.
pub const SNAPSHOT_EVERY: u64 = 256;

/// One stream's projection in the cache, and when it was last asked for.
struct Slot<P> {
    cell: Arc<RwLock<Cached<P>>>,
    weight: usize,
    used: u64,
}

struct Slots<P> {
    by_stream: HashMap<String, Slot<P>>,
    /// The sum of every slot's weight.
    weight: usize,
    /// Counts up with every use: the least recently used has the smallest.
    clock: u64,
}

/// The projections of one kind of stream, least recently used evicted
/// first once their weight passes the budget. An evicted stream is folded
/// again from the store when next asked for.
pub struct ProjectionCache<P> {
    slots: Mutex<Slots<P>>,
    budget: usize,
    evictions: AtomicU64,
    /// Where snapshots are written (see `save_snapshot_if_due`); `None`
    /// writes none, though a stream's snapshot is still read.
    snapshots: Option<Arc<dyn Store>>,
    /// How many states came back from a snapshot.
    restored: AtomicU64,
    /// How many snapshots the tasks of this cache wrote.
    written: Arc<AtomicU64>,
}

impl<P> Default for ProjectionCache<P> {
    fn default() -> Self {
        Self::with_budget(usize::MAX)
    }
}

impl<P> ProjectionCache<P> {
    /// A cache that keeps its projections' weight within `budget` bytes,
    /// save for those in use at the moment.
    pub fn with_budget(budget: usize) -> Self {
        Self {
            slots: Mutex::new(Slots {
                by_stream: HashMap::new(),
                weight: 0,
                clock: 0,
            }),
            budget,
            evictions: AtomicU64::new(0),
            snapshots: None,
            restored: AtomicU64::new(0),
            written: Arc::default(),
        }
    }

    /// The same cache, writing a snapshot of a state to `store` each time
    /// it folded [`SNAPSHOT_EVERY`] events beyond the last one.
    pub fn saving_snapshots_to(mut self, store: Arc<dyn Store>) -> Self {
        self.snapshots = Some(store);
        self
    }

    /// How many states came back from a snapshot rather than a fold of
    /// their whole stream.
    pub fn restored(&self) -> u64 {
        self.restored.load(Ordering::Relaxed)
    }

    /// How many snapshots this cache wrote to the store.
    pub fn snapshots_written(&self) -> u64 {
        self.written.load(Ordering::Relaxed)
    }

    fn slots(&self) -> std::sync::MutexGuard<'_, Slots<P>> {
        self.slots
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// How many projections were evicted to keep within the budget.
    pub fn evictions(&self) -> u64 {
        self.evictions.load(Ordering::Relaxed)
    }

    /// The weight of everything held now.
    pub fn weight(&self) -> usize {
        self.slots().weight
    }
}

impl<P: Projection> ProjectionCache<P> {
    fn slot(&self, stream_id: &str) -> Arc<RwLock<Cached<P>>> {
        let mut slots = self.slots();
        slots.clock += 1;
        let used = slots.clock;
        let slot = slots
            .by_stream
            .entry(stream_id.to_owned())
            .or_insert_with(|| Slot {
                cell: Arc::default(),
                weight: 0,
                used,
            });
        slot.used = used;
        slot.cell.clone()
    }

    /// Records what `stream_id`'s projection weighs now, and evicts the
    /// least recently used projections nobody holds while the cache weighs
    /// more than its budget.
    fn weigh(&self, stream_id: &str, weight: usize) {
        let mut slots = self.slots();
        let Some(slot) = slots.by_stream.get_mut(stream_id) else {
            return;
        };
        let before = std::mem::replace(&mut slot.weight, weight);
        slots.weight = slots.weight - before + weight;
        if slots.weight <= self.budget {
            return;
        }
        let mut idle: Vec<(u64, String)> = slots
            .by_stream
            .iter()
            .filter(|(id, slot)| id.as_str() != stream_id && Arc::strong_count(&slot.cell) == 1)
            .map(|(id, slot)| (slot.used, id.clone()))
            .collect();
        idle.sort_unstable();
        for (_, id) in idle {
            if slots.weight <= self.budget {
                break;
            }
            if let Some(evicted) = slots.by_stream.remove(&id) {
                slots.weight -= evicted.weight;
                self.evictions.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// Drops what this instance holds of a stream that was destroyed:
    /// nothing of it stays in memory.
    pub fn forget(&self, stream_id: &str) {
        let mut slots = self.slots();
        if let Some(slot) = slots.by_stream.remove(stream_id) {
            slots.weight -= slot.weight;
        }
    }

    /// How many streams this cache holds.
    pub fn len(&self) -> usize {
        self.slots().by_stream.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A look at what this instance already holds of a stream, without
    /// reading the store or waiting: `None` when it holds nothing of it
    /// yet, or the stream is being written just now.
    pub fn peek<T>(&self, stream_id: &str, look: impl FnOnce(&Cached<P>) -> T) -> Option<T> {
        let cell = self.slots().by_stream.get(stream_id)?.cell.clone();
        let cached = cell.try_read().ok()?;
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
        if catch_up(&mut cached, store, stream_id).await? {
            self.restored.fetch_add(1, Ordering::Relaxed);
        }
        self.save_snapshot_if_due(&mut cached, stream_id);
        self.weigh(stream_id, cached.weight);
        Ok(cached)
    }

    /// Once a state holds [`SNAPSHOT_EVERY`] events beyond its stream's
    /// last snapshot, writes a new one: serialised here, under the lock,
    /// and written by a task of its own, so no page waits for the store;
    /// a write that fails is logged, never shown. The store writes it only
    /// while the stream's head is still the state's (a withdrawal landing
    /// meanwhile wins), encrypted under the stream's own data key: a
    /// private stream's snapshot is as private as its events.
    fn save_snapshot_if_due(&self, cached: &mut Cached<P>, stream_id: &str) {
        let Some(store) = &self.snapshots else {
            return;
        };
        let seq = cached.state.seq();
        let Some(head) = cached.head else {
            return;
        };
        let before = cached.snapshot_seq();
        if seq < before.saturating_add(SNAPSHOT_EVERY) {
            return;
        }
        cached.snapshot_seq.store(seq, Ordering::Relaxed);
        let Some(state) = cached.state.to_snapshot() else {
            tracing::warn!(stream = stream_id, seq, "a state did not serialise");
            return;
        };
        let snapshot = Snapshot {
            seq,
            format: STATE_FORMAT,
            head,
            state,
        };
        let (store, stream_id) = (store.clone(), stream_id.to_owned());
        let (known, written) = (cached.snapshot_seq.clone(), self.written.clone());
        tokio::spawn(async move {
            match store.save_snapshot(&stream_id, &snapshot).await {
                Ok(true) => {
                    written.fetch_add(1, Ordering::Relaxed);
                }
                Ok(false) => {
                    tracing::debug!(stream = %stream_id, seq, "the stream moved on before its snapshot was written");
                    // Unless a newer one is on its way: try at the next read.
                    let _ =
                        known.compare_exchange(seq, before, Ordering::Relaxed, Ordering::Relaxed);
                }
                Err(error) => {
                    tracing::warn!(stream = %stream_id, seq, %error, "a snapshot was not written");
                }
            }
        });
    }
}

impl<P> Cached<P> {
    /// The `seq` of the stream's newest snapshot as this instance knows it.
    pub fn snapshot_seq(&self) -> u64 {
        self.snapshot_seq.load(Ordering::Relaxed)
    }
}

impl<P> Cached<P> {
    /// Whether the store already found the event `seq` with `hash` in this
    /// stream.
    pub fn has_witnessed(&self, seq: u64, hash: &Hash) -> bool {
        self.witnesses().contains(&(seq, *hash))
    }

    /// Remembers that the store found the event `seq` with `hash` here.
    pub fn witnessed(&self, seq: u64, hash: Hash) {
        let mut kept = self.witnesses();
        if kept.contains(&(seq, hash)) {
            return;
        }
        if kept.len() == WITNESSES_KEPT {
            kept.remove(0);
        }
        kept.push((seq, hash));
    }

    fn witnesses(&self) -> std::sync::MutexGuard<'_, Vec<(u64, Hash)>> {
        self.witnessed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl<P: Projection> Cached<P> {
    /// Folds in what was just written to this stream (in order, right after
    /// the cached `seq`), so the cache needs no round trip to the store.
    pub fn fold_written(&mut self, written: &[StoredEvent], events: &[P::Event]) -> AppResult<()> {
        for (row, event) in written.iter().zip(events) {
            self.state.apply(&meta_of(row)?, event);
            self.head = Some(row.hash);
            self.weight += weight_of(row);
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
        catch_up(self, store, stream_id).await.map(drop)
    }
}

/// Reads the events after the cached `seq` into the cached state; an empty
/// state first comes back from the stream's snapshot, when it has one (then
/// `true`). A redaction of an event the state had already folded (a
/// withdrawal written through another instance, or after the snapshot was
/// written — even one put back by hand) makes it fold the whole stream
/// again, fresh: what was withdrawn is never remembered.
async fn catch_up<P: Projection>(
    cached: &mut Cached<P>,
    store: &dyn Store,
    stream_id: &str,
) -> AppResult<bool> {
    let restored = cached.state.seq() == 0 && restore(cached, store, stream_id).await?;
    let folded = cached.state.seq();
    let mut read = store.read(stream_id, folded).await?;
    let mut rows = decode_all::<P>(&read)?;
    let stale = rows.iter().any(|(_, _, event)| {
        event
            .as_ref()
            .and_then(P::redacts)
            .is_some_and(|target| target <= folded)
    });
    if stale {
        *cached = Cached::default();
        read = store.read(stream_id, 0).await?;
        rows = decode_all::<P>(&read)?;
    }
    for (meta, hash, event) in rows {
        match event {
            Some(event) => cached.state.apply(&meta, &event),
            None => cached.state.skip(&meta),
        }
        cached.head = Some(hash);
    }
    cached.weight += read.iter().map(weight_of).sum::<usize>();
    Ok(restored && !stale)
}

/// Puts the stream's snapshot in place of an empty state, when the store
/// has one of this version's `STATE_FORMAT` that opens and decodes; `false`
/// leaves the state empty, to be folded from the first event. Why one was
/// not used is logged at debug by stream and `seq`, never what it holds.
async fn restore<P: Projection>(
    cached: &mut Cached<P>,
    store: &dyn Store,
    stream_id: &str,
) -> AppResult<bool> {
    let Some(snapshot) = store.load_snapshot(stream_id, STATE_FORMAT).await? else {
        return Ok(false);
    };
    let seq = snapshot.seq;
    let Some(state) = P::from_snapshot(&snapshot.state) else {
        tracing::debug!(stream = stream_id, seq, "a snapshot does not decode");
        return Ok(false);
    };
    if state.seq() != seq {
        tracing::debug!(stream = stream_id, seq, "a snapshot holds another seq");
        return Ok(false);
    }
    *cached = Cached {
        state,
        head: Some(snapshot.head),
        // As a fold of its events would weigh: the snapshot's bytes stand
        // for their payloads, and each event it folded costs its overhead,
        // so a restored state is not counted lighter than a folded one.
        weight: snapshot.state.len().saturating_add(
            EVENT_OVERHEAD.saturating_mul(usize::try_from(seq).unwrap_or(usize::MAX)),
        ),
        snapshot_seq: Arc::new(AtomicU64::new(seq)),
        witnessed: Mutex::default(),
    };
    Ok(true)
}

/// What one stored event is taken to weigh in a projection.
fn weight_of(row: &StoredEvent) -> usize {
    row.payload.as_ref().map_or(0, Vec::len) + EVENT_OVERHEAD
}

/// A row's facts, its hash, and its decoded event (`None` once redacted).
type Decoded<E> = (Meta, Hash, Option<E>);

/// Each row's facts and its decoded event.
fn decode_all<P: Projection>(rows: &[StoredEvent]) -> AppResult<Vec<Decoded<P::Event>>> {
    rows.iter()
        .map(|row| {
            let meta = meta_of(row)?;
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

    /// Past its budget the cache lets go of the projections used least
    /// recently and held by nobody; one let go comes back whole from the
    /// store when asked for again.
    #[tokio::test]
    async fn past_its_budget_the_least_recently_used_projection_goes_first() {
        let dir = tempfile::tempdir().unwrap();
        let store = sqlite_store(&dir).await;
        let writer = ProjectionCache::<CoupleState>::default();
        let streams = ["couple:a", "couple:b", "couple:c"];
        for stream in streams {
            create_space(
                &writer,
                store.as_ref(),
                stream,
                UserId(uuid::Uuid::new_v4()),
            )
            .await;
        }
        let one = writer
            .read(store.as_ref(), "couple:a")
            .await
            .unwrap()
            .weight;
        assert!(one > 0, "a projection weighs something");

        // Room for two of the three.
        let cache = ProjectionCache::<CoupleState>::with_budget(one * 2 + one / 2);
        let held = cache.read(store.as_ref(), "couple:a").await.unwrap();
        drop(cache.read(store.as_ref(), "couple:b").await.unwrap());
        drop(cache.read(store.as_ref(), "couple:c").await.unwrap());
        assert_eq!(cache.len(), 2, "one went");
        assert_eq!(cache.evictions(), 1);
        assert!(cache.weight() <= one * 2 + one / 2);
        assert!(
            cache.peek("couple:a", |_| ()).is_some(),
            "the projection held by a request stays, though it was used first"
        );
        assert!(
            cache.peek("couple:b", |_| ()).is_none(),
            "the least recent went"
        );
        drop(held);

        let back = cache.read(store.as_ref(), "couple:b").await.unwrap();
        let fresh = writer.read(store.as_ref(), "couple:b").await.unwrap();
        assert_eq!(back.state.seq, fresh.state.seq);
        assert_eq!(back.head, fresh.head);
        assert_eq!(back.weight, fresh.weight);
        assert_eq!(cache.evictions(), 2, "and made room by letting the next go");
        assert_eq!(cache.len(), 2);
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

    /// `count` more events in `stream_id` (recorded betrayals, by `author`,
    /// in one append), as a long history leaves them.
    async fn grow(
        cache: &ProjectionCache<CoupleState>,
        store: &dyn Store,
        stream_id: &str,
        author: UserId,
        count: usize,
    ) {
        let now = OffsetDateTime::now_utc();
        let cached = cache.read(store, stream_id).await.unwrap();
        let recorded =
            space::record_betrayal(&cached.state.space, author, &betrayal("partner"), now);
        let event = encode::<CoupleState>(author, &CoupleEvent::Space(recorded.unwrap())).unwrap();
        let seq = cached.state.seq;
        drop(cached);
        store
            .append(stream_id, seq, vec![event; count])
            .await
            .unwrap();
    }

    /// The stream's snapshot once the task writing it after `after` is done.
    async fn snapshot_after(store: &dyn Store, stream_id: &str, after: u64) -> Snapshot {
        for _ in 0..500 {
            let found = store.load_snapshot(stream_id, STATE_FORMAT).await.unwrap();
            if let Some(snapshot) = found.filter(|s| s.seq > after) {
                return snapshot;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("no snapshot of {stream_id} was written after {after}");
    }

    /// A projection let go to keep within the budget comes back from its
    /// snapshot plus the events after it, equal to what was let go; and a
    /// first fold of many events writes that snapshot.
    #[tokio::test]
    async fn a_projection_let_go_comes_back_from_its_snapshot() {
        let dir = tempfile::tempdir().unwrap();
        let store = sqlite_store(&dir).await;
        let writer = ProjectionCache::<CoupleState>::default();
        let creator = UserId(uuid::Uuid::new_v4());
        create_space(&writer, store.as_ref(), "couple:long", creator).await;
        grow(&writer, store.as_ref(), "couple:long", creator, 300).await;
        let other = UserId(uuid::Uuid::new_v4());
        create_space(&writer, store.as_ref(), "couple:short", other).await;

        let cache =
            ProjectionCache::<CoupleState>::with_budget(1).saving_snapshots_to(store.clone());
        let first = cache.read(store.as_ref(), "couple:long").await.unwrap();
        let (folded, head) = (format!("{:?}", first.state), first.head);
        assert_eq!(first.state.seq, 302);
        drop(first);
        assert_eq!(cache.restored(), 0, "the first read folds the stream");
        let written = snapshot_after(store.as_ref(), "couple:long", 0).await;
        assert_eq!(written.seq, 302);
        assert_eq!(Some(written.head), head);

        drop(cache.read(store.as_ref(), "couple:short").await.unwrap());
        assert!(cache.peek("couple:long", |_| ()).is_none(), "let go");
        let back = cache.read(store.as_ref(), "couple:long").await.unwrap();
        assert_eq!(cache.restored(), 1, "from the snapshot");
        assert_eq!(format!("{:?}", back.state), folded);
        assert_eq!((back.head, back.snapshot_seq()), (head, 302));
        assert!(back.weight >= written.state.len());
        drop(back);

        // Later events are folded on top of it.
        grow(&writer, store.as_ref(), "couple:long", creator, 3).await;
        drop(cache.read(store.as_ref(), "couple:short").await.unwrap());
        let later = cache.read(store.as_ref(), "couple:long").await.unwrap();
        assert_eq!(cache.restored(), 2);
        let fresh = writer.read(store.as_ref(), "couple:long").await.unwrap();
        assert_eq!(later.state.seq, 305);
        assert_eq!(format!("{:?}", later.state), format!("{:?}", fresh.state));
        assert_eq!(later.head, fresh.head);
        // A snapshot that does not decode is none: the stream is folded.
        let snapshot = Snapshot {
            state: b"not a state".to_vec(),
            ..snapshot_after(store.as_ref(), "couple:long", 0).await
        };
        drop(later);
        store
            .append(
                "couple:long",
                305,
                vec![
                    encode::<CoupleState>(creator, &fresh_betrayal(creator, &fresh.state)).unwrap(),
                ],
            )
            .await
            .unwrap();
        let at_head = store.head("couple:long").await.unwrap().unwrap();
        let broken = Snapshot {
            seq: at_head.seq,
            head: at_head.hash,
            ..snapshot
        };
        drop(fresh);
        assert!(store.save_snapshot("couple:long", &broken).await.unwrap());
        let cold = ProjectionCache::<CoupleState>::default();
        let folded = cold.read(store.as_ref(), "couple:long").await.unwrap();
        assert_eq!((cold.restored(), folded.state.seq), (0, 306));
    }

    fn fresh_betrayal(author: UserId, state: &CoupleState) -> CoupleEvent {
        let now = OffsetDateTime::now_utc();
        let recorded = space::record_betrayal(&state.space, author, &betrayal("partner"), now);
        CoupleEvent::Space(recorded.unwrap())
    }

    /// Someone with database access puts back the snapshot a withdrawal
    /// took (it still opens and still stands on the chain): the events
    /// after it redact what it holds, so the state is folded afresh and
    /// the withdrawn words stay gone; the snapshot written then holds
    /// nothing of them either.
    #[tokio::test]
    async fn an_old_snapshot_put_back_by_hand_does_not_bring_back_withdrawn_words() {
        use kintsugi_core::truth::{self, DisclosureInput};
        use kintsugi_core::withdrawal;
        let dir = tempfile::tempdir().unwrap();
        let store = sqlite_store(&dir).await;
        let stream = "couple:put-back";
        let writer = ProjectionCache::<CoupleState>::default();
        let (hurt, involved) = (UserId(uuid::Uuid::new_v4()), UserId(uuid::Uuid::new_v4()));
        create_space(&writer, store.as_ref(), stream, hurt).await;
        let join = |state: &CoupleState| {
            space::join(&state.space, involved).map(|e| vec![CoupleEvent::Space(e)])
        };
        execute(&writer, store.as_ref(), stream, involved, join)
            .await
            .unwrap();
        let input = DisclosureInput {
            text: "MARKER-put-back".into(),
            ..DisclosureInput::default()
        };
        let now = OffsetDateTime::now_utc();
        let disclose = |state: &CoupleState| {
            truth::volunteer(&state.space, involved, now, &input).map(|e| vec![e.into()])
        };
        let written = execute(&writer, store.as_ref(), stream, involved, disclose).await;
        let entry = kintsugi_core::EntryId(written.unwrap()[0]);
        grow(&writer, store.as_ref(), stream, hurt, 300).await;

        let warm = ProjectionCache::<CoupleState>::default().saving_snapshots_to(store.clone());
        drop(warm.read(store.as_ref(), stream).await.unwrap());
        let old = snapshot_after(store.as_ref(), stream, 0).await;
        assert!(String::from_utf8_lossy(&old.state).contains("MARKER-put-back"));
        let url = format!("sqlite://{}", dir.path().join("k.db").display());
        let raw = kintsugi_store::testing::Raw::open(&url).await;
        let column = |name: &'static str| raw.stream_bytes("stream_snapshots", name, stream);
        let ciphertext = column("ciphertext").await.unwrap();

        let take_back = |state: &CoupleState| {
            withdrawal::withdraw(&state.withdrawals, involved, entry).map(|e| vec![e.into()])
        };
        execute(&writer, store.as_ref(), stream, involved, take_back)
            .await
            .unwrap();
        assert_eq!(column("ciphertext").await, None, "the withdrawal took it");

        let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
        let put_back = format!(
            "INSERT INTO stream_snapshots (stream_id, seq, format, head, ciphertext, created_at)              VALUES ('{stream}', {}, {STATE_FORMAT}, X'{}', X'{}', 0)",
            old.seq,
            hex(&old.head),
            hex(&ciphertext)
        );
        assert_eq!(raw.execute(&put_back).await, 1);
        let found = store.load_snapshot(stream, STATE_FORMAT).await.unwrap();
        assert_eq!(found, Some(old.clone()), "it opens and stands on the chain");

        let cold = ProjectionCache::<CoupleState>::default().saving_snapshots_to(store.clone());
        let seen = cold.read(store.as_ref(), stream).await.unwrap();
        assert!(!format!("{:?}", seen.state).contains("MARKER-put-back"));
        assert_eq!(cold.restored(), 0, "folded afresh from the first event");
        let head = seen.state.seq;
        drop(seen);
        let newer = snapshot_after(store.as_ref(), stream, old.seq).await;
        assert_eq!(newer.seq, head);
        assert!(!String::from_utf8_lossy(&newer.state).contains("MARKER-put-back"));
        raw.close().await;
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
