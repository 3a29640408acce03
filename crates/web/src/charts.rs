//! Charts drawn on the server as inline SVG, each with a table that says
//! the same thing in words.
//!
//! Pure functions: data in, markup out. No script and no `style`
//! attributes (the CSP forbids inline styles): shapes carry presentation
//! attributes with safe defaults (`currentColor`, a dashed line for the
//! second series) and CSS classes the stylesheet may colour:
//!
//! - `chart`, `chart-line` / `chart-bar`; `grid`, `gridline`, `axis-label`,
//!   `legend`, `legend-label`;
//! - each series or group: `series series-<name>` (`series-mine`,
//!   `series-partner`, `series-signs`, `series-reliability`);
//! - each bar: `bar series-<feeling>` (`series-hurt`, `series-close`, …)
//!   plus its group's class; points: `series-point`, hollow ones
//!   `point-hollow`.
//!
//! The SVG has `role="img"`, a `<title>` and a `<desc>` summarising the data;
//! [`DataTable`] is the full data for screen readers and for anyone who
//! prefers numbers. Every piece of text is escaped.

use kintsugi_core::feelings::CoreFeeling;
use kintsugi_core::progress::{
    FeelingsWindow, Measure, ReliabilityWeek, SignsSeries, TrustPoint, TrustSeries,
};
use kintsugi_core::signs::Sign;
use std::fmt::Write as _;
use time::Date;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 280.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 36.0;
/// Beyond this many points a line is drawn without its dots: a phone
/// should not have to lay out hundreds of circles.
const MAX_DOTS: usize = 60;

/// A rendered chart: the SVG to embed as is, and its table alternative.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    /// `<svg …>…</svg>`, every text escaped; safe to embed unescaped.
    pub svg: String,
    pub table: DataTable,
    /// No data at all: the page may show a kind empty state instead.
    pub is_empty: bool,
}

/// The same data as a table. The first cell of each row is its header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataTable {
    pub caption: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl DataTable {
    /// The table as HTML, every cell escaped.
    pub fn to_html(&self) -> String {
        let mut html = String::from("<table class=\"chart-table\">");
        let _ = write!(
            html,
            "<caption>{}</caption><thead><tr>",
            escape(&self.caption)
        );
        for header in &self.headers {
            let _ = write!(html, "<th scope=\"col\">{}</th>", escape(header));
        }
        html.push_str("</tr></thead><tbody>");
        for row in &self.rows {
            html.push_str("<tr>");
            for (i, cell) in row.iter().enumerate() {
                if i == 0 {
                    let _ = write!(html, "<th scope=\"row\">{}</th>", escape(cell));
                } else {
                    let _ = write!(html, "<td>{}</td>", escape(cell));
                }
            }
            html.push_str("</tr>");
        }
        html.push_str("</tbody></table>");
        html
    }
}

/// Escapes text for HTML and SVG content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Element ids are built from the caller's id: keep them to safe characters.
fn clean_id(raw: &str) -> String {
    let id: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if id.is_empty() {
        "chart".to_owned()
    } else {
        id
    }
}

/// A CSS class name from the caller: letters, digits and dashes only.
fn clean_class(raw: &str) -> String {
    raw.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

fn open_svg(svg: &mut String, id: &str, kind: &str, title: &str, desc: &str) {
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" \
         class=\"chart chart-{kind}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" \
         font-size=\"12\" fill=\"currentColor\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape(title),
        escape(desc)
    );
}

fn plot_height() -> f64 {
    HEIGHT - TOP - BOTTOM
}

fn plot_width() -> f64 {
    WIDTH - LEFT - RIGHT
}

fn y_for(value: u32, y_max: u32) -> f64 {
    let share = f64::from(value.min(y_max)) / f64::from(y_max.max(1));
    TOP + plot_height() * (1.0 - share)
}

