//! Our therapist, as the partners see it (`/therapist`): proposing one by
//! name with what they may see, the other partner's consent (or no),
//! narrowing alone and widening by both, ending access at once, the
//! one-time link for the therapist, and "what our therapist sees"
//! (`/therapist/sees`), exactly the therapist's own view.

pub(crate) mod brief;
pub(crate) mod seen;
pub(crate) mod session;
mod view;

use crate::app::error::AppResult;
use crate::app::layout::{render, render_refused};
use crate::auth::tokens::{hash_token, random_token};
use crate::exec::{Landed, Writes};
use crate::http::extractors::{Desk, EntryForm, PostedForm};
use crate::http::forms::{text_form, Form, FormErrors, NoFields};
use crate::http::routes::Route;
use crate::mail::message;
use crate::present::dates;
use crate::present::repair::{form_errors, redraws_with, room_page};
use crate::space::link_url;
use axum::http::HeaderMap;
use axum::response::Response;
use kintsugi_core::access::room::Acting;
use kintsugi_core::access::therapist::what_our_therapist_sees;
use kintsugi_core::streams::couple::CoupleState;
use kintsugi_core::therapist::{self, Therapy};
use kintsugi_core::EntryId;
use kintsugi_store::TherapistInviteRecord;
use serde::Deserialize;
use session::{AgendaForm, HeldForm, SessionRefused};
use view::{build, SeesPage};

pub fn routes() -> Vec<Route> {
    vec![
        Route::page("/therapist", "our therapist", room_page::<Refused>),
        Route::form("/therapist", "propose a therapist", propose),
        Route::form(
            "/therapist/{id}/consent",
            "consent to the therapist",
            consent,
        )
        .leads_to("/therapist"),
        Route::form(
            "/therapist/{id}/decline",
            "say no to the therapist",
            decline,
        )
        .leads_to("/therapist"),
        Route::form(
            "/therapist/{id}/scopes",
            "change what the therapist sees",
            change_scopes,
        )
        .leads_to("/therapist"),
        Route::form("/therapist/{id}/end", "end the therapist's access", end)
            .leads_to("/therapist"),
        Route::form(
            "/therapist/{id}/link",
            "make the therapist's one-time link",
            make_link,
        )
        .leads_to("/therapist"),
        Route::page("/therapist/sees", "what our therapist sees", sees_page),
        Route::form(
            "/therapist/agenda",
            "add to the next session's agenda",
            add_agenda_item,
        )
        .leads_to("/therapist#session"),
        Route::form("/therapist/held", "mark the session held", mark_held)
            .leads_to("/therapist#session"),
        Route::page(
            "/therapist/brief",
            "the session brief, as our therapist reads it",
            brief_page,
        ),
    ]
}

/// The name and the scopes ticked, one `scopes` field each.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct ProposeForm {
    pub(crate) name: String,
    pub(crate) scopes: Vec<String>,
}

impl Form for ProposeForm {}

/// The scopes ticked on a consent or a change.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct ScopesForm {
    pub(crate) scopes: Vec<String>,
}

impl Form for ScopesForm {}

fn codes(scopes: &[String]) -> Vec<&str> {
    scopes.iter().map(String::as_str).collect()
}

#[derive(Default)]
pub enum Refused {
    #[default]
    Nothing,
    Propose(ProposeForm, FormErrors),
    /// A consent, or a change of scopes, with what was ticked.
    Scopes(EntryId, ScopesForm, FormErrors),
    /// Another step on the proposal (decline, end, link).
    OnProposal(EntryId, FormErrors),
    /// A link made just now, shown this once, and what became of sending
    /// it by email.
    Link(EntryId, String, Option<String>),
    /// An agenda item or a session's mark.
    Session(SessionRefused),
}

redraws_with!(Refused, view::TherapistPage, build);

fn in_therapy(state: &CoupleState) -> &Therapy {
    &state.therapy
}

fn to_page(_: Landed) -> String {
    "/therapist".to_owned()
}

async fn propose(
    PostedForm(desk, form, submission): PostedForm<ProposeForm>,
) -> AppResult<Response> {
    let refused = |errors| Refused::Propose(form.clone(), errors);
    desk.step_and_land(
        &submission,
        in_therapy,
        |acting| therapist::propose(acting, &form.name, &codes(&form.scopes)),
        to_page,
        refused,
    )
    .await
}

/// One step on the proposal through the submit path, back to the page;
/// a refusal redraws it with `refused`'s form and errors.
async fn on_proposal(
    desk: Desk,
    submission: &crate::exec::Submission,
    step: impl Fn(Acting<'_, Therapy>) -> Result<therapist::TherapistEvent, kintsugi_core::Refusal>,
    refused: impl FnOnce(FormErrors) -> Refused,
) -> AppResult<Response> {
    desk.step_and_land(submission, in_therapy, step, to_page, refused)
        .await
}

/// A core step taking the scopes a partner ticked.
type ScopesStep = for<'a> fn(
    Acting<'a, Therapy>,
    EntryId,
    &[&str],
) -> Result<therapist::TherapistEvent, kintsugi_core::Refusal>;

/// What a partner ticks: a consent, or a change of what they consent to.
async fn scopes_step(
    EntryForm(desk, proposal, form, submission): EntryForm<ScopesForm>,
    step: ScopesStep,
) -> AppResult<Response> {
    let refused = |errors| Refused::Scopes(proposal, form.clone(), errors);
    let ticked = |acting: Acting<'_, Therapy>| step(acting, proposal, &codes(&form.scopes));
    on_proposal(desk, &submission, ticked, refused).await
}

