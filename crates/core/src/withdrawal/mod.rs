//! Withdrawing an entry (DESIGN §2, data rights): the author of an entry
//! takes back what they wrote. The store removes the entry's ciphertext in
//! the same transaction that appends the withdrawal, which names it (so the
//! chain and the seal still prove every row). What stays is a tombstone: who
//! withdrew it (always its author) and when, never anything it said.
//!
//! This room keeps, for each stream, which events wrote an entry and by
//! whom (`Written`), so `can_withdraw` answers without reading another room,
//! and which entries were withdrawn (`Withdrawn`). Each room forgets the
//! entry itself when the stream's state folds the withdrawal in.

mod commands;
mod events;
mod state;
#[cfg(test)]
pub(crate) mod tests;

pub use commands::{
    can_withdraw, can_withdraw_shared, check_withdraw, check_withdraw_shared, withdraw,
    withdraw_shared,
};
pub use events::{EntryRoom, WithdrawalEvent};
pub use state::{Withdrawals, Withdrawn, Written};
