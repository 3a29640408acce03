//! Joining a couple space through the one-time link, or saying no.
//!
//! Whoever merely holds the link learns only that it is an invitation.
//! Signed in, the invited partner sees the safety screen, what was
//! recorded and the role it gives them, then joins (ticking for
//! themselves that they feel safe) or declines.

use crate::app::clock::{Now, Zone};
use crate::app::config::SafetyResource;
use crate::app::error::{AppError, AppResult};
use crate::app::layout::{render, render_refused, Layout};
use crate::app::state::AppState;
use crate::auth::session::{CurrentUser, MaybeUser, Session};
use crate::auth::tokens::{hash_token, is_well_formed};
use crate::couple::MyCouple;
use crate::exec::{self, Outcome, Writes};
use crate::http::forms::text_form;
use crate::http::forms::{CsrfForm, FormErrors, NoFields, SubmittedForm};
use crate::http::routes::Route;
use crate::present::dates;
use crate::space::{betrayal_rows, roles_in_words, BetrayalRow};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use kintsugi_core::space::{self, Slot};
use kintsugi_core::{CoupleId, StreamId};
use kintsugi_store::{InviteRecord, NewMember, StoreError};
use time::OffsetDateTime;

pub fn routes() -> Vec<Route> {
    vec![
        Route::page("/invite/{token}", "an invitation", invite_page),
        Route::form("/invite/{token}", "join the space", accept),
        Route::form("/invite/{token}/decline", "decline an invitation", decline)
            .leads_to("/invite/{token}"),
    ]
}

/// Why a link cannot be used, in words for the person holding it.
enum Problem {
    Unknown,
    Used,
    Declined,
    Expired(OffsetDateTime),
    AlreadyInASpace,
    OwnLink,
    SpaceFull,
}

impl Problem {
    fn status(&self) -> StatusCode {
        match self {
            Problem::Unknown => StatusCode::NOT_FOUND,
            Problem::Used | Problem::Declined | Problem::Expired(_) => StatusCode::GONE,
            Problem::AlreadyInASpace | Problem::OwnLink | Problem::SpaceFull => {
                StatusCode::CONFLICT
            }
        }
    }

