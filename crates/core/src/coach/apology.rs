//! The apology coach. It reads what the involved partner wrote and points at
//! the patterns that turn an apology into a non-apology ("sorry if", "but",
//! blame, minimising, passive voice, pressure to move on, an apology that is
//! mostly about the writer), and at the parts a genuine apology needs and
//! this one does not have yet: the impact on the partner, ownership of the
//! choice, and what will change.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::contrast::{blame_after_contrast, buts_after_sorry};
use super::phrases::{Hit, PhraseSet};
use super::words::{self, Break, Word};
use super::{merge_in_order, Code, Finding, Findings, Stats};

/// What a phrase in the apology table tells the coach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Cue {
    /// A pattern to point at.
    Flag(Code),
    /// A sentence about the writer's own pain.
    OwnPain,
    /// The writer's pain set against the partner's ("I am the one suffering
    /// most"): self-focus even in a single sentence.
    PainCompared,
    /// Ownership of the choice.
    Ownership,
    /// Something that will be different.
    Change,
}

const CONDITIONAL: Cue = Cue::Flag(Code::Conditional);
const BLAME: Cue = Cue::Flag(Code::BlameShift);
const MINIMISING: Cue = Cue::Flag(Code::Minimising);
const PASSIVE: Cue = Cue::Flag(Code::PassiveVoice);
const PRESSURE: Cue = Cue::Flag(Code::PressureToForgive);
const OWN_PAIN: Cue = Cue::OwnPain;
const PAIN_COMPARED: Cue = Cue::PainCompared;
const OWNERSHIP: Cue = Cue::Ownership;
const CHANGE: Cue = Cue::Change;

