//! The request coach. The hurt partner asks the involved partner for one
//! specific, low-cost behaviour; the source text's rule is to leave little up
//! to assumption. The coach points at what would leave room for it: no
//! action anyone could see, a feeling instead of a behaviour, no time or
//! trigger, only a "don't" with nothing to do instead, or several behaviours
//! in one request.

use std::sync::OnceLock;

use super::phrases::{Hit, PhraseSet};
use super::words::{self, Break, Word};
use super::{Code, Finding, Findings, Stats};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Cue {
    Vague,
    Unmeasurable,
    /// A time, a frequency or a trigger.
    When,
    /// "And also": a second behaviour tacked on.
    AndAlso,
}

/// The phrase table. Syntax: see [`PhraseSet::new`]. Vague rows come before
/// unmeasurable ones so that "show me you love me" is read as one vague
/// phrase rather than also as the feeling "love me" inside it.
const PHRASES: &[(Cue, &str)] = &[
    (Cue::Vague, "(be|being) (more|a|so)? (honest|open|transparent|trustworthy|faithful|loyal|better|kinder|nicer|supportive|reliable|present|attentive|loving|caring|considerate|careful|affectionate|patient|available|real|good|sincere|genuine|perfect|involved|thoughtful|respectful)"),
    (Cue::Vague, "be there for (me|us)"),
    (Cue::Vague, "be (the|a) (person|man|woman|partner|husband|wife) (i|you)"),
    (Cue::Vague, "(do|try) (better|harder)"),
    (Cue::Vague, "try (your|my) (best|hardest)"),
    (Cue::Vague, "make (an|more|some|the)? effort"),
    (Cue::Vague, "make more of an effort"),
    (Cue::Vague, "(tell|show) me the truth"),
    (Cue::Vague, "put (in)? (more|some|an)? effort"),
    (Cue::Vague, "show me (that|how)? (much)? you (care|love|mean|are|want|value|respect|have|still)"),
    (Cue::Vague, "show me (that)? you are *"),
    (Cue::Vague, "show (that|how)? (much)? you (care|love|mean|are|want|value|respect)"),
    (Cue::Vague, "prove (it|that|to|you|yourself|me)"),
    (Cue::Vague, "pay (more)? attention"),
    (Cue::Vague, "communicate (more|better)"),
    (Cue::Vague, "open up"),
    (Cue::Vague, "care more"),
    (Cue::Vague, "respect (me|my|us)"),
    (Cue::Vague, "take (this|it|us|me|my|our) seriously"),
    (Cue::Vague, "work on (yourself|it|us|this|things|our|your)"),
    (Cue::Vague, "work harder"),
    (Cue::Vague, "step up"),
    (Cue::Vague, "change your (ways|behaviour|attitude)"),
    (Cue::Vague, "act like (you|a)"),
    (Cue::Vague, "do the right thing"),
    (Cue::Vague, "make (it|things|this) (right|up)"),
    (Cue::Vague, "fix (this|it|us|things)"),
    (Cue::Vague, "earn it"),
    (Cue::Vague, "put (me|us) first"),
    (Cue::Vague, "prioritise (me|us)"),
    (Cue::Vague, "make (me|us) (a|your) priority"),
    (Cue::Vague, "treat me (better|right|well)"),
    (Cue::Vague, "listen (to)? (me)? (better|more)"),
    (Cue::Vague, "consider my feelings"),
    (Cue::Unmeasurable, "(make|help|let) me feel"),
    (Cue::Unmeasurable, "i (want|need) to feel"),
    (Cue::Unmeasurable, "(be|feel) (truly|really|genuinely|actually|more|so)? (sorry|remorseful|guilty|bad|ashamed|happy|glad|proud|excited|grateful|thankful|attracted|interested|content)"),
    (Cue::Unmeasurable, "feel (the|my) pain"),
    (Cue::Unmeasurable, "feel (what|how) i"),
    (Cue::Unmeasurable, "(make|help) me (trust|believe|happy|love|forget|heal|safe|secure|whole)"),
    (Cue::Unmeasurable, "(earn|regain|rebuild|win|get) (back)? my trust"),
    (Cue::Unmeasurable, "(love|loving|want|wanting|desire|cherish|adore|miss|missing|believe|resent|resenting|fancy|appreciate) me"),
    (Cue::Unmeasurable, "care about (me|us|my|how|what)"),
    (Cue::Unmeasurable, "think (about|of) (me|us)"),
    (Cue::Unmeasurable, "(fall|falling|be|stay) back? in love"),
    (Cue::Unmeasurable, "find me (attractive|beautiful|sexy|desirable|interesting)"),
    (Cue::Unmeasurable, "enjoy (our|my|being|spending|time|us|it)"),
    (Cue::Unmeasurable, "look forward to"),
    (Cue::Unmeasurable, "understand (me|how|what|my|why)"),
    (Cue::Unmeasurable, "(really|truly)? mean it"),
    (Cue::Unmeasurable, "regret (it|this|what)"),
    (Cue::Unmeasurable, "(have|show) (some|more|real)? remorse"),
    (Cue::Unmeasurable, "forget (her|him|them|about)"),
    (Cue::When, "(every|each|daily|weekly|monthly|nightly|fortnightly|hourly|yearly|annually)"),
    (Cue::When, "(when|whenever|before|after|within|until|till|while|during|if|once|twice|times)"),
    (Cue::When, "(morning|mornings|evening|evenings|afternoon|afternoons|night|nights|tonight|today|tomorrow)"),
    (Cue::When, "(noon|midday|midnight|lunchtime|bedtime|weekday|weekdays|weekend|weekends|workday|workdays|weeknight|weeknights)"),
    (Cue::When, "(monday|tuesday|wednesday|thursday|friday|saturday|sunday)"),
    (Cue::When, "(mondays|tuesdays|wednesdays|thursdays|fridays|saturdays|sundays)"),
    (Cue::When, "(anytime|immediately|asap|o'clock)"),
    (Cue::When, "(christmas|easter|birthday|birthdays|anniversary|anniversaries|holidays)"),
    (Cue::When, "#time"),
    (Cue::When, "(at|by|from) #num"),
    (Cue::When, "at (lunch|dinner|breakfast|night|once)"),
    (Cue::When, "by (january|february|march|april|may|june|july|august|september|october|november|december)"),
    (Cue::When, "by the end"),
    (Cue::When, "next (week|month|time|weekend)"),
    (Cue::When, "at the next"),
    (Cue::When, "this (week|weekend|month)"),
    (Cue::When, "(right|straight) away"),
    (Cue::When, "the (moment|minute|second) (you|she|he|they|it)"),
    (Cue::When, "as soon as"),
    (Cue::When, "same day"),
    (Cue::When, "any time"),
    (Cue::When, "per (day|week|month)"),
    (Cue::AndAlso, "and also"),
];

