//! The trust pulse: ten statements on a 1–7 scale, the private signs
//! checklist, the result, and how often the couple takes it.

use crate::app::clock::Zone;
use crate::app::error::{AppError, AppResult};
use crate::app::layout::{render, render_refused, Layout};
use crate::app::state::AppState;
use crate::auth::session::{CurrentUser, Session};
use crate::couple::{append_private, my_private, MyCouple};
use crate::http::extractors::EntryIdParam;
use crate::http::form_addresses::leads_to;
use crate::http::forms::{CsrfForm, FormErrors};
use crate::present::dates;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use kintsugi_core::private::PrivateEvent;
use kintsugi_core::pulse::{
    self, Cadence, CadenceInput, Construct, PulseId, PulseInput, PulseView, ITEMS, SCALE_MAX,
    SCALE_MIN,
};
use kintsugi_core::signs::Sign;
use kintsugi_core::streams::Destination;
use kintsugi_core::visibility::Whose;
use kintsugi_core::EntryId;
use serde::Deserialize;

/// Pulses listed under the form.
const RECENT: usize = 8;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/pulse", get(pulse_page).post(record))
        .route("/pulse/cadence", leads_to("/pulse").post(choose_cadence))
        .route("/pulse/kept/{id}", get(kept_result))
        .route("/pulse/shared/{id}", get(shared_result))
}

pub fn kept_link(id: EntryId) -> String {
    format!("/pulse/kept/{}", id.0)
}

pub fn shared_link(id: EntryId) -> String {
    format!("/pulse/shared/{}", id.0)
}

fn link(id: PulseId) -> String {
    match id {
        PulseId::Private(id) => kept_link(id),
        PulseId::Shared(id) => shared_link(id),
    }
}

// ---- the questionnaire -----------------------------------------------------------

pub struct ScalePoint {
    pub value: String,
    /// Words for the ends and the middle, for screen readers and the eye.
    pub words: Option<&'static str>,
    pub checked: bool,
}

pub struct Question {
    pub number: usize,
    pub code: &'static str,
    pub text: &'static str,
    pub points: Vec<ScalePoint>,
}

pub struct SignChoice {
    pub code: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

pub struct Choice {
    pub code: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

/// The questionnaire, empty or as posted.
pub struct PulseForm {
    pub questions: Vec<Question>,
    pub signs: Vec<SignChoice>,
    pub share: Vec<Choice>,
}

impl PulseForm {
    fn from_pairs(pairs: &[(String, String)]) -> Self {
        let posted = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.trim().to_owned())
                .unwrap_or_default()
        };
        let questions = ITEMS
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let answer = posted(item.code);
                Question {
                    number: i + 1,
                    code: item.code,
                    text: item.text,
                    points: (SCALE_MIN..=SCALE_MAX)
                        .map(|v| {
                            let value = v.to_string();
                            ScalePoint {
                                checked: answer == value,
                                value,
                                words: pulse::scale_label(v),
                            }
                        })
                        .collect(),
                }
            })
            .collect();
        let ticked = |code: &str| pairs.iter().any(|(k, v)| k == "signs" && v == code);
        // Not shared unless the person says so: see the page's explanation.
        let share = match posted("share").as_str() {
            "partner" => "partner",
            _ => "only_me",
        };
        PulseForm {
            questions,
            signs: Sign::ALL
                .iter()
                .map(|s| SignChoice {
                    code: s.code(),
                    label: s.label(),
                    checked: ticked(s.code()),
                })
                .collect(),
            share: [
                ("only_me", "Keep it to myself"),
                ("partner", "Share it with my partner"),
            ]
            .into_iter()
            .map(|(code, label)| Choice {
                code,
                label,
                checked: code == share,
            })
            .collect(),
        }
    }
}

pub struct PulseRow {
    pub href: String,
    pub who: &'static str,
    pub when: String,
    pub index: u8,
    pub shared: bool,
}

