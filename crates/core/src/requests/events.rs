//! What the requests room records, and how often a request applies.

use crate::kernel::days::json;
use crate::kernel::ids::EntryId;
use serde::{Deserialize, Serialize};
use time::{Date, Weekday};

/// How often a request applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "every", rename_all = "snake_case")]
pub enum Frequency {
    /// Each time something happens ("when you leave work"): how often that
    /// is cannot be known, so nothing is ever "expected".
    EachTime {
        trigger: String,
    },
    Daily,
    /// `times` a week (1 to 7); a once-a-week request may name its day.
    Weekly {
        times: u8,
        #[serde(with = "json::weekday_option", default)]
        on: Option<Weekday>,
    },
    /// Once, by a date.
    ByDate {
        #[serde(with = "json::iso_date")]
        date: Date,
    },
}

impl Frequency {
    /// How the request's rhythm reads on a page.
    pub fn describe(&self) -> String {
        match self {
            Frequency::EachTime { trigger } => format!("Each time: {trigger}"),
            Frequency::Daily => "Every day".to_owned(),
            Frequency::Weekly { on: Some(day), .. } => format!("Every {day}"),
            Frequency::Weekly { times: 1, on: None } => "Once a week".to_owned(),
            Frequency::Weekly { times, on: None } => format!("{times} times a week"),
            Frequency::ByDate { date } => format!("Once, by {date}"),
        }
    }

    /// The form code of the kind of frequency.
    pub fn code(&self) -> &'static str {
        match self {
            Frequency::EachTime { .. } => "each_time",
            Frequency::Daily => "daily",
            Frequency::Weekly { .. } => "weekly",
            Frequency::ByDate { .. } => "by_date",
        }
    }
}

/// The choices of the form's `frequency` field: code and label.
pub const FREQUENCIES: [(&str, &str); 4] = [
    ("each_time", "Each time something happens"),
    ("daily", "Every day"),
    ("weekly", "Every week"),
    ("by_date", "Once, by a date"),
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RequestEvent {
    Made {
        betrayal: EntryId,
        what: String,
        frequency: Frequency,
    },
    Accepted {
        request: EntryId,
    },
    AlternativeProposed {
        request: EntryId,
        what: String,
        frequency: Frequency,
    },
    /// The alternative becomes the request's terms.
    AlternativeAccepted {
        request: EntryId,
    },
    /// The request waits for the involved partner's answer again.
    AlternativeDeclined {
        request: EntryId,
        note: Option<String>,
    },
    Paused {
        request: EntryId,
        reason: String,
    },
    Resumed {
        request: EntryId,
    },
    Retired {
        request: EntryId,
        reason: String,
    },
    FulfilmentLogged {
        request: EntryId,
        #[serde(with = "json::iso_date")]
        happened_on: Date,
        note: Option<String>,
    },
    FulfilmentConfirmed {
        request: EntryId,
        fulfilment: EntryId,
    },
}
