//! The one list of every address the app answers. `crate::app` builds the
//! router from it and nothing else, and the authorization table test reads
//! the same list, so no handler can be reached without a row there saying
//! who may use it.

use crate::app::state::AppState;
use crate::http::form_addresses;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{get, post, MethodRouter};
use axum::Router;

/// One method at one address: what it is for, and the handler that answers.
pub struct Route {
    pub method: Method,
    /// The address as the router matches it, `{name}` for a parameter.
    pub path: &'static str,
    /// What a person does here, in a few plain words.
    pub purpose: &'static str,
    /// For a form whose address has no page of its own: the page a GET at
    /// the address leads to (see `form_addresses`).
    pub opened_directly: Option<&'static str>,
    handler: MethodRouter<AppState>,
}

impl Route {
    /// A page: a GET that shows something.
    pub fn page<H, T>(path: &'static str, purpose: &'static str, handler: H) -> Route
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        Route::new(Method::GET, path, purpose, get(handler))
    }

    /// A form's POST. An address without a page of its own also needs
    /// `.leads_to(page)`, so that opening it directly is never a 405.
    pub fn form<H, T>(path: &'static str, purpose: &'static str, handler: H) -> Route
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        Route::new(Method::POST, path, purpose, post(handler))
    }

    /// A GET at this form's address sends the browser (303) to `page`,
    /// which may use the address's own parameters (`"/requests/{id}"`).
    pub fn leads_to(mut self, page: &'static str) -> Route {
        self.handler = self.handler.merge(form_addresses::leads_to(page));
        self.opened_directly = Some(page);
        self
    }

    fn new(
        method: Method,
        path: &'static str,
        purpose: &'static str,
        handler: MethodRouter<AppState>,
    ) -> Route {
        Route {
            method,
            path,
            purpose,
            opened_directly: None,
            handler,
        }
    }
}

/// The router that answers exactly the listed routes. Two routes at one
/// address (a page and its form) share it; the same method twice at one
/// address is a mistake the router refuses at start.
pub fn router(routes: Vec<Route>) -> Router<AppState> {
    routes.into_iter().fold(Router::new(), |router, route| {
        router.route(route.path, route.handler)
    })
}
