//! Requested behaviours: the hurt partner asks for something specific and
//! observable, with how often; the involved partner accepts or proposes an
//! alternative, logs each time it was done, and the hurt partner may confirm
//! what they saw. Each request shows how reliably it was kept.

use crate::app::clock::{Now, Zone};
use crate::app::error::{AppError, AppResult};
use crate::app::layout::{render, render_refused, Layout};
use crate::app::state::AppState;
use crate::auth::session::zone_of;
use crate::exec::Writes;
use crate::http::extractors::{Desk, EntryForm, EntryIdParam, PostedForm};
use crate::http::forms::{Form, FormErrors, NoFields};
use crate::http::routes::Route;
use crate::present::dates;
use crate::present::repair::refused_at;
use crate::present::repair::{
    betrayal_tag, form_errors, land_or_redraw, BetrayalChoice, Choice, FindingView,
};
use crate::present::words::who;
use askama::Template;
use axum::response::{IntoResponse, Redirect, Response};
use kintsugi_core::access::repair_rules::RepairAction;
use kintsugi_core::access::room::Acting;
use kintsugi_core::coach::Code;
use kintsugi_core::kernel::days::{weekday_code, WEEKDAYS};
use kintsugi_core::requests::{
    self, AlternativeAnswerInput, AlternativeInput, Change, Frequency, FrequencyInput,
    FulfilmentInput, HistoryItem, ReasonInput, Reliability, Request, RequestEvent, RequestInput,
    RequestStatus, Requests, Terms, FREQUENCIES,
};
use kintsugi_core::space::SpaceState;
use kintsugi_core::streams::couple::CoupleState;
use kintsugi_core::{EntryId, Refusal, UserId};
use serde::Deserialize;
use time::{Date, OffsetDateTime};

pub fn routes() -> Vec<Route> {
    vec![
        Route::page("/requests", "requests and the form", list_page),
        Route::form("/requests", "make a request", make),
        Route::page("/requests/{id}", "one request", request_page),
        Route::form("/requests/{id}/accept", "accept a request", accept).leads_to(REQUEST),
        Route::form(
            "/requests/{id}/alternative",
            "propose an alternative",
            propose_alternative,
        )
        .leads_to(REQUEST),
        Route::form(
            "/requests/{id}/alternative/answer",
            "answer an alternative",
            answer_alternative,
        )
        .leads_to(REQUEST),
        Route::form("/requests/{id}/pause", "pause a request", pause).leads_to(REQUEST),
        Route::form("/requests/{id}/resume", "resume a request", resume).leads_to(REQUEST),
        Route::form("/requests/{id}/retire", "retire a request", retire).leads_to(REQUEST),
        Route::form(
            "/requests/{id}/fulfilments",
            "say it was done",
            log_fulfilment,
        )
        .leads_to(REQUEST),
        Route::form(
            "/requests/fulfilments/{id}/confirm",
            "confirm it was seen",
            confirm,
        )
        .leads_to("/requests"),
    ]
}

/// Where a request's forms lead when their address is opened directly.
const REQUEST: &str = "/requests/{id}";

/// The "how often" fields, shared by a request and an alternative.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct WhenFields {
    frequency: String,
    trigger: String,
    times_per_week: String,
    weekday: String,
    by_date: String,
}

impl WhenFields {
    fn input(&self) -> FrequencyInput {
        FrequencyInput {
            frequency: self.frequency.clone(),
            trigger: self.trigger.clone(),
            times_per_week: self.times_per_week.clone(),
            weekday: self.weekday.clone(),
            by_date: self.by_date.clone(),
        }
    }

