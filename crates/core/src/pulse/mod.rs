//! The trust pulse: a short, periodic self-assessment of how much a person
//! trusts their partner and the relationship right now.
//!
//! Ten statements, two for each of five constructs, answered on a 1–7 scale
//! (1 = not true at all, 7 = completely true). In each construct one
//! statement is worded in reverse, so agreeing with everything does not read
//! as high trust.
//!
//! ## Scoring
//! - A reverse-worded statement scores `8 − answer`; the others score the
//!   answer itself. Every item score is then in 1..=7, higher = more trust.
//! - A construct's score is the mean of its two item scores, the trust index
//!   the mean of all ten, each mapped linearly from 1..=7 onto 0..=100
//!   (`(mean − 1) / 6 × 100`) and rounded to the nearest whole number.
//!   So all 1s on the plain items and 7s on the reverse ones gives 0, and
//!   a middle answer (4) everywhere gives 50.
//!
//! A pulse shared with the partner goes to the couple stream; one kept to
//! oneself goes to the author's private stream. Either way its author sees
//! it. The signs ticked alongside always go to the private stream
//! ([`crate::signs`]).

use crate::access::visibility::{member, Private, Whose};
use crate::kernel::ids::{EntryId, UserId};
use crate::kernel::refusal::Refusal;
use crate::signs::{Sign, SignsEvent};
use crate::space::SpaceState;
use crate::Meta;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::{Date, Duration, Month, OffsetDateTime};

pub const SCALE_MIN: u8 = 1;
pub const SCALE_MAX: u8 = 7;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Construct {
    Predictability,
    Dependability,
    Faith,
    Honesty,
    Safety,
}

impl Construct {
    pub const COUNT: usize = 5;

    pub const ALL: [Construct; Self::COUNT] = [
        Construct::Predictability,
        Construct::Dependability,
        Construct::Faith,
        Construct::Honesty,
        Construct::Safety,
    ];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn code(self) -> &'static str {
        match self {
            Construct::Predictability => "predictability",
            Construct::Dependability => "dependability",
            Construct::Faith => "faith",
            Construct::Honesty => "honesty",
            Construct::Safety => "safety",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Construct::Predictability => "Predictability",
            Construct::Dependability => "Dependability",
            Construct::Faith => "Faith in the future",
            Construct::Honesty => "Honesty",
            Construct::Safety => "Safety",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Construct::Predictability => "Knowing what to expect from your partner.",
            Construct::Dependability => "Being able to count on your partner.",
            Construct::Faith => "Believing in where the two of you are heading.",
            Construct::Honesty => "Believing what you are told.",
            Construct::Safety => "Feeling safe to be open and close.",
        }
    }

    pub fn items(self) -> impl Iterator<Item = &'static Item> {
        ITEMS.iter().filter(move |i| i.construct == self)
    }
}

/// One statement of the pulse. `code` is the form field and the key in
/// stored answers: stable forever.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Item {
    pub code: &'static str,
    pub construct: Construct,
    pub text: &'static str,
    pub reverse: bool,
}

impl Item {
    /// The item's contribution to trust, 1..=7, higher meaning more trust.
    pub fn score(&self, answer: u8) -> u8 {
        if self.reverse {
            SCALE_MAX + SCALE_MIN - answer
        } else {
            answer
        }
    }
}

pub const ITEM_COUNT: usize = 10;

pub static ITEMS: [Item; ITEM_COUNT] = [
    Item {
        code: "predictable_know",
        construct: Construct::Predictability,
        text: "I have a good sense of how my partner will act in the days ahead.",
        reverse: false,
    },
    Item {
        code: "predictable_surprise",
        construct: Construct::Predictability,
        text: "My partner's behaviour still catches me off guard in ways that unsettle me.",
        reverse: true,
    },
    Item {
        code: "dependable_follow_through",
        construct: Construct::Dependability,
        text: "When my partner says they will do something, I can count on it being done.",
        reverse: false,
    },
    Item {
        code: "dependable_hesitate",
        construct: Construct::Dependability,
        text: "I hesitate to rely on my partner when something really matters to me.",
        reverse: true,
    },
    Item {
        code: "faith_future",
        construct: Construct::Faith,
        text: "I believe we can build a future together that is good for both of us.",
        reverse: false,
    },
    Item {
        code: "faith_doubt",
        construct: Construct::Faith,
        text: "Part of me expects our relationship to fall apart, whatever we do.",
        reverse: true,
    },
    Item {
        code: "honesty_believe",
        construct: Construct::Honesty,
        text: "I believe what my partner tells me.",
        reverse: false,
    },
    Item {
        code: "honesty_hidden",
        construct: Construct::Honesty,
        text: "I suspect my partner is still keeping things from me.",
        reverse: true,
    },
    Item {
        code: "safety_open",
        construct: Construct::Safety,
        text: "I feel safe telling my partner what I really feel.",
        reverse: false,
    },
    Item {
        code: "safety_guarded",
        construct: Construct::Safety,
        text: "I keep my guard up around my partner to protect myself.",
        reverse: true,
    },
];

