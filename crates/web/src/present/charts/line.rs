//! Line charts: values over time.

use super::{
    clean_class, clean_id, counted, grid_values, legend, text_width, AxisLabel, Chart, ChartSvg,
    DataTable, GridLine, LegendEntry, LegendItem, PlotDrawing, Swatch, FONT, WIDTH,
};
use crate::present::dates;
use std::fmt::Write as _;
use time::{Date, Duration};

/// Space kept free at the right edge, so the last point is drawn whole.
const EDGE: f64 = 8.0;
/// The height of the plot of a line chart.
const LINE_PLOT_HEIGHT: f64 = 150.0;
/// Beyond this many points a line is drawn without its dots: a phone
/// should not have to lay out hundreds of circles.
const MAX_DOTS: usize = 60;
/// Beyond this many points the dots are drawn smaller.
const CROWDED_DOTS: usize = 24;
/// A line chart spanning at least this many days labels its middle date too.
const MIDDLE_DATE_DAYS: i64 = 4;

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

/// The plot of a line chart, ready for `partials/charts/svg.html`.
#[derive(Debug, Clone, PartialEq)]
pub struct LineDrawing {
    pub grid: Vec<GridLine>,
    /// Empty when there is nothing to draw; then no series are drawn either.
    pub dates: Vec<AxisLabel>,
    pub series: Vec<SeriesDrawing>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SeriesDrawing {
    pub class: String,
    pub dashed: bool,
    /// "x,y x,y …", numbers only; empty for fewer than two points.
    pub polyline: String,
    pub dots: Vec<Dot>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Dot {
    pub hollow: bool,
    pub cx: f64,
    pub cy: f64,
    pub r: f64,
    /// The tooltip: "You, 2026-01-12: 55 (kept to yourself)".
    pub title: String,
}

fn summarise_line(series: &LineSeries, unit: &str) -> String {
    let (Some(first), Some(last)) = (series.points.first(), series.points.last()) else {
        return format!("{}: nothing yet.", series.label);
    };
    if series.points.len() == 1 {
        return format!(
            "{}: 1 value on {}, latest {}{unit}.",
            series.label,
            dates::day(first.date),
            first.value
        );
    }
    let values = series.points.iter().map(|p| p.value);
    let low = values.clone().min().unwrap_or(first.value);
    let high = values.max().unwrap_or(first.value);
    format!(
        "{}: {} from {} to {}; latest {}{unit}, lowest {low}{unit}, highest {high}{unit}.",
        series.label,
        counted(series.points.len() as u64, "value", "values"),
        dates::day(first.date),
        dates::day(last.date),
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

/// Where dates fall along the plot's width.
struct TimeAxis {
    first: Date,
    span: i64,
    left: f64,
    right: f64,
}

impl TimeAxis {
    fn x_for(&self, date: Date) -> f64 {
        if self.span == 0 {
            (self.left + self.right) / 2.0
        } else {
            self.left
                + (self.right - self.left)
                    * ((date - self.first).whole_days() as f64 / self.span as f64)
        }
    }
}

/// Horizontal gridlines with their values at the left.
fn horizontal_grid(plot: &Plot, y_max: u32, unit: &str) -> Vec<GridLine> {
    grid_values(y_max)
        .map(|value| {
            let y = plot.y_for(value, y_max);
            GridLine {
                x1: plot.left,
                x2: plot.right,
                y1: y,
                y2: y,
                label: AxisLabel {
                    x: plot.left - 6.0,
                    y: y + FONT * 0.35,
                    anchor: "end",
                    text: format!("{value}{unit}"),
                },
            }
        })
        .collect()
}

/// The legend: one line sample per series, and the open circle explained
/// once, with the first series that has one.
fn line_legend(chart: &LineChart, classes: &[String]) -> (Vec<LegendItem>, f64) {
    let mut entries: Vec<LegendEntry<'_>> = chart
        .series
        .iter()
        .zip(classes)
        .map(|(s, class)| LegendEntry {
            label: &s.label,
            class: class.clone(),
            swatch: Swatch::Line { dashed: s.dashed },
        })
        .collect();
    if let Some((s, class)) = chart
        .series
        .iter()
        .zip(classes)
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
    legend(&entries)
}

/// Each date sits under its place on the axis: the first starts at the
/// left end, the last ends at the right, a lone one is centred under its
/// point.
fn axis_dates(axis: &TimeAxis, last: Date, baseline: f64) -> Vec<AxisLabel> {
    let label = |date: Date, anchor| AxisLabel {
        x: axis.x_for(date),
        y: baseline,
        anchor,
        text: dates::day(date),
    };
    if axis.span == 0 {
        return vec![label(axis.first, "middle")];
    }
    let mut labels = vec![label(axis.first, "start")];
    if axis.span >= MIDDLE_DATE_DAYS {
        labels.push(label(axis.first + Duration::days(axis.span / 2), "middle"));
    }
    labels.push(label(last, "end"));
    labels
}

fn series_drawing(
    chart: &LineChart,
    series: &LineSeries,
    class: &str,
    axis: &TimeAxis,
    plot: &Plot,
) -> SeriesDrawing {
    let y_max = chart.y_max.max(1);
    let coords: Vec<(f64, f64)> = series
        .points
        .iter()
        .map(|p| (axis.x_for(p.date), plot.y_for(p.value, y_max)))
        .collect();
    let mut polyline = String::new();
    if coords.len() > 1 {
        for (i, (x, y)) in coords.iter().enumerate() {
            let gap = if i > 0 { " " } else { "" };
            let _ = write!(polyline, "{gap}{x:.1},{y:.1}");
        }
    }
    let mut dots = Vec::new();
    if coords.len() <= MAX_DOTS {
        // Smaller dots where many share the width, so the line still reads.
        let r = if coords.len() > CROWDED_DOTS {
            3.0
        } else {
            4.5
        };
        dots = series
            .points
            .iter()
            .zip(&coords)
            .map(|(point, (cx, cy))| {
                let note = point
                    .note
                    .as_deref()
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default();
                Dot {
                    hollow: point.hollow,
                    cx: *cx,
                    cy: *cy,
                    r,
                    title: format!(
                        "{}, {}: {}{}{note}",
                        series.label,
                        dates::day(point.date),
                        point.value,
                        chart.unit
                    ),
                }
            })
            .collect();
    }
    SeriesDrawing {
        class: class.to_owned(),
        dashed: series.dashed,
        polyline,
        dots,
    }
}

pub fn line_chart(chart: &LineChart) -> Chart {
    let y_max = chart.y_max.max(1);
    let dates = chart
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.date));
    let (first, last) = (dates.clone().min(), dates.max());
    let classes: Vec<String> = chart.series.iter().map(|s| clean_class(&s.class)).collect();
    let (legend, legend_end) = line_legend(chart, &classes);
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
    let mut drawing = LineDrawing {
        grid: horizontal_grid(&plot, y_max, &chart.unit),
        dates: Vec::new(),
        series: Vec::new(),
    };
    if let (Some(first), Some(last)) = (first, last) {
        let axis = TimeAxis {
            first,
            span: (last - first).whole_days(),
            left: plot.left,
            right: plot.right,
        };
        drawing.dates = axis_dates(&axis, last, plot.bottom + 20.0);
        drawing.series = chart
            .series
            .iter()
            .zip(&classes)
            .map(|(series, class)| series_drawing(chart, series, class, &axis, &plot))
            .collect();
    }
    let desc = chart
        .series
        .iter()
        .map(|s| summarise_line(s, &chart.unit))
        .collect::<Vec<_>>()
        .join(" ");
    Chart {
        svg: ChartSvg {
            id: clean_id(&chart.id),
            kind: "line",
            title: chart.title.clone(),
            desc,
            height: plot.bottom + 27.0,
            legend,
            plot: PlotDrawing::Line(drawing),
        },
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
            let mut row = vec![dates::day(*date)];
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
