//! The therapists couples invite: one-time links by hash, and which
//! couples each therapist serves. One query text each for both backends.

use super::{Backend, SqlStore};
use crate::sql::{Cells, SqlTx};
use crate::tables::{bytes, int, uuid, Value, THERAPIST_COUPLES, THERAPIST_INVITES};
use crate::timestamp::{from_micros, to_micros};
use crate::{
    hash_column, Hash, NewTherapistLink, Result, StoreError, TherapistInviteRecord, TherapistLink,
    Therapists,
};
use async_trait::async_trait;
use uuid::Uuid;

fn seq_value(seq: u64) -> Value {
    int(i64::try_from(seq).unwrap_or(i64::MAX))
}

fn seq_of(value: i64) -> u64 {
    u64::try_from(value).unwrap_or_default()
}

fn invite_record(mut cells: Cells) -> Result<TherapistInviteRecord> {
    Ok(TherapistInviteRecord {
        token_hash: hash_column(cells.bytes()?)?,
        couple_id: cells.uuid()?,
        proposal: seq_of(cells.int()?),
        created_by: cells.uuid()?,
        created_at: from_micros(cells.int()?)?,
        expires_at: from_micros(cells.int()?)?,
        used_at: cells.opt_int()?.map(from_micros).transpose()?,
        used_by: cells.opt_uuid()?,
    })
}

fn link_record(mut cells: Cells) -> Result<TherapistLink> {
    Ok(TherapistLink {
        therapist_id: cells.uuid()?,
        couple_id: cells.uuid()?,
        proposal: seq_of(cells.int()?),
        since: from_micros(cells.int()?)?,
    })
}

/// Inside the commit of a therapist's acceptance: the link's use, only if
/// it still works for this space and proposal, then the therapist's row
/// (replacing an older one of the same couple, should they be invited
/// again after an end). The database, not this process, decides which of
/// two acceptances of one link came first.
pub(super) async fn insert_therapist_link(
    tx: &mut dyn SqlTx,
    joining: &NewTherapistLink,
) -> Result<()> {
    let link = &joining.link;
    let at = int(to_micros(link.since));
    let sql = "UPDATE therapist_invites SET used_at = $2, used_by = $3 \
               WHERE token_hash = $1 AND couple_id = $4 AND proposal = $5 \
               AND used_at IS NULL AND expires_at > $2";
    let args = [
        bytes(&joining.invite),
        at.clone(),
        uuid(link.therapist_id),
        uuid(link.couple_id),
        seq_value(link.proposal),
    ];
    if tx.execute(sql, &args).await? != 1 {
        return Err(StoreError::InviteGone);
    }
    tx.execute(
        "DELETE FROM therapist_couples WHERE therapist_id = $1 AND couple_id = $2",
        &[uuid(link.therapist_id), uuid(link.couple_id)],
    )
    .await?;
    let args = [
        uuid(link.therapist_id),
        uuid(link.couple_id),
        seq_value(link.proposal),
        at,
    ];
    tx.execute(&THERAPIST_COUPLES.insert_sql(), &args).await?;
    Ok(())
}

#[async_trait]
impl<B: Backend> Therapists for SqlStore<B> {
    async fn create_therapist_invite(&self, invite: &TherapistInviteRecord) -> Result<()> {
        let created = int(to_micros(invite.created_at));
        let args = [
            bytes(&invite.token_hash),
            uuid(invite.couple_id),
            seq_value(invite.proposal),
            uuid(invite.created_by),
            created.clone(),
            int(to_micros(invite.expires_at)),
            Value::Int(invite.used_at.map(to_micros)),
            Value::Uuid(invite.used_by),
        ];
        // A new link ends the older unused ones: a link handed to the
        // wrong person stops working the moment another is made.
        let mut tx = self.backend.begin_write().await?;
        tx.execute(
            "UPDATE therapist_invites SET expires_at = $1 \
             WHERE couple_id = $2 AND used_at IS NULL AND expires_at > $1",
            &[created, uuid(invite.couple_id)],
        )
        .await?;
        tx.execute(&THERAPIST_INVITES.insert_sql(), &args).await?;
        tx.commit().await
    }

    async fn therapist_invite_by_token_hash(
        &self,
        token_hash: &Hash,
    ) -> Result<Option<TherapistInviteRecord>> {
        let sql = THERAPIST_INVITES.select_sql("WHERE token_hash = $1");
        let columns = THERAPIST_INVITES.columns;
        self.first_row(&sql, &[bytes(token_hash)], columns, invite_record)
            .await
    }

    async fn latest_therapist_invite(
        &self,
        couple_id: Uuid,
        proposal: u64,
    ) -> Result<Option<TherapistInviteRecord>> {
        let sql = THERAPIST_INVITES
            .select_sql("WHERE couple_id = $1 AND proposal = $2 ORDER BY created_at DESC LIMIT 1");
        let args = [uuid(couple_id), seq_value(proposal)];
        self.first_row(&sql, &args, THERAPIST_INVITES.columns, invite_record)
            .await
    }

    async fn couples_of_therapist(&self, therapist_id: Uuid) -> Result<Vec<TherapistLink>> {
        let sql = THERAPIST_COUPLES.select_sql("WHERE therapist_id = $1 ORDER BY since DESC");
        let rows = self
            .reader()
            .fetch(&sql, &[uuid(therapist_id)], THERAPIST_COUPLES.columns)
            .await?;
        rows.into_iter().map(link_record).collect()
    }

    async fn therapist_link(
        &self,
        therapist_id: Uuid,
        couple_id: Uuid,
    ) -> Result<Option<TherapistLink>> {
        let sql = THERAPIST_COUPLES.select_sql("WHERE therapist_id = $1 AND couple_id = $2");
        let args = [uuid(therapist_id), uuid(couple_id)];
        self.first_row(&sql, &args, THERAPIST_COUPLES.columns, link_record)
            .await
    }
}
