//! The statements, the scale, the scores, the cadence, and the events.

use crate::access::visibility::Whose;
use crate::kernel::listed::by_code;
use crate::kernel::listed::listed_enum;
use crate::kernel::refusal::Refusal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::{Date, Duration, Month};

pub const SCALE_MIN: u8 = 1;
pub const SCALE_MAX: u8 = 7;

listed_enum! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Construct {
        Predictability,
        Dependability,
        Faith,
        Honesty,
        Safety,
    }
}

impl Construct {
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

    /// What the part measures, told from the side of whoever reads it: on
    /// the viewer's own pulse it is about their partner; on the partner's
    /// pulse it is about the viewer.
    pub fn description(self, whose: Whose) -> &'static str {
        match (self, whose) {
            (Construct::Predictability, Whose::Mine) => "Knowing what to expect from your partner.",
            (Construct::Predictability, Whose::Partner) => {
                "How well your partner feels they know what to expect from you."
            }
            (Construct::Dependability, Whose::Mine) => "Being able to count on your partner.",
            (Construct::Dependability, Whose::Partner) => {
                "How much your partner feels able to count on you."
            }
            (Construct::Faith, Whose::Mine) => "Believing in where the two of you are heading.",
            (Construct::Faith, Whose::Partner) => {
                "How much your partner believes in where the two of you are heading."
            }
            (Construct::Honesty, Whose::Mine) => "Believing what you are told.",
            (Construct::Honesty, Whose::Partner) => {
                "How much your partner believes what you tell them."
            }
            (Construct::Safety, Whose::Mine) => "Feeling safe to be open and close.",
            (Construct::Safety, Whose::Partner) => {
                "How safe your partner feels to be open and close with you."
            }
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
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
        by_code(&Self::ALL, raw, Self::code).ok_or_else(|| {
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
