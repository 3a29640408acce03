//! Charts drawn on the server as inline SVG, each with a table that says
//! the same thing in words.
//!
//! This module computes what to draw (coordinates, labels, bars, ticks) as
//! plain structs; the askama partials under `templates/partials/charts/`
//! draw them, and askama escapes every text on the way. No script and no
//! `style` attributes (the CSP forbids inline styles): shapes carry
//! presentation attributes with safe defaults (`currentColor`, a dashed
//! line or an outlined bar for the partner's series) and CSS classes the
//! stylesheet may colour:
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
//! prefers numbers.

mod bar;
mod line;
mod progress;
#[cfg(test)]
mod tests;

pub use bar::{bar_chart, BarChart, BarGroup};
pub use line::{line_chart, LineChart, LinePoint, LineSeries};
pub use progress::{feelings_chart, reliability_chart, signs_chart, together_chart, trust_chart};

use askama::Template;

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
/// One row of the legend.
const LEGEND_ROW: f64 = 20.0;
/// The sample drawn before each legend label.
const SWATCH: f64 = 22.0;

/// "1 time", "2 times", "0 check-ins": a count with its noun in the right number.
pub fn counted(count: impl Into<u64>, one: &str, many: &str) -> String {
    let count = count.into();
    let noun = if count == 1 { one } else { many };
    format!("{count} {noun}")
}

/// A chart ready for a page: the drawing, its table alternative, and
/// whether there was anything to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub svg: ChartSvg,
    pub table: DataTable,
    /// No data at all: the page may show a kind empty state instead.
    pub is_empty: bool,
}

/// The same data as a table. The first cell of each row is its header.
#[derive(Debug, Clone, PartialEq, Eq, Template)]
#[template(path = "partials/charts/table.html")]
pub struct DataTable {
    pub caption: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// What one chart draws. Its template escapes every text it writes, so a
/// page may place the rendered drawing as it is.
#[derive(Debug, Clone, PartialEq, Template)]
#[template(path = "partials/charts/svg.html")]
pub struct ChartSvg {
    /// Safe characters only (see `clean_id`): the title and description ids.
    pub id: String,
    /// `line` or `bar`, for the class `chart-<kind>`.
    pub kind: &'static str,
    pub title: String,
    pub desc: String,
    pub height: f64,
    pub legend: Vec<LegendItem>,
    pub plot: PlotDrawing,
}

// A rendered `ChartSvg` or `DataTable` is askama's own output, every text in
// it already escaped: pages insert it without escaping it twice.
impl askama::filters::HtmlSafe for ChartSvg {}
impl askama::filters::HtmlSafe for DataTable {}

impl ChartSvg {
    // Read by the template.
    fn width(&self) -> f64 {
        WIDTH
    }

    fn font(&self) -> f64 {
        FONT
    }

    fn small_font(&self) -> f64 {
        SMALL_FONT
    }
}

/// The plot under the legend.
#[derive(Debug, Clone, PartialEq)]
pub enum PlotDrawing {
    Line(line::LineDrawing),
    Bar(bar::BarDrawing),
}

/// One legend entry: its sample and its label.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendItem {
    pub class: String,
    pub swatch: SwatchDrawing,
    pub label: String,
    pub label_x: f64,
    pub label_y: f64,
}

/// How a legend entry draws its sample.
#[derive(Debug, Clone, PartialEq)]
pub enum SwatchDrawing {
    Line {
        x1: f64,
        x2: f64,
        y: f64,
        dashed: bool,
    },
    Bar(BarRect),
    HollowPoint {
        cx: f64,
        cy: f64,
    },
}

/// A bar: solid for the first group, outlined over a light fill for the
/// others, so the groups differ by more than their colour. The outline is
/// drawn inside the bar's box, so both kinds of bar end exactly at their
/// value: `x`, `y`, `width` and `height` are already the drawn ones.
#[derive(Debug, Clone, PartialEq)]
pub struct BarRect {
    pub class: String,
    pub outlined: bool,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub title: Option<String>,
}

impl BarRect {
    fn new(class: String, outlined: bool, (x, y, width, height): (f64, f64, f64, f64)) -> Self {
        let (x, y, width, height) = if outlined {
            (
                x + 0.75,
                y + 0.75,
                (width - 1.5).max(0.5),
                (height - 1.5).max(0.5),
            )
        } else {
            (x, y, width, height)
        };
        BarRect {
            class,
            outlined,
            x,
            y,
            width,
            height,
            title: None,
        }
    }
}

/// A gridline and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct GridLine {
    pub x1: f64,
    pub x2: f64,
    pub y1: f64,
    pub y2: f64,
    pub label: AxisLabel,
}

/// A text placed on the drawing: an axis value, a date, a category.
#[derive(Debug, Clone, PartialEq)]
pub struct AxisLabel {
    pub x: f64,
    pub y: f64,
    /// `start`, `middle` or `end`.
    pub anchor: &'static str,
    pub text: String,
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

/// Gridline values that divide the scale evenly, so every label is a whole
/// number: 0 up to `max`.
fn grid_values(max: u32) -> impl Iterator<Item = u32> {
    let steps = [4, 5, 2]
        .into_iter()
        .find(|s| max.checked_rem(*s) == Some(0))
        .unwrap_or(1);
    (0..=steps).map(move |step| max * step / steps)
}

/// What a legend entry shows before it is placed.
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

/// Lays the legend out in as many rows as the width needs, from the top
/// left. Returns the entries and where the legend ends.
fn legend(entries: &[LegendEntry<'_>]) -> (Vec<LegendItem>, f64) {
    let (mut x, mut row) = (0.0, 0.0);
    let mut items = Vec::with_capacity(entries.len());
    for entry in entries {
        let width = SWATCH + 6.0 + text_width(entry.label, FONT);
        if x > 0.0 && x + width > WIDTH {
            x = 0.0;
            row += 1.0;
        }
        let middle = 4.0 + LEGEND_ROW * row + LEGEND_ROW / 2.0;
        let swatch = match entry.swatch {
            Swatch::Line { dashed } => SwatchDrawing::Line {
                x1: x,
                x2: x + SWATCH,
                y: middle,
                dashed,
            },
            Swatch::Bar { outlined } => SwatchDrawing::Bar(BarRect::new(
                "swatch".to_owned(),
                outlined,
                (x + 3.0, middle - 6.0, 16.0, 12.0),
            )),
            Swatch::HollowPoint => SwatchDrawing::HollowPoint {
                cx: x + SWATCH / 2.0,
                cy: middle,
            },
        };
        items.push(LegendItem {
            class: entry.class.clone(),
            swatch,
            label: entry.label.to_owned(),
            label_x: x + SWATCH + 6.0,
            label_y: middle + FONT * 0.35,
        });
        x += width + 16.0;
    }
    (items, 4.0 + LEGEND_ROW * (row + 1.0))
}