    /// An alternative starts from the terms it answers.
    fn from_frequency(frequency: &Frequency) -> Self {
        let mut fields = WhenFields {
            frequency: frequency.code().to_owned(),
            ..Default::default()
        };
        match frequency {
            Frequency::EachTime { trigger } => fields.trigger = trigger.clone(),
            Frequency::Daily => {}
            Frequency::Weekly { times, on } => {
                fields.times_per_week = times.to_string();
                fields.weekday = on.map(weekday_code).unwrap_or_default().to_owned();
            }
            Frequency::ByDate { date } => fields.by_date = date.to_string(),
        }
        fields
    }
}

#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct RequestForm {
    betrayal: String,
    what: String,
    #[serde(flatten)]
    when: WhenFields,
    action: String,
}

impl Form for RequestForm {}

impl RequestForm {
    pub(crate) fn input(&self) -> RequestInput {
        RequestInput {
            betrayal: self.betrayal.clone(),
            what: self.what.clone(),
            when: self.when.input(),
        }
    }
}

#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct AlternativeForm {
    what: String,
    #[serde(flatten)]
    when: WhenFields,
}

impl Form for AlternativeForm {}

impl AlternativeForm {
    pub(crate) fn input(&self) -> AlternativeInput {
        AlternativeInput {
            what: self.what.clone(),
            when: self.when.input(),
        }
    }
}

impl Form for AlternativeAnswerInput {}

impl Form for ReasonInput {}

impl Form for FulfilmentInput {}

/// The choices of the "how often" fields.
pub struct WhenChoices {
    frequencies: Vec<Choice>,
    weekdays: Vec<Choice>,
}

impl WhenChoices {
    fn new() -> Self {
        WhenChoices {
            frequencies: Choice::list(&FREQUENCIES),
            weekdays: WEEKDAYS
                .iter()
                .map(|(day, code)| Choice {
                    code,
                    label: weekday_name(*day),
                })
                .collect(),
        }
    }
}

fn weekday_name(day: time::Weekday) -> &'static str {
    use time::Weekday::*;
    match day {
        Monday => "Monday",
        Tuesday => "Tuesday",
        Wednesday => "Wednesday",
        Thursday => "Thursday",
        Friday => "Friday",
        Saturday => "Saturday",
        Sunday => "Sunday",
    }
}

/// Done against expected, as a line of a page.
pub struct ReliabilityView {
    days: u16,
    text: String,
    percent: Option<u32>,
}

impl ReliabilityView {
    fn of(reliability: Reliability) -> Self {
        let times = |n: u32| {
            if n == 1 {
                "1 time".to_owned()
            } else {
                format!("{n} times")
            }
        };
        let confirmed = match reliability.confirmed {
            0 => String::new(),
            n => format!(", {n} confirmed"),
        };
        let text = match (reliability.expected, reliability.percent()) {
            (None, _) => format!("done {}{confirmed}", times(reliability.done)),
            (Some(0), _) => format!(
                "nothing expected yet; done {}{confirmed}",
                times(reliability.done)
            ),
            (Some(expected), Some(percent)) => {
                format!("{} of {expected} ({percent}%){confirmed}", reliability.done)
            }
            (Some(expected), None) => format!("{} of {expected}{confirmed}", reliability.done),
        };
        ReliabilityView {
            days: reliability.days,
            text,
            percent: reliability.percent(),
        }
    }
}

/// The calendar of the partner who does each request: a request's days
/// (agreed, running, done today, its reliability) are theirs, whoever
/// reads the page.
pub(crate) struct DoersClock {
    zones: Vec<(UserId, Zone)>,
    instance: Zone,
    instant: OffsetDateTime,
}

impl DoersClock {
    /// The zones of both partners of the space `me` is in.
    pub(crate) async fn of(
        app: &AppState,
        state: &CoupleState,
        me: UserId,
        now: Now,
    ) -> AppResult<Self> {
        let mut zones = Vec::new();
        for user in [Some(me), state.space.partner_of(me)].into_iter().flatten() {
            if let Some(zone) = zone_of(app, user).await? {
                zones.push((user, zone));
            }
        }
        Ok(Self {
            zones,
            instance: app.config.time_zone,
            instant: now.instant,
        })
    }

