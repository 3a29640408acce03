//! What the talk room answers: may this person take a step now, why a new
//! request must wait, and what waits for them.

use super::state::{Answered, Stage, TalkRequest, Talks};
use crate::access::room::*;
use crate::talk::events::{TalkAnswer, TalkKind};
use time::{Duration, OffsetDateTime};

/// How long a kind stays closed to its asker after they withdraw a request.
pub const COOL_DOWN: Duration = Duration::hours(24);

/// Why a new request of a kind must wait, and until when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotYet {
    /// The partner's quiet period is on: no new request reaches them.
    QuietPeriod { until: OffsetDateTime },
    /// The asker has one open of this kind already.
    OneOpen,
    /// The partner asked for space on this kind.
    Space { until: OffsetDateTime },
    /// The asker withdrew one of this kind less than a day ago.
    CoolDown { until: OffsetDateTime },
}

impl NotYet {
    pub fn refusal(self) -> Refusal {
        Refusal::Conflict(match self {
            NotYet::QuietPeriod { .. } => {
                "Your partner has a quiet period; a new talk request waits until it ends."
            }
            NotYet::OneOpen => "You have a talk request of this kind open already.",
            NotYet::Space { .. } => {
                "Your partner asked for space on this; a new request waits until it ends."
            }
            NotYet::CoolDown { .. } => {
                "You withdrew a request of this kind less than a day ago; it can be asked again after a day."
            }
        })
    }
}

/// Why the actor may not ask for a talk of `kind` at `now`: `Ok(None)` when
/// they may; a refusal when they are not in the space or have no partner yet.
pub fn not_yet(
    acting: Acting<Talks>,
    now: OffsetDateTime,
    kind: TalkKind,
) -> Result<Option<NotYet>, Refusal> {
    repair_rules::member(acting.space, acting.actor)?;
    let partner = acting
        .space
        .partner_of(acting.actor)
        .ok_or(Refusal::NotAllowed(
            "Your partner has not joined yet; a talk request waits for them.",
        ))?;
    if let Some(quiet) = acting.room.quiet_on(partner, now) {
        return Ok(Some(NotYet::QuietPeriod { until: quiet.until }));
    }
    let mine = acting
        .room
        .requests
        .iter()
        .filter(|r| r.asked_by == acting.actor && r.kind == kind);
    let mut waits = None;
    for request in mine {
        if request.is_open() {
            return Ok(Some(NotYet::OneOpen));
        }
        if let Some(until) = request.space_until().filter(|until| *until > now) {
            waits = Some(NotYet::Space { until });
        }
        let cool = request.withdrawn_at.map(|at| at + COOL_DOWN);
        if let Some(until) = cool.filter(|until| *until > now) {
            waits = waits.or(Some(NotYet::CoolDown { until }));
        }
    }
    Ok(waits)
}

/// Why the actor may not ask for a talk of `kind` now (`Ok` when they may).
pub fn check_ask(
    acting: Acting<Talks>,
    now: OffsetDateTime,
    kind: TalkKind,
) -> Result<(), Refusal> {
    match not_yet(acting, now, kind)? {
        Some(wait) => Err(wait.refusal()),
        None => Ok(()),
    }
}

/// The request, to its asker's partner: the one who answers it.
fn for_the_other(acting: Acting<'_, Talks>, id: EntryId) -> Result<&TalkRequest, Refusal> {
    let found = acting.member_entry(acting.room.get(id))?;
    if found.asked_by == acting.actor {
        return Err(Refusal::NotAllowed(
            "You asked for this talk; your partner answers it.",
        ));
    }
    Ok(found)
}

/// The request, to its asker.
fn for_the_asker(acting: Acting<'_, Talks>, id: EntryId) -> Result<&TalkRequest, Refusal> {
    let found = acting.member_entry(acting.room.get(id))?;
    if found.asked_by != acting.actor {
        return Err(Refusal::NotAllowed(
            "Only the partner who asked can do this.",
        ));
    }
    Ok(found)
}

pub fn check_answer(acting: Acting<Talks>, id: EntryId) -> Result<(), Refusal> {
    let found = for_the_other(acting, id)?;
    Refusal::conflict_if(
        found.stage() != Stage::AwaitingAnswer,
        "This request has been answered or closed already.",
    )
}

pub fn check_pick(acting: Acting<Talks>, id: EntryId) -> Result<(), Refusal> {
    let found = for_the_asker(acting, id)?;
    Refusal::conflict_if(
        found.stage() != Stage::AwaitingPick,
        "There is no time to pick on this request now.",
    )
}

pub fn check_withdraw(acting: Acting<Talks>, id: EntryId) -> Result<(), Refusal> {
    let found = for_the_asker(acting, id)?;
    Refusal::conflict_if(!found.is_open(), "This request is closed already.")
}

