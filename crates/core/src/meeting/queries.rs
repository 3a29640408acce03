//! What a partner may do with the weekly meeting now, and what waits.

use super::state::{Item, Meetings, Schedule};
use crate::access::room::*;
use time::OffsetDateTime;

/// How many items may wait on the agenda at once: a week's talk, not a
/// list of grievances.
pub const OPEN_ITEMS: usize = 40;

/// A proposal is agreed by the partner who did not make it, while it is
/// the newest and unanswered.
pub fn check_agree(acting: Acting<Meetings>, id: EntryId) -> Result<(), Refusal> {
    let proposal = acting.member_entry(acting.room.proposal(id))?;
    if proposal.agreed.is_some() {
        return Err(Refusal::Conflict(
            "You have both agreed to this time already.",
        ));
    }
    if acting.room.pending().map(|p| p.id) != Some(id) {
        return Err(Refusal::Conflict(
            "A newer time has been suggested since; answer that one.",
        ));
    }
    if proposal.proposed.by == acting.actor {
        return Err(Refusal::NotAllowed(
            "Your partner answers the time you suggested.",
        ));
    }
    Ok(())
}

can_queries!(Meetings: can_agree = check_agree);

/// Either partner adds to the agenda while it has room.
pub fn check_add_item(acting: Acting<Meetings>) -> Result<(), Refusal> {
    repair_rules::member(acting.space, acting.actor)?;
    if acting.room.agenda().len() >= OPEN_ITEMS {
        return Err(Refusal::Conflict(
            "The agenda is full; hold the meeting before adding more.",
        ));
    }
    Ok(())
}

/// Whether `me` has an appreciation on the agenda of the next meeting.
pub fn has_appreciation(room: &Meetings, me: UserId) -> bool {
    room.agenda()
        .iter()
        .any(|i| i.is_appreciation() && i.added.by == me)
}

/// A partner says the next meeting was held once each of them has added an
/// appreciation (the meeting opens with them), once each.
pub fn check_mark_held(acting: Acting<Meetings>) -> Result<(), Refusal> {
    repair_rules::member(acting.space, acting.actor)?;
    let room = acting.room;
    if room.first_mark().is_some_and(|m| m.by.by == acting.actor) {
        return Err(Refusal::Conflict(
            "You have said this meeting was held; it waits for your partner.",
        ));
    }
    let partner = acting.space.partner_of(acting.actor);
    let each_appreciated = has_appreciation(room, acting.actor)
        && partner.is_some_and(|partner| has_appreciation(room, partner));
    if !each_appreciated {
        return Err(Refusal::Conflict(
            "The meeting opens with appreciations: each of you adds at least one first.",
        ));
    }
    Ok(())
}

pub fn can_mark_held(acting: Acting<Meetings>) -> bool {
    check_mark_held(acting).is_ok()
}

pub fn can_add_item(acting: Acting<Meetings>) -> bool {
    check_add_item(acting).is_ok()
}

/// A time the partner proposed, waiting for `me` to agree or suggest
/// another.
pub fn time_to_agree<'a>(
    room: &'a Meetings,
    space: &SpaceState,
    me: UserId,
) -> Option<&'a Schedule> {
    room.pending()
        .filter(|p| space.is_member(me) && p.proposed.by != me)
}

/// What the weekly meeting asks of `me` at `now`, on their own offset (so
/// `now.date()` is their day).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeetingWaits<'a> {
    /// The partner proposed a day and time.
    TimeToAgree(&'a Schedule),
    /// The partner said the meeting was held; `me` says so too.
    HeldToConfirm,
    /// Today is the agreed day; `appreciated` says whether `me` has added
    /// an appreciation yet.
    MeetingToday {
        schedule: &'a Schedule,
        appreciated: bool,
    },
}

pub fn meeting_waits<'a>(
    room: &'a Meetings,
    space: &SpaceState,
    me: UserId,
    now: OffsetDateTime,
) -> Vec<MeetingWaits<'a>> {
    let today = now.date();
    if !space.is_member(me) {
        return Vec::new();
    }
    let mut waits = Vec::new();
    if let Some(proposal) = time_to_agree(room, space, me) {
        waits.push(MeetingWaits::TimeToAgree(proposal));
    }
    if room.first_mark().is_some_and(|m| m.by.by != me) {
        waits.push(MeetingWaits::HeldToConfirm);
    } else if let Some(schedule) = room.agreed().filter(|s| s.day.falls_on(today)) {
        let held_today = room
            .held()
            .last()
            .is_some_and(|h| h.at().to_offset(now.offset()).date() == today);
        if !held_today && room.first_mark().is_none() {
            waits.push(MeetingWaits::MeetingToday {
                schedule,
                appreciated: has_appreciation(room, me),
            });
        }
    }
    waits
}

/// The items on the next agenda that `me` may tick as talked about:
/// everything but appreciations, which the meeting always covers.
pub fn items_to_tick(room: &Meetings) -> Vec<&Item> {
    room.agenda()
        .into_iter()
        .filter(|i| !i.is_appreciation())
        .collect()
}
