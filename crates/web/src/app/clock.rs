//! The one place the app learns what time it is. Production reads the
//! system clock; tests hold a clock they move by hand, so they can cross a
//! midnight or outwait a session without sleeping.

use kintsugi_core::contact::parse_wall_time;
use kintsugi_core::Refusal;
use std::sync::Mutex;
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, UtcOffset};
use time_tz::{timezones, Offset, OffsetResult, PrimitiveDateTimeExt, TimeZone, Tz};

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

/// The time zone a person reads dates in: an IANA zone with its rules, so
/// converting an instant uses the offset in force at that instant (a
/// daylight-saving change moves the wall clock, not the instant).
#[derive(Clone, Copy)]
pub struct Zone {
    rules: &'static Tz,
    /// The IANA name, as people choose it and as it is stored.
    name: &'static str,
}

/// A zone name that is not in the IANA database.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{0}\" is not a time zone name like Europe/Berlin or America/New_York")]
pub struct UnknownZone(pub String);

impl Zone {
    pub fn utc() -> Zone {
        Zone {
            rules: timezones::db::UTC,
            name: "UTC",
        }
    }

    /// The zone an IANA name ("Europe/Berlin", or "UTC") names. Only the
    /// canonical spelling is accepted, so a stored name always reads back
    /// the same.
    pub fn named(name: &str) -> Result<Zone, UnknownZone> {
        if name == "UTC" {
            return Ok(Zone::utc());
        }
        timezones::get_by_name(name)
            .filter(|rules| rules.name() == name && is_chosen_region(name))
            .map(|rules| Zone {
                rules,
                name: rules.name(),
            })
            .ok_or_else(|| UnknownZone(name.to_owned()))
    }

    /// Every zone a person can choose, by IANA name, sorted: regions first
    /// ("Africa/…", "America/…"), then UTC. Old aliases ("US/Eastern") and
    /// fixed offsets ("Etc/GMT+5", whose sign reads backwards) are left out.
    pub fn choices() -> Vec<&'static str> {
        let mut names: Vec<&'static str> = timezones::iter()
            .map(|rules| rules.name())
            .filter(|name| is_chosen_region(name))
            .collect();
        names.sort_unstable();
        names.dedup();
        names.push("UTC");
        names
    }

    /// The IANA name: "America/New_York".
    pub fn name(self) -> &'static str {
        self.name
    }

    /// The offset from UTC in force at `at` in this zone.
    pub fn offset_at(self, at: OffsetDateTime) -> UtcOffset {
        self.rules.get_offset_utc(&at).to_utc()
    }

    /// How the zone is named after a time at `at`: "EST", "CET", or "+14"
    /// where the zone has no letters; "UTC" for UTC.
    pub fn abbreviation_at(self, at: OffsetDateTime) -> String {
        self.rules.get_offset_utc(&at).name().to_owned()
    }

    /// An instant as this zone's clock on the wall shows it. An instant at
    /// the very edge of the calendar, with no wall time here, stays as it is
    /// rather than panic.
    pub fn local(self, at: OffsetDateTime) -> OffsetDateTime {
        at.checked_to_offset(self.offset_at(at)).unwrap_or(at)
    }

    /// The first instant of `day` here: its midnight, or, where the clocks
    /// skipped midnight, the first wall time after the gap (the quarter
    /// hour is the finest step any zone's offsets take).
    pub fn start_of(self, day: Date) -> OffsetDateTime {
        let quarter = Duration::minutes(15);
        for step in 0..(4 * 24) {
            match self.instants_at(day.midnight() + quarter * step) {
                LocalTime::One(at) | LocalTime::Two(at, _) => return at,
                LocalTime::Skipped => {}
            }
        }
        day.midnight()
            .assume_offset(self.offset_at(day.midnight().assume_utc()))
    }

    /// The instant a wall-clock time in this zone names: one, none (the
    /// hour skipped when clocks go forward) or two (the hour repeated when
    /// they go back).
    pub fn instants_at(self, wall: PrimitiveDateTime) -> LocalTime {
        match wall.assume_timezone(self.rules) {
            OffsetResult::Some(at) => LocalTime::One(at),
            OffsetResult::Ambiguous(first, second) => LocalTime::Two(first, second),
            OffsetResult::None => LocalTime::Skipped,
        }
    }
}

