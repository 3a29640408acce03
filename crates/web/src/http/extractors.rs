//! Extractors every handler may ask for, written once: the request's `Now`,
//! the signed-in person's couple space, the `Desk` of a couple's room, and
//! an entry id from the address.

use crate::app::clock::Now;
use crate::app::error::{AppError, AppResult};
use crate::app::layout::Layout;
use crate::app::state::AppState;
use crate::auth::session::{CurrentUser, LoginRedirect, Session, ViewerZone};
use crate::couple::{my_private, MyCouple};
use crate::exec::{self, Decision, Landed, Outcome, Submission, Writes};
use crate::http::forms::{Form, FormErrors, SubmittedForm};
use crate::present::repair::{land_or_redraw, Redraw};
use crate::projections::Cached;
use axum::extract::{FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use kintsugi_core::access::room::Acting;
use kintsugi_core::streams::couple::{CoupleEvent, CoupleState};
use kintsugi_core::streams::private::PrivateState;
use kintsugi_core::{EntryId, Refusal};
use tokio::sync::OwnedRwLockReadGuard;

/// An extractor that cannot fail: `$read` makes it from the request's head
/// and the app. A macro, not a generic impl, because `FromRequestParts` is
/// axum's trait: Rust lets this crate implement it only type by type.
macro_rules! read_from_parts {
    ($extracted:ty, $read:expr) => {
        impl axum::extract::FromRequestParts<$crate::app::state::AppState> for $extracted {
            type Rejection = std::convert::Infallible;

            async fn from_request_parts(
                parts: &mut axum::http::request::Parts,
                app: &$crate::app::state::AppState,
            ) -> Result<Self, Self::Rejection> {
                Ok($read(parts, app))
            }
        }
    };
}
pub(crate) use read_from_parts;

read_from_parts!(Now, |parts: &mut Parts, app| now_for(
    &parts.extensions,
    app
));

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
        _app: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let session = parts
            .extensions
            .get::<Session>()
            .copied()
            .ok_or_else(|| LoginRedirect.into_response())?;
        MyCouple::require(&session).map_err(IntoResponse::into_response)
    }
}

/// What every handler of a couple's rooms gathers first: the app, the
/// signed-in person, their couple space, and the page's layout (which
/// carries the request's `Now`). Someone without a space finds nothing.
pub struct Desk {
    pub app: AppState,
    pub session: Session,
    pub couple: MyCouple,
    pub layout: Layout,
}

impl FromRequestParts<AppState> for Desk {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, Response> {
        let CurrentUser(session) = CurrentUser::from_request_parts(parts, app)
            .await
            .map_err(IntoResponse::into_response)?;
        let couple = MyCouple::from_request_parts(parts, app).await?;
        let Ok(layout) = Layout::from_request_parts(parts, app).await;
        Ok(Desk {
            app: app.clone(),
            session,
            couple,
            layout,
        })
    }
}

impl Desk {
    /// The couple's record, caught up, as this person may read it.
    pub async fn read(&self) -> AppResult<OwnedRwLockReadGuard<Cached<CoupleState>>> {
        self.couple.read(&self.app).await
    }

    /// The person's own private stream, caught up.
    pub async fn my_private(&self) -> AppResult<OwnedRwLockReadGuard<Cached<PrivateState>>> {
        my_private(&self.app, &self.session).await
    }

    /// A change through the one submit path (see [`exec::submit`]).
    pub async fn submit(
        &self,
        submission: &Submission,
        decide: impl Fn(&Decision<'_>) -> Result<Writes, Refusal>,
    ) -> AppResult<Outcome> {
        exec::submit(&self.app, &self.couple, submission, decide).await
    }

    /// One step of a room through the submit path (see [`exec::submit_step`]).
    pub async fn submit_step<Room, Event: Into<CoupleEvent>>(
        &self,
        submission: &Submission,
        room: impl Fn(&CoupleState) -> &Room,
        step: impl Fn(Acting<'_, Room>) -> Result<Event, Refusal>,
    ) -> AppResult<Outcome> {
        exec::submit_step(&self.app, &self.couple, submission, room, step).await
    }

    /// Where an outcome leads: on to `landed_at`, or the room's page drawn
    /// again around the refused form.
    pub async fn land<Refused: Redraw>(
        self,
        outcome: Outcome,
        landed_at: impl FnOnce(Landed) -> String,
        refused: impl FnOnce(FormErrors) -> Refused,
    ) -> AppResult<Response> {
        land_or_redraw(outcome, landed_at, |errors| refused(errors).redraw(self)).await
    }

    /// One step of a room through the submit path, then on as [`Desk::land`].
    pub async fn step_and_land<Room, Event: Into<CoupleEvent>, Refused: Redraw>(
        self,
        submission: &Submission,
        room: impl Fn(&CoupleState) -> &Room,
        step: impl Fn(Acting<'_, Room>) -> Result<Event, Refusal>,
        landed_at: impl FnOnce(Landed) -> String,
        refused: impl FnOnce(FormErrors) -> Refused,
    ) -> AppResult<Response> {
        let outcome = self.submit_step(submission, room, step).await?;
        self.land(outcome, landed_at, refused).await
    }
}

/// A form posted in a couple's room: the desk, the form, and its
/// submission key. The couple is found first, so an outsider gets "not
/// found" before the form is read.
pub struct PostedForm<F>(pub Desk, pub F, pub Submission);

impl<F: Form + Send> FromRequest<AppState> for PostedForm<F> {
    type Rejection = Response;

    async fn from_request(request: Request, app: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let desk = Desk::from_request_parts(&mut parts, app).await?;
        let SubmittedForm { form, submission } =
            SubmittedForm::from_request(Request::from_parts(parts, body), app)
                .await
                .map_err(IntoResponse::into_response)?;
        Ok(PostedForm(desk, form, submission))
    }
}

/// A form posted about one entry (`/truth/{id}/answer`): the desk, the
/// entry the address names, the form, and its submission key. Extracted in
/// the order every route checks: the couple first (an outsider gets "not
/// found"), then the entry id, then the form.
pub struct EntryForm<F>(pub Desk, pub EntryId, pub F, pub Submission);

impl<F: Form + Send> FromRequest<AppState> for EntryForm<F> {
    type Rejection = Response;

    async fn from_request(request: Request, app: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let desk = Desk::from_request_parts(&mut parts, app).await?;
        let EntryIdParam(id) = EntryIdParam::from_request_parts(&mut parts, app)
            .await
            .map_err(IntoResponse::into_response)?;
        let SubmittedForm { form, submission } =
            SubmittedForm::from_request(Request::from_parts(parts, body), app)
                .await
                .map_err(IntoResponse::into_response)?;
        Ok(EntryForm(desk, id, form, submission))
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
