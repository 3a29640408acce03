//! Time in the shapes a person and the record use: delays in plain words,
//! weekdays by their form codes, and the serde shapes of dates in stored
//! events.

use time::Duration;

/// How long something took, in the words a page shows ("3 hours").
/// Coarse on purpose: the record is about accountability, not a stopwatch.
pub fn plain_delay(delay: Duration) -> String {
    let minutes = delay.whole_minutes().max(0);
    let (count, unit) = if minutes < 1 {
        return "less than a minute".to_owned();
    } else if minutes < 60 {
        (minutes, "minute")
    } else if minutes < 60 * 24 {
        (minutes / 60, "hour")
    } else if minutes < 60 * 24 * 14 {
        (minutes / (60 * 24), "day")
    } else if minutes < 60 * 24 * 61 {
        (minutes / (60 * 24 * 7), "week")
    } else {
        (minutes / (60 * 24 * 30), "month")
    };
    if count == 1 {
        format!("1 {unit}")
    } else {
        format!("{count} {unit}s")
    }
}

/// Serde shapes for time values in stored events, spelled out so the JSON
/// stays the same whichever features of `time` the rest of the workspace
/// turns on.
pub(crate) mod json {
    use time::Weekday;

    time::serde::format_description!(pub(crate) iso_date, Date, "[year]-[month]-[day]");

    /// An optional day as `"2026-03-14"` or `null`. Written exactly as
    /// `iso_date::option` writes it, but read through `Option<String>`:
    /// inside a tagged enum serde buffers a JSON `null` as a unit value,
    /// which `time`'s own option reader refuses, so a stored event without
    /// the day could not be read back.
    pub(crate) mod iso_date_option {
        use serde::{de::Error, Deserialize, Deserializer, Serializer};
        use time::Date;

        pub(crate) fn serialize<S: Serializer>(
            day: &Option<Date>,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            super::iso_date::option::serialize(day, serializer)
        }

        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Option<Date>, D::Error> {
            let raw: Option<String> = Option::deserialize(deserializer)?;
            raw.map(|text| {
                crate::space::parse_optional_date("date", &text)
                    .ok()
                    .flatten()
                    .ok_or_else(|| D::Error::custom(format!("not a day: {text:?}")))
            })
            .transpose()
        }
    }

    /// A weekday as its lowercase English name ("monday").
    pub(crate) mod weekday_option {
        use super::Weekday;
        use serde::{de::Error, Deserialize, Deserializer, Serialize, Serializer};

        pub(crate) fn serialize<S: Serializer>(
            day: &Option<Weekday>,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            day.map(crate::kernel::days::weekday_code)
                .serialize(serializer)
        }

        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Option<Weekday>, D::Error> {
            let raw: Option<String> = Option::deserialize(deserializer)?;
            raw.map(|code| {
                crate::kernel::days::parse_weekday(&code)
                    .ok_or_else(|| D::Error::custom(format!("unknown weekday {code:?}")))
            })
            .transpose()
        }
    }
}

/// The days of the week with their form codes, Monday first.
pub const WEEKDAYS: [(time::Weekday, &str); 7] = [
    (time::Weekday::Monday, "monday"),
    (time::Weekday::Tuesday, "tuesday"),
    (time::Weekday::Wednesday, "wednesday"),
    (time::Weekday::Thursday, "thursday"),
    (time::Weekday::Friday, "friday"),
    (time::Weekday::Saturday, "saturday"),
    (time::Weekday::Sunday, "sunday"),
];

/// The form and storage code of a weekday ("monday").
pub fn weekday_code(day: time::Weekday) -> &'static str {
    WEEKDAYS
        .iter()
        .find(|(d, _)| *d == day)
        .map_or("monday", |(_, code)| code)
}

pub fn parse_weekday(code: &str) -> Option<time::Weekday> {
    WEEKDAYS
        .iter()
        .find(|(_, c)| c.eq_ignore_ascii_case(code.trim()))
        .map(|(d, _)| *d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_read_in_plain_words() {
        assert_eq!(plain_delay(Duration::seconds(40)), "less than a minute");
        assert_eq!(plain_delay(Duration::minutes(1)), "1 minute");
        assert_eq!(plain_delay(Duration::minutes(59)), "59 minutes");
        assert_eq!(plain_delay(Duration::hours(23)), "23 hours");
        assert_eq!(plain_delay(Duration::days(13)), "13 days");
        assert_eq!(plain_delay(Duration::days(21)), "3 weeks");
        assert_eq!(plain_delay(Duration::days(95)), "3 months");
    }

    #[test]
    fn weekday_codes_read_back() {
        for (day, code) in WEEKDAYS {
            assert_eq!(weekday_code(day), code);
            assert_eq!(parse_weekday(&code.to_uppercase()), Some(day));
        }
        assert_eq!(parse_weekday("someday"), None);
    }
}
