//! Kintsugi's persistence. The `Store` trait is the one door to the database;
//! SQLite and PostgreSQL sit behind it. It is made of rooms: [`EventStore`]
//! (the record, and [`EventStore::commit`], everything one action writes in
//! one transaction with its submission key), [`Accounts`], [`Sessions`],
//! [`Couples`] and [`Operations`].
//!
//! Written once for both backends: the hash chain (`chain`), encryption at
//! rest (`crypto`), the head seal (`seal`), the one walk that judges a
//! stream for `read`, `head`, `verify` and sealing (`integrity`), the record
//! on top of them (`record`), the app's encrypted state snapshots
//! (`snapshots`), every query (`sql_store`, with `$N` placeholders, on the
//! primitives of `sql`) and the row mapping (`rows`). `sqlite.rs` and
//! `postgres.rs` keep only what differs: connections, how a write
//! transaction starts, the lock for a key rotation, backup, migrations.
//!
//! - [`open`] connects to `sqlite://PATH` or `postgres://…`, brings the
//!   schema up to date and checks the master key. [`migrate`] only does the
//!   schema (for `kintsugi migrate`); `open` never needs it run first.
//! - [`Operations::backup`] writes a consistent copy, always as a Kintsugi SQLite
//!   file; [`restore`] loads such a file into a new, empty database of either
//!   kind.
//! - [`rotate_master_key`] re-wraps every data key under a new master key.
//!
//! Timestamps are kept to the microsecond; finer digits are dropped.

use async_trait::async_trait;
use std::path::Path;
use std::sync::Arc;
use thiserror::Error;
use time::OffsetDateTime;
use uuid::Uuid;

mod chain;
mod crypto;
mod endings;
mod group_commit;
mod integrity;
mod key;
mod known;
mod postgres;
mod record;
mod rows;
mod seal;
mod snapshots;
mod sql;
mod sql_store;
mod sqlite;
mod tables;
mod timestamp;

#[cfg(feature = "testing")]
pub mod testing;

pub use chain::GENESIS_PREV_HASH;
pub use endings::{SpaceEnding, SpaceEndings};
pub use key::{MasterKey, MASTER_KEY_LEN};

use sql_store::OpenStore;

pub type Hash = [u8; 32];

/// An event to append. `payload` is plaintext: the store encrypts it.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub author: String,
    pub kind: String,
    pub payload: Vec<u8>,
}

/// An event read back, decrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    pub stream_id: String,
    pub seq: u64,
    pub prev_hash: Hash,
    pub hash: Hash,
    pub author: String,
    pub kind: String,
    pub created_at: OffsetDateTime,
    /// `None` once redacted: the ciphertext is gone, the payload hash stays.
    pub payload: Option<Vec<u8>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainHead {
    pub seq: u64,
    pub hash: Hash,
}

/// What is wrong with a stream at a `seq`: the kinds of damage the record
/// can see. Each names what was found, never what a payload says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntegrityProblem {
    /// A `seq` is missing: the rows skip it or stop before it.
    MissingEvent,
    /// `prev_hash` is not the hash of the event before.
    BrokenLink,
    /// The stored hash is not the hash of the event's header.
    HeaderHashMismatch,
    /// `payload_hash` is malformed or not the hash of the ciphertext.
    PayloadHashMismatch,
    /// The event names a format this version does not know.
    UnknownFormat,
    /// The payload does not decrypt: it, or a header field it is bound to,
    /// was changed or moved.
    Undecryptable,
    /// The stream's data key is missing or does not open.
    DataKey,
    /// The stream has events and no seal.
    Unsealed,
    /// The seal does not match the stream's head, or events follow it.
    SealMismatch,
    /// The seal names a later head than the rows reach: events were cut off
    /// the end, or the whole stream was deleted.
    CutOff,
    /// A payload is missing and no later event by its author redacts it.
    UnprovenRedaction,
    /// The payload decrypts but is no event this version knows.
    Undecodable,
    /// A partner's witness saw the stream at a head it no longer reaches,
    /// or at another event there: the stream was put back to an older copy
    /// (rows and seal together) or deleted.
    BehindWitness,
    /// A deletion record's seal does not open: the record was not written
    /// by a store holding this master key.
    ForgedDeletion,
}

impl std::fmt::Display for IntegrityProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            IntegrityProblem::MissingEvent => "an event is missing or out of place",
            IntegrityProblem::BrokenLink => "prev_hash does not match the hash of the event before",
            IntegrityProblem::HeaderHashMismatch => {
                "the stored hash does not match the event's header"
            }
            IntegrityProblem::PayloadHashMismatch => {
                "payload_hash does not match the stored ciphertext"
            }
            IntegrityProblem::UnknownFormat => "the event's format is unknown to this version",
            IntegrityProblem::Undecryptable => {
                "the payload does not decrypt: it or its header was changed"
            }
            IntegrityProblem::DataKey => "the stream's data key is missing or does not open",
            IntegrityProblem::Unsealed => {
                "the stream has no seal (run `kintsugi migrate` after an upgrade)"
            }
            IntegrityProblem::SealMismatch => "the seal does not match the stream's head",
            IntegrityProblem::CutOff => {
                "the seal names events that are gone: the stream was cut off or deleted"
            }
            IntegrityProblem::UnprovenRedaction => {
                "a payload is missing and no redaction by its author names it"
            }
            IntegrityProblem::Undecodable => "the payload is not an event this version knows",
            IntegrityProblem::BehindWitness => {
                "the stream is behind, or missing under, what a partner last saw: \
                 it was rolled back or deleted"
            }
            IntegrityProblem::ForgedDeletion => {
                "a deletion record's seal does not match: it was not written by Kintsugi"
            }
        })
    }
}

