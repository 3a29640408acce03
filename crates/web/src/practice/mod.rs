//! The therapist's side (`/practice`): accepting a couple's invitation
//! through the one-time link, a home with every couple they serve (named
//! as they chose), and one couple's read-only view within the scopes both
//! partners consented to, beside the therapist's own notes, which live in
//! their private stream. A therapist is never a member of a couple's
//! space: the `therapist_couples` table says where to look, and the
//! couple's record decides, on every request, whether anything is shown.

mod join;
mod pages;

use crate::app::error::{AppError, AppResult};
use crate::app::layout::Layout;
use crate::app::state::AppState;
use crate::auth::session::CurrentUser;
use crate::auth::session::Session;
use crate::couple::MyCouple;
use crate::exec::Submission;
use crate::http::forms::{Form, SubmittedForm};
use crate::http::routes::Route;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::response::{IntoResponse, Response};
use kintsugi_core::{CoupleId, StreamId};
use kintsugi_store::TherapistLink;
use uuid::Uuid;

pub fn routes() -> Vec<Route> {
    vec![
        Route::page(
            "/practice",
            "the couples I see as their therapist",
            pages::home,
        ),
        Route::page(
            "/practice/join/{token}",
            "a couple's invitation to their therapist",
            join::invitation_page,
        ),
        Route::form(
            "/practice/join/{token}",
            "accept a couple's invitation",
            join::accept,
        ),
        Route::page(
            "/practice/{couple}",
            "one couple, as their therapist sees it",
            pages::couple_page,
        ),
        Route::form(
            "/practice/{couple}/notes",
            "keep a note of my own",
            pages::write_note,
        )
        .leads_to("/practice/{couple}"),
        Route::form(
            "/practice/{couple}/name",
            "rename a couple for myself",
            pages::rename,
        )
        .leads_to("/practice/{couple}"),
        Route::form(
            "/practice/{couple}/agenda",
            "add to a couple's next session",
            pages::add_agenda_item,
        )
        .leads_to("/practice/{couple}#session"),
        Route::form(
            "/practice/{couple}/held",
            "mark a couple's session held",
            pages::mark_held,
        )
        .leads_to("/practice/{couple}#session"),
        Route::page(
            "/practice/{couple}/brief",
            "a couple's session brief",
            pages::brief_page,
        ),
    ]
}

/// A couple this therapist was linked to, as the address names it; "not
/// found" for any couple they never served, so an address tells nothing.
pub(crate) struct ServedCouple {
    pub couple: MyCouple,
    pub link: TherapistLink,
}

impl ServedCouple {
    pub async fn find(app: &AppState, me: &Session, raw: &str) -> AppResult<ServedCouple> {
        let id = Uuid::parse_str(raw).map_err(|_| AppError::NotFound)?;
        let link = app
            .store
            .therapist_link(me.user.0, id)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok(ServedCouple {
            couple: as_therapist(link.couple_id, me),
            link,
        })
    }
}

/// The couple's record as `me` acts on it: as its therapist, not a member.
pub(crate) fn as_therapist(couple: Uuid, me: &Session) -> MyCouple {
    let id = CoupleId(couple);
    MyCouple {
        id,
        stream: StreamId::couple(id),
        me: me.user,
    }
}

/// Who acts at a couple's address as its therapist: the app, the
/// signed-in person, the couple the address names (checked by
/// [`ServedCouple::find`]) and the page's layout.
pub(crate) struct AtCouple {
    pub app: AppState,
    pub me: Session,
    pub couple: String,
    pub layout: Layout,
}

/// A form the therapist posts at a couple's address, with its key. The
/// person is found first, so a visitor who is not signed in is sent to
/// sign in before the form is read.
pub(crate) struct TherapistForm<F>(pub AtCouple, pub F, pub Submission);

impl<F: Form + Send> FromRequest<AppState> for TherapistForm<F> {
    type Rejection = Response;

    async fn from_request(request: Request, app: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let CurrentUser(me) = CurrentUser::from_request_parts(&mut parts, app)
            .await
            .map_err(IntoResponse::into_response)?;
        let Path(couple) = Path::<String>::from_request_parts(&mut parts, app)
            .await
            .map_err(IntoResponse::into_response)?;
        let Ok(layout) = Layout::from_request_parts(&mut parts, app).await;
        let SubmittedForm { form, submission } =
            SubmittedForm::from_request(Request::from_parts(parts, body), app)
                .await
                .map_err(IntoResponse::into_response)?;
        let at = AtCouple {
            app: app.clone(),
            me,
            couple,
            layout,
        };
        Ok(TherapistForm(at, form, submission))
    }
}