/// Horizontal gridlines with their values at the left.
fn grid(svg: &mut String, y_max: u32, unit: &str) {
    svg.push_str("<g class=\"grid\">");
    // Steps that divide the scale evenly, so every label is a whole number.
    let steps = [4, 5, 2]
        .into_iter()
        .find(|s| y_max.checked_rem(*s) == Some(0))
        .unwrap_or(1);
    for step in 0..=steps {
        let value = y_max * step / steps;
        let y = y_for(value, y_max);
        let _ = write!(
            svg,
            "<line class=\"gridline\" x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" \
             stroke=\"currentColor\" stroke-opacity=\"0.2\"/>\
             <text class=\"axis-label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{value}{}</text>",
            WIDTH - RIGHT,
            LEFT - 6.0,
            y + 4.0,
            escape(unit)
        );
    }
    svg.push_str("</g>");
}

/// How a legend entry draws its sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Swatch {
    Line { dashed: bool },
    Bar { light: bool },
    HollowPoint,
}

struct LegendEntry<'a> {
    label: &'a str,
    class: String,
    swatch: Swatch,
}

/// One legend entry per series, in a row above the plot.
fn legend(svg: &mut String, entries: &[LegendEntry<'_>]) {
    svg.push_str("<g class=\"legend\">");
    let mut x = LEFT;
    for entry in entries {
        let _ = write!(svg, "<g class=\"series {}\">", entry.class);
        match entry.swatch {
            Swatch::Line { dashed } => {
                let dash = if dashed {
                    " stroke-dasharray=\"6 4\""
                } else {
                    ""
                };
                let _ = write!(
                    svg,
                    "<line x1=\"{x:.1}\" x2=\"{:.1}\" y1=\"16\" y2=\"16\" \
                     stroke=\"currentColor\" stroke-width=\"3\"{dash}/>",
                    x + 22.0
                );
            }
            Swatch::Bar { light } => {
                let opacity = if light { " fill-opacity=\"0.5\"" } else { "" };
                let _ = write!(
                    svg,
                    "<rect x=\"{:.1}\" y=\"9\" width=\"14\" height=\"14\" fill=\"currentColor\"{opacity}/>",
                    x + 4.0
                );
            }
            Swatch::HollowPoint => {
                let _ = write!(
                    svg,
                    "<circle class=\"point-hollow\" cx=\"{:.1}\" cy=\"16\" r=\"4\" fill=\"none\" \
                     stroke=\"currentColor\" stroke-width=\"2\"/>",
                    x + 11.0
                );
            }
        }
        let _ = write!(
            svg,
            "<text class=\"legend-label\" x=\"{:.1}\" y=\"20\">{}</text></g>",
            x + 28.0,
            escape(entry.label)
        );
        x += 40.0 + 7.0 * entry.label.chars().count() as f64;
    }
    svg.push_str("</g>");
}

// ---------------------------------------------------------------------------
// Line charts: values over time.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinePoint {
    pub date: Date,
    pub value: u32,
    /// Drawn as an open circle (e.g. a pulse kept to oneself).
    pub hollow: bool,
    /// Added to the point's tooltip and table cell, e.g. "kept to yourself".
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineSeries {
    pub label: String,
    /// CSS class for the series, e.g. `series-mine`.
    pub class: String,
    pub dashed: bool,
    /// Oldest first.
    pub points: Vec<LinePoint>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineChart {
    /// Unique on the page; used for the title and description ids.
    pub id: String,
    pub title: String,
    /// The top of the scale (100 for an index or a percentage).
    pub y_max: u32,
    /// Shown after each value: "" or "%".
    pub unit: String,
    pub series: Vec<LineSeries>,
}

fn summarise_line(series: &LineSeries, unit: &str) -> String {
    let (Some(first), Some(last)) = (series.points.first(), series.points.last()) else {
        return format!("{}: nothing yet.", series.label);
    };
    let low = series
        .points
        .iter()
        .map(|p| p.value)
        .min()
        .unwrap_or(first.value);
    let high = series
        .points
        .iter()
        .map(|p| p.value)
        .max()
        .unwrap_or(first.value);
    let count = series.points.len();
    let noun = if count == 1 { "value" } else { "values" };
    format!(
        "{}: {count} {noun} from {} to {}; latest {}{unit}, lowest {low}{unit}, highest {high}{unit}.",
        series.label, first.date, last.date, last.value
    )
}

pub fn line_chart(chart: &LineChart) -> Chart {
    let id = clean_id(&chart.id);
    let y_max = chart.y_max.max(1);
    let dates = chart
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.date));
    let first = dates.clone().min();
    let last = dates.max();
    let desc = chart
        .series
        .iter()
        .map(|s| summarise_line(s, &chart.unit))
        .collect::<Vec<_>>()
        .join(" ");

    let mut svg = String::new();
    open_svg(&mut svg, &id, "line", &chart.title, &desc);
    grid(&mut svg, y_max, &chart.unit);
    let classes: Vec<String> = chart.series.iter().map(|s| clean_class(&s.class)).collect();
    let mut entries: Vec<LegendEntry<'_>> = chart
        .series
        .iter()
        .zip(&classes)
        .map(|(s, class)| LegendEntry {
            label: &s.label,
            class: class.clone(),
            swatch: Swatch::Line { dashed: s.dashed },
        })
        .collect();
    // Explain open circles once, with the first series that has them.
    if let Some((s, class)) = chart
        .series
        .iter()
        .zip(&classes)
        .find(|(s, _)| s.points.iter().any(|p| p.hollow))
    {
        let note = s
            .points
            .iter()
            .find_map(|p| p.hollow.then_some(p.note.as_deref()).flatten())
            .unwrap_or("open circle");
        entries.push(LegendEntry {
            label: note,
            class: class.clone(),
            swatch: Swatch::HollowPoint,
        });
    }
    legend(&mut svg, &entries);

    if let (Some(first), Some(last)) = (first, last) {
        let span = (last - first).whole_days();
        let x_for = |date: Date| {
            if span == 0 {
                LEFT + plot_width() / 2.0
            } else {
                LEFT + plot_width() * ((date - first).whole_days() as f64 / span as f64)
            }
        };
        let baseline = HEIGHT - BOTTOM + 18.0;
        let _ = write!(
            svg,
            "<g class=\"axis-dates\"><text class=\"axis-label\" x=\"{LEFT}\" y=\"{baseline}\">{first}</text>"
        );
        if span > 0 {
            let _ = write!(
                svg,
                "<text class=\"axis-label\" x=\"{:.1}\" y=\"{baseline}\" text-anchor=\"end\">{last}</text>",
                WIDTH - RIGHT
            );
        }
        svg.push_str("</g>");

        for (series, class) in chart.series.iter().zip(&classes) {
            let dashed = &series.dashed;
            let _ = write!(svg, "<g class=\"series {class}\">");
            let coords: Vec<(f64, f64)> = series
                .points
                .iter()
                .map(|p| (x_for(p.date), y_for(p.value, y_max)))
                .collect();
            if coords.len() > 1 {
                let dash = if *dashed {
                    " stroke-dasharray=\"6 4\""
                } else {
                    ""
                };
                svg.push_str("<polyline class=\"series-line\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\"");
                svg.push_str(dash);
                svg.push_str(" points=\"");
                for (i, (x, y)) in coords.iter().enumerate() {
                    if i > 0 {
                        svg.push(' ');
                    }
                    let _ = write!(svg, "{x:.1},{y:.1}");
                }
                svg.push_str("\"/>");
            }
            if coords.len() <= MAX_DOTS {
                for (point, (x, y)) in series.points.iter().zip(&coords) {
                    let (class, fill) = if point.hollow {
                        ("series-point point-hollow", "none")
                    } else {
                        ("series-point", "currentColor")
                    };
                    let note = point
                        .note
                        .as_deref()
                        .map(|n| format!(" ({n})"))
                        .unwrap_or_default();
                    let _ = write!(
                        svg,
                        "<circle class=\"{class}\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"4\" fill=\"{fill}\" \
                         stroke=\"currentColor\" stroke-width=\"2\"><title>{}</title></circle>",
                        escape(&format!(
                            "{}, {}: {}{}{note}",
                            series.label, point.date, point.value, chart.unit
                        ))
                    );
                }
            }
            svg.push_str("</g>");
        }
    }
    svg.push_str("</svg>");

    Chart {
        svg,
        table: line_table(chart),
        is_empty: first.is_none(),
    }
}

