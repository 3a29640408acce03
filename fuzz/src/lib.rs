//! What every fuzz target shares: the form decoders by name, the coaches,
//! and a "today" taken from the input, so the calendar's edges are tried too.

use kintsugi_core::coach::{self, apology::ApologyParts};
use kintsugi_web::decoders::{decoders, Decoder};
use std::sync::OnceLock;
use time::{macros::date, Date};

fn decoder(name: &str) -> &'static Decoder {
    static DECODERS: OnceLock<Vec<Decoder>> = OnceLock::new();
    DECODERS
        .get_or_init(decoders)
        .iter()
        .find(|d| d.name == name)
        .unwrap_or_else(|| panic!("no form decoder is called {name:?}"))
}

/// The input's first byte picks the day the form is read on; the rest is
/// the body.
fn today_and_rest(data: &[u8]) -> (Date, &[u8]) {
    const DAYS: [Date; 5] = [
        Date::MIN,
        Date::MAX,
        date!(2024 - 02 - 29),
        date!(2026 - 12 - 31),
        date!(2000 - 01 - 01),
    ];
    match data.split_first() {
        Some((first, rest)) => (DAYS[usize::from(*first) % DAYS.len()], rest),
        None => (date!(2026 - 03 - 14), data),
    }
}

/// Reads the input as the form `name`: a value or a typed refusal, and a
/// panic is the crash libFuzzer reports.
pub fn form(name: &str, data: &[u8]) {
    let (today, body) = today_and_rest(data);
    let _ = decoder(name).decode(body, today);
}

/// The apology coach on one text.
pub fn apology_text(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        coach::apology::review(text);
    }
}

/// The apology coach on seven parts: the input split at NUL bytes.
pub fn apology_parts(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = text.split('\0').map(str::to_owned);
    let mut next = || parts.next().unwrap_or_default();
    let apology = ApologyParts {
        what_i_did: next(),
        impact: next(),
        responsibility: next(),
        remorse: next(),
        changes: next(),
        repair: next(),
        factors: next(),
    };
    coach::apology::review_parts(&apology);
}

/// The request coach on one text.
pub fn request_text(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        coach::request::review(text);
    }
}
