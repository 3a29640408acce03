//! The one decision of this room: may this person withdraw this entry, and
//! the event that does it.

use super::events::WithdrawalEvent;
use super::state::Withdrawals;
use crate::access::repair_rules::member;
use crate::kernel::ids::{EntryId, UserId};
use crate::kernel::refusal::Refusal;
use crate::space::SpaceState;

/// Only the entry's author, only an entry (not a structural step such as
/// creating the space or a consent), and only once.
pub fn check_withdraw(
    state: &Withdrawals,
    actor: UserId,
    entry: EntryId,
) -> Result<&super::Written, Refusal> {
    if state.withdrawn(entry).is_some() {
        return Err(Refusal::Conflict("This entry was withdrawn already."));
    }
    let written = state.written(entry).ok_or(Refusal::NotFound)?;
    if written.author != actor {
        return Err(Refusal::NotAllowed(
            "Only the person who wrote an entry can withdraw it.",
        ));
    }
    Ok(written)
}

/// May `actor` withdraw `entry` now? Yes exactly when `withdraw` would.
pub fn can_withdraw(state: &Withdrawals, actor: UserId, entry: EntryId) -> bool {
    check_withdraw(state, actor, entry).is_ok()
}

pub fn withdraw(
    state: &Withdrawals,
    actor: UserId,
    entry: EntryId,
) -> Result<WithdrawalEvent, Refusal> {
    let written = check_withdraw(state, actor, entry)?;
    Ok(WithdrawalEvent::Withdrawn {
        entry,
        room: written.room,
        betrayal: written.betrayal,
        written_at: written.at,
        for_therapist: state.is_for_therapist(entry),
    })
}

/// An entry of the couple's record: `check_withdraw`, while the space is
/// open. An ended space is kept read-only for both partners, the one who
/// wrote each entry included, so nothing leaves it during the window.
pub fn check_withdraw_shared<'a>(
    space: &SpaceState,
    state: &'a Withdrawals,
    actor: UserId,
    entry: EntryId,
) -> Result<&'a super::Written, Refusal> {
    member(space, actor)?;
    check_withdraw(state, actor, entry)
}

/// May `actor` withdraw the shared `entry` now? Yes exactly when
/// `withdraw_shared` would.
pub fn can_withdraw_shared(
    space: &SpaceState,
    state: &Withdrawals,
    actor: UserId,
    entry: EntryId,
) -> bool {
    check_withdraw_shared(space, state, actor, entry).is_ok()
}

pub fn withdraw_shared(
    space: &SpaceState,
    state: &Withdrawals,
    actor: UserId,
    entry: EntryId,
) -> Result<WithdrawalEvent, Refusal> {
    member(space, actor)?;
    withdraw(state, actor, entry)
}
