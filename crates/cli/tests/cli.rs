//! The `kintsugi` binary as an operator uses it: on a data directory, with
//! exit codes that scripts can rely on.

#![allow(clippy::unwrap_used)] // test helpers may panic on a broken set-up

use kintsugi_core::space::SpaceEvent;
use kintsugi_core::streams::couple::CoupleEvent;
use kintsugi_store::{MasterKey, NewEvent};
use std::path::Path;
use std::process::{Command, Output};

fn kintsugi(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kintsugi"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("KINTSUGI_DATABASE_URL")
        .env_remove("KINTSUGI_MASTER_KEY_FILE")
        .env("KINTSUGI_LOG", "warn")
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A data directory laid out as `serve` makes it, with one stream of three
/// events written through the store.
async fn data_dir_with_a_stream() -> tempfile::TempDir {
    let space = serde_json::to_vec(&CoupleEvent::Space(SpaceEvent::Created)).unwrap();
    data_dir_with_payloads(vec![space.clone(), space.clone(), space]).await
}

async fn data_dir_with_payloads(payloads: Vec<Vec<u8>>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let key = MasterKey::load_or_create(&dir.path().join("master.key")).unwrap();
    let url = format!("sqlite://{}", dir.path().join("kintsugi.db").display());
    let store = kintsugi_store::open(&url, key).await.unwrap();
    let events = payloads
        .into_iter()
        .map(|payload| NewEvent {
            author: "00000000-0000-0000-0000-000000000001".into(),
            kind: "space".into(),
            payload,
        })
        .collect();
    store.append("couple:test", 0, events).await.unwrap();
    dir
}

async fn tamper(dir: &Path, sql: &str) {
    let url = format!("sqlite://{}", dir.join("kintsugi.db").display());
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    sqlx::query(sql).execute(&pool).await.unwrap();
    pool.close().await;
}

/// Asserts `verify` refuses the data directory (exit 2) and says each of
/// `named` about the first problem.
fn assert_verify_names(dir: &Path, named: &[&str]) {
    let broken = kintsugi(dir, &["verify"]);
    assert_eq!(broken.status.code(), Some(2));
    let said = text(&broken.stderr);
    for expected in named {
        assert!(said.contains(expected), "{expected:?} in {said}");
    }
}

#[tokio::test]
async fn verify_passes_on_an_intact_record_and_names_the_first_break() {
    let dir = data_dir_with_a_stream().await;
    let intact = kintsugi(dir.path(), &["verify"]);
    assert!(intact.status.success(), "{}", text(&intact.stderr));
    assert!(text(&intact.stdout).contains("1 streams, 3 events"));

    let forged = "UPDATE events SET author = 'someone else' WHERE seq = 2";
    tamper(dir.path(), forged).await;
    assert_verify_names(dir.path(), &["stream couple:test at seq 2"]);
}

#[tokio::test]
async fn verify_catches_a_changed_ciphertext() {
    let dir = data_dir_with_a_stream().await;
    tamper(
        dir.path(),
        "UPDATE events SET payload_ciphertext = zeroblob(length(payload_ciphertext)) WHERE seq = 3",
    )
    .await;
    assert_verify_names(dir.path(), &["at seq 3"]);
}

#[tokio::test]
async fn verify_decodes_every_payload_as_an_event_of_this_version() {
    let space = serde_json::to_vec(&CoupleEvent::Space(SpaceEvent::Created)).unwrap();
    let dir = data_dir_with_payloads(vec![space, br#"{"room":"unheard_of"}"#.to_vec()]).await;
    assert_verify_names(dir.path(), &["stream couple:test at seq 2", "Undecodable"]);
}

#[tokio::test]
async fn verify_names_a_cut_off_newest_event() {
    let dir = data_dir_with_a_stream().await;
    tamper(dir.path(), "DELETE FROM events WHERE seq = 3").await;
    assert_verify_names(dir.path(), &["stream couple:test at seq 3", "CutOff"]);
}

#[tokio::test]
async fn migrate_says_what_it_sealed_and_never_reseals_a_stream_whose_seal_was_removed() {
    let dir = data_dir_with_a_stream().await;
    let sealed = kintsugi(dir.path(), &["migrate"]);
    assert!(sealed.status.success(), "{}", text(&sealed.stderr));
    assert!(
        text(&sealed.stdout).contains("Sealed 0 streams; 1 were sealed already."),
        "{}",
        text(&sealed.stdout)
    );

    // Written by this version, so a missing seal is damage, not age.
    tamper(dir.path(), "DELETE FROM stream_seals").await;
    let refused = kintsugi(dir.path(), &["migrate"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(text(&refused.stderr).contains("NOT SEALED: stream couple:test at seq 1"));
    assert_eq!(kintsugi(dir.path(), &["verify"]).status.code(), Some(2));
}

#[tokio::test]
async fn a_missing_key_file_for_an_existing_database_is_refused_without_writing_one() {
    let dir = data_dir_with_a_stream().await;
    std::fs::remove_file(dir.path().join("master.key")).unwrap();
    for command in ["verify", "serve"] {
        let refused = kintsugi(dir.path(), &[command]);
        assert!(!refused.status.success());
        let said = text(&refused.stderr);
        assert!(said.contains("no master key file"), "{said}");
        assert!(said.contains("--master-key-file"), "{said}");
        assert!(said.contains("KINTSUGI_MASTER_KEY_FILE"), "{said}");
        assert!(
            !dir.path().join("master.key").exists(),
            "no key was written"
        );
    }
}

#[tokio::test]
async fn the_wrong_key_error_names_the_real_flag_and_variable() {
    let dir = data_dir_with_a_stream().await;
    let other = tempfile::tempdir().unwrap();
    let other_key = other.path().join("other.key");
    MasterKey::load_or_create(&other_key).unwrap();
    let refused = kintsugi(
        dir.path(),
        &["--master-key-file", other_key.to_str().unwrap(), "verify"],
    );
    assert!(!refused.status.success());
    let said = text(&refused.stderr);
    assert!(said.contains("--master-key-file"), "{said}");
    assert!(said.contains("KINTSUGI_MASTER_KEY_FILE"), "{said}");
    assert!(!said.contains("KINTSUGI_MASTER_KEY "), "{said}");
}

#[tokio::test]
async fn backup_and_restore_carry_the_record_to_a_new_data_directory() {
    let dir = data_dir_with_a_stream().await;
    let backup = dir.path().join("copy.kintsugi");
    let made = kintsugi(dir.path(), &["backup", backup.to_str().unwrap()]);
    assert!(made.status.success(), "{}", text(&made.stderr));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&backup).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "a backup is readable by its owner only"
        );
    }
    let again = kintsugi(dir.path(), &["backup", backup.to_str().unwrap()]);
    assert!(
        !again.status.success(),
        "an existing backup is never overwritten"
    );

    let target = tempfile::tempdir().unwrap();
    std::fs::copy(
        dir.path().join("master.key"),
        target.path().join("master.key"),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            target.path().join("master.key"),
            std::fs::Permissions::from_mode(0o600),
        )
        .unwrap();
    }
    let restored = kintsugi(target.path(), &["restore", backup.to_str().unwrap()]);
    assert!(restored.status.success(), "{}", text(&restored.stderr));
    let verified = kintsugi(target.path(), &["verify"]);
    assert!(text(&verified.stdout).contains("1 streams, 3 events"));

    let twice = kintsugi(target.path(), &["restore", backup.to_str().unwrap()]);
    assert!(
        !twice.status.success(),
        "restore refuses a database that is not empty"
    );
}

#[tokio::test]
async fn a_backup_needs_the_master_key_it_was_made_with() {
    let dir = data_dir_with_a_stream().await;
    let backup = dir.path().join("copy.kintsugi");
    assert!(kintsugi(dir.path(), &["backup", backup.to_str().unwrap()])
        .status
        .success());
    let stranger = tempfile::tempdir().unwrap();
    let refused = kintsugi(stranger.path(), &["restore", backup.to_str().unwrap()]);
    assert!(!refused.status.success());
    assert!(
        text(&refused.stderr).contains("master key"),
        "{}",
        text(&refused.stderr)
    );
}

#[test]
fn the_first_command_creates_the_data_directory_and_a_private_key_file() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("kintsugi-data");
    let out = kintsugi(&dir, &["verify"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(dir.join("kintsugi.db").exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("master.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let _ = MasterKey::load(&dir.join("master.key")).unwrap();
}

#[test]
fn an_unknown_database_url_is_refused_rather_than_created() {
    let dir = tempfile::tempdir().unwrap();
    let out = kintsugi(
        dir.path(),
        &["--database-url", "mysql://localhost/kintsugi", "verify"],
    );
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("unsupported database URL"));
}

#[test]
fn the_coaches_print_their_findings_as_json() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_kintsugi"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["coach", "apology"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let text_in = "I'm sorry if you were hurt, but you made me do it.";
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text_in.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let findings: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<&str> = findings
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"conditional"), "{codes:?}");
    assert!(codes.contains(&"blame_shift"), "{codes:?}");
    let first = &findings[0];
    let (start, end) = (
        first["start"].as_u64().unwrap() as usize,
        first["end"].as_u64().unwrap() as usize,
    );
    assert!(start < end && end <= text_in.len());
    for key in ["message", "suggestion"] {
        assert!(first[key].as_str().is_some_and(|s| !s.is_empty()));
    }

    let request = Command::new(env!("CARGO_BIN_EXE_kintsugi"))
        .args(["coach", "request"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            child
                .stdin
                .take()
                .unwrap()
                .write_all(b"Text me when you leave work, each workday.")?;
            child.wait_with_output()
        })
        .unwrap();
    assert_eq!(
        text(&request.stdout).trim(),
        "[]",
        "a clear request has no findings"
    );
}

