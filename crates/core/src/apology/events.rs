//! What the apology room records: the parts of a version and the answer.

use crate::kernel::ids::EntryId;
use serde::{Deserialize, Serialize};

/// The parts of one version, as sent: the factors (what influenced the
/// author) only ever after they owned their part, and only when given.
pub type ApologyParts = crate::coach::apology::ApologyParts<Option<String>>;

/// The six ownership parts, in the order the form asks for them: the form
/// field name and its label.
pub const OWNERSHIP_PARTS: [(&str, &str); 6] = [
    ("what_i_did", "What I did"),
    ("impact", "The impact it had on you"),
    (
        "responsibility",
        "That it was my choice and my responsibility",
    ),
    ("remorse", "My remorse"),
    ("changes", "What I am changing"),
    ("repair", "How I will repair"),
];

pub const FACTORS_LABEL: &str = "What influenced me (only after owning my part)";

impl ApologyParts {
    /// The parts with their labels, in the order a page shows them; the
    /// factors come last and only when given.
    pub fn labelled(&self) -> Vec<(&'static str, &str)> {
        let mut parts: Vec<(&'static str, &str)> = OWNERSHIP_PARTS
            .iter()
            .zip(self.owned())
            .map(|((_, label), (_, text))| (*label, text))
            .collect();
        if let Some(factors) = &self.factors {
            parts.push((FACTORS_LABEL, factors));
        }
        parts
    }
}

/// The choices of the answer form's `answer` field: code and label.
pub const ANSWERS: [(&str, &str); 3] = [
    ("received", "Received"),
    ("not_yet", "Not yet"),
    ("need_more", "I need more"),
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ApologyAnswer {
    Received,
    NotYet,
    NeedMore { what: String },
}

impl ApologyAnswer {
    pub fn label(&self) -> &'static str {
        match self {
            ApologyAnswer::Received => "Received",
            ApologyAnswer::NotYet => "Not yet",
            ApologyAnswer::NeedMore { .. } => "I need more",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ApologyEvent {
    /// A version is sent; its number is its place among the betrayal's
    /// versions.
    Sent {
        betrayal: EntryId,
        parts: ApologyParts,
    },
    Answered {
        version: EntryId,
        answer: ApologyAnswer,
    },
}
