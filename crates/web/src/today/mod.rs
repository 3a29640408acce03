//! Today: the signed-in home of a partner. What waits for them, in order of
//! care, each with a link to where it is handled; and what their partner
//! shared since their last visit, which is remembered in their own private
//! stream only.

pub mod home;

use crate::app::clock::Zone;
use crate::app::error::AppResult;
use crate::app::layout::{render, Layout};
use crate::app::state::AppState;
use crate::couple::MyCouple;
use crate::exec::{self, Submission, Writes};
use crate::present::dates;
use crate::present::words::excerpt_on_word;
use crate::{checkin, pulse};
use askama::Template;
use axum::response::Response;
use kintsugi_core::apology::Apology;
use kintsugi_core::checkin::CheckInId;
use kintsugi_core::meeting::MeetingWaits;
use kintsugi_core::requests::Request;
use kintsugi_core::streams::private::{PrivateEvent, PrivateState};
use kintsugi_core::truth::{EntryKind, TruthEntry};
use kintsugi_core::views::start::StartStep;
use kintsugi_core::views::today::{self, PartnerNews, TodayItem};
use kintsugi_core::Refusal;
use kintsugi_store::Hash;

/// What a row says: our words, and the words a person wrote kept apart
/// from them so the page can set those apart (`m::said`).
#[derive(Default)]
pub struct Said {
    pub title: String,
    /// The person's words the title ends with ("Today:" …).
    pub title_words: String,
    /// Our words under the title; they may end with the person's (a
    /// request's "each time: …"), so the page sets them apart whole.
    pub detail: String,
    /// The person's words, quoted under the title.
    pub quote: String,
}

impl Said {
    fn title(title: impl Into<String>) -> Self {
        Said {
            title: title.into(),
            ..Said::default()
        }
    }

    fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }

    fn quote(mut self, words: &str) -> Self {
        self.quote = excerpt_on_word(words, 140);
        self
    }

    fn ending_with(mut self, words: &str, chars: usize) -> Self {
        self.title_words = excerpt_on_word(words, chars);
        self
    }
}

/// Something waiting for the person, as the page lists it.
pub struct ToDoRow {
    pub said: Said,
    pub href: String,
    pub action: &'static str,
}

/// One of a new couple's first steps, as the page offers it.
pub struct StartRow {
    title: &'static str,
    why: &'static str,
    href: &'static str,
    done: bool,
}

fn start_row((step, done): (StartStep, bool)) -> StartRow {
    let (title, why, href) = match step {
        StartStep::FirstCheckIn => (
            "Check in with how you feel",
            "A word or two is enough, and you choose who sees it.",
            "/checkin",
        ),
        StartStep::FirstQuestion => (
            "Ask what you need to know",
            "Your partner answers in the truth log, where nothing can be quietly rewritten.",
            "/truth",
        ),
        StartStep::FirstRequest => (
            "Ask for one specific thing",
            "Something your partner can do that would help you feel safer.",
            "/requests",
        ),
        StartStep::FirstDisclosure => (
            "Tell the truth, in your own words",
            "Add what your partner has a right to know to the truth log.",
            "/truth",
        ),
        StartStep::BeginApology => (
            "Write your apology",
            "The coach helps you own what you did, without excuses.",
            "/apology",
        ),
        StartStep::FirstCommitment => (
            "Make your bedrock commitments",
            "What you will keep to, whatever happens.",
            "/commitments",
        ),
    };
    StartRow {
        title,
        why,
        href,
        done,
    }
}

/// Something the partner shared.
pub struct NewsRow {
    pub said: Said,
    pub when: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "today/today.html")]
struct TodayPage {
    layout: Layout,
    /// A new couple's first steps; empty once all are taken.
    start: Vec<StartRow>,
    to_do: Vec<ToDoRow>,
    news: Vec<NewsRow>,
    more_news: usize,
    /// Something the partner shared waits in the list above, so the news
    /// below never says there is nothing from them.
    partner_waiting: bool,
    partner_joined: bool,
    /// When the news starts: "since your last visit on …", or empty on a
    /// first visit.
    since: String,
    /// The viewer's own calendar day: "30 November 2026".
    date: String,
}

