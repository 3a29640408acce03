//! Requested behaviours: the small, observable things the hurt partner asks
//! for ("text me when you leave work"), leaving little up to assumption.
//!
//! The hurt partner makes a request with how often it applies. The involved
//! partner accepts it or proposes an alternative, which the hurt partner
//! accepts (it becomes the request's terms) or declines (the request waits
//! for an answer again). Either partner may pause, resume or retire a
//! request, giving a reason. The involved partner logs each time it was done;
//! the hurt partner may confirm "I saw it".
//!
//! Reliability compares what was done with what the frequency expected,
//! counting only the days the request was running (not before it was agreed,
//! not while paused, not after it was retired). Today is still open, so it
//! counts towards what was expected only once something was done today.

use crate::access::repair_rules::{self, json, RepairAction};
use crate::kernel::event::Meta;
use crate::kernel::ids::{EntryId, UserId};
use crate::kernel::refusal::Refusal;
use crate::kernel::text;
use crate::space::{parse_optional_date, Role, SpaceState};
use crate::streams::couple::{CoupleEvent, CoupleState};
use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime, Weekday};

const MAX_WHAT: usize = 1_000;
const MAX_TRIGGER: usize = 300;
const MAX_NOTE: usize = 1_000;

/// How often a request applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "every", rename_all = "snake_case")]
pub enum Frequency {
    /// Each time something happens ("when you leave work"): how often that
    /// is cannot be known, so nothing is ever "expected".
    EachTime {
        trigger: String,
    },
    Daily,
    /// `times` a week (1 to 7); a once-a-week request may name its day.
    Weekly {
        times: u8,
        #[serde(with = "json::weekday_option", default)]
        on: Option<Weekday>,
    },
    /// Once, by a date.
    ByDate {
        #[serde(with = "json::iso_date")]
        date: Date,
    },
}

impl Frequency {
    /// How the request's rhythm reads on a page.
    pub fn describe(&self) -> String {
        match self {
            Frequency::EachTime { trigger } => format!("Each time: {trigger}"),
            Frequency::Daily => "Every day".to_owned(),
            Frequency::Weekly { on: Some(day), .. } => format!("Every {day}"),
            Frequency::Weekly { times: 1, on: None } => "Once a week".to_owned(),
            Frequency::Weekly { times, on: None } => format!("{times} times a week"),
            Frequency::ByDate { date } => format!("Once, by {date}"),
        }
    }

    /// The form code of the kind of frequency.
    pub fn code(&self) -> &'static str {
        match self {
            Frequency::EachTime { .. } => "each_time",
            Frequency::Daily => "daily",
            Frequency::Weekly { .. } => "weekly",
            Frequency::ByDate { .. } => "by_date",
        }
    }
}

/// The choices of the form's `frequency` field: code and label.
pub const FREQUENCIES: [(&str, &str); 4] = [
    ("each_time", "Each time something happens"),
    ("daily", "Every day"),
    ("weekly", "Every week"),
    ("by_date", "Once, by a date"),
];

/// The "how often" fields of a request form.
#[derive(Debug, Clone, Default)]
pub struct FrequencyInput {
    /// `each_time`, `daily`, `weekly` or `by_date`.
    pub frequency: String,
    /// For `each_time`: what happens ("you leave work").
    pub trigger: String,
    /// For `weekly`: 1 to 7; empty means once.
    pub times_per_week: String,
    /// For a once-a-week request: `monday` … `sunday`, or empty.
    pub weekday: String,
    /// For `by_date`: `YYYY-MM-DD`, today or later.
    pub by_date: String,
}

