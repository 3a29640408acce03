//! Creating a space, recording a betrayal, joining.

use super::*;
use crate::kernel::ids::UserId;
use crate::kernel::refusal::{FieldChecks, Refusal};
use crate::kernel::text;
use time::{Date, OffsetDateTime};

/// What a person fills in to record a betrayal.
#[derive(Debug, Clone, Default)]
pub struct BetrayalInput {
    pub kind: String,
    /// "me" when the person recording it was hurt, "partner" when their
    /// partner was.
    pub hurt: String,
    pub discovered_on: String,
    pub note: String,
}

impl BetrayalInput {
    /// Every field is read, so a form with several problems names them all.
    fn parse(&self, author: Slot, today: Date) -> Result<SpaceEvent, Refusal> {
        let mut checks = FieldChecks::default();
        let kind = checks.check(BetrayalKind::parse(&self.kind))?;
        let hurt = checks.check(match self.hurt.as_str() {
            "me" => Ok(author),
            "partner" => Ok(author.other()),
            _ => Err(Refusal::invalid(
                "hurt",
                "Please say who was hurt: you or your partner.",
            )),
        })?;
        let discovered_on = checks.check(
            parse_optional_date("discovered_on", &self.discovered_on).and_then(|day| match day {
                Some(day) if day > today => Err(Refusal::invalid(
                    "discovered_on",
                    "The date of discovery cannot be in the future.",
                )),
                day => Ok(day),
            }),
        )?;
        let note = checks.check(text::optional("note", &self.note, 2000))?;
        checks.finish()?;
        match (kind, hurt, discovered_on, note) {
            (Some(kind), Some(hurt), Some(discovered_on), Some(note)) => {
                Ok(SpaceEvent::BetrayalRecorded {
                    kind,
                    hurt,
                    discovered_on,
                    note,
                })
            }
            // `finish` refused whatever was missing.
            _ => Err(Refusal::invalid("kind", "Please check the form.")),
        }
    }
}

/// Parses an HTML date input (`YYYY-MM-DD`); empty means none.
pub fn parse_optional_date(field: &'static str, raw: &str) -> Result<Option<Date>, Refusal> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(raw, format)
        .map(Some)
        .map_err(|_| Refusal::invalid(field, "Please give a date like 2026-03-14."))
}

/// Creating a space: the creator takes the first slot and records the first
/// betrayal in the same append.
pub fn create_space(
    input: &BetrayalInput,
    now: OffsetDateTime,
) -> Result<Vec<SpaceEvent>, Refusal> {
    let betrayal = input.parse(Slot::Creator, now.date())?;
    Ok(vec![SpaceEvent::Created, betrayal])
}

/// Whether `actor` may record another betrayal: a partner of an open space.
pub fn can_record_betrayal(state: &SpaceState, actor: UserId) -> bool {
    crate::access::repair_rules::member(state, actor).is_ok()
}

pub fn record_betrayal(
    state: &SpaceState,
    actor: UserId,
    input: &BetrayalInput,
    now: OffsetDateTime,
) -> Result<SpaceEvent, Refusal> {
    crate::access::repair_rules::member(state, actor)?;
    let slot = state.slot_of(actor).ok_or(Refusal::NotAMember)?;
    input.parse(slot, now.date())
}

/// Whether `actor` may join the space now: what the invitation page asks
/// before it offers "Join". An ended space takes nobody, whatever
/// invitation they hold.
pub fn can_join(state: &SpaceState, actor: UserId) -> bool {
    !state.is_member(actor) && state.invitee.is_none() && state.is_open()
}

pub fn join(state: &SpaceState, actor: UserId) -> Result<SpaceEvent, Refusal> {
    if can_join(state, actor) {
        Ok(SpaceEvent::PartnerJoined)
    } else if !state.is_member(actor) && !state.is_open() {
        Err(Refusal::Conflict(
            "This shared space was closed; the invitation no longer leads anywhere.",
        ))
    } else if state.is_member(actor) {
        Err(Refusal::Conflict("You are already part of this space."))
    } else {
        Err(Refusal::Conflict(
            "Both partners have already joined this space.",
        ))
    }
}

/// Whether `actor` may invite their partner: a partner of an open space
/// that is waiting for its second partner.
pub fn check_invite(state: &SpaceState, actor: UserId) -> Result<(), Refusal> {
    crate::access::repair_rules::member(state, actor)?;
    Refusal::conflict_if(
        state.is_complete(),
        "Both of you have already joined this space.",
    )
}

pub fn can_invite(state: &SpaceState, actor: UserId) -> bool {
    check_invite(state, actor).is_ok()
}

/// Either partner, alone, may end the shared space while it is open; no
/// consent of the other is asked.
pub fn check_end(state: &SpaceState, actor: UserId) -> Result<(), Refusal> {
    crate::access::repair_rules::member(state, actor)
}

pub fn can_end(state: &SpaceState, actor: UserId) -> bool {
    check_end(state, actor).is_ok()
}

/// Ends the shared space, for `reason`: from the event on, every step of
/// every room is refused and the therapist's access is over.
pub fn end(state: &SpaceState, actor: UserId, reason: EndReason) -> Result<SpaceEvent, Refusal> {
    check_end(state, actor)?;
    Ok(SpaceEvent::Ended { reason })
}