/// Words for the ends and middle of the 1–7 scale.
pub fn scale_label(answer: u8) -> Option<&'static str> {
    match answer {
        1 => Some("Not true at all"),
        4 => Some("Partly true"),
        7 => Some("Completely true"),
        _ => None,
    }
}

/// A complete set of answers, in [`ITEMS`] order. Stored as a map from item
/// code to answer so the stored form does not depend on the order here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "BTreeMap<String, u8>", into = "BTreeMap<String, u8>")]
pub struct Answers([u8; ITEM_COUNT]);

impl Answers {
    /// `None` unless every answer is within the scale.
    pub fn new(values: [u8; ITEM_COUNT]) -> Option<Answers> {
        values
            .iter()
            .all(|v| (SCALE_MIN..=SCALE_MAX).contains(v))
            .then_some(Answers(values))
    }

    pub fn get(&self, item: &Item) -> Option<u8> {
        ITEMS
            .iter()
            .position(|i| i.code == item.code)
            .map(|p| self.0[p])
    }

    pub fn iter(&self) -> impl Iterator<Item = (&'static Item, u8)> + '_ {
        ITEMS.iter().zip(self.0)
    }

    pub fn score(&self) -> TrustScore {
        let mut sums = [0u32; Construct::COUNT];
        for (item, answer) in self.iter() {
            sums[item.construct.index()] += u32::from(item.score(answer));
        }
        let per_construct = (ITEM_COUNT / Construct::COUNT) as u32;
        let mut constructs = [0u8; Construct::COUNT];
        for (score, sum) in constructs.iter_mut().zip(sums) {
            *score = to_percent(sum, per_construct);
        }
        TrustScore {
            index: to_percent(sums.iter().sum(), ITEM_COUNT as u32),
            constructs,
        }
    }
}

/// Maps the mean of `n` item scores (each 1..=7, summing to `sum`) onto
/// 0..=100, rounding to nearest: `(sum/n − 1) / 6 × 100`.
fn to_percent(sum: u32, n: u32) -> u8 {
    let steps = u32::from(SCALE_MAX - SCALE_MIN);
    let above_floor = sum.saturating_sub(n * u32::from(SCALE_MIN));
    let rounded = (above_floor * 200 + steps * n) / (2 * steps * n);
    u8::try_from(rounded.min(100)).unwrap_or(100)
}

impl TryFrom<BTreeMap<String, u8>> for Answers {
    type Error = String;

    fn try_from(map: BTreeMap<String, u8>) -> Result<Self, Self::Error> {
        let mut values = [0u8; ITEM_COUNT];
        for (value, item) in values.iter_mut().zip(&ITEMS) {
            *value = *map
                .get(item.code)
                .ok_or_else(|| format!("pulse answer {} is missing", item.code))?;
        }
        Answers::new(values).ok_or_else(|| "a pulse answer is outside 1..=7".to_owned())
    }
}

impl From<Answers> for BTreeMap<String, u8> {
    fn from(answers: Answers) -> Self {
        answers
            .iter()
            .map(|(item, v)| (item.code.to_owned(), v))
            .collect()
    }
}

/// A pulse's trust index and construct scores, each 0..=100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TrustScore {
    pub index: u8,
    pub constructs: [u8; Construct::COUNT],
}

impl TrustScore {
    pub fn construct(&self, construct: Construct) -> u8 {
        self.constructs[construct.index()]
    }
}

/// How often the couple takes the pulse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cadence {
    #[default]
    Weekly,
    Fortnightly,
    Monthly,
}

impl Cadence {
    pub const ALL: [Cadence; 3] = [Cadence::Weekly, Cadence::Fortnightly, Cadence::Monthly];

