//! Talks: asking for a conversation and answering it at a pace both can
//! bear, and the hurt partner's quiet period. The rules live in
//! `kintsugi_core::talk`; this page shows each partner the steps that are
//! theirs. A topic's words appear on this page only, never in a title or a
//! heading elsewhere.

mod view;

use crate::app::clock::{read_typed_time, Now};
use crate::app::error::AppResult;
use crate::exec::{self, Writes};
use crate::http::extractors::{Desk, EntryForm, PostedForm};
use crate::http::forms::text_form;
use crate::http::forms::{Form, FormErrors, NoFields};
use crate::http::routes::Route;
use crate::present::repair::{at_entry, room_page};
use axum::response::Response;
use kintsugi_core::access::room::Acting;
use kintsugi_core::talk::{
    self, AnswerInput, AskInput, HappenedInput, ProposedTime, TalkEvent, Talks,
};
use kintsugi_core::{EntryId, Refusal};
use view::Refused;

pub fn routes() -> Vec<Route> {
    vec![
        Route::page(
            "/talk",
            "talk requests and the quiet period",
            room_page::<Refused>,
        ),
        Route::form("/talk", "ask for a talk", ask),
        Route::form("/talk/{id}/answer", "answer a talk request", answer).leads_to("/talk"),
        Route::form("/talk/{id}/pick", "pick one of the proposed times", pick).leads_to("/talk"),
        Route::form("/talk/{id}/end-space", "end the space asked for", end_space).leads_to("/talk"),
        Route::form("/talk/{id}/withdraw", "withdraw a talk request", withdraw).leads_to("/talk"),
        Route::form(
            "/talk/{id}/happened",
            "mark that the talk happened",
            happened,
        )
        .leads_to("/talk"),
        Route::form(
            "/talk/quiet",
            "declare or renew a quiet period",
            declare_quiet,
        )
        .leads_to("/talk"),
        Route::form("/talk/quiet/end", "end the quiet period early", end_quiet).leads_to("/talk"),
        Route::form(
            "/talk/quiet/note",
            "leave a note for when it ends",
            quiet_note,
        )
        .leads_to("/talk"),
    ]
}

/// The names of the proposed-time fields, and of the "which of two"
/// answer beside each.
pub(crate) const TIME_FIELDS: [(&str, &str); 3] = [
    ("time_1", "time_1_which"),
    ("time_2", "time_2_which"),
    ("time_3", "time_3_which"),
];

text_form! {
    pub struct AnswerForm {
        choice, time_1, time_1_which, time_2, time_2_which, time_3, time_3_which, days, words,
    }
}