    fn message(&self, zone: Zone) -> String {
        match self {
            Problem::Unknown => "This invitation link does not work. Please check that the whole link was copied, or ask your partner for a new one.".into(),
            Problem::Used => "This invitation link has been used already. Each link works once: please ask your partner to make a new one from their space page.".into(),
            Problem::Declined => "This invitation was declined, so the link no longer works. If that was a mistake, please ask your partner to make a new one.".into(),
            Problem::Expired(at) => format!(
                "This invitation link expired on {}. Links last a week, so that an old one cannot be found and used later. Please ask your partner for a new one.",
                dates::when(*at, zone)
            ),
            Problem::AlreadyInASpace => "You are already part of a couple space. A person can belong to one space at a time.".into(),
            Problem::OwnLink => "This is the invitation link you made. Send it to your partner so they can join you.".into(),
            Problem::SpaceFull => "Both partners have already joined this space, so this link cannot be used. Nothing was changed for you: if you want a space of your own, you can create one from the start page.".into(),
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

/// What someone who holds the link but is not signed in sees: that it is
/// an invitation, and how to sign in or register and come back to it.
#[derive(Template)]
#[template(path = "invite/invite.html")]
struct InvitePage {
    layout: Layout,
    token: String,
    expires: String,
}

/// What the invited partner sees once signed in, before they decide.
#[derive(Template)]
#[template(path = "invite/join.html")]
struct JoinPage {
    layout: Layout,
    token: String,
    expires: String,
    resources: Vec<SafetyResource>,
    my_roles: String,
    betrayals: Vec<BetrayalRow>,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "invite/declined.html")]
struct DeclinedPage {
    layout: Layout,
}

text_form! {
    pub struct JoinForm { feel_safe }
}

/// The invitation the link names, if it can still be used.
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
    if invite.declined_at.is_some() {
        return Ok(Err(Problem::Declined));
    }
    if invite.expires_at <= app.clock.now() {
        return Ok(Err(Problem::Expired(invite.expires_at)));
    }
    Ok(Ok(invite))
}

/// The invitation, if `me` may act on it: it can still be used, and they
/// are neither its maker nor in a space already.
async fn usable_by(
    app: &AppState,
    token: &str,
    me: &Session,
) -> AppResult<Result<InviteRecord, Problem>> {
    let invite = match find_usable(app, token).await? {
        Ok(invite) => invite,
        Err(problem) => return Ok(Err(problem)),
    };
    Ok(match app.store.couple_of(me.user.0).await? {
        Some(couple) if couple == invite.couple_id => Err(Problem::OwnLink),
        Some(_) => Err(Problem::AlreadyInASpace),
        None => Ok(invite),
    })
}

/// The space the invitation leads to, as `me` would enter it.
fn space_of(invite: &InviteRecord, me: &Session) -> MyCouple {
    let id = CoupleId(invite.couple_id);
    MyCouple {
        id,
        stream: StreamId::couple(id),
        me: me.user,
    }
}

async fn invite_page(
    State(app): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(token): Path<String>,
    layout: Layout,
) -> AppResult<Response> {
    let zone = layout.now.zone;
    let Some(me) = user else {
        // Holding the link is not enough to see anything of the space.
        return match find_usable(&app, &token).await? {
            Ok(invite) => render(&InvitePage {
                layout,
                token,
                expires: dates::when(invite.expires_at, zone),
            }),
            Err(problem) => answer_problem(layout, problem, zone),
        };
    };
    let invite = match usable_by(&app, &token, &me).await? {
        Ok(invite) => invite,
        Err(problem) => return answer_problem(layout, problem, zone),
    };
    match join_page(&app, &invite, &me, layout, token, FormErrors::default()).await? {
        Ok(page) => render(&page),
        Err((layout, problem)) => answer_problem(layout, problem, zone),
    }
}

/// The page that asks the invited partner to join or decline, with what
/// the space's record says and the role it gives them. The only read of a
/// space's record for someone who is not (yet) in it: they hold a usable
/// link and are signed in, and they see only what they will see the
/// moment they join. `SpaceFull` when nobody can join any more.
async fn join_page(
    app: &AppState,
    invite: &InviteRecord,
    me: &Session,
    layout: Layout,
    token: String,
    errors: FormErrors,
) -> AppResult<Result<JoinPage, (Layout, Problem)>> {
    let zone = layout.now.zone;
    let couple = space_of(invite, me);
    let cached = app
        .couples
        .read(app.store.as_ref(), couple.stream.as_str())
        .await?;
    let space = &cached.state.space;
    if !space::can_join(space, me.user) {
        return Ok(Err((layout, Problem::SpaceFull)));
    }
    Ok(Ok(JoinPage {
        layout,
        token,
        expires: dates::when(invite.expires_at, zone),
        resources: app.config.safety_resources.clone(),
        my_roles: roles_in_words(space, Slot::Invitee),
        betrayals: betrayal_rows(space, Slot::Invitee, zone),
        errors,
    }))
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

async fn accept(
    State(app): State<AppState>,
    now: Now,
    CurrentUser(me): CurrentUser,
    Path(token): Path<String>,
    layout: Layout,
    SubmittedForm { form, submission }: SubmittedForm<JoinForm>,
) -> AppResult<Response> {
    let refuse = |layout: Layout, problem: Problem| async {
        if joined_through(&app, &token, me.user.0).await? {
            return Ok(Redirect::to("/space").into_response());
        }
        answer_problem(layout, problem, now.zone)
    };
    let invite = match usable_by(&app, &token, &me).await? {
        Ok(invite) => invite,
        Err(problem) => return refuse(layout, problem).await,
    };
    if form.feel_safe != "yes" {
        // The creator's tick was theirs alone: each partner gives their own.
        let errors = FormErrors::field(
            "feel_safe",
            "Please read the note above, and tick the box if you feel safe doing this together.",
        );
        return match join_page(&app, &invite, &me, layout, token.clone(), errors).await? {
            Ok(page) => render_refused(&page),
            Err((layout, problem)) => refuse(layout, problem).await,
        };
    }
    let couple = space_of(&invite, &me);
    let member = NewMember {
        couple_id: invite.couple_id,
        user_id: me.user.0,
        at: now.instant,
        invite: Some(invite.token_hash),
    };
    let outcome = exec::submit_as_newcomer(&app, &couple, member, &submission, |states| {
        space::join(&states.couple.space, me.user).map(Writes::couple)
    })
    .await;
    let problem = match outcome {
        Ok(Outcome::Done(_)) => return Ok(Redirect::to("/space").into_response()),
        Ok(Outcome::Again(message)) => return Err(AppError::Conflict(message.to_owned())),
        // Filled a moment ago by someone else: nothing was written for
        // this person, who can still start a space of their own.
        Ok(Outcome::Refused(_)) | Err(AppError::Store(StoreError::SpaceFull)) => Problem::SpaceFull,
        Err(AppError::Store(StoreError::AlreadyInCouple)) => Problem::AlreadyInASpace,
        Err(AppError::Store(StoreError::InviteGone)) => match find_usable(&app, &token).await? {
            Err(problem) => problem,
            Ok(_) => Problem::Used,
        },
        Err(other) => return Err(other),
    };
    refuse(layout, problem).await
}

/// Ends the link: the invited partner said no. Nothing of who they are
/// or why is kept; the inviter sees only that it was declined.
async fn decline(
    State(app): State<AppState>,
    now: Now,
    CurrentUser(me): CurrentUser,
    Path(token): Path<String>,
    layout: Layout,
    CsrfForm(_): CsrfForm<NoFields>,
) -> AppResult<Response> {
    let invite = match usable_by(&app, &token, &me).await? {
        Ok(invite) => invite,
        Err(problem) => return answer_problem(layout, problem, now.zone),
    };
    if !app
        .store
        .decline_invite(&invite.token_hash, now.instant)
        .await?
    {
        let problem = find_usable(&app, &token).await?.err();
        return answer_problem(layout, problem.unwrap_or(Problem::Used), now.zone);
    }
    render(&DeclinedPage { layout })
}