/// The first break `verify` found, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    pub stream_id: String,
    pub seq: u64,
    pub problem: IntegrityProblem,
    /// `problem`, in words.
    pub reason: String,
}

impl ChainBreak {
    pub(crate) fn new(stream_id: &str, seq: i64, problem: IntegrityProblem) -> ChainBreak {
        ChainBreak {
            stream_id: stream_id.to_string(),
            seq: u64::try_from(seq).unwrap_or_default(),
            problem,
            reason: problem.to_string(),
        }
    }

    /// The same break as an error, for a read that must not serve it.
    pub fn into_error(self) -> StoreError {
        StoreError::Integrity {
            stream_id: self.stream_id,
            seq: self.seq,
            problem: self.problem,
        }
    }
}

/// What a decoder makes of one decrypted payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decoded {
    /// An event this version knows; `redacts` is the `seq` of an earlier
    /// event of the same stream that it redacts, if it is a redaction.
    Known {
        redacts: Option<u64>,
    },
    /// A known event that records another stream's head as someone saw it.
    Witness(Witness),
    Unknown,
}

/// A stream's head as someone saw it (its `seq` and the hash of the event
/// there), kept in another stream: a stream rolled back with its seal, or
/// deleted with it, no longer reaches it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Witness {
    pub stream_id: String,
    pub seq: u64,
    pub hash: Hash,
}

/// Turns payloads into events for [`EventStore::verify_with`]: the store
/// cannot read payloads itself, so the caller (the `kintsugi` binary, with
/// the domain's event types) says what each one is.
pub trait PayloadDecoder: Send + Sync {
    fn decode(&self, stream_id: &str, kind: &str, payload: &[u8]) -> Decoded;
}

/// Counts every payload that decrypts as a known event that redacts
/// nothing: the store's own check, without the domain. Under it a missing
/// ciphertext is never proven.
pub struct OpaquePayloads;

impl PayloadDecoder for OpaquePayloads {
    fn decode(&self, _stream_id: &str, _kind: &str, _payload: &[u8]) -> Decoded {
        Decoded::Known { redacts: None }
    }
}

/// What [`seal_streams`] did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SealReport {
    /// Streams that had no seal, passed every check and are sealed now.
    pub sealed: u64,
    /// Streams that had a seal already (left as they are).
    pub already_sealed: u64,
    /// Streams left unsealed, each with its first problem.
    pub refused: Vec<ChainBreak>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VerifyReport {
    pub streams: u64,
    pub events: u64,
    /// Destroyed streams whose sealed deletion record was checked.
    pub deleted_streams: u64,
    pub first_break: Option<ChainBreak>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub id: Uuid,
    /// Normalised (trimmed, lower-case).
    pub email: String,
    pub password_hash: String,
    pub created_at: OffsetDateTime,
    /// Recovery codes are shown once, at the first sign-in after registration.
    pub recovery_codes_shown: bool,
}

/// Failed sign-in attempts counted under one key (a hash of an email and a
/// client), within the counting window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailedAttempts {
    pub failures: u32,
    pub last_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub id: Uuid,
    pub user_id: Uuid,
    /// SHA-256 of the cookie token; the token itself is never stored.
    pub token_hash: Hash,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    /// A coarse description such as "Firefox on Android", for the person's
    /// own list of sessions.
    pub device: String,
}

/// One stream's part of a [`EventStore::commit`].
#[derive(Debug, Clone)]
pub struct StreamAppend {
    pub stream_id: String,
    /// The stream's head as the caller last saw it; 0 for a new stream.
    pub expected_seq: u64,
    pub events: Vec<NewEvent>,
    /// Earlier events of this stream, by `seq`, whose ciphertext this
    /// append removes in the same transaction (an author withdrawing an
    /// entry). Each must exist, still hold its ciphertext and be by the
    /// author of every event appended here, or nothing is written
    /// (`NotRedactable`).
    pub redacts: Vec<u64>,
}

impl StreamAppend {
    /// An append that redacts nothing.
    pub fn new(stream_id: impl Into<String>, expected_seq: u64, events: Vec<NewEvent>) -> Self {
        StreamAppend {
            stream_id: stream_id.into(),
            expected_seq,
            events,
            redacts: Vec::new(),
        }
    }
}

/// A stream's state as of `seq`, as the app serialised it: the store keeps
/// it encrypted under the stream's data key like a payload and never reads
/// it. See [`EventStore::save_snapshot`].
#[derive(Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// The last event folded into the state.
    pub seq: u64,
    /// The shape of `state`'s bytes, as the app names it: a snapshot is
    /// only ever handed back to a reader asking for the same format.
    pub format: u32,
    /// The hash of the stream's event at `seq`.
    pub head: Hash,
    pub state: Vec<u8>,
}

impl std::fmt::Debug for Snapshot {
    /// Where it stands and how big it is, never what it holds.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Snapshot")
            .field("seq", &self.seq)
            .field("format", &self.format)
            .field("bytes", &self.state.len())
            .finish_non_exhaustive()
    }
}

/// Why a stream was destroyed, kept in its deletion record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeletionReason {
    /// Its owner deleted their account (a private stream).
    AccountDeleted,
    /// The shared space ended and its separation window passed.
    SpaceEnded,
}

