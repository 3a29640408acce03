//! Registration, login, logout, recovery and the person's own account page.
//!
//! Nothing here tells a visitor whether an email address has an account:
//! registration answers the same either way, a failed login or recovery
//! gives one message, and every path does the same password-hashing work.

use crate::app::error::{AppError, AppResult};
use crate::app::layout::Visitor;
use crate::app::layout::{render, render_refused, Layout};
use crate::app::state::AppState;
use crate::auth::password;
use crate::auth::session::{self, set_cookie, CookieNames, CurrentUser, MaybeUser};
use crate::auth::throttle;
use crate::auth::tokens::{hash_token, normalise_recovery_code, recovery_code};
use crate::auth::zone::{chosen_zone, zone_groups, ZoneGroup};
use crate::http::client::ClientAddress;
use crate::http::forms::text_form;
use crate::http::forms::{CsrfForm, FormCaps, FormErrors};
use crate::http::rate_limit;
use crate::http::routes::Route;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use kintsugi_core::kernel::account::{Email, NewPassword};
use kintsugi_core::UserId;
use kintsugi_store::{Hash, StoreError, UserRecord};
use serde::Deserialize;
use uuid::Uuid;

pub fn routes() -> Vec<Route> {
    vec![
        // Getting in, for anyone.
        Route::page("/register", "the registration form", register_page),
        Route::form("/register", "register", register),
        Route::page("/login", "the sign-in form", login_page),
        Route::form("/login", "sign in", login),
        Route::page("/recover", "the recovery form", recover_page),
        Route::form("/recover", "recover with a code", recover),
        // Leaving. QUICK_EXIT_PATH is a literal here, as every route is.
        Route::form("/logout", "sign out", logout).leads_to("/"),
        Route::page("/exit", "quick exit", crate::auth::quick_exit::quick_exit),
        // One's own account, signed in.
        Route::page("/account", "the account page", account_page),
        Route::form("/account/sessions/{id}/end", "end a session", end_session)
            .leads_to("/account"),
        Route::form("/account/password", "change the password", change_password)
            .leads_to("/account"),
        Route::form(
            "/account/idle-sign-out",
            "choose when to be signed out",
            crate::auth::idle::choose,
        )
        .leads_to("/account"),
        Route::form(
            "/account/time-zone",
            "choose the time zone dates read in",
            crate::auth::zone::choose,
        )
        .leads_to("/account"),
        Route::form(
            "/account/recovery-codes",
            "new recovery codes",
            new_recovery_codes,
        )
        .leads_to("/account"),
    ]
}

const RECOVERY_CODES: usize = 10;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct InviteParam {
    pub invite: String,
    pub registered: String,
    pub signed_out: String,
}

/// What the `invite` field carries for a therapist's link, before its
/// token: a partner's invitation is the token alone.
pub const THERAPIST_LINK: &str = "therapist-";

/// Where a link handed over leads once its holder has signed in: a
/// partner's invitation (`TOKEN`) or a therapist's (`therapist-TOKEN`).
fn link_path(invite: &str) -> Option<String> {
    use crate::auth::tokens::is_well_formed;
    match invite.strip_prefix(THERAPIST_LINK) {
        Some(token) => is_well_formed(token).then(|| format!("/practice/join/{token}")),
        None => is_well_formed(invite).then(|| format!("/invite/{invite}")),
    }
}

/// Where to go once signed in: back to the invitation if there was one.
fn next_path(invite: &str) -> String {
    link_path(invite).unwrap_or_else(|| "/".to_owned())
}

/// Where the recovery codes of a first sign-in lead: to the invitation, or
/// straight to creating a space, since nobody has one yet.
fn first_path(invite: &str) -> String {
    link_path(invite).unwrap_or_else(|| "/space/new".to_owned())
}

/// An email as typed, checked like registration checks it; control
/// characters (a NUL byte among them) are refused the same way, before any
/// database sees them.
pub(crate) fn account_email(raw: &str) -> Result<Email, kintsugi_core::Refusal> {
    if raw.chars().any(char::is_control) {
        return Err(kintsugi_core::Refusal::invalid(
            "email",
            "Please enter an email address like name@example.org.",
        ));
    }
    Email::parse(raw)
}

