//! When the pulse is due, and which pulses a viewer may see.

use super::*;
use crate::access::visibility::{Private, Viewing, Whose};
use crate::kernel::ids::{EntryId, UserId};
use crate::kernel::refusal::Refusal;
use time::{Date, OffsetDateTime};

// ---------------------------------------------------------------------------
// Queries.

/// The pulses as one viewer sees them: the couple's shared ones and their
/// own kept ones.
pub type PulsesSeen<'a> = Viewing<'a, PulseState, PrivatePulses>;

/// The day of the viewer's latest pulse, kept or shared, on the viewer's
/// calendar: `day_of` turns an instant into the viewer's local day.
pub fn last_pulse_day(
    shared: &PulseState,
    kept: Private<'_, PrivatePulses>,
    viewer: UserId,
    day_of: impl Fn(OffsetDateTime) -> Date,
) -> Option<Date> {
    let private = kept.read_as(viewer).ok().and_then(PrivatePulses::last_at);
    private.max(shared.last_shared_at(viewer)).map(day_of)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PulseDue {
    pub cadence: Cadence,
    pub last: Option<Date>,
    /// The day the next pulse is due; today when there has never been one.
    pub next: Date,
    pub due: bool,
}

/// Whether the viewer's pulse is due on `today`, with `day_of` turning an
/// instant into the viewer's local day.
pub fn due(
    seen: PulsesSeen<'_>,
    today: Date,
    day_of: impl Fn(OffsetDateTime) -> Date,
) -> Result<PulseDue, Refusal> {
    seen.own()?;
    let cadence = seen.shared.cadence();
    let last = last_pulse_day(seen.shared, seen.kept, seen.viewer, day_of);
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
pub fn visible_pulses(seen: PulsesSeen<'_>) -> Result<Vec<PulseView<'_>>, Refusal> {
    let kept = seen.own()?.all();
    let (shared, viewer) = (seen.shared.shared(), seen.viewer);
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
pub fn view(seen: PulsesSeen<'_>, id: PulseId) -> Result<PulseView<'_>, Refusal> {
    seen.member()?;
    let viewer = seen.viewer;
    let record = match id {
        PulseId::Shared(entry) => seen.shared.get(entry),
        PulseId::Private(entry) => seen.kept.read_as(viewer)?.get(entry),
    }
    .ok_or(Refusal::NotFound)?;
    let whose = match id {
        PulseId::Shared(_) => Whose::of(record.author, viewer),
        PulseId::Private(_) => Whose::Mine,
    };
    Ok(PulseView { id, whose, record })
}
