//! Accounts, sessions, couples and invitations: plain rows, one query text
//! each for both backends.

use super::{Backend, SqlStore};
use crate::rows::{invite_record, session_record, user_record};
use crate::sql::{Cells, SqlTx};
use crate::tables::{
    bytes, int, text, uuid, Column, Value, IDLE_SIGN_OUT, INVITES, RECOVERY_CODES, SESSIONS, USERS,
};
use crate::timestamp::{from_micros, to_micros};
use crate::{
    email_taken_or, membership_refused_or, normalise_email, Accounts, Couples, FailedAttempts,
    Hash, InviteRecord, NewMember, Result, SessionRecord, Sessions, StoreError, UserRecord,
};
use async_trait::async_trait;
use time::OffsetDateTime;
use uuid::Uuid;

/// What keeps an invitation usable at `$2`: not used, not declined, not
/// expired. One text for joining and for declining.
const INVITE_USABLE: &str = "used_at IS NULL AND declined_at IS NULL AND expires_at > $2";

/// Writes `member`'s membership inside a transaction: first their
/// invitation's use, if they come with one, then their row in the space's
/// free place (1 or 2; with both taken the place asked for is 3, which the
/// table refuses). The database's constraints, not this process, decide a
/// race; see [`crate::EventStore::commit_with_member`] for the refusals.
pub(super) async fn insert_member(tx: &mut dyn SqlTx, member: &NewMember) -> Result<()> {
    let at = int(to_micros(member.at));
    if let Some(invite) = &member.invite {
        let sql = format!(
            "UPDATE invites SET used_at = $2, used_by = $3 \
             WHERE token_hash = $1 AND couple_id = $4 AND {INVITE_USABLE}"
        );
        let args = [
            bytes(invite),
            at.clone(),
            uuid(member.user_id),
            uuid(member.couple_id),
        ];
        if tx.execute(&sql, &args).await? != 1 {
            return Err(StoreError::InviteGone);
        }
    }
    // Asked first, so that a person in a space hears that, whatever the
    // space they knock on; a race of their own is caught by the key below.
    let theirs = tx
        .fetch(
            "SELECT couple_id FROM couple_members WHERE user_id = $1",
            &[uuid(member.user_id)],
            &[("couple_id", Column::Uuid)],
        )
        .await?;
    if !theirs.is_empty() {
        return Err(StoreError::AlreadyInCouple);
    }
    let sql = "INSERT INTO couple_members (user_id, couple_id, joined_at, slot) \
               SELECT $1, $2, $3, CASE COUNT(*) WHEN 0 THEN 1 WHEN 1 THEN 3 - MIN(slot) ELSE 3 END \
               FROM couple_members WHERE couple_id = $2";
    let args = [uuid(member.user_id), uuid(member.couple_id), at];
    tx.execute(sql, &args)
        .await
        .map_err(membership_refused_or)?;
    Ok(())
}

async fn insert_recovery_codes(tx: &mut dyn SqlTx, user_id: Uuid, codes: &[Hash]) -> Result<()> {
    let insert = RECOVERY_CODES.insert_sql();
    for code in codes {
        tx.execute(&insert, &[uuid(user_id), bytes(code)]).await?;
    }
    Ok(())
}

impl<B: Backend> SqlStore<B> {
    /// Runs a statement of one row's change; true when it changed a row.
    async fn changed_one(&self, sql: &str, args: &[Value]) -> Result<bool> {
        Ok(self.writer().execute(sql, args).await? == 1)
    }

    /// A person's own setting: the one `column` of the row `sql` finds for
    /// `user_id`, read by `read`; `None` when there is no row or no value.
    async fn setting_of<T>(
        &self,
        sql: &str,
        user_id: Uuid,
        column: (&str, Column),
        read: impl FnOnce(Cells) -> Result<Option<T>>,
    ) -> Result<Option<T>> {
        let found = self
            .first_row(sql, &[uuid(user_id)], &[column], read)
            .await?;
        Ok(found.flatten())
    }

    async fn user_where(&self, condition: &str, arg: Value) -> Result<Option<UserRecord>> {
        let sql = USERS.select_sql(condition);
        self.first_row(&sql, &[arg], USERS.columns, user_record)
            .await
    }

    async fn sessions_where(&self, condition: &str, arg: Value) -> Result<Vec<SessionRecord>> {
        let sql = SESSIONS.select_sql(condition);
        let rows = self.reader().fetch(&sql, &[arg], SESSIONS.columns).await?;
        rows.into_iter().map(session_record).collect()
    }

