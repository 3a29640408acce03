//! `kill -9` under write load: a process commits from many tasks at once
//! (on SQLite, grouped into shared transactions) and says which commits
//! returned; it is killed without warning in the middle. Opened again, the
//! database holds every commit that was acknowledged, and `verify` finds
//! the record intact.
//!
//! The writing process is this same test binary, run again with
//! `CHILD_URL` set: it then writes instead of checking.

use crate::harness::{event, Kind, TestDb};
use kintsugi_store::{MasterKey, NewSubmission, StreamAppend};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use uuid::Uuid;

const CHILD_URL: &str = "KINTSUGI_CRASH_TEST_URL";
const CHILD_KEY: &str = "KINTSUGI_CRASH_TEST_KEY";
const TEST_NAME: &str = "crash::a_kill_9_under_write_load_loses_no_acknowledged_commit";
/// Tasks committing at once in the writing process.
const WRITERS: usize = 16;
/// Acknowledgements the checker waits for before it kills the writer.
const ACKNOWLEDGED_BEFORE_KILL: usize = 400;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kill_9_under_write_load_loses_no_acknowledged_commit() {
    if let (Ok(url), Ok(key)) = (std::env::var(CHILD_URL), std::env::var(CHILD_KEY)) {
        return write_until_killed(&url, &key).await;
    }
    let db = TestDb::new(Kind::Sqlite).await;
    let key_bytes: [u8; 32] = rand_bytes();
    let acknowledged = run_and_kill(&db.url, &hex::encode(key_bytes)).await;
    assert!(acknowledged.values().sum::<u64>() >= ACKNOWLEDGED_BEFORE_KILL as u64);

    let store = db.open(&MasterKey::from_bytes(key_bytes)).await;
    for (stream, &last) in &acknowledged {
        let events = store.read(stream, 0).await.unwrap();
        assert!(
            events.len() as u64 >= last,
            "{stream}: {last} acknowledged, {} found",
            events.len()
        );
        for (n, event) in events.iter().enumerate() {
            assert_eq!(
                event.payload.as_deref(),
                Some(format!("{}", n + 1).as_bytes())
            );
        }
    }
    assert_eq!(store.verify().await.unwrap().first_break, None);
    // And the record takes new commits where it stands.
    let (stream, _) = acknowledged.iter().next().unwrap();
    let head = store.head(stream).await.unwrap().unwrap().seq;
    let next = StreamAppend::new(stream, head, vec![event("ana", "note", "after")]);
    store.commit(vec![next], None).await.unwrap();
}

fn rand_bytes() -> [u8; 32] {
    let mut bytes = [0; 32];
    bytes[..16].copy_from_slice(Uuid::new_v4().as_bytes());
    bytes[16..].copy_from_slice(Uuid::new_v4().as_bytes());
    bytes
}

/// Runs the writing process, kills it (SIGKILL) once it acknowledged
/// enough, and returns the highest acknowledged `seq` of each stream,
/// every line it wrote before it died included.
async fn run_and_kill(url: &str, key: &str) -> BTreeMap<String, u64> {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([TEST_NAME, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_URL, url)
        .env(CHILD_KEY, key)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    tokio::task::spawn_blocking(move || {
        let mut acknowledged = BTreeMap::new();
        let mut count = 0;
        let mut killed = false;
        for line in BufReader::new(stdout).lines() {
            let line = line.unwrap();
            let Some((stream, seq)) = line
                .strip_prefix("acknowledged ")
                .and_then(|rest| rest.split_once(' '))
            else {
                continue;
            };
            let seq: u64 = seq.parse().unwrap();
            let last = acknowledged.entry(stream.to_string()).or_insert(0);
            *last = seq.max(*last);
            count += 1;
            if count == ACKNOWLEDGED_BEFORE_KILL && !killed {
                child.kill().unwrap();
                killed = true;
            }
        }
        child.wait().unwrap();
        assert!(killed, "the writer stopped before it was killed");
        acknowledged
    })
    .await
    .unwrap()
}

/// The writing process: `WRITERS` tasks, each appending to its own couple
/// stream with a submission key of its own per commit, saying each `seq`
/// once its commit returned. It never stops by itself before it is killed.
async fn write_until_killed(url: &str, key: &str) {
    let store = kintsugi_store::open(url, MasterKey::from_hex(key).unwrap())
        .await
        .unwrap();
    let tasks: Vec<_> = (0..WRITERS)
        .map(|writer| {
            let store = store.clone();
            tokio::spawn(async move {
                let stream = format!("couple:{writer}");
                let user = Uuid::new_v4();
                for seq in 1..=1_000_000u64 {
                    let payload = format!("{seq}");
                    let append = StreamAppend::new(
                        &stream,
                        seq - 1,
                        vec![event("ana", "check-in", &payload)],
                    );
                    let submission = NewSubmission {
                        user_id: user,
                        key_hash: rand_bytes(),
                        request_hash: [1; 32],
                    };
                    store.commit(vec![append], Some(submission)).await.unwrap();
                    let mut out = std::io::stdout().lock();
                    writeln!(out, "acknowledged {stream} {seq}").unwrap();
                    out.flush().unwrap();
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
}
