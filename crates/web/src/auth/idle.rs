//! Automatic sign-out after some idle minutes, chosen by a person for a
//! shared device. Off unless they choose it; it only ever shortens the
//! instance's own idle time-out, never lengthens it.

use crate::app::error::{AppError, AppResult};
use crate::app::state::AppState;
use crate::auth::session::CurrentUser;
use crate::http::forms::text_form;
use crate::http::forms::CsrfForm;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use uuid::Uuid;

/// What a person may choose: the form's value, its words, and the minutes.
const CHOICES: [(&str, &str, Option<u32>); 5] = [
    ("off", "Never: stay signed in as usual", None),
    ("15", "After 15 minutes", Some(15)),
    ("30", "After 30 minutes", Some(30)),
    ("60", "After 1 hour", Some(60)),
    ("240", "After 4 hours", Some(240)),
];

/// One choice of the account page's select.
pub struct IdleOption {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

/// The account page's section: every choice, the person's own selected.
pub struct IdleSection {
    pub options: Vec<IdleOption>,
}

impl IdleSection {
    pub async fn of(app: &AppState, user: Uuid) -> AppResult<Self> {
        let chosen = app.store.idle_sign_out(user).await?;
        let options = CHOICES
            .iter()
            .map(|&(value, label, minutes)| IdleOption {
                value,
                label,
                selected: minutes == chosen,
            })
            .collect();
        Ok(Self { options })
    }
}

/// How long a session of `user` may sit idle before it ends: the
/// instance's limit, or the person's own, whichever is shorter.
pub async fn idle_limit(app: &AppState, user: Uuid) -> AppResult<time::Duration> {
    let instance = time::Duration::try_from(app.config.limits.session_idle)
        .map_err(|e| AppError::Internal(format!("the idle time-out: {e}")))?;
    Ok(match app.store.idle_sign_out(user).await? {
        Some(minutes) => instance.min(time::Duration::minutes(i64::from(minutes))),
        None => instance,
    })
}

text_form! {
    pub struct IdleForm { minutes }
}

pub async fn choose(
    State(app): State<AppState>,
    CurrentUser(me): CurrentUser,
    CsrfForm(form): CsrfForm<IdleForm>,
) -> AppResult<Response> {
    let Some(&(_, _, minutes)) = CHOICES.iter().find(|(value, _, _)| *value == form.minutes) else {
        return Err(AppError::BadForm);
    };
    app.store.set_idle_sign_out(me.user.0, minutes).await?;
    app.sessions.clear();
    Ok(Redirect::to("/account#idle-sign-out").into_response())
}
