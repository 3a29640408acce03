//! The requests room's decisions: check the step (as `can_*` does), then
//! the text, and return the event to record.

use super::events::{Frequency, RequestEvent, FREQUENCIES};
use super::queries::{
    check_answer_alternative, check_confirm_fulfilment, check_log_fulfilment, check_make,
    check_pause, check_respond, check_resume, check_retire,
};
use super::state::{Request, Requests, Terms};
use crate::access::room::*;
use crate::kernel::text::Field;
use crate::space::parse_optional_date;
use serde::Deserialize;
use time::{Date, OffsetDateTime};

/// What a command of this room decides: its event, or why not.
type Decided = Result<RequestEvent, Refusal>;

const WHAT: Field = Field::new("what", 1_000);
const TRIGGER: Field = Field::new("trigger", 300);
const NOTE: Field = Field::new("note", 1_000);
const REASON: Field = Field::new("reason", 1_000);

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
                let trigger = TRIGGER.required(&self.trigger)?;
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
                    raw => Some(crate::kernel::days::parse_weekday(raw).ok_or_else(|| {
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
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AlternativeAnswerInput {
    pub answer: String,
    pub note: String,
}

/// Pausing or retiring.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ReasonInput {
    pub reason: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct FulfilmentInput {
    /// `YYYY-MM-DD`; empty means today.
    pub happened_on: String,
    pub note: String,
}
fn terms(what: &str, when: &FrequencyInput, now: OffsetDateTime) -> Result<Terms, Refusal> {
    let what = WHAT.required(what)?;
    let frequency = when.parse(now.date())?;
    Ok(Terms { what, frequency })
}

pub fn make(
    space: &SpaceState,
    actor: UserId,
    now: OffsetDateTime,
    input: &RequestInput,
) -> Decided {
    let betrayal = check_make(space, actor, &input.betrayal)?;
    let Terms { what, frequency } = terms(&input.what, &input.when, now)?;
    Ok(RequestEvent::Made {
        betrayal,
        what,
        frequency,
    })
}

pub fn accept(acting: Acting<Requests>, request: EntryId) -> Decided {
    check_respond(acting, request)?;
    Ok(RequestEvent::Accepted { request })
}

pub fn propose_alternative(
    acting: Acting<Requests>,
    now: OffsetDateTime,
    request: EntryId,
    input: &AlternativeInput,
) -> Decided {
    check_respond(acting, request)?;
    let Terms { what, frequency } = terms(&input.what, &input.when, now)?;
    Ok(RequestEvent::AlternativeProposed {
        request,
        what,
        frequency,
    })
}

pub fn answer_alternative(
    acting: Acting<Requests>,
    request: EntryId,
    input: &AlternativeAnswerInput,
) -> Decided {
    check_answer_alternative(acting, request)?;
    match input.answer.trim() {
        "accept" => Ok(RequestEvent::AlternativeAccepted { request }),
        "decline" => Ok(RequestEvent::AlternativeDeclined {
            request,
            note: NOTE.optional(&input.note)?,
        }),
        _ => Err(Refusal::invalid(
            "answer",
            "Please choose whether to accept or decline the alternative.",
        )),
    }
}

pub fn pause(acting: Acting<Requests>, request: EntryId, input: &ReasonInput) -> Decided {
    check_pause(acting, request)?;
    let reason = reason(input)?;
    Ok(RequestEvent::Paused { request, reason })
}

pub fn resume(acting: Acting<Requests>, request: EntryId) -> Decided {
    check_resume(acting, request)?;
    Ok(RequestEvent::Resumed { request })
}

pub fn retire(acting: Acting<Requests>, request: EntryId, input: &ReasonInput) -> Decided {
    check_retire(acting, request)?;
    let reason = reason(input)?;
    Ok(RequestEvent::Retired { request, reason })
}

fn reason(input: &ReasonInput) -> Result<String, Refusal> {
    if input.reason.trim().is_empty() {
        return Err(Refusal::invalid(
            "reason",
            "Please say why, in a few words: it helps you both later.",
        ));
    }
    REASON.required(&input.reason)
}

pub fn log_fulfilment(
    acting: Acting<Requests>,
    now: OffsetDateTime,
    request: EntryId,
    input: &FulfilmentInput,
) -> Decided {
    let found = check_log_fulfilment(acting, request)?;
    let today = now.date();
    let happened_on = parse_optional_date("happened_on", &input.happened_on)?.unwrap_or(today);
    if happened_on > today {
        return Err(Refusal::invalid(
            "happened_on",
            "This date is still to come; please log it once it has happened.",
        ));
    }
    if found.agreed_on().is_some_and(|agreed| happened_on < agreed) {
        return Err(Refusal::invalid(
            "happened_on",
            "This request was agreed after that day; please choose a day from when it was agreed.",
        ));
    }
    if let Some(problem) = already_logged(found, happened_on) {
        return Err(Refusal::invalid("happened_on", problem));
    }
    let note = NOTE.optional(&input.note)?;
    Ok(RequestEvent::FulfilmentLogged {
        request,
        happened_on,
        note,
    })
}

fn already_logged(request: &Request, day: Date) -> Option<&'static str> {
    request.day_taken(day).then_some(
        "This is already logged for that day, and a day counts once. If it was another day, choose that date.",
    )
}

pub fn confirm_fulfilment(acting: Acting<Requests>, fulfilment: EntryId) -> Decided {
    let request = check_confirm_fulfilment(acting, fulfilment)?;
    Ok(RequestEvent::FulfilmentConfirmed {
        request: request.id,
        fulfilment,
    })
}
