//! Group commit on SQLite: one writer task takes the actions of concurrent
//! requests and writes as many as are waiting (up to [`MAX_BATCH`]) in one
//! transaction, so one fsync (`synchronous=FULL`) makes all of them
//! durable.
//!
//! - A batch is first written as a whole, the common case: no action in it
//!   is refused. When one is (its stream moved, its submission key is used,
//!   or it fails any other way while the transaction stays sound), the
//!   batch is undone and written again, each action under its own
//!   SAVEPOINT: the refused one is rolled back to its savepoint and fails
//!   alone; the batch's others are written. Two actions on one stream in one
//!   batch meet exactly as they would one after the other: the second,
//!   chained on the old head, hits the first's row and is told the stream
//!   moved.
//! - Every caller hears back only once the batch's COMMIT returned. When
//!   the batch fails as a whole (its COMMIT or a savepoint fails), every
//!   action of it gets an error and nothing of it was written.
//! - No timer: the task waits for the first action, takes whatever else is
//!   waiting at that moment, and writes at once. An action alone is
//!   committed alone; under load, actions gather while the previous
//!   batch's fsync runs.
//! - The task holds the write connection only while it writes a batch,
//!   never while it waits for actions, so every other write (accounts,
//!   sessions, destroying a stream) takes the same one-connection pool
//!   between batches.

use crate::chain::EventRow;
use crate::record::{CommitRows, Inserted, RedactionRow};
use crate::seal::SealRow;
use crate::sql::SqlTx;
use crate::sql_store::{insert_rows, insert_together};
use crate::{CommitBatches, Joining, Result, StoreError, SubmissionRecord, COMMIT_BATCH_BOUNDS};
use sqlx::SqlitePool;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// The most actions one transaction carries.
pub(crate) const MAX_BATCH: usize = 64;
/// How many actions may wait for the writer before callers wait to hand
/// theirs over.
const QUEUE: usize = 1_024;

/// Everything one action writes, owned, to hand to the writer task.
struct OwnedCommit {
    rows: Vec<EventRow>,
    seals: Vec<SealRow>,
    submission: Option<SubmissionRecord>,
    joining: Option<Joining>,
    redactions: Vec<RedactionRow>,
}

impl OwnedCommit {
    fn of(commit: CommitRows<'_>) -> OwnedCommit {
        OwnedCommit {
            rows: commit.rows.to_vec(),
            seals: commit.seals.to_vec(),
            submission: commit.submission.cloned(),
            joining: commit.joining.copied(),
            redactions: commit.redactions.to_vec(),
        }
    }

    fn rows(&self) -> CommitRows<'_> {
        CommitRows {
            rows: &self.rows,
            seals: &self.seals,
            submission: self.submission.as_ref(),
            joining: self.joining.as_ref(),
            redactions: &self.redactions,
        }
    }
}

/// One action waiting for the writer, and where its outcome goes.
struct Action {
    commit: OwnedCommit,
    answer: oneshot::Sender<Result<Inserted>>,
}

/// The door to the writer task. Dropping it (with the store) ends the task
/// once the actions already handed over are written.
pub(crate) struct GroupCommit {
    sender: mpsc::Sender<Action>,
    counter: Arc<BatchCounter>,
}

impl GroupCommit {
    /// Starts the writer task on `pool` (the one write connection),
    /// counting its batches in `counter`.
    pub(crate) fn start(pool: SqlitePool, counter: Arc<BatchCounter>) -> GroupCommit {
        let (sender, receiver) = mpsc::channel(QUEUE);
        tokio::spawn(write_batches(pool, receiver, counter.clone()));
        GroupCommit { sender, counter }
    }

    /// Hands `commit` to the writer and waits until the batch holding it
    /// committed (or failed).
    pub(crate) async fn commit(&self, commit: CommitRows<'_>) -> Result<Inserted> {
        let (answer, answered) = oneshot::channel();
        let action = Action {
            commit: OwnedCommit::of(commit),
            answer,
        };
        self.counter.queued.fetch_add(1, Ordering::Relaxed);
        if self.sender.send(action).await.is_err() {
            self.counter.queued.fetch_sub(1, Ordering::Relaxed);
            return Err(writer_gone());
        }
        answered.await.map_err(|_| writer_gone())?
    }
}

fn writer_gone() -> StoreError {
    StoreError::CommitFailed("the store's writer has stopped".into())
}

/// The writer task: a batch of whatever waits, written, answered; again.
async fn write_batches(
    pool: SqlitePool,
    mut receiver: mpsc::Receiver<Action>,
    counter: Arc<BatchCounter>,
) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while receiver.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let taken = batch.len() as u64;
        counter.queued.fetch_sub(taken, Ordering::Relaxed);
        counter.writing.store(taken, Ordering::Relaxed);
        let written = write_batch(&pool, &batch).await;
        answer(written, batch.drain(..), &counter);
        counter.writing.store(0, Ordering::Relaxed);
    }
}

