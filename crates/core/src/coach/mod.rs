//! The two writing coaches: one reads an apology, one reads a request for a
//! low-cost behaviour. Both are pure functions from text to findings; they
//! never refuse anything, they point at words and suggest a kinder, clearer
//! way to say them.
//!
//! Both work on any UTF-8 text in time linear in its length: the text is
//! split into words once (`words`), then short phrase patterns are matched
//! over the words with bounded look-ahead (`phrases`), and what follows a
//! "but" in an apology is read a bounded number of words ahead (`contrast`).
//! No regular expressions, no backtracking. [`Stats`] counts the work done so tests can
//! check the bound without a clock.

pub mod apology;
mod contrast;
mod phrases;
pub mod request;
mod words;

use serde::Serialize;

/// What a finding is about. Serialized as its snake_case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Code {
    // Apology
    Conditional,
    BlameShift,
    ButAfterSorry,
    Minimising,
    PassiveVoice,
    PressureToForgive,
    SelfFocus,
    NoImpact,
    NoResponsibility,
    NoChange,
    // Request
    Vague,
    Unmeasurable,
    NoWhen,
    NegativeOnly,
    Bundled,
}

impl Code {
    pub const ALL: [Code; 15] = [
        Code::Conditional,
        Code::BlameShift,
        Code::ButAfterSorry,
        Code::Minimising,
        Code::PassiveVoice,
        Code::PressureToForgive,
        Code::SelfFocus,
        Code::NoImpact,
        Code::NoResponsibility,
        Code::NoChange,
        Code::Vague,
        Code::Unmeasurable,
        Code::NoWhen,
        Code::NegativeOnly,
        Code::Bundled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::Conditional => "conditional",
            Code::BlameShift => "blame_shift",
            Code::ButAfterSorry => "but_after_sorry",
            Code::Minimising => "minimising",
            Code::PassiveVoice => "passive_voice",
            Code::PressureToForgive => "pressure_to_forgive",
            Code::SelfFocus => "self_focus",
            Code::NoImpact => "no_impact",
            Code::NoResponsibility => "no_responsibility",
            Code::NoChange => "no_change",
            Code::Vague => "vague",
            Code::Unmeasurable => "unmeasurable",
            Code::NoWhen => "no_when",
            Code::NegativeOnly => "negative_only",
            Code::Bundled => "bundled",
        }
    }

    /// The code named by its snake_case name.
    pub fn parse(name: &str) -> Option<Code> {
        Code::ALL.into_iter().find(|c| c.as_str() == name)
    }

    /// A one-line explanation shown next to the words.
    pub fn message(self) -> &'static str {
        match self {
            Code::Conditional => {
                "\"If\" makes the hurt sound uncertain, as if your partner may not have been hurt."
            }
            Code::BlameShift => {
                "This points to something your partner did, which moves the weight of your choice onto them."
            }
            Code::ButAfterSorry => {
                "A \"but\" straight after the apology tends to cancel what came before it."
            }
            Code::Minimising => {
                "This makes what happened sound smaller than it may have felt to your partner."
            }
            Code::PassiveVoice => "This says what happened without saying who did it.",
            Code::PressureToForgive => {
                "This asks your partner to be done before they may be ready; forgiveness runs on their time."
            }
            Code::SelfFocus => {
                "Most of this is about how you feel, and little of it is about what your partner went through."
            }
            Code::NoImpact => {
                "I can't find anything here about how this affected your partner."
            }
            Code::NoResponsibility => {
                "I can't find where you name this as your own choice and your responsibility."
            }
            Code::NoChange => "I can't find anything about what will be different from now on.",
            Code::Vague => "This doesn't name an action your partner could do and you could see.",
            Code::Unmeasurable => {
                "This asks for a feeling; a feeling can't be done on request, but a behaviour can."
            }
            Code::NoWhen => {
                "This doesn't say when or how often, so each of you may picture something different."
            }
            Code::NegativeOnly => {
                "This says what should stop, but not what you would like to see instead."
            }
            Code::Bundled => {
                "This holds more than one behaviour; each one is easier to agree to and follow on its own."
            }
        }
    }

    /// A one-line suggestion of what to write instead.
    pub fn suggestion(self) -> &'static str {
        match self {
            Code::Conditional => {
                "Name what you did and that it hurt them: \"I'm sorry I lied to you.\""
            }
            Code::BlameShift => {
                "Keep it about your own choices: \"Nothing you did made me do this; I chose it.\""
            }
            Code::ButAfterSorry => {
                "Let the apology stand on its own; any context can come later, after you have owned what you did."
            }
            Code::Minimising => {
                "Describe it plainly and let them say how big it was: \"I kissed her, and I hid it from you for months.\""
            }
            Code::PassiveVoice => {
                "Say who did it: \"I made those choices\" rather than \"mistakes were made\"."
            }
            Code::PressureToForgive => {
                "Let them set the pace: \"Take all the time you need; I will keep showing up.\""
            }
            Code::SelfFocus => {
                "Keep a line about your own pain if you need it, and give the rest to them: \"You lay awake for months because of what I did.\""
            }
            Code::NoImpact => {
                "Name the effect on them in their terms: \"You stopped trusting your own memory because I kept denying it.\""
            }
            Code::NoResponsibility => {
                "Say it in your own words: \"It was my choice and my responsibility; nothing you did caused it.\""
            }
            Code::NoChange => {
                "Name one concrete change: \"I have ended all contact with her, and I will tell you the same day if she gets in touch.\""
            }
            Code::Vague => {
                "Name one thing you could see or hear: \"Text me when you leave work, each workday.\""
            }
            Code::Unmeasurable => {
                "Ask for a behaviour that would help you feel that way: \"Sit with me for ten minutes after dinner each evening.\""
            }
            Code::NoWhen => {
                "Add a time, a frequency or a trigger: \"each workday\", \"every Sunday evening\", \"whenever she contacts you\"."
            }
            Code::NegativeOnly => {
                "Ask for the step you want to see: \"Tell me the same day if she contacts you, every time.\""
            }
            Code::Bundled => {
                "Split it into separate requests, one behaviour each, so each can be agreed and tracked."
            }
        }
    }
}

