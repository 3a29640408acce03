//! Gentle reminders by email: the kinds a person may opt into, their
//! choices, and the one rule that says whether a reminder is due for them
//! at an instant, and for which occasion.
//!
//! A reminder is due only from the local time the person chose, on their
//! own calendar day, for a short while after it ([`LATE_BY_AT_MOST`]). The
//! first look inside that window **decides** the day's occasion, whether a
//! message goes out or not ([`Decision::Quiet`]); nothing later that day
//! can send it. So the time a message arrives depends on the person's own
//! choice alone, never on when their partner did something: it cannot tell
//! anyone when the other was active.
//!
//! What a message may say is fixed here too: nothing. The facts a decision
//! reads are yes-or-no answers taken from the same Today list the Today
//! page shows (`views::today`), and no content leaves this room.
//!
//! Like `views`, this room reads the read models; no capability reads it.

#[cfg(test)]
mod tests;

use crate::kernel::ids::UserId;
use crate::kernel::refusal::Refusal;
use crate::meeting::MeetingWaits;
use crate::streams::couple::CoupleState;
use crate::streams::private::PrivateState;
use crate::views::today::{self, Today, TodayItem};
use time::{Date, Duration, OffsetDateTime, Time};

/// How late after the chosen time a reminder may still be decided (an
/// instance that was down at the chosen minute catches up this long);
/// later than that, the day's reminder is skipped.
pub const LATE_BY_AT_MOST: Duration = Duration::hours(2);

/// The kinds of reminder a person may opt into, each on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ReminderKind {
    /// "You have something waiting in Kintsugi": only when something waits.
    Digest,
    /// The daily check-in, only when they have not checked in that day.
    CheckIn,
    /// The weekly couple meeting, on the morning of the agreed day.
    Meeting,
}

impl ReminderKind {
    pub const ALL: [ReminderKind; 3] = [
        ReminderKind::Digest,
        ReminderKind::CheckIn,
        ReminderKind::Meeting,
    ];

    /// The stored and posted name.
    pub fn as_str(self) -> &'static str {
        match self {
            ReminderKind::Digest => "digest",
            ReminderKind::CheckIn => "check_in",
            ReminderKind::Meeting => "meeting",
        }
    }

    pub fn parse(name: &str) -> Option<ReminderKind> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == name)
    }
}

/// One kind a person opted into, at the local time they chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    pub kind: ReminderKind,
    /// On the person's own wall clock.
    pub at: Time,
}

/// What makes a reminder unique: its kind and the person's local day. Two
/// instances deciding the same occasion for the same person claim the same
/// key, and only one of them can.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occasion {
    pub kind: ReminderKind,
    pub day: Date,
}

impl Occasion {
    /// `digest:2026-11-30`.
    pub fn key(&self) -> String {
        format!("{}:{}", self.kind.as_str(), self.day)
    }
}

/// What a reminder reads, as yes or no, and nothing of what anyone wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Facts {
    /// Something from the partner waits for the person, or the partner
    /// shared something since the person last looked (their Today).
    pub something_waits: bool,
    /// The person checked in on their own calendar day.
    pub checked_in_today: bool,
    /// Today is the couple's agreed meeting day, and it has not been held
    /// yet (Today asks for it).
    pub meeting_today: bool,
}

impl Facts {
    /// The facts Today holds: what the digest and the check-in reminder
    /// read. The person's own routine (a request due, the pulse, a quiet
    /// period, time to reflect on) is no reason for a digest; the check-in
    /// has a reminder of its own.
    pub fn from_today(today: &Today<'_>) -> Facts {
        Facts {
            something_waits: today.to_do.iter().any(TodayItem::is_from_partner)
                || !today.news.is_empty(),
            checked_in_today: !today
                .to_do
                .iter()
                .any(|item| matches!(item, TodayItem::CheckIn { .. })),
            meeting_today: today
                .to_do
                .iter()
                .any(|item| matches!(item, TodayItem::Meeting(MeetingWaits::MeetingToday { .. }))),
        }
    }
}

/// The facts of `person`'s Today at `now` (on their own offset; `day_of`
/// turns an instant into their calendar day), built exactly as the Today
/// page builds it, from their own private stream and the couple's record.
/// Reading it leaves no mark: a reminder is not a visit.
pub fn facts(
    couple: &CoupleState,
    mine: &PrivateState,
    person: UserId,
    now: OffsetDateTime,
    day_of: impl Fn(OffsetDateTime) -> Date + Copy,
) -> Result<Facts, Refusal> {
    let last_visit = today::last_visit(mine, person, now)?;
    let found = today::today(couple, mine, person, last_visit, now.date(), day_of)?
        .with_talks(couple, person, now)
        .with_time_together(couple, person, now)
        .with_meeting(couple, person, now);
    Ok(Facts::from_today(&found))
}

/// The answer for one choice at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Not the chosen time, or too long after it.
    NotNow,
    /// The occasion is decided now and a message goes out.
    Send(Occasion),
    /// The occasion is decided now and nothing goes out (nothing waits,
    /// already checked in, not the meeting day): no later look that day
    /// may send it.
    Quiet(Occasion),
}

/// Whether `choice` is due at `now`, given on the person's own offset (so
/// `now.date()` is their day and `now.time()` their wall clock), and what
/// the occasion is.
pub fn decide(choice: Choice, now: OffsetDateTime, facts: Facts) -> Decision {
    let wall = now.time();
    if wall < choice.at || wall - choice.at >= LATE_BY_AT_MOST {
        return Decision::NotNow;
    }
    let occasion = Occasion {
        kind: choice.kind,
        day: now.date(),
    };
    let worth_it = match choice.kind {
        ReminderKind::Digest => facts.something_waits,
        ReminderKind::CheckIn => !facts.checked_in_today,
        ReminderKind::Meeting => facts.meeting_today,
    };
    if worth_it {
        Decision::Send(occasion)
    } else {
        Decision::Quiet(occasion)
    }
}

/// Every decision for a person's choices at `now`; a kind they did not
/// opt into is not among them.
pub fn decide_all(choices: &[Choice], now: OffsetDateTime, facts: Facts) -> Vec<Decision> {
    choices
        .iter()
        .map(|&choice| decide(choice, now, facts))
        .filter(|decision| *decision != Decision::NotNow)
        .collect()
}