/// Writes every action of `batch` in one transaction: one outcome per
/// action once the COMMIT returned, or an error when the batch failed as a
/// whole and nothing of it was written.
///
/// Most batches hold no refusal, and most actions join no one and redact
/// nothing: those are written with one statement per table for the whole
/// batch. Otherwise each action is written in turn, still without a
/// savepoint (two more hand-offs to SQLite's thread each). A batch that
/// meets a refusal is undone whole and written again apart, so that the
/// refusal (a used key, a moved stream, an invitation gone) is its
/// action's alone.
async fn write_batch(pool: &SqlitePool, batch: &[Action]) -> Result<Vec<Result<Inserted>>> {
    // `BEGIN IMMEDIATE`, as every write: the lock first, no `SQLITE_BUSY`
    // half-way.
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let commits: Vec<CommitRows<'_>> = batch.iter().map(|action| action.commit.rows()).collect();
    let plain = commits
        .iter()
        .all(|commit| commit.joining.is_none() && commit.redactions.is_empty());
    let written = if plain {
        insert_together(&mut tx, &commits).await
    } else {
        insert_each(&mut tx, commits).await
    };
    if !matches!(written, Ok(true)) {
        drop(tx);
        return write_apart(pool, batch).await;
    }
    tx.commit().await?;
    Ok(batch.iter().map(|_| Ok(Inserted::Everything)).collect())
}

/// Each action in turn; `false` at the first that is not written whole.
async fn insert_each(tx: &mut dyn SqlTx, commits: Vec<CommitRows<'_>>) -> Result<bool> {
    for commit in commits {
        if insert_rows(tx, commit).await? != Inserted::Everything {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Writes `batch` in one transaction, each action under a savepoint of its
/// own, so that one that fails is undone alone.
async fn write_apart(pool: &SqlitePool, batch: &[Action]) -> Result<Vec<Result<Inserted>>> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    if let [action] = batch {
        // Alone, an action needs no savepoint: if it fails, the whole
        // transaction is dropped unwritten.
        let outcome = insert_rows(&mut tx, action.commit.rows()).await;
        if matches!(outcome, Ok(Inserted::Everything)) {
            tx.commit().await?;
        }
        return Ok(vec![outcome]);
    }
    let mut outcomes = Vec::with_capacity(batch.len());
    for action in batch {
        SqlTx::execute(&mut tx, "SAVEPOINT action", &[]).await?;
        let outcome = insert_rows(&mut tx, action.commit.rows()).await;
        if !matches!(outcome, Ok(Inserted::Everything)) {
            // This action alone is undone; the ones before it stay. If
            // the failure undid the whole transaction, there is no
            // savepoint left and the batch fails as a whole.
            SqlTx::execute(&mut tx, "ROLLBACK TO action", &[]).await?;
        }
        SqlTx::execute(&mut tx, "RELEASE action", &[]).await?;
        outcomes.push(outcome);
    }
    // Dropped on an error above, the transaction rolls back.
    tx.commit().await?;
    Ok(outcomes)
}

/// Tells each caller what became of its action, and counts the batch.
fn answer(
    written: Result<Vec<Result<Inserted>>>,
    batch: impl Iterator<Item = Action>,
    counter: &BatchCounter,
) {
    match written {
        Ok(outcomes) => {
            let landed = outcomes
                .iter()
                .filter(|outcome| matches!(outcome, Ok(Inserted::Everything)))
                .count();
            counter.record(landed);
            for (action, outcome) in batch.zip(outcomes) {
                // A caller that stopped waiting needs no answer.
                let _ = action.answer.send(outcome);
            }
        }
        Err(error) => {
            tracing::error!(%error, "a commit batch failed; none of its actions was written");
            let reason = error.to_string();
            for action in batch {
                let _ = action
                    .answer
                    .send(Err(StoreError::CommitFailed(reason.clone())));
            }
        }
    }
}

/// The counts behind [`CommitBatches`], kept with atomics.
#[derive(Debug, Default)]
pub(crate) struct BatchCounter {
    batches: AtomicU64,
    actions: AtomicU64,
    /// Batches per bucket of [`COMMIT_BATCH_BOUNDS`], not cumulative.
    buckets: [AtomicU64; COMMIT_BATCH_BOUNDS.len()],
    queued: AtomicU64,
    writing: AtomicU64,
}

impl BatchCounter {
    /// One committed transaction that wrote `actions` actions; one that
    /// wrote none is no batch.
    pub(crate) fn record(&self, actions: usize) {
        if actions == 0 {
            return;
        }
        let actions = actions as u64;
        self.batches.fetch_add(1, Ordering::Relaxed);
        self.actions.fetch_add(actions, Ordering::Relaxed);
        if let Some(bucket) = COMMIT_BATCH_BOUNDS.iter().position(|&b| actions <= b) {
            self.buckets[bucket].fetch_add(1, Ordering::Relaxed);
        }
    }

    pub(crate) fn snapshot(&self) -> CommitBatches {
        let mut running = 0;
        let at_most = COMMIT_BATCH_BOUNDS
            .iter()
            .zip(&self.buckets)
            .map(|(&bound, bucket)| {
                running += bucket.load(Ordering::Relaxed);
                (bound, running)
            })
            .collect();
        CommitBatches {
            batches: self.batches.load(Ordering::Relaxed),
            actions: self.actions.load(Ordering::Relaxed),
            at_most,
            queued: self.queued.load(Ordering::Relaxed),
            writing: self.writing.load(Ordering::Relaxed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_fall_in_cumulative_buckets_and_empty_ones_are_not_counted() {
        let counter = BatchCounter::default();
        for actions in [1, 3, 3, 0, 64] {
            counter.record(actions);
        }
        let seen = counter.snapshot();
        assert_eq!((seen.batches, seen.actions), (4, 71));
        assert_eq!(
            seen.at_most,
            [(1, 1), (2, 1), (4, 3), (8, 3), (16, 3), (32, 3), (64, 4)]
        );
        assert_eq!((seen.queued, seen.writing), (0, 0));
    }
}
