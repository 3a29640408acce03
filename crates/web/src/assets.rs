//! The one stylesheet, served under a name that carries its content hash so
//! browsers may cache it forever.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::app::error::AppError;
use crate::app::state::AppState;

const STYLESHEET: &str = include_str!("../assets/app.css");

pub struct Assets {
    stylesheet_name: String,
}

impl Default for Assets {
    fn default() -> Self {
        let digest = Sha256::digest(STYLESHEET.as_bytes());
        Self {
            stylesheet_name: format!("app-{}.css", hex::encode(&digest[..6])),
        }
    }
}

impl Assets {
    pub fn stylesheet_path(&self) -> String {
        format!("/static/{}", self.stylesheet_name)
    }
}

pub async fn serve(State(app): State<AppState>, Path(name): Path<String>) -> Response {
    if name != app.assets.stylesheet_name {
        return AppError::NotFound.into_response();
    }
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        STYLESHEET,
    )
        .into_response()
}