impl PulseRow {
    fn from_view(view: &PulseView<'_>, zone: Zone) -> Self {
        PulseRow {
            href: link(view.id),
            who: match view.whose {
                Whose::Mine => "You",
                Whose::Partner => "Your partner",
            },
            when: dates::day_of(view.record.at, zone),
            index: view.record.score.index,
            shared: view.is_shared(),
        }
    }
}

#[derive(Template)]
#[template(path = "pulse/pulse.html")]
struct PulsePage {
    layout: Layout,
    form: PulseForm,
    errors: FormErrors,
    cadence_errors: FormErrors,
    due_today: bool,
    next_due: String,
    last_taken: Option<String>,
    cadence_label: &'static str,
    cadences: Vec<Choice>,
    cadence_chosen_by: Option<String>,
    recent: Vec<PulseRow>,
}

impl PulsePage {
    async fn build(
        app: &AppState,
        session: &Session,
        couple: &MyCouple,
        layout: Layout,
        form: PulseForm,
        errors: FormErrors,
        cadence_errors: FormErrors,
    ) -> AppResult<Self> {
        let zone = app.now().zone;
        let cached = couple.read(app).await?;
        let mine = my_private(app, session).await?;
        let state = &cached.state;
        let today = app.now().today();
        let due = pulse::due(
            &state.space,
            &state.pulse,
            mine.state.kept_pulses(),
            couple.me,
            today,
        )?;
        let visible = pulse::visible_pulses(
            &state.space,
            &state.pulse,
            mine.state.kept_pulses(),
            couple.me,
        )?;
        let recent = visible
            .iter()
            .rev()
            .take(RECENT)
            .map(|view| PulseRow::from_view(view, zone))
            .collect();
        let cadence = state.pulse.cadence();
        let cadence_chosen_by = state.pulse.cadence_choice().map(|choice| {
            let who = if choice.by == couple.me {
                "you"
            } else {
                "your partner"
            };
            format!("Chosen by {who} on {}.", dates::day_of(choice.at, zone))
        });
        Ok(PulsePage {
            layout: layout.in_section("pulse"),
            form,
            errors,
            cadence_errors,
            due_today: due.due,
            next_due: dates::day(due.next),
            last_taken: due.last.map(dates::day),
            cadence_label: cadence.label(),
            cadences: Cadence::ALL
                .iter()
                .map(|c| Choice {
                    code: c.code(),
                    label: c.label(),
                    checked: *c == cadence,
                })
                .collect(),
            cadence_chosen_by,
            recent,
        })
    }
}

async fn pulse_page(
    State(app): State<AppState>,
    CurrentUser(me): CurrentUser,
    couple: MyCouple,
    layout: Layout,
) -> AppResult<Response> {
    let page = PulsePage::build(
        &app,
        &me,
        &couple,
        layout,
        PulseForm::from_pairs(&[]),
        FormErrors::default(),
        FormErrors::default(),
    )
    .await?;
    render(&page)
}