    fn zone_of_doer(&self, space: &SpaceState, betrayal: EntryId) -> Zone {
        space
            .betrayal(betrayal)
            .and_then(|b| space.user_in(b.involved()))
            .and_then(|doer| self.zones.iter().find(|(user, _)| *user == doer))
            .map_or(self.instance, |(_, zone)| *zone)
    }

    /// The requests with every step on their doer's wall clock.
    pub(crate) fn requests(&self, space: &SpaceState, requests: &Requests) -> Requests {
        requests.on_doers_clock(|betrayal, at| self.zone_of_doer(space, betrayal).offset_at(at))
    }

    /// The day it is now for the partner who does `request`.
    pub(crate) fn today(&self, space: &SpaceState, request: &Request) -> Date {
        self.zone_of_doer(space, request.betrayal)
            .local(self.instant)
            .date()
    }
}

fn reliability(request: &Request, today: Date) -> Vec<ReliabilityView> {
    if request.agreed_on().is_none() {
        return Vec::new();
    }
    [7, 30]
        .into_iter()
        .map(|days| ReliabilityView::of(request.reliability(today, days)))
        .collect()
}

fn status_code(status: RequestStatus) -> &'static str {
    match status {
        RequestStatus::AwaitingAnswer => "awaiting",
        RequestStatus::AlternativeProposed => "alternative",
        RequestStatus::Active => "active",
        RequestStatus::Paused => "paused",
        RequestStatus::Retired => "retired",
    }
}

// ---- the list ----------------------------------------------------------------

pub struct NewRequest {
    form: RequestForm,
    choice: BetrayalChoice,
    errors: FormErrors,
    /// After "Check with the coach": how many things it noticed.
    checked: Option<usize>,
    /// The coach's findings about the words, shown under the text field.
    what_findings: Vec<FindingView>,
    /// The finding about when or how often, shown under those fields.
    when_findings: Vec<FindingView>,
    choices: WhenChoices,
    /// Whether the form starts unfolded: after a check or a refusal, so the
    /// typed text is in view, and when nothing has been asked yet.
    open: bool,
}

pub struct RequestRow {
    id: u64,
    can_withdraw: bool,
    what: String,
    rhythm: String,
    status: &'static str,
    status_code: &'static str,
    /// The status tag, left out where the group's heading says it already.
    show_status: bool,
    asked_by: &'static str,
    /// "Your partner" or "You", when the terms are an agreed alternative.
    alternative_by: Option<&'static str>,
    betrayal: String,
    waiting_for_me: bool,
    /// Times done that `me` has not confirmed seeing yet.
    to_confirm: usize,
    reliability: Vec<ReliabilityView>,
    can_log: bool,
}

pub struct Group {
    title: &'static str,
    rows: Vec<RequestRow>,
}

#[derive(Template)]
#[template(path = "requests/requests.html")]
struct ListPage {
    layout: Layout,
    withdrawn: Vec<crate::withdrawal::Tombstone>,
    new: Option<NewRequest>,
    groups: Vec<Group>,
}

fn row(
    state: &CoupleState,
    me: UserId,
    request: &Request,
    doers: &DoersClock,
    group: &str,
) -> RequestRow {
    let waiting_for_me = state
        .requests
        .awaiting_answer_from(&state.space, me)
        .iter()
        .any(|r| r.id == request.id);
    let to_confirm = state
        .requests
        .fulfilments_to_confirm_by(&state.space, me)
        .iter()
        .filter(|(r, _)| r.id == request.id)
        .count();
    RequestRow {
        id: request.id.0,
        can_withdraw: state.can_withdraw(me, request.id),
        what: request.terms.what.clone(),
        rhythm: request.terms.frequency.describe(),
        status: request.status.label(),
        status_code: status_code(request.status),
        show_status: request.status.label() != group,
        asked_by: who(me, request.asked_by),
        alternative_by: request
            .first_asked_before_alternative()
            .map(|_| proposer(me, request)),
        betrayal: betrayal_tag(&state.space, me, request.betrayal),
        waiting_for_me,
        to_confirm,
        reliability: reliability(request, doers.today(&state.space, request)),
        // "I did it today" only while the doer's today still counts.
        can_log: could_log(state, me, request.id)
            && !request.day_taken(doers.today(&state.space, request)),
    }
}

