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
use crate::http::forms::{Form, FormErrors, NoFields};
use crate::http::routes::Route;
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
    /// A link made just now, shown this once.
    Link(EntryId, String),
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

async fn consent(
    EntryForm(desk, proposal, form, submission): EntryForm<ScopesForm>,
) -> AppResult<Response> {
    let refused = |errors| Refused::Scopes(proposal, form.clone(), errors);
    desk.step_and_land(
        &submission,
        in_therapy,
        |acting| therapist::consent(acting, proposal, &codes(&form.scopes)),
        to_page,
        refused,
    )
    .await
}

async fn change_scopes(
    EntryForm(desk, proposal, form, submission): EntryForm<ScopesForm>,
) -> AppResult<Response> {
    let refused = |errors| Refused::Scopes(proposal, form.clone(), errors);
    desk.step_and_land(
        &submission,
        in_therapy,
        |acting| therapist::change_scopes(acting, proposal, &codes(&form.scopes)),
        to_page,
        refused,
    )
    .await
}

async fn decline(
    EntryForm(desk, proposal, _, submission): EntryForm<NoFields>,
) -> AppResult<Response> {
    let refused = |errors| Refused::OnProposal(proposal, errors);
    desk.step_and_land(
        &submission,
        in_therapy,
        |acting| therapist::decline(acting, proposal),
        to_page,
        refused,
    )
    .await
}

async fn end(EntryForm(desk, proposal, _, submission): EntryForm<NoFields>) -> AppResult<Response> {
    let refused = |errors| Refused::OnProposal(proposal, errors);
    desk.step_and_land(
        &submission,
        in_therapy,
        |acting| therapist::end(acting, proposal),
        to_page,
        refused,
    )
    .await
}

/// Makes a new one-time link (ending any older unused one) and shows it
/// this once: only its hash is kept.
async fn make_link(
    headers: HeaderMap,
    EntryForm(desk, proposal, _, _): EntryForm<NoFields>,
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
    desk.app
        .store
        .create_therapist_invite(&TherapistInviteRecord {
            token_hash: hash_token(&token),
            couple_id: desk.couple.id.0,
            proposal: proposal.0,
            created_by: desk.couple.me.0,
            created_at: now,
            expires_at: now + desk.app.config.invite_ttl,
            used_at: None,
            used_by: None,
        })
        .await?;
    let link = link_url(&desk.app, &headers, &format!("/practice/join/{token}"));
    render(&build(desk, Refused::Link(proposal, link)).await?)
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
