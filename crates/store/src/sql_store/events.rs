//! The record's rows: the `EventTables` a backend offers `record`, written
//! once, and the `EventStore` on top of it.

use super::deletions;
use super::people::insert_member;
use super::snapshots::DROP_REDACTED_SNAPSHOT;
use super::therapists::insert_therapist_link;
use super::{Backend, SqlStore};
use crate::chain::EventRow;
use crate::known::Known;
use crate::record::{self, CommitRows, DeletionRow, Destroyed, EventTables, Inserted};
use crate::rows::{deletion_row, event_row, seal_row, submission_record};
use crate::seal::SealRow;
use crate::snapshots::{self, FoundSnapshot, SnapshotRow};
use crate::sql::{Cells, SqlTx};
use crate::tables::{
    bytes, int, text, Column, Value, EVENTS, REDACTIONS, STREAM_DELETIONS, STREAM_KEYS,
    STREAM_SEALS, SUBMISSIONS,
};
use crate::timestamp::to_micros;
use crate::{
    is_unique_violation, ChainHead, DeletionReason, DeletionRecord, EventStore, Hash, Joining,
    PayloadDecoder, Result, Snapshot, StoredEvent, StreamAppend, SubmissionRecord, VerifyReport,
    Witness,
};
use async_trait::async_trait;
use std::sync::LazyLock;
use uuid::Uuid;

fn event_values(row: &EventRow) -> [Value; 10] {
    [
        text(&row.stream_id),
        int(row.seq),
        bytes(&row.prev_hash),
        bytes(&row.hash),
        text(&row.author),
        text(&row.kind),
        int(row.created_at),
        Value::Bytes(row.payload_ciphertext.clone()),
        bytes(&row.payload_hash),
        int(row.format),
    ]
}

/// Streams' new seals, each replacing the one before it.
fn upsert_seals_sql(rows: usize) -> String {
    format!(
        "{} ON CONFLICT (stream_id) DO UPDATE SET seq = excluded.seq, seal = excluded.seal",
        STREAM_SEALS.insert_rows_sql(rows)
    )
}

fn seal_values(seal: &SealRow) -> [Value; 3] {
    [text(&seal.stream_id), int(seal.seq), bytes(&seal.seal)]
}

/// A redacted event keeps its header and payload hash; only the
/// ciphertext goes (SQLite's `secure_delete` overwrites the old bytes).
const CLEAR_CIPHERTEXT: &str = "UPDATE events SET payload_ciphertext = NULL \
     WHERE stream_id = $1 AND seq = $2 AND payload_ciphertext IS NOT NULL";

/// A stream's seal beside each of its rows from `$2` on, or beside
/// nothing (one row of NULLs) when it has none there.
static SEALED_ROWS: LazyLock<String> = LazyLock::new(|| {
    let seal = STREAM_SEALS
        .columns
        .iter()
        .map(|(name, _)| format!("s.{name}"));
    let event = EVENTS.columns.iter().map(|(name, _)| format!("e.{name}"));
    format!(
        "SELECT {} FROM stream_seals s \
         LEFT JOIN events e ON e.stream_id = s.stream_id AND e.seq >= $2 \
         WHERE s.stream_id = $1 ORDER BY e.seq",
        seal.chain(event).collect::<Vec<_>>().join(", ")
    )
});

