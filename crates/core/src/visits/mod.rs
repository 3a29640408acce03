//! Visit marks: when a person last opened Today, kept in their own private
//! stream so Today can say what is new "since your last visit".
//!
//! Opening Today leaves a mark there, at most once per `MARK_EVERY`. Marks
//! less than `SITTING_GAP` apart belong to one sitting. "Since your last
//! visit" means since the end of the previous sitting, so reloading the page
//! keeps the news in view until the person comes back another time. Only the
//! viewer's own queries read these marks: a partner never learns when the
//! other last looked.

use crate::kernel::event::Meta;
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
}

/// The marks a fold needs: the newest one, and the end of the sitting
/// before the current one. Constant size, however many visits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Visits {
    last_mark: Option<OffsetDateTime>,
    previous_sitting_end: Option<OffsetDateTime>,
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
        }
    }
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
