//! Progress: the series and tallies the Progress page charts, each built
//! for one viewer from what that viewer may see.
//!
//! - Their own pulses, kept and shared; their partner's shared pulses only.
//! - Their own check-ins, kept and shared; their partner's shared ones only.
//! - Their own signs (private by nature); never their partner's.
//!
//! Everything reads pre-aggregated projections: pulses are scored when
//! folded and check-ins are bucketed by day, so a series costs O(pulses) and
//! a feelings window O(days in the window), however long the history.

use crate::access::visibility::member;
use crate::apology::ApologyAnswer;
use crate::checkin::{FeelingDays, FeelingTally};
use crate::kernel::ids::EntryId;
use crate::kernel::ids::UserId;
use crate::kernel::listed::by_code;
use crate::kernel::refusal::Refusal;
use crate::pulse::{Construct, PulseRecord, TrustScore};
use crate::requests::{Reliability, Request, Requests};
use crate::signs::Sign;
use crate::space::SpaceState;
use crate::streams::couple::CoupleState;
use crate::streams::private::own_private;
use crate::streams::private::PrivateState;
use crate::together::Together;
use time::{Date, Duration, OffsetDateTime};

/// One pulse on a trust chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrustPoint {
    pub at: OffsetDateTime,
    pub score: TrustScore,
    /// Whether the partner can see this pulse too.
    pub shared: bool,
}

/// What a trust chart plots: the index or one construct.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    Index,
    Construct(Construct),
}

impl Measure {
    pub fn label(self) -> &'static str {
        match self {
            Measure::Index => "Trust index",
            Measure::Construct(c) => c.label(),
        }
    }

    /// `index` or the construct's code; for a query string.
    pub fn code(self) -> &'static str {
        match self {
            Measure::Index => "index",
            Measure::Construct(c) => c.code(),
        }
    }

    /// Reads a query-string value; anything unknown means the index.
    pub fn parse(raw: &str) -> Measure {
        by_code(&Construct::ALL, raw, Construct::code).map_or(Measure::Index, Measure::Construct)
    }
}