/// The account forms (sign in, register, recover, change the password):
/// an email, passwords of up to 256 characters, a code, a link's token.
const ACCOUNT_FORM: FormCaps = FormCaps::new(8, 1_000, 2_000);

// ---- registration --------------------------------------------------------

text_form! {
    pub struct RegisterForm { email, password, password_confirm, invite, time_zone }
    caps ACCOUNT_FORM
}

#[derive(Template)]
#[template(path = "account/register.html")]
struct RegisterPage {
    layout: Layout,
    email: String,
    invite: String,
    errors: FormErrors,
    /// Every zone, the instance's default (or the one chosen) selected.
    zones: Vec<ZoneGroup>,
}

async fn register_page(layout: Layout, Query(params): Query<InviteParam>) -> AppResult<Response> {
    let zones = zone_groups(layout.now.zone.name());
    render(&RegisterPage {
        layout,
        email: String::new(),
        invite: params.invite,
        errors: FormErrors::default(),
        zones,
    })
}

async fn register(
    State(app): State<AppState>,
    address: ClientAddress,
    layout: Layout,
    CsrfForm(form): CsrfForm<RegisterForm>,
) -> AppResult<Response> {
    let counter = [throttle::registration_counter(&app, address)];
    rate_limit::check(&app, &counter).await?;
    rate_limit::count_failure(&app, &counter).await?;
    // A form without the select (an older page, a script) gets the
    // instance's default, as the select itself would have offered.
    let offered = layout.now.zone;
    let refused = |errors: FormErrors| {
        render_refused(&RegisterPage {
            layout,
            email: form.email.clone(),
            invite: form.invite.clone(),
            errors,
            zones: zone_groups(match form.time_zone.trim() {
                "" => offered.name(),
                named => named,
            }),
        })
    };
    let zone = match form.time_zone.trim() {
        "" => offered,
        named => match chosen_zone("time_zone", named) {
            Ok(zone) => zone,
            Err(errors) => return refused(errors),
        },
    };
    let email = match account_email(&form.email) {
        Ok(email) => email,
        Err(refusal) => return refused(FormErrors::from_refusal(refusal)?),
    };
    let new_password =
        match NewPassword::parse(&form.password, &form.password_confirm, Some(&email)) {
            Ok(p) => p,
            Err(refusal) => return refused(FormErrors::from_refusal(refusal)?),
        };
    let password_hash = password::hash(new_password.expose().to_owned()).await?;
    let user = UserRecord {
        id: Uuid::new_v4(),
        email: email.as_str().to_owned(),
        password_hash,
        created_at: app.clock.now(),
        recovery_codes_shown: false,
    };
    match app.store.create_user(&user, &[]).await {
        Ok(()) => app.store.set_time_zone(user.id, zone.name()).await?,
        // The same answer as for a new account; the account is left as it is.
        Err(StoreError::EmailTaken) => {}
        Err(other) => return Err(other.into()),
    }
    let mut to = "/login?registered=1".to_owned();
    if link_path(&form.invite).is_some() {
        to.push_str("&invite=");
        to.push_str(&form.invite);
    }
    let mut response = Redirect::to(&to).into_response();
    // The same hint whether or not the address was taken: it tells nothing.
    set_cookie(
        &mut response,
        &CookieNames::new(app.config.secure_cookies).email_hint_cookie(email.as_str()),
    );
    Ok(response)
}

// ---- login and logout ----------------------------------------------------

text_form! {
    pub struct LoginForm { email, password, invite }
    caps ACCOUNT_FORM
}

#[derive(Template)]
#[template(path = "account/login.html")]
struct LoginPage {
    layout: Layout,
    email: String,
    invite: String,
    registered: bool,
    /// Just signed out: the page says so, so a shared device is left plainly.
    signed_out: bool,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "account/recovery_codes.html")]
struct RecoveryCodesPage {
    layout: Layout,
    codes: Vec<String>,
    next: String,
    first_time: bool,
}

