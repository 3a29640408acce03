//! Withdrawing an entry (data rights): the author of an entry in the
//! couple's record takes it back, after a calm page that says what the
//! partner will see; a kept check-in is deleted the same way. The record
//! keeps a tombstone ("Withdrawn by its author on …"), never the words;
//! a deleted kept entry simply no longer shows, to anyone.

use crate::app::error::{AppError, AppResult};
use crate::app::layout::{render, render_refused, Layout};
use crate::exec::{Outcome, Writes};
use crate::http::extractors::{Desk, EntryForm, EntryIdParam};
use crate::http::forms::{FormErrors, NoFields};
use crate::http::routes::Route;
use crate::present::dates;
use crate::present::repair::form_errors;
use askama::Template;
use axum::response::{IntoResponse, Redirect, Response};
use kintsugi_core::kernel::event::Stamp;
use kintsugi_core::withdrawal::{self, EntryRoom, Withdrawals};
use kintsugi_core::EntryId;

pub fn routes() -> Vec<Route> {
    vec![
        Route::page(
            "/withdraw/{id}",
            "the question before an entry is withdrawn",
            withdraw_page,
        ),
        Route::form("/withdraw/{id}", "withdraw my entry", withdraw),
        Route::page(
            "/delete/{id}",
            "the question before a kept entry is deleted",
            delete_page,
        ),
        Route::form("/delete/{id}", "delete my kept entry", delete),
    ]
}

/// The words of a tombstone, in the viewer's zone.
pub fn tombstone(withdrawn: Stamp, zone: crate::app::clock::Zone) -> String {
    format!(
        "Withdrawn by its author on {}",
        dates::day_of(withdrawn.at, zone)
    )
}

/// The room page an entry is shown on, at the entry where it has an anchor.
fn room_page(room: EntryRoom, id: EntryId) -> String {
    match room {
        EntryRoom::Truth => format!("/truth#entry-{}", id.0),
        EntryRoom::Apology => "/apology".to_owned(),
        EntryRoom::Request => "/requests".to_owned(),
        EntryRoom::Commitment => format!("/commitments#commitment-{}", id.0),
        EntryRoom::Contact => "/contact".to_owned(),
        EntryRoom::CheckIn => "/checkin".to_owned(),
        EntryRoom::Pulse => "/pulse#recent".to_owned(),
        EntryRoom::Reflection => "/reflections".to_owned(),
        EntryRoom::Talk => "/talk".to_owned(),
        EntryRoom::Together => "/together".to_owned(),
        EntryRoom::Meeting => "/meeting#agenda".to_owned(),
        EntryRoom::Session => "/therapist#session".to_owned(),
    }
}

/// For an entry of a room a therapist may see: that they see the same.
fn therapist_aside(room: EntryRoom) -> &'static str {
    match room {
        EntryRoom::Session => "Your therapist sees the same on the session's agenda.",
        EntryRoom::Truth
        | EntryRoom::Apology
        | EntryRoom::Request
        | EntryRoom::Commitment
        | EntryRoom::Contact
        | EntryRoom::Pulse => {
            "If your therapist may see this part of your record, they see the same."
        }
        _ => "",
    }
}

/// In the shared record, or the person's own private stream.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Where {
    Shared,
    Kept,
}

#[derive(Template)]
#[template(path = "withdrawal/confirm.html")]
struct ConfirmPage {
    layout: Layout,
    heading: &'static str,
    message: &'static str,
    /// What a therapist sees of it, for the rooms one may see.
    aside: &'static str,
    action: String,
    button: &'static str,
    back: String,
    errors: FormErrors,
}

impl Where {
    fn confirm(
        self,
        layout: Layout,
        id: EntryId,
        room: EntryRoom,
        errors: FormErrors,
    ) -> ConfirmPage {
        let (heading, message, path, button) = match self {
            Where::Shared => (
                "Withdraw this entry?",
                "Your partner will see that you withdrew something on this date, not what it said. This cannot be undone.",
                "withdraw",
                "Withdraw it",
            ),
            Where::Kept => (
                "Delete this entry?",
                "It is yours alone: nobody else ever saw it, and nobody will see that it was deleted. This cannot be undone.",
                "delete",
                "Delete it",
            ),
        };
        // A private reflection goes with every version; what was shared of
        // it is an entry of the couple's record, withdrawn on its own.
        let message = match (self, room) {
            (Where::Kept, EntryRoom::Reflection) => {
                "Every version of it goes, and nobody will see that it was deleted. A copy you shared with your partner stays until you withdraw that copy too. This cannot be undone."
            }
            _ => message,
        };
        ConfirmPage {
            layout,
            heading,
            message,
            aside: match self {
                Where::Shared => therapist_aside(room),
                Where::Kept => "",
            },
            action: format!("/{path}/{}", id.0),
            button,
            back: room_page(room, id),
            errors,
        }
    }

