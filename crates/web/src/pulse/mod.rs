//! The trust pulse: ten statements on a 1–7 scale, the private signs
//! checklist, the result, and how often the couple takes it.

use crate::app::clock::Zone;
use crate::app::error::{AppError, AppResult};
use crate::app::layout::{render, render_refused, Layout};
use crate::exec::{Landed, Writes};
use crate::http::extractors::{Desk, EntryIdParam, PostedForm};
use crate::http::forms::text_form;
use crate::http::forms::{Form, FormCaps, FormErrors};
use crate::http::routes::Route;
use crate::present::dates;
use crate::present::repair::Chosen;
use askama::Template;
use axum::response::{IntoResponse, Redirect, Response};
use kintsugi_core::access::visibility::Whose;
use kintsugi_core::pulse::{
    self, Cadence, CadenceInput, Construct, PulseId, PulseInput, PulseView, ITEMS, SCALE_MAX,
    SCALE_MIN,
};
use kintsugi_core::signs::Sign;
use kintsugi_core::streams::Destination;
use kintsugi_core::withdrawal::{self, EntryRoom};
use kintsugi_core::EntryId;
use serde::Deserialize;

/// Pulses listed under the form.
const RECENT: usize = 8;

pub fn routes() -> Vec<Route> {
    vec![
        Route::page("/pulse", "trust pulses and the form", pulse_page),
        Route::form("/pulse", "take a trust pulse", record),
        Route::form("/pulse/cadence", "choose how often", choose_cadence).leads_to("/pulse"),
        Route::page("/pulse/kept/{id}", "a pulse kept to oneself", kept_result),
        Route::page("/pulse/shared/{id}", "a shared pulse", shared_result),
    ]
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

/// The pulse form's fields as posted: an answer per item, who may see it,
/// and a box per sign noticed; core reads them (`PulseInput::from_form`).
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub struct PulseFields(pub Vec<(String, String)>);

impl Form for PulseFields {
    /// Ten answers, a box for each of the ten signs, the choice and the
    /// hidden two: short values only.
    const CAPS: FormCaps = FormCaps::new(32, 128, 0);
}

/// The questionnaire, empty or as posted.
pub struct PulseForm {
    pub questions: Vec<Question>,
    pub signs: Vec<SignChoice>,
    pub share: Vec<Choice>,
}

impl PulseForm {
    pub(crate) fn from_pairs(pairs: &[(String, String)]) -> Self {
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
    cadences: Vec<Chosen>,
    cadence_chosen_by: Option<String>,
    recent: Vec<PulseRow>,
    /// Whether a pulse or a cadence can be sent now (not once the space ended).
    can_add: bool,
    /// Where shared pulses their author withdrew stood, newest first.
    withdrawn: Vec<crate::withdrawal::Tombstone>,
}

impl PulsePage {
    async fn build(
        desk: Desk,
        form: PulseForm,
        errors: FormErrors,
        cadence_errors: FormErrors,
    ) -> AppResult<Self> {
        let (me, now) = (desk.couple.me, desk.layout.now);
        let zone = now.zone;
        let cached = desk.read().await?;
        let mine = desk.my_private().await?;
        let state = &cached.state;
        let due = pulse::due(state.pulses_seen_by(me, &mine.state), now.today(), |at| {
            now.local(at).date()
        })?;
        let visible = pulse::visible_pulses(state.pulses_seen_by(me, &mine.state))?;
        let recent = visible
            .iter()
            .rev()
            .take(RECENT)
            .map(|view| PulseRow::from_view(view, zone))
            .collect();
        let cadence = state.pulse.cadence();
        let cadence_chosen_by = state.pulse.cadence_choice().map(|choice| {
            let who = if choice.by == me {
                "you"
            } else {
                "your partner"
            };
            format!("Chosen by {who} on {}.", dates::day_of(choice.at, zone))
        });
        Ok(PulsePage {
            layout: desk.layout.in_section("pulse"),
            form,
            errors,
            cadence_errors,
            due_today: due.due,
            next_due: dates::day(due.next),
            last_taken: due.last.map(dates::day),
            cadence_label: cadence.label(),
            cadences: Chosen::among(&Cadence::ALL, cadence, Cadence::code, Cadence::label),
            cadence_chosen_by,
            recent,
            can_add: kintsugi_core::access::repair_rules::can_add(&state.space, me),
            withdrawn: crate::withdrawal::tombstones(&state.withdrawals, EntryRoom::Pulse, zone),
        })
    }
}

async fn pulse_page(desk: Desk) -> AppResult<Response> {
    let blank = PulseForm::from_pairs(&[]);
    let no_errors = FormErrors::default;
    render(&PulsePage::build(desk, blank, no_errors(), no_errors()).await?)
}

async fn record(
    PostedForm(desk, PulseFields(form), submission): PostedForm<PulseFields>,
) -> AppResult<Response> {
    let input = PulseInput::from_form(&form);
    // One commit: the pulse (kept or shared) and its signs note, which is
    // always private, land together or not at all.
    let me = desk.couple.me;
    let outcome = desk
        .submit(&submission, |states| {
            let taken = pulse::record_pulse(&states.couple.space, me, &input)?;
            Ok(Writes::from(Destination::from(taken.pulse)).and_private(taken.signs))
        })
        .await?;
    let result = match outcome.or_form(FormErrors::from_refusal)? {
        Ok(Landed::Couple(id)) => shared_link(id),
        Ok(Landed::Private(id)) => kept_link(id),
        Ok(Landed::Nothing) => return Err(AppError::Internal("a pulse was not written".into())),
        Err(errors) => {
            let again = PulseForm::from_pairs(&form);
            return draw_again(desk, again, errors, FormErrors::default()).await;
        }
    };
    Ok(Redirect::to(&result).into_response())
}

/// The pulse page with a refused form (or cadence form) and what was sent.
async fn draw_again(
    desk: Desk,
    form: PulseForm,
    errors: FormErrors,
    cadence_errors: FormErrors,
) -> AppResult<Response> {
    render_refused(&PulsePage::build(desk, form, errors, cadence_errors).await?)
}

text_form! {
    pub struct CadenceForm { cadence }
}

async fn choose_cadence(
    PostedForm(desk, form, submission): PostedForm<CadenceForm>,
) -> AppResult<Response> {
    let input = CadenceInput {
        cadence: form.cadence,
    };
    let me = desk.couple.me;
    let outcome = desk
        .submit(&submission, |states| {
            let (space, chosen) = (&states.couple.space, &states.couple.pulse);
            pulse::choose_cadence(space, chosen, me, &input).map(Writes::couple)
        })
        .await?;
    match outcome.or_form(FormErrors::from_refusal)? {
        Ok(_) => Ok(Redirect::to("/pulse#cadence").into_response()),
        Err(errors) => {
            let empty = PulseForm::from_pairs(&[]);
            draw_again(desk, empty, FormErrors::default(), errors).await
        }
    }
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
    /// Where its author withdraws it (shared) or deletes it (kept), if
    /// they may now.
    take_back: Option<String>,
}

/// Where the viewer takes back this pulse, if it is theirs to take back now.
fn take_back(
    state: &kintsugi_core::streams::couple::CoupleState,
    mine: &kintsugi_core::streams::private::PrivateState,
    me: kintsugi_core::UserId,
    id: PulseId,
) -> Option<String> {
    match id {
        PulseId::Shared(entry) => state
            .can_withdraw(me, entry)
            .then(|| format!("/withdraw/{}", entry.0)),
        PulseId::Private(entry) => withdrawal::can_withdraw(&mine.withdrawals, me, entry)
            .then(|| format!("/delete/{}", entry.0)),
    }
}

async fn result_page(desk: Desk, id: PulseId) -> AppResult<Response> {
    let zone = desk.layout.now.zone;
    let cached = desk.read().await?;
    let mine = desk.my_private().await?;
    let view = pulse::view(cached.state.pulses_seen_by(desk.couple.me, &mine.state), id)?;
    let score = view.record.score;
    let take_back = take_back(&cached.state, &mine.state, desk.couple.me, id);
    render(&ResultPage {
        take_back,
        layout: desk.layout.in_section("pulse"),
        mine: view.whose == Whose::Mine,
        shared: view.is_shared(),
        when: dates::when(view.record.at, zone),
        index: score.index,
        constructs: Construct::ALL
            .iter()
            .map(|c| ConstructRow {
                label: c.label(),
                description: c.description(view.whose),
                value: score.construct(*c),
            })
            .collect(),
    })
}

async fn kept_result(desk: Desk, EntryIdParam(entry): EntryIdParam) -> AppResult<Response> {
    result_page(desk, PulseId::Private(entry)).await
}

async fn shared_result(desk: Desk, EntryIdParam(entry): EntryIdParam) -> AppResult<Response> {
    result_page(desk, PulseId::Shared(entry)).await
}
