//! The SQLite backend: one node, one file.
//!
//! WAL journal, `synchronous=FULL` (an acknowledged write survives a power
//! cut), a busy timeout, foreign keys on. Every write goes through a pool of
//! exactly one connection, and write transactions start with
//! `BEGIN IMMEDIATE`, so writers queue instead of meeting `SQLITE_BUSY`;
//! reads use a small pool of read-only connections alongside.

use crate::chain::EventRow;
use crate::key::MasterKey;
use crate::record::{self, EventTables};
use crate::rows::{event_row, invite_record, read_value, session_record, user_record};
use crate::tables::{self, Table, Value, COPY_PAGE, TABLES};
use crate::timestamp::to_micros;
use crate::{
    is_unique_violation, normalise_email, ChainHead, Hash, InviteRecord, NewEvent, Result,
    SessionRecord, Store, StoreError, StoredEvent, UserRecord, VerifyReport,
};
use async_trait::async_trait;
use sqlx::migrate::Migrator;
use sqlx::sqlite::{
    SqliteArguments, SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteSynchronous,
};
use sqlx::{Row, Sqlite, SqliteConnection};
use std::path::{Path, PathBuf};
use std::time::Duration;
use time::OffsetDateTime;
use uuid::Uuid;

pub(crate) static MIGRATOR: Migrator = sqlx::migrate!("./migrations/sqlite");

const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
const READ_CONNECTIONS: u32 = 4;

pub(crate) struct SqliteStore {
    /// Exactly one connection: the one writer.
    write: SqlitePool,
    read: SqlitePool,
    key: MasterKey,
}

/// The file path of a `sqlite://PATH` URL. `?mode=rwc` is accepted (it is
/// what `open` does anyway); any other parameter, and an in-memory database,
/// are refused rather than guessed at.
pub(crate) fn path_from_url(url: &str) -> Result<PathBuf> {
    let unsupported = || StoreError::UnsupportedUrl(url.to_string());
    let rest = url.strip_prefix("sqlite://").ok_or_else(unsupported)?;
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() || path == ":memory:" {
        return Err(unsupported());
    }
    if query
        .split('&')
        .any(|param| !param.is_empty() && param != "mode=rwc")
    {
        return Err(unsupported());
    }
    Ok(PathBuf::from(path))
}

fn base_options(path: &Path) -> SqliteConnectOptions {
    SqliteConnectOptions::new()
        .filename(path)
        .busy_timeout(BUSY_TIMEOUT)
        .foreign_keys(true)
        .synchronous(SqliteSynchronous::Full)
}

/// Opens (creating if missing) the database file and brings its schema up
/// to date. Returns the one-connection write pool.
async fn open_writer(path: &Path) -> Result<SqlitePool> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let options = base_options(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal);
    // The writer stays connected for the store's whole life: while it is
    // open the WAL and its index stay in place for the read-only readers.
    let write = SqlitePoolOptions::new()
        .max_connections(1)
        .min_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .connect_with(options)
        .await?;
    MIGRATOR.run(&write).await?;
    Ok(write)
}

pub(crate) async fn migrate(url: &str) -> Result<()> {
    let write = open_writer(&path_from_url(url)?).await?;
    write.close().await;
    Ok(())
}

impl SqliteStore {
    pub(crate) async fn open(url: &str, key: MasterKey) -> Result<SqliteStore> {
        let path = path_from_url(url)?;
        let write = open_writer(&path).await?;
        let read = SqlitePoolOptions::new()
            .max_connections(READ_CONNECTIONS)
            .connect_with(base_options(&path).read_only(true))
            .await?;
        let store = SqliteStore { write, read, key };
        record::check_master_key(&store, &store.key).await?;
        Ok(store)
    }

    /// Opens a backup file read-only, for `restore`. Nothing is ever written
    /// through the returned store.
    pub(crate) async fn open_backup(path: &Path, key: MasterKey) -> Result<SqliteStore> {
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(base_options(path).read_only(true).create_if_missing(false))
            .await
            .map_err(|error| backup_error(path, format!("could not open it: {error}")))?;
        check_backup_schema(&pool, path).await?;
        Ok(SqliteStore {
            write: pool.clone(),
            read: pool,
            key,
        })
    }

    pub(crate) fn read_pool(&self) -> &SqlitePool {
        &self.read
    }

    pub(crate) fn key(&self) -> &MasterKey {
        &self.key
    }