    /// The entry's room, if `desk`'s person may withdraw it now; else why not.
    async fn check(self, desk: &Desk, id: EntryId) -> AppResult<EntryRoom> {
        let me = desk.couple.me;
        let room = match self {
            Where::Shared => {
                let shared = desk.read().await?;
                withdrawal::check_withdraw_shared(
                    &shared.state.space,
                    &shared.state.withdrawals,
                    me,
                    id,
                )
                .map(|written| written.room)
            }
            Where::Kept => room_of(&desk.my_private().await?.state.withdrawals, me, id),
        };
        room.map_err(AppError::from_refusal)
    }

    /// Where a withdrawal that landed (now, or before under the same key)
    /// leads: back to the entry's room.
    async fn landed(self, desk: &Desk, id: EntryId) -> AppResult<String> {
        let room = match self {
            Where::Shared => desk
                .read()
                .await?
                .state
                .withdrawals
                .withdrawn(id)
                .map(|w| w.room),
            Where::Kept => desk
                .my_private()
                .await?
                .state
                .withdrawals
                .withdrawn(id)
                .map(|w| w.room),
        };
        Ok(room.map_or_else(|| "/".to_owned(), |room| room_page(room, id)))
    }
}

fn room_of(
    state: &Withdrawals,
    me: kintsugi_core::UserId,
    id: EntryId,
) -> Result<EntryRoom, kintsugi_core::Refusal> {
    withdrawal::check_withdraw(state, me, id).map(|written| written.room)
}

async fn confirm_page(desk: Desk, id: EntryId, place: Where) -> AppResult<Response> {
    let room = place.check(&desk, id).await?;
    render(&place.confirm(desk.layout, id, room, FormErrors::default()))
}

async fn withdraw_page(desk: Desk, EntryIdParam(id): EntryIdParam) -> AppResult<Response> {
    confirm_page(desk, id, Where::Shared).await
}

async fn delete_page(desk: Desk, EntryIdParam(id): EntryIdParam) -> AppResult<Response> {
    confirm_page(desk, id, Where::Kept).await
}

/// Withdraws (or deletes) through the one submit path; on to the room, or
/// the same question again when the form must be sent again.
async fn take_back(
    EntryForm(desk, id, _, submission): EntryForm<NoFields>,
    place: Where,
) -> AppResult<Response> {
    let me = desk.couple.me;
    let outcome = desk
        .submit(&submission, |decision| match place {
            Where::Shared => withdrawal::withdraw_shared(
                &decision.couple.space,
                &decision.couple.withdrawals,
                me,
                id,
            )
            .map(Writes::couple),
            // One deletion of a kept reflection is one withdrawal per event
            // it wrote (core says which), in one commit.
            Where::Kept => decision.private.delete(me, id).map(|events| Writes {
                couple: Vec::new(),
                private: events.into_iter().map(Into::into).collect(),
            }),
        })
        .await?;
    if let Outcome::Refused(refusal) = outcome {
        return Err(AppError::from_refusal(refusal));
    }
    match outcome.or_form(form_errors)? {
        Ok(_) => Ok(Redirect::to(&place.landed(&desk, id).await?).into_response()),
        Err(errors) => {
            let room = place.check(&desk, id).await?;
            render_refused(&place.confirm(desk.layout, id, room, errors))
        }
    }
}

async fn withdraw(form: EntryForm<NoFields>) -> AppResult<Response> {
    take_back(form, Where::Shared).await
}

async fn delete(form: EntryForm<NoFields>) -> AppResult<Response> {
    take_back(form, Where::Kept).await
}

/// A tombstone as a room's page lists it: where the entry stood, and when
/// its author withdrew it. Nothing of what it said.
pub struct Tombstone {
    pub id: u64,
    pub words: String,
    /// What answered the entry before it was withdrawn ("You read it on
    /// …"), which stays; "" if nothing did.
    pub answered: String,
    /// The words that came back with that answer, if any.
    pub response: String,
}

/// The tombstones of one room of the couple's record, newest first.
pub fn tombstones(
    withdrawals: &Withdrawals,
    room: EntryRoom,
    zone: crate::app::clock::Zone,
) -> Vec<Tombstone> {
    tombstones_where(withdrawals, room, zone, |_| true)
}

/// The tombstones of one room that `keep` keeps (those of one therapy
/// engagement, say), newest first.
pub fn tombstones_where(
    withdrawals: &Withdrawals,
    room: EntryRoom,
    zone: crate::app::clock::Zone,
    keep: impl Fn(&kintsugi_core::withdrawal::Withdrawn) -> bool,
) -> Vec<Tombstone> {
    let mut list: Vec<Tombstone> = withdrawals
        .in_room(room)
        .filter(|w| keep(w))
        .map(|w| Tombstone {
            id: w.entry.0,
            words: tombstone(w.stamp, zone),
            answered: String::new(),
            response: String::new(),
        })
        .collect();
    list.reverse();
    list
}