/// What a wall-clock time means in a zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalTime {
    One(OffsetDateTime),
    /// Clocks went back: the same wall time happened twice, first at the
    /// earlier offset, then at the later one.
    Two(OffsetDateTime, OffsetDateTime),
    /// Clocks went forward over this time: it never happened.
    Skipped,
}

/// The answer to "which of the two?" when a typed time happened twice: the
/// form's radio buttons send one of these.
pub const FIRST_OF_TWO: &str = "first";
pub const SECOND_OF_TWO: &str = "second";

/// A time a person typed on their own wall clock (an HTML `datetime-local`
/// value), read in their zone: the instant it names. A time the clocks
/// skipped is refused; a time that happened twice needs `which`
/// (`FIRST_OF_TWO` or `SECOND_OF_TWO`), and is refused without it, so the
/// page can ask.
pub fn read_typed_time(
    field: &'static str,
    raw: &str,
    which: &str,
    zone: Zone,
) -> Result<OffsetDateTime, Refusal> {
    let wall = parse_wall_time(field, raw)?;
    let at = match zone.instants_at(wall) {
        LocalTime::One(at) => at,
        LocalTime::Two(first, second) => match which {
            FIRST_OF_TWO => first,
            SECOND_OF_TWO => second,
            _ => {
                return Err(Refusal::invalid(
                    field,
                    format!(
                        "The clocks went back that night, so {} happened twice in {}. \
                         Please choose which one you mean.",
                        crate::present::dates::clock_time(first),
                        zone.name()
                    ),
                ))
            }
        },
        LocalTime::Skipped => {
            return Err(Refusal::invalid(
                field,
                format!(
                    "The clocks went forward that night, so {} did not happen in {}. \
                     Please check the time.",
                    crate::present::dates::clock_time(wall.assume_utc()),
                    zone.name()
                ),
            ))
        }
    };
    // Kept from the days of typed offsets: a time whose instant falls off
    // the calendar is refused, never a panic.
    at.checked_to_offset(UtcOffset::UTC)
        .ok_or_else(|| Refusal::invalid(field, "Please check the year."))
}

/// When a typed time happened twice, the two instants it may mean, for the
/// page to ask which; `None` when it means one or none.
pub fn twice_at(raw: &str, zone: Zone) -> Option<(OffsetDateTime, OffsetDateTime)> {
    let wall = parse_wall_time("", raw).ok()?;
    match zone.instants_at(wall) {
        LocalTime::Two(first, second) => Some((first, second)),
        LocalTime::One(_) | LocalTime::Skipped => None,
    }
}

fn is_chosen_region(name: &str) -> bool {
    const REGIONS: &[&str] = &[
        "Africa/",
        "America/",
        "Antarctica/",
        "Asia/",
        "Atlantic/",
        "Australia/",
        "Europe/",
        "Indian/",
        "Pacific/",
    ];
    REGIONS.iter().any(|region| name.starts_with(region))
}

impl PartialEq for Zone {
    fn eq(&self, other: &Self) -> bool {
        self.name() == other.name()
    }
}

impl Eq for Zone {}

