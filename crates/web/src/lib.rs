//! Kintsugi's HTTP side: server-rendered pages with plain forms, sessions,
//! CSRF protection and strict security headers. Handlers parse, call the
//! domain in `kintsugi-core`, and render; nothing more.

pub mod account_deletion;
pub mod app;
pub mod assets;
pub mod auth;
pub mod couple;
/// Every form decoder by name, for the property tests and `fuzz/`.
#[cfg(any(test, feature = "fuzzing"))]
pub mod decoders;
pub mod exec;
pub mod export;
pub mod http;
pub mod metrics;
pub mod present;
pub mod projections;
pub mod record;

// The rooms: one per capability, each with its router, handlers and views.
pub mod apology;
pub mod checkin;
pub mod commitments;
pub mod contact;
pub mod invite;
pub mod mail;
pub mod meeting;
pub mod practice;
pub mod progress;
pub mod pulse;
pub mod readiness;
pub mod reflections;
pub mod requests;
pub mod space;
pub mod talk;
pub mod therapist;
pub mod today;
pub mod together;
pub mod truth;
pub mod withdrawal;

pub use app::config::WebConfig;
pub use app::state::AppState;

use axum::{middleware, Router};
use http::routes::Route;
use kintsugi_store::Store;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

/// Every address the app answers, room by room: the router is built from
/// this list alone, and the authorization table test reads it, so a new
/// route needs a row there. A new room adds its `routes()` here.
pub fn routes() -> Vec<Route> {
    [
        vec![
            Route::page("/", "today, or the start page", today::home::home),
            Route::page("/healthz", "the health check", app::health::healthz),
            Route::page("/static/{name}", "the style sheet", assets::serve),
        ],
        auth::routes::routes(),
        mail::routes(),
        space::routes(),
        invite::routes(),
        checkin::routes(),
        pulse::routes(),
        progress::routes(),
        truth::routes(),
        apology::routes(),
        requests::routes(),
        commitments::routes(),
        contact::routes(),
        readiness::routes(),
        talk::routes(),
        together::routes(),
        meeting::routes(),
        reflections::routes(),
        therapist::routes(),
        practice::routes(),
        export::routes(),
        account_deletion::routes(),
        withdrawal::routes(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The whole app. Layers run outside-in: security headers on every
/// response, error pages, the session, then the same-origin rule.
pub fn app(state: AppState) -> Router {
    http::routes::router(routes())
        .fallback(|| async { app::error::AppError::NotFound })
        .layer(middleware::from_fn(http::security::same_origin))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::session::middleware,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            http::security::render_error_pages,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            http::security::headers,
        ))
        .layer(middleware::from_fn(http::request_log::log_requests))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .with_state(state)
}

/// Serves until the process is asked to stop (Ctrl-C or SIGTERM). With
/// SMTP configured, the reminder task runs beside it.
pub async fn serve(
    listener: TcpListener,
    metrics: Option<TcpListener>,
    store: Arc<dyn Store>,
    config: WebConfig,
) -> std::io::Result<()> {
    let state = AppState::new(store, config);
    let metrics = metrics.map(|listener| {
        let router = metrics::router(state.clone());
        tokio::spawn(async move { axum::serve(listener, router).await })
    });
    let reminders = state
        .config
        .mail
        .is_some()
        .then(|| mail::task::start(state.clone()));
    let endings = space::destroy::start(state.clone());
    let used_keys = exec::start_forgetting_keys(state.clone());
    let served = axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await;
    if let Some(task) = reminders {
        task.abort();
    }
    endings.abort();
    used_keys.abort();
    if let Some(task) = metrics {
        task.abort();
    }
    served
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
