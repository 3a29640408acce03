//! The meeting page as the viewer reads it.

use super::{ItemForm, Refused, TimeForm};
use crate::app::clock::{LocalTime, Now, Zone};
use crate::app::error::AppResult;
use crate::http::extractors::Desk;
use crate::http::forms::FormErrors;
use crate::present::dates;
use crate::present::repair::refused_form;
use crate::present::words::who;
use crate::progress::{request_rows, RequestRow};
use crate::requests::DoersClock;
use askama::Template;
use kintsugi_core::access::room::Acting;
use kintsugi_core::meeting::{self, AgendaItem, Held, Item, MeetingDay, Meetings, Schedule};
use kintsugi_core::streams::couple::CoupleState;
use kintsugi_core::views::meeting::{meeting_review, Review, REVIEW_DAYS};
use kintsugi_core::withdrawal;
use kintsugi_core::{EntryId, UserId};
use time::{Duration, OffsetDateTime};

pub struct ScheduleView {
    /// "Sundays at 19:00".
    pub(crate) words: String,
    /// The zone the time is read in, when it is not the viewer's.
    pub(crate) zone: Option<String>,
    /// The next one on the viewer's clock.
    pub(crate) next: Option<String>,
}

pub struct PendingView {
    id: u64,
    words: String,
    by: &'static str,
    can_agree: bool,
    errors: FormErrors,
}

/// One item on the agenda or in a meeting held.
pub struct ItemView {
    id: u64,
    who: &'static str,
    part: &'static str,
    text: String,
    /// A concern's three parts, in the gentle start-up's words.
    concern: Option<(String, String, String)>,
    /// Added before the last meeting and not talked about in it.
    carried: bool,
    /// On the viewer's "we held it" form: ticked.
    ticked: bool,
    /// The viewer added it and may withdraw it from the record.
    withdraw: bool,
}

pub struct TalkView {
    id: u64,
    topic: String,
    asked_by: &'static str,
}

pub struct ReviewView {
    since: String,
    days: u16,
    requests: Vec<RequestRow>,
    commitments: Vec<String>,
    contact: Vec<String>,
}

pub struct HeldBox {
    /// Why the meeting cannot be marked held now, when it cannot.
    not_yet: Option<&'static str>,
    /// The partner's "we held it", when they said so first.
    partner_said: Option<String>,
    agreed: String,
    errors: FormErrors,
}

pub struct HeldView {
    number: u32,
    on: String,
    covered: Vec<ItemView>,
    agreed: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "meeting/meeting.html")]
pub struct MeetingPage {
    layout: crate::app::layout::Layout,
    schedule: Option<ScheduleView>,
    pending: Option<PendingView>,
    time_form: TimeForm,
    time_errors: FormErrors,
    days: Vec<(&'static str, &'static str)>,
    number: u32,
    appreciations: Vec<ItemView>,
    went_well: Vec<ItemView>,
    concerns: Vec<ItemView>,
    plans: Vec<ItemView>,
    /// What the "we held it" form offers to tick: all but appreciations.
    to_tick: Vec<ItemView>,
    /// Who still owes the meeting its opening appreciation.
    appreciation_missing: Vec<&'static str>,
    talks: Vec<TalkView>,
    review: ReviewView,
    item_form: ItemForm,
    item_errors: FormErrors,
    concern_form: ItemForm,
    concern_errors: FormErrors,
    held: HeldBox,
    past: Vec<HeldView>,
    /// Whether a time can be suggested, and an item added, now.
    can_add: bool,
    can_add_item: bool,
    /// Agenda items their author withdrew.
    withdrawn: Vec<crate::withdrawal::Tombstone>,
}

/// The next time the schedule falls, after `now`, as an instant.
fn next_meeting(schedule: &Schedule, now: OffsetDateTime) -> Option<OffsetDateTime> {
    let zone = Zone::named(&schedule.zone).unwrap_or_else(|_| Zone::utc());
    let clock = time::Time::from_hms(schedule.hour, schedule.minute, 0).ok()?;
    let mut day = zone.local(now).date();
    for _ in 0..8 {
        if schedule.day.falls_on(day) {
            // A time the clocks skip that night is met an hour later.
            let at = [Duration::ZERO, Duration::hours(1)]
                .into_iter()
                .find_map(
                    |later| match zone.instants_at(day.with_time(clock) + later) {
                        LocalTime::One(at) | LocalTime::Two(at, _) => Some(at),
                        LocalTime::Skipped => None,
                    },
                );
            if let Some(at) = at.filter(|at| *at > now) {
                return Some(at);
            }
        }
        day = day.next_day()?;
    }
    None
}