impl DeletionReason {
    pub fn as_str(self) -> &'static str {
        match self {
            DeletionReason::AccountDeleted => "account-deleted",
            DeletionReason::SpaceEnded => "space-ended",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<DeletionReason> {
        [DeletionReason::AccountDeleted, DeletionReason::SpaceEnded]
            .into_iter()
            .find(|reason| reason.as_str() == text)
    }
}

/// What a destroyed stream leaves behind: which stream, its head when it
/// was destroyed (`last_seq` 0 for a stream that never had an event), when
/// and why. Sealed under the master key, so `verify` and witnesses can
/// tell it from rows someone removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeletionRecord {
    pub stream_id: String,
    pub last_seq: u64,
    pub last_hash: Hash,
    pub deleted_at: OffsetDateTime,
    pub reason: DeletionReason,
}

/// A submission key to use up with a commit. Only hashes: the key itself,
/// the route and the body never reach the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewSubmission {
    pub user_id: Uuid,
    pub key_hash: Hash,
    /// A hash of what was submitted (route and body), to tell a replay of
    /// the same request from another request under the same key.
    pub request_hash: Hash,
}

/// What a used submission key left behind: who, which key, which request,
/// and where its first event landed. Nothing about the content or its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmissionRecord {
    pub user_id: Uuid,
    pub key_hash: Hash,
    pub request_hash: Hash,
    /// The stream and `seq` of the first event the commit wrote.
    pub stream_id: String,
    pub seq: u64,
    pub created_at: OffsetDateTime,
}

/// How long a submission key stays used; after that it is treated as
/// absent and its row is purged by a later commit of the same person.
pub const SUBMISSION_LIFETIME: time::Duration = time::Duration::hours(24);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteRecord {
    pub token_hash: Hash,
    pub couple_id: Uuid,
    pub created_by: Uuid,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub used_at: Option<OffsetDateTime>,
    pub used_by: Option<Uuid>,
    /// When the invited person said no; the link works no more. Who said
    /// it, and why, is not kept.
    pub declined_at: Option<OffsetDateTime>,
}

/// A person becoming one of the two partners of a couple space, written
/// by [`EventStore::commit_with_member`] together with the events that
/// record it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewMember {
    pub couple_id: Uuid,
    pub user_id: Uuid,
    pub at: OffsetDateTime,
    /// The invitation they join through, used up in the same transaction;
    /// `None` for the person who creates the space.
    pub invite: Option<Hash>,
}

/// A partner's one-time link to their therapist proposal, kept by hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TherapistInviteRecord {
    pub token_hash: Hash,
    pub couple_id: Uuid,
    /// The proposal's entry in the couple's record (its `seq`).
    pub proposal: u64,
    pub created_by: Uuid,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub used_at: Option<OffsetDateTime>,
    pub used_by: Option<Uuid>,
}

/// A couple a therapist serves, through which proposal, since when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TherapistLink {
    pub therapist_id: Uuid,
    pub couple_id: Uuid,
    pub proposal: u64,
    pub since: OffsetDateTime,
}

/// A therapist accepting a couple's invitation, written by
/// [`EventStore::commit_at`] with the acceptance in the couple's record:
/// the link's use and the therapist's row land with it or not at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewTherapistLink {
    pub link: TherapistLink,
    /// The one-time link they accept through, used up in the same
    /// transaction.
    pub invite: Hash,
}

/// Who a commit makes part of a couple's record besides its events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Joining {
    /// One of the two partners (see [`EventStore::commit_with_member`]).
    Partner(NewMember),
    /// The couple's therapist: `InviteGone` when the link is unknown, of
    /// another space or proposal, used or expired.
    Therapist(NewTherapistLink),
    /// The space's ending (see [`SpaceEndings`]), with its "ended" event.
    Ending(SpaceEnding),
}

