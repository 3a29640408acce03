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
/// events' clear-text kind, and skipping an unreadable event.
macro_rules! stream_projection {
    ($state:ident, $event:ident) => {
        impl crate::kernel::event::Projection for $state {
            type Event = $event;

            fn seq(&self) -> u64 {
                self.seq
            }

            fn apply(&mut self, meta: &crate::kernel::event::Meta, event: &$event) {
                $state::apply(self, meta, event);
            }

            fn kind(event: &$event) -> &'static str {
                event.kind()
            }

            fn skip(&mut self, meta: &crate::kernel::event::Meta) {
                self.seq = meta.seq;
            }
        }
    };
}

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
