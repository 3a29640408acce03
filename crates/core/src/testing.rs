//! One shared test world: a couple with one recorded betrayal, both
//! partners' private streams, and a clock that only moves when a test moves
//! it. Events are folded exactly as the web layer folds them.
//!
//! Available to this crate's tests and, through the `testing` feature, to
//! other crates' tests.

use crate::apology::{ApologyInput, DraftParts};
use crate::checkin::{self, CheckInInput, CheckInsSeen};
use crate::kernel::entries::Entry;
use crate::kernel::event::Meta;
use crate::kernel::ids::{EntryId, UserId};
use crate::kernel::refusal::Refusal;
use crate::pulse::{self, PulseInput, PulseOutcome, PulsesSeen, ITEMS, ITEM_COUNT};
use crate::space::{BetrayalKind, Slot, SpaceEvent};
use crate::streams::couple::{CoupleEvent, CoupleState};
use crate::streams::private::{PrivateEvent, PrivateState};
use crate::streams::Destination;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// When every world starts: a Monday morning.
pub const START: OffsetDateTime = datetime!(2026-03-02 09:00 UTC);

/// A test user, the same for the same number.
pub fn user(n: u128) -> UserId {
    UserId(Uuid::from_u128(n))
}

pub struct World {
    /// Created the space; the hurt partner in the first betrayal.
    pub hurt: UserId,
    /// Joined the space; the involved partner in the first betrayal.
    pub involved: UserId,
    /// Someone who is not part of this couple.
    pub stranger: UserId,
    /// The first recorded betrayal.
    pub betrayal: EntryId,
    pub couple: CoupleState,
    pub hurt_private: PrivateState,
    pub involved_private: PrivateState,
    /// The clock: moved only by the test (and by `pace`, see `ticking`).
    pub now: OffsetDateTime,
    /// How far the clock moves before each recorded event.
    pace: Duration,
}

impl Default for World {
    fn default() -> Self {
        Self::new()
    }
}

impl World {
    /// A world whose clock stands still until a test moves it.
    pub fn new() -> World {
        Self::with_pace(Duration::ZERO)
    }

    /// A world in which every event comes a minute after the one before,
    /// the pace of someone filling in forms; for tests about order in time.
    pub fn ticking() -> World {
        Self::with_pace(Duration::minutes(1))
    }

    fn with_pace(pace: Duration) -> World {
        let mut w = World {
            hurt: user(1),
            involved: user(2),
            stranger: user(3),
            betrayal: EntryId(0),
            couple: CoupleState::default(),
            hurt_private: PrivateState::default(),
            involved_private: PrivateState::default(),
            now: START,
            pace,
        };
        w.record(w.hurt, SpaceEvent::Created);
        w.betrayal = w.record(w.hurt, betrayal(Slot::Creator));
        w.record(w.involved, SpaceEvent::PartnerJoined);
        w
    }

    // --- the clock -------------------------------------------------------

    pub fn advance(&mut self, by: Duration) {
        self.now += by;
    }

    pub fn advance_days(&mut self, days: i64) {
        self.advance(Duration::days(days));
    }

    /// The same time of day, tomorrow.
    pub fn next_day(&mut self) {
        self.advance_days(1);
    }

    // --- more of the story ----------------------------------------------

    /// Records another betrayal, pointing the other way: in it `hurt` is
    /// the involved partner.
    pub fn with_second_betrayal_the_other_way(&mut self) -> EntryId {
        self.record(self.involved, betrayal(Slot::Invitee))
    }

    /// Records another betrayal with the same roles as the first.
    pub fn with_second_betrayal_the_same_way(&mut self) -> EntryId {
        self.record(self.hurt, betrayal(Slot::Creator))
    }

    // --- recording and running ------------------------------------------

    /// Appends an event to the couple stream as the store would and returns
    /// the entry id it creates.
    pub fn record(&mut self, author: UserId, event: impl Into<CoupleEvent>) -> EntryId {
        self.now += self.pace;
        let meta = Meta {
            seq: self.couple.seq + 1,
            author,
            at: self.now,
        };
        self.couple.apply(&meta, &event.into());
        meta.entry()
    }