impl TrustPoint {
    pub fn value(&self, measure: Measure) -> u8 {
        match measure {
            Measure::Index => self.score.index,
            Measure::Construct(c) => self.score.construct(c),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustSeries {
    /// The viewer's own pulses, kept and shared, oldest first.
    pub mine: Vec<TrustPoint>,
    /// The partner's shared pulses, oldest first.
    pub partner: Vec<TrustPoint>,
}

/// Trust over time for the viewer, from the instant `since` on (the start
/// of one of the viewer's days; everything when `None`).
pub fn trust_series(
    couple: &CoupleState,
    mine: &PrivateState,
    viewer: UserId,
    since: Option<OffsetDateTime>,
) -> Result<TrustSeries, Refusal> {
    member(&couple.space, viewer)?;
    let mine = own_private(mine, viewer)?;
    let from = |records: &[PulseRecord]| -> usize {
        since.map_or(0, |since| records.partition_point(|p| p.at < since))
    };
    let shared = couple.pulse.shared();
    let shared = &shared[from(shared)..];
    let kept = mine.pulses.all();
    let kept = &kept[from(kept)..];

    let point = |p: &PulseRecord, shared: bool| TrustPoint {
        at: p.at,
        score: p.score,
        shared,
    };
    let mut series = TrustSeries::default();
    let mut own_shared = shared.iter().filter(|p| p.author == viewer).peekable();
    let mut own_kept = kept.iter().peekable();
    loop {
        let next = match (own_shared.peek(), own_kept.peek()) {
            (Some(s), Some(k)) if s.at <= k.at => own_shared.next().map(|p| point(p, true)),
            (Some(_), Some(_)) | (None, Some(_)) => own_kept.next().map(|p| point(p, false)),
            (Some(_), None) => own_shared.next().map(|p| point(p, true)),
            (None, None) => None,
        };
        match next {
            Some(p) => series.mine.push(p),
            None => break,
        }
    }
    series.partner = shared
        .iter()
        .filter(|p| p.author != viewer)
        .map(|p| point(p, true))
        .collect();
    Ok(series)
}

/// Check-in feelings over a window of days, per core feeling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeelingsWindow {
    pub from: Date,
    pub to: Date,
    /// The viewer's own check-ins, kept and shared.
    pub mine: FeelingTally,
    /// The partner's shared check-ins.
    pub partner: FeelingTally,
}

/// A run of the viewer's own days: the dates they read, and the instants
/// the first begins and the day after the last begins. Core knows no zones:
/// the caller says when a day starts (`start_of`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DaySpan {
    pub from: Date,
    pub to: Date,
    pub starts: OffsetDateTime,
    pub ends: OffsetDateTime,
}

impl DaySpan {
    /// The `days` days ending with `today`.
    pub fn ending(today: Date, days: u16, start_of: impl Fn(Date) -> OffsetDateTime) -> DaySpan {
        let from = today
            .checked_sub(Duration::days(i64::from(days.max(1)) - 1))
            .unwrap_or(Date::MIN);
        let after = today.next_day().unwrap_or(Date::MAX);
        DaySpan {
            from,
            to: today,
            starts: start_of(from),
            ends: start_of(after),
        }
    }
}

/// The check-ins of the viewer's days in `span` (30 or 90 on the page).
pub fn feelings_window(
    couple: &CoupleState,
    mine: &PrivateState,
    viewer: UserId,
    span: DaySpan,
) -> Result<FeelingsWindow, Refusal> {
    member(&couple.space, viewer)?;
    let mine = own_private(mine, viewer)?;
    let between = |days: &FeelingDays| days.between(span.starts, span.ends);
    let tally = |days: Option<&FeelingDays>| days.map(between).unwrap_or_default();
    let mut own = between(mine.check_ins.days());
    own.add(&tally(couple.check_ins.days_of(viewer)));
    let partner = tally(
        couple
            .space
            .partner_of(viewer)
            .and_then(|p| couple.check_ins.days_of(p)),
    );
    Ok(FeelingsWindow {
        from: span.from,
        to: span.to,
        mine: own,
        partner,
    })
}

/// One pulse's signs note on the viewer's own chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignsPoint {
    pub at: OffsetDateTime,
    pub count: u8,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignsSeries {
    pub points: Vec<SignsPoint>,
    /// How often each sign was ticked in the same span, most frequent first.
    pub most_often: Vec<(Sign, u32)>,
}

/// The viewer's own signs over time, from `since` on. Reads only their
/// private stream.
pub fn signs_series(
    mine: &PrivateState,
    viewer: UserId,
    since: Option<OffsetDateTime>,
) -> Result<SignsSeries, Refusal> {
    let mine = own_private(mine, viewer)?;
    let notes = mine.signs.notes();
    let start = since.map_or(0, |since| notes.partition_point(|n| n.at < since));
    let mut counts = [0u32; Sign::COUNT];
    let points = notes[start..]
        .iter()
        .map(|n| {
            for sign in &n.signs {
                counts[sign.index()] += 1;
            }
            SignsPoint {
                at: n.at,
                count: u8::try_from(n.signs.len()).unwrap_or(u8::MAX),
            }
        })
        .collect();
    let mut most_often: Vec<(Sign, u32)> = Sign::ALL
        .into_iter()
        .map(|s| (s, counts[s.index()]))
        .filter(|(_, n)| *n > 0)
        .collect();
    most_often.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(SignsSeries { points, most_often })
}

/// One agreed request and how reliably it was done over a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestReliability<'a> {
    pub request: &'a Request,
    pub reliability: Reliability,
}

/// Every request that has been agreed (running, paused or retired), oldest
/// first, with its reliability over the `days` days ending with `today`.
/// Requests are part of the shared record: both partners see them.
/// `requests` are the couple's requests as their doers' clocks read them
/// (`Requests::on_doers_clock`), and `today_of` is the day it is now for the
/// partner who does a request, so Progress counts the same days as the
/// request's own page.
pub fn request_reliability<'a>(
    couple: &CoupleState,
    requests: &'a Requests,
    viewer: UserId,
    today_of: impl Fn(&Request) -> Date,
    days: u16,
) -> Result<Vec<RequestReliability<'a>>, Refusal> {
    member(&couple.space, viewer)?;
    let mut out: Vec<RequestReliability<'a>> = requests
        .all()
        .into_iter()
        .filter(|r| r.agreed_on().is_some())
        .map(|request| RequestReliability {
            request,
            reliability: request.reliability(today_of(request), days),
        })
        .collect();
    out.reverse();
    Ok(out)
}

/// All agreed requests together over one week.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReliabilityWeek {
    /// The last day of the week.
    pub ending: Date,
    /// Times done, never more than expected for any one request.
    pub done: u32,
    pub expected: u32,
}

