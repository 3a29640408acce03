//! Check-ins: telling one's partner (or only oneself) how one feels, and
//! the partner's short answer. "Only me" check-ins go to the author's
//! private stream; the command in core decides which stream.

use crate::app::clock::Zone;
use crate::app::error::AppResult;
use crate::app::layout::{render, render_refused, Layout};
use crate::exec::{Landed, Writes};
use crate::http::extractors::{Desk, EntryForm, EntryIdParam, PostedForm};
use crate::http::forms::text_form;
use crate::http::forms::{Form, FormCaps, FormErrors};
use crate::http::routes::Route;
use crate::present::dates;
use crate::present::repair::Choice;
use askama::Template;
use axum::extract::Query;
use axum::response::{IntoResponse, Redirect, Response};
use kintsugi_core::access::visibility::Whose;
use kintsugi_core::checkin::feelings::{CoreFeeling, Feeling, Intensity};
use kintsugi_core::checkin::{
    self, AckPreset, AcknowledgeInput, CheckIn, CheckInId, CheckInInput, CheckInView, Visibility,
};
use kintsugi_core::streams::Destination;
use kintsugi_core::EntryId;
use serde::Deserialize;
use time::OffsetDateTime;

/// Check-ins listed per page.
const PAGE_SIZE: usize = 20;

pub fn routes() -> Vec<Route> {
    vec![
        Route::page("/checkin", "check-ins and the form", checkin_page),
        Route::form("/checkin", "check in", record),
        Route::page("/checkin/{id}", "one shared check-in", one_page),
        Route::form(
            "/checkin/{id}/acknowledge",
            "answer a check-in",
            acknowledge,
        )
        .leads_to("/checkin/{id}"),
    ]
}

// ---- how a check-in reads on a page ------------------------------------------

/// One feeling of a check-in, with its strength in words and as five dots.
pub struct FeltRow {
    pub label: &'static str,
    pub strength: &'static str,
    pub value: u8,
    /// The classes of five dots, filled up to the intensity.
    pub dots: Vec<&'static str>,
}

pub fn felt_rows(check_in: &CheckIn) -> Vec<FeltRow> {
    check_in
        .feelings
        .iter()
        .map(|felt| {
            let value = felt.intensity.value();
            let dots = (Intensity::MIN..=Intensity::MAX)
                .map(|step| if step <= value { "dot on" } else { "dot" })
                .collect();
            FeltRow {
                label: felt.feeling.label(),
                strength: felt.intensity.label(),
                value,
                dots,
            }
        })
        .collect()
}

/// The feelings of a check-in as a short phrase: "Sad, Hopeful".
pub fn feelings_phrase(check_in: &CheckIn) -> String {
    check_in
        .feelings
        .iter()
        .map(|f| f.feeling.label())
        .collect::<Vec<_>>()
        .join(", ")
}

pub struct AckRow {
    pub by_me: bool,
    pub text: String,
    pub when: String,
}

/// A check-in as the viewer sees it in a list or on its own page.
pub struct CheckInRow {
    /// The HTML id and the key of the answer form's fields.
    pub key: String,
    pub mine: bool,
    pub only_me: bool,
    pub who: &'static str,
    pub audience: &'static str,
    pub when: String,
    pub feelings: Vec<FeltRow>,
    pub note: String,
    pub acknowledgement: Option<AckRow>,
    /// The shared check-in's own page; none for a kept one.
    pub link: Option<String>,
    pub can_acknowledge: bool,
    pub own_words: String,
    pub answer_open: bool,
    /// For a kept check-in (its author's alone): where to delete it.
    pub delete: Option<String>,
    /// For one the author shared: where to withdraw it.
    pub withdraw: Option<String>,
}