/// One row per date; a series with two values on one day shows both.
fn line_table(chart: &LineChart) -> DataTable {
    let mut dates: Vec<Date> = chart
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.date))
        .collect();
    dates.sort_unstable();
    dates.dedup();
    let rows = dates
        .iter()
        .map(|date| {
            let mut row = vec![date.to_string()];
            for series in &chart.series {
                let start = series.points.partition_point(|p| p.date < *date);
                let cell = series.points[start..]
                    .iter()
                    .take_while(|p| p.date == *date)
                    .map(|p| match &p.note {
                        Some(note) => format!("{}{} ({note})", p.value, chart.unit),
                        None => format!("{}{}", p.value, chart.unit),
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                row.push(cell);
            }
            row
        })
        .collect();
    let mut headers = vec!["Date".to_owned()];
    headers.extend(chart.series.iter().map(|s| s.label.clone()));
    DataTable {
        caption: chart.title.clone(),
        headers,
        rows,
    }
}

// ---------------------------------------------------------------------------
// Grouped bar charts: counts per category.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BarGroup {
    pub label: String,
    /// CSS class of the group, e.g. `group-mine`.
    pub class: String,
    /// One value per category, in the chart's category order.
    pub values: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BarChart {
    pub id: String,
    pub title: String,
    /// An opening sentence for the description (the span, for instance).
    pub intro: String,
    /// Label and CSS class of each category, e.g. ("Hurt", "series-hurt").
    pub categories: Vec<(String, String)>,
    pub groups: Vec<BarGroup>,
    /// The header of the table's first column.
    pub category_header: String,
}

fn nice_ceiling(value: u32) -> u32 {
    match value {
        0..=4 => 4,
        5..=10 => 10,
        _ => {
            let magnitude = 10u32.pow(value.ilog10());
            [1, 2, 5, 10]
                .into_iter()
                .map(|m| m * magnitude)
                .find(|&c| c >= value)
                .unwrap_or(value)
        }
    }
}

pub fn bar_chart(chart: &BarChart) -> Chart {
    let id = clean_id(&chart.id);
    let value = |g: &BarGroup, i: usize| g.values.get(i).copied().unwrap_or(0);
    let highest = chart
        .groups
        .iter()
        .flat_map(|g| (0..chart.categories.len()).map(move |i| value(g, i)))
        .max()
        .unwrap_or(0);
    let y_max = nice_ceiling(highest);

    let mut desc = chart.intro.clone();
    for group in &chart.groups {
        let total: u32 = group.values.iter().sum();
        let top = chart
            .categories
            .iter()
            .enumerate()
            .filter(|(i, _)| value(group, *i) > 0)
            .max_by_key(|(i, _)| (value(group, *i), std::cmp::Reverse(*i)))
            .map(|(_, (label, _))| label.as_str());
        if !desc.is_empty() {
            desc.push(' ');
        }
        match top {
            Some(top) => {
                let _ = write!(desc, "{}: {total} in all, most often {top}.", group.label);
            }
            None => {
                let _ = write!(desc, "{}: none.", group.label);
            }
        }
    }

    let mut svg = String::new();
    open_svg(&mut svg, &id, "bar", &chart.title, &desc);
    grid(&mut svg, y_max, "");
    let entries: Vec<LegendEntry<'_>> = chart
        .groups
        .iter()
        .enumerate()
        .map(|(i, g)| LegendEntry {
            label: &g.label,
            class: clean_class(&g.class),
            swatch: Swatch::Bar { light: i > 0 },
        })
        .collect();
    legend(&mut svg, &entries);

    let slot = plot_width() / chart.categories.len().max(1) as f64;
    let gap = slot * 0.2;
    let bar = (slot - gap) / chart.groups.len().max(1) as f64;
    for (c, (label, category_class)) in chart.categories.iter().enumerate() {
        let category_class = clean_class(category_class);
        let left = LEFT + slot * c as f64 + gap / 2.0;
        for (g, (group, entry)) in chart.groups.iter().zip(&entries).enumerate() {
            let (group_class, second) = (&entry.class, &(g > 0));
            let v = value(group, c);
            let y = y_for(v, y_max);
            let height = HEIGHT - BOTTOM - y;
            // Without a stylesheet the groups still differ: later ones are lighter.
            let opacity = if *second { " fill-opacity=\"0.5\"" } else { "" };
            let _ = write!(
                svg,
                "<rect class=\"bar {category_class} {group_class}\" x=\"{:.1}\" y=\"{y:.1}\" \
                 width=\"{:.1}\" height=\"{height:.1}\" fill=\"currentColor\"{opacity}>\
                 <title>{}</title></rect>",
                left + bar * g as f64,
                (bar - 1.0).max(1.0),
                escape(&format!("{}, {label}: {v}", group.label))
            );
        }
        let _ = write!(
            svg,
            "<text class=\"axis-label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            LEFT + slot * (c as f64 + 0.5),
            HEIGHT - BOTTOM + 18.0,
            escape(label)
        );
    }
    svg.push_str("</svg>");

    let mut headers = vec![chart.category_header.clone()];
    headers.extend(chart.groups.iter().map(|g| g.label.clone()));
    let rows = chart
        .categories
        .iter()
        .enumerate()
        .map(|(i, (label, _))| {
            let mut row = vec![label.clone()];
            row.extend(chart.groups.iter().map(|g| value(g, i).to_string()));
            row
        })
        .collect();
    Chart {
        svg,
        table: DataTable {
            caption: chart.title.clone(),
            headers,
            rows,
        },
        is_empty: highest == 0,
    }
}

// ---------------------------------------------------------------------------
// The Progress page's charts, from kintsugi-core's series.

/// Trust over time: the viewer's own pulses (kept ones hollow) and the
/// partner's shared pulses, for the index or one construct.
pub fn trust_chart(id: &str, series: &TrustSeries, measure: Measure) -> Chart {
    let points = |points: &[TrustPoint], mark_kept: bool| {
        points
            .iter()
            .map(|p| {
                let kept = mark_kept && !p.shared;
                LinePoint {
                    date: p.at.date(),
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
            "From {} to {}. You checked in {} times; your partner shared {} check-ins.",
            window.from, window.to, window.mine.check_ins, window.partner.check_ins
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
pub fn signs_chart(id: &str, series: &SignsSeries) -> Chart {
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
                    date: p.at.date(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn point(date: Date, value: u32) -> LinePoint {
        LinePoint {
            date,
            value,
            hollow: false,
            note: None,
        }
    }

    fn two_series() -> LineChart {
        LineChart {
            id: "trust".into(),
            title: "Trust <index> & more".into(),
            y_max: 100,
            unit: String::new(),
            series: vec![
                LineSeries {
                    label: "You".into(),
                    class: "series-mine".into(),
                    dashed: false,
                    points: vec![
                        point(date!(2026 - 01 - 05), 40),
                        LinePoint {
                            note: Some("kept to yourself".into()),
                            hollow: true,
                            ..point(date!(2026 - 01 - 12), 55)
                        },
                    ],
                },
                LineSeries {
                    label: "Your \"partner\"".into(),
                    class: "series-partner\" onload=\"x".into(),
                    dashed: true,
                    points: vec![point(date!(2026 - 01 - 12), 60)],
                },
            ],
        }
    }

    fn balanced(svg: &str, tag: &str) -> bool {
        let opens = svg.matches(&format!("<{tag}")).count();
        let closes = svg.matches(&format!("</{tag}>")).count();
        let self_closed = svg
            .match_indices(&format!("<{tag}"))
            .filter(|(i, _)| {
                svg[*i..]
                    .find('>')
                    .is_some_and(|end| svg[*i..*i + end].ends_with('/'))
            })
            .count();
        opens == closes + self_closed
    }

    #[test]
    fn a_line_chart_is_an_accessible_svg_with_escaped_text() {
        let chart = line_chart(&two_series());
        let svg = &chart.svg;
        assert!(svg.starts_with("<svg "));
        assert!(svg.ends_with("</svg>"));
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("aria-labelledby=\"trust-title trust-desc\""));
        assert!(svg.contains("<title id=\"trust-title\">Trust &lt;index&gt; &amp; more</title>"));
        assert!(svg.contains(
            "<desc id=\"trust-desc\">You: 2 values from 2026-01-05 to 2026-01-12; latest 55"
        ));
        assert!(svg.contains("Your &quot;partner&quot;: 1 value"));
        assert!(!svg.contains("<index>"));
        assert!(
            !svg.contains("style="),
            "inline styles are refused by the CSP"
        );
        assert!(
            !svg.contains("onload="),
            "a class cannot smuggle an attribute in"
        );
        assert!(svg.contains("class=\"series series-mine\""));
        assert!(svg.contains("stroke-dasharray"));
        assert!(svg.contains("point-hollow"));
        assert_eq!(
            svg.matches("<polyline").count(),
            1,
            "a single point needs no line"
        );
        // Three points and the legend's open circle, explained by its note.
        assert_eq!(svg.matches("<circle").count(), 4);
        assert!(svg.contains("\">kept to yourself</text></g></g>"));
        for tag in [
            "svg", "g", "title", "desc", "text", "circle", "polyline", "line",
        ] {
            assert!(balanced(svg, tag), "<{tag}> is not balanced");
        }
        assert!(!chart.is_empty);
    }

    #[test]
    fn the_line_table_has_one_row_per_date_and_a_column_per_series() {
        let table = line_chart(&two_series()).table;
        assert_eq!(table.headers, vec!["Date", "You", "Your \"partner\""]);
        assert_eq!(
            table.rows,
            vec![
                vec!["2026-01-05".to_owned(), "40".to_owned(), String::new()],
                vec![
                    "2026-01-12".to_owned(),
                    "55 (kept to yourself)".to_owned(),
                    "60".to_owned()
                ],
            ]
        );
        let html = table.to_html();
        assert!(html.starts_with(
            "<table class=\"chart-table\"><caption>Trust &lt;index&gt; &amp; more</caption>"
        ));
        assert!(html.contains("<th scope=\"col\">Your &quot;partner&quot;</th>"));
        assert!(html.contains(
            "<th scope=\"row\">2026-01-12</th><td>55 (kept to yourself)</td><td>60</td>"
        ));
        assert_eq!(html.matches("<tr>").count(), 3);
    }

    #[test]
    fn many_points_are_drawn_as_a_line_without_dots() {
        let mut chart = two_series();
        chart.series[0].points = (0..200)
            .map(|i| {
                point(
                    date!(2022 - 01 - 03) + time::Duration::weeks(i),
                    (i % 100) as u32,
                )
            })
            .collect();
        let rendered = line_chart(&chart);
        assert_eq!(rendered.svg.matches("<circle").count(), 1);
        assert_eq!(rendered.table.rows.len(), 201);
    }

    #[test]
    fn an_empty_chart_says_so_and_still_renders() {
        let mut chart = two_series();
        for s in &mut chart.series {
            s.points.clear();
        }
        let rendered = line_chart(&chart);
        assert!(rendered.is_empty);
        assert!(rendered.svg.contains("You: nothing yet."));
        assert!(rendered.table.rows.is_empty());
        assert!(!rendered.svg.contains("NaN"));
    }

    #[test]
    fn bars_carry_the_feeling_class_and_the_table_has_a_row_per_feeling() {
        let mut mine = kintsugi_core::checkin::FeelingTally::default();
        mine.counts[CoreFeeling::Hurt.index()] = 6;
        mine.counts[CoreFeeling::Hopeful.index()] = 2;
        mine.check_ins = 7;
        let mut partner = kintsugi_core::checkin::FeelingTally::default();
        partner.counts[CoreFeeling::Ashamed.index()] = 3;
        partner.check_ins = 3;
        let window = FeelingsWindow {
            from: date!(2026 - 02 - 01),
            to: date!(2026 - 03 - 02),
            mine,
            partner,
        };
        let chart = feelings_chart("feelings-30", &window);
        assert!(chart.svg.contains("role=\"img\""));
        assert!(chart.svg.contains(
            "<title id=\"feelings-30-title\">Feelings in check-ins over the last 30 days</title>"
        ));
        assert!(chart.svg.contains("class=\"bar series-hurt group-mine\""));
        assert!(chart
            .svg
            .contains("class=\"bar series-ashamed group-partner\""));
        assert_eq!(chart.svg.matches("<rect class=\"bar ").count(), 16);
        assert_eq!(
            chart.svg.matches("<rect").count(),
            18,
            "and 2 legend swatches"
        );
        assert!(chart.svg.contains("You: 8 in all, most often Hurt."));
        assert!(chart
            .svg
            .contains("Your partner (shared): 3 in all, most often Ashamed."));
        assert!(!chart.svg.contains("style="));
        for tag in ["svg", "g", "rect", "title", "desc", "text"] {
            assert!(balanced(&chart.svg, tag), "<{tag}> is not balanced");
        }
        let table = &chart.table;
        assert_eq!(
            table.headers,
            vec!["Feeling", "You", "Your partner (shared)"]
        );
        assert_eq!(table.rows.len(), CoreFeeling::COUNT);
        assert_eq!(table.rows[0], vec!["Hurt", "6", "0"]);
        assert_eq!(table.rows[4], vec!["Ashamed", "0", "3"]);
        assert!(!chart.is_empty);
    }

    #[test]
    fn the_reliability_chart_skips_weeks_with_nothing_asked_and_says_how_many() {
        let week = |ending, done, expected| ReliabilityWeek {
            ending,
            done,
            expected,
        };
        let chart = reliability_chart(
            "reliability",
            &[
                week(date!(2026 - 01 - 04), 0, 0),
                week(date!(2026 - 01 - 11), 6, 7),
                week(date!(2026 - 01 - 18), 7, 7),
            ],
        );
        assert_eq!(
            chart.table.rows,
            vec![
                vec!["2026-01-11".to_owned(), "85% (6 of 7)".to_owned()],
                vec!["2026-01-18".to_owned(), "100% (7 of 7)".to_owned()],
            ]
        );
        assert!(chart.svg.contains("latest 100%, lowest 85%, highest 100%."));
        assert!(chart.svg.contains(">100%</text>"));
    }

    #[test]
    fn the_bar_scale_rounds_up_to_a_readable_number() {
        assert_eq!(nice_ceiling(0), 4);
        assert_eq!(nice_ceiling(7), 10);
        assert_eq!(nice_ceiling(11), 20);
        assert_eq!(nice_ceiling(37), 50);
        assert_eq!(nice_ceiling(100), 100);
        assert_eq!(nice_ceiling(101), 200);
    }

    #[test]
    fn ids_and_classes_are_kept_to_safe_characters() {
        assert_eq!(clean_id("a b\"<c>"), "a-b--c-");
        assert_eq!(clean_id(""), "chart");
        assert_eq!(clean_class("series-x\" onclick=\"y"), "series-xonclicky");
    }
}
