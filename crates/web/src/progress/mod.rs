//! Progress: trust over time, feelings shared, the viewer's own signs,
//! request reliability and milestones. Each chart is inline SVG with the
//! same data as a table; every series comes from a core query made for this
//! viewer, so a partner's private items cannot reach it.

use crate::app::clock::{Now, Zone};
use crate::app::error::AppResult;
use crate::app::layout::{render, Layout};
use crate::http::extractors::Desk;
use crate::http::routes::Route;
use crate::present::charts::{self, Chart, ChartSvg, DataTable};
use crate::present::dates;
use crate::requests::DoersClock;
use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use kintsugi_core::pulse::Construct;
use kintsugi_core::streams::couple::CoupleState;
use kintsugi_core::views::progress::{
    self, DaySpan, Measure, Milestone, MilestoneKind, RequestReliability, TrustPoint,
};
use kintsugi_core::UserId;
use serde::Deserialize;
use time::Duration;

/// Feelings windows the page offers, in days; the first is the default.
const WINDOWS: [u16; 2] = [30, 90];
/// Trust and signs show this many days unless all time is asked for.
const RECENT_DAYS: i64 = 365;
/// Request reliability per request covers this many days…
const RELIABILITY_DAYS: u16 = 30;
/// …and the weekly chart this many weeks.
const RELIABILITY_WEEKS: u16 = 12;

