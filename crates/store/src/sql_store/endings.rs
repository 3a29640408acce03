//! Ended shared spaces, one query text each for both backends.

use super::{Backend, SqlStore};
use crate::sql::{Cells, SqlTx};
use crate::tables::{int, uuid, SPACE_ENDINGS};
use crate::timestamp::{from_micros, to_micros};
use crate::{Result, SpaceEnding, SpaceEndings};
use async_trait::async_trait;
use time::OffsetDateTime;
use uuid::Uuid;

fn ending_record(mut cells: Cells) -> Result<SpaceEnding> {
    Ok(SpaceEnding {
        couple_id: cells.uuid()?,
        ended_at: from_micros(cells.int()?)?,
        destroy_after: from_micros(cells.int()?)?,
    })
}

/// Inside the commit of the "ended" event: the ending's row. A second
/// ending of the same space cannot happen (the record refuses it and the
/// event's append races on the stream's head), and the primary key says
/// so again.
pub(super) async fn insert_space_ending(tx: &mut dyn SqlTx, ending: &SpaceEnding) -> Result<()> {
    let args = [
        uuid(ending.couple_id),
        int(to_micros(ending.ended_at)),
        int(to_micros(ending.destroy_after)),
    ];
    tx.execute(&SPACE_ENDINGS.insert_sql(), &args).await?;
    Ok(())
}

#[async_trait]
impl<B: Backend> SpaceEndings for SqlStore<B> {
    async fn space_ending(&self, couple_id: Uuid) -> Result<Option<SpaceEnding>> {
        let sql = SPACE_ENDINGS.select_sql("WHERE couple_id = $1");
        self.first_row(
            &sql,
            &[uuid(couple_id)],
            SPACE_ENDINGS.columns,
            ending_record,
        )
        .await
    }

    async fn space_endings_due(&self, at: OffsetDateTime) -> Result<Vec<SpaceEnding>> {
        let sql = SPACE_ENDINGS.select_sql("WHERE destroy_after <= $1 ORDER BY destroy_after");
        let rows = self
            .reader()
            .fetch(&sql, &[int(to_micros(at))], SPACE_ENDINGS.columns)
            .await?;
        rows.into_iter().map(ending_record).collect()
    }

    async fn forget_space_ending(&self, couple_id: Uuid) -> Result<()> {
        self.writer()
            .execute(
                "DELETE FROM space_endings WHERE couple_id = $1",
                &[uuid(couple_id)],
            )
            .await?;
        Ok(())
    }
}
