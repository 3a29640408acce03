use crate::app::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;

/// 200 when the store answers.
pub async fn healthz(State(app): State<AppState>) -> (StatusCode, &'static str) {
    match app.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(error) => {
            tracing::error!(%error, "health check: the store does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "the store does not answer")
        }
    }
}
