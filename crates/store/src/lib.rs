//! Kintsugi's persistence. The `Store` trait is the one door to the database;
//! SQLite and PostgreSQL sit behind it. The hash chain and encryption at rest
//! are written once, above the backends, so both behave the same.

use async_trait::async_trait;
use std::path::Path;
use thiserror::Error;
use time::OffsetDateTime;
use uuid::Uuid;

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

/// The first break `verify` found, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    pub stream_id: String,
    pub seq: u64,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VerifyReport {
    pub streams: u64,
    pub events: u64,
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteRecord {
    pub token_hash: Hash,
    pub couple_id: Uuid,
    pub created_by: Uuid,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub used_at: Option<OffsetDateTime>,
    pub used_by: Option<Uuid>,
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
    #[error("that email address is already registered")]
    EmailTaken,
    #[error("this person already belongs to a couple space")]
    AlreadyInCouple,
    #[error("the master key does not open this database: {0}")]
    WrongMasterKey(String),
    #[error("a payload could not be decrypted in stream {stream_id} at seq {seq}")]
    Decrypt { stream_id: String, seq: u64 },
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    #[error("the key file {path}: {message}")]
    KeyFile { path: String, message: String },
    #[error("the backup file {path}: {message}")]
    Backup { path: String, message: String },
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("io error: {0}")]
    Io(#[from] std::io::Error),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[async_trait]
pub trait Store: Send + Sync {
    /// Which backend this is, for logs and `healthz`.
    fn backend(&self) -> &'static str;

    /// `Ok` when the database answers.
    async fn ping(&self) -> Result<()>;

    // ---- the record -------------------------------------------------------

    /// Appends `events` after `expected_seq` (0 for a new stream), atomically:
    /// all or none. Fails with `Conflict` if the stream's head is not
    /// `expected_seq`, including when another writer won a race.
    async fn append(
        &self,
        stream_id: &str,
        expected_seq: u64,
        events: Vec<NewEvent>,
    ) -> Result<Vec<StoredEvent>>;

    /// Events with `seq > after_seq`, in order, decrypted.
    async fn read(&self, stream_id: &str, after_seq: u64) -> Result<Vec<StoredEvent>>;

    async fn head(&self, stream_id: &str) -> Result<Option<ChainHead>>;

    /// Checks every stream: dense `seq`, `prev_hash` links, header hashes and
    /// payload hashes. Stops at the first break.
    async fn verify(&self) -> Result<VerifyReport>;

    // ---- accounts ---------------------------------------------------------

    async fn create_user(&self, user: &UserRecord, recovery_code_hashes: &[Hash]) -> Result<()>;
    async fn user_by_email(&self, email: &str) -> Result<Option<UserRecord>>;
    async fn user_by_id(&self, id: Uuid) -> Result<Option<UserRecord>>;
    async fn set_password_hash(&self, user_id: Uuid, password_hash: &str) -> Result<()>;
    async fn mark_recovery_codes_shown(&self, user_id: Uuid) -> Result<()>;
    async fn replace_recovery_codes(&self, user_id: Uuid, code_hashes: &[Hash]) -> Result<()>;
    /// Deletes the code if the user has it; `true` when one was used up.
    async fn consume_recovery_code(&self, user_id: Uuid, code_hash: &Hash) -> Result<bool>;

    // ---- sessions ---------------------------------------------------------

    async fn create_session(&self, session: &SessionRecord) -> Result<()>;
    async fn session_by_token_hash(&self, token_hash: &Hash) -> Result<Option<SessionRecord>>;
    async fn touch_session(&self, session_id: Uuid, at: OffsetDateTime) -> Result<()>;
    async fn sessions_of(&self, user_id: Uuid) -> Result<Vec<SessionRecord>>;
    /// Deletes one of the user's sessions; `false` if they have no such session.
    async fn delete_session(&self, user_id: Uuid, session_id: Uuid) -> Result<bool>;
    async fn delete_sessions_of(&self, user_id: Uuid) -> Result<()>;

    // ---- couples and invitations -----------------------------------------

    /// Records that `user_id` belongs to `couple_id`; `AlreadyInCouple` if
    /// they belong to one already (a person has at most one space).
    async fn add_member(&self, couple_id: Uuid, user_id: Uuid, at: OffsetDateTime) -> Result<()>;
    async fn couple_of(&self, user_id: Uuid) -> Result<Option<Uuid>>;
    async fn members_of(&self, couple_id: Uuid) -> Result<Vec<Uuid>>;

    async fn create_invite(&self, invite: &InviteRecord) -> Result<()>;
    async fn invite_by_token_hash(&self, token_hash: &Hash) -> Result<Option<InviteRecord>>;
    /// Marks the invite used, only if it is still unused: `false` when
    /// someone used it first.
    async fn use_invite(&self, token_hash: &Hash, user_id: Uuid, at: OffsetDateTime) -> Result<bool>;

    // ---- operations -------------------------------------------------------

    /// A consistent copy of everything, taken while the app runs, written to
    /// `path` as a Kintsugi SQLite database (whatever the backend).
    async fn backup(&self, path: &Path) -> Result<()>;
}
