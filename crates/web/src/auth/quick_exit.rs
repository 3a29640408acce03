//! Quick exit: one tap, no script. It ends the session on the server,
//! deletes Kintsugi's own cookies, asks the browser to clear this site's
//! storage, and sends the person to the configured everyday page. Every
//! page is `no-store`, so Back can only re-request, and finds the sign-in
//! page.
//!
//! It is a GET, so that a plain link works at once; a GET must then ignore
//! the fetches a person never asked for: prefetches and link previews.

use crate::app::error::AppResult;
use crate::app::state::AppState;
use crate::auth::session::{set_cookie, CookieNames, CookiesCleared, MaybeUser};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

/// Where the quick-exit link on every page points.
pub const QUICK_EXIT_PATH: &str = "/exit";

pub async fn quick_exit(
    axum::extract::State(app): axum::extract::State<AppState>,
    MaybeUser(user): MaybeUser,
    headers: HeaderMap,
) -> AppResult<Response> {
    if is_speculative(&headers) {
        // Browsers drop a prefetch that did not succeed, so the person's
        // own tap later is a real request that does all of the below.
        return Ok(StatusCode::SERVICE_UNAVAILABLE.into_response());
    }
    let leave = Redirect::to(&app.config.quick_exit_url).into_response();
    if came_from_another_site(&headers) {
        // Another site may send someone here, but may not sign them out.
        return Ok(leave);
    }
    if let Some(session) = user {
        app.store.delete_session(session.user.0, session.id).await?;
        app.sessions.clear();
    }
    let mut response = leave;
    for cookie in CookieNames::new(app.config.secure_cookies).all_cleared() {
        set_cookie(&mut response, &cookie);
    }
    // "storage", not "cache" (which stalls Chromium) nor "cookies" (which
    // reaches every site on the domain).
    response.headers_mut().insert(
        header::HeaderName::from_static("clear-site-data"),
        HeaderValue::from_static("\"storage\""),
    );
    response.extensions_mut().insert(CookiesCleared);
    Ok(response)
}

/// A prefetch, a prerender or a link preview: nobody tapped anything.
fn is_speculative(headers: &HeaderMap) -> bool {
    let says = |name: &str, word: &str| {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|v| v.to_ascii_lowercase().contains(word))
    };
    if says("sec-purpose", "prefetch")
        || says("purpose", "prefetch")
        || says("x-purpose", "preview")
        || says("x-moz", "prefetch")
    {
        return true;
    }
    const PREVIEWERS: [&str; 10] = [
        "facebookexternalhit",
        "whatsapp",
        "slackbot",
        "telegrambot",
        "twitterbot",
        "discordbot",
        "linkedinbot",
        "skypeuripreview",
        "signal",
        "iframely",
    ];
    headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_ascii_lowercase)
        .is_some_and(|agent| PREVIEWERS.iter().any(|bot| agent.contains(bot)))
}

fn came_from_another_site(headers: &HeaderMap) -> bool {
    headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|site| matches!(site, "cross-site" | "same-site"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(name: &'static str, value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(name, HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn prefetches_and_previews_are_told_apart_from_a_tap() {
        assert!(is_speculative(&with("sec-purpose", "prefetch;prerender")));
        assert!(is_speculative(&with("purpose", "prefetch")));
        assert!(is_speculative(&with("user-agent", "WhatsApp/2.23.20")));
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
        assert!(!is_speculative(&with("user-agent", firefox)));
        assert!(!is_speculative(&HeaderMap::new()));
    }
}
