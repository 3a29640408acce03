//! The front door: a welcome for visitors, and for a signed-in person the
//! place to start.

use crate::app::error::AppResult;
use crate::app::layout::{render, Layout};
use crate::app::state::AppState;
use crate::auth::session::MaybeUser;
use crate::couple::MyCouple;
use askama::Template;
use axum::extract::State;
use axum::response::Response;

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
}

pub async fn home(
    State(app): State<AppState>,
    MaybeUser(user): MaybeUser,
    layout: Layout,
) -> AppResult<Response> {
    let Some(session) = user else {
        return render(&WelcomePage { layout });
    };
    if let Some(couple) = MyCouple::find(&app, &session).await? {
        return super::page(&app, &session, &couple, layout).await;
    }
    let couples_served = app.store.couples_of_therapist(session.user.0).await?.len();
    render(&StartPage {
        layout: layout.in_section("today"),
        couples_served,
    })
}