    async fn uuids(&self, sql: &str, arg: Uuid) -> Result<Vec<Uuid>> {
        let rows = self
            .reader()
            .fetch(sql, &[uuid(arg)], &[("id", Column::Uuid)])
            .await?;
        rows.into_iter().map(|mut cells| cells.uuid()).collect()
    }
}

#[async_trait]
impl<B: Backend> Accounts for SqlStore<B> {
    async fn create_user(&self, user: &UserRecord, recovery_code_hashes: &[Hash]) -> Result<()> {
        let mut tx = self.backend.begin_write().await?;
        let args = [
            uuid(user.id),
            text(&normalise_email(&user.email)),
            text(&user.password_hash),
            int(to_micros(user.created_at)),
            Value::Bool(Some(user.recovery_codes_shown)),
        ];
        tx.execute(&USERS.insert_sql(), &args)
            .await
            .map_err(email_taken_or)?;
        insert_recovery_codes(tx.as_mut(), user.id, recovery_code_hashes).await?;
        tx.commit().await
    }

    async fn user_by_email(&self, email: &str) -> Result<Option<UserRecord>> {
        // No account is registered under such an address, and PostgreSQL
        // refuses a NUL byte in text outright.
        if email.chars().any(char::is_control) {
            return Ok(None);
        }
        self.user_where("WHERE email = $1", text(&normalise_email(email)))
            .await
    }

    async fn user_by_id(&self, id: Uuid) -> Result<Option<UserRecord>> {
        self.user_where("WHERE id = $1", uuid(id)).await
    }

    async fn set_password_hash(&self, user_id: Uuid, password_hash: &str) -> Result<()> {
        let sql = "UPDATE users SET password_hash = $1 WHERE id = $2";
        self.changed_one(sql, &[text(password_hash), uuid(user_id)])
            .await?;
        Ok(())
    }

    async fn time_zone(&self, user_id: Uuid) -> Result<Option<String>> {
        let sql = "SELECT time_zone FROM users WHERE id = $1";
        let column = ("time_zone", Column::Text);
        self.setting_of(sql, user_id, column, |mut cells| cells.opt_text())
            .await
    }

    async fn set_time_zone(&self, user_id: Uuid, zone: &str) -> Result<()> {
        let sql = "UPDATE users SET time_zone = $1 WHERE id = $2";
        self.changed_one(sql, &[text(zone), uuid(user_id)]).await?;
        Ok(())
    }

    async fn mark_recovery_codes_shown(&self, user_id: Uuid) -> Result<()> {
        let sql = "UPDATE users SET recovery_codes_shown = TRUE WHERE id = $1";
        self.changed_one(sql, &[uuid(user_id)]).await?;
        Ok(())
    }

    async fn replace_recovery_codes(&self, user_id: Uuid, code_hashes: &[Hash]) -> Result<()> {
        let mut tx = self.backend.begin_write().await?;
        tx.execute(
            "DELETE FROM recovery_codes WHERE user_id = $1",
            &[uuid(user_id)],
        )
        .await?;
        insert_recovery_codes(tx.as_mut(), user_id, code_hashes).await?;
        tx.commit().await
    }

    async fn delete_user(&self, user_id: Uuid) -> Result<bool> {
        let mut tx = self.backend.begin_write().await?;
        // The submissions table has no foreign key (its rows outlive
        // nothing but their day); every other row of the person goes with
        // theirs, by `ON DELETE CASCADE`.
        tx.execute(
            "DELETE FROM submissions WHERE user_id = $1",
            &[uuid(user_id)],
        )
        .await?;
        let deleted = tx
            .execute("DELETE FROM users WHERE id = $1", &[uuid(user_id)])
            .await?;
        tx.commit().await?;
        Ok(deleted == 1)
    }

    async fn consume_recovery_code(&self, user_id: Uuid, code_hash: &Hash) -> Result<bool> {
        let sql = "DELETE FROM recovery_codes WHERE user_id = $1 AND code_hash = $2";
        self.changed_one(sql, &[uuid(user_id), bytes(code_hash)])
            .await
    }

    async fn failed_attempts(
        &self,
        key: &Hash,
        since: OffsetDateTime,
    ) -> Result<Option<FailedAttempts>> {
        let sql = "SELECT failures, last_at FROM login_attempts \
                   WHERE key_hash = $1 AND last_at >= $2";
        self.first_row(
            sql,
            &[bytes(key), int(to_micros(since))],
            ATTEMPT_COLUMNS,
            failed_attempts_of,
        )
        .await
    }

