//! The one place the app learns what time it is. Production reads the
//! system clock; tests hold a clock they move by hand, so they can cross a
//! midnight or outwait a session without sleeping.

use std::sync::Mutex;
use time::{Date, Duration, OffsetDateTime, UtcOffset};

/// Where "now" comes from.
pub trait Clock: Send + Sync {
    fn now(&self) -> OffsetDateTime;
}

/// The machine's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock that stands still until it is set or moved.
#[derive(Debug)]
pub struct ManualClock {
    at: Mutex<OffsetDateTime>,
}

impl ManualClock {
    pub fn starting_at(at: OffsetDateTime) -> Self {
        Self { at: Mutex::new(at) }
    }

    pub fn set(&self, at: OffsetDateTime) {
        *self.lock() = at;
    }

    pub fn advance(&self, by: Duration) {
        let mut at = self.lock();
        *at += by;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, OffsetDateTime> {
        // A poisoned lock still holds a valid instant.
        self.at
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Clock for ManualClock {
    fn now(&self) -> OffsetDateTime {
        *self.lock()
    }
}

/// The time zone a person reads dates in. Everyone reads UTC until people
/// can choose their own; `Now::for_viewer` is the one place that decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zone {
    offset: UtcOffset,
    name: &'static str,
}

impl Zone {
    pub const UTC: Zone = Zone {
        offset: UtcOffset::UTC,
        name: "UTC",
    };

    pub fn offset(self) -> UtcOffset {
        self.offset
    }

    /// How the zone is named after a time: "UTC".
    pub fn name(self) -> &'static str {
        self.name
    }
}

/// One request's "now": the instant from the app's clock and the zone of
/// the person asking. Every "today", "due" and date shown is read from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Now {
    pub instant: OffsetDateTime,
    pub zone: Zone,
}

impl Now {
    /// The one place a viewer's zone is chosen. Zones per person arrive
    /// with the account record; until then everyone reads UTC.
    pub fn for_viewer(clock: &dyn Clock) -> Now {
        Now {
            instant: clock.now(),
            zone: Zone::UTC,
        }
    }

    /// The calendar day it is for the viewer.
    pub fn today(&self) -> Date {
        self.local(self.instant).date()
    }

    /// A moment as the viewer reads it: "14 March 2026, 09:30 UTC".
    pub fn when(&self, at: OffsetDateTime) -> String {
        crate::present::dates::when(at, self.zone)
    }

    /// An instant as the viewer's clock on the wall shows it.
    pub fn local(&self, at: OffsetDateTime) -> OffsetDateTime {
        at.to_offset(self.zone.offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_manual_clock_moves_only_when_told() {
        let clock = ManualClock::starting_at(datetime!(2026-11-29 23:59 UTC));
        assert_eq!(clock.now(), datetime!(2026-11-29 23:59 UTC));
        clock.advance(Duration::minutes(2));
        assert_eq!(clock.now(), datetime!(2026-11-30 00:01 UTC));
        clock.set(datetime!(2027-01-01 12:00 UTC));
        assert_eq!(clock.now(), datetime!(2027-01-01 12:00 UTC));
    }

    #[test]
    fn today_is_the_viewers_calendar_day() {
        let clock = ManualClock::starting_at(datetime!(2026-11-29 23:59:59 UTC));
        let now = Now::for_viewer(&clock);
        assert_eq!(now.today(), time::macros::date!(2026 - 11 - 29));
        clock.advance(Duration::seconds(1));
        assert_eq!(
            Now::for_viewer(&clock).today(),
            time::macros::date!(2026 - 11 - 30)
        );
    }
}