/// One thing a coach noticed. `start..end` are byte offsets into the text
/// that was reviewed, always on character boundaries; a finding about
/// something missing points at `0..0`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: Code,
    pub start: usize,
    pub end: usize,
    pub message: String,
    pub suggestion: String,
}

impl Finding {
    pub(crate) fn at(code: Code, start: usize, end: usize) -> Self {
        Self::with_message(code, start, end, code.message())
    }

    pub(crate) fn with_message(code: Code, start: usize, end: usize, message: &str) -> Self {
        Self {
            code,
            start,
            end,
            message: message.to_owned(),
            suggestion: code.suggestion().to_owned(),
        }
    }

    pub(crate) fn missing(code: Code) -> Self {
        Self::at(code, 0, 0)
    }

    pub fn is_missing_part(&self) -> bool {
        self.start == 0 && self.end == 0
    }
}

/// The findings as a JSON array of
/// `{"code", "start", "end", "message", "suggestion"}` objects.
pub fn to_json(findings: &[Finding]) -> String {
    // Serializing plain strings and integers cannot fail; the fallback keeps
    // the function total anyway.
    serde_json::to_string(findings).unwrap_or_else(|_| String::from("[]"))
}

/// How much work a review did: one step per character read, per word looked
/// up, per word compared against a pattern and per word looked back at.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    pub steps: usize,
}

impl Stats {
    pub(crate) fn step(&mut self) {
        self.steps += 1;
    }
}

/// The most steps a review may take per byte of text (plus one). The pattern
/// tables fix the work per word; this is that bound with room to spare, and
/// the tests hold every review to it.
pub const MAX_STEPS_PER_BYTE: usize = 1024;

/// Findings in the order of their start, with overlapping findings of the
/// same code joined into one. Pushing in order of start keeps both true.
#[derive(Debug, Default)]
pub(crate) struct Findings {
    list: Vec<Finding>,
    last_of_code: [Option<usize>; Code::ALL.len()],
}

impl Findings {
    pub(crate) fn push(&mut self, code: Code, start: usize, end: usize) {
        let slot = code as usize;
        if let Some(index) = self.last_of_code[slot] {
            let previous = &mut self.list[index];
            if start < previous.end {
                previous.end = previous.end.max(end);
                return;
            }
        }
        self.last_of_code[slot] = Some(self.list.len());
        self.list.push(Finding::at(code, start, end));
    }

    pub(crate) fn last_of(&self, code: Code) -> Option<&Finding> {
        self.last_of_code[code as usize].map(|i| &self.list[i])
    }

    pub(crate) fn into_vec(self) -> Vec<Finding> {
        self.list
    }

