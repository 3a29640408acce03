//! The couple space: the safety screen, creating the space, recording a
//! betrayal, the space page with its fingerprint, and making an invitation.

use crate::app::clock::Now;
use crate::app::error::{AppError, AppResult};
use crate::app::layout::{render, render_refused, Layout};
use crate::app::state::AppState;
use crate::auth::session::{CurrentUser, Session};
use crate::auth::tokens::{hash_token, random_token};
use crate::couple::{fingerprint, MyCouple};
use crate::exec::{self, Outcome, Writes};
use crate::http::form_addresses::leads_to;
use crate::http::forms::{CsrfForm, Form, FormErrors, NoFields, SubmittedForm};
use crate::present::dates;
use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use kintsugi_core::space::{self, BetrayalInput, BetrayalKind, Role};
use kintsugi_core::streams::couple::CoupleEvent;
use kintsugi_core::{CoupleId, Refusal, StreamId};
use kintsugi_store::{InviteRecord, StoreError};
use serde::Deserialize;
use uuid::Uuid;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/space", get(space_page))
        .route("/space/new", get(safety_page).post(create_space))
        .route("/space/new/record", get(record_page))
        .route("/space/betrayals", leads_to("/space").post(record_betrayal))
        .route("/space/invite", leads_to("/space").post(create_invite))
}

pub struct KindOption {
    pub code: &'static str,
    pub label: &'static str,
}

fn kind_options() -> Vec<KindOption> {
    BetrayalKind::ALL
        .iter()
        .map(|k| KindOption {
            code: k.code(),
            label: k.label(),
        })
        .collect()
}

#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct BetrayalForm {
    kind: String,
    hurt: String,
    discovered_on: String,
    note: String,
    feel_safe: String,
}

impl Form for BetrayalForm {}

impl BetrayalForm {
    fn input(&self) -> BetrayalInput {
        BetrayalInput {
            kind: self.kind.clone(),
            hurt: self.hurt.clone(),
            discovered_on: self.discovered_on.clone(),
            note: self.note.clone(),
        }
    }
}

// ---- creating the space ------------------------------------------------------

#[derive(Template)]
#[template(path = "space/safety.html")]
struct SafetyPage {
    layout: Layout,
    resources: Vec<crate::app::config::SafetyResource>,
}

/// Where someone who already has a space is led instead of making another.
fn to_space() -> AppResult<Response> {
    Ok(Redirect::to("/space").into_response())
}

async fn has_space(app: &AppState, session: &Session) -> AppResult<bool> {
    Ok(MyCouple::find(app, session).await?.is_some())
}

async fn safety_page(
    State(app): State<AppState>,
    CurrentUser(me): CurrentUser,
    layout: Layout,
) -> AppResult<Response> {
    if has_space(&app, &me).await? {
        return to_space();
    }
    render(&SafetyPage {
        layout: layout.in_section("space"),
        resources: app.config.safety_resources.clone(),
    })
}

#[derive(Template)]
#[template(path = "space/space_new.html")]
struct NewSpacePage {
    layout: Layout,
    form: BetrayalForm,
    kinds: Vec<KindOption>,
    errors: FormErrors,
}

impl NewSpacePage {
    fn new(layout: Layout, form: BetrayalForm, errors: FormErrors) -> Self {
        NewSpacePage {
            layout: layout.in_section("space"),
            form,
            kinds: kind_options(),
            errors,
        }
    }
}

async fn record_page(
    State(app): State<AppState>,
    CurrentUser(me): CurrentUser,
    layout: Layout,
) -> AppResult<Response> {
    if has_space(&app, &me).await? {
        return to_space();
    }
    render(&NewSpacePage::new(
        layout,
        BetrayalForm::default(),
        FormErrors::default(),
    ))
}

/// The form to create a space, drawn again with what was sent.
fn new_space_again(layout: Layout, form: BetrayalForm, errors: FormErrors) -> AppResult<Response> {
    render_refused(&NewSpacePage::new(layout, form, errors))
}

async fn create_space(
    State(app): State<AppState>,
    CurrentUser(me): CurrentUser,
    layout: Layout,
    SubmittedForm { form, submission }: SubmittedForm<BetrayalForm>,
) -> AppResult<Response> {
    if has_space(&app, &me).await? {
        return to_space();
    }
    if form.feel_safe != "yes" {
        let errors = FormErrors::field(
            "feel_safe",
            "Please read the note above and tick the box if you both feel safe to do this together.",
        );
        return new_space_again(layout, form, errors);
    }
    let (input, at) = (form.input(), app.clock.now());
    // Decided once before the membership row is written, so a refused
    // form leaves nothing behind.
    if let Err(refusal) = space::create_space(&input, at) {
        return new_space_again(layout, form, FormErrors::from_refusal(refusal)?);
    }
    let id = CoupleId(Uuid::new_v4());
    match app.store.add_member(id.0, me.user.0, at).await {
        Ok(()) => {}
        Err(StoreError::AlreadyInCouple) => return to_space(),
        Err(other) => return Err(other.into()),
    }
    let couple = MyCouple {
        id,
        stream: StreamId::couple(id),
        me: me.user,
    };
    let outcome = exec::submit_as_newcomer(&app, &couple, &submission, |states| {
        if states.couple.seq != 0 {
            return Err(Refusal::Conflict("This space already exists."));
        }
        let events = space::create_space(&input, at)?;
        Ok(Writes::from(
            events
                .into_iter()
                .map(CoupleEvent::Space)
                .collect::<Vec<_>>(),
        ))
    })
    .await?;
    match outcome {
        Outcome::Done(_) => to_space(),
        Outcome::Refused(refusal) => Err(AppError::from_refusal(refusal)),
        Outcome::Again(message) => Err(AppError::Conflict(message.to_owned())),
    }
}

