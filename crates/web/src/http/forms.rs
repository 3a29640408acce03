//! Posted forms: the CSRF check, and what a refused form shows beside its
//! fields.

use crate::app::error::AppError;
use crate::auth::session::CsrfToken;
use crate::exec::Submission;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use kintsugi_core::Refusal;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// A form whose hidden `csrf` field matched the visitor's CSRF cookie.
pub struct CsrfForm<T>(pub T);

#[derive(Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf: String,
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for CsrfForm<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let body = checked_body(request, state).await?;
        serde_html_form::from_bytes(&body)
            .map(CsrfForm)
            .map_err(|_| AppError::BadForm)
    }
}

/// A form that passed the CSRF check, with its one-time submission key
/// (the hidden `submission` field) and a hash of the request, for
/// `exec::submit`. A malformed key is refused; a missing one is allowed.
pub struct SubmittedForm<T> {
    pub form: T,
    pub submission: Submission,
}

/// The shortest and longest key accepted, in URL-safe characters: any
/// random token a page, a script or an API client makes will do.
const KEY_LENGTHS: std::ops::RangeInclusive<usize> = 16..=64;

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for SubmittedForm<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let route = format!("{} {}", request.method(), request.uri().path());
        let body = checked_body(request, state).await?;
        let pairs: Vec<(String, String)> =
            serde_html_form::from_bytes(&body).map_err(|_| AppError::BadForm)?;
        let submission = submission_of(&route, &pairs)?;
        let form = serde_html_form::from_bytes(&body).map_err(|_| AppError::BadForm)?;
        Ok(SubmittedForm { form, submission })
    }
}

/// The key's hash, and a hash of the route and every field but the two
/// hidden ones (the CSRF token may change between two sends of one form).
fn submission_of(route: &str, pairs: &[(String, String)]) -> Result<Submission, AppError> {
    let mut key_hash = None;
    let mut request = Sha256::new();
    request.update((route.len() as u64).to_be_bytes());
    request.update(route.as_bytes());
    for (name, value) in pairs {
        match name.as_str() {
            "csrf" => {}
            "submission" => {
                let well_formed = KEY_LENGTHS.contains(&value.len())
                    && value
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
                if !well_formed || key_hash.is_some() {
                    return Err(AppError::BadForm);
                }
                key_hash = Some(Sha256::digest(value.as_bytes()).into());
            }
            _ => {
                for part in [name, value] {
                    request.update((part.len() as u64).to_be_bytes());
                    request.update(part.as_bytes());
                }
            }
        }
    }
    Ok(Submission {
        key_hash,
        request_hash: request.finalize().into(),
    })
}

/// The body of a form whose `csrf` field matches the visitor's token. Only
/// a urlencoded body is read: a page's forms send nothing else, and a body
/// of another type (`text/plain` from a cross-site form) is refused with 415.
async fn checked_body<S: Send + Sync>(request: Request, state: &S) -> Result<Bytes, AppError> {
    if !is_urlencoded(request.headers()) {
        return Err(AppError::UnsupportedForm);
    }
    let expected = request
        .extensions()
        .get::<CsrfToken>()
        .cloned()
        .ok_or(AppError::Csrf)?;
    let body = Bytes::from_request(request, state)
        .await
        .map_err(|_| AppError::BadForm)?;
    let sent: CsrfField = serde_html_form::from_bytes(&body).map_err(|_| AppError::BadForm)?;
    if !bool::from(sent.csrf.as_bytes().ct_eq(expected.0.as_bytes())) {
        return Err(AppError::Csrf);
    }
    Ok(body)
}

