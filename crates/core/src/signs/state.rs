//! One person's noticed signs, folded from their private stream.

use super::*;
use crate::kernel::ids::EntryId;
use crate::Meta;
use time::OffsetDateTime;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SignsNote {
    pub id: EntryId,
    pub at: OffsetDateTime,
    pub signs: Vec<Sign>,
}

/// One person's noticed signs, in time order, with running totals.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct SignsLog {
    notes: Vec<SignsNote>,
    totals: [u32; Sign::COUNT],
}

impl SignsLog {
    pub fn apply(&mut self, meta: &Meta, event: &SignsEvent) {
        match event {
            SignsEvent::Noticed { signs } => {
                for sign in signs {
                    self.totals[sign.index()] += 1;
                }
                self.notes.push(SignsNote {
                    id: meta.entry(),
                    at: meta.at,
                    signs: signs.clone(),
                });
            }
        }
    }

    pub fn notes(&self) -> &[SignsNote] {
        &self.notes
    }

    /// How many times each sign was ticked, in `Sign::ALL` order.
    pub fn totals(&self) -> impl Iterator<Item = (Sign, u32)> + '_ {
        Sign::ALL.into_iter().map(|s| (s, self.totals[s.index()]))
    }
}