    /// A list ordered by start, with overlapping findings of one code joined.
    pub(crate) fn joined(list: Vec<Finding>) -> Vec<Finding> {
        let mut findings = Findings::default();
        for finding in list {
            findings.push(finding.code, finding.start, finding.end);
        }
        findings.into_vec()
    }
}

/// Merges two lists that are each ordered by start into one ordered list,
/// in one pass.
pub(crate) fn merge_in_order(first: Vec<Finding>, second: Vec<Finding>) -> Vec<Finding> {
    let mut merged = Vec::with_capacity(first.len() + second.len());
    let mut first = first.into_iter().peekable();
    let mut second = second.into_iter().peekable();
    loop {
        let take_first = match (first.peek(), second.peek()) {
            (Some(a), Some(b)) => (a.start, a.end) <= (b.start, b.end),
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        let next = if take_first {
            first.next()
        } else {
            second.next()
        };
        merged.extend(next);
    }
    merged
}

/// The text each finding of one kind marks: what the coaches' tests compare.
#[cfg(test)]
pub(crate) fn marked(findings: Vec<Finding>, text: &str, code: Code) -> Vec<&str> {
    findings
        .into_iter()
        .filter(|f| f.code == code)
        .map(|f| &text[f.start..f.end])
        .collect()
}

/// Each finding as (kind, start, end), in the order given.
#[cfg(test)]
pub(crate) fn placed<'f>(
    findings: impl IntoIterator<Item = &'f Finding>,
) -> Vec<(Code, usize, usize)> {
    findings
        .into_iter()
        .map(|f| (f.code, f.start, f.end))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_has_exactly_the_five_fields_in_order() {
        let json = to_json(&[Finding::at(Code::Conditional, 4, 11)]);
        assert!(json.starts_with(r#"[{"code":"conditional","start":4,"end":11,"message":""#));
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        let object = value[0].as_object().unwrap();
        assert_eq!(object.len(), 5);
        assert_eq!(object["suggestion"], Code::Conditional.suggestion());
        assert_eq!(to_json(&[]), "[]");
    }

    #[test]
    fn every_code_serializes_as_its_name_and_parses_back() {
        for code in Code::ALL {
            assert_eq!(
                serde_json::to_value(code).unwrap(),
                serde_json::Value::String(code.as_str().to_owned())
            );
            assert_eq!(Code::parse(code.as_str()), Some(code));
        }
        assert_eq!(Code::parse("cheating"), None);
    }

    #[test]
    fn messages_and_suggestions_are_single_lines() {
        for code in Code::ALL {
            for text in [code.message(), code.suggestion()] {
                assert!(!text.is_empty() && !text.contains('\n'), "{code:?}");
            }
        }
    }

    #[test]
    fn overlapping_findings_of_one_code_are_joined() {
        let mut findings = Findings::default();
        findings.push(Code::Conditional, 0, 8);
        findings.push(Code::BlameShift, 2, 5);
        findings.push(Code::Conditional, 4, 12);
        findings.push(Code::Conditional, 12, 14);
        let spans = placed(&findings.into_vec());
        assert_eq!(
            spans,
            [
                (Code::Conditional, 0, 12),
                (Code::BlameShift, 2, 5),
                (Code::Conditional, 12, 14)
            ]
        );
    }

    #[test]
    fn merging_keeps_the_order_of_starts() {
        let a = vec![
            Finding::at(Code::Vague, 0, 2),
            Finding::at(Code::Vague, 9, 10),
        ];
        let b = vec![Finding::at(Code::Bundled, 3, 4)];
        let starts: Vec<usize> = merge_in_order(a, b).iter().map(|f| f.start).collect();
        assert_eq!(starts, [0, 3, 9]);
    }
}

#[cfg(test)]
mod budget {
    use super::*;

    /// Every word is at least one byte, so a per-word bound plus the one step
    /// per character is a per-byte bound.
    #[test]
    fn the_step_budget_covers_the_costliest_word() {
        // Apology: the phrase scan, the pass over what was reported said,
        // the two passes over contrasts and the partner pass.
        let apology =
            1 + apology::phrases().most_steps_per_word() + 1 + contrast::MOST_STEPS_PER_WORD + 1;
        // Request: the phrase scan, the pass over the words to say and the
        // pass over the behaviours.
        let request = 1 + request::phrases().most_steps_per_word() + 2;
        eprintln!("apology {apology}, request {request} steps per byte at most");
        assert!(apology <= MAX_STEPS_PER_BYTE && request <= MAX_STEPS_PER_BYTE);
    }
}