pub(super) fn phrases() -> &'static PhraseSet<Cue> {
    static SET: OnceLock<PhraseSet<Cue>> = OnceLock::new();
    // A "don't" in a request is the request itself, not a denial, so no
    // phrase here is turned around by a negator.
    SET.get_or_init(|| PhraseSet::new(PHRASES, |_| false))
}

/// Verbs for things a partner can be seen or heard doing. A request whose
/// clause opens with one of these asks for a behaviour.
const ACTION_VERBS: &[&str] = &[
    "text",
    "call",
    "remind",
    "whisper",
    "repeat",
    "ring",
    "phone",
    "message",
    "email",
    "facetime",
    "tell",
    "show",
    "send",
    "share",
    "forward",
    "let",
    "give",
    "hand",
    "leave",
    "put",
    "place",
    "keep",
    "sit",
    "ask",
    "answer",
    "reply",
    "respond",
    "check",
    "come",
    "go",
    "walk",
    "hug",
    "kiss",
    "hold",
    "cook",
    "write",
    "read",
    "say",
    "introduce",
    "invite",
    "bring",
    "take",
    "meet",
    "join",
    "spend",
    "book",
    "plan",
    "schedule",
    "attend",
    "turn",
    "unlock",
    "delete",
    "block",
    "unfollow",
    "remove",
    "end",
    "cancel",
    "pick",
    "wait",
    "look",
    "listen",
    "sleep",
    "eat",
    "sign",
    "pay",
    "return",
    "report",
    "log",
    "update",
    "include",
    "stay",
    "wake",
    "set",
    "open",
    "hang",
    "drive",
    "cut",
    "close",
    "mention",
    "warn",
    "wear",
    "charge",
    "buy",
    "clean",
    "drop",
    "switch",
    "note",
    "list",
    "talk",
    "sit",
    "start",
    "finish",
    "make",
    "do",
    "get",
];

