//! What a "but" does in an apology. Two passes over the words, each looking
//! a bounded number of words ahead of a contrast word, so both stay linear:
//!
//! - a "but" soon after the apology takes it back ("I'm sorry, but …"); after
//!   a conditional "sorry if …" it does so anywhere in the sentence;
//! - a "but" that turns to the partner's conduct shifts the blame ("…, but
//!   you have been so distant", "but you read my phone").

use super::words::{Break, Word};
use super::{Code, Finding, Findings, Stats};

const APOLOGY_WORDS: &[&str] = &[
    "sorry",
    "apologise",
    "apologised",
    "apologising",
    "apologies",
    "apology",
    "regret",
    "regrets",
];

const CONTRASTS: &[&str] = &["but", "however", "though", "although"];

/// Words before "but" that keep it from undoing the apology: "there is no
/// but", "nothing but regret", "even though", "as though".
const HARMLESS_BEFORE_BUT: &[&str] = &[
    "no", "nothing", "without", "any", "not", "all", "even", "as",
];

/// Words after "sorry" that make it the subject of a sentence rather than
/// the apology itself: "sorry isn't enough, but …".
const APOLOGY_AS_SUBJECT: &[&str] = &[
    "is", "was", "will", "does", "did", "can", "could", "would", "might", "alone", "means",
    "feels", "seems", "sounds",
];

/// How many words after the apology word a "but" still undoes it, unless
/// the apology was conditional.
const BUT_REACH: usize = 8;

/// How far after a "but" another apology word makes it part of the apology:
/// "sorry I lied, but more than that I'm sorry for …".
const APOLOGY_AGAIN_REACH: usize = 6;

/// Words between a contrast and its subject that do not change who the
/// clause is about: "but honestly you …", "but, to be fair, you …".
#[rustfmt::skip]
const ASIDES: &[&str] = &[
    "honestly", "frankly", "truthfully", "then", "again", "still", "really", "also", "to", "be",
    "fair", "in", "fairness", "if", "i", "am", "let", "us", "face", "it",
];
const MOST_ASIDES: usize = 4;

/// How many words of the clause after "but you" are read for its verb.
const CONDUCT_REACH: usize = 7;

/// What the partner did or was, in the words people use to blame: distance,
/// anger, prying, neglect.
#[rustfmt::skip]
const CONDUCT: &[&str] = &[
    "distant", "cold", "absent", "away", "busy", "distracted", "withdrawn", "unavailable",
    "uninterested", "preoccupied", "wrapped", "obsessed", "angry", "critical", "controlling",
    "jealous", "demanding", "difficult", "harsh", "mean", "moody", "hostile", "suspicious",
    "paranoid", "selfish", "lazy", "unaffectionate", "frigid", "needy", "clingy", "impossible",
    "read", "reading", "snooped", "snooping", "spied", "spying", "tracked", "tracking", "checked",
    "ignored", "ignoring", "ignore", "neglected", "neglecting", "rejected", "rejecting", "pushed",
    "pushing", "shut", "shutting", "stopped", "refused", "refusing", "nagged", "nagging", "nag",
    "criticised", "criticized", "criticising", "criticizing", "yelled", "yelling", "shouted",
    "shouting", "screamed", "screaming", "flirted", "flirting", "spent", "spend", "spending",
    "kept", "keep", "keeps", "accused", "accusing", "belittled", "dismissed", "withdrew", "froze",
    "freezing", "smothered", "smothering", "controlled",
];

/// What follows "never" when it names a partner's neglect: "but you never
/// asked", "u never wanted to talk".
#[rustfmt::skip]
const NEGLECT_AFTER_NEVER: &[&str] = &[
    "asked", "ask", "wanted", "want", "talked", "talk", "listened", "listen", "noticed", "notice",
    "cared", "care", "touched", "touch", "showed", "show", "gave", "give", "paid", "tried", "try",
    "helped", "help", "bothered", "called", "looked", "had", "seemed", "made", "spent",
    "initiated", "supported", "appreciated", "thanked", "let",
];

