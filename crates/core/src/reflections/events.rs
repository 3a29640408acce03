//! What the reflections room stores.

use super::prompts::Prompt;
use crate::kernel::ids::EntryId;
use serde::{Deserialize, Serialize};

/// A reflection's events in its author's own stream: only its author ever
/// reads them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PrivateReflectionEvent {
    /// A reflection written; its entry names it. One answer per question of
    /// the prompt, empty where none was given.
    Written { prompt: Prompt, parts: Vec<String> },
    /// A new version; the earlier ones stay.
    Revised {
        reflection: EntryId,
        parts: Vec<String>,
    },
    /// The author shared a copy of this version with their partner.
    CopyShared { reflection: EntryId, version: u32 },
    /// The author put it away: it leaves their list; a copy shared before
    /// stays in the couple's record.
    Withdrawn { reflection: EntryId },
}

/// The reflections room's events in the couple's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ReflectionEvent {
    /// A copy of a reflection, shared by its author: a new entry of its own.
    CopyShared { prompt: Prompt, parts: Vec<String> },
    /// The hurt partner's trigger note: "I was triggered when … I felt …
    /// What would help is …".
    TriggerNoted {
        when: String,
        felt: String,
        would_help: Option<String>,
    },
    /// The other partner's reassurance, once.
    Reassured { note: EntryId, words: String },
}
