//! The one submit path (DESIGN §4). Every change a person makes, from a page
//! or a future API, goes through [`submit`]:
//!
//! 1. A submission key already used by this person either replays (the same
//!    request again: nothing is written, the answer leads where the first
//!    one did) or asks for a resend (another request under the same key).
//! 2. The action decides on the cached states; a refusal writes nothing.
//! 3. It decides again on the newest states, held for writing, and commits
//!    everything it writes (events in every stream it touches and the key)
//!    in one transaction. A writer that won a race is answered by deciding
//!    again, a few times, before the person is told.

use crate::app::error::{AppError, AppResult};
use crate::app::state::AppState;
use crate::couple::MyCouple;
use crate::http::forms::FormErrors;
use crate::projections::{encode, Cached};
use kintsugi_core::access::room::Acting;
use kintsugi_core::streams::couple::{CoupleEvent, CoupleState};
use kintsugi_core::streams::private::{PrivateEvent, PrivateState};
use kintsugi_core::streams::Destination;
use kintsugi_core::{EntryId, Refusal, StreamId, UserId};
use kintsugi_store::{
    Hash, Joining, NewMember, NewSubmission, NewTherapistLink, SpaceEnding, StoreError,
    StoredEvent, StreamAppend, SubmissionRecord,
};
use tokio::sync::OwnedRwLockWriteGuard;

/// How often an action is decided after losing a race, in all. Between
/// tries it waits a random while, up to twice as long each time (from 1
/// ms): two instances that keep meeting on one stream fall out of step
/// rather than lose to each other again at once (at most about 0.1 s).
const ATTEMPTS: u32 = 8;

/// What the person sees when a key comes back with another request.
pub const RESEND: &str =
    "This form was sent before with other words, so nothing new was saved yet. \
What you typed is kept below: send it again to save it.";

/// What the person sees when every attempt lost a race.
const BUSY: &str = "Your partner added something at the same moment. Nothing of yours was lost: \
what you typed is kept below; please send it again.";

/// Everything one action writes.
#[derive(Debug, Default, Clone)]
pub struct Writes {
    /// To the couple's shared record.
    pub couple: Vec<CoupleEvent>,
    /// To the acting person's own private stream.
    pub private: Vec<PrivateEvent>,
}

impl Writes {
    pub fn couple(event: impl Into<CoupleEvent>) -> Self {
        Self {
            couple: vec![event.into()],
            private: Vec::new(),
        }
    }

    pub fn private(event: impl Into<PrivateEvent>) -> Self {
        Self {
            couple: Vec::new(),
            private: vec![event.into()],
        }
    }

    /// The same action also writes `event` to the person's private stream.
    pub fn and_private(mut self, event: impl Into<PrivateEvent>) -> Self {
        self.private.push(event.into());
        self
    }

    fn is_empty(&self) -> bool {
        self.couple.is_empty() && self.private.is_empty()
    }
}

impl From<Vec<CoupleEvent>> for Writes {
    fn from(couple: Vec<CoupleEvent>) -> Self {
        Self {
            couple,
            private: Vec::new(),
        }
    }
}

impl From<Destination> for Writes {
    fn from(destination: Destination) -> Self {
        match destination {
            Destination::Private(event) => Self::private(event),
            Destination::Shared(event) => Self::couple(event),
        }
    }
}

/// Where an action's first event landed: the entry it created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Landed {
    Couple(EntryId),
    Private(EntryId),
    /// The action had nothing to write.
    Nothing,
}

impl Landed {
    /// The entry in the shared record, if that is where it landed.
    pub fn couple_entry(self) -> Option<EntryId> {
        match self {
            Landed::Couple(id) => Some(id),
            Landed::Private(_) | Landed::Nothing => None,
        }
    }

    fn of_record(record: &SubmissionRecord, me: UserId) -> Self {
        if record.stream_id == StreamId::private(me).as_str() {
            Landed::Private(EntryId(record.seq))
        } else {
            Landed::Couple(EntryId(record.seq))
        }
    }
}

/// How a submission ended.
#[derive(Debug)]
pub enum Outcome {
    /// Written now, or written before under the same key for the same request.
    Done(Landed),
    /// The domain refused; nothing was written.
    Refused(Refusal),
    /// The form must be shown again: its key came back with another request,
    /// or every attempt lost a race. Nothing was written.
    Again(&'static str),
}

impl Outcome {
    /// Where the action landed, or the messages its form shows again, with
    /// `refused` deciding how a refusal reads (on the form, or as a page).
    pub fn or_form(
        self,
        refused: impl FnOnce(Refusal) -> AppResult<FormErrors>,
    ) -> AppResult<Result<Landed, FormErrors>> {
        match self {
            Outcome::Done(landed) => Ok(Ok(landed)),
            Outcome::Refused(refusal) => refused(refusal).map(Err),
            Outcome::Again(message) => Ok(Err(FormErrors::summary(message))),
        }
    }
}

/// A form's one-time submission key, hashed, and a hash of the request it
/// came with (see `http::forms::SubmittedForm`). A request without a key is
/// processed as it comes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Submission {
    pub key_hash: Option<Hash>,
    pub request_hash: Hash,
}