    /// Appends an event to `author`'s private stream.
    pub fn record_private(&mut self, author: UserId, event: impl Into<PrivateEvent>) -> EntryId {
        self.now += self.pace;
        let at = self.now;
        let state = self.private_of(author);
        let meta = Meta {
            seq: state.seq + 1,
            author,
            at,
        };
        state.apply(&meta, &event.into());
        meta.entry()
    }

    /// Appends an entry wherever its author chose to keep it.
    pub fn append(&mut self, author: UserId, destination: impl Into<Destination>) -> EntryId {
        match destination.into() {
            Destination::Private(event) => self.record_private(author, event),
            Destination::Shared(event) => self.record(author, event),
        }
    }

    pub fn private_of(&mut self, user: UserId) -> &mut PrivateState {
        if user == self.hurt {
            &mut self.hurt_private
        } else {
            &mut self.involved_private
        }
    }

    /// A partner's private state, to read.
    pub fn private(&self, user: UserId) -> &PrivateState {
        if user == self.hurt {
            &self.hurt_private
        } else {
            &self.involved_private
        }
    }

    /// The check-ins as a partner's pages see them, with their own private
    /// state.
    pub fn check_ins_seen_by(&self, viewer: UserId) -> CheckInsSeen<'_> {
        self.couple.check_ins_seen_by(viewer, self.private(viewer))
    }

    /// The pulses as a partner's pages see them, with their own private state.
    pub fn pulses_seen_by(&self, viewer: UserId) -> PulsesSeen<'_> {
        self.couple.pulses_seen_by(viewer, self.private(viewer))
    }

    /// Runs a command that must succeed and records its event.
    pub fn run<E: Into<CoupleEvent>>(
        &mut self,
        actor: UserId,
        command: impl FnOnce(&CoupleState, UserId, OffsetDateTime) -> Result<E, Refusal>,
    ) -> EntryId {
        match command(&self.couple, actor, self.now) {
            Ok(event) => self.record(actor, event),
            Err(refusal) => panic!("command refused: {refusal:?}"),
        }
    }

    /// Runs a command without recording it.
    pub fn attempt<E>(
        &self,
        actor: UserId,
        command: impl FnOnce(&CoupleState, UserId, OffsetDateTime) -> Result<E, Refusal>,
    ) -> Result<E, Refusal> {
        command(&self.couple, actor, self.now)
    }

    // --- the emotional landscape ------------------------------------------

    fn check_in_as(
        &mut self,
        author: UserId,
        feelings: &[(&str, &str)],
        visibility: &str,
    ) -> EntryId {
        let input = CheckInInput {
            feelings: feelings
                .iter()
                .map(|(c, i)| ((*c).to_owned(), (*i).to_owned()))
                .collect(),
            note: format!("note by {author}"),
            visibility: visibility.to_owned(),
        };
        match checkin::check_in(&self.couple.space, author, &input) {
            Ok(destination) => self.append(author, destination),
            Err(refusal) => panic!("check-in refused: {refusal:?}"),
        }
    }

    pub fn share_check_in(&mut self, author: UserId, feelings: &[(&str, &str)]) -> EntryId {
        self.check_in_as(author, feelings, "partner")
    }

    /// A check-in shared with the partner and marked for the therapist.
    pub fn check_in_for_therapist(&mut self, author: UserId, feelings: &[(&str, &str)]) -> EntryId {
        self.check_in_as(author, feelings, "partner_and_therapist")
    }

    pub fn keep_check_in(&mut self, author: UserId, feelings: &[(&str, &str)]) -> EntryId {
        self.check_in_as(author, feelings, "only_me")
    }

    /// Records a pulse with its signs note; returns the pulse's entry id.
    pub fn pulse(
        &mut self,
        author: UserId,
        values: [u8; ITEM_COUNT],
        share: &str,
        signs: &[&str],
    ) -> EntryId {
        match self.decide_pulse(author, values, share, signs) {
            Ok(outcome) => {
                let id = self.append(author, outcome.pulse);
                self.record_private(author, outcome.signs);
                id
            }
            Err(refusal) => panic!("pulse refused: {refusal:?}"),
        }
    }

    /// Decides a pulse form without recording it.
    pub fn decide_pulse(
        &self,
        author: UserId,
        values: [u8; ITEM_COUNT],
        share: &str,
        signs: &[&str],
    ) -> Result<PulseOutcome, Refusal> {
        pulse::record_pulse(
            &self.couple.space,
            author,
            &pulse_form(values, share, signs),
        )
    }

    pub fn share_pulse(&mut self, author: UserId, values: [u8; ITEM_COUNT]) -> EntryId {
        self.pulse(author, values, "partner", &[])
    }

    pub fn keep_pulse(&mut self, author: UserId, values: [u8; ITEM_COUNT]) -> EntryId {
        self.pulse(author, values, "only_me", &[])
    }
}