/// The tombstones of requests their author withdrew, each saying what was
/// done about it before, which stays.
fn withdrawn_requests(
    state: &CoupleState,
    me: UserId,
    zone: Zone,
) -> Vec<crate::withdrawal::Tombstone> {
    let room = kintsugi_core::withdrawal::EntryRoom::Request;
    let mut list = crate::withdrawal::tombstones(&state.withdrawals, room, zone);
    for tombstone in &mut list {
        let Some(kept) = state.requests.steps_of_withdrawn(EntryId(tombstone.id)) else {
            continue;
        };
        let mut said: Vec<String> = kept
            .changes
            .iter()
            .filter_map(|c| {
                let step = match c.change {
                    Change::Made(_) => return None,
                    Change::Accepted => "accepted it",
                    Change::AlternativeProposed(_) => "proposed an alternative",
                    Change::AlternativeAccepted => "accepted the alternative",
                    Change::AlternativeDeclined { .. } => "declined the alternative",
                    Change::Paused { .. } => "paused it",
                    Change::Resumed => "resumed it",
                    Change::Retired { .. } => "retired it",
                };
                Some(format!(
                    "{} {step} on {}",
                    who(me, c.by),
                    dates::day_of(c.at, zone)
                ))
            })
            .collect();
        match kept.fulfilments.len() {
            0 => {}
            1 => said.push("It was done once".to_owned()),
            n => said.push(format!("It was done {n} times")),
        }
        if !said.is_empty() {
            tombstone.answered = format!("Before it was withdrawn: {}.", said.join("; "));
        }
    }
    list
}

fn could_log(state: &CoupleState, me: UserId, id: EntryId) -> bool {
    requests::can_log_fulfilment(Acting::new(&state.space, &state.requests, me), id)
}

async fn build_list(
    desk: Desk,
    form: RequestForm,
    errors: FormErrors,
    findings: Option<Vec<FindingView>>,
) -> AppResult<ListPage> {
    let cached = desk.read().await?;
    let state = &cached.state;
    let me = desk.couple.me;
    let doers = DoersClock::of(&desk.app, state, me, desk.layout.now).await?;
    let on_doers_clock = doers.requests(&state.space, &state.requests);
    let choice =
        BetrayalChoice::for_action(&state.space, me, RepairAction::MakeRequest, &form.betrayal);
    let nothing_asked = state.requests.all().is_empty();
    let new = choice.any().then(|| {
        let checked = findings.as_ref().map(Vec::len);
        let (when_findings, what_findings) = findings
            .unwrap_or_default()
            .into_iter()
            .partition(|f| f.code == Code::NoWhen.as_str());
        NewRequest {
            open: nothing_asked || checked.is_some() || errors.any(),
            form,
            choice,
            errors,
            checked,
            what_findings,
            when_findings,
            choices: WhenChoices::new(),
        }
    });
    let rows = |statuses: &[RequestStatus], group: &str| -> Vec<RequestRow> {
        on_doers_clock
            .all()
            .into_iter()
            .filter(|r| statuses.contains(&r.status))
            .map(|r| row(state, me, r, &doers, group))
            .collect()
    };
    let groups = [
        (
            "Waiting for an answer",
            &[
                RequestStatus::AwaitingAnswer,
                RequestStatus::AlternativeProposed,
            ][..],
        ),
        ("Agreed", &[RequestStatus::Active][..]),
        ("Paused", &[RequestStatus::Paused][..]),
        ("Retired", &[RequestStatus::Retired][..]),
    ]
    .into_iter()
    .map(|(title, statuses)| Group {
        title,
        rows: rows(statuses, title),
    })
    .filter(|g| !g.rows.is_empty())
    .collect();
    Ok(ListPage {
        withdrawn: withdrawn_requests(state, me, desk.layout.now.zone),
        layout: desk.layout.in_section("requests"),
        new,
        groups,
    })
}