/// A couple stream of three events, its seal after two kept aside in
/// `kept_seals`, and a partner's private stream whose witness saw all three.
async fn data_dir_with_a_witness() -> (tempfile::TempDir, String) {
    use kintsugi_core::streams::private::PrivateEvent;
    use kintsugi_core::visits::{HeadSeen, VisitEvent};
    use kintsugi_core::{CoupleId, StreamId};
    let couple = CoupleId(uuid::Uuid::from_u128(7));
    let stream = StreamId::couple(couple).as_str().to_owned();
    let dir = tempfile::tempdir().unwrap();
    let key = MasterKey::load_or_create(&dir.path().join("master.key")).unwrap();
    let url = format!("sqlite://{}", dir.path().join("kintsugi.db").display());
    let store = kintsugi_store::open(&url, key).await.unwrap();
    let event = |kind: &str, payload: Vec<u8>| NewEvent {
        author: "00000000-0000-0000-0000-000000000001".into(),
        kind: kind.into(),
        payload,
    };
    let space = serde_json::to_vec(&CoupleEvent::Space(SpaceEvent::Created)).unwrap();
    let two = vec![event("space", space.clone()), event("space", space.clone())];
    store.append(&stream, 0, two).await.unwrap();
    tamper(
        dir.path(),
        "CREATE TABLE kept_seals AS SELECT stream_id, seq, seal FROM stream_seals",
    )
    .await;
    let third = store.append(&stream, 2, vec![event("space", space)]).await;
    let seen = VisitEvent::CoupleHeadSeen(HeadSeen {
        couple,
        seq: 3,
        hash: third.unwrap()[0].hash,
    });
    let witness = serde_json::to_vec(&PrivateEvent::Visit(seen)).unwrap();
    let private = "private:00000000-0000-0000-0000-000000000001";
    let appended = store.append(private, 0, vec![event("private", witness)]);
    appended.await.unwrap();
    let intact = kintsugi(dir.path(), &["verify"]);
    assert!(intact.status.success(), "{}", text(&intact.stderr));
    (dir, stream)
}

