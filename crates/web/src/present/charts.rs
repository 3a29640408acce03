//! Charts drawn on the server as inline SVG, each with a table that says
//! the same thing in words.
//!
//! Pure functions: data in, markup out. No script and no `style`
//! attributes (the CSP forbids inline styles): shapes carry presentation
//! attributes with safe defaults (`currentColor`, a dashed line or an
//! outlined bar for the partner's series) and CSS classes the stylesheet
//! may colour:
//!
//! - `chart`, `chart-line` / `chart-bar`; `grid`, `gridline`, `axis-label`,
//!   `legend`, `legend-label`, `category-label`, `value-label`;
//! - each series or group: `series series-<name>` (`series-mine`,
//!   `series-partner`, `series-signs`, `series-reliability`);
//! - each bar: `bar series-<feeling>` (`series-hurt`, `series-close`, …)
//!   plus its group's class (`group-mine`, `group-partner`); points:
//!   `series-point`, hollow ones `point-hollow`.
//!
//! Every chart is drawn in a narrow box, [`WIDTH`] units wide, and scales to
//! the width of its container: on a phone its text stays legible without
//! scrolling sideways, and the stylesheet caps how large it grows on a wide
//! screen. Counts are drawn as horizontal bars, one row per category with
//! its label on the left, so that long labels never crowd each other.
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
use time::{Date, Duration};

/// The width of every chart's drawing, in its own units.
pub const WIDTH: f64 = 360.0;
/// The size of a chart's words, in the same units.
const FONT: f64 = 13.0;
/// The numbers at the ends of bars.
const SMALL_FONT: f64 = 12.0;
/// How wide a character of the chart's sans-serif face may be, per unit of
/// font size: generous (wide faces such as DejaVu Sans come near it), so
/// labels never run into each other or off the edge.
const CHAR_WIDTH: f64 = 0.68;
/// Space kept free at the right edge, so the last point is drawn whole.
const EDGE: f64 = 8.0;
/// The height of the plot of a line chart.
const LINE_PLOT_HEIGHT: f64 = 150.0;
/// One row of the legend.
const LEGEND_ROW: f64 = 20.0;
/// The sample drawn before each legend label.
const SWATCH: f64 = 22.0;
/// A bar's thickness, the gap between the bars of one category, and the
/// gap between categories.
const BAR: f64 = 11.0;
const BAR_GAP: f64 = 2.0;
const ROW_GAP: f64 = 11.0;
/// Beyond this many points a line is drawn without its dots: a phone
/// should not have to lay out hundreds of circles.
const MAX_DOTS: usize = 60;
/// Beyond this many points the dots are drawn smaller.
const CROWDED_DOTS: usize = 24;
/// A line chart spanning at least this many days labels its middle date too.
const MIDDLE_DATE_DAYS: i64 = 4;

/// "1 time", "2 times", "0 check-ins": a count with its noun in the right number.
pub fn counted(count: impl Into<u64>, one: &str, many: &str) -> String {
    let count = count.into();
    let noun = if count == 1 { one } else { many };
    format!("{count} {noun}")
}

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

/// About how wide a text is drawn at a font size, in chart units.
fn text_width(text: &str, font: f64) -> f64 {
    text.chars().count() as f64 * font * CHAR_WIDTH
}

/// The whole SVG around a drawn body, whose height is known only once the
/// legend has been laid out. `width="100%"` and the viewBox let it scale
/// to its container.
fn wrap_svg(id: &str, kind: &str, title: &str, desc: &str, height: f64, body: &str) -> String {
    let mut svg = String::with_capacity(body.len() + 400);
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height:.0}\" \
         width=\"100%\" class=\"chart chart-{kind}\" role=\"img\" \
         aria-labelledby=\"{id}-title {id}-desc\" font-size=\"{FONT}\" fill=\"currentColor\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>{body}</svg>",
        escape(title),
        escape(desc)
    );
    svg
}