/// What "always" leads into when it describes a partner who was elsewhere:
/// "ur always on your phone", "you were always at the office".
const ALWAYS: &[&str] = &["always", "constantly", "forever"];
const ELSEWHERE: &[&str] = &["on", "at", "out", "away", "off", "working", "busy", "in"];

/// What a partner was not, in a "but" that blames: "but you weren't there",
/// "you haven't been easy to live with".
#[rustfmt::skip]
const ABSENT_GOOD: &[&str] = &[
    "there", "easy", "supportive", "affectionate", "interested", "present", "around", "available",
    "home", "kind", "warm", "loving", "attentive", "patient", "understanding",
];

/// The partner's habits or people, named after "but your".
#[rustfmt::skip]
const CONDUCT_NOUNS: &[&str] = &[
    "jealousy", "drinking", "temper", "nagging", "coldness", "distance", "anger", "mood", "moods",
    "silence", "silences", "criticism", "attitude", "absence", "job", "work", "career", "phone",
    "gaming", "obsession", "suspicion", "suspicions", "accusations", "mother", "mum", "mom",
    "family", "friends", "hours", "behaviour",
];

/// Words that make a "but you …" clause about the partner's worth, rights
/// or innocence rather than their conduct: "but you deserve the truth",
/// "but you did nothing wrong", "but you were never the problem".
const KIND_TO_PARTNER: &[&str] = &[
    "deserve", "deserved", "deserves", "right", "wrong", "nothing", "matter", "matters",
    "innocent", "blame", "fault", "owe", "problem", "reason", "cause", "forgive", "choose",
    "decide", "need", "hurt",
];

/// A modal straight after "you" looks ahead or allows, it does not accuse:
/// "but you will never have to wonder again".
const MODALS: &[&str] = &[
    "will", "can", "may", "might", "shall", "should", "must", "could",
];

const NEGATORS: &[&str] = &["not", "never"];

/// Someone else becoming the subject ends the partner's clause: "but you
/// were asleep, and I was distant".
const OTHER_SUBJECTS: &[&str] = &["i", "he", "she", "they", "we"];

/// The most steps the two passes spend per word: one each for reading it,
/// and the look-ahead of every contrast that can reach it.
#[cfg(test)]
pub(super) const MOST_STEPS_PER_WORD: usize =
    2 + APOLOGY_AGAIN_REACH + (MOST_ASIDES + 1) + CONDUCT_REACH + 2;

/// "Sorry, but …": a "but" within a few words after an apology word, in the
/// same sentence or opening the next one; after a "sorry if …" anywhere in
/// that sentence. A "but" that leads into another apology ("but more than
/// that I'm sorry for …") continues it.
pub(super) fn buts_after_sorry(words: &[Word], stats: &mut Stats) -> Vec<Finding> {
    let mut found = Findings::default();
    // The last apology word, and whether an "if" follows it.
    let mut last_apology: Option<(usize, bool)> = None;
    for (index, word) in words.iter().enumerate() {
        stats.step();
        if word.is_any(APOLOGY_WORDS) {
            let next_is = |ahead: usize, choices: &[&str]| {
                words[index + 1..]
                    .iter()
                    .take(ahead)
                    .all(|w| w.before == Break::None)
                    && words.get(index + ahead).is_some_and(|w| w.is_any(choices))
            };
            let conditional =
                next_is(1, &["if"]) || (next_is(1, &["it", "that"]) && next_is(2, &["if"]));
            last_apology = if next_is(1, APOLOGY_AS_SUBJECT) {
                None
            } else {
                Some((index, conditional))
            };
            continue;
        }
        if !word.is_any(CONTRASTS) {
            continue;
        }
        let Some((apology_index, conditional)) = last_apology else {
            continue;
        };
        if index - apology_index > BUT_REACH && !conditional {
            continue;
        }
        let apology = &words[apology_index];
        let same_sentence = word.sentence == apology.sentence;
        let opens_next = word.sentence == apology.sentence + 1 && word.before == Break::Sentence;
        if !(same_sentence || opens_next)
            || harmless_before(words, index)
            || apology_follows(words, index, stats)
        {
            continue;
        }
        found.push(Code::ButAfterSorry, apology.start, word.end);
    }
    found.into_vec()
}

