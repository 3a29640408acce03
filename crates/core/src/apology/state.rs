//! Every version sent, per betrayal, folded from the events.

use super::events::{ApologyAnswer, ApologyEvent, ApologyParts};
use crate::kernel::event::Meta;
use crate::kernel::ids::{EntryId, UserId};
use std::collections::BTreeMap;
use time::OffsetDateTime;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ApologyResponse {
    pub answer: ApologyAnswer,
    pub by: UserId,
    pub at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ApologyVersion {
    pub id: EntryId,
    /// 1 for the first version sent for this betrayal.
    pub number: u32,
    pub author: UserId,
    pub sent_at: OffsetDateTime,
    pub parts: ApologyParts,
    pub response: Option<ApologyResponse>,
}

/// Where the latest version stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ApologyStatus {
    AwaitingResponse,
    Received,
    NotYet,
    NeedMore,
}

/// Every version sent for one betrayal.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Apology {
    pub betrayal: EntryId,
    /// Oldest first.
    pub versions: Vec<ApologyVersion>,
}

impl Apology {
    pub fn latest(&self) -> Option<&ApologyVersion> {
        self.versions.last()
    }

    pub fn version(&self, number: u32) -> Option<&ApologyVersion> {
        self.versions.iter().find(|v| v.number == number)
    }

    pub fn status(&self) -> ApologyStatus {
        match self.latest().and_then(|v| v.response.as_ref()) {
            None => ApologyStatus::AwaitingResponse,
            Some(response) => match response.answer {
                ApologyAnswer::Received => ApologyStatus::Received,
                ApologyAnswer::NotYet => ApologyStatus::NotYet,
                ApologyAnswer::NeedMore { .. } => ApologyStatus::NeedMore,
            },
        }
    }

    /// Whether the involved partner may send another version now.
    pub fn open_for_new_version(&self) -> bool {
        matches!(
            self.status(),
            ApologyStatus::NotYet | ApologyStatus::NeedMore
        )
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Apologies {
    /// One per betrayal, in the order the first version was sent.
    pub(super) apologies: Vec<Apology>,
    /// The answers to versions their author withdrew (or that this fold
    /// never read, their payload gone): the hurt partner's words stay.
    answered_withdrawn: BTreeMap<EntryId, ApologyResponse>,
}

impl Apologies {
    pub fn apply(&mut self, meta: &Meta, event: &ApologyEvent) {
        match event {
            ApologyEvent::Sent { betrayal, parts } => {
                let index = match self.apologies.iter().position(|a| a.betrayal == *betrayal) {
                    Some(index) => index,
                    None => {
                        self.apologies.push(Apology {
                            betrayal: *betrayal,
                            versions: Vec::new(),
                        });
                        self.apologies.len() - 1
                    }
                };
                let apology = &mut self.apologies[index];
                let number = u32::try_from(apology.versions.len()).map_or(u32::MAX, |n| n + 1);
                apology.versions.push(ApologyVersion {
                    id: meta.entry(),
                    number,
                    author: meta.author,
                    sent_at: meta.at,
                    parts: parts.clone(),
                    response: None,
                });
            }
            ApologyEvent::Answered { version, answer } => {
                let found = self
                    .apologies
                    .iter_mut()
                    .flat_map(|a| a.versions.iter_mut())
                    .find(|v| v.id == *version);
                let response = ApologyResponse {
                    answer: answer.clone(),
                    by: meta.author,
                    at: meta.at,
                };
                match found {
                    Some(version) => version.response = Some(response),
                    None => {
                        self.answered_withdrawn.insert(*version, response);
                    }
                }
            }
        }
    }

    /// Forgets a version its author withdrew (and the answer to it), and
    /// numbers the versions left from 1 again, as a fold that never read it
    /// would; an apology with no version left is gone.
    pub fn withdraw(&mut self, id: EntryId) {
        if let Some(response) = self.version(id).and_then(|(_, v)| v.response.clone()) {
            self.answered_withdrawn.insert(id, response);
        }
        for apology in &mut self.apologies {
            apology.versions.retain(|v| v.id != id);
            for (number, version) in (1..).zip(apology.versions.iter_mut()) {
                version.number = number;
            }
        }
        self.apologies.retain(|a| !a.versions.is_empty());
    }

    /// The answer to a version its author withdrew, if it had one.
    pub fn answer_to_withdrawn(&self, id: EntryId) -> Option<&ApologyResponse> {
        self.answered_withdrawn.get(&id)
    }

    pub fn all(&self) -> &[Apology] {
        &self.apologies
    }

    pub fn for_betrayal(&self, betrayal: EntryId) -> Option<&Apology> {
        self.apologies.iter().find(|a| a.betrayal == betrayal)
    }

    /// A version by its entry id, with the apology it belongs to.
    pub fn version(&self, id: EntryId) -> Option<(&Apology, &ApologyVersion)> {
        self.apologies
            .iter()
            .find_map(|a| a.versions.iter().find(|v| v.id == id).map(|v| (a, v)))
    }
}

/// One apology per betrayal: it has no id of its own.
impl crate::access::room::OfBetrayal for Apology {
    fn betrayal(&self) -> EntryId {
        self.betrayal
    }
}
