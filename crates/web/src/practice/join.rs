//! A couple's one-time link to their therapist: who holds it learns only
//! that it is an invitation; signed in, the therapist sees how the couple
//! named them and what both partners consented to, names the couple for
//! themselves, and accepts. The acceptance, their name for the couple,
//! the link's use and their row in `therapist_couples` land together.

use super::as_therapist;
use crate::app::clock::Zone;
use crate::app::error::{AppError, AppResult};
use crate::app::layout::{render, render_refused, Layout};
use crate::app::state::AppState;
use crate::auth::routes::THERAPIST_LINK;
use crate::auth::session::{CurrentUser, MaybeUser, Session};
use crate::auth::tokens::{hash_token, is_well_formed};
use crate::exec::{self, Outcome, Writes};
use crate::http::forms::{text_form, FormErrors, SubmittedForm};
use crate::present::dates;
use crate::present::repair::form_errors;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use kintsugi_core::therapist::{self, practice, Scope};
use kintsugi_core::{CoupleId, EntryId, Refusal};
use kintsugi_store::{NewTherapistLink, StoreError, TherapistInviteRecord, TherapistLink};

text_form! {
    pub struct AcceptForm {
        /// What the therapist calls the couple, for themselves.
        name,
    }
}

#[derive(Template)]
#[template(path = "practice/join.html")]
struct JoinPage {
    layout: Layout,
    token: String,
    /// Signed in: what the couple called them and what they may see.
    invited: Option<Invited>,
    form: AcceptForm,
    errors: FormErrors,
}

struct Invited {
    called: String,
    scopes: Vec<&'static str>,
    expires: String,
}

#[derive(Template)]
#[template(path = "practice/problem.html")]
struct ProblemPage {
    layout: Layout,
    message: String,
}

fn problem(layout: Layout, status: StatusCode, message: impl Into<String>) -> AppResult<Response> {
    let page = ProblemPage {
        layout,
        message: message.into(),
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// Why a link cannot be used, for the page that says so.
struct Gone(StatusCode, String);

const USED: &str = "This link has been used already. Each link works once: please ask the couple for a new one if you need it.";

/// The invitation the link names, if it can still be used.
async fn usable(
    app: &AppState,
    token: &str,
    zone: Zone,
) -> AppResult<Result<TherapistInviteRecord, Gone>> {
    let found = match is_well_formed(token) {
        true => {
            app.store
                .therapist_invite_by_token_hash(&hash_token(token))
                .await?
        }
        false => None,
    };
    let Some(invite) = found else {
        return Ok(Err(Gone(StatusCode::NOT_FOUND, "This link does not work. Please check that the whole link was copied, or ask the couple for a new one.".into())));
    };
    if invite.used_at.is_some() {
        return Ok(Err(Gone(StatusCode::GONE, USED.into())));
    }
    if invite.expires_at <= app.clock.now() {
        let message = format!(
            "This link expired on {}. Please ask the couple for a new one.",
            dates::when(invite.expires_at, zone)
        );
        return Ok(Err(Gone(StatusCode::GONE, message)));
    }
    Ok(Ok(invite))
}

/// Why the couple's record does not let `me` accept, in words.
fn refusal_words(refusal: &Refusal) -> &'static str {
    match refusal {
        Refusal::NotAllowed(why) | Refusal::Conflict(why) => why,
        _ => "This invitation cannot be accepted.",
    }
}

/// How the couple named the therapist and what both consented to; the
/// refusal when `me` cannot accept now.
async fn invited(
    app: &AppState,
    invite: &TherapistInviteRecord,
    me: &Session,
) -> AppResult<Result<(String, Vec<&'static str>), Refusal>> {
    let couple = as_therapist(invite.couple_id, me);
    let cached = app
        .couples
        .read(app.store.as_ref(), couple.stream.as_str())
        .await?;
    let state = &cached.state;
    let proposal = EntryId(invite.proposal);
    if let Err(refusal) = therapist::check_accept(&state.space, &state.therapy, me.user, proposal) {
        return Ok(Err(refusal));
    }
    let Some(engagement) = state.therapy.get(proposal) else {
        return Ok(Err(Refusal::NotFound));
    };
    let both = consented_by_both(engagement, &state.space);
    Ok(Ok((engagement.name.clone(), both)))
}

/// The scopes both partners' consents hold, in words: what the therapist
/// will see once they accept.
fn consented_by_both(
    engagement: &therapist::Engagement,
    space: &kintsugi_core::space::SpaceState,
) -> Vec<&'static str> {
    let consents: Vec<_> = engagement
        .consents
        .iter()
        .filter(|(who, _)| space.is_member(*who))
        .map(|(_, scopes)| scopes)
        .collect();
    Scope::ALL
        .iter()
        .filter(|s| consents.iter().all(|held| held.contains(s)))
        .map(|s| s.label())
        .collect()
}