#[tokio::test]
async fn verify_names_a_couple_stream_rolled_back_with_its_seal_behind_a_witness() {
    let (dir, stream) = data_dir_with_a_witness().await;
    let rollback = [
        "DELETE FROM events WHERE stream_id LIKE 'couple:%' AND seq = 3",
        "UPDATE stream_seals SET seq = 2, seal = (SELECT seal FROM kept_seals \
         WHERE kept_seals.stream_id = stream_seals.stream_id) WHERE stream_id LIKE 'couple:%'",
    ];
    for sql in rollback {
        tamper(dir.path(), sql).await;
    }
    let named = format!("stream {stream} at seq 3");
    let witness = "private:00000000-0000-0000-0000-000000000001";
    assert_verify_names(dir.path(), &[&named, "BehindWitness", witness]);
}

#[tokio::test]
async fn verify_names_a_couple_stream_deleted_under_a_witness() {
    let (dir, stream) = data_dir_with_a_witness().await;
    for table in ["events", "stream_seals", "stream_keys"] {
        let sql = format!("DELETE FROM {table} WHERE stream_id LIKE 'couple:%'");
        tamper(dir.path(), &sql).await;
    }
    let named = format!("stream {stream} at seq 3");
    assert_verify_names(dir.path(), &[&named, "BehindWitness", "private:"]);
}