async fn login_page(
    State(app): State<AppState>,
    layout: Layout,
    MaybeUser(user): MaybeUser,
    jar: CookieJar,
    Query(params): Query<InviteParam>,
) -> AppResult<Response> {
    if user.is_some() {
        return Ok(Redirect::to(&next_path(&params.invite)).into_response());
    }
    let cookies = CookieNames::new(app.config.secure_cookies);
    let hint = cookies.email_hint_in(&jar);
    let mut response = render(&LoginPage {
        layout,
        email: hint.clone().unwrap_or_default(),
        invite: params.invite,
        registered: params.registered == "1",
        signed_out: params.signed_out == "1",
        errors: FormErrors::default(),
    })?;
    if hint.is_some() {
        set_cookie(&mut response, &cookies.cleared_email_hint());
    }
    Ok(response)
}

async fn login(
    State(app): State<AppState>,
    address: ClientAddress,
    MaybeUser(previous): MaybeUser,
    headers: HeaderMap,
    layout: Layout,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> AppResult<Response> {
    let user = match account_email(&form.email) {
        Ok(email) => app.store.user_by_email(email.as_str()).await?,
        Err(_) => None,
    };
    let client =
        throttle::login_client(&app, &headers, user.as_ref().map(|u| u.id), address).await?;
    let counters = throttle::pair_counters(&app, "login", &form.email, &client);
    // Before any hashing: a throttled attempt costs nothing.
    rate_limit::check(&app, &counters).await?;
    let verified = password::verify(
        form.password.clone(),
        user.as_ref().map(|u| u.password_hash.clone()),
    )
    .await?;
    let Some(user) = user.filter(|_| verified) else {
        rate_limit::count_failure(&app, &counters).await?;
        return render_refused(&LoginPage {
            layout,
            email: form.email.clone(),
            invite: form.invite.clone(),
            registered: false,
            signed_out: false,
            errors: FormErrors::summary("That email and password do not match an account here. Please check them and try again."),
        });
    };
    // A success never counts, and forgets this pair's failures.
    rate_limit::clear(&app, &counters[0]).await?;
    if let Some(previous) = previous {
        app.store
            .delete_session(previous.user.0, previous.id)
            .await?;
        app.sessions.clear();
    }
    let mut response = signed_in(&app, &headers, layout, &user, &form.invite).await?;
    throttle::remember_device(&app, &headers, user.id, &mut response).await?;
    Ok(response)
}

/// Starts the session and answers a successful login: the recovery codes
/// at the first one, else the next page. The CSRF token is new as well.
async fn signed_in(
    app: &AppState,
    headers: &HeaderMap,
    mut layout: Layout,
    user: &UserRecord,
    invite: &str,
) -> AppResult<Response> {
    let device = session::describe_device(
        headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok()),
    );
    let cookie = session::start(app, UserId(user.id), device).await?;
    let csrf = session::rotate_csrf(&mut layout);
    let next = next_path(invite);
    let mut response = if user.recovery_codes_shown {
        Redirect::to(&next).into_response()
    } else {
        let codes = issue_recovery_codes(app, user.id).await?;
        app.store.mark_recovery_codes_shown(user.id).await?;
        // A first sign-in: nobody has a couple space before it.
        render(&RecoveryCodesPage {
            layout: layout.for_visitor(Visitor::WithoutSpace),
            codes,
            next: first_path(invite),
            first_time: true,
        })?
    };
    set_cookie(&mut response, &cookie);
    csrf.attach(&mut response);
    Ok(response)
}

async fn issue_recovery_codes(app: &AppState, user: Uuid) -> AppResult<Vec<String>> {
    let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| recovery_code()).collect();
    let hashes: Vec<Hash> = codes.iter().map(|c| hash_token(c)).collect();
    app.store.replace_recovery_codes(user, &hashes).await?;
    Ok(codes)
}