/// The phrase table. Syntax: see [`PhraseSet::new`]. Contractions are
/// already split by the word splitter, so "didn't" is written "did not" and
/// "I'll" is "i will".
const PHRASES: &[(Cue, &str)] = &[
    // "If" and its cousins make the hurt hypothetical.
    (CONDITIONAL, "(sorry|apologise|apologies|apology|regret) if"),
    (CONDITIONAL, "(regret|apologise) (it|that|for) if"),
    (CONDITIONAL, "(sorry|apologise|apologies) for (anything|whatever)"),
    (CONDITIONAL, "sorry that? you (feel|felt) (that|this) way"),
    (CONDITIONAL, "sorry that? you (feel|felt) like that"),
    (CONDITIONAL, "sorry that? you (took|take|see|saw) it (that|this) way"),
    (CONDITIONAL, "sorry that? you (think|thought)"),
    (CONDITIONAL, "sorry that? you (were|are|got) (offended|upset|bothered)"),
    (CONDITIONAL, "if i (hurt|upset|offended|disappointed|wronged|caused|embarrassed|scared)"),
    (CONDITIONAL, "if i (have|had|ever) (hurt|upset|offended|disappointed|wronged|caused|embarrassed)"),
    (CONDITIONAL, "if i did (anything|something)"),
    (CONDITIONAL, "if i made you (feel|upset|sad|angry|cry|worry)"),
    (CONDITIONAL, "if (you|anyone) (were|are|was|felt|feel|got|get) (hurt|offended|upset|disappointed|bothered|sad|uncomfortable|betrayed)"),
    (CONDITIONAL, "if you (have|had) been (hurt|offended|upset|disappointed)"),
    (CONDITIONAL, "if you (feel|felt|think|thought) (that|like)? i"),
    (CONDITIONAL, "if you (took|take) it"),
    (CONDITIONAL, "if (that|it|this) (hurt|hurts|upset|upsets|offended|caused|bothered|bothers)"),
    (CONDITIONAL, "if (that|it|this) (has|have) (hurt|upset|offended|caused)"),
    // "If my texting with Sam upset you": whatever stands between the "if"
    // and the hurt, the hurt is still in doubt.
    (CONDITIONAL, "if (my|the|what|anything|something|any|all|our) *? *? *? (hurt|hurts|upset|upsets|offended|bothered|bothers|caused)"),
    (CONDITIONAL, "if any of (this|that|it) (hurt|upset|offended)"),
    (CONDITIONAL, "if anything i"),
    (CONDITIONAL, "if (that|this) is how you (feel|see)"),
    (CONDITIONAL, "to the extent that"),
    (CONDITIONAL, "whatever i did"),
    (CONDITIONAL, "in case you (were|felt)"),
    // Blame: the partner's conduct as the cause.
    (BLAME, "you (made|forced|drove|pushed) me"),
    (BLAME, "you make me (do|feel|want|act|cheat|lie|go)"),
    (BLAME, "because (you|u) (were|was|are|never|always|did|had|kept|stopped|pushed|ignored|left|chose|would|refused|spent|work|worked|seemed|made|started|shut|froze|neglected|rejected|acted|treated|wanted|could|care|cared|nag|nagged)"),
    (BLAME, "because of (you|your)"),
    (BLAME, "because your"),
    (BLAME, "if you (had|would) not"),
    (BLAME, "if you did not"),
    (BLAME, "if you (had|would) (been|have|paid|listened|given|shown|cared|just|only|spent|noticed|tried|bothered|wanted|made|stayed|come|talked|loved|touched)"),
    (BLAME, "if you (were|was) (more|less|home|there|around|ever|nicer|kinder|warmer|present|available|not|just)"),
    (BLAME, "if you (paid|listened|cared|noticed|tried|bothered|touched|talked|loved)"),
    (BLAME, "you (left|gave) me (no|with)"),
    (BLAME, "left me no (choice|option)"),
    (BLAME, "i had no (other)? (choice|option)"),
    (BLAME, "what (did|do) you expect"),
    (BLAME, "you were never (there|home|around|available|interested)"),
    (BLAME, "you were (always|so|too) (busy|cold|distant|angry|away|working|tired|critical|absent|closed)"),
    (BLAME, "you (never|always) (listened|noticed|touched|gave|showed|talked|paid|worked|nagged|criticised|complained|ignored)"),
    (BLAME, "you never (wanted|cared|had|made)"),
    (BLAME, "you (neglected|ignored|rejected|abandoned) me"),
    (BLAME, "you stopped (touching|talking|caring|listening|paying|wanting|being)"),
    (BLAME, "your (coldness|distance|anger|nagging|behaviour|temper|job|work|drinking|absence|silence) (made|pushed|drove|left|forced)"),
    (BLAME, "not (all|entirely|only|just|completely|totally|solely)? my fault"),
    (BLAME, "not (all|entirely|only|just)? on me"),
    (BLAME, "your fault (too|also|as)"),
    (BLAME, "(partly|also) your fault"),
    (BLAME, "you (are|were) (partly|also|equally) (to|responsible|at)"),
    (BLAME, "it takes two"),
    (BLAME, "on both sides"),
    (BLAME, "both to blame"),
    (BLAME, "you (started|did) (it|this) first"),
    (BLAME, "you did the same"),
    (BLAME, "you (cheated|lied) (too|first)"),
    (BLAME, "what about (you|your|what)"),
    // Minimising: making it sound smaller than it was.
    (MINIMISING, "it (was|is) (just|only|merely|simply) (a|an|one|some) *"),
    (MINIMISING, "it (was|is) (just|only|merely|simply) (once|twice|texting|talking|flirting|sex|physical|lunch|coffee|drinks|friends|online|messages|words|fun|kissing|chatting|harmless|innocent|nothing|sexual|emotional)"),
    (MINIMISING, "(it|that|this) (was|is) (nothing|harmless|innocent|meaningless)"),
    (MINIMISING, "(just|only|merely) (once|twice|kissing|kissed|texting|talking|flirting|flirted|chatting|friends|sex|physical|online|lunch|coffee|drinks|words|fun|texts|messages|emails|emotional|sexual)"),
    (MINIMISING, "(just|only|merely) (talked|texted|chatted|met|kissed|hugged)"),
    (MINIMISING, "(just|only|merely) (a|an|one|some) (kiss|fling|crush|mistake|phase|game|friend|friendship|text|few|couple|bit|night|time|hug|drink|lunch|coffee|slip|conversation|chat|message|distraction|dinner|date|lapse|misunderstanding)"),
    (MINIMISING, "(just|only) the (once|one)"),
    (MINIMISING, "(only|just) happened (once|twice)"),
    (MINIMISING, "happened (only|just) (once|twice)"),
    (MINIMISING, "nothing (really|actually|much|serious|physical|sexual)? happened"),
    (MINIMISING, "(did|does) not mean (anything|a|much)"),
    (MINIMISING, "(meant|means|mean) (nothing|little)"),
    (MINIMISING, "no big deal"),
    (MINIMISING, "not (a|such) (big|huge) deal"),
    (MINIMISING, "not such a big deal"),
    (MINIMISING, "not that (big|bad|serious)"),
    (MINIMISING, "not as bad as"),
    (MINIMISING, "(was|is|were) not serious"),
    (MINIMISING, "(blown|blowing|blow) (this|it|things)? out of proportion"),
    (MINIMISING, "(overreacting|overreact)"),
    (MINIMISING, "over (reacting|react)"),
    (MINIMISING, "making (too|a|such) (much|big|mountain)"),
    (MINIMISING, "harmless"),
    (MINIMISING, "meaningless"),
    (MINIMISING, "innocent (fun|flirting|flirt|texts|messages|friendship|conversation|conversations|chat|chats)"),
    (MINIMISING, "(a|one) (small|little|tiny|white) lie"),
    (MINIMISING, "white lies"),
    (MINIMISING, "at least (i|we) (did|was|were|never|only|told|stopped|ended)"),
    (MINIMISING, "at least (it|that) (was|did|never|only|is)"),
    (MINIMISING, "at least nothing"),
    (MINIMISING, "could have been (much|a|way)? (lot)? worse"),
    (MINIMISING, "one (time|off) thing"),
    (MINIMISING, "not like (i|we|it) (slept|had|left|was|fell|were|meant)"),
    // Passive voice: things happening with nobody doing them.
    (PASSIVE, "mistakes (were|got) made"),
    (PASSIVE, "mistakes (have|had) been made"),
    (PASSIVE, "mistakes (happened|happen)"),
    (PASSIVE, "things (just)? (happened|escalated|developed|progressed)"),
    (PASSIVE, "things (got|get|went) out of (hand|control)"),
    (PASSIVE, "things (got|get|went) (wrong|messy|complicated|carried)"),
    (PASSIVE, "things (got|went) too far"),
    (PASSIVE, "things (have|had) (gone|got|gotten) (wrong|too)"),
    (PASSIVE, "things (have|had) (gone|got|gotten) out of (hand|control)"),
    (PASSIVE, "things were (said|done)"),
    (PASSIVE, "it (all)? just happened"),
    (PASSIVE, "it all happened"),
    (PASSIVE, "(stuff|something) (just)? happened"),
    (PASSIVE, "these things happen"),
    (PASSIVE, "(things|stuff) like (this|that) happen"),
    (PASSIVE, "(it|this|that) (got|went) out of (hand|control)"),
    (PASSIVE, "(it|this|that) (got|went) too far"),
    (PASSIVE, "one thing led to another"),
    (PASSIVE, "feelings (developed|grew|happened|formed|started|got|were)"),
    (PASSIVE, "(lines|line|boundaries|boundary) (was|were|got) crossed"),
    (PASSIVE, "(hurt|pain|damage|harm) was (caused|done)"),
    (PASSIVE, "(got|were|was) carried away"),
    (PASSIVE, "sorry that? you (got|were) hurt"),
    // Pressure: asking the hurt partner to be finished.
    (PRESSURE, "you (need|have|ought|got|must) to (forgive|move|let|get|trust|stop|accept)"),
    (PRESSURE, "you (should|must) (forgive|move|let|get|trust|stop|accept)"),
    (PRESSURE, "i need you to (forgive|move|trust|let|get)"),
    (PRESSURE, "forgive me already"),
    (PRESSURE, "just forgive me"),
    (PRESSURE, "forgive and forget"),
    (PRESSURE, "can we (just|please)? (move|put|get|forget|leave|drop)"),
    (PRESSURE, "let us (just|please)? (move|put|forget|leave|drop)"),
    (PRESSURE, "we (need|have|should|must|ought) to (move|put|forget|leave|let)"),
    (PRESSURE, "time to (move|let|put|forget)"),
    (PRESSURE, "(move|moving) on (already|now)"),
    (PRESSURE, "put (this|it|that|everything|all) behind"),
    (PRESSURE, "put the past behind"),
    (PRESSURE, "get over (it|this|that)"),
    (PRESSURE, "already (said|apologised)"),
    (PRESSURE, "(said|say) sorry (already|enough|again)"),
    (PRESSURE, "(said|say) sorry (a|so) (hundred|thousand|million|many|lot)"),
    (PRESSURE, "(said|say) sorry (many|several|countless|so) (times|often)"),
    (PRESSURE, "apologised (already|enough|again)"),
    (PRESSURE, "apologised (a|so) (hundred|thousand|million|many|lot)"),
    (PRESSURE, "apologised (many|several|countless|so) (times|often)"),
    (PRESSURE, "how many (more)? times"),
    (PRESSURE, "what (more|else) do you want"),
    (PRESSURE, "how long (are|will|must|do|is|does|until) (you|this|i)"),
    (PRESSURE, "when will you (forgive|stop|get|move|let|trust|be)"),
    (PRESSURE, "stop (bringing|mentioning|punishing|dwelling|asking)"),
    (PRESSURE, "keep (bringing|mentioning) (it|this|that)"),
    (PRESSURE, "drop it"),
    (PRESSURE, "let (it|this|that) go"),
    (PRESSURE, "water under the bridge"),
    (PRESSURE, "the past is the past"),
    (PRESSURE, "in the past now"),
    (PRESSURE, "dwell on (it|this|the)"),
    // The writer's own pain: counted per sentence for self-focus.
    (OWN_PAIN, "i (feel|felt) (so|really|very|just|absolutely|completely)? (terrible|awful|horrible|bad|sick|guilty|ashamed|broken|lost|empty|worthless|miserable|lonely|alone|scared|exhausted|disgusting|disgusted|hopeless|stupid|crushed|devastated|destroyed|trapped|numb|low|dreadful|wretched|ill|dirty)"),
    (OWN_PAIN, "i (feel|felt) like (a|such|dirt|garbage|trash|crap|nothing)"),
    (OWN_PAIN, "i (am|was) (so|really|very|completely|totally|just|absolutely)? (miserable|suffering|struggling|broken|depressed|devastated|destroyed|exhausted|hurting|crushed|lonely|wrecked|heartbroken|tormented|drowning|drained|numb|terrified|ashamed|sick)"),
    (OWN_PAIN, "i have been (so|really|very|completely|totally|just|absolutely)? (miserable|suffering|struggling|broken|depressed|devastated|destroyed|exhausted|hurting|crushed|lonely|wrecked|heartbroken|tormented|drowning|drained|numb|terrified|crying|sick|shaking|trembling|panicking)"),
    (OWN_PAIN, "i (keep|am|was) (shaking|trembling|panicking|vomiting)"),
    (OWN_PAIN, "i (am|was) (falling|going) (apart|crazy|insane|mad)"),
    (OWN_PAIN, "i (am|was) (such)? (a|an) (absolute|complete|total|utter|mess|wreck|monster|terrible|horrible|bad|awful|failure|disaster)"),
    (OWN_PAIN, "i (am|was) in (pain|hell|agony|tears|pieces|bits)"),
    (OWN_PAIN, "i have been in (pain|hell|agony|tears|pieces|bits)"),
    (OWN_PAIN, "(hard|difficult|painful|tough|horrible|awful|terrible|hell|torture|unbearable) (it|this|that)? (is|was|has)? (been)? (for|on) me"),
    (OWN_PAIN, "i (can|could) not (even)? (sleep|eat|stop|focus|function|breathe|cope|bear|stand|live|think|work|concentrate|look|face|keep)"),
    (OWN_PAIN, "i can (barely|hardly) (sleep|eat|get|breathe|function|cope|think|work|focus|look|face)"),
    // Only "I" says "am", so these rows start there and leave the crowded
    // "i" entry of the table alone.
    (OWN_PAIN, "am not (sleeping|eating|coping|functioning|okay|ok)"),
    (OWN_PAIN, "i have been (a|an) (absolute|complete|total|utter)? (mess|wreck|failure|disaster)"),
    (OWN_PAIN, "(in|into) a (very|really|so)? dark place"),
    (OWN_PAIN, "i (have|had|get|got|keep) (panic|anxiety) attacks"),
    (OWN_PAIN, "i have been having (panic|anxiety|nightmares)"),
    (OWN_PAIN, "(the|this) (guilt|shame) (is|keeps|eats|has|hits|will)"),
    (OWN_PAIN, "my (chest|head|stomach|body) (hurts|aches)"),
    (OWN_PAIN, "am living (in|through|a) (a|nightmare|hell)"),
    (OWN_PAIN, "i have not (slept|eaten|been)"),
    (OWN_PAIN, "i (hate|loathe|despise) (myself|who|what)"),
    (OWN_PAIN, "i (cry|cried)"),
    (OWN_PAIN, "i (am|keep) crying"),
    (OWN_PAIN, "i have cried"),
    (OWN_PAIN, "my (pain|guilt|shame|suffering|heartbreak|depression|anxiety|misery|torment)"),
    (OWN_PAIN, "my heart (is|has|aches|breaks|races|pounds|sinks|hurts)"),
    (OWN_PAIN, "my (whole)? (life|world) (is|has|was|fell|collapsed)"),
    (OWN_PAIN, "i (do|did) not deserve (to|you|this|any)"),
    (OWN_PAIN, "(nobody|noone) (understands|knows|cares)"),
    (OWN_PAIN, "no one (understands|knows|cares)"),
    (OWN_PAIN, "(poor|pity) me"),
    (OWN_PAIN, "i have lost (everything|so|my|weight|sleep|all)"),
    // The writer's pain measured against the partner's.
    (PAIN_COMPARED, "am the (one|person) (suffering|hurting|struggling)"),
    (PAIN_COMPARED, "am the (one|person) who is (suffering|hurting|struggling)"),
    (PAIN_COMPARED, "am the (one|person) who has been (suffering|hurting|struggling)"),
    (PAIN_COMPARED, "am (suffering|hurting|struggling) (most|more)"),
    (PAIN_COMPARED, "am (suffering|hurting|struggling) the most"),
    (PAIN_COMPARED, "am (suffering|hurting|struggling) (just|as) (as|much)"),
    (PAIN_COMPARED, "(harder|worse|tougher) (on|for) me than"),
    (PAIN_COMPARED, "you are not the only one (hurting|suffering|struggling|in|who)"),
    (PAIN_COMPARED, "what about (me|my|mine)"),
    // Ownership of the choice.
    (OWNERSHIP, "my (own)? (choice|choices|fault|decision|decisions|responsibility|doing|wrongdoing)"),
    (OWNERSHIP, "i (chose|choose|decided)"),
    (OWNERSHIP, "i (made|make) (the|that|this|a|my|those|these|every|each|all) (choice|choices|decision|decisions)"),
    (OWNERSHIP, "i (am|was) (fully|completely|solely|entirely|totally|wholly|alone)? (responsible|accountable)"),
    (OWNERSHIP, "i (am|was) (fully|completely|solely|entirely|totally|wholly|alone)? to blame"),
    (OWNERSHIP, "i (am|was) (fully|completely|solely|entirely|totally|wholly|alone)? at fault"),
    (OWNERSHIP, "i (am|was) the (one|person) (who|to|responsible)"),
    (OWNERSHIP, "i alone (am|was)"),
    (OWNERSHIP, "(choice|choices|decision|decisions|fault|lie|lies|lying|responsibility|dishonesty|deceit|deception|betrayal|secret|secrets|doing|wrongdoing|actions|cheating) (was|is|were|are) (all|entirely)? mine"),
    (OWNERSHIP, "(nobody|noone) else"),
    (OWNERSHIP, "no one else"),
    (OWNERSHIP, "(blame|responsibility|fault) is (all|entirely)? (mine|on)"),
    (OWNERSHIP, "(it|this|that) (is|was) (all|entirely|completely|fully)? on me"),
    (OWNERSHIP, "i take (full|complete|total|all|the)? (responsibility|ownership|blame|accountability)"),
    (OWNERSHIP, "i own (this|it|what|my|that|all|every|the|up)"),
    (OWNERSHIP, "(nobody|noone) (else)? (made|forced|pushed|drove) me"),
    (OWNERSHIP, "no one (else)? (made|forced|pushed|drove) me"),
    (OWNERSHIP, "no (excuse|excuses)"),
    (OWNERSHIP, "not (an|any) excuse"),
    (OWNERSHIP, "not your fault"),
    (OWNERSHIP, "nothing you did"),
    (OWNERSHIP, "none of (this|it|that) (is|was) your fault"),
    (OWNERSHIP, "you did nothing (wrong|to)"),
    (OWNERSHIP, "because of me"),
    (OWNERSHIP, "i was wrong"),
    (OWNERSHIP, "i did (this|it|that)"),
    // What will be different.
    (CHANGE, "i (will|shall)"),
    (CHANGE, "i am going to"),
    (CHANGE, "i am (starting|learning|working|changing|seeing|attending|meeting|keeping|reading|doing|taking|committed|committing|making|building|getting|ending|trying|telling|giving|answering|showing)"),
    (CHANGE, "from (now|today|here) on"),
    (CHANGE, "from (today|tonight)"),
    (CHANGE, "from this day"),
    (CHANGE, "(going|moving) forward"),
    (CHANGE, "never again"),
    (CHANGE, "i have (started|stopped|ended|blocked|deleted|booked|joined|begun|changed|cut|set|found|signed|cancelled|quit|moved|arranged|enrolled|removed|closed|unfollowed)"),
    (CHANGE, "i (blocked|ended) (her|him|them|it|all|contact|every|things)"),
    // The means of the betrayal taken away: "I deleted the app", "I
    // closed the card". Not "I deleted the messages", which hid it.
    (CHANGE, "i (deleted|blocked|unfollowed|removed|uninstalled) (his|her|their|the|that|my)? (number|account|app|apps|profile|contact|details)"),
    (CHANGE, "i (closed|cancelled|canceled|cut|froze) (the|my|that|our)? (account|accounts|card|cards|credit|membership|subscription)"),
    // "ill" typed for "I'll": the adjective is never followed by a verb.
    (CHANGE, "ill (tell|show|be|give|stop|answer|keep|go|never|always|call|text|come|start|make|delete|block|end|put|let|work|do|send|try|prove|check|stay|spend|take|find|get)"),
    (CHANGE, "i cut (off|her|him|them|contact|ties)"),
    (CHANGE, "i (promise|commit)"),
    (CHANGE, "i want to change"),
    (CHANGE, "i (plan|intend) to (change|learn|become|start|stop|keep|show|rebuild|earn|tell|answer|give|make)"),
    (CHANGE, "my plan"),
    (CHANGE, "i no longer"),
    (CHANGE, "i have told (her|him|them|my)"),
    (CHANGE, "(each|every) (day|week|morning|evening|night|time) i"),
];

