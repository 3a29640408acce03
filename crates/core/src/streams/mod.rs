//! The stream types: the couple's shared record and each person's private
//! stream. One line per capability; the capabilities never import this.

pub mod couple;
pub mod private;
#[cfg(test)]
mod round_trip;

use crate::checkin::NewCheckIn;
use crate::pulse::NewPulse;
use couple::CoupleEvent;
use private::PrivateEvent;

/// The stream an entry must be appended to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// The author's own private stream.
    Private(PrivateEvent),
    /// The couple's shared record.
    Shared(CoupleEvent),
}

impl Destination {
    pub fn is_private(&self) -> bool {
        matches!(self, Destination::Private(_))
    }
}

impl From<NewCheckIn> for Destination {
    fn from(entry: NewCheckIn) -> Self {
        match entry {
            NewCheckIn::Kept(event) => Destination::Private(event.into()),
            NewCheckIn::Shared(event) => Destination::Shared(event.into()),
        }
    }
}

impl From<NewPulse> for Destination {
    fn from(entry: NewPulse) -> Self {
        match entry {
            NewPulse::Kept(event) => Destination::Private(event.into()),
            NewPulse::Shared(event) => Destination::Shared(event.into()),
        }
    }
}
