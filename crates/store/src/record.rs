//! The record (append, read, verify) and the key handling around it, written
//! once above the backends. A backend supplies only plain row operations
//! through [`EventTables`]; every rule of the chain and of the encryption
//! lives here.

use crate::chain::{
    sha256, Break, EventRow, Header, StreamVerifier, CURRENT_FORMAT, FORMAT_STREAM_SEQ,
    GENESIS_PREV_HASH,
};
use crate::crypto::{self, AadHeader, DataKey};
use crate::integrity::{
    judge_seal, known_data_key, read_after, unwrap_data_key, walk, SealRule, SealVerdict,
};
use crate::key::MasterKey;
use crate::known::Known;
use crate::seal::{DeletionFields, SealKey, SealRow};
use crate::snapshots::{FoundSnapshot, SnapshotRow};
use crate::timestamp::{from_micros, now_micros, to_micros};
use crate::{
    ChainBreak, ChainHead, Decoded, DeletionReason, DeletionRecord, Hash, IntegrityProblem,
    Joining, NewSubmission, PayloadDecoder, Result, SealReport, StoreError, StoredEvent,
    StreamAppend, SubmissionRecord, VerifyReport, Witness, SUBMISSION_LIFETIME,
};
use async_trait::async_trait;
use std::collections::BTreeMap;
use std::sync::Arc;
use time::OffsetDateTime;
use uuid::Uuid;

/// The `meta` row holding the master key check.
pub(crate) const KEY_CHECK: &str = "key_check";

/// How many rows `verify` loads at a time.
const VERIFY_PAGE: i64 = 1_000;
/// How many stream ids `verify` lists at a time.
const STREAM_PAGE: i64 = 500;

/// What a backend must offer for the record. No method interprets what it
/// stores: hashing, encryption and the rules of the chain stay above.
/// Everything one commit writes (see [`EventTables::insert_commit`]).
#[derive(Default)]
pub(crate) struct CommitRows<'a> {
    pub rows: &'a [EventRow],
    pub seals: &'a [SealRow],
    pub submission: Option<&'a SubmissionRecord>,
    pub joining: Option<&'a Joining>,
    /// Events whose ciphertext this commit removes, with the store's proof.
    pub redactions: &'a [RedactionRow],
}

/// One event a commit redacts: its ciphertext goes, this proof stays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RedactionRow {
    pub stream_id: String,
    pub seq: i64,
    pub proof: Vec<u8>,
}

/// A destroyed stream's record as stored, its seal made above the backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DeletionRow {
    pub stream_id: String,
    pub last_seq: i64,
    pub last_hash: Vec<u8>,
    pub deleted_at: i64,
    pub reason: String,
    pub seal: Vec<u8>,
}

impl DeletionRow {
    pub(crate) fn fields(&self) -> DeletionFields<'_> {
        DeletionFields {
            stream_id: &self.stream_id,
            last_seq: self.last_seq,
            last_hash: &self.last_hash,
            deleted_at: self.deleted_at,
            reason: &self.reason,
        }
    }
}

/// What `destroy_rows` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Destroyed {
    Done,
    /// Nothing: a deletion record of the stream exists already.
    AlreadyGone,
    /// Nothing: the stream's head is no longer the one the record names.
    Moved,
}

/// Couple streams are named `couple:<space id>` (core's `StreamId::couple`);
/// destroying one ends what the space's rows outside the record hold.
const COUPLE_STREAM_PREFIX: &str = "couple:";