fn schedule_words(schedule: &Schedule) -> String {
    format!("{} at {}", schedule.day.plural(), schedule.clock())
}

fn schedule_view(room: &Meetings, now: Now) -> Option<ScheduleView> {
    let schedule = room.agreed()?;
    Some(ScheduleView {
        words: schedule_words(schedule),
        zone: (schedule.zone != now.zone.name()).then(|| schedule.zone.clone()),
        next: next_meeting(schedule, now.instant).map(|at| dates::when(at, now.zone)),
    })
}

fn pending_view(acting: Acting<'_, Meetings>, refused: &Refused) -> Option<PendingView> {
    let pending = acting.room.pending()?;
    Some(PendingView {
        id: pending.id.0,
        words: match &pending.zone {
            zone if zone.is_empty() => schedule_words(pending),
            zone => format!("{} ({zone} time)", schedule_words(pending)),
        },
        by: who(acting.actor, pending.proposed.by),
        can_agree: meeting::can_agree(acting, pending.id),
        errors: match refused {
            Refused::OnProposal(id, errors) if *id == pending.id => errors.clone(),
            _ => FormErrors::default(),
        },
    })
}

fn part_label(item: &AgendaItem) -> &'static str {
    match item {
        AgendaItem::Appreciation { .. } => "Appreciation",
        AgendaItem::WentWell { .. } => "Went well",
        AgendaItem::Concern { .. } => "Concern",
        AgendaItem::Plan { .. } => "Plan for the week",
    }
}

/// What an item view is drawn with: who reads it, and which items are
/// carried over, ticked on their form, and theirs to withdraw.
#[derive(Clone, Copy)]
struct Marks<'a> {
    me: UserId,
    carried: &'a [EntryId],
    ticked: &'a [EntryId],
    withdrawable: &'a [EntryId],
}

fn item_view(item: &Item, marks: Marks<'_>) -> ItemView {
    let (text, concern) = match &item.item {
        AgendaItem::Appreciation { text }
        | AgendaItem::WentWell { text }
        | AgendaItem::Plan { text } => (text.clone(), None),
        AgendaItem::Concern { feel, about, need } => (
            String::new(),
            Some((feel.clone(), about.clone(), need.clone())),
        ),
    };
    ItemView {
        id: item.id.0,
        who: who(marks.me, item.added.by),
        part: part_label(&item.item),
        text,
        concern,
        carried: marks.carried.contains(&item.id),
        ticked: marks.ticked.contains(&item.id),
        withdraw: marks.withdrawable.contains(&item.id),
    }
}

fn review_view(review: &Review<'_>, me: UserId, zone: Zone) -> ReviewView {
    ReviewView {
        since: dates::when(review.since, zone),
        days: REVIEW_DAYS,
        requests: request_rows(&review.requests),
        commitments: review
            .commitments
            .iter()
            .map(|(commitment, status)| {
                format!(
                    "{}: {}, by {} on {}",
                    commitment.title(),
                    status.status.label().to_lowercase(),
                    who(me, status.by).to_lowercase(),
                    dates::day_of(status.at, zone)
                )
            })
            .collect(),
        contact: review
            .contact
            .iter()
            .map(|report| {
                format!(
                    "{}, {}",
                    report.channel.label(),
                    dates::when(report.happened_at, zone)
                )
            })
            .collect(),
    }
}

fn held_view(held: &Held, room: &Meetings, marks: Marks<'_>, zone: Zone) -> HeldView {
    let me = marks.me;
    let marks = Marks {
        carried: &[],
        ticked: &[],
        ..marks
    };
    HeldView {
        number: held.number,
        on: dates::day_of(held.at(), zone),
        covered: held
            .covered
            .iter()
            .filter_map(|id| room.item(*id))
            .map(|item| item_view(item, marks))
            .collect(),
        agreed: held
            .marks
            .iter()
            .filter_map(|mark| Some((who(me, mark.by.by), mark.agreed.clone()?)))
            .collect(),
    }
}

fn held_box(acting: Acting<'_, Meetings>, refused: &Refused, zone: Zone) -> HeldBox {
    let room = acting.room;
    let (form, errors) = refused_form!(refused, Refused::Held);
    let mine = room.first_mark().is_some_and(|m| m.by.by == acting.actor);
    HeldBox {
        not_yet: match meeting::check_mark_held(acting) {
            Ok(()) => None,
            Err(_) if mine => Some("You said this meeting was held; it waits for your partner to say so too."),
            Err(_) => Some("The meeting opens with appreciations: each of you adds at least one before it can be marked held."),
        },
        partner_said: room
            .first_mark()
            .filter(|m| m.by.by != acting.actor)
            .map(|m| format!("Your partner said the meeting was held, {}.", dates::when(m.by.at, zone))),
        agreed: form.agreed,
        errors,
    }
}

