//! An email's unsubscribe link. `GET` shows one button and changes nothing
//! (a mail scanner that fetches every link unsubscribes no one); `POST`
//! ends the one kind of reminder the link was made for. It needs no
//! sign-in and no CSRF token: a one-click `POST` from a mail client
//! (RFC 8058) carries neither. What guards it is the link's own token (256
//! random bits, stored only as a hash), and the body RFC 8058 names,
//! `List-Unsubscribe=One-Click`; the route can do nothing but end that one
//! choice, and says nothing about whose it is.

use crate::app::error::{AppError, AppResult};
use crate::app::layout::{render, Layout};
use crate::app::state::AppState;
use crate::auth::tokens::{hash_token, is_well_formed};
use askama::Template;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::response::Response;
use kintsugi_core::reminders::ReminderKind;

/// The largest body read: the one-click field, or a small multipart form
/// carrying it.
const BODY_CAP: usize = 2_048;

#[derive(Template)]
#[template(path = "mail/unsubscribe.html")]
struct UnsubscribePage {
    layout: Layout,
    token: String,
    what: &'static str,
    done: bool,
}

/// What the emails of a kind are, in a few words.
fn what(kind: &str) -> &'static str {
    match ReminderKind::parse(kind) {
        Some(ReminderKind::Digest) => "the daily note that something waits for you",
        Some(ReminderKind::CheckIn) => "the reminder to check in",
        Some(ReminderKind::Meeting) => "the reminder of your weekly meeting",
        None => "these reminders",
    }
}

pub async fn page(
    State(app): State<AppState>,
    layout: Layout,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let found = app.store.unsubscribe_token(&link_hash(&token)?).await?;
    answer(layout, found, token, false)
}

pub async fn unsubscribe(
    State(app): State<AppState>,
    layout: Layout,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> AppResult<Response> {
    let body = axum::body::to_bytes(body, BODY_CAP)
        .await
        .map_err(|_| AppError::FormTooLarge)?;
    if !is_one_click(&headers, &body) {
        return Err(AppError::BadForm);
    }
    let ended = app.store.unsubscribe(&link_hash(&token)?).await?;
    answer(layout, ended, String::new(), true)
}

/// The hash a link's token is kept under; a token of any other shape is
/// not looked up at all.
fn link_hash(token: &str) -> AppResult<kintsugi_store::Hash> {
    if !is_well_formed(token) {
        return Err(AppError::NotFound);
    }
    Ok(hash_token(token))
}

/// The page for the choice a link names (`None`: the link does not work).
fn answer(
    layout: Layout,
    found: Option<(uuid::Uuid, String)>,
    token: String,
    done: bool,
) -> AppResult<Response> {
    let (_, kind) = found.ok_or(AppError::NotFound)?;
    render(&UnsubscribePage {
        layout,
        token,
        what: what(&kind),
        done,
    })
}

/// Whether the body is RFC 8058's one click: `List-Unsubscribe=One-Click`
/// urlencoded, or that one field in a multipart form.
fn is_one_click(headers: &HeaderMap, body: &[u8]) -> bool {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if content_type.starts_with("application/x-www-form-urlencoded") {
        return form_urlencoded::parse(body)
            .any(|(name, value)| name == "List-Unsubscribe" && value == "One-Click");
    }
    if content_type.starts_with("multipart/form-data") {
        let text = String::from_utf8_lossy(body);
        return text.contains("name=\"List-Unsubscribe\"") && text.contains("One-Click");
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(content_type: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, content_type.parse().unwrap());
        headers
    }

    #[test]
    fn only_the_one_click_body_unsubscribes() {
        let form = typed("application/x-www-form-urlencoded");
        assert!(is_one_click(&form, b"List-Unsubscribe=One-Click"));
        assert!(!is_one_click(&form, b""));
        assert!(!is_one_click(&form, b"List-Unsubscribe=Two-Clicks"));
        assert!(!is_one_click(
            &typed("text/plain"),
            b"List-Unsubscribe=One-Click"
        ));
        let multipart = "--b\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--b--\r\n";
        assert!(is_one_click(
            &typed("multipart/form-data; boundary=b"),
            multipart.as_bytes()
        ));
        assert!(!is_one_click(
            &HeaderMap::new(),
            b"List-Unsubscribe=One-Click"
        ));
    }
}
