//! Today: what needs the viewer's attention, in order of care, and what
//! their partner shared since their last visit.
//!
//! The list is built from the cached projections on every request, so each
//! part reads only what it needs: the repair rooms' "waiting for me"
//! queries, the last check-in day and pulse day (kept in the projections),
//! and the shared entries after the last visit (found by binary search).

use super::start::{start_path, StartPath};
use crate::access::room::Acting;
use crate::access::visibility::member;
use crate::apology::Apology;
use crate::checkin::{self, CheckInView};
use crate::contact::ContactReport;
use crate::kernel::ids::{EntryId, UserId};
use crate::kernel::refusal::Refusal;
use crate::meeting::{meeting_waits, MeetingWaits};
use crate::pulse::{self, PulseDue, PulseRecord};
use crate::reflections::{self, TriggerNote};
use crate::requests::{Fulfilment, Request};
use crate::streams::couple::CoupleState;
use crate::streams::private::own_private;
use crate::streams::private::{PrivateEvent, PrivateState};
use crate::talk::{QuietPeriod, TalkRequest};
use crate::together::{self, Plan};
use crate::truth::{TruthEntry, TruthFilter};
use crate::visits;
use time::{Date, OffsetDateTime};

/// At most this many news items are listed; the rest are counted.
pub const NEWS_LIMIT: usize = 20;