#[derive(Debug, Error)]
pub enum StoreError {
    /// Someone appended to the stream first; re-read and decide again.
    #[error("stream {stream_id} moved on: expected seq {expected}, found {actual}")]
    Conflict {
        stream_id: String,
        expected: u64,
        actual: u64,
    },
    /// This user used the submission key already (within its lifetime);
    /// here is what it wrote. Nothing was written this time.
    #[error("this submission key was used already")]
    SubmissionUsed(Box<SubmissionRecord>),
    #[error("that email address is already registered")]
    EmailTaken,
    #[error("this person already belongs to a couple space")]
    AlreadyInCouple,
    /// A redaction named an event that does not exist, comes at or after
    /// the append, has no ciphertext left, or has another author; nothing
    /// was written.
    #[error("stream {stream_id} has no event at seq {seq} that this append may redact")]
    NotRedactable { stream_id: String, seq: u64 },
    /// The space has its two partners already; nothing was written.
    #[error("this couple space has both its partners already")]
    SpaceFull,
    /// The invitation is unknown, used, declined, expired or of another
    /// space; nothing was written.
    #[error("this invitation can no longer be used")]
    InviteGone,
    #[error("the master key does not open this database: {0}")]
    WrongMasterKey(String),
    #[error("the master key is not valid: {0}")]
    InvalidKey(String),
    /// The stream failed its check: nothing of it is served. `kintsugi
    /// verify` names the same `seq` and problem.
    #[error("stream {stream_id} did not pass its integrity check at seq {seq}: {problem}")]
    Integrity {
        stream_id: String,
        seq: u64,
        problem: IntegrityProblem,
    },
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    #[error("the key file {path}: {message}")]
    KeyFile { path: String, message: String },
    #[error("the backup file {path}: {message}")]
    Backup { path: String, message: String },
    /// The transaction that carried this action, with others (SQLite's
    /// group commit), did not commit: nothing of it was written.
    #[error("the commit did not complete, nothing was written: {0}")]
    CommitFailed(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("io error: {0}")]
    Io(#[from] std::io::Error),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The whole store: every room below, behind one `Arc<dyn Store>`. Any type
/// that has every room is a `Store`.
pub trait Store:
    EventStore + Accounts + Sessions + Couples + Therapists + Reminders + SpaceEndings + Operations
{
}

impl<
        T: EventStore
            + Accounts
            + Sessions
            + Couples
            + Therapists
            + Reminders
            + SpaceEndings
            + Operations
            + ?Sized,
    > Store for T
{
}

/// The record: hash-chained, encrypted streams of events.
#[async_trait]
pub trait EventStore: Send + Sync {
    /// Everything one action writes, in ONE transaction: every stream append
    /// (each after its own `expected_seq`, 0 for a new stream) and, when
    /// given, the submission key's row. All of it lands, or none of it:
    ///
    /// - `Conflict` naming the first stream whose head is not its
    ///   `expected_seq` (a writer won a race); nothing is written anywhere.
    /// - `SubmissionUsed` with the row the key wrote first, when this user
    ///   used the key within the last 24 hours; nothing is written, and the
    ///   caller compares request hashes to tell a replay from an edit.
    ///
    /// - `CommitFailed` when SQLite's group commit could not commit the
    ///   transaction this action shared with others; nothing is written.
    ///
    /// On SQLite the transaction may carry other requests' actions too
    /// (group commit), each under its own savepoint: whatever the others
    /// do, this one lands whole or not at all, and `commit` returns only
    /// once it is durable.
    ///
    /// A key is used up only by a commit that writes at least one event: a
    /// commit with no events writes nothing, not even the key. Returns the
    /// events written, one list per append, in the order given.
    async fn commit(
        &self,
        appends: Vec<StreamAppend>,
        submission: Option<NewSubmission>,
    ) -> Result<Vec<Vec<StoredEvent>>> {
        self.commit_with_member(appends, submission, None).await
    }

    /// [`EventStore::commit`], and in the same transaction, when `member`
    /// is given, that person's membership of the space: the row that says
    /// they belong to it and, when they join through an invitation, that
    /// invitation's use. Creating a space and joining one are such commits,
    /// so no membership exists without the events that record it, and no
    /// event without its membership. Refused with nothing written:
    ///
    /// - `AlreadyInCouple` when the person belongs to a space already;
    /// - `SpaceFull` when the space has two partners (the database holds
    ///   each space to two places, so two joins at once never make three);
    /// - `InviteGone` when the invitation is unknown, of another space,
    ///   used, declined or expired at `member.at`.
    ///
    /// A commit with a member and no events writes the membership alone.
    async fn commit_with_member(
        &self,
        appends: Vec<StreamAppend>,
        submission: Option<NewSubmission>,
        member: Option<NewMember>,
    ) -> Result<Vec<Vec<StoredEvent>>> {
        let now = OffsetDateTime::now_utc();
        self.commit_at(appends, submission, member.map(Joining::Partner), now)
            .await
    }

    /// [`EventStore::commit_with_member`] at the instant `at` of the
    /// caller's clock: the events' `created_at` and the submission key's
    /// time. The app passes its injected clock, so its tests can move time
    /// and what they write carries the time they moved to. `joining` is a
    /// partner's membership or a therapist's link, written in the same
    /// transaction.
    async fn commit_at(
        &self,
        appends: Vec<StreamAppend>,
        submission: Option<NewSubmission>,
        joining: Option<Joining>,
        at: OffsetDateTime,
    ) -> Result<Vec<Vec<StoredEvent>>>;

    /// One stream's append: `commit` with one append and no submission key.
    async fn append(
        &self,
        stream_id: &str,
        expected_seq: u64,
        events: Vec<NewEvent>,
    ) -> Result<Vec<StoredEvent>> {
        let append = StreamAppend::new(stream_id, expected_seq, events);
        let mut written = self.commit(vec![append], None).await?;
        Ok(written.pop().unwrap_or_default())
    }

    /// Appends events that carry the times given instead of the moment of
    /// appending, for tools that build a history (the benchmarks); the app
    /// always uses `commit`. Written, encrypted and sealed exactly as
    /// `commit` writes them: the record shows no difference.
    async fn append_dated(
        &self,
        stream_id: &str,
        expected_seq: u64,
        events: Vec<(NewEvent, OffsetDateTime)>,
    ) -> Result<Vec<StoredEvent>>;

    /// The row a submission key wrote, unless it is unknown or older than
    /// [`SUBMISSION_LIFETIME`].
    async fn submission(&self, user_id: Uuid, key_hash: &Hash) -> Result<Option<SubmissionRecord>>;

    /// Forgets every submission key older than [`SUBMISSION_LIFETIME`] at
    /// `now`, and says how many.
    async fn forget_expired_submissions(&self, now: OffsetDateTime) -> Result<u64>;

    /// Events with `seq > after_seq`, in order, decrypted. The rows read
    /// are checked as they are served: their chain from the event at
    /// `after_seq`, every payload's AEAD tag, and the stream's seal against
    /// its head. Any failure is `Integrity` and no row is served; a missing
    /// ciphertext counts as a failure too (no redaction is provable here).
    async fn read(&self, stream_id: &str, after_seq: u64) -> Result<Vec<StoredEvent>>;

    /// [`EventStore::read`] a page at a time, for a reader whose memory
    /// must not grow with the stream (the export): up to `limit` events
    /// with `seq > after_seq` (a few more only when an append lands during
    /// the read), checked the same way from the event at `after_seq`; the
    /// seal is judged when the page reaches the head. Empty past the head.
    async fn read_page(
        &self,
        stream_id: &str,
        after_seq: u64,
        limit: u32,
    ) -> Result<Vec<StoredEvent>>;

    /// The stream's head, after checking its seal; `Integrity` if they
    /// disagree.
    async fn head(&self, stream_id: &str) -> Result<Option<ChainHead>>;

    /// Whether the stream still holds the event a witness saw at its head:
    /// `Integrity` with `BehindWitness` at the witnessed `seq` when it is
    /// missing (the stream was rolled back or deleted) or another.
    async fn check_witness(&self, witness: &Witness) -> Result<()>;

    /// Destroys a stream for good, in ONE transaction: its data key (so a
    /// copy of a row elsewhere can no longer be opened with this
    /// database's keys), its rows, redaction proofs, seal and submission
    /// rows go, and a sealed deletion record of its head stays. For a couple
    /// stream the space's member rows, invitations, therapist links and
    /// therapist invitations go too. `Ok(None)` when the stream was
    /// destroyed already (another instance got there first) or is unknown:
    /// whoever calls it, it happens at most once.
    async fn destroy_stream(
        &self,
        stream_id: &str,
        reason: DeletionReason,
        at: OffsetDateTime,
    ) -> Result<Option<DeletionRecord>>;

    /// The deletion record a destroyed stream left, once its seal is
    /// checked (`Integrity` with `ForgedDeletion` when it does not open).
    async fn deletion_record(&self, stream_id: &str) -> Result<Option<DeletionRecord>>;

    /// Keeps `snapshot` as the stream's one snapshot (replacing any
    /// before), encrypted under the stream's data key with the stream,
    /// `seq`, head and format bound as associated data. Written only while
    /// the snapshot's `seq` and head are still the stream's head, holding
    /// the stream's seal as an append does: `Ok(false)`, with nothing
    /// written, when the stream moved on (so a withdrawal committed
    /// meanwhile can never be followed by a snapshot that still holds what
    /// it withdrew), was destroyed, or has no events.
    ///
    /// A snapshot goes with its stream ([`EventStore::destroy_stream`]), and
    /// with any commit that redacts an event at or below its `seq`.
    async fn save_snapshot(&self, stream_id: &str, snapshot: &Snapshot) -> Result<bool>;

    /// The stream's snapshot in `format`, decrypted, when it still stands
    /// on the stream's chain (the event at its `seq` has its head hash).
    /// One of another format, one whose event is gone or different, or one
    /// that does not decrypt is `None`: the caller folds from the events.
    async fn load_snapshot(&self, stream_id: &str, format: u32) -> Result<Option<Snapshot>>;

    /// `verify_with` the store's own check ([`OpaquePayloads`]).
    async fn verify(&self) -> Result<VerifyReport> {
        self.verify_with(&OpaquePayloads).await
    }

    /// Checks every stream, page by page: dense `seq`, `prev_hash` links,
    /// header and payload hashes, every AEAD tag, every payload through
    /// `decoder`, every missing ciphertext against a later redaction by its
    /// author, the seal against the head, and each stream's newest witness
    /// of another stream against that stream. Stops at the first break.
    async fn verify_with(&self, decoder: &dyn PayloadDecoder) -> Result<VerifyReport>;
}

/// People: their accounts and recovery codes.
#[async_trait]
pub trait Accounts: Send + Sync {
    async fn create_user(&self, user: &UserRecord, recovery_code_hashes: &[Hash]) -> Result<()>;
    async fn user_by_email(&self, email: &str) -> Result<Option<UserRecord>>;
    async fn user_by_id(&self, id: Uuid) -> Result<Option<UserRecord>>;
    async fn set_password_hash(&self, user_id: Uuid, password_hash: &str) -> Result<()>;
    /// Deletes a person's account in one transaction: their row and with it
    /// their sessions, recovery codes, devices, settings, reminder choices,
    /// membership of a space, the invitations they made and the couples
    /// they serve as a therapist, and their used submission keys; their
    /// email address can register again. Their private stream is destroyed
    /// apart ([`EventStore::destroy_stream`]). `false` when there was no
    /// such account.
    async fn delete_user(&self, user_id: Uuid) -> Result<bool>;
    async fn mark_recovery_codes_shown(&self, user_id: Uuid) -> Result<()>;
    async fn replace_recovery_codes(&self, user_id: Uuid, code_hashes: &[Hash]) -> Result<()>;
    /// Deletes the code if the user has it; `true` when one was used up.
    async fn consume_recovery_code(&self, user_id: Uuid, code_hash: &Hash) -> Result<bool>;

    /// The failures counted under `key` since `since`; `None` if there are none.
    async fn failed_attempts(
        &self,
        key: &Hash,
        since: OffsetDateTime,
    ) -> Result<Option<FailedAttempts>>;
    /// Counts one more failure under `key` at `at`, starting afresh when the
    /// last one was before `since`; rows older than `since` are swept.
    async fn count_failed_attempt(
        &self,
        key: &Hash,
        at: OffsetDateTime,
        since: OffsetDateTime,
    ) -> Result<FailedAttempts>;
    async fn clear_failed_attempts(&self, key: &Hash) -> Result<()>;
    /// The IANA zone name the person reads dates in (`Europe/Berlin`);
    /// `None` until they choose one. The store keeps the name as given:
    /// the web side checks it against the zone rules.
    async fn time_zone(&self, user_id: Uuid) -> Result<Option<String>>;
    async fn set_time_zone(&self, user_id: Uuid, zone: &str) -> Result<()>;
    /// Remembers a browser `user_id` signed in on, by its device cookie's hash.
    async fn add_device(&self, token_hash: &Hash, user_id: Uuid, at: OffsetDateTime) -> Result<()>;
    /// Whose browser a device cookie names, if anyone's.
    async fn device_owner(&self, token_hash: &Hash) -> Result<Option<Uuid>>;
}

/// Signed-in sessions, kept server-side under the hash of their token.
#[async_trait]
pub trait Sessions: Send + Sync {
    async fn create_session(&self, session: &SessionRecord) -> Result<()>;
    async fn session_by_token_hash(&self, token_hash: &Hash) -> Result<Option<SessionRecord>>;
    async fn touch_session(&self, session_id: Uuid, at: OffsetDateTime) -> Result<()>;
    async fn sessions_of(&self, user_id: Uuid) -> Result<Vec<SessionRecord>>;
    /// Deletes one of the user's sessions; `false` if they have no such session.
    async fn delete_session(&self, user_id: Uuid, session_id: Uuid) -> Result<bool>;
    async fn delete_sessions_of(&self, user_id: Uuid) -> Result<()>;
    /// Deletes every session of the user but `keep` (after a password change).
    async fn delete_other_sessions(&self, user_id: Uuid, keep: Uuid) -> Result<()>;
    /// After how many idle minutes the person's sessions end, when they
    /// chose that (for a shared device); `None` when they did not.
    async fn idle_sign_out(&self, user_id: Uuid) -> Result<Option<u32>>;
    /// Sets, or with `None` clears, the person's idle sign-out.
    async fn set_idle_sign_out(&self, user_id: Uuid, minutes: Option<u32>) -> Result<()>;
}

/// A person who opted into a reminder kind, as the sending task reads it:
/// who, where it goes, their zone, the kind and the minute of their day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChosenReminder {
    pub user_id: Uuid,
    pub email: String,
    /// The IANA zone they chose; `None` for the instance's default.
    pub time_zone: Option<String>,
    /// The kind's stored name (`digest`, `check_in`, `meeting`).
    pub kind: String,
    /// Minutes after their local midnight, 0 to 1439.
    pub at_minute: u32,
}

/// Reminders by email: each person's choices, the one-click unsubscribe
/// links (by hash only), and the claims that let each reminder go out at
/// most once, whatever the number of instances.
#[async_trait]
pub trait Reminders: Send + Sync {
    /// The person's choices: each kind's name and minute of the day.
    async fn reminder_choices(&self, user_id: Uuid) -> Result<Vec<(String, u32)>>;
    /// Opts the person into `kind` at `at_minute`, or with `None` out of it.
    async fn set_reminder_choice(
        &self,
        user_id: Uuid,
        kind: &str,
        at_minute: Option<u32>,
    ) -> Result<()>;
    /// Every choice of every person, for the sending task.
    async fn chosen_reminders(&self) -> Result<Vec<ChosenReminder>>;
    /// Claims (person, occasion) for this instance: `true` when it is
    /// this instance's to decide, `false` when another claimed it first.
    async fn claim_reminder(
        &self,
        user_id: Uuid,
        occasion: &str,
        at: OffsetDateTime,
    ) -> Result<bool>;
    /// Forgets claims made before `claims_before` (no occasion that old can
    /// be decided again) and links made before `links_before`.
    async fn forget_reminders_before(
        &self,
        claims_before: OffsetDateTime,
        links_before: OffsetDateTime,
    ) -> Result<()>;
    /// Keeps an unsubscribe link for `kind`, by its token's hash.
    async fn add_unsubscribe_token(
        &self,
        token_hash: &Hash,
        user_id: Uuid,
        kind: &str,
        at: OffsetDateTime,
    ) -> Result<()>;
    /// Whose choice of which kind a link ends, if it still works.
    async fn unsubscribe_token(&self, token_hash: &Hash) -> Result<Option<(Uuid, String)>>;
    /// Ends the one choice a link names, and every link of that choice;
    /// `None` when the link no longer works. Nothing else is changed.
    async fn unsubscribe(&self, token_hash: &Hash) -> Result<Option<(Uuid, String)>>;
}

/// Who belongs to which couple space, and the invitations to join one.
#[async_trait]
pub trait Couples: Send + Sync {
    /// Records that `user_id` belongs to `couple_id`, without an invitation
    /// or an event, for tools that build a history (the benchmarks); the
    /// app uses [`EventStore::commit_with_member`]. `AlreadyInCouple` if
    /// they belong to a space already (a person has at most one),
    /// `SpaceFull` if it has two partners.
    async fn add_member(&self, couple_id: Uuid, user_id: Uuid, at: OffsetDateTime) -> Result<()>;
    async fn couple_of(&self, user_id: Uuid) -> Result<Option<Uuid>>;
    /// The space's partners, the one who created it first.
    async fn members_of(&self, couple_id: Uuid) -> Result<Vec<Uuid>>;