#[tokio::test]
async fn admin_stats_prints_counts_and_never_content() {
    let secret = serde_json::to_vec(&CoupleEvent::Space(SpaceEvent::Created)).unwrap();
    let dir = data_dir_with_payloads(vec![secret.clone(), secret]).await;
    let url = format!("sqlite://{}", dir.path().join("kintsugi.db").display());
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    sqlx::query(
        "INSERT INTO users (id, email, password_hash, created_at, recovery_codes_shown) \
         VALUES (x'00000000000000000000000000000001', 'marker-address@example.org', 'x', 0, 1)",
    )
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
    let stats = kintsugi(dir.path(), &["admin", "stats"]);
    assert!(stats.status.success(), "{}", text(&stats.stderr));
    let out = text(&stats.stdout);
    for line in ["backend: sqlite", "people: 1", "spaces: 0", "events: 2"] {
        assert!(out.lines().any(|l| l == line), "{line:?} in {out}");
    }
    let size: u64 = out
        .lines()
        .find_map(|l| l.strip_prefix("database size: "))
        .and_then(|rest| rest.strip_suffix(" bytes"))
        .and_then(|n| n.parse().ok())
        .expect("the size line");
    assert!(size > 0);
    assert!(!out.contains("marker-address"), "never an address: {out}");
}

/// Two processes must not serve one SQLite file: each trusts the stream
/// heads it knows. While another process holds the file, `serve` refuses to
/// start and says why; `verify` still reads it.
#[tokio::test]
async fn serve_refuses_a_sqlite_file_another_process_holds() {
    let dir = data_dir_with_a_stream().await;
    let url = format!("sqlite://{}", dir.path().join("kintsugi.db").display());
    let key = MasterKey::load(&dir.path().join("master.key")).unwrap();
    let holder = kintsugi_store::open(&url, key).await.unwrap();
    assert!(holder.may_serve(), "the first process holds the file");

    let mut serve = Command::new(env!("CARGO_BIN_EXE_kintsugi"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env_remove("KINTSUGI_DATABASE_URL")
        .env_remove("KINTSUGI_MASTER_KEY_FILE")
        .env("KINTSUGI_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while serve.try_wait().unwrap().is_none() {
        if started.elapsed() > std::time::Duration::from_secs(60) {
            serve.kill().unwrap();
            panic!("serve started beside another process holding the file");
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let out = serve.wait_with_output().unwrap();
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("another kintsugi process is using the database"),
        "{}",
        text(&out.stderr)
    );
    let verified = kintsugi(dir.path(), &["verify"]);
    assert!(verified.status.success(), "{}", text(&verified.stderr));
    drop(holder);
}