pub(super) fn phrases() -> &'static PhraseSet<Cue> {
    static SET: OnceLock<PhraseSet<Cue>> = OnceLock::new();
    // "Sorry if" stays conditional even after a "not"; every other phrase
    // is turned around by a negator just before it.
    SET.get_or_init(|| PhraseSet::new(PHRASES, |cue| cue != CONDITIONAL))
}

/// Verbs that report what the writer said back then: "I told you it was
/// just a friendship" quotes the old lie, it does not make it smaller now.
const SAYING: &[&str] = &[
    "said",
    "told",
    "claimed",
    "swore",
    "pretended",
    "insisted",
    "saying",
    "telling",
    "claiming",
];

/// Before a verb of saying, these make it an insistence, not a report:
/// "I have told you it meant nothing", "I keep telling you".
const INSISTING: &[&str] = &["have", "has", "already", "keep", "kept"];

/// How many words after a verb of saying a phrase is still what was said.
const REPORT_REACH: usize = 4;

/// Which words stand in what the writer reports having said: shortly after
/// a verb of saying, with no punctuation between ("I've told you, it was
/// nothing" insists on it now).
fn reported(words: &[Word], stats: &mut Stats) -> Vec<bool> {
    let mut since_saying: Option<usize> = None;
    let mut previous: Option<&Word> = None;
    words
        .iter()
        .map(|word| {
            stats.step();
            if word.before != Break::None {
                since_saying = None;
            }
            let reported = since_saying.is_some_and(|n| n < REPORT_REACH);
            let insists = previous.is_some_and(|p| p.is_any(INSISTING));
            since_saying = if word.is_any(SAYING) && !insists {
                Some(0)
            } else {
                since_saying.map(|n| n + 1)
            };
            previous = Some(word);
            reported
        })
        .collect()
}