/// Verbs that name something done only with a real object: "make dinner",
/// "do the school run", "get home by six"; but not "make me feel", "do
/// better", "make it right".
const ACTION_NEEDS_OBJECT: &[&str] = &["make", "do", "get"];
const NOT_AN_OBJECT: &[&str] = &[
    "me", "us", "it", "things", "this", "that", "better", "harder", "an", "more", "some", "sure",
    "up", "over", "right",
];

/// "Start being honest", "keep feeling sorry": a verb that leads into a
/// state of being is not something anyone can see being done.
const INTO_A_STATE: &[&str] = &["being", "feeling"];

/// "Be home by six" is something to see; "be better" is not.
const BE_SOMEWHERE: &[&str] = &["home", "back", "on", "at", "in", "ready", "here", "there"];

/// Words that may stand before the verb of a request without changing it.
const FILLERS: &[&str] = &[
    "please", "also", "then", "and", "just", "always", "kindly", "simply", "really", "you", "so",
    "plus", "ideally", "maybe", "actually", "still",
];

/// After these, a verb belongs to a "when …" or "who …" part, not to a new
/// behaviour: "tell me when you leave work and get to the gym".
const SUBORDINATORS: &[&str] = &[
    "when", "whenever", "if", "before", "after", "while", "until", "till", "because", "since",
    "once", "where", "who", "what", "which", "how", "that", "whether", "unless", "as", "whom",
];

const JOINERS: &[&str] = &["and", "then", "also", "plus"];

/// Verbs that ask for words to be said or written. What follows them in the
/// clause is what to say, and saying it can be seen or heard, whatever
/// feeling it names: "tell me you love me every morning".
const SPEECH_VERBS: &[&str] = &[
    "tell", "telling", "say", "saying", "text", "texting", "write", "writing", "message",
    "whisper", "remind", "email", "repeat",
];

/// What follows a "no" that asks for something to end: "no more secrets".
const ENDINGS: &[&str] = &[
    "more", "longer", "contact", "secrets", "lies", "lying", "texting",
];

/// Reviews a request for a low-cost behaviour. Findings come in the order of
/// their start; findings about something missing (at `0..0`) come last.
pub fn review(text: &str) -> Vec<Finding> {
    review_with_stats(text).0
}

/// [`review`], with the work it took.
pub fn review_with_stats(text: &str) -> (Vec<Finding>, Stats) {
    let mut stats = Stats::default();
    let words = words::split(text, &mut stats);
    let hits = phrases().scan(&words, &mut stats);
    let said = words_to_say(&words, &mut stats);

    let mut flagged = Findings::default();
    let mut has_when = false;
    let mut and_also: Option<(usize, usize)> = None;
    let mut names_wish = false;
    for Hit { cue, first, last } in hits {
        let (start, end) = (words[first].start, words[last].end);
        match cue {
            Cue::Vague => {
                names_wish = true;
                flagged.push(Code::Vague, start, end);
            }
            Cue::Unmeasurable if said[first] => {}
            Cue::Unmeasurable => {
                names_wish = true;
                let within_vague = flagged
                    .last_of(Code::Vague)
                    .is_some_and(|v| v.start <= start && start < v.end);
                if !within_vague {
                    flagged.push(Code::Unmeasurable, start, end);
                }
            }
            Cue::When => has_when = true,
            Cue::AndAlso => and_also = Some(widen(and_also, start, end)),
        }
    }
    let mut findings = flagged.into_vec();

    let heads = Heads::of(&words, &mut stats);
    let bundled_heads = if heads.positive.count >= 2 {
        heads.positive.span
    } else if heads.positive.count == 0 && heads.negative.count >= 2 {
        heads.negative.span
    } else {
        None
    };
    let bundled = match (bundled_heads, and_also) {
        (Some((s, e)), Some((s2, e2))) => Some((s.min(s2), e.max(e2))),
        (one, other) => one.or(other),
    };
    if let Some((start, end)) = bundled {
        insert_in_order(&mut findings, Finding::at(Code::Bundled, start, end));
    }
    if heads.positive.count == 0 {
        if let Some((start, end)) = heads.negative.span {
            insert_in_order(&mut findings, Finding::at(Code::NegativeOnly, start, end));
        }
    }
    if heads.positive.count == 0 && heads.negative.count == 0 && !names_wish {
        findings.push(Finding::with_message(
            Code::Vague,
            0,
            0,
            "I can't find an action here that your partner could do and you could see.",
        ));
    }
    if !has_when {
        findings.push(Finding::missing(Code::NoWhen));
    }
    (findings, stats)
}