async fn record(
    State(app): State<AppState>,
    CurrentUser(me): CurrentUser,
    couple: MyCouple,
    layout: Layout,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let input = PulseInput::from_form(&pairs);
    let decided = {
        let cached = couple.read(&app).await?;
        pulse::record_pulse(&cached.state.space, couple.me, &input)
    };
    let outcome = match decided {
        Ok(outcome) => outcome,
        Err(refusal) => {
            let errors = FormErrors::from_refusal(refusal)?;
            let page = PulsePage::build(
                &app,
                &me,
                &couple,
                layout,
                PulseForm::from_pairs(&pairs),
                errors,
                FormErrors::default(),
            )
            .await?;
            return render_refused(&page);
        }
    };
    let signs = PrivateEvent::from(outcome.signs);
    let result = match Destination::from(outcome.pulse) {
        Destination::Private(kept) => {
            // The pulse and its signs note go in together.
            let seqs = append_private(&app, &me, |_| Ok(vec![kept.clone(), signs.clone()])).await?;
            seqs.first().map(|seq| kept_link(EntryId(*seq)))
        }
        Destination::Shared(shared) => {
            let seqs = couple.execute(&app, |_| Ok(vec![shared.clone()])).await?;
            append_private(&app, &me, |_| Ok(vec![signs.clone()])).await?;
            seqs.first().map(|seq| shared_link(EntryId(*seq)))
        }
    };
    let result = result.ok_or_else(|| AppError::Internal("a pulse was not appended".into()))?;
    Ok(Redirect::to(&result).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CadenceForm {
    cadence: String,
}

async fn choose_cadence(
    State(app): State<AppState>,
    CurrentUser(me): CurrentUser,
    couple: MyCouple,
    layout: Layout,
    CsrfForm(form): CsrfForm<CadenceForm>,
) -> AppResult<Response> {
    let input = CadenceInput {
        cadence: form.cadence,
    };
    let checked = {
        let cached = couple.read(&app).await?;
        pulse::choose_cadence(&cached.state.space, &cached.state.pulse, couple.me, &input)
    };
    let errors = match checked {
        Ok(_) => {
            let outcome = couple
                .execute(&app, |state| {
                    pulse::choose_cadence(&state.space, &state.pulse, couple.me, &input)
                        .map(|e| vec![e.into()])
                })
                .await;
            match outcome {
                Ok(_) => return Ok(Redirect::to("/pulse#cadence").into_response()),
                Err(AppError::Conflict(message)) => FormErrors::summary(message),
                Err(other) => return Err(other),
            }
        }
        Err(refusal) => FormErrors::from_refusal(refusal)?,
    };
    let page = PulsePage::build(
        &app,
        &me,
        &couple,
        layout,
        PulseForm::from_pairs(&[]),
        FormErrors::default(),
        errors,
    )
    .await?;
    render_refused(&page)
}

// ---- a result ---------------------------------------------------------------------

pub struct ConstructRow {
    pub label: &'static str,
    pub description: &'static str,
    pub value: u8,
}

#[derive(Template)]
#[template(path = "pulse/pulse_result.html")]
struct ResultPage {
    layout: Layout,
    mine: bool,
    shared: bool,
    when: String,
    index: u8,
    constructs: Vec<ConstructRow>,
}

async fn result_page(
    app: &AppState,
    session: &Session,
    layout: Layout,
    id: PulseId,
) -> AppResult<Response> {
    let zone = app.now().zone;
    let couple = MyCouple::require(app, session).await?;
    let cached = couple.read(app).await?;
    let mine = my_private(app, session).await?;
    let view = pulse::view(
        &cached.state.space,
        &cached.state.pulse,
        mine.state.kept_pulses(),
        couple.me,
        id,
    )?;
    let score = view.record.score;
    render(&ResultPage {
        layout: layout.in_section("pulse"),
        mine: view.whose == Whose::Mine,
        shared: view.is_shared(),
        when: dates::when(view.record.at, zone),
        index: score.index,
        constructs: Construct::ALL
            .iter()
            .map(|c| ConstructRow {
                label: c.label(),
                description: c.description(),
                value: score.construct(*c),
            })
            .collect(),
    })
}

async fn kept_result(
    State(app): State<AppState>,
    CurrentUser(me): CurrentUser,
    layout: Layout,
    EntryIdParam(entry): EntryIdParam,
) -> AppResult<Response> {
    let id = PulseId::Private(entry);
    result_page(&app, &me, layout, id).await
}

async fn shared_result(
    State(app): State<AppState>,
    CurrentUser(me): CurrentUser,
    layout: Layout,
    EntryIdParam(entry): EntryIdParam,
) -> AppResult<Response> {
    let id = PulseId::Shared(entry);
    result_page(&app, &me, layout, id).await
}
