//! Turning a row into a record, written once for both backends: each reads
//! the cells of its table's columns (`tables`) in order.

use crate::chain::EventRow;
use crate::record::DeletionRow;
use crate::seal::SealRow;
use crate::sql::Cells;
use crate::tables::{Column, Value};
use crate::timestamp::from_micros;
use crate::{hash_column, InviteRecord, Result, SessionRecord, SubmissionRecord, UserRecord};
use sqlx::{ColumnIndex, Decode, Row, Type};
use uuid::Uuid;

/// A row of `tables::EVENTS`.
pub(crate) fn event_row(mut cells: Cells) -> Result<EventRow> {
    Ok(EventRow {
        stream_id: cells.text()?,
        seq: cells.int()?,
        prev_hash: cells.bytes()?,
        hash: cells.bytes()?,
        author: cells.text()?,
        kind: cells.text()?,
        created_at: cells.int()?,
        payload_ciphertext: cells.opt_bytes()?,
        payload_hash: cells.bytes()?,
        format: cells.int()?,
    })
}

/// A row of `tables::STREAM_SEALS`.
pub(crate) fn seal_row(mut cells: Cells) -> Result<SealRow> {
    Ok(SealRow {
        stream_id: cells.text()?,
        seq: cells.int()?,
        seal: cells.bytes()?,
    })
}

/// A row of `tables::STREAM_DELETIONS`.
pub(crate) fn deletion_row(mut cells: Cells) -> Result<DeletionRow> {
    Ok(DeletionRow {
        stream_id: cells.text()?,
        last_seq: cells.int()?,
        last_hash: cells.bytes()?,
        deleted_at: cells.int()?,
        reason: cells.text()?,
        seal: cells.bytes()?,
    })
}

/// A row of `tables::USERS`.
pub(crate) fn user_record(mut cells: Cells) -> Result<UserRecord> {
    Ok(UserRecord {
        id: cells.uuid()?,
        email: cells.text()?,
        password_hash: cells.text()?,
        created_at: from_micros(cells.int()?)?,
        recovery_codes_shown: cells.boolean()?,
    })
}

/// A row of `tables::SESSIONS`.
pub(crate) fn session_record(mut cells: Cells) -> Result<SessionRecord> {
    Ok(SessionRecord {
        id: cells.uuid()?,
        user_id: cells.uuid()?,
        token_hash: hash_column(cells.bytes()?)?,
        created_at: from_micros(cells.int()?)?,
        last_seen_at: from_micros(cells.int()?)?,
        device: cells.text()?,
    })
}

/// A row of `tables::INVITES`.
pub(crate) fn invite_record(mut cells: Cells) -> Result<InviteRecord> {
    Ok(InviteRecord {
        token_hash: hash_column(cells.bytes()?)?,
        couple_id: cells.uuid()?,
        created_by: cells.uuid()?,
        created_at: from_micros(cells.int()?)?,
        expires_at: from_micros(cells.int()?)?,
        used_at: cells.opt_int()?.map(from_micros).transpose()?,
        used_by: cells.opt_uuid()?,
        declined_at: cells.opt_int()?.map(from_micros).transpose()?,
    })
}

/// A row of `tables::SUBMISSIONS`.
pub(crate) fn submission_record(mut cells: Cells) -> Result<SubmissionRecord> {
    Ok(SubmissionRecord {
        user_id: cells.uuid()?,
        key_hash: hash_column(cells.bytes()?)?,
        request_hash: hash_column(cells.bytes()?)?,
        stream_id: cells.text()?,
        seq: u64::try_from(cells.int()?).unwrap_or_default(),
        created_at: from_micros(cells.int()?)?,
    })
}

/// One column of a row, read as its declared type.
pub(crate) fn read_value<'r, R>(row: &'r R, index: usize, column: Column) -> Result<Value>
where
    R: Row,
    usize: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    Vec<u8>: Decode<'r, R::Database> + Type<R::Database>,
    Uuid: Decode<'r, R::Database> + Type<R::Database>,
    bool: Decode<'r, R::Database> + Type<R::Database>,
{
    Ok(match column {
        Column::Int => Value::Int(row.try_get(index)?),
        Column::Text => Value::Text(row.try_get(index)?),
        Column::Bytes => Value::Bytes(row.try_get(index)?),
        Column::Uuid => Value::Uuid(row.try_get(index)?),
        Column::Bool => Value::Bool(row.try_get(index)?),
    })
}
