//! The export as a zip, written while it is sent: a page of events is read,
//! written into the zip, and the bytes that made go out before the next
//! page is read. Memory holds one page and the zip's own small buffers,
//! whatever the length of the record.

use super::document::{HtmlCopy, JsonDocument, PersonPart, Section};
use crate::app::clock::Zone;
use axum::body::Bytes;
use kintsugi_core::streams::couple::CoupleEvent;
use kintsugi_core::streams::private::PrivateEvent;
use kintsugi_core::views::export::{ExportRules, ExportedEvent};
use kintsugi_core::{Meta, UserId};
use kintsugi_store::{Store, StoredEvent};
use std::io::{self, Write};
use std::sync::{Arc, Mutex, PoisonError};
use time::OffsetDateTime;
use tokio::sync::mpsc;
use zeroize::Zeroizing;
use zip::write::SimpleFileOptions;
use zip::{AesMode, CompressionMethod, ZipWriter};

/// How many events are read at a time.
const PAGE: u32 = 200;
/// How many chunks may wait for the client before the writer waits too.
const CHUNKS_IN_FLIGHT: usize = 4;

/// The names inside the zip.
pub const JSON_NAME: &str = "kintsugi-export.json";
pub const HTML_NAME: &str = "kintsugi-export.html";

/// Everything the writer needs, fixed when the export starts.
pub struct Plan {
    pub store: Arc<dyn Store>,
    pub rules: ExportRules,
    pub person: PersonPart,
    pub zone: Zone,
    pub exported_at: OffsetDateTime,
    pub private_stream: String,
    /// The private stream's head when the export started.
    pub private_through: u64,
    pub couple_stream: Option<String>,
    /// The passphrase the zip's files are encrypted with (WinZip AES-256).
    pub passphrase: Option<Zeroizing<String>>,
}

/// The bytes the zip wrote since they were last taken.
#[derive(Clone, Default)]
struct Pending(Arc<Mutex<Vec<u8>>>);

impl Pending {
    fn take(&self) -> Vec<u8> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl Write for Pending {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

pub type Chunk = Result<Bytes, io::Error>;

/// Starts writing `plan`'s zip; its bytes arrive on the receiver. A
/// failure part way ends the stream with an error, so the download fails
/// instead of ending short.
pub fn start(plan: Plan) -> mpsc::Receiver<Chunk> {
    let (tx, rx) = mpsc::channel(CHUNKS_IN_FLIGHT);
    tokio::spawn(async move {
        let mut out = Out {
            pending: Pending::default(),
            tx,
        };
        if let Err(error) = write_zip(&plan, &mut out).await {
            tracing::warn!(%error, "an export stopped part way");
            let _ = out.tx.send(Err(error)).await;
        }
    });
    rx
}

struct Out {
    pending: Pending,
    tx: mpsc::Sender<Chunk>,
}

impl Out {
    /// Sends what the zip wrote so far; an error when the client left.
    async fn send(&self) -> io::Result<()> {
        let bytes = self.pending.take();
        if bytes.is_empty() {
            return Ok(());
        }
        self.tx
            .send(Ok(Bytes::from(bytes)))
            .await
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the download was left"))
    }
}

type Zip = ZipWriter<zip::write::StreamWriter<Pending>>;

async fn write_zip(plan: &Plan, out: &mut Out) -> io::Result<()> {
    let mut zip = ZipWriter::new_stream(out.pending.clone());
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    let options = match &plan.passphrase {
        Some(secret) => options.with_aes_encryption(AesMode::Aes256, secret.as_str()),
        None => options,
    };

    zip.start_file(JSON_NAME, options)
        .map_err(io::Error::other)?;
    let mut json = JsonDocument::start(&mut zip, plan.exported_at, &plan.person)?;
    for section in [Section::Private, Section::Couple] {
        json.section(&mut zip, section)?;
        each_event(plan, section, &mut zip, out, |zip, event, _| {
            json.event(zip, event)
        })
        .await?;
    }
    json.finish(&mut zip)?;

    zip.start_file(HTML_NAME, options)
        .map_err(io::Error::other)?;
    let mut html = HtmlCopy::start(&mut zip, plan.exported_at, &plan.person, plan.zone)?;
    for section in [Section::Private, Section::Couple] {
        html.section(&mut zip, section)?;
        each_event(plan, section, &mut zip, out, |zip, event, who| {
            html.event(zip, event, who)
        })
        .await?;
    }
    html.finish(&mut zip)?;

    zip.finish().map_err(io::Error::other)?;
    out.send().await
}

/// Reads `section`'s stream a page at a time, hands each event the export
/// holds to `write`, and sends the zip's bytes after each page.
async fn each_event(
    plan: &Plan,
    section: Section,
    zip: &mut Zip,
    out: &mut Out,
    mut write: impl FnMut(&mut Zip, &ExportedEvent, &str) -> io::Result<()>,
) -> io::Result<()> {
    let (stream, through) = match section {
        Section::Private => (Some(&plan.private_stream), plan.private_through),
        Section::Couple => (plan.couple_stream.as_ref(), plan.rules.couple_through()),
    };
    let Some(stream) = stream else {
        return Ok(());
    };
    let mut after = 0;
    while after < through {
        let page = plan
            .store
            .read_page(stream, after, PAGE)
            .await
            .map_err(io::Error::other)?;
        let Some(last) = page.last() else {
            break;
        };
        after = last.seq;
        for row in page.iter().filter(|row| row.seq <= through) {
            if let Some(event) = exported(&plan.rules, section, row)? {
                let who = plan.rules.who(author_of(row)?).label();
                write(zip, &event, who)?;
            }
        }
        out.send().await?;
    }
    Ok(())
}

/// One stored row as the export writes it, or `None` when it is not in
/// the export.
fn exported(
    rules: &ExportRules,
    section: Section,
    row: &StoredEvent,
) -> io::Result<Option<ExportedEvent>> {
    let meta = Meta {
        seq: row.seq,
        author: author_of(row)?,
        at: row.created_at,
    };
    let Some(payload) = row.payload.as_deref() else {
        return Ok(None);
    };
    let event = match section {
        Section::Private => {
            let event: PrivateEvent = decode(row, payload)?;
            if !rules.holds_private(&meta, &event) {
                return Ok(None);
            }
            ExportedEvent::of(rules, &meta, &event)
        }
        Section::Couple => {
            let event: CoupleEvent = decode(row, payload)?;
            if !rules.holds_couple(&meta, &event) {
                return Ok(None);
            }
            ExportedEvent::of(rules, &meta, &event)
        }
    };
    Ok(Some(event?))
}

fn decode<T: serde::de::DeserializeOwned>(row: &StoredEvent, payload: &[u8]) -> io::Result<T> {
    // Say where, never what: serde's message can quote the payload.
    serde_json::from_slice(payload).map_err(|_| {
        io::Error::other(format!(
            "stream {} seq {}: an event does not decode",
            row.stream_id, row.seq
        ))
    })
}

fn author_of(row: &StoredEvent) -> io::Result<UserId> {
    row.author.parse::<UserId>().map_err(|_| {
        io::Error::other(format!(
            "stream {} seq {}: author is not a user id",
            row.stream_id, row.seq
        ))
    })
}