/// A command as a step the world runs or attempts, wired to the couple
/// state once here instead of at every call: `step!(apology: answer(v,
/// &input))` passes the space, the room's state and the actor before the
/// arguments; `@now` passes the world's clock after the actor; `space:`
/// commands take no room state. The command may be a path
/// (`step!(truth: truth::park(q))`).
#[cfg(test)]
macro_rules! step {
    (space: $($command:ident)::+ @now($($arg:expr),* $(,)?)) => {
        |s: &$crate::streams::couple::CoupleState, a, now| $($command)::+(&s.space, a, now, $($arg),*)
    };
    (space: $($command:ident)::+($($arg:expr),* $(,)?)) => {
        |s: &$crate::streams::couple::CoupleState, a, _| $($command)::+(&s.space, a, $($arg),*)
    };
    ($room:ident: $($command:ident)::+ @now($($arg:expr),* $(,)?)) => {
        |s: &$crate::streams::couple::CoupleState, a, now| {
            let acting = $crate::access::room::Acting::new(&s.space, &s.$room, a);
            $($command)::+(acting, now, $($arg),*)
        }
    };
    ($room:ident: $($command:ident)::+($($arg:expr),* $(,)?)) => {
        |s: &$crate::streams::couple::CoupleState, a, _| {
            $($command)::+($crate::access::room::Acting::new(&s.space, &s.$room, a), $($arg),*)
        }
    };
}
#[cfg(test)]
pub(crate) use step;

/// The ids of entries, in the order given: what a test compares a query's
/// answer with.
pub fn entry_ids<'a, T: Entry + 'a>(entries: impl IntoIterator<Item = &'a T>) -> Vec<EntryId> {
    entries.into_iter().map(Entry::entry_id).collect()
}

/// An apology with every ownership part written and no factors: what a
/// test sends when the apology's words are not what it is about.
pub fn full_apology() -> ApologyInput {
    ApologyInput {
        betrayal: String::new(),
        draft: DraftParts {
            what_i_did: "I hid a relationship from you for a year.".to_owned(),
            impact: "You stopped trusting your own memory.".to_owned(),
            responsibility: "It was my choice, every time.".to_owned(),
            remorse: "I am deeply sorry.".to_owned(),
            changes: "I have ended all contact and I see a therapist.".to_owned(),
            repair: "I will answer every question you ask.".to_owned(),
            factors: String::new(),
        },
    }
}

/// Pulse answers that mean the same trust `level` (1 to 7) on every item:
/// the reverse-worded items are answered the other way round.
/// The start of a day on UTC's clock, where the tests' days are.
pub fn utc_start(day: time::Date) -> OffsetDateTime {
    day.midnight().assume_utc()
}

/// The `days` days ending with `today`, on UTC's clock.
pub fn utc_days(today: time::Date, days: u16) -> crate::views::progress::DaySpan {
    crate::views::progress::DaySpan::ending(today, days, utc_start)
}

pub fn steady(level: u8) -> [u8; ITEM_COUNT] {
    let mut values = [0; ITEM_COUNT];
    for (v, item) in values.iter_mut().zip(&ITEMS) {
        *v = if item.reverse { 8 - level } else { level };
    }
    values
}

/// The pulse form as posted: one answer per item in `ITEMS` order, where
/// to keep it, and the signs ticked.
pub fn pulse_form(values: [u8; ITEM_COUNT], share: &str, signs: &[&str]) -> PulseInput {
    PulseInput {
        answers: ITEMS
            .iter()
            .zip(values)
            .map(|(i, v)| (i.code.to_owned(), v.to_string()))
            .collect(),
        share: share.to_owned(),
        signs: signs.iter().map(|s| (*s).to_owned()).collect(),
    }
}