fn audience(view: &CheckInView<'_>) -> &'static str {
    match (view.whose, view.visibility) {
        (_, Visibility::OnlyMe) => "only you",
        (Whose::Mine, Visibility::Partner) => "shared with your partner",
        (Whose::Mine, Visibility::PartnerAndTherapist) => "shared with your partner and therapist",
        (Whose::Partner, Visibility::Partner) => "shared with you",
        (Whose::Partner, Visibility::PartnerAndTherapist) => "shared with you and your therapist",
    }
}

impl CheckInRow {
    pub fn from_view(view: &CheckInView<'_>, zone: Zone) -> Self {
        let (key, link) = match view.id {
            CheckInId::Shared(id) => (format!("checkin-{}", id.0), Some(shared_link(id))),
            CheckInId::Private(id) => (format!("kept-{}", id.0), None),
        };
        let mine = view.whose == Whose::Mine;
        CheckInRow {
            key,
            mine,
            only_me: view.visibility == Visibility::OnlyMe,
            who: if mine { "You" } else { "Your partner" },
            audience: audience(view),
            when: dates::when(view.at, zone),
            feelings: felt_rows(view.check_in),
            note: view.check_in.note.clone().unwrap_or_default(),
            acknowledgement: view.acknowledgement.map(|ack| AckRow {
                by_me: !mine,
                text: ack.acknowledgement.text().to_owned(),
                when: dates::when(ack.at, zone),
            }),
            link,
            can_acknowledge: view.can_acknowledge,
            own_words: String::new(),
            answer_open: false,
            delete: match view.id {
                CheckInId::Private(id) if mine => Some(format!("/delete/{}", id.0)),
                _ => None,
            },
            withdraw: match view.id {
                CheckInId::Shared(id) if mine => Some(format!("/withdraw/{}", id.0)),
                _ => None,
            },
        }
    }
}

pub fn shared_link(id: EntryId) -> String {
    format!("/checkin/{}", id.0)
}

/// The answers a partner can give a check-in with one button.
fn presets() -> Vec<Choice> {
    Choice::list(&AckPreset::ALL.map(|preset| (preset.code(), preset.text())))
}

// ---- the check-in form -------------------------------------------------------

pub struct WordField {
    pub code: &'static str,
    pub label: &'static str,
    /// The name of its intensity field, also its element id.
    pub field: &'static str,
    pub checked: bool,
    /// The intensity as posted, kept when the form comes back.
    pub intensity: String,
}

pub struct FamilyField {
    pub code: &'static str,
    pub label: &'static str,
    pub chosen: usize,
    pub open: bool,
    pub words: Vec<WordField>,
}

pub struct ScaleStep {
    pub value: String,
    pub label: &'static str,
}

pub struct VisibilityChoice {
    pub code: &'static str,
    pub label: &'static str,
    pub checked: bool,
    /// A short word under the choice, when what it means is not plain.
    pub hint: Option<&'static str>,
}

/// The therapist choice is recorded now, for the day a therapist is
/// invited; until both partners invite one, no therapist sees anything.
fn visibility_hint(visibility: Visibility) -> Option<&'static str> {
    match visibility {
        Visibility::PartnerAndTherapist => {
            Some("With this choice your partner sees it at once; a therapist only once you both invite one.")
        }
        Visibility::OnlyMe | Visibility::Partner => None,
    }
}

/// What the form shows: empty, or what was posted.
pub struct CheckInForm {
    pub families: Vec<FamilyField>,
    pub note: String,
    pub visibilities: Vec<VisibilityChoice>,
}

impl CheckInForm {
    /// A fresh form. "Only me" is chosen to start with: a check-in is
    /// shared only when its author says so.
    fn empty() -> Self {
        Self::from_pairs(&[], &FormErrors::default())
    }

    pub(crate) fn from_pairs(pairs: &[(String, String)], errors: &FormErrors) -> Self {
        let posted = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let ticked = |code: &str| pairs.iter().any(|(k, v)| k == "feelings" && v == code);
        let families = CoreFeeling::ALL
            .iter()
            .map(|core| {
                let words: Vec<WordField> = core
                    .words()
                    .map(|w: Feeling| WordField {
                        code: w.code(),
                        label: w.label(),
                        field: w.intensity_field(),
                        checked: ticked(w.code()),
                        intensity: posted(w.intensity_field()),
                    })
                    .collect();
                let chosen = words.iter().filter(|w| w.checked).count();
                let has_error = words.iter().any(|w| errors.get(w.field).is_some());
                FamilyField {
                    code: core.code(),
                    label: core.label(),
                    chosen,
                    open: chosen > 0 || has_error,
                    words,
                }
            })
            .collect();
        let chosen_visibility = posted("visibility");
        let chosen_visibility = if pairs.is_empty() {
            Visibility::OnlyMe.code().to_owned()
        } else {
            chosen_visibility
        };
        CheckInForm {
            families,
            note: posted("note"),
            visibilities: Visibility::ALL
                .iter()
                .map(|v| VisibilityChoice {
                    code: v.code(),
                    label: v.label(),
                    checked: v.code() == chosen_visibility,
                    hint: visibility_hint(*v),
                })
                .collect(),
        }
    }
}