impl ReliabilityWeek {
    /// `None` for a week in which nothing countable was expected.
    pub fn percent(&self) -> Option<u32> {
        (self.expected > 0).then(|| self.done * 100 / self.expected)
    }
}

/// Reliability of all agreed requests per week, for the `weeks` weeks
/// ending with `today`, oldest first. Requests "each time something
/// happens" cannot be counted against an expectation and are left out.
pub fn reliability_by_week(
    space: &SpaceState,
    requests: &Requests,
    viewer: UserId,
    today: Date,
    weeks: u16,
) -> Result<Vec<ReliabilityWeek>, Refusal> {
    member(space, viewer)?;
    let agreed: Vec<(&Request, Date)> = requests
        .all()
        .into_iter()
        .filter_map(|r| r.agreed_on().map(|d| (r, d)))
        .collect();
    let mut out = Vec::with_capacity(usize::from(weeks));
    for back in (0..i64::from(weeks)).rev() {
        let Some(ending) = today.checked_sub(Duration::weeks(back)) else {
            continue;
        };
        let mut week = ReliabilityWeek {
            ending,
            done: 0,
            expected: 0,
        };
        for (request, agreed_on) in &agreed {
            if *agreed_on > ending {
                continue;
            }
            let reliability = request.reliability(ending, 7);
            if let Some(expected) = reliability.expected {
                week.done += reliability.done.min(expected);
                week.expected += expected;
            }
        }
        out.push(week);
    }
    Ok(out)
}

/// Time together in one week: plans that happened and days a ritual was
/// kept. Never what did not happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TogetherWeek {
    /// The last day of the week.
    pub ending: Date,
    /// Plans that either partner said happened, by the day they were for.
    pub spent: u32,
    /// Ritual days: each ritual counts once on each day it was done.
    pub ritual_days: u32,
}

/// Time together week by week, the last `weeks` weeks up to `today`, each
/// plan on the viewer's own day (`local_day` reads an instant in their zone).
pub fn together_by_week(
    space: &SpaceState,
    room: &Together,
    viewer: UserId,
    today: Date,
    weeks: u16,
    local_day: impl Fn(OffsetDateTime) -> Date,
) -> Result<Vec<TogetherWeek>, Refusal> {
    member(space, viewer)?;
    let spent_days: Vec<Date> = room
        .all()
        .iter()
        .filter(|plan| !plan.happened.is_empty())
        .map(|plan| local_day(plan.at))
        .collect();
    let mut out = Vec::with_capacity(usize::from(weeks));
    for back in (0..i64::from(weeks)).rev() {
        let Some(ending) = today.checked_sub(Duration::weeks(back)) else {
            continue;
        };
        let start = ending - Duration::days(6);
        let within = |day: &Date| (start..=ending).contains(day);
        out.push(TogetherWeek {
            ending,
            spent: count(spent_days.iter().filter(|day| within(day))),
            ritual_days: count(
                room.rituals()
                    .iter()
                    .flat_map(|r| r.done_on.range(start..=ending)),
            ),
        });
    }
    Ok(out)
}

fn count<T>(items: impl Iterator<Item = T>) -> u32 {
    u32::try_from(items.count()).unwrap_or(u32::MAX)
}

/// A request counts as kept through its first month when at least this
/// share of what it asked for was done in its first 30 days.
pub const KEPT_MONTH_PERCENT: u32 = 90;

/// Something worth marking on the way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MilestoneKind {
    SpaceCreated,
    BetrayalRecorded,
    FirstSharedCheckIn,
    FirstCheckInAcknowledged,
    FirstPulse,
    /// The viewer's own trust index reached this value for the first time.
    TrustReached(u8),
    /// The hurt partner answered an apology "received".
    ApologyReceived,
    /// A request was kept through its first 30 days.
    RequestKeptForAMonth,
}

