//! Joining a couple space through the one-time link.

use crate::app::clock::{Now, Zone};
use crate::app::error::{AppError, AppResult};
use crate::app::layout::{render, Layout};
use crate::app::state::AppState;
use crate::auth::session::{CurrentUser, MaybeUser};
use crate::auth::tokens::{hash_token, is_well_formed};
use crate::couple::MyCouple;
use crate::exec::{self, Outcome, Writes};
use crate::http::forms::{NoFields, SubmittedForm};
use crate::http::routes::Route;
use crate::present::dates;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use kintsugi_core::space;
use kintsugi_core::{CoupleId, StreamId};
use kintsugi_store::{InviteRecord, StoreError};
use time::OffsetDateTime;

pub fn routes() -> Vec<Route> {
    vec![
        Route::page("/invite/{token}", "an invitation", invite_page),
        Route::form("/invite/{token}", "join the space", accept),
    ]
}

/// Why a link cannot be used, in words for the person holding it.
enum Problem {
    Unknown,
    Used,
    Expired(OffsetDateTime),
    AlreadyInASpace,
    OwnLink,
    SpaceFull,
}

impl Problem {
    fn status(&self) -> StatusCode {
        match self {
            Problem::Unknown => StatusCode::NOT_FOUND,
            Problem::Used | Problem::Expired(_) => StatusCode::GONE,
            Problem::AlreadyInASpace | Problem::OwnLink | Problem::SpaceFull => {
                StatusCode::CONFLICT
            }
        }
    }

    fn message(&self, zone: Zone) -> String {
        match self {
            Problem::Unknown => "This invitation link does not work. Please check that the whole link was copied, or ask your partner for a new one.".into(),
            Problem::Used => "This invitation link has been used already. Each link works once: please ask your partner to make a new one from their space page.".into(),
            Problem::Expired(at) => format!(
                "This invitation link expired on {}. Links last a week, so that an old one cannot be found and used later. Please ask your partner for a new one.",
                dates::when(*at, zone)
            ),
            Problem::AlreadyInASpace => "You are already part of a couple space. A person can belong to one space at a time.".into(),
            Problem::OwnLink => "This is the invitation link you made. Send it to your partner so they can join you.".into(),
            Problem::SpaceFull => "Both partners have already joined this space.".into(),
        }
    }
}

#[derive(Template)]
#[template(path = "invite/invite_problem.html")]
struct ProblemPage {
    layout: Layout,
    message: String,
}

fn answer_problem(layout: Layout, problem: Problem, zone: Zone) -> AppResult<Response> {
    let page = ProblemPage {
        layout,
        message: problem.message(zone),
    };
    Ok((problem.status(), Html(page.render()?)).into_response())
}

#[derive(Template)]
#[template(path = "invite/invite.html")]
struct InvitePage {
    layout: Layout,
    token: String,
    expires: String,
}

async fn find_usable(app: &AppState, token: &str) -> AppResult<Result<InviteRecord, Problem>> {
    if !is_well_formed(token) {
        return Ok(Err(Problem::Unknown));
    }
    let Some(invite) = app.store.invite_by_token_hash(&hash_token(token)).await? else {
        return Ok(Err(Problem::Unknown));
    };
    if invite.used_at.is_some() {
        return Ok(Err(Problem::Used));
    }
    if invite.expires_at <= app.clock.now() {
        return Ok(Err(Problem::Expired(invite.expires_at)));
    }
    Ok(Ok(invite))
}

async fn check_person(
    app: &AppState,
    invite: &InviteRecord,
    user: uuid::Uuid,
) -> AppResult<Option<Problem>> {
    Ok(match app.store.couple_of(user).await? {
        Some(couple) if couple == invite.couple_id => Some(Problem::OwnLink),
        Some(_) => Some(Problem::AlreadyInASpace),
        None => None,
    })
}

async fn invite_page(
    State(app): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(token): Path<String>,
    layout: Layout,
) -> AppResult<Response> {
    let zone = app.now().zone;
    let invite = match find_usable(&app, &token).await? {
        Ok(invite) => invite,
        Err(p) => return answer_problem(layout, p, zone),
    };
    if let Some(session) = user {
        if let Some(p) = check_person(&app, &invite, session.user.0).await? {
            return answer_problem(layout, p, zone);
        }
    }
    render(&InvitePage {
        layout,
        token,
        expires: dates::when(invite.expires_at, zone),
    })
}

/// Whether this person already joined through this link: a second tap
/// on "Join" (or a browser's retry) leads to the space, not to a problem.
async fn joined_through(app: &AppState, token: &str, user: uuid::Uuid) -> AppResult<bool> {
    if !is_well_formed(token) {
        return Ok(false);
    }
    let invite = app.store.invite_by_token_hash(&hash_token(token)).await?;
    Ok(invite.is_some_and(|invite| invite.used_by == Some(user)))
}

async fn space_has_room(app: &AppState, couple: &MyCouple) -> AppResult<bool> {
    let cached = app
        .couples
        .read(app.store.as_ref(), couple.stream.as_str())
        .await?;
    Ok(space::join(&cached.state.space, couple.me).is_ok())
}

async fn accept(
    State(app): State<AppState>,
    now: Now,
    CurrentUser(me): CurrentUser,
    Path(token): Path<String>,
    layout: Layout,
    SubmittedForm { submission, .. }: SubmittedForm<NoFields>,
) -> AppResult<Response> {
    let refuse = |problem: Problem| async {
        if joined_through(&app, &token, me.user.0).await? {
            return Ok(Redirect::to("/space").into_response());
        }
        answer_problem(layout, problem, now.zone)
    };
    let invite = match find_usable(&app, &token).await? {
        Ok(invite) => invite,
        Err(p) => return refuse(p).await,
    };
    if let Some(p) = check_person(&app, &invite, me.user.0).await? {
        return refuse(p).await;
    }
    let id = CoupleId(invite.couple_id);
    let couple = MyCouple {
        id,
        stream: StreamId::couple(id),
        me: me.user,
    };
    // Asked before the link is used up, so a full space spends nothing.
    if !space_has_room(&app, &couple).await? {
        return refuse(Problem::SpaceFull).await;
    }
    if !app
        .store
        .use_invite(&invite.token_hash, me.user.0, now.instant)
        .await?
    {
        return refuse(Problem::Used).await;
    }
    match app
        .store
        .add_member(invite.couple_id, me.user.0, now.instant)
        .await
    {
        Ok(()) => {}
        Err(StoreError::AlreadyInCouple) => return refuse(Problem::AlreadyInASpace).await,
        Err(other) => return Err(other.into()),
    }
    let outcome = exec::submit_as_newcomer(&app, &couple, &submission, |states| {
        space::join(&states.couple.space, me.user).map(Writes::couple)
    })
    .await?;
    match outcome {
        Outcome::Done(_) => Ok(Redirect::to("/space").into_response()),
        // Filled a moment ago by someone else: the link is spent either way.
        Outcome::Refused(_) => Err(AppError::Conflict(Problem::SpaceFull.message(now.zone))),
        Outcome::Again(message) => Err(AppError::Conflict(message.to_owned())),
    }
}
