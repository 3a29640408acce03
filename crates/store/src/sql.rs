//! The few primitive operations every query is built from: run a statement
//! with typed arguments, or fetch rows as typed cells. Both backends get
//! them from one macro, so the SQL above them (`queries`) is written once,
//! with `$1, $2…` placeholders, which sqlx accepts on SQLite too.

use crate::rows::read_value;
use crate::tables::{Column, Value};
use crate::{Result, StoreError};
use async_trait::async_trait;
use uuid::Uuid;

/// Statements on a pool, each in its own implicit transaction. Errors stay
/// `sqlx::Error` so a caller can tell a unique violation from other errors.
#[async_trait]
pub(crate) trait Sql: Send + Sync {
    /// Runs `sql`; returns how many rows it changed.
    async fn execute(&self, sql: &str, args: &[Value]) -> Result<u64, sqlx::Error>;
    /// Every row of `sql`, each read as the given columns (named for the
    /// reader; the cells are read by position), in order.
    async fn fetch(
        &self,
        sql: &str,
        args: &[Value],
        columns: &[(&str, Column)],
    ) -> Result<Vec<Cells>>;
}

/// The same operations inside one transaction; dropped without `commit`,
/// the transaction rolls back.
#[async_trait]
pub(crate) trait SqlTx: Send {
    async fn execute(&mut self, sql: &str, args: &[Value]) -> Result<u64, sqlx::Error>;
    async fn fetch(
        &mut self,
        sql: &str,
        args: &[Value],
        columns: &[(&str, Column)],
    ) -> Result<Vec<Cells>>;
    async fn commit(self: Box<Self>) -> Result<()>;
}

/// Implements [`Sql`] for a pool and [`SqlTx`] for a transaction of one
/// sqlx database type.
macro_rules! sql_for {
    ($database:ty) => {
        fn bind_values<'q>(
            mut query: sqlx::query::Query<
                'q,
                $database,
                <$database as sqlx::Database>::Arguments<'q>,
            >,
            args: &[Value],
        ) -> sqlx::query::Query<'q, $database, <$database as sqlx::Database>::Arguments<'q>> {
            for value in args {
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

        fn cells_of(
            rows: Vec<<$database as sqlx::Database>::Row>,
            columns: &[(&str, Column)],
        ) -> Result<Vec<Cells>> {
            rows.iter()
                .map(|row| {
                    let values = columns
                        .iter()
                        .enumerate()
                        .map(|(index, (_, column))| read_value(row, index, *column))
                        .collect::<Result<Vec<_>>>()?;
                    Ok(Cells::new(values))
                })
                .collect()
        }

        #[async_trait]
        impl Sql for sqlx::Pool<$database> {
            async fn execute(&self, sql: &str, args: &[Value]) -> Result<u64, sqlx::Error> {
                let done = bind_values(sqlx::query(sql), args).execute(self).await?;
                Ok(done.rows_affected())
            }

            async fn fetch(
                &self,
                sql: &str,
                args: &[Value],
                columns: &[(&str, Column)],
            ) -> Result<Vec<Cells>> {
                let rows = bind_values(sqlx::query(sql), args).fetch_all(self).await?;
                cells_of(rows, columns)
            }
        }

        #[async_trait]
        impl SqlTx for sqlx::Transaction<'static, $database> {
            async fn execute(&mut self, sql: &str, args: &[Value]) -> Result<u64, sqlx::Error> {
                let done = bind_values(sqlx::query(sql), args)
                    .execute(&mut **self)
                    .await?;
                Ok(done.rows_affected())
            }

            async fn fetch(
                &mut self,
                sql: &str,
                args: &[Value],
                columns: &[(&str, Column)],
            ) -> Result<Vec<Cells>> {
                let rows = bind_values(sqlx::query(sql), args)
                    .fetch_all(&mut **self)
                    .await?;
                cells_of(rows, columns)
            }

            async fn commit(self: Box<Self>) -> Result<()> {
                (*self).commit().await?;
                Ok(())
            }
        }
    };
}

mod on_sqlite {
    use super::*;
    sql_for!(sqlx::Sqlite);
}

mod on_postgres {
    use super::*;
    sql_for!(sqlx::Postgres);
}

/// One row's cells, taken in column order by typed getters.
#[derive(Debug)]
pub(crate) struct Cells {
    values: std::vec::IntoIter<Value>,
}

macro_rules! getters {
    ($($name:ident, $optional:ident: $variant:ident => $ty:ty;)*) => {
        $(
            pub(crate) fn $optional(&mut self) -> Result<Option<$ty>> {
                match self.values.next() {
                    Some(Value::$variant(value)) => Ok(value),
                    other => Err(unexpected(stringify!($variant), other)),
                }
            }

            pub(crate) fn $name(&mut self) -> Result<$ty> {
                self.$optional()?
                    .ok_or_else(|| unexpected(stringify!($variant), None))
            }
        )*
    };
}

impl Cells {
    pub(crate) fn new(values: Vec<Value>) -> Cells {
        Cells {
            values: values.into_iter(),
        }
    }

    /// The remaining cells, for copying a row as it is.
    pub(crate) fn into_values(self) -> Vec<Value> {
        self.values.collect()
    }

    getters! {
        int, opt_int: Int => i64;
        text, opt_text: Text => String;
        bytes, opt_bytes: Bytes => Vec<u8>;
        uuid, opt_uuid: Uuid => Uuid;
        boolean, opt_boolean: Bool => bool;
    }
}

fn unexpected(wanted: &str, found: Option<Value>) -> StoreError {
    StoreError::Database(sqlx::Error::Decode(
        format!("expected a {wanted} cell, found {found:?}").into(),
    ))
}
