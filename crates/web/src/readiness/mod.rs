//! Mutual readiness: each partner marks the steps back towards closeness
//! for themselves; the page shows only the steps both marked ready. The
//! list itself (the usual steps and the ones a partner proposed and the
//! other accepted) is shared.

use crate::app::error::AppResult;
use crate::app::layout::{render, Layout};
use crate::app::state::AppState;
use crate::couple::MyCouple;
use crate::exec::{self, Writes};
use crate::http::extractors::EntryIdParam;
use crate::http::forms::{Form, FormCaps, FormErrors, SubmittedForm};
use crate::http::routes::Route;
use crate::present::dates;
use crate::present::repair::land_or_redraw;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use kintsugi_core::access::readiness::{reveal, MutualStep};
use kintsugi_core::access::room::Acting;
use kintsugi_core::readiness::{self, Mark, Proposal, ReadinessMarks};
use kintsugi_core::streams::couple::CoupleState;
use kintsugi_core::streams::private::PrivateState;
use kintsugi_core::{EntryId, StreamId};
use serde::Deserialize;

pub fn routes() -> Vec<Route> {
    vec![
        Route::page(
            "/readiness",
            "readiness: the mutual steps and my marks",
            readiness_page,
        ),
        Route::form("/readiness/marks", "save my readiness marks", save_marks)
            .leads_to("/readiness"),
        Route::form("/readiness/steps", "propose a step", propose).leads_to("/readiness"),
        Route::form(
            "/readiness/steps/{id}/answer",
            "answer a proposed step",
            answer,
        )
        .leads_to("/readiness"),
        Route::form(
            "/readiness/steps/{id}/withdraw",
            "take back a proposed step",
            withdraw,
        )
        .leads_to("/readiness"),
    ]
}

/// The marks form: one `mark-<step>` select per step on the list.
#[derive(Debug, Default, Deserialize, Clone)]
pub struct MarksForm(pub Vec<(String, String)>);

impl Form for MarksForm {
    /// The usual steps and the accepted ones (a couple rarely adds more than
    /// a few dozen), and the hidden two.
    const CAPS: FormCaps = FormCaps::new(130, 200, 8_000);
}

impl MarksForm {
    /// The marks sent, as `(step code, mark code)`; a step left on "not
    /// marked" is not sent on.
    fn marks(&self) -> Vec<(String, String)> {
        self.0
            .iter()
            .filter_map(|(name, value)| {
                let step = name.strip_prefix("mark-")?;
                (!value.is_empty()).then(|| (step.to_owned(), value.clone()))
            })
            .collect()
    }
}

#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct ProposeForm {
    name: String,
}

impl Form for ProposeForm {}

#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct AnswerForm {
    /// `accept` or `decline`.
    answer: String,
}

impl Form for AnswerForm {}

/// What a refused form gives back to the page.
enum Refused {
    Nothing,
    Marks(MarksForm, FormErrors),
    Propose(ProposeForm, FormErrors),
    Proposal(EntryId, FormErrors),
}

pub struct MarkOption {
    code: &'static str,
    label: &'static str,
}

pub struct StepMark {
    field: String,
    name: String,
    /// The mark shown as chosen: the one sent back after a refusal, else
    /// the person's own, else none.
    chosen: String,
}

pub struct MutualView {
    name: String,
    since: String,
}

pub struct ProposalView {
    id: u64,
    name: String,
    proposed_on: String,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "readiness/readiness.html")]
struct ReadinessPage {
    layout: Layout,
    partner_joined: bool,
    mutual: Vec<MutualView>,
    steps: Vec<StepMark>,
    options: Vec<MarkOption>,
    marks_errors: FormErrors,
    to_answer: Vec<ProposalView>,
    mine_waiting: Vec<ProposalView>,
    propose: ProposeForm,
    propose_errors: FormErrors,
}

/// The steps both partners marked ready. The only place the web side
/// reads the partner's private stream, and only to hand their marks,
/// unopened, to core's one audited reveal.
async fn mutual_steps(
    app: &AppState,
    couple: &MyCouple,
    state: &CoupleState,
    mine: &PrivateState,
) -> AppResult<Vec<MutualStep>> {
    let Some(partner) = state.space.partner_of(couple.me) else {
        return Ok(Vec::new());
    };
    let stream = StreamId::private(partner);
    let theirs = app
        .privates
        .read(app.store.as_ref(), stream.as_str())
        .await?;
    Ok(reveal(
        &state.space,
        &state.readiness,
        couple.me,
        mine.readiness_marks(),
        theirs.state.readiness_marks(),
    )?)
}

fn step_marks(
    state: &CoupleState,
    mine: &ReadinessMarks,
    sent: Option<&MarksForm>,
) -> Vec<StepMark> {
    state
        .readiness
        .steps()
        .into_iter()
        .map(|listed| {
            let field = format!("mark-{}", listed.step.code());
            let chosen = match sent {
                Some(form) => form
                    .0
                    .iter()
                    .find(|(name, _)| *name == field)
                    .map(|(_, value)| value.clone())
                    .unwrap_or_default(),
                None => mine
                    .mark_of(listed.step)
                    .map(|now| now.mark.code().to_owned())
                    .unwrap_or_default(),
            };
            StepMark {
                field,
                name: listed.name,
                chosen,
            }
        })
        .collect()
}