/// Which words stand in the words to say after a speech verb: from the verb
/// to the end of its clause, or to a joiner that starts another behaviour.
fn words_to_say(words: &[Word], stats: &mut Stats) -> Vec<bool> {
    let mut saying = false;
    words
        .iter()
        .map(|word| {
            stats.step();
            if word.before != Break::None || word.is_any(JOINERS) {
                saying = false;
            }
            let said = saying;
            saying |= word.is_any(SPEECH_VERBS);
            said
        })
        .collect()
}

fn widen(span: Option<(usize, usize)>, start: usize, end: usize) -> (usize, usize) {
    span.map_or((start, end), |(s, e)| (s.min(start), e.max(end)))
}

fn insert_in_order(findings: &mut Vec<Finding>, finding: Finding) {
    let at = findings.partition_point(|f| f.start <= finding.start);
    findings.insert(at, finding);
}

#[derive(Debug, Default)]
struct Tally {
    count: usize,
    span: Option<(usize, usize)>,
}

impl Tally {
    fn add(&mut self, first: &Word, last: &Word) {
        self.count += 1;
        self.span = Some(widen(self.span, first.start, last.end));
    }
}

/// The behaviours a request asks for: the verbs that open its clauses.
#[derive(Debug, Default)]
struct Heads {
    positive: Tally,
    negative: Tally,
}

/// Where the scan of `Heads::of` stands in the words.
struct Cursor<'w> {
    words: &'w [Word],
    index: usize,
}

impl<'w> Cursor<'w> {
    fn word(&self) -> &'w Word {
        &self.words[self.index]
    }

    /// The word `ahead` places further on, if no break comes first.
    fn near(&self, ahead: usize) -> Option<&'w Word> {
        self.words[self.index + 1..]
            .iter()
            .take(ahead)
            .all(|w| w.before == Break::None)
            .then(|| self.words.get(self.index + ahead))
            .flatten()
    }

    fn near_is(&self, ahead: usize, choices: &[&str]) -> bool {
        self.near(ahead).is_some_and(|w| w.is_any(choices))
    }

    /// Whether the word just before, with no break between, is one of these.
    fn previous_is(&self, choices: &[&str]) -> bool {
        self.index > 0
            && self.word().before == Break::None
            && self.words[self.index - 1].is_any(choices)
    }
}

/// The little state the scan carries from word to word: whether the next
/// word may open a behaviour ("slot"), and whether we are inside a "when …"
/// part where only "and call me" (a verb aimed at the requester) opens a new
/// one.
#[derive(Debug, Default)]
struct Clause {
    slot: bool,
    needs_me: bool,
    subordinate: bool,
}

impl Heads {
    /// One pass over the words, counting the behaviours they open.
    fn of(words: &[Word], stats: &mut Stats) -> Self {
        let mut heads = Heads::default();
        let mut clause = Clause::default();
        let mut at = Cursor { words, index: 0 };
        while at.index < words.len() {
            stats.step();
            if at.word().before != Break::None {
                clause = Clause {
                    slot: true,
                    ..Clause::default()
                };
            }
            let opened = if clause.slot {
                heads.open_slot(&at, &mut clause)
            } else {
                None
            };
            at.index += match opened {
                Some(advance) => advance,
                None => heads.inside_clause(&at, &mut clause),
            };
        }
        heads
    }

