//! What the weekly-meeting room stores.

use crate::kernel::ids::EntryId;
use crate::kernel::listed::{by_code, listed_enum};
use serde::{Deserialize, Serialize};

listed_enum! {
    /// The day of the week the couple meets.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum MeetingDay {
        Monday,
        Tuesday,
        Wednesday,
        Thursday,
        Friday,
        Saturday,
        Sunday,
    }
}

impl MeetingDay {
    pub fn code(self) -> &'static str {
        match self {
            MeetingDay::Monday => "monday",
            MeetingDay::Tuesday => "tuesday",
            MeetingDay::Wednesday => "wednesday",
            MeetingDay::Thursday => "thursday",
            MeetingDay::Friday => "friday",
            MeetingDay::Saturday => "saturday",
            MeetingDay::Sunday => "sunday",
        }
    }

    /// "Sundays", as in "Sundays at 19:00".
    pub fn plural(self) -> &'static str {
        match self {
            MeetingDay::Monday => "Mondays",
            MeetingDay::Tuesday => "Tuesdays",
            MeetingDay::Wednesday => "Wednesdays",
            MeetingDay::Thursday => "Thursdays",
            MeetingDay::Friday => "Fridays",
            MeetingDay::Saturday => "Saturdays",
            MeetingDay::Sunday => "Sundays",
        }
    }

    pub fn parse(raw: &str) -> Option<MeetingDay> {
        by_code(&Self::ALL, raw, Self::code)
    }

    pub fn weekday(self) -> time::Weekday {
        use time::Weekday as W;
        match self {
            MeetingDay::Monday => W::Monday,
            MeetingDay::Tuesday => W::Tuesday,
            MeetingDay::Wednesday => W::Wednesday,
            MeetingDay::Thursday => W::Thursday,
            MeetingDay::Friday => W::Friday,
            MeetingDay::Saturday => W::Saturday,
            MeetingDay::Sunday => W::Sunday,
        }
    }

    /// Whether `date` falls on this day of the week.
    pub fn falls_on(self, date: time::Date) -> bool {
        date.weekday() == self.weekday()
    }
}

/// What one agenda item says, by the part of the meeting it belongs to.
/// The meeting walks the parts in this order and opens with appreciations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "part", rename_all = "snake_case")]
pub enum AgendaItem {
    /// Something the author appreciated in their partner this week.
    Appreciation { text: String },
    /// Something that went well between them.
    WentWell { text: String },
    /// A concern, in the gentle start-up's words: "I feel … about … and I
    /// need …".
    Concern {
        feel: String,
        about: String,
        need: String,
    },
    /// Something to do in the week ahead.
    Plan { text: String },
}

/// The meeting's events in the couple stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum MeetingEvent {
    /// A weekly day and time to meet, on the proposer's wall clock in
    /// `zone` (an IANA name; core reads it only as a name).
    TimeProposed {
        day: MeetingDay,
        hour: u8,
        minute: u8,
        zone: String,
    },
    /// The other partner says yes to the proposal.
    TimeAgreed { proposal: EntryId },
    /// An item for the agenda, by its author.
    ItemAdded { item: AgendaItem },
    /// The author says the meeting numbered `round` was held, and which of
    /// the open items they talked about; `agreed` is their word on what
    /// they settled. The meeting is held once both have said so.
    HeldMarked {
        round: u32,
        covered: Vec<EntryId>,
        agreed: Option<String>,
    },
}