fn proposal_views(
    proposals: Vec<&Proposal>,
    refused: &Refused,
    layout: &Layout,
) -> Vec<ProposalView> {
    proposals
        .into_iter()
        .map(|p| ProposalView {
            id: p.id.0,
            name: p.name.clone(),
            proposed_on: dates::day_of(p.at, layout.now.zone),
            errors: match refused {
                Refused::Proposal(id, errors) if *id == p.id => errors.clone(),
                _ => FormErrors::default(),
            },
        })
        .collect()
}

async fn build(
    app: &AppState,
    couple: &MyCouple,
    layout: Layout,
    refused: Refused,
) -> AppResult<ReadinessPage> {
    let cached = couple.read(app).await?;
    let state = &cached.state;
    let private = couple.my_private(app).await?;
    let mine = &private.state;
    let mutual = mutual_steps(app, couple, state, mine).await?;
    let (sent, marks_errors) = match &refused {
        Refused::Marks(form, errors) => (Some(form), errors.clone()),
        _ => (None, FormErrors::default()),
    };
    let (propose, propose_errors) = match &refused {
        Refused::Propose(form, errors) => (form.clone(), errors.clone()),
        _ => Default::default(),
    };
    let list = &state.readiness;
    Ok(ReadinessPage {
        partner_joined: state.space.is_complete(),
        mutual: mutual
            .into_iter()
            .map(|m| MutualView {
                name: m.name,
                since: dates::day_of(m.since, layout.now.zone),
            })
            .collect(),
        steps: step_marks(state, &mine.readiness, sent),
        options: Mark::ALL
            .into_iter()
            .map(|m| MarkOption {
                code: m.code(),
                label: m.label(),
            })
            .collect(),
        marks_errors,
        to_answer: proposal_views(
            readiness::proposals_waiting_for(list, &state.space, couple.me),
            &refused,
            &layout,
        ),
        mine_waiting: proposal_views(readiness::proposals_by(list, couple.me), &refused, &layout),
        propose,
        propose_errors,
        layout: layout.in_section("readiness"),
    })
}

async fn readiness_page(
    State(app): State<AppState>,
    couple: MyCouple,
    layout: Layout,
) -> AppResult<Response> {
    render(&build(&app, &couple, layout, Refused::Nothing).await?)
}

async fn save_marks(
    State(app): State<AppState>,
    couple: MyCouple,
    layout: Layout,
    SubmittedForm { form, submission }: SubmittedForm<MarksForm>,
) -> AppResult<Response> {
    let marks = form.marks();
    let me = couple.me;
    let outcome = exec::submit(&app, &couple, &submission, |decision| {
        let state = decision.couple;
        let events = readiness::mark(
            Acting::new(&state.space, &state.readiness, me),
            &decision.private.readiness,
            &marks,
        )?;
        Ok(Writes {
            couple: Vec::new(),
            private: events.into_iter().map(Into::into).collect(),
        })
    })
    .await?;
    land_or_redraw(
        outcome,
        |_| "/readiness#ready-together".to_owned(),
        |errors| build(&app, &couple, layout, Refused::Marks(form, errors)),
    )
    .await
}

async fn propose(
    State(app): State<AppState>,
    couple: MyCouple,
    layout: Layout,
    SubmittedForm { form, submission }: SubmittedForm<ProposeForm>,
) -> AppResult<Response> {
    let outcome = exec::submit_step(
        &app,
        &couple,
        &submission,
        |s| &s.readiness,
        |acting| readiness::propose(acting, &form.name),
    )
    .await?;
    land_or_redraw(
        outcome,
        |_| "/readiness#proposals".to_owned(),
        |errors| build(&app, &couple, layout, Refused::Propose(form, errors)),
    )
    .await
}

async fn answer(
    State(app): State<AppState>,
    couple: MyCouple,
    EntryIdParam(proposal): EntryIdParam,
    layout: Layout,
    SubmittedForm { form, submission }: SubmittedForm<AnswerForm>,
) -> AppResult<Response> {
    let outcome = exec::submit_step(
        &app,
        &couple,
        &submission,
        |s| &s.readiness,
        |acting| readiness::answer(acting, proposal, &form.answer),
    )
    .await?;
    on_a_proposal(&app, &couple, layout, outcome, proposal).await
}

async fn withdraw(
    State(app): State<AppState>,
    couple: MyCouple,
    EntryIdParam(proposal): EntryIdParam,
    layout: Layout,
    SubmittedForm { submission, .. }: SubmittedForm<crate::http::forms::NoFields>,
) -> AppResult<Response> {
    let outcome = exec::submit_step(
        &app,
        &couple,
        &submission,
        |s| &s.readiness,
        |acting| readiness::withdraw(acting, proposal),
    )
    .await?;
    on_a_proposal(&app, &couple, layout, outcome, proposal).await
}

/// Back to the list after answering or taking back a proposal, or the page
/// again with why not beside it.
async fn on_a_proposal(
    app: &AppState,
    couple: &MyCouple,
    layout: Layout,
    outcome: exec::Outcome,
    proposal: EntryId,
) -> AppResult<Response> {
    land_or_redraw(
        outcome,
        |_| "/readiness#proposals".to_owned(),
        |errors| build(app, couple, layout, Refused::Proposal(proposal, errors)),
    )
    .await
}
