//! Headers every response carries, the same-origin rule for forms, and the
//! friendly page behind every error.

use crate::app::error::{AppError, ErrorPage};
use crate::app::layout::{visitor_of, Layout};
use crate::app::state::AppState;
use crate::auth::session::CsrfToken;
use askama::Template;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

const CONTENT_SECURITY_POLICY: &str =
    "default-src 'none'; style-src 'self'; img-src 'self' data:; \
form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Two years, with subdomains: only sent when the instance says it is
/// reached over HTTPS (`--secure-cookies`).
const STRICT_TRANSPORT_SECURITY: &str = "max-age=63072000; includeSubDomains";

pub async fn headers(State(app): State<AppState>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if app.config.secure_cookies {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(STRICT_TRANSPORT_SECURITY),
        );
    }
    let fixed = [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            header::HeaderName::from_static("permissions-policy"),
            "geolocation=(), camera=(), microphone=(), interest-cohort=()",
        ),
        (
            header::HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    // Everything but the hashed stylesheet shows someone's private life.
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// Refuses state-changing requests that a browser says came from another
/// site. The CSRF token is checked as well, by `CsrfForm`.
pub async fn same_origin(request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if !safe && is_cross_site(request.headers()) {
        return AppError::CrossSite.into_response();
    }
    next.run(request).await
}

fn is_cross_site(headers: &HeaderMap) -> bool {
    // Browsers that send Fetch Metadata say exactly where a form came from.
    if let Some(site) = headers.get("sec-fetch-site") {
        return !matches!(site.to_str(), Ok("same-origin" | "none"));
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    // With `Referrer-Policy: no-referrer` a browser may send `Origin: null`
    // for its own same-origin forms: that says nothing, and the CSRF token
    // still has to match.
    if origin == "null" {
        return false;
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let origin_host = origin.split_once("://").map(|(_, rest)| rest);
    match (origin_host, host) {
        (Some(origin_host), Some(host)) => !origin_host.eq_ignore_ascii_case(host),
        _ => true,
    }
}

#[derive(Template)]
#[template(path = "app/error.html")]
struct ErrorTemplate {
    layout: Layout,
    heading: &'static str,
    message: String,
}

/// Turns an `ErrorPage` left on a response into a whole page.
pub async fn render_error_pages(
    State(app): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    let Some(page) = response
        .extensions_mut()
        .remove::<ErrorPage>()
        .or_else(|| framework_error_page(&response))
    else {
        return response;
    };
    // The session layer runs inside this one and leaves what it found on
    // the response: the page keeps the person's navigation and token.
    let csrf = response.extensions().get::<CsrfToken>().cloned();
    let visitor = visitor_of(response.extensions());
    let template = ErrorTemplate {
        layout: Layout::new(&app, csrf.as_ref(), visitor),
        heading: page.heading,
        message: page.message,
    };
    let body = template
        .render()
        .unwrap_or_else(|_| "Something went wrong. Please go back and try again.".to_owned());
    let mut rendered = (page.status, Html(body)).into_response();
    // Keep cookies the inner layers set (a fresh CSRF token, a cleared
    // session), the methods a 405 says the address takes, and how long a
    // 429 asks to wait.
    for name in [header::SET_COOKIE, header::ALLOW, header::RETRY_AFTER] {
        for value in response.headers().get_all(&name) {
            rendered.headers_mut().append(&name, value.clone());
        }
    }
    rendered
}

/// A bare refusal from the router or an extractor (a wrong method, an
/// unreadable body) gets a page like any other error. Anything that already
/// is a page, or says something on purpose (the health check), is left be.
fn framework_error_page(response: &Response) -> Option<ErrorPage> {
    let status = response.status();
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html {
        return None;
    }
    let (heading, message) = match status {
        StatusCode::METHOD_NOT_ALLOWED => (
            "Nothing to open here",
            "This address only receives forms. Please go back to the page the form was on.",
        ),
        StatusCode::BAD_REQUEST
        | StatusCode::UNPROCESSABLE_ENTITY
        | StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "That form could not be read",
            "Please go back and send the form again.",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "That was too long to send",
            "Please go back and send a shorter text.",
        ),
        _ => return None,
    };
    Some(ErrorPage {
        status,
        heading,
        message: message.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn same_origin_forms_pass_and_cross_site_ones_do_not() {
        assert!(!is_cross_site(&headers(&[("host", "127.0.0.1:8080")])));
        assert!(!is_cross_site(&headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://127.0.0.1:8080"),
        ])));
        assert!(
            !is_cross_site(&headers(&[
                ("host", "127.0.0.1:8080"),
                ("origin", "null"),
                ("sec-fetch-site", "same-origin"),
            ])),
            "Chromium's own form under no-referrer"
        );
        assert!(!is_cross_site(&headers(&[
            ("host", "a"),
            ("origin", "null")
        ])));
        assert!(is_cross_site(&headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "https://evil.example"),
        ])));
        assert!(is_cross_site(&headers(&[
            ("origin", "null"),
            ("sec-fetch-site", "cross-site")
        ])));
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "same-site")])));
    }
}