/// The check-in form's fields as posted, in order: core reads them in one
/// pass (`CheckInInput::from_form`).
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub struct CheckInFields(pub Vec<(String, String)>);

impl Form for CheckInFields {
    /// A box and a strength for each word of the vocabulary (fewer than 80),
    /// a note of up to 1,000 characters, who may see it, and the hidden two.
    const CAPS: FormCaps = FormCaps::new(168, 2_000, 2_000);
}

fn scale() -> Vec<ScaleStep> {
    Intensity::scale()
        .map(|i| ScaleStep {
            value: i.value().to_string(),
            label: i.label(),
        })
        .collect()
}

// ---- the check-in page ---------------------------------------------------------

/// A partner's check-in the viewer has not answered yet, as a short line
/// at the top of the page that leads to it.
pub struct WaitingRow {
    pub link: String,
    pub feelings: String,
    pub when: String,
}

#[derive(Template)]
#[template(path = "checkin/checkin.html")]
struct CheckInPage {
    layout: Layout,
    form: CheckInForm,
    scale: Vec<ScaleStep>,
    errors: FormErrors,
    done: Option<&'static str>,
    partner_joined: bool,
    /// The partner's recent check-ins still open for an answer, shown
    /// before the form so they are not lost beneath it.
    waiting: Vec<WaitingRow>,
    recent: Vec<CheckInRow>,
    presets: Vec<Choice>,
    /// The link to older check-ins, when there are more.
    older: Option<String>,
    paged: bool,
    /// Whether a check-in can be sent now (not once the space ended).
    can_add: bool,
    /// Shared check-ins their author withdrew, with the answers they had.
    withdrawn: Vec<crate::withdrawal::Tombstone>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    /// Microseconds since the epoch: list what came strictly before.
    before: String,
    done: String,
}

fn parse_before(raw: &str) -> Option<OffsetDateTime> {
    let micros = raw.trim().parse::<i64>().ok()?;
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1_000).ok()
}

fn micros(at: OffsetDateTime) -> i128 {
    at.unix_timestamp_nanos().div_euclid(1_000)
}

/// The tombstones of shared check-ins, each with the answer it had.
fn withdrawn(
    state: &kintsugi_core::streams::couple::CoupleState,
    me: kintsugi_core::UserId,
    zone: Zone,
) -> Vec<crate::withdrawal::Tombstone> {
    let room = kintsugi_core::withdrawal::EntryRoom::CheckIn;
    let mut list = crate::withdrawal::tombstones(&state.withdrawals, room, zone);
    for tombstone in &mut list {
        let id = kintsugi_core::EntryId(tombstone.id);
        if let Some(ack) = state.check_ins.answer_to_withdrawn(id) {
            let who = if ack.by == me { "You" } else { "Your partner" };
            tombstone.answered = format!(
                "{who} answered on {}, before it was withdrawn",
                dates::when(ack.at, zone)
            );
            tombstone.response = ack.acknowledgement.text().to_owned();
        }
    }
    list
}

impl CheckInPage {
    async fn build(
        desk: Desk,
        form: CheckInForm,
        errors: FormErrors,
        before: Option<OffsetDateTime>,
    ) -> AppResult<Self> {
        let (me, zone) = (desk.couple.me, desk.layout.now.zone);
        let cached = desk.read().await?;
        let mine = desk.my_private().await?;
        let views = checkin::history(
            cached.state.check_ins_seen_by(me, &mine.state),
            before,
            PAGE_SIZE + 1,
        )?;
        let older = (views.len() > PAGE_SIZE)
            .then(|| views.get(PAGE_SIZE - 1))
            .flatten()
            .map(|last| format!("/checkin?before={}#recent", micros(last.at)));
        let recent = views
            .iter()
            .take(PAGE_SIZE)
            .map(|view| CheckInRow::from_view(view, zone))
            .collect();
        let waiting = views
            .iter()
            .take(PAGE_SIZE)
            .filter(|view| before.is_none() && view.can_acknowledge)
            .filter_map(|view| match view.id {
                CheckInId::Shared(id) => Some(WaitingRow {
                    link: shared_link(id),
                    feelings: feelings_phrase(view.check_in),
                    when: dates::when(view.at, zone),
                }),
                CheckInId::Private(_) => None,
            })
            .collect();
        Ok(CheckInPage {
            layout: desk.layout.in_section("checkin"),
            form,
            scale: scale(),
            errors,
            done: None,
            partner_joined: cached.state.space.partner_of(me).is_some(),
            waiting,
            recent,
            presets: presets(),
            older,
            paged: before.is_some(),
            can_add: kintsugi_core::access::repair_rules::can_add(&cached.state.space, me),
            withdrawn: withdrawn(&cached.state, me, zone),
        })
    }
}

