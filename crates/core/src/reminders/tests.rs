//! Reminder eligibility, rule by rule: the chosen time in the person's own
//! zone, nothing waiting, already checked in, not opted in, the meeting day,
//! and never a message that follows the partner's action.

use super::*;
use crate::kernel::ids::UserId;
use crate::testing::World;
use time::macros::{datetime, time};

const DIGEST_AT_NINE: Choice = Choice {
    kind: ReminderKind::Digest,
    at: time!(09:00),
};
const CHECK_IN_AT_EIGHT_PM: Choice = Choice {
    kind: ReminderKind::CheckIn,
    at: time!(20:00),
};

/// The facts of `viewer`'s Today on `now`'s day.
fn facts_of(w: &World, viewer: UserId, now: OffsetDateTime) -> Facts {
    facts(&w.couple, w.private(viewer), viewer, now, move |at| {
        at.to_offset(now.offset()).date()
    })
    .unwrap()
}

fn waiting() -> Facts {
    Facts {
        something_waits: true,
        ..Facts::default()
    }
}

#[test]
fn a_reminder_is_due_from_the_chosen_time_on_the_persons_own_clock() {
    // 09:00 in New York in winter is 14:00 UTC.
    let at = |utc: OffsetDateTime| {
        decide(
            DIGEST_AT_NINE,
            utc.to_offset(time::macros::offset!(-5)),
            waiting(),
        )
    };
    let day = time::macros::date!(2026 - 11 - 30);
    let occasion = Occasion {
        kind: ReminderKind::Digest,
        day,
    };
    assert_eq!(at(datetime!(2026-11-30 13:59 UTC)), Decision::NotNow);
    assert_eq!(
        at(datetime!(2026-11-30 14:00 UTC)),
        Decision::Send(occasion)
    );
    assert_eq!(
        at(datetime!(2026-11-30 15:59 UTC)),
        Decision::Send(occasion)
    );
    assert_eq!(
        at(datetime!(2026-11-30 16:00 UTC)),
        Decision::NotNow,
        "two hours late, the day's reminder is skipped"
    );
    // 09:00 UTC is 04:00 in New York: not their time yet.
    assert_eq!(at(datetime!(2026-11-30 09:00 UTC)), Decision::NotNow);
    assert_eq!(occasion.key(), "digest:2026-11-30");
}

#[test]
fn the_occasion_is_the_persons_own_day_not_the_servers() {
    // 21:00 in Honolulu on the 29th is 07:00 UTC on the 30th.
    let choice = Choice {
        kind: ReminderKind::CheckIn,
        at: time!(21:00),
    };
    let now = datetime!(2026-11-30 07:00 UTC).to_offset(time::macros::offset!(-10));
    assert_eq!(
        decide(choice, now, Facts::default()),
        Decision::Send(Occasion {
            kind: ReminderKind::CheckIn,
            day: time::macros::date!(2026 - 11 - 29),
        })
    );
}

#[test]
fn no_digest_when_nothing_waits() {
    let mut w = World::new();
    let now = datetime!(2026-03-02 09:00 UTC);
    let facts = facts_of(&w, w.hurt, now);
    assert!(!facts.something_waits, "{facts:?}");
    assert!(matches!(
        decide(DIGEST_AT_NINE, now, facts),
        Decision::Quiet(_)
    ));
    // The hurt partner's own check-in waits for no one: still nothing.
    w.share_check_in(w.hurt, &[("hopeful", "2")]);
    assert!(!facts_of(&w, w.hurt, now).something_waits);
    // Their partner's shared check-in is news for them.
    w.share_check_in(w.involved, &[("ashamed", "3")]);
    let facts = facts_of(&w, w.hurt, now);
    assert!(facts.something_waits);
    assert!(matches!(
        decide(DIGEST_AT_NINE, now, facts),
        Decision::Send(_)
    ));
    // A check-in the partner kept to themselves is nothing to anyone else.
    let mut kept = World::new();
    kept.keep_check_in(kept.involved, &[("ashamed", "3")]);
    assert!(!facts_of(&kept, kept.hurt, now).something_waits);
}

