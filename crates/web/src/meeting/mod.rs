//! The weekly couple meeting: agree a day and time, build the agenda
//! during the week (appreciations first, what went well, concerns in the
//! gentle start-up's words, a plan for the week), and both say it was
//! held. The page also lists the talks answered "at our weekly meeting"
//! and a review filled in from the record.

mod view;

use crate::app::error::AppResult;
use crate::exec::Landed;
use crate::exec::Submission;
use crate::http::extractors::{Desk, EntryForm, PostedForm};
use crate::http::forms::{text_form, Form, FormErrors, NoFields};
use crate::http::routes::Route;
use crate::present::repair::{redraws_with, room_page};
use axum::response::Response;
use kintsugi_core::access::room::Acting;
use kintsugi_core::meeting::{self, ItemInput, MeetingEvent, Meetings};
use kintsugi_core::streams::couple::CoupleState;
use kintsugi_core::EntryId;
use kintsugi_core::Refusal;
use serde::Deserialize;
use view::build;

pub fn routes() -> Vec<Route> {
    vec![
        Route::page("/meeting", "the weekly meeting", room_page::<Refused>),
        Route::form("/meeting/time", "suggest a day and time", propose).leads_to("/meeting#time"),
        Route::form(
            "/meeting/time/{id}/agree",
            "agree to the day and time",
            agree,
        )
        .leads_to("/meeting#time"),
        Route::form("/meeting/items", "add to the agenda", add_item).leads_to("/meeting#agenda"),
        Route::form("/meeting/held", "say the meeting was held", mark_held)
            .leads_to("/meeting#held"),
    ]
}

text_form! {
    pub struct TimeForm {
        day,
        /// "19:00", on the proposer's own clock.
        time,
    }
}

text_form! {
    pub struct ItemForm {
        /// `appreciation`, `went_well`, `concern` or `plan`.
        part,
        text, feel, about, need,
    }
}

impl ItemForm {
    fn input(&self) -> ItemInput<'_> {
        ItemInput {
            part: &self.part,
            text: &self.text,
            feel: &self.feel,
            about: &self.about,
            need: &self.need,
        }
    }

    fn is_concern(&self) -> bool {
        self.part.trim() == "concern"
    }
}

#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct HeldForm {
    /// The ids of the items talked about, one field each.
    pub(crate) covered: Vec<String>,
    pub(crate) agreed: String,
}

impl Form for HeldForm {}

impl HeldForm {
    pub(crate) fn covered(&self) -> Vec<EntryId> {
        self.covered
            .iter()
            .filter_map(|raw| raw.trim().parse().ok().map(EntryId))
            .collect()
    }
}

#[derive(Default)]
enum Refused {
    #[default]
    Nothing,
    Time(TimeForm, FormErrors),
    OnProposal(EntryId, FormErrors),
    Item(ItemForm, FormErrors),
    Held(HeldForm, FormErrors),
}

redraws_with!(Refused, view::MeetingPage, build);

/// Where a step lands: the part of the page it was about.
fn at(place: &'static str) -> impl FnOnce(Landed) -> String {
    move |_| place.to_owned()
}

fn in_meeting(state: &CoupleState) -> &Meetings {
    &state.meeting
}

/// One step of the meeting room, landing at `place` on the page.
async fn step(
    desk: Desk,
    submission: &Submission,
    place: &'static str,
    decide: impl Fn(Acting<'_, Meetings>) -> Result<MeetingEvent, Refusal>,
    refused: impl FnOnce(FormErrors) -> Refused,
) -> AppResult<Response> {
    desk.step_and_land(submission, in_meeting, decide, at(place), refused)
        .await
}

async fn propose(PostedForm(desk, form, submission): PostedForm<TimeForm>) -> AppResult<Response> {
    let zone = desk.layout.now.zone.name();
    let refused = |errors| Refused::Time(form.clone(), errors);
    step(
        desk,
        &submission,
        "/meeting#time",
        |acting| meeting::propose_time(acting, &form.day, &form.time, zone),
        refused,
    )
    .await
}

async fn agree(
    EntryForm(desk, proposal, _, submission): EntryForm<NoFields>,
) -> AppResult<Response> {
    let refused = |errors| Refused::OnProposal(proposal, errors);
    step(
        desk,
        &submission,
        "/meeting#time",
        |acting| meeting::agree_time(acting, proposal),
        refused,
    )
    .await
}

async fn add_item(PostedForm(desk, form, submission): PostedForm<ItemForm>) -> AppResult<Response> {
    let place = if form.is_concern() {
        "/meeting#concerns"
    } else {
        "/meeting#agenda"
    };
    let refused = |errors| Refused::Item(form.clone(), errors);
    step(
        desk,
        &submission,
        place,
        |acting| meeting::add_item(acting, form.input()),
        refused,
    )
    .await
}

async fn mark_held(
    PostedForm(desk, form, submission): PostedForm<HeldForm>,
) -> AppResult<Response> {
    let covered = form.covered();
    let refused = |errors| Refused::Held(form.clone(), errors);
    step(
        desk,
        &submission,
        "/meeting#held",
        |acting| meeting::mark_held(acting, &covered, &form.agreed),
        refused,
    )
    .await
}
