//! Server-side sessions. The cookie holds a random token; the store holds
//! only its hash. A middleware resolves the session once per request and
//! hands it to the extractors below.

use crate::app::clock::Zone;
use crate::app::error::{AppError, AppResult};
use crate::app::layout::{Layout, Visitor};
use crate::app::state::AppState;
use crate::auth::session_cache::Resolved;
use crate::auth::tokens::{hash_token, is_well_formed, random_token};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use kintsugi_core::UserId;
use kintsugi_store::{Hash, SessionRecord};
use uuid::Uuid;

/// A signed-in person, as this request sees them.
#[derive(Debug, Clone, Copy)]
pub struct Session {
    pub id: Uuid,
    pub user: UserId,
    /// The couple space the person is a member of, as the store said
    /// within the session cache's second (this instance forgets it at once
    /// when anyone joins or leaves a space).
    pub couple: Option<Uuid>,
}

/// The zone the signed-in person chose, found once per request by the
/// middleware; `Now` reads it.
#[derive(Debug, Clone, Copy)]
pub struct ViewerZone(pub Zone);

/// The token every form on the page must send back.
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

#[derive(Debug, Clone, Copy)]
pub struct CookieNames {
    pub session: &'static str,
    pub csrf: &'static str,
    /// Set at a successful login and kept at logout: attempts from this
    /// browser are counted apart from its address.
    pub device: &'static str,
    /// The email just registered, for the sign-in form that follows: kept
    /// out of the address, which stays in a shared phone's history.
    pub email_hint: &'static str,
    secure: bool,
}

impl CookieNames {
    pub fn new(secure: bool) -> Self {
        // The __Host- prefix pins a cookie to this host and path "/", but
        // browsers only accept it with `Secure`.
        if secure {
            Self {
                session: "__Host-kintsugi-session",
                csrf: "__Host-kintsugi-csrf",
                device: "__Host-kintsugi-device",
                email_hint: "__Host-kintsugi-email",
                secure,
            }
        } else {
            Self {
                session: "kintsugi-session",
                csrf: "kintsugi-csrf",
                device: "kintsugi-device",
                email_hint: "kintsugi-email",
                secure,
            }
        }
    }

    fn cookie(&self, name: &'static str, value: String, same_site: SameSite) -> Cookie<'static> {
        Cookie::build((name, value))
            .path("/")
            .http_only(true)
            .secure(self.secure)
            .same_site(same_site)
            .build()
    }

    pub fn session_cookie(&self, token: String) -> Cookie<'static> {
        self.cookie(self.session, token, SameSite::Lax)
    }

    pub fn cleared_session_cookie(&self) -> Cookie<'static> {
        let mut cookie = self.cookie(self.session, String::new(), SameSite::Lax);
        cookie.make_removal();
        cookie
    }

    pub fn csrf_cookie(&self, token: String) -> Cookie<'static> {
        self.cookie(self.csrf, token, SameSite::Strict)
    }

    /// Lasts about as long as browsers let a cookie last (400 days).
    pub fn device_cookie(&self, token: String) -> Cookie<'static> {
        let mut cookie = self.cookie(self.device, token, SameSite::Strict);
        cookie.set_max_age(time::Duration::days(400));
        cookie
    }

    /// Lives ten minutes and is read once; hex keeps any address a valid
    /// cookie value.
    pub fn email_hint_cookie(&self, email: &str) -> Cookie<'static> {
        let mut cookie = self.cookie(self.email_hint, hex::encode(email), SameSite::Strict);
        cookie.set_max_age(time::Duration::minutes(10));
        cookie
    }

    pub fn cleared_email_hint(&self) -> Cookie<'static> {
        let mut cookie = self.cookie(self.email_hint, String::new(), SameSite::Strict);
        cookie.make_removal();
        cookie
    }

    /// The email a hint cookie holds, if it holds one.
    pub fn email_hint_in(&self, jar: &CookieJar) -> Option<String> {
        let bytes = hex::decode(jar.get(self.email_hint)?.value()).ok()?;
        String::from_utf8(bytes).ok()
    }

    /// Removals for every cookie Kintsugi sets, for the quick exit.
    pub fn all_cleared(&self) -> [Cookie<'static>; 4] {
        [self.session, self.csrf, self.device, self.email_hint].map(|name| {
            let mut cookie = self.cookie(name, String::new(), SameSite::Lax);
            cookie.make_removal();
            cookie
        })
    }
}

/// Left on a response that deleted every Kintsugi cookie (the quick exit):
/// the middleware then sets none.
#[derive(Debug, Clone, Copy)]
pub struct CookiesCleared;