    async fn count_failed_attempt(
        &self,
        key: &Hash,
        at: OffsetDateTime,
        since: OffsetDateTime,
    ) -> Result<FailedAttempts> {
        let since = int(to_micros(since));
        self.writer()
            .execute(
                "DELETE FROM login_attempts WHERE last_at < $1",
                std::slice::from_ref(&since),
            )
            .await?;
        // One statement, so that two instances counting at once both count.
        let sql = "INSERT INTO login_attempts (key_hash, failures, last_at) VALUES ($1, 1, $2) \
                   ON CONFLICT (key_hash) DO UPDATE SET \
                   failures = CASE WHEN login_attempts.last_at < $3 THEN 1 \
                   ELSE login_attempts.failures + 1 END, last_at = $2 \
                   RETURNING failures, last_at";
        let rows = self
            .writer()
            .fetch(
                sql,
                &[bytes(key), int(to_micros(at)), since],
                ATTEMPT_COLUMNS,
            )
            .await?;
        let row = rows
            .into_iter()
            .next()
            .ok_or_else(|| crate::StoreError::Database(sqlx::Error::RowNotFound))?;
        failed_attempts_of(row)
    }

    async fn clear_failed_attempts(&self, key: &Hash) -> Result<()> {
        let sql = "DELETE FROM login_attempts WHERE key_hash = $1";
        self.writer().execute(sql, &[bytes(key)]).await?;
        Ok(())
    }

    async fn add_device(&self, token_hash: &Hash, user_id: Uuid, at: OffsetDateTime) -> Result<()> {
        let sql = "INSERT INTO devices (token_hash, user_id, created_at) VALUES ($1, $2, $3)";
        let args = [bytes(token_hash), uuid(user_id), int(to_micros(at))];
        self.writer().execute(sql, &args).await?;
        Ok(())
    }

    async fn device_owner(&self, token_hash: &Hash) -> Result<Option<Uuid>> {
        let sql = "SELECT user_id FROM devices WHERE token_hash = $1";
        let rows = self
            .reader()
            .fetch(sql, &[bytes(token_hash)], &[("user_id", Column::Uuid)])
            .await?;
        rows.into_iter()
            .next()
            .map(|mut cells| cells.uuid())
            .transpose()
    }
}

const ATTEMPT_COLUMNS: &[(&str, Column)] = &[("failures", Column::Int), ("last_at", Column::Int)];

fn failed_attempts_of(mut cells: crate::sql::Cells) -> Result<FailedAttempts> {
    let failures = u32::try_from(cells.int()?.max(0)).unwrap_or(u32::MAX);
    let last_at = from_micros(cells.int()?)?;
    Ok(FailedAttempts { failures, last_at })
}

#[async_trait]
impl<B: Backend> Sessions for SqlStore<B> {
    async fn create_session(&self, session: &SessionRecord) -> Result<()> {
        let args = [
            uuid(session.id),
            uuid(session.user_id),
            bytes(&session.token_hash),
            int(to_micros(session.created_at)),
            int(to_micros(session.last_seen_at)),
            text(&session.device),
        ];
        self.changed_one(&SESSIONS.insert_sql(), &args).await?;
        Ok(())
    }

    async fn session_by_token_hash(&self, token_hash: &Hash) -> Result<Option<SessionRecord>> {
        let mut found = self
            .sessions_where("WHERE token_hash = $1", bytes(token_hash))
            .await?;
        Ok(found.pop())
    }

    async fn touch_session(&self, session_id: Uuid, at: OffsetDateTime) -> Result<()> {
        let sql = "UPDATE sessions SET last_seen_at = $1 WHERE id = $2";
        self.changed_one(sql, &[int(to_micros(at)), uuid(session_id)])
            .await?;
        Ok(())
    }

    async fn sessions_of(&self, user_id: Uuid) -> Result<Vec<SessionRecord>> {
        self.sessions_where(
            "WHERE user_id = $1 ORDER BY last_seen_at DESC, id",
            uuid(user_id),
        )
        .await
    }

    async fn delete_session(&self, user_id: Uuid, session_id: Uuid) -> Result<bool> {
        let sql = "DELETE FROM sessions WHERE id = $1 AND user_id = $2";
        self.changed_one(sql, &[uuid(session_id), uuid(user_id)])
            .await
    }