async fn list_page(desk: Desk) -> AppResult<Response> {
    let blank = RequestForm::default();
    render(&build_list(desk, blank, FormErrors::default(), None).await?)
}

/// "Check with the coach" shows the request again with the coach's advice;
/// "Make the request" makes it.
async fn make(PostedForm(desk, form, submission): PostedForm<RequestForm>) -> AppResult<Response> {
    if form.action == "check" {
        return check(desk, form).await;
    }
    let input = form.input();
    let (now, me) = (desk.layout.now, desk.couple.me);
    let outcome = desk
        .submit(&submission, |decision| {
            // "From today on" is the asking partner's today.
            let local_now = now.local(now.instant);
            requests::make(&decision.couple.space, me, local_now, &input).map(Writes::couple)
        })
        .await?;
    land_or_redraw(
        outcome,
        |landed| match landed.couple_entry() {
            Some(created) => format!("/requests/{}", created.0),
            None => "/requests".to_owned(),
        },
        |errors| build_list(desk, form, errors, None),
    )
    .await
}

/// The coach's advice on a request before it is made; nothing is written.
/// Only the partner who may make the request is coached on it.
async fn check(desk: Desk, form: RequestForm) -> AppResult<Response> {
    let errors = {
        let cached = desk.read().await?;
        let space = &cached.state.space;
        match requests::check_make(space, desk.couple.me, &form.betrayal) {
            Ok(_) => FormErrors::default(),
            Err(refusal) => form_errors(refusal)?,
        }
    };
    let findings = form
        .input()
        .coach()
        .iter()
        .map(|f| FindingView::of(&form.what, f))
        .collect();
    render(&build_list(desk, form, errors, Some(findings)).await?)
}

// ---- one request -------------------------------------------------------------

/// A form on the request's page that was refused, with what was typed.
enum Refused {
    Nothing,
    Accept(FormErrors),
    Alternative(AlternativeForm, FormErrors),
    AlternativeAnswer(AlternativeAnswerInput, FormErrors),
    Pause(ReasonInput, FormErrors),
    Resume(FormErrors),
    Retire(ReasonInput, FormErrors),
    Log(FulfilmentInput, FormErrors),
    Confirm(EntryId, FormErrors),
}

/// An alternative is proposed by the partner who was asked.
fn proposer(me: UserId, request: &Request) -> &'static str {
    if request.asked_by == me {
        "Your partner"
    } else {
        "You"
    }
}

pub struct TermsView {
    what: String,
    rhythm: String,
}

impl TermsView {
    fn of(terms: &Terms) -> Self {
        TermsView {
            what: terms.what.clone(),
            rhythm: terms.frequency.describe(),
        }
    }
}

pub struct AlternativeBox {
    form: AlternativeForm,
    errors: FormErrors,
    choices: WhenChoices,
}

pub struct FormBox<F> {
    form: F,
    errors: FormErrors,
}

impl<F: Clone + Default> FormBox<F> {
    fn of(form: &F, errors: &FormErrors) -> Self {
        FormBox {
            form: form.clone(),
            errors: errors.clone(),
        }
    }

    fn blank() -> Self {
        FormBox {
            form: F::default(),
            errors: FormErrors::default(),
        }
    }
}