#[async_trait]
pub(crate) trait EventTables: Send + Sync {
    /// The stored hash of the event at (`stream_id`, `seq`).
    async fn hash_at(&self, stream_id: &str, seq: i64) -> Result<Option<Vec<u8>>>;
    /// In one read, so both come from the same moment: the stream's seal
    /// and its rows from `from_seq` on, in order. `None` when the stream
    /// has no seal (a new stream, or one whose seal is missing).
    async fn sealed_rows_from(
        &self,
        stream_id: &str,
        from_seq: i64,
    ) -> Result<Option<(SealRow, Vec<EventRow>)>>;
    /// The heads this process knows without asking, where it may trust
    /// them (see `known`).
    fn known(&self) -> Option<&Known> {
        None
    }
    /// The highest seq of the stream and its hash.
    async fn head_row(&self, stream_id: &str) -> Result<Option<(i64, Vec<u8>)>>;
    /// In one transaction: purges the submission rows of `submission`'s
    /// user created before `expired_before`, inserts `submission`, then
    /// every event row, then `joining`: a partner's membership (see
    /// [`crate::EventStore::commit_with_member`]) or a therapist's link, then writes each
    /// stream's new seal. Nothing is written unless all of it is; the
    /// database's unique keys, not this process, decide who came first.
    async fn insert_commit(&self, commit: CommitRows<'_>) -> Result<Inserted>;
    /// The stream's seal, if it has one.
    async fn seal_row(&self, stream_id: &str) -> Result<Option<SealRow>>;
    async fn all_seals(&self) -> Result<Vec<SealRow>>;
    /// Stores a seal unless the stream has one already.
    async fn insert_seal(&self, seal: &SealRow) -> Result<()>;
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
    /// Up to `limit` distinct stream ids of the events and the seals, in
    /// order, after `after` (from the first when `None`): a stream whose
    /// rows are all gone is still listed by its seal.
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
    /// In one transaction: replaces each `(stream_id, old, new)` wrapped key,
    /// each `(old seal, new seal)` and the key check. `Ok(false)`, with
    /// nothing changed, if the set of wrapped keys or of seals is no longer
    /// exactly the given one.
    async fn replace_wrapped_keys(
        &self,
        rewrapped: &[(String, Vec<u8>, Vec<u8>)],
        resealed: &[(Vec<u8>, SealRow)],
        key_check: &[u8],
    ) -> Result<bool>;
    async fn meta(&self, name: &str) -> Result<Option<Vec<u8>>>;
    /// Stores a meta value unless one exists under that name already.
    async fn insert_meta(&self, name: &str, value: &[u8]) -> Result<()>;
    /// The store's proof that the event at (`stream_id`, `seq`) was redacted.
    async fn redaction_proof(&self, stream_id: &str, seq: i64) -> Result<Option<Vec<u8>>>;
    /// In one transaction, unless a deletion record of the stream exists
    /// or its highest `seq` is no longer `row.last_seq`: inserts `row`, then
    /// deletes the stream's events, redaction proofs, seal, data key and
    /// submission rows, and for `space` its members, invitations and
    /// therapist links.
    async fn destroy_rows(&self, row: &DeletionRow, space: Option<Uuid>) -> Result<Destroyed>;
    /// The deletion record of `stream_id`, unchecked.
    async fn deletion_row(&self, stream_id: &str) -> Result<Option<DeletionRow>>;
    /// Up to `limit` deletion records after `after` (from the first when
    /// `None`), in stream order.
    async fn deletion_rows_after(
        &self,
        after: Option<&str>,
        limit: i64,
    ) -> Result<Vec<DeletionRow>>;
    /// In one write transaction that holds the stream's seal row, as an
    /// append does: when the stream's newest event is (`row.seq`,
    /// `row.head`), replaces its snapshot with `row`; `false`, with nothing
    /// written, when it is not or the stream has no seal.
    async fn put_snapshot(&self, row: &SnapshotRow) -> Result<bool>;
    /// In one read: the stream's snapshot in `format`, with the hash its
    /// chain holds at the snapshot's `seq` and the stream's wrapped key.
    async fn snapshot_row(&self, stream_id: &str, format: i64) -> Result<Option<FoundSnapshot>>;
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
            "it was set up with a different master key; check the key file given by \
             --master-key-file or KINTSUGI_MASTER_KEY_FILE (by default master.key in \
             the data directory)"
                .into(),
        ))
    }
}

