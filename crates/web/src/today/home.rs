//! The front door: a welcome for visitors, and for a signed-in person the
//! place to start.

use crate::app::error::{AppError, AppResult};
use crate::app::layout::{render, Layout};
use crate::app::state::AppState;
use crate::auth::session::{MaybeUser, Session};
use crate::couple::{my_private, MyCouple};
use crate::present::dates;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use kintsugi_core::views::today;
use kintsugi_core::StreamId;

#[derive(Template)]
#[template(path = "account/welcome.html")]
struct WelcomePage {
    layout: Layout,
}

#[derive(Template)]
#[template(path = "today/start.html")]
struct StartPage {
    layout: Layout,
    /// How many couples this person serves as their therapist.
    couples_served: usize,
    /// The day the record of the space this person last saw was destroyed,
    /// when it was.
    record_destroyed: Option<String>,
}

pub async fn home(
    State(app): State<AppState>,
    MaybeUser(user): MaybeUser,
    layout: Layout,
) -> AppResult<Response> {
    let Some(session) = user else {
        return render(&WelcomePage { layout });
    };
    if let Some(couple) = MyCouple::of(&session) {
        return super::page(&app, &couple, layout).await;
    }
    let couples_served = app.store.couples_of_therapist(session.user.0).await?.len();
    let record_destroyed = record_destroyed(&app, &session, &layout).await?;
    render(&StartPage {
        layout: layout.in_section("today"),
        couples_served,
        record_destroyed,
    })
}

/// When the space this person last saw (their witness of it, in their own
/// private stream) was destroyed after it ended: one look at its deletion
/// record, and only for someone with no space now.
async fn record_destroyed(
    app: &AppState,
    session: &Session,
    layout: &Layout,
) -> AppResult<Option<String>> {
    let seen = {
        let mine = my_private(app, session).await?;
        today::couple_head_seen(&mine.state, session.user).map_err(AppError::from_refusal)?
    };
    let Some(seen) = seen else {
        return Ok(None);
    };
    let stream = StreamId::couple(seen.couple);
    let record = app.store.deletion_record(stream.as_str()).await?;
    Ok(record.map(|record| dates::day_of(record.deleted_at, layout.now.zone)))
}