    async fn delete_sessions_of(&self, user_id: Uuid) -> Result<()> {
        let sql = "DELETE FROM sessions WHERE user_id = $1";
        self.writer().execute(sql, &[uuid(user_id)]).await?;
        Ok(())
    }

    async fn delete_other_sessions(&self, user_id: Uuid, keep: Uuid) -> Result<()> {
        let sql = "DELETE FROM sessions WHERE user_id = $1 AND id <> $2";
        self.writer()
            .execute(sql, &[uuid(user_id), uuid(keep)])
            .await?;
        Ok(())
    }

    async fn idle_sign_out(&self, user_id: Uuid) -> Result<Option<u32>> {
        let sql = "SELECT minutes FROM idle_sign_out WHERE user_id = $1";
        let column = ("minutes", Column::Int);
        self.setting_of(sql, user_id, column, |mut cells| {
            Ok(u32::try_from(cells.int()?).ok())
        })
        .await
    }

    async fn set_idle_sign_out(&self, user_id: Uuid, minutes: Option<u32>) -> Result<()> {
        match minutes {
            Some(minutes) => {
                let sql = format!(
                    "{} ON CONFLICT (user_id) DO UPDATE SET minutes = excluded.minutes",
                    IDLE_SIGN_OUT.insert_sql()
                );
                let args = [uuid(user_id), int(i64::from(minutes))];
                self.writer().execute(&sql, &args).await?;
            }
            None => {
                let sql = "DELETE FROM idle_sign_out WHERE user_id = $1";
                self.writer().execute(sql, &[uuid(user_id)]).await?;
            }
        }
        Ok(())
    }
}

#[async_trait]
impl<B: Backend> Couples for SqlStore<B> {
    async fn add_member(&self, couple_id: Uuid, user_id: Uuid, at: OffsetDateTime) -> Result<()> {
        let member = NewMember {
            couple_id,
            user_id,
            at,
            invite: None,
        };
        let mut tx = self.backend.begin_write().await?;
        insert_member(tx.as_mut(), &member).await?;
        tx.commit().await
    }

    async fn couple_of(&self, user_id: Uuid) -> Result<Option<Uuid>> {
        let sql = "SELECT couple_id FROM couple_members WHERE user_id = $1";
        Ok(self.uuids(sql, user_id).await?.pop())
    }

    async fn members_of(&self, couple_id: Uuid) -> Result<Vec<Uuid>> {
        let sql = "SELECT user_id FROM couple_members WHERE couple_id = $1 \
                   ORDER BY slot";
        self.uuids(sql, couple_id).await
    }

    async fn create_invite(&self, invite: &InviteRecord) -> Result<()> {
        let args = [
            bytes(&invite.token_hash),
            uuid(invite.couple_id),
            uuid(invite.created_by),
            int(to_micros(invite.created_at)),
            int(to_micros(invite.expires_at)),
            Value::Int(invite.used_at.map(to_micros)),
            Value::Uuid(invite.used_by),
            Value::Int(invite.declined_at.map(to_micros)),
        ];
        // A new link replaces every older unused one of the space: a lost
        // or shared link stops working the moment another is made.
        let mut tx = self.backend.begin_write().await?;
        tx.execute(
            "UPDATE invites SET expires_at = $1 \
             WHERE couple_id = $2 AND used_at IS NULL AND expires_at > $1",
            &[int(to_micros(invite.created_at)), uuid(invite.couple_id)],
        )
        .await?;
        tx.execute(&INVITES.insert_sql(), &args).await?;
        tx.commit().await
    }

    async fn invite_by_token_hash(&self, token_hash: &Hash) -> Result<Option<InviteRecord>> {
        let sql = INVITES.select_sql("WHERE token_hash = $1");
        self.first_row(&sql, &[bytes(token_hash)], INVITES.columns, invite_record)
            .await
    }

    async fn latest_invite(&self, couple_id: Uuid) -> Result<Option<InviteRecord>> {
        let sql = INVITES.select_sql("WHERE couple_id = $1 ORDER BY created_at DESC LIMIT 1");
        self.first_row(&sql, &[uuid(couple_id)], INVITES.columns, invite_record)
            .await
    }

    async fn decline_invite(&self, token_hash: &Hash, at: OffsetDateTime) -> Result<bool> {
        let sql = format!(
            "UPDATE invites SET declined_at = $2 WHERE token_hash = $1 AND {INVITE_USABLE}"
        );
        self.changed_one(&sql, &[bytes(token_hash), int(to_micros(at))])
            .await
    }
}
