//! Raw SQL on a database behind the store, for tests that change rows
//! behind its back, on either backend.

use sha2::{Digest, Sha256};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};
use sqlx::Row;
use std::str::FromStr;

/// Raw SQL on the test database, around the store.
pub enum Raw {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs the same code on whichever pool `raw` holds. sqlx gives each backend
/// its own pool, row and argument types, so the code is pasted once per
/// backend here instead of being written out twice in every method.
macro_rules! on_pool {
    ($raw:expr, $pool:ident => $body:expr) => {
        match $raw {
            Raw::Sqlite($pool) => $body,
            Raw::Postgres($pool) => $body,
        }
    };
}

/// Runs `sql` with these bind values and returns how many rows it changed.
macro_rules! execute {
    ($raw:expr, $sql:expr $(, $bind:expr)*) => {
        on_pool!($raw, pool => {
            let query = sqlx::query($sql)$(.bind($bind))*;
            query.execute(pool).await.expect("the raw statement runs").rows_affected()
        })
    };
}

/// Every row `sql` selects with these bind values, each read by `$read`.
macro_rules! fetch_all {
    ($raw:expr, $sql:expr, [$($bind:expr),*], $read:expr) => {
        on_pool!($raw, pool => {
            let query = sqlx::query($sql)$(.bind($bind))*;
            query.fetch_all(pool).await.expect("the raw query runs").iter().map($read).collect()
        })
    };
}

impl Raw {
    /// Opens the database a store's `url` names (`sqlite://…` or
    /// `postgres://…`).
    pub async fn open(url: &str) -> Raw {
        if url.starts_with("postgres") {
            let pool = PgPoolOptions::new().max_connections(2).connect(url);
            return Raw::Postgres(pool.await.expect("PostgreSQL answers"));
        }
        let options = SqliteConnectOptions::from_str(url)
            .expect("a SQLite URL")
            .busy_timeout(std::time::Duration::from_secs(10));
        Raw::Sqlite(
            SqlitePool::connect_with(options)
                .await
                .expect("the SQLite file opens"),
        )
    }

    /// Rewrites `sql` written with `$1, $2…` placeholders for the backend.
    fn sql(&self, sql: &str) -> String {
        match self {
            Raw::Sqlite(_) => sql.replace('$', "?"),
            Raw::Postgres(_) => sql.to_string(),
        }
    }

    pub async fn bytes(&self, column: &str, stream_id: &str, seq: i64) -> Option<Vec<u8>> {
        let sql = format!("SELECT {column} FROM events WHERE stream_id = $1 AND seq = $2");
        let sql = self.sql(&sql);
        on_pool!(self, pool => {
            let query = sqlx::query(&sql).bind(stream_id).bind(seq);
            query.fetch_one(pool).await.expect("the raw query finds its row").get(0)
        })
    }

    pub async fn set_bytes(&self, column: &str, stream_id: &str, seq: i64, value: Option<Vec<u8>>) {
        let sql = format!("UPDATE events SET {column} = $1 WHERE stream_id = $2 AND seq = $3");
        let sql = self.sql(&sql);
        let updated = execute!(self, &sql, value, stream_id, seq);
        assert_eq!(updated, 1, "no event {stream_id}#{seq} to change");
    }

    /// The stored ciphertext of event `seq` of a stream, which must have one.
    pub async fn ciphertext(&self, stream_id: &str, seq: i64) -> Vec<u8> {
        let bytes = self.bytes("payload_ciphertext", stream_id, seq).await;
        bytes.expect("a ciphertext")
    }

    /// Flips the lowest bit of byte `index` of a bytes column.
    pub async fn flip_byte(&self, column: &str, stream_id: &str, seq: i64, index: usize) {
        let mut bytes = self
            .bytes(column, stream_id, seq)
            .await
            .expect("the column holds bytes");
        bytes[index] ^= 1;
        self.set_bytes(column, stream_id, seq, Some(bytes)).await;
    }

    /// Runs a statement that needs no parameters.
    pub async fn execute(&self, sql: &str) -> u64 {
        execute!(self, sql)
    }

    /// Every `wrapped_key` by stream, in order.
    pub async fn wrapped_keys(&self) -> Vec<(String, Vec<u8>)> {
        let sql = "SELECT stream_id, wrapped_key FROM stream_keys ORDER BY stream_id";
        fetch_all!(self, sql, [], |row| (row.get(0), row.get(1)))
    }

    /// Every ciphertext, by stream and seq.
    pub async fn ciphertexts(&self) -> Vec<(String, i64, Option<Vec<u8>>)> {
        let sql = "SELECT stream_id, seq, payload_ciphertext FROM events ORDER BY stream_id, seq";
        fetch_all!(self, sql, [], |row| (row.get(0), row.get(1), row.get(2)))
    }

