//! A fresh database per test, of either backend, and raw access to it for
//! the tests that tamper with rows behind the store's back.

pub use kintsugi_store::testing::{Raw, RawEvent};
use kintsugi_store::{Decoded, MasterKey, NewEvent, PayloadDecoder, Store, Witness};
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection};
use std::io::Write;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::{Arc, Once};
use tempfile::TempDir;

pub const POSTGRES_URL_VAR: &str = "KINTSUGI_TEST_POSTGRES_URL";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

/// Generates one test per backend for each named `async fn(Kind)` in the
/// calling module: `<module>::sqlite::<name>` and `<module>::postgres::<name>`.
macro_rules! conformance_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::harness::Kind::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if $crate::harness::postgres_configured() {
                        super::$name($crate::harness::Kind::Postgres).await
                    }
                }
            )*
        }
    };
}
pub(crate) use conformance_tests;

/// Whether PostgreSQL tests can run; says so, once and visibly, when not.
/// Under `CI=true` a missing URL is a failure, not a skip: CI must not pass
/// by not running the PostgreSQL half of the story.
pub fn postgres_configured() -> bool {
    if std::env::var_os(POSTGRES_URL_VAR).is_some() {
        return true;
    }
    let in_ci =
        std::env::var("CI").is_ok_and(|value| value.eq_ignore_ascii_case("true") || value == "1");
    assert!(
        !in_ci,
        "CI=true but {POSTGRES_URL_VAR} is not set: the PostgreSQL conformance tests cannot run; \
         export {POSTGRES_URL_VAR}=postgres://postgres@127.0.0.1:5432/test"
    );
    static SAY_ONCE: Once = Once::new();
    SAY_ONCE.call_once(|| {
        // Written to the process's stderr directly, past the test harness's
        // output capture, so a passing run does not hide what it skipped.
        let _ = writeln!(
            std::io::stderr(),
            "\nNOTE: the PostgreSQL conformance tests did NOT run (they pass as no-ops): \
             set {POSTGRES_URL_VAR}=postgres://postgres@127.0.0.1:5432/test to run them.\n"
        );
    });
    false
}

pub struct TestDb {
    pub kind: Kind,
    pub url: String,
    dir: TempDir,
    postgres: Option<PostgresDb>,
}

struct PostgresDb {
    admin: PgConnectOptions,
    name: String,
}

impl TestDb {
    pub async fn new(kind: Kind) -> TestDb {
        let dir = tempfile::tempdir().unwrap();
        match kind {
            Kind::Sqlite => TestDb {
                kind,
                url: format!("sqlite://{}", dir.path().join("kintsugi.db").display()),
                dir,
                postgres: None,
            },
            Kind::Postgres => {
                let configured = std::env::var(POSTGRES_URL_VAR)
                    .unwrap_or_else(|_| panic!("{POSTGRES_URL_VAR} is not set"));
                let admin = PgConnectOptions::from_str(&configured)
                    .unwrap()
                    .database("postgres");
                let name = format!("kintsugi_test_{}", uuid::Uuid::new_v4().simple());
                let mut conn = admin.connect().await.unwrap();
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut conn)
                    .await
                    .unwrap();
                conn.close().await.unwrap();
                TestDb {
                    kind,
                    url: with_database(&configured, &name),
                    dir,
                    postgres: Some(PostgresDb { admin, name }),
                }
            }
        }
    }

    pub async fn open(&self, key: &MasterKey) -> Arc<dyn Store> {
        kintsugi_store::open(&self.url, key.clone()).await.unwrap()
    }

    /// A fresh database and a store open on it under a new master key.
    pub async fn with_store(kind: Kind) -> (TestDb, Arc<dyn Store>) {
        let db = TestDb::new(kind).await;
        let store = db.open(&MasterKey::generate()).await;
        (db, store)
    }

    /// A scratch directory that lives as long as the database.
    pub fn dir(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }

    /// The database file, for SQLite.
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        (self.kind == Kind::Sqlite).then(|| self.dir.path().join("kintsugi.db"))
    }

    pub async fn raw(&self) -> Raw {
        Raw::open(&self.url).await
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(postgres) = self.postgres.take() else {
            return;
        };
        // Drop runs inside the test's runtime, which cannot block on a
        // future; a short-lived thread with its own runtime can.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let mut conn = postgres.admin.connect().await?;
                sqlx::query(&format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    postgres.name
                ))
                .execute(&mut conn)
                .await?;
                conn.close().await
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            let _ = writeln!(std::io::stderr(), "could not drop a test database");
        }
    }
}

/// `url` with its database name replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (url, String::new()),
    };
    let authority_end = base.find("://").map_or(0, |i| i + 3);
    let server = match base[authority_end..].find('/') {
        Some(slash) => &base[..authority_end + slash],
        None => base,
    };
    format!("{server}/{name}{query}")
}

pub fn event(author: &str, kind: &str, payload: &str) -> NewEvent {
    NewEvent {
        author: author.to_string(),
        kind: kind.to_string(),
        payload: payload.as_bytes().to_vec(),
    }
}

/// Appends `count` events to `stream_id` one at a time, payloads "<stream> #n".
pub async fn fill(store: &dyn Store, stream_id: &str, count: u64) {
    for seq in 1..=count {
        let payload = format!("{stream_id} #{seq}");
        store
            .append(
                stream_id,
                seq - 1,
                vec![event("author-a", "note", &payload)],
            )
            .await
            .unwrap();
    }
}

/// How many times `needle` occurs in `haystack`.
pub fn occurrences(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|window| *window == needle)
        .count()
}

/// A person with an account, created at `at`.
pub async fn person(store: &dyn Store, at: time::OffsetDateTime) -> uuid::Uuid {
    let id = uuid::Uuid::new_v4();
    let record = kintsugi_store::UserRecord {
        id,
        email: format!("{id}@example.org"),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_string(),
        created_at: at,
        recovery_codes_shown: true,
    };
    store.create_user(&record, &[]).await.unwrap();
    id
}

/// One event of `kind` by `author`, appended to `stream_id` after
/// `expected_seq`.
pub fn one_event(
    stream_id: &str,
    expected_seq: u64,
    author: uuid::Uuid,
    kind: &str,
) -> Vec<kintsugi_store::StreamAppend> {
    let step = event(&author.to_string(), kind, "a step");
    vec![kintsugi_store::StreamAppend::new(
        stream_id,
        expected_seq,
        vec![step],
    )]
}

/// Says every payload is known, that the payload "redacts N" redacts seq
/// N and that "witnesses STREAM SEQ HASH" witnesses that head: stand-ins
/// for the domain's redaction and witness events.
pub struct TestPayloads;

impl PayloadDecoder for TestPayloads {
    fn decode(&self, _stream_id: &str, _kind: &str, payload: &[u8]) -> Decoded {
        let text = std::str::from_utf8(payload).unwrap_or_default();
        if let Some(witness) = text.strip_prefix("witnesses ") {
            let parts: Vec<&str> = witness.split(' ').collect();
            let hash = hex::decode(parts[2]).unwrap().try_into().unwrap();
            return Decoded::Witness(Witness {
                stream_id: parts[0].to_owned(),
                seq: parts[1].parse().unwrap(),
                hash,
            });
        }
        let redacts = text
            .strip_prefix("redacts ")
            .and_then(|seq| seq.parse().ok());
        Decoded::Known { redacts }
    }
}