const PARTNER_WORDS: &[&str] = &["you", "your", "yours", "yourself"];
const IMPACT_WORDS: &[&str] = &["impact", "impacted", "impacts"];

/// An apology written in parts, the way the apology flow asks for it.
/// `Factors` is what influenced the choice, shared only after owning it:
/// text while drafting (empty when left out), `Option<String>` once sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApologyParts<Factors = String> {
    pub what_i_did: String,
    pub impact: String,
    pub responsibility: String,
    pub remorse: String,
    pub changes: String,
    pub repair: String,
    pub factors: Factors,
}

impl<Factors> ApologyParts<Factors> {
    /// The six ownership parts' field names with their text, in the order
    /// they are written.
    pub fn owned(&self) -> [(&'static str, &str); 6] {
        [
            ("what_i_did", &self.what_i_did),
            ("impact", &self.impact),
            ("responsibility", &self.responsibility),
            ("remorse", &self.remorse),
            ("changes", &self.changes),
            ("repair", &self.repair),
        ]
    }
}

impl ApologyParts {
    /// Each part's field name with its text, in the order they are written.
    pub fn named(&self) -> Vec<(&'static str, &str)> {
        let mut named = self.owned().to_vec();
        named.push(("factors", &self.factors));
        named
    }
}

/// A finding about one part of an apology; its offsets are relative to that
/// part's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartFinding {
    pub part: &'static str,
    pub finding: Finding,
}

