//! Destroying a stream inside one write transaction: the rows a deleted
//! account or an ended space leaves nothing of, and the sealed record
//! that says they were destroyed on purpose.

use crate::record::{DeletionRow, Destroyed};
use crate::sql::SqlTx;
use crate::tables::{bytes, int, text, uuid, Column, STREAM_DELETIONS};
use crate::{is_unique_violation, Result};
use uuid::Uuid;

/// The stream's own rows, each deleted by its `stream_id`. The data key
/// goes with them: without it no copy of a ciphertext opens again here.
const STREAM_ROWS: [&str; 6] = [
    "DELETE FROM events WHERE stream_id = $1",
    "DELETE FROM stream_snapshots WHERE stream_id = $1",
    "DELETE FROM redactions WHERE stream_id = $1",
    "DELETE FROM stream_seals WHERE stream_id = $1",
    "DELETE FROM stream_keys WHERE stream_id = $1",
    "DELETE FROM submissions WHERE stream_id = $1",
];

/// What a space keeps outside its record, each deleted by `couple_id`.
const SPACE_ROWS: [&str; 4] = [
    "DELETE FROM couple_members WHERE couple_id = $1",
    "DELETE FROM invites WHERE couple_id = $1",
    "DELETE FROM therapist_invites WHERE couple_id = $1",
    "DELETE FROM therapist_couples WHERE couple_id = $1",
];

/// See [`crate::record::EventTables::destroy_rows`]. The record goes in
/// first, so that of two instances destroying one stream the second stops
/// at its primary key before deleting anything.
pub(super) async fn destroy_in(
    tx: &mut dyn SqlTx,
    row: &DeletionRow,
    space: Option<Uuid>,
) -> Result<Destroyed> {
    let head = "SELECT COALESCE(MAX(seq), 0) FROM events WHERE stream_id = $1";
    let found = tx
        .fetch(head, &[text(&row.stream_id)], &[("seq", Column::Int)])
        .await?
        .into_iter()
        .next()
        .map(|mut cells| cells.int())
        .transpose()?
        .unwrap_or(0);
    if found != row.last_seq {
        return Ok(Destroyed::Moved);
    }
    let record = [
        text(&row.stream_id),
        int(row.last_seq),
        bytes(&row.last_hash),
        int(row.deleted_at),
        text(&row.reason),
        bytes(&row.seal),
    ];
    match tx.execute(&STREAM_DELETIONS.insert_sql(), &record).await {
        Ok(_) => {}
        Err(error) if is_unique_violation(&error) => return Ok(Destroyed::AlreadyGone),
        Err(error) => return Err(error.into()),
    }
    for sql in STREAM_ROWS {
        tx.execute(sql, &[text(&row.stream_id)]).await?;
    }
    if let Some(space) = space {
        for sql in SPACE_ROWS {
            tx.execute(sql, &[uuid(space)]).await?;
        }
    }
    Ok(Destroyed::Done)
}
