//! The store, written once over [`Backend`]: every query, with `$N`
//! placeholders, runs unchanged on SQLite and on PostgreSQL. A backend
//! supplies only what truly differs: its connections, how a write
//! transaction starts, how it locks for a key rotation, and its backup.

mod deletions;
mod endings;
mod events;
mod people;
mod reminders;
mod snapshots;
mod therapists;

pub(crate) use events::{insert_rows, insert_together};

use crate::group_commit::{BatchCounter, GroupCommit};
use crate::key::MasterKey;
use crate::known::Known;
use crate::record::{self, EventTables};
use crate::sql::{Cells, Sql, SqlTx};
use crate::tables::{self, Table, Value, META, TABLES};
use crate::{CommitBatches, Counts, Operations, Result, Store};
use async_trait::async_trait;
use std::path::Path;
use std::sync::Arc;

#[async_trait]
pub(crate) trait Backend: Send + Sync {
    /// Which backend this is, for logs and `healthz`.
    const NAME: &'static str;
    /// A write transaction, opened the way this backend wants writers to
    /// queue or race.
    async fn begin_write(&self) -> Result<Box<dyn SqlTx>>;
    /// A write transaction during which no new stream key can be added.
    async fn begin_key_rotation(&self) -> Result<Box<dyn SqlTx>>;
    /// See [`Operations::backup`].
    async fn backup(&self, path: &Path) -> Result<()>;
    async fn close(&self);
}

/// A backend, where its reads and writes go, and the master key: the
/// `Store`.
pub(crate) struct SqlStore<B> {
    pub(crate) backend: B,
    read: Box<dyn Sql>,
    write: Box<dyn Sql>,
    pub(crate) key: MasterKey,
    /// SQLite's writer task, through which every commit goes; `None` on
    /// PostgreSQL, where each commit is its own transaction.
    group: Option<GroupCommit>,
    batches: Arc<BatchCounter>,
    /// The heads this process knows of the file's streams: on SQLite while
    /// this process holds the file's lock, never on PostgreSQL.
    known: Option<Arc<Known>>,
}

impl<B: Backend> SqlStore<B> {
    /// The store on `backend`, reading through `read` and writing single
    /// statements through `write`; `key` is not checked yet.
    pub(crate) fn new(
        backend: B,
        read: impl Sql + 'static,
        write: impl Sql + 'static,
        key: MasterKey,
    ) -> SqlStore<B> {
        SqlStore {
            backend,
            read: Box::new(read),
            write: Box::new(write),
            key,
            group: None,
            batches: Arc::default(),
            known: None,
        }
    }

    /// The same store answering catch-ups at a known head from `known`.
    pub(crate) fn with_known(mut self, known: Option<Arc<Known>>) -> SqlStore<B> {
        self.known = known;
        self
    }

    /// The same store with its commits grouped by a writer task on `pool`
    /// (see `group_commit`).
    pub(crate) fn with_group_commit(mut self, pool: sqlx::SqlitePool) -> SqlStore<B> {
        self.group = Some(GroupCommit::start(pool, self.batches.clone()));
        self
    }

    /// Checks the master key against the database's key check.
    pub(crate) async fn checked(self) -> Result<SqlStore<B>> {
        record::check_master_key(&self, &self.key).await?;
        Ok(self)
    }

    pub(crate) fn reader(&self) -> &dyn Sql {
        self.read.as_ref()
    }

    /// The first row `sql` finds, read by `row`; `None` when it finds none.
    pub(crate) async fn first_row<T>(
        &self,
        sql: &str,
        args: &[Value],
        columns: &[(&str, tables::Column)],
        row: impl FnOnce(Cells) -> Result<T>,
    ) -> Result<Option<T>> {
        let rows = self.reader().fetch(sql, args, columns).await?;
        rows.into_iter().next().map(row).transpose()
    }

    pub(crate) fn writer(&self) -> &dyn Sql {
        self.write.as_ref()
    }

    pub(crate) fn key(&self) -> &MasterKey {
        &self.key
    }

    pub(crate) async fn close(&self) {
        self.backend.close().await;
    }

