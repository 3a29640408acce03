//! Talks: asking for a conversation and answering it at a pace both can
//! bear, and the hurt partner's quiet period. The rules live in
//! `kintsugi_core::talk`; this page shows each partner the steps that are
//! theirs. A topic's words appear on this page only, never in a title or a
//! heading elsewhere.

mod view;

use crate::app::clock::{read_typed_time, Now};
use crate::app::error::AppResult;
use crate::app::layout::{render, Layout};
use crate::app::state::AppState;
use crate::auth::session::{CurrentUser, Session};
use crate::couple::MyCouple;
use crate::exec::{self, Writes};
use crate::http::extractors::EntryIdParam;
use crate::http::forms::{Form, FormErrors, NoFields, SubmittedForm};
use crate::http::routes::Route;
use crate::present::repair::{at_entry, land_or_redraw};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use kintsugi_core::access::room::Acting;
use kintsugi_core::talk::{
    self, AnswerInput, AskInput, HappenedInput, ProposedTime, TalkEvent, Talks,
};
use kintsugi_core::{EntryId, Refusal};
use serde::Deserialize;
use view::{build, Refused};

pub fn routes() -> Vec<Route> {
    vec![
        Route::page("/talk", "talk requests and the quiet period", talk_page),
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

#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct AskForm {
    pub(crate) kind: String,
    pub(crate) soon: String,
    pub(crate) topic: String,
}

impl Form for AskForm {}

/// The names of the proposed-time fields, and of the "which of two"
/// answer beside each.
pub(crate) const TIME_FIELDS: [(&str, &str); 3] = [
    ("time_1", "time_1_which"),
    ("time_2", "time_2_which"),
    ("time_3", "time_3_which"),
];

#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct AnswerForm {
    pub(crate) choice: String,
    pub(crate) time_1: String,
    pub(crate) time_1_which: String,
    pub(crate) time_2: String,
    pub(crate) time_2_which: String,
    pub(crate) time_3: String,
    pub(crate) time_3_which: String,
    pub(crate) days: String,
    pub(crate) words: String,
}

impl Form for AnswerForm {}

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

#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct PickForm {
    pub(crate) time: String,
}

impl Form for PickForm {}

#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct HappenedForm {
    pub(crate) words: String,
    pub(crate) keep: String,
}

impl Form for HappenedForm {}

#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct QuietForm {
    pub(crate) quiet_days: String,
}

impl Form for QuietForm {}

#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct NoteForm {
    pub(crate) quiet_note: String,
}

impl Form for NoteForm {}

/// Who is on the talk page, in which space, and the page drawn around them:
/// what every talk handler starts from.
struct Visit {
    app: AppState,
    me: Session,
    couple: MyCouple,
    layout: Layout,
}

impl FromRequestParts<AppState> for Visit {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, Response> {
        let CurrentUser(me) = CurrentUser::from_request_parts(parts, app)
            .await
            .map_err(IntoResponse::into_response)?;
        let couple = MyCouple::from_request_parts(parts, app).await?;
        let layout = Layout::from_request_parts(parts, app)
            .await
            .unwrap_or_else(|never| match never {});
        Ok(Visit {
            app: app.clone(),
            me,
            couple,
            layout,
        })
    }
}

impl Visit {
    fn now(&self) -> Now {
        self.layout.now
    }

    /// Where an outcome leads: on to `landed_at`, or the page drawn again
    /// around the refused form.
    async fn land(
        self,
        outcome: exec::Outcome,
        landed_at: impl FnOnce(exec::Landed) -> String,
        refused: impl FnOnce(FormErrors) -> Refused,
    ) -> AppResult<Response> {
        let Visit {
            app,
            me,
            couple,
            layout,
        } = self;
        land_or_redraw(outcome, landed_at, |errors| async move {
            build(&app, &me, &couple, layout, refused(errors)).await
        })
        .await
    }