pub struct HistoryRow {
    id: u64,
    when: String,
    who: &'static str,
    title: String,
    /// What the person wrote: the request's words, a note or a reason.
    detail: String,
    /// How often, beside the words of a request or an alternative.
    rhythm: Option<String>,
    fulfilment: bool,
    seen: String,
    can_confirm: bool,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "requests/request.html")]
struct RequestPage {
    layout: Layout,
    id: u64,
    terms: TermsView,
    status: &'static str,
    status_code: &'static str,
    asked_by: &'static str,
    /// What was first asked, when the terms are an agreed alternative.
    first_asked: Option<TermsView>,
    /// Who proposed the agreed alternative: the one who did not ask.
    proposed_by: &'static str,
    made_at: String,
    betrayal: String,
    alternative: Option<TermsView>,
    forms: Offered,
    reliability: Vec<ReliabilityView>,
    history: Vec<HistoryRow>,
    today: String,
}

fn history_row(
    state: &CoupleState,
    me: UserId,
    item: &HistoryItem<'_>,
    refused: &Refused,
    zone: Zone,
) -> HistoryRow {
    match item {
        HistoryItem::Change(change) => {
            let said = |title: &str, words: &str| (title.to_owned(), words.to_owned(), None);
            let asked = |title: &str, terms: &Terms| {
                let rhythm = Some(terms.frequency.describe());
                (title.to_owned(), terms.what.clone(), rhythm)
            };
            let (title, detail, rhythm) = match &change.change {
                Change::Made(terms) => asked("Asked", terms),
                Change::Accepted => said("Accepted", ""),
                Change::AlternativeProposed(terms) => asked("Proposed an alternative", terms),
                Change::AlternativeAccepted => said("Accepted the alternative", ""),
                Change::AlternativeDeclined { note } => said(
                    "Declined the alternative",
                    note.as_deref().unwrap_or_default(),
                ),
                Change::Paused { reason } => said("Paused", reason),
                Change::Resumed => said("Resumed", ""),
                Change::Retired { reason } => said("Retired", reason),
            };
            HistoryRow {
                id: change.id.0,
                when: dates::when(change.at, zone),
                who: who(me, change.by),
                title,
                detail,
                rhythm,
                fulfilment: false,
                seen: String::new(),
                can_confirm: false,
                errors: FormErrors::default(),
            }
        }
        HistoryItem::Fulfilment(done) => HistoryRow {
            id: done.id.0,
            when: dates::when(done.logged_at, zone),
            who: who(me, done.by),
            title: format!("Done on {}", dates::day(done.happened_on)),
            detail: done.note.clone().unwrap_or_default(),
            rhythm: None,
            fulfilment: true,
            seen: done
                .confirmation
                .as_ref()
                .map(|c| format!("{} saw it ({})", who(me, c.by), dates::when(c.at, zone)))
                .unwrap_or_default(),
            can_confirm: requests::can_confirm_fulfilment(
                Acting::new(&state.space, &state.requests, me),
                done.id,
            ),
            errors: refused_at!(refused, Refused::Confirm, done.id),
        },
    }
}

/// The forms of a request's page that are offered to the viewer. A refused
/// form stays with what was typed, even when its step has closed
/// meanwhile; otherwise a form is offered when the record would take it.
pub struct Offered {
    accept: Option<FormErrors>,
    propose: Option<AlternativeBox>,
    answer_alternative: Option<FormBox<AlternativeAnswerInput>>,
    pause: Option<FormBox<ReasonInput>>,
    resume: Option<FormBox<()>>,
    retire: Option<FormBox<ReasonInput>>,
    log: Option<FormBox<FulfilmentInput>>,
}

