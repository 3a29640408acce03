//! "Delete my account": a calm page that says exactly what happens, the
//! password again and a typed confirmation. The person's private stream is
//! destroyed at once (its data key first: crypto-shredding), then their
//! account row and everything hanging from it. A space they share ends
//! first, so their partner keeps the whole record read-only for the
//! separation window; a space nobody joined goes with them.

use crate::app::error::{AppError, AppResult};
use crate::app::layout::{render, render_refused, Layout};
use crate::app::state::AppState;
use crate::auth::again::{PasswordAgain, NOT_YOUR_PASSWORD};
use crate::auth::session::{set_cookie, CookieNames, CookiesCleared, CurrentUser, Session};
use crate::couple::MyCouple;
use crate::exec::{Outcome, Submission};
use crate::http::forms::{text_form, FormCaps, FormErrors, SubmittedForm};
use crate::http::routes::Route;
use crate::space::ending;
use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use kintsugi_core::space::EndReason;
use kintsugi_core::StreamId;
use kintsugi_store::DeletionReason;
use time::OffsetDateTime;

pub fn routes() -> Vec<Route> {
    vec![
        Route::page("/account/delete", "the delete-my-account page", delete_page),
        Route::form("/account/delete", "delete my account", delete_account),
        Route::page(
            "/account/deleted",
            "after an account is deleted",
            deleted_page,
        ),
    ]
}

/// What the person types to say they mean it.
const CONFIRMATION: &str = "delete my account";

text_form! {
    pub struct DeleteForm { password, confirm }
    caps FormCaps::new(6, 1_000, 2_000)
}

/// What deleting this account does to the space the person is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SpaceAfter {
    /// No space: only their own things go.
    NoSpace,
    /// A space nobody joined: it goes with them.
    GoesWithMe,
    /// A space they share: it ends, and their partner keeps it read-only
    /// for the separation window.
    PartnerKeepsIt,
}

#[derive(Template)]
#[template(path = "account/delete.html")]
struct DeletePage {
    layout: Layout,
    email: String,
    space: SpaceAfter,
    separation_days: u64,
    confirmation: &'static str,
    /// Typed again after a refusal; never the password.
    confirm: String,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "account/deleted.html")]
struct DeletedPage {
    layout: Layout,
}

async fn delete_page(
    State(app): State<AppState>,
    CurrentUser(me): CurrentUser,
    layout: Layout,
) -> AppResult<Response> {
    let page = page(&app, &me, layout, String::new(), FormErrors::default()).await?;
    render(&page)
}

async fn page(
    app: &AppState,
    me: &Session,
    layout: Layout,
    confirm: String,
    errors: FormErrors,
) -> AppResult<DeletePage> {
    let user = app.store.user_by_id(me.user.0).await?;
    Ok(DeletePage {
        layout: layout.in_section("account"),
        email: user.ok_or(AppError::NotFound)?.email,
        space: space_after(app, me).await?,
        separation_days: ending::separation_days(app),
        confirmation: CONFIRMATION,
        confirm,
        errors,
    })
}

async fn space_after(app: &AppState, me: &Session) -> AppResult<SpaceAfter> {
    let Some(couple) = MyCouple::of(me) else {
        return Ok(SpaceAfter::NoSpace);
    };
    let shared = couple.read(app).await?;
    Ok(match shared.state.space.partner_of(me.user) {
        Some(_) => SpaceAfter::PartnerKeepsIt,
        None => SpaceAfter::GoesWithMe,
    })
}

/// Whether the typed confirmation says it, whatever its case and spacing.
fn confirmed(typed: &str) -> bool {
    let words: Vec<&str> = typed.split_whitespace().collect();
    words.join(" ").eq_ignore_ascii_case(CONFIRMATION)
}

async fn delete_account(
    State(app): State<AppState>,
    CurrentUser(me): CurrentUser,
    layout: Layout,
    SubmittedForm { form, submission }: SubmittedForm<DeleteForm>,
) -> AppResult<Response> {
    let again = PasswordAgain::begin(&app, &me, "account-deletion").await?;
    let mut errors = FormErrors::default();
    if !again.matches(&app, &me, &form.password).await? {
        errors.add("password", NOT_YOUR_PASSWORD);
    }
    if !confirmed(&form.confirm) {
        errors.add(
            "confirm",
            format!("Please type “{CONFIRMATION}” to confirm, or go back to your account."),
        );
    }
    if errors.any() {
        let page = page(&app, &me, layout, form.confirm.clone(), errors).await?;
        return render_refused(&page);
    }
    again.passed(&app).await?;
    delete_everything(&app, &me, &submission, layout.now.instant).await?;
    Ok(farewell(&app))
}

/// The space first (so a partner is never left with a space that names
/// someone half gone), then the private stream, then the account.
async fn delete_everything(
    app: &AppState,
    me: &Session,
    submission: &Submission,
    now: OffsetDateTime,
) -> AppResult<()> {
    leave_space(app, me, submission, now).await?;
    let private = StreamId::private(me.user);
    app.store
        .destroy_stream(private.as_str(), DeletionReason::AccountDeleted, now)
        .await?;
    app.privates.forget(private.as_str());
    app.store.delete_user(me.user.0).await?;
    app.sessions.clear();
    tracing::info!("an account was deleted");
    Ok(())
}

async fn leave_space(
    app: &AppState,
    me: &Session,
    submission: &Submission,
    now: OffsetDateTime,
) -> AppResult<()> {
    let Some(couple) = MyCouple::of(me) else {
        return Ok(());
    };
    if space_after(app, me).await? == SpaceAfter::GoesWithMe {
        app.store
            .destroy_stream(couple.stream.as_str(), DeletionReason::AccountDeleted, now)
            .await?;
        app.couples.forget(couple.stream.as_str());
        return Ok(());
    }
    if !couple.read(app).await?.state.space.is_open() {
        // Ended already: the window it was given runs on unchanged.
        return Ok(());
    }
    let reason = EndReason::AccountDeleted;
    match ending::end_shared_space(app, &couple, submission, reason).await? {
        Outcome::Done(_) => Ok(()),
        Outcome::Refused(refusal) => Err(AppError::from_refusal(refusal)),
        Outcome::Again(why) => Err(AppError::Conflict(why.to_owned())),
    }
}

/// Signed out everywhere already (the sessions went with the account);
/// the cookies and the site's storage go here, as with quick exit.
fn farewell(app: &AppState) -> Response {
    let mut response = Redirect::to("/account/deleted").into_response();
    for cookie in CookieNames::new(app.config.secure_cookies).all_cleared() {
        set_cookie(&mut response, &cookie);
    }
    response.headers_mut().insert(
        header::HeaderName::from_static("clear-site-data"),
        HeaderValue::from_static("\"storage\""),
    );
    response.extensions_mut().insert(CookiesCleared);
    response
}

async fn deleted_page(layout: Layout) -> AppResult<Response> {
    render(&DeletedPage { layout })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_confirmation_reads_past_case_and_spacing_but_not_other_words() {
        assert!(confirmed("delete my account"));
        assert!(confirmed("  Delete   My Account "));
        assert!(!confirmed("delete"));
        assert!(!confirmed("delete my account now"));
        assert!(!confirmed(""));
    }
}
