//! Every way a request can fail, and the one place each becomes a response.
//! The response carries an `ErrorPage` extension; `render_error_pages` turns
//! it into a full page with the layout (quick exit included).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use kintsugi_core::Refusal;
use kintsugi_store::StoreError;
use std::collections::HashSet;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum AppError {
    /// Also used when something exists but the person may not know it does.
    #[error("not found")]
    NotFound,
    #[error("not allowed: {0}")]
    Forbidden(String),
    #[error("the form's safety token was missing or stale")]
    Csrf,
    #[error("cross-site request refused")]
    CrossSite,
    #[error("too many attempts; retry after {retry_after_seconds} s")]
    RateLimited { retry_after_seconds: u64 },
    #[error("the form could not be read")]
    BadForm,
    /// A form body sent as anything but `application/x-www-form-urlencoded`.
    #[error("a form body of another content type")]
    UnsupportedForm,
    /// A form body larger than its form's cap (`http::forms::FormCaps`).
    #[error("a form body over its size cap")]
    FormTooLarge,
    /// A form with more fields than its cap, or a field longer than it.
    #[error("a form with more fields, or a longer field, than its cap")]
    FormOverfull,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("store: {0}")]
    Store(#[from] StoreError),
    /// A stream holds an event this version cannot read: shown like any
    /// other failed integrity check, never skipped.
    #[error("stream {stream_id} seq {seq}: the event does not decode")]
    Unreadable { stream_id: String, seq: u64 },
    #[error("template: {0}")]
    Template(#[from] askama::Error),
    #[error("internal: {0}")]
    Internal(String),
}

/// What the error page shows. Messages here are written for the person, and
/// never echo their input or anything about another person.
#[derive(Debug, Clone)]
pub struct ErrorPage {
    pub status: StatusCode,
    pub heading: &'static str,
    pub message: String,
}

impl AppError {
    /// Maps a domain refusal that reached the edge without a form to show it
    /// on. Not being a member looks exactly like a missing page.
    pub fn from_refusal(refusal: Refusal) -> Self {
        match refusal {
            Refusal::NotAMember | Refusal::NotFound => AppError::NotFound,
            Refusal::NotAllowed(why) => AppError::Forbidden(why.to_owned()),
            Refusal::Conflict(why) => AppError::Conflict(why.to_owned()),
            Refusal::Invalid { message, .. } => AppError::Conflict(message),
            Refusal::InvalidFields(fields) => AppError::Conflict(
                fields
                    .into_iter()
                    .map(|(_, message)| message)
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
        }
    }

    fn page(&self) -> ErrorPage {
        let page = |status, heading, message: &str| ErrorPage {
            status,
            heading,
            message: message.to_owned(),
        };
        match self {
            AppError::NotFound => page(
                StatusCode::NOT_FOUND,
                "Nothing here",
                "This page does not exist, or it is not yours to see.",
            ),
            AppError::Forbidden(why) => page(StatusCode::FORBIDDEN, "Not this step", why),
            AppError::Csrf => page(
                StatusCode::FORBIDDEN,
                "Please try that again",
                "This form was open too long or came from somewhere else. Go back, reload the page, and send it again; what you wrote may need to be pasted back.",
            ),
            AppError::CrossSite => page(
                StatusCode::FORBIDDEN,
                "Request refused",
                "Kintsugi only accepts forms sent from its own pages.",
            ),
            AppError::RateLimited {
                retry_after_seconds,
            } => ErrorPage {
                status: StatusCode::TOO_MANY_REQUESTS,
                heading: "Please wait a little",
                message: format!(
                    "There have been too many attempts. Please wait {} and try again.",
                    how_long(*retry_after_seconds)
                ),
            },
            AppError::UnsupportedForm => page(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "That form could not be read",
                "Please go back to the page and send the form from there.",
            ),
            AppError::FormTooLarge => page(
                StatusCode::PAYLOAD_TOO_LARGE,
                "That was more than this form takes",
                "What was sent is far larger than anything this form holds, so none of it was read or saved. \
                 Please go back and send it from the page again; a very long text may need to be shortened.",
            ),
            AppError::FormOverfull => page(
                StatusCode::UNPROCESSABLE_ENTITY,
                "That form held more than it has room for",
                "It had more fields than the form has, or one far longer than the form allows, so nothing was saved. \
                 Please go back and send it from the page again; a very long text may need to be shortened.",
            ),
            AppError::BadForm => page(
                StatusCode::BAD_REQUEST,
                "That form could not be read",
                "Please go back and send the form again.",
            ),
            AppError::Conflict(why) => page(StatusCode::CONFLICT, "That could not be done", why),
            AppError::Store(StoreError::Conflict { .. }) => page(
                StatusCode::CONFLICT,
                "Something changed just now",
                "Your partner added something at the same moment. Please go back and try again.",
            ),
            AppError::Store(StoreError::Integrity { .. }) | AppError::Unreadable { .. } => page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "This record did not pass its integrity check",
                "Nothing was changed, and nothing was shown from it, so that nothing in it is served wrongly. \
                 Your operator has been told where to look: they can run `kintsugi verify`.",
            ),
            AppError::Store(_) | AppError::Template(_) | AppError::Internal(_) => page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong on our side",
                "Nothing you wrote has been lost on our side. Please try again in a moment.",
            ),
        }
    }
}

