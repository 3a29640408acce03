//! The PostgreSQL backend: many app instances on one database. Nothing here
//! relies on being the only process: the events table's primary key decides
//! which of two racing appends wins, and key creation is insert-or-keep.

use crate::chain::EventRow;
use crate::key::MasterKey;
use crate::record::{self, EventTables};
use crate::rows::{event_row, invite_record, read_value, session_record, user_record};
use crate::sqlite::{self, backup_error, check_backup_target};
use crate::tables::{self, Table, Value, COPY_PAGE, TABLES};
use crate::timestamp::to_micros;
use crate::{
    is_unique_violation, normalise_email, ChainHead, Hash, InviteRecord, NewEvent, Result,
    SessionRecord, Store, StoreError, StoredEvent, UserRecord, VerifyReport,
};
use async_trait::async_trait;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgArguments, PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::{Postgres, Row, SqlitePool};
use std::path::Path;
use std::str::FromStr;
use time::OffsetDateTime;
use uuid::Uuid;

pub(crate) static MIGRATOR: Migrator = sqlx::migrate!("./migrations/postgres");

const MAX_CONNECTIONS: u32 = 10;

pub(crate) struct PostgresStore {
    pool: PgPool,
    key: MasterKey,
}

pub(crate) fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

async fn connect(url: &str) -> Result<PgPool> {
    let options = PgConnectOptions::from_str(url)?.application_name("kintsugi");
    let pool = PgPoolOptions::new()
        .max_connections(MAX_CONNECTIONS)
        .connect_with(options)
        .await?;
    // Migrations take an advisory lock, so instances starting together
    // apply each one once.
    MIGRATOR.run(&pool).await?;
    Ok(pool)
}

pub(crate) async fn migrate(url: &str) -> Result<()> {
    connect(url).await?.close().await;
    Ok(())
}

impl PostgresStore {
    pub(crate) async fn open(url: &str, key: MasterKey) -> Result<PostgresStore> {
        let store = PostgresStore {
            pool: connect(url).await?,
            key,
        };
        record::check_master_key(&store, &store.key).await?;
        Ok(store)
    }

    pub(crate) async fn close(&self) {
        self.pool.close().await;
    }

    /// True when no table holds a row, apart from the key check `open` wrote.
    pub(crate) async fn is_empty(&self) -> Result<bool> {
        for table in TABLES {
            let sql = format!("SELECT COUNT(*) FROM {}", table.name);
            let mut count: i64 = sqlx::query_scalar(&sql).fetch_one(&self.pool).await?;
            if table.name == "meta" {
                let checks: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM meta WHERE name = $1")
                    .bind(record::KEY_CHECK)
                    .fetch_one(&self.pool)
                    .await?;
                count -= checks;
            }
            if count > 0 {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Copies every row of `source` (a backup) into this database, in one
    /// transaction. Returns how many rows were loaded.
    pub(crate) async fn load_from(&self, source: &SqlitePool) -> Result<u64> {
        let mut tx = self.pool.begin().await?;
        let mut loaded = 0;
        for table in TABLES {
            let insert = table.insert_sql(|n| format!("${n}"));
            let mut after = 0;
            while let Some((rows, last)) = sqlite::read_page(source, table, after).await? {
                for row in rows.iter().filter(|row| tables::restores_row(table, row)) {
                    bind_row(sqlx::query(&insert), row)
                        .execute(&mut *tx)
                        .await?;
                    loaded += 1;
                }
                after = last;
            }
        }
        tx.commit().await?;
        Ok(loaded)
    }

    /// Copies every table, as one snapshot, into a new SQLite file.
    async fn copy_into(&self, target: &SqlitePool) -> Result<()> {
        let mut source = self.pool.begin().await?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *source)
            .await?;
        let mut sink = target.begin().await?;
        for table in TABLES {
            // A cursor per table: rows stream through in pages, never the
            // whole table in memory.
            let cursor = format!("backup_{}", table.name);
            sqlx::query(&format!(
                "DECLARE {cursor} NO SCROLL CURSOR FOR SELECT {} FROM {}",
                table.column_list(),
                table.name
            ))
            .execute(&mut *source)
            .await?;
            let fetch = format!("FETCH {COPY_PAGE} FROM {cursor}");
            loop {
                let rows = sqlx::query(&fetch)
                    .persistent(false)
                    .fetch_all(&mut *source)
                    .await?;
                if rows.is_empty() {
                    break;
                }
                let values = rows
                    .iter()
                    .map(|row| read_row(row, table))
                    .collect::<Result<Vec<_>>>()?;
                sqlite::insert_rows(&mut sink, table, &values).await?;
            }
            sqlx::query(&format!("CLOSE {cursor}"))
                .execute(&mut *source)
                .await?;
        }
        sink.commit().await?;
        source.rollback().await?;
        Ok(())
    }
}

fn read_row(row: &PgRow, table: &Table) -> Result<Vec<Value>> {
    table
        .columns
        .iter()
        .enumerate()
        .map(|(index, (_, column))| read_value(row, index, *column))
        .collect()
}

type PgQuery<'q> = sqlx::query::Query<'q, Postgres, PgArguments>;

fn bind_row<'q>(mut query: PgQuery<'q>, row: &[Value]) -> PgQuery<'q> {
    for value in row {
        query = match value {
            Value::Int(v) => query.bind(*v),
            Value::Text(v) => query.bind(v.clone()),
            Value::Bytes(v) => query.bind(v.clone()),
            Value::Uuid(v) => query.bind(*v),
            Value::Bool(v) => query.bind(*v),
        };
    }
    query
}

