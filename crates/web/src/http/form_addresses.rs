//! Addresses that receive forms also answer GET: a restored tab, a shared
//! link or a typed address leads to the page the form lives on instead of a
//! bare "method not allowed".

use crate::app::error::AppError;
use crate::app::state::AppState;
use axum::extract::RawPathParams;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, MethodRouter};

/// A GET route that sends the browser (303) to `page`, the page the form
/// at this address lives on. `page` may use the address's own parameters,
/// as in `"/requests/{id}"`; chain `.post(handler)` for the form itself.
pub fn leads_to(page: &'static str) -> MethodRouter<AppState> {
    if page.contains('{') {
        get(move |params: RawPathParams| async move { redirect_with(page, &params) })
    } else {
        get(move || async move { Redirect::to(page) })
    }
}

fn redirect_with(page: &str, params: &RawPathParams) -> Response {
    let pairs: Vec<(&str, &str)> = params.iter().collect();
    match fill(page, &pairs) {
        Some(target) => Redirect::to(&target).into_response(),
        None => AppError::NotFound.into_response(),
    }
}

/// `page` with each `{name}` replaced by its value. Only plain ids and
/// tokens are passed on, so an address can never redirect anywhere but to
/// a page of this app; anything else reads as not found.
fn fill(page: &str, params: &[(&str, &str)]) -> Option<String> {
    let mut target = page.to_owned();
    for (name, value) in params {
        let plain = !value.is_empty()
            && value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !plain {
            return None;
        }
        target = target.replace(&format!("{{{name}}}"), value);
    }
    (!target.contains('{')).then_some(target)
}

#[cfg(test)]
mod tests {
    use super::fill;

    #[test]
    fn parameters_are_filled_in_and_only_plain_ones_pass() {
        assert_eq!(
            fill("/requests/{id}", &[("id", "18")]).as_deref(),
            Some("/requests/18")
        );
        assert_eq!(
            fill("/truth#entry-{id}", &[("id", "7")]).as_deref(),
            Some("/truth#entry-7")
        );
        assert_eq!(fill("/requests/{id}", &[("id", "/evil.example")]), None);
        assert_eq!(fill("/requests/{id}", &[("id", "")]), None);
        assert_eq!(fill("/requests/{id}", &[]), None, "a missing value");
    }
}