    pub(crate) async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }

    /// True when no table holds a row, apart from the key check `open` wrote.
    pub(crate) async fn is_empty(&self) -> Result<bool> {
        for table in TABLES {
            let sql = format!("SELECT COUNT(*) FROM {}", table.name);
            let mut count: i64 = sqlx::query_scalar(&sql).fetch_one(&self.read).await?;
            if table.name == "meta" {
                let checks: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM meta WHERE name = ?")
                    .bind(record::KEY_CHECK)
                    .fetch_one(&self.read)
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
        let mut tx = self.write.begin_with("BEGIN IMMEDIATE").await?;
        let mut loaded = 0;
        for table in TABLES {
            let insert = table.insert_sql(|_| "?".to_string());
            let mut after = 0;
            while let Some((rows, last)) = read_page(source, table, after).await? {
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
}

/// A backup must hold exactly the migrations this build knows: an older or
/// newer schema would load wrongly.
async fn check_backup_schema(pool: &SqlitePool, path: &Path) -> Result<()> {
    let applied: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
            .fetch_all(pool)
            .await
            .map_err(|_| backup_error(path, "it is not a Kintsugi database".into()))?;
    let known: Vec<i64> = MIGRATOR.iter().map(|m| m.version).collect();
    if applied == known {
        Ok(())
    } else {
        Err(backup_error(
            path,
            format!(
                "it was written by another version of Kintsugi (schema {applied:?}, \
                 this version has {known:?}); restore it with that version"
            ),
        ))
    }
}

pub(crate) fn backup_error(path: &Path, message: String) -> StoreError {
    StoreError::Backup {
        path: path.display().to_string(),
        message,
    }
}

/// Refuses to touch an existing file: a backup never overwrites anything.
pub(crate) fn check_backup_target(path: &Path) -> Result<()> {
    if path.exists() {
        return Err(backup_error(
            path,
            "it exists already; choose a new file name".into(),
        ));
    }
    if path.to_str().is_none() {
        return Err(backup_error(
            path,
            "its name is not valid UTF-8; choose another".into(),
        ));
    }
    create_private_empty_file(path)
}

/// The backup is made into an empty file created readable by its owner
/// only (SQLite accepts an empty file as a new database), so the copy is
/// never readable by others, not even while it is being written.
fn create_private_empty_file(path: &Path) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
        .open(path)
        .map(drop)
        .map_err(|e| backup_error(path, format!("it cannot be created: {e}")))
}

/// Creates a new, empty Kintsugi SQLite database at `path` to write a
/// backup into: one self-contained file (rollback journal, not WAL).
pub(crate) async fn create_backup_file(path: &Path) -> Result<SqlitePool> {
    let options = base_options(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Delete);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await?;
    MIGRATOR.run(&pool).await?;
    Ok(pool)
}

/// Writes `rows` of `table` on `conn` (inside the caller's transaction).
pub(crate) async fn insert_rows(
    conn: &mut SqliteConnection,
    table: &Table,
    rows: &[Vec<Value>],
) -> Result<()> {
    let insert = table.insert_sql(|_| "?".to_string());
    for row in rows {
        bind_row(sqlx::query(&insert), row)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Up to `COPY_PAGE` rows of `table` after `after_rowid`, and the last
/// rowid read; `None` when there are no more.
pub(crate) async fn read_page(
    pool: &SqlitePool,
    table: &Table,
    after_rowid: i64,
) -> Result<Option<(Vec<Vec<Value>>, i64)>> {
    let sql = format!(
        "SELECT rowid, {} FROM {} WHERE rowid > ? ORDER BY rowid LIMIT ?",
        table.column_list(),
        table.name
    );
    let rows = sqlx::query(&sql)
        .bind(after_rowid)
        .bind(COPY_PAGE)
        .fetch_all(pool)
        .await?;
    let Some(last) = rows.last() else {
        return Ok(None);
    };
    let last_rowid: i64 = last.try_get(0)?;
    let values = rows
        .iter()
        .map(|row| {
            table
                .columns
                .iter()
                .enumerate()
                .map(|(i, (_, column))| read_value(row, i + 1, *column))
                .collect::<Result<Vec<_>>>()
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Some((values, last_rowid)))
}

type SqliteQuery<'q> = sqlx::query::Query<'q, Sqlite, SqliteArguments<'q>>;

fn bind_row<'q>(mut query: SqliteQuery<'q>, row: &[Value]) -> SqliteQuery<'q> {
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
impl EventTables for SqliteStore {
    async fn hash_at(&self, stream_id: &str, seq: i64) -> Result<Option<Vec<u8>>> {
        Ok(
            sqlx::query_scalar("SELECT hash FROM events WHERE stream_id = ? AND seq = ?")
                .bind(stream_id)
                .bind(seq)
                .fetch_optional(&self.read)
                .await?,
        )
    }

    async fn head_row(&self, stream_id: &str) -> Result<Option<(i64, Vec<u8>)>> {
        let row = sqlx::query(
            "SELECT seq, hash FROM events WHERE stream_id = ? ORDER BY seq DESC LIMIT 1",
        )
        .bind(stream_id)
        .fetch_optional(&self.read)
        .await?;
        row.map(|row| Ok((row.try_get("seq")?, row.try_get("hash")?)))
            .transpose()
    }

    async fn insert_events(&self, rows: &[EventRow]) -> Result<bool> {
        let mut tx = self.write.begin_with("BEGIN IMMEDIATE").await?;
        let insert =
            format!("INSERT INTO events ({EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
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
            "SELECT {EVENT_COLUMNS} FROM events WHERE stream_id = ? AND seq > ? \
             ORDER BY seq LIMIT ?"
        );
        sqlx::query(&sql)
            .bind(stream_id)
            .bind(after_seq)
            .bind(limit)
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(event_row)
            .collect()
    }

    async fn stream_ids_after(&self, after: Option<&str>, limit: i64) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT DISTINCT stream_id FROM events WHERE ?1 IS NULL OR stream_id > ?1 \
             ORDER BY stream_id LIMIT ?2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(&self.read)
        .await?)
    }

    async fn wrapped_key(&self, stream_id: &str) -> Result<Option<Vec<u8>>> {
        Ok(
            sqlx::query_scalar("SELECT wrapped_key FROM stream_keys WHERE stream_id = ?")
                .bind(stream_id)
                .fetch_optional(&self.read)
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
            "INSERT INTO stream_keys (stream_id, wrapped_key, created_at) VALUES (?, ?, ?) \
             ON CONFLICT (stream_id) DO NOTHING",
        )
        .bind(stream_id)
        .bind(wrapped)
        .bind(created_at)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    async fn all_wrapped_keys(&self) -> Result<Vec<(String, Vec<u8>)>> {
        let rows = sqlx::query("SELECT stream_id, wrapped_key FROM stream_keys ORDER BY stream_id")
            .fetch_all(&self.read)
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
        let mut tx = self.write.begin_with("BEGIN IMMEDIATE").await?;
        let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM stream_keys")
            .fetch_one(&mut *tx)
            .await?;
        if total != rewrapped.len() as i64 {
            return Ok(false);
        }
        for (stream_id, old, new) in rewrapped {
            let updated = sqlx::query(
                "UPDATE stream_keys SET wrapped_key = ? WHERE stream_id = ? AND wrapped_key = ?",
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
        sqlx::query("UPDATE meta SET value = ? WHERE name = ?")
            .bind(key_check)
            .bind(record::KEY_CHECK)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn meta(&self, name: &str) -> Result<Option<Vec<u8>>> {
        Ok(sqlx::query_scalar("SELECT value FROM meta WHERE name = ?")
            .bind(name)
            .fetch_optional(&self.read)
            .await?)
    }

    async fn insert_meta(&self, name: &str, value: &[u8]) -> Result<()> {
        sqlx::query("INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")
            .bind(name)
            .bind(value)
            .execute(&self.write)
            .await?;
        Ok(())
    }
}

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.read).await?;
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
        let mut tx = self.write.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query(
            "INSERT INTO users (id, email, password_hash, created_at, recovery_codes_shown) \
             VALUES (?, ?, ?, ?, ?)",
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
            sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)")
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
             FROM users WHERE email = ?",
        )
        .bind(normalise_email(email))
        .fetch_optional(&self.read)
        .await?
        .as_ref()
        .map(user_record)
        .transpose()
    }

    async fn user_by_id(&self, id: Uuid) -> Result<Option<UserRecord>> {
        sqlx::query(
            "SELECT id, email, password_hash, created_at, recovery_codes_shown \
             FROM users WHERE id = ?",
        )
        .bind(id)
        .fetch_optional(&self.read)
        .await?
        .as_ref()
        .map(user_record)
        .transpose()
    }

    async fn set_password_hash(&self, user_id: Uuid, password_hash: &str) -> Result<()> {
        sqlx::query("UPDATE users SET password_hash = ? WHERE id = ?")
            .bind(password_hash)
            .bind(user_id)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    async fn mark_recovery_codes_shown(&self, user_id: Uuid) -> Result<()> {
        sqlx::query("UPDATE users SET recovery_codes_shown = TRUE WHERE id = ?")
            .bind(user_id)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    async fn replace_recovery_codes(&self, user_id: Uuid, code_hashes: &[Hash]) -> Result<()> {
        let mut tx = self.write.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = ?")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        for code in code_hashes {
            sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)")
                .bind(user_id)
                .bind(code.as_slice())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn consume_recovery_code(&self, user_id: Uuid, code_hash: &Hash) -> Result<bool> {
        let deleted = sqlx::query("DELETE FROM recovery_codes WHERE user_id = ? AND code_hash = ?")
            .bind(user_id)
            .bind(code_hash.as_slice())
            .execute(&self.write)
            .await?;
        Ok(deleted.rows_affected() == 1)
    }

    async fn create_session(&self, session: &SessionRecord) -> Result<()> {
        sqlx::query(
            "INSERT INTO sessions (id, user_id, token_hash, created_at, last_seen_at, device) \
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(session.id)
        .bind(session.user_id)
        .bind(session.token_hash.as_slice())
        .bind(to_micros(session.created_at))
        .bind(to_micros(session.last_seen_at))
        .bind(&session.device)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    async fn session_by_token_hash(&self, token_hash: &Hash) -> Result<Option<SessionRecord>> {
        sqlx::query(
            "SELECT id, user_id, token_hash, created_at, last_seen_at, device \
             FROM sessions WHERE token_hash = ?",
        )
        .bind(token_hash.as_slice())
        .fetch_optional(&self.read)
        .await?
        .as_ref()
        .map(session_record)
        .transpose()
    }

    async fn touch_session(&self, session_id: Uuid, at: OffsetDateTime) -> Result<()> {
        sqlx::query("UPDATE sessions SET last_seen_at = ? WHERE id = ?")
            .bind(to_micros(at))
            .bind(session_id)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    async fn sessions_of(&self, user_id: Uuid) -> Result<Vec<SessionRecord>> {
        sqlx::query(
            "SELECT id, user_id, token_hash, created_at, last_seen_at, device \
             FROM sessions WHERE user_id = ? ORDER BY last_seen_at DESC, id",
        )
        .bind(user_id)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(session_record)
        .collect()
    }

    async fn delete_session(&self, user_id: Uuid, session_id: Uuid) -> Result<bool> {
        let deleted = sqlx::query("DELETE FROM sessions WHERE id = ? AND user_id = ?")
            .bind(session_id)
            .bind(user_id)
            .execute(&self.write)
            .await?;
        Ok(deleted.rows_affected() == 1)
    }

    async fn delete_sessions_of(&self, user_id: Uuid) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE user_id = ?")
            .bind(user_id)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    async fn add_member(&self, couple_id: Uuid, user_id: Uuid, at: OffsetDateTime) -> Result<()> {
        sqlx::query("INSERT INTO couple_members (user_id, couple_id, joined_at) VALUES (?, ?, ?)")
            .bind(user_id)
            .bind(couple_id)
            .bind(to_micros(at))
            .execute(&self.write)
            .await
            .map_err(crate::already_in_couple_or)?;
        Ok(())
    }

    async fn couple_of(&self, user_id: Uuid) -> Result<Option<Uuid>> {
        Ok(
            sqlx::query_scalar("SELECT couple_id FROM couple_members WHERE user_id = ?")
                .bind(user_id)
                .fetch_optional(&self.read)
                .await?,
        )
    }

    async fn members_of(&self, couple_id: Uuid) -> Result<Vec<Uuid>> {
        Ok(sqlx::query_scalar(
            "SELECT user_id FROM couple_members WHERE couple_id = ? ORDER BY joined_at, user_id",
        )
        .bind(couple_id)
        .fetch_all(&self.read)
        .await?)
    }

    async fn create_invite(&self, invite: &InviteRecord) -> Result<()> {
        sqlx::query(
            "INSERT INTO invites \
             (token_hash, couple_id, created_by, created_at, expires_at, used_at, used_by) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(invite.token_hash.as_slice())
        .bind(invite.couple_id)
        .bind(invite.created_by)
        .bind(to_micros(invite.created_at))
        .bind(to_micros(invite.expires_at))
        .bind(invite.used_at.map(to_micros))
        .bind(invite.used_by)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    async fn invite_by_token_hash(&self, token_hash: &Hash) -> Result<Option<InviteRecord>> {
        sqlx::query(
            "SELECT token_hash, couple_id, created_by, created_at, expires_at, used_at, used_by \
             FROM invites WHERE token_hash = ?",
        )
        .bind(token_hash.as_slice())
        .fetch_optional(&self.read)
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
            "UPDATE invites SET used_at = ?, used_by = ? WHERE token_hash = ? AND used_at IS NULL",
        )
        .bind(to_micros(at))
        .bind(user_id)
        .bind(token_hash.as_slice())
        .execute(&self.write)
        .await?;
        Ok(updated.rows_affected() == 1)
    }

    async fn backup(&self, path: &Path) -> Result<()> {
        check_backup_target(path)?;
        let target = path.to_str().unwrap_or_default();
        // VACUUM INTO reads one consistent snapshot while writers carry on.
        let copied = sqlx::query("VACUUM INTO ?")
            .bind(target)
            .execute(&self.read)
            .await
            .map_err(StoreError::from)
            .and_then(|_| Ok(std::fs::File::open(path)?.sync_all()?));
        if let Err(error) = copied {
            // A half-written backup must not be mistaken for a good one.
            let _ = std::fs::remove_file(path);
            return Err(error);
        }
        Ok(())
    }
}