async fn logout(
    State(app): State<AppState>,
    MaybeUser(user): MaybeUser,
    CsrfForm(_): CsrfForm<crate::http::forms::NoFields>,
) -> AppResult<Response> {
    if let Some(session) = user {
        app.store.delete_session(session.user.0, session.id).await?;
        app.sessions.clear();
    }
    let mut response = Redirect::to("/login?signed_out=1").into_response();
    set_cookie(
        &mut response,
        &CookieNames::new(app.config.secure_cookies).cleared_session_cookie(),
    );
    session::NewCsrf::fresh().attach(&mut response);
    Ok(response)
}

// ---- recovery --------------------------------------------------------------

text_form! {
    pub struct RecoverForm { email, code, password, password_confirm }
    caps ACCOUNT_FORM
}

#[derive(Template)]
#[template(path = "account/recover.html")]
struct RecoverPage {
    layout: Layout,
    email: String,
    done: bool,
    errors: FormErrors,
}

async fn recover_page(layout: Layout) -> AppResult<Response> {
    render(&RecoverPage {
        layout,
        email: String::new(),
        done: false,
        errors: FormErrors::default(),
    })
}

async fn recover(
    State(app): State<AppState>,
    address: ClientAddress,
    layout: Layout,
    CsrfForm(form): CsrfForm<RecoverForm>,
) -> AppResult<Response> {
    let counters = throttle::pair_counters(&app, "recover", &form.email, &address.0.to_string());
    rate_limit::check(&app, &counters).await?;
    let refused = |layout: Layout, errors: FormErrors| {
        render_refused(&RecoverPage {
            layout,
            email: form.email.clone(),
            done: false,
            errors,
        })
    };
    let email = match account_email(&form.email) {
        Ok(email) => Some(email),
        Err(refusal) if form.email.chars().any(char::is_control) => {
            return refused(layout, FormErrors::from_refusal(refusal)?)
        }
        Err(_) => None,
    };
    let new_password =
        match NewPassword::parse(&form.password, &form.password_confirm, email.as_ref()) {
            Ok(p) => p,
            Err(refusal) => return refused(layout, FormErrors::from_refusal(refusal)?),
        };
    // Hash before looking anything up, so both outcomes take as long.
    let password_hash = password::hash(new_password.expose().to_owned()).await?;
    let user = match &email {
        Some(email) => app.store.user_by_email(email.as_str()).await?,
        None => None,
    };
    let code_hash = hash_token(&normalise_recovery_code(&form.code));
    let recovered = match &user {
        Some(user) => app.store.consume_recovery_code(user.id, &code_hash).await?,
        None => false,
    };
    let Some(user) = user.filter(|_| recovered) else {
        rate_limit::count_failure(&app, &counters).await?;
        return refused(
            layout,
            FormErrors::summary(
            "That email and recovery code do not match. Each code works once; please check it and try again.",
            ),
        );
    };
    app.store.set_password_hash(user.id, &password_hash).await?;
    app.store.delete_sessions_of(user.id).await?;
    app.sessions.clear();
    render(&RecoverPage {
        layout,
        email: String::new(),
        done: true,
        errors: FormErrors::default(),
    })
}

// ---- the account page --------------------------------------------------------

struct SessionRow {
    id: Uuid,
    device: String,
    started: String,
    last_seen: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "account/account.html")]
pub(crate) struct AccountPage {
    layout: Layout,
    email: String,
    sessions: Vec<SessionRow>,
    /// The password form's messages, after a refusal.
    errors: FormErrors,
    saved: Saved,
    idle: crate::auth::idle::IdleSection,
    zones: Vec<ZoneGroup>,
    reminders: crate::mail::choices::RemindersSection,
    /// Whether the person shares a space they may end (without leaving).
    can_end_space: bool,
}

/// What the account page says was just saved, if anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    Nothing,
    Password,
    TimeZone,
}

async fn account_page(
    State(app): State<AppState>,
    CurrentUser(me): CurrentUser,
    layout: Layout,
) -> AppResult<Response> {
    render(&account_view(&app, me, layout, FormErrors::default(), Saved::Nothing).await?)
}

