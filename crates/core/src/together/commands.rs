//! The time-together room's decisions.

use super::events::{Connection, PrivateTogetherEvent, TogetherEvent};
use super::queries::{check_answer, check_happened};
use super::state::Together;
use crate::access::room::*;
use crate::kernel::refusal::FieldChecks;
use crate::kernel::text::Field;
use time::{Duration, OffsetDateTime};

/// What a command of this room decides: its event, or why not.
type Decided = Result<TogetherEvent, Refusal>;

const WHAT: Field = Field::new("what", 200);
const LINE: Field = Field::new("line", 500);
const RITUAL: Field = Field::new("ritual", 200);

/// How far ahead time together may be planned.
pub const FURTHEST: Duration = Duration::days(366);

/// A time typed by the person, already read on their own wall clock by
/// the web side (a skipped time refused, a repeated one asked about).
pub type TypedTime = Result<OffsetDateTime, Refusal>;

fn still_to_come(at: TypedTime, now: OffsetDateTime) -> Result<OffsetDateTime, Refusal> {
    let at = at?;
    if at <= now {
        return Err(Refusal::invalid(
            "at",
            "Please choose a time that is still to come.",
        ));
    }
    if at > now + FURTHEST {
        return Err(Refusal::invalid(
            "at",
            "Please choose a time within the next year.",
        ));
    }
    Ok(at)
}

/// Suggests time together; every field is checked at once.
pub fn suggest(
    acting: Acting<Together>,
    now: OffsetDateTime,
    what: &str,
    at: TypedTime,
) -> Decided {
    repair_rules::member(acting.space, acting.actor)?;
    let mut checks = FieldChecks::default();
    let what = checks.check(WHAT.required(what))?;
    let at = checks.check(still_to_come(at, now))?;
    checks.finish()?;
    match (what, at) {
        (Some(what), Some(at)) => Ok(TogetherEvent::Suggested { what, at }),
        _ => Err(Refusal::invalid("what", "Please check the form.")),
    }
}

/// How the partner who was asked answers: `accept`, `decline`, or `move`
/// with another time.
pub fn answer(
    acting: Acting<Together>,
    now: OffsetDateTime,
    plan: EntryId,
    answer: &str,
    at: TypedTime,
) -> Decided {
    check_answer(acting, plan)?;
    match answer.trim() {
        "accept" => Ok(TogetherEvent::Accepted { plan }),
        "decline" => Ok(TogetherEvent::Declined { plan }),
        "move" => Ok(TogetherEvent::Moved {
            plan,
            at: still_to_come(at, now)?,
        }),
        _ => Err(Refusal::invalid(
            "answer",
            "Please choose to accept, suggest another time, or say not this time.",
        )),
    }
}

/// What saying how it went writes: a shared word in the couple stream, or
/// "it happened" there and the word in the author's own stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HowItWent {
    Shared(TogetherEvent),
    Kept(TogetherEvent, PrivateTogetherEvent),
}

/// Says how time together went: how connected (1 to 5), an optional line,
/// `only_me` to keep it.
pub fn how_it_went(
    acting: Acting<Together>,
    now: OffsetDateTime,
    plan: EntryId,
    connection: &str,
    line: &str,
    keep: &str,
) -> Result<HowItWent, Refusal> {
    check_happened(acting, now, plan)?;
    let mut checks = FieldChecks::default();
    let connection = checks.check(
        connection
            .trim()
            .parse()
            .ok()
            .and_then(Connection::new)
            .ok_or_else(|| {
                Refusal::invalid(
                    "connection",
                    "Please choose how connected you felt, from 1 to 5.",
                )
            }),
    )?;
    let line = checks.check(LINE.optional(line))?;
    checks.finish()?;
    let (Some(connection), Some(line)) = (connection, line) else {
        return Err(Refusal::invalid("connection", "Please check the form."));
    };
    Ok(if keep.trim() == "only_me" {
        HowItWent::Kept(
            TogetherEvent::Happened { plan },
            PrivateTogetherEvent::Kept {
                plan,
                connection,
                line,
            },
        )
    } else {
        HowItWent::Shared(TogetherEvent::Shared {
            plan,
            connection,
            line,
        })
    })
}

/// How many rituals a couple keeps at once: a few small things, not a
/// list of duties.
pub const RITUALS: usize = 5;

/// Begins a small recurring thing to do together.
pub fn begin_ritual(acting: Acting<Together>, what: &str) -> Decided {
    repair_rules::member(acting.space, acting.actor)?;
    let what = RITUAL.required(what)?;
    let kept = acting
        .room
        .rituals()
        .iter()
        .filter(|r| r.set_aside.is_none());
    if kept.count() >= RITUALS {
        return Err(Refusal::Conflict(
            "Five rituals are kept already; set one aside before adding another.",
        ));
    }
    Ok(TogetherEvent::RitualBegun { what })
}

/// Marks a ritual done on `today`, the person's own calendar day.
pub fn ritual_done(acting: Acting<Together>, today: time::Date, ritual: EntryId) -> Decided {
    super::queries::check_ritual_done(acting, today, ritual)?;
    Ok(TogetherEvent::RitualDone { ritual, on: today })
}

/// Sets a ritual aside.
pub fn set_ritual_aside(acting: Acting<Together>, ritual: EntryId) -> Decided {
    super::queries::check_set_aside(acting, ritual)?;
    Ok(TogetherEvent::RitualSetAside { ritual })
}
