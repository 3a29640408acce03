//! The two files of an export, written a piece at a time: the JSON document
//! (`docs/export.md` describes every field) and its readable HTML copy (no
//! script, no outside resource, its style inline, made to print).

use crate::app::clock::Zone;
use crate::present::dates;
use kintsugi_core::views::export::{ExportedEvent, FORMAT, VERSION};
use serde::Serialize;
use serde_json::Value;
use std::io::{self, Write};
use time::OffsetDateTime;

/// The person the export is for, as the document names them.
#[derive(Debug, Clone, Serialize)]
pub struct PersonPart {
    pub id: String,
    pub email: String,
    pub time_zone: String,
    /// `true` when they belong to a couple space: `couple` is then the
    /// record as they see it.
    pub in_a_couple: bool,
}

/// The two lists, in the order they are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Private,
    Couple,
}

impl Section {
    pub fn key(self) -> &'static str {
        match self {
            Section::Private => "private",
            Section::Couple => "couple",
        }
    }

    fn heading(self) -> &'static str {
        match self {
            Section::Private => "What I kept to myself",
            Section::Couple => "Our shared record, as I see it",
        }
    }

    fn explanation(self) -> &'static str {
        match self {
            Section::Private => "Only I could ever see these: my private check-ins, pulses, signs, kept words and reflections.",
            Section::Couple => "Everything my partner and I shared, and what was shared with me.",
        }
    }
}

// ---- the JSON document -------------------------------------------------------

/// Writes the JSON document: `start`, then each section with its events,
/// then `finish`. The events of a section are separated as they come.
pub struct JsonDocument {
    first_in_section: bool,
}

impl JsonDocument {
    pub fn start(
        out: &mut impl Write,
        exported_at: OffsetDateTime,
        person: &PersonPart,
    ) -> io::Result<JsonDocument> {
        let at = exported_at
            .format(&time::format_description::well_known::Rfc3339)
            .map_err(io::Error::other)?;
        write!(
            out,
            "{{\n\"format\": {},\n\"version\": {VERSION},\n\"exported_at\": {},\n\"person\": ",
            json(&FORMAT)?,
            json(&at)?
        )?;
        serde_json::to_writer(&mut *out, person)?;
        Ok(JsonDocument {
            first_in_section: true,
        })
    }

    pub fn section(&mut self, out: &mut impl Write, section: Section) -> io::Result<()> {
        let close = match section {
            Section::Private => "",
            Section::Couple => "\n]",
        };
        write!(out, "{close},\n{}: [", json(&section.key())?)?;
        self.first_in_section = true;
        Ok(())
    }

    pub fn event(&mut self, out: &mut impl Write, event: &ExportedEvent) -> io::Result<()> {
        out.write_all(if self.first_in_section { b"\n" } else { b",\n" })?;
        self.first_in_section = false;
        serde_json::to_writer(&mut *out, event)?;
        Ok(())
    }

    pub fn finish(self, out: &mut impl Write) -> io::Result<()> {
        out.write_all(b"\n]\n}\n")
    }
}

fn json<T: Serialize + ?Sized>(value: &T) -> io::Result<String> {
    Ok(serde_json::to_string(value)?)
}

// ---- the readable copy -------------------------------------------------------

const STYLE: &str = "body{font-family:Georgia,'Times New Roman',serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.5}\
h1{font-size:1.6rem}h2{font-size:1.3rem;border-bottom:1px solid #bbb;padding-bottom:.2rem;margin-top:2.5rem}\
article{border-left:3px solid #c9a227;padding:.2rem 0 .2rem .8rem;margin:1rem 0;break-inside:avoid}\
h3{font-size:1rem;margin:0}.meta{color:#555;font-size:.9rem;margin:.1rem 0 .4rem}\
dl{margin:0}dt{font-weight:bold;font-size:.9rem}dd{margin:0 0 .4rem 0;white-space:pre-wrap}\
.note{background:#f6f1e1;padding:.6rem .8rem}\
@media print{body{margin:0;max-width:none}a{color:inherit}}";

/// Writes the readable copy: `start`, then each section with its events,
/// then `finish`.
pub struct HtmlCopy {
    zone: Zone,
    /// The section open now, if any: whether it has shown an event yet.
    open: Option<Shown>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shown {
    Nothing,
    Something,
}

impl HtmlCopy {
    pub fn start(
        out: &mut impl Write,
        exported_at: OffsetDateTime,
        person: &PersonPart,
        zone: Zone,
    ) -> io::Result<HtmlCopy> {
        write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>My Kintsugi export</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
             <h1>My Kintsugi export</h1>\n<p>Made {} for {}. Times read in {}.</p>\n\
             <p class=\"note\">This copy is not protected by Kintsugi. Keep it somewhere \
             only you can open.</p>\n",
            escape(&dates::when(exported_at, zone)),
            escape(&person.email),
            escape(zone.name()),
        )?;
        Ok(HtmlCopy { zone, open: None })
    }

    pub fn section(&mut self, out: &mut impl Write, section: Section) -> io::Result<()> {
        self.close_section(out)?;
        write!(
            out,
            "<section>\n<h2>{}</h2>\n<p>{}</p>\n",
            section.heading(),
            section.explanation()
        )?;
        self.open = Some(Shown::Nothing);
        Ok(())
    }

