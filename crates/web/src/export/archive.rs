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
        // Withdrawn by its author: the couple's record keeps a tombstone;
        // a kept entry its author deleted is simply gone.
        return Ok(match section {
            Section::Couple => Some(ExportedEvent::withdrawn(rules, &meta, &row.kind)),
            Section::Private => None,
        });
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::document::PersonPart;
    use kintsugi_core::talk::PrivateTalkEvent;
    use kintsugi_core::{EntryId, StreamId};
    use kintsugi_store::NewEvent;
    use std::io::{Cursor, Read};

    fn kept_word(me: UserId, words: String) -> NewEvent {
        let event = PrivateEvent::from(PrivateTalkEvent::HowItWent {
            request: EntryId(1),
            words,
        });
        NewEvent {
            author: me.to_string(),
            kind: "private".into(),
            payload: serde_json::to_vec(&event).unwrap(),
        }
    }

    /// More than two pages of events: each page is read after the one
    /// before, so the document holds every event once, in order, and
    /// nothing written after the export started.
    #[tokio::test]
    async fn a_stream_longer_than_a_page_is_written_whole_and_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("k.db").display());
        let store = kintsugi_store::open(&url, kintsugi_store::MasterKey::generate())
            .await
            .unwrap();
        let me = UserId(uuid::Uuid::new_v4());
        let stream = StreamId::private(me).as_str().to_owned();
        let total = u64::from(PAGE) * 2 + 37;
        let events = (1..=total).map(|n| kept_word(me, format!("mk-word-{n}")));
        store.append(&stream, 0, events.collect()).await.unwrap();
        let plan = Plan {
            store: store.clone(),
            rules: ExportRules::alone(me),
            person: PersonPart {
                id: me.0.to_string(),
                email: "ana@example.org".into(),
                time_zone: "UTC".into(),
                in_a_couple: false,
            },
            zone: Zone::utc(),
            exported_at: OffsetDateTime::now_utc(),
            private_stream: stream.clone(),
            private_through: total,
            couple_stream: None,
            passphrase: None,
        };
        let late = vec![kept_word(me, "mk-word-late".into())];
        store.append(&stream, total, late).await.unwrap();

        let mut received = start(plan);
        let mut bytes = Vec::new();
        while let Some(chunk) = received.recv().await {
            bytes.extend_from_slice(&chunk.unwrap());
        }
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut json = String::new();
        archive
            .by_name(JSON_NAME)
            .unwrap()
            .read_to_string(&mut json)
            .unwrap();
        let document: serde_json::Value = serde_json::from_str(&json).unwrap();
        let private = document["private"].as_array().unwrap();
        assert_eq!(private.len() as u64, total);
        for (n, event) in (1..).zip(private) {
            assert_eq!(event["seq"], n);
            assert_eq!(event["who"], "me");
            assert_eq!(event["content"]["words"], format!("mk-word-{n}"));
        }
        assert!(!json.contains("mk-word-late"));
        let mut html = String::new();
        archive
            .by_name(HTML_NAME)
            .unwrap()
            .read_to_string(&mut html)
            .unwrap();
        assert_eq!(html.matches("<article>").count() as u64, total);
    }
}
