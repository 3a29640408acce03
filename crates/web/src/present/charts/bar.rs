//! Bar charts: counts per category, one row per category.

use super::{
    clean_class, clean_id, grid_values, legend, text_width, AxisLabel, BarRect, Chart, ChartSvg,
    DataTable, GridLine, LegendEntry, PlotDrawing, Swatch, FONT, SMALL_FONT, WIDTH,
};
use std::fmt::Write as _;

/// A bar's thickness, the gap between the bars of one category, and the
/// gap between categories.
const BAR: f64 = 11.0;
const BAR_GAP: f64 = 2.0;
const ROW_GAP: f64 = 11.0;

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

/// The plot of a bar chart, ready for `partials/charts/svg.html`.
#[derive(Debug, Clone, PartialEq)]
pub struct BarDrawing {
    /// Every other row lies on a faint band, so each label reads with its
    /// bars: the top of each band.
    pub bands: Vec<f64>,
    pub band_height: f64,
    pub grid: Vec<GridLine>,
    pub rows: Vec<BarRow>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BarRow {
    pub label: AxisLabel,
    pub bars: Vec<(BarRect, AxisLabel)>,
}

pub(super) fn nice_ceiling(value: u32) -> u32 {
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

fn value(group: &BarGroup, category: usize) -> u32 {
    group.values.get(category).copied().unwrap_or(0)
}

/// "You: 8 in all, most often Hurt." for each group, after the intro.
fn describe(chart: &BarChart) -> String {
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
        let _ = match top {
            Some(top) => write!(desc, "{}: {total} in all, most often {top}.", group.label),
            None => write!(desc, "{}: none.", group.label),
        };
    }
    desc
}

/// Where the bars lie: from `left` (after the labels) to `right` (room for
/// the longest bar's number), rows of `row` height from `top`.
struct Frame {
    left: f64,
    right: f64,
    top: f64,
    row: f64,
    x_max: u32,
}

impl Frame {
    fn x_for(&self, v: u32) -> f64 {
        self.left + (self.right - self.left) * f64::from(v.min(self.x_max)) / f64::from(self.x_max)
    }
}

fn bar_row(chart: &BarChart, frame: &Frame, c: usize, outlined: &[(String, bool)]) -> BarRow {
    let (label, category_class) = &chart.categories[c];
    let category_class = clean_class(category_class);
    let row_top = frame.top + frame.row * c as f64;
    let mut bars = Vec::new();
    for (g, (group, (group_class, outlined))) in chart.groups.iter().zip(outlined).enumerate() {
        let v = value(group, c);
        if v == 0 {
            continue;
        }
        let y = row_top + ROW_GAP / 2.0 + (BAR + BAR_GAP) * g as f64;
        let end = frame.x_for(v);
        let mut rect = BarRect::new(
            format!("bar {category_class} {group_class}"),
            *outlined,
            (frame.left, y, end - frame.left, BAR),
        );
        rect.title = Some(format!("{}, {label}: {v}", group.label));
        let number = AxisLabel {
            x: end + 4.0,
            y: y + BAR / 2.0 + SMALL_FONT * 0.35,
            anchor: "start",
            text: v.to_string(),
        };
        bars.push((rect, number));
    }
    BarRow {
        label: AxisLabel {
            x: frame.left - 8.0,
            y: row_top + frame.row / 2.0 + FONT * 0.35,
            anchor: "end",
            text: label.clone(),
        },
        bars,
    }
}

pub fn bar_chart(chart: &BarChart) -> Chart {
    let highest = chart
        .groups
        .iter()
        .flat_map(|g| (0..chart.categories.len()).map(move |i| value(g, i)))
        .max()
        .unwrap_or(0);
    let x_max = nice_ceiling(highest);
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
    let (legend, legend_end) = legend(&entries);
    let label_width = chart
        .categories
        .iter()
        .map(|(label, _)| text_width(label, FONT))
        .fold(0.0, f64::max);
    let group_count = chart.groups.len().max(1) as f64;
    let frame = Frame {
        left: label_width + 10.0,
        right: WIDTH - text_width(&x_max.to_string(), SMALL_FONT) - 10.0,
        top: legend_end + 8.0,
        row: group_count * BAR + (group_count - 1.0) * BAR_GAP + ROW_GAP,
        x_max,
    };
    let bottom = frame.top + frame.row * chart.categories.len() as f64;
    let drawing = BarDrawing {
        bands: (0..chart.categories.len())
            .step_by(2)
            .map(|c| frame.top + frame.row * c as f64)
            .collect(),
        band_height: frame.row,
        grid: vertical_grid(&frame, bottom),
        rows: (0..chart.categories.len())
            .map(|c| bar_row(chart, &frame, c, &groups))
            .collect(),
    };
    Chart {
        svg: ChartSvg {
            id: clean_id(&chart.id),
            kind: "bar",
            title: chart.title.clone(),
            desc: describe(chart),
            height: bottom + 25.0,
            legend,
            plot: PlotDrawing::Bar(drawing),
        },
        table: bar_table(chart),
        is_empty: highest == 0,
    }
}

/// Vertical gridlines with their values underneath.
fn vertical_grid(frame: &Frame, bottom: f64) -> Vec<GridLine> {
    grid_values(frame.x_max)
        .map(|v| {
            let x = frame.x_for(v);
            GridLine {
                x1: x,
                x2: x,
                y1: frame.top,
                y2: bottom,
                label: AxisLabel {
                    x,
                    y: bottom + 18.0,
                    anchor: "middle",
                    text: v.to_string(),
                },
            }
        })
        .collect()
}

fn bar_table(chart: &BarChart) -> DataTable {
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
    DataTable {
        caption: chart.title.clone(),
        headers,
        rows,
    }
}
