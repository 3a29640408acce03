//! Dates and times as people read them, in the viewer's zone.

use crate::app::clock::Zone;
use time::macros::format_description;
use time::{Date, OffsetDateTime};

/// "14 March 2026, 09:30 UTC": the moment on the viewer's wall clock, with
/// the zone named so nobody wonders whose time it is.
pub fn when(at: OffsetDateTime, zone: Zone) -> String {
    let local = at
        .to_offset(zone.offset())
        .format(format_description!(
            "[day padding:none] [month repr:long] [year], [hour]:[minute]"
        ))
        .unwrap_or_default();
    format!("{local} {}", zone.name())
}

/// The calendar day an instant falls on for the viewer.
pub fn day_of(at: OffsetDateTime, zone: Zone) -> String {
    day(at.to_offset(zone.offset()).date())
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

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn moments_and_spans_read_naturally() {
        assert_eq!(
            when(datetime!(2026-03-14 09:30 UTC), Zone::UTC),
            "14 March 2026, 09:30 UTC"
        );
        assert_eq!(
            day_of(datetime!(2026-03-14 23:30 -02:00), Zone::UTC),
            "15 March 2026",
            "the day is the viewer's, not the writer's"
        );
        assert_eq!(span(time::Duration::seconds(20)), "less than a minute");
        assert_eq!(span(time::Duration::hours(1)), "1 hour");
        assert_eq!(span(time::Duration::hours(30)), "30 hours");
        assert_eq!(span(time::Duration::days(9)), "9 days");
    }
}