    /// True when no table holds a row, apart from the key check `open` wrote.
    pub(crate) async fn is_empty(&self) -> Result<bool> {
        let count = [("count", tables::Column::Int)];
        for table in TABLES {
            let sql = format!("SELECT COUNT(*) FROM {}", table.name);
            let mut total = self.count(&sql, &[], &count).await?;
            if table.name == META.name {
                let key_check = [Value::Text(Some(record::KEY_CHECK.to_string()))];
                let sql = "SELECT COUNT(*) FROM meta WHERE name = $1";
                total -= self.count(sql, &key_check, &count).await?;
            }
            if total > 0 {
                return Ok(false);
            }
        }
        Ok(true)
    }

    async fn count(
        &self,
        sql: &str,
        args: &[Value],
        column: &[(&str, tables::Column)],
    ) -> Result<i64> {
        let found = self.first_row(sql, args, column, |mut cells| cells.int());
        Ok(found.await?.unwrap_or(0))
    }

    /// Copies every row of `source` (a backup, always SQLite) into this
    /// database, in one transaction. Returns how many rows were loaded.
    pub(crate) async fn load_from(&self, source: &dyn Sql) -> Result<u64> {
        let mut tx = self.backend.begin_write().await?;
        let mut loaded = 0;
        for table in TABLES {
            loaded += copy_table(source, table, tx.as_mut()).await?;
        }
        tx.commit().await?;
        Ok(loaded)
    }
}

async fn copy_table(source: &dyn Sql, table: &Table, tx: &mut dyn SqlTx) -> Result<u64> {
    let insert = table.insert_sql();
    let mut loaded = 0;
    let mut after = 0;
    while let Some((rows, last)) = crate::sqlite::read_page(source, table, after).await? {
        for row in rows.iter().filter(|row| tables::restores_row(table, row)) {
            tx.execute(&insert, row).await?;
            loaded += 1;
        }
        after = last;
    }
    Ok(loaded)
}

/// A store as `lib.rs` handles it for restore and key rotation: the
/// `Store`, its rows, and what only an empty or closing database needs.
#[async_trait]
pub(crate) trait OpenStore: Store + EventTables {
    async fn is_empty(&self) -> Result<bool>;
    async fn load_from(&self, source: &dyn Sql) -> Result<u64>;
    async fn close(&self);
}

#[async_trait]
impl<B: Backend + 'static> OpenStore for SqlStore<B> {
    async fn is_empty(&self) -> Result<bool> {
        SqlStore::is_empty(self).await
    }

    async fn load_from(&self, source: &dyn Sql) -> Result<u64> {
        SqlStore::load_from(self, source).await
    }

    async fn close(&self) {
        SqlStore::close(self).await
    }
}

#[async_trait]
impl<B: Backend> Operations for SqlStore<B> {
    fn backend(&self) -> &'static str {
        B::NAME
    }

    fn commit_batches(&self) -> CommitBatches {
        self.batches.snapshot()
    }

    fn may_serve(&self) -> bool {
        // A PostgreSQL store knows no heads, and needs none to share.
        self.known.is_some() || B::NAME == "postgres"
    }

    async fn ping(&self) -> Result<()> {
        self.reader().execute("SELECT 1", &[]).await?;
        Ok(())
    }

    async fn backup(&self, path: &Path) -> Result<()> {
        self.backend.backup(path).await
    }

    async fn counts(&self) -> Result<Counts> {
        let size = match B::NAME {
            "postgres" => "SELECT pg_database_size(current_database()) AS n",
            _ => "SELECT page_count * page_size AS n FROM pragma_page_count(), pragma_page_size()",
        };
        let mut numbers = Vec::with_capacity(4);
        for sql in [
            "SELECT COUNT(*) AS n FROM users",
            "SELECT COUNT(DISTINCT couple_id) AS n FROM couple_members",
            "SELECT COUNT(*) AS n FROM events",
            size,
        ] {
            let rows = self
                .reader()
                .fetch(sql, &[], &[("n", tables::Column::Int)])
                .await?;
            let n = match rows.into_iter().next() {
                Some(mut cells) => cells.int()?,
                None => 0,
            };
            numbers.push(u64::try_from(n).unwrap_or_default());
        }
        Ok(Counts {
            people: numbers[0],
            spaces: numbers[1],
            events: numbers[2],
            database_bytes: numbers[3],
        })
    }
}
