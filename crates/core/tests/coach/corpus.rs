//! Every entry of the corpus files must produce exactly its expected codes.

use std::collections::BTreeSet;

use kintsugi_core::coach::{self, Code, Finding};

/// The first corpus and the tuning part, by file name.
const APOLOGIES: [(&str, &str); 2] = [
    ("apologies.txt", include_str!("../corpus/apologies.txt")),
    (
        "tuning/apologies.txt",
        include_str!("../corpus/tuning/apologies.txt"),
    ),
];
const REQUESTS: [(&str, &str); 2] = [
    ("requests.txt", include_str!("../corpus/requests.txt")),
    (
        "tuning/requests.txt",
        include_str!("../corpus/tuning/requests.txt"),
    ),
];

pub(crate) struct Entry {
    pub(crate) line: usize,
    pub(crate) expected: BTreeSet<Code>,
    pub(crate) text: String,
}

/// Reads "expect: a, b" headers and the text after each, skipping comments.
pub(crate) fn entries(corpus: &str) -> Vec<Entry> {
    let mut entries: Vec<Entry> = Vec::new();
    for (index, line) in corpus.lines().enumerate() {
        if let Some(codes) = line.strip_prefix("expect:") {
            let expected = codes
                .split(',')
                .map(str::trim)
                .filter(|c| *c != "none" && !c.is_empty())
                .map(|c| {
                    Code::parse(c)
                        .unwrap_or_else(|| panic!("unknown code {c:?} on line {}", index + 1))
                })
                .collect();
            entries.push(Entry {
                line: index + 1,
                expected,
                text: String::new(),
            });
        } else if line.starts_with('#') {
            continue;
        } else if let Some(entry) = entries.last_mut() {
            if !entry.text.is_empty() {
                entry.text.push('\n');
            }
            entry.text.push_str(line);
        }
    }
    for entry in &mut entries {
        entry.text = entry.text.trim().to_owned();
        assert!(
            !entry.text.is_empty(),
            "entry on line {} has no text",
            entry.line
        );
    }
    entries
}

/// Checks every entry of every file; returns the number of entries and of
/// those that expect no finding.
fn check(files: &[(&str, &str)], review: fn(&str) -> Vec<Finding>) -> (usize, usize) {
    let entries: Vec<(&str, Entry)> = files
        .iter()
        .flat_map(|&(name, corpus)| entries(corpus).into_iter().map(move |e| (name, e)))
        .collect();
    let mut failures = Vec::new();
    for (name, entry) in &entries {
        let findings = review(&entry.text);
        for f in &findings {
            assert!(f.start <= f.end && f.end <= entry.text.len());
            assert!(entry.text.is_char_boundary(f.start) && entry.text.is_char_boundary(f.end));
        }
        let found: BTreeSet<Code> = findings.iter().map(|f| f.code).collect();
        if found != entry.expected {
            let detail: Vec<String> = findings
                .iter()
                .map(|f| format!("{}:{:?}", f.code.as_str(), &entry.text[f.start..f.end]))
                .collect();
            failures.push(format!(
                "{name} line {}: expected {:?}, found {:?}\n    {}\n    {}",
                entry.line,
                entry
                    .expected
                    .iter()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>(),
                found.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
                detail.join(" | "),
                entry.text.replace('\n', " "),
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} entries differ:\n{}",
        failures.len(),
        entries.len(),
        failures.join("\n")
    );
    let good = entries
        .iter()
        .filter(|(_, e)| e.expected.is_empty())
        .count();
    (entries.len(), good)
}

#[test]
fn every_apology_in_the_corpus_gets_exactly_its_expected_codes() {
    let (total, good) = check(&APOLOGIES, coach::apology::review);
    assert!(total >= 108 && good >= 31, "{total} entries, {good} good");
}

#[test]
fn every_request_in_the_corpus_gets_exactly_its_expected_codes() {
    let (total, good) = check(&REQUESTS, coach::request::review);
    assert!(total >= 101 && good >= 37, "{total} entries, {good} good");
}

#[test]
fn the_corpus_exercises_every_code() {
    let mut seen = BTreeSet::new();
    for (_, corpus) in APOLOGIES.iter().chain(&REQUESTS) {
        for entry in entries(corpus) {
            seen.extend(entry.expected);
        }
    }
    let missing: Vec<&str> = Code::ALL
        .iter()
        .filter(|c| !seen.contains(c))
        .map(|c| c.as_str())
        .collect();
    assert!(missing.is_empty(), "no corpus entry expects {missing:?}");
}

#[test]
fn the_corpus_reads_the_same_as_json() {
    let text = "I'm sorry if I hurt you.";
    let json: serde_json::Value =
        serde_json::from_str(&coach::to_json(&coach::apology::review(text))).unwrap();
    let first = &json[0];
    assert_eq!(first["code"], "conditional");
    assert_eq!(
        &text[first["start"].as_u64().unwrap() as usize..first["end"].as_u64().unwrap() as usize],
        "sorry if I hurt"
    );
}
