//! The record (append, read, verify) and the key handling around it, written
//! once above the backends. A backend supplies only plain row operations
//! through [`EventTables`]; every rule of the chain and of the encryption
//! lives here.

use crate::chain::{sha256, EventRow, Header, StreamVerifier, GENESIS_PREV_HASH};
use crate::crypto::{self, DataKey};
use crate::key::MasterKey;
use crate::timestamp::{from_micros, now_micros};
use crate::{
    ChainBreak, ChainHead, Hash, NewSubmission, Result, StoreError, StoredEvent, StreamAppend,
    SubmissionRecord, VerifyReport, SUBMISSION_LIFETIME,
};
use async_trait::async_trait;
use uuid::Uuid;

/// The `meta` row holding the master key check.
pub(crate) const KEY_CHECK: &str = "key_check";

/// How many rows `verify` loads at a time.
const VERIFY_PAGE: i64 = 1_000;
/// How many stream ids `verify` lists at a time.
const STREAM_PAGE: i64 = 500;

/// What a backend must offer for the record. No method interprets what it
/// stores: hashing, encryption and the rules of the chain stay above.
#[async_trait]
pub(crate) trait EventTables: Send + Sync {
    /// The stored hash of the event at (`stream_id`, `seq`).
    async fn hash_at(&self, stream_id: &str, seq: i64) -> Result<Option<Vec<u8>>>;
    /// The highest seq of the stream and its hash.
    async fn head_row(&self, stream_id: &str) -> Result<Option<(i64, Vec<u8>)>>;
    /// In one transaction: purges the submission rows of `submission`'s
    /// user created before `expired_before`, inserts `submission`, then
    /// every event row. Nothing is written unless all of it is; the
    /// database's unique keys, not this process, decide who came first.
    async fn insert_commit(
        &self,
        rows: &[EventRow],
        submission: Option<&SubmissionRecord>,
        expired_before: i64,
    ) -> Result<Inserted>;
    /// The submission row of (`user_id`, `key_hash`) made at or after
    /// `not_before`.
    async fn submission_row(
        &self,
        user_id: Uuid,
        key_hash: &Hash,
        not_before: i64,
    ) -> Result<Option<SubmissionRecord>>;
    /// Up to `limit` rows with `seq > after_seq`, in seq order.
    async fn events_after(
        &self,
        stream_id: &str,
        after_seq: i64,
        limit: i64,
    ) -> Result<Vec<EventRow>>;
    /// Up to `limit` distinct stream ids of the events table, in order,
    /// after `after` (from the first when `None`).
    async fn stream_ids_after(&self, after: Option<&str>, limit: i64) -> Result<Vec<String>>;
    async fn wrapped_key(&self, stream_id: &str) -> Result<Option<Vec<u8>>>;
    /// Stores a wrapped data key unless the stream has one already.
    async fn insert_wrapped_key(
        &self,
        stream_id: &str,
        wrapped: &[u8],
        created_at: i64,
    ) -> Result<()>;
    async fn all_wrapped_keys(&self) -> Result<Vec<(String, Vec<u8>)>>;
    /// In one transaction: replaces each `(stream_id, old, new)` wrapped key
    /// and the key check. `Ok(false)`, with nothing changed, if the set of
    /// wrapped keys is no longer exactly the given one.
    async fn replace_wrapped_keys(
        &self,
        rewrapped: &[(String, Vec<u8>, Vec<u8>)],
        key_check: &[u8],
    ) -> Result<bool>;
    async fn meta(&self, name: &str) -> Result<Option<Vec<u8>>>;
    /// Stores a meta value unless one exists under that name already.
    async fn insert_meta(&self, name: &str, value: &[u8]) -> Result<()>;
}

/// What `insert_commit` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Inserted {
    Everything,
    /// Nothing: this stream already had an event at one of the seqs.
    StreamMoved(String),
    /// Nothing: the user's submission key was in the table already.
    KeyUsed,
}

