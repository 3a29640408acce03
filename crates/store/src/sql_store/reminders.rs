//! Reminders by email: choices, unsubscribe links by hash, and claims. One
//! query text each for both backends.

use super::{Backend, SqlStore};
use crate::tables::{bytes, int, text, uuid, Column, REMINDER_CLAIMS, UNSUBSCRIBE_TOKENS};
use crate::timestamp::to_micros;
use crate::{ChosenReminder, Hash, Reminders, Result};
use async_trait::async_trait;
use time::OffsetDateTime;
use uuid::Uuid;

/// A stored minute of the day, as the choice it is; a value out of range
/// (which the table's check refuses) reads as midnight rather than fail.
fn minute_of(value: i64) -> u32 {
    u32::try_from(value).unwrap_or_default().min(1439)
}

#[async_trait]
impl<B: Backend> Reminders for SqlStore<B> {
    async fn reminder_choices(&self, user_id: Uuid) -> Result<Vec<(String, u32)>> {
        let sql = "SELECT kind, at_minute FROM reminder_choices WHERE user_id = $1 ORDER BY kind";
        let columns = [("kind", Column::Text), ("at_minute", Column::Int)];
        let rows = self.reader().fetch(sql, &[uuid(user_id)], &columns).await?;
        rows.into_iter()
            .map(|mut cells| Ok((cells.text()?, minute_of(cells.int()?))))
            .collect()
    }

    async fn set_reminder_choice(
        &self,
        user_id: Uuid,
        kind: &str,
        at_minute: Option<u32>,
    ) -> Result<()> {
        match at_minute {
            Some(minute) => {
                let sql = "INSERT INTO reminder_choices (user_id, kind, at_minute) \
                           VALUES ($1, $2, $3) ON CONFLICT (user_id, kind) \
                           DO UPDATE SET at_minute = excluded.at_minute";
                let args = [uuid(user_id), text(kind), int(i64::from(minute))];
                self.writer().execute(sql, &args).await?;
            }
            None => {
                let sql = "DELETE FROM reminder_choices WHERE user_id = $1 AND kind = $2";
                self.writer()
                    .execute(sql, &[uuid(user_id), text(kind)])
                    .await?;
            }
        }
        Ok(())
    }

    async fn chosen_reminders(&self) -> Result<Vec<ChosenReminder>> {
        let sql = "SELECT c.user_id, u.email, u.time_zone, c.kind, c.at_minute \
                   FROM reminder_choices c JOIN users u ON u.id = c.user_id \
                   ORDER BY c.user_id, c.kind";
        let columns = [
            ("user_id", Column::Uuid),
            ("email", Column::Text),
            ("time_zone", Column::Text),
            ("kind", Column::Text),
            ("at_minute", Column::Int),
        ];
        let rows = self.reader().fetch(sql, &[], &columns).await?;
        rows.into_iter()
            .map(|mut cells| {
                Ok(ChosenReminder {
                    user_id: cells.uuid()?,
                    email: cells.text()?,
                    time_zone: cells.opt_text()?,
                    kind: cells.text()?,
                    at_minute: minute_of(cells.int()?),
                })
            })
            .collect()
    }

    async fn claim_reminder(
        &self,
        user_id: Uuid,
        occasion: &str,
        at: OffsetDateTime,
    ) -> Result<bool> {
        // The primary key decides between instances, in this process or
        // another: the second insert of the same key changes no row.
        let sql = format!(
            "{} ON CONFLICT (user_id, occasion) DO NOTHING",
            REMINDER_CLAIMS.insert_sql()
        );
        let args = [uuid(user_id), text(occasion), int(to_micros(at))];
        Ok(self.writer().execute(&sql, &args).await? == 1)
    }

    async fn forget_reminders_before(
        &self,
        claims_before: OffsetDateTime,
        links_before: OffsetDateTime,
    ) -> Result<()> {
        let claims = "DELETE FROM reminder_claims WHERE claimed_at < $1";
        self.writer()
            .execute(claims, &[int(to_micros(claims_before))])
            .await?;
        let links = "DELETE FROM unsubscribe_tokens WHERE created_at < $1";
        self.writer()
            .execute(links, &[int(to_micros(links_before))])
            .await?;
        Ok(())
    }

    async fn add_unsubscribe_token(
        &self,
        token_hash: &Hash,
        user_id: Uuid,
        kind: &str,
        at: OffsetDateTime,
    ) -> Result<()> {
        let args = [
            bytes(token_hash),
            uuid(user_id),
            text(kind),
            int(to_micros(at)),
        ];
        self.writer()
            .execute(&UNSUBSCRIBE_TOKENS.insert_sql(), &args)
            .await?;
        Ok(())
    }

    async fn unsubscribe_token(&self, token_hash: &Hash) -> Result<Option<(Uuid, String)>> {
        let sql = "SELECT user_id, kind FROM unsubscribe_tokens WHERE token_hash = $1";
        let columns = [("user_id", Column::Uuid), ("kind", Column::Text)];
        self.first_row(sql, &[bytes(token_hash)], &columns, |mut cells| {
            Ok((cells.uuid()?, cells.text()?))
        })
        .await
    }

    async fn unsubscribe(&self, token_hash: &Hash) -> Result<Option<(Uuid, String)>> {
        let mut tx = self.backend.begin_write().await?;
        let sql = "SELECT user_id, kind FROM unsubscribe_tokens WHERE token_hash = $1";
        let columns = [("user_id", Column::Uuid), ("kind", Column::Text)];
        let rows = tx.fetch(sql, &[bytes(token_hash)], &columns).await?;
        let Some(mut cells) = rows.into_iter().next() else {
            return Ok(None);
        };
        let (user_id, kind) = (cells.uuid()?, cells.text()?);
        let args = [uuid(user_id), text(&kind)];
        tx.execute(
            "DELETE FROM reminder_choices WHERE user_id = $1 AND kind = $2",
            &args,
        )
        .await?;
        tx.execute(
            "DELETE FROM unsubscribe_tokens WHERE user_id = $1 AND kind = $2",
            &args,
        )
        .await?;
        tx.commit().await?;
        Ok(Some((user_id, kind)))
    }
}
