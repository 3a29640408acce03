//! Extractors every handler may ask for, written once: the request's `Now`,
//! the signed-in person's couple space, and an entry id from the address.

use crate::app::clock::Now;
use crate::app::error::AppError;
use crate::app::state::AppState;
use crate::auth::session::{LoginRedirect, Session, ViewerZone};
use crate::couple::MyCouple;
use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use kintsugi_core::EntryId;

impl FromRequestParts<AppState> for Now {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(now_for(&parts.extensions, app))
    }
}

/// "Now" for the person making the request: their own zone, which the
/// session middleware found, else the instance's.
pub fn now_for(extensions: &axum::http::Extensions, app: &AppState) -> Now {
    let own = extensions.get::<ViewerZone>().map(|found| found.0);
    Now::for_viewer(app.clock.as_ref(), own, app.config.time_zone)
}

/// Someone signed out is sent to sign in; someone without a couple space
/// finds nothing here.
impl FromRequestParts<AppState> for MyCouple {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let session = parts
            .extensions
            .get::<Session>()
            .copied()
            .ok_or_else(|| LoginRedirect.into_response())?;
        MyCouple::require(app, &session)
            .await
            .map_err(IntoResponse::into_response)
    }
}

/// The entry an address names (`/truth/{id}/answer`). Anything that is not
/// an entry number reads as a missing page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryIdParam(pub EntryId);

impl<S: Send + Sync> FromRequestParts<S> for EntryIdParam {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        let raw = params
            .iter()
            .find_map(|(name, value)| (name == "id").then_some(value))
            .ok_or(AppError::NotFound)?;
        parse_entry_id(raw).map(EntryIdParam)
    }
}

/// An id from a URL: a plain entry number, or not found.
pub fn parse_entry_id(raw: &str) -> Result<EntryId, AppError> {
    raw.parse::<u64>()
        .map(EntryId)
        .map_err(|_| AppError::NotFound)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_in_urls_are_numbers_or_not_found() {
        assert_eq!(parse_entry_id("12").ok(), Some(EntryId(12)));
        assert!(matches!(parse_entry_id("12a"), Err(AppError::NotFound)));
        assert!(matches!(parse_entry_id("-1"), Err(AppError::NotFound)));
        assert!(matches!(parse_entry_id(""), Err(AppError::NotFound)));
    }
}