    /// One couple-stream step of the talk room, landing on request `id`'s
    /// card (or on the quiet period's).
    async fn step(
        self,
        submission: &exec::Submission,
        id: Option<EntryId>,
        decide: impl Fn(Acting<'_, Talks>) -> Result<TalkEvent, Refusal>,
        refused: impl FnOnce(FormErrors) -> Refused,
    ) -> AppResult<Response> {
        let outcome =
            exec::submit_step(&self.app, &self.couple, submission, |s| &s.talk, decide).await?;
        self.land(outcome, |_| landed_at(id), refused).await
    }
}

/// Where a talk form leads: the request it was about, or the quiet-period
/// card.
fn landed_at(id: Option<EntryId>) -> String {
    match id {
        Some(_) => at_entry("/talk", "talk", id),
        None => "/talk#quiet".to_owned(),
    }
}

/// A form with nothing but its button.
type Button = SubmittedForm<NoFields>;

async fn talk_page(visit: Visit) -> AppResult<Response> {
    let Visit {
        app,
        me,
        couple,
        layout,
    } = visit;
    render(&build(&app, &me, &couple, layout, Refused::Nothing).await?)
}

async fn ask(
    visit: Visit,
    SubmittedForm { form, submission }: SubmittedForm<AskForm>,
) -> AppResult<Response> {
    let input = AskInput {
        kind: form.kind.clone(),
        soon: form.soon.clone(),
        topic: form.topic.clone(),
    };
    let now = visit.now().instant;
    let outcome = exec::submit_step(
        &visit.app,
        &visit.couple,
        &submission,
        |s| &s.talk,
        |acting| talk::ask(acting, now, &input),
    )
    .await?;
    let landed_at = |landed: exec::Landed| at_entry("/talk", "talk", landed.couple_entry());
    visit
        .land(outcome, landed_at, |errors| Refused::Ask(form, errors))
        .await
}

async fn answer(
    visit: Visit,
    EntryIdParam(id): EntryIdParam,
    SubmittedForm { form, submission }: SubmittedForm<AnswerForm>,
) -> AppResult<Response> {
    let now = visit.now();
    let input = AnswerInput {
        choice: form.choice.clone(),
        times: form.proposed(&now),
        days: form.days.clone(),
        words: form.words.clone(),
    };
    let decide = |acting: Acting<'_, Talks>| talk::answer(acting, now.instant, id, &input);
    let refused = |errors| Refused::Answer(id, form.clone(), errors);
    visit.step(&submission, Some(id), decide, refused).await
}

async fn pick(
    visit: Visit,
    EntryIdParam(id): EntryIdParam,
    SubmittedForm { form, submission }: SubmittedForm<PickForm>,
) -> AppResult<Response> {
    let decide = |acting: Acting<'_, Talks>| talk::pick(acting, id, &form.time);
    visit
        .step(&submission, Some(id), decide, |errors| {
            Refused::Step(id, errors)
        })
        .await
}

async fn end_space(
    visit: Visit,
    EntryIdParam(id): EntryIdParam,
    button: Button,
) -> AppResult<Response> {
    let now = visit.now().instant;
    let decide = |acting: Acting<'_, Talks>| talk::end_space(acting, now, id);
    visit
        .step(&button.submission, Some(id), decide, |errors| {
            Refused::Step(id, errors)
        })
        .await
}

async fn withdraw(
    visit: Visit,
    EntryIdParam(id): EntryIdParam,
    button: Button,
) -> AppResult<Response> {
    let decide = |acting: Acting<'_, Talks>| talk::withdraw(acting, id);
    visit
        .step(&button.submission, Some(id), decide, |errors| {
            Refused::Step(id, errors)
        })
        .await
}

/// "We talked": the mark goes to the shared record, a kept word to the
/// person's own private stream, in one submission.
async fn happened(
    visit: Visit,
    EntryIdParam(id): EntryIdParam,
    SubmittedForm { form, submission }: SubmittedForm<HappenedForm>,
) -> AppResult<Response> {
    let input = HappenedInput {
        words: form.words.clone(),
        keep: form.keep.clone(),
    };
    let me = visit.couple.me;
    let outcome = exec::submit(&visit.app, &visit.couple, &submission, |decision| {
        let state = decision.couple;
        let marked = talk::mark_happened(Acting::new(&state.space, &state.talk, me), id, &input)?;
        let writes = Writes::couple(marked.shared);
        Ok(match marked.kept {
            Some(kept) => writes.and_private(kept),
            None => writes,
        })
    })
    .await?;
    let refused = |errors| Refused::Happened(id, form, errors);
    visit.land(outcome, |_| landed_at(Some(id)), refused).await
}

async fn declare_quiet(
    visit: Visit,
    SubmittedForm { form, submission }: SubmittedForm<QuietForm>,
) -> AppResult<Response> {
    let decide = |acting: Acting<'_, Talks>| talk::declare_quiet(acting, &form.quiet_days);
    let refused = |errors| Refused::Quiet(form.clone(), errors);
    visit.step(&submission, None, decide, refused).await
}

async fn end_quiet(visit: Visit, button: Button) -> AppResult<Response> {
    let now = visit.now().instant;
    let decide = |acting: Acting<'_, Talks>| talk::end_quiet(acting, now);
    let refused = |errors| Refused::Quiet(QuietForm::default(), errors);
    visit.step(&button.submission, None, decide, refused).await
}

async fn quiet_note(
    visit: Visit,
    SubmittedForm { form, submission }: SubmittedForm<NoteForm>,
) -> AppResult<Response> {
    let now = visit.now().instant;
    let decide = |acting: Acting<'_, Talks>| talk::leave_quiet_note(acting, now, &form.quiet_note);
    let refused = |errors| Refused::Note(form.clone(), errors);
    visit.step(&submission, None, decide, refused).await
}
