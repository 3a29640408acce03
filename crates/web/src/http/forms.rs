//! Posted forms: what each may hold, the CSRF check, and what a refused
//! form shows beside its fields.

use crate::app::error::AppError;
use crate::auth::session::CsrfToken;
use crate::exec::Submission;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use kintsugi_core::Refusal;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// How much one form may hold. A body beyond what its page could ever send
/// is refused before it is parsed: 413 when it is too large, 422 when it has
/// too many fields or one far too long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormCaps {
    /// The body as sent, in bytes.
    pub body_bytes: usize,
    /// Name=value pairs, the hidden ones included.
    pub fields: usize,
    /// The longest name or value once decoded, in characters.
    pub field_chars: usize,
}

/// The most bytes one character takes in a body: four UTF-8 bytes, each
/// written `%XX`.
const MOST_BYTES_PER_CHAR: usize = 12;
/// Room per field for its name, its `=` and `&`, and a short value (an id,
/// a choice, a token).
const BYTES_PER_FIELD: usize = 128;

impl FormCaps {
    /// Caps for a form of up to `fields` fields whose texts hold up to
    /// `text_chars` characters in all and `field_chars` in any one: its
    /// body may carry all of it with every character in its longest form.
    /// Texts are capped well above the domain's own limits, so that a text
    /// a little too long comes back in its form with a kind word instead.
    pub const fn new(fields: usize, field_chars: usize, text_chars: usize) -> FormCaps {
        FormCaps {
            body_bytes: fields * BYTES_PER_FIELD + text_chars * MOST_BYTES_PER_CHAR,
            fields,
            field_chars,
        }
    }

    /// Most forms: a few fields, and texts of up to 2,000 characters.
    pub const DEFAULT: FormCaps = FormCaps::new(16, 4_000, 8_000);

    /// A form that is a button: its token, its key, and nothing more.
    pub const BUTTON: FormCaps = FormCaps::new(4, 128, 0);
}

/// A form the app reads from a posted body. Its caps are declared with its
/// type (`impl Form for X {}` takes the default).
pub trait Form: DeserializeOwned {
    const CAPS: FormCaps = FormCaps::DEFAULT;
}