    /// A word where a behaviour may start: how far to move on when it was
    /// taken (a filler, "make sure", a negator, an action verb), `None` when
    /// the word is read as part of a clause instead.
    fn open_slot(&mut self, at: &Cursor<'_>, clause: &mut Clause) -> Option<usize> {
        let word = at.word();
        if word.is_any(FILLERS) {
            return Some(1);
        }
        if word.is("make") && at.near_is(1, &["sure"]) {
            return Some(2);
        }
        if !clause.needs_me {
            // The span runs over the verb that is being ruled out.
            let negator_length = if word.is("do") && at.near_is(1, &["not"]) {
                2
            } else if word.is_any(&["never", "stop", "quit", "not"]) {
                1
            } else {
                0
            };
            if negator_length > 0 {
                let ever = usize::from(at.near_is(negator_length, &["ever"]));
                let last = at
                    .near(negator_length + ever)
                    .or_else(|| at.near(negator_length - 1))
                    .unwrap_or(word);
                self.negative.add(word, last);
                clause.slot = false;
                return Some(negator_length);
            }
        }
        let aimed_at_me = at.near_is(1, &["me", "us", "my", "our"]);
        let has_object = at
            .near(1)
            .is_some_and(|w| !w.is_any(FILLERS) && !w.is_any(NOT_AN_OBJECT));
        let is_action = ((word.is_any(ACTION_VERBS)
            && (!word.is_any(ACTION_NEEDS_OBJECT) || has_object)
            && !at.near_is(1, INTO_A_STATE))
            || (word.is("be") && at.near_is(1, BE_SOMEWHERE)))
            && (!clause.needs_me || aimed_at_me);
        clause.slot = false;
        clause.needs_me = false;
        if is_action {
            self.positive.add(word, word);
            return Some(1);
        }
        None
    }

    /// A word inside a clause: wishes not to have something ("no more",
    /// "do not want"), "want to see", and the words that open the next slot.
    /// Returns how far to move on.
    fn inside_clause(&mut self, at: &Cursor<'_>, clause: &mut Clause) -> usize {
        let word = at.word();
        if !clause.subordinate {
            let ends = word.is("no") && at.near_is(1, ENDINGS);
            let never_want = word.is("never") && at.near_is(1, &["want", "need"]);
            if ends || never_want {
                self.negative.add(word, &at.words[at.index + 1]);
            } else if word.is("do") && at.near_is(1, &["not"]) && at.near_is(2, &["want", "need"]) {
                self.negative.add(word, &at.words[at.index + 2]);
            }
        }
        if word.is("to")
            && at.near_is(1, &["see", "know", "hear", "read"])
            && at.previous_is(&["want", "need", "like", "love"])
        {
            if let Some(verb) = at.near(1) {
                self.positive.add(verb, verb);
            }
            return 2;
        }
        if word.is_any(SUBORDINATORS) {
            clause.subordinate = true;
        } else if word.is_any(JOINERS) {
            clause.slot = true;
            clause.needs_me = clause.subordinate;
        } else if (word.is("to") && at.previous_is(&["you", "us"]))
            || (word.is("you") && at.previous_is(&["can", "could", "will", "would"]))
            || word.is("please")
        {
            clause.slot = true;
            clause.needs_me = false;
        }
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str) -> Vec<Code> {
        review(text).into_iter().map(|f| f.code).collect()
    }

    fn spans(text: &str, code: Code) -> Vec<&str> {
        crate::coach::marked(review(text), text, code)
    }

    #[test]
    fn specific_requests_have_no_findings() {
        for text in [
            "Text me when you leave work, each workday.",
            "Show me your phone's call log every Sunday evening when I ask.",
            "Tell me within the same day if she contacts you, every time.",
            "When she messages you, forward it to me within the hour.",
            "I'd like you to call me on your lunch break every weekday.",
            "Be home by six on weekdays.",
        ] {
            assert_eq!(review(text), [], "{text}");
        }
    }

    #[test]
    fn vague_points_at_the_phrase() {
        assert_eq!(spans("Be more honest.", Code::Vague), ["Be more honest"]);
        assert_eq!(codes("Try harder every day."), [Code::Vague]);
        assert_eq!(codes("Show me you care, every day."), [Code::Vague]);
    }