/// "a few seconds", "3 minutes": a wait in words.
fn how_long(seconds: u64) -> String {
    match seconds {
        0..=59 => "a few seconds".to_owned(),
        60..=119 => "a minute".to_owned(),
        _ => format!("{} minutes", seconds.div_ceil(60)),
    }
}

impl From<Refusal> for AppError {
    fn from(refusal: Refusal) -> Self {
        AppError::from_refusal(refusal)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let page = self.page();
        if let Some((stream_id, seq)) = self.damaged_at() {
            // The same damage fails every request of the couple until the
            // operator mends it: the log says it once, with where.
            if first_report_of(stream_id, seq) {
                tracing::error!(stream = %stream_id, seq, error = %self, "a record failed its integrity check");
            }
        } else if page.status.is_server_error() {
            // The error's text names no entry content: store and template
            // errors carry ids and causes, never payloads.
            tracing::error!(error = %self, "request failed");
        } else {
            tracing::debug!(status = page.status.as_u16(), "request refused");
        }
        let mut response = page.status.into_response();
        if let AppError::RateLimited {
            retry_after_seconds,
        } = self
        {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_seconds));
        }
        response.extensions_mut().insert(page);
        response
    }
}

impl AppError {
    /// The stream and `seq` of a record that failed its integrity check.
    fn damaged_at(&self) -> Option<(&str, u64)> {
        match self {
            AppError::Store(StoreError::Integrity { stream_id, seq, .. })
            | AppError::Unreadable { stream_id, seq } => Some((stream_id, *seq)),
            _ => None,
        }
    }
}

/// Whether this process has not yet reported damage at `seq` of `stream_id`;
/// remembers it from now on. A few bytes per damaged place, and damage is
/// rare, so the set stays small.
fn first_report_of(stream_id: &str, seq: u64) -> bool {
    static REPORTED: std::sync::OnceLock<std::sync::Mutex<HashSet<(String, u64)>>> =
        std::sync::OnceLock::new();
    let reported = REPORTED.get_or_init(Default::default);
    let mut reported = reported
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    reported.insert((stream_id.to_owned(), seq))
}

pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod once_tests {
    use super::first_report_of;

    #[test]
    fn damage_is_reported_once_per_stream_and_seq() {
        assert!(first_report_of("couple:once-a", 3));
        assert!(!first_report_of("couple:once-a", 3), "the same place again");
        assert!(first_report_of("couple:once-a", 4), "another seq");
        assert!(first_report_of("couple:once-b", 3), "another stream");
    }
}