/// The items the viewer's form ticks: what they sent when it was refused,
/// else what their partner ticked when they said it was held first.
fn ticked(room: &Meetings, me: UserId, refused: &Refused) -> Vec<EntryId> {
    match refused {
        Refused::Held(form, _) => form.covered(),
        _ => room
            .first_mark()
            .filter(|m| m.by.by != me)
            .map(|m| m.covered.clone())
            .unwrap_or_default(),
    }
}

fn forms(refused: &Refused) -> [(ItemForm, FormErrors); 2] {
    let mut item = (ItemForm::default(), FormErrors::default());
    let mut concern = item.clone();
    if let Refused::Item(form, errors) = refused {
        let target = if form.is_concern() {
            &mut concern
        } else {
            &mut item
        };
        *target = (form.clone(), errors.clone());
    }
    [item, concern]
}

const MEETING: withdrawal::EntryRoom = withdrawal::EntryRoom::Meeting;

/// The agenda items `me` added and may withdraw from the record now.
fn withdrawable(state: &CoupleState, me: UserId) -> Vec<EntryId> {
    let items = state.meeting.items().iter().map(|i| i.id);
    items.filter(|id| state.can_withdraw(me, *id)).collect()
}

/// Who still owes the meeting its opening appreciation, in words.
fn appreciation_missing(state: &CoupleState, me: UserId) -> Vec<&'static str> {
    let room = &state.meeting;
    let mut missing = Vec::new();
    if !meeting::has_appreciation(room, me) {
        missing.push("You have not added yours yet.");
    }
    if state
        .space
        .partner_of(me)
        .is_some_and(|partner| !meeting::has_appreciation(room, partner))
    {
        missing.push("Your partner has not added theirs yet.");
    }
    missing
}

pub(super) async fn build(desk: Desk, refused: Refused) -> AppResult<MeetingPage> {
    let now = desk.layout.now;
    let me = desk.couple.me;
    let cached = desk.read().await?;
    let state: &CoupleState = &cached.state;
    let room = &state.meeting;
    let acting = Acting::new(&state.space, room, me);
    let doers = DoersClock::of(&desk.app, state, me, now).await?;
    let on_doers_clock = doers.requests(&state.space, &state.requests);
    let review = meeting_review(state, &on_doers_clock, me, now.instant, |request| {
        doers.today(&state.space, request)
    })?;
    let carried: Vec<EntryId> = room.carried_over().iter().map(|i| i.id).collect();
    let ticked = ticked(room, me, &refused);
    let withdrawable = withdrawable(state, me);
    let marks = Marks {
        me,
        carried: &carried,
        ticked: &ticked,
        withdrawable: &withdrawable,
    };
    let agenda = room.agenda();
    let of_part = |part: u8| -> Vec<ItemView> {
        agenda
            .iter()
            .filter(|i| meeting::part_order(&i.item) == part)
            .map(|i| item_view(i, marks))
            .collect()
    };
    let (time_form, time_errors) = refused_form!(&refused, Refused::Time);
    let [(item_form, item_errors), (concern_form, concern_errors)] = forms(&refused);
    Ok(MeetingPage {
        schedule: schedule_view(room, now),
        pending: pending_view(acting, &refused),
        time_form,
        time_errors,
        days: MeetingDay::ALL
            .iter()
            .map(|d| (d.code(), d.plural()))
            .collect(),
        number: room.next_number(),
        appreciations: of_part(0),
        went_well: of_part(1),
        concerns: of_part(2),
        plans: of_part(3),
        to_tick: meeting::items_to_tick(room)
            .into_iter()
            .map(|i| item_view(i, marks))
            .collect(),
        appreciation_missing: appreciation_missing(state, me),
        talks: review
            .talks
            .iter()
            .map(|t| TalkView {
                id: t.id.0,
                topic: t.topic.clone(),
                asked_by: who(me, t.asked_by),
            })
            .collect(),
        review: review_view(&review, me, now.zone),
        item_form,
        item_errors,
        concern_form,
        concern_errors,
        held: held_box(acting, &refused, now.zone),
        can_add: kintsugi_core::access::repair_rules::can_add(&state.space, me),
        can_add_item: meeting::can_add_item(acting),
        past: room
            .held()
            .iter()
            .rev()
            .map(|h| held_view(h, room, marks, now.zone))
            .collect(),
        withdrawn: crate::withdrawal::tombstones(&state.withdrawals, MEETING, now.zone),
        layout: desk.layout.in_section("meeting"),
    })
}
