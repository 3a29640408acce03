//! Splits free text into lower-case words with their byte spans, in one pass.
//!
//! The coaches never look at raw text again after this: every rule works on
//! the word sequence, so offsets always come from `char_indices` and always
//! fall on character boundaries, whatever the input.

use super::Stats;

/// The strongest punctuation seen between a word and the word before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Break {
    None,
    /// A comma, semicolon, colon, dash, bracket or a single line break.
    Clause,
    /// A full stop, question or exclamation mark, or a blank line.
    Sentence,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Word {
    /// Lower-cased, straight apostrophes; contractions are split so that
    /// "don't" becomes the two words "do" and "not" (both keep the span of
    /// the written word).
    pub(crate) norm: String,
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) before: Break,
    /// Index of the sentence the word belongs to, counted from 0.
    pub(crate) sentence: usize,
}

impl Word {
    pub(crate) fn is(&self, word: &str) -> bool {
        self.norm == word
    }

    pub(crate) fn is_any(&self, words: &[&str]) -> bool {
        words.iter().any(|w| self.norm == *w)
    }
}

/// Apostrophes people type: straight, curly, modifier letter, grave, acute.
fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}' | '`' | '\u{00B4}'
    )
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

fn break_of(c: char) -> Break {
    match c {
        '.' | '!' | '?' | '\u{2026}' | '\u{3002}' | '\u{FF01}' | '\u{FF1F}' => Break::Sentence,
        ',' | ';' | ':' | '\u{2014}' | '\u{2013}' | '(' | ')' | '[' | ']' | '\u{3001}' => {
            Break::Clause
        }
        _ => Break::None,
    }
}

/// Splits `text` into words. Costs one step per character.
pub(crate) fn split(text: &str, stats: &mut Stats) -> Vec<Word> {
    let mut splitter = Splitter {
        out: Vec::new(),
        pending: Break::None,
        newlines: 0,
        sentence: 0,
    };
    let mut current: Option<(usize, String)> = None;
    let mut previous: Option<char> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        stats.step();
        let next = chars.peek().map(|&(_, n)| n);
        let next_is_word = next.is_some_and(is_word_char);
        let inner_apostrophe = current.is_some() && is_apostrophe(c) && next_is_word;
        // "9:30", "9.30pm" and "1,000" stay one word, so a time of day is
        // one token and its dot does not end a sentence.
        let inner_number_mark = matches!(c, ':' | '.' | ',')
            && previous.is_some_and(|p| p.is_ascii_digit())
            && next.is_some_and(|n| n.is_ascii_digit());
        if is_word_char(c) || inner_apostrophe || (current.is_some() && inner_number_mark) {
            let (_, norm) = current.get_or_insert_with(|| (at, String::new()));
            if is_apostrophe(c) {
                norm.push('\'');
            } else {
                norm.extend(c.to_lowercase());
            }
        } else {
            if let Some((start, norm)) = current.take() {
                splitter.emit(start, at, norm);
            }
            if c == '\n' {
                splitter.newlines += 1;
                let strength = if splitter.newlines >= 2 {
                    Break::Sentence
                } else {
                    Break::Clause
                };
                splitter.pending = splitter.pending.max(strength);
            } else {
                splitter.pending = splitter.pending.max(break_of(c));
            }
        }
        previous = Some(c);
    }
    if let Some((start, norm)) = current.take() {
        splitter.emit(start, text.len(), norm);
    }
    splitter.out
}

struct Splitter {
    out: Vec<Word>,
    pending: Break,
    newlines: usize,
    sentence: usize,
}

impl Splitter {
    fn emit(&mut self, start: usize, end: usize, norm: String) {
        if self.pending == Break::Sentence && !self.out.is_empty() {
            self.sentence += 1;
        }
        let before = if self.out.is_empty() {
            Break::Sentence
        } else {
            self.pending
        };
        let (first, second) = expand(norm);
        self.out.push(Word {
            norm: first,
            start,
            end,
            before,
            sentence: self.sentence,
        });
        if let Some(second) = second {
            self.out.push(Word {
                norm: second.to_owned(),
                start,
                end,
                before: Break::None,
                sentence: self.sentence,
            });
        }
        self.pending = Break::None;
        self.newlines = 0;
    }
}

/// Splits a contraction into two plain words so that the rules only need to
/// know "do not", never "don't", "dont" or "don’t".
fn expand(word: String) -> (String, Option<&'static str>) {
    if let Some(base) = word.strip_suffix("n't").filter(|b| !b.is_empty()) {
        let base = match base {
            "ca" => "can",
            "wo" => "will",
            "sha" => "shall",
            "ai" => "is",
            other => other,
        };
        return (base.to_owned(), Some("not"));
    }
    if let Some((base, tail)) = word.split_once('\'') {
        if !base.is_empty() {
            let second = match tail {
                "m" => Some("am"),
                "re" => Some("are"),
                "ve" => Some("have"),
                "ll" => Some("will"),
                "d" => Some("would"),
                "s" if base == "let" => Some("us"),
                "s" => Some("is"),
                _ => None,
            };
            if let Some(second) = second {
                return (base.to_owned(), Some(second));
            }
        }
        return (word, None);
    }
    let (first, second): (&str, Option<&'static str>) = match word.as_str() {
        "dont" => ("do", Some("not")),
        "didnt" => ("did", Some("not")),
        "doesnt" => ("does", Some("not")),
        "cant" | "cannot" => ("can", Some("not")),
        "isnt" => ("is", Some("not")),
        "wasnt" => ("was", Some("not")),
        "arent" => ("are", Some("not")),
        "werent" => ("were", Some("not")),
        "hadnt" => ("had", Some("not")),
        "havent" => ("have", Some("not")),
        "hasnt" => ("has", Some("not")),
        "wouldnt" => ("would", Some("not")),
        "couldnt" => ("could", Some("not")),
        "shouldnt" => ("should", Some("not")),
        "im" => ("i", Some("am")),
        "ive" => ("i", Some("have")),
        "youre" => ("you", Some("are")),
        "youve" => ("you", Some("have")),
        "theyre" => ("they", Some("are")),
        "thats" => ("that", Some("is")),
        "gonna" => ("going", Some("to")),
        "wanna" => ("want", Some("to")),
        "gotta" => ("got", Some("to")),
        "u" => ("you", None),
        "ur" => ("your", None),
        "apologize" => ("apologise", None),
        "apologized" => ("apologised", None),
        "apologizing" => ("apologising", None),
        "behavior" => ("behaviour", None),
        "prioritize" => ("prioritise", None),
        _ => return (word, None),
    };
    (first.to_owned(), second)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norms(text: &str) -> Vec<String> {
        split(text, &mut Stats::default())
            .into_iter()
            .map(|w| w.norm)
            .collect()
    }

    #[test]
    fn words_are_lower_cased_and_contractions_split_whatever_the_apostrophe() {
        assert_eq!(norms("I Don't"), ["i", "do", "not"]);
        assert_eq!(norms("I don\u{2019}t"), ["i", "do", "not"]);
        assert_eq!(norms("I dont"), ["i", "do", "not"]);
        assert_eq!(
            norms("I’m sorry, you’re right"),
            ["i", "am", "sorry", "you", "are", "right"]
        );
        assert_eq!(
            norms("Let's go, won't we, can't we"),
            ["let", "us", "go", "will", "not", "we", "can", "not", "we"]
        );
    }

    #[test]
    fn quotes_around_words_are_not_part_of_them() {
        assert_eq!(norms("'sorry' ‘if’"), ["sorry", "if"]);
    }

    #[test]
    fn a_contraction_keeps_the_span_of_the_written_word() {
        let words = split("so don’t", &mut Stats::default());
        assert_eq!(words[1].start, 3);
        assert_eq!(words[2].end, "so don’t".len());
        assert_eq!(
            (words[1].start, words[1].end),
            (words[2].start, words[2].end)
        );
    }

    #[test]
    fn times_of_day_stay_one_word_and_do_not_end_a_sentence() {
        let words = split("Call me at 9.30pm or 21:00 please", &mut Stats::default());
        let norms: Vec<&str> = words.iter().map(|w| w.norm.as_str()).collect();
        assert_eq!(
            norms,
            ["call", "me", "at", "9.30pm", "or", "21:00", "please"]
        );
        assert!(words.iter().all(|w| w.sentence == 0));
    }

    #[test]
    fn breaks_are_recorded_before_the_next_word() {
        let words = split("Sorry, but. Yes\nno\n\nmaybe", &mut Stats::default());
        let breaks: Vec<Break> = words.iter().map(|w| w.before).collect();
        assert_eq!(
            breaks,
            [
                Break::Sentence,
                Break::Clause,
                Break::Sentence,
                Break::Clause,
                Break::Sentence
            ]
        );
        let sentences: Vec<usize> = words.iter().map(|w| w.sentence).collect();
        assert_eq!(sentences, [0, 0, 1, 1, 2]);
    }

    #[test]
    fn each_character_costs_one_step() {
        let mut stats = Stats::default();
        split("héllo wörld", &mut stats);
        assert_eq!(stats.steps, "héllo wörld".chars().count());
    }
}