/// Checks the master key against the database's key check, storing one if
/// the database has none yet (its first open).
pub(crate) async fn check_master_key<T: EventTables + ?Sized>(
    tables: &T,
    master: &MasterKey,
) -> Result<()> {
    if tables.meta(KEY_CHECK).await?.is_none() {
        tables
            .insert_meta(KEY_CHECK, &crypto::key_check(master))
            .await?;
    }
    // Read back: when two processes opened a new database at once, the
    // check that landed first is the one that counts.
    let stored = tables.meta(KEY_CHECK).await?.ok_or_else(|| {
        StoreError::WrongMasterKey("the database lost its key check while opening".into())
    })?;
    if crypto::key_check_opens(master, &stored) {
        Ok(())
    } else {
        Err(StoreError::WrongMasterKey(
            "it was set up with a different master key; check the key file or KINTSUGI_MASTER_KEY"
                .into(),
        ))
    }
}

/// See [`crate::EventStore::commit`]: every chain rule is applied here,
/// before anything is written; the backend then inserts all rows at once.
pub(crate) async fn commit<T: EventTables + ?Sized>(
    tables: &T,
    master: &MasterKey,
    appends: Vec<StreamAppend>,
    submission: Option<NewSubmission>,
) -> Result<Vec<Vec<StoredEvent>>> {
    let created_at = now_micros();
    let mut rows = Vec::new();
    for append in &appends {
        rows.extend(chain_rows(tables, master, append, created_at).await?);
    }
    let Some(first) = rows.first() else {
        return Ok(appends.iter().map(|_| Vec::new()).collect());
    };
    let submission = match submission {
        Some(new) => Some(SubmissionRecord {
            user_id: new.user_id,
            key_hash: new.key_hash,
            request_hash: new.request_hash,
            stream_id: first.stream_id.clone(),
            seq: first.seq as u64,
            created_at: from_micros(created_at)?,
        }),
        None => None,
    };
    let expired_before = created_at - lifetime_micros();
    let inserted = tables
        .insert_commit(&rows, submission.as_ref(), expired_before)
        .await?;
    match (inserted, submission) {
        (Inserted::Everything, _) => {}
        (Inserted::KeyUsed, Some(submission)) => {
            return Err(key_used(tables, &appends, submission, expired_before).await)
        }
        (Inserted::StreamMoved(stream_id), _) => {
            let expected = expected_seq_of(&appends, &stream_id);
            return Err(conflict(tables, &stream_id, expected).await);
        }
        // Without a key, no key can be in use: a backend saying so is
        // broken, and nothing was written.
        (Inserted::KeyUsed, None) => {
            return Err(StoreError::Database(sqlx::Error::Protocol(
                "a submission key was reported used, but none was given".into(),
            )))
        }
    }
    let mut rows = rows.into_iter();
    appends
        .into_iter()
        .map(|append| {
            rows.by_ref()
                .take(append.events.len())
                .zip(append.events)
                .map(|(row, event)| stored_event(row, Some(event.payload)))
                .collect()
        })
        .collect()
}

/// The rows of one stream's append, chained onto its head and encrypted.
/// `Conflict` when `expected_seq` is not an event of the stream.
async fn chain_rows<T: EventTables + ?Sized>(
    tables: &T,
    master: &MasterKey,
    append: &StreamAppend,
    created_at: i64,
) -> Result<Vec<EventRow>> {
    let stream_id = append.stream_id.as_str();
    if append.events.is_empty() {
        return Ok(Vec::new());
    }
    let Ok(expected) = i64::try_from(append.expected_seq) else {
        return Err(conflict(tables, stream_id, append.expected_seq).await);
    };
    let mut prev_hash = if expected == 0 {
        GENESIS_PREV_HASH.to_vec()
    } else {
        match tables.hash_at(stream_id, expected).await? {
            Some(hash) => hash,
            None => return Err(conflict(tables, stream_id, append.expected_seq).await),
        }
    };
    let data_key = data_key_for_append(tables, master, stream_id).await?;
    let mut rows = Vec::with_capacity(append.events.len());
    for (seq, event) in (expected + 1..).zip(&append.events) {
        let ciphertext = data_key.seal_payload(stream_id, seq as u64, &event.payload);
        let payload_hash = sha256(&ciphertext);
        let hash = Header {
            stream_id,
            seq,
            prev_hash: &prev_hash,
            author: &event.author,
            kind: &event.kind,
            created_at,
            payload_hash: &payload_hash,
        }
        .hash();
        rows.push(EventRow {
            stream_id: stream_id.to_string(),
            seq,
            prev_hash: std::mem::replace(&mut prev_hash, hash.to_vec()),
            hash: hash.to_vec(),
            author: event.author.clone(),
            kind: event.kind.clone(),
            created_at,
            payload_ciphertext: Some(ciphertext),
            payload_hash: payload_hash.to_vec(),
        });
    }
    Ok(rows)
}

