//! Visit marks: when a person last opened Today, kept in their own private
//! stream so Today can say what is new "since your last visit".
//!
//! The same stream keeps the person's witness of the shared record: the
//! couple stream's head (`seq` and hash) as they last saw it. The record's
//! seal cannot tell a whole stream put back to an older copy, rows and seal
//! together, nor one deleted with its seal; a witness in another stream can:
//! a couple stream behind, or missing under, a witness is refused.
//!
//! Opening Today leaves a mark there, at most once per `MARK_EVERY`. Marks
//! less than `SITTING_GAP` apart belong to one sitting. "Since your last
//! visit" means since the end of the previous sitting, so reloading the page
//! keeps the news in view until the person comes back another time. Only the
//! viewer's own queries read these marks: a partner never learns when the
//! other last looked.

use crate::kernel::event::Meta;
use crate::kernel::ids::CoupleId;
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

/// Marks closer together than this are one sitting.
pub const SITTING_GAP: Duration = Duration::minutes(30);
/// A sitting's mark is renewed no more often than this.
pub const MARK_EVERY: Duration = Duration::minutes(10);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum VisitEvent {
    /// Today was opened; the event's time is when.
    TodayOpened,
    /// The person saw the couple stream at this head.
    CoupleHeadSeen(HeadSeen),
}

/// A couple stream's head as one partner saw it: its `seq` and the hash of
/// the event at that `seq`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeadSeen {
    pub couple: CoupleId,
    pub seq: u64,
    pub hash: [u8; 32],
}

/// The marks a fold needs: the newest one, and the end of the sitting
/// before the current one. Constant size, however many visits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Visits {
    last_mark: Option<OffsetDateTime>,
    previous_sitting_end: Option<OffsetDateTime>,
    /// The newest witness of the couple stream.
    couple_head_seen: Option<HeadSeen>,
}

impl Visits {
    pub fn apply(&mut self, meta: &Meta, event: &VisitEvent) {
        match event {
            VisitEvent::TodayOpened => {
                let same_sitting = self
                    .last_mark
                    .is_some_and(|last| meta.at - last <= SITTING_GAP);
                if !same_sitting {
                    self.previous_sitting_end = self.last_mark;
                }
                self.last_mark = Some(meta.at);
            }
            VisitEvent::CoupleHeadSeen(seen) => self.couple_head_seen = Some(*seen),
        }
    }

    /// The couple stream's head as its owner last saw it.
    pub fn couple_head_seen(&self) -> Option<HeadSeen> {
        self.couple_head_seen
    }
}

/// The witness to leave for seeing the couple stream at `head`, if it moved
/// since the last one (an empty stream is witnessed by nothing).
pub fn witness_head(visits: Visits, head: HeadSeen) -> Option<VisitEvent> {
    let moved = visits.couple_head_seen != Some(head);
    (moved && head.seq > 0).then_some(VisitEvent::CoupleHeadSeen(head))
}

/// The viewer's last visit as of `now`: the end of their previous sitting,
/// or `None` before their first one.
pub fn last_visit(visits: Visits, now: OffsetDateTime) -> Option<OffsetDateTime> {
    match visits.last_mark {
        Some(last) if now - last <= SITTING_GAP => visits.previous_sitting_end,
        other => other,
    }
}

/// The mark to leave for opening Today at `now`, if one is due.
pub fn mark_visit(visits: Visits, now: OffsetDateTime) -> Option<VisitEvent> {
    let due = visits.last_mark.is_none_or(|last| now - last >= MARK_EVERY);
    due.then_some(VisitEvent::TodayOpened)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;
    use uuid::Uuid;

    /// Every visit event: a mark, and a witness of any head.
    pub(crate) fn any_event() -> impl Strategy<Value = VisitEvent> {
        prop_oneof![
            Just(VisitEvent::TodayOpened),
            (any::<u128>(), any::<u64>(), any::<[u8; 32]>()).prop_map(|(couple, seq, hash)| {
                VisitEvent::CoupleHeadSeen(HeadSeen {
                    couple: CoupleId(Uuid::from_u128(couple)),
                    seq,
                    hash,
                })
            }),
        ]
    }

    fn seen(seq: u64, hash: u8) -> HeadSeen {
        HeadSeen {
            couple: CoupleId(Uuid::from_u128(7)),
            seq,
            hash: [hash; 32],
        }
    }

    fn witnessed(visits: &mut Visits, head: HeadSeen) -> bool {
        let due = witness_head(*visits, head);
        if let Some(event) = &due {
            let meta = Meta {
                seq: 1,
                author: crate::kernel::ids::UserId(Uuid::from_u128(1)),
                at: OffsetDateTime::UNIX_EPOCH,
            };
            visits.apply(&meta, event);
        }
        due.is_some()
    }

    #[test]
    fn a_witness_is_left_only_when_the_head_moved() {
        let mut visits = Visits::default();
        assert!(!witnessed(&mut visits, seen(0, 0)), "an empty stream");
        assert!(witnessed(&mut visits, seen(3, 1)));
        assert_eq!(visits.couple_head_seen(), Some(seen(3, 1)));
        assert!(!witnessed(&mut visits, seen(3, 1)), "the head did not move");
        assert!(witnessed(&mut visits, seen(4, 2)));
        assert!(witnessed(&mut visits, seen(4, 3)), "another event at 4");
        assert_eq!(visits.couple_head_seen(), Some(seen(4, 3)));
    }
}