impl Submission {
    /// No key: nothing guards against a repeat (a form rendered by an older
    /// page, a script that does not send one).
    pub fn none() -> Self {
        Self {
            key_hash: None,
            request_hash: [0; 32],
        }
    }

    fn for_store(&self, me: UserId) -> Option<NewSubmission> {
        self.key_hash.map(|key_hash| NewSubmission {
            user_id: me.0,
            key_hash,
            request_hash: self.request_hash,
        })
    }

    /// What a key that was used already means for this request.
    fn replayed(&self, record: &SubmissionRecord, me: UserId) -> Outcome {
        if record.request_hash == self.request_hash {
            Outcome::Done(Landed::of_record(record, me))
        } else {
            Outcome::Again(RESEND)
        }
    }
}

/// The states an action decides on.
pub struct Decision<'a> {
    pub couple: &'a CoupleState,
    /// The hash of the shared record's newest event (`None` while empty).
    pub couple_head: Option<&'a Hash>,
    pub private: &'a PrivateState,
}

/// Runs one action for `couple.me` in their couple space. `decide` reads the
/// shared record and the person's own private stream and says what to
/// write; it runs once on the cached states and again on the newest.
pub async fn submit(
    app: &AppState,
    couple: &MyCouple,
    submission: &Submission,
    decide: impl Fn(&Decision<'_>) -> Result<Writes, Refusal>,
) -> AppResult<Outcome> {
    run(app, couple, Membership::Required, submission, decide).await
}

/// [`submit`] for one step in a repair room: `step` decides as
/// `couple.me`, in the couple space, on the room `room` picks out of the
/// shared record, and what it decides goes to the couple's stream.
pub async fn submit_step<Room, Event: Into<CoupleEvent>>(
    app: &AppState,
    couple: &MyCouple,
    submission: &Submission,
    room: impl Fn(&CoupleState) -> &Room,
    step: impl Fn(Acting<'_, Room>) -> Result<Event, Refusal>,
) -> AppResult<Outcome> {
    let me = couple.me;
    submit(app, couple, submission, |decision| {
        let state = decision.couple;
        step(Acting::new(&state.space, room(state), me)).map(Writes::couple)
    })
    .await
}

/// Like [`submit`], for the two actions of a person the record does not
/// name as a partner yet: creating the space (its stream is new, so its
/// head is expected at 0) and joining it. `member` is their membership,
/// committed in the same transaction as the events decided here; the
/// store's refusals of it (`AlreadyInCouple`, `SpaceFull`, `InviteGone`)
/// come back as errors with nothing written.
pub async fn submit_as_newcomer(
    app: &AppState,
    couple: &MyCouple,
    member: NewMember,
    submission: &Submission,
    decide: impl Fn(&Decision<'_>) -> Result<Writes, Refusal>,
) -> AppResult<Outcome> {
    run(app, couple, Membership::Joining(member), submission, decide).await
}

/// [`submit`] for the couple's therapist, who is not a partner: `decide`
/// itself must find them the couple's active therapist (or, accepting,
/// the one invited), since the record does not name them as a member.
/// `link` is their acceptance's link, committed with the events; what they
/// write to their own stream goes to their private stream. No witness is
/// read or left: a therapist's private stream holds none of this couple.
pub async fn submit_as_therapist(
    app: &AppState,
    couple: &MyCouple,
    link: Option<NewTherapistLink>,
    submission: &Submission,
    decide: impl Fn(&Decision<'_>) -> Result<Writes, Refusal>,
) -> AppResult<Outcome> {
    run(app, couple, Membership::Therapist(link), submission, decide).await
}

/// [`submit`] for the action that ends the shared space: `ending` (when
/// and until when its record is kept) is committed with the events, so the
/// task that destroys the record later finds it, or nothing is written.
pub async fn submit_ending(
    app: &AppState,
    couple: &MyCouple,
    ending: SpaceEnding,
    submission: &Submission,
    decide: impl Fn(&Decision<'_>) -> Result<Writes, Refusal>,
) -> AppResult<Outcome> {
    run(app, couple, Membership::Ending(ending), submission, decide).await
}

/// Whether the record must already name the acting person as a partner
/// (and, ending the space, with its ending), the action makes them one, or
/// they act as the couple's therapist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Membership {
    Required,
    Ending(SpaceEnding),
    Joining(NewMember),
    Therapist(Option<NewTherapistLink>),
}

impl Membership {
    fn required(self) -> bool {
        matches!(self, Membership::Required | Membership::Ending(_))
    }

    /// A partner's witness is checked; a therapist leaves none.
    fn as_partner(self) -> bool {
        !matches!(self, Membership::Therapist(_))
    }

    fn joining(self) -> Option<Joining> {
        match self {
            Membership::Required | Membership::Therapist(None) => None,
            Membership::Joining(member) => Some(Joining::Partner(member)),
            Membership::Ending(ending) => Some(Joining::Ending(ending)),
            Membership::Therapist(Some(link)) => Some(Joining::Therapist(link)),
        }
    }
}

async fn run(
    app: &AppState,
    couple: &MyCouple,
    membership: Membership,
    submission: &Submission,
    decide: impl Fn(&Decision<'_>) -> Result<Writes, Refusal>,
) -> AppResult<Outcome> {
    // A key used before is not looked up first: the commit finds it in the
    // same transaction (`SubmissionUsed`), and a decision that refuses or
    // writes nothing, as a repeat's often does, looks it up then.
    let me = couple.me;
    if let Err(refusal) = decide_cached(app, couple, membership, &decide).await? {
        return unless_replayed(app, me, submission, Outcome::Refused(refusal)).await;
    }
    for tried in 0..ATTEMPTS {
        if tried > 0 {
            let longest = 1u64 << (tried - 1);
            let wait = rand::Rng::gen_range(&mut rand::thread_rng(), 0..=longest * 1_000);
            tokio::time::sleep(std::time::Duration::from_micros(wait)).await;
        }
        match attempt(app, couple, membership, submission, &decide).await {
            Ok(outcome @ (Outcome::Refused(_) | Outcome::Done(Landed::Nothing))) => {
                return unless_replayed(app, me, submission, outcome).await
            }
            Ok(outcome) => return Ok(outcome),
            Err(AppError::Store(StoreError::Conflict { .. })) => continue,
            Err(AppError::Store(StoreError::SubmissionUsed(record))) => {
                return Ok(submission.replayed(&record, me))
            }
            Err(other) => return Err(other),
        }
    }
    Ok(Outcome::Again(BUSY))
}

/// Starts the task that forgets, each minute, the submission keys older
/// than a day: a form sent again after that writes again.
pub fn start_forgetting_keys(app: AppState) -> tokio::task::JoinHandle<()> {
    crate::app::ticks::every_minute(app, "used form keys forgotten", |app| async move {
        forget_used_keys(&app).await
    })
}

/// Forgets the submission keys older than a day at the app's clock, and
/// says how many.
pub async fn forget_used_keys(app: &AppState) -> Result<u64, StoreError> {
    app.store.forget_expired_submissions(app.clock.now()).await
}

/// The row this submission's key wrote, if it was used already.
async fn used_key(
    app: &AppState,
    me: UserId,
    submission: &Submission,
) -> AppResult<Option<SubmissionRecord>> {
    match submission.key_hash {
        Some(key_hash) => Ok(app.store.submission(me.0, &key_hash).await?),
        None => Ok(None),
    }
}

/// A refusal or an action that wrote nothing, unless the same key landed
/// before: the first of two sends of one form makes the second one's
/// decision refuse ("already answered") or find nothing left to write, and
/// the second must answer as the first did.
async fn unless_replayed(
    app: &AppState,
    me: UserId,
    submission: &Submission,
    outcome: Outcome,
) -> AppResult<Outcome> {
    Ok(match used_key(app, me, submission).await? {
        Some(record) => submission.replayed(&record, me),
        None => outcome,
    })
}

/// The first decision, on what is cached: a refusal costs no lock and no write.
async fn decide_cached(
    app: &AppState,
    couple: &MyCouple,
    membership: Membership,
    decide: &impl Fn(&Decision<'_>) -> Result<Writes, Refusal>,
) -> AppResult<Result<Writes, Refusal>> {
    // The shared record before the private stream, always: one order for
    // every path that holds both.
    let shared = app
        .couples
        .read(app.store.as_ref(), couple.stream.as_str())
        .await?;
    if membership.required() && !shared.state.space.is_member(couple.me) {
        return Err(AppError::NotFound);
    }
    let private = app
        .privates
        .read(app.store.as_ref(), StreamId::private(couple.me).as_str())
        .await?;
    if membership.as_partner() {
        couple.check_witness(app, &shared, &private.state).await?;
    }
    Ok(decide(&Decision {
        couple: &shared.state,
        couple_head: shared.head.as_ref(),
        private: &private.state,
    }))
}

/// One decision on the newest states, and its commit.
async fn attempt(
    app: &AppState,
    couple: &MyCouple,
    membership: Membership,
    submission: &Submission,
    decide: &impl Fn(&Decision<'_>) -> Result<Writes, Refusal>,
) -> AppResult<Outcome> {
    let me = couple.me;
    let private_stream = StreamId::private(me);
    let store = app.store.as_ref();
    let mut shared = app.couples.lock(store, couple.stream.as_str()).await?;
    let mut private = app.privates.lock(store, private_stream.as_str()).await?;
    // Nothing is written onto a record that lost what this person saw.
    if membership.as_partner() {
        couple.check_witness(app, &shared, &private.state).await?;
    }
    if membership.required() && !shared.state.space.is_member(me) {
        return Err(AppError::NotFound);
    }
    let decided = decide(&Decision {
        couple: &shared.state,
        couple_head: shared.head.as_ref(),
        private: &private.state,
    });
    let writes = match decided {
        Ok(writes) if writes.is_empty() => return Ok(Outcome::Done(Landed::Nothing)),
        Ok(writes) => writes,
        Err(refusal) => return Ok(Outcome::Refused(refusal)),
    };
    let mut appends = Vec::with_capacity(2);
    if !writes.couple.is_empty() {
        appends.push(append_for(
            &shared,
            couple.stream.as_str(),
            me,
            &writes.couple,
        )?);
    }
    if !writes.private.is_empty() {
        appends.push(append_for(
            &private,
            private_stream.as_str(),
            me,
            &writes.private,
        )?);
    }
    // Written at the app's clock, the `now` every decision is made at.
    let at = app.clock.now();
    let joining = membership.joining();
    let written = store
        .commit_at(appends, submission.for_store(me), joining, at)
        .await?;
    let events = written.iter().map(Vec::len).sum();
    app.metrics.appended(events);
    if joining.is_some() {
        // Someone joined or ended a space: the navigation (and the banner)
        // they are drawn changes.
        app.sessions.clear();
    }
    let outcome = fold(&mut shared, &mut private, &writes, written)?;
    // What a withdrawal removed is not kept in memory either: the stream is
    // folded again from the store, as a fresh instance would.
    if Cached::<CoupleState>::redacted_by(&writes.couple) {
        shared.rebuild(store, couple.stream.as_str()).await?;
    }
    if Cached::<PrivateState>::redacted_by(&writes.private) {
        private.rebuild(store, private_stream.as_str()).await?;
    }
    Ok(outcome)
}

/// The append of `events` to a stream, expected at the cached head.
pub(crate) fn append_for<P: kintsugi_core::Projection>(
    cached: &Cached<P>,
    stream_id: &str,
    me: UserId,
    events: &[P::Event],
) -> AppResult<StreamAppend> {
    let encoded = events
        .iter()
        .map(|event| encode::<P>(me, event))
        .collect::<AppResult<_>>()?;
    let mut append = StreamAppend::new(stream_id, cached.state.seq(), encoded);
    // Core says which earlier events a withdrawal removes; the store removes
    // their ciphertext in the same transaction, or writes nothing.
    append.redacts = events.iter().filter_map(P::redacts).collect();
    Ok(append)
}

/// Brings both caches up to what was just committed and says where the
/// first event landed.
fn fold(
    shared: &mut OwnedRwLockWriteGuard<Cached<CoupleState>>,
    private: &mut OwnedRwLockWriteGuard<Cached<PrivateState>>,
    writes: &Writes,
    written: Vec<Vec<StoredEvent>>,
) -> AppResult<Outcome> {
    let mut written = written.into_iter();
    let mut landed = Landed::Nothing;
    if !writes.couple.is_empty() {
        let rows = written.next().unwrap_or_default();
        landed = rows
            .first()
            .map_or(landed, |row| Landed::Couple(EntryId(row.seq)));
        shared.fold_written(&rows, &writes.couple)?;
    }
    if !writes.private.is_empty() {
        let rows = written.next().unwrap_or_default();
        if landed == Landed::Nothing {
            landed = rows
                .first()
                .map_or(landed, |row| Landed::Private(EntryId(row.seq)));
        }
        private.fold_written(&rows, &writes.private)?;
    }
    Ok(Outcome::Done(landed))
}