/// Whether the body is `application/x-www-form-urlencoded` (parameters such
/// as a charset aside).
fn is_urlencoded(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| {
            media
                .trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

/// Messages for a form shown again after a refusal.
#[derive(Debug, Default, Clone)]
pub struct FormErrors {
    pub summary: Option<String>,
    fields: Vec<(&'static str, String)>,
}

impl FormErrors {
    /// The refusals a form can show; anything else (not a member, not
    /// found) becomes an error page.
    pub fn from_refusal(refusal: Refusal) -> Result<Self, AppError> {
        match refusal {
            Refusal::Invalid { field, message } => Ok(Self {
                summary: None,
                fields: vec![(field, message)],
            }),
            Refusal::NotAllowed(why) | Refusal::Conflict(why) => Ok(Self::summary(why)),
            other => Err(AppError::from_refusal(other)),
        }
    }

    pub fn summary(message: impl Into<String>) -> Self {
        Self {
            summary: Some(message.into()),
            fields: Vec::new(),
        }
    }

    pub fn field(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            summary: None,
            fields: vec![(field, message.into())],
        }
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(name, _)| *name == field)
            .map(|(_, message)| message.as_str())
    }

    pub fn any(&self) -> bool {
        self.summary.is_some() || !self.fields.is_empty()
    }
}

/// A form that carries nothing but its CSRF token (a button).
#[derive(Debug, Deserialize)]
pub struct NoFields {}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(fields: &[(&str, &str)]) -> Vec<(String, String)> {
        fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn only_urlencoded_bodies_are_forms() {
        let with = |value: &'static str| {
            let mut headers = axum::http::HeaderMap::new();
            headers.insert("content-type", axum::http::HeaderValue::from_static(value));
            is_urlencoded(&headers)
        };
        assert!(with("application/x-www-form-urlencoded"));
        assert!(with("Application/X-WWW-Form-Urlencoded; charset=UTF-8"));
        assert!(!with("text/plain"));
        assert!(!with("multipart/form-data; boundary=x"));
        assert!(!with("application/x-www-form-urlencoded-not"));
        assert!(!is_urlencoded(&axum::http::HeaderMap::new()));
    }

    #[test]
    fn the_same_request_under_one_key_hashes_the_same_whatever_its_csrf_token() {
        let key = "k3y-of_sixteen-chars";
        let first = submission_of(
            "POST /truth/questions",
            &pairs(&[("csrf", "a"), ("submission", key), ("text", "Why?")]),
        )
        .unwrap();
        let again = submission_of(
            "POST /truth/questions",
            &pairs(&[("csrf", "b"), ("submission", key), ("text", "Why?")]),
        )
        .unwrap();
        assert_eq!(first, again);
        assert!(first.key_hash.is_some());
    }

    #[test]
    fn another_body_route_or_field_split_hashes_differently() {
        let base = submission_of("POST /truth/questions", &pairs(&[("text", "Why?")])).unwrap();
        let edited =
            submission_of("POST /truth/questions", &pairs(&[("text", "Why not?")])).unwrap();
        let elsewhere =
            submission_of("POST /truth/disclosures", &pairs(&[("text", "Why?")])).unwrap();
        let shifted = submission_of("POST /truth/questions", &pairs(&[("tex", "tWhy?")])).unwrap();
        assert_ne!(base.request_hash, edited.request_hash);
        assert_ne!(base.request_hash, elsewhere.request_hash);
        assert_ne!(base.request_hash, shifted.request_hash);
    }

    #[test]
    fn keys_are_sixteen_to_sixty_four_url_safe_characters_given_once() {
        let with = |key: &str| submission_of("POST /x", &pairs(&[("submission", key)]));
        assert!(with(&"a".repeat(16)).is_ok());
        assert!(with(&"Z9-_".repeat(16)).is_ok());
        assert!(matches!(with(&"a".repeat(15)), Err(AppError::BadForm)));
        assert!(matches!(with(&"a".repeat(65)), Err(AppError::BadForm)));
        assert!(matches!(with("sixteen chars ok?"), Err(AppError::BadForm)));
        let twice = submission_of(
            "POST /x",
            &pairs(&[
                ("submission", &"a".repeat(16)),
                ("submission", &"b".repeat(16)),
            ]),
        );
        assert!(matches!(twice, Err(AppError::BadForm)));
        let without = submission_of("POST /x", &pairs(&[("text", "hi")])).unwrap();
        assert_eq!(without.key_hash, None);
    }
}