fn request_link(request: &Request) -> String {
    format!("/requests/{}", request.id.0)
}

fn apology_title(apology: &Apology) -> String {
    match apology.latest().map(|v| v.number) {
        Some(number) if number > 1 => "Your partner sent a new version of their apology".to_owned(),
        _ => "Your partner sent you an apology".to_owned(),
    }
}

fn to_do_row(item: &TodayItem<'_>, me: kintsugi_core::UserId, zone: Zone) -> ToDoRow {
    match item {
        TodayItem::TriggerNoteToAnswer(note) => row(
            Said::title("Your partner sent you a trigger note")
                .detail("A few words of reassurance can help."),
            &format!("/reflections#note-{}", note.id.0),
            "Answer",
        ),
        TodayItem::QuestionToAnswer(entry) => row(
            Said::title("Your partner asked you a question").quote(&entry.text),
            "/truth",
            "Answer it",
        ),
        TodayItem::TruthToAcknowledge(entry) => row(
            Said::title(truth_to_read_title(entry))
                .detail(format!("Written {}.", dates::when(entry.written_at, zone))),
            "/truth",
            "Read it",
        ),
        TodayItem::ApologyToAnswer(apology) => row(
            Said::title(apology_title(apology))
                .detail("Take your time with it; you can answer when you are ready."),
            "/apology",
            "Read it",
        ),
        TodayItem::RequestToAnswer(request) => {
            let terms = request.alternative.as_ref().unwrap_or(&request.terms);
            row(
                Said::title(request_to_answer_title(request, me)).quote(&terms.what),
                &request_link(request),
                "Answer",
            )
        }
        TodayItem::RequestDue(request) => row(
            Said::title("Today:")
                .ending_with(&request.terms.what, 140)
                .detail(request.terms.frequency.describe()),
            &request_link(request),
            "Log it when done",
        ),
        TodayItem::ContactReportToAcknowledge(report) => row(
            Said::title("Your partner reported contact from the affair partner").detail(format!(
                "{}, {}.",
                report.channel.label(),
                dates::when(report.happened_at, zone)
            )),
            "/contact",
            "Read the report",
        ),
        TodayItem::CheckIn { .. } | TodayItem::Pulse(_) => self_care_row(item),
        TodayItem::TalkToAnswer(_) | TodayItem::TalkTimeToPick(_) | TodayItem::QuietPeriod(_) => {
            talk_row(item, me, zone)
        }
        TodayItem::PlanToAnswer(plan) => row(
            Said::title("Your partner suggested time together")
                .detail(format!("For {}.", dates::when(plan.at, zone))),
            &format!("/together#plan-{}", plan.id.0),
            "Answer",
        ),
        TodayItem::PlanToReflect(plan) => row(
            Said::title("How was your time together?").detail(format!(
                "On {}. A number is enough.",
                dates::when(plan.at, zone)
            )),
            &format!("/together#plan-{}", plan.id.0),
            "Say how it went",
        ),
        TodayItem::Meeting(waits) => meeting_row(waits),
    }
}

/// The weekly meeting: never an item's words, which stay on its page.
fn meeting_row(waits: &MeetingWaits<'_>) -> ToDoRow {
    match waits {
        MeetingWaits::TimeToAgree(proposal) => {
            row(
                Said::title("Your partner suggested a time for your weekly meeting").detail(
                    format!("{} at {}.", proposal.day.plural(), proposal.clock()),
                ),
                "/meeting#time",
                "Answer",
            )
        }
        MeetingWaits::HeldToConfirm => row(
            Said::title("Your partner said your weekly meeting was held")
                .detail("Say so too, and tick what you talked about."),
            "/meeting#held",
            "Confirm",
        ),
        MeetingWaits::MeetingToday {
            schedule,
            appreciated,
        } => row(
            Said::title(format!(
                "Your weekly meeting is today at {}",
                schedule.clock()
            ))
            .detail(if *appreciated {
                "The agenda is ready for you both."
            } else {
                "It opens with appreciations: add one before you meet."
            }),
            "/meeting#agenda",
            "See the agenda",
        ),
    }
}

