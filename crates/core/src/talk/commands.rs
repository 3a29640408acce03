//! The talk room's decisions: check the step (as `can_*` does), then the
//! input, and return what to record.

use super::events::{PrivateTalkEvent, TalkAnswer, TalkEvent, TalkKind, TalkSoon};
use super::queries::*;
use super::state::Talks;
use crate::access::room::*;
use crate::kernel::refusal::FieldChecks;
use crate::kernel::text::Field;
use serde::Deserialize;
use time::OffsetDateTime;

/// What a command of this room decides: its event, or why not.
type Decided = Result<TalkEvent, Refusal>;

const TOPIC: Field = Field::new("topic", 300);
const SPACE_WORDS: Field = Field::new("space_words", 500);
const HOW_IT_WENT: Field = Field::new("how_it_went", 1_000);
const QUIET_NOTE: Field = Field::new("quiet_note", 500);

/// The most times an answer proposes.
pub const MOST_TIMES: usize = 3;
/// Space and a quiet period last one day to two weeks.
pub const MOST_DAYS: u8 = 14;

/// What the form asks; the web posts it as it is.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AskInput {
    /// One of `TalkKind::code`.
    pub kind: String,
    /// One of `TalkSoon::code`.
    pub soon: String,
    pub topic: String,
}

/// Asks for a talk; every field is checked before the kind's wait.
pub fn ask(acting: Acting<Talks>, now: OffsetDateTime, input: &AskInput) -> Decided {
    repair_rules::member(acting.space, acting.actor)?;
    let mut checks = FieldChecks::default();
    let kind = checks.check(TalkKind::parse(&input.kind))?;
    let soon = checks.check(TalkSoon::parse(&input.soon))?;
    let topic = checks.check(TOPIC.required(&input.topic))?;
    checks.finish()?;
    let (Some(kind), Some(soon), Some(topic)) = (kind, soon, topic) else {
        return Err(Refusal::invalid("topic", "Please check the form."));
    };
    check_ask(acting, now, kind)?;
    Ok(TalkEvent::Asked { kind, soon, topic })
}

/// A time the answerer typed, already read on their own wall clock (a
/// skipped time refused, a repeated one asked about) by the web side.
#[derive(Debug, Clone)]
pub struct ProposedTime {
    /// The form field it came from, marked if it is refused.
    pub field: &'static str,
    pub at: Result<OffsetDateTime, Refusal>,
}

#[derive(Debug, Clone, Default)]
pub struct AnswerInput {
    /// `now`, `at_a_time`, `at_quiet_talk` or `space`.
    pub choice: String,
    /// For `at_a_time`: the filled time fields, in order.
    pub times: Vec<ProposedTime>,
    /// For `space`: how many days, 1 to 14.
    pub days: String,
    /// For `space`: an optional sentence.
    pub words: String,
}

pub fn answer(
    acting: Acting<Talks>,
    now: OffsetDateTime,
    id: EntryId,
    input: &AnswerInput,
) -> Decided {
    check_answer(acting, id)?;
    let answer = match input.choice.trim() {
        "now" => TalkAnswer::Now,
        "at_a_time" => TalkAnswer::AtATime {
            times: proposed_times(now, &input.times)?,
        },
        "at_quiet_talk" => TalkAnswer::AtQuietTalk,
        "space" => {
            let mut checks = FieldChecks::default();
            let days = checks.check(parse_days("days", &input.days))?;
            let words = checks.check(SPACE_WORDS.optional(&input.words))?;
            checks.finish()?;
            TalkAnswer::Space {
                days: days.unwrap_or(1),
                words: words.flatten(),
            }
        }
        _ => return Err(Refusal::invalid("choice", "Please choose an answer.")),
    };
    Ok(TalkEvent::Answered {
        request: id,
        answer,
    })
}

