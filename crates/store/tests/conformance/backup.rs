//! Backups (always an SQLite file) and restoring them into either backend.

use crate::harness::{conformance_tests, event, fill, postgres_configured, Kind, TestDb};
use kintsugi_store::{
    InviteRecord, MasterKey, SessionRecord, Store, StoreError, StoredEvent, UserRecord,
};
use std::path::PathBuf;
use std::sync::Arc;
use time::macros::datetime;
use time::Duration;
use uuid::Uuid;

conformance_tests!(
    a_backup_restores_into_sqlite_identically,
    a_backup_restores_into_postgres_identically,
    a_backup_never_overwrites_a_file,
    restore_refuses_a_database_that_is_not_empty,
    restore_refuses_a_key_that_does_not_open_the_backup,
    restore_refuses_a_backup_whose_chain_breaks,
);

const STREAMS: [&str; 3] = ["couple:1", "private:ana", "private:ben"];

/// Everything a populated database holds, read back through the store.
#[derive(Debug, Clone, PartialEq)]
struct Contents {
    events: Vec<Vec<StoredEvent>>,
    users: Vec<Option<UserRecord>>,
    sessions: Vec<Vec<SessionRecord>>,
    idle_sign_out: Vec<Option<u32>>,
    invite: Option<InviteRecord>,
    members: Vec<Uuid>,
}

struct Populated {
    user_ids: Vec<Uuid>,
    couple_id: Uuid,
}

async fn populate(store: &dyn Store) -> Populated {
    let at = datetime!(2026-11-26 18:00 UTC);
    let couple_id = Uuid::new_v4();
    let mut user_ids = Vec::new();
    for (n, email) in ["ana@example.org", "ben@example.org"].iter().enumerate() {
        let user = UserRecord {
            id: Uuid::new_v4(),
            email: email.to_string(),
            password_hash: format!("$argon2id$hash-{n}"),
            created_at: at,
            recovery_codes_shown: n == 0,
        };
        store.create_user(&user, &[[n as u8; 32]]).await.unwrap();
        store
            .create_session(&SessionRecord {
                id: Uuid::new_v4(),
                user_id: user.id,
                token_hash: [100 + n as u8; 32],
                created_at: at,
                last_seen_at: at + Duration::minutes(n as i64),
                device: "Firefox on Linux".into(),
            })
            .await
            .unwrap();
        store
            .add_member(couple_id, user.id, at + Duration::seconds(n as i64))
            .await
            .unwrap();
        let idle = (n == 0).then_some(15);
        store.set_idle_sign_out(user.id, idle).await.unwrap();
        user_ids.push(user.id);
    }
    store
        .create_invite(&InviteRecord {
            token_hash: [7; 32],
            couple_id,
            created_by: user_ids[0],
            created_at: at,
            expires_at: at + Duration::days(7),
            used_at: Some(at + Duration::hours(1)),
            used_by: Some(user_ids[1]),
            declined_at: None,
        })
        .await
        .unwrap();
    fill(store, STREAMS[0], 5).await;
    fill(store, STREAMS[1], 3).await;
    store
        .append(
            STREAMS[2],
            0,
            vec![event("ben", "a", "one"), event("ben", "b", "two")],
        )
        .await
        .unwrap();
    Populated {
        user_ids,
        couple_id,
    }
}

async fn contents(store: &dyn Store, populated: &Populated) -> Contents {
    let mut events = Vec::new();
    for stream in STREAMS {
        events.push(store.read(stream, 0).await.unwrap());
    }
    let mut users = Vec::new();
    let mut sessions = Vec::new();
    let mut idle_sign_out = Vec::new();
    for id in &populated.user_ids {
        users.push(store.user_by_id(*id).await.unwrap());
        sessions.push(store.sessions_of(*id).await.unwrap());
        idle_sign_out.push(store.idle_sign_out(*id).await.unwrap());
    }
    assert_eq!(idle_sign_out, [Some(15), None], "one chose it, one did not");
    Contents {
        events,
        users,
        sessions,
        idle_sign_out,
        invite: store.invite_by_token_hash(&[7; 32]).await.unwrap(),
        members: store.members_of(populated.couple_id).await.unwrap(),
    }
}