impl std::fmt::Debug for Zone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Zone").field(&self.name()).finish()
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
    /// The one place a viewer's zone is chosen: the signed-in person's own
    /// zone, or the instance's default for someone without one (signed out,
    /// or from before zones were kept).
    pub fn for_viewer(clock: &dyn Clock, own: Option<Zone>, default: Zone) -> Now {
        Now {
            instant: clock.now(),
            zone: own.unwrap_or(default),
        }
    }

    /// The calendar day it is for the viewer.
    pub fn today(&self) -> Date {
        self.local(self.instant).date()
    }

    /// A moment as the viewer reads it: "14 March 2026, 09:30 EDT".
    pub fn when(&self, at: OffsetDateTime) -> String {
        crate::present::dates::when(at, self.zone)
    }

    /// An instant as the viewer's clock on the wall shows it.
    pub fn local(&self, at: OffsetDateTime) -> OffsetDateTime {
        self.zone.local(at)
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
        let now = Now::for_viewer(&clock, None, Zone::utc());
        assert_eq!(now.today(), time::macros::date!(2026 - 11 - 29));
        clock.advance(Duration::seconds(1));
        assert_eq!(
            Now::for_viewer(&clock, None, Zone::utc()).today(),
            time::macros::date!(2026 - 11 - 30)
        );
    }

    fn new_york() -> Zone {
        Zone::named("America/New_York").unwrap()
    }

    #[test]
    fn only_canonical_iana_names_are_zones() {
        assert_eq!(new_york().name(), "America/New_York");
        assert_eq!(Zone::named("UTC").unwrap(), Zone::utc());
        for unknown in [
            "",
            "Mars/Olympus_Mons",
            "america/new_york",
            "China Standard Time",
        ] {
            assert_eq!(Zone::named(unknown), Err(UnknownZone(unknown.to_owned())));
        }
        let choices = Zone::choices();
        assert!(choices.contains(&"Pacific/Kiritimati"));
        assert!(choices.contains(&"Pacific/Pago_Pago"));
        assert!(!choices
            .iter()
            .any(|name| name.starts_with("Etc/") || name.starts_with("US/")));
        assert!(choices.iter().all(|name| Zone::named(name).is_ok()));
    }

    #[test]
    fn a_wall_time_in_a_daylight_saving_change_is_skipped_or_happens_twice() {
        let zone = new_york();
        assert_eq!(
            zone.instants_at(datetime!(2026-03-08 01:59)),
            LocalTime::One(datetime!(2026-03-08 01:59 -05:00))
        );
        assert_eq!(
            zone.instants_at(datetime!(2026-03-08 02:30)),
            LocalTime::Skipped
        );
        assert_eq!(
            zone.instants_at(datetime!(2026-03-08 03:00)),
            LocalTime::One(datetime!(2026-03-08 03:00 -04:00))
        );
        assert_eq!(
            zone.instants_at(datetime!(2026-11-01 01:30)),
            LocalTime::Two(
                datetime!(2026-11-01 01:30 -04:00),
                datetime!(2026-11-01 01:30 -05:00)
            )
        );
    }

    #[test]
    fn a_typed_time_names_one_instant_or_is_refused_with_why() {
        let zone = new_york();
        assert_eq!(
            read_typed_time("happened_at", "2026-11-01T01:30", SECOND_OF_TWO, zone),
            Ok(datetime!(2026-11-01 06:30 UTC))
        );
        assert_eq!(
            read_typed_time("happened_at", "2026-11-01T01:30", FIRST_OF_TWO, zone),
            Ok(datetime!(2026-11-01 05:30 UTC))
        );
        for (typed, which) in [
            ("2026-11-01T01:30", ""),
            ("2026-03-08T02:30", FIRST_OF_TWO),
            ("9999-12-31T23:59", ""),
            ("the night before", ""),
        ] {
            assert!(
                matches!(
                    read_typed_time("happened_at", typed, which, zone),
                    Err(Refusal::Invalid {
                        field: "happened_at",
                        ..
                    })
                ),
                "{typed}"
            );
        }
    }

    #[test]
    fn today_turns_at_the_viewers_midnight_and_across_a_daylight_saving_change() {
        let clock = ManualClock::starting_at(datetime!(2026-11-01 03:59 UTC));
        let today = || Now::for_viewer(&clock, Some(new_york()), Zone::utc()).today();
        assert_eq!(today(), time::macros::date!(2026 - 10 - 31), "23:59 EDT");
        clock.advance(Duration::minutes(1));
        assert_eq!(today(), time::macros::date!(2026 - 11 - 01), "00:00 EDT");
        // Clocks go back at 06:00 UTC: the day is 25 hours long, so local
        // midnight is at 05:00 UTC the next morning, not 04:00.
        clock.set(datetime!(2026-11-02 04:30 UTC));
        assert_eq!(today(), time::macros::date!(2026 - 11 - 01), "23:30 EST");
        clock.set(datetime!(2026-11-02 05:00 UTC));
        assert_eq!(today(), time::macros::date!(2026 - 11 - 02), "00:00 EST");
        let utc = Now::for_viewer(&clock, None, Zone::utc());
        assert_eq!(utc.today(), time::macros::date!(2026 - 11 - 02));
    }
}
