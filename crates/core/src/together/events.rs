//! What the time-together room stores.

use crate::kernel::ids::EntryId;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

/// How connected a partner felt, 1 (not at all) to 5 (very).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Connection(u8);

impl Connection {
    pub const MOST: u8 = 5;

    pub fn new(value: u8) -> Option<Connection> {
        (1..=Self::MOST)
            .contains(&value)
            .then_some(Connection(value))
    }

    pub fn value(self) -> u8 {
        self.0
    }

    pub fn label(self) -> &'static str {
        match self.0 {
            1 => "Not connected",
            2 => "A little connected",
            3 => "Somewhat connected",
            4 => "Connected",
            _ => "Very connected",
        }
    }
}

/// A plan's events in the couple stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TogetherEvent {
    /// Time together suggested by the event's author; its entry names the plan.
    Suggested {
        what: String,
        #[serde(with = "time::serde::rfc3339")]
        at: OffsetDateTime,
    },
    /// The partner who was asked says yes to the time as it stands.
    Accepted { plan: EntryId },
    /// The partner who was asked suggests another time; now the other answers.
    Moved {
        plan: EntryId,
        #[serde(with = "time::serde::rfc3339")]
        at: OffsetDateTime,
    },
    /// The partner who was asked says no, this time.
    Declined { plan: EntryId },
    /// It happened; the author's word on it, shared with the partner.
    Shared {
        plan: EntryId,
        connection: Connection,
        line: Option<String>,
    },
    /// It happened; the author keeps their word on it in their own stream
    /// (`PrivateTogetherEvent::Kept`), so only that it happened is here.
    Happened { plan: EntryId },
    /// A small recurring thing to do together; its entry names the ritual.
    RitualBegun { what: String },
    /// The couple did it on this day (their own calendar day).
    RitualDone { ritual: EntryId, on: Date },
    /// Set aside by either partner; its days stay in the record.
    RitualSetAside { ritual: EntryId },
}

/// A word on time together its author keeps to themselves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PrivateTogetherEvent {
    Kept {
        plan: EntryId,
        connection: Connection,
        line: Option<String>,
    },
}