fn betrayal(hurt: Slot) -> SpaceEvent {
    SpaceEvent::BetrayalRecorded {
        kind: BetrayalKind::EmotionalAffair,
        hurt,
        discovered_on: None,
        note: None,
    }
}

/// A urlencoded form's fields, as the web layer hands them on.
pub fn form_pairs(fields: &[(&str, &str)]) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect()
}

/// The form field a refusal marks; any other outcome fails the test.
pub fn refused_field<T: std::fmt::Debug>(outcome: Result<T, Refusal>) -> &'static str {
    match outcome {
        Err(Refusal::Invalid { field, .. }) => field,
        other => panic!("expected an invalid-input refusal, got {other:?}"),
    }
}

/// Asserts that a value survives the JSON the store keeps, and that its
/// `type` tag is the expected one.
pub fn assert_round_trip<T>(value: &T, expected_type: &str)
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let json = serde_json::to_value(value).expect("an event serialises");
    assert_eq!(json["type"], expected_type, "{json}");
    let back: T = serde_json::from_value(json).expect("an event reads back");
    assert_eq!(&back, value);
}

/// Asserts that a `can_*` query agrees with its command for every actor on
/// every id: `check` returns (what the query says, whether the command took
/// valid input). The step must be allowed at least once and refused at least
/// once, so the agreement is not vacuous.
pub fn assert_can_agrees(
    step: &str,
    actors: &[UserId],
    ids: &[EntryId],
    mut check: impl FnMut(UserId, EntryId) -> (bool, bool),
) {
    let (mut allowed, mut refused) = (0, 0);
    for &actor in actors {
        for &id in ids {
            let (can, accepted) = check(actor, id);
            assert_eq!(
                can, accepted,
                "{step} by {actor} on {id}: query and command disagree"
            );
            if can {
                allowed += 1;
            } else {
                refused += 1;
            }
        }
    }
    assert!(
        allowed > 0,
        "{step} is never allowed: the table proves nothing"
    );
    assert!(
        refused > 0,
        "{step} is never refused: the table proves nothing"
    );
}

/// The pieces every room's event strategies are built from, for the
/// round-trip properties in `streams::round_trip`. Values cover what a stored
/// event may hold, not only what today's forms let through: ids up to
/// `u64::MAX`, any Unicode text, every day of years 1 to 9999.
#[cfg(test)]
pub mod strategies {
    use crate::kernel::ids::EntryId;
    use proptest::prelude::*;
    use proptest::sample::select;
    use time::{Date, Duration, OffsetDateTime, UtcOffset};

    pub fn entry_id() -> impl Strategy<Value = EntryId> {
        any::<u64>().prop_map(EntryId)
    }

    pub fn text() -> impl Strategy<Value = String> {
        any::<String>()
    }

    /// Present and absent alike.
    pub fn maybe_text() -> impl Strategy<Value = Option<String>> {
        proptest::option::of(text())
    }

    fn first_day() -> Date {
        Date::from_ordinal_date(1, 1).unwrap_or(Date::MIN)
    }

    pub fn day() -> impl Strategy<Value = Date> {
        let last = Date::from_ordinal_date(9999, 365).unwrap_or(Date::MAX);
        (first_day().to_julian_day()..=last.to_julian_day())
            .prop_map(|julian| Date::from_julian_day(julian).unwrap_or(Date::MIN))
    }

    pub fn maybe_day() -> impl Strategy<Value = Option<Date>> {
        proptest::option::of(day())
    }

    /// An instant with nanoseconds, in any whole-minute offset a person's
    /// zone may have.
    pub fn instant() -> impl Strategy<Value = OffsetDateTime> {
        (day(), 0..86_400i64, 0..1_000_000_000i64, -1439..=1439i32).prop_map(
            |(day, second, nano, minutes)| {
                let offset = UtcOffset::from_whole_seconds(minutes * 60).unwrap_or(UtcOffset::UTC);
                day.midnight().assume_offset(offset)
                    + Duration::seconds(second)
                    + Duration::nanoseconds(nano)
            },
        )
    }

    /// One of a room's fixed choices (kinds, statuses, channels).
    pub fn one_of<T: Clone + std::fmt::Debug + 'static>(
        choices: impl Into<Vec<T>>,
    ) -> impl Strategy<Value = T> {
        select(choices.into())
    }
}
