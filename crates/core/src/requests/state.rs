//! Every request with its history, folded from the events.

use super::events::{Frequency, RequestEvent};
use crate::kernel::entries;
use crate::kernel::event::{Meta, Stamp};
use crate::kernel::ids::{EntryId, UserId};
use std::collections::BTreeMap;
use time::{Date, Duration, OffsetDateTime, UtcOffset};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Terms {
    pub what: String,
    pub frequency: Frequency,
}

/// One step in a request's life.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StatusChange {
    pub id: EntryId,
    pub by: UserId,
    pub at: OffsetDateTime,
    pub change: Change,
}

impl StatusChange {
    fn new(meta: &Meta, change: Change) -> Self {
        Self {
            id: meta.entry(),
            by: meta.author,
            at: meta.at,
            change,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Fulfilment {
    pub id: EntryId,
    pub happened_on: Date,
    pub logged_at: OffsetDateTime,
    pub by: UserId,
    pub note: Option<String>,
    /// Who confirmed it, and when.
    pub confirmation: Option<Stamp>,
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
    /// Moves the request to where a status step leaves it.
    fn follow(&mut self, change: &Change) {
        self.status = match change {
            Change::Made(_) | Change::AlternativeDeclined { .. } => RequestStatus::AwaitingAnswer,
            Change::Accepted | Change::Resumed => RequestStatus::Active,
            Change::AlternativeProposed(alternative) => {
                self.alternative = Some(alternative.clone());
                RequestStatus::AlternativeProposed
            }
            Change::AlternativeAccepted => {
                if let Some(terms) = self.alternative.take() {
                    self.terms = terms;
                }
                RequestStatus::Active
            }
            Change::Paused { .. } => RequestStatus::Paused,
            Change::Retired { .. } => RequestStatus::Retired,
        };
        if matches!(
            change,
            Change::AlternativeDeclined { .. } | Change::Retired { .. }
        ) {
            self.alternative = None;
        }
    }

    /// What was first asked, once an alternative the other partner proposed
    /// was agreed instead: the page shows both, each with its author.
    pub fn first_asked_before_alternative(&self) -> Option<&Terms> {
        let replaced = self
            .changes
            .iter()
            .any(|c| matches!(c.change, Change::AlternativeAccepted));
        match self.changes.first() {
            Some(StatusChange {
                change: Change::Made(first),
                ..
            }) if replaced => Some(first),
            _ => None,
        }
    }

    /// Whether `day` already has its fulfilment: one per occurrence of the
    /// rhythm, a day for a daily or weekly request. Each time a trigger
    /// happens is its own occurrence, and a request by a date is done once
    /// (a step of its own, refused by `check_log_fulfilment`).
    pub fn day_taken(&self, day: Date) -> bool {
        let per_day = matches!(
            self.terms.frequency,
            Frequency::Daily | Frequency::Weekly { .. }
        );
        per_day && self.fulfilments.iter().any(|f| f.happened_on == day)
    }

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

fn terms(what: &str, frequency: &Frequency) -> Terms {
    Terms {
        what: what.to_owned(),
        frequency: frequency.clone(),
    }
}

/// The request a status event names and the step it records; `None` for the
/// events that make a request or log and confirm its fulfilments.
fn status_step(event: &RequestEvent) -> Option<(EntryId, Change)> {
    let step = match event {
        RequestEvent::Accepted { request } => (*request, Change::Accepted),
        RequestEvent::AlternativeProposed {
            request,
            what,
            frequency,
        } => (
            *request,
            Change::AlternativeProposed(terms(what, frequency)),
        ),
        RequestEvent::AlternativeAccepted { request } => (*request, Change::AlternativeAccepted),
        RequestEvent::AlternativeDeclined { request, note } => {
            (*request, Change::AlternativeDeclined { note: note.clone() })
        }
        RequestEvent::Paused { request, reason } => (
            *request,
            Change::Paused {
                reason: reason.clone(),
            },
        ),
        RequestEvent::Resumed { request } => (*request, Change::Resumed),
        RequestEvent::Retired { request, reason } => (
            *request,
            Change::Retired {
                reason: reason.clone(),
            },
        ),
        RequestEvent::Made { .. }
        | RequestEvent::FulfilmentLogged { .. }
        | RequestEvent::FulfilmentConfirmed { .. } => return None,
    };
    Some(step)
}

fn window(first: Date, last: Date) -> impl Iterator<Item = Date> {
    std::iter::successors(Some(first), |d| d.next_day()).take_while(move |d| *d <= last)
}

fn count<T>(items: impl Iterator<Item = T>) -> u32 {
    u32::try_from(items.count()).unwrap_or(u32::MAX)
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Requests {
    /// In the order made; ids grow with it.
    pub(super) requests: Vec<Request>,
    /// What the partners did about requests their author withdrew (or that
    /// this fold never read, their payload gone): it stays.
    answered_withdrawn: BTreeMap<EntryId, StepsKept>,
}

/// The steps taken on a request after it was made, and each time it was
/// done: what stays once its author withdrew it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StepsKept {
    pub changes: Vec<StatusChange>,
    pub fulfilments: Vec<Fulfilment>,
}

impl Requests {
    pub fn apply(&mut self, meta: &Meta, event: &RequestEvent) {
        match event {
            RequestEvent::Made {
                betrayal,
                what,
                frequency,
            } => self.push_made(meta, *betrayal, terms(what, frequency)),
            RequestEvent::FulfilmentLogged {
                request,
                happened_on,
                note,
            } => self.log_fulfilment(meta, *request, *happened_on, note.clone()),
            RequestEvent::FulfilmentConfirmed {
                request,
                fulfilment,
            } => self.confirm_fulfilment(meta, *request, *fulfilment),
            step => {
                if let Some((request, change)) = status_step(step) {
                    self.update(meta, request, change);
                }
            }
        }
    }

    fn push_made(&mut self, meta: &Meta, betrayal: EntryId, terms: Terms) {
        let made = StatusChange::new(meta, Change::Made(terms.clone()));
        self.requests.push(Request {
            id: meta.entry(),
            betrayal,
            asked_by: meta.author,
            made_at: meta.at,
            terms,
            alternative: None,
            status: RequestStatus::AwaitingAnswer,
            changes: vec![made],
            fulfilments: Vec::new(),
        });
    }

    fn log_fulfilment(
        &mut self,
        meta: &Meta,
        request: EntryId,
        happened_on: Date,
        note: Option<String>,
    ) {
        let done = Fulfilment {
            id: meta.entry(),
            happened_on,
            logged_at: meta.at,
            by: meta.author,
            note,
            confirmation: None,
        };
        match entries::find_mut(&mut self.requests, request) {
            Some(r) => r.fulfilments.push(done),
            None => self.kept(request).fulfilments.push(done),
        }
    }

    fn confirm_fulfilment(&mut self, meta: &Meta, request: EntryId, fulfilment: EntryId) {
        let fulfilments = match entries::find_mut(&mut self.requests, request) {
            Some(r) => &mut r.fulfilments,
            None => &mut self.kept(request).fulfilments,
        };
        let found = fulfilments.iter_mut().find(|f| f.id == fulfilment);
        if let Some(f) = found {
            f.confirmation = Some(meta.stamp());
        }
    }

    fn update(&mut self, meta: &Meta, id: EntryId, change: Change) {
        match entries::find_mut(&mut self.requests, id) {
            Some(request) => {
                request.follow(&change);
                request.changes.push(StatusChange::new(meta, change));
            }
            None => self.kept(id).changes.push(StatusChange::new(meta, change)),
        }
    }

    /// Forgets a request its author withdrew, with every step taken on it:
    /// the same state as a fold that never read it.
    pub fn withdraw(&mut self, id: EntryId) {
        if let Some(request) = self.get(id).cloned() {
            let kept = self.kept(id);
            kept.changes = request
                .changes
                .into_iter()
                .filter(|c| !matches!(c.change, Change::Made(_)))
                .collect();
            kept.fulfilments = request.fulfilments;
        }
        self.requests.retain(|r| r.id != id);
    }

    /// Where the steps on a request this fold does not hold are kept.
    fn kept(&mut self, id: EntryId) -> &mut StepsKept {
        self.answered_withdrawn.entry(id).or_default()
    }

    /// What was done about a request its author withdrew, if anything.
    pub fn steps_of_withdrawn(&self, id: EntryId) -> Option<&StepsKept> {
        self.answered_withdrawn.get(&id)
    }

    pub fn get(&self, id: EntryId) -> Option<&Request> {
        entries::find(&self.requests, id)
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

    /// The same requests with each step's instant read on the wall clock of
    /// the partner who does the request, so the days a request was agreed,
    /// ran and was paused are that partner's days, wherever the viewer is.
    /// `doers_offset` gives, for a request's betrayal and an instant, the
    /// offset from UTC the doer's clock showed then (the web side reads it
    /// from their time zone; core knows no zones). No instant moves.
    pub fn on_doers_clock(
        &self,
        doers_offset: impl Fn(EntryId, OffsetDateTime) -> UtcOffset,
    ) -> Requests {
        let mut requests = self.clone();
        for request in &mut requests.requests {
            let betrayal = request.betrayal;
            for change in &mut request.changes {
                let offset = doers_offset(betrayal, change.at);
                change.at = change.at.checked_to_offset(offset).unwrap_or(change.at);
            }
        }
        requests
    }

    /// Every request that asks for something today, oldest first.
    pub fn due_on(&self, today: Date) -> Vec<&Request> {
        self.requests
            .iter()
            .filter(|r| r.is_due_on(today))
            .collect()
    }
}

crate::access::room::repair_entry!(Request);