fn lifetime_micros() -> i64 {
    i64::try_from(SUBMISSION_LIFETIME.whole_microseconds()).unwrap_or(i64::MAX)
}

fn expected_seq_of(appends: &[StreamAppend], stream_id: &str) -> u64 {
    appends
        .iter()
        .find(|append| append.stream_id == stream_id)
        .map_or(0, |append| append.expected_seq)
}

/// `SubmissionUsed` with the row that used the key first. Should that row
/// have expired in the meantime, the caller is told to decide again, as
/// after any lost race.
async fn key_used<T: EventTables + ?Sized>(
    tables: &T,
    appends: &[StreamAppend],
    submission: SubmissionRecord,
    not_before: i64,
) -> StoreError {
    match tables
        .submission_row(submission.user_id, &submission.key_hash, not_before)
        .await
    {
        Ok(Some(first)) => StoreError::SubmissionUsed(Box::new(first)),
        Ok(None) => {
            let stream_id = submission.stream_id;
            let expected = expected_seq_of(appends, &stream_id);
            conflict(tables, &stream_id, expected).await
        }
        Err(error) => error,
    }
}

/// See [`crate::EventStore::submission`].
pub(crate) async fn submission<T: EventTables + ?Sized>(
    tables: &T,
    user_id: Uuid,
    key_hash: &Hash,
) -> Result<Option<SubmissionRecord>> {
    tables
        .submission_row(user_id, key_hash, now_micros() - lifetime_micros())
        .await
}

pub(crate) async fn read<T: EventTables + ?Sized>(
    tables: &T,
    master: &MasterKey,
    stream_id: &str,
    after_seq: u64,
) -> Result<Vec<StoredEvent>> {
    let Ok(after) = i64::try_from(after_seq) else {
        return Ok(Vec::new());
    };
    let rows = tables.events_after(stream_id, after, i64::MAX).await?;
    let Some(first) = rows.first() else {
        return Ok(Vec::new());
    };
    let undecryptable = |seq: i64| StoreError::Decrypt {
        stream_id: stream_id.to_string(),
        seq: seq as u64,
    };
    let wrapped = tables
        .wrapped_key(stream_id)
        .await?
        .ok_or_else(|| undecryptable(first.seq))?;
    let data_key =
        DataKey::unwrap(master, stream_id, &wrapped).map_err(|_| undecryptable(first.seq))?;
    rows.into_iter()
        .map(|row| {
            let payload = match &row.payload_ciphertext {
                Some(ciphertext) => Some(
                    data_key
                        .open_payload(stream_id, row.seq as u64, ciphertext)
                        .map_err(|_| undecryptable(row.seq))?,
                ),
                None => None,
            };
            stored_event(row, payload)
        })
        .collect()
}

pub(crate) async fn head<T: EventTables + ?Sized>(
    tables: &T,
    stream_id: &str,
) -> Result<Option<ChainHead>> {
    match tables.head_row(stream_id).await? {
        Some((seq, hash)) => Ok(Some(ChainHead {
            seq: seq as u64,
            hash: hash_of(&hash, stream_id, seq)?,
        })),
        None => Ok(None),
    }
}

pub(crate) async fn verify<T: EventTables + ?Sized>(tables: &T) -> Result<VerifyReport> {
    let mut report = VerifyReport::default();
    let mut last_stream: Option<String> = None;
    loop {
        let stream_ids = tables
            .stream_ids_after(last_stream.as_deref(), STREAM_PAGE)
            .await?;
        if stream_ids.is_empty() {
            return Ok(report);
        }
        for stream_id in stream_ids {
            report.streams += 1;
            let mut verifier = StreamVerifier::default();
            let mut after = 0;
            loop {
                let rows = tables.events_after(&stream_id, after, VERIFY_PAGE).await?;
                for row in &rows {
                    if let Err(reason) = verifier.check(row) {
                        report.first_break = Some(ChainBreak {
                            stream_id: stream_id.clone(),
                            seq: row.seq as u64,
                            reason,
                        });
                        return Ok(report);
                    }
                    report.events += 1;
                }
                match rows.last() {
                    Some(last) if rows.len() as i64 == VERIFY_PAGE => after = last.seq,
                    _ => break,
                }
            }
            last_stream = Some(stream_id);
        }
    }
}

