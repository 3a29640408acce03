//! Turning a database row into a record, written once for both backends:
//! the column names and types are the same in both schemas, only the row
//! type differs.

use crate::chain::EventRow;
use crate::tables::{Column, Value};
use crate::timestamp::from_micros;
use crate::{hash_column, InviteRecord, Result, SessionRecord, UserRecord};
use sqlx::{ColumnIndex, Decode, Row, Type};
use uuid::Uuid;

pub(crate) fn event_row<'r, R>(row: &'r R) -> Result<EventRow>
where
    R: Row,
    &'static str: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    Vec<u8>: Decode<'r, R::Database> + Type<R::Database>,
{
    Ok(EventRow {
        stream_id: row.try_get("stream_id")?,
        seq: row.try_get("seq")?,
        prev_hash: row.try_get("prev_hash")?,
        hash: row.try_get("hash")?,
        author: row.try_get("author")?,
        kind: row.try_get("kind")?,
        created_at: row.try_get("created_at")?,
        payload_ciphertext: row.try_get("payload_ciphertext")?,
        payload_hash: row.try_get("payload_hash")?,
    })
}

pub(crate) fn user_record<'r, R>(row: &'r R) -> Result<UserRecord>
where
    R: Row,
    &'static str: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    Uuid: Decode<'r, R::Database> + Type<R::Database>,
    bool: Decode<'r, R::Database> + Type<R::Database>,
{
    Ok(UserRecord {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        password_hash: row.try_get("password_hash")?,
        created_at: from_micros(row.try_get("created_at")?)?,
        recovery_codes_shown: row.try_get("recovery_codes_shown")?,
    })
}

pub(crate) fn session_record<'r, R>(row: &'r R) -> Result<SessionRecord>
where
    R: Row,
    &'static str: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    Vec<u8>: Decode<'r, R::Database> + Type<R::Database>,
    Uuid: Decode<'r, R::Database> + Type<R::Database>,
{
    Ok(SessionRecord {
        id: row.try_get("id")?,
        user_id: row.try_get("user_id")?,
        token_hash: hash_column(row.try_get("token_hash")?)?,
        created_at: from_micros(row.try_get("created_at")?)?,
        last_seen_at: from_micros(row.try_get("last_seen_at")?)?,
        device: row.try_get("device")?,
    })
}

pub(crate) fn invite_record<'r, R>(row: &'r R) -> Result<InviteRecord>
where
    R: Row,
    &'static str: ColumnIndex<R>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    Vec<u8>: Decode<'r, R::Database> + Type<R::Database>,
    Uuid: Decode<'r, R::Database> + Type<R::Database>,
{
    Ok(InviteRecord {
        token_hash: hash_column(row.try_get("token_hash")?)?,
        couple_id: row.try_get("couple_id")?,
        created_by: row.try_get("created_by")?,
        created_at: from_micros(row.try_get("created_at")?)?,
        expires_at: from_micros(row.try_get("expires_at")?)?,
        used_at: row
            .try_get::<Option<i64>, _>("used_at")?
            .map(from_micros)
            .transpose()?,
        used_by: row.try_get("used_by")?,
    })
}

/// One column of a row copied between backends (backup and restore).
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