/// Reviews a whole apology written as one text. Findings come in the order
/// of their start; findings about missing parts (at `0..0`) come last.
pub fn review(text: &str) -> Vec<Finding> {
    review_with_stats(text).0
}

/// [`review`], with the work it took.
pub fn review_with_stats(text: &str) -> (Vec<Finding>, Stats) {
    let mut stats = Stats::default();
    let scan = Scan::of(text, &mut stats);
    let mut findings = scan.findings;
    let focus = SelfFocus::of(&[&scan.sentences]);
    if focus.is_lopsided() {
        if let Some((start, end)) = scan.sentences.own_pain_span {
            insert_in_order(&mut findings, Finding::at(Code::SelfFocus, start, end));
        }
    }
    if !scan.mentions_impact {
        findings.push(Finding::missing(Code::NoImpact));
    }
    if !scan.owns_choice {
        findings.push(Finding::missing(Code::NoResponsibility));
    }
    if !scan.names_change {
        findings.push(Finding::missing(Code::NoChange));
    }
    (findings, stats)
}

/// Reviews an apology written in parts. Each part is read on its own; the
/// impact, responsibility and changes parts are also checked for doing
/// their job, and self-focus is judged over the whole apology and reported
/// on the part that carries most of it.
pub fn review_parts(parts: &ApologyParts) -> Vec<PartFinding> {
    review_parts_with_stats(parts).0
}