const EVENT_COLUMNS: &str = "stream_id, seq, prev_hash, hash, author, kind, created_at, \
                             payload_ciphertext, payload_hash";

#[async_trait]
impl EventTables for PostgresStore {
    async fn hash_at(&self, stream_id: &str, seq: i64) -> Result<Option<Vec<u8>>> {
        Ok(
            sqlx::query_scalar("SELECT hash FROM events WHERE stream_id = $1 AND seq = $2")
                .bind(stream_id)
                .bind(seq)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    async fn head_row(&self, stream_id: &str) -> Result<Option<(i64, Vec<u8>)>> {
        let row = sqlx::query(
            "SELECT seq, hash FROM events WHERE stream_id = $1 ORDER BY seq DESC LIMIT 1",
        )
        .bind(stream_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| Ok((row.try_get("seq")?, row.try_get("hash")?)))
            .transpose()
    }

    async fn insert_events(&self, rows: &[EventRow]) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let insert = format!(
            "INSERT INTO events ({EVENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        );
        for row in rows {
            let inserted = sqlx::query(&insert)
                .bind(&row.stream_id)
                .bind(row.seq)
                .bind(&row.prev_hash)
                .bind(&row.hash)
                .bind(&row.author)
                .bind(&row.kind)
                .bind(row.created_at)
                .bind(&row.payload_ciphertext)
                .bind(&row.payload_hash)
                .execute(&mut *tx)
                .await;
            match inserted {
                Ok(_) => {}
                Err(error) if is_unique_violation(&error) => return Ok(false),
                Err(error) => return Err(error.into()),
            }
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn events_after(
        &self,
        stream_id: &str,
        after_seq: i64,
        limit: i64,
    ) -> Result<Vec<EventRow>> {
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE stream_id = $1 AND seq > $2 \
             ORDER BY seq LIMIT $3"
        );
        sqlx::query(&sql)
            .bind(stream_id)
            .bind(after_seq)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(event_row)
            .collect()
    }

    async fn stream_ids_after(&self, after: Option<&str>, limit: i64) -> Result<Vec<String>> {
        let query = match after {
            Some(after) => sqlx::query_scalar(
                "SELECT DISTINCT stream_id FROM events WHERE stream_id > $1 \
                 ORDER BY stream_id LIMIT $2",
            )
            .bind(after),
            None => sqlx::query_scalar(
                "SELECT DISTINCT stream_id FROM events ORDER BY stream_id LIMIT $1",
            ),
        };
        Ok(query.bind(limit).fetch_all(&self.pool).await?)
    }

    async fn wrapped_key(&self, stream_id: &str) -> Result<Option<Vec<u8>>> {
        Ok(
            sqlx::query_scalar("SELECT wrapped_key FROM stream_keys WHERE stream_id = $1")
                .bind(stream_id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    async fn insert_wrapped_key(
        &self,
        stream_id: &str,
        wrapped: &[u8],
        created_at: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO stream_keys (stream_id, wrapped_key, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (stream_id) DO NOTHING",
        )
        .bind(stream_id)
        .bind(wrapped)
        .bind(created_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn all_wrapped_keys(&self) -> Result<Vec<(String, Vec<u8>)>> {
        let rows = sqlx::query("SELECT stream_id, wrapped_key FROM stream_keys ORDER BY stream_id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
            .collect()
    }

    async fn replace_wrapped_keys(
        &self,
        rewrapped: &[(String, Vec<u8>, Vec<u8>)],
        key_check: &[u8],
    ) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        // Holds off new streams until the rotation commits.
        sqlx::query("LOCK TABLE stream_keys IN EXCLUSIVE MODE")
            .execute(&mut *tx)
            .await?;
        let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM stream_keys")
            .fetch_one(&mut *tx)
            .await?;
        if total != rewrapped.len() as i64 {
            return Ok(false);
        }
        for (stream_id, old, new) in rewrapped {
            let updated = sqlx::query(
                "UPDATE stream_keys SET wrapped_key = $1 WHERE stream_id = $2 AND wrapped_key = $3",
            )
            .bind(new)
            .bind(stream_id)
            .bind(old)
            .execute(&mut *tx)
            .await?;
            if updated.rows_affected() != 1 {
                return Ok(false);
            }
        }
        sqlx::query("UPDATE meta SET value = $1 WHERE name = $2")
            .bind(key_check)
            .bind(record::KEY_CHECK)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn meta(&self, name: &str) -> Result<Option<Vec<u8>>> {
        Ok(sqlx::query_scalar("SELECT value FROM meta WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn insert_meta(&self, name: &str, value: &[u8]) -> Result<()> {
        sqlx::query("INSERT INTO meta (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
            .bind(name)
            .bind(value)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

#[async_trait]
impl Store for PostgresStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn append(
        &self,
        stream_id: &str,
        expected_seq: u64,
        events: Vec<NewEvent>,
    ) -> Result<Vec<StoredEvent>> {
        record::append(self, &self.key, stream_id, expected_seq, events).await
    }

    async fn read(&self, stream_id: &str, after_seq: u64) -> Result<Vec<StoredEvent>> {
        record::read(self, &self.key, stream_id, after_seq).await
    }

    async fn head(&self, stream_id: &str) -> Result<Option<ChainHead>> {
        record::head(self, stream_id).await
    }

    async fn verify(&self) -> Result<VerifyReport> {
        record::verify(self).await
    }

    async fn create_user(&self, user: &UserRecord, recovery_code_hashes: &[Hash]) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO users (id, email, password_hash, created_at, recovery_codes_shown) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(user.id)
        .bind(normalise_email(&user.email))
        .bind(&user.password_hash)
        .bind(to_micros(user.created_at))
        .bind(user.recovery_codes_shown)
        .execute(&mut *tx)
        .await
        .map_err(crate::email_taken_or)?;
        for code in recovery_code_hashes {
            sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
                .bind(user.id)
                .bind(code.as_slice())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn user_by_email(&self, email: &str) -> Result<Option<UserRecord>> {
        sqlx::query(
            "SELECT id, email, password_hash, created_at, recovery_codes_shown \
             FROM users WHERE email = $1",
        )
        .bind(normalise_email(email))
        .fetch_optional(&self.pool)
        .await?
        .as_ref()
        .map(user_record)
        .transpose()
    }

    async fn user_by_id(&self, id: Uuid) -> Result<Option<UserRecord>> {
        sqlx::query(
            "SELECT id, email, password_hash, created_at, recovery_codes_shown \
             FROM users WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .as_ref()
        .map(user_record)
        .transpose()
    }

    async fn set_password_hash(&self, user_id: Uuid, password_hash: &str) -> Result<()> {
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn mark_recovery_codes_shown(&self, user_id: Uuid) -> Result<()> {
        sqlx::query("UPDATE users SET recovery_codes_shown = TRUE WHERE id = $1")
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn replace_recovery_codes(&self, user_id: Uuid, code_hashes: &[Hash]) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        for code in code_hashes {
            sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
                .bind(user_id)
                .bind(code.as_slice())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn consume_recovery_code(&self, user_id: Uuid, code_hash: &Hash) -> Result<bool> {
        let deleted =
            sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1 AND code_hash = $2")
                .bind(user_id)
                .bind(code_hash.as_slice())
                .execute(&self.pool)
                .await?;
        Ok(deleted.rows_affected() == 1)
    }

    async fn create_session(&self, session: &SessionRecord) -> Result<()> {
        sqlx::query(
            "INSERT INTO sessions (id, user_id, token_hash, created_at, last_seen_at, device) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(session.id)
        .bind(session.user_id)
        .bind(session.token_hash.as_slice())
        .bind(to_micros(session.created_at))
        .bind(to_micros(session.last_seen_at))
        .bind(&session.device)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn session_by_token_hash(&self, token_hash: &Hash) -> Result<Option<SessionRecord>> {
        sqlx::query(
            "SELECT id, user_id, token_hash, created_at, last_seen_at, device \
             FROM sessions WHERE token_hash = $1",
        )
        .bind(token_hash.as_slice())
        .fetch_optional(&self.pool)
        .await?
        .as_ref()
        .map(session_record)
        .transpose()
    }

    async fn touch_session(&self, session_id: Uuid, at: OffsetDateTime) -> Result<()> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2")
            .bind(to_micros(at))
            .bind(session_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn sessions_of(&self, user_id: Uuid) -> Result<Vec<SessionRecord>> {
        sqlx::query(
            "SELECT id, user_id, token_hash, created_at, last_seen_at, device \
             FROM sessions WHERE user_id = $1 ORDER BY last_seen_at DESC, id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(session_record)
        .collect()
    }

    async fn delete_session(&self, user_id: Uuid, session_id: Uuid) -> Result<bool> {
        let deleted = sqlx::query("DELETE FROM sessions WHERE id = $1 AND user_id = $2")
            .bind(session_id)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(deleted.rows_affected() == 1)
    }

    async fn delete_sessions_of(&self, user_id: Uuid) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn add_member(&self, couple_id: Uuid, user_id: Uuid, at: OffsetDateTime) -> Result<()> {
        sqlx::query(
            "INSERT INTO couple_members (user_id, couple_id, joined_at) VALUES ($1, $2, $3)",
        )
        .bind(user_id)
        .bind(couple_id)
        .bind(to_micros(at))
        .execute(&self.pool)
        .await
        .map_err(crate::already_in_couple_or)?;
        Ok(())
    }

    async fn couple_of(&self, user_id: Uuid) -> Result<Option<Uuid>> {
        Ok(
            sqlx::query_scalar("SELECT couple_id FROM couple_members WHERE user_id = $1")
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    async fn members_of(&self, couple_id: Uuid) -> Result<Vec<Uuid>> {
        Ok(sqlx::query_scalar(
            "SELECT user_id FROM couple_members WHERE couple_id = $1 ORDER BY joined_at, user_id",
        )
        .bind(couple_id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn create_invite(&self, invite: &InviteRecord) -> Result<()> {
        sqlx::query(
            "INSERT INTO invites \
             (token_hash, couple_id, created_by, created_at, expires_at, used_at, used_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(invite.token_hash.as_slice())
        .bind(invite.couple_id)
        .bind(invite.created_by)
        .bind(to_micros(invite.created_at))
        .bind(to_micros(invite.expires_at))
        .bind(invite.used_at.map(to_micros))
        .bind(invite.used_by)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn invite_by_token_hash(&self, token_hash: &Hash) -> Result<Option<InviteRecord>> {
        sqlx::query(
            "SELECT token_hash, couple_id, created_by, created_at, expires_at, used_at, used_by \
             FROM invites WHERE token_hash = $1",
        )
        .bind(token_hash.as_slice())
        .fetch_optional(&self.pool)
        .await?
        .as_ref()
        .map(invite_record)
        .transpose()
    }

    async fn use_invite(
        &self,
        token_hash: &Hash,
        user_id: Uuid,
        at: OffsetDateTime,
    ) -> Result<bool> {
        let updated = sqlx::query(
            "UPDATE invites SET used_at = $1, used_by = $2 \
             WHERE token_hash = $3 AND used_at IS NULL",
        )
        .bind(to_micros(at))
        .bind(user_id)
        .bind(token_hash.as_slice())
        .execute(&self.pool)
        .await?;
        Ok(updated.rows_affected() == 1)
    }

    async fn backup(&self, path: &Path) -> Result<()> {
        check_backup_target(path)?;
        let target = sqlite::create_backup_file(path).await?;
        let copied = self.copy_into(&target).await;
        target.close().await;
        let synced = copied.and_then(|()| Ok(std::fs::File::open(path)?.sync_all()?));
        if let Err(error) = synced {
            // A half-written backup must not be mistaken for a good one.
            let _ = std::fs::remove_file(path);
            return Err(match error {
                StoreError::Database(inner) => {
                    backup_error(path, format!("copying the database failed: {inner}"))
                }
                other => other,
            });
        }
        Ok(())
    }
}