    /// Stores a new invitation and, in the same transaction, ends every
    /// older unused one of the same space (its expiry becomes the new one's
    /// creation time).
    async fn create_invite(&self, invite: &InviteRecord) -> Result<()>;
    async fn invite_by_token_hash(&self, token_hash: &Hash) -> Result<Option<InviteRecord>>;
    /// The space's newest invitation, used or not, if it has one.
    async fn latest_invite(&self, couple_id: Uuid) -> Result<Option<InviteRecord>>;
    /// Ends the invitation because the invited person said no, only if it
    /// could still be used at `at`: `false` otherwise.
    async fn decline_invite(&self, token_hash: &Hash, at: OffsetDateTime) -> Result<bool>;
}

/// The therapists couples invite: the one-time links partners hand over,
/// and which couples each therapist serves. A therapist is never a member
/// of a space; the couple's record decides what a link still opens.
#[async_trait]
pub trait Therapists: Send + Sync {
    /// Stores a new link and, in the same transaction, ends every older
    /// unused one of the same space.
    async fn create_therapist_invite(&self, invite: &TherapistInviteRecord) -> Result<()>;
    async fn therapist_invite_by_token_hash(
        &self,
        token_hash: &Hash,
    ) -> Result<Option<TherapistInviteRecord>>;
    /// The space's newest link for `proposal`, used or not.
    async fn latest_therapist_invite(
        &self,
        couple_id: Uuid,
        proposal: u64,
    ) -> Result<Option<TherapistInviteRecord>>;
    /// Every couple `therapist_id` serves or served, the newest first.
    async fn couples_of_therapist(&self, therapist_id: Uuid) -> Result<Vec<TherapistLink>>;
    async fn therapist_link(
        &self,
        therapist_id: Uuid,
        couple_id: Uuid,
    ) -> Result<Option<TherapistLink>>;
}

/// What the operator needs: which backend, is it up, a backup.
#[async_trait]
pub trait Operations: Send + Sync {
    /// Which backend this is, for logs and `healthz`.
    fn backend(&self) -> &'static str;