fn row(said: Said, href: &str, action: &'static str) -> ToDoRow {
    ToDoRow {
        said,
        href: href.to_owned(),
        action,
    }
}

/// The person's own rhythm: a check-in, the trust pulse.
fn self_care_row(item: &TodayItem<'_>) -> ToDoRow {
    match item {
        TodayItem::Pulse(due) => row(
            Said::title("Your trust pulse is due").detail(format!(
                "{}; about two minutes.",
                match due.last {
                    Some(_) => due.cadence.label().to_owned(),
                    None => "Your first one".to_owned(),
                }
            )),
            "/pulse",
            "Take the pulse",
        ),
        TodayItem::CheckIn { last: Some(day) } => row(
            Said::title("Check in with yourself")
                .detail(format!("Your last check-in was on {}.", dates::day(*day))),
            "/checkin",
            "Check in",
        ),
        _ => row(
            Said::title("Check in with yourself")
                .detail("You have not checked in yet. One word is enough."),
            "/checkin",
            "Check in",
        ),
    }
}

/// Talks: never with the topic's words, which stay on the talks page.
fn talk_row(item: &TodayItem<'_>, me: kintsugi_core::UserId, zone: Zone) -> ToDoRow {
    match item {
        TodayItem::TalkTimeToPick(_) => row(
            Said::title("Your partner proposed times for a talk")
                .detail("Pick the one that suits you."),
            "/talk",
            "Pick a time",
        ),
        TodayItem::QuietPeriod(period) => {
            let until = dates::when(period.until, zone);
            let (title, detail) = if period.by == me {
                (
                    "Your quiet period is on",
                    format!("Until {until}. No new talk requests reach you."),
                )
            } else {
                (
                    "Your partner has a quiet period",
                    format!("Until {until}. You can ask for a talk once it ends."),
                )
            };
            row(Said::title(title).detail(detail), "/talk", "See talks")
        }
        _ => row(
            Said::title("Your partner asked for a talk")
                .detail("Answer when you can: now, at a time, or that you need space."),
            "/talk",
            "Answer",
        ),
    }
}

fn truth_to_read_title(entry: &TruthEntry) -> String {
    let what = match entry.kind {
        EntryKind::Answer { .. } => "An answer",
        EntryKind::Correction { .. } => "A correction",
        _ => "A disclosure",
    };
    format!("{what} from your partner is waiting to be read")
}

fn request_to_answer_title(request: &Request, me: kintsugi_core::UserId) -> &'static str {
    if request.asked_by == me {
        "Your partner proposed another way to meet your request"
    } else {
        "Your partner asked something of you"
    }
}

fn news_row(news: &PartnerNews<'_>, zone: Zone) -> NewsRow {
    let when = dates::when(news.at(), zone);
    let shared_check_in_link = |id: CheckInId| match id {
        CheckInId::Shared(id) => checkin::shared_link(id),
        // The partner's news only ever holds shared check-ins; a kept one
        // of the viewer's own is on their check-in page.
        CheckInId::Private(_) => "/checkin".to_owned(),
    };
    let row = |said: Said, href: String| NewsRow {
        said,
        when: when.clone(),
        href,
    };
    match news {
        PartnerNews::CheckIn(view) => {
            let said = Said::title(format!(
                "Your partner checked in: {}",
                checkin::feelings_phrase(view.check_in)
            ));
            let said = match &view.check_in.note {
                Some(note) => said.quote(note),
                None => said,
            };
            row(said, shared_check_in_link(view.id))
        }
        PartnerNews::CheckInAcknowledged(view) => {
            let said = Said::title("Your partner answered your check-in");
            let said = match view.acknowledgement {
                Some(ack) => said.quote(ack.acknowledgement.text()),
                None => said,
            };
            row(said, shared_check_in_link(view.id))
        }
        PartnerNews::Pulse(record) => row(
            Said::title("Your partner shared a trust pulse"),
            pulse::shared_link(record.id),
        ),
        // Parking keeps a question's details for the therapist's room:
        // Today says only that it waits, and the parked list holds its words.
        PartnerNews::Truth(entry) if entry.is_parked() => row(
            Said::title("A question from your partner is parked for your joint therapy session"),
            "/truth?filter=parked".to_owned(),
        ),
        PartnerNews::Truth(entry) => row(
            Said::title(format!(
                "Your partner added to the truth log: {}",
                entry.label()
            ))
            .quote(&entry.text),
            "/truth".to_owned(),
        ),
        PartnerNews::RequestDone {
            request,
            fulfilment,
        } => row(
            Said::title("Your partner did what you asked:")
                .ending_with(&request.terms.what, 100)
                .detail(format!("On {}.", dates::day(fulfilment.happened_on))),
            request_link(request),
        ),
    }
}

