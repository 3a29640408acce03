//! The PostgreSQL backend: many app instances on one database. Nothing here
//! relies on being the only process: the events table's primary key decides
//! which of two racing appends wins, and key creation is insert-or-keep.

use crate::key::MasterKey;
use crate::rows::read_value;
use crate::sql::SqlTx;
use crate::sql_store::{Backend, SqlStore};
use crate::sqlite::{self, backup_error, check_backup_target};
use crate::tables::{self, Table, Value, COPY_PAGE, TABLES};
use crate::{Result, StoreError};
use async_trait::async_trait;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::SqlitePool;
use std::path::Path;
use std::str::FromStr;

pub(crate) static MIGRATOR: Migrator = sqlx::migrate!("./migrations/postgres");

const MAX_CONNECTIONS: u32 = 10;

/// The PostgreSQL pool; [`PostgresStore`] is the store on top of it.
pub(crate) struct PgDb {
    pool: PgPool,
}

pub(crate) type PostgresStore = SqlStore<PgDb>;

pub(crate) fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// Connects and brings the schema up to date. Migrations take an advisory
/// lock, so instances starting together apply each one once.
pub(crate) async fn connect(url: &str) -> Result<PgPool> {
    let options = PgConnectOptions::from_str(url)?.application_name("kintsugi");
    let pool = PgPoolOptions::new().max_connections(MAX_CONNECTIONS);
    let pool = pool.connect_with(options).await?;
    MIGRATOR.run(&pool).await?;
    Ok(pool)
}

/// Whether the database holds a key check, that is, was opened by Kintsugi
/// before. Applies no migration and writes nothing; a database without
/// Kintsugi's tables has none.
pub(crate) async fn has_key_check(url: &str) -> Result<bool> {
    let options = PgConnectOptions::from_str(url)?.application_name("kintsugi");
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await?;
    let found = sqlx::query("SELECT 1 FROM meta WHERE name = $1")
        .bind(crate::record::KEY_CHECK)
        .fetch_optional(&pool)
        .await;
    pool.close().await;
    match found {
        Ok(row) => Ok(row.is_some()),
        // No `meta` table yet: a database Kintsugi never set up.
        Err(sqlx::Error::Database(error)) if error.code().as_deref() == Some("42P01") => Ok(false),
        Err(error) => Err(error.into()),
    }
}

/// Opens the database at a `postgres://…` URL as a store.
pub(crate) async fn open(url: &str, key: MasterKey) -> Result<PostgresStore> {
    let pool = connect(url).await?;
    let backend = PgDb { pool: pool.clone() };
    // One pool for all: PostgreSQL runs concurrent writers itself.
    SqlStore::new(backend, pool.clone(), pool, key)
        .checked()
        .await
}

impl PgDb {
    /// Copies every table, as one snapshot, into a new SQLite file.
    async fn copy_into(&self, target: &SqlitePool) -> Result<()> {
        let mut source = self.pool.begin().await?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *source)
            .await?;
        let mut sink = target.begin().await?;
        for table in TABLES.iter().filter(|table| tables::backed_up(table)) {
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
            let insert = table.insert_sql();
            loop {
                let rows = sqlx::query(&fetch)
                    .persistent(false)
                    .fetch_all(&mut *source)
                    .await?;
                if rows.is_empty() {
                    break;
                }
                for row in &rows {
                    SqlTx::execute(&mut sink, &insert, &read_row(row, table)?).await?;
                }
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

#[async_trait]
impl Backend for PgDb {
    const NAME: &'static str = "postgres";

    /// A plain transaction: the tables' unique keys decide between racing
    /// writers, in this process or another.
    async fn begin_write(&self) -> Result<Box<dyn SqlTx>> {
        Ok(Box::new(self.pool.begin().await?))
    }

    async fn begin_key_rotation(&self) -> Result<Box<dyn SqlTx>> {
        let mut tx = self.pool.begin().await?;
        // Holds off new streams until the rotation commits.
        SqlTx::execute(&mut tx, "LOCK TABLE stream_keys IN EXCLUSIVE MODE", &[]).await?;
        Ok(Box::new(tx))
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

    async fn close(&self) {
        self.pool.close().await;
    }
}