impl AnswerForm {
    /// Each time field as typed, with its "which" answer, in order.
    pub(crate) fn typed(&self) -> [(&'static str, &str, &str); 3] {
        let [(t1, _), (t2, _), (t3, _)] = TIME_FIELDS;
        [
            (t1, &self.time_1, &self.time_1_which),
            (t2, &self.time_2, &self.time_2_which),
            (t3, &self.time_3, &self.time_3_which),
        ]
    }

    /// The filled time fields, each read on the answerer's own wall clock.
    fn proposed(&self, now: &Now) -> Vec<ProposedTime> {
        self.typed()
            .into_iter()
            .filter(|(_, raw, _)| !raw.trim().is_empty())
            .map(|(field, raw, which)| ProposedTime {
                field,
                at: read_typed_time(field, raw, which, now.zone),
            })
            .collect()
    }
}

text_form! {
    pub struct PickForm { time }
}

text_form! {
    pub struct QuietForm { quiet_days }
}

text_form! {
    pub struct NoteForm { quiet_note }
}

impl Form for AskInput {}

impl Form for HappenedInput {}

/// One couple-stream step of the talk room, landing on request `id`'s card
/// (or on the quiet period's).
async fn step(
    desk: Desk,
    submission: &exec::Submission,
    id: Option<EntryId>,
    decide: impl Fn(Acting<'_, Talks>) -> Result<TalkEvent, Refusal>,
    refused: impl FnOnce(FormErrors) -> Refused,
) -> AppResult<Response> {
    let landed_at = |_| landed_at(id);
    desk.step_and_land(submission, |s| &s.talk, decide, landed_at, refused)
        .await
}

/// A step on request `id` with nothing to keep but the button: a refusal
/// shows on that request's card.
async fn step_on(
    desk: Desk,
    submission: &exec::Submission,
    id: EntryId,
    decide: impl Fn(Acting<'_, Talks>) -> Result<TalkEvent, Refusal>,
) -> AppResult<Response> {
    step(desk, submission, Some(id), decide, |errors| {
        Refused::Step(id, errors)
    })
    .await
}

/// Where a talk form leads: the request it was about, or the quiet-period
/// card.
fn landed_at(id: Option<EntryId>) -> String {
    match id {
        Some(_) => at_entry("/talk", "talk", id),
        None => "/talk#quiet".to_owned(),
    }
}

async fn ask(PostedForm(desk, form, submission): PostedForm<AskInput>) -> AppResult<Response> {
    let now = desk.layout.now.instant;
    let decide = |acting: Acting<'_, Talks>| talk::ask(acting, now, &form);
    let outcome = desk.submit_step(&submission, |s| &s.talk, decide).await?;
    let landed_at = |landed: exec::Landed| at_entry("/talk", "talk", landed.couple_entry());
    desk.land(outcome, landed_at, |errors| Refused::Ask(form, errors))
        .await
}

async fn answer(
    EntryForm(desk, id, form, submission): EntryForm<AnswerForm>,
) -> AppResult<Response> {
    let now = desk.layout.now;
    let input = AnswerInput {
        choice: form.choice.clone(),
        times: form.proposed(&now),
        days: form.days.clone(),
        words: form.words.clone(),
    };
    let decide = |acting: Acting<'_, Talks>| talk::answer(acting, now.instant, id, &input);
    let refused = |errors| Refused::Answer(id, form.clone(), errors);
    step(desk, &submission, Some(id), decide, refused).await
}

async fn pick(EntryForm(desk, id, form, submission): EntryForm<PickForm>) -> AppResult<Response> {
    let decide = |acting: Acting<'_, Talks>| talk::pick(acting, id, &form.time);
    step_on(desk, &submission, id, decide).await
}

async fn end_space(EntryForm(desk, id, _, submission): EntryForm<NoFields>) -> AppResult<Response> {
    let now = desk.layout.now.instant;
    let decide = |acting: Acting<'_, Talks>| talk::end_space(acting, now, id);
    step_on(desk, &submission, id, decide).await
}

async fn withdraw(EntryForm(desk, id, _, submission): EntryForm<NoFields>) -> AppResult<Response> {
    let decide = |acting: Acting<'_, Talks>| talk::withdraw(acting, id);
    step_on(desk, &submission, id, decide).await
}

/// "We talked": the mark goes to the shared record, a kept word to the
/// person's own private stream, in one submission.
async fn happened(
    EntryForm(desk, id, form, submission): EntryForm<HappenedInput>,
) -> AppResult<Response> {
    let me = desk.couple.me;
    let outcome = desk
        .submit(&submission, |decision| {
            let state = decision.couple;
            let acting = Acting::new(&state.space, &state.talk, me);
            let marked = talk::mark_happened(acting, id, &form)?;
            let writes = Writes::couple(marked.shared);
            Ok(match marked.kept {
                Some(kept) => writes.and_private(kept),
                None => writes,
            })
        })
        .await?;
    let refused = |errors| Refused::Happened(id, form, errors);
    desk.land(outcome, |_| landed_at(Some(id)), refused).await
}

async fn declare_quiet(
    PostedForm(desk, form, submission): PostedForm<QuietForm>,
) -> AppResult<Response> {
    let decide = |acting: Acting<'_, Talks>| talk::declare_quiet(acting, &form.quiet_days);
    let refused = |errors| Refused::Quiet(form.clone(), errors);
    step(desk, &submission, None, decide, refused).await
}

async fn end_quiet(PostedForm(desk, _, submission): PostedForm<NoFields>) -> AppResult<Response> {
    let now = desk.layout.now.instant;
    let decide = |acting: Acting<'_, Talks>| talk::end_quiet(acting, now);
    let refused = |errors| Refused::Quiet(QuietForm::default(), errors);
    step(desk, &submission, None, decide, refused).await
}

async fn quiet_note(
    PostedForm(desk, form, submission): PostedForm<NoteForm>,
) -> AppResult<Response> {
    let now = desk.layout.now.instant;
    let decide = |acting: Acting<'_, Talks>| talk::leave_quiet_note(acting, now, &form.quiet_note);
    let refused = |errors| Refused::Note(form.clone(), errors);
    step(desk, &submission, None, decide, refused).await
}
