//! Posted forms: the CSRF check, and what a refused form shows beside its
//! fields.

use crate::app::error::AppError;
use crate::auth::session::CsrfToken;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use kintsugi_core::Refusal;
use serde::de::DeserializeOwned;
use serde::Deserialize;
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
        serde_html_form::from_bytes(&body)
            .map(CsrfForm)
            .map_err(|_| AppError::BadForm)
    }
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