    pub fn code(self) -> &'static str {
        match self {
            Cadence::Weekly => "weekly",
            Cadence::Fortnightly => "fortnightly",
            Cadence::Monthly => "monthly",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Cadence::Weekly => "Every week",
            Cadence::Fortnightly => "Every two weeks",
            Cadence::Monthly => "Every month",
        }
    }

    pub fn parse(raw: &str) -> Result<Cadence, Refusal> {
        Self::ALL
            .into_iter()
            .find(|c| c.code() == raw.trim())
            .ok_or_else(|| {
                Refusal::invalid("cadence", "Please choose how often to take the pulse.")
            })
    }

    /// The day the next pulse is due after one taken on `last`. A monthly
    /// pulse falls on the same day of the next month, or its last day.
    pub fn next_due(self, last: Date) -> Date {
        match self {
            Cadence::Weekly => last.checked_add(Duration::days(7)).unwrap_or(Date::MAX),
            Cadence::Fortnightly => last.checked_add(Duration::days(14)).unwrap_or(Date::MAX),
            Cadence::Monthly => {
                let (year, month) = match last.month() {
                    Month::December => (last.year() + 1, Month::January),
                    m => (last.year(), m.next()),
                };
                let day = last.day().min(month.length(year));
                Date::from_calendar_date(year, month, day).unwrap_or(Date::MAX)
            }
        }
    }
}

/// Pulse events in the couple stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PulseEvent {
    Shared { answers: Answers },
    CadenceChosen { cadence: Cadence },
}

/// Pulse events in the author's private stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PrivatePulseEvent {
    Kept { answers: Answers },
}

// ---------------------------------------------------------------------------
// Projections.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PulseRecord {
    pub id: EntryId,
    pub author: UserId,
    pub at: OffsetDateTime,
    pub answers: Answers,
    /// Computed once when folded, so charts never rescore history.
    pub score: TrustScore,
}

