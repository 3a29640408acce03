//! The one-commit-per-fsync rate of a plain SQLite file on the same disk as
//! the app's: WAL, `synchronous=FULL`, one single-row insert per
//! transaction, one connection. An app that commits each write on its own
//! cannot go faster than this; one that batches commits can.

use anyhow::Result;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection};
use std::path::Path;
use std::time::{Duration, Instant};

/// Commits per second into a fresh file at `path`, measured for `duration`.
pub async fn commits_per_second(path: &Path, duration: Duration) -> Result<f64> {
    let _ = std::fs::remove_file(path);
    let mut connection = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .connect()
        .await?;
    sqlx::query("CREATE TABLE rows (id INTEGER PRIMARY KEY, body BLOB NOT NULL)")
        .execute(&mut connection)
        .await?;
    let body = vec![7u8; 200];
    let started = Instant::now();
    let mut commits = 0u64;
    while started.elapsed() < duration {
        // Outside a transaction, each statement is its own commit.
        sqlx::query("INSERT INTO rows (body) VALUES ($1)")
            .bind(&body)
            .execute(&mut connection)
            .await?;
        commits += 1;
    }
    let rate = commits as f64 / started.elapsed().as_secs_f64();
    connection.close().await?;
    Ok(rate)
}