/// Something waiting for the viewer. The variants are in order of care,
/// and the list keeps that order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TodayItem<'a> {
    /// A trigger note the partner sent, waiting for the viewer's
    /// reassurance: first of all.
    TriggerNoteToAnswer(&'a TriggerNote),
    /// A question the viewer's partner asked them.
    QuestionToAnswer(&'a TruthEntry),
    /// A disclosure, answer or correction the viewer has not acknowledged.
    TruthToAcknowledge(&'a TruthEntry),
    /// An apology whose latest version waits for the viewer's response.
    ApologyToAnswer(&'a Apology),
    /// A request (or a proposed alternative) waiting for the viewer's answer.
    RequestToAnswer(&'a Request),
    /// A request the viewer agreed to that asks for something today.
    RequestDue(&'a Request),
    /// A report of contact from the affair partner, to acknowledge.
    ContactReportToAcknowledge(&'a ContactReport),
    /// The viewer has not checked in today; `last` is their latest day.
    CheckIn { last: Option<Date> },
    /// The viewer's trust pulse is due.
    Pulse(PulseDue),
    /// A talk the viewer's partner asked for, waiting for an answer.
    TalkToAnswer(&'a TalkRequest),
    /// The viewer's talk request, with times proposed: one to pick.
    TalkTimeToPick(&'a TalkRequest),
    /// A quiet period is on (the viewer's own or their partner's), until its
    /// end.
    QuietPeriod(&'a QuietPeriod),
    /// Time together the partner suggested, waiting for the viewer's answer.
    PlanToAnswer(&'a Plan),
    /// Time together that has happened: the viewer may say how it went.
    PlanToReflect(&'a Plan),
    /// What the weekly meeting asks of the viewer.
    Meeting(MeetingWaits<'a>),
}

impl TodayItem<'_> {
    /// Whether the partner sent it (a question, an entry, an apology, a
    /// request, a report), rather than it being the viewer's own routine.
    pub fn is_from_partner(&self) -> bool {
        !matches!(
            self,
            TodayItem::RequestDue(_)
                | TodayItem::CheckIn { .. }
                | TodayItem::Pulse(_)
                | TodayItem::QuietPeriod(_)
                | TodayItem::PlanToReflect(_)
                | TodayItem::Meeting(MeetingWaits::MeetingToday { .. })
        )
    }
}

/// Something the partner shared since the viewer's last visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartnerNews<'a> {
    CheckIn(CheckInView<'a>),
    /// The partner answered one of the viewer's check-ins.
    CheckInAcknowledged(CheckInView<'a>),
    Pulse(&'a PulseRecord),
    /// A truth-log entry not already listed as waiting for the viewer.
    Truth(&'a TruthEntry),
    /// The partner logged doing what a request asks.
    RequestDone {
        request: &'a Request,
        fulfilment: &'a Fulfilment,
    },
}

impl PartnerNews<'_> {
    pub fn at(&self) -> OffsetDateTime {
        match self {
            PartnerNews::CheckIn(view) => view.at,
            PartnerNews::CheckInAcknowledged(view) => {
                view.acknowledgement.map_or(view.at, |a| a.at)
            }
            PartnerNews::Pulse(record) => record.at,
            PartnerNews::Truth(entry) => entry.written_at,
            PartnerNews::RequestDone { fulfilment, .. } => fulfilment.logged_at,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Today<'a> {
    /// What waits for the viewer, in order of care. Empty means nothing.
    pub to_do: Vec<TodayItem<'a>>,
    /// What the partner shared since the last visit, newest first.
    pub news: Vec<PartnerNews<'a>>,
    /// How many more news items there were beyond [`NEWS_LIMIT`].
    pub more_news: usize,
    /// Whether the partner has joined the space yet.
    pub partner_joined: bool,
    /// A new couple's first steps, until each is taken.
    pub start: Option<StartPath>,
}

/// Builds Today for `viewer`. `last_visit` is when they last opened the
/// app (`None` on a first visit: everything the partner shared is news).
/// `today` is the viewer's local date and `day_of` turns an instant into
/// the viewer's local day, so "checked in today" turns at their midnight.
pub fn today<'a>(
    couple: &'a CoupleState,
    mine: &'a PrivateState,
    viewer: UserId,
    last_visit: Option<OffsetDateTime>,
    today: Date,
    day_of: impl Fn(OffsetDateTime) -> Date + Copy,
) -> Result<Today<'a>, Refusal> {
    let space = &couple.space;
    member(space, viewer)?;
    let mine = own_private(mine, viewer)?;

    let mut to_do = from_the_partner(couple, viewer, today);
    let last = checkin::last_check_in_day(&couple.check_ins, mine.kept_check_ins(), viewer, day_of);
    let start = start_path(couple, viewer, last.is_some());
    if last != Some(today) {
        to_do.push(TodayItem::CheckIn { last });
    }
    let pulse = pulse::due(couple.pulses_seen_by(viewer, mine), today, day_of)?;
    if pulse.due {
        to_do.push(TodayItem::Pulse(pulse));
    }

    let partner = space.partner_of(viewer);
    let (news, more_news) = match partner {
        Some(partner) => partner_news(couple, viewer, partner, last_visit, &to_do),
        None => (Vec::new(), 0),
    };
    // In an ended space nothing waits for anyone: no step can be taken.
    if !space.is_open() {
        to_do.clear();
    }
    Ok(Today {
        to_do,
        news,
        more_news,
        partner_joined: partner.is_some(),
        start: start.filter(|_| space.is_open()),
    })
}

/// What the partner sent or asked that waits for `viewer`, in order of
/// care: a trigger note first, then the repair rooms' items, then the
/// requests due `today`.
fn from_the_partner<'a>(
    couple: &'a CoupleState,
    viewer: UserId,
    today: Date,
) -> Vec<TodayItem<'a>> {
    let space = &couple.space;
    let mut to_do: Vec<TodayItem<'a>> =
        reflections::notes_to_answer(&couple.reflections, space, viewer)
            .into_iter()
            .map(TodayItem::TriggerNoteToAnswer)
            .collect();
    to_do.extend(
        couple
            .truth
            .questions_waiting_for_answer_from(space, viewer)
            .into_iter()
            .map(TodayItem::QuestionToAnswer),
    );
    to_do.extend(
        couple
            .truth
            .awaiting_acknowledgement_by(space, viewer)
            .into_iter()
            .map(TodayItem::TruthToAcknowledge),
    );
    to_do.extend(
        couple
            .apology
            .waiting_for_response_from(space, viewer)
            .into_iter()
            .map(TodayItem::ApologyToAnswer),
    );
    to_do.extend(
        couple
            .requests
            .awaiting_answer_from(space, viewer)
            .into_iter()
            .map(TodayItem::RequestToAnswer),
    );
    to_do.extend(
        couple
            .requests
            .due_for(space, viewer, today)
            .into_iter()
            .map(TodayItem::RequestDue),
    );
    to_do.extend(
        couple
            .contact
            .awaiting_acknowledgement_by(space, viewer)
            .into_iter()
            .map(TodayItem::ContactReportToAcknowledge),
    );
    to_do
}

impl<'a> Today<'a> {
    /// Adds what waits in the talk room at `now`: a request to answer and a
    /// time to pick among what the partner sent, a quiet period that is on
    /// last. No item carries a topic into a heading: the page names only
    /// that a talk waits.
    pub fn with_talks(
        mut self,
        couple: &'a CoupleState,
        viewer: UserId,
        now: OffsetDateTime,
    ) -> Self {
        let (space, talk) = (&couple.space, &couple.talk);
        let from_partner = talk
            .awaiting_answer_from(space, viewer)
            .into_iter()
            .map(TodayItem::TalkToAnswer)
            .chain(
                talk.time_to_pick_by(space, viewer)
                    .into_iter()
                    .map(TodayItem::TalkTimeToPick),
            );
        self.among_the_partners(from_partner);
        let quiet = [Some(viewer), space.partner_of(viewer)]
            .into_iter()
            .flatten()
            .filter_map(|who| talk.quiet_on(who, now));
        self.to_do.extend(quiet.map(TodayItem::QuietPeriod));
        self.only_while_open(space)
    }
}

impl<'a> Today<'a> {
    /// Nothing waits in an ended space: no step can be taken there.
    fn only_while_open(mut self, space: &crate::space::SpaceState) -> Self {
        if !space.is_open() {
            self.to_do.clear();
        }
        self
    }

    /// Puts `items` after what the partner sent and before the viewer's own
    /// routine, where the list keeps what the partner waits on.
    fn among_the_partners(&mut self, items: impl IntoIterator<Item = TodayItem<'a>>) {
        let routine = self
            .to_do
            .iter()
            .position(|item| !item.is_from_partner())
            .unwrap_or(self.to_do.len());
        self.to_do.splice(routine..routine, items);
    }

    /// Adds what waits in time together at `now`: a suggestion to answer
    /// among what the partner sent, and time that has happened, for the
    /// viewer to say how it went, among their own routine.
    pub fn with_time_together(
        mut self,
        couple: &'a CoupleState,
        viewer: UserId,
        now: OffsetDateTime,
    ) -> Self {
        let (space, room) = (&couple.space, &couple.together);
        let to_answer = together::plans_to_answer(room, space, viewer)
            .into_iter()
            .map(TodayItem::PlanToAnswer);
        self.among_the_partners(to_answer);
        let acting = Acting::new(space, room, viewer);
        let to_reflect = room
            .all()
            .iter()
            .filter(|plan| together::can_say_how_it_went(acting, now, plan.id))
            .map(TodayItem::PlanToReflect);
        self.to_do.extend(to_reflect);
        self.only_while_open(space)
    }

    /// Adds what the weekly meeting asks of the viewer at `now` (on their
    /// own offset): a time or a "we held it" from the partner among what
    /// the partner sent, and the meeting day among the viewer's routine.
    pub fn with_meeting(
        mut self,
        couple: &'a CoupleState,
        viewer: UserId,
        now: OffsetDateTime,
    ) -> Self {
        let waits = meeting_waits(&couple.meeting, &couple.space, viewer, now);
        let (routine, from_partner): (Vec<_>, Vec<_>) = waits
            .into_iter()
            .map(TodayItem::Meeting)
            .partition(|item| !item.is_from_partner());
        self.among_the_partners(from_partner);
        self.to_do.extend(routine);
        self.only_while_open(&couple.space)
    }
}

/// The partner's news since the last visit, newest first, and how many more
/// there are. Each source is read newest first and gives at most NEWS_LIMIT
/// items; the rest are only counted. The newest NEWS_LIMIT of all sources are
/// among those, and a first visit after years costs a count, not a list.
fn partner_news<'a>(
    couple: &'a CoupleState,
    viewer: UserId,
    partner: UserId,
    last_visit: Option<OffsetDateTime>,
    to_do: &[TodayItem<'a>],
) -> (Vec<PartnerNews<'a>>, usize) {
    let since = last_visit.unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let after = |at: OffsetDateTime| last_visit.is_none_or(|v| at > v);
    let mut news = Newest::default();
    news.keep_counted(couple.check_ins.by_after(partner, since).rev(), |c| {
        PartnerNews::CheckIn(CheckInView::shared(&couple.space, viewer, c))
    });
    let answered = couple.check_ins.acknowledged_after(since).rev();
    news.keep(answered.filter(|c| c.author == viewer), |c| {
        PartnerNews::CheckInAcknowledged(CheckInView::shared(&couple.space, viewer, c))
    });
    let pulses = couple.pulse.shared_after(since).iter().rev();
    news.keep(pulses.filter(|p| p.author == partner), PartnerNews::Pulse);

    let listed: Vec<EntryId> = to_do
        .iter()
        .filter_map(|item| match item {
            TodayItem::QuestionToAnswer(e) | TodayItem::TruthToAcknowledge(e) => Some(e.id),
            _ => None,
        })
        .collect();
    let entries = couple.truth.entries(TruthFilter::All).into_iter();
    let truth = entries.take_while(|e| after(e.written_at));
    news.keep(
        truth.filter(|e| e.author == partner && !listed.contains(&e.id)),
        PartnerNews::Truth,
    );
    for request in couple.requests.all() {
        let done = request.fulfilments.iter().rev();
        news.keep(
            done.filter(|f| f.by == partner && after(f.logged_at)),
            |fulfilment| PartnerNews::RequestDone {
                request,
                fulfilment,
            },
        );
    }

    news.newest()
}

/// The news kept so far, and how many more items there were (counted,
/// never made).
#[derive(Default)]
struct Newest<'a> {
    items: Vec<PartnerNews<'a>>,
    counted: usize,
}

impl<'a> Newest<'a> {
    /// Keeps the first `NEWS_LIMIT` of `items`, made with `make`, and counts
    /// the rest.
    fn keep<T>(&mut self, mut items: impl Iterator<Item = T>, make: impl Fn(T) -> PartnerNews<'a>) {
        self.items.extend(items.by_ref().take(NEWS_LIMIT).map(make));
        self.counted += items.count();
    }

    /// `keep`, for items that know how many they are: the rest are counted
    /// without being read.
    fn keep_counted<T>(
        &mut self,
        mut items: impl ExactSizeIterator<Item = T>,
        make: impl Fn(T) -> PartnerNews<'a>,
    ) {
        self.items.extend(items.by_ref().take(NEWS_LIMIT).map(make));
        self.counted += items.len();
    }

    /// The newest `NEWS_LIMIT` of all, newest first, and how many more
    /// there are.
    fn newest(mut self) -> (Vec<PartnerNews<'a>>, usize) {
        self.items.sort_by_key(|n| std::cmp::Reverse(n.at()));
        let more = (self.items.len() + self.counted).saturating_sub(NEWS_LIMIT);
        self.items.truncate(NEWS_LIMIT);
        (self.items, more)
    }
}

pub use crate::visits::{HeadSeen, VisitEvent, Visits, MARK_EVERY, SITTING_GAP};

/// The viewer's last visit as of `now`: the end of their previous sitting,
/// or `None` before their first one.
pub fn last_visit(
    mine: &PrivateState,
    viewer: UserId,
    now: OffsetDateTime,
) -> Result<Option<OffsetDateTime>, Refusal> {
    Ok(visits::last_visit(own_private(mine, viewer)?.visits, now))
}

/// The mark to leave for opening Today at `now`, if one is due.
pub fn mark_visit(
    mine: &PrivateState,
    viewer: UserId,
    now: OffsetDateTime,
) -> Result<Option<PrivateEvent>, Refusal> {
    let visits = own_private(mine, viewer)?.visits;
    Ok(visits::mark_visit(visits, now).map(PrivateEvent::from))
}

/// The viewer's witness of the couple stream: its head as they last saw it.
pub fn couple_head_seen(mine: &PrivateState, viewer: UserId) -> Result<Option<HeadSeen>, Refusal> {
    Ok(own_private(mine, viewer)?.visits.couple_head_seen())
}

/// The witness to leave for seeing the couple stream at `head`, if it moved.
pub fn witness_head(
    mine: &PrivateState,
    viewer: UserId,
    head: HeadSeen,
) -> Result<Option<PrivateEvent>, Refusal> {
    let visits = own_private(mine, viewer)?.visits;
    Ok(visits::witness_head(visits, head).map(PrivateEvent::from))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::room::Acting;
    use crate::checkin::{AcknowledgeInput, CheckInId};
    use crate::kernel::event::Meta;
    use crate::pulse::ITEM_COUNT;
    use crate::testing::*;
    use time::Duration;

    const MIDDLE: [u8; ITEM_COUNT] = [4; ITEM_COUNT];

    /// Today as `viewer` sees it on `day`, with their own private state,
    /// having last visited at `last_visit`.
    fn today_of(
        w: &World,
        viewer: UserId,
        last_visit: Option<OffsetDateTime>,
        day: Date,
    ) -> Today<'_> {
        today(
            &w.couple,
            w.private(viewer),
            viewer,
            last_visit,
            day,
            OffsetDateTime::date,
        )
        .unwrap()
    }

    fn kinds(today: &Today<'_>) -> Vec<&'static str> {
        today
            .to_do
            .iter()
            .map(|item| match item {
                TodayItem::TriggerNoteToAnswer(_) => "trigger_note",
                TodayItem::QuestionToAnswer(_) => "question",
                TodayItem::TruthToAcknowledge(_) => "truth",
                TodayItem::ApologyToAnswer(_) => "apology",
                TodayItem::RequestToAnswer(_) => "request_answer",
                TodayItem::RequestDue(_) => "request_due",
                TodayItem::ContactReportToAcknowledge(_) => "contact",
                TodayItem::CheckIn { .. } => "check_in",
                TodayItem::Pulse(_) => "pulse",
                TodayItem::TalkToAnswer(_) => "talk_answer",
                TodayItem::TalkTimeToPick(_) => "talk_pick",
                TodayItem::QuietPeriod(_) => "quiet",
                TodayItem::PlanToAnswer(_) => "plan_answer",
                TodayItem::PlanToReflect(_) => "plan_reflect",
                TodayItem::Meeting(MeetingWaits::TimeToAgree(_)) => "meeting_time",
                TodayItem::Meeting(MeetingWaits::HeldToConfirm) => "meeting_held",
                TodayItem::Meeting(MeetingWaits::MeetingToday { .. }) => "meeting_today",
            })
            .collect()
    }

    #[test]
    fn a_new_day_asks_for_a_check_in_and_the_first_pulse() {
        let w = World::ticking();
        let t = today_of(&w, w.hurt, None, w.now.date());
        assert_eq!(kinds(&t), vec!["check_in", "pulse"]);
        assert!(t.partner_joined);
        assert!(t.news.is_empty());
    }

    #[test]
    fn a_kept_check_in_and_pulse_count_as_done_for_today() {
        let mut w = World::ticking();
        w.keep_check_in(w.hurt, &[("close", "2")]);
        w.keep_pulse(w.hurt, MIDDLE);
        let day = w.now.date();
        let t = today_of(&w, w.hurt, None, day);
        assert!(kinds(&t).is_empty(), "{:?}", kinds(&t));
        let tomorrow = today_of(&w, w.hurt, None, day + Duration::days(1));
        assert_eq!(kinds(&tomorrow), vec!["check_in"]);
        assert_eq!(tomorrow.to_do[0], TodayItem::CheckIn { last: Some(day) });
        let next_week = today_of(&w, w.hurt, None, day + Duration::days(7));
        assert_eq!(kinds(&next_week), vec!["check_in", "pulse"]);
    }

    #[test]
    fn news_lists_what_the_partner_shared_since_the_last_visit_newest_first() {
        let mut w = World::ticking();
        w.share_check_in(w.involved, &[("ashamed", "3")]);
        let last_visit = w.now;
        let mine = w.share_check_in(w.hurt, &[("hurt", "5")]);
        let theirs = w.share_check_in(w.involved, &[("hopeful", "2")]);
        w.share_pulse(w.involved, MIDDLE);
        let ack = checkin::acknowledge(
            &w.couple.space,
            &w.couple.check_ins,
            w.involved,
            &AcknowledgeInput {
                check_in: mine.0.to_string(),
                preset: "im_here".into(),
                own_words: String::new(),
            },
        )
        .unwrap();
        w.record(w.involved, ack);

        let t = today_of(&w, w.hurt, Some(last_visit), w.now.date());
        let news: Vec<_> = t
            .news
            .iter()
            .map(|n| match n {
                PartnerNews::CheckIn(v) => format!("check_in {:?}", v.id),
                PartnerNews::CheckInAcknowledged(v) => format!("ack {:?}", v.id),
                PartnerNews::Pulse(p) => format!("pulse {}", p.score.index),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(
            news,
            vec![
                format!("ack {:?}", CheckInId::Shared(mine)),
                "pulse 50".to_owned(),
                format!("check_in {:?}", CheckInId::Shared(theirs)),
            ]
        );
        assert_eq!(t.more_news, 0);
        // The viewer's own check-in is not news to them.
        let involved = today_of(&w, w.involved, Some(last_visit), w.now.date());
        assert_eq!(involved.news.len(), 1);
        assert!(
            matches!(involved.news[0], PartnerNews::CheckIn(v) if v.id == CheckInId::Shared(mine))
        );
    }

    #[test]
    fn repair_items_come_first_in_order_of_care_and_are_not_repeated_as_news() {
        use crate::{contact, truth};
        let mut w = World::ticking();
        let last_visit = w.now;
        let question = truth::ask(
            &w.couple.space,
            w.hurt,
            &truth::QuestionInput {
                betrayal: String::new(),
                text: "When did it end?".into(),
            },
        )
        .unwrap();
        w.record(w.hurt, question);
        let disclosure = truth::volunteer(
            &w.couple.space,
            w.involved,
            w.now,
            &truth::DisclosureInput {
                betrayal: String::new(),
                text: "I met them once more in May.".into(),
                refers_to: String::new(),
            },
        )
        .unwrap();
        let disclosure_id = w.record(w.involved, disclosure);
        let report = contact::report(
            &w.couple.space,
            w.involved,
            w.now,
            &contact::ContactReportInput {
                betrayal: String::new(),
                happened_at: time::macros::datetime!(2026-03-01 18:30 UTC),
                channel: "text_message".into(),
                what_was_said: "They asked how I was.".into(),
                how_i_responded: "I did not reply and blocked the number.".into(),
            },
        )
        .unwrap();
        w.record(w.involved, report);
        w.share_check_in(w.involved, &[("ashamed", "4")]);

        let involved = today_of(&w, w.involved, Some(last_visit), w.now.date());
        assert_eq!(kinds(&involved), vec!["question", "pulse"]);

        let hurt = today_of(&w, w.hurt, Some(last_visit), w.now.date());
        assert_eq!(kinds(&hurt), vec!["truth", "contact", "check_in", "pulse"]);
        assert!(matches!(hurt.to_do[0], TodayItem::TruthToAcknowledge(e) if e.id == disclosure_id));
        assert_eq!(hurt.news.len(), 1);
        assert!(matches!(hurt.news[0], PartnerNews::CheckIn(_)));
    }

    #[test]
    fn time_together_waits_for_an_answer_and_then_for_a_word_on_how_it_went() {
        use crate::together;
        let mut w = World::new();
        fn room(w: &World, who: UserId) -> Acting<'_, together::Together> {
            Acting::new(&w.couple.space, &w.couple.together, who)
        }
        let soon = w.now + Duration::hours(2);
        let plan = together::suggest(room(&w, w.hurt), w.now, "a walk", Ok(soon)).unwrap();
        let plan = w.record(w.hurt, plan);
        fn with_plans(w: &World, who: UserId) -> Vec<&'static str> {
            let t = today_of(w, who, None, w.now.date());
            kinds(&t.with_time_together(&w.couple, who, w.now))
        }
        assert!(with_plans(&w, w.involved).contains(&"plan_answer"));
        assert!(
            !with_plans(&w, w.hurt).contains(&"plan_answer"),
            "not for the one who suggested"
        );
        let yes = together::answer(room(&w, w.involved), w.now, plan, "accept", Ok(soon)).unwrap();
        w.record(w.involved, yes);
        assert!(
            !with_plans(&w, w.involved).contains(&"plan_reflect"),
            "still to come"
        );
        w.advance(Duration::hours(3));
        for who in [w.hurt, w.involved] {
            assert!(with_plans(&w, who).contains(&"plan_reflect"));
        }
    }

    #[test]
    fn the_weekly_meeting_asks_among_the_partners_items_and_on_its_day_among_the_routine() {
        use crate::meeting::{self, ItemInput, Meetings};
        let mut w = World::new();
        fn room(w: &World, who: UserId) -> Acting<'_, Meetings> {
            Acting::new(&w.couple.space, &w.couple.meeting, who)
        }
        fn with_meeting(w: &World, who: UserId) -> Vec<&'static str> {
            let t = today_of(w, who, None, w.now.date());
            kinds(&t.with_meeting(&w.couple, who, w.now))
        }
        // START is a Monday morning: the meeting is tonight.
        let proposal = meeting::propose_time(room(&w, w.hurt), "monday", "19:00", "UTC").unwrap();
        let proposal = w.record(w.hurt, proposal);
        assert_eq!(
            with_meeting(&w, w.involved),
            ["meeting_time", "check_in", "pulse"]
        );
        let agreed = meeting::agree_time(room(&w, w.involved), proposal).unwrap();
        w.record(w.involved, agreed);
        assert_eq!(
            with_meeting(&w, w.hurt),
            ["check_in", "pulse", "meeting_today"]
        );
        for who in [w.hurt, w.involved] {
            let thanks = ItemInput {
                part: "appreciation",
                text: "for the morning",
                ..ItemInput::default()
            };
            let event = meeting::add_item(room(&w, who), thanks).unwrap();
            w.record(who, event);
        }
        let held = meeting::mark_held(room(&w, w.hurt), &[], "").unwrap();
        w.record(w.hurt, held);
        assert_eq!(
            with_meeting(&w, w.involved),
            ["meeting_held", "check_in", "pulse"]
        );
        assert_eq!(with_meeting(&w, w.hurt), ["check_in", "pulse"]);
    }

    fn acting(w: &World, who: UserId) -> Acting<'_, crate::talk::Talks> {
        Acting::new(&w.couple.space, &w.couple.talk, who)
    }

    #[test]
    fn talks_wait_among_the_partners_items_and_a_quiet_period_pauses_no_question() {
        use crate::talk::{self, AnswerInput, AskInput, ProposedTime};
        use crate::truth;
        let mut w = World::new();
        let ask = |kind: &str| AskInput {
            kind: kind.into(),
            soon: "soon".into(),
            topic: "the lake house".into(),
        };
        let from_involved = talk::ask(acting(&w, w.involved), w.now, &ask("details")).unwrap();
        w.record(w.involved, from_involved);
        let from_hurt = talk::ask(acting(&w, w.hurt), w.now, &ask("trigger")).unwrap();
        let mine = w.record(w.hurt, from_hurt);
        let times = AnswerInput {
            choice: "at_a_time".into(),
            times: vec![ProposedTime {
                field: "time_1",
                at: Ok(w.now + Duration::hours(3)),
            }],
            ..AnswerInput::default()
        };
        let answered = talk::answer(acting(&w, w.involved), w.now, mine, &times).unwrap();
        w.record(w.involved, answered);
        let question = truth::QuestionInput {
            betrayal: String::new(),
            text: "Where were you that night?".into(),
        };
        let asked = truth::ask(&w.couple.space, w.hurt, &question).unwrap();
        w.record(w.hurt, asked);
        let quiet = talk::declare_quiet(acting(&w, w.hurt), "4").unwrap();
        w.record(w.hurt, quiet);

        let with_talks = |w: &World, who| {
            let t = today_of(w, who, Some(w.now), w.now.date());
            kinds(&t.with_talks(&w.couple, who, w.now))
        };
        assert_eq!(
            with_talks(&w, w.hurt),
            ["talk_answer", "talk_pick", "check_in", "pulse", "quiet"]
        );
        assert_eq!(
            with_talks(&w, w.involved),
            ["question", "check_in", "pulse", "quiet"]
        );
        w.advance_days(4);
        assert_eq!(
            with_talks(&w, w.involved),
            ["question", "check_in", "pulse"]
        );
    }

    #[test]
    fn news_is_capped_and_the_rest_counted() {
        let mut w = World::ticking();
        for _ in 0..(NEWS_LIMIT + 5) {
            w.share_check_in(w.involved, &[("low", "2")]);
        }
        let t = today_of(&w, w.hurt, None, w.now.date());
        assert_eq!(t.news.len(), NEWS_LIMIT);
        assert_eq!(t.more_news, 5);
    }

    #[test]
    fn the_newest_news_of_all_kinds_is_kept_when_there_is_much_more() {
        let mut w = World::ticking();
        let mut check_ins = Vec::new();
        for _ in 0..15 {
            check_ins.push(w.share_check_in(w.involved, &[("low", "2")]));
        }
        let older_pulse = w.share_pulse(w.involved, MIDDLE);
        for _ in 0..15 {
            check_ins.push(w.share_check_in(w.involved, &[("willing", "3")]));
        }
        let newest_pulse = w.share_pulse(w.involved, MIDDLE);
        let t = today_of(&w, w.hurt, None, w.now.date());
        assert_eq!(t.news.len(), NEWS_LIMIT);
        assert_eq!(t.more_news, 32 - NEWS_LIMIT);
        assert!(matches!(t.news[0], PartnerNews::Pulse(p) if p.id == newest_pulse));
        assert!(matches!(t.news[16], PartnerNews::Pulse(p) if p.id == older_pulse));
        let listed = shared_check_ins_in(&t);
        let expected: Vec<EntryId> = check_ins.iter().rev().take(18).copied().collect();
        assert_eq!(listed, expected);
    }

    /// The shared check-ins among `t`'s news, in the order shown.
    fn shared_check_ins_in(t: &Today<'_>) -> Vec<EntryId> {
        t.news
            .iter()
            .filter_map(|n| match n {
                PartnerNews::CheckIn(v) => match v.id {
                    CheckInId::Shared(id) => Some(id),
                    CheckInId::Private(_) => None,
                },
                _ => None,
            })
            .collect()
    }

    /// The viewer's own check-ins, however many, are neither news nor in
    /// the way of the partner's: only the partner's are listed and counted.
    #[test]
    fn the_viewers_own_check_ins_between_the_partners_are_not_news() {
        let mut w = World::ticking();
        let mut theirs = Vec::new();
        for _ in 0..(NEWS_LIMIT + 3) {
            theirs.push(w.share_check_in(w.involved, &[("low", "2")]));
            for _ in 0..4 {
                w.share_check_in(w.hurt, &[("sad", "2")]);
            }
        }
        let t = today_of(&w, w.hurt, None, w.now.date());
        assert_eq!((t.news.len(), t.more_news), (NEWS_LIMIT, 3));
        let listed = shared_check_ins_in(&t);
        let newest: Vec<EntryId> = theirs.iter().rev().take(NEWS_LIMIT).copied().collect();
        assert_eq!(listed, newest);
    }

    #[test]
    fn strangers_have_no_today() {
        let w = World::ticking();
        assert_eq!(
            today(
                &w.couple,
                &PrivateState::default(),
                w.stranger,
                None,
                w.now.date(),
                OffsetDateTime::date
            ),
            Err(Refusal::NotAMember)
        );
    }

    fn open_today(mine: &mut PrivateState, viewer: UserId, at: OffsetDateTime) {
        if let Some(event) = mark_visit(mine, viewer, at).unwrap() {
            let meta = Meta {
                seq: mine.seq + 1,
                author: viewer,
                at,
            };
            mine.apply(&meta, &event);
        }
    }

    #[test]
    fn the_last_visit_is_the_end_of_the_previous_sitting() {
        let w = World::ticking();
        let (me, start) = (w.hurt, w.now);
        let mut mine = PrivateState::default();
        assert_eq!(last_visit(&mine, me, start).unwrap(), None);

        open_today(&mut mine, me, start);
        // Reloading in the same sitting still shows everything as new.
        assert_eq!(
            last_visit(&mine, me, start + Duration::minutes(5)).unwrap(),
            None
        );
        assert_eq!(mine.seq, 1);
        open_today(&mut mine, me, start + Duration::minutes(5));
        assert_eq!(mine.seq, 1, "no second mark within ten minutes");
        open_today(&mut mine, me, start + Duration::minutes(25));
        assert_eq!(mine.seq, 2, "a long sitting renews its mark");

        // Back the next morning: news since the end of yesterday's sitting.
        let morning = start + Duration::hours(20);
        assert_eq!(
            last_visit(&mine, me, morning).unwrap(),
            Some(start + Duration::minutes(25))
        );
        open_today(&mut mine, me, morning);
        assert_eq!(
            last_visit(&mine, me, morning + Duration::minutes(3)).unwrap(),
            Some(start + Duration::minutes(25)),
            "a reload keeps this morning's news in view"
        );
        assert_eq!(
            last_visit(&mine, me, morning + Duration::hours(2)).unwrap(),
            Some(morning)
        );
    }

    #[test]
    fn visits_are_only_ever_read_for_their_owner() {
        let mut w = World::ticking();
        let (hurt, involved, now) = (w.hurt, w.involved, w.now);
        w.keep_check_in(hurt, &[("sad", "2")]);
        open_today(&mut w.hurt_private, hurt, now);
        assert_eq!(
            last_visit(&w.hurt_private, involved, now + Duration::days(1)),
            Err(Refusal::NotFound)
        );
        assert_eq!(
            mark_visit(&w.hurt_private, involved, now + Duration::days(1)),
            Err(Refusal::NotFound)
        );
        assert!(!format!("{:?}", w.couple).contains("TodayOpened"));
    }

    #[test]
    fn visit_marks_round_trip_through_json() {
        let event = PrivateEvent::Visit(VisitEvent::TodayOpened);
        let json = serde_json::to_string(&event).unwrap();
        assert_eq!(json, r#"{"room":"visit","event":{"type":"today_opened"}}"#);
        assert_eq!(serde_json::from_str::<PrivateEvent>(&json).unwrap(), event);
    }
}