pub(crate) async fn account_view(
    app: &AppState,
    me: session::Session,
    layout: Layout,
    errors: FormErrors,
    saved: Saved,
) -> AppResult<AccountPage> {
    let zone = layout.now.zone;
    let user = app
        .store
        .user_by_id(me.user.0)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut records = app.store.sessions_of(me.user.0).await?;
    records.sort_by_key(|s| std::cmp::Reverse(s.last_seen_at));
    let sessions = records
        .into_iter()
        .map(|s| SessionRow {
            id: s.id,
            device: s.device,
            started: crate::present::dates::when(s.created_at, zone),
            last_seen: crate::present::dates::when(s.last_seen_at, zone),
            current: s.id == me.id,
        })
        .collect();
    Ok(AccountPage {
        layout: layout.in_section("account"),
        email: user.email,
        sessions,
        errors,
        saved,
        idle: crate::auth::idle::IdleSection::of(app, me.user.0).await?,
        zones: zone_groups(zone.name()),
        reminders: crate::mail::choices::RemindersSection::of(app, me.user.0).await?,
        can_end_space: can_end_space(app, &me).await?,
    })
}

async fn can_end_space(app: &AppState, me: &session::Session) -> AppResult<bool> {
    let Some(couple) = crate::couple::MyCouple::of(me) else {
        return Ok(false);
    };
    let shared = couple.read(app).await?;
    Ok(kintsugi_core::space::can_end(&shared.state.space, me.user))
}

text_form! {
    pub struct PasswordForm { current_password, password, password_confirm }
    caps ACCOUNT_FORM
}

/// Changes the password: the current one is required (and wrong ones are
/// rate limited), the new one is checked as at registration, and every
/// other session ends.
async fn change_password(
    State(app): State<AppState>,
    CurrentUser(me): CurrentUser,
    layout: Layout,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> AppResult<Response> {
    let counter = [throttle::password_change_counter(&app, me.user.0)];
    rate_limit::check(&app, &counter).await?;
    let user = app
        .store
        .user_by_id(me.user.0)
        .await?
        .ok_or(AppError::NotFound)?;
    let email = Email::parse(&user.email).ok();
    let new_password =
        match NewPassword::parse(&form.password, &form.password_confirm, email.as_ref()) {
            Ok(p) => p,
            Err(refusal) => {
                let errors = FormErrors::from_refusal(refusal)?;
                return render_refused(
                    &account_view(&app, me, layout, errors, Saved::Nothing).await?,
                );
            }
        };
    if !password::verify(form.current_password.clone(), Some(user.password_hash)).await? {
        rate_limit::count_failure(&app, &counter).await?;
        let errors = FormErrors::field(
            "current_password",
            "That is not your current password. Please try again.",
        );
        return render_refused(&account_view(&app, me, layout, errors, Saved::Nothing).await?);
    }
    let password_hash = password::hash(new_password.expose().to_owned()).await?;
    app.store.set_password_hash(user.id, &password_hash).await?;
    app.store.delete_other_sessions(user.id, me.id).await?;
    app.sessions.clear();
    rate_limit::clear(&app, &counter[0]).await?;
    render(&account_view(&app, me, layout, FormErrors::default(), Saved::Password).await?)
}

async fn end_session(
    State(app): State<AppState>,
    CurrentUser(me): CurrentUser,
    Path(id): Path<Uuid>,
    CsrfForm(_): CsrfForm<crate::http::forms::NoFields>,
) -> AppResult<Response> {
    if !app.store.delete_session(me.user.0, id).await? {
        return Err(AppError::NotFound);
    }
    app.sessions.clear();
    if id == me.id {
        let mut response = Redirect::to("/login").into_response();
        set_cookie(
            &mut response,
            &CookieNames::new(app.config.secure_cookies).cleared_session_cookie(),
        );
        return Ok(response);
    }
    Ok(Redirect::to("/account").into_response())
}

async fn new_recovery_codes(
    State(app): State<AppState>,
    CurrentUser(me): CurrentUser,
    layout: Layout,
    CsrfForm(_): CsrfForm<crate::http::forms::NoFields>,
) -> AppResult<Response> {
    let codes = issue_recovery_codes(&app, me.user.0).await?;
    render(&RecoveryCodesPage {
        layout: layout.in_section("account"),
        codes,
        next: "/account".to_owned(),
        first_time: false,
    })
}