impl MilestoneKind {
    pub fn label(self) -> String {
        match self {
            MilestoneKind::SpaceCreated => "You began this work together".to_owned(),
            MilestoneKind::BetrayalRecorded => "What happened was put on record".to_owned(),
            MilestoneKind::FirstSharedCheckIn => "The first check-in shared between you".to_owned(),
            MilestoneKind::FirstCheckInAcknowledged => "The first check-in answered".to_owned(),
            MilestoneKind::FirstPulse => "Your first trust pulse".to_owned(),
            MilestoneKind::TrustReached(level) => {
                format!("Your trust index reached {level} for the first time")
            }
            MilestoneKind::ApologyReceived => "An apology was received".to_owned(),
            MilestoneKind::RequestKeptForAMonth => {
                "A request was kept through its first month".to_owned()
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Milestone {
    pub on: Date,
    pub kind: MilestoneKind,
    /// The entry it is about, for a link (the apology version, the request).
    pub entry: Option<EntryId>,
}

/// The trust index levels marked as milestones when first reached.
pub const TRUST_MILESTONES: [u8; 3] = [50, 75, 90];

/// The milestones the viewer may see up to `today`, oldest first, each on
/// the viewer's local day (`day_of` turns an instant into it).
pub fn milestones(
    couple: &CoupleState,
    mine: &PrivateState,
    viewer: UserId,
    today: Date,
    day_of: impl Fn(OffsetDateTime) -> Date,
) -> Result<Vec<Milestone>, Refusal> {
    member(&couple.space, viewer)?;
    let mine = own_private(mine, viewer)?;
    let mut out = Vec::new();
    let mut about = |on: Date, kind, entry| out.push(Milestone { on, kind, entry });
    for apology in couple.apology.all() {
        for version in &apology.versions {
            if let Some(response) = version
                .response
                .as_ref()
                .filter(|r| r.answer == ApologyAnswer::Received)
            {
                about(
                    day_of(response.at),
                    MilestoneKind::ApologyReceived,
                    Some(version.id),
                );
            }
        }
    }
    for request in couple.requests.all() {
        let Some(month_end) = request
            .agreed_on()
            .and_then(|d| d.checked_add(Duration::days(29)))
        else {
            continue;
        };
        let kept = month_end <= today
            && request
                .reliability(month_end, 30)
                .percent()
                .is_some_and(|p| p >= KEPT_MONTH_PERCENT);
        if kept {
            about(
                month_end,
                MilestoneKind::RequestKeptForAMonth,
                Some(request.id),
            );
        }
    }
    let mut mark = |at: OffsetDateTime, kind| about(day_of(at), kind, None);
    let space = &couple.space;
    if let Some(at) = space.created_at {
        mark(at, MilestoneKind::SpaceCreated);
    }
    for betrayal in &space.betrayals {
        mark(betrayal.recorded_at, MilestoneKind::BetrayalRecorded);
    }
    let shared = couple.check_ins.all();
    if let Some(first) = shared.first() {
        mark(first.at, MilestoneKind::FirstSharedCheckIn);
    }
    if let Some(at) = couple.check_ins.first_acknowledged_at() {
        mark(at, MilestoneKind::FirstCheckInAcknowledged);
    }
    let own = trust_series(couple, mine, viewer, None)?.mine;
    if let Some(first) = own.first() {
        mark(first.at, MilestoneKind::FirstPulse);
    }
    for (pulse, level) in trust_steps(&own) {
        mark(own[pulse].at, MilestoneKind::TrustReached(level));
    }
    out.sort_by_key(|m| (m.on, m.kind));
    Ok(out)
}

/// The pulses (by index in `own`) that first reached a trust milestone, with
/// the highest level each reached. One pulse that first crosses several
/// levels is one step, told once: "reached 75" already says it passed 50.
/// Milestones mark change: the first pulse is where the person started, so
/// a level it already stood at is no step.
fn trust_steps(own: &[TrustPoint]) -> Vec<(usize, u8)> {
    let mut reached: Vec<(usize, u8)> = Vec::new();
    for level in TRUST_MILESTONES {
        let Some(pulse) = own.iter().position(|p| p.score.index >= level) else {
            continue;
        };
        if pulse == 0 {
            continue;
        }
        match reached.iter_mut().find(|(at, _)| *at == pulse) {
            Some(step) => step.1 = step.1.max(level),
            None => reached.push((pulse, level)),
        }
    }
    reached
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkin::feelings::CoreFeeling;
    use crate::testing::*;

    #[test]
    fn time_together_counts_what_happened_week_by_week_on_the_viewers_days() {
        use crate::access::room::Acting;
        use crate::together::{self, HowItWent};
        let mut w = World::new();
        let (a, b) = (w.hurt, w.involved);
        fn room(w: &World, who: UserId) -> Acting<'_, together::Together> {
            Acting::new(&w.couple.space, &w.couple.together, who)
        }
        // A plan that happens, one that is declined, and a ritual kept twice.
        let at = w.now + Duration::hours(1);
        let mut plans = Vec::new();
        for _ in 0..2 {
            let event = together::suggest(room(&w, a), w.now, "a walk", Ok(at)).unwrap();
            plans.push(w.record(a, event));
        }
        let yes = together::answer(room(&w, b), w.now, plans[0], "accept", Ok(at)).unwrap();
        w.record(b, yes);
        let no = together::answer(room(&w, b), w.now, plans[1], "decline", Ok(at)).unwrap();
        w.record(b, no);
        let ritual = together::begin_ritual(room(&w, a), "tea at nine").unwrap();
        let ritual = w.record(a, ritual);
        for _ in 0..2 {
            let done = together::ritual_done(room(&w, b), w.now.date(), ritual).unwrap();
            w.record(b, done);
            w.next_day();
        }
        w.advance(Duration::hours(1));
        let said = together::how_it_went(room(&w, a), w.now, plans[0], "4", "", "partner");
        let Ok(HowItWent::Shared(event)) = said else {
            panic!("{said:?}");
        };
        w.record(a, event);
        let today = w.now.date();
        let weeks = together_by_week(&w.couple.space, &w.couple.together, b, today, 2, |t| {
            t.date()
        })
        .unwrap();
        assert_eq!(weeks.len(), 2);
        assert_eq!((weeks[0].spent, weeks[0].ritual_days), (0, 0));
        assert_eq!((weeks[1].spent, weeks[1].ritual_days), (1, 2));
        assert_eq!(weeks[1].ending, today);
        let stranger = together_by_week(
            &w.couple.space,
            &w.couple.together,
            w.stranger,
            today,
            2,
            |t| t.date(),
        );
        assert_eq!(stranger, Err(Refusal::NotAMember));
    }

    #[test]
    fn trust_series_merges_own_kept_and_shared_pulses_and_only_shared_partner_ones() {
        let mut w = World::ticking();
        w.share_pulse(w.hurt, steady(2));
        w.keep_pulse(w.involved, steady(3));
        w.keep_pulse(w.hurt, steady(4));
        w.share_pulse(w.involved, steady(6));
        let hurt = trust_series(&w.couple, &w.hurt_private, w.hurt, None).unwrap();
        let values = |ps: &[TrustPoint]| {
            ps.iter()
                .map(|p| (p.score.index, p.shared))
                .collect::<Vec<_>>()
        };
        assert_eq!(values(&hurt.mine), vec![(17, true), (50, false)]);
        assert_eq!(values(&hurt.partner), vec![(83, true)]);
        let involved = trust_series(&w.couple, &w.involved_private, w.involved, None).unwrap();
        assert_eq!(values(&involved.mine), vec![(33, false), (83, true)]);
        assert_eq!(values(&involved.partner), vec![(17, true)]);
    }

    /// The cut-off is an instant, the start of one of the viewer's days:
    /// a minute on either side of a pulse decides, whatever UTC's date.
    #[test]
    fn trust_and_signs_start_at_the_instant_the_viewers_day_starts() {
        let mut w = World::ticking();
        w.pulse(w.hurt, steady(3), "only_me", &["replaying"]);
        let around = |at: OffsetDateTime| {
            let (before, after) = (at - Duration::MINUTE, at + Duration::MINUTE);
            assert_eq!(before.date(), after.date(), "one UTC date around it");
            (before, after)
        };
        let (before, after) = around(w.hurt_private.pulses.all()[0].at);
        let trust = |since| trust_series(&w.couple, &w.hurt_private, w.hurt, Some(since));
        assert_eq!(trust(before).unwrap().mine.len(), 1);
        assert_eq!(trust(after).unwrap().mine.len(), 0);
        let (before, after) = around(w.hurt_private.signs.notes()[0].at);
        let signs = |since| signs_series(&w.hurt_private, w.hurt, Some(since));
        assert_eq!(signs(before).unwrap().points.len(), 1);
        assert_eq!(signs(after).unwrap().points.len(), 0);
    }

    #[test]
    fn trust_series_can_start_at_a_date_and_plot_a_construct() {
        let mut w = World::ticking();
        w.share_pulse(w.hurt, steady(2));
        w.advance_days(30);
        let mut values = steady(4);
        values[6] = 7; // honesty_believe
        values[7] = 1; // honesty_hidden, reverse
        w.keep_pulse(w.hurt, values);
        let series = trust_series(
            &w.couple,
            &w.hurt_private,
            w.hurt,
            Some(utc_start(w.now.date())),
        )
        .unwrap();
        assert_eq!(series.mine.len(), 1);
        assert_eq!(
            series.mine[0].value(Measure::Construct(Construct::Honesty)),
            100
        );
        assert_eq!(series.mine[0].value(Measure::parse("honesty")), 100);
        assert_eq!(
            series.mine[0].value(Measure::parse("nonsense")),
            series.mine[0].score.index
        );
    }

    #[test]
    fn the_feelings_window_counts_own_kept_and_shared_and_partner_shared_only() {
        let mut w = World::ticking();
        w.keep_check_in(w.hurt, &[("sad", "2")]);
        w.share_check_in(w.hurt, &[("betrayed", "5"), ("lonely", "3")]);
        w.keep_check_in(w.involved, &[("ashamed", "4")]);
        w.share_check_in(w.involved, &[("hopeful", "2")]);
        w.advance_days(40);
        w.share_check_in(w.hurt, &[("afraid", "1")]);
        let today = w.now.date();

        let month =
            feelings_window(&w.couple, &w.hurt_private, w.hurt, utc_days(today, 30)).unwrap();
        assert_eq!(month.mine.check_ins, 1);
        assert_eq!(month.mine.count(CoreFeeling::Afraid), 1);
        assert_eq!(month.partner.check_ins, 0);

        let quarter =
            feelings_window(&w.couple, &w.hurt_private, w.hurt, utc_days(today, 90)).unwrap();
        assert_eq!(quarter.from, today - Duration::days(89));
        assert_eq!(quarter.mine.check_ins, 3);
        assert_eq!(quarter.mine.count(CoreFeeling::Sad), 1);
        assert_eq!(quarter.mine.count(CoreFeeling::Hurt), 1);
        assert_eq!(quarter.partner.check_ins, 1);
        assert_eq!(quarter.partner.count(CoreFeeling::Hopeful), 1);
        assert_eq!(quarter.partner.count(CoreFeeling::Ashamed), 0);
    }

    #[test]
    fn signs_series_counts_each_note_and_ranks_the_signs() {
        let mut w = World::ticking();
        w.pulse(
            w.hurt,
            steady(3),
            "partner",
            &["replaying", "trouble_sleeping"],
        );
        w.pulse(w.hurt, steady(3), "only_me", &[]);
        w.pulse(w.hurt, steady(4), "partner", &["replaying"]);
        let series = signs_series(&w.hurt_private, w.hurt, None).unwrap();
        assert_eq!(
            series.points.iter().map(|p| p.count).collect::<Vec<_>>(),
            vec![2, 0, 1]
        );
        assert_eq!(
            series.most_often,
            vec![(Sign::Replaying, 2), (Sign::TroubleSleeping, 1)]
        );
    }

    fn milestone_kinds(w: &World, viewer: UserId) -> Vec<MilestoneKind> {
        milestones_of(w, viewer)
            .into_iter()
            .map(|m| m.kind)
            .collect()
    }

    #[test]
    fn milestones_mark_the_beginning_the_first_shared_moments_and_trust_levels() {
        let mut w = World::ticking();
        let id = w.share_check_in(w.hurt, &[("hurt", "4")]);
        w.advance_days(1);
        let ack = crate::checkin::acknowledge(
            &w.couple.space,
            &w.couple.check_ins,
            w.involved,
            &crate::checkin::AcknowledgeInput {
                check_in: id.0.to_string(),
                preset: "thank_you".into(),
                own_words: String::new(),
            },
        )
        .unwrap();
        w.record(w.involved, ack);
        w.advance_days(1);
        w.keep_pulse(w.hurt, steady(4));
        w.advance_days(7);
        w.keep_pulse(w.hurt, steady(6));
        assert_eq!(
            milestone_kinds(&w, w.hurt),
            vec![
                MilestoneKind::SpaceCreated,
                MilestoneKind::BetrayalRecorded,
                MilestoneKind::FirstSharedCheckIn,
                MilestoneKind::FirstCheckInAcknowledged,
                MilestoneKind::FirstPulse,
                MilestoneKind::TrustReached(75),
            ]
        );
        // The partner sees the shared moments, not the viewer's kept pulses.
        assert_eq!(
            milestone_kinds(&w, w.involved),
            vec![
                MilestoneKind::SpaceCreated,
                MilestoneKind::BetrayalRecorded,
                MilestoneKind::FirstSharedCheckIn,
                MilestoneKind::FirstCheckInAcknowledged,
            ]
        );
    }

    /// The milestones `viewer` sees today, with their own private state.
    fn milestones_of(w: &World, viewer: UserId) -> Vec<Milestone> {
        milestones(
            &w.couple,
            w.private(viewer),
            viewer,
            w.now.date(),
            OffsetDateTime::date,
        )
        .unwrap()
    }

    fn trust_levels(w: &World, viewer: UserId) -> Vec<(Date, MilestoneKind)> {
        milestones_of(w, viewer)
            .into_iter()
            .filter(|m| matches!(m.kind, MilestoneKind::TrustReached(_)))
            .map(|m| (m.on, m.kind))
            .collect()
    }

    #[test]
    fn a_first_pulse_is_a_starting_point_not_a_trust_milestone() {
        let mut w = World::ticking();
        w.keep_pulse(w.hurt, steady(6));
        assert_eq!(
            trust_levels(&w, w.hurt),
            vec![],
            "an index of 83 to start with"
        );
        assert!(milestone_kinds(&w, w.hurt).contains(&MilestoneKind::FirstPulse));

        w.advance_days(7);
        // A later pulse marks the level it reached first, above where it began.
        keep_weekly_pulses(w.hurt, &mut w, &[3, 7]);
        assert_only_reached_today(&w, w.hurt, 90);
    }

    #[test]
    fn a_pulse_that_first_crosses_several_levels_marks_only_the_highest() {
        let mut w = World::ticking();
        // Straight to 100 from below 50: one milestone, not three.
        keep_weekly_pulses(w.involved, &mut w, &[2, 7]);
        assert_only_reached_today(&w, w.involved, 90);
    }

    /// `who` keeps a steady pulse at each level in turn, a week apart.
    fn keep_weekly_pulses(who: UserId, w: &mut World, levels: &[u8]) {
        for (week, level) in levels.iter().enumerate() {
            if week > 0 {
                w.advance_days(7);
            }
            w.keep_pulse(who, steady(*level));
        }
    }

    /// The only trust milestone `viewer` has is reaching `level`, today.
    fn assert_only_reached_today(w: &World, viewer: UserId, level: u8) {
        assert_eq!(
            trust_levels(w, viewer),
            vec![(w.now.date(), MilestoneKind::TrustReached(level))]
        );
    }

    /// The hurt partner asks for a daily text; the involved partner agrees
    /// the next day and then does it on `kept_days` of the following days.
    fn daily_request(w: &mut World, kept_days: i64, total_days: i64) -> crate::EntryId {
        use crate::requests::{self, FrequencyInput, FulfilmentInput, RequestInput};
        let (hurt, involved) = (w.hurt, w.involved);
        let made = requests::make(
            &w.couple.space,
            hurt,
            w.now,
            &RequestInput {
                betrayal: String::new(),
                what: "Text me when you leave work.".into(),
                when: FrequencyInput {
                    frequency: "daily".into(),
                    ..FrequencyInput::default()
                },
            },
        )
        .unwrap();
        let id = w.record(hurt, made);
        w.advance_days(1);
        let accepted = requests::accept(
            crate::access::room::Acting::new(&w.couple.space, &w.couple.requests, involved),
            id,
        )
        .unwrap();
        w.record(involved, accepted);
        for day in 0..total_days {
            if day > 0 {
                w.advance_days(1);
            }
            if day < kept_days {
                let logged = requests::log_fulfilment(
                    crate::access::room::Acting::new(&w.couple.space, &w.couple.requests, involved),
                    w.now,
                    id,
                    &FulfilmentInput::default(),
                )
                .unwrap();
                w.record(involved, logged);
            }
        }
        id
    }

    #[test]
    fn request_reliability_is_listed_per_request_and_summed_per_week() {
        let mut w = World::ticking();
        let id = daily_request(&mut w, 10, 14);
        let today = w.now.date();
        let listed =
            request_reliability(&w.couple, &w.couple.requests, w.involved, |_| today, 14).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].request.id, id);
        assert_eq!(listed[0].reliability.done, 10);
        assert_eq!(listed[0].reliability.expected, Some(13));

        let weeks =
            reliability_by_week(&w.couple.space, &w.couple.requests, w.hurt, today, 3).unwrap();
        let shown: Vec<_> = weeks.iter().map(|wk| (wk.done, wk.expected)).collect();
        // Three weeks back nothing was agreed; then 7 of 7; then 3 of the 6
        // finished days (today is not over and nothing was done yet).
        assert_eq!(shown, vec![(0, 0), (7, 7), (3, 6)]);
        assert_eq!(weeks[0].percent(), None);
        assert_eq!(weeks[2].percent(), Some(50));
        assert_eq!(
            reliability_by_week(&w.couple.space, &w.couple.requests, w.stranger, today, 3),
            Err(Refusal::NotAMember)
        );
    }

    #[test]
    fn a_request_kept_for_a_month_and_a_received_apology_are_milestones() {
        use crate::apology::{self, ApologyAnswerInput};
        let mut w = World::ticking();
        let request = daily_request(&mut w, 30, 31);
        let sent = apology::send(
            crate::access::room::Acting::new(&w.couple.space, &w.couple.apology, w.involved),
            &crate::testing::full_apology(),
        )
        .unwrap();
        let version = w.record(w.involved, sent);
        let received = apology::answer(
            crate::access::room::Acting::new(&w.couple.space, &w.couple.apology, w.hurt),
            version,
            &ApologyAnswerInput {
                answer: "received".into(),
                what: String::new(),
            },
        )
        .unwrap();
        w.record(w.hurt, received);

        let found: Vec<_> = milestones_of(&w, w.involved)
            .into_iter()
            .filter(|m| m.entry.is_some())
            .map(|m| (m.kind, m.entry))
            .collect();
        assert_eq!(
            found,
            vec![
                (MilestoneKind::RequestKeptForAMonth, Some(request)),
                (MilestoneKind::ApologyReceived, Some(version)),
            ]
        );
    }

    #[test]
    fn a_request_kept_only_half_the_month_is_not_a_milestone() {
        let mut w = World::ticking();
        daily_request(&mut w, 15, 31);
        let kinds = milestone_kinds(&w, w.hurt);
        assert!(
            !kinds.contains(&MilestoneKind::RequestKeptForAMonth),
            "{kinds:?}"
        );
    }

    #[test]
    fn five_years_of_history_give_the_right_windows_and_series() {
        let mut w = World::ticking();
        let (hurt, involved) = (w.hurt, w.involved);
        let words = ["sad", "hopeful", "close", "afraid", "lonely"];
        for day in 0..(5 * 365) {
            w.advance_days(1);
            let word = words[day % words.len()];
            if day % 2 == 0 {
                w.share_check_in(hurt, &[(word, "3")]);
            } else {
                w.keep_check_in(hurt, &[(word, "3")]);
            }
            w.share_check_in(involved, &[("ashamed", "2")]);
            if day % 7 == 0 {
                let level = if day % 14 == 0 { 4 } else { 5 };
                w.pulse(
                    hurt,
                    steady(level),
                    if day % 14 == 0 { "partner" } else { "only_me" },
                    &["replaying"],
                );
                w.share_pulse(involved, steady(6));
            }
        }
        let today = w.now.date();
        let month = feelings_window(&w.couple, &w.hurt_private, hurt, utc_days(today, 30)).unwrap();
        assert_eq!(month.mine.check_ins, 30);
        assert_eq!(month.mine.counts.iter().sum::<u32>(), 30);
        assert_eq!(month.partner.check_ins, 30);
        assert_eq!(month.partner.count(CoreFeeling::Ashamed), 30);
        let seen_by_partner = feelings_window(
            &w.couple,
            &w.involved_private,
            involved,
            utc_days(today, 90),
        )
        .unwrap();
        assert_eq!(seen_by_partner.partner.check_ins, 45);

        let series = trust_series(&w.couple, &w.hurt_private, hurt, None).unwrap();
        assert_eq!(series.mine.len(), 261);
        assert_eq!(series.mine.iter().filter(|p| p.shared).count(), 131);
        assert_eq!(series.partner.len(), 261);
        let partner_view = trust_series(&w.couple, &w.involved_private, involved, None).unwrap();
        assert_eq!(partner_view.partner.len(), 131);
        assert!(partner_view.partner.iter().all(|p| p.score.index == 50));

        let last_year = trust_series(
            &w.couple,
            &w.hurt_private,
            hurt,
            Some(utc_start(today - Duration::days(364))),
        )
        .unwrap();
        assert_eq!(last_year.mine.len(), 52);
        assert_eq!(
            signs_series(&w.hurt_private, hurt, None)
                .unwrap()
                .points
                .len(),
            261
        );
    }

    #[test]
    fn strangers_get_no_series() {
        let w = World::ticking();
        assert_eq!(
            trust_series(&w.couple, &PrivateState::default(), w.stranger, None),
            Err(Refusal::NotAMember)
        );
        assert_eq!(
            feelings_window(
                &w.couple,
                &PrivateState::default(),
                w.stranger,
                utc_days(w.now.date(), 30)
            ),
            Err(Refusal::NotAMember)
        );
    }
}
