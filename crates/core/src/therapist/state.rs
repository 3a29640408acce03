//! The therapist room, folded from the couple stream: each proposal and
//! where it stands.

use super::events::{Scope, TherapistEvent};
use crate::kernel::event::{Meta, Stamp};
use crate::kernel::ids::{EntryId, UserId};
use crate::space::SpaceState;
use std::collections::BTreeSet;

/// The scopes one person consents to; parked questions are always in.
pub type Scopes = BTreeSet<Scope>;

/// `scopes` with the parked questions, which are always shared.
pub fn with_parked(scopes: &[Scope]) -> Scopes {
    let mut all: Scopes = scopes.iter().copied().collect();
    all.insert(Scope::ParkedQuestions);
    all
}

/// A therapist proposed by one partner, and where that stands.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Engagement {
    pub id: EntryId,
    /// How the couple names the therapist ("Dr Okafor").
    pub name: String,
    pub proposed: Stamp,
    /// Each partner's consent as it stands now, in the order given.
    pub consents: Vec<(UserId, Scopes)>,
    pub declined: Option<Stamp>,
    /// The therapist's own account, when they accepted.
    pub accepted: Option<Stamp>,
    pub ended: Option<Stamp>,
}

impl Engagement {
    pub fn consent_of(&self, person: UserId) -> Option<&Scopes> {
        self.consents
            .iter()
            .find(|(who, _)| *who == person)
            .map(|(_, scopes)| scopes)
    }

    /// Still open to steps: neither declined nor ended.
    pub fn is_open(&self) -> bool {
        self.declined.is_none() && self.ended.is_none()
    }

    /// Both partners of `space` have consented.
    pub fn both_consented(&self, space: &SpaceState) -> bool {
        let partners = [space.creator, space.invitee];
        partners
            .iter()
            .all(|p| p.is_some_and(|p| self.consent_of(p).is_some()))
    }

    /// The therapist who accepted, while all three have said yes, no
    /// partner ended it, and the shared space itself is open.
    pub fn active_therapist(&self, space: &SpaceState) -> Option<UserId> {
        let accepted = self.accepted?;
        (self.is_open() && space.is_open() && self.both_consented(space)).then_some(accepted.by)
    }

    /// What the therapist may see: the scopes both partners' consents
    /// hold, while the engagement is active; nothing otherwise.
    pub fn visible(&self, space: &SpaceState) -> Scopes {
        if self.active_therapist(space).is_none() {
            return Scopes::new();
        }
        let mut consents = self
            .consents
            .iter()
            .filter(|(who, _)| space.is_member(*who))
            .map(|(_, scopes)| scopes);
        let Some(first) = consents.next() else {
            return Scopes::new();
        };
        consents.fold(first.clone(), |both, next| &both & next)
    }

    fn set_consent(&mut self, person: UserId, scopes: Scopes) {
        match self.consents.iter_mut().find(|(who, _)| *who == person) {
            Some((_, held)) => *held = scopes,
            None => self.consents.push((person, scopes)),
        }
    }
}

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Therapy {
    engagements: Vec<Engagement>,
}

impl Therapy {
    pub fn apply(&mut self, meta: &Meta, event: &TherapistEvent) {
        if let TherapistEvent::Proposed { name, scopes } = event {
            self.engagements.push(Engagement {
                id: meta.entry(),
                name: name.clone(),
                proposed: meta.stamp(),
                consents: vec![(meta.author, with_parked(scopes))],
                declined: None,
                accepted: None,
                ended: None,
            });
            return;
        }
        let (TherapistEvent::Consented { proposal, .. }
        | TherapistEvent::Declined { proposal }
        | TherapistEvent::Accepted { proposal }
        | TherapistEvent::Narrowed { proposal, .. }
        | TherapistEvent::Widened { proposal, .. }
        | TherapistEvent::Ended { proposal }) = event
        else {
            return;
        };
        let Some(engagement) = self.engagements.iter_mut().find(|e| e.id == *proposal) else {
            return;
        };
        match event {
            TherapistEvent::Consented { scopes, .. } | TherapistEvent::Widened { scopes, .. } => {
                engagement.set_consent(meta.author, with_parked(scopes));
            }
            TherapistEvent::Narrowed { scopes, .. } => {
                let narrower = with_parked(scopes);
                let held = engagement
                    .consent_of(meta.author)
                    .cloned()
                    .unwrap_or_default();
                engagement.set_consent(meta.author, &held & &narrower);
            }
            TherapistEvent::Declined { .. } => engagement.declined = Some(meta.stamp()),
            TherapistEvent::Accepted { .. } => engagement.accepted = Some(meta.stamp()),
            TherapistEvent::Ended { .. } => engagement.ended = Some(meta.stamp()),
            TherapistEvent::Proposed { .. } => {}
        }
    }

    pub fn all(&self) -> &[Engagement] {
        &self.engagements
    }

    pub fn get(&self, id: EntryId) -> Option<&Engagement> {
        self.engagements.iter().find(|e| e.id == id)
    }

    /// The engagement still open (proposed, consented or active), if any:
    /// a couple works with one therapist at a time.
    pub fn open(&self) -> Option<&Engagement> {
        self.engagements.iter().rev().find(|e| e.is_open())
    }

    /// The engagement `therapist` accepted and may read now.
    pub fn active_for(&self, space: &SpaceState, therapist: UserId) -> Option<&Engagement> {
        self.open()
            .filter(|e| e.active_therapist(space) == Some(therapist))
    }
}