/// Gridline values that divide the scale evenly, so every label is a whole
/// number: 0 up to `max`.
fn grid_values(max: u32) -> impl Iterator<Item = u32> {
    let steps = [4, 5, 2]
        .into_iter()
        .find(|s| max.checked_rem(*s) == Some(0))
        .unwrap_or(1);
    (0..=steps).map(move |step| max * step / steps)
}

/// How a legend entry draws its sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Swatch {
    Line { dashed: bool },
    Bar { outlined: bool },
    HollowPoint,
}

struct LegendEntry<'a> {
    label: &'a str,
    class: String,
    swatch: Swatch,
}

/// A bar: solid for the first group, outlined over a light fill for the
/// others, so the groups differ by more than their colour. The outline is
/// drawn inside the bar's box, so both kinds of bar end exactly at their
/// value.
fn bar_rect(
    svg: &mut String,
    class: &str,
    outlined: bool,
    (x, y, width, height): (f64, f64, f64, f64),
    title: Option<&str>,
) {
    let _ = write!(svg, "<rect class=\"{class}\"");
    if outlined {
        let _ = write!(
            svg,
            " x=\"{:.2}\" y=\"{:.2}\" width=\"{:.2}\" height=\"{:.2}\" fill=\"currentColor\" \
             fill-opacity=\"0.3\" stroke=\"currentColor\" stroke-width=\"1.5\"",
            x + 0.75,
            y + 0.75,
            (width - 1.5).max(0.5),
            (height - 1.5).max(0.5)
        );
    } else {
        let _ = write!(
            svg,
            " x=\"{x:.2}\" y=\"{y:.2}\" width=\"{width:.2}\" height=\"{height:.2}\" fill=\"currentColor\""
        );
    }
    match title {
        Some(title) => {
            let _ = write!(svg, "><title>{}</title></rect>", escape(title));
        }
        None => svg.push_str("/>"),
    }
}

/// The legend, in as many rows as the width needs, from the top left.
/// Returns where it ends.
fn legend(svg: &mut String, entries: &[LegendEntry<'_>]) -> f64 {
    svg.push_str("<g class=\"legend\">");
    let (mut x, mut row) = (0.0, 0.0);
    for entry in entries {
        let width = SWATCH + 6.0 + text_width(entry.label, FONT);
        if x > 0.0 && x + width > WIDTH {
            x = 0.0;
            row += 1.0;
        }
        let middle = 4.0 + LEGEND_ROW * row + LEGEND_ROW / 2.0;
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
                    "<line x1=\"{x:.1}\" x2=\"{:.1}\" y1=\"{middle:.1}\" y2=\"{middle:.1}\" \
                     stroke=\"currentColor\" stroke-width=\"3\"{dash}/>",
                    x + SWATCH
                );
            }
            Swatch::Bar { outlined } => {
                bar_rect(
                    svg,
                    "swatch",
                    outlined,
                    (x + 3.0, middle - 6.0, 16.0, 12.0),
                    None,
                );
            }
            Swatch::HollowPoint => {
                let _ = write!(
                    svg,
                    "<circle class=\"point-hollow\" cx=\"{:.1}\" cy=\"{middle:.1}\" r=\"4.5\" \
                     fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\"/>",
                    x + SWATCH / 2.0
                );
            }
        }
        let _ = write!(
            svg,
            "<text class=\"legend-label\" x=\"{:.1}\" y=\"{:.1}\">{}</text></g>",
            x + SWATCH + 6.0,
            middle + FONT * 0.35,
            escape(entry.label)
        );
        x += width + 16.0;
    }
    svg.push_str("</g>");
    4.0 + LEGEND_ROW * (row + 1.0)
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
    if series.points.len() == 1 {
        return format!(
            "{}: 1 value on {}, latest {}{unit}.",
            series.label, first.date, first.value
        );
    }
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
    format!(
        "{}: {} from {} to {}; latest {}{unit}, lowest {low}{unit}, highest {high}{unit}.",
        series.label,
        counted(series.points.len() as u64, "value", "values"),
        first.date,
        last.date,
        last.value
    )
}