/// A CSRF token that replaces the visitor's: at login and logout, so a
/// token seen before either is worth nothing after it. The session
/// middleware sets its cookie.
#[derive(Debug, Clone)]
pub struct NewCsrf(String);

impl NewCsrf {
    pub fn fresh() -> Self {
        Self(random_token())
    }

    /// Leaves the token on the response for the middleware to send.
    pub fn attach(self, response: &mut Response) {
        response.extensions_mut().insert(self);
    }
}

/// A new CSRF token, already in the page's layout so its forms carry it.
pub fn rotate_csrf(layout: &mut Layout) -> NewCsrf {
    let token = NewCsrf::fresh();
    layout.csrf = token.0.clone();
    token
}

pub fn set_cookie(response: &mut Response, cookie: &Cookie<'_>) {
    if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
        response.headers_mut().append(SET_COOKIE, value);
    }
}

/// Starts a session for `user` and returns the cookie that carries it.
pub async fn start(app: &AppState, user: UserId, device: String) -> AppResult<Cookie<'static>> {
    let token = random_token();
    let now = app.clock.now();
    app.store
        .create_session(&SessionRecord {
            id: Uuid::new_v4(),
            user_id: user.0,
            token_hash: hash_token(&token),
            created_at: now,
            last_seen_at: now,
            device,
        })
        .await?;
    Ok(CookieNames::new(app.config.secure_cookies).session_cookie(token))
}

/// How often the last-seen time is written: often enough for the idle
/// time-out, rarely enough not to write on every click.
const TOUCH_EVERY: time::Duration = time::Duration::minutes(1);

/// Resolves the session, the CSRF token and the kind of visitor for every
/// request. The token and the visitor are left on the response as well, so
/// the error-page layer outside this one draws the same navigation.
pub async fn middleware(State(app): State<AppState>, mut request: Request, next: Next) -> Response {
    let names = CookieNames::new(app.config.secure_cookies);
    let jar = CookieJar::from_headers(request.headers());
    let mut clear_session = false;
    let mut visitor = Visitor::SignedOut;
    if let Some(cookie) = jar.get(names.session) {
        match resolve_visitor(&app, cookie.value()).await {
            Ok(Some((session, found, zone))) => {
                request.extensions_mut().insert(session);
                if let Some(zone) = zone {
                    request.extensions_mut().insert(ViewerZone(zone));
                }
                visitor = found;
            }
            Ok(None) => clear_session = true,
            Err(error) => return error.into_response(),
        }
    }
    request.extensions_mut().insert(visitor);
    let existing_csrf = jar
        .get(names.csrf)
        .map(|c| c.value().to_owned())
        .filter(|t| is_well_formed(t));
    let new_csrf = existing_csrf.is_none();
    let csrf = existing_csrf.unwrap_or_else(random_token);
    request.extensions_mut().insert(CsrfToken(csrf.clone()));

    let mut response = next.run(request).await;
    response.extensions_mut().insert(visitor);
    if response.extensions().get::<CookiesCleared>().is_some() {
        return response;
    }
    let rotated = response.extensions_mut().remove::<NewCsrf>();
    match rotated {
        Some(NewCsrf(token)) => {
            response.extensions_mut().insert(CsrfToken(token.clone()));
            set_cookie(&mut response, &names.csrf_cookie(token));
        }
        None => {
            response.extensions_mut().insert(CsrfToken(csrf.clone()));
            if new_csrf {
                set_cookie(&mut response, &names.csrf_cookie(csrf));
            }
        }
    }
    // An unknown or expired session cookie is cleared, unless the handler
    // set a session cookie of its own (a login).
    if clear_session && !sets_cookie(&response, names.session) {
        set_cookie(&mut response, &names.cleared_session_cookie());
    }
    response
}

/// Whether the response already sets the cookie called `name`.
fn sets_cookie(response: &Response, name: &str) -> bool {
    let prefix = format!("{name}=");
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .any(|value| value.as_bytes().starts_with(prefix.as_bytes()))
}

/// The session a cookie names, whether its person has a couple space, and
/// the zone they chose (if they did, and it is still a known zone): from
/// the session cache when it is fresh, else from the store.
async fn resolve_visitor(
    app: &AppState,
    token: &str,
) -> AppResult<Option<(Session, Visitor, Option<Zone>)>> {
    if !is_well_formed(token) {
        return Ok(None);
    }
    let token_hash = hash_token(token);
    let cached = app.sessions.get(&token_hash);
    app.metrics.session_cache(cached.is_some());
    let resolved = match cached {
        Some(resolved) => resolved,
        None => match look_up(app, &token_hash).await? {
            Some(resolved) => {
                app.sessions.put(token_hash, resolved.clone());
                resolved
            }
            None => return Ok(None),
        },
    };
    let Some(session) = still_valid(app, &token_hash, &resolved).await? else {
        return Ok(None);
    };
    Ok(Some((session, resolved.visitor, resolved.zone)))
}