async fn backup_and_restore(source_kind: Kind, target_kind: Kind) {
    let source = TestDb::new(source_kind).await;
    let key = MasterKey::generate();
    let store = source.open(&key).await;
    let populated = populate(store.as_ref()).await;
    let before = contents(store.as_ref(), &populated).await;
    let backup = source.dir().join("kintsugi-backup.db");

    store.backup(&backup).await.unwrap();
    // Writes after the backup are not in it.
    fill(store.as_ref(), "couple:after", 1).await;
    let target = TestDb::new(target_kind).await;
    let report = kintsugi_store::restore(&backup, &target.url, key.clone())
        .await
        .unwrap();

    assert_eq!(report.verify.first_break, None);
    assert_eq!(report.verify.streams, 3);
    assert_eq!(report.verify.events, 10);
    let restored = target.open(&key).await;
    // Everything but the sessions: a session ended after the backup must
    // not come back with a restore.
    assert!(before.sessions.iter().all(|of_one| of_one.len() == 1));
    let no_sessions = Contents {
        sessions: vec![Vec::new(); before.sessions.len()],
        ..before.clone()
    };
    assert_eq!(contents(restored.as_ref(), &populated).await, no_sessions);
    let backup_bytes = std::fs::read(&backup).unwrap();
    for n in 0..2u8 {
        assert_eq!(
            crate::harness::occurrences(&backup_bytes, &[100 + n; 32]),
            0,
            "a session's token hash is in the backup file"
        );
    }
    assert!(restored.read("couple:after", 0).await.unwrap().is_empty());
    assert_eq!(
        restored.head(STREAMS[0]).await.unwrap(),
        store.head(STREAMS[0]).await.unwrap()
    );
    // The restored database carries on where the backup ended.
    restored
        .append(STREAMS[0], 5, vec![event("ana", "a", "after restore")])
        .await
        .unwrap();
    assert_eq!(restored.verify().await.unwrap().first_break, None);
    let same_email = UserRecord {
        id: Uuid::new_v4(),
        ..before.users[0].clone().unwrap()
    };
    assert!(matches!(
        restored.create_user(&same_email, &[]).await,
        Err(StoreError::EmailTaken)
    ));
}

async fn a_backup_restores_into_sqlite_identically(kind: Kind) {
    backup_and_restore(kind, Kind::Sqlite).await;
}

async fn a_backup_restores_into_postgres_identically(kind: Kind) {
    if postgres_configured() {
        backup_and_restore(kind, Kind::Postgres).await;
    }
}

async fn a_backup_never_overwrites_a_file(kind: Kind) {
    let (db, store) = TestDb::with_store(kind).await;
    fill(store.as_ref(), "couple:1", 1).await;
    let existing = db.dir().join("precious.txt");
    std::fs::write(&existing, b"keep me").unwrap();

    let refused = store.backup(&existing).await;

    assert!(
        matches!(refused, Err(StoreError::Backup { .. })),
        "{refused:?}"
    );
    assert_eq!(std::fs::read(&existing).unwrap(), b"keep me");
}

/// A database under `key` with `events` events in `couple:1`, and a backup
/// of it written beside it (`backup.db`).
struct BackedUp {
    db: TestDb,
    key: MasterKey,
    store: Arc<dyn Store>,
    backup: PathBuf,
}

async fn backed_up(kind: Kind, events: u64) -> BackedUp {
    let db = TestDb::new(kind).await;
    let key = MasterKey::generate();
    let store = db.open(&key).await;
    fill(store.as_ref(), "couple:1", events).await;
    let backup = db.dir().join("backup.db");
    store.backup(&backup).await.unwrap();
    BackedUp {
        db,
        key,
        store,
        backup,
    }
}

async fn restore_refuses_a_database_that_is_not_empty(kind: Kind) {
    let BackedUp {
        db,
        key,
        store,
        backup,
    } = backed_up(kind, 2).await;
    fill(store.as_ref(), "couple:2", 1).await;

    let refused = kintsugi_store::restore(&backup, &db.url, key).await;

    match refused {
        Err(StoreError::Backup { message, .. }) => assert!(message.contains("not empty")),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(store.read("couple:2", 0).await.unwrap().len(), 1);
    assert_eq!(store.verify().await.unwrap().events, 3);
}

async fn restore_refuses_a_key_that_does_not_open_the_backup(kind: Kind) {
    let source = backed_up(kind, 1).await;
    let target = TestDb::new(Kind::Sqlite).await;

    let other_key = MasterKey::generate();
    let refused = kintsugi_store::restore(&source.backup, &target.url, other_key).await;

    assert!(
        matches!(refused, Err(StoreError::WrongMasterKey(_))),
        "{refused:?}"
    );
    assert!(
        !target.sqlite_path().unwrap().exists(),
        "nothing was created for a backup that could not be opened"
    );
}

async fn restore_refuses_a_backup_whose_chain_breaks(kind: Kind) {
    // The source database, and so its backup file, lives to the end.
    let BackedUp {
        key,
        backup,
        db: _db,
        ..
    } = backed_up(kind, 3).await;
    let tamper = sqlx::SqlitePool::connect(&format!("sqlite://{}", backup.display()))
        .await
        .unwrap();
    sqlx::query("UPDATE events SET kind = 'forged' WHERE seq = 2")
        .execute(&tamper)
        .await
        .unwrap();
    tamper.close().await;
    let target = TestDb::new(Kind::Sqlite).await;

    let refused = kintsugi_store::restore(&backup, &target.url, key.clone()).await;

    match refused {
        Err(StoreError::Backup { message, .. }) => {
            assert!(
                message.contains("couple:1") && message.contains("seq 2"),
                "{message}"
            );
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let untouched = target.open(&key).await;
    assert_eq!(untouched.verify().await.unwrap().events, 0);
}