/// A form of named text fields, each a `String`, empty when not sent: the
/// struct and its `Form` impl, with `caps` when they are not the default.
///
/// ```text
/// text_form! {
///     pub struct NoteForm { note, keep }
///     caps FormCaps::new(8, 2_000, 2_000)
/// }
/// ```
macro_rules! text_form {
    (
        $(#[$meta:meta])*
        pub struct $name:ident { $($(#[$field_meta:meta])* $field:ident),* $(,)? }
        $($(#[$caps_meta:meta])* caps $caps:expr)?
    ) => {
        $(#[$meta])*
        #[derive(Debug, Default, Clone, serde::Deserialize)]
        #[serde(default)]
        pub struct $name {
            $($(#[$field_meta])* pub(crate) $field: String,)*
        }

        impl $crate::http::forms::Form for $name {
            $($(#[$caps_meta])* const CAPS: $crate::http::forms::FormCaps = $caps;)?
        }
    };
}
pub(crate) use text_form;

/// Reads a posted body as the form `T`: its caps first, in one pass over
/// the fields, then the fields themselves. Both passes are linear in the
/// body's size; any body gives a form or an error, never a panic.
pub fn decode<T: Form>(body: &[u8]) -> Result<T, AppError> {
    within_caps(body, T::CAPS)?;
    serde_html_form::from_bytes(body).map_err(|_| AppError::BadForm)
}

/// A body's form and its submission (see [`SubmittedForm`]), as the
/// extractor reads them after the CSRF check.
pub fn decode_submitted<T: Form>(route: &str, body: &[u8]) -> Result<SubmittedForm<T>, AppError> {
    let form = decode(body)?;
    let submission = submission_of(route, form_urlencoded::parse(body))?;
    Ok(SubmittedForm { form, submission })
}

fn within_caps(body: &[u8], caps: FormCaps) -> Result<(), AppError> {
    if body.len() > caps.body_bytes {
        return Err(AppError::FormTooLarge);
    }
    let too_long = |text: &str| {
        // A text has no more characters than bytes: only a long one is counted.
        text.len() > caps.field_chars && text.chars().count() > caps.field_chars
    };
    for (count, (name, value)) in form_urlencoded::parse(body).enumerate() {
        if count >= caps.fields || too_long(&name) || too_long(&value) {
            return Err(AppError::FormOverfull);
        }
    }
    Ok(())
}

/// A form whose hidden `csrf` field matched the visitor's CSRF cookie.
pub struct CsrfForm<T>(pub T);

#[derive(Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf: String,
}

impl<T: Form, S: Send + Sync> FromRequest<S> for CsrfForm<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let body = checked_body(request, T::CAPS.body_bytes).await?;
        decode(&body).map(CsrfForm)
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

impl<T: Form, S: Send + Sync> FromRequest<S> for SubmittedForm<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let route = format!("{} {}", request.method(), request.uri().path());
        let body = checked_body(request, T::CAPS.body_bytes).await?;
        decode_submitted(&route, &body)
    }
}

/// The key's hash, and a hash of the route and every field but the two
/// hidden ones (the CSRF token may change between two sends of one form).
fn submission_of<K, V>(
    route: &str,
    pairs: impl IntoIterator<Item = (K, V)>,
) -> Result<Submission, AppError>
where
    K: AsRef<str>,
    V: AsRef<str>,
{
    let mut key_hash = None;
    let mut request = Sha256::new();
    request.update((route.len() as u64).to_be_bytes());
    request.update(route.as_bytes());
    for (name, value) in pairs {
        let (name, value) = (name.as_ref(), value.as_ref());
        match name {
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

/// The body of a form, no larger than its cap, whose `csrf` field matches
/// the visitor's token. Only a urlencoded body is read: a page's forms send
/// nothing else, and a body of another type (`text/plain` from a
/// cross-site form) is refused with 415.
async fn checked_body(request: Request, limit: usize) -> Result<Bytes, AppError> {
    if !is_urlencoded(request.headers()) {
        return Err(AppError::UnsupportedForm);
    }
    let expected = request
        .extensions()
        .get::<CsrfToken>()
        .cloned()
        .ok_or(AppError::Csrf)?;
    let body = body_within(request, limit).await?;
    let sent: CsrfField = serde_html_form::from_bytes(&body).map_err(|_| AppError::BadForm)?;
    if !bool::from(sent.csrf.as_bytes().ct_eq(expected.0.as_bytes())) {
        return Err(AppError::Csrf);
    }
    Ok(body)
}

/// The body, read no further than `limit` bytes: a longer one (announced
/// or not) is refused as soon as it is known to be longer.
async fn body_within(request: Request, limit: usize) -> Result<Bytes, AppError> {
    let announced = request
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|length| length > limit as u64) {
        return Err(AppError::FormTooLarge);
    }
    match Limited::new(request.into_body(), limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) if error.downcast_ref::<LengthLimitError>().is_some() => {
            Err(AppError::FormTooLarge)
        }
        Err(_) => Err(AppError::BadForm),
    }
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
            Refusal::InvalidFields(fields) => Ok(Self {
                summary: None,
                fields,
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

    /// One more field problem, beside those already found.
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.fields.push((field, message.into()));
    }

    pub fn any(&self) -> bool {
        self.summary.is_some() || !self.fields.is_empty()
    }
}

/// A form that carries nothing but its CSRF token (a button).
#[derive(Debug, Deserialize)]
pub struct NoFields {}

impl Form for NoFields {
    const CAPS: FormCaps = FormCaps::BUTTON;
}

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
    fn fields_are_counted_and_measured_in_characters_once_decoded() {
        let caps = FormCaps::new(3, 3, 3);
        let within = |body: &str| within_caps(body.as_bytes(), caps);
        assert!(within("a=%C3%A9%C3%A9%C3%A9").is_ok(), "three characters");
        assert!(within("a=1&&&b=2&c").is_ok(), "empty pieces are no fields");
        for overfull in ["a=%C3%A9%C3%A9%C3%A9%C3%A9", "abcd=1", "a&b&c&d"] {
            assert!(
                matches!(within(overfull), Err(AppError::FormOverfull)),
                "{overfull}"
            );
        }
        let large = "a".repeat(caps.body_bytes + 1);
        assert!(matches!(within(&large), Err(AppError::FormTooLarge)));
    }

    #[tokio::test]
    async fn a_body_past_its_cap_is_refused_whether_its_length_was_announced_or_not() {
        let unannounced = |size: usize| Request::new(axum::body::Body::from(vec![b'a'; size]));
        assert_eq!(body_within(unannounced(100), 100).await.unwrap().len(), 100);
        let past = body_within(unannounced(101), 100).await;
        assert!(matches!(past, Err(AppError::FormTooLarge)));
        let announced = Request::builder()
            .header(axum::http::header::CONTENT_LENGTH, 101)
            .body(axum::body::Body::empty())
            .unwrap();
        let past = body_within(announced, 100).await;
        assert!(matches!(past, Err(AppError::FormTooLarge)));
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
            pairs(&[("csrf", "a"), ("submission", key), ("text", "Why?")]),
        )
        .unwrap();
        let again = submission_of(
            "POST /truth/questions",
            pairs(&[("csrf", "b"), ("submission", key), ("text", "Why?")]),
        )
        .unwrap();
        assert_eq!(first, again);
        assert!(first.key_hash.is_some());
    }

    #[test]
    fn another_body_route_or_field_split_hashes_differently() {
        let base = submission_of("POST /truth/questions", pairs(&[("text", "Why?")])).unwrap();
        let edited =
            submission_of("POST /truth/questions", pairs(&[("text", "Why not?")])).unwrap();
        let elsewhere =
            submission_of("POST /truth/disclosures", pairs(&[("text", "Why?")])).unwrap();
        let shifted = submission_of("POST /truth/questions", pairs(&[("tex", "tWhy?")])).unwrap();
        assert_ne!(base.request_hash, edited.request_hash);
        assert_ne!(base.request_hash, elsewhere.request_hash);
        assert_ne!(base.request_hash, shifted.request_hash);
    }

    #[test]
    fn keys_are_sixteen_to_sixty_four_url_safe_characters_given_once() {
        let with = |key: &str| submission_of("POST /x", pairs(&[("submission", key)]));
        assert!(with(&"a".repeat(16)).is_ok());
        assert!(with(&"Z9-_".repeat(16)).is_ok());
        assert!(matches!(with(&"a".repeat(15)), Err(AppError::BadForm)));
        assert!(matches!(with(&"a".repeat(65)), Err(AppError::BadForm)));
        assert!(matches!(with("sixteen chars ok?"), Err(AppError::BadForm)));
        let twice = submission_of(
            "POST /x",
            pairs(&[
                ("submission", &"a".repeat(16)),
                ("submission", &"b".repeat(16)),
            ]),
        );
        assert!(matches!(twice, Err(AppError::BadForm)));
        let without = submission_of("POST /x", pairs(&[("text", "hi")])).unwrap();
        assert_eq!(without.key_hash, None);
    }
}