    #[test]
    fn a_request_without_any_action_is_vague_as_a_whole() {
        let findings = review("More honesty, every day.");
        assert_eq!(findings.len(), 1);
        assert_eq!(
            (findings[0].code, findings[0].start, findings[0].end),
            (Code::Vague, 0, 0)
        );
    }

    #[test]
    fn unmeasurable_points_at_the_feeling() {
        assert_eq!(
            spans("Make me feel safe every day.", Code::Unmeasurable),
            ["Make me feel"]
        );
        assert_eq!(
            codes("Make me trust you again by Christmas, every day."),
            [Code::Unmeasurable]
        );
        assert_eq!(
            codes("I want you to feel sorry, every day."),
            [Code::Unmeasurable]
        );
    }

    #[test]
    fn no_when_is_reported_when_nothing_says_when() {
        assert_eq!(codes("Text me."), [Code::NoWhen]);
        assert_eq!(codes("Text me at 6pm."), []);
        assert_eq!(codes("Text me on Sundays."), []);
        assert_eq!(codes("Text me by March 3."), []);
        assert_eq!(codes("Text me at 6."), []);
    }

    #[test]
    fn negative_only_points_at_the_dont() {
        assert_eq!(
            spans("Don't ever call her, if she asks.", Code::NegativeOnly),
            ["Don't ever call"]
        );
        assert_eq!(spans("Stop.", Code::NegativeOnly), ["Stop"]);
        assert_eq!(
            spans("Don't lie to me, ever, whenever I ask.", Code::NegativeOnly),
            ["Don't lie"]
        );
        assert_eq!(
            codes("Stop seeing her, starting today."),
            [Code::NegativeOnly]
        );
        assert_eq!(
            codes("Never text her again after today."),
            [Code::NegativeOnly]
        );
        assert_eq!(
            codes("I don't want you to see her, from today."),
            [Code::NegativeOnly]
        );
        assert_eq!(codes("No more secrets from today."), [Code::NegativeOnly]);
    }

    #[test]
    fn a_dont_with_the_step_to_take_instead_is_fine() {
        assert_eq!(
            codes("Don't reply to her; tell me the same day if she texts you."),
            []
        );
    }

    #[test]
    fn bundled_spans_the_behaviours() {
        let text = "Text me when you leave work and call me when you arrive.";
        assert_eq!(codes(text), [Code::Bundled]);
        assert_eq!(
            spans(text, Code::Bundled),
            ["Text me when you leave work and call"]
        );
        assert_eq!(
            codes("Tell me when you meet her and also every Sunday."),
            [Code::Bundled]
        );
        assert_eq!(
            codes("Text me at noon, call me at 5pm; hug me at 7pm."),
            [Code::Bundled]
        );
        assert_eq!(codes("Tell me when you leave work and get to the gym."), []);
    }

    #[test]
    fn words_to_say_are_observable_whatever_feeling_they_name() {
        for text in [
            "Tell me you love me every morning before work.",
            "Write me a card saying you love me on my birthday.",
            "Remind me that you want to be with me every Sunday night.",
        ] {
            assert_eq!(review(text), [], "{text}");
        }
        assert_eq!(
            spans(
                "Tell me the truth and make me feel safe, every day.",
                Code::Unmeasurable
            ),
            ["make me feel"]
        );
    }

    #[test]
    fn feelings_without_a_behaviour_are_unmeasurable() {
        assert_eq!(
            spans("Miss me when you're away.", Code::Unmeasurable),
            ["Miss me"]
        );
        assert_eq!(codes("Be proud of me."), [Code::Unmeasurable, Code::NoWhen]);
        assert_eq!(
            codes("Stop resenting me."),
            [Code::NegativeOnly, Code::Unmeasurable, Code::NoWhen]
        );
        assert_eq!(codes("Show me you love me every day."), [Code::Vague]);
    }

    #[test]
    fn several_donts_are_bundled_too() {
        assert_eq!(
            codes("Don't text her and don't call her, ever, from today."),
            [Code::Bundled, Code::NegativeOnly]
        );
    }
}
