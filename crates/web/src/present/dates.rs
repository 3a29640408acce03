//! Dates and times as people read them, in the viewer's zone.

use crate::app::clock::{twice_at, Zone, FIRST_OF_TWO, SECOND_OF_TWO};
use time::macros::format_description;
use time::{Date, OffsetDateTime};

/// "14 March 2026, 09:30 EDT": the moment on the viewer's wall clock, with
/// the zone named so nobody wonders whose time it is.
pub fn when(at: OffsetDateTime, zone: Zone) -> String {
    format!("{} {}", wall_time(zone.local(at)), zone.abbreviation_at(at))
}

/// "14 March 2026, 09:30", a wall-clock time without its zone: for a page
/// that names the zone once, or asks which of two offsets was meant.
pub fn wall_time(local: OffsetDateTime) -> String {
    local
        .format(format_description!(
            "[day padding:none] [month repr:long] [year], [hour]:[minute]"
        ))
        .unwrap_or_default()
}

/// "09:30", the time of day alone.
pub fn clock_time(local: OffsetDateTime) -> String {
    local
        .format(format_description!("[hour]:[minute]"))
        .unwrap_or_default()
}

/// The calendar day an instant falls on for the viewer.
pub fn day_of(at: OffsetDateTime, zone: Zone) -> String {
    day(zone.local(at).date())
}

/// "14 March 2026"
pub fn day(date: Date) -> String {
    date.format(format_description!(
        "[day padding:none] [month repr:long] [year]"
    ))
    .unwrap_or_default()
}

/// A duration in the largest unit that reads naturally: "3 days", "5 hours".
pub fn span(duration: time::Duration) -> String {
    let plural = |n: i64, unit: &str| {
        if n == 1 {
            format!("1 {unit}")
        } else {
            format!("{n} {unit}s")
        }
    };
    let minutes = duration.whole_minutes().max(0);
    match minutes {
        0 => "less than a minute".to_owned(),
        m if m < 60 => plural(m, "minute"),
        m if m < 48 * 60 => plural(m / 60, "hour"),
        m => plural(m / (24 * 60), "day"),
    }
}

/// A moment on the viewer's wall clock as a `datetime-local` field holds it:
/// "2026-03-14T09:30".
pub fn typed_value(local: OffsetDateTime) -> String {
    local
        .format(format_description!("[year]-[month]-[day]T[hour]:[minute]"))
        .unwrap_or_default()
}

/// One of the two times a typed time may mean when clocks went back.
pub struct TwiceOption {
    pub value: &'static str,
    pub label: String,
    pub checked: bool,
}

/// When the time typed (`raw`) happened twice in `zone`, the two to choose
/// from, `which` (the answer sent before) checked.
pub fn twice_options(raw: &str, which: &str, zone: Zone) -> Option<[TwiceOption; 2]> {
    twice_at(raw, zone).map(|(first, second)| {
        let option = |value: &'static str, at, words: &str| TwiceOption {
            value,
            label: format!(
                "the {words} {} ({})",
                clock_time(at),
                zone.abbreviation_at(at)
            ),
            checked: which == value,
        };
        [
            option(FIRST_OF_TWO, first, "first"),
            option(SECOND_OF_TWO, second, "second"),
        ]
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn moments_and_spans_read_naturally() {
        assert_eq!(
            when(datetime!(2026-03-14 09:30 UTC), Zone::utc()),
            "14 March 2026, 09:30 UTC"
        );
        assert_eq!(
            day_of(datetime!(2026-03-14 23:30 -02:00), Zone::utc()),
            "15 March 2026",
            "the day is the viewer's, not the writer's"
        );
        assert_eq!(span(time::Duration::seconds(20)), "less than a minute");
        assert_eq!(span(time::Duration::hours(1)), "1 hour");
        assert_eq!(span(time::Duration::hours(30)), "30 hours");
        assert_eq!(span(time::Duration::days(9)), "9 days");
    }

    #[test]
    fn a_moment_reads_on_the_viewers_wall_clock_with_the_abbreviation_in_force() {
        let new_york = Zone::named("America/New_York").unwrap();
        assert_eq!(
            when(datetime!(2026-03-08 06:59 UTC), new_york),
            "8 March 2026, 01:59 EST"
        );
        assert_eq!(
            when(datetime!(2026-03-08 07:00 UTC), new_york),
            "8 March 2026, 03:00 EDT",
            "clocks went forward an hour at 02:00"
        );
        assert_eq!(
            day_of(datetime!(2026-11-30 04:59 UTC), new_york),
            "29 November 2026",
            "before local midnight it is still the day before"
        );
        let kiritimati = Zone::named("Pacific/Kiritimati").unwrap();
        assert_eq!(
            when(datetime!(2026-11-29 10:30 UTC), kiritimati),
            "30 November 2026, 00:30 +14"
        );
    }
}