pub fn routes() -> Vec<Route> {
    vec![Route::page(
        "/progress",
        "progress and charts",
        progress_page,
    )]
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ProgressQuery {
    /// `index` or a construct's code.
    construct: String,
    /// `30` or `90`.
    days: String,
    /// `all` for all time; otherwise the last year.
    span: String,
}

/// What the page's links keep from one view to the next.
#[derive(Debug, Clone, Copy)]
struct View {
    measure: Measure,
    days: u16,
    all_time: bool,
}

impl View {
    fn parse(query: &ProgressQuery) -> Self {
        View {
            measure: Measure::parse(&query.construct),
            days: WINDOWS
                .into_iter()
                .find(|d| d.to_string() == query.days.trim())
                .unwrap_or(WINDOWS[0]),
            all_time: query.span.trim() == "all",
        }
    }

    fn href(self, anchor: &str) -> String {
        let mut params = Vec::new();
        if self.measure != Measure::Index {
            params.push(format!("construct={}", self.measure.code()));
        }
        if self.days != WINDOWS[0] {
            params.push(format!("days={}", self.days));
        }
        if self.all_time {
            params.push("span=all".to_owned());
        }
        let query = if params.is_empty() {
            String::new()
        } else {
            format!("?{}", params.join("&"))
        };
        format!("/progress{query}#{anchor}")
    }
}

/// A chart as the page places it: the drawing and its table, each drawn by
/// its own template under `templates/partials/charts/`.
pub struct ChartView {
    pub svg: ChartSvg,
    pub table: DataTable,
    pub empty: bool,
}

impl From<Chart> for ChartView {
    fn from(chart: Chart) -> Self {
        ChartView {
            table: chart.table,
            svg: chart.svg,
            empty: chart.is_empty,
        }
    }
}

pub struct Link {
    pub label: String,
    pub href: String,
    pub current: bool,
}

pub struct SignCount {
    pub label: &'static str,
    pub count: u32,
}

pub struct RequestRow {
    pub what: String,
    /// What was first asked, when `what` is an agreed alternative.
    pub first_asked: Option<String>,
    pub href: String,
    pub status: &'static str,
    pub done: String,
}

pub struct MilestoneRow {
    pub on: String,
    pub label: String,
    pub href: Option<String>,
}

#[derive(Template)]
#[template(path = "progress/progress.html")]
struct ProgressPage {
    layout: Layout,
    measure_label: &'static str,
    measures: Vec<Link>,
    spans: Vec<Link>,
    all_time: bool,
    trust: ChartView,
    my_latest: Option<String>,
    partner_latest: Option<String>,
    days: u16,
    windows: Vec<Link>,
    feelings: ChartView,
    signs: ChartView,
    signs_most_often: Vec<SignCount>,
    requests: Vec<RequestRow>,
    reliability_days: u16,
    reliability: ChartView,
    /// Whether any time together happened in the weeks drawn.
    any_together: bool,
    together: ChartView,
    milestones: Vec<MilestoneRow>,
    /// Where shared pulses their author withdrew stood: never on the chart.
    withdrawn_pulses: Vec<crate::withdrawal::Tombstone>,
}

fn latest(points: &[TrustPoint], measure: Measure, zone: Zone) -> Option<String> {
    points
        .last()
        .map(|p| format!("{} on {}", p.value(measure), dates::day_of(p.at, zone)))
}

fn milestone_link(kind: MilestoneKind, entry: Option<kintsugi_core::EntryId>) -> Option<String> {
    match (kind, entry) {
        (MilestoneKind::ApologyReceived, Some(_)) => Some("/apology".to_owned()),
        (MilestoneKind::RequestKeptForAMonth, Some(id)) => Some(format!("/requests/{}", id.0)),
        _ => None,
    }
}

async fn progress_page(desk: Desk, Query(query): Query<ProgressQuery>) -> AppResult<Response> {
    let (couple, now) = (&desk.couple, desk.layout.now);
    let view = View::parse(&query);
    let today = now.today();
    let since = (!view.all_time)
        .then(|| today.checked_sub(Duration::days(RECENT_DAYS)))
        .flatten()
        .map(|day| now.zone.start_of(day));

    let cached = desk.read().await?;
    let mine = desk.my_private().await?;
    let (state, private) = (&cached.state, &mine.state);

    let series = progress::trust_series(state, private, couple.me, since)?;
    let trust = charts::trust_chart("trust", &series, view.measure, now.zone);
    let days = DaySpan::ending(today, view.days, |day| now.zone.start_of(day));
    let window = progress::feelings_window(state, private, couple.me, days)?;
    let feelings = charts::feelings_chart("feelings", &window);
    let signs_series = progress::signs_series(private, couple.me, since)?;
    let signs = charts::signs_chart("signs", &signs_series, now.zone);
    // A request's days are those of the partner who does it, as on its own page.
    let doers = DoersClock::of(&desk.app, state, couple.me, now).await?;
    let on_doers_clock = doers.requests(&state.space, &state.requests);
    let weeks = progress::reliability_by_week(
        &state.space,
        &on_doers_clock,
        couple.me,
        today,
        RELIABILITY_WEEKS,
    )?;
    let reliability = charts::reliability_chart("reliability", &weeks);
    let (any_together, together) = together_chart(state, couple.me, now)?;
    let requests = request_rows(&progress::request_reliability(
        state,
        &on_doers_clock,
        couple.me,
        |request| doers.today(&state.space, request),
        RELIABILITY_DAYS,
    )?);
    let milestones = milestone_rows(&progress::milestones(
        state,
        private,
        couple.me,
        today,
        |at| now.local(at).date(),
    )?);
    let (measures, spans, windows) = choice_links(view);

    render(&ProgressPage {
        layout: desk.layout.in_section("progress"),
        measure_label: view.measure.label(),
        measures,
        spans,
        all_time: view.all_time,
        my_latest: latest(&series.mine, view.measure, now.zone),
        partner_latest: latest(&series.partner, view.measure, now.zone),
        trust: trust.into(),
        days: view.days,
        windows,
        feelings: feelings.into(),
        signs: signs.into(),
        signs_most_often: sign_counts(&signs_series),
        requests,
        reliability_days: RELIABILITY_DAYS,
        reliability: reliability.into(),
        any_together,
        together,
        milestones,
        withdrawn_pulses: crate::withdrawal::tombstones(
            &state.withdrawals,
            kintsugi_core::withdrawal::EntryRoom::Pulse,
            now.zone,
        ),
    })
}

fn sign_counts(series: &progress::SignsSeries) -> Vec<SignCount> {
    series
        .most_often
        .iter()
        .map(|(sign, count)| SignCount {
            label: sign.label(),
            count: *count,
        })
        .collect()
}

/// Time together week by week, and whether anything happened in those
/// weeks at all (else the page says so in a sentence).
fn together_chart(state: &CoupleState, me: UserId, now: Now) -> AppResult<(bool, ChartView)> {
    let weeks = progress::together_by_week(
        &state.space,
        &state.together,
        me,
        now.today(),
        RELIABILITY_WEEKS,
        |at| now.local(at).date(),
    )?;
    let any = weeks.iter().any(|w| w.spent > 0 || w.ritual_days > 0);
    Ok((any, charts::together_chart("together", &weeks).into()))
}

pub(crate) fn request_rows(found: &[RequestReliability<'_>]) -> Vec<RequestRow> {
    found
        .iter()
        .map(|r| RequestRow {
            what: r.request.terms.what.clone(),
            first_asked: r
                .request
                .first_asked_before_alternative()
                .map(|first| first.what.clone()),
            href: format!("/requests/{}", r.request.id.0),
            status: r.request.status.label(),
            done: match (r.reliability.expected, r.reliability.percent()) {
                (Some(expected), Some(percent)) => format!(
                    "{} of {} ({percent}%)",
                    r.reliability.done,
                    charts::counted(expected, "time", "times")
                ),
                _ => charts::counted(r.reliability.done, "time", "times"),
            },
        })
        .collect()
}

/// Oldest first: each milestone reads as the next link of one chain.
fn milestone_rows(found: &[Milestone]) -> Vec<MilestoneRow> {
    found
        .iter()
        .map(|m| MilestoneRow {
            on: dates::day(m.on),
            label: m.kind.label(),
            href: milestone_link(m.kind, m.entry),
        })
        .collect()
}

/// The choices above the charts: which measure, which span, which window.
fn choice_links(view: View) -> (Vec<Link>, Vec<Link>, Vec<Link>) {
    let measures = std::iter::once(Measure::Index)
        .chain(Construct::ALL.into_iter().map(Measure::Construct))
        .map(|measure| Link {
            label: measure.label().to_owned(),
            href: View { measure, ..view }.href("trust"),
            current: measure == view.measure,
        })
        .collect();
    let spans = [(false, "The last year"), (true, "All time")]
        .into_iter()
        .map(|(all_time, label)| Link {
            label: label.to_owned(),
            href: View { all_time, ..view }.href("trust"),
            current: all_time == view.all_time,
        })
        .collect();
    let windows = WINDOWS
        .into_iter()
        .map(|days| Link {
            label: format!("{days} days"),
            href: View { days, ..view }.href("feelings"),
            current: days == view.days,
        })
        .collect();
    (measures, spans, windows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(construct: &str, days: &str, span: &str) -> ProgressQuery {
        ProgressQuery {
            construct: construct.to_owned(),
            days: days.to_owned(),
            span: span.to_owned(),
        }
    }

    #[test]
    fn links_keep_the_other_choices_and_drop_defaults() {
        let view = View::parse(&query("honesty", "90", "all"));
        assert_eq!(
            view.href("trust"),
            "/progress?construct=honesty&days=90&span=all#trust"
        );
        let plain = View::parse(&query("", "", ""));
        assert_eq!(plain.href("feelings"), "/progress#feelings");
        let unknown = View::parse(&query("<script>", "7", "forever"));
        assert_eq!(unknown.measure, Measure::Index);
        assert_eq!(unknown.days, 30);
        assert!(!unknown.all_time);
    }
}
