//! What this process knows of one SQLite file without asking it: the heads
//! of the streams it has written or read, so that a catch-up at a known
//! head finds nothing new at once, and the data keys it has unwrapped. On a
//! page that is most of what the store is asked, and each question is a
//! hand-off to one of SQLite's worker threads.
//!
//! Only sound while no other process appends to the file. The first store
//! this process opens on a file takes an exclusive lock beside it
//! (`<file>-lock`) and holds it while any of its stores is open; every
//! store of this process on that file shares one `Known`, so a second
//! instance in the same process sees the first one's commits. A process
//! that cannot take the lock (another one holds it) knows no heads and asks
//! SQLite every time; `kintsugi serve` refuses to start there.
//!
//! A warm process trusts what it wrote and read: a row removed by hand
//! behind its back is found by `verify` and by the next process to read the
//! stream, not by a page this process serves from memory.

use crate::crypto::DataKey;
use std::collections::HashMap;
use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError, Weak};

/// One file's known heads (each stream's highest `seq` and its hash) and
/// unwrapped data keys.
pub(crate) struct Known {
    by_stream: Mutex<HashMap<String, (i64, Vec<u8>)>>,
    /// No more than the master key they are unwrapped with, which this
    /// process holds anyway; a destroyed stream's goes with it.
    keys: Mutex<HashMap<String, Arc<DataKey>>>,
    /// Held, never read: the lock lasts as long as this value.
    _lock: File,
}

/// Every file this process holds the lock of.
fn files() -> MutexGuard<'static, HashMap<PathBuf, Weak<Known>>> {
    static FILES: OnceLock<Mutex<HashMap<PathBuf, Weak<Known>>>> = OnceLock::new();
    FILES
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
}

impl Known {
    /// This process's heads of the database file at `path` (which must
    /// exist), or `None` when another process holds the file's lock.
    pub(crate) fn of_file(path: &Path) -> std::io::Result<Option<Arc<Known>>> {
        let path = path.canonicalize()?;
        let mut files = files();
        if let Some(known) = files.get(&path).and_then(Weak::upgrade) {
            return Ok(Some(known));
        }
        let mut name = path.clone().into_os_string();
        name.push("-lock");
        let lock = private_file(Path::new(&name))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => return Ok(None),
            Err(TryLockError::Error(error)) => return Err(error),
        }
        let known = Arc::new(Known {
            by_stream: Mutex::default(),
            keys: Mutex::default(),
            _lock: lock,
        });
        files.retain(|_, known| known.strong_count() > 0);
        files.insert(path, Arc::downgrade(&known));
        Ok(Some(known))
    }

    fn heads(&self) -> MutexGuard<'_, HashMap<String, (i64, Vec<u8>)>> {
        self.by_stream
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether `seq` is the stream's head as this process knows it.
    pub(crate) fn is_head(&self, stream_id: &str, seq: i64) -> bool {
        self.heads()
            .get(stream_id)
            .is_some_and(|(head, _)| *head == seq)
    }

    /// The hash at `seq`, when `seq` is the stream's known head.
    pub(crate) fn hash_at_head(&self, stream_id: &str, seq: i64) -> Option<Vec<u8>> {
        match self.heads().get(stream_id) {
            Some((head, hash)) if *head == seq => Some(hash.clone()),
            _ => None,
        }
    }

    /// The stream reached `seq`, whose hash is `hash`. A read that finished
    /// after a later commit never takes the head back.
    pub(crate) fn reached(&self, stream_id: &str, seq: i64, hash: &[u8]) {
        let mut heads = self.heads();
        match heads.get_mut(stream_id) {
            Some(known) if known.0 >= seq => {}
            Some(known) => *known = (seq, hash.to_vec()),
            None => {
                heads.insert(stream_id.to_owned(), (seq, hash.to_vec()));
            }
        }
    }

    /// Forgets the stream's head: it moved in a way this process did not
    /// see, and is asked of SQLite again.
    pub(crate) fn forget(&self, stream_id: &str) {
        self.heads().remove(stream_id);
    }

    /// Forgets everything of a destroyed stream, its data key included.
    pub(crate) fn destroyed(&self, stream_id: &str) {
        self.forget(stream_id);
        self.data_keys().remove(stream_id);
    }

    fn data_keys(&self) -> MutexGuard<'_, HashMap<String, Arc<DataKey>>> {
        self.keys.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The stream's data key, if this process unwrapped it already.
    pub(crate) fn data_key(&self, stream_id: &str) -> Option<Arc<DataKey>> {
        self.data_keys().get(stream_id).cloned()
    }

    /// Keeps the stream's unwrapped data key.
    pub(crate) fn keep_data_key(&self, stream_id: &str, key: Arc<DataKey>) {
        self.data_keys().insert(stream_id.to_owned(), key);
    }
}

/// Opens (or makes, readable by this user only) the lock file.
fn private_file(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_process_shares_a_files_heads_and_holds_its_lock() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.db");
        File::create(&path).unwrap();
        let first = Known::of_file(&path).unwrap().expect("the lock is free");
        let second = Known::of_file(&path).unwrap().expect("the same process");
        first.reached("s", 3, b"three");
        assert!(second.is_head("s", 3), "one file, one set of heads");
        second.reached("s", 2, b"two");
        assert_eq!(first.hash_at_head("s", 3), Some(b"three".to_vec()));
        assert!(!first.is_head("s", 2), "never taken back");

        // Another holder of the lock (as another process would be) leaves
        // this file's heads unknown to a process that starts afresh.
        let mut lock_name = path.canonicalize().unwrap().into_os_string();
        lock_name.push("-lock");
        drop((first, second));
        let other = private_file(Path::new(&lock_name)).unwrap();
        other.try_lock().unwrap();
        assert!(Known::of_file(&path).unwrap().is_none());
        drop(other);
        let again = Known::of_file(&path).unwrap().expect("free again");
        assert!(
            !again.is_head("s", 3),
            "a new holder starts knowing nothing"
        );
        again.forget("s");
    }
}
