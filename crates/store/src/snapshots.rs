//! Snapshots of the app's stream states, written once above the backends:
//! sealed under the stream's data key like a payload, bound to the stream,
//! `seq`, head and format, and handed back only while they stand on the
//! stream's chain. A backend only stores and fetches the rows
//! ([`EventTables::put_snapshot`], [`EventTables::snapshot_row`]).

use crate::crypto::{DataKey, SnapshotAad};
use crate::key::MasterKey;
use crate::record::EventTables;
use crate::timestamp::now_micros;
use crate::{Hash, Result, Snapshot};

/// A snapshot as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SnapshotRow {
    pub stream_id: String,
    pub seq: i64,
    pub format: i64,
    pub head: Vec<u8>,
    pub ciphertext: Vec<u8>,
    pub created_at: i64,
}

/// A stored snapshot and, read with it, what its stream holds now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FoundSnapshot {
    pub row: SnapshotRow,
    /// The hash of the stream's event at the snapshot's `seq`, if that
    /// event is still there.
    pub chain_hash: Option<Vec<u8>>,
    pub wrapped_key: Option<Vec<u8>>,
}

/// See [`crate::EventStore::save_snapshot`].
pub(crate) async fn save<T: EventTables + ?Sized>(
    tables: &T,
    master: &MasterKey,
    stream_id: &str,
    snapshot: &Snapshot,
) -> Result<bool> {
    let seq = match i64::try_from(snapshot.seq) {
        Ok(seq) if seq >= 1 => seq,
        _ => return Ok(false),
    };
    let key = match tables.wrapped_key(stream_id).await? {
        Some(wrapped) => DataKey::unwrap(master, stream_id, &wrapped).ok(),
        None => None,
    };
    let Some(key) = key else {
        tracing::debug!(stream = stream_id, seq, "no data key for a snapshot");
        return Ok(false);
    };
    let at = SnapshotAad {
        stream_id,
        seq: snapshot.seq,
        format: snapshot.format,
        head: &snapshot.head,
    };
    let row = SnapshotRow {
        stream_id: stream_id.to_owned(),
        seq,
        format: i64::from(snapshot.format),
        head: snapshot.head.to_vec(),
        ciphertext: key.seal_snapshot(&at, &snapshot.state),
        created_at: now_micros(),
    };
    tables.put_snapshot(&row).await
}

/// See [`crate::EventStore::load_snapshot`]. Why one is not used is logged
/// at debug, by stream and `seq`; never anything it holds.
pub(crate) async fn load<T: EventTables + ?Sized>(
    tables: &T,
    master: &MasterKey,
    stream_id: &str,
    format: u32,
) -> Result<Option<Snapshot>> {
    let Some(found) = tables.snapshot_row(stream_id, i64::from(format)).await? else {
        return Ok(None);
    };
    let row = &found.row;
    let unused = |why: &str| {
        tracing::debug!(
            stream = stream_id,
            seq = row.seq,
            why,
            "a snapshot is not used"
        );
        Ok(None)
    };
    if found.chain_hash.as_deref() != Some(row.head.as_slice()) {
        return unused("its event is gone or another");
    }
    let (Ok(seq), Ok(head)) = (u64::try_from(row.seq), Hash::try_from(row.head.as_slice())) else {
        return unused("its seq or head is malformed");
    };
    let wrapped = found.wrapped_key.as_deref();
    let Some(key) = wrapped.and_then(|wrapped| DataKey::unwrap(master, stream_id, wrapped).ok())
    else {
        return unused("no data key opens it");
    };
    let at = SnapshotAad {
        stream_id,
        seq,
        format,
        head: &head,
    };
    match key.open_snapshot(&at, &row.ciphertext) {
        Ok(state) => Ok(Some(Snapshot {
            seq,
            format,
            head,
            state,
        })),
        Err(_) => unused("it does not decrypt"),
    }
}