#[test]
fn no_check_in_reminder_once_checked_in_that_day() {
    let mut w = World::new();
    let evening = datetime!(2026-03-02 20:05 UTC);
    let facts = facts_of(&w, w.hurt, evening);
    assert!(!facts.checked_in_today);
    assert!(matches!(
        decide(CHECK_IN_AT_EIGHT_PM, evening, facts),
        Decision::Send(_)
    ));
    // A check-in kept to oneself counts as much as a shared one.
    w.keep_check_in(w.hurt, &[("close", "2")]);
    let facts = facts_of(&w, w.hurt, evening);
    assert!(facts.checked_in_today);
    assert!(matches!(
        decide(CHECK_IN_AT_EIGHT_PM, evening, facts),
        Decision::Quiet(_)
    ));
    // The next day, yesterday's check-in does not count.
    let tomorrow = evening + Duration::days(1);
    assert!(!facts_of(&w, w.hurt, tomorrow).checked_in_today);
    // The partner's check-in is not the person's own.
    let mut other = World::new();
    other.share_check_in(other.involved, &[("hopeful", "2")]);
    assert!(!facts_of(&other, other.hurt, evening).checked_in_today);
}

#[test]
fn nothing_for_a_kind_not_opted_into() {
    let now = datetime!(2026-03-02 09:30 UTC);
    let everything = Facts {
        something_waits: true,
        checked_in_today: false,
        meeting_today: true,
    };
    assert!(decide_all(&[], now, everything).is_empty());
    let only_check_in = decide_all(&[CHECK_IN_AT_EIGHT_PM], now, everything);
    assert!(only_check_in.is_empty(), "not yet eight: {only_check_in:?}");
    let decided = decide_all(&[DIGEST_AT_NINE], now, everything);
    assert_eq!(decided.len(), 1);
    assert!(matches!(
        decided[0],
        Decision::Send(Occasion {
            kind: ReminderKind::Digest,
            ..
        })
    ));
}

#[test]
fn the_meeting_reminder_comes_only_on_the_meeting_day() {
    let choice = Choice {
        kind: ReminderKind::Meeting,
        at: time!(08:00),
    };
    let now = datetime!(2026-03-02 08:10 UTC);
    let meeting = Facts {
        meeting_today: true,
        ..Facts::default()
    };
    assert!(matches!(decide(choice, now, meeting), Decision::Send(_)));
    assert!(matches!(
        decide(choice, now, Facts::default()),
        Decision::Quiet(_)
    ));
}

#[test]
fn the_meeting_day_is_the_agreed_day_and_only_once_agreed() {
    use crate::access::room::Acting;
    use crate::meeting::{self, Meetings};
    fn room(w: &World, who: UserId) -> Acting<'_, Meetings> {
        Acting::new(&w.couple.space, &w.couple.meeting, who)
    }
    let mut w = World::new();
    // START is a Monday morning.
    let monday = w.now;
    let proposal = meeting::propose_time(room(&w, w.hurt), "monday", "19:00", "UTC").unwrap();
    let proposal = w.record(w.hurt, proposal);
    assert!(
        !facts_of(&w, w.hurt, monday).meeting_today,
        "proposed, not agreed"
    );
    let agreed = meeting::agree_time(room(&w, w.involved), proposal).unwrap();
    w.record(w.involved, agreed);
    for who in [w.hurt, w.involved] {
        assert!(facts_of(&w, who, monday).meeting_today);
        assert!(!facts_of(&w, who, monday + Duration::days(1)).meeting_today);
        assert!(facts_of(&w, who, monday + Duration::days(7)).meeting_today);
    }
    let choice = Choice {
        kind: ReminderKind::Meeting,
        at: time!(08:30),
    };
    let morning = monday.replace_time(time!(09:00));
    assert!(matches!(
        decide(choice, morning, facts_of(&w, w.hurt, morning)),
        Decision::Send(_)
    ));
    let tuesday = morning + Duration::days(1);
    assert!(matches!(
        decide(choice, tuesday, facts_of(&w, w.hurt, tuesday)),
        Decision::Quiet(_)
    ));
}

#[test]
fn the_send_time_never_follows_the_partners_action() {
    // Whatever happens after the chosen time, the first look decides: the
    // decision at 09:00 is the one the day keeps, so a digest never goes
    // out at the moment the partner acts. The rule returns the same
    // occasion for every instant in the window, and the claim of that
    // occasion (in the store) lets only the first decision stand.
    let before = decide(
        DIGEST_AT_NINE,
        datetime!(2026-03-02 09:00 UTC),
        Facts::default(),
    );
    let after = decide(DIGEST_AT_NINE, datetime!(2026-03-02 09:05 UTC), waiting());
    let (Decision::Quiet(first), Decision::Send(second)) = (before, after) else {
        panic!("{before:?} then {after:?}");
    };
    assert_eq!(first.key(), second.key());
}

#[test]
fn kinds_read_back_from_their_names() {
    for kind in ReminderKind::ALL {
        assert_eq!(ReminderKind::parse(kind.as_str()), Some(kind));
    }
    assert_eq!(ReminderKind::parse("weekly"), None);
}
