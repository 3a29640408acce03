//! What every page shares: the stylesheet, the quick-exit link, the CSRF
//! token for its forms, and the navigation.

use crate::app::clock::Now;
use crate::app::error::AppResult;
use crate::app::state::AppState;
use crate::auth::session::CsrfToken;
use crate::http::extractors::{now_for, read_from_parts};
use askama::Template;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use kintsugi_store::SpaceEnding;

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
        href: "/talk",
        label: "Talks",
        section: "talk",
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

/// Before a couple space exists only the start page leads anywhere: the
/// couple's rooms would all say "Nothing here".
pub const NAV_BEFORE_SPACE: &[NavItem] = &[NavItem {
    href: "/",
    label: "Today",
    section: "today",
}];

/// Places visited less often, linked from the foot of every page.
pub const SECONDARY_NAV: &[NavItem] = &[
    NavItem {
        href: "/space",
        label: "Our space",
        section: "space",
    },
    NavItem {
        href: "/together",
        label: "Time together",
        section: "together",
    },
    NavItem {
        href: "/meeting",
        label: "Weekly meeting",
        section: "meeting",
    },
    NavItem {
        href: "/readiness",
        label: "Readiness",
        section: "readiness",
    },
    NavItem {
        href: "/reflections",
        label: "Reflections",
        section: "reflections",
    },
    NavItem {
        href: "/therapist",
        label: "Our therapist",
        section: "therapist",
    },
    NavItem {
        href: "/account",
        label: "Account",
        section: "account",
    },
];

/// Before a couple space exists: the account is there, "Our space" is not yet.
pub const SECONDARY_NAV_BEFORE_SPACE: &[NavItem] = &[NavItem {
    href: "/account",
    label: "Account",
    section: "account",
}];

/// Who a page is drawn for, as far as the navigation is concerned. The
/// session middleware decides it once per request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visitor {
    SignedOut,
    /// Signed in, with no couple space yet.
    WithoutSpace,
    /// Signed in and a member of a couple space, with its ending if a
    /// partner ended it (the record is read-only until it is destroyed).
    Partner(Option<SpaceEnding>),
}

/// The calm line every page of an ended space shows: when it closed, and
/// until when everything can be read and exported, in the viewer's zone.
pub struct ClosedNotice {
    pub on: String,
    pub until: String,
}

pub struct Layout {
    pub css: String,
    /// The quick-exit route, which ends the session and then leaves for
    /// the configured page.
    pub quick_exit: String,
    pub csrf: String,
    pub signed_in: bool,
    pub section: &'static str,
    pub nav: &'static [NavItem],
    pub secondary_nav: &'static [NavItem],
    /// The request's "now" in the viewer's zone, for the page's dates.
    pub now: Now,
    /// Set while the person's shared space is ended and kept to be read.
    pub closed: Option<ClosedNotice>,
    ending: Option<SpaceEnding>,
}

impl Layout {
    pub fn new(app: &AppState, csrf: Option<&CsrfToken>, visitor: Visitor) -> Self {
        let layout = Self {
            css: app.assets.stylesheet_path(),
            quick_exit: crate::auth::quick_exit::QUICK_EXIT_PATH.to_owned(),
            csrf: csrf.map(|t| t.0.clone()).unwrap_or_default(),
            signed_in: false,
            section: "",
            nav: &[],
            secondary_nav: &[],
            now: Now::for_viewer(app.clock.as_ref(), None, app.config.time_zone),
            closed: None,
            ending: None,
        };
        layout.for_visitor(visitor)
    }

    /// The navigation this visitor can use, and nothing that would lead
    /// them to a page that is not theirs yet.
    pub fn for_visitor(mut self, visitor: Visitor) -> Self {
        let nothing: &'static [NavItem] = &[];
        (self.signed_in, self.nav, self.secondary_nav) = match visitor {
            Visitor::SignedOut => (false, nothing, nothing),
            Visitor::WithoutSpace => (true, NAV_BEFORE_SPACE, SECONDARY_NAV_BEFORE_SPACE),
            Visitor::Partner(_) => (true, NAV, SECONDARY_NAV),
        };
        self.ending = match visitor {
            Visitor::Partner(ending) => ending,
            _ => None,
        };
        self.closed = self.closed_notice();
        self
    }

    fn closed_notice(&self) -> Option<ClosedNotice> {
        self.ending.map(|ending| ClosedNotice {
            on: crate::present::dates::day_of(ending.ended_at, self.now.zone),
            until: crate::present::dates::day_of(ending.destroy_after, self.now.zone),
        })
    }

    /// A fresh one-time key for one form on the page: sending the form twice
    /// (a double tap, a browser retry) then writes once. See `exec`.
    pub fn submission_key(&self) -> String {
        crate::auth::tokens::random_token()
    }

    pub fn in_section(mut self, section: &'static str) -> Self {
        self.section = section;
        self
    }
}

read_from_parts!(Layout, |parts: &mut Parts, app| {
    let mut layout = Layout::new(
        app,
        parts.extensions.get::<CsrfToken>(),
        visitor_of(&parts.extensions),
    );
    layout.now = now_for(&parts.extensions, app);
    // The dates read in the viewer's own zone, known only now.
    layout.closed = layout.closed_notice();
    layout
});

/// The visitor the session middleware recorded; signed out when it did not
/// run (or found no session).
pub fn visitor_of(extensions: &axum::http::Extensions) -> Visitor {
    extensions
        .get::<Visitor>()
        .copied()
        .unwrap_or(Visitor::SignedOut)
}

/// Renders a page with status 200.
pub fn render(page: &impl Template) -> AppResult<Response> {
    Ok(Html(page.render()?).into_response())
}

/// Renders a form shown again after a refusal: 422, with what was typed.
pub fn render_refused(page: &impl Template) -> AppResult<Response> {
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
}
