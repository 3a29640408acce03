//! The snapshot rows: one per stream, written while holding the stream's
//! seal, read with the chain's hash at their `seq` and the data key.

use super::{Backend, SqlStore};
use crate::snapshots::{FoundSnapshot, SnapshotRow};
use crate::sql::Cells;
use crate::tables::{bytes, int, text, Column, Value, STREAM_SNAPSHOTS};
use crate::Result;
use std::sync::LazyLock;

/// The stream's snapshot, replacing the one before it.
static UPSERT_SNAPSHOT: LazyLock<String> = LazyLock::new(|| {
    format!(
        "{} ON CONFLICT (stream_id) DO UPDATE SET seq = excluded.seq, \
         format = excluded.format, head = excluded.head, \
         ciphertext = excluded.ciphertext, created_at = excluded.created_at",
        STREAM_SNAPSHOTS.insert_sql()
    )
});

/// Takes the stream's seal row for this transaction, as every append
/// does when it writes its new seal: on PostgreSQL an append waits for
/// this transaction, or this one for the append.
const HOLD_SEAL: &str = "UPDATE stream_seals SET seq = seq WHERE stream_id = $1";

const HEAD: &str = "SELECT seq, hash FROM events WHERE stream_id = $1 ORDER BY seq DESC LIMIT 1";

/// A commit that redacts the event at `$2` drops a snapshot that folded
/// it, in its own transaction and after writing the stream's seal.
pub(crate) const DROP_REDACTED_SNAPSHOT: &str =
    "DELETE FROM stream_snapshots WHERE stream_id = $1 AND seq >= $2";

/// The snapshot of `$1` in format `$2`, the hash its chain holds at the
/// snapshot's `seq` (NULL once gone) and the stream's wrapped data key.
static SNAPSHOT_ROW: LazyLock<String> = LazyLock::new(|| {
    let columns = STREAM_SNAPSHOTS
        .columns
        .iter()
        .map(|(name, _)| format!("s.{name}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "SELECT {columns}, e.hash, k.wrapped_key FROM stream_snapshots s \
         LEFT JOIN events e ON e.stream_id = s.stream_id AND e.seq = s.seq \
         LEFT JOIN stream_keys k ON k.stream_id = s.stream_id \
         WHERE s.stream_id = $1 AND s.format = $2"
    )
});

fn snapshot_values(row: &SnapshotRow) -> [Value; 6] {
    [
        text(&row.stream_id),
        int(row.seq),
        int(row.format),
        bytes(&row.head),
        bytes(&row.ciphertext),
        int(row.created_at),
    ]
}

fn found_snapshot(mut cells: Cells) -> Result<FoundSnapshot> {
    let row = SnapshotRow {
        stream_id: cells.text()?,
        seq: cells.int()?,
        format: cells.int()?,
        head: cells.bytes()?,
        ciphertext: cells.bytes()?,
        created_at: cells.int()?,
    };
    Ok(FoundSnapshot {
        row,
        chain_hash: cells.opt_bytes()?,
        wrapped_key: cells.opt_bytes()?,
    })
}

impl<B: Backend> SqlStore<B> {
    /// See [`crate::record::EventTables::put_snapshot`].
    pub(super) async fn put_snapshot_row(&self, row: &SnapshotRow) -> Result<bool> {
        let mut tx = self.backend.begin_write().await?;
        let stream = [text(&row.stream_id)];
        if tx.execute(HOLD_SEAL, &stream).await? != 1 {
            return Ok(false);
        }
        let columns = [("seq", Column::Int), ("hash", Column::Bytes)];
        let head = tx.fetch(HEAD, &stream, &columns).await?.into_iter().next();
        let head = head
            .map(|mut cells| Ok::<_, crate::StoreError>((cells.int()?, cells.bytes()?)))
            .transpose()?;
        if head.as_ref() != Some(&(row.seq, row.head.clone())) {
            return Ok(false);
        }
        tx.execute(&UPSERT_SNAPSHOT, &snapshot_values(row)).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// See [`crate::record::EventTables::snapshot_row`].
    pub(super) async fn snapshot_row_of(
        &self,
        stream_id: &str,
        format: i64,
    ) -> Result<Option<FoundSnapshot>> {
        let columns: Vec<(&str, Column)> = STREAM_SNAPSHOTS
            .columns
            .iter()
            .copied()
            .chain([("hash", Column::Bytes), ("wrapped_key", Column::Bytes)])
            .collect();
        self.first_row(
            &SNAPSHOT_ROW,
            &[text(stream_id), int(format)],
            &columns,
            found_snapshot,
        )
        .await
    }
}
