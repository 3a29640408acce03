//! Phrase patterns matched over the word sequence with bounded look-ahead.
//!
//! A pattern is a short list of elements; each element is a set of words.
//! Patterns are indexed by their first word, so each word of the text only
//! tries the few patterns that can start with it, and each try looks at most
//! a pattern's length ahead. The work per word is bounded by the tables,
//! never by the text, which keeps every coach linear in the text's length.

use std::collections::HashMap;

use super::words::{Break, Word};
use super::Stats;

/// Words that, a few words before a phrase, turn it around: "it was not
/// just a kiss" is not minimising, "this is not your fault" not blaming.
const NEGATORS: &[&str] = &[
    "not", "never", "no", "none", "nothing", "nobody", "without", "neither", "nor",
];

/// How far back a negator may stand and still belong to the phrase.
const NEGATION_REACH: usize = 4;

/// Index keys for patterns whose first element is a number or a time.
const NUMBER: &str = "#num";
const TIME: &str = "#time";
/// Any one word; never first in a pattern.
const ANY: &str = "*";

struct Phrase<T> {
    cue: T,
    elements: Vec<Vec<&'static str>>,
    negatable: bool,
}

/// Phrases indexed by their first two words; a one-word phrase is filed
/// under [`ALONE`] as its second word.
pub(crate) struct PhraseSet<T> {
    phrases: Vec<Phrase<T>>,
    index: HashMap<&'static str, HashMap<&'static str, Vec<usize>>>,
}

/// The second-word key of one-word phrases.
const ALONE: &str = "";

/// A phrase found in the text: its cue and the indices of its first and last
/// words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hit<T> {
    pub(crate) cue: T,
    pub(crate) first: usize,
    pub(crate) last: usize,
}

