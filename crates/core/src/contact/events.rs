//! What the contact room records.

use crate::kernel::ids::EntryId;
use crate::kernel::listed::by_code;
use crate::kernel::refusal::Refusal;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactChannel {
    TextMessage,
    Call,
    Email,
    SocialMedia,
    InPerson,
    ThroughSomeone,
    Other,
}

impl ContactChannel {
    pub const ALL: [ContactChannel; 7] = [
        ContactChannel::TextMessage,
        ContactChannel::Call,
        ContactChannel::Email,
        ContactChannel::SocialMedia,
        ContactChannel::InPerson,
        ContactChannel::ThroughSomeone,
        ContactChannel::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ContactChannel::TextMessage => "text_message",
            ContactChannel::Call => "call",
            ContactChannel::Email => "email",
            ContactChannel::SocialMedia => "social_media",
            ContactChannel::InPerson => "in_person",
            ContactChannel::ThroughSomeone => "through_someone",
            ContactChannel::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ContactChannel::TextMessage => "A text message",
            ContactChannel::Call => "A call",
            ContactChannel::Email => "An email",
            ContactChannel::SocialMedia => "Social media",
            ContactChannel::InPerson => "In person",
            ContactChannel::ThroughSomeone => "Through someone else",
            ContactChannel::Other => "Another way",
        }
    }

    pub fn parse(code: &str) -> Result<Self, Refusal> {
        by_code(&Self::ALL, code, Self::code)
            .ok_or_else(|| Refusal::invalid("channel", "Please choose how the contact came."))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ContactEvent {
    /// The report's own time is the event's time.
    Reported {
        betrayal: EntryId,
        #[serde(with = "time::serde::rfc3339")]
        happened_at: OffsetDateTime,
        channel: ContactChannel,
        what_was_said: String,
        how_i_responded: String,
    },
    Acknowledged {
        report: EntryId,
        response: Option<String>,
    },
}
