//! What only the SQLite backend has: a file, its URL, and its durability.

use crate::harness::{event, fill, occurrences, Kind, TestDb};
use kintsugi_store::{DeletionReason, MasterKey, StoreError};
use time::OffsetDateTime;

#[tokio::test]
async fn an_appended_event_is_in_the_files_before_the_store_closes() {
    let db = TestDb::new(Kind::Sqlite).await;
    let key = MasterKey::generate();
    let store = db.open(&key).await;
    store
        .append("couple:1", 0, vec![event("ana", "a", "kept")])
        .await
        .unwrap();

    // Copy the database and its WAL while the store is still open, as a
    // power cut would leave them: nothing was checkpointed or closed nicely.
    let path = db.sqlite_path().unwrap();
    let copy_dir = tempfile::tempdir().unwrap();
    let copy = copy_dir.path().join("kintsugi.db");
    std::fs::copy(&path, &copy).unwrap();
    std::fs::copy(path.with_extension("db-wal"), copy.with_extension("db-wal")).unwrap();
    std::mem::forget(store);

    let reopened = kintsugi_store::open(&format!("sqlite://{}", copy.display()), key)
        .await
        .unwrap();
    let events = reopened.read("couple:1", 0).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].payload.as_deref(), Some(&b"kept"[..]));
    assert_eq!(reopened.verify().await.unwrap().first_break, None);
}

#[tokio::test]
async fn the_database_runs_in_wal_mode() {
    let db = TestDb::new(Kind::Sqlite).await;
    let store = db.open(&MasterKey::generate()).await;
    fill(store.as_ref(), "couple:1", 1).await;
    let raw = sqlx::SqlitePool::connect(&db.url).await.unwrap();

    let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&raw)
        .await
        .unwrap();

    assert_eq!(journal, "wal");
    assert!(db.sqlite_path().unwrap().with_extension("db-wal").exists());
}

#[tokio::test]
async fn unsupported_urls_are_refused_and_create_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let bare = dir.path().join("kintsugi.db");
    for url in [
        bare.display().to_string(),
        format!("file://{}", bare.display()),
        "mysql://root@localhost/kintsugi".to_string(),
        "sqlite::memory:".to_string(),
        "sqlite://:memory:".to_string(),
        "sqlite://".to_string(),
        format!("sqlite://{}?mode=ro", bare.display()),
    ] {
        let refused = kintsugi_store::open(&url, MasterKey::generate()).await;
        assert!(
            matches!(refused, Err(StoreError::UnsupportedUrl(_))),
            "{url}: {:?}",
            refused.err()
        );
        assert!(matches!(
            kintsugi_store::migrate(&url).await,
            Err(StoreError::UnsupportedUrl(_))
        ));
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[tokio::test]
async fn a_missing_file_and_directory_are_created_and_migrate_is_repeatable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data").join("kintsugi.db");
    let url = format!("sqlite://{}?mode=rwc", path.display());

    kintsugi_store::migrate(&url).await.unwrap();
    kintsugi_store::migrate(&url).await.unwrap();
    let store = kintsugi_store::open(&url, MasterKey::generate())
        .await
        .unwrap();

    assert!(path.exists());
    assert_eq!(store.verify().await.unwrap().streams, 0);
}

#[cfg(unix)]
fn mode_of(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[tokio::test]
async fn the_database_and_its_wal_files_are_readable_by_their_owner_only() {
    let db = TestDb::new(Kind::Sqlite).await;
    let store = db.open(&MasterKey::generate()).await;
    fill(store.as_ref(), "couple:1", 2).await;
    let path = db.sqlite_path().unwrap();
    for file in [
        path.clone(),
        path.with_extension("db-wal"),
        path.with_extension("db-shm"),
    ] {
        assert_eq!(mode_of(&file), 0o600, "{}", file.display());
    }
}

#[cfg(unix)]
#[tokio::test]
async fn an_existing_database_readable_by_others_is_made_private() {
    use std::os::unix::fs::PermissionsExt;
    let db = TestDb::new(Kind::Sqlite).await;
    let key = MasterKey::generate();
    let store = db.open(&key).await;
    fill(store.as_ref(), "couple:1", 1).await;
    drop(store);
    let path = db.sqlite_path().unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();

    let reopened = db.open(&key).await;

    assert_eq!(mode_of(&path), 0o600);
    assert_eq!(reopened.read("couple:1", 0).await.unwrap().len(), 1);
}

/// Crypto-shredding: once a private stream is destroyed and the WAL
/// checkpointed, no byte of its ciphertexts or of its wrapped key is left
/// in the database file, its WAL or a fresh backup; a backup made before
/// still opens it with the master key, as the README warns.
#[tokio::test]
async fn a_destroyed_stream_leaves_no_ciphertext_or_key_in_the_files() {
    const STREAM: &str = "private:leaving";
    let db = TestDb::new(Kind::Sqlite).await;
    let key = MasterKey::generate();
    let store = db.open(&key).await;
    fill(store.as_ref(), "couple:staying", 2).await;
    let marker = "a private line no one else may keep";
    for seq in 0..3 {
        let line = event("leaving", "private", &format!("{marker} #{seq}"));
        store.append(STREAM, seq, vec![line]).await.unwrap();
    }
    let head = store.head(STREAM).await.unwrap().unwrap();
    let snapshot = kintsugi_store::Snapshot {
        seq: head.seq,
        format: 1,
        head: head.hash,
        state: format!("{marker}, folded").into_bytes(),
    };
    assert!(store.save_snapshot(STREAM, &snapshot).await.unwrap());
    let raw = db.raw().await;
    let secrets: Vec<Vec<u8>> = raw
        .ciphertexts()
        .await
        .into_iter()
        .filter(|(stream, _, _)| stream == STREAM)
        .filter_map(|(_, _, ciphertext)| ciphertext)
        .chain(raw.stream_bytes("stream_keys", "wrapped_key", STREAM).await)
        .chain(
            raw.stream_bytes("stream_snapshots", "ciphertext", STREAM)
                .await,
        )
        .collect();
    assert_eq!(
        secrets.len(),
        5,
        "three ciphertexts, the wrapped key and the snapshot"
    );
    let dir = db.dir();
    let before = dir.join("before.db");
    store.backup(&before).await.unwrap();

    store
        .destroy_stream(
            STREAM,
            DeletionReason::AccountDeleted,
            OffsetDateTime::now_utc(),
        )
        .await
        .unwrap()
        .unwrap();
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").await;
    let after = dir.join("after.db");
    store.backup(&after).await.unwrap();

    let path = db.sqlite_path().unwrap();
    let files = [path.clone(), path.with_extension("db-wal"), after];
    for file in &files {
        let bytes = std::fs::read(file).unwrap_or_default();
        for secret in &secrets {
            assert_eq!(
                occurrences(&bytes, secret),
                0,
                "{} keeps a secret",
                file.display()
            );
        }
    }
    assert_eq!(store.verify().await.unwrap().first_break, None);
    let old = occurrences(&std::fs::read(&before).unwrap(), &secrets[3]);
    assert_eq!(old, 1, "the earlier backup holds the wrapped key");
    let restored = TestDb::new(Kind::Sqlite).await;
    kintsugi_store::restore(&before, &restored.url, key.clone())
        .await
        .unwrap();
    let reopened = restored.open(&key).await;
    let events = reopened.read(STREAM, 0).await.unwrap();
    let first = String::from_utf8(events[0].payload.clone().unwrap()).unwrap();
    assert_eq!(first, format!("{marker} #0"));
}
