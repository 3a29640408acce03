//! When the pulse is due, and which pulses a viewer may see.

use super::*;
use crate::access::visibility::{member, Private, Whose};
use crate::kernel::ids::{EntryId, UserId};
use crate::kernel::refusal::Refusal;
use crate::space::SpaceState;
use time::Date;

// ---------------------------------------------------------------------------
// Queries.

/// The day of the viewer's latest pulse, kept or shared.
pub fn last_pulse_day(
    shared: &PulseState,
    kept: Private<'_, PrivatePulses>,
    viewer: UserId,
) -> Option<Date> {
    let private = kept.read_as(viewer).ok().and_then(PrivatePulses::last_day);
    private.max(shared.last_shared_day(viewer))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PulseDue {
    pub cadence: Cadence,
    pub last: Option<Date>,
    /// The day the next pulse is due; today when there has never been one.
    pub next: Date,
    pub due: bool,
}

/// Whether the viewer's pulse is due on `today`.
pub fn due(
    space: &SpaceState,
    shared: &PulseState,
    kept: Private<'_, PrivatePulses>,
    viewer: UserId,
    today: Date,
) -> Result<PulseDue, Refusal> {
    member(space, viewer)?;
    kept.read_as(viewer)?;
    let cadence = shared.cadence();
    let last = last_pulse_day(shared, kept, viewer);
    let next = last.map_or(today, |d| cadence.next_due(d));
    Ok(PulseDue {
        cadence,
        last,
        next,
        due: today >= next,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PulseId {
    Private(EntryId),
    Shared(EntryId),
}

/// A pulse as one viewer sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PulseView<'a> {
    pub id: PulseId,
    pub whose: Whose,
    pub record: &'a PulseRecord,
}

impl PulseView<'_> {
    pub fn is_shared(&self) -> bool {
        matches!(self.id, PulseId::Shared(_))
    }
}

/// The pulses the viewer may see, oldest first: their own (kept and
/// shared, merged in time order) and their partner's shared ones.
pub fn visible_pulses<'a>(
    space: &SpaceState,
    shared: &'a PulseState,
    kept: Private<'a, PrivatePulses>,
    viewer: UserId,
) -> Result<Vec<PulseView<'a>>, Refusal> {
    member(space, viewer)?;
    let kept = kept.read_as(viewer)?.all();
    let shared = shared.shared();
    let mut out = Vec::with_capacity(shared.len() + kept.len());
    let (mut s, mut k) = (0, 0);
    while s < shared.len() || k < kept.len() {
        let take_shared = k >= kept.len() || (s < shared.len() && shared[s].at <= kept[k].at);
        if take_shared {
            let record = &shared[s];
            out.push(PulseView {
                id: PulseId::Shared(record.id),
                whose: Whose::of(record.author, viewer),
                record,
            });
            s += 1;
        } else {
            let record = &kept[k];
            out.push(PulseView {
                id: PulseId::Private(record.id),
                whose: Whose::Mine,
                record,
            });
            k += 1;
        }
    }
    Ok(out)
}

/// One pulse, if the viewer may see it: any shared pulse of the couple, or
/// one the viewer kept. A kept id is only ever looked up in the viewer's
/// own private state.
pub fn view<'a>(
    space: &SpaceState,
    shared: &'a PulseState,
    kept: Private<'a, PrivatePulses>,
    viewer: UserId,
    id: PulseId,
) -> Result<PulseView<'a>, Refusal> {
    member(space, viewer)?;
    let record = match id {
        PulseId::Shared(entry) => shared.get(entry),
        PulseId::Private(entry) => kept.read_as(viewer)?.get(entry),
    }
    .ok_or(Refusal::NotFound)?;
    let whose = match id {
        PulseId::Shared(_) => Whose::of(record.author, viewer),
        PulseId::Private(_) => Whose::Mine,
    };
    Ok(PulseView { id, whose, record })
}