/// See [`crate::EventStore::commit_at`]: every chain rule is applied here,
/// before anything is written; the backend then inserts all rows at once.
pub(crate) async fn commit<T: EventTables + ?Sized>(
    tables: &T,
    master: &MasterKey,
    (appends, submission, joining): (Vec<StreamAppend>, Option<NewSubmission>, Option<Joining>),
    at: OffsetDateTime,
) -> Result<Vec<Vec<StoredEvent>>> {
    let created_at = to_micros(at);
    let seal_key = SealKey::derive(master);
    let mut rows = Vec::new();
    let mut seals = Vec::new();
    let mut redactions = Vec::new();
    for append in &appends {
        let times = vec![created_at; append.events.len()];
        let (chained, seal) = chain_rows(tables, master, &seal_key, append, &times).await?;
        rows.extend(chained);
        seals.extend(seal);
        redactions.extend(redaction_rows(tables, &seal_key, append).await?);
    }
    let Some(first) = rows.first() else {
        if let Some(joining) = &joining {
            let joining = Some(joining);
            tables
                .insert_commit(CommitRows {
                    joining,
                    ..CommitRows::default()
                })
                .await?;
        }
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
        .insert_commit(CommitRows {
            rows: &rows,
            seals: &seals,
            submission: submission.as_ref(),
            joining: joining.as_ref(),
            redactions: &redactions,
        })
        .await?;
    match (inserted, submission) {
        (Inserted::Everything, _) => reached_heads(tables, &rows),
        (Inserted::KeyUsed, Some(submission)) => {
            return Err(key_used(tables, &appends, submission, expired_before).await)
        }
        (Inserted::StreamMoved(stream_id), _) => {
            if let Some(known) = tables.known() {
                known.forget(&stream_id);
            }
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
    written_per_append(rows, appends)
}

/// Tells the known heads where a commit's streams now end.
fn reached_heads<T: EventTables + ?Sized>(tables: &T, rows: &[EventRow]) {
    let Some(known) = tables.known() else {
        return;
    };
    for row in rows {
        known.reached(&row.stream_id, row.seq, &row.hash);
    }
}

/// The events a commit wrote, one list per append, in the order given.
fn written_per_append(
    rows: Vec<EventRow>,
    appends: Vec<StreamAppend>,
) -> Result<Vec<Vec<StoredEvent>>> {
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

/// The rows of one stream's append, chained onto its head and encrypted,
/// and the stream's seal over its new head. `Conflict` when `expected_seq`
/// is not the stream's head; `Integrity` when the head is not the one its
/// seal names (nothing is appended to a damaged stream, so an append can
/// never bless a cut or an edit with a fresh seal).
async fn chain_rows<T: EventTables + ?Sized>(
    tables: &T,
    master: &MasterKey,
    seal_key: &SealKey,
    append: &StreamAppend,
    times: &[i64],
) -> Result<(Vec<EventRow>, Option<SealRow>)> {
    let stream_id = append.stream_id.as_str();
    if append.events.is_empty() {
        return Ok((Vec::new(), None));
    }
    let mut prev_hash = sealed_head(tables, seal_key, stream_id, append.expected_seq).await?;
    let expected = append.expected_seq as i64;
    let data_key = data_key_for_append(tables, master, stream_id).await?;
    let mut rows = Vec::with_capacity(append.events.len());
    for ((seq, event), &created_at) in (expected + 1..).zip(&append.events).zip(times) {
        let aad = AadHeader {
            stream_id,
            seq: seq as u64,
            author: &event.author,
            kind: &event.kind,
            created_at,
        };
        let ciphertext = data_key.seal_event(&aad, &event.payload);
        let payload_hash = sha256(&ciphertext);
        let hash = Header {
            format: CURRENT_FORMAT,
            stream_id,
            seq,
            prev_hash: &prev_hash,
            author: &event.author,
            kind: &event.kind,
            created_at,
            payload_hash: &payload_hash,
        }
        .hash()
        .ok_or_else(|| integrity(stream_id, seq, IntegrityProblem::UnknownFormat))?;
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
            format: CURRENT_FORMAT,
        });
    }
    let head = (expected + rows.len() as i64, prev_hash);
    Ok((rows, Some(seal_key.seal(stream_id, head.0, &head.1))))
}

/// The proofs of the redactions `append` asks for, once each target is
/// found to be an earlier event of the stream that still holds its
/// ciphertext and was written by the author of every appended event (who
/// must append at least one: the event that names what it redacts).
async fn redaction_rows<T: EventTables + ?Sized>(
    tables: &T,
    seal_key: &SealKey,
    append: &StreamAppend,
) -> Result<Vec<RedactionRow>> {
    let stream_id = append.stream_id.as_str();
    let mut proven: Vec<RedactionRow> = Vec::with_capacity(append.redacts.len());
    for &target in &append.redacts {
        let refused = || StoreError::NotRedactable {
            stream_id: stream_id.to_owned(),
            seq: target,
        };
        let seq = i64::try_from(target).map_err(|_| refused())?;
        let named_twice = proven.iter().any(|row| row.seq == seq);
        if seq < 1 || target > append.expected_seq || append.events.is_empty() || named_twice {
            return Err(refused());
        }
        let row = tables
            .events_after(stream_id, seq - 1, 1)
            .await?
            .into_iter()
            .find(|row| row.seq == seq)
            .ok_or_else(refused)?;
        let by_its_author = append.events.iter().all(|event| event.author == row.author);
        if row.payload_ciphertext.is_none() || !by_its_author {
            return Err(refused());
        }
        proven.push(RedactionRow {
            stream_id: stream_id.to_owned(),
            seq,
            proof: seal_key.prove_redaction(stream_id, seq, &row.payload_hash),
        });
    }
    Ok(proven)
}

/// See [`crate::EventStore::append_dated`].
pub(crate) async fn append_dated<T: EventTables + ?Sized>(
    tables: &T,
    master: &MasterKey,
    stream_id: &str,
    expected_seq: u64,
    events: Vec<(crate::NewEvent, time::OffsetDateTime)>,
) -> Result<Vec<StoredEvent>> {
    let times = events
        .iter()
        .map(|(_, at)| crate::timestamp::to_micros(*at))
        .collect::<Vec<_>>();
    let events = events.into_iter().map(|(event, _)| event).collect();
    let append = StreamAppend::new(stream_id, expected_seq, events);
    let seal_key = SealKey::derive(master);
    let (rows, seal) = chain_rows(tables, master, &seal_key, &append, &times).await?;
    let seals = Vec::from_iter(seal);
    let commit = CommitRows {
        rows: &rows,
        seals: &seals,
        ..CommitRows::default()
    };
    match tables.insert_commit(commit).await? {
        Inserted::Everything => {
            reached_heads(tables, &rows);
            rows.into_iter()
                .zip(append.events)
                .map(|(row, event)| stored_event(row, Some(event.payload)))
                .collect()
        }
        _ => Err(conflict(tables, stream_id, expected_seq).await),
    }
}

/// The hash of the event at `expected_seq` (the genesis value for 0), once
/// the stream's seal confirms it is the head, or this process knows it is:
/// it wrote or read that head and its seal (see `known`).
async fn sealed_head<T: EventTables + ?Sized>(
    tables: &T,
    seal_key: &SealKey,
    stream_id: &str,
    expected_seq: u64,
) -> Result<Vec<u8>> {
    let Ok(expected) = i64::try_from(expected_seq) else {
        return Err(conflict(tables, stream_id, expected_seq).await);
    };
    let known = tables
        .known()
        .and_then(|known| known.hash_at_head(stream_id, expected));
    if let Some(hash) = known {
        return Ok(hash);
    }
    let hash = if expected == 0 {
        GENESIS_PREV_HASH.to_vec()
    } else {
        match tables.hash_at(stream_id, expected).await? {
            Some(hash) => hash,
            None => return Err(conflict(tables, stream_id, expected_seq).await),
        }
    };
    let seal = tables.seal_row(stream_id).await?;
    match judge_seal(
        seal_key,
        stream_id,
        (expected, &hash),
        seal,
        SealRule::Required,
    ) {
        SealVerdict::Good => Ok(hash),
        SealVerdict::Broken(found) => Err(integrity(stream_id, found.seq, found.problem)),
        // Either a writer got there first (a conflict), or the rows the
        // seal names are gone.
        SealVerdict::Ahead => match conflict(tables, stream_id, expected_seq).await {
            StoreError::Conflict { actual, .. } if actual <= expected_seq => {
                Err(integrity(stream_id, expected + 1, IntegrityProblem::CutOff))
            }
            other => Err(other),
        },
    }
}

fn integrity(stream_id: &str, seq: i64, problem: IntegrityProblem) -> StoreError {
    ChainBreak::new(stream_id, seq, problem).into_error()
}

pub(crate) fn lifetime_micros() -> i64 {
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

/// See [`crate::EventStore::read`].
pub(crate) async fn read<T: EventTables + ?Sized>(
    tables: &T,
    master: &MasterKey,
    stream_id: &str,
    after_seq: u64,
) -> Result<Vec<StoredEvent>> {
    let known = tables.known();
    if let (Some(known), Ok(after)) = (known, i64::try_from(after_seq)) {
        if after > 0 && known.is_head(stream_id, after) {
            return Ok(Vec::new());
        }
    }
    let events = read_rows(
        tables,
        master,
        stream_id,
        after_seq,
        (i64::MAX, SealRule::Required),
    )
    .await?;
    if let (Some(known), Some(last)) = (known, events.last()) {
        known.reached(stream_id, last.seq as i64, &last.hash);
    }
    Ok(events)
}

/// See [`crate::EventStore::read_page`].
pub(crate) async fn read_page<T: EventTables + ?Sized>(
    tables: &T,
    master: &MasterKey,
    stream_id: &str,
    after_seq: u64,
    limit: u32,
) -> Result<Vec<StoredEvent>> {
    let page = i64::from(limit.max(1));
    read_rows(
        tables,
        master,
        stream_id,
        after_seq,
        (page, SealRule::OnePage),
    )
    .await
}

/// The rows after `after_seq`, checked from the event there, `page` at a
/// time under `rule`.
async fn read_rows<T: EventTables + ?Sized>(
    tables: &T,
    master: &MasterKey,
    stream_id: &str,
    after_seq: u64,
    (page, rule): (i64, SealRule),
) -> Result<Vec<StoredEvent>> {
    let Ok(after) = i64::try_from(after_seq) else {
        return Ok(Vec::new());
    };
    if rule == SealRule::Required {
        if let Some(read) = read_after(tables, master, stream_id, after).await? {
            let checked = read.map_err(|found| integrity(stream_id, found.seq, found.problem))?;
            return checked
                .into_iter()
                .map(|(row, payload)| stored_event(row, payload))
                .collect();
        }
    }
    let start = if after == 0 {
        StreamVerifier::default()
    } else {
        // The caller saw `after` events: each must still be there.
        match tables.hash_at(stream_id, after).await? {
            Some(hash) => StreamVerifier::after(after, hash),
            None => return Err(integrity(stream_id, after, IntegrityProblem::CutOff)),
        }
    };
    let mut checked = Vec::new();
    let walked = walk(
        tables,
        master,
        stream_id,
        start,
        (page, rule),
        // `walk` served a missing payload only with the store's proof of
        // its redaction; `verify_with` also asks the decoder for the event
        // that names it.
        |row, payload| {
            checked.push((row, payload));
            Ok(())
        },
    )
    .await?;
    if let Err(found) = walked {
        return Err(integrity(stream_id, found.seq, found.problem));
    }
    checked
        .into_iter()
        .map(|(row, payload)| stored_event(row, payload))
        .collect()
}

/// See [`crate::EventStore::head`]: the newest row, confirmed by the seal.
pub(crate) async fn head<T: EventTables + ?Sized>(
    tables: &T,
    master: &MasterKey,
    stream_id: &str,
) -> Result<Option<ChainHead>> {
    let seal_key = SealKey::derive(master);
    let mut seen_seq = -1;
    loop {
        let (seq, hash) = tables
            .head_row(stream_id)
            .await?
            .unwrap_or((0, GENESIS_PREV_HASH.to_vec()));
        let seal = tables.seal_row(stream_id).await?;
        match judge_seal(&seal_key, stream_id, (seq, &hash), seal, SealRule::Required) {
            SealVerdict::Good if seq == 0 => return Ok(None),
            SealVerdict::Good => {
                return Ok(Some(ChainHead {
                    seq: seq as u64,
                    hash: hash_of(&hash, stream_id, seq)?,
                }))
            }
            SealVerdict::Broken(found) => {
                return Err(integrity(stream_id, found.seq, found.problem))
            }
            // An append landed between the two reads: look again, unless
            // the rows did not move, in which case they were cut off.
            SealVerdict::Ahead if seq > seen_seq => seen_seq = seq,
            SealVerdict::Ahead => {
                return Err(integrity(stream_id, seq + 1, IntegrityProblem::CutOff))
            }
        }
    }
}

/// See [`crate::EventStore::verify_with`]. Streams and rows are read in
/// pages, so memory stays bounded whatever the size of the record.
pub(crate) async fn verify<T: EventTables + ?Sized>(
    tables: &T,
    master: &MasterKey,
    decoder: &dyn PayloadDecoder,
) -> Result<VerifyReport> {
    let mut report = VerifyReport::default();
    let mut pages = StreamPages::default();
    while let Some(stream_ids) = pages.next(tables).await? {
        for stream_id in stream_ids {
            report.streams += 1;
            let (events, found) = verify_stream(tables, master, decoder, &stream_id).await?;
            report.events += events;
            if let Some(found) = found {
                report.first_break = Some(found);
                return Ok(report);
            }
        }
    }
    verify_deletions(tables, master, &mut report).await?;
    Ok(report)
}

/// Every stream id, in order, a page at a time, so that a walk over the
/// whole record keeps memory bounded.
#[derive(Default)]
struct StreamPages {
    last: Option<String>,
}

impl StreamPages {
    /// The next page of ids; `None` once every stream was given.
    async fn next<T: EventTables + ?Sized>(&mut self, tables: &T) -> Result<Option<Vec<String>>> {
        let page = tables
            .stream_ids_after(self.last.as_deref(), STREAM_PAGE)
            .await?;
        self.last = page.last().cloned();
        Ok((!page.is_empty()).then_some(page))
    }
}

/// One stream of `verify`: how many events passed, and the first break.
/// A missing ciphertext waits (by `seq`, with its author) for a later
/// redaction by the same author that names it; any still waiting at the
/// end is a break, reported if it comes before the walk's own. When the
/// stream is intact, its newest witness of another stream is checked
/// against that stream (a break there names the witnessed stream).
async fn verify_stream<T: EventTables + ?Sized>(
    tables: &T,
    master: &MasterKey,
    decoder: &dyn PayloadDecoder,
    stream_id: &str,
) -> Result<(u64, Option<ChainBreak>)> {
    let mut unproven: BTreeMap<i64, String> = BTreeMap::new();
    let mut newest_witness: Option<Witness> = None;
    let mut events = 0;
    let walked = walk(
        tables,
        master,
        stream_id,
        StreamVerifier::default(),
        (VERIFY_PAGE, SealRule::Required),
        |row, payload| {
            let Some(payload) = payload else {
                unproven.insert(row.seq, row.author);
                events += 1;
                return Ok(());
            };
            match decoder.decode(stream_id, &row.kind, &payload) {
                Decoded::Unknown => return Err(Break::at(row.seq, IntegrityProblem::Undecodable)),
                Decoded::Known {
                    redacts: Some(target),
                } => {
                    let target = i64::try_from(target).unwrap_or(i64::MAX);
                    if unproven.get(&target) == Some(&row.author) {
                        unproven.remove(&target);
                    }
                }
                Decoded::Known { redacts: None } => {}
                Decoded::Witness(witness) => newest_witness = Some(witness),
            }
            events += 1;
            Ok(())
        },
    )
    .await?;
    let unproven = unproven
        .keys()
        .next()
        .map(|&seq| Break::at(seq, IntegrityProblem::UnprovenRedaction));
    let found = match (walked.err(), unproven) {
        (Some(walked), Some(unproven)) if unproven.seq < walked.seq => Some(unproven),
        (walked, unproven) => walked.or(unproven),
    };
    if let Some(found) = found {
        return Ok((
            events,
            Some(ChainBreak::new(stream_id, found.seq, found.problem)),
        ));
    }
    let behind = match newest_witness {
        Some(witness) => check_witness(tables, master, &witness)
            .await?
            .map(|mut found| {
                found.reason = format!("{}; the witness is in stream {stream_id}", found.reason);
                found
            }),
        None => None,
    };
    Ok((events, behind))
}

/// See [`crate::EventStore::check_witness`]: `None` when the witnessed
/// stream still holds the event the witness saw at its head.
pub(crate) async fn check_witness<T: EventTables + ?Sized>(
    tables: &T,
    master: &MasterKey,
    witness: &Witness,
) -> Result<Option<ChainBreak>> {
    let seq = i64::try_from(witness.seq).unwrap_or(i64::MAX);
    let held = tables.hash_at(&witness.stream_id, seq).await?;
    if held.as_deref() == Some(&witness.hash[..]) {
        return Ok(None);
    }
    // A stream destroyed on purpose answers for what its witnesses saw,
    // provided its sealed record reaches as far as they did.
    let destroyed = match (held, tables.deletion_row(&witness.stream_id).await?) {
        (None, Some(row)) => {
            let seal_key = SealKey::derive(master);
            let reaches =
                row.last_seq > seq || (row.last_seq == seq && row.last_hash == witness.hash);
            seal_key.opens_deletion(&row.fields(), &row.seal) && reaches
        }
        _ => false,
    };
    Ok((!destroyed)
        .then(|| ChainBreak::new(&witness.stream_id, seq, IntegrityProblem::BehindWitness)))
}

/// See [`crate::EventStore::destroy_stream`]. The record seals the head
/// as the rows hold it, without judging the stream: a damaged stream can
/// be destroyed too. Should an append land between reading the head and
/// destroying, the head is read again.
pub(crate) async fn destroy<T: EventTables + ?Sized>(
    tables: &T,
    master: &MasterKey,
    (stream_id, reason): (&str, DeletionReason),
    at: OffsetDateTime,
) -> Result<Option<DeletionRecord>> {
    let seal_key = SealKey::derive(master);
    let space = stream_id
        .strip_prefix(COUPLE_STREAM_PREFIX)
        .and_then(|id| Uuid::parse_str(id).ok());
    for _ in 0..DESTROY_ATTEMPTS {
        if tables.deletion_row(stream_id).await?.is_some() {
            return Ok(None);
        }
        let (last_seq, last_hash) = match tables.head_row(stream_id).await? {
            Some(head) => head,
            None if tables.seal_row(stream_id).await?.is_some()
                || tables.wrapped_key(stream_id).await?.is_some() =>
            {
                (0, GENESIS_PREV_HASH.to_vec())
            }
            None => return Ok(None),
        };
        let mut row = DeletionRow {
            stream_id: stream_id.to_owned(),
            last_seq,
            last_hash,
            deleted_at: to_micros(at),
            reason: reason.as_str().to_owned(),
            seal: Vec::new(),
        };
        row.seal = seal_key.seal_deletion(&row.fields());
        let destroyed = tables.destroy_rows(&row, space).await?;
        if let Some(known) = tables.known() {
            known.destroyed(stream_id);
        }
        match destroyed {
            Destroyed::Done => return deletion_record(row).map(Some),
            Destroyed::AlreadyGone => return Ok(None),
            Destroyed::Moved => continue,
        }
    }
    Err(conflict(tables, stream_id, 0).await)
}

/// How often `destroy` reads the head again when appends keep landing.
const DESTROY_ATTEMPTS: usize = 3;

/// See [`crate::EventStore::deletion_record`].
pub(crate) async fn checked_deletion<T: EventTables + ?Sized>(
    tables: &T,
    master: &MasterKey,
    stream_id: &str,
) -> Result<Option<DeletionRecord>> {
    let Some(row) = tables.deletion_row(stream_id).await? else {
        return Ok(None);
    };
    if !SealKey::derive(master).opens_deletion(&row.fields(), &row.seal) {
        return Err(integrity(
            stream_id,
            row.last_seq,
            IntegrityProblem::ForgedDeletion,
        ));
    }
    deletion_record(row).map(Some)
}

fn deletion_record(row: DeletionRow) -> Result<DeletionRecord> {
    let unknown_reason = || {
        StoreError::Database(sqlx::Error::Decode(
            format!("stream {} has an unknown deletion reason", row.stream_id).into(),
        ))
    };
    Ok(DeletionRecord {
        last_hash: hash_of(&row.last_hash, &row.stream_id, row.last_seq)?,
        last_seq: u64::try_from(row.last_seq).unwrap_or_default(),
        deleted_at: from_micros(row.deleted_at)?,
        reason: DeletionReason::parse(&row.reason).ok_or_else(unknown_reason)?,
        stream_id: row.stream_id,
    })
}

/// `verify`'s second pass: every deletion record, a page at a time, must
/// carry a seal this master key made, and its stream no rows.
async fn verify_deletions<T: EventTables + ?Sized>(
    tables: &T,
    master: &MasterKey,
    report: &mut VerifyReport,
) -> Result<()> {
    let seal_key = SealKey::derive(master);
    let mut after: Option<String> = None;
    loop {
        let page = tables
            .deletion_rows_after(after.as_deref(), STREAM_PAGE)
            .await?;
        let Some(last) = page.last() else {
            return Ok(());
        };
        after = Some(last.stream_id.clone());
        for row in page {
            report.deleted_streams += 1;
            let forged = !seal_key.opens_deletion(&row.fields(), &row.seal);
            if forged || tables.head_row(&row.stream_id).await?.is_some() {
                report.first_break = Some(ChainBreak::new(
                    &row.stream_id,
                    row.last_seq,
                    IntegrityProblem::ForgedDeletion,
                ));
                return Ok(());
            }
        }
    }
}

/// See [`crate::seal_streams`].
pub(crate) async fn seal_unsealed<T: EventTables + ?Sized>(
    tables: &T,
    master: &MasterKey,
) -> Result<SealReport> {
    let seal_key = SealKey::derive(master);
    let mut report = SealReport::default();
    let mut pages = StreamPages::default();
    while let Some(stream_ids) = pages.next(tables).await? {
        for stream_id in stream_ids {
            if tables.seal_row(&stream_id).await?.is_some() {
                report.already_sealed += 1;
            } else {
                match unsealed_head(tables, master, &stream_id).await? {
                    Ok((seq, hash)) => {
                        tables
                            .insert_seal(&seal_key.seal(&stream_id, seq, &hash))
                            .await?;
                        report.sealed += 1;
                    }
                    Err(found) => {
                        report
                            .refused
                            .push(ChainBreak::new(&stream_id, found.seq, found.problem))
                    }
                }
            }
        }
    }
    Ok(report)
}

/// The head of a stream that has no seal yet, when every event checks out
/// and is of format 1; otherwise the first reason not to seal it.
async fn unsealed_head<T: EventTables + ?Sized>(
    tables: &T,
    master: &MasterKey,
    stream_id: &str,
) -> Result<Result<(i64, Vec<u8>), Break>> {
    walk(
        tables,
        master,
        stream_id,
        StreamVerifier::default(),
        (VERIFY_PAGE, SealRule::Ignored),
        |row, payload| {
            if row.format != FORMAT_STREAM_SEQ {
                // Written by a version that seals: its seal was removed.
                return Err(Break::at(row.seq, IntegrityProblem::Unsealed));
            }
            match payload {
                Some(_) => Ok(()),
                None => Err(Break::at(row.seq, IntegrityProblem::UnprovenRedaction)),
            }
        },
    )
    .await
}

/// Re-wraps every data key under `new`, re-seals every head under the seal
/// key of `new`, and replaces the key check, in one transaction. The
/// ciphertexts, and so the chains, do not change. A seal that does not
/// open under `old` stops the rotation: re-sealing it would bless damage.
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
    let resealed = reseal_all(tables, old, new).await?;
    if tables
        .replace_wrapped_keys(&rewrapped, &resealed, &crypto::key_check(new))
        .await?
    {
        Ok(rewrapped.len() as u64)
    } else {
        Err(StoreError::WrongMasterKey(
            "streams were added or written while the key was being changed; \
             stop Kintsugi and run the rotation again"
                .into(),
        ))
    }
}

/// Every seal, checked under `old`, with its replacement under `new`.
async fn reseal_all<T: EventTables + ?Sized>(
    tables: &T,
    old: &MasterKey,
    new: &MasterKey,
) -> Result<Vec<(Vec<u8>, SealRow)>> {
    let (old_key, new_key) = (SealKey::derive(old), SealKey::derive(new));
    let mut resealed = Vec::new();
    for seal in tables.all_seals().await? {
        let hash = tables
            .hash_at(&seal.stream_id, seal.seq)
            .await?
            .unwrap_or_default();
        if !old_key.opens(&seal.stream_id, seal.seq, &hash, &seal.seal) {
            return Err(integrity(
                &seal.stream_id,
                seal.seq,
                IntegrityProblem::SealMismatch,
            ));
        }
        let fresh = new_key.seal(&seal.stream_id, seal.seq, &hash);
        resealed.push((seal.seal, fresh));
    }
    Ok(resealed)
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
) -> Result<Arc<DataKey>> {
    if let Some(key) = known_data_key(tables, stream_id) {
        return Ok(key);
    }
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
    unwrap_data_key(tables, master, stream_id, &wrapped).ok_or_else(|| {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{EventStore, NewEvent};

    /// A stream as a version before seals wrote it: format 1, no seal.
    async fn legacy_stream<T: EventTables>(tables: &T, master: &MasterKey, stream_id: &str) {
        let data_key = DataKey::generate();
        tables
            .insert_wrapped_key(stream_id, &data_key.wrap(master, stream_id), 1)
            .await
            .unwrap();
        let mut prev_hash = GENESIS_PREV_HASH.to_vec();
        let mut rows = Vec::new();
        for seq in 1..=3 {
            let ciphertext = data_key.seal_payload(stream_id, seq as u64, b"older");
            let mut row = EventRow {
                stream_id: stream_id.to_string(),
                seq,
                prev_hash: prev_hash.clone(),
                hash: Vec::new(),
                author: "ana".into(),
                kind: "note".into(),
                created_at: 1_700_000_000_000_000 + seq,
                payload_hash: sha256(&ciphertext).to_vec(),
                payload_ciphertext: Some(ciphertext),
                format: FORMAT_STREAM_SEQ,
            };
            row.hash = row.header().hash().unwrap().to_vec();
            prev_hash.clone_from(&row.hash);
            rows.push(row);
        }
        let inserted = tables
            .insert_commit(CommitRows {
                rows: &rows,
                ..CommitRows::default()
            })
            .await
            .unwrap();
        assert_eq!(inserted, Inserted::Everything);
    }

    /// A new SQLite store (in the directory given back with it) holding one
    /// legacy stream, `couple:old`.
    async fn store_with_legacy_stream() -> (tempfile::TempDir, crate::sqlite::SqliteStore, MasterKey)
    {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("k.db").display());
        let master = MasterKey::generate();
        let store = crate::sqlite::open(&url, master.clone(), crate::sqlite::Heads::OfThisProcess)
            .await
            .unwrap();
        legacy_stream(&store, &master, "couple:old").await;
        (dir, store, master)
    }

    #[tokio::test]
    async fn migrate_seals_an_older_stream_which_then_reads_and_grows() {
        let (_dir, store, master) = store_with_legacy_stream().await;
        assert!(matches!(
            store.read("couple:old", 0).await,
            Err(StoreError::Integrity {
                seq: 3,
                problem: IntegrityProblem::Unsealed,
                ..
            })
        ));

        let report = seal_unsealed(&store, &master).await.unwrap();

        assert_eq!((report.sealed, report.already_sealed), (1, 0));
        assert!(report.refused.is_empty());
        let events = store.read("couple:old", 0).await.unwrap();
        assert_eq!(events.len(), 3);
        assert_eq!(events[2].payload.as_deref(), Some(&b"older"[..]));
        let new = NewEvent {
            author: "ben".into(),
            kind: "note".into(),
            payload: b"newer".to_vec(),
        };
        store.append("couple:old", 3, vec![new]).await.unwrap();
        assert_eq!(store.verify().await.unwrap().first_break, None);
        let again = seal_unsealed(&store, &master).await.unwrap();
        assert_eq!((again.sealed, again.already_sealed), (0, 1));
    }

    #[tokio::test]
    async fn migrate_leaves_a_damaged_older_stream_unsealed() {
        let (_dir, store, master) = store_with_legacy_stream().await;
        store
            .writer()
            .execute("DELETE FROM events WHERE seq = 2", &[])
            .await
            .unwrap();

        let report = seal_unsealed(&store, &master).await.unwrap();

        assert_eq!(report.sealed, 0);
        assert_eq!(
            report.refused,
            vec![ChainBreak::new(
                "couple:old",
                2,
                IntegrityProblem::MissingEvent
            )]
        );
        assert!(store.seal_row("couple:old").await.unwrap().is_none());
    }
}