pub async fn invitation_page(
    State(app): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(token): Path<String>,
    layout: Layout,
) -> AppResult<Response> {
    let invite = match usable(&app, &token, layout.now.zone).await? {
        Ok(invite) => invite,
        Err(Gone(status, message)) => return problem(layout, status, message),
    };
    let Some(me) = user else {
        // Holding the link shows nothing of the couple.
        return render(&JoinPage {
            layout,
            token: format!("{THERAPIST_LINK}{token}"),
            invited: None,
            form: AcceptForm::default(),
            errors: FormErrors::default(),
        });
    };
    show(
        &app,
        &invite,
        &me,
        layout,
        token,
        AcceptForm::default(),
        FormErrors::default(),
    )
    .await
}

async fn show(
    app: &AppState,
    invite: &TherapistInviteRecord,
    me: &Session,
    layout: Layout,
    token: String,
    form: AcceptForm,
    errors: FormErrors,
) -> AppResult<Response> {
    let (called, scopes) = match invited(app, invite, me).await? {
        Ok(found) => found,
        Err(refusal) => return problem(layout, StatusCode::CONFLICT, refusal_words(&refusal)),
    };
    let refused = errors.any();
    let page = JoinPage {
        invited: Some(Invited {
            called,
            scopes,
            expires: dates::when(invite.expires_at, layout.now.zone),
        }),
        layout,
        token,
        form,
        errors,
    };
    if refused {
        render_refused(&page)
    } else {
        render(&page)
    }
}

pub async fn accept(
    State(app): State<AppState>,
    CurrentUser(me): CurrentUser,
    Path(token): Path<String>,
    layout: Layout,
    SubmittedForm { form, submission }: SubmittedForm<AcceptForm>,
) -> AppResult<Response> {
    let invite = match usable(&app, &token, layout.now.zone).await? {
        Ok(invite) => invite,
        Err(Gone(status, message)) => {
            return match already_accepted(&app, &token, &me).await? {
                Some(done) => Ok(done),
                None => problem(layout, status, message),
            }
        }
    };
    let couple = as_therapist(invite.couple_id, &me);
    let proposal = EntryId(invite.proposal);
    let link = NewTherapistLink {
        link: TherapistLink {
            therapist_id: me.user.0,
            couple_id: invite.couple_id,
            proposal: invite.proposal,
            since: app.clock.now(),
        },
        invite: invite.token_hash,
    };
    let outcome = exec::submit_as_therapist(&app, &couple, Some(link), &submission, |decision| {
        let state = decision.couple;
        let (accepted, named) = practice::accept_and_name(
            &state.space,
            &state.therapy,
            me.user,
            proposal,
            CoupleId(invite.couple_id),
            &form.name,
        )?;
        Ok(Writes::couple(accepted).and_private(named))
    })
    .await;
    let outcome = match outcome {
        Err(AppError::Store(StoreError::InviteGone)) => {
            return match already_accepted(&app, &token, &me).await? {
                Some(done) => Ok(done),
                None => problem(layout, StatusCode::GONE, USED),
            };
        }
        other => other?,
    };
    match outcome {
        Outcome::Done(_) => {
            Ok(Redirect::to(&format!("/practice/{}", invite.couple_id)).into_response())
        }
        Outcome::Refused(refusal) => {
            let errors = form_errors(refusal)?;
            show(&app, &invite, &me, layout, token, form, errors).await
        }
        Outcome::Again(message) => {
            show(
                &app,
                &invite,
                &me,
                layout,
                token,
                form,
                FormErrors::summary(message),
            )
            .await
        }
    }
}

/// A second tap on "Accept" (or a browser's retry) by the therapist who
/// used the link leads to the couple, not to a problem.
async fn already_accepted(
    app: &AppState,
    token: &str,
    me: &Session,
) -> AppResult<Option<Response>> {
    if !is_well_formed(token) {
        return Ok(None);
    }
    let invite = app
        .store
        .therapist_invite_by_token_hash(&hash_token(token))
        .await?;
    Ok(invite
        .filter(|invite| invite.used_by == Some(me.user.0))
        .map(|invite| Redirect::to(&format!("/practice/{}", invite.couple_id)).into_response()))
}