    /// `Ok` when the database answers.
    async fn ping(&self) -> Result<()>;

    /// A consistent copy of everything, taken while the app runs, written to
    /// `path` as a Kintsugi SQLite database (whatever the backend).
    async fn backup(&self, path: &Path) -> Result<()>;

    /// How much the instance holds, in counts only: never content, never
    /// an address, never who.
    async fn counts(&self) -> Result<Counts>;

    /// How the commits since the store opened were grouped into
    /// transactions: counts only.
    fn commit_batches(&self) -> CommitBatches;

    /// `false` when the store is a SQLite file another process holds: two
    /// processes must not serve one file (each would trust the stream
    /// heads it knows). Always `true` on PostgreSQL, made for several.
    fn may_serve(&self) -> bool;
}

/// The upper bounds of [`CommitBatches::at_most`]: actions per batch.
pub const COMMIT_BATCH_BOUNDS: [u64; 7] = [1, 2, 4, 8, 16, 32, 64];

/// How the store's commits were grouped since it opened. On SQLite a batch
/// is one transaction (one fsync) of the group commit; on PostgreSQL every
/// commit is its own (PostgreSQL groups the WAL flushes itself).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommitBatches {
    /// Transactions that wrote at least one action.
    pub batches: u64,
    /// Actions those transactions wrote (`actions / batches` is the mean
    /// batch).
    pub actions: u64,
    /// For each bound of [`COMMIT_BATCH_BOUNDS`], how many batches wrote
    /// at most that many actions (cumulative, as Prometheus counts).
    pub at_most: Vec<(u64, u64)>,
    /// Actions handed to the writer and not yet taken into a batch.
    pub queued: u64,
    /// Actions in the batch being written now.
    pub writing: u64,
}

