//! Walking a stream the way the app will read it: every row's chain link,
//! hashes and AEAD tag, then the seal against the head the rows reach.
//! `read`, `head`, `verify` and the sealing done by `kintsugi migrate` all
//! judge a stream here, so they can never disagree about what is intact.

use crate::chain::{Break, EventRow, StreamVerifier};
use crate::crypto::{AadHeader, DataKey};
use crate::key::MasterKey;
use crate::record::EventTables;
use crate::seal::{SealKey, SealRow};
use crate::{IntegrityProblem, Result};
use std::sync::Arc;

/// What a walk expects of the stream's seal once the rows end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SealRule {
    /// The seal must name exactly the head the rows reach.
    Required,
    /// The stream is being checked before it is first sealed: any seal
    /// is ignored.
    Ignored,
    /// Only one page is read: the seal must name the head when that page
    /// reaches it, and is not looked at when the page is full (the next
    /// page goes on from its last row).
    OnePage,
}

/// What the stored seal says about a head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SealVerdict {
    Good,
    /// The seal names a later head: more rows should be there (an append
    /// committed after the rows were read), or they were cut off.
    Ahead,
    Broken(Break),
}

/// Judges `seal` against the head (`head_seq`, `head_hash`) of `stream_id`.
pub(crate) fn judge_seal(
    key: &SealKey,
    stream_id: &str,
    (head_seq, head_hash): (i64, &[u8]),
    seal: Option<SealRow>,
    rule: SealRule,
) -> SealVerdict {
    use IntegrityProblem as P;
    match (seal, rule) {
        (_, SealRule::Ignored) => SealVerdict::Good,
        (None, _) if head_seq == 0 => SealVerdict::Good,
        (None, _) => SealVerdict::Broken(Break::at(head_seq, P::Unsealed)),
        (Some(seal), _) if seal.seq > head_seq => SealVerdict::Ahead,
        // Rows past the sealed head were never sealed by an append.
        (Some(seal), _) if seal.seq < head_seq => {
            SealVerdict::Broken(Break::at(seal.seq + 1, P::SealMismatch))
        }
        (Some(seal), _) if key.opens(stream_id, head_seq, head_hash, &seal.seal) => {
            SealVerdict::Good
        }
        (Some(_), _) => SealVerdict::Broken(Break::at(head_seq, P::SealMismatch)),
    }
}

/// The header fields an event's payload is bound to.
pub(crate) fn aad_header(row: &EventRow) -> AadHeader<'_> {
    AadHeader {
        stream_id: &row.stream_id,
        seq: u64::try_from(row.seq).unwrap_or_default(),
        author: &row.author,
        kind: &row.kind,
        created_at: row.created_at,
    }
}

/// The stream's data key, or `None` when it is missing or does not open.
/// Always the file's: a reader must find a wrapped key that went missing or
/// was swapped, whatever this process unwrapped before.
async fn data_key<T: EventTables + ?Sized>(
    tables: &T,
    master: &MasterKey,
    stream_id: &str,
) -> Result<Option<Arc<DataKey>>> {
    Ok(tables
        .wrapped_key(stream_id)
        .await?
        .and_then(|wrapped| unwrap_data_key(tables, master, stream_id, &wrapped)))
}

/// The data key this process already unwrapped for the stream, if any.
pub(crate) fn known_data_key<T: EventTables + ?Sized>(
    tables: &T,
    stream_id: &str,
) -> Option<Arc<DataKey>> {
    tables.known().and_then(|known| known.data_key(stream_id))
}

/// `wrapped` unwrapped under `master` and kept for the next time; `None`
/// when it does not open.
pub(crate) fn unwrap_data_key<T: EventTables + ?Sized>(
    tables: &T,
    master: &MasterKey,
    stream_id: &str,
    wrapped: &[u8],
) -> Option<Arc<DataKey>> {
    let key = Arc::new(DataKey::unwrap(master, stream_id, wrapped).ok()?);
    if let Some(known) = tables.known() {
        known.keep_data_key(stream_id, key.clone());
    }
    Some(key)
}

/// Walks `stream_id` from where `chain` stands, `page` rows at a time,
/// handing each row that passes its chain check and AEAD tag to `visit`
/// with its payload (`None` where the ciphertext is missing). When the
/// rows end, the seal is read (after them: an append writes rows and seal
/// in one transaction, so a seal read later is never behind them) and
/// judged by `rule`. Returns the head the rows reach, or the first break.
pub(crate) async fn walk<T, V>(
    tables: &T,
    master: &MasterKey,
    stream_id: &str,
    mut chain: StreamVerifier,
    (page, rule): (i64, SealRule),
    mut visit: V,
) -> Result<Result<(i64, Vec<u8>), Break>>
where
    T: EventTables + ?Sized,
    V: FnMut(EventRow, Option<Vec<u8>>) -> Result<(), Break> + Send,
{
    let mut opener = RowOpener::new(master, stream_id);
    let mut seal_is_ahead = false;
    loop {
        let rows = tables.events_after(stream_id, chain.head().0, page).await?;
        if rows.is_empty() && seal_is_ahead {
            return Ok(Err(Break::at(chain.head().0 + 1, IntegrityProblem::CutOff)));
        }
        let full_page = rows.len() as i64 == page;
        for row in rows {
            if let Err(found) = chain.check(&row) {
                return Ok(Err(found));
            }
            let payload = match opener.open(tables, &row).await? {
                Ok(payload) => payload,
                Err(found) => return Ok(Err(found)),
            };
            if let Err(found) = visit(row, payload) {
                return Ok(Err(found));
            }
        }
        if full_page && rule == SealRule::OnePage {
            let (seq, hash) = chain.head();
            return Ok(Ok((seq, hash.to_vec())));
        }
        if full_page {
            continue;
        }
        let seal = tables.seal_row(stream_id).await?;
        match judge_seal(&opener.seal_key, stream_id, chain.head(), seal, rule) {
            SealVerdict::Good => {
                let (seq, hash) = chain.head();
                return Ok(Ok((seq, hash.to_vec())));
            }
            SealVerdict::Ahead => seal_is_ahead = true,
            SealVerdict::Broken(found) => return Ok(Err(found)),
        }
    }
}