// ---- the space page ------------------------------------------------------------

struct BetrayalRow {
    kind: &'static str,
    my_role: &'static str,
    discovered_on: String,
    note: String,
    recorded_at: String,
}

#[derive(Template)]
#[template(path = "space/space.html")]
struct SpacePage {
    layout: Layout,
    my_roles: String,
    partner_joined: bool,
    betrayals: Vec<BetrayalRow>,
    fingerprint: String,
    entries: u64,
    form: BetrayalForm,
    kinds: Vec<KindOption>,
    errors: FormErrors,
    invite_link: Option<String>,
    invite_expires: String,
}

impl SpacePage {
    async fn build(
        app: &AppState,
        couple: &MyCouple,
        layout: Layout,
        form: BetrayalForm,
        errors: FormErrors,
    ) -> AppResult<Self> {
        let zone = app.now().zone;
        let cached = couple.read(app).await?;
        let space = &cached.state.space;
        let my_slot = space.slot_of(couple.me).ok_or(AppError::NotFound)?;
        let betrayals: Vec<BetrayalRow> = space
            .betrayals
            .iter()
            .rev()
            .map(|b| BetrayalRow {
                kind: b.kind.label(),
                my_role: b.role_of(my_slot).label(),
                discovered_on: b.discovered_on.map(dates::day).unwrap_or_default(),
                note: b.note.clone().unwrap_or_default(),
                recorded_at: dates::when(b.recorded_at, zone),
            })
            .collect();
        let mut roles: Vec<&str> = space
            .roles_of(couple.me)
            .iter()
            .map(|(_, role)| role.label())
            .collect();
        roles.dedup();
        let my_roles = match (
            space.is_hurt_in_any(couple.me),
            space.is_involved_in_any(couple.me),
        ) {
            (true, true) => format!("{} and {}", Role::Hurt.label(), Role::Involved.label()),
            _ => roles.first().map(|r| (*r).to_owned()).unwrap_or_default(),
        };
        Ok(Self {
            layout: layout.in_section("space"),
            my_roles,
            partner_joined: space.is_complete(),
            betrayals,
            fingerprint: fingerprint(cached.head.as_ref()),
            entries: cached.state.seq,
            form,
            kinds: kind_options(),
            errors,
            invite_link: None,
            invite_expires: String::new(),
        })
    }
}

async fn space_page(
    State(app): State<AppState>,
    CurrentUser(me): CurrentUser,
    layout: Layout,
) -> AppResult<Response> {
    let Some(couple) = MyCouple::find(&app, &me).await? else {
        return Ok(Redirect::to("/").into_response());
    };
    let page = SpacePage::build(
        &app,
        &couple,
        layout,
        BetrayalForm::default(),
        FormErrors::default(),
    )
    .await?;
    render(&page)
}

/// The betrayal form shows what is wrong with it as one line above it.
fn on_the_betrayal_form(refusal: Refusal) -> AppResult<FormErrors> {
    match refusal {
        Refusal::Invalid { message, .. } => Ok(FormErrors::summary(message)),
        Refusal::Conflict(why) => Ok(FormErrors::summary(why)),
        other => Err(AppError::from_refusal(other)),
    }
}

async fn record_betrayal(
    State(app): State<AppState>,
    now: Now,
    couple: MyCouple,
    layout: Layout,
    SubmittedForm { form, submission }: SubmittedForm<BetrayalForm>,
) -> AppResult<Response> {
    let input = form.input();
    let outcome = exec::submit(&app, &couple, &submission, |states| {
        space::record_betrayal(&states.couple.space, couple.me, &input, now.instant)
            .map(Writes::couple)
    })
    .await?;
    match outcome.or_form(on_the_betrayal_form)? {
        Ok(_) => Ok(Redirect::to("/space").into_response()),
        Err(errors) => {
            let page = SpacePage::build(&app, &couple, layout, form, errors).await?;
            render_refused(&page)
        }
    }
}

/// The address the partner opens: this instance's own origin, as the
/// browser that asked for the link reached it.
fn invite_url(app: &AppState, headers: &HeaderMap, token: &str) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1:8080");
    let scheme = if app.config.secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}/invite/{token}")
}

async fn create_invite(
    State(app): State<AppState>,
    now: Now,
    CurrentUser(me): CurrentUser,
    couple: MyCouple,
    headers: HeaderMap,
    layout: Layout,
    CsrfForm(_): CsrfForm<NoFields>,
) -> AppResult<Response> {
    let zone = app.now().zone;
    {
        let cached = couple.read(&app).await?;
        if cached.state.space.is_complete() {
            return Err(AppError::Conflict(
                "Both of you have already joined this space.".into(),
            ));
        }
    }
    let token = random_token();
    let expires_at = now.instant + app.config.invite_ttl;
    app.store
        .create_invite(&InviteRecord {
            token_hash: hash_token(&token),
            couple_id: couple.id.0,
            created_by: me.user.0,
            created_at: now.instant,
            expires_at,
            used_at: None,
            used_by: None,
        })
        .await?;
    let mut page = SpacePage::build(
        &app,
        &couple,
        layout,
        BetrayalForm::default(),
        FormErrors::default(),
    )
    .await?;
    page.invite_link = Some(invite_url(&app, &headers, &token));
    page.invite_expires = dates::when(expires_at, zone);
    render(&page)
}