impl PulseRecord {
    fn new(meta: &Meta, answers: Answers) -> Self {
        PulseRecord {
            id: meta.entry(),
            author: meta.author,
            at: meta.at,
            answers,
            score: answers.score(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CadenceChoice {
    pub cadence: Cadence,
    pub by: UserId,
    pub at: OffsetDateTime,
}

/// The couple stream's pulses and the chosen cadence.
#[derive(Debug, Clone, Default)]
pub struct PulseState {
    cadence: Option<CadenceChoice>,
    /// In time order.
    shared: Vec<PulseRecord>,
    last_day_by_author: BTreeMap<UserId, Date>,
}

impl PulseState {
    pub fn apply(&mut self, meta: &Meta, event: &PulseEvent) {
        match event {
            PulseEvent::Shared { answers } => {
                self.shared.push(PulseRecord::new(meta, *answers));
                let day = meta.at.date();
                let last = self.last_day_by_author.entry(meta.author).or_insert(day);
                *last = (*last).max(day);
            }
            PulseEvent::CadenceChosen { cadence } => {
                self.cadence = Some(CadenceChoice {
                    cadence: *cadence,
                    by: meta.author,
                    at: meta.at,
                });
            }
        }
    }

    pub fn cadence(&self) -> Cadence {
        self.cadence.map(|c| c.cadence).unwrap_or_default()
    }

    /// Who chose the current cadence and when; `None` while it is the default.
    pub fn cadence_choice(&self) -> Option<CadenceChoice> {
        self.cadence
    }

    /// Every shared pulse, oldest first. Both partners may see all of them.
    pub fn shared(&self) -> &[PulseRecord] {
        &self.shared
    }

    /// Shared pulses taken after `since`, oldest first.
    pub fn shared_after(&self, since: OffsetDateTime) -> &[PulseRecord] {
        let start = self.shared.partition_point(|p| p.at <= since);
        &self.shared[start..]
    }

    pub fn last_shared_day(&self, author: UserId) -> Option<Date> {
        self.last_day_by_author.get(&author).copied()
    }

    pub fn get(&self, id: EntryId) -> Option<&PulseRecord> {
        self.shared
            .binary_search_by_key(&id, |p| p.id)
            .ok()
            .map(|i| &self.shared[i])
    }
}

/// The pulses a person kept to themselves.
#[derive(Debug, Clone, Default)]
pub struct PrivatePulses {
    entries: Vec<PulseRecord>,
}

impl PrivatePulses {
    pub fn apply(&mut self, meta: &Meta, event: &PrivatePulseEvent) {
        match event {
            PrivatePulseEvent::Kept { answers } => {
                self.entries.push(PulseRecord::new(meta, *answers))
            }
        }
    }

    pub fn all(&self) -> &[PulseRecord] {
        &self.entries
    }

    pub fn last_day(&self) -> Option<Date> {
        self.entries.iter().map(|p| p.at.date()).next_back()
    }

    pub fn get(&self, id: EntryId) -> Option<&PulseRecord> {
        self.entries
            .binary_search_by_key(&id, |p| p.id)
            .ok()
            .map(|i| &self.entries[i])
    }
}

// ---------------------------------------------------------------------------
// Commands.

/// A pulse form as posted: `answers` pairs an item code with the posted
/// value; `share` is "partner" or "only_me"; `signs` are the ticked codes.
#[derive(Debug, Clone, Default)]
pub struct PulseInput {
    pub answers: Vec<(String, String)>,
    pub share: String,
    pub signs: Vec<String>,
}

impl PulseInput {
    /// Builds the input from the raw pairs of a urlencoded form: one field
    /// per item code, `share`, and a repeated `signs` checkbox.
    pub fn from_form(pairs: &[(String, String)]) -> PulseInput {
        let mut input = PulseInput::default();
        for (key, value) in pairs {
            match key.as_str() {
                "share" => input.share.clone_from(value),
                "signs" => input.signs.push(value.clone()),
                code if ITEMS.iter().any(|i| i.code == code) => {
                    input.answers.push((key.clone(), value.clone()));
                }
                _ => {}
            }
        }
        input
    }

    fn parse_answers(&self) -> Result<Answers, Refusal> {
        let mut values = [0u8; ITEM_COUNT];
        for (value, item) in values.iter_mut().zip(&ITEMS) {
            *value = self
                .answers
                .iter()
                .find(|(code, _)| code == item.code)
                .and_then(|(_, raw)| raw.trim().parse::<u8>().ok())
                .filter(|v| (SCALE_MIN..=SCALE_MAX).contains(v))
                .ok_or_else(|| {
                    Refusal::invalid(
                        item.code,
                        format!(
                            "Please answer “{}”: choose a number from 1 (not true at all) to 7 (completely true).",
                            item.text
                        ),
                    )
                })?;
        }
        Answers::new(values)
            .ok_or_else(|| Refusal::invalid("answers", "Please answer every statement."))
    }
}

/// Where a pulse goes, and the private note of the signs ticked with it.
/// The web layer appends `signs` to the author's private stream in the same
/// step as the pulse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PulseOutcome {
    pub pulse: NewPulse,
    pub signs: SignsEvent,
}

/// A new pulse, kept or shared: `streams::Destination` turns it into the
/// stream it belongs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewPulse {
    /// "Only me": the author's private stream.
    Kept(PrivatePulseEvent),
    /// The couple's shared record.
    Shared(PulseEvent),
}

pub fn record_pulse(
    space: &SpaceState,
    actor: UserId,
    input: &PulseInput,
) -> Result<PulseOutcome, Refusal> {
    member(space, actor)?;
    let answers = input.parse_answers()?;
    let shared = match input.share.trim() {
        "partner" => true,
        "only_me" => false,
        _ => {
            return Err(Refusal::invalid(
                "share",
                "Please choose whether your partner may see this pulse.",
            ))
        }
    };
    let signs = Sign::parse_ticked(&input.signs)?;
    let pulse = if shared {
        NewPulse::Shared(PulseEvent::Shared { answers })
    } else {
        NewPulse::Kept(PrivatePulseEvent::Kept { answers })
    };
    Ok(PulseOutcome {
        pulse,
        signs: SignsEvent::Noticed { signs },
    })
}

#[derive(Debug, Clone, Default)]
pub struct CadenceInput {
    pub cadence: String,
}

/// Either partner may change how often the couple takes the pulse.
pub fn choose_cadence(
    space: &SpaceState,
    pulses: &PulseState,
    actor: UserId,
    input: &CadenceInput,
) -> Result<PulseEvent, Refusal> {
    member(space, actor)?;
    let cadence = Cadence::parse(&input.cadence)?;
    if cadence == pulses.cadence() {
        return Err(Refusal::Conflict(
            "That is already how often you take the pulse.",
        ));
    }
    Ok(PulseEvent::CadenceChosen { cadence })
}

// ---------------------------------------------------------------------------
// Queries.

/// The day of the viewer's latest pulse, kept or shared.
pub fn last_pulse_day(
    shared: &PulseState,
    kept: Private<'_, PrivatePulses>,
    viewer: UserId,
) -> Option<Date> {
    let private = kept.read_as(viewer).ok().and_then(PrivatePulses::last_day);
    private.max(shared.last_shared_day(viewer))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PulseDue {
    pub cadence: Cadence,
    pub last: Option<Date>,
    /// The day the next pulse is due; today when there has never been one.
    pub next: Date,
    pub due: bool,
}

/// Whether the viewer's pulse is due on `today`.
pub fn due(
    space: &SpaceState,
    shared: &PulseState,
    kept: Private<'_, PrivatePulses>,
    viewer: UserId,
    today: Date,
) -> Result<PulseDue, Refusal> {
    member(space, viewer)?;
    kept.read_as(viewer)?;
    let cadence = shared.cadence();
    let last = last_pulse_day(shared, kept, viewer);
    let next = last.map_or(today, |d| cadence.next_due(d));
    Ok(PulseDue {
        cadence,
        last,
        next,
        due: today >= next,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PulseId {
    Private(EntryId),
    Shared(EntryId),
}

/// A pulse as one viewer sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PulseView<'a> {
    pub id: PulseId,
    pub whose: Whose,
    pub record: &'a PulseRecord,
}

impl PulseView<'_> {
    pub fn is_shared(&self) -> bool {
        matches!(self.id, PulseId::Shared(_))
    }
}

/// The pulses the viewer may see, oldest first: their own (kept and
/// shared, merged in time order) and their partner's shared ones.
pub fn visible_pulses<'a>(
    space: &SpaceState,
    shared: &'a PulseState,
    kept: Private<'a, PrivatePulses>,
    viewer: UserId,
) -> Result<Vec<PulseView<'a>>, Refusal> {
    member(space, viewer)?;
    let kept = kept.read_as(viewer)?.all();
    let shared = shared.shared();
    let mut out = Vec::with_capacity(shared.len() + kept.len());
    let (mut s, mut k) = (0, 0);
    while s < shared.len() || k < kept.len() {
        let take_shared = k >= kept.len() || (s < shared.len() && shared[s].at <= kept[k].at);
        if take_shared {
            let record = &shared[s];
            out.push(PulseView {
                id: PulseId::Shared(record.id),
                whose: Whose::of(record.author, viewer),
                record,
            });
            s += 1;
        } else {
            let record = &kept[k];
            out.push(PulseView {
                id: PulseId::Private(record.id),
                whose: Whose::Mine,
                record,
            });
            k += 1;
        }
    }
    Ok(out)
}

/// One pulse, if the viewer may see it: any shared pulse of the couple, or
/// one the viewer kept. A kept id is only ever looked up in the viewer's
/// own private state.
pub fn view<'a>(
    space: &SpaceState,
    shared: &'a PulseState,
    kept: Private<'a, PrivatePulses>,
    viewer: UserId,
    id: PulseId,
) -> Result<PulseView<'a>, Refusal> {
    member(space, viewer)?;
    let record = match id {
        PulseId::Shared(entry) => shared.get(entry),
        PulseId::Private(entry) => kept.read_as(viewer)?.get(entry),
    }
    .ok_or(Refusal::NotFound)?;
    let whose = match id {
        PulseId::Shared(_) => Whose::of(record.author, viewer),
        PulseId::Private(_) => Whose::Mine,
    };
    Ok(PulseView { id, whose, record })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    fn all(value: u8) -> [u8; ITEM_COUNT] {
        [value; ITEM_COUNT]
    }

