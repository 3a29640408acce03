//! "Take your story with you": everything the person can see, as one zip
//! with a JSON document and a readable copy. Their own private stream and
//! the couple's record as they see it (`core::views::export` decides
//! what is in it); the partner's private stream is never read here.
//!
//! The password is asked again before it starts (wrong ones are counted
//! like sign-in attempts), the file has a neutral name, and a passphrase
//! can protect it (WinZip AES-256).

pub mod archive;
pub mod document;

use crate::app::error::{AppError, AppResult};
use crate::app::layout::{render, render_refused, Layout};
use crate::app::state::AppState;
use crate::auth::again::{PasswordAgain, NOT_YOUR_PASSWORD};
use crate::auth::session::{CurrentUser, Session};
use crate::couple::MyCouple;
use crate::http::forms::{text_form, CsrfForm, FormCaps, FormErrors};
use crate::http::routes::Route;
use archive::Plan;
use askama::Template;
use axum::body::Body;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use document::PersonPart;
use kintsugi_core::views::export::ExportRules;
use kintsugi_core::StreamId;
use zeroize::Zeroizing;

pub fn routes() -> Vec<Route> {
    vec![
        Route::page("/account/export", "the export page", export_page),
        Route::form("/account/export", "download my export", export),
    ]
}

/// The shortest passphrase accepted.
const PASSPHRASE_MIN: usize = 8;

text_form! {
    pub struct ExportForm { password, passphrase, passphrase_confirm }
    caps FormCaps::new(8, 1_000, 2_000)
}

#[derive(Template)]
#[template(path = "export/export.html")]
struct ExportPage {
    layout: Layout,
    email: String,
    /// Typed again after a refusal; never the password.
    passphrase: String,
    passphrase_confirm: String,
    errors: FormErrors,
}

async fn export_page(
    State(app): State<AppState>,
    CurrentUser(me): CurrentUser,
    layout: Layout,
) -> AppResult<Response> {
    render(&ExportPage {
        layout: layout.in_section("account"),
        email: email_of(&app, &me).await?,
        passphrase: String::new(),
        passphrase_confirm: String::new(),
        errors: FormErrors::default(),
    })
}

async fn email_of(app: &AppState, me: &Session) -> AppResult<String> {
    Ok(app
        .store
        .user_by_id(me.user.0)
        .await?
        .ok_or(AppError::NotFound)?
        .email)
}

/// The passphrase chosen, if any: both fields alike and long enough.
fn chosen_passphrase(form: &ExportForm) -> Result<Option<Zeroizing<String>>, FormErrors> {
    if form.passphrase.is_empty() && form.passphrase_confirm.is_empty() {
        return Ok(None);
    }
    if form.passphrase.chars().count() < PASSPHRASE_MIN {
        return Err(FormErrors::field(
            "passphrase",
            format!("Please choose a passphrase of at least {PASSPHRASE_MIN} characters, or leave both fields empty."),
        ));
    }
    if form.passphrase != form.passphrase_confirm {
        return Err(FormErrors::field(
            "passphrase_confirm",
            "The two passphrases are not the same. Please type it again.",
        ));
    }
    Ok(Some(Zeroizing::new(form.passphrase.clone())))
}

/// Checks the password again, then streams the zip.
async fn export(
    State(app): State<AppState>,
    CurrentUser(me): CurrentUser,
    layout: Layout,
    CsrfForm(form): CsrfForm<ExportForm>,
) -> AppResult<Response> {
    let again = PasswordAgain::begin(&app, &me, "export").await?;
    let email = email_of(&app, &me).await?;
    let refused = |layout: Layout, errors: FormErrors| {
        render_refused(&ExportPage {
            layout: layout.in_section("account"),
            email: email.clone(),
            passphrase: form.passphrase.clone(),
            passphrase_confirm: form.passphrase_confirm.clone(),
            errors,
        })
    };
    if !again.matches(&app, &me, &form.password).await? {
        return refused(layout, FormErrors::field("password", NOT_YOUR_PASSWORD));
    }
    let passphrase = match chosen_passphrase(&form) {
        Ok(passphrase) => passphrase,
        Err(errors) => return refused(layout, errors),
    };
    again.passed(&app).await?;
    let plan = plan(&app, &me, &layout, email.clone(), passphrase).await?;
    let name = format!("kintsugi-export-{}.zip", layout.now.today());
    let body = Body::from_stream(tokio_stream::wrappers::ReceiverStream::new(archive::start(
        plan,
    )));
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}

/// What the export holds, fixed now: the rules from the couple's record as
/// it stands, and the head of the person's own private stream.
async fn plan(
    app: &AppState,
    me: &Session,
    layout: &Layout,
    email: String,
    passphrase: Option<Zeroizing<String>>,
) -> AppResult<Plan> {
    let now = layout.now.instant;
    let (rules, couple_stream) = match MyCouple::of(me) {
        Some(couple) => {
            let shared = couple.read(app).await?;
            let rules = ExportRules::for_partner(me.user, &shared.state, now)
                .map_err(|_| AppError::NotFound)?;
            (rules, Some(couple.stream.as_str().to_owned()))
        }
        None => (ExportRules::alone(me.user), None),
    };
    let private_stream = StreamId::private(me.user).as_str().to_owned();
    let private_through = app
        .store
        .head(&private_stream)
        .await?
        .map_or(0, |head| head.seq);
    Ok(Plan {
        store: app.store.clone(),
        person: PersonPart {
            id: me.user.0.to_string(),
            email,
            time_zone: layout.now.zone.name().to_owned(),
            in_a_couple: couple_stream.is_some(),
        },
        rules,
        zone: layout.now.zone,
        exported_at: now,
        private_stream,
        private_through,
        couple_stream,
        passphrase,
    })
}