/// Everything the middleware needs about a session, from the store.
async fn look_up(app: &AppState, token_hash: &Hash) -> AppResult<Option<Resolved>> {
    let Some(record) = app.store.session_by_token_hash(token_hash).await? else {
        return Ok(None);
    };
    let idle_limit = crate::auth::idle::idle_limit(app, record.user_id).await?;
    let couple = app.store.couple_of(record.user_id).await?;
    let visitor = match couple {
        Some(couple) => Visitor::Partner(app.store.space_ending(couple).await?),
        None => Visitor::WithoutSpace,
    };
    let zone = zone_of(app, UserId(record.user_id)).await?;
    Ok(Some(Resolved {
        record,
        idle_limit,
        visitor,
        zone,
        couple,
    }))
}

/// The idle and absolute time-outs, judged on every request against the
/// app's clock, cached or not; an expired session is ended at once. The
/// last-seen time is written at most once a minute.
async fn still_valid(
    app: &AppState,
    token_hash: &Hash,
    resolved: &Resolved,
) -> AppResult<Option<Session>> {
    let record = &resolved.record;
    let now = app.clock.now();
    let idle = now - record.last_seen_at > resolved.idle_limit;
    let too_old = now - record.created_at > app.config.limits.session_absolute;
    if idle || too_old {
        app.sessions.remove(token_hash);
        app.store.delete_session(record.user_id, record.id).await?;
        return Ok(None);
    }
    if now - record.last_seen_at > TOUCH_EVERY {
        app.store.touch_session(record.id, now).await?;
        app.sessions.touched(token_hash, now);
    }
    Ok(Some(Session {
        id: record.id,
        user: UserId(record.user_id),
        couple: resolved.couple,
    }))
}

/// The zone a person chose. A name the zone rules no longer know (after
/// an update of the rules) reads as not chosen: the instance default.
pub async fn zone_of(app: &AppState, user: UserId) -> AppResult<Option<Zone>> {
    let name = app.store.time_zone(user.0).await?;
    Ok(name.and_then(|name| Zone::named(&name).ok()))
}

/// A signed-in person; anyone else is sent to the login page.
pub struct CurrentUser(pub Session);

pub struct LoginRedirect;

impl IntoResponse for LoginRedirect {
    fn into_response(self) -> Response {
        Redirect::to("/login").into_response()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = LoginRedirect;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let session = parts.extensions.get::<Session>().copied();
        session.map(CurrentUser).ok_or(LoginRedirect)
    }
}

/// A session if there is one.
pub struct MaybeUser(pub Option<Session>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeUser {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(MaybeUser(parts.extensions.get::<Session>().copied()))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CsrfToken {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let token = parts.extensions.get::<CsrfToken>().cloned();
        token.ok_or(AppError::Csrf)
    }
}

/// Browsers by what their user agent says, the most specific first.
const BROWSERS: &[(&str, &str)] = &[
    ("Edg/", "Edge"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
];

/// Systems by what a user agent says, the most specific first.
const SYSTEMS: &[(&str, &str)] = &[
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS X", "a Mac"),
    ("Linux", "Linux"),
];

/// The name of the first of `names` whose marker `ua` holds, else `otherwise`.
fn named_in(ua: &str, names: &[(&str, &'static str)], otherwise: &'static str) -> &'static str {
    let found = names.iter().find(|(marker, _)| ua.contains(marker));
    found.map_or(otherwise, |(_, name)| name)
}

/// A coarse, human description of the browser, for the person's own list
/// of sessions ("Firefox on Android"). Nothing finer is kept.
pub fn describe_device(user_agent: Option<&str>) -> String {
    let ua = user_agent.unwrap_or_default();
    let browser = named_in(ua, BROWSERS, "A browser");
    let system = named_in(ua, SYSTEMS, "an unknown device");
    format!("{browser} on {system}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_are_described_coarsely() {
        let android = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36";
        assert_eq!(describe_device(Some(android)), "Chrome on Android");
        assert_eq!(describe_device(None), "A browser on an unknown device");
    }

    #[test]
    fn secure_cookies_use_the_host_prefix() {
        let names = CookieNames::new(true);
        let cookie = names.session_cookie("t".into());
        assert!(cookie.name().starts_with("__Host-"));
        assert_eq!(cookie.secure(), Some(true));
        assert_eq!(cookie.http_only(), Some(true));
        assert_eq!(cookie.path(), Some("/"));
        assert!(!CookieNames::new(false).session.starts_with("__Host-"));
    }
}
