//! The charts as drawn: what a screen reader, a stylesheet and a narrow
//! screen rely on.

use super::bar::nice_ceiling;
use super::*;
use askama::Template;
use kintsugi_core::checkin::feelings::CoreFeeling;
use kintsugi_core::views::progress::{FeelingsWindow, ReliabilityWeek};
use time::macros::date;
use time::Date;

/// A chart as the page receives it: the drawing rendered by its template.
struct Drawn {
    svg: String,
    table: DataTable,
    is_empty: bool,
}

fn drawn(chart: Chart) -> Drawn {
    Drawn {
        svg: chart.svg.render().expect("the chart's template renders"),
        table: chart.table,
        is_empty: chart.is_empty,
    }
}

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
    let chart = drawn(line_chart(&two_series()));
    let svg = &chart.svg;
    assert!(svg.starts_with("<svg "));
    assert!(svg.ends_with("</svg>"));
    assert!(svg.contains("role=\"img\""));
    assert!(svg.contains("aria-labelledby=\"trust-title trust-desc\""));
    assert!(svg.contains("<title id=\"trust-title\">Trust &#60;index&#62; &#38; more</title>"));
    assert!(svg.contains(
        "<desc id=\"trust-desc\">You: 2 values from 5 January 2026 to 12 January 2026; latest 55"
    ));
    assert!(svg.contains("Your &#34;partner&#34;: 1 value"));
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
    let table = drawn(line_chart(&two_series())).table;
    assert_eq!(table.headers, vec!["Date", "You", "Your \"partner\""]);
    assert_eq!(
        table.rows,
        vec![
            vec!["5 January 2026".to_owned(), "40".to_owned(), String::new()],
            vec![
                "12 January 2026".to_owned(),
                "55 (kept to yourself)".to_owned(),
                "60".to_owned()
            ],
        ]
    );
    let html = table.render().unwrap();
    assert!(html.starts_with(
        "<table class=\"chart-table\"><caption>Trust &#60;index&#62; &#38; more</caption>"
    ));
    assert!(html.contains("<th scope=\"col\">Your &#34;partner&#34;</th>"));
    assert!(html.contains(
        "<th scope=\"row\">12 January 2026</th><td>55 (kept to yourself)</td><td>60</td>"
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
    let rendered = drawn(line_chart(&chart));
    assert_eq!(rendered.svg.matches("<circle").count(), 1);
    assert_eq!(rendered.table.rows.len(), 201);
}

#[test]
fn an_empty_chart_says_so_and_still_renders() {
    let mut chart = two_series();
    for s in &mut chart.series {
        s.points.clear();
    }
    let rendered = drawn(line_chart(&chart));
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
    let chart = drawn(feelings_chart("feelings-30", &window));
    for text in [
        "role=\"img\"",
        "<title id=\"feelings-30-title\">Feelings in check-ins over the last 30 days</title>",
        "class=\"bar series-hurt group-mine\"",
        "class=\"bar series-ashamed group-partner\"",
        "From 1 February 2026 to 2 March 2026. You checked in 7 times; your partner shared 3 check-ins.",
        "You: 8 in all, most often Hurt.",
        "Your partner (shared): 3 in all, most often Ashamed.",
    ] {
        assert!(chart.svg.contains(text), "{text:?} is not in the chart");
    }
    for (piece, count, what) in [
        ("<rect class=\"bar ", 3, "a bar for each count above zero"),
        (
            "<rect class=\"band\"",
            4,
            "every other row of eight on a band",
        ),
        ("<rect", 3 + 4 + 2, "bars, bands and 2 legend swatches"),
    ] {
        assert_eq!(chart.svg.matches(piece).count(), count, "{what}");
    }
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
        drawn(line_chart(&two_series())),
        drawn(bar_chart(&BarChart {
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
        })),
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
    let svg = drawn(line_chart(&chart)).svg;
    let point = element(&svg, "<circle class=\"series-point\"");
    let dates = &svg[svg.find("<g class=\"axis-dates\">").unwrap()..];
    let label = element(dates, "<text ");
    assert_eq!(dates.matches("<text ").count(), 1);
    assert!(label.contains("text-anchor=\"middle\""), "{label}");
    assert_eq!(number(label, "x"), number(point, "cx"));
    assert!(svg.contains("You: 1 value on 5 January 2026, latest 40."));
}

#[test]
fn dates_sit_at_the_ends_of_the_axis_with_the_middle_one_between() {
    let mut chart = two_series();
    chart.series[0]
        .points
        .push(point(date!(2026 - 02 - 05), 70));
    let svg = drawn(line_chart(&chart)).svg;
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
            ("start", "5 January 2026"),
            ("middle", "20 January 2026"),
            ("end", "5 February 2026")
        ]
    );
    let first = element(&svg, "<circle class=\"series-point\"");
    let first_label = element(dates, "<text ");
    assert_eq!(number(first_label, "x"), number(first, "cx"));
}

#[test]
fn the_partners_bars_are_outlined_and_so_is_their_legend_sample() {
    let chart = drawn(bar_chart(&BarChart {
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
    }));
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
    let svg = drawn(line_chart(&chart)).svg;
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
    let chart = drawn(feelings_chart(
        "feelings",
        &FeelingsWindow {
            from: date!(2026 - 02 - 01),
            to: date!(2026 - 03 - 02),
            mine,
            partner,
        },
    ));
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
    let chart = drawn(reliability_chart(
        "reliability",
        &[
            week(date!(2026 - 01 - 04), 0, 0),
            week(date!(2026 - 01 - 11), 6, 7),
            week(date!(2026 - 01 - 18), 7, 7),
        ],
    ));
    assert_eq!(
        chart.table.rows,
        vec![
            vec!["11 January 2026".to_owned(), "85% (6 of 7)".to_owned()],
            vec!["18 January 2026".to_owned(), "100% (7 of 7)".to_owned()],
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