/// What `kintsugi admin stats` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub people: u64,
    /// Couple spaces with at least one partner.
    pub spaces: u64,
    pub events: u64,
    /// The database's size on disk, as the database reports it.
    pub database_bytes: u64,
}

/// What `restore` loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreReport {
    /// Rows copied, over every table.
    pub rows: u64,
    /// The restored database's chains, verified after loading.
    pub verify: VerifyReport,
}

/// Opens the database at `database_url` (`sqlite://PATH`, created if
/// missing, or `postgres://…` / `postgresql://…`), applies any pending
/// migrations, and checks `key` against the key check stored at the first
/// open: another key fails here with `WrongMasterKey`, not at a later read.
pub async fn open(database_url: &str, key: MasterKey) -> Result<Arc<dyn Store>> {
    let store: Arc<dyn OpenStore> = Arc::from(open_any(database_url, key).await?);
    Ok(store)
}

/// Creates the database if needed and applies pending migrations, without
/// the master key. `open` does this too; this is for `kintsugi migrate`.
pub async fn migrate(database_url: &str) -> Result<()> {
    if postgres::is_postgres_url(database_url) {
        postgres::connect(database_url).await?.close().await;
    } else {
        let path = sqlite::path_from_url(database_url)?;
        sqlite::open_writer(&path).await?.close().await;
    }
    Ok(())
}

/// Loads a backup (the SQLite file `Operations::backup` writes, from either
/// backend) into the database at `database_url`, which must be empty.
/// Before anything is written, the backup's schema must match this version,
/// `key` must open its key check and every data key, and its chains must
/// verify; after loading, the target's chains are verified again.
pub async fn restore(
    backup_path: &Path,
    database_url: &str,
    key: MasterKey,
) -> Result<RestoreReport> {
    let backup_problem = |message: String| StoreError::Backup {
        path: backup_path.display().to_string(),
        message,
    };
    if !backup_path.is_file() {
        return Err(backup_problem("there is no such file".into()));
    }
    let backup = sqlite::open_backup(backup_path, key.clone()).await?;
    let restored = async {
        check_backup(&backup, &backup_problem).await?;
        let target = open_any(database_url, key).await?;
        let loaded = load_backup(target.as_ref(), &backup, &backup_problem).await;
        target.close().await;
        loaded
    }
    .await;
    backup.close().await;
    restored
}