/// The witness to leave in the person's private stream for seeing the
/// shared record at this head, if it moved since they last saw it: Today
/// is where a partner sees their space.
fn witness(
    mine: &PrivateState,
    couple: &MyCouple,
    seq: u64,
    head: Option<&Hash>,
) -> Result<Option<PrivateEvent>, Refusal> {
    let Some(&hash) = head else {
        return Ok(None);
    };
    let seen = today::HeadSeen {
        couple: couple.id,
        seq,
        hash,
    };
    today::witness_head(mine, couple.me, seen)
}

/// The Today page of a partner; `home` calls it for members.
pub async fn page(app: &AppState, couple: &MyCouple, layout: Layout) -> AppResult<Response> {
    let zone = layout.now.zone;
    let now = layout.now;
    let (html, mark) = {
        let (cached, mine) = couple.read_with_mine(app).await?;
        let last_visit = today::last_visit(&mine.state, couple.me, now.instant)?;
        let mark = today::mark_visit(&mine.state, couple.me, now.instant)?.is_some()
            || witness(&mine.state, couple, cached.state.seq, cached.head.as_ref())?.is_some();
        let found = today::today(
            &cached.state,
            &mine.state,
            couple.me,
            last_visit,
            now.today(),
            |at| now.local(at).date(),
        )?
        .with_talks(&cached.state, couple.me, now.instant)
        .with_time_together(&cached.state, couple.me, now.instant)
        .with_meeting(&cached.state, couple.me, now.local(now.instant));
        let page = TodayPage {
            layout: layout.in_section("today"),
            start: found
                .start
                .map(|path| path.steps.into_iter().map(start_row).collect())
                .unwrap_or_default(),
            to_do: found
                .to_do
                .iter()
                .map(|item| to_do_row(item, couple.me, zone))
                .collect(),
            news: found.news.iter().map(|news| news_row(news, zone)).collect(),
            more_news: found.more_news,
            partner_waiting: found.to_do.iter().any(TodayItem::is_from_partner),
            partner_joined: found.partner_joined,
            since: last_visit
                .map(|at| dates::when(at, zone))
                .unwrap_or_default(),
            date: dates::day(now.today()),
        };
        (render(&page)?, mark)
    };
    if mark {
        // Decided again against the newest states, so two tabs opened at
        // once leave one mark. A mark that could not be written only keeps
        // today's news in view a little longer, and a witness not written
        // is written at the next visit: the page is still worth showing.
        let marked = exec::submit(app, couple, &Submission::none(), |states| {
            let mark = today::mark_visit(states.private, couple.me, now.instant)?;
            let seen = witness(
                states.private,
                couple,
                states.couple.seq,
                states.couple_head,
            )?;
            Ok(Writes {
                couple: Vec::new(),
                private: mark.into_iter().chain(seen).collect(),
            })
        })
        .await;
        if let Err(error) = marked {
            tracing::warn!(%error, "the visit mark was not written");
        }
    }
    Ok(html)
}