async fn checkin_page(desk: Desk, Query(query): Query<ListQuery>) -> AppResult<Response> {
    let before = parse_before(&query.before);
    let blank = CheckInForm::empty();
    let mut page = CheckInPage::build(desk, blank, FormErrors::default(), before).await?;
    page.done = match query.done.as_str() {
        "kept" => Some("Kept. Only you can see this check-in."),
        "shared" => Some("Shared. Your partner can read it now."),
        _ => None,
    };
    render(&page)
}

async fn record(
    PostedForm(desk, CheckInFields(form), submission): PostedForm<CheckInFields>,
) -> AppResult<Response> {
    let input = CheckInInput::from_form(&form);
    let me = desk.couple.me;
    let outcome = desk
        .submit(&submission, |states| {
            checkin::check_in(&states.couple.space, me, &input)
                .map(|event| Writes::from(Destination::from(event)))
        })
        .await?;
    match outcome.or_form(FormErrors::from_refusal)? {
        // A kept check-in lands in the private stream, a shared one in the record.
        Ok(Landed::Couple(_)) => Ok(Redirect::to("/checkin?done=shared").into_response()),
        Ok(_) => Ok(Redirect::to("/checkin?done=kept").into_response()),
        Err(errors) => {
            let again = CheckInForm::from_pairs(&form, &errors);
            render_refused(&CheckInPage::build(desk, again, errors, None).await?)
        }
    }
}

// ---- one shared check-in, and answering it ---------------------------------------

#[derive(Template)]
#[template(path = "checkin/checkin_one.html")]
struct OneCheckInPage {
    layout: Layout,
    c: CheckInRow,
    presets: Vec<Choice>,
    errors: FormErrors,
}

impl OneCheckInPage {
    async fn build(
        desk: Desk,
        id: EntryId,
        own_words: String,
        errors: FormErrors,
    ) -> AppResult<Self> {
        let cached = desk.read().await?;
        let mine = desk.my_private().await?;
        let view = checkin::view(
            cached.state.check_ins_seen_by(desk.couple.me, &mine.state),
            CheckInId::Shared(id),
        )?;
        let mut c = CheckInRow::from_view(&view, desk.layout.now.zone);
        c.answer_open = true;
        c.own_words = own_words;
        Ok(OneCheckInPage {
            layout: desk.layout.in_section("checkin"),
            c,
            presets: presets(),
            errors,
        })
    }
}

async fn one_page(desk: Desk, EntryIdParam(id): EntryIdParam) -> AppResult<Response> {
    let page = OneCheckInPage::build(desk, id, String::new(), FormErrors::default()).await?;
    render(&page)
}

text_form! {
    pub struct AcknowledgeForm { preset, own_words }
}

async fn acknowledge(
    EntryForm(desk, id, form, submission): EntryForm<AcknowledgeForm>,
) -> AppResult<Response> {
    let input = AcknowledgeInput {
        check_in: id.0.to_string(),
        preset: form.preset,
        own_words: form.own_words,
    };
    let me = desk.couple.me;
    let outcome = desk
        .submit(&submission, |states| {
            let check_ins = &states.couple.check_ins;
            checkin::acknowledge(&states.couple.space, check_ins, me, &input).map(Writes::couple)
        })
        .await?;
    match outcome.or_form(FormErrors::from_refusal)? {
        Ok(_) => Ok(Redirect::to(&shared_link(id)).into_response()),
        Err(errors) => {
            let page = OneCheckInPage::build(desk, id, input.own_words, errors).await?;
            render_refused(&page)
        }
    }
}