async fn consent(posted: EntryForm<ScopesForm>) -> AppResult<Response> {
    scopes_step(posted, therapist::consent).await
}

async fn change_scopes(posted: EntryForm<ScopesForm>) -> AppResult<Response> {
    scopes_step(posted, therapist::change_scopes).await
}

async fn decline(
    EntryForm(desk, proposal, _, submission): EntryForm<NoFields>,
) -> AppResult<Response> {
    let refused = |errors| Refused::OnProposal(proposal, errors);
    on_proposal(
        desk,
        &submission,
        |acting| therapist::decline(acting, proposal),
        refused,
    )
    .await
}

async fn end(EntryForm(desk, proposal, _, submission): EntryForm<NoFields>) -> AppResult<Response> {
    let refused = |errors| Refused::OnProposal(proposal, errors);
    on_proposal(
        desk,
        &submission,
        |acting| therapist::end(acting, proposal),
        refused,
    )
    .await
}

text_form! {
    pub struct LinkForm {
        /// The therapist's address, to send the link to (only where this
        /// instance sends email); empty to hand it over in person.
        email,
    }
}

/// Makes a new one-time link (ending any older unused one) and shows it
/// this once: only its hash is kept. Where this instance sends email and
/// an address was given, the link goes there too.
async fn make_link(
    headers: HeaderMap,
    EntryForm(desk, proposal, form, _): EntryForm<LinkForm>,
) -> AppResult<Response> {
    let allowed = {
        let cached = desk.read().await?;
        let state = &cached.state;
        therapist::check_hand_over(
            Acting::new(&state.space, &state.therapy, desk.couple.me),
            proposal,
        )
    };
    if let Err(refusal) = allowed {
        let shown = Refused::OnProposal(proposal, form_errors(refusal)?);
        return render_refused(&build(desk, shown).await?);
    }
    let token = random_token();
    let now = desk.layout.now.instant;
    let expires_at = now + desk.app.config.invite_ttl;
    desk.app
        .store
        .create_therapist_invite(&TherapistInviteRecord {
            token_hash: hash_token(&token),
            couple_id: desk.couple.id.0,
            proposal: proposal.0,
            created_by: desk.couple.me.0,
            created_at: now,
            expires_at,
            used_at: None,
            used_by: None,
        })
        .await?;
    let link = link_url(&desk.app, &headers, &format!("/practice/join/{token}"));
    let expires = dates::when(expires_at, desk.layout.now.zone);
    let emailed = email_link(&desk, form.email.trim(), &token, &expires).await;
    render(&build(desk, Refused::Link(proposal, link, emailed)).await?)
}

/// Sends the link to `to` when this instance sends email and an address
/// was given: what happened, in words for the page.
async fn email_link(desk: &Desk, to: &str, token: &str, expires: &str) -> Option<String> {
    let mail = desk.app.config.mail.as_ref()?;
    if to.is_empty() {
        return None;
    }
    let sent = match message::therapist_invitation(mail, to, token, expires) {
        Ok(email) => message::send(mail, email).await,
        Err(error) => Err(error),
    };
    Some(match sent {
        Ok(()) => format!("The link was sent to {to}."),
        Err(error) => {
            tracing::warn!(%error, "a therapist's link was not emailed");
            format!("The link could not be sent to {to}. Please hand it over yourself.")
        }
    })
}

async fn sees_page(desk: Desk) -> AppResult<Response> {
    let page = {
        let cached = desk.read().await?;
        let state = &cached.state;
        let seen = what_our_therapist_sees(state, desk.couple.me)
            .map_err(crate::app::error::AppError::from_refusal)?
            .map(|view| seen::SeenView::build(&view, &state.space, desk.layout.now.zone));
        SeesPage {
            layout: desk.layout,
            seen,
        }
    };
    render(&page)
}

async fn add_agenda_item(
    PostedForm(desk, form, submission): PostedForm<AgendaForm>,
) -> AppResult<Response> {
    let me = desk.couple.me;
    let outcome = desk
        .submit(&submission, |d| {
            session::add_item(d.couple, me, &form).map(Writes::couple)
        })
        .await?;
    let refused = |errors| Refused::Session(SessionRefused::Item(form.clone(), errors));
    desk.land(outcome, |_| "/therapist#session".to_owned(), refused)
        .await
}

async fn mark_held(
    PostedForm(desk, form, submission): PostedForm<HeldForm>,
) -> AppResult<Response> {
    let me = desk.couple.me;
    let outcome = desk
        .submit(&submission, |d| {
            form.decide(d.couple, me).map(Writes::couple)
        })
        .await?;
    let refused = |errors| Refused::Session(SessionRefused::Held(form.clone(), errors));
    desk.land(outcome, |_| "/therapist#sessions-held".to_owned(), refused)
        .await
}

/// The brief exactly as the therapist reads it; "nothing here" while no
/// therapist is working with the couple.
async fn brief_page(desk: Desk) -> AppResult<Response> {
    let page = {
        let cached = desk.read().await?;
        let state = &cached.state;
        let view = what_our_therapist_sees(state, desk.couple.me)
            .map_err(crate::app::error::AppError::from_refusal)?
            .ok_or(crate::app::error::AppError::NotFound)?;
        brief::BriefPage::build(&view, state, desk.layout, "/therapist")
    };
    render(&page)
}
