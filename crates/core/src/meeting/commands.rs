//! The weekly meeting's decisions.

use super::events::{AgendaItem, MeetingDay, MeetingEvent};
use super::queries::{check_add_item, check_agree, check_mark_held};
use super::state::Meetings;
use crate::access::room::*;
use crate::kernel::refusal::FieldChecks;
use crate::kernel::text::Field;

const ITEM: Field = Field::new("text", 500);
const FEEL: Field = Field::new("feel", 200);
const ABOUT: Field = Field::new("about", 300);
const NEED: Field = Field::new("need", 300);
const AGREED: Field = Field::new("agreed", 1000);
const ZONE: Field = Field::new("zone", 64);

/// Proposes a weekly day and time, read on the proposer's clock in `zone`;
/// `time` is "HH:MM".
pub fn propose_time(
    acting: Acting<Meetings>,
    day: &str,
    time: &str,
    zone: &str,
) -> Result<MeetingEvent, Refusal> {
    repair_rules::member(acting.space, acting.actor)?;
    let mut checks = FieldChecks::default();
    let day = checks.check(
        MeetingDay::parse(day).ok_or_else(|| Refusal::invalid("day", "Please choose a day.")),
    )?;
    let clock = checks.check(read_clock(time))?;
    let zone = checks.check(ZONE.required(zone))?;
    checks.finish()?;
    match (day, clock, zone) {
        (Some(day), Some((hour, minute)), Some(zone)) => Ok(MeetingEvent::TimeProposed {
            day,
            hour,
            minute,
            zone,
        }),
        _ => Err(Refusal::invalid("day", "Please check the form.")),
    }
}

/// "19:00" as hour and minute.
fn read_clock(raw: &str) -> Result<(u8, u8), Refusal> {
    let refused = || Refusal::invalid("time", "Please choose a time, such as 19:00.");
    let (hour, minute) = raw.trim().split_once(':').ok_or_else(refused)?;
    let hour: u8 = hour.parse().map_err(|_| refused())?;
    let minute: u8 = minute.parse().map_err(|_| refused())?;
    if hour > 23 || minute > 59 {
        return Err(refused());
    }
    Ok((hour, minute))
}

/// Agrees to the partner's proposed day and time.
pub fn agree_time(acting: Acting<Meetings>, proposal: EntryId) -> Result<MeetingEvent, Refusal> {
    check_agree(acting, proposal)?;
    Ok(MeetingEvent::TimeAgreed { proposal })
}

/// The fields of an agenda item as typed: `part` names the part of the
/// meeting; a concern fills `feel`, `about` and `need`, the others `text`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ItemInput<'a> {
    pub part: &'a str,
    pub text: &'a str,
    pub feel: &'a str,
    pub about: &'a str,
    pub need: &'a str,
}

/// Adds an item to the next meeting's agenda; a concern's three parts are
/// checked at once.
pub fn add_item(acting: Acting<Meetings>, input: ItemInput) -> Result<MeetingEvent, Refusal> {
    check_add_item(acting)?;
    let item = match input.part.trim() {
        "appreciation" => AgendaItem::Appreciation {
            text: ITEM.required(input.text)?,
        },
        "went_well" => AgendaItem::WentWell {
            text: ITEM.required(input.text)?,
        },
        "plan" => AgendaItem::Plan {
            text: ITEM.required(input.text)?,
        },
        "concern" => concern(input)?,
        _ => {
            return Err(Refusal::invalid(
                "part",
                "Please choose a part of the meeting.",
            ))
        }
    };
    Ok(MeetingEvent::ItemAdded { item })
}

fn concern(input: ItemInput) -> Result<AgendaItem, Refusal> {
    let mut checks = FieldChecks::default();
    let feel = checks.check(FEEL.required(input.feel))?;
    let about = checks.check(ABOUT.required(input.about))?;
    let need = checks.check(NEED.required(input.need))?;
    checks.finish()?;
    match (feel, about, need) {
        (Some(feel), Some(about), Some(need)) => Ok(AgendaItem::Concern { feel, about, need }),
        _ => Err(Refusal::invalid("feel", "Please check the form.")),
    }
}

/// Says the next meeting was held, with the items the author talked
/// about (only those on its agenda count) and an optional word on what
/// was agreed.
pub fn mark_held(
    acting: Acting<Meetings>,
    covered: &[EntryId],
    agreed: &str,
) -> Result<MeetingEvent, Refusal> {
    check_mark_held(acting)?;
    let agenda = acting.room.agenda();
    let mut covered: Vec<EntryId> = covered
        .iter()
        .copied()
        .filter(|id| agenda.iter().any(|i| i.id == *id && !i.is_appreciation()))
        .collect();
    covered.sort_by_key(|id| id.0);
    covered.dedup();
    Ok(MeetingEvent::HeldMarked {
        round: acting.room.next_number(),
        covered,
        agreed: AGREED.optional(agreed)?,
    })
}