/// Where a line chart's plot lies in the drawing.
struct Plot {
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
}

impl Plot {
    fn y_for(&self, value: u32, y_max: u32) -> f64 {
        let share = f64::from(value.min(y_max)) / f64::from(y_max.max(1));
        self.top + (self.bottom - self.top) * (1.0 - share)
    }
}

/// Horizontal gridlines with their values at the left.
fn horizontal_grid(svg: &mut String, plot: &Plot, y_max: u32, unit: &str) {
    svg.push_str("<g class=\"grid\">");
    for value in grid_values(y_max) {
        let y = plot.y_for(value, y_max);
        let _ = write!(
            svg,
            "<line class=\"gridline\" x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" \
             stroke=\"currentColor\" stroke-opacity=\"0.2\"/>\
             <text class=\"axis-label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{value}{}</text>",
            plot.left,
            plot.right,
            plot.left - 6.0,
            y + FONT * 0.35,
            escape(unit)
        );
    }
    svg.push_str("</g>");
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

    let mut body = String::new();
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
    let legend_end = legend(&mut body, &entries);

    let widest_label = grid_values(y_max)
        .map(|v| text_width(&format!("{v}{}", chart.unit), FONT))
        .fold(0.0, f64::max);
    let top = legend_end + 14.0;
    let plot = Plot {
        left: widest_label + 12.0,
        right: WIDTH - EDGE,
        top,
        bottom: top + LINE_PLOT_HEIGHT,
    };
    horizontal_grid(&mut body, &plot, y_max, &chart.unit);

    if let (Some(first), Some(last)) = (first, last) {
        let span = (last - first).whole_days();
        let x_for = |date: Date| {
            if span == 0 {
                (plot.left + plot.right) / 2.0
            } else {
                plot.left
                    + (plot.right - plot.left) * ((date - first).whole_days() as f64 / span as f64)
            }
        };
        // Each date sits under its place on the axis: the first starts at
        // the left end, the last ends at the right, a lone one is centred
        // under its point.
        let baseline = plot.bottom + 20.0;
        body.push_str("<g class=\"axis-dates\">");
        let mut date_label = |date: Date, anchor: &str| {
            let _ = write!(
                body,
                "<text class=\"axis-label\" x=\"{:.1}\" y=\"{baseline:.1}\" text-anchor=\"{anchor}\">{date}</text>",
                x_for(date)
            );
        };
        if span == 0 {
            date_label(first, "middle");
        } else {
            date_label(first, "start");
            if span >= MIDDLE_DATE_DAYS {
                date_label(first + Duration::days(span / 2), "middle");
            }
            date_label(last, "end");
        }
        body.push_str("</g>");

        for (series, class) in chart.series.iter().zip(&classes) {
            let _ = write!(body, "<g class=\"series {class}\">");
            let coords: Vec<(f64, f64)> = series
                .points
                .iter()
                .map(|p| (x_for(p.date), plot.y_for(p.value, y_max)))
                .collect();
            if coords.len() > 1 {
                let dash = if series.dashed {
                    " stroke-dasharray=\"6 4\""
                } else {
                    ""
                };
                body.push_str("<polyline class=\"series-line\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\"");
                body.push_str(dash);
                body.push_str(" points=\"");
                for (i, (x, y)) in coords.iter().enumerate() {
                    if i > 0 {
                        body.push(' ');
                    }
                    let _ = write!(body, "{x:.1},{y:.1}");
                }
                body.push_str("\"/>");
            }
            if coords.len() <= MAX_DOTS {
                // Smaller dots where many share the width, so the line still reads.
                let radius = if coords.len() > CROWDED_DOTS {
                    3.0
                } else {
                    4.5
                };
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
                        body,
                        "<circle class=\"{class}\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{radius}\" fill=\"{fill}\" \
                         stroke=\"currentColor\" stroke-width=\"2\"><title>{}</title></circle>",
                        escape(&format!(
                            "{}, {}: {}{}{note}",
                            series.label, point.date, point.value, chart.unit
                        ))
                    );
                }
            }
            body.push_str("</g>");
        }
    }
    let height = plot.bottom + 27.0;

    Chart {
        svg: wrap_svg(&id, "line", &chart.title, &desc, height, &body),
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
// Bar charts: counts per category, one row per category.

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
    let x_max = nice_ceiling(highest);

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

    let mut body = String::new();
    let groups: Vec<(String, bool)> = chart
        .groups
        .iter()
        .enumerate()
        .map(|(i, g)| (clean_class(&g.class), i > 0))
        .collect();
    let entries: Vec<LegendEntry<'_>> = chart
        .groups
        .iter()
        .zip(&groups)
        .map(|(g, (class, outlined))| LegendEntry {
            label: &g.label,
            class: class.clone(),
            swatch: Swatch::Bar {
                outlined: *outlined,
            },
        })
        .collect();
    let legend_end = legend(&mut body, &entries);

    let label_width = chart
        .categories
        .iter()
        .map(|(label, _)| text_width(label, FONT))
        .fold(0.0, f64::max);
    let left = label_width + 10.0;
    // Room at the right for the number at the end of the longest bar.
    let right = WIDTH - text_width(&x_max.to_string(), SMALL_FONT) - 10.0;
    let x_for = |v: u32| left + (right - left) * f64::from(v.min(x_max)) / f64::from(x_max);
    let group_count = chart.groups.len().max(1) as f64;
    let row = group_count * BAR + (group_count - 1.0) * BAR_GAP + ROW_GAP;
    let top = legend_end + 8.0;
    let bottom = top + row * chart.categories.len() as f64;

    // Every other row on a faint band, so each label reads with its bars.
    body.push_str("<g class=\"bands\">");
    for c in (0..chart.categories.len()).step_by(2) {
        let _ = write!(
            body,
            "<rect class=\"band\" x=\"0\" y=\"{:.1}\" width=\"{WIDTH}\" height=\"{row:.1}\" \
             fill=\"currentColor\" fill-opacity=\"0.05\"/>",
            top + row * c as f64
        );
    }
    body.push_str("</g><g class=\"grid\">");
    for v in grid_values(x_max) {
        let x = x_for(v);
        let _ = write!(
            body,
            "<line class=\"gridline\" x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{top:.1}\" y2=\"{bottom:.1}\" \
             stroke=\"currentColor\" stroke-opacity=\"0.2\"/>\
             <text class=\"axis-label\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{v}</text>",
            bottom + 18.0
        );
    }
    body.push_str("</g>");

    for (c, (label, category_class)) in chart.categories.iter().enumerate() {
        let category_class = clean_class(category_class);
        let row_top = top + row * c as f64;
        let _ = write!(
            body,
            "<text class=\"category-label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            left - 8.0,
            row_top + row / 2.0 + FONT * 0.35,
            escape(label)
        );
        for (g, (group, (group_class, outlined))) in chart.groups.iter().zip(&groups).enumerate() {
            let v = value(group, c);
            if v == 0 {
                continue;
            }
            let y = row_top + ROW_GAP / 2.0 + (BAR + BAR_GAP) * g as f64;
            let end = x_for(v);
            bar_rect(
                &mut body,
                &format!("bar {category_class} {group_class}"),
                *outlined,
                (left, y, end - left, BAR),
                Some(&format!("{}, {label}: {v}", group.label)),
            );
            let _ = write!(
                body,
                "<text class=\"value-label\" x=\"{:.1}\" y=\"{:.1}\" font-size=\"{SMALL_FONT}\">{v}</text>",
                end + 4.0,
                y + BAR / 2.0 + SMALL_FONT * 0.35
            );
        }
    }
    let height = bottom + 25.0;

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
        svg: wrap_svg(&id, "bar", &chart.title, &desc, height, &body),
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
            "From {} to {}. You checked in {}; your partner shared {}.",
            window.from,
            window.to,
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
        assert_eq!(
            chart.svg.matches("<rect class=\"bar ").count(),
            3,
            "a bar for each count above zero"
        );
        assert_eq!(
            chart.svg.matches("<rect class=\"band\"").count(),
            4,
            "every other row of eight on a band"
        );
        assert_eq!(
            chart.svg.matches("<rect").count(),
            3 + 4 + 2,
            "bars, bands and 2 legend swatches"
        );
        assert!(chart.svg.contains("From 2026-02-01 to 2026-03-02. You checked in 7 times; your partner shared 3 check-ins."));
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

    /// The attributes of the first element that opens with `start`.
    fn element<'a>(svg: &'a str, start: &str) -> &'a str {
        let at = svg.find(start).expect("the element is drawn");
        let end = svg[at..].find('>').expect("the element is closed");
        &svg[at..at + end]
    }

    /// The legend's markup: from its group to the grid drawn after it.
    fn legend_of(svg: &str) -> &str {
        let start = svg.find("<g class=\"legend\">").expect("a legend");
        let end = ["<g class=\"bands\">", "<g class=\"grid\">"]
            .iter()
            .filter_map(|next| svg.find(next))
            .min()
            .expect("a plot after the legend");
        &svg[start..end]
    }

    fn number(element: &str, attribute: &str) -> f64 {
        let key = format!(" {attribute}=\"");
        let at = element.find(&key).expect("the attribute is set") + key.len();
        let end = element[at..].find('"').expect("the value is quoted");
        element[at..at + end].parse().expect("a number")
    }

    #[test]
    fn a_chart_scales_to_its_container_from_a_narrow_drawing() {
        for chart in [
            line_chart(&two_series()),
            bar_chart(&BarChart {
                id: "counts".into(),
                title: "Counts".into(),
                intro: String::new(),
                categories: vec![("Hurt".into(), "series-hurt".into())],
                groups: vec![BarGroup {
                    label: "You".into(),
                    class: "group-mine".into(),
                    values: vec![3],
                }],
                category_header: "Feeling".into(),
            }),
        ] {
            let svg = element(&chart.svg, "<svg ");
            assert!(svg.contains(" width=\"100%\""), "{svg}");
            assert!(svg.contains(" viewBox=\"0 0 360 "), "{svg}");
            assert!(!svg.contains(" height="), "the height follows the width");
        }
    }

    #[test]
    fn a_lone_day_is_labelled_under_its_point() {
        let mut chart = two_series();
        chart.series[0].points.truncate(1);
        chart.series[1].points.clear();
        let svg = line_chart(&chart).svg;
        let point = element(&svg, "<circle class=\"series-point\"");
        let dates = &svg[svg.find("<g class=\"axis-dates\">").unwrap()..];
        let label = element(dates, "<text ");
        assert_eq!(dates.matches("<text ").count(), 1);
        assert!(label.contains("text-anchor=\"middle\""), "{label}");
        assert_eq!(number(label, "x"), number(point, "cx"));
        assert!(svg.contains("You: 1 value on 2026-01-05, latest 40."));
    }

    #[test]
    fn dates_sit_at_the_ends_of_the_axis_with_the_middle_one_between() {
        let mut chart = two_series();
        chart.series[0]
            .points
            .push(point(date!(2026 - 02 - 05), 70));
        let svg = line_chart(&chart).svg;
        let dates = &svg[svg.find("<g class=\"axis-dates\">").unwrap()..];
        let labels: Vec<(&str, &str)> = dates
            .split("<text ")
            .skip(1)
            .map(|text| {
                let anchor = text.split("text-anchor=\"").nth(1).unwrap();
                let anchor = &anchor[..anchor.find('"').unwrap()];
                let date = &text[text.find('>').unwrap() + 1..text.find("</text>").unwrap()];
                (anchor, date)
            })
            .collect();
        assert_eq!(
            labels,
            vec![
                ("start", "2026-01-05"),
                ("middle", "2026-01-20"),
                ("end", "2026-02-05")
            ]
        );
        let first = element(&svg, "<circle class=\"series-point\"");
        let first_label = element(dates, "<text ");
        assert_eq!(number(first_label, "x"), number(first, "cx"));
    }

    #[test]
    fn the_partners_bars_are_outlined_and_so_is_their_legend_sample() {
        let chart = bar_chart(&BarChart {
            id: "counts".into(),
            title: "Counts".into(),
            intro: String::new(),
            categories: vec![("Hurt".into(), "series-hurt".into())],
            groups: vec![
                BarGroup {
                    label: "You".into(),
                    class: "group-mine".into(),
                    values: vec![2],
                },
                BarGroup {
                    label: "Your partner (shared)".into(),
                    class: "group-partner".into(),
                    values: vec![4],
                },
            ],
            category_header: "Feeling".into(),
        });
        let svg = &chart.svg;
        let mine = element(svg, "<rect class=\"bar series-hurt group-mine\"");
        let theirs = element(svg, "<rect class=\"bar series-hurt group-partner\"");
        assert!(!mine.contains("stroke="), "{mine}");
        assert!(!mine.contains("opacity"), "{mine}");
        assert!(theirs.contains("stroke=\"currentColor\""), "{theirs}");
        // Both bars start at the axis; the partner's twice as long.
        let start = number(mine, "x");
        let mine_end = start + number(mine, "width");
        let theirs_end = number(theirs, "x") + number(theirs, "width") + 0.75;
        assert!((theirs_end - start - 2.0 * (mine_end - start)).abs() < 0.05);
        assert!(
            number(theirs, "y") > number(mine, "y"),
            "one row, mine on top"
        );
        let legend = legend_of(svg);
        let samples: Vec<&str> = legend.split("<rect ").skip(1).collect();
        assert_eq!(samples.len(), 2);
        assert!(!samples[0].split('>').next().unwrap().contains("stroke="));
        assert!(samples[1]
            .split('>')
            .next()
            .unwrap()
            .contains("stroke=\"currentColor\""));
        assert!(
            svg.contains(">4</text>"),
            "the count is written at the bar's end"
        );
    }

    #[test]
    fn a_long_legend_wraps_within_the_drawing() {
        let mut chart = two_series();
        chart.series[1].label = "Your partner, as shared with you".into();
        let svg = line_chart(&chart).svg;
        let legend = legend_of(&svg);
        let rows: std::collections::BTreeSet<String> = legend
            .split("<text class=\"legend-label\"")
            .skip(1)
            .map(|text| format!("{}", number(text, "y")))
            .collect();
        assert_eq!(rows.len(), 3, "a long label takes a row of its own");
        for text in legend.split("<text class=\"legend-label\"").skip(1) {
            let x = number(text, "x");
            let label = &text[text.find('>').unwrap() + 1..text.find("</text>").unwrap()];
            assert!(x + text_width(label, FONT) <= WIDTH, "{label} fits");
        }
    }

    #[test]
    fn counts_take_the_right_number() {
        assert_eq!(counted(1u32, "time", "times"), "1 time");
        assert_eq!(counted(0u32, "check-in", "check-ins"), "0 check-ins");
        assert_eq!(counted(2u64, "value", "values"), "2 values");
    }

    #[test]
    fn the_feelings_description_counts_one_check_in_in_the_singular() {
        let mut mine = kintsugi_core::checkin::FeelingTally::default();
        mine.counts[CoreFeeling::Sad.index()] = 1;
        mine.check_ins = 1;
        let mut partner = kintsugi_core::checkin::FeelingTally::default();
        partner.counts[CoreFeeling::Close.index()] = 1;
        partner.check_ins = 1;
        let chart = feelings_chart(
            "feelings",
            &FeelingsWindow {
                from: date!(2026 - 02 - 01),
                to: date!(2026 - 03 - 02),
                mine,
                partner,
            },
        );
        assert!(chart
            .svg
            .contains("You checked in 1 time; your partner shared 1 check-in."));
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
