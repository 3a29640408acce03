//! What every page shares: the stylesheet, the quick-exit link, the CSRF
//! token for its forms, and the navigation.

use crate::app::error::AppResult;
use crate::app::state::AppState;
use crate::auth::session::{CsrfToken, Session};
use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub section: &'static str,
}

/// The signed-in navigation: the day's care first, then the repair work,
/// then the emotional landscape.
pub const NAV: &[NavItem] = &[
    NavItem {
        href: "/",
        label: "Today",
        section: "today",
    },
    NavItem {
        href: "/truth",
        label: "Truth",
        section: "truth",
    },
    NavItem {
        href: "/apology",
        label: "Apology",
        section: "apology",
    },
    NavItem {
        href: "/requests",
        label: "Requests",
        section: "requests",
    },
    NavItem {
        href: "/commitments",
        label: "Commitments",
        section: "commitments",
    },
    NavItem {
        href: "/checkin",
        label: "Check-in",
        section: "checkin",
    },
    NavItem {
        href: "/pulse",
        label: "Pulse",
        section: "pulse",
    },
    NavItem {
        href: "/progress",
        label: "Progress",
        section: "progress",
    },
];

/// Places visited less often, linked from the foot of every page.
pub const SECONDARY_NAV: &[NavItem] = &[
    NavItem {
        href: "/space",
        label: "Our space",
        section: "space",
    },
    NavItem {
        href: "/account",
        label: "Account",
        section: "account",
    },
];

pub struct Layout {
    pub css: String,
    pub quick_exit: String,
    pub csrf: String,
    pub signed_in: bool,
    pub section: &'static str,
    pub nav: &'static [NavItem],
    pub secondary_nav: &'static [NavItem],
}

impl Layout {
    pub fn new(app: &AppState, csrf: Option<&CsrfToken>, session: Option<&Session>) -> Self {
        Self {
            css: app.assets.stylesheet_path(),
            quick_exit: app.config.quick_exit_url.clone(),
            csrf: csrf.map(|t| t.0.clone()).unwrap_or_default(),
            signed_in: session.is_some(),
            section: "",
            nav: NAV,
            secondary_nav: SECONDARY_NAV,
        }
    }

    pub fn in_section(mut self, section: &'static str) -> Self {
        self.section = section;
        self
    }
}

impl FromRequestParts<AppState> for Layout {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Layout::new(
            app,
            parts.extensions.get::<CsrfToken>(),
            parts.extensions.get::<Session>(),
        ))
    }
}

/// Renders a page with status 200.
pub fn render(page: &impl Template) -> AppResult<Response> {
    Ok(Html(page.render()?).into_response())
}

/// Renders a form shown again after a refusal: 422, with what was typed.
pub fn render_refused(page: &impl Template) -> AppResult<Response> {
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
}