    fn close_section(&mut self, out: &mut impl Write) -> io::Result<()> {
        match self.open.take() {
            None => Ok(()),
            Some(Shown::Nothing) => out.write_all(b"<p>Nothing here yet.</p>\n</section>\n"),
            Some(Shown::Something) => out.write_all(b"</section>\n"),
        }
    }

    pub fn event(
        &mut self,
        out: &mut impl Write,
        event: &ExportedEvent,
        who: &str,
    ) -> io::Result<()> {
        // A visit only records that Today was opened: in the JSON, not here.
        if event.room == "visit" {
            return Ok(());
        }
        self.open = Some(Shown::Something);
        write!(
            out,
            "<article>\n<h3>{} · {}</h3>\n<p class=\"meta\">{} · {} · entry {}</p>\n<dl>\n",
            room_label(&event.room),
            escape(&words(&event.kind)),
            escape(&dates::when(event.time, self.zone)),
            escape(who),
            event.seq,
        )?;
        if let Value::Object(fields) = &event.content {
            for (name, value) in fields {
                writeln!(
                    out,
                    "<dt>{}</dt><dd>{}</dd>",
                    escape(&words(name)),
                    escape(&readable(value))
                )?;
            }
        }
        out.write_all(b"</dl>\n</article>\n")
    }

    pub fn finish(mut self, out: &mut impl Write) -> io::Result<()> {
        self.close_section(out)?;
        out.write_all(b"</body>\n</html>\n")
    }
}

/// A room's name for a heading.
fn room_label(room: &str) -> &'static str {
    match room {
        "space" => "Our space",
        "check_in" => "Check-in",
        "pulse" => "Trust pulse",
        "signs" => "Signs I noticed",
        "truth" => "Truth log",
        "apology" => "Apology",
        "request" => "Request",
        "commitment" => "Commitment",
        "contact" => "Contact report",
        "readiness" => "Readiness",
        "talk" => "Talk",
        "together" => "Time together",
        "meeting" => "Weekly meeting",
        "therapist" => "Our therapist",
        "reflection" => "Reflection",
        "withdrawal" => "Withdrawn entry",
        _ => "Entry",
    }
}

/// `snake_case` as words: "copy_shared" reads "copy shared".
fn words(code: &str) -> String {
    code.replace('_', " ")
}

/// A field's value as text: words as they are, lists one item a line.
fn readable(value: &Value) -> String {
    match value {
        Value::Null => "—".to_owned(),
        Value::String(text) => text.clone(),
        Value::Array(items) => items.iter().map(readable).collect::<Vec<_>>().join("\n"),
        Value::Object(fields) => fields
            .iter()
            .map(|(name, value)| format!("{}: {}", words(name), readable(value)))
            .collect::<Vec<_>>()
            .join("\n"),
        other => other.to_string(),
    }
}

/// Text made safe inside HTML elements and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use kintsugi_core::views::export::ExportedEvent;

    fn person() -> PersonPart {
        PersonPart {
            id: "1".into(),
            email: "ana@example.org".into(),
            time_zone: "UTC".into(),
            in_a_couple: true,
        }
    }

    fn event(room: &str, text: &str) -> ExportedEvent {
        ExportedEvent {
            seq: 3,
            time: time::macros::datetime!(2026-03-02 09:00 UTC),
            who: "me",
            room: room.into(),
            kind: "asked".into(),
            content: serde_json::json!({ "text": text }),
        }
    }

    #[test]
    fn the_json_document_parses_with_every_section() {
        let mut out = Vec::new();
        let at = time::macros::datetime!(2026-03-02 10:00 UTC);
        let mut doc = JsonDocument::start(&mut out, at, &person()).unwrap();
        doc.section(&mut out, Section::Private).unwrap();
        doc.event(&mut out, &event("truth", "one")).unwrap();
        doc.event(&mut out, &event("truth", "two")).unwrap();
        doc.section(&mut out, Section::Couple).unwrap();
        doc.finish(&mut out).unwrap();
        let parsed: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(parsed["format"], "kintsugi-export");
        assert_eq!(parsed["version"], 1);
        assert_eq!(parsed["exported_at"], "2026-03-02T10:00:00Z");
        assert_eq!(parsed["person"]["email"], "ana@example.org");
        assert_eq!(parsed["private"][1]["content"]["text"], "two");
        assert_eq!(parsed["couple"], serde_json::json!([]));
    }

    #[test]
    fn the_readable_copy_escapes_what_people_wrote_and_has_no_script() {
        let mut out = Vec::new();
        let at = time::macros::datetime!(2026-03-02 10:00 UTC);
        let mut copy = HtmlCopy::start(&mut out, at, &person(), Zone::utc()).unwrap();
        copy.section(&mut out, Section::Private).unwrap();
        copy.event(&mut out, &event("truth", "<script>alert(1)</script>"), "Me")
            .unwrap();
        copy.event(&mut out, &event("visit", "not shown"), "Me")
            .unwrap();
        copy.section(&mut out, Section::Couple).unwrap();
        copy.finish(&mut out).unwrap();
        let html = String::from_utf8(out).unwrap();
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("not shown"));
        assert!(!html.contains("http"), "no outside resource");
        assert!(
            html.contains("Nothing here yet."),
            "the empty couple section"
        );
        assert_eq!(html.matches("<section>").count(), 2);
        assert_eq!(html.matches("</section>").count(), 2);
    }
}
