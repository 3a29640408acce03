//! The stream types: the couple's shared record and each person's private
//! stream. One line per capability; the capabilities never import this.

/// A stream's event enum, one line per room: the variant, the room's event
/// type, and the store's clear-text `kind`. Writes the enum with its stored
/// serde form (`{"room": …, "event": …}`), `From` each room's event, and
/// `kind()`.
macro_rules! stream_events {
    ($(#[$doc:meta])* $stream:ident { $($room:ident($event:ty) = $kind:literal,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        #[serde(tag = "room", content = "event", rename_all = "snake_case")]
        pub enum $stream {
            $($room($event),)*
        }

        $(
            impl From<$event> for $stream {
                fn from(event: $event) -> Self {
                    $stream::$room(event)
                }
            }
        )*

        impl $stream {
            /// The store's `kind` column. Deliberately coarse (the room, not
            /// the action): it is kept in clear text beside the encrypted
            /// payload.
            pub fn kind(&self) -> &'static str {
                match self {
                    $($stream::$room(_) => $kind,)*
                }
            }
        }
    };
}

/// A stream's state as the store's `Projection`: its `seq`, its fold, its
/// events' clear-text kind, and skipping an unreadable event. With
/// `stored_kind`, every new event's clear-text kind is that one word and the
/// real kind is only inside the encrypted payload (its `room` tag).
macro_rules! stream_projection {
    ($state:ident, $event:ident, stored_kind = $kind:literal) => {
        stream_projection!(@impl $state, $event, |_event: &$event| $kind);
    };
    ($state:ident, $event:ident) => {
        stream_projection!(@impl $state, $event, |event: &$event| event.kind());
    };
    (@impl $state:ident, $event:ident, $kind_of:expr) => {
        impl crate::kernel::event::Projection for $state {
            type Event = $event;

            fn seq(&self) -> u64 {
                self.seq
            }

            fn apply(&mut self, meta: &crate::kernel::event::Meta, event: &$event) {
                $state::apply(self, meta, event);
            }

            fn kind(event: &$event) -> &'static str {
                let kind_of: fn(&$event) -> &'static str = $kind_of;
                kind_of(event)
            }

            fn redacts(event: &$event) -> Option<u64> {
                event.redacts()
            }

            fn skip(&mut self, meta: &crate::kernel::event::Meta) {
                self.seq = meta.seq;
            }

            fn to_snapshot(&self) -> Option<Vec<u8>> {
                crate::kernel::snapshot::to_snapshot(self)
            }

            fn from_snapshot(bytes: &[u8]) -> Option<Self> {
                crate::kernel::snapshot::from_snapshot(bytes)
            }
        }
    };
}

pub mod couple;
pub mod private;
#[cfg(test)]
mod round_trip;
#[cfg(test)]
pub(crate) mod snapshots;

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