    /// Answers that mean the same trust `level` on every item.
    fn steady(level: u8) -> [u8; ITEM_COUNT] {
        let mut values = [0; ITEM_COUNT];
        for (v, item) in values.iter_mut().zip(&ITEMS) {
            *v = if item.reverse { 8 - level } else { level };
        }
        values
    }

    #[test]
    fn each_construct_has_two_items_one_of_them_reverse_worded() {
        for construct in Construct::ALL {
            let items: Vec<_> = construct.items().collect();
            assert_eq!(items.len(), 2, "{construct:?}");
            assert_eq!(
                items.iter().filter(|i| i.reverse).count(),
                1,
                "{construct:?}"
            );
        }
        let mut codes: Vec<_> = ITEMS.iter().map(|i| i.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), ITEM_COUNT);
    }

    #[test]
    fn reverse_items_score_eight_minus_the_answer() {
        let reverse = ITEMS.iter().find(|i| i.reverse).unwrap();
        let plain = ITEMS.iter().find(|i| !i.reverse).unwrap();
        assert_eq!(reverse.score(1), 7);
        assert_eq!(reverse.score(7), 1);
        assert_eq!(reverse.score(4), 4);
        assert_eq!(plain.score(6), 6);
    }

    #[test]
    fn full_trust_scores_one_hundred_and_none_scores_zero() {
        let full = Answers::new(steady(7)).unwrap().score();
        assert_eq!(full.index, 100);
        assert_eq!(full.constructs, [100; Construct::COUNT]);
        let none = Answers::new(steady(1)).unwrap().score();
        assert_eq!(none.index, 0);
        assert_eq!(none.constructs, [0; Construct::COUNT]);
    }

    #[test]
    fn agreeing_with_everything_is_the_middle_not_the_top() {
        // Plain items give 7, reverse ones 8 − 7 = 1: the mean is 4.
        let score = Answers::new(all(7)).unwrap().score();
        assert_eq!(score.index, 50);
        assert_eq!(score.constructs, [50; Construct::COUNT]);
    }

    #[test]
    fn construct_scores_and_the_index_are_means_mapped_to_percent_and_rounded() {
        let mut values = steady(4);
        // Predictability: plain 5 and reverse 2 (scores 6) → mean 5.5 → 75.
        values[0] = 5;
        values[1] = 2;
        // Honesty: plain 2 (2) and reverse 5 (3) → mean 2.5 → 25.
        values[6] = 2;
        values[7] = 5;
        // Safety: plain 5 (5) and reverse 4 (4) → mean 4.5 → 58.33 → 58.
        values[8] = 5;
        let score = Answers::new(values).unwrap().score();
        assert_eq!(score.construct(Construct::Predictability), 75);
        assert_eq!(score.construct(Construct::Dependability), 50);
        assert_eq!(score.construct(Construct::Faith), 50);
        assert_eq!(score.construct(Construct::Honesty), 25);
        assert_eq!(score.construct(Construct::Safety), 58);
        // Item scores: 5,6,4,4,4,4,2,3,5,4 = 41 → mean 4.1 → 51.67 → 52.
        assert_eq!(score.index, 52);
    }

    #[test]
    fn one_step_above_the_floor_rounds_to_the_nearest_percent() {
        let mut values = steady(1);
        values[2] = 2; // one item one step up: sum 11 of 10 items → 1.67 → 2
        let score = Answers::new(values).unwrap().score();
        assert_eq!(score.index, 2);
        assert_eq!(score.construct(Construct::Dependability), 8); // 8.33
    }

    #[test]
    fn answers_out_of_range_are_not_answers() {
        assert!(Answers::new(all(0)).is_none());
        assert!(Answers::new(all(8)).is_none());
    }

    #[test]
    fn answers_are_stored_by_item_code_and_read_back_strictly() {
        let answers = Answers::new(steady(5)).unwrap();
        let json = serde_json::to_string(&answers).unwrap();
        assert!(json.contains("\"faith_future\":5"), "{json}");
        assert!(json.contains("\"faith_doubt\":3"), "{json}");
        assert_eq!(serde_json::from_str::<Answers>(&json).unwrap(), answers);
        let missing = json.replace("\"faith_doubt\":3,", "");
        assert!(serde_json::from_str::<Answers>(&missing).is_err());
        let out_of_range = json.replace("\"faith_doubt\":3", "\"faith_doubt\":9");
        assert!(serde_json::from_str::<Answers>(&out_of_range).is_err());
    }

    fn form(values: [u8; ITEM_COUNT], share: &str, signs: &[&str]) -> PulseInput {
        PulseInput {
            answers: ITEMS
                .iter()
                .zip(values)
                .map(|(i, v)| (i.code.to_owned(), v.to_string()))
                .collect(),
            share: share.to_owned(),
            signs: signs.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    #[test]
    fn a_shared_pulse_goes_to_the_couple_stream_and_its_signs_stay_private() {
        let w = World::ticking();
        let out = record_pulse(
            &w.couple.space,
            w.hurt,
            &form(steady(3), "partner", &["replaying"]),
        )
        .unwrap();
        assert!(matches!(
            out.pulse,
            NewPulse::Shared(PulseEvent::Shared { .. })
        ));
        assert_eq!(
            out.signs,
            SignsEvent::Noticed {
                signs: vec![Sign::Replaying]
            }
        );
    }

    #[test]
    fn a_kept_pulse_goes_to_the_private_stream() {
        let w = World::ticking();
        let out = record_pulse(
            &w.couple.space,
            w.involved,
            &form(steady(3), "only_me", &[]),
        )
        .unwrap();
        assert!(matches!(
            out.pulse,
            NewPulse::Kept(PrivatePulseEvent::Kept { .. })
        ));
        assert_eq!(out.signs, SignsEvent::Noticed { signs: vec![] });
    }

    #[test]
    fn every_item_must_be_answered_and_the_refusal_names_it() {
        let w = World::ticking();
        let mut input = form(steady(3), "partner", &[]);
        input.answers.retain(|(code, _)| code != "honesty_hidden");
        let Err(Refusal::Invalid { field, message }) =
            record_pulse(&w.couple.space, w.hurt, &input)
        else {
            panic!("expected a refusal");
        };
        assert_eq!(field, "honesty_hidden");
        assert!(message.contains("keeping things from me"), "{message}");

        for bad in ["0", "8", "", "seven"] {
            let mut input = form(steady(3), "partner", &[]);
            input.answers[4].1 = bad.to_owned();
            assert!(
                matches!(
                    record_pulse(&w.couple.space, w.hurt, &input),
                    Err(Refusal::Invalid {
                        field: "faith_future",
                        ..
                    })
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn the_share_choice_and_signs_are_validated_and_strangers_refused() {
        let w = World::ticking();
        assert!(matches!(
            record_pulse(&w.couple.space, w.hurt, &form(steady(3), "", &[])),
            Err(Refusal::Invalid { field: "share", .. })
        ));
        assert!(matches!(
            record_pulse(
                &w.couple.space,
                w.hurt,
                &form(steady(3), "partner", &["spying"])
            ),
            Err(Refusal::Invalid { field: "signs", .. })
        ));
        assert_eq!(
            record_pulse(
                &w.couple.space,
                w.stranger,
                &form(steady(3), "partner", &[])
            ),
            Err(Refusal::NotAMember)
        );
    }

    #[test]
    fn form_pairs_become_a_pulse_input() {
        let pairs: Vec<(String, String)> = [
            ("faith_future", "6"),
            ("csrf", "token"),
            ("signs", "withdrawing"),
            ("share", "only_me"),
            ("signs", "keeping_score"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        let input = PulseInput::from_form(&pairs);
        assert_eq!(
            input.answers,
            vec![("faith_future".to_owned(), "6".to_owned())]
        );
        assert_eq!(input.share, "only_me");
        assert_eq!(
            input.signs,
            vec!["withdrawing".to_owned(), "keeping_score".to_owned()]
        );
    }

    #[test]
    fn the_cadence_can_be_changed_by_either_partner_but_not_to_itself() {
        let mut w = World::ticking();
        assert_eq!(w.couple.pulse.cadence(), Cadence::Weekly);
        assert_eq!(
            choose_cadence(
                &w.couple.space,
                &w.couple.pulse,
                w.hurt,
                &CadenceInput {
                    cadence: "weekly".into()
                }
            ),
            Err(Refusal::Conflict(
                "That is already how often you take the pulse."
            ))
        );
        let event = choose_cadence(
            &w.couple.space,
            &w.couple.pulse,
            w.involved,
            &CadenceInput {
                cadence: "monthly".into(),
            },
        )
        .unwrap();
        w.record(w.involved, event);
        assert_eq!(w.couple.pulse.cadence(), Cadence::Monthly);
        assert_eq!(
            w.couple.pulse.cadence_choice().map(|c| c.by),
            Some(w.involved)
        );
        assert!(matches!(
            choose_cadence(
                &w.couple.space,
                &w.couple.pulse,
                w.hurt,
                &CadenceInput {
                    cadence: "daily".into()
                }
            ),
            Err(Refusal::Invalid {
                field: "cadence",
                ..
            })
        ));
        assert_eq!(
            choose_cadence(
                &w.couple.space,
                &w.couple.pulse,
                w.stranger,
                &CadenceInput {
                    cadence: "fortnightly".into()
                }
            ),
            Err(Refusal::NotAMember)
        );
    }

    #[test]
    fn next_due_dates_follow_the_cadence_and_clamp_months() {
        use time::macros::date;
        assert_eq!(
            Cadence::Weekly.next_due(date!(2026 - 03 - 02)),
            date!(2026 - 03 - 09)
        );
        assert_eq!(
            Cadence::Fortnightly.next_due(date!(2026 - 12 - 25)),
            date!(2027 - 01 - 08)
        );
        assert_eq!(
            Cadence::Monthly.next_due(date!(2026 - 01 - 31)),
            date!(2026 - 02 - 28)
        );
        assert_eq!(
            Cadence::Monthly.next_due(date!(2026 - 12 - 15)),
            date!(2027 - 01 - 15)
        );
    }

    #[test]
    fn a_pulse_is_due_first_today_then_after_the_cadence_counting_both_streams() {
        let mut w = World::ticking();
        let today = w.now.date();
        let first = due(
            &w.couple.space,
            &w.couple.pulse,
            w.hurt_private.kept_pulses(),
            w.hurt,
            today,
        )
        .unwrap();
        assert!(first.due);
        assert_eq!(first.last, None);

        w.keep_pulse(w.hurt, steady(4));
        let after_private = due(
            &w.couple.space,
            &w.couple.pulse,
            w.hurt_private.kept_pulses(),
            w.hurt,
            today,
        )
        .unwrap();
        assert!(!after_private.due);
        assert_eq!(after_private.next, today + Duration::days(7));
        assert!(due(
            &w.couple.space,
            &w.couple.pulse,
            w.hurt_private.kept_pulses(),
            w.hurt,
            today + Duration::days(6)
        )
        .is_ok_and(|d| !d.due));
        assert!(due(
            &w.couple.space,
            &w.couple.pulse,
            w.hurt_private.kept_pulses(),
            w.hurt,
            today + Duration::days(7)
        )
        .is_ok_and(|d| d.due));

        w.advance_days(10);
        w.share_pulse(w.hurt, steady(5));
        let later = w.now.date();
        assert_eq!(
            last_pulse_day(&w.couple.pulse, w.hurt_private.kept_pulses(), w.hurt),
            Some(later)
        );
        assert!(due(
            &w.couple.space,
            &w.couple.pulse,
            w.hurt_private.kept_pulses(),
            w.hurt,
            later
        )
        .is_ok_and(|d| !d.due));
        // The partner's pulses do not count for the viewer.
        assert!(due(
            &w.couple.space,
            &w.couple.pulse,
            w.involved_private.kept_pulses(),
            w.involved,
            later
        )
        .is_ok_and(|d| d.due));
    }

    #[test]
    fn projections_keep_pulses_in_order_with_their_scores() {
        let mut w = World::ticking();
        let a = w.share_pulse(w.hurt, steady(2));
        let b = w.keep_pulse(w.hurt, steady(6));
        let c = w.share_pulse(w.involved, steady(7));
        let views = visible_pulses(
            &w.couple.space,
            &w.couple.pulse,
            w.hurt_private.kept_pulses(),
            w.hurt,
        )
        .unwrap();
        let seen: Vec<_> = views
            .iter()
            .map(|v| (v.id, v.whose, v.record.score.index))
            .collect();
        assert_eq!(
            seen,
            vec![
                (PulseId::Shared(a), Whose::Mine, 17),
                (PulseId::Private(b), Whose::Mine, 83),
                (PulseId::Shared(c), Whose::Partner, 100),
            ]
        );
        assert_eq!(w.couple.pulse.get(a).map(|p| p.author), Some(w.hurt));
        assert_eq!(
            w.hurt_private.pulses.get(b).map(|p| p.score.index),
            Some(83)
        );
    }

    #[test]
    fn a_single_pulse_is_found_for_those_who_may_see_it_and_no_one_else() {
        let mut w = World::ticking();
        let shared = w.share_pulse(w.hurt, steady(2));
        let kept = w.keep_pulse(w.hurt, steady(6));
        let seen = view(
            &w.couple.space,
            &w.couple.pulse,
            w.involved_private.kept_pulses(),
            w.involved,
            PulseId::Shared(shared),
        )
        .unwrap();
        assert_eq!((seen.whose, seen.record.score.index), (Whose::Partner, 17));
        let own = view(
            &w.couple.space,
            &w.couple.pulse,
            w.hurt_private.kept_pulses(),
            w.hurt,
            PulseId::Private(kept),
        )
        .unwrap();
        assert_eq!((own.whose, own.record.score.index), (Whose::Mine, 83));
        assert_eq!(
            view(
                &w.couple.space,
                &w.couple.pulse,
                w.involved_private.kept_pulses(),
                w.involved,
                PulseId::Private(kept)
            ),
            Err(Refusal::NotFound),
            "the partner's own (empty) private state has no such pulse"
        );
        assert_eq!(
            view(
                &w.couple.space,
                &w.couple.pulse,
                w.hurt_private.kept_pulses(),
                w.involved,
                PulseId::Private(kept)
            ),
            Err(Refusal::NotFound),
            "another person's private state is refused"
        );
        assert_eq!(
            view(
                &w.couple.space,
                &w.couple.pulse,
                w.hurt_private.kept_pulses(),
                w.hurt,
                PulseId::Shared(kept)
            ),
            Err(Refusal::NotFound)
        );
        assert_eq!(
            view(
                &w.couple.space,
                &w.couple.pulse,
                w.hurt_private.kept_pulses(),
                w.stranger,
                PulseId::Shared(shared)
            ),
            Err(Refusal::NotAMember)
        );
    }
}
