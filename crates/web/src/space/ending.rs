//! "End our shared space": either partner, alone, with their password
//! again and a plain confirmation. From the end on nothing can be added
//! by anyone (core refuses every step of an ended space, so every form
//! disappears by itself), both partners read and export the record for
//! the separation window, the therapist's access is over at once, and the
//! other partner is told, neutrally. After the window the record is
//! destroyed by the task in [`super::destroy`].

use crate::app::error::{AppError, AppResult};
use crate::app::layout::{render, render_refused, Layout};
use crate::app::state::AppState;
use crate::auth::again::{PasswordAgain, NOT_YOUR_PASSWORD};
use crate::auth::session::{CurrentUser, Session};
use crate::couple::MyCouple;
use crate::exec::{self, Landed, Outcome, Submission, Writes};
use crate::http::forms::{text_form, FormCaps, FormErrors, SubmittedForm};
use crate::http::routes::Route;
use crate::mail::message;
use crate::present::dates;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use kintsugi_core::space::{self, EndReason};
use kintsugi_core::UserId;
use kintsugi_store::SpaceEnding;

pub fn routes() -> Vec<Route> {
    vec![
        Route::page("/space/end", "what ending the shared space means", end_page),
        Route::form("/space/end", "end the shared space", end),
    ]
}

text_form! {
    pub struct EndForm { password, confirm }
    caps FormCaps::new(6, 1_000, 2_000)
}

#[derive(Template)]
#[template(path = "space/end.html")]
struct EndPage {
    layout: Layout,
    email: String,
    /// Whether this person may end the space now (it is open).
    can_end: bool,
    /// How many days both keep reading and exporting.
    days: u64,
    /// When it was ended and until when it is kept, once it was.
    ended_on: String,
    kept_until: String,
    confirm: bool,
    errors: FormErrors,
}

impl EndPage {
    async fn build(
        app: &AppState,
        me: &Session,
        couple: &MyCouple,
        layout: Layout,
        errors: FormErrors,
    ) -> AppResult<Self> {
        let can_end = space::can_end(&couple.read(app).await?.state.space, couple.me);
        let zone = layout.now.zone;
        let ending = app.store.space_ending(couple.id.0).await?;
        Ok(EndPage {
            email: email_of(app, me.user).await?,
            can_end,
            days: separation_days(app),
            ended_on: ending.map_or_else(String::new, |e| dates::day_of(e.ended_at, zone)),
            kept_until: ending.map_or_else(String::new, |e| dates::day_of(e.destroy_after, zone)),
            confirm: false,
            errors,
            layout: layout.in_section("space"),
        })
    }
}

pub(crate) fn separation_days(app: &AppState) -> u64 {
    app.config.separation.as_secs() / (24 * 3600)
}

async fn email_of(app: &AppState, user: UserId) -> AppResult<String> {
    Ok(app
        .store
        .user_by_id(user.0)
        .await?
        .ok_or(AppError::NotFound)?
        .email)
}

async fn end_page(
    State(app): State<AppState>,
    CurrentUser(me): CurrentUser,
    couple: MyCouple,
    layout: Layout,
) -> AppResult<Response> {
    render(&EndPage::build(&app, &me, &couple, layout, FormErrors::default()).await?)
}

/// Checks the password and the confirmation, then ends the space.
async fn end(
    State(app): State<AppState>,
    CurrentUser(me): CurrentUser,
    couple: MyCouple,
    layout: Layout,
    SubmittedForm { form, submission }: SubmittedForm<EndForm>,
) -> AppResult<Response> {
    let again = PasswordAgain::begin(&app, &me, "end_space").await?;
    let mut errors = FormErrors::default();
    if !again.matches(&app, &me, &form.password).await? {
        errors.add("password", NOT_YOUR_PASSWORD);
    }
    if form.confirm != "end" {
        errors.add(
            "confirm",
            "Please tick the box to say you want to end your shared space.",
        );
    }
    if !errors.any() {
        again.passed(&app).await?;
        let outcome = end_shared_space(&app, &couple, &submission, EndReason::PartnerEnded).await?;
        match outcome.or_form(|refusal| match refusal {
            kintsugi_core::Refusal::Conflict(why) => Ok(FormErrors::summary(why)),
            other => Err(AppError::from_refusal(other)),
        })? {
            Ok(_) => return Ok(Redirect::to("/").into_response()),
            Err(refused) => errors = refused,
        }
    }
    let mut page = EndPage::build(&app, &me, &couple, layout, errors).await?;
    page.confirm = form.confirm == "end";
    render_refused(&page)
}

/// Ends `couple`'s shared space as `couple.me`, for `reason`, through the
/// one submit path: the "ended" event and the ending's row (until when the
/// record is kept) land together or not at all. The other partner is told,
/// neutrally, when this instance sends email. For the account page's
/// "delete my account" too, which ends the space first.
pub(crate) async fn end_shared_space(
    app: &AppState,
    couple: &MyCouple,
    submission: &Submission,
    reason: EndReason,
) -> AppResult<Outcome> {
    let now = app.clock.now();
    let ending = SpaceEnding {
        couple_id: couple.id.0,
        ended_at: now,
        destroy_after: now + app.config.separation,
    };
    let me = couple.me;
    let (was_open, partner) = {
        let cached = couple.read(app).await?;
        let space = &cached.state.space;
        (space.is_open(), space.partner_of(me))
    };
    let outcome = exec::submit_ending(app, couple, ending, submission, |decision| {
        space::end(&decision.couple.space, me, reason).map(Writes::couple)
    })
    .await?;
    // Told once, by the send that ended it, not by a replay of it.
    if let (Outcome::Done(Landed::Couple(_)), true, Some(partner)) = (&outcome, was_open, partner) {
        tell_partner(app, partner).await;
    }
    Ok(outcome)
}

/// "Something changed in your Kintsugi space", with a link and nothing
/// else. A failure is logged, without the address, and changes nothing.
async fn tell_partner(app: &AppState, partner: UserId) {
    let Some(mail) = app.config.mail.as_ref() else {
        return;
    };
    let sent = async {
        let to = email_of(app, partner).await?;
        message::send(mail, message::space_changed(mail, &to)?).await
    };
    if let Err(error) = sent.await {
        tracing::warn!(%error, "the partner was not told by email that the space ended");
    }
}
