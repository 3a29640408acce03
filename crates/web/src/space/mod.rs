//! The couple space: creating it (the safety note and the first betrayal on
//! one page), recording another betrayal, the space page with its
//! fingerprint, and making an invitation.

use crate::app::clock::Now;
use crate::app::clock::Zone;
use crate::app::error::{AppError, AppResult};
use crate::app::layout::{render, render_refused, Layout};
use crate::app::state::AppState;
use crate::auth::session::{CurrentUser, Session};
use crate::auth::tokens::{hash_token, random_token};
use crate::couple::{fingerprint, MyCouple};
use crate::exec::{self, Outcome, Writes};
use crate::http::forms::text_form;
use crate::http::forms::{CsrfForm, FormErrors, NoFields, SubmittedForm};
use crate::http::routes::Route;
use crate::present::dates;
use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use kintsugi_core::space::{self, BetrayalInput, BetrayalKind, Role, Slot, SpaceState};
use kintsugi_core::streams::couple::CoupleEvent;
use kintsugi_core::views::start::start_path;
use kintsugi_core::{CoupleId, Refusal, StreamId};
use kintsugi_store::{InviteRecord, NewMember, StoreError};
use uuid::Uuid;

pub mod destroy;
pub(crate) mod ending;

pub fn routes() -> Vec<Route> {
    let mut routes = vec![
        Route::page("/space", "the couple space", space_page),
        Route::page(
            "/space/new",
            "the safety note and what to record first",
            new_space_page,
        ),
        Route::form("/space/new", "create a space", create_space),
        Route::page(
            "/space/new/record",
            "the old address of the space form",
            to_new_space,
        ),
        Route::form("/space/betrayals", "record a betrayal", record_betrayal).leads_to("/space"),
        Route::form("/space/invite", "invite the partner", create_invite).leads_to("/space"),
    ];
    routes.extend(ending::routes());
    routes
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

text_form! {
    pub struct BetrayalForm { kind, hurt, discovered_on, note, feel_safe }
}

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

/// Where someone who already has a space is led instead of making another.
fn to_space() -> AppResult<Response> {
    Ok(Redirect::to("/space").into_response())
}

/// Asked of the store, not the session's second-old answer: a space is
/// made at most once per person, whichever instance is asked.
async fn has_space(app: &AppState, session: &Session) -> AppResult<bool> {
    Ok(app.store.couple_of(session.user.0).await?.is_some())
}

#[derive(Template)]
#[template(path = "space/space_new.html")]
struct NewSpacePage {
    layout: Layout,
    /// Where to get help, read before anything is recorded.
    resources: Vec<crate::app::config::SafetyResource>,
    form: BetrayalForm,
    kinds: Vec<KindOption>,
    errors: FormErrors,
}

impl NewSpacePage {
    fn new(app: &AppState, layout: Layout, form: BetrayalForm, errors: FormErrors) -> Self {
        NewSpacePage {
            layout: layout.in_section("space"),
            resources: app.config.safety_resources.clone(),
            form,
            kinds: kind_options(),
            errors,
        }
    }
}

/// The safety note and the form that creates the space, on one page: the
/// note is read where the choice to go on is made.
async fn new_space_page(
    State(app): State<AppState>,
    CurrentUser(me): CurrentUser,
    layout: Layout,
) -> AppResult<Response> {
    if has_space(&app, &me).await? {
        return to_space();
    }
    render(&NewSpacePage::new(
        &app,
        layout,
        BetrayalForm::default(),
        FormErrors::default(),
    ))
}

/// The form once had an address of its own; a bookmark or a restored tab
/// still finds it.
async fn to_new_space(CurrentUser(_): CurrentUser) -> Response {
    Redirect::to("/space/new").into_response()
}

/// The form to create a space, drawn again with what was sent.
fn new_space_again(
    app: &AppState,
    layout: Layout,
    form: BetrayalForm,
    errors: FormErrors,
) -> AppResult<Response> {
    render_refused(&NewSpacePage::new(app, layout, form, errors))
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
    let (input, at) = (form.input(), app.clock.now());
    // Decided once before a new record is looked at, so a refused form
    // costs nothing; every problem is named at once, the safety tick too.
    let mut errors = match space::create_space(&input, at) {
        Ok(_) => FormErrors::default(),
        Err(refusal) => FormErrors::from_refusal(refusal)?,
    };
    if form.feel_safe != "yes" {
        errors.add(
            "feel_safe",
            "Please tick this box if you both feel safe doing this work together.",
        );
    }
    if errors.any() {
        return new_space_again(&app, layout, form, errors);
    }
    let id = CoupleId(Uuid::new_v4());
    let couple = MyCouple {
        id,
        stream: StreamId::couple(id),
        me: me.user,
    };
    let founder = NewMember {
        couple_id: id.0,
        user_id: me.user.0,
        at,
        invite: None,
    };
    let outcome = exec::submit_as_newcomer(&app, &couple, founder, &submission, |states| {
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
    .await;
    match outcome {
        Ok(Outcome::Done(_)) | Err(AppError::Store(StoreError::AlreadyInCouple)) => to_space(),
        Ok(Outcome::Refused(refusal)) => {
            new_space_again(&app, layout, form, FormErrors::from_refusal(refusal)?)
        }
        Ok(Outcome::Again(message)) => Err(AppError::Conflict(message.to_owned())),
        Err(other) => Err(other),
    }
}

// ---- the space page ------------------------------------------------------------

/// One betrayal as recorded, as the person in `slot` reads it.
pub(crate) struct BetrayalRow {
    pub(crate) kind: &'static str,
    pub(crate) my_role: &'static str,
    pub(crate) discovered_on: String,
    pub(crate) note: String,
    pub(crate) recorded_at: String,
}

/// Every betrayal of the space, newest first, with the role the person in
/// `slot` holds in each: for a partner, and for the invited partner before
/// they join.
pub(crate) fn betrayal_rows(space: &SpaceState, slot: Slot, zone: Zone) -> Vec<BetrayalRow> {
    space
        .betrayals
        .iter()
        .rev()
        .map(|b| BetrayalRow {
            kind: b.kind.label(),
            my_role: b.role_of(slot).label(),
            discovered_on: b.discovered_on.map(dates::day).unwrap_or_default(),
            note: b.note.clone().unwrap_or_default(),
            recorded_at: dates::when(b.recorded_at, zone),
        })
        .collect()
}

/// The roles the person in `slot` holds, in words: "hurt partner", or
/// "hurt partner and involved partner" when betrayals point both ways.
pub(crate) fn roles_in_words(space: &SpaceState, slot: Slot) -> String {
    let holds = |role: Role| space.betrayals.iter().any(|b| b.role_of(slot) == role);
    match (holds(Role::Hurt), holds(Role::Involved)) {
        (true, true) => format!("{} and {}", Role::Hurt.label(), Role::Involved.label()),
        (true, false) => Role::Hurt.label().to_owned(),
        (false, true) => Role::Involved.label().to_owned(),
        (false, false) => String::new(),
    }
}

#[derive(Template)]
#[template(path = "space/space.html")]
struct SpacePage {
    layout: Layout,
    my_roles: String,
    partner_joined: bool,
    /// A new couple's first steps wait on Today: the page says where to go next.
    starting: bool,
    betrayals: Vec<BetrayalRow>,
    fingerprint: String,
    entries: u64,
    form: BetrayalForm,
    kinds: Vec<KindOption>,
    errors: FormErrors,
    invite_link: Option<String>,
    invite_expires: String,
    /// When the newest invitation was declined, if it was.
    invite_declined: Option<String>,
    /// What core lets this person do here now: none of it once the space ended.
    can_record: bool,
    can_invite: bool,
    can_end: bool,
}

impl SpacePage {
    async fn build(
        app: &AppState,
        couple: &MyCouple,
        layout: Layout,
        form: BetrayalForm,
        errors: FormErrors,
    ) -> AppResult<Self> {
        let zone = layout.now.zone;
        let cached = couple.read(app).await?;
        let space = &cached.state.space;
        let my_slot = space.slot_of(couple.me).ok_or(AppError::NotFound)?;
        let invite_declined = if space.is_complete() {
            None
        } else {
            let latest = app.store.latest_invite(couple.id.0).await?;
            latest
                .and_then(|invite| invite.declined_at)
                .map(|at| dates::when(at, zone))
        };
        Ok(Self {
            layout: layout.in_section("space"),
            my_roles: roles_in_words(space, my_slot),
            partner_joined: space.is_complete(),
            // Read from the shared record alone: a kept check-in lives in the
            // private stream, and Today itself shows every step as it stands.
            starting: start_path(&cached.state, couple.me, true).is_some(),
            betrayals: betrayal_rows(space, my_slot, zone),
            fingerprint: fingerprint(cached.head.as_ref()),
            entries: cached.state.seq,
            form,
            kinds: kind_options(),
            errors,
            invite_link: None,
            invite_expires: String::new(),
            invite_declined,
            can_record: space::can_record_betrayal(space, couple.me),
            can_invite: space::can_invite(space, couple.me),
            can_end: space::can_end(space, couple.me),
        })
    }
}

async fn space_page(
    State(app): State<AppState>,
    CurrentUser(me): CurrentUser,
    layout: Layout,
) -> AppResult<Response> {
    let Some(couple) = MyCouple::of(&me) else {
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
    link_url(app, headers, &format!("/invite/{token}"))
}

/// `path` on this instance's own origin, as the browser that asked for a
/// link to hand over reached it.
pub(crate) fn link_url(app: &AppState, headers: &HeaderMap, path: &str) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1:8080");
    let scheme = if app.config.secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}{path}")
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
    let zone = layout.now.zone;
    {
        let cached = couple.read(&app).await?;
        if let Err(refusal) = space::check_invite(&cached.state.space, couple.me) {
            return Err(AppError::from_refusal(refusal));
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
            declined_at: None,
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
