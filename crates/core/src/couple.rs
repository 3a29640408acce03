//! The couple's shared record: every room's events in one stream, and the
//! state both partners see, folded from them.

use crate::checkin::{CheckInEvent, CheckInsState};
use crate::event::{Meta, Projection};
use crate::pulse::{PulseEvent, PulseState};
use crate::space::{SpaceEvent, SpaceState};
use serde::{Deserialize, Serialize};

/// One event in the couple stream. Each room owns its own event type; this
/// enum only says which room an event belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "room", content = "event", rename_all = "snake_case")]
pub enum CoupleEvent {
    Space(SpaceEvent),
    CheckIn(CheckInEvent),
    Pulse(PulseEvent),
}

impl CoupleEvent {
    /// The store's `kind` column. Deliberately coarse (the room, not the
    /// action): it is kept in clear text beside the encrypted payload.
    pub fn kind(&self) -> &'static str {
        match self {
            CoupleEvent::Space(_) => "space",
            CoupleEvent::CheckIn(_) => "checkin",
            CoupleEvent::Pulse(_) => "pulse",
        }
    }
}

/// Everything the couple stream says, as of `seq`.
#[derive(Debug, Clone, Default)]
pub struct CoupleState {
    /// The last event folded in; a cache catches up from here.
    pub seq: u64,
    pub space: SpaceState,
    pub check_ins: CheckInsState,
    pub pulse: PulseState,
}

impl CoupleState {
    pub fn apply(&mut self, meta: &Meta, event: &CoupleEvent) {
        self.seq = meta.seq;
        match event {
            CoupleEvent::Space(e) => self.space.apply(meta, e),
            CoupleEvent::CheckIn(e) => self.check_ins.apply(meta, e),
            CoupleEvent::Pulse(e) => self.pulse.apply(meta, e),
        }
    }

    pub fn fold<'a>(events: impl IntoIterator<Item = (&'a Meta, &'a CoupleEvent)>) -> Self {
        let mut state = Self::default();
        for (meta, event) in events {
            state.apply(meta, event);
        }
        state
    }
}

impl Projection for CoupleState {
    type Event = CoupleEvent;

    fn seq(&self) -> u64 {
        self.seq
    }

    fn apply(&mut self, meta: &Meta, event: &CoupleEvent) {
        CoupleState::apply(self, meta, event);
    }

    fn kind(event: &CoupleEvent) -> &'static str {
        event.kind()
    }

    fn skip(&mut self, meta: &Meta) {
        self.seq = meta.seq;
    }
}
