//! The SQLite backend: one node, one file.
//!
//! WAL journal, `synchronous=FULL` (an acknowledged write survives a power
//! cut), a busy timeout, foreign keys on. Every write goes through a pool of
//! exactly one connection, and write transactions start with
//! `BEGIN IMMEDIATE`, so writers queue instead of meeting `SQLITE_BUSY`;
//! reads use a small pool of read-only connections alongside. The record's
//! commits go through one writer task that writes those of concurrent
//! requests in one transaction (`group_commit`); every other write takes
//! the same connection between its batches.

use crate::key::MasterKey;
use crate::known::Known;
use crate::sql::{Sql, SqlTx};
use crate::sql_store::{Backend, SqlStore};
use crate::tables::{Column, Table, Value, COPY_PAGE};
use crate::{Result, StoreError};
use async_trait::async_trait;
use sqlx::migrate::Migrator;
use sqlx::sqlite::SqliteSynchronous;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub(crate) static MIGRATOR: Migrator = sqlx::migrate!("./migrations/sqlite");

const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
const READ_CONNECTIONS: u32 = 4;

/// The SQLite connections; [`SqliteStore`] is the store on top of them.
pub(crate) struct SqliteDb {
    /// Exactly one connection: the one writer.
    write: SqlitePool,
    read: SqlitePool,
}

pub(crate) type SqliteStore = SqlStore<SqliteDb>;

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
        // A withdrawn entry's ciphertext and a destroyed stream's rows and
        // key are overwritten in the file, not merely unlinked.
        .pragma("secure_delete", "ON")
}

/// Opens (creating if missing) the database file and brings its schema up
/// to date. Returns the one-connection write pool.
pub(crate) async fn open_writer(path: &Path) -> Result<SqlitePool> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    make_private(path)?;
    let options = base_options(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal);
    // The writer stays connected for the store's whole life: while it is
    // open the WAL and its index stay in place for the read-only readers.
    let write = SqlitePoolOptions::new()
        .max_connections(1)
        .min_connections(1)
        .test_before_acquire(false)
        .idle_timeout(None)
        .max_lifetime(None)
        .connect_with(options)
        .await?;
    MIGRATOR.run(&write).await?;
    Ok(write)
}

/// The database holds emails in clear and every wrapped key: it is
/// readable by its owner only. A new file is created 0600 before SQLite
/// opens it (SQLite gives its `-wal` and `-shm` files the database file's
/// mode); an existing one, and its companions, are narrowed to 0600.
#[cfg(unix)]
fn make_private(path: &Path) -> Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => return Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(error) => return Err(error.into()),
    }
    for suffix in ["", "-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let file = Path::new(&name);
        match std::fs::metadata(file) {
            Ok(meta) if meta.permissions().mode() & 0o077 != 0 => {
                std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600))?;
            }
            Ok(_) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(error.into()),
        }
    }
    Ok(())
}

#[cfg(not(unix))]
fn make_private(_path: &Path) -> Result<()> {
    Ok(())
}

/// Which stream heads a store may know without asking SQLite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Heads {
    /// This process's, while it holds the file (see `known`).
    OfThisProcess,
    /// None: the store reads as another process would (for tests).
    #[cfg(feature = "testing")]
    None,
}

/// Opens the database at a `sqlite://PATH` URL as a store.
pub(crate) async fn open(url: &str, key: MasterKey, heads: Heads) -> Result<SqliteStore> {
    let path = path_from_url(url)?;
    let write = open_writer(&path).await?;
    // A connection to a local file does not go stale the way one over a
    // network can: no ping before each use (it doubled the hand-offs to
    // SQLite's worker threads that dominate a page's cost).
    let read = SqlitePoolOptions::new()
        .max_connections(READ_CONNECTIONS)
        .test_before_acquire(false)
        .connect_with(base_options(&path).read_only(true))
        .await?;
    let backend = SqliteDb {
        write: write.clone(),
        read: read.clone(),
    };
    let known = match heads {
        Heads::OfThisProcess => Known::of_file(&path)?,
        #[cfg(feature = "testing")]
        Heads::None => None,
    };
    SqlStore::new(backend, read, write.clone(), key)
        .with_group_commit(write)
        .with_known(known)
        .checked()
        .await
}

