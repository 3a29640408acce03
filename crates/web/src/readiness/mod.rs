//! Mutual readiness: each partner marks the steps back towards closeness
//! for themselves; the page shows only the steps both marked ready. The
//! list itself (the usual steps and the ones a partner proposed and the
//! other accepted) is shared.

use crate::app::clock::Zone;
use crate::app::error::AppResult;
use crate::app::layout::Layout;
use crate::app::state::AppState;
use crate::couple::MyCouple;
use crate::exec::{Landed, Submission, Writes};
use crate::http::extractors::{Desk, EntryForm, PostedForm};
use crate::http::forms::text_form;
use crate::http::forms::{Form, FormCaps, FormErrors, NoFields};
use crate::http::routes::Route;
use crate::present::dates;
use crate::present::repair::{redraws_with, room_page};
use crate::present::repair::{refused_at, refused_form};
use askama::Template;
use axum::response::Response;
use kintsugi_core::access::readiness::{reveal, MutualStep};
use kintsugi_core::access::room::Acting;
use kintsugi_core::readiness::{
    self, Mark, Proposal, ReadinessEvent, ReadinessList, ReadinessMarks,
};
use kintsugi_core::streams::couple::CoupleState;
use kintsugi_core::streams::private::PrivateState;
use kintsugi_core::{EntryId, Refusal, StreamId};
use serde::Deserialize;

pub fn routes() -> Vec<Route> {
    vec![
        Route::page(
            "/readiness",
            "readiness: the mutual steps and my marks",
            room_page::<Refused>,
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

text_form! {
    pub struct ProposeForm { name }
}

text_form! {
    pub struct AnswerForm {
        /// `accept` or `decline`.
        answer,
    }
}

/// What a refused form gives back to the page.
#[derive(Default)]
enum Refused {
    #[default]
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
    /// Whether marks and steps can be sent now (not once the space ended).
    can_add: bool,
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

fn proposal_views(proposals: Vec<&Proposal>, refused: &Refused, zone: Zone) -> Vec<ProposalView> {
    proposals
        .into_iter()
        .map(|p| ProposalView {
            id: p.id.0,
            name: p.name.clone(),
            proposed_on: dates::day_of(p.at, zone),
            errors: refused_at!(refused, Refused::Proposal, p.id),
        })
        .collect()
}

redraws_with!(Refused, ReadinessPage, build);

async fn build(desk: Desk, refused: Refused) -> AppResult<ReadinessPage> {
    let me = desk.couple.me;
    let zone = desk.layout.now.zone;
    let cached = desk.read().await?;
    let state = &cached.state;
    let private = desk.my_private().await?;
    let mine = &private.state;
    let mutual = mutual_steps(&desk.app, &desk.couple, state, mine).await?;
    let (sent, marks_errors) = match &refused {
        Refused::Marks(form, errors) => (Some(form), errors.clone()),
        _ => (None, FormErrors::default()),
    };
    let (propose, propose_errors) = refused_form!(&refused, Refused::Propose);
    let list = &state.readiness;
    Ok(ReadinessPage {
        can_add: kintsugi_core::access::repair_rules::can_add(&state.space, me),
        partner_joined: state.space.is_complete(),
        mutual: mutual
            .into_iter()
            .map(|m| MutualView {
                name: m.name,
                since: dates::day_of(m.since, zone),
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
            readiness::proposals_waiting_for(list, &state.space, me),
            &refused,
            zone,
        ),
        mine_waiting: proposal_views(readiness::proposals_by(list, me), &refused, zone),
        propose,
        propose_errors,
        layout: desk.layout.in_section("readiness"),
    })
}

async fn save_marks(
    PostedForm(desk, form, submission): PostedForm<MarksForm>,
) -> AppResult<Response> {
    let marks = form.marks();
    let me = desk.couple.me;
    let outcome = desk
        .submit(&submission, |decision| {
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
    let landed_at = |_| "/readiness#ready-together".to_owned();
    desk.land(outcome, landed_at, |errors| Refused::Marks(form, errors))
        .await
}

async fn propose(
    PostedForm(desk, form, submission): PostedForm<ProposeForm>,
) -> AppResult<Response> {
    let step = |acting: Acting<'_, ReadinessList>| readiness::propose(acting, &form.name);
    let refused = |errors| Refused::Propose(form.clone(), errors);
    desk.step_and_land(&submission, |s| &s.readiness, step, to_proposals, refused)
        .await
}

async fn answer(
    EntryForm(desk, proposal, form, submission): EntryForm<AnswerForm>,
) -> AppResult<Response> {
    let step =
        |acting: Acting<'_, ReadinessList>| readiness::answer(acting, proposal, &form.answer);
    on_a_proposal(desk, &submission, proposal, step).await
}

async fn withdraw(
    EntryForm(desk, proposal, _, submission): EntryForm<NoFields>,
) -> AppResult<Response> {
    let step = |acting: Acting<'_, ReadinessList>| readiness::withdraw(acting, proposal);
    on_a_proposal(desk, &submission, proposal, step).await
}

/// A step on a proposal (answering it, taking it back), then back to the
/// list, or the page again with why not beside the proposal.
async fn on_a_proposal(
    desk: Desk,
    submission: &Submission,
    proposal: EntryId,
    step: impl Fn(Acting<'_, ReadinessList>) -> Result<ReadinessEvent, Refusal>,
) -> AppResult<Response> {
    let refused = |errors| Refused::Proposal(proposal, errors);
    desk.step_and_land(submission, |s| &s.readiness, step, to_proposals, refused)
        .await
}

/// Proposals and their answers land on the list of proposals.
fn to_proposals(_: Landed) -> String {
    "/readiness#proposals".to_owned()
}