impl Offered {
    fn to(state: &CoupleState, me: UserId, request: &Request, refused: &Refused) -> Self {
        let (acting, id) = (Acting::new(&state.space, &state.requests, me), request.id);
        let propose = match refused {
            Refused::Alternative(form, errors) => Some((form.clone(), errors.clone())),
            _ => requests::can_propose_alternative(acting, id).then(|| {
                // An alternative starts from the terms it answers.
                let offered = AlternativeForm {
                    what: request.terms.what.clone(),
                    when: WhenFields::from_frequency(&request.terms.frequency),
                };
                (offered, FormErrors::default())
            }),
        };
        Offered {
            accept: match refused {
                Refused::Accept(errors) => Some(errors.clone()),
                _ => requests::can_accept(acting, id).then(FormErrors::default),
            },
            propose: propose.map(|(form, errors)| AlternativeBox {
                form,
                errors,
                choices: WhenChoices::new(),
            }),
            answer_alternative: match refused {
                Refused::AlternativeAnswer(form, errors) => Some(FormBox::of(form, errors)),
                _ => requests::can_answer_alternative(acting, id).then(FormBox::blank),
            },
            pause: match refused {
                Refused::Pause(form, errors) => Some(FormBox::of(form, errors)),
                _ => requests::can_pause(acting, id).then(FormBox::blank),
            },
            resume: match refused {
                Refused::Resume(errors) => Some(FormBox::of(&(), errors)),
                _ => requests::can_resume(acting, id).then(FormBox::blank),
            },
            retire: match refused {
                Refused::Retire(form, errors) => Some(FormBox::of(form, errors)),
                _ => requests::can_retire(acting, id).then(FormBox::blank),
            },
            log: match refused {
                Refused::Log(form, errors) => Some(FormBox::of(form, errors)),
                _ => could_log(state, me, id).then(FormBox::blank),
            },
        }
    }
}

async fn build_request(desk: Desk, id: EntryId, refused: Refused) -> AppResult<RequestPage> {
    let now = desk.layout.now;
    let cached = desk.read().await?;
    let state = &cached.state;
    let me = desk.couple.me;
    let request = state.requests.get(id).ok_or(AppError::NotFound)?;
    let doers = DoersClock::of(&desk.app, state, me, now).await?;
    let on_doers_clock = doers.requests(&state.space, &state.requests);
    let doers_request = on_doers_clock.get(id).ok_or(AppError::NotFound)?;
    Ok(RequestPage {
        layout: desk.layout.in_section("requests"),
        id: id.0,
        terms: TermsView::of(&request.terms),
        status: request.status.label(),
        status_code: status_code(request.status),
        asked_by: who(me, request.asked_by),
        first_asked: request.first_asked_before_alternative().map(TermsView::of),
        proposed_by: proposer(me, request),
        made_at: dates::when(request.made_at, now.zone),
        betrayal: betrayal_tag(&state.space, me, request.betrayal),
        alternative: request.alternative.as_ref().map(TermsView::of),
        forms: Offered::to(state, me, request, &refused),
        reliability: reliability(doers_request, doers.today(&state.space, request)),
        history: request
            .history()
            .iter()
            .map(|item| history_row(state, me, item, &refused, now.zone))
            .collect(),
        today: now.today().to_string(),
    })
}

async fn request_page(desk: Desk, EntryIdParam(id): EntryIdParam) -> AppResult<Response> {
    render(&build_request(desk, id, Refused::Nothing).await?)
}

/// A form posted on a request's page: the entry in the address is the
/// request, or for a confirmation the time it was done.
type Step<F> = EntryForm<F>;

/// What a step decides on, on the newest shared record.
struct At<'a, F> {
    acting: Acting<'a, Requests>,
    id: EntryId,
    now: OffsetDateTime,
    form: &'a F,
}

