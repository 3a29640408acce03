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
use kintsugi_core::visits::HeadSeen;
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
    /// `None` when the person has no couple space yet. The session knows
    /// (see [`Session::couple`]); the record itself still has to name them
    /// a partner before `read` shows anything.
    pub fn of(session: &Session) -> Option<Self> {
        session.couple.map(|id| {
            let id = CoupleId(id);
            MyCouple {
                id,
                stream: StreamId::couple(id),
                me: session.user,
            }
        })
    }

    /// Like `of`, but a person without a space gets "not found".
    pub fn require(session: &Session) -> AppResult<Self> {
        Self::of(session).ok_or(AppError::NotFound)
    }

    /// The shared record, caught up. Refuses a record that no longer holds
    /// what this person last saw of it (see [`MyCouple::check_witness`]),
    /// and anyone the record itself does not name as a partner.
    pub async fn read(
        &self,
        app: &AppState,
    ) -> AppResult<OwnedRwLockReadGuard<Cached<CoupleState>>> {
        Ok(self.read_with_mine(app).await?.0)
    }

    /// `read`, and the person's own private stream it checked the witness
    /// in, for a page that shows both: each stream is caught up once.
    pub async fn read_with_mine(
        &self,
        app: &AppState,
    ) -> AppResult<(
        OwnedRwLockReadGuard<Cached<CoupleState>>,
        OwnedRwLockReadGuard<Cached<PrivateState>>,
    )> {
        let cached = app
            .couples
            .read(app.store.as_ref(), self.stream.as_str())
            .await?;
        let mine = app
            .privates
            .read(app.store.as_ref(), StreamId::private(self.me).as_str())
            .await?;
        self.check_witness(app, &cached, &mine.state).await?;
        if !cached.state.space.is_member(self.me) {
            return Err(AppError::NotFound);
        }
        Ok((cached, mine))
    }

    /// The person's witness (the shared record's head as they last saw it,
    /// kept in their private stream) against the record as read now. A
    /// seal cannot tell the record put back to an older copy, seal and all,
    /// or deleted with it; this can: the record must still hold the event
    /// the witness saw, or it is refused as damaged. The partner's witness
    /// counts too, as far as this instance already holds it: only their
    /// witness is looked at, and nothing of their private stream is read
    /// for it.
    pub async fn check_witness(
        &self,
        app: &AppState,
        shared: &Cached<CoupleState>,
        mine: &PrivateState,
    ) -> AppResult<()> {
        let own = today::couple_head_seen(mine, self.me).map_err(AppError::from_refusal)?;
        self.check_seen(app, shared, own).await?;
        let Some(partner) = shared.state.space.partner_of(self.me) else {
            return Ok(());
        };
        let theirs = app
            .privates
            .peek(StreamId::private(partner).as_str(), |cached| {
                today::couple_head_seen(&cached.state, partner)
            });
        match theirs {
            Some(Ok(seen)) => self.check_seen(app, shared, seen).await,
            _ => Ok(()),
        }
    }

    /// One witness, `seen`, against the record as read now.
    async fn check_seen(
        &self,
        app: &AppState,
        shared: &Cached<CoupleState>,
        seen: Option<HeadSeen>,
    ) -> AppResult<()> {
        let Some(seen) = seen else {
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
                if shared.has_witnessed(seen.seq, &seen.hash) {
                    return Ok(());
                }
                let witness = Witness {
                    stream_id: self.stream.as_str().to_owned(),
                    seq: seen.seq,
                    hash: seen.hash,
                };
                app.store.check_witness(&witness).await?;
                shared.witnessed(seen.seq, seen.hash);
                return Ok(());
            }
        };
        if holds {
            return Ok(());
        }
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
    let stream = StreamId::private(session.user);
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