/// Re-wraps every data key under `new` and replaces the key check. The
/// ciphertexts, and so the chains, do not change.
pub(crate) async fn rewrap_all<T: EventTables + ?Sized>(
    tables: &T,
    old: &MasterKey,
    new: &MasterKey,
) -> Result<u64> {
    let wrapped = tables.all_wrapped_keys().await?;
    let mut rewrapped = Vec::with_capacity(wrapped.len());
    for (stream_id, old_wrapped) in wrapped {
        let data_key = DataKey::unwrap(old, &stream_id, &old_wrapped).map_err(|_| {
            StoreError::WrongMasterKey(format!(
                "the data key of stream {stream_id} does not open with the current key"
            ))
        })?;
        let new_wrapped = data_key.wrap(new, &stream_id);
        rewrapped.push((stream_id, old_wrapped, new_wrapped));
    }
    if tables
        .replace_wrapped_keys(&rewrapped, &crypto::key_check(new))
        .await?
    {
        Ok(rewrapped.len() as u64)
    } else {
        Err(StoreError::WrongMasterKey(
            "streams were added while the key was being changed; \
             stop Kintsugi and run the rotation again"
                .into(),
        ))
    }
}

/// Checks that `master` opens every wrapped data key.
pub(crate) async fn check_data_keys<T: EventTables + ?Sized>(
    tables: &T,
    master: &MasterKey,
) -> Result<u64> {
    let wrapped = tables.all_wrapped_keys().await?;
    for (stream_id, wrapped_key) in &wrapped {
        DataKey::unwrap(master, stream_id, wrapped_key).map_err(|_| {
            StoreError::WrongMasterKey(format!(
                "the data key of stream {stream_id} does not open with this key"
            ))
        })?;
    }
    Ok(wrapped.len() as u64)
}

async fn data_key_for_append<T: EventTables + ?Sized>(
    tables: &T,
    master: &MasterKey,
    stream_id: &str,
) -> Result<DataKey> {
    let wrapped = match tables.wrapped_key(stream_id).await? {
        Some(wrapped) => wrapped,
        None => {
            let fresh = DataKey::generate();
            tables
                .insert_wrapped_key(stream_id, &fresh.wrap(master, stream_id), now_micros())
                .await?;
            // Read back: if another writer created the stream's key at the
            // same moment, theirs was kept and is the one to use.
            tables.wrapped_key(stream_id).await?.ok_or_else(|| {
                StoreError::WrongMasterKey(format!(
                    "the data key of stream {stream_id} vanished while it was created"
                ))
            })?
        }
    };
    DataKey::unwrap(master, stream_id, &wrapped).map_err(|_| {
        StoreError::WrongMasterKey(format!(
            "the data key of stream {stream_id} does not open with it"
        ))
    })
}

async fn conflict<T: EventTables + ?Sized>(
    tables: &T,
    stream_id: &str,
    expected: u64,
) -> StoreError {
    let actual = match tables.head_row(stream_id).await {
        Ok(head) => head.map_or(0, |(seq, _)| seq as u64),
        Err(error) => return error,
    };
    StoreError::Conflict {
        stream_id: stream_id.to_string(),
        expected,
        actual,
    }
}

fn stored_event(row: EventRow, payload: Option<Vec<u8>>) -> Result<StoredEvent> {
    Ok(StoredEvent {
        prev_hash: hash_of(&row.prev_hash, &row.stream_id, row.seq)?,
        hash: hash_of(&row.hash, &row.stream_id, row.seq)?,
        created_at: from_micros(row.created_at)?,
        seq: row.seq as u64,
        stream_id: row.stream_id,
        author: row.author,
        kind: row.kind,
        payload,
    })
}

fn hash_of(bytes: &[u8], stream_id: &str, seq: i64) -> Result<Hash> {
    Hash::try_from(bytes).map_err(|_| {
        StoreError::Database(sqlx::Error::Decode(
            format!(
                "a hash of stream {stream_id} at seq {seq} is not 32 bytes; \
                 `kintsugi verify` will say more"
            )
            .into(),
        ))
    })
}