/// [`review_parts`], with the work it took.
pub fn review_parts_with_stats(parts: &ApologyParts) -> (Vec<PartFinding>, Stats) {
    let mut stats = Stats::default();
    let named = parts.named();
    let scans: Vec<(&'static str, Scan)> = named
        .iter()
        .map(|&(name, text)| (name, Scan::of(text, &mut stats)))
        .collect();
    let sentences: Vec<&Sentences> = scans.iter().map(|(_, scan)| &scan.sentences).collect();
    let focus = SelfFocus::of(&sentences);
    let focus_part = focus
        .is_lopsided()
        .then(|| {
            scans
                .iter()
                .enumerate()
                .max_by_key(|(index, (_, scan))| {
                    (scan.sentences.own_pain, std::cmp::Reverse(*index))
                })
                .map(|(index, _)| index)
        })
        .flatten();

    let mut out = Vec::new();
    for (index, (name, scan)) in scans.into_iter().enumerate() {
        let mut findings = scan.findings;
        if focus_part == Some(index) {
            if let Some((start, end)) = scan.sentences.own_pain_span {
                insert_in_order(&mut findings, Finding::at(Code::SelfFocus, start, end));
            }
        }
        let missing = match name {
            "impact" if !scan.mentions_impact => Some((
                Code::NoImpact,
                "This part doesn't yet say how what you did affected your partner.",
            )),
            "responsibility" if !scan.owns_choice => Some((
                Code::NoResponsibility,
                "This part doesn't yet name the choice as yours and the responsibility as yours.",
            )),
            "changes" if !scan.names_change => Some((
                Code::NoChange,
                "This part doesn't yet say what you will do differently.",
            )),
            _ => None,
        };
        if let Some((code, message)) = missing {
            findings.push(Finding::with_message(code, 0, 0, message));
        }
        out.extend(findings.into_iter().map(|finding| PartFinding {
            part: name,
            finding,
        }));
    }
    (out, stats)
}

fn insert_in_order(findings: &mut Vec<Finding>, finding: Finding) {
    let at = findings.partition_point(|f| !f.is_missing_part() && f.start <= finding.start);
    findings.insert(at, finding);
}

/// What one read of a text found.
struct Scan {
    /// Flagged patterns, in order of start.
    findings: Vec<Finding>,
    sentences: Sentences,
    mentions_impact: bool,
    owns_choice: bool,
    names_change: bool,
}

/// Sentence counts for self-focus.
#[derive(Debug, Default)]
struct Sentences {
    total: usize,
    /// Sentences with a phrase about the writer's own pain.
    own_pain: usize,
    /// Sentences that speak of the partner and not of the writer's pain.
    about_partner: usize,
    /// From the first own-pain phrase to the end of the last one.
    own_pain_span: Option<(usize, usize)>,
    /// Whether the writer sets their pain against the partner's.
    compared: bool,
}

impl Scan {
    fn of(text: &str, stats: &mut Stats) -> Self {
        let words = words::split(text, stats);
        let hits = phrases().scan(&words, stats);
        let reported = reported(&words, stats);
        let mut flagged = Findings::default();
        let mut owns_choice = false;
        let mut names_change = false;
        let mut pain_in_sentence = vec![false; words.last().map_or(0, |w| w.sentence + 1)];
        let mut own_pain_span: Option<(usize, usize)> = None;
        let mut compared = false;
        // Where each sentence's first promise starts: "you" after it is who
        // the promise is made to, not who was hurt.
        let mut promise_from = vec![usize::MAX; pain_in_sentence.len()];
        for Hit { cue, first, last } in hits {
            let (start, end) = (words[first].start, words[last].end);
            match cue {
                Cue::Flag(Code::Minimising | Code::PassiveVoice) if reported[first] => {}
                Cue::Flag(code) => flagged.push(code, start, end),
                Cue::OwnPain | Cue::PainCompared => {
                    compared |= cue == Cue::PainCompared;
                    pain_in_sentence[words[first].sentence] = true;
                    own_pain_span = Some(match own_pain_span {
                        Some((from, to)) => (from, to.max(end)),
                        None => (start, end),
                    });
                }
                Cue::Ownership => owns_choice = true,
                Cue::Change => {
                    names_change = true;
                    let from = &mut promise_from[words[first].sentence];
                    *from = (*from).min(first);
                }
            }
        }
        let buts = buts_after_sorry(&words, stats);
        let blames = blame_after_contrast(&words, stats);
        let findings = Findings::joined(merge_in_order(
            merge_in_order(flagged.into_vec(), buts),
            blames,
        ));

        let mut partner_in_sentence = vec![false; pain_in_sentence.len()];
        let mut mentions_impact = false;
        for (index, word) in words.iter().enumerate() {
            stats.step();
            if word.is_any(PARTNER_WORDS) {
                partner_in_sentence[word.sentence] = true;
                mentions_impact |= index < promise_from[word.sentence];
            } else if word.is_any(IMPACT_WORDS) {
                mentions_impact = true;
            }
        }
        let own_pain = pain_in_sentence.iter().filter(|&&p| p).count();
        let about_partner = partner_in_sentence
            .iter()
            .zip(&pain_in_sentence)
            .filter(|&(&partner, &pain)| partner && !pain)
            .count();
        Scan {
            findings,
            sentences: Sentences {
                total: pain_in_sentence.len(),
                own_pain,
                about_partner,
                own_pain_span,
                compared,
            },
            mentions_impact,
            owns_choice,
            names_change,
        }
    }
}

/// Whether an apology is mostly about the writer's own pain, over one or
/// more texts.
#[derive(Default)]
struct SelfFocus {
    total: usize,
    own_pain: usize,
    about_partner: usize,
    compared: bool,
}

impl SelfFocus {
    fn of(parts: &[&Sentences]) -> Self {
        parts.iter().fold(SelfFocus::default(), |sum, s| SelfFocus {
            total: sum.total + s.total,
            own_pain: sum.own_pain + s.own_pain,
            about_partner: sum.about_partner + s.about_partner,
            compared: sum.compared || s.compared,
        })
    }

    /// The writer's pain set against the partner's, or a lopsided apology:
    /// at least two sentences about the writer's pain, at least two in five
    /// of all sentences, and fewer sentences about the partner than that.
    /// One honest "I feel ashamed" in a full apology never trips it.
    fn is_lopsided(&self) -> bool {
        self.compared
            || (self.own_pain >= 2
                && self.own_pain * 5 >= self.total * 2
                && self.about_partner < self.own_pain)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str) -> Vec<Code> {
        review(text).into_iter().map(|f| f.code).collect()
    }

    /// Codes of the findings that point at words, ignoring missing parts.
    fn flagged(text: &str) -> Vec<Code> {
        review(text)
            .into_iter()
            .filter(|f| !f.is_missing_part())
            .map(|f| f.code)
            .collect()
    }

    fn spans(text: &str, code: Code) -> Vec<&str> {
        crate::coach::marked(review(text), text, code)
    }

    const GOOD: &str = "I lied to you about the messages for eight months. You stopped trusting \
        your own memory because I kept denying it. It was my choice and my responsibility. \
        I am ashamed of it. I have ended all contact with her, and I will tell you the same day \
        if she gets in touch.";

    #[test]
    fn a_whole_apology_has_no_findings() {
        assert_eq!(review(GOOD), []);
    }

    #[test]
    fn conditional_points_at_the_if() {
        let text = "I'm sorry if I hurt you.";
        assert_eq!(flagged(text), [Code::Conditional]);
        assert_eq!(spans(text, Code::Conditional), ["sorry if I hurt"]);
        assert_eq!(
            flagged("I apologise if you were offended."),
            [Code::Conditional]
        );
        assert_eq!(
            flagged("If that hurt you, I regret it."),
            [Code::Conditional]
        );
        assert_eq!(flagged("I’m sorry you feel that way."), [Code::Conditional]);
    }

    #[test]
    fn blame_shift_points_at_the_partners_part() {
        assert_eq!(flagged("You made me do it."), [Code::BlameShift]);
        assert_eq!(
            spans("I lied because you were never home.", Code::BlameShift),
            ["because you were never home"]
        );
        assert_eq!(
            flagged("If you hadn't shut me out, none of this would have happened."),
            [Code::BlameShift]
        );
        assert_eq!(flagged("You drove me to it."), [Code::BlameShift]);
        assert_eq!(flagged("It wasn't all my fault."), [Code::BlameShift]);
    }

    #[test]
    fn ownership_phrases_are_not_blame() {
        assert_eq!(flagged("Because of me you lost a year."), []);
        assert_eq!(
            flagged("I'm telling you because you deserve the truth."),
            []
        );
        assert_eq!(flagged("This is not your fault. I made the choice."), []);
        assert!(!codes("I made the choice.").contains(&Code::NoResponsibility));
    }

    #[test]
    fn but_after_sorry_spans_from_the_apology_to_the_but() {
        let text = "I'm sorry, but you have to see my side.";
        assert_eq!(spans(text, Code::ButAfterSorry), ["sorry, but"]);
        assert_eq!(
            flagged("I apologise. But I was lonely."),
            [Code::ButAfterSorry]
        );
        assert_eq!(flagged("I'm sorry. There is no but."), []);
        assert_eq!(
            flagged("I know sorry isn't enough, but I want you to hear it."),
            []
        );
        assert_eq!(
            flagged("I am sorry, not only for the lie but also for the hiding."),
            []
        );
        assert_eq!(
            flagged("I am sorry for what I did to you and to us and to our home, but"),
            []
        );
    }

    #[test]
    fn minimising_points_at_the_smaller_word() {
        assert_eq!(
            spans("It was just a kiss.", Code::Minimising),
            ["It was just a kiss"]
        );
        assert_eq!(flagged("It only happened once."), [Code::Minimising]);
        assert_eq!(flagged("Nothing really happened."), [Code::Minimising]);
        assert_eq!(flagged("It didn't mean anything."), [Code::Minimising]);
        assert_eq!(flagged("It's not a big deal."), [Code::Minimising]);
        assert_eq!(flagged("It was not just a kiss."), []);
    }

    #[test]
    fn passive_voice_points_at_the_agentless_phrase() {
        assert_eq!(flagged("Mistakes were made."), [Code::PassiveVoice]);
        assert_eq!(flagged("Things happened between us."), [Code::PassiveVoice]);
        assert_eq!(
            spans("It just happened.", Code::PassiveVoice),
            ["It just happened"]
        );
    }

    #[test]
    fn pressure_to_forgive_points_at_the_push() {
        assert_eq!(
            flagged("You need to forgive me."),
            [Code::PressureToForgive]
        );
        assert_eq!(flagged("Can we move on?"), [Code::PressureToForgive]);
        assert_eq!(
            flagged("Let's put this behind us."),
            [Code::PressureToForgive]
        );
        assert_eq!(
            flagged("I've said sorry already."),
            [Code::PressureToForgive]
        );
        assert_eq!(
            flagged("I will never ask you to move on before you are ready."),
            []
        );
    }

    #[test]
    fn self_focus_needs_a_lopsided_apology() {
        let text = "I'm sorry. I feel so bad. This is hard for me. I can't sleep. I hate myself.";
        assert!(codes(text).contains(&Code::SelfFocus));
        assert_eq!(
            spans(text, Code::SelfFocus),
            ["I feel so bad. This is hard for me. I can't sleep. I hate myself"]
        );
        assert!(!codes(GOOD).contains(&Code::SelfFocus));
        let balanced = "I feel so bad. I can't sleep. You found the messages alone. \
            You had to tell your sister. You still check the door.";
        assert!(!codes(balanced).contains(&Code::SelfFocus));
    }

    #[test]
    fn missing_parts_are_reported_at_zero() {
        let findings = review("I cheated. I feel awful.");
        let missing = crate::coach::placed(findings.iter().filter(|f| f.is_missing_part()));
        assert_eq!(
            missing,
            [
                (Code::NoImpact, 0, 0),
                (Code::NoResponsibility, 0, 0),
                (Code::NoChange, 0, 0)
            ]
        );
        assert_eq!(
            codes("It hurt you. It was my choice. From now on I answer every question."),
            []
        );
    }

    #[test]
    fn a_but_that_turns_to_the_partners_conduct_is_blame() {
        for (text, blamed) in [
            (
                "I'm sorry I cheated, but you have been so distant.",
                "you have been so distant",
            ),
            (
                "I'm sorry about the texts but you read my phone.",
                "you read",
            ),
            (
                "I regret it, but your jealousy made it hard.",
                "your jealousy",
            ),
            ("sorry but ur always on your phone", "ur always on"),
            (
                "Sorry I hid it, though you never asked about the accounts.",
                "you never asked",
            ),
            (
                "It was my choice. However, honestly, you had stopped\ntouching me.",
                "you had stopped",
            ),
        ] {
            assert_eq!(spans(text, Code::BlameShift), [blamed], "{text}");
        }
    }

    #[test]
    fn a_but_about_the_partners_worth_or_future_is_not_blame() {
        for text in [
            "I know you deserve the truth, but you also deserve to hear it from me.",
            "It was my choice, but you will never have to wonder again.",
            "I lied to you, but you did nothing wrong.",
            "I was home, but you were asleep, and I was distant.",
            "I cheated even though you were pregnant.",
        ] {
            assert!(!codes(text).contains(&Code::BlameShift), "{text}");
        }
    }

    #[test]
    fn a_but_anywhere_after_sorry_if_takes_the_apology_back() {
        let text = "I'm sorry if my late nights with Claire made you feel like you came \
            second, but I was under pressure.";
        assert_eq!(
            spans(text, Code::ButAfterSorry),
            [&text[4..text.find("but").unwrap_or(0) + 3]]
        );
        assert_eq!(
            flagged("I regret it if my choices worried you about money. However, I meant well."),
            [Code::Conditional, Code::ButAfterSorry]
        );
    }

    #[test]
    fn a_but_that_leads_into_another_apology_continues_it() {
        assert_eq!(
            flagged("I'm sorry that I lied to you, but more than that I'm sorry for what it did to you."),
            []
        );
    }

    #[test]
    fn setting_ones_pain_against_the_partners_is_self_focus_at_once() {
        let text = "I'm sorry. You aren't the only one hurting here. It was my choice. \
            You cried for weeks. I will tell you everything.";
        assert_eq!(
            spans(text, Code::SelfFocus),
            ["You aren't the only one hurting"]
        );
        assert_eq!(
            spans(
                "It was my choice. I'm the one suffering the most.",
                Code::SelfFocus
            ),
            ["I'm the one suffering"]
        );
        assert!(
            !codes("I know you are the one who is hurting. It was my choice.")
                .contains(&Code::SelfFocus)
        );
    }

    #[test]
    fn a_promise_made_to_the_partner_is_not_the_impact_on_them() {
        assert!(codes("It was my fault and I will make it up to you.").contains(&Code::NoImpact));
        assert!(
            !codes("You cried for weeks, and I will make it up to you. It was my fault.")
                .contains(&Code::NoImpact)
        );
    }

    #[test]
    fn an_old_lie_reported_is_not_minimising_now() {
        assert_eq!(
            flagged("I told you it was just a friendship, and that was a lie."),
            []
        );
        assert_eq!(flagged("I said it meant nothing. It did."), []);
        for insisting in [
            "I've told you, it meant nothing.",
            "I have told you it meant nothing.",
        ] {
            assert_eq!(flagged(insisting), [Code::Minimising], "{insisting}");
        }
    }

    #[test]
    fn taking_away_the_means_is_a_change_and_hiding_it_is_not() {
        for (text, changes) in [
            ("I deleted the app the same night.", true),
            ("i closed the credit card last week.", true),
            ("ill show you every statement on sundays.", true),
            ("I deleted the messages so you would not see them.", false),
            ("I was ill that week.", false),
        ] {
            assert_eq!(!codes(text).contains(&Code::NoChange), changes, "{text}");
        }
    }

    #[test]
    fn a_denied_choice_is_not_ownership() {
        assert!(codes("It wasn't my choice. You were hurt. I will change.")
            .contains(&Code::NoResponsibility));
    }

    #[test]
    fn curly_apostrophes_and_capitals_are_read_like_straight_ones() {
        assert_eq!(
            flagged("I DON’T THINK IT MEANT ANYTHING, IT WAS JUST TEXTING."),
            [Code::Minimising]
        );
        assert_eq!(flagged("It didn’t mean anything."), [Code::Minimising]);
    }

    fn parts() -> ApologyParts {
        ApologyParts {
            what_i_did: "I met her for drinks every Thursday for a year and told you it was work."
                .into(),
            impact: "You spent a year doubting yourself.".into(),
            responsibility: "Every Thursday was my choice.".into(),
            remorse: "I am deeply ashamed.".into(),
            changes: "I have told my manager I no longer work with her.".into(),
            repair: "I will answer any question you have, whenever you ask.".into(),
            factors: String::new(),
        }
    }

    #[test]
    fn a_good_multi_part_apology_has_no_findings() {
        assert_eq!(review_parts(&parts()), []);
    }

    #[test]
    fn parts_that_do_not_do_their_job_are_named() {
        let mut apology = parts();
        apology.impact = "I feel terrible about it.".into();
        apology.responsibility = String::new();
        apology.changes = "I am sorry.".into();
        let found: Vec<(&str, Code, usize, usize)> = review_parts(&apology)
            .into_iter()
            .map(|p| (p.part, p.finding.code, p.finding.start, p.finding.end))
            .collect();
        assert_eq!(
            found,
            [
                ("impact", Code::NoImpact, 0, 0),
                ("responsibility", Code::NoResponsibility, 0, 0),
                ("changes", Code::NoChange, 0, 0)
            ]
        );
    }

    #[test]
    fn part_offsets_are_relative_to_the_part() {
        let mut apology = parts();
        apology.factors = "Honestly it was only texting at first.".into();
        let found = review_parts(&apology);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].part, "factors");
        let f = &found[0].finding;
        assert_eq!(
            (f.code, &apology.factors[f.start..f.end]),
            (Code::Minimising, "it was only texting")
        );
    }

    #[test]
    fn self_focus_over_parts_lands_on_the_part_that_carries_it() {
        let mut apology = parts();
        apology.remorse = "I feel awful. I can't sleep. I hate myself. I'm a mess.".into();
        let found: Vec<(&str, Code)> = review_parts(&apology)
            .into_iter()
            .map(|p| (p.part, p.finding.code))
            .collect();
        assert_eq!(found, [("remorse", Code::SelfFocus)]);
    }
}