    /// Every submission row, each as (column count, the bytes of its text
    /// and bytes columns run together), for looking for text that must not
    /// be there.
    pub async fn submission_rows(&self) -> Vec<(usize, Vec<u8>)> {
        let sql = "SELECT *, stream_id AS s, key_hash AS k, request_hash AS r FROM submissions";
        let dump = |columns: usize, s: String, k: Vec<u8>, r: Vec<u8>| {
            let mut bytes = s.into_bytes();
            bytes.extend(k);
            bytes.extend(r);
            (columns - 3, bytes)
        };
        fetch_all!(self, sql, [], |row| {
            dump(row.len(), row.get("s"), row.get("k"), row.get("r"))
        })
    }

    /// A bytes column of the row of `table` keyed by `stream_id`
    /// (`stream_keys`, `stream_seals`).
    pub async fn stream_bytes(
        &self,
        table: &str,
        column: &str,
        stream_id: &str,
    ) -> Option<Vec<u8>> {
        let sql = self.sql(&format!(
            "SELECT {column} FROM {table} WHERE stream_id = $1"
        ));
        on_pool!(self, pool => {
            let query = sqlx::query(&sql).bind(stream_id);
            query.fetch_optional(pool).await.expect("the raw query runs").map(|row| row.get(0))
        })
    }

    pub async fn set_stream_bytes(
        &self,
        table: &str,
        column: &str,
        stream_id: &str,
        value: Vec<u8>,
    ) {
        let sql = self.sql(&format!(
            "UPDATE {table} SET {column} = $1 WHERE stream_id = $2"
        ));
        let updated = execute!(self, &sql, value, stream_id);
        assert_eq!(updated, 1, "no {table} row for {stream_id}");
    }

    /// Every row of a stream as an attacker without the key sees it.
    pub async fn rows(&self, stream_id: &str) -> Vec<RawEvent> {
        let sql = self.sql(
            "SELECT seq, author, kind, created_at, payload_ciphertext, payload_hash, format, \
             prev_hash, hash FROM events WHERE stream_id = $1 ORDER BY seq",
        );
        fetch_all!(self, &sql, [stream_id], |row| RawEvent {
            format: row.get(6),
            stream_id: stream_id.to_string(),
            seq: row.get(0),
            prev_hash: row.get(7),
            author: row.get(1),
            kind: row.get(2),
            created_at: row.get(3),
            payload_hash: row.get(5),
            payload_ciphertext: row.get(4),
            hash: row.get(8),
        })
    }

    /// Recomputes `payload_hash`, `prev_hash` and `hash` of every row of the
    /// stream, in order, as anyone can who knows the published encoding: a
    /// "re-chained" edit. Needs no key.
    pub async fn rechain(&self, stream_id: &str) {
        let mut prev_hash = vec![0u8; 32];
        let sql = self.sql(
            "UPDATE events SET prev_hash = $1, hash = $2, payload_hash = $3 \
             WHERE stream_id = $4 AND seq = $5",
        );
        for mut row in self.rows(stream_id).await {
            if let Some(ciphertext) = &row.payload_ciphertext {
                row.payload_hash = Sha256::digest(ciphertext).to_vec();
            }
            row.prev_hash = prev_hash;
            row.hash = row.header_hash();
            let hashes = (&row.prev_hash, &row.hash, &row.payload_hash);
            execute!(self, &sql, hashes.0, hashes.1, hashes.2, stream_id, row.seq);
            prev_hash = row.hash;
        }
    }

    pub async fn close(self) {
        on_pool!(self, pool => pool.close().await)
    }
}

/// One event row, raw, its fields in the order the header hash reads them.
#[derive(Debug, Clone)]
pub struct RawEvent {
    pub format: i64,
    pub stream_id: String,
    pub seq: i64,
    pub prev_hash: Vec<u8>,
    pub author: String,
    pub kind: String,
    pub created_at: i64,
    pub payload_hash: Vec<u8>,
    /// Not hashed: the payload hash commits to it.
    pub payload_ciphertext: Option<Vec<u8>>,
    pub hash: Vec<u8>,
}

impl RawEvent {
    /// The header hash by the published encoding (see the store's
    /// `chain.rs`); `rechain_of_an_untouched_stream_changes_nothing` keeps
    /// this copy honest.
    pub fn header_hash(&self) -> Vec<u8> {
        fn put(hasher: &mut Sha256, bytes: &[u8]) {
            hasher.update((bytes.len() as u64).to_be_bytes());
            hasher.update(bytes);
        }
        let mut hasher = Sha256::new();
        if self.format == 1 {
            put(&mut hasher, b"kintsugi/event-header/v1");
        } else {
            put(&mut hasher, b"kintsugi/event-header/v2");
            hasher.update(self.format.to_be_bytes());
        }
        put(&mut hasher, self.stream_id.as_bytes());
        hasher.update(self.seq.to_be_bytes());
        put(&mut hasher, &self.prev_hash);
        put(&mut hasher, self.author.as_bytes());
        put(&mut hasher, self.kind.as_bytes());
        hasher.update(self.created_at.to_be_bytes());
        put(&mut hasher, &self.payload_hash);
        hasher.finalize().to_vec()
    }
}
