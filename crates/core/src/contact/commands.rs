//! The contact room's decisions: check the step (as `can_*` does), then
//! the text, and return the event to record.

use super::events::{ContactChannel, ContactEvent};
use super::queries::check_acknowledge;
use super::state::ContactReports;
pub use crate::access::repair_rules::AcknowledgementInput;
use crate::access::room::*;
use crate::kernel::text::Field;
use time::{OffsetDateTime, PrimitiveDateTime};

/// What a command of this room decides: its event, or why not.
type Decided = Result<ContactEvent, Refusal>;

#[derive(Debug, Clone)]
pub struct ContactReportInput {
    pub betrayal: String,
    /// When the contact happened: the web layer reads the time the person
    /// typed on their own wall clock (`parse_wall_time`) in their zone.
    pub happened_at: OffsetDateTime,
    /// One of `ContactChannel::code`.
    pub channel: String,
    pub what_was_said: String,
    pub how_i_responded: String,
}

/// Reads an HTML `datetime-local` value (`2026-03-14T18:30`) as a time on a
/// wall clock, in no zone yet. Years before 2000 are refused: no contact of
/// this record is older, and the far edges of the calendar have no instant
/// in some zones.
pub fn parse_wall_time(field: &'static str, raw: &str) -> Result<PrimitiveDateTime, Refusal> {
    let raw = raw.trim();
    let with_seconds =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    let without_seconds = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    let local = PrimitiveDateTime::parse(raw, without_seconds)
        .or_else(|_| PrimitiveDateTime::parse(raw, with_seconds))
        .map_err(|_| {
            Refusal::invalid(field, "Please give a date and time like 2026-03-14 18:30.")
        })?;
    if local.year() < 2000 || local.year() > 9000 {
        return Err(Refusal::invalid(field, "Please check the year."));
    }
    Ok(local)
}

const WHAT_WAS_SAID: Field = Field::new("what_was_said", 5_000);
const HOW_I_RESPONDED: Field = Field::new("how_i_responded", 5_000);

pub fn report(
    space: &SpaceState,
    actor: UserId,
    now: OffsetDateTime,
    input: &ContactReportInput,
) -> Decided {
    let betrayal =
        repair_rules::choose_for(space, actor, &input.betrayal, RepairAction::ReportContact)?;
    let happened_at = input.happened_at;
    if happened_at > now {
        return Err(Refusal::invalid(
            "happened_at",
            "This time is still to come; please give when the contact happened.",
        ));
    }
    let channel = ContactChannel::parse(&input.channel)?;
    let what_was_said = WHAT_WAS_SAID.required(&input.what_was_said)?;
    let how_i_responded = HOW_I_RESPONDED.required(&input.how_i_responded)?;
    Ok(ContactEvent::Reported {
        betrayal,
        happened_at,
        channel,
        what_was_said,
        how_i_responded,
    })
}

pub fn acknowledge(
    acting: Acting<ContactReports>,
    report: EntryId,
    input: &AcknowledgementInput,
) -> Decided {
    check_acknowledge(acting, report)?;
    let response = input.response()?;
    Ok(ContactEvent::Acknowledged { report, response })
}
