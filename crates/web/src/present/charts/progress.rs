//! The Progress page's charts, from kintsugi-core's series.

use super::{
    bar_chart, counted, line_chart, BarChart, BarGroup, Chart, LineChart, LinePoint, LineSeries,
};
use crate::app::clock::Zone;
use crate::present::dates;
use kintsugi_core::checkin::feelings::CoreFeeling;
use kintsugi_core::signs::Sign;
use kintsugi_core::views::progress::{
    FeelingsWindow, Measure, ReliabilityWeek, SignsSeries, TogetherWeek, TrustPoint, TrustSeries,
};

/// Trust over time: the viewer's own pulses (kept ones hollow) and the
/// partner's shared pulses, for the index or one construct. Each pulse is
/// placed on the viewer's local day (`zone`), not on UTC's.
pub fn trust_chart(id: &str, series: &TrustSeries, measure: Measure, zone: Zone) -> Chart {
    let points = |points: &[TrustPoint], mark_kept: bool| {
        points
            .iter()
            .map(|p| {
                let kept = mark_kept && !p.shared;
                LinePoint {
                    date: zone.local(p.at).date(),
                    value: u32::from(p.value(measure)),
                    hollow: kept,
                    note: kept.then(|| "kept to yourself".to_owned()),
                }
            })
            .collect()
    };
    line_chart(&LineChart {
        id: id.to_owned(),
        title: format!("{} over time (0 to 100)", measure.label()),
        y_max: 100,
        unit: String::new(),
        series: vec![
            LineSeries {
                label: "You".to_owned(),
                class: "series-mine".to_owned(),
                dashed: false,
                points: points(&series.mine, true),
            },
            LineSeries {
                label: "Your partner (shared)".to_owned(),
                class: "series-partner".to_owned(),
                dashed: true,
                points: points(&series.partner, false),
            },
        ],
    })
}

/// How often each core feeling came up in check-ins over a window: the
/// viewer's own and what their partner shared.
pub fn feelings_chart(id: &str, window: &FeelingsWindow) -> Chart {
    let counts = |tally: &kintsugi_core::checkin::FeelingTally| {
        CoreFeeling::ALL.iter().map(|c| tally.count(*c)).collect()
    };
    let days = (window.to - window.from).whole_days() + 1;
    bar_chart(&BarChart {
        id: id.to_owned(),
        title: format!("Feelings in check-ins over the last {days} days"),
        intro: format!(
            "From {} to {}. You checked in {}; your partner shared {}.",
            dates::day(window.from),
            dates::day(window.to),
            counted(window.mine.check_ins, "time", "times"),
            counted(window.partner.check_ins, "check-in", "check-ins")
        ),
        categories: CoreFeeling::ALL
            .iter()
            .map(|c| (c.label().to_owned(), format!("series-{}", c.code())))
            .collect(),
        groups: vec![
            BarGroup {
                label: "You".to_owned(),
                class: "group-mine".to_owned(),
                values: counts(&window.mine),
            },
            BarGroup {
                label: "Your partner (shared)".to_owned(),
                class: "group-partner".to_owned(),
                values: counts(&window.partner),
            },
        ],
        category_header: "Feeling".to_owned(),
    })
}

/// The signs the viewer noticed in themselves at each pulse. Only ever
/// built for the viewer's own page.
pub fn signs_chart(id: &str, series: &SignsSeries, zone: Zone) -> Chart {
    line_chart(&LineChart {
        id: id.to_owned(),
        title: "Signs you noticed at each pulse (only you see this)".to_owned(),
        y_max: Sign::COUNT as u32,
        unit: String::new(),
        series: vec![LineSeries {
            label: "Signs noticed".to_owned(),
            class: "series-signs".to_owned(),
            dashed: false,
            points: series
                .points
                .iter()
                .map(|p| LinePoint {
                    date: zone.local(p.at).date(),
                    value: u32::from(p.count),
                    hollow: false,
                    note: None,
                })
                .collect(),
        }],
    })
}

/// How reliably the agreed requests were done, week by week. Weeks in which
/// nothing countable was asked for are left out.
pub fn reliability_chart(id: &str, weeks: &[ReliabilityWeek]) -> Chart {
    line_chart(&LineChart {
        id: id.to_owned(),
        title: "Requests done as agreed, week by week".to_owned(),
        y_max: 100,
        unit: "%".to_owned(),
        series: vec![LineSeries {
            label: "Done as agreed".to_owned(),
            class: "series-reliability".to_owned(),
            dashed: false,
            points: weeks
                .iter()
                .filter_map(|week| {
                    week.percent().map(|percent| LinePoint {
                        date: week.ending,
                        value: percent,
                        hollow: false,
                        note: Some(format!("{} of {}", week.done, week.expected)),
                    })
                })
                .collect(),
        }],
    })
}

/// Time together week by week: plans that happened and ritual days. Only
/// what happened is drawn; a quiet week is a low point, not a gap.
pub fn together_chart(id: &str, weeks: &[TogetherWeek]) -> Chart {
    let series = |label: &str, class: &str, value: fn(&TogetherWeek) -> u32| LineSeries {
        label: label.to_owned(),
        class: class.to_owned(),
        dashed: false,
        points: weeks
            .iter()
            .map(|week| LinePoint {
                date: week.ending,
                value: value(week),
                hollow: false,
                note: None,
            })
            .collect(),
    };
    let most = weeks
        .iter()
        .map(|w| w.spent.max(w.ritual_days))
        .max()
        .unwrap_or(0);
    line_chart(&LineChart {
        id: id.to_owned(),
        title: "Time together, week by week".to_owned(),
        y_max: most.max(4),
        unit: String::new(),
        series: vec![
            series("Time spent together", "series-together", |w| w.spent),
            series("Ritual days", "series-rituals", |w| w.ritual_days),
        ],
    })
}
