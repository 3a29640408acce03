//! Where a person's entry goes, and whose eyes a query is made for.
//!
//! Check-ins and trust pulses can be kept to oneself or shared. The command
//! decides the stream from the person's choice, so an "only me" entry can
//! never be appended to the couple stream by mistake in the web layer.

use crate::couple::{CoupleEvent, CoupleState};
use crate::ids::UserId;
use crate::private::{PrivateEvent, PrivateState};
use crate::refusal::Refusal;

/// The stream an entry must be appended to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// The author's own private stream.
    Private(PrivateEvent),
    /// The couple's shared record.
    Shared(CoupleEvent),
}

impl Destination {
    pub fn is_private(&self) -> bool {
        matches!(self, Destination::Private(_))
    }
}

/// Whose entry a viewer is looking at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Whose {
    Mine,
    Partner,
}

impl Whose {
    pub fn of(author: UserId, viewer: UserId) -> Whose {
        if author == viewer {
            Whose::Mine
        } else {
            Whose::Partner
        }
    }
}

/// Refuses anyone who is not one of the two partners.
pub fn member(couple: &CoupleState, viewer: UserId) -> Result<(), Refusal> {
    if couple.space.is_member(viewer) {
        Ok(())
    } else {
        Err(Refusal::NotAMember)
    }
}

/// The viewer's own private state, refused if it belongs to someone else:
/// a query handed the partner's private projection fails closed instead of
/// showing it.
pub fn own_private(mine: &PrivateState, viewer: UserId) -> Result<&PrivateState, Refusal> {
    match mine.owner {
        Some(owner) if owner != viewer => Err(Refusal::NotFound),
        _ => Ok(mine),
    }
}
