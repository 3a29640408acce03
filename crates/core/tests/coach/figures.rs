//! Precision and recall of each coach on the held-out corpus, which the rules
//! were never tuned on. `corpus/README.md` reports these figures; the test
//! here recomputes them, so the report cannot drift from the corpus.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use kintsugi_core::coach::{self, Code, Finding};

use super::corpus::entries;

const HELD_OUT_APOLOGIES: &str = include_str!("../corpus/held_out/apologies.txt");
const HELD_OUT_REQUESTS: &str = include_str!("../corpus/held_out/requests.txt");
const README: &str = include_str!("../corpus/README.md");

/// How one code fared: entries that expect it, entries it was reported on,
/// and entries where both hold.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Tally {
    expected: usize,
    found: usize,
    right: usize,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.expected += other.expected;
        self.found += other.found;
        self.right += other.right;
    }
}

/// One coach's figures over one corpus.
#[derive(Debug, Default)]
struct Figures {
    per_code: BTreeMap<Code, Tally>,
    good: usize,
    false_alarms: usize,
}

impl Figures {
    fn of(corpus: &str, review: fn(&str) -> Vec<Finding>) -> Self {
        let mut figures = Figures::default();
        for entry in entries(corpus) {
            let found: BTreeSet<Code> = review(&entry.text).into_iter().map(|f| f.code).collect();
            for &code in entry.expected.union(&found) {
                let (expected, reported) = (entry.expected.contains(&code), found.contains(&code));
                figures.per_code.entry(code).or_default().add(Tally {
                    expected: usize::from(expected),
                    found: usize::from(reported),
                    right: usize::from(expected && reported),
                });
            }
            if entry.expected.is_empty() {
                figures.good += 1;
                figures.false_alarms += usize::from(!found.is_empty());
            }
        }
        figures
    }

    fn total(&self) -> Tally {
        let mut total = Tally::default();
        for tally in self.per_code.values() {
            total.add(*tally);
        }
        total
    }

    fn recall(&self) -> f64 {
        ratio(self.total().right, self.total().expected)
    }

    fn false_alarm_rate(&self) -> f64 {
        ratio(self.false_alarms, self.good)
    }

    /// The figures as the README shows them: a table per code, then the
    /// coach's recall over every expected finding and its false alarms.
    fn render(&self, coach: &str) -> String {
        let mut out = format!(
            "| {coach} code | expected | reported | right | precision | recall |\n\
             |---|---:|---:|---:|---:|---:|\n"
        );
        for (code, t) in &self.per_code {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} | {} |",
                code.as_str(),
                t.expected,
                t.found,
                t.right,
                shown(t.right, t.found),
                shown(t.right, t.expected),
            );
        }
        let total = self.total();
        let _ = write!(
            out,
            "\nRecall {:.2} ({} of {} expected findings); false alarms {:.2} \
             ({} of {} texts that need no finding got one).\n",
            self.recall(),
            total.right,
            total.expected,
            self.false_alarm_rate(),
            self.false_alarms,
            self.good,
        );
        out
    }
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        1.0
    } else {
        part as f64 / whole as f64
    }
}

fn shown(part: usize, whole: usize) -> String {
    if whole == 0 {
        String::from("–")
    } else {
        format!("{:.2}", ratio(part, whole))
    }
}

fn held_out() -> [(&'static str, Figures); 2] {
    [
        (
            "apology",
            Figures::of(HELD_OUT_APOLOGIES, coach::apology::review),
        ),
        (
            "request",
            Figures::of(HELD_OUT_REQUESTS, coach::request::review),
        ),
    ]
}

#[test]
fn the_readme_reports_the_held_out_figures_as_they_are() {
    let tables: Vec<String> = held_out()
        .iter()
        .map(|(coach, figures)| figures.render(coach))
        .collect();
    let missing: Vec<&String> = tables.iter().filter(|t| !README.contains(*t)).collect();
    assert!(
        missing.is_empty(),
        "corpus/README.md should contain these figures as they are now:\n\n{}",
        tables.join("\n")
    );
}

/// The goal for each coach on the held-out part, as whole-number ratios so
/// that exactly 0.90 counts: recall at least 9 in 10, false alarms at most
/// 1 in 10.
#[test]
fn each_coach_meets_its_goal_on_the_held_out_part() {
    for (coach, figures) in held_out() {
        let total = figures.total();
        assert!(
            total.right * 10 >= total.expected * 9,
            "{coach} coach: recall {:.2} is below 0.90",
            figures.recall()
        );
        assert!(
            figures.false_alarms * 10 <= figures.good,
            "{coach} coach: false alarms {:.2} are above 0.10",
            figures.false_alarm_rate()
        );
    }
}

#[test]
fn figures_count_each_code_once_per_entry() {
    let corpus = "expect: none\nI lied. I'm sorry if you were hurt.\n\n\
                  expect: conditional, no_impact\nI'm sorry if you were hurt.\n";
    let figures = Figures::of(corpus, coach::apology::review);
    assert_eq!(figures.good, 1);
    assert_eq!(figures.false_alarms, 1);
    let conditional = figures.per_code[&Code::Conditional];
    assert_eq!(
        conditional,
        Tally {
            expected: 1,
            found: 2,
            right: 1
        }
    );
    assert!(figures.per_code[&Code::NoImpact].expected == 1);
}