impl<T: Copy> PhraseSet<T> {
    /// Builds a set from `(cue, pattern)` rows. In a pattern, words are
    /// separated by spaces, `(a|b)` offers a choice, a trailing `?` makes an
    /// element optional, `#num` stands for any word starting with a digit,
    /// `#time` for a time of day such as "9pm" or "21:00", and `*` (not first)
    /// for any word, to carry a span over the word that completes a phrase.
    pub(crate) fn new(rows: &[(T, &'static str)], negatable: impl Fn(T) -> bool) -> Self {
        let mut phrases = Vec::new();
        for &(cue, pattern) in rows {
            for elements in expand_optionals(pattern) {
                phrases.push(Phrase {
                    cue,
                    elements,
                    negatable: negatable(cue),
                });
            }
        }
        let mut index: HashMap<&'static str, HashMap<&'static str, Vec<usize>>> = HashMap::new();
        for (number, phrase) in phrases.iter().enumerate() {
            let alone = [ALONE];
            let seconds: &[&'static str] = phrase.elements.get(1).map_or(&alone, Vec::as_slice);
            for &first in phrase.elements.first().map_or(&[][..], Vec::as_slice) {
                for &second in seconds {
                    let slot = index.entry(first).or_default().entry(second).or_default();
                    if !slot.contains(&number) {
                        slot.push(number);
                    }
                }
            }
        }
        Self { phrases, index }
    }

    /// Every phrase found in `words`, ordered by first word.
    pub(crate) fn scan(&self, words: &[Word], stats: &mut Stats) -> Vec<Hit<T>> {
        let mut hits = Vec::new();
        for (at, word) in words.iter().enumerate() {
            stats.step();
            let next = words.get(at + 1).filter(|n| n.before != Break::Sentence);
            for first in class_keys(word).into_iter().flatten() {
                stats.step();
                let Some(by_second) = self.index.get(first) else {
                    continue;
                };
                let seconds = match next {
                    Some(next) => {
                        let [norm, number, time] = class_keys(next);
                        [Some(ALONE), Some(ANY), norm, number, time]
                    }
                    None => [Some(ALONE), None, None, None, None],
                };
                for second in seconds.into_iter().flatten() {
                    stats.step();
                    let Some(candidates) = by_second.get(second) else {
                        continue;
                    };
                    for &candidate in candidates {
                        let phrase = &self.phrases[candidate];
                        if let Some(last) = match_at(phrase, words, at, stats) {
                            if phrase.negatable && negated(words, at, stats) {
                                continue;
                            }
                            hits.push(Hit {
                                cue: phrase.cue,
                                first: at,
                                last,
                            });
                        }
                    }
                }
            }
        }
        hits
    }

    /// The most steps [`scan`](Self::scan) can spend on one word: the key
    /// look-ups, then, for every phrase those keys can reach at once, a
    /// comparison per choice of every element and a look back for a negator.
    #[cfg(test)]
    pub(crate) fn most_steps_per_word(&self) -> usize {
        let reachable = |first: &str| {
            self.index.get(first).map_or(0, |by_second| {
                let special: usize = [ALONE, ANY, NUMBER, TIME]
                    .iter()
                    .filter_map(|k| by_second.get(k).map(Vec::len))
                    .sum();
                let literal = by_second
                    .iter()
                    .filter(|(k, _)| ![ALONE, ANY, NUMBER, TIME].contains(k))
                    .map(|(_, v)| v.len())
                    .max()
                    .unwrap_or(0);
                special + literal
            })
        };
        let widest_literal = self
            .index
            .keys()
            .filter(|k| ![NUMBER, TIME].contains(k))
            .map(|k| reachable(k))
            .max()
            .unwrap_or(0);
        let candidates = widest_literal + reachable(NUMBER) + reachable(TIME);
        let phrase_cost = self
            .phrases
            .iter()
            .map(|p| p.elements.iter().map(Vec::len).sum::<usize>())
            .max()
            .unwrap_or(0);
        1 + 3 + 3 * 5 + candidates * (phrase_cost + NEGATION_REACH)
    }
}

/// The index keys a word can be filed under: itself, and the number and
/// time classes when it starts with a digit.
fn class_keys(word: &Word) -> [Option<&str>; 3] {
    if starts_with_digit(&word.norm) {
        let time = is_time_of_day(&word.norm).then_some(TIME);
        [Some(word.norm.as_str()), Some(NUMBER), time]
    } else {
        [Some(word.norm.as_str()), None, None]
    }
}

fn starts_with_digit(word: &str) -> bool {
    word.as_bytes().first().is_some_and(u8::is_ascii_digit)
}

fn is_time_of_day(word: &str) -> bool {
    starts_with_digit(word) && (word.ends_with("am") || word.ends_with("pm") || word.contains(':'))
}

fn element_matches(element: &[&'static str], word: &Word, stats: &mut Stats) -> bool {
    element.iter().any(|&choice| {
        stats.step();
        match choice {
            ANY => true,
            NUMBER => starts_with_digit(&word.norm),
            TIME => is_time_of_day(&word.norm),
            _ => word.norm == choice,
        }
    })
}

/// The index of the phrase's last word when it matches at `start`. A phrase
/// may run across a comma but never across the end of a sentence.
fn match_at<T>(
    phrase: &Phrase<T>,
    words: &[Word],
    start: usize,
    stats: &mut Stats,
) -> Option<usize> {
    for (offset, element) in phrase.elements.iter().enumerate() {
        let word = words.get(start + offset)?;
        if offset > 0 && word.before == Break::Sentence {
            return None;
        }
        if !element_matches(element, word, stats) {
            return None;
        }
    }
    Some(start + phrase.elements.len().saturating_sub(1))
}

/// Whether a negator stands shortly before `start` in the same clause.
pub(crate) fn negated(words: &[Word], start: usize, stats: &mut Stats) -> bool {
    let mut index = start;
    for _ in 0..NEGATION_REACH {
        if index == 0 || words[index].before != Break::None {
            return false;
        }
        index -= 1;
        stats.step();
        // "Can't we", "don't you", "won't I": a question, not a negation.
        let asks = words[index].is("not")
            && words[index + 1].before == Break::None
            && words[index + 1].is_any(&["we", "you", "i"]);
        if words[index].is_any(NEGATORS) && !asks {
            return true;
        }
    }
    false
}

/// Turns one written pattern into the plain element lists it stands for.
fn expand_optionals(pattern: &'static str) -> Vec<Vec<Vec<&'static str>>> {
    let mut variants: Vec<Vec<Vec<&'static str>>> = vec![Vec::new()];
    for token in pattern.split_whitespace() {
        let (body, optional) = match token.strip_suffix('?') {
            Some(body) => (body, true),
            None => (token, false),
        };
        let choices: Vec<&'static str> = body
            .strip_prefix('(')
            .and_then(|b| b.strip_suffix(')'))
            .map_or_else(|| vec![body], |inner| inner.split('|').collect());
        let mut next = Vec::with_capacity(variants.len() * 2);
        for variant in variants {
            if optional {
                next.push(variant.clone());
            }
            let mut longer = variant;
            longer.push(choices.clone());
            next.push(longer);
        }
        variants = next;
    }
    variants.retain(|v| !v.is_empty());
    variants
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coach::words::split;

    fn found(rows: &[(u8, &'static str)], text: &str) -> Vec<(u8, usize, usize)> {
        let set = PhraseSet::new(rows, |cue| cue == 1);
        let words = split(text, &mut Stats::default());
        set.scan(&words, &mut Stats::default())
            .into_iter()
            .map(|h| (h.cue, h.first, h.last))
            .collect()
    }

    #[test]
    fn choices_and_optional_words_are_expanded() {
        let rows = [(0, "i am (so|really)? sorry")];
        assert_eq!(found(&rows, "I am sorry"), [(0, 0, 2)]);
        assert_eq!(found(&rows, "I'm really sorry"), [(0, 0, 3)]);
        assert!(found(&rows, "I am very sorry").is_empty());
    }

    #[test]
    fn a_phrase_may_cross_a_comma_but_not_a_full_stop() {
        let rows = [(0, "sorry if")];
        assert_eq!(found(&rows, "sorry, if"), [(0, 0, 1)]);
        assert!(found(&rows, "sorry. If").is_empty());
    }

    #[test]
    fn a_negator_shortly_before_cancels_a_negatable_phrase_only() {
        let rows = [(1, "just a kiss"), (0, "sorry if")];
        assert!(found(&rows, "it was not just a kiss").is_empty());
        assert_eq!(found(&rows, "No, it was just a kiss"), [(1, 3, 5)]);
        assert_eq!(found(&rows, "not sorry if"), [(0, 1, 2)]);
        assert_eq!(
            found(&rows, "can't we agree it was just a kiss"),
            [(1, 6, 8)]
        );
    }

    #[test]
    fn numbers_and_times_of_day_match_their_classes() {
        let rows = [(0, "at #num"), (0, "#time")];
        assert_eq!(found(&rows, "at 6"), [(0, 0, 1)]);
        assert_eq!(found(&rows, "9pm"), [(0, 0, 0)]);
        assert_eq!(found(&rows, "21:00"), [(0, 0, 0)]);
        assert!(found(&rows, "42").is_empty());
    }

    #[test]
    fn a_wildcard_takes_any_one_word() {
        let rows = [(0, "only a *?")];
        assert_eq!(found(&rows, "only a kiss"), [(0, 0, 1), (0, 0, 2)]);
        assert_eq!(found(&rows, "only a"), [(0, 0, 1)]);
    }
}