/// Opens a backup file read-only, for `restore`. Nothing is ever written
/// through the returned store. Its key check is not compared here: the
/// restore does that, to say so in its own words.
pub(crate) async fn open_backup(path: &Path, key: MasterKey) -> Result<SqliteStore> {
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(base_options(path).read_only(true).create_if_missing(false))
        .await
        .map_err(|error| backup_error(path, format!("could not open it: {error}")))?;
    check_backup_schema(&pool, path).await?;
    let backend = SqliteDb {
        write: pool.clone(),
        read: pool.clone(),
    };
    Ok(SqlStore::new(backend, pool.clone(), pool, key))
}

#[async_trait]
impl Backend for SqliteDb {
    const NAME: &'static str = "sqlite";

    /// `BEGIN IMMEDIATE` takes the write lock at once, so writers queue
    /// instead of failing with `SQLITE_BUSY` half-way.
    async fn begin_write(&self) -> Result<Box<dyn SqlTx>> {
        Ok(Box::new(self.write.begin_with("BEGIN IMMEDIATE").await?))
    }

    /// The write lock of `BEGIN IMMEDIATE` holds off every other writer,
    /// new stream keys included.
    async fn begin_key_rotation(&self) -> Result<Box<dyn SqlTx>> {
        self.begin_write().await
    }

    async fn backup(&self, path: &Path) -> Result<()> {
        check_backup_target(path)?;
        let target = path.to_str().unwrap_or_default();
        // VACUUM INTO reads one consistent snapshot while writers carry on.
        let copied = self
            .read
            .execute("VACUUM INTO $1", &[crate::tables::text(target)])
            .await
            .map_err(StoreError::from);
        let copied = match copied {
            Ok(_) => drop_sessions(path).await,
            Err(error) => Err(error),
        }
        .and_then(|()| Ok(std::fs::File::open(path)?.sync_all()?));
        if let Err(error) = copied {
            // A half-written backup must not be mistaken for a good one.
            let _ = std::fs::remove_file(path);
            return Err(error);
        }
        Ok(())
    }

    async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }
}

/// Removes the sessions `VACUUM INTO` copied (see `tables::backed_up`),
/// and the snapshots, a cache a backup does not carry. `secure_delete`
/// overwrites their rows, so no token hash is left behind in a free page
/// of the file.
async fn drop_sessions(path: &Path) -> Result<()> {
    let options = base_options(path).journal_mode(SqliteJournalMode::Delete);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await?;
    let mut deleted = Ok(());
    for sql in ["DELETE FROM sessions", "DELETE FROM stream_snapshots"] {
        if deleted.is_ok() {
            deleted = sqlx::query(sql).execute(&pool).await.map(drop);
        }
    }
    pool.close().await;
    deleted?;
    Ok(())
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

/// Up to `COPY_PAGE` rows of `table` in the SQLite database `source`
/// after `after_rowid`, and the last rowid read; `None` when there are no
/// more.
pub(crate) async fn read_page(
    source: &dyn Sql,
    table: &Table,
    after_rowid: i64,
) -> Result<Option<(Vec<Vec<Value>>, i64)>> {
    let sql = format!(
        "SELECT rowid, {} FROM {} WHERE rowid > $1 ORDER BY rowid LIMIT $2",
        table.column_list(),
        table.name
    );
    let mut columns = vec![("rowid", Column::Int)];
    columns.extend_from_slice(table.columns);
    let args = [Value::Int(Some(after_rowid)), Value::Int(Some(COPY_PAGE))];
    let mut last_rowid = None;
    let mut values = Vec::new();
    for mut cells in source.fetch(&sql, &args, &columns).await? {
        last_rowid = Some(cells.int()?);
        values.push(cells.into_values());
    }
    Ok(last_rowid.map(|last| (values, last)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The task that forgets day-old submission keys finds them by age: it
    /// must not read every key of the day to find them.
    #[tokio::test]
    async fn old_submission_keys_are_forgotten_through_the_index_by_time() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let pool = open_writer(&dir.path().join("k.db")).await.expect("opens");
        let plan: Vec<(i64, i64, i64, String)> =
            sqlx::query_as("EXPLAIN QUERY PLAN DELETE FROM submissions WHERE created_at < $1")
                .bind(0_i64)
                .fetch_all(&pool)
                .await
                .expect("SQLite explains its plan");
        let steps: Vec<&str> = plan.iter().map(|(_, _, _, step)| step.as_str()).collect();
        assert!(
            steps
                .iter()
                .any(|step| step.contains("submissions_by_time")),
            "{steps:?}"
        );
    }
}
