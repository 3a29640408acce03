//! Finding the couple a signed-in person belongs to, and reading its record.
//! Every page of a couple's rooms starts here, so the membership check is
//! written once.

use crate::app::error::{AppError, AppResult};
use crate::app::state::AppState;
use crate::auth::session::Session;
use crate::projections::Cached;
use kintsugi_core::streams::couple::CoupleState;
use kintsugi_core::streams::private::PrivateState;
use kintsugi_core::views::today;
use kintsugi_core::{CoupleId, StreamId, UserId};
use kintsugi_store::{IntegrityProblem, StoreError, Witness};
use tokio::sync::OwnedRwLockReadGuard;

/// The couple space of the person asking; only ever theirs.
pub struct MyCouple {
    pub id: CoupleId,
    pub stream: StreamId,
    pub me: UserId,
}

impl MyCouple {
    /// `None` when the person has no couple space yet.
    pub async fn find(app: &AppState, session: &Session) -> AppResult<Option<Self>> {
        Ok(app.store.couple_of(session.user.0).await?.map(|id| {
            let id = CoupleId(id);
            MyCouple {
                id,
                stream: StreamId::couple(id),
                me: session.user,
            }
        }))
    }

    /// Like `find`, but a person without a space gets "not found".
    pub async fn require(app: &AppState, session: &Session) -> AppResult<Self> {
        Self::find(app, session).await?.ok_or(AppError::NotFound)
    }

    /// The shared record, caught up. Refuses a record that no longer holds
    /// what this person last saw of it (see [`MyCouple::check_witness`]),
    /// and anyone the record itself does not name as a partner.
    pub async fn read(
        &self,
        app: &AppState,
    ) -> AppResult<OwnedRwLockReadGuard<Cached<CoupleState>>> {
        let cached = app
            .couples
            .read(app.store.as_ref(), self.stream.as_str())
            .await?;
        {
            let mine = app
                .privates
                .read(app.store.as_ref(), StreamId::private(self.me).as_str())
                .await?;
            self.check_witness(app, &cached, &mine.state).await?;
        }
        if !cached.state.space.is_member(self.me) {
            return Err(AppError::NotFound);
        }
        Ok(cached)
    }

    /// The person's witness (the shared record's head as they last saw it,
    /// kept in their private stream) against the record as read now. A
    /// seal cannot tell the record put back to an older copy, seal and all,
    /// or deleted with it; this can: the record must still hold the event
    /// the witness saw, or it is refused as damaged.
    pub async fn check_witness(
        &self,
        app: &AppState,
        shared: &Cached<CoupleState>,
        mine: &PrivateState,
    ) -> AppResult<()> {
        let Some(seen) = today::couple_head_seen(mine, self.me).map_err(AppError::from_refusal)?
        else {
            return Ok(());
        };
        if seen.couple != self.id {
            return Ok(());
        }
        let holds = match seen.seq.cmp(&shared.state.seq) {
            std::cmp::Ordering::Greater => false,
            std::cmp::Ordering::Equal => shared.head == Some(seen.hash),
            // The record moved on since: the store checks the event there.
            std::cmp::Ordering::Less => {
                let witness = Witness {
                    stream_id: self.stream.as_str().to_owned(),
                    seq: seen.seq,
                    hash: seen.hash,
                };
                return Ok(app.store.check_witness(&witness).await?);
            }
        };
        if holds {
            return Ok(());
        }
        tracing::error!(stream = %self.stream.as_str(), seq = seen.seq, "the shared record is behind what a partner last saw");
        Err(AppError::Store(StoreError::Integrity {
            stream_id: self.stream.as_str().to_owned(),
            seq: seen.seq,
            problem: IntegrityProblem::BehindWitness,
        }))
    }
}

/// The person's own private stream. There is deliberately no way to name
/// someone else's: the stream is always the session's own.
pub async fn my_private(
    app: &AppState,
    session: &Session,
) -> AppResult<OwnedRwLockReadGuard<Cached<PrivateState>>> {
    private_of(app, session.user).await
}

impl MyCouple {
    /// [`my_private`] for the person this space was found for.
    pub async fn my_private(
        &self,
        app: &AppState,
    ) -> AppResult<OwnedRwLockReadGuard<Cached<PrivateState>>> {
        private_of(app, self.me).await
    }
}

async fn private_of(
    app: &AppState,
    user: UserId,
) -> AppResult<OwnedRwLockReadGuard<Cached<PrivateState>>> {
    let stream = StreamId::private(user);
    app.privates.read(app.store.as_ref(), stream.as_str()).await
}

/// A short form of the chain head's hash that both partners can compare:
/// "3f2a 91c0 7d4e 0b11".
pub fn fingerprint(head: Option<&kintsugi_store::Hash>) -> String {
    head.map(|hash| {
        hash[..8]
            .chunks(2)
            .map(hex::encode)
            .collect::<Vec<_>>()
            .join(" ")
    })
    .unwrap_or_default()
}
