//! The therapist room's decisions.

use super::events::{Scope, TherapistEvent};
use super::queries::*;
use super::state::Therapy;
use crate::access::room::*;
use crate::kernel::text::Field;

const NAME: Field = Field::new("name", 100);

/// The scopes ticked on a form; an unknown code is refused.
fn read_scopes(raw: &[&str]) -> Result<Vec<Scope>, Refusal> {
    let mut scopes = raw
        .iter()
        .map(|code| {
            Scope::parse(code)
                .ok_or_else(|| Refusal::invalid("scopes", "Please choose from the list."))
        })
        .collect::<Result<Vec<Scope>, Refusal>>()?;
    scopes.sort();
    scopes.dedup();
    Ok(scopes)
}

/// Proposes a therapist, named as the couple calls them, with what the
/// proposer consents they may see.
pub fn propose(
    acting: Acting<Therapy>,
    name: &str,
    scopes: &[&str],
) -> Result<TherapistEvent, Refusal> {
    check_propose(acting)?;
    let name = NAME.required(name)?;
    Ok(TherapistEvent::Proposed {
        name,
        scopes: read_scopes(scopes)?,
    })
}

/// The other partner consents, with the scopes they agree to.
pub fn consent(
    acting: Acting<Therapy>,
    proposal: EntryId,
    scopes: &[&str],
) -> Result<TherapistEvent, Refusal> {
    check_consent(acting, proposal)?;
    Ok(TherapistEvent::Consented {
        proposal,
        scopes: read_scopes(scopes)?,
    })
}

pub fn decline(acting: Acting<Therapy>, proposal: EntryId) -> Result<TherapistEvent, Refusal> {
    check_decline(acting, proposal)?;
    Ok(TherapistEvent::Declined { proposal })
}

/// Changes what the actor consents to: fewer scopes take effect at once;
/// more are seen only once the other partner's consent holds them too.
pub fn change_scopes(
    acting: Acting<Therapy>,
    proposal: EntryId,
    scopes: &[&str],
) -> Result<TherapistEvent, Refusal> {
    check_change(acting, proposal)?;
    let scopes = read_scopes(scopes)?;
    let held = acting
        .room
        .get(proposal)
        .and_then(|e| e.consent_of(acting.actor))
        .cloned()
        .unwrap_or_default();
    let only_fewer = scopes.iter().all(|s| held.contains(s));
    Ok(if only_fewer {
        TherapistEvent::Narrowed { proposal, scopes }
    } else {
        TherapistEvent::Widened { proposal, scopes }
    })
}

pub fn end(acting: Acting<Therapy>, proposal: EntryId) -> Result<TherapistEvent, Refusal> {
    check_end(acting, proposal)?;
    Ok(TherapistEvent::Ended { proposal })
}

/// The therapist accepts with their own account.
pub fn accept(
    space: &SpaceState,
    room: &Therapy,
    therapist: UserId,
    proposal: EntryId,
) -> Result<TherapistEvent, Refusal> {
    check_accept(space, room, therapist, proposal)?;
    Ok(TherapistEvent::Accepted { proposal })
}
