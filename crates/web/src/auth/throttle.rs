//! Who is trying to sign in, for counting failures. A client is the
//! browser's device cookie when that browser signed in to this very account
//! before, else its address: someone guessing from the same home network
//! shares the address but not the owner's device cookie, so the owner is
//! never refused because of someone else's attempts.

use crate::app::error::AppResult;
use crate::app::state::AppState;
use crate::auth::session::{set_cookie, CookieNames};
use crate::auth::tokens::{hash_token, is_well_formed, random_token};
use crate::http::client::ClientAddress;
use crate::http::rate_limit::Counter;
use axum::http::HeaderMap;
use axum::response::Response;
use axum_extra::extract::cookie::CookieJar;
use kintsugi_store::normalise_email;
use uuid::Uuid;

/// How many more failures a client gets across all emails than for one.
const PER_CLIENT_FACTOR: u32 = 10;

/// The client an attempt on `account` comes from, as a counter part.
pub async fn login_client(
    app: &AppState,
    headers: &HeaderMap,
    account: Option<Uuid>,
    address: ClientAddress,
) -> AppResult<String> {
    if let (Some(account), Some(token)) = (account, device_token(app, headers)) {
        let hash = hash_token(&token);
        if app.store.device_owner(&hash).await? == Some(account) {
            return Ok(format!("device:{}", hex::encode(hash)));
        }
    }
    Ok(format!("address:{}", address.0))
}

/// The counters a login or recovery attempt on `email` from `client` is
/// held to: the pair, then the client across every email.
pub fn pair_counters(app: &AppState, scope: &str, email: &str, client: &str) -> [Counter; 2] {
    let free = app.config.limits.auth_attempts;
    let email = normalise_email(email);
    [
        Counter::new(scope, &[&email, client], free),
        Counter::new(
            &format!("{scope}-client"),
            &[client],
            free.saturating_mul(PER_CLIENT_FACTOR),
        ),
    ]
}

/// The counter for registrations from one address: every one counts, so
/// that nobody fills the store with accounts, but never against a login.
pub fn registration_counter(app: &AppState, address: ClientAddress) -> Counter {
    let free = app
        .config
        .limits
        .auth_attempts
        .saturating_mul(PER_CLIENT_FACTOR);
    Counter::new("register", &[&address.0.to_string()], free)
}

/// The counter for wrong current passwords on one account's password form.
pub fn password_change_counter(app: &AppState, account: Uuid) -> Counter {
    Counter::new(
        "password-change",
        &[&account.to_string()],
        app.config.limits.auth_attempts,
    )
}

fn device_token(app: &AppState, headers: &HeaderMap) -> Option<String> {
    let names = CookieNames::new(app.config.secure_cookies);
    CookieJar::from_headers(headers)
        .get(names.device)
        .map(|cookie| cookie.value().to_owned())
        .filter(|token| is_well_formed(token))
}

/// After a successful login: makes sure this browser carries a device
/// cookie that names `account`, giving it a new one otherwise.
pub async fn remember_device(
    app: &AppState,
    headers: &HeaderMap,
    account: Uuid,
    response: &mut Response,
) -> AppResult<()> {
    if let Some(token) = device_token(app, headers) {
        if app.store.device_owner(&hash_token(&token)).await? == Some(account) {
            return Ok(());
        }
    }
    let token = random_token();
    app.store
        .add_device(&hash_token(&token), account, app.clock.now())
        .await?;
    let names = CookieNames::new(app.config.secure_cookies);
    set_cookie(response, &names.device_cookie(token));
    Ok(())
}