fn harmless_before(words: &[Word], index: usize) -> bool {
    words[index].before == Break::None && index > 0 && words[index - 1].is_any(HARMLESS_BEFORE_BUT)
}

/// "But also …", or another apology word shortly after the "but", in the
/// same sentence.
fn apology_follows(words: &[Word], index: usize, stats: &mut Stats) -> bool {
    let but_also = words
        .get(index + 1)
        .is_some_and(|next| next.before == Break::None && next.is("also"));
    but_also
        || words[index + 1..]
            .iter()
            .take(APOLOGY_AGAIN_REACH)
            .take_while(|w| w.before != Break::Sentence)
            .any(|w| {
                stats.step();
                w.is_any(APOLOGY_WORDS)
            })
}

/// "…, but you have been so distant": a contrast that turns to what the
/// partner did or was. Marks the partner's part, from "you" to the word
/// that names the conduct.
pub(super) fn blame_after_contrast(words: &[Word], stats: &mut Stats) -> Vec<Finding> {
    let mut found = Findings::default();
    for (index, word) in words.iter().enumerate() {
        stats.step();
        if !word.is_any(CONTRASTS) || harmless_before(words, index) {
            continue;
        }
        let Some(subject) = subject_after(words, index, stats) else {
            continue;
        };
        // "Your" is often typed for "you're": "but your always on your phone".
        let conduct = if words[subject].is_any(&["your", "ur"]) {
            conduct_noun_after(words, subject, stats)
                .or_else(|| conduct_after(words, subject, stats))
        } else {
            conduct_after(words, subject, stats)
        };
        if let Some(last) = conduct {
            found.push(Code::BlameShift, words[subject].start, words[last].end);
        }
    }
    found.into_vec()
}

/// The index of "you" or "your" opening the clause after the contrast at
/// `index`, past a few asides, within the sentence.
fn subject_after(words: &[Word], index: usize, stats: &mut Stats) -> Option<usize> {
    for at in index + 1..=index + 1 + MOST_ASIDES {
        let word = words.get(at)?;
        stats.step();
        if word.before == Break::Sentence {
            return None;
        }
        if word.is_any(&["you", "u", "your", "ur"]) {
            return Some(at);
        }
        if !word.is_any(ASIDES) {
            return None;
        }
    }
    None
}

/// "Your jealousy", "your constant nagging": a habit or person of the
/// partner's named right after "your".
fn conduct_noun_after(words: &[Word], subject: usize, stats: &mut Stats) -> Option<usize> {
    (subject + 1..=subject + 2).find(|&at| {
        stats.step();
        words
            .get(at)
            .is_some_and(|w| w.before != Break::Sentence && w.is_any(CONDUCT_NOUNS))
    })
}

/// The word naming the partner's conduct in the clause after "you", if the
/// clause is about their conduct and not their worth or what lies ahead.
fn conduct_after(words: &[Word], subject: usize, stats: &mut Stats) -> Option<usize> {
    let mut negated = false;
    // A line break or a comma may fall inside the clause; a full stop or
    // another subject ends it.
    let clause = words[subject + 1..]
        .iter()
        .take(CONDUCT_REACH)
        .take_while(|w| w.before != Break::Sentence && !w.is_any(OTHER_SUBJECTS));
    for (offset, word) in clause.enumerate() {
        stats.step();
        let at = subject + 1 + offset;
        let next_is = |choices: &[&str]| {
            words
                .get(at + 1)
                .is_some_and(|n| n.before != Break::Sentence && n.is_any(choices))
        };
        if word.is_any(KIND_TO_PARTNER) || (offset == 0 && word.is_any(MODALS)) {
            return None;
        }
        if word.is("never") && next_is(NEGLECT_AFTER_NEVER) {
            return Some(at + 1);
        }
        if word.is_any(ALWAYS) && next_is(ELSEWHERE) {
            return Some(at + 1);
        }
        if word.is_any(NEGATORS) {
            negated = true;
        } else if (word.is_any(CONDUCT) && !negated) || (word.is_any(ABSENT_GOOD) && negated) {
            return Some(at);
        }
    }
    None
}