async fn check_backup(
    backup: &sqlite::SqliteStore,
    backup_problem: &impl Fn(String) -> StoreError,
) -> Result<()> {
    use record::EventTables;
    let check = backup.meta(record::KEY_CHECK).await?.ok_or_else(|| {
        backup_problem("it holds no key check, so it is not a Kintsugi backup".into())
    })?;
    if !crypto::key_check_opens(backup.key(), &check) {
        return Err(StoreError::WrongMasterKey(
            "the backup was made with a different master key".into(),
        ));
    }
    record::check_data_keys(backup, backup.key()).await?;
    let report = record::verify(backup, backup.key(), &OpaquePayloads).await?;
    if let Some(found) = report.first_break {
        return Err(backup_problem(format!(
            "stream {} breaks at seq {}: {}; it was not restored",
            found.stream_id, found.seq, found.reason
        )));
    }
    Ok(())
}

async fn load_backup(
    target: &dyn OpenStore,
    backup: &sqlite::SqliteStore,
    backup_problem: &impl Fn(String) -> StoreError,
) -> Result<RestoreReport> {
    if !target.is_empty().await? {
        return Err(backup_problem(
            "the target database is not empty; restore only into a new, empty database".into(),
        ));
    }
    let rows = target.load_from(backup.reader()).await?;
    let verify = target.verify().await?;
    if let Some(found) = &verify.first_break {
        return Err(backup_problem(format!(
            "it was loaded, but the restored chain breaks in stream {} at seq {}: {}",
            found.stream_id, found.seq, found.reason
        )));
    }
    Ok(RestoreReport { rows, verify })
}

/// Seals every stream that has events and no seal yet (a database from
/// before seals), for `kintsugi migrate`. A stream is sealed only when its
/// chain and every payload check out and all its events are of format 1:
/// a stream with a newer event was written by a version that sealed it, so
/// a missing seal there is damage, not age.
pub async fn seal_streams(database_url: &str, key: MasterKey) -> Result<SealReport> {
    let store = open_any(database_url, key.clone()).await?;
    let report = record::seal_unsealed(store.as_ref(), &key).await;
    store.close().await;
    report
}

/// Whether a Kintsugi database already exists at `database_url`, found
/// without creating anything: the SQLite file, or a PostgreSQL database
/// holding a key check. Lets a start refuse to make a new master key for
/// a database that has one.
pub async fn database_exists(database_url: &str) -> Result<bool> {
    if postgres::is_postgres_url(database_url) {
        postgres::has_key_check(database_url).await
    } else {
        let path = sqlite::path_from_url(database_url)?;
        Ok(path.metadata().is_ok_and(|meta| meta.len() > 0))
    }
}

/// Re-wraps every stream's data key under `new`, re-seals every stream's
/// head under the seal key of `new` and stores a key check for it, in one
/// transaction; returns how many data keys were re-wrapped.
/// Payload ciphertexts, and so the chains, are untouched. Run it while
/// Kintsugi is stopped, then start it with the new key.
pub async fn rotate_master_key(
    database_url: &str,
    current: MasterKey,
    new: MasterKey,
) -> Result<u64> {
    let store = open_any(database_url, current.clone()).await?;
    let rotated = record::rewrap_all(store.as_ref(), &current, &new).await;
    store.close().await;
    rotated
}

/// Trims and lower-cases an email address, as the store keeps it.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Opens either backend, by the URL's scheme.
async fn open_any(database_url: &str, key: MasterKey) -> Result<Box<dyn OpenStore>> {
    open_as(database_url, key, sqlite::Heads::OfThisProcess).await
}

/// `open_any`, with the stream heads a SQLite store may trust.
async fn open_as(
    database_url: &str,
    key: MasterKey,
    heads: sqlite::Heads,
) -> Result<Box<dyn OpenStore>> {
    if database_url.starts_with("sqlite://") {
        Ok(Box::new(sqlite::open(database_url, key, heads).await?))
    } else if postgres::is_postgres_url(database_url) {
        Ok(Box::new(postgres::open(database_url, key).await?))
    } else {
        Err(StoreError::UnsupportedUrl(database_url.to_string()))
    }
}

pub(crate) fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(inner) if inner.is_unique_violation())
}

/// `EmailTaken` for a duplicate email; any other error unchanged.
pub(crate) fn email_taken_or(error: sqlx::Error) -> StoreError {
    let on_email = match &error {
        sqlx::Error::Database(inner) if inner.is_unique_violation() => {
            inner.constraint().is_some_and(|c| c.contains("email"))
                || inner.message().contains("email")
        }
        _ => false,
    };
    if on_email {
        StoreError::EmailTaken
    } else {
        error.into()
    }
}

/// Why a membership row was refused: a third place in a space (its
/// `slot` constraints) is `SpaceFull`, a second space for one person (the
/// key on `user_id`) is `AlreadyInCouple`; any other error unchanged.
pub(crate) fn membership_refused_or(error: sqlx::Error) -> StoreError {
    let sqlx::Error::Database(inner) = &error else {
        return error.into();
    };
    let on_slot =
        inner.constraint().is_some_and(|c| c.contains("slot")) || inner.message().contains("slot");
    if inner.is_check_violation() || (inner.is_unique_violation() && on_slot) {
        StoreError::SpaceFull
    } else if inner.is_unique_violation() {
        StoreError::AlreadyInCouple
    } else {
        error.into()
    }
}

/// A 32-byte hash column, read back.
pub(crate) fn hash_column(bytes: Vec<u8>) -> Result<Hash> {
    Hash::try_from(bytes.as_slice()).map_err(|_| {
        StoreError::Database(sqlx::Error::Decode(
            format!("a stored hash is {} bytes, not 32", bytes.len()).into(),
        ))
    })
}