/// Either partner marks that the talk happened, once each, after it was
/// agreed (and the second may add their word after the first).
pub fn check_mark_happened(acting: Acting<Talks>, id: EntryId) -> Result<(), Refusal> {
    let found = acting.member_entry(acting.room.get(id))?;
    Refusal::conflict_if(
        found.marked_by(acting.actor).is_some(),
        "You have marked this talk already.",
    )?;
    Refusal::conflict_if(
        !matches!(found.stage(), Stage::Agreed | Stage::Happened),
        "This talk has not been agreed.",
    )
}

can_queries! { Talks:
    can_answer = check_answer,
    can_pick = check_pick,
    can_withdraw = check_withdraw,
    can_mark_happened = check_mark_happened,
}

/// Only the partner who asked for space ends it early, while it holds.
pub fn check_end_space(
    acting: Acting<Talks>,
    now: OffsetDateTime,
    id: EntryId,
) -> Result<(), Refusal> {
    let found = acting.member_entry(acting.room.get(id))?;
    let answered_by = found.answer.as_ref().map(|a| a.by);
    if !matches!(
        found.answer.as_ref().map(|a| &a.answer),
        Some(TalkAnswer::Space { .. })
    ) || answered_by != Some(acting.actor)
    {
        return Err(Refusal::NotAllowed(
            "Only the partner who asked for space can end it.",
        ));
    }
    Refusal::conflict_if(!found.space_holds(now), "This space has ended already.")
}

/// Whether the actor may ask for a talk at all: a partner of an open space
/// whose partner has joined (what waits, per kind, is `not_yet`'s).
pub fn can_ask(acting: Acting<Talks>) -> bool {
    repair_rules::member(acting.space, acting.actor).is_ok()
        && acting.space.partner_of(acting.actor).is_some()
}

pub fn can_end_space(acting: Acting<Talks>, now: OffsetDateTime, id: EntryId) -> bool {
    check_end_space(acting, now, id).is_ok()
}

/// A quiet period is the hurt partner's to declare or renew.
pub fn check_declare_quiet(acting: Acting<Talks>) -> Result<(), Refusal> {
    repair_rules::member(acting.space, acting.actor)?;
    if acting.space.is_hurt_in_any(acting.actor) {
        Ok(())
    } else {
        Err(Refusal::NotAllowed(
            "A quiet period is the hurt partner's to set.",
        ))
    }
}

pub fn check_end_quiet(acting: Acting<Talks>, now: OffsetDateTime) -> Result<(), Refusal> {
    repair_rules::member(acting.space, acting.actor)?;
    let on = acting.room.quiet_on(acting.actor, now);
    Refusal::conflict_if(on.is_none(), "You have no quiet period on.")
}

/// The other partner may leave one note while the quiet period is on.
pub fn check_leave_quiet_note(acting: Acting<Talks>, now: OffsetDateTime) -> Result<(), Refusal> {
    repair_rules::member(acting.space, acting.actor)?;
    let partner = acting.space.partner_of(acting.actor);
    let on = partner.and_then(|p| acting.room.quiet_on(p, now));
    let Some(period) = on else {
        return Err(Refusal::Conflict("There is no quiet period on."));
    };
    Refusal::conflict_if(
        period.note.is_some(),
        "You have left your note for this quiet period.",
    )
}

pub fn can_declare_quiet(acting: Acting<Talks>) -> bool {
    check_declare_quiet(acting).is_ok()
}

pub fn can_end_quiet(acting: Acting<Talks>, now: OffsetDateTime) -> bool {
    check_end_quiet(acting, now).is_ok()
}

pub fn can_leave_quiet_note(acting: Acting<Talks>, now: OffsetDateTime) -> bool {
    check_leave_quiet_note(acting, now).is_ok()
}

impl Talks {
    /// Requests that wait for `me` to answer, oldest first.
    pub fn awaiting_answer_from(&self, space: &SpaceState, me: UserId) -> Vec<&TalkRequest> {
        self.of_member(space, me, |r| {
            r.asked_by != me && r.stage() == Stage::AwaitingAnswer
        })
    }

    /// `me`'s requests whose proposed times wait for them to pick one.
    pub fn time_to_pick_by(&self, space: &SpaceState, me: UserId) -> Vec<&TalkRequest> {
        self.of_member(space, me, |r| {
            r.asked_by == me && r.stage() == Stage::AwaitingPick
        })
    }

    /// The requests answered "at our weekly meeting" that are still open:
    /// they are on the meeting's agenda until the couple says they talked.
    pub fn for_the_meeting(&self, space: &SpaceState, me: UserId) -> Vec<&TalkRequest> {
        self.of_member(space, me, |r| {
            r.is_open()
                && matches!(
                    r.answer,
                    Some(Answered {
                        answer: TalkAnswer::AtQuietTalk,
                        ..
                    })
                )
        })
    }

    fn of_member(
        &self,
        space: &SpaceState,
        me: UserId,
        waits: impl Fn(&TalkRequest) -> bool,
    ) -> Vec<&TalkRequest> {
        if !space.is_member(me) {
            return Vec::new();
        }
        self.requests.iter().filter(|r| waits(r)).collect()
    }
}
