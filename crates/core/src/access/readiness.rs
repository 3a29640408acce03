//! The one place that reads both partners' readiness marks (DESIGN §4,
//! "Crossing streams"). Each mark lives in its author's private stream; what
//! leaves this function is only the steps *both* marked ready, and since
//! when. One partner's mark never does: not as a list, a count, or an order.

use crate::access::visibility::Private;
use crate::kernel::ids::UserId;
use crate::kernel::refusal::Refusal;
use crate::readiness::{Mark, ReadinessList, ReadinessMarks, StepRef};
use crate::space::SpaceState;
use time::OffsetDateTime;

/// A step both partners marked ready.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MutualStep {
    pub step: StepRef,
    pub name: String,
    /// When the later of the two marks was made: the moment it became mutual.
    pub since: OffsetDateTime,
}

/// The steps of the list both partners marked ready, in the list's order.
/// `mine` must be the viewer's own marks and `theirs` their partner's; a
/// stream handed in for the wrong person is refused, so the function cannot
/// be turned into a way to read someone's marks.
pub fn reveal(
    space: &SpaceState,
    list: &ReadinessList,
    viewer: UserId,
    mine: Private<'_, ReadinessMarks>,
    theirs: Private<'_, ReadinessMarks>,
) -> Result<Vec<MutualStep>, Refusal> {
    let partner = space.partner_of(viewer).ok_or(Refusal::NotAMember)?;
    let mine = mine.read_as(viewer)?;
    let theirs = theirs.read_as(partner)?;
    let ready_since = |marks: &ReadinessMarks, step: StepRef| {
        marks
            .mark_of(step)
            .filter(|now| now.mark == Mark::Ready)
            .map(|now| now.since)
    };
    Ok(list
        .steps()
        .into_iter()
        .filter_map(|listed| {
            let since = ready_since(mine, listed.step)?.max(ready_since(theirs, listed.step)?);
            Some(MutualStep {
                step: listed.step,
                name: listed.name,
                since,
            })
        })
        .collect())
}
