//! Timestamps are stored as integer microseconds since the Unix epoch (UTC):
//! exact on both backends, and hashed the same everywhere.

use crate::{Result, StoreError};
use time::OffsetDateTime;

pub(crate) fn to_micros(at: OffsetDateTime) -> i64 {
    let micros = at.unix_timestamp_nanos().div_euclid(1_000);
    // `time` spans years -9999..=9999, well within i64 microseconds.
    i64::try_from(micros).unwrap_or(if micros < 0 { i64::MIN } else { i64::MAX })
}

pub(crate) fn from_micros(micros: i64) -> Result<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1_000).map_err(|error| {
        StoreError::Database(sqlx::Error::Decode(
            format!("timestamp {micros} µs is out of range: {error}").into(),
        ))
    })
}

/// The current time, cut to what the database keeps.
pub(crate) fn now_micros() -> i64 {
    to_micros(OffsetDateTime::now_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn microseconds_round_trip_and_finer_digits_are_cut() {
        let at = datetime!(2026-11-26 18:07:33.123456789 UTC);
        let micros = to_micros(at);
        assert_eq!(micros % 1_000_000, 123_456);
        assert_eq!(
            from_micros(micros).unwrap(),
            datetime!(2026-11-26 18:07:33.123456 UTC)
        );
        let before_epoch = datetime!(1969-12-31 23:59:59.5 UTC);
        assert_eq!(from_micros(to_micros(before_epoch)).unwrap(), before_epoch);
    }

    #[test]
    fn other_offsets_are_stored_as_the_same_instant() {
        let at = datetime!(2026-01-01 02:00 +02:00);
        assert_eq!(
            from_micros(to_micros(at)).unwrap(),
            datetime!(2026-01-01 00:00 UTC)
        );
    }
}