impl FrequencyInput {
    pub fn parse(&self, today: Date) -> Result<Frequency, Refusal> {
        match self.frequency.trim() {
            "each_time" => {
                if self.trigger.trim().is_empty() {
                    return Err(Refusal::invalid(
                        "trigger",
                        "Please say what happens each time, e.g. \"when you leave work\".",
                    ));
                }
                let trigger = text::required("trigger", &self.trigger, MAX_TRIGGER)?;
                Ok(Frequency::EachTime { trigger })
            }
            "daily" => Ok(Frequency::Daily),
            "weekly" => {
                let times = match self.times_per_week.trim() {
                    "" => 1,
                    raw => raw
                        .parse::<u8>()
                        .ok()
                        .filter(|n| (1..=7).contains(n))
                        .ok_or_else(|| {
                            Refusal::invalid("times_per_week", "Please give a number from 1 to 7.")
                        })?,
                };
                let on = match self.weekday.trim() {
                    "" => None,
                    raw => Some(repair_rules::parse_weekday(raw).ok_or_else(|| {
                        Refusal::invalid("weekday", "Please choose a day of the week.")
                    })?),
                };
                if on.is_some() && times > 1 {
                    return Err(Refusal::invalid(
                        "weekday",
                        "A day of the week goes with once a week; for several times a week, \
                         leave the day empty.",
                    ));
                }
                Ok(Frequency::Weekly { times, on })
            }
            "by_date" => {
                let date = parse_optional_date("by_date", &self.by_date)?
                    .ok_or_else(|| Refusal::invalid("by_date", "Please choose the date."))?;
                if date < today {
                    return Err(Refusal::invalid(
                        "by_date",
                        "Please choose a date from today on.",
                    ));
                }
                Ok(Frequency::ByDate { date })
            }
            _ => Err(Refusal::invalid(
                "frequency",
                "Please choose how often: each time something happens, every day, every week, \
                 or once by a date.",
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RequestEvent {
    Made {
        betrayal: EntryId,
        what: String,
        frequency: Frequency,
    },
    Accepted {
        request: EntryId,
    },
    AlternativeProposed {
        request: EntryId,
        what: String,
        frequency: Frequency,
    },
    /// The alternative becomes the request's terms.
    AlternativeAccepted {
        request: EntryId,
    },
    /// The request waits for the involved partner's answer again.
    AlternativeDeclined {
        request: EntryId,
        note: Option<String>,
    },
    Paused {
        request: EntryId,
        reason: String,
    },
    Resumed {
        request: EntryId,
    },
    Retired {
        request: EntryId,
        reason: String,
    },
    FulfilmentLogged {
        request: EntryId,
        #[serde(with = "json::iso_date")]
        happened_on: Date,
        note: Option<String>,
    },
    FulfilmentConfirmed {
        request: EntryId,
        fulfilment: EntryId,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestStatus {
    /// Waiting for the involved partner to accept or propose an alternative.
    AwaitingAnswer,
    /// Waiting for the hurt partner to answer an alternative.
    AlternativeProposed,
    Active,
    Paused,
    Retired,
}

impl RequestStatus {
    pub fn label(self) -> &'static str {
        match self {
            RequestStatus::AwaitingAnswer => "Waiting for an answer",
            RequestStatus::AlternativeProposed => "Alternative proposed",
            RequestStatus::Active => "Agreed",
            RequestStatus::Paused => "Paused",
            RequestStatus::Retired => "Retired",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terms {
    pub what: String,
    pub frequency: Frequency,
}

/// One step in a request's life.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Made(Terms),
    Accepted,
    AlternativeProposed(Terms),
    AlternativeAccepted,
    AlternativeDeclined { note: Option<String> },
    Paused { reason: String },
    Resumed,
    Retired { reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    pub id: EntryId,
    pub by: UserId,
    pub at: OffsetDateTime,
    pub change: Change,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmation {
    pub by: UserId,
    pub at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fulfilment {
    pub id: EntryId,
    pub happened_on: Date,
    pub logged_at: OffsetDateTime,
    pub by: UserId,
    pub note: Option<String>,
    pub confirmation: Option<Confirmation>,
}

/// A request's history, one item at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryItem<'a> {
    Change(&'a StatusChange),
    Fulfilment(&'a Fulfilment),
}

impl HistoryItem<'_> {
    fn id(&self) -> EntryId {
        match self {
            HistoryItem::Change(c) => c.id,
            HistoryItem::Fulfilment(f) => f.id,
        }
    }
}

/// Done against expected over a window of days ending today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reliability {
    pub days: u16,
    pub done: u32,
    /// How many of those the hurt partner confirmed.
    pub confirmed: u32,
    /// `None` when it cannot be known (a request for each time something
    /// happens).
    pub expected: Option<u32>,
}

impl Reliability {
    /// Done as a share of expected, at most 100; `None` when nothing was
    /// expected yet or it cannot be known.
    pub fn percent(&self) -> Option<u32> {
        match self.expected {
            Some(expected) if expected > 0 => Some((self.done * 100 / expected).min(100)),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub id: EntryId,
    pub betrayal: EntryId,
    pub asked_by: UserId,
    pub made_at: OffsetDateTime,
    /// What applies now (the accepted alternative, once there is one).
    pub terms: Terms,
    /// An alternative waiting for the hurt partner's answer.
    pub alternative: Option<Terms>,
    pub status: RequestStatus,
    /// Oldest first.
    pub changes: Vec<StatusChange>,
    /// In the order logged.
    pub fulfilments: Vec<Fulfilment>,
}

impl Request {
    /// The day the request was first agreed.
    pub fn agreed_on(&self) -> Option<Date> {
        self.changes.iter().find_map(|c| match c.change {
            Change::Accepted | Change::AlternativeAccepted => Some(c.at.date()),
            _ => None,
        })
    }

    /// Status changes and fulfilments together, newest first.
    pub fn history(&self) -> Vec<HistoryItem<'_>> {
        let mut items: Vec<HistoryItem<'_>> = self
            .changes
            .iter()
            .map(HistoryItem::Change)
            .chain(self.fulfilments.iter().map(HistoryItem::Fulfilment))
            .collect();
        items.sort_by_key(|item| std::cmp::Reverse(item.id()));
        items
    }

    /// The running periods, each from its first day to the day it ended
    /// (exclusive): a day on which the request was paused or retired does
    /// not count, the day it was resumed does.
    fn running_periods(&self) -> Vec<(Date, Option<Date>)> {
        let mut periods = Vec::new();
        let mut start = None;
        for change in &self.changes {
            let day = change.at.date();
            match change.change {
                Change::Accepted | Change::AlternativeAccepted | Change::Resumed => {
                    start.get_or_insert(day);
                }
                Change::Paused { .. } | Change::Retired { .. } => {
                    if let Some(from) = start.take() {
                        periods.push((from, Some(day)));
                    }
                }
                _ => {}
            }
        }
        if let Some(from) = start {
            periods.push((from, None));
        }
        periods
    }

    pub fn was_running_on(&self, day: Date) -> bool {
        self.running_periods()
            .iter()
            .any(|(from, until)| *from <= day && until.is_none_or(|u| day < u))
    }

    fn done_on(&self, day: Date) -> bool {
        self.fulfilments.iter().any(|f| f.happened_on == day)
    }

    /// Done against expected over the `days` days ending with `today`.
    pub fn reliability(&self, today: Date, days: u16) -> Reliability {
        let days = days.max(1);
        let first = today - Duration::days(i64::from(days) - 1);
        let in_window = |d: Date| first <= d && d <= today;
        let logged: Vec<&Fulfilment> = self
            .fulfilments
            .iter()
            .filter(|f| in_window(f.happened_on))
            .collect();
        let confirmed = count(logged.iter().filter(|f| f.confirmation.is_some()));
        // Today counts once something was done today: the day is not over.
        let counted_days: Vec<Date> = window(first, today)
            .filter(|d| self.was_running_on(*d) && (*d < today || self.done_on(*d)))
            .collect();
        let distinct_days = || {
            let mut days: Vec<Date> = logged.iter().map(|f| f.happened_on).collect();
            days.sort();
            days.dedup();
            count(days.iter())
        };
        let (done, expected) = match &self.terms.frequency {
            Frequency::EachTime { .. } => (count(logged.iter()), None),
            Frequency::Daily => (distinct_days(), Some(count(counted_days.iter()))),
            Frequency::Weekly { on: Some(day), .. } => (
                distinct_days(),
                Some(count(counted_days.iter().filter(|d| d.weekday() == *day))),
            ),
            Frequency::Weekly { times, on: None } => {
                // Pro-rated, whole occasions only: 3 a week over 10 days is 4.
                let expected = u32::from(*times) * count(counted_days.iter()) / 7;
                (count(logged.iter()), Some(expected))
            }
            Frequency::ByDate { date } => {
                // A one-off counts where its date falls, even when it was
                // done before the window began.
                let done_at_all = !self.fulfilments.is_empty();
                let expected = u32::from(
                    in_window(*date)
                        && self.was_running_on(*date)
                        && (*date < today || done_at_all),
                );
                let done = if in_window(*date) {
                    u32::from(done_at_all)
                } else {
                    count(logged.iter())
                };
                (done, Some(expected))
            }
        };
        Reliability {
            days,
            done,
            confirmed,
            expected,
        }
    }

    /// Whether the request asks for something today: a daily one not yet
    /// done today, a weekly one behind its pace (or on its day), a one-off
    /// whose date has come.
    pub fn is_due_on(&self, today: Date) -> bool {
        if self.status != RequestStatus::Active {
            return false;
        }
        match &self.terms.frequency {
            Frequency::EachTime { .. } => false,
            Frequency::Daily => !self.done_on(today),
            Frequency::Weekly { on: Some(day), .. } => {
                today.weekday() == *day && !self.done_on(today)
            }
            Frequency::Weekly { times, on: None } => {
                let first = today - Duration::days(6);
                let running = count(window(first, today).filter(|d| self.was_running_on(*d)));
                // By the end of today, this many should be done this week:
                // rounded up, so a new request is due from its first day.
                let pace = (u32::from(*times) * running).div_ceil(7);
                let done = count(
                    self.fulfilments
                        .iter()
                        .filter(|f| first <= f.happened_on && f.happened_on <= today),
                );
                done < pace
            }
            Frequency::ByDate { date } => *date <= today && self.fulfilments.is_empty(),
        }
    }

    pub fn fulfilment(&self, id: EntryId) -> Option<&Fulfilment> {
        self.fulfilments.iter().find(|f| f.id == id)
    }
}

fn window(first: Date, last: Date) -> impl Iterator<Item = Date> {
    std::iter::successors(Some(first), |d| d.next_day()).take_while(move |d| *d <= last)
}

fn count<T>(items: impl Iterator<Item = T>) -> u32 {
    u32::try_from(items.count()).unwrap_or(u32::MAX)
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Requests {
    /// In the order made; ids grow with it.
    requests: Vec<Request>,
}

impl Requests {
    pub fn apply(&mut self, meta: &Meta, event: &RequestEvent) {
        let change = |change| StatusChange {
            id: meta.entry(),
            by: meta.author,
            at: meta.at,
            change,
        };
        match event {
            RequestEvent::Made {
                betrayal,
                what,
                frequency,
            } => {
                let terms = Terms {
                    what: what.clone(),
                    frequency: frequency.clone(),
                };
                self.requests.push(Request {
                    id: meta.entry(),
                    betrayal: *betrayal,
                    asked_by: meta.author,
                    made_at: meta.at,
                    terms: terms.clone(),
                    alternative: None,
                    status: RequestStatus::AwaitingAnswer,
                    changes: vec![change(Change::Made(terms))],
                    fulfilments: Vec::new(),
                });
            }
            RequestEvent::Accepted { request } => {
                self.update(*request, change(Change::Accepted), |r| {
                    r.status = RequestStatus::Active;
                });
            }
            RequestEvent::AlternativeProposed {
                request,
                what,
                frequency,
            } => {
                let terms = Terms {
                    what: what.clone(),
                    frequency: frequency.clone(),
                };
                self.update(
                    *request,
                    change(Change::AlternativeProposed(terms.clone())),
                    |r| {
                        r.alternative = Some(terms);
                        r.status = RequestStatus::AlternativeProposed;
                    },
                );
            }
            RequestEvent::AlternativeAccepted { request } => {
                self.update(*request, change(Change::AlternativeAccepted), |r| {
                    if let Some(terms) = r.alternative.take() {
                        r.terms = terms;
                    }
                    r.status = RequestStatus::Active;
                });
            }
            RequestEvent::AlternativeDeclined { request, note } => {
                let note = note.clone();
                self.update(
                    *request,
                    change(Change::AlternativeDeclined { note }),
                    |r| {
                        r.alternative = None;
                        r.status = RequestStatus::AwaitingAnswer;
                    },
                );
            }
            RequestEvent::Paused { request, reason } => {
                let reason = reason.clone();
                self.update(*request, change(Change::Paused { reason }), |r| {
                    r.status = RequestStatus::Paused;
                });
            }
            RequestEvent::Resumed { request } => {
                self.update(*request, change(Change::Resumed), |r| {
                    r.status = RequestStatus::Active;
                });
            }
            RequestEvent::Retired { request, reason } => {
                let reason = reason.clone();
                self.update(*request, change(Change::Retired { reason }), |r| {
                    r.alternative = None;
                    r.status = RequestStatus::Retired;
                });
            }
            RequestEvent::FulfilmentLogged {
                request,
                happened_on,
                note,
            } => {
                if let Some(r) = self.get_mut(*request) {
                    r.fulfilments.push(Fulfilment {
                        id: meta.entry(),
                        happened_on: *happened_on,
                        logged_at: meta.at,
                        by: meta.author,
                        note: note.clone(),
                        confirmation: None,
                    });
                }
            }
            RequestEvent::FulfilmentConfirmed {
                request,
                fulfilment,
            } => {
                let found = self
                    .get_mut(*request)
                    .and_then(|r| r.fulfilments.iter_mut().find(|f| f.id == *fulfilment));
                if let Some(f) = found {
                    f.confirmation = Some(Confirmation {
                        by: meta.author,
                        at: meta.at,
                    });
                }
            }
        }
    }

    fn update(&mut self, id: EntryId, change: StatusChange, effect: impl FnOnce(&mut Request)) {
        if let Some(request) = self.get_mut(id) {
            request.changes.push(change);
            effect(request);
        }
    }

    pub fn get(&self, id: EntryId) -> Option<&Request> {
        self.requests
            .binary_search_by_key(&id, |r| r.id)
            .ok()
            .map(|i| &self.requests[i])
    }

    fn get_mut(&mut self, id: EntryId) -> Option<&mut Request> {
        self.requests
            .binary_search_by_key(&id, |r| r.id)
            .ok()
            .map(|i| &mut self.requests[i])
    }

    /// Every request, newest first.
    pub fn all(&self) -> Vec<&Request> {
        self.requests.iter().rev().collect()
    }

    /// Requests in one status, newest first.
    pub fn with_status(&self, status: RequestStatus) -> Vec<&Request> {
        self.requests
            .iter()
            .rev()
            .filter(|r| r.status == status)
            .collect()
    }

    /// A fulfilment by its id, with its request.
    pub fn fulfilment(&self, id: EntryId) -> Option<(&Request, &Fulfilment)> {
        self.requests
            .iter()
            .find_map(|r| r.fulfilment(id).map(|f| (r, f)))
    }

    /// Every request that asks for something today, oldest first.
    pub fn due_on(&self, today: Date) -> Vec<&Request> {
        self.requests
            .iter()
            .filter(|r| r.is_due_on(today))
            .collect()
    }

    /// The requests due today that are `me`'s to do.
    pub fn due_for(&self, space: &SpaceState, me: UserId, today: Date) -> Vec<&Request> {
        self.due_on(today)
            .into_iter()
            .filter(|r| repair_rules::holds(space, me, r.betrayal, Role::Involved))
            .collect()
    }

    /// Requests waiting for `me` to answer: a new request (involved
    /// partner) or a proposed alternative (hurt partner).
    pub fn awaiting_answer_from(&self, space: &SpaceState, me: UserId) -> Vec<&Request> {
        self.requests
            .iter()
            .filter(|r| match r.status {
                RequestStatus::AwaitingAnswer => {
                    repair_rules::holds(space, me, r.betrayal, Role::Involved)
                }
                RequestStatus::AlternativeProposed => {
                    repair_rules::holds(space, me, r.betrayal, Role::Hurt)
                }
                _ => false,
            })
            .collect()
    }

    /// Fulfilments `me` may confirm and has not, oldest first.
    pub fn fulfilments_to_confirm_by(
        &self,
        space: &SpaceState,
        me: UserId,
    ) -> Vec<(&Request, &Fulfilment)> {
        self.requests
            .iter()
            .filter(|r| repair_rules::holds(space, me, r.betrayal, Role::Hurt))
            .flat_map(|r| {
                r.fulfilments
                    .iter()
                    .filter(|f| f.confirmation.is_none())
                    .map(move |f| (r, f))
            })
            .collect()
    }
}

/// The request form.
#[derive(Debug, Clone, Default)]
pub struct RequestInput {
    pub betrayal: String,
    /// The specific, observable behaviour asked for.
    pub what: String,
    pub when: FrequencyInput,
}

impl RequestInput {
    /// The coach's advice on the wording. Advice only: a vague request can
    /// still be made, and the partners can talk it through.
    ///
    /// Once the form's "how often" names a rhythm, the request says when,
    /// even if its words do not; the coach's "no when" would then mislead.
    pub fn coach(&self) -> Vec<crate::coach::Finding> {
        let frequency = self.when.frequency.trim();
        let says_when = FREQUENCIES.iter().any(|(code, _)| *code == frequency);
        crate::coach::request::review(&self.what)
            .into_iter()
            .filter(|f| !(says_when && f.code == crate::coach::Code::NoWhen))
            .collect()
    }
}

/// The involved partner's counter-proposal.
#[derive(Debug, Clone, Default)]
pub struct AlternativeInput {
    pub what: String,
    pub when: FrequencyInput,
}

/// The hurt partner's answer to an alternative: `answer` is `accept` or
/// `decline`.
#[derive(Debug, Clone, Default)]
pub struct AlternativeAnswerInput {
    pub answer: String,
    pub note: String,
}

/// Pausing or retiring.
#[derive(Debug, Clone, Default)]
pub struct ReasonInput {
    pub reason: String,
}

#[derive(Debug, Clone, Default)]
pub struct FulfilmentInput {
    /// `YYYY-MM-DD`; empty means today.
    pub happened_on: String,
    pub note: String,
}

fn wrap(event: RequestEvent) -> Result<CoupleEvent, Refusal> {
    Ok(CoupleEvent::Request(event))
}

/// Finds a request after the membership check, and checks the actor's role
/// in its betrayal.
fn find(
    state: &CoupleState,
    actor: UserId,
    id: EntryId,
    action: RepairAction,
) -> Result<&Request, Refusal> {
    repair_rules::member(&state.space, actor)?;
    let request = state.requests.get(id).ok_or(Refusal::NotFound)?;
    repair_rules::authorize(&state.space, actor, request.betrayal, action)?;
    Ok(request)
}

fn awaiting_answer(request: &Request) -> Result<(), Refusal> {
    match request.status {
        RequestStatus::AwaitingAnswer => Ok(()),
        RequestStatus::AlternativeProposed => Err(Refusal::Conflict(
            "An alternative is waiting for your partner's answer.",
        )),
        RequestStatus::Active | RequestStatus::Paused => {
            Err(Refusal::Conflict("This request has already been agreed."))
        }
        RequestStatus::Retired => Err(Refusal::Conflict("This request has been retired.")),
    }
}

fn terms(what: &str, when: &FrequencyInput, now: OffsetDateTime) -> Result<Terms, Refusal> {
    let what = text::required("what", what, MAX_WHAT)?;
    let frequency = when.parse(now.date())?;
    Ok(Terms { what, frequency })
}

pub fn make(
    state: &CoupleState,
    actor: UserId,
    now: OffsetDateTime,
    input: &RequestInput,
) -> Result<CoupleEvent, Refusal> {
    let betrayal = repair_rules::choose_betrayal(&state.space, actor, &input.betrayal)?;
    repair_rules::authorize(&state.space, actor, betrayal, RepairAction::MakeRequest)?;
    let Terms { what, frequency } = terms(&input.what, &input.when, now)?;
    wrap(RequestEvent::Made {
        betrayal,
        what,
        frequency,
    })
}

pub fn accept(
    state: &CoupleState,
    actor: UserId,
    request: EntryId,
) -> Result<CoupleEvent, Refusal> {
    awaiting_answer(find(state, actor, request, RepairAction::RespondToRequest)?)?;
    wrap(RequestEvent::Accepted { request })
}

pub fn propose_alternative(
    state: &CoupleState,
    actor: UserId,
    now: OffsetDateTime,
    request: EntryId,
    input: &AlternativeInput,
) -> Result<CoupleEvent, Refusal> {
    awaiting_answer(find(state, actor, request, RepairAction::RespondToRequest)?)?;
    let Terms { what, frequency } = terms(&input.what, &input.when, now)?;
    wrap(RequestEvent::AlternativeProposed {
        request,
        what,
        frequency,
    })
}

pub fn answer_alternative(
    state: &CoupleState,
    actor: UserId,
    request: EntryId,
    input: &AlternativeAnswerInput,
) -> Result<CoupleEvent, Refusal> {
    let found = find(state, actor, request, RepairAction::RespondToAlternative)?;
    if found.status != RequestStatus::AlternativeProposed {
        return Err(Refusal::Conflict(
            "There is no alternative waiting for your answer.",
        ));
    }
    match input.answer.trim() {
        "accept" => wrap(RequestEvent::AlternativeAccepted { request }),
        "decline" => wrap(RequestEvent::AlternativeDeclined {
            request,
            note: text::optional("note", &input.note, MAX_NOTE)?,
        }),
        _ => Err(Refusal::invalid(
            "answer",
            "Please choose whether to accept or decline the alternative.",
        )),
    }
}

pub fn pause(
    state: &CoupleState,
    actor: UserId,
    request: EntryId,
    input: &ReasonInput,
) -> Result<CoupleEvent, Refusal> {
    let found = find(state, actor, request, RepairAction::PauseRequest)?;
    if found.status != RequestStatus::Active {
        return Err(Refusal::Conflict(
            "Only an agreed request that is running can be paused.",
        ));
    }
    let reason = reason(input)?;
    wrap(RequestEvent::Paused { request, reason })
}

pub fn resume(
    state: &CoupleState,
    actor: UserId,
    request: EntryId,
) -> Result<CoupleEvent, Refusal> {
    let found = find(state, actor, request, RepairAction::ResumeRequest)?;
    if found.status != RequestStatus::Paused {
        return Err(Refusal::Conflict("This request is not paused."));
    }
    wrap(RequestEvent::Resumed { request })
}

pub fn retire(
    state: &CoupleState,
    actor: UserId,
    request: EntryId,
    input: &ReasonInput,
) -> Result<CoupleEvent, Refusal> {
    let found = find(state, actor, request, RepairAction::RetireRequest)?;
    if found.status == RequestStatus::Retired {
        return Err(Refusal::Conflict("This request is already retired."));
    }
    let reason = reason(input)?;
    wrap(RequestEvent::Retired { request, reason })
}

fn reason(input: &ReasonInput) -> Result<String, Refusal> {
    if input.reason.trim().is_empty() {
        return Err(Refusal::invalid(
            "reason",
            "Please say why, in a few words: it helps you both later.",
        ));
    }
    text::required("reason", &input.reason, MAX_NOTE)
}

pub fn log_fulfilment(
    state: &CoupleState,
    actor: UserId,
    now: OffsetDateTime,
    request: EntryId,
    input: &FulfilmentInput,
) -> Result<CoupleEvent, Refusal> {
    let found = find(state, actor, request, RepairAction::LogFulfilment)?;
    if found.status != RequestStatus::Active {
        return Err(Refusal::Conflict(
            "This request is not running: it is logged once it is agreed, and not while paused.",
        ));
    }
    if matches!(found.terms.frequency, Frequency::ByDate { .. }) && !found.fulfilments.is_empty() {
        return Err(Refusal::Conflict("This one-off request is already done."));
    }
    let today = now.date();
    let happened_on = parse_optional_date("happened_on", &input.happened_on)?.unwrap_or(today);
    if happened_on > today {
        return Err(Refusal::invalid(
            "happened_on",
            "This date is still to come; please log it once it has happened.",
        ));
    }
    if let Some(agreed) = found.agreed_on().filter(|agreed| happened_on < *agreed) {
        return Err(Refusal::invalid(
            "happened_on",
            format!("This request was agreed on {agreed}; please choose a day from then on."),
        ));
    }
    let note = text::optional("note", &input.note, MAX_NOTE)?;
    wrap(RequestEvent::FulfilmentLogged {
        request,
        happened_on,
        note,
    })
}

pub fn confirm_fulfilment(
    state: &CoupleState,
    actor: UserId,
    fulfilment: EntryId,
) -> Result<CoupleEvent, Refusal> {
    repair_rules::member(&state.space, actor)?;
    let (request, logged) = state
        .requests
        .fulfilment(fulfilment)
        .ok_or(Refusal::NotFound)?;
    repair_rules::authorize(
        &state.space,
        actor,
        request.betrayal,
        RepairAction::ConfirmFulfilment,
    )?;
    if logged.confirmation.is_some() {
        return Err(Refusal::Conflict("You have already confirmed this."));
    }
    wrap(RequestEvent::FulfilmentConfirmed {
        request: request.id,
        fulfilment,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_round_trip, World};
    use time::macros::{date, datetime};

    fn every(frequency: &str) -> FrequencyInput {
        FrequencyInput {
            frequency: frequency.to_owned(),
            ..Default::default()
        }
    }

    fn request(what: &str, when: FrequencyInput) -> RequestInput {
        RequestInput {
            betrayal: String::new(),
            what: what.to_owned(),
            when,
        }
    }

    fn because(reason: &str) -> ReasonInput {
        ReasonInput {
            reason: reason.to_owned(),
        }
    }

    fn on(day: &str) -> FulfilmentInput {
        FulfilmentInput {
            happened_on: day.to_owned(),
            note: String::new(),
        }
    }

    /// Given a request made and accepted at the couple's clock.
    fn agreed(c: &mut World, when: FrequencyInput) -> EntryId {
        let r = c.run(c.hurt, |s, a, n| {
            make(s, a, n, &request("Text me when you leave work", when))
        });
        c.run(c.involved, |s, a, _| accept(s, a, r));
        r
    }

    #[test]
    fn frequencies_are_read_from_the_form() {
        let today = date!(2026 - 03 - 02);
        for (code, _) in FREQUENCIES {
            let input = FrequencyInput {
                trigger: "you leave work".to_owned(),
                by_date: "2026-03-09".to_owned(),
                ..every(code)
            };
            assert_eq!(input.parse(today).map(|f| f.code()), Ok(code));
        }
        let parse = |input: FrequencyInput| input.parse(today);
        assert_eq!(parse(every("daily")), Ok(Frequency::Daily));
        assert_eq!(
            parse(FrequencyInput {
                trigger: " you leave work ".to_owned(),
                ..every("each_time")
            }),
            Ok(Frequency::EachTime {
                trigger: "you leave work".to_owned()
            })
        );
        assert_eq!(
            parse(FrequencyInput {
                times_per_week: "3".to_owned(),
                ..every("weekly")
            }),
            Ok(Frequency::Weekly { times: 3, on: None })
        );
        assert_eq!(
            parse(FrequencyInput {
                weekday: "Sunday".to_owned(),
                ..every("weekly")
            }),
            Ok(Frequency::Weekly {
                times: 1,
                on: Some(Weekday::Sunday)
            })
        );
        assert_eq!(
            parse(FrequencyInput {
                by_date: "2026-03-02".to_owned(),
                ..every("by_date")
            }),
            Ok(Frequency::ByDate { date: today })
        );
    }

    #[test]
    fn frequencies_that_make_no_sense_are_refused_on_their_field() {
        let today = date!(2026 - 03 - 02);
        let field = |input: FrequencyInput| match input.parse(today) {
            Err(Refusal::Invalid { field, .. }) => field,
            other => panic!("expected a refusal, got {other:?}"),
        };
        assert_eq!(field(every("each_time")), "trigger");
        assert_eq!(field(every("sometimes")), "frequency");
        assert_eq!(
            field(FrequencyInput {
                times_per_week: "8".to_owned(),
                ..every("weekly")
            }),
            "times_per_week"
        );
        assert_eq!(
            field(FrequencyInput {
                times_per_week: "2".to_owned(),
                weekday: "monday".to_owned(),
                ..every("weekly")
            }),
            "weekday"
        );
        assert_eq!(
            field(FrequencyInput {
                weekday: "someday".to_owned(),
                ..every("weekly")
            }),
            "weekday"
        );
        assert_eq!(field(every("by_date")), "by_date");
        assert_eq!(
            field(FrequencyInput {
                by_date: "2026-03-01".to_owned(),
                ..every("by_date")
            }),
            "by_date"
        );
    }

    #[test]
    fn the_hurt_partner_makes_a_request_and_the_involved_partner_accepts_it() {
        let mut c = World::new();
        let input = request("Text me when you leave work", every("daily"));
        assert_eq!(
            c.attempt(c.hurt, |s, a, n| make(s, a, n, &input)),
            Ok(CoupleEvent::Request(RequestEvent::Made {
                betrayal: c.betrayal,
                what: "Text me when you leave work".to_owned(),
                frequency: Frequency::Daily,
            }))
        );
        let r = c.run(c.hurt, |s, a, n| make(s, a, n, &input));
        assert_eq!(
            c.couple
                .requests
                .awaiting_answer_from(&c.couple.space, c.involved)
                .len(),
            1
        );
        c.run(c.involved, |s, a, _| accept(s, a, r));
        let made = c.couple.requests.get(r).unwrap();
        assert_eq!(made.status, RequestStatus::Active);
        assert_eq!(made.agreed_on(), Some(date!(2026 - 03 - 02)));
        assert_eq!(
            c.attempt(c.involved, |s, a, _| accept(s, a, r)),
            Err(Refusal::Conflict("This request has already been agreed."))
        );
    }

    #[test]
    fn the_coach_asks_when_only_while_the_form_has_no_rhythm() {
        use crate::coach::Code;
        let codes =
            |input: &RequestInput| -> Vec<Code> { input.coach().iter().map(|f| f.code).collect() };
        let unsaid = request("Text me", FrequencyInput::default());
        assert!(codes(&unsaid).contains(&Code::NoWhen));
        let daily = request("Text me", every("daily"));
        assert!(!codes(&daily).contains(&Code::NoWhen));
        let vague = request("Be more present", every("weekly"));
        assert!(codes(&vague).contains(&Code::Vague));
    }

    #[test]
    fn a_vague_request_gets_advice_but_can_still_be_made() {
        let mut c = World::new();
        let input = request("Be more present", every("daily"));
        assert!(!input.coach().is_empty());
        let r = c.run(c.hurt, |s, a, n| make(s, a, n, &input));
        assert_eq!(
            c.couple.requests.get(r).map(|r| r.terms.what.as_str()),
            Some("Be more present")
        );
    }

    #[test]
    fn an_accepted_alternative_becomes_the_terms_and_a_declined_one_returns_the_request() {
        let mut c = World::new();
        let r = c.run(c.hurt, |s, a, n| {
            make(s, a, n, &request("Call me at lunch", every("daily")))
        });
        let alternative = AlternativeInput {
            what: "Call me at lunch".to_owned(),
            when: FrequencyInput {
                times_per_week: "3".to_owned(),
                ..every("weekly")
            },
        };
        c.run(c.involved, |s, a, n| {
            propose_alternative(s, a, n, r, &alternative)
        });
        assert_eq!(
            c.attempt(c.involved, |s, a, _| accept(s, a, r)),
            Err(Refusal::Conflict(
                "An alternative is waiting for your partner's answer."
            ))
        );
        let decline = AlternativeAnswerInput {
            answer: "decline".to_owned(),
            note: "Lunch is when I worry most.".to_owned(),
        };
        c.run(c.hurt, |s, a, _| answer_alternative(s, a, r, &decline));
        let declined = c.couple.requests.get(r).unwrap();
        assert_eq!(declined.status, RequestStatus::AwaitingAnswer);
        assert_eq!(declined.terms.frequency, Frequency::Daily);
        assert_eq!(declined.alternative, None);

        c.run(c.involved, |s, a, n| {
            propose_alternative(s, a, n, r, &alternative)
        });
        let waiting = c
            .couple
            .requests
            .awaiting_answer_from(&c.couple.space, c.hurt);
        assert_eq!(waiting.len(), 1);
        let accept_it = AlternativeAnswerInput {
            answer: "accept".to_owned(),
            note: String::new(),
        };
        c.run(c.hurt, |s, a, _| answer_alternative(s, a, r, &accept_it));
        let agreed = c.couple.requests.get(r).unwrap();
        assert_eq!(agreed.status, RequestStatus::Active);
        assert_eq!(
            agreed.terms.frequency,
            Frequency::Weekly { times: 3, on: None }
        );
        assert_eq!(
            c.attempt(c.hurt, |s, a, _| answer_alternative(s, a, r, &accept_it)),
            Err(Refusal::Conflict(
                "There is no alternative waiting for your answer."
            ))
        );
        let kinds: Vec<_> = agreed
            .history()
            .iter()
            .map(|item| match item {
                HistoryItem::Change(step) => match step.change {
                    Change::Made(_) => "made",
                    Change::AlternativeProposed(_) => "proposed",
                    Change::AlternativeDeclined { .. } => "declined",
                    Change::AlternativeAccepted => "accepted",
                    _ => "other",
                },
                HistoryItem::Fulfilment(_) => "fulfilment",
            })
            .collect();
        assert_eq!(
            kinds,
            vec!["accepted", "proposed", "declined", "proposed", "made"]
        );
    }

    #[test]
    fn pausing_and_retiring_need_a_reason_and_fit_the_status() {
        let mut c = World::new();
        let r = agreed(&mut c, every("daily"));
        assert!(matches!(
            c.attempt(c.involved, |s, a, _| pause(s, a, r, &because("  "))),
            Err(Refusal::Invalid {
                field: "reason",
                ..
            })
        ));
        assert_eq!(
            c.attempt(c.hurt, |s, a, _| resume(s, a, r)),
            Err(Refusal::Conflict("This request is not paused."))
        );
        c.run(c.involved, |s, a, _| {
            pause(s, a, r, &because("Away for a work trip"))
        });
        assert_eq!(
            c.couple.requests.get(r).unwrap().status,
            RequestStatus::Paused
        );
        assert!(matches!(
            c.attempt(c.involved, |s, a, n| log_fulfilment(s, a, n, r, &on(""))),
            Err(Refusal::Conflict(_))
        ));
        c.run(c.hurt, |s, a, _| resume(s, a, r));
        c.run(c.hurt, |s, a, _| {
            retire(s, a, r, &because("I don't need it any more"))
        });
        let retired = c.couple.requests.get(r).unwrap();
        assert_eq!(retired.status, RequestStatus::Retired);
        assert!(matches!(
            retired.changes.last().map(|c| &c.change),
            Some(Change::Retired { reason }) if reason == "I don't need it any more"
        ));
        assert_eq!(
            c.attempt(c.involved, |s, a, _| retire(s, a, r, &because("x"))),
            Err(Refusal::Conflict("This request is already retired."))
        );
    }

    #[test]
    fn a_fulfilment_is_logged_on_a_past_day_since_agreement_and_confirmed_once() {
        let mut c = World::new();
        let r = agreed(&mut c, every("daily"));
        c.advance(Duration::days(3));
        assert!(matches!(
            c.attempt(c.involved, |s, a, n| log_fulfilment(
                s,
                a,
                n,
                r,
                &on("2026-03-06")
            )),
            Err(Refusal::Invalid {
                field: "happened_on",
                ..
            })
        ));
        assert!(matches!(
            c.attempt(c.involved, |s, a, n| log_fulfilment(
                s,
                a,
                n,
                r,
                &on("2026-03-01")
            )),
            Err(Refusal::Invalid {
                field: "happened_on",
                ..
            })
        ));
        assert_eq!(
            c.attempt(c.hurt, |s, a, n| log_fulfilment(s, a, n, r, &on(""))),
            Err(Refusal::NotAllowed(RepairAction::LogFulfilment.refusal()))
        );
        let yesterday = c.run(c.involved, |s, a, n| {
            log_fulfilment(s, a, n, r, &on("2026-03-04"))
        });
        let today = c.run(c.involved, |s, a, n| log_fulfilment(s, a, n, r, &on("")));
        assert_eq!(
            c.couple
                .requests
                .fulfilment(today)
                .map(|(_, f)| f.happened_on),
            Some(date!(2026 - 03 - 05))
        );
        let to_confirm = c
            .couple
            .requests
            .fulfilments_to_confirm_by(&c.couple.space, c.hurt);
        assert_eq!(to_confirm.len(), 2);

        c.run(c.hurt, |s, a, _| confirm_fulfilment(s, a, yesterday));
        assert_eq!(
            c.attempt(c.hurt, |s, a, _| confirm_fulfilment(s, a, yesterday)),
            Err(Refusal::Conflict("You have already confirmed this."))
        );
        assert_eq!(
            c.attempt(c.involved, |s, a, _| confirm_fulfilment(s, a, today)),
            Err(Refusal::NotAllowed(
                RepairAction::ConfirmFulfilment.refusal()
            ))
        );
        let left: Vec<_> = c
            .couple
            .requests
            .fulfilments_to_confirm_by(&c.couple.space, c.hurt)
            .iter()
            .map(|(_, f)| f.id)
            .collect();
        assert_eq!(left, vec![today]);
    }

    #[test]
    fn a_request_not_yet_agreed_takes_no_fulfilments() {
        let mut c = World::new();
        let r = c.run(c.hurt, |s, a, n| {
            make(s, a, n, &request("x", every("daily")))
        });
        assert!(matches!(
            c.attempt(c.involved, |s, a, n| log_fulfilment(s, a, n, r, &on(""))),
            Err(Refusal::Conflict(_))
        ));
    }

    /// Builds a daily request agreed on 2 March, paused 10–12 March
    /// (resumed on the 13th), done on the listed days.
    fn daily_with_pause(done: &[Date]) -> (World, EntryId) {
        let mut c = World::new();
        let r = agreed(&mut c, every("daily"));
        c.now = datetime!(2026-03-10 08:00 UTC);
        c.run(c.hurt, |s, a, _| pause(s, a, r, &because("Holiday apart")));
        c.now = datetime!(2026-03-13 08:00 UTC);
        c.run(c.hurt, |s, a, _| resume(s, a, r));
        c.now = datetime!(2026-03-31 20:00 UTC);
        for day in done {
            c.record(
                c.involved,
                CoupleEvent::Request(RequestEvent::FulfilmentLogged {
                    request: r,
                    happened_on: *day,
                    note: None,
                }),
            );
        }
        (c, r)
    }

    #[test]
    fn daily_reliability_counts_running_days_and_leaves_out_the_pause() {
        let done = [
            date!(2026 - 03 - 02),
            date!(2026 - 03 - 03),
            date!(2026 - 03 - 14),
            date!(2026 - 03 - 15),
            date!(2026 - 03 - 15),
            date!(2026 - 03 - 20),
        ];
        let (c, r) = daily_with_pause(&done);
        let request = c.couple.requests.get(r).unwrap();

        // 14–20 March: seven running days, today (the 20th) done; four days.
        let week = request.reliability(date!(2026 - 03 - 20), 7);
        assert_eq!((week.done, week.expected), (3, Some(7)));
        assert_eq!(week.percent(), Some(42));

        // 2–20 March, 30-day window: running 2–9 and 13–20 = 16 days.
        let month = request.reliability(date!(2026 - 03 - 20), 30);
        assert_eq!((month.done, month.expected), (5, Some(16)));

        // On the 21st, nothing done yet: the day is still open, so the
        // expectation stays at 16 (2–9 and 13–20 March).
        let next = request.reliability(date!(2026 - 03 - 21), 30);
        assert_eq!(next.expected, Some(16));
    }

    #[test]
    fn weekly_reliability_is_pro_rated_in_whole_occasions() {
        let mut c = World::new();
        let r = agreed(
            &mut c,
            FrequencyInput {
                times_per_week: "3".to_owned(),
                ..every("weekly")
            },
        );
        c.now = datetime!(2026-03-12 20:00 UTC);
        for day in ["2026-03-03", "2026-03-05", "2026-03-09"] {
            c.run(c.involved, |s, a, n| log_fulfilment(s, a, n, r, &on(day)));
        }
        let request = c.couple.requests.get(r).unwrap();
        // Agreed on the 2nd; on the 12th (not done today) ten days are over:
        // 3 × 10 / 7 = 4 whole occasions.
        let month = request.reliability(date!(2026 - 03 - 12), 30);
        assert_eq!((month.done, month.expected), (3, Some(4)));
        // The last 7 days (6–12 March), six of them over: 3 × 6 / 7 = 2.
        let week = request.reliability(date!(2026 - 03 - 12), 7);
        assert_eq!((week.done, week.expected), (1, Some(2)));
    }

    #[test]
    fn a_named_weekday_expects_that_day_only() {
        let mut c = World::new();
        // 2 March 2026 is a Monday.
        let r = agreed(
            &mut c,
            FrequencyInput {
                weekday: "sunday".to_owned(),
                ..every("weekly")
            },
        );
        c.now = datetime!(2026-03-20 20:00 UTC);
        c.run(c.involved, |s, a, n| {
            log_fulfilment(s, a, n, r, &on("2026-03-08"))
        });
        let request = c.couple.requests.get(r).unwrap();
        // Sundays 8 and 15 March are over.
        let month = request.reliability(date!(2026 - 03 - 20), 30);
        assert_eq!((month.done, month.expected), (1, Some(2)));
        assert!(request.is_due_on(date!(2026 - 03 - 22)));
        assert!(!request.is_due_on(date!(2026 - 03 - 21)));
    }

    #[test]
    fn a_one_off_is_expected_once_its_date_is_in_the_window() {
        let mut c = World::new();
        let r = agreed(
            &mut c,
            FrequencyInput {
                by_date: "2026-03-10".to_owned(),
                ..every("by_date")
            },
        );
        let request = c.couple.requests.get(r).unwrap();
        assert_eq!(
            request.reliability(date!(2026 - 03 - 09), 7).expected,
            Some(0)
        );
        assert_eq!(
            request.reliability(date!(2026 - 03 - 11), 7),
            Reliability {
                days: 7,
                done: 0,
                confirmed: 0,
                expected: Some(1)
            }
        );
        assert!(request.is_due_on(date!(2026 - 03 - 10)));
        assert!(!request.is_due_on(date!(2026 - 03 - 09)));

        c.now = datetime!(2026-03-04 12:00 UTC);
        c.run(c.involved, |s, a, n| log_fulfilment(s, a, n, r, &on("")));
        let request = c.couple.requests.get(r).unwrap();
        // Done on the 4th, counted where the date falls even on the 16th,
        // when the 4th is outside the last seven days.
        let later = request.reliability(date!(2026 - 03 - 16), 7);
        assert_eq!((later.done, later.expected), (1, Some(1)));
        assert!(!request.is_due_on(date!(2026 - 03 - 10)));
        assert_eq!(
            c.attempt(c.involved, |s, a, n| log_fulfilment(s, a, n, r, &on(""))),
            Err(Refusal::Conflict("This one-off request is already done."))
        );
    }

    #[test]
    fn each_time_reports_done_and_confirmed_without_an_expectation() {
        let mut c = World::new();
        let r = agreed(
            &mut c,
            FrequencyInput {
                trigger: "you see her at work".to_owned(),
                ..every("each_time")
            },
        );
        c.now = datetime!(2026-03-05 18:00 UTC);
        let f = c.run(c.involved, |s, a, n| {
            log_fulfilment(s, a, n, r, &on("2026-03-03"))
        });
        c.run(c.involved, |s, a, n| log_fulfilment(s, a, n, r, &on("")));
        c.run(c.hurt, |s, a, _| confirm_fulfilment(s, a, f));
        let request = c.couple.requests.get(r).unwrap();
        let week = request.reliability(date!(2026 - 03 - 05), 7);
        assert_eq!(
            week,
            Reliability {
                days: 7,
                done: 2,
                confirmed: 1,
                expected: None
            }
        );
        assert_eq!(week.percent(), None);
        assert!(!request.is_due_on(date!(2026 - 03 - 05)));
    }

    #[test]
    fn due_today_lists_what_is_still_open_today() {
        let mut c = World::new();
        let daily = agreed(&mut c, every("daily"));
        let weekly = agreed(
            &mut c,
            FrequencyInput {
                times_per_week: "2".to_owned(),
                ..every("weekly")
            },
        );
        let waiting = c.run(c.hurt, |s, a, n| {
            make(s, a, n, &request("x", every("daily")))
        });
        let today = date!(2026 - 03 - 02);
        let due: Vec<_> = c
            .couple
            .requests
            .due_on(today)
            .iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(due, vec![daily, weekly]);
        assert!(!c.couple.requests.get(waiting).unwrap().is_due_on(today));

        c.run(c.involved, |s, a, n| {
            log_fulfilment(s, a, n, daily, &on(""))
        });
        c.run(c.involved, |s, a, n| {
            log_fulfilment(s, a, n, weekly, &on(""))
        });
        assert!(c.couple.requests.due_on(today).is_empty());
        // Two a week: one done on the 2nd keeps pace until the 5th
        // (2 × 4 / 7 rounds up to 2).
        assert!(!c
            .couple
            .requests
            .get(weekly)
            .unwrap()
            .is_due_on(date!(2026 - 03 - 04)));
        assert!(c
            .couple
            .requests
            .get(weekly)
            .unwrap()
            .is_due_on(date!(2026 - 03 - 05)));
        assert_eq!(
            c.couple
                .requests
                .due_for(&c.couple.space, c.involved, date!(2026 - 03 - 03))
                .iter()
                .map(|r| r.id)
                .collect::<Vec<_>>(),
            vec![daily]
        );
        assert!(c
            .couple
            .requests
            .due_for(&c.couple.space, c.hurt, date!(2026 - 03 - 03))
            .is_empty());
    }

    #[test]
    fn every_request_event_survives_the_stored_json() {
        let r = EntryId(4);
        let events = [
            (
                RequestEvent::Made {
                    betrayal: EntryId(2),
                    what: "w".to_owned(),
                    frequency: Frequency::EachTime {
                        trigger: "t".to_owned(),
                    },
                },
                "made",
            ),
            (RequestEvent::Accepted { request: r }, "accepted"),
            (
                RequestEvent::AlternativeProposed {
                    request: r,
                    what: "w".to_owned(),
                    frequency: Frequency::Weekly {
                        times: 1,
                        on: Some(Weekday::Friday),
                    },
                },
                "alternative_proposed",
            ),
            (
                RequestEvent::AlternativeAccepted { request: r },
                "alternative_accepted",
            ),
            (
                RequestEvent::AlternativeDeclined {
                    request: r,
                    note: Some("n".to_owned()),
                },
                "alternative_declined",
            ),
            (
                RequestEvent::Paused {
                    request: r,
                    reason: "why".to_owned(),
                },
                "paused",
            ),
            (RequestEvent::Resumed { request: r }, "resumed"),
            (
                RequestEvent::Retired {
                    request: r,
                    reason: "why".to_owned(),
                },
                "retired",
            ),
            (
                RequestEvent::FulfilmentLogged {
                    request: r,
                    happened_on: date!(2026 - 03 - 04),
                    note: None,
                },
                "fulfilment_logged",
            ),
            (
                RequestEvent::FulfilmentConfirmed {
                    request: r,
                    fulfilment: EntryId(9),
                },
                "fulfilment_confirmed",
            ),
        ];
        for (event, tag) in &events {
            assert_round_trip(event, tag);
        }
        for frequency in [
            Frequency::Daily,
            Frequency::Weekly { times: 3, on: None },
            Frequency::ByDate {
                date: date!(2026 - 04 - 01),
            },
        ] {
            let made = RequestEvent::Made {
                betrayal: EntryId(2),
                what: "w".to_owned(),
                frequency,
            };
            assert_round_trip(&made, "made");
        }
        let json = serde_json::to_value(&events[2].0).unwrap();
        assert_eq!(
            json["frequency"],
            serde_json::json!({"every": "weekly", "times": 1, "on": "friday"})
        );
        let json = serde_json::to_value(&events[8].0).unwrap();
        assert_eq!(json["happened_on"], "2026-03-04");
    }
}