impl<F> Step<F> {
    /// Takes the step through the one submit path, then goes back to the
    /// request `page` or draws it again with what was typed.
    async fn take_on(
        self,
        page: EntryId,
        decide: impl Fn(At<'_, F>) -> Result<RequestEvent, Refusal>,
        refused: impl FnOnce(F, FormErrors) -> Refused,
    ) -> AppResult<Response> {
        let EntryForm(desk, id, form, submission) = self;
        let (now, me) = (desk.layout.now, desk.couple.me);
        let doers = {
            let cached = desk.read().await?;
            DoersClock::of(&desk.app, &cached.state, me, now).await?
        };
        let outcome = desk
            .submit(&submission, |decision| {
                let space = &decision.couple.space;
                // The days a step is checked against are the doer's, and "today"
                // is the acting partner's own (the doer, when logging).
                let requests = doers.requests(space, &decision.couple.requests);
                decide(At {
                    acting: Acting::new(space, &requests, me),
                    id,
                    now: now.local(now.instant),
                    form: &form,
                })
                .map(Writes::couple)
            })
            .await?;
        match outcome.or_form(form_errors)? {
            Ok(_) => Ok(Redirect::to(&format!("/requests/{}", page.0)).into_response()),
            Err(errors) => render_refused(&build_request(desk, page, refused(form, errors)).await?),
        }
    }

    /// A step on the request in the address.
    async fn take(
        self,
        decide: impl Fn(At<'_, F>) -> Result<RequestEvent, Refusal>,
        refused: impl FnOnce(F, FormErrors) -> Refused,
    ) -> AppResult<Response> {
        let request = self.1;
        self.take_on(request, decide, refused).await
    }

    /// Takes a step whose command reads the request and the form as sent.
    async fn take_with(
        self,
        command: impl Fn(Acting<'_, Requests>, EntryId, &F) -> Result<RequestEvent, Refusal>,
        refused: impl FnOnce(F, FormErrors) -> Refused,
    ) -> AppResult<Response> {
        self.take(|at| command(at.acting, at.id, at.form), refused)
            .await
    }

    /// Takes a step that is only a button: its command reads the request.
    async fn press(
        self,
        command: impl Fn(Acting<'_, Requests>, EntryId) -> Result<RequestEvent, Refusal>,
        refused: impl FnOnce(FormErrors) -> Refused,
    ) -> AppResult<Response> {
        self.take(|at| command(at.acting, at.id), |_, errors| refused(errors))
            .await
    }
}

async fn accept(step: Step<NoFields>) -> AppResult<Response> {
    step.press(requests::accept, Refused::Accept).await
}

async fn propose_alternative(step: Step<AlternativeForm>) -> AppResult<Response> {
    step.take(
        |at| {
            let input = at.form.input();
            requests::propose_alternative(at.acting, at.now, at.id, &input)
        },
        Refused::Alternative,
    )
    .await
}

async fn answer_alternative(step: Step<AlternativeAnswerInput>) -> AppResult<Response> {
    step.take_with(requests::answer_alternative, Refused::AlternativeAnswer)
        .await
}

async fn pause(step: Step<ReasonInput>) -> AppResult<Response> {
    step.take_with(requests::pause, Refused::Pause).await
}

async fn resume(step: Step<NoFields>) -> AppResult<Response> {
    step.press(requests::resume, Refused::Resume).await
}

async fn retire(step: Step<ReasonInput>) -> AppResult<Response> {
    step.take_with(requests::retire, Refused::Retire).await
}

async fn log_fulfilment(step: Step<FulfilmentInput>) -> AppResult<Response> {
    step.take(
        |at| requests::log_fulfilment(at.acting, at.now, at.id, at.form),
        Refused::Log,
    )
    .await
}

/// Confirming a time done leads back to the request it belongs to.
async fn confirm(step: Step<NoFields>) -> AppResult<Response> {
    let fulfilment = step.1;
    let request = {
        let cached = step.0.read().await?;
        cached
            .state
            .requests
            .fulfilment(fulfilment)
            .map(|(request, _)| request.id)
            .ok_or(AppError::NotFound)?
    };
    step.take_on(
        request,
        |at| requests::confirm_fulfilment(at.acting, at.id),
        |_, errors| Refused::Confirm(fulfilment, errors),
    )
    .await
}