/// One to three distinct times still to come, every problem named at once.
fn proposed_times(
    now: OffsetDateTime,
    typed: &[ProposedTime],
) -> Result<Vec<OffsetDateTime>, Refusal> {
    let first = typed.first().map_or("time_1", |t| t.field);
    if typed.is_empty() || typed.len() > MOST_TIMES {
        return Err(Refusal::invalid(
            first,
            "Please propose one to three times.",
        ));
    }
    let mut checks = FieldChecks::default();
    let mut times: Vec<OffsetDateTime> = Vec::new();
    for proposed in typed {
        let still_to_come = proposed.at.clone().and_then(|at| {
            if at <= now {
                Err(Refusal::invalid(
                    proposed.field,
                    "This time has passed; please give one still to come.",
                ))
            } else if times.contains(&at) {
                Err(Refusal::invalid(
                    proposed.field,
                    "This time is proposed twice.",
                ))
            } else {
                Ok(at)
            }
        });
        times.extend(checks.check(still_to_come)?);
    }
    checks.finish()?;
    Ok(times)
}

/// A number of days from 1 to 14.
pub fn parse_days(field: &'static str, raw: &str) -> Result<u8, Refusal> {
    raw.trim()
        .parse::<u8>()
        .ok()
        .filter(|days| (1..=MOST_DAYS).contains(days))
        .ok_or_else(|| Refusal::invalid(field, "Please choose from 1 to 14 days."))
}

/// The asker picks one of the proposed times, by its place in the list.
pub fn pick(acting: Acting<Talks>, id: EntryId, choice: &str) -> Decided {
    check_pick(acting, id)?;
    let times = acting
        .room
        .get(id)
        .map(|r| r.proposed_times())
        .unwrap_or(&[]);
    let at = choice
        .trim()
        .parse::<usize>()
        .ok()
        .and_then(|index| times.get(index))
        .ok_or_else(|| Refusal::invalid("time", "Please pick one of the times."))?;
    Ok(TalkEvent::TimePicked {
        request: id,
        at: *at,
    })
}

pub fn end_space(acting: Acting<Talks>, now: OffsetDateTime, id: EntryId) -> Decided {
    check_end_space(acting, now, id)?;
    Ok(TalkEvent::SpaceEnded { request: id })
}

pub fn withdraw(acting: Acting<Talks>, id: EntryId) -> Decided {
    check_withdraw(acting, id)?;
    Ok(TalkEvent::Withdrawn { request: id })
}

/// What the form asks; the web posts it as it is.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct HappenedInput {
    pub words: String,
    /// `only_me` keeps the word in the person's private stream; anything
    /// else shares it with the partner.
    pub keep: String,
}

/// "We talked": the mark is shared; a kept word goes to the private stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewHappened {
    pub shared: TalkEvent,
    pub kept: Option<PrivateTalkEvent>,
}

pub fn mark_happened(
    acting: Acting<Talks>,
    id: EntryId,
    input: &HappenedInput,
) -> Result<NewHappened, Refusal> {
    check_mark_happened(acting, id)?;
    let words = HOW_IT_WENT.optional(&input.words)?;
    let keep = input.keep.trim() == "only_me";
    let (shared, kept) = match words {
        Some(words) if keep => (
            None,
            Some(PrivateTalkEvent::HowItWent { request: id, words }),
        ),
        words => (words, None),
    };
    Ok(NewHappened {
        shared: TalkEvent::Happened {
            request: id,
            words: shared,
        },
        kept,
    })
}

/// Declares a quiet period of `days` from now, or renews one that is on.
pub fn declare_quiet(acting: Acting<Talks>, days: &str) -> Decided {
    check_declare_quiet(acting)?;
    Ok(TalkEvent::QuietDeclared {
        days: parse_days("quiet_days", days)?,
    })
}

pub fn end_quiet(acting: Acting<Talks>, now: OffsetDateTime) -> Decided {
    check_end_quiet(acting, now)?;
    Ok(TalkEvent::QuietEnded)
}

pub fn leave_quiet_note(acting: Acting<Talks>, now: OffsetDateTime, note: &str) -> Decided {
    check_leave_quiet_note(acting, now)?;
    Ok(TalkEvent::QuietNoteLeft {
        note: QUIET_NOTE.required(note)?,
    })
}