/// What a reader has checked of the rows after `after`: each row with its
/// payload (`None` where a proven redaction removed it).
pub(crate) type Checked = Vec<(EventRow, Option<Vec<u8>>)>;

/// The rows of `stream_id` after `after`, judged as [`walk`] judges them
/// under [`SealRule::Required`], from one read of the rows and the seal
/// together: a catch-up that finds nothing new costs one query, not three.
/// `None` when the stream has no seal; [`walk`] then says what that means.
pub(crate) async fn read_after<T: EventTables + ?Sized>(
    tables: &T,
    master: &MasterKey,
    stream_id: &str,
    after: i64,
) -> Result<Option<Result<Checked, Break>>> {
    let Some((seal, rows)) = tables.sealed_rows_from(stream_id, after.max(1)).await? else {
        return Ok(None);
    };
    let mut rows = rows.into_iter().peekable();
    let mut chain = StreamVerifier::default();
    if after > 0 {
        // The caller saw `after` events: each must still be there.
        match rows.next_if(|row| row.seq == after) {
            Some(seen) => chain = StreamVerifier::after(after, seen.hash),
            None => return Ok(Some(Err(Break::at(after, IntegrityProblem::CutOff)))),
        }
    }
    let mut opener = RowOpener::new(master, stream_id);
    let mut checked = Vec::new();
    for row in rows {
        if let Err(found) = chain.check(&row) {
            return Ok(Some(Err(found)));
        }
        match opener.open(tables, &row).await? {
            Ok(payload) => checked.push((row, payload)),
            Err(found) => return Ok(Some(Err(found))),
        }
    }
    let (seq, hash) = chain.head();
    Ok(Some(
        match judge_seal(
            &opener.seal_key,
            stream_id,
            (seq, hash),
            Some(seal),
            SealRule::Required,
        ) {
            SealVerdict::Good => Ok(checked),
            // Rows and seal were read at one moment: a seal ahead of the
            // rows means rows were cut off, not that an append is landing.
            SealVerdict::Ahead => Err(Break::at(seq + 1, IntegrityProblem::CutOff)),
            SealVerdict::Broken(found) => Err(found),
        },
    ))
}

/// Opens each row's payload for one stream, unwrapping its data key once.
struct RowOpener<'a> {
    master: &'a MasterKey,
    stream_id: &'a str,
    seal_key: SealKey,
    key: Option<Arc<DataKey>>,
}

impl<'a> RowOpener<'a> {
    fn new(master: &'a MasterKey, stream_id: &'a str) -> Self {
        RowOpener {
            master,
            stream_id,
            seal_key: SealKey::derive(master),
            key: None,
        }
    }

    /// The row's plaintext; `None` for a redaction the store proves; the
    /// break where the ciphertext is missing unproven or does not open.
    async fn open<T: EventTables + ?Sized>(
        &mut self,
        tables: &T,
        row: &EventRow,
    ) -> Result<Result<Option<Vec<u8>>, Break>> {
        let Some(ciphertext) = &row.payload_ciphertext else {
            return Ok(if redaction_proven(tables, &self.seal_key, row).await? {
                Ok(None)
            } else {
                Err(Break::at(row.seq, IntegrityProblem::UnprovenRedaction))
            });
        };
        if self.key.is_none() {
            self.key = data_key(tables, self.master, self.stream_id).await?;
        }
        let Some(key) = &self.key else {
            return Ok(Err(Break::at(row.seq, IntegrityProblem::DataKey)));
        };
        Ok(key
            .open_event(&aad_header(row), row.format, ciphertext)
            .map(Some)
            .map_err(|_| Break::at(row.seq, IntegrityProblem::Undecryptable)))
    }
}

/// Whether the store's proof of a redaction stands beside `row`, whose
/// ciphertext is gone: made under this master key for this stream, `seq`
/// and payload hash, so a ciphertext someone removed by hand is never
/// taken for a withdrawal.
async fn redaction_proven<T: EventTables + ?Sized>(
    tables: &T,
    seal_key: &SealKey,
    row: &EventRow,
) -> Result<bool> {
    let proof = tables.redaction_proof(&row.stream_id, row.seq).await?;
    Ok(proof.is_some_and(|proof| {
        seal_key.proves_redaction(&row.stream_id, row.seq, &row.payload_hash, &proof)
    }))
}
