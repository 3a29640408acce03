//! What the truth log records.

use crate::kernel::days::json;
use crate::kernel::ids::EntryId;
use serde::{Deserialize, Serialize};
use time::Date;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TruthEvent {
    /// The involved partner tells something without being asked.
    Disclosed {
        betrayal: EntryId,
        text: String,
        /// The day the disclosure is about, when the author gave one.
        #[serde(with = "json::iso_date_option", default)]
        refers_to: Option<Date>,
    },
    Asked {
        betrayal: EntryId,
        text: String,
    },
    Answered {
        question: EntryId,
        text: String,
    },
    /// "I read this", optionally with a response.
    Acknowledged {
        entry: EntryId,
        response: Option<String>,
    },
    /// The question waits for the joint therapy session.
    Parked {
        question: EntryId,
    },
    Unparked {
        question: EntryId,
    },
    /// A new entry that corrects an earlier disclosure, answer or correction.
    Corrected {
        corrects: EntryId,
        text: String,
    },
}
