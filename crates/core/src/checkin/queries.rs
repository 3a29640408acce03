//! Who may answer a check-in, and what a viewer may see.

use super::*;
use crate::access::repair_rules::member;
use crate::access::visibility::{Private, Viewing, Whose};
use crate::kernel::ids::{EntryId, UserId};
use crate::kernel::refusal::Refusal;
use crate::space::SpaceState;
use time::{Date, OffsetDateTime};

// ---------------------------------------------------------------------------
// Who may do what.

/// Only the partner of the author may acknowledge a shared check-in, and
/// only once: an acknowledgement is a reply, not a conversation.
pub(super) fn may_acknowledge(
    space: &SpaceState,
    actor: UserId,
    entry: &SharedCheckIn,
) -> Result<(), Refusal> {
    member(space, actor)?;
    if entry.author == actor {
        return Err(Refusal::NotAllowed(
            "This is your own check-in; your partner can answer it.",
        ));
    }
    Refusal::conflict_if(
        entry.acknowledgement.is_some(),
        "This check-in has already been answered.",
    )
}

// ---------------------------------------------------------------------------
// Queries: each takes the viewer and returns only what they may see.

/// Names a check-in across both streams.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckInId {
    Private(EntryId),
    Shared(EntryId),
}

/// A check-in as one viewer sees it. Borrowed from the projections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckInView<'a> {
    pub id: CheckInId,
    pub whose: Whose,
    pub at: OffsetDateTime,
    pub check_in: &'a CheckIn,
    pub visibility: Visibility,
    pub acknowledgement: Option<&'a AckRecord>,
    /// The viewer may answer it now (their partner's, not yet answered).
    pub can_acknowledge: bool,
}

impl<'a> CheckInView<'a> {
    pub(crate) fn shared(space: &SpaceState, viewer: UserId, entry: &'a SharedCheckIn) -> Self {
        CheckInView {
            id: CheckInId::Shared(entry.id),
            whose: Whose::of(entry.author, viewer),
            at: entry.at,
            check_in: &entry.check_in,
            visibility: entry.with.visibility(),
            acknowledgement: entry.acknowledgement.as_ref(),
            can_acknowledge: may_acknowledge(space, viewer, entry).is_ok(),
        }
    }

    fn private(entry: &'a PrivateCheckIn) -> Self {
        CheckInView {
            id: CheckInId::Private(entry.id),
            whose: Whose::Mine,
            at: entry.at,
            check_in: &entry.check_in,
            visibility: Visibility::OnlyMe,
            acknowledgement: None,
            can_acknowledge: false,
        }
    }
}

/// The check-ins as one viewer sees them: the couple's shared ones and
/// their own kept ones.
pub type CheckInsSeen<'a> = Viewing<'a, CheckInsState, PrivateCheckIns>;

/// The viewer's check-ins (private and shared) and their partner's shared
/// ones, newest first, made strictly before `before` (all when `None`), at
/// most `limit`. Pass the last item's `at` as `before` for the next page.
pub fn history(
    seen: CheckInsSeen<'_>,
    before: Option<OffsetDateTime>,
    limit: usize,
) -> Result<Vec<CheckInView<'_>>, Refusal> {
    let mine = seen.own()?;
    let (space, shared, viewer) = (seen.space, seen.shared, seen.viewer);
    let cut = |at: OffsetDateTime| before.is_none_or(|b| at < b);
    let shared_end = shared.entries.partition_point(|e| cut(e.at));
    let private_end = mine.entries.partition_point(|e| cut(e.at));
    let mut shared = shared.entries[..shared_end].iter().rev().peekable();
    let mut private = mine.entries[..private_end].iter().rev().peekable();
    let mut out = Vec::with_capacity(limit.min(shared_end + private_end));
    while out.len() < limit {
        let take_shared = match (shared.peek(), private.peek()) {
            (Some(s), Some(p)) => s.at >= p.at,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        let view = if take_shared {
            shared.next().map(|e| CheckInView::shared(space, viewer, e))
        } else {
            private.next().map(CheckInView::private)
        };
        out.extend(view);
    }
    Ok(out)
}

/// One check-in, if the viewer may see it.
pub fn view(seen: CheckInsSeen<'_>, id: CheckInId) -> Result<CheckInView<'_>, Refusal> {
    seen.member()?;
    match id {
        CheckInId::Shared(id) => seen
            .shared
            .get(id)
            .map(|e| CheckInView::shared(seen.space, seen.viewer, e))
            .ok_or(Refusal::NotFound),
        CheckInId::Private(id) => seen
            .kept
            .read_as(seen.viewer)?
            .get(id)
            .map(CheckInView::private)
            .ok_or(Refusal::NotFound),
    }
}

/// The day of the viewer's latest check-in, private or shared, on the
/// viewer's calendar: `day_of` turns an instant into the viewer's local day
/// (core keeps no clock and no zone rules).
pub fn last_check_in_day(
    shared: &CheckInsState,
    kept: Private<'_, PrivateCheckIns>,
    viewer: UserId,
    day_of: impl Fn(OffsetDateTime) -> Date,
) -> Option<Date> {
    let private = kept.read_as(viewer).ok().and_then(|m| m.days.last_at());
    let shared = shared.days_of(viewer).and_then(FeelingDays::last_at);
    private.max(shared).map(day_of)
}