/// Submission rows, each in place of an expired row of the same key;
/// nothing for a key in use (fewer rows written than given).
fn upsert_submissions_sql(rows: usize) -> String {
    let set = SUBMISSIONS.columns[2..]
        .iter()
        .map(|(column, _)| format!("{column} = excluded.{column}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "{} ON CONFLICT (user_id, key_hash) DO UPDATE SET {set} \
         WHERE submissions.created_at < excluded.created_at - {}",
        SUBMISSIONS.insert_rows_sql(rows),
        record::lifetime_micros()
    )
}

fn submission_values(row: &SubmissionRecord) -> [Value; 6] {
    [
        Value::Uuid(Some(row.user_id)),
        bytes(&row.key_hash),
        bytes(&row.request_hash),
        text(&row.stream_id),
        int(i64::try_from(row.seq).unwrap_or(i64::MAX)),
        int(to_micros(row.created_at)),
    ]
}

/// Inside the commit's transaction: the key first, so that of two commits
/// with one key the second waits on the first and then finds it used,
/// rather than losing on the events' key and retrying; the events before
/// the membership, so that of two joins racing on one record the loser
/// learns it lost the race and decides again.
pub(crate) async fn insert_rows(tx: &mut dyn SqlTx, commit: CommitRows<'_>) -> Result<Inserted> {
    let CommitRows {
        rows,
        seals,
        submission,
        joining,
        redactions,
    } = commit;
    if let Some(submission) = submission {
        // A used key's row wins unless it expired: then it is replaced.
        let args = submission_values(submission);
        if tx.execute(&upsert_submissions_sql(1), &args).await? == 0 {
            return Ok(Inserted::KeyUsed);
        }
    }
    // One statement per stream, so that a lost race names its stream.
    for stream_rows in rows.chunk_by(|a, b| a.stream_id == b.stream_id) {
        if !insert_events(tx, stream_rows).await? {
            return Ok(Inserted::StreamMoved(stream_rows[0].stream_id.clone()));
        }
    }
    for redaction in redactions {
        let stream_id = &redaction.stream_id;
        let args = [text(stream_id), int(redaction.seq)];
        // Checked before the transaction; a redaction racing this one would
        // have lost on the events' key above, so 0 rows means the same.
        if tx.execute(CLEAR_CIPHERTEXT, &args).await? != 1 {
            return Ok(Inserted::StreamMoved(stream_id.clone()));
        }
        let proof = [text(stream_id), int(redaction.seq), bytes(&redaction.proof)];
        tx.execute(&REDACTIONS.insert_sql(), &proof).await?;
    }
    match joining {
        Some(Joining::Partner(member)) => insert_member(tx, member).await?,
        Some(Joining::Therapist(link)) => insert_therapist_link(tx, link).await?,
        Some(Joining::Ending(ending)) => super::endings::insert_space_ending(tx, ending).await?,
        None => {}
    }
    // Only once every row is in: a lost race above wrote no seal.
    insert_seals(tx, seals).await?;
    // Holding the seals, which a snapshot's save holds too: a snapshot
    // that folded a redacted event goes, whenever it was written.
    for redaction in redactions {
        let args = [text(&redaction.stream_id), int(redaction.seq)];
        tx.execute(DROP_REDACTED_SNAPSHOT, &args).await?;
    }
    Ok(Inserted::Everything)
}

/// Inside the group commit's transaction, a batch of actions that join no
/// one and redact nothing, written with one statement per table for all of
/// them: their submission rows, their events, their seals. `false` when
/// any of them is refused (a key in use, a stream that moved): the caller
/// then drops the transaction and writes each apart to say which.
pub(crate) async fn insert_together(
    tx: &mut dyn SqlTx,
    commits: &[CommitRows<'_>],
) -> Result<bool> {
    let submissions: Vec<&SubmissionRecord> = commits
        .iter()
        .filter_map(|commit| commit.submission)
        .collect();
    if !submissions.is_empty() {
        let args: Vec<Value> = submissions
            .iter()
            .flat_map(|submission| submission_values(submission))
            .collect();
        let written = tx
            .execute(&upsert_submissions_sql(submissions.len()), &args)
            .await?;
        if written != submissions.len() as u64 {
            return Ok(false);
        }
    }
    let rows: Vec<EventRow> = commits
        .iter()
        .flat_map(|commit| commit.rows.iter().cloned())
        .collect();
    if !insert_events(tx, &rows).await? {
        return Ok(false);
    }
    let seals: Vec<SealRow> = commits
        .iter()
        .flat_map(|commit| commit.seals.iter().cloned())
        .collect();
    insert_seals(tx, &seals).await?;
    Ok(true)
}

/// The most rows one INSERT carries, well within SQLite's limit of bound
/// values.
const ROWS_PER_INSERT: usize = 256;

/// Inserts `rows`; `false` when one of them is taken already (its stream
/// moved).
async fn insert_events(tx: &mut dyn SqlTx, rows: &[EventRow]) -> Result<bool> {
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let args: Vec<Value> = chunk.iter().flat_map(event_values).collect();
        match tx
            .execute(&EVENTS.insert_rows_sql(chunk.len()), &args)
            .await
        {
            Ok(_) => {}
            Err(error) if is_unique_violation(&error) => return Ok(false),
            Err(error) => return Err(error.into()),
        }
    }
    Ok(true)
}

async fn insert_seals(tx: &mut dyn SqlTx, seals: &[SealRow]) -> Result<()> {
    for chunk in seals.chunks(ROWS_PER_INSERT) {
        let args: Vec<Value> = chunk.iter().flat_map(seal_values).collect();
        tx.execute(&upsert_seals_sql(chunk.len()), &args).await?;
    }
    Ok(())
}

impl<B: Backend> SqlStore<B> {
    /// The one bytes column of the first row of `sql`, if there is a row.
    async fn optional_bytes(&self, sql: &str, args: &[Value]) -> Result<Option<Vec<u8>>> {
        let rows = self
            .reader()
            .fetch(sql, args, &[("bytes", Column::Bytes)])
            .await?;
        rows.into_iter()
            .next()
            .map(|mut cells| cells.bytes())
            .transpose()
    }
}

#[async_trait]
impl<B: Backend> EventTables for SqlStore<B> {
    fn known(&self) -> Option<&Known> {
        self.known.as_deref()
    }

    async fn hash_at(&self, stream_id: &str, seq: i64) -> Result<Option<Vec<u8>>> {
        let sql = "SELECT hash FROM events WHERE stream_id = $1 AND seq = $2";
        self.optional_bytes(sql, &[text(stream_id), int(seq)]).await
    }

    async fn sealed_rows_from(
        &self,
        stream_id: &str,
        from_seq: i64,
    ) -> Result<Option<(SealRow, Vec<EventRow>)>> {
        let columns: Vec<(&str, Column)> = STREAM_SEALS
            .columns
            .iter()
            .chain(EVENTS.columns)
            .copied()
            .collect();
        let rows = self
            .reader()
            .fetch(&SEALED_ROWS, &[text(stream_id), int(from_seq)], &columns)
            .await?;
        let seal_width = STREAM_SEALS.columns.len();
        let mut seal = None;
        let mut events = Vec::new();
        for cells in rows {
            let mut values = cells.into_values();
            let event = values.split_off(seal_width);
            if seal.is_none() {
                seal = Some(seal_row(Cells::new(values))?);
            }
            // The LEFT JOIN's one row without an event: none from `from_seq` on.
            if event.first() != Some(&Value::Text(None)) {
                events.push(event_row(Cells::new(event))?);
            }
        }
        let Some(seal) = seal else {
            return Ok(None);
        };
        Ok(Some((seal, events)))
    }

    async fn head_row(&self, stream_id: &str) -> Result<Option<(i64, Vec<u8>)>> {
        let sql = "SELECT seq, hash FROM events WHERE stream_id = $1 ORDER BY seq DESC LIMIT 1";
        let columns = [("seq", Column::Int), ("hash", Column::Bytes)];
        let rows = self
            .reader()
            .fetch(sql, &[text(stream_id)], &columns)
            .await?;
        rows.into_iter()
            .next()
            .map(|mut cells| Ok((cells.int()?, cells.bytes()?)))
            .transpose()
    }

    async fn insert_commit(&self, commit: CommitRows<'_>) -> Result<Inserted> {
        if let Some(group) = &self.group {
            return group.commit(commit).await;
        }
        let mut tx = self.backend.begin_write().await?;
        let inserted = insert_rows(tx.as_mut(), commit).await?;
        if inserted == Inserted::Everything {
            tx.commit().await?;
            self.batches.record(1);
        }
        Ok(inserted)
    }

    async fn seal_row(&self, stream_id: &str) -> Result<Option<SealRow>> {
        let sql = STREAM_SEALS.select_sql("WHERE stream_id = $1");
        self.first_row(&sql, &[text(stream_id)], STREAM_SEALS.columns, seal_row)
            .await
    }

    async fn all_seals(&self) -> Result<Vec<SealRow>> {
        let sql = STREAM_SEALS.select_sql("ORDER BY stream_id");
        let rows = self.reader().fetch(&sql, &[], STREAM_SEALS.columns).await?;
        rows.into_iter().map(seal_row).collect()
    }

    async fn insert_seal(&self, seal: &SealRow) -> Result<()> {
        let sql = format!(
            "{} ON CONFLICT (stream_id) DO NOTHING",
            STREAM_SEALS.insert_sql()
        );
        let args = [text(&seal.stream_id), int(seal.seq), bytes(&seal.seal)];
        self.writer().execute(&sql, &args).await?;
        Ok(())
    }

    async fn submission_row(
        &self,
        user_id: Uuid,
        key_hash: &Hash,
        not_before: i64,
    ) -> Result<Option<SubmissionRecord>> {
        let sql =
            SUBMISSIONS.select_sql("WHERE user_id = $1 AND key_hash = $2 AND created_at >= $3");
        let args = [Value::Uuid(Some(user_id)), bytes(key_hash), int(not_before)];
        self.first_row(&sql, &args, SUBMISSIONS.columns, submission_record)
            .await
    }

    async fn events_after(
        &self,
        stream_id: &str,
        after_seq: i64,
        limit: i64,
    ) -> Result<Vec<EventRow>> {
        let sql = EVENTS.select_sql("WHERE stream_id = $1 AND seq > $2 ORDER BY seq LIMIT $3");
        let args = [text(stream_id), int(after_seq), int(limit)];
        let rows = self.reader().fetch(&sql, &args, EVENTS.columns).await?;
        rows.into_iter().map(event_row).collect()
    }

    async fn stream_ids_after(&self, after: Option<&str>, limit: i64) -> Result<Vec<String>> {
        // PostgreSQL cannot type `$1 IS NULL`, so two texts, not one.
        let (sql, args) = match after {
            Some(after) => (
                "SELECT stream_id FROM events WHERE stream_id > $1 \
                 UNION SELECT stream_id FROM stream_seals WHERE stream_id > $1 \
                 ORDER BY stream_id LIMIT $2",
                vec![text(after), int(limit)],
            ),
            None => (
                "SELECT stream_id FROM events UNION SELECT stream_id FROM stream_seals \
                 ORDER BY stream_id LIMIT $1",
                vec![int(limit)],
            ),
        };
        let columns = [("stream_id", Column::Text)];
        let rows = self.reader().fetch(sql, &args, &columns).await?;
        rows.into_iter().map(|mut cells| cells.text()).collect()
    }

    async fn wrapped_key(&self, stream_id: &str) -> Result<Option<Vec<u8>>> {
        let sql = "SELECT wrapped_key FROM stream_keys WHERE stream_id = $1";
        self.optional_bytes(sql, &[text(stream_id)]).await
    }

    async fn insert_wrapped_key(
        &self,
        stream_id: &str,
        wrapped: &[u8],
        created_at: i64,
    ) -> Result<()> {
        let sql = format!(
            "{} ON CONFLICT (stream_id) DO NOTHING",
            STREAM_KEYS.insert_sql()
        );
        let args = [text(stream_id), bytes(wrapped), int(created_at)];
        self.writer().execute(&sql, &args).await?;
        Ok(())
    }

    async fn all_wrapped_keys(&self) -> Result<Vec<(String, Vec<u8>)>> {
        let sql = "SELECT stream_id, wrapped_key FROM stream_keys ORDER BY stream_id";
        let columns = [("stream_id", Column::Text), ("wrapped_key", Column::Bytes)];
        let rows = self.reader().fetch(sql, &[], &columns).await?;
        rows.into_iter()
            .map(|mut cells| Ok((cells.text()?, cells.bytes()?)))
            .collect()
    }

    async fn replace_wrapped_keys(
        &self,
        rewrapped: &[(String, Vec<u8>, Vec<u8>)],
        resealed: &[(Vec<u8>, SealRow)],
        key_check: &[u8],
    ) -> Result<bool> {
        let mut tx = self.backend.begin_key_rotation().await?;
        if count_rows(tx.as_mut(), "stream_keys").await? != rewrapped.len() as i64
            || count_rows(tx.as_mut(), "stream_seals").await? != resealed.len() as i64
        {
            return Ok(false);
        }
        // Each seal only if it is still the one checked: an append since
        // would have replaced it.
        let reseal = "UPDATE stream_seals SET seal = $1 \
                      WHERE stream_id = $2 AND seq = $3 AND seal = $4";
        for (old, new) in resealed {
            let args = [
                bytes(&new.seal),
                text(&new.stream_id),
                int(new.seq),
                bytes(old),
            ];
            if tx.execute(reseal, &args).await? != 1 {
                return Ok(false);
            }
        }
        let update =
            "UPDATE stream_keys SET wrapped_key = $1 WHERE stream_id = $2 AND wrapped_key = $3";
        for (stream_id, old, new) in rewrapped {
            let args = [bytes(new), text(stream_id), bytes(old)];
            if tx.execute(update, &args).await? != 1 {
                return Ok(false);
            }
        }
        let args = [bytes(key_check), text(record::KEY_CHECK)];
        tx.execute("UPDATE meta SET value = $1 WHERE name = $2", &args)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn meta(&self, name: &str) -> Result<Option<Vec<u8>>> {
        let sql = "SELECT value FROM meta WHERE name = $1";
        self.optional_bytes(sql, &[text(name)]).await
    }

    async fn redaction_proof(&self, stream_id: &str, seq: i64) -> Result<Option<Vec<u8>>> {
        let sql = "SELECT proof FROM redactions WHERE stream_id = $1 AND seq = $2";
        self.optional_bytes(sql, &[text(stream_id), int(seq)]).await
    }

    async fn destroy_rows(&self, row: &DeletionRow, space: Option<Uuid>) -> Result<Destroyed> {
        let mut tx = self.backend.begin_write().await?;
        let destroyed = deletions::destroy_in(tx.as_mut(), row, space).await?;
        if destroyed == Destroyed::Done {
            tx.commit().await?;
        }
        Ok(destroyed)
    }

    async fn deletion_row(&self, stream_id: &str) -> Result<Option<DeletionRow>> {
        let sql = STREAM_DELETIONS.select_sql("WHERE stream_id = $1");
        self.first_row(
            &sql,
            &[text(stream_id)],
            STREAM_DELETIONS.columns,
            deletion_row,
        )
        .await
    }

    async fn deletion_rows_after(
        &self,
        after: Option<&str>,
        limit: i64,
    ) -> Result<Vec<DeletionRow>> {
        // As in `stream_ids_after`: PostgreSQL cannot type `$1 IS NULL`.
        let (sql, args) = match after {
            Some(after) => (
                STREAM_DELETIONS.select_sql("WHERE stream_id > $1 ORDER BY stream_id LIMIT $2"),
                vec![text(after), int(limit)],
            ),
            None => (
                STREAM_DELETIONS.select_sql("ORDER BY stream_id LIMIT $1"),
                vec![int(limit)],
            ),
        };
        let rows = self
            .reader()
            .fetch(&sql, &args, STREAM_DELETIONS.columns)
            .await?;
        rows.into_iter().map(deletion_row).collect()
    }

    async fn put_snapshot(&self, row: &SnapshotRow) -> Result<bool> {
        self.put_snapshot_row(row).await
    }

    async fn snapshot_row(&self, stream_id: &str, format: i64) -> Result<Option<FoundSnapshot>> {
        self.snapshot_row_of(stream_id, format).await
    }

    async fn insert_meta(&self, name: &str, value: &[u8]) -> Result<()> {
        let sql = "INSERT INTO meta (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING";
        self.writer()
            .execute(sql, &[text(name), bytes(value)])
            .await?;
        Ok(())
    }
}

#[async_trait]
impl<B: Backend> EventStore for SqlStore<B> {
    async fn commit_at(
        &self,
        appends: Vec<StreamAppend>,
        submission: Option<crate::NewSubmission>,
        joining: Option<Joining>,
        at: time::OffsetDateTime,
    ) -> Result<Vec<Vec<StoredEvent>>> {
        record::commit(self, &self.key, (appends, submission, joining), at).await
    }

    async fn append_dated(
        &self,
        stream_id: &str,
        expected_seq: u64,
        events: Vec<(crate::NewEvent, time::OffsetDateTime)>,
    ) -> Result<Vec<StoredEvent>> {
        record::append_dated(self, &self.key, stream_id, expected_seq, events).await
    }

    async fn submission(&self, user_id: Uuid, key_hash: &Hash) -> Result<Option<SubmissionRecord>> {
        record::submission(self, user_id, key_hash).await
    }

    async fn forget_expired_submissions(&self, now: time::OffsetDateTime) -> Result<u64> {
        let expired_before = to_micros(now) - record::lifetime_micros();
        let sql = "DELETE FROM submissions WHERE created_at < $1";
        Ok(self.writer().execute(sql, &[int(expired_before)]).await?)
    }

    async fn read(&self, stream_id: &str, after_seq: u64) -> Result<Vec<StoredEvent>> {
        record::read(self, &self.key, stream_id, after_seq).await
    }

    async fn read_page(
        &self,
        stream_id: &str,
        after_seq: u64,
        limit: u32,
    ) -> Result<Vec<StoredEvent>> {
        record::read_page(self, &self.key, stream_id, after_seq, limit).await
    }

    async fn head(&self, stream_id: &str) -> Result<Option<ChainHead>> {
        record::head(self, &self.key, stream_id).await
    }

    async fn check_witness(&self, witness: &Witness) -> Result<()> {
        match record::check_witness(self, &self.key, witness).await? {
            None => Ok(()),
            Some(found) => Err(found.into_error()),
        }
    }

    async fn verify_with(&self, decoder: &dyn PayloadDecoder) -> Result<VerifyReport> {
        record::verify(self, &self.key, decoder).await
    }

    async fn destroy_stream(
        &self,
        stream_id: &str,
        reason: DeletionReason,
        at: time::OffsetDateTime,
    ) -> Result<Option<DeletionRecord>> {
        record::destroy(self, &self.key, (stream_id, reason), at).await
    }

    async fn deletion_record(&self, stream_id: &str) -> Result<Option<DeletionRecord>> {
        record::checked_deletion(self, &self.key, stream_id).await
    }

    async fn save_snapshot(&self, stream_id: &str, snapshot: &Snapshot) -> Result<bool> {
        snapshots::save(self, &self.key, stream_id, snapshot).await
    }

    async fn load_snapshot(&self, stream_id: &str, format: u32) -> Result<Option<Snapshot>> {
        snapshots::load(self, &self.key, stream_id, format).await
    }
}

/// How many rows `table` has, inside the transaction.
async fn count_rows(tx: &mut dyn SqlTx, table: &str) -> Result<i64> {
    let count = [("count", Column::Int)];
    let sql = format!("SELECT COUNT(*) FROM {table}");
    match tx.fetch(&sql, &[], &count).await?.into_iter().next() {
        Some(mut cells) => cells.int(),
        None => Ok(0),
    }
}
