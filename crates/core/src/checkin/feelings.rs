//! The feelings vocabulary a check-in picks from: eight core feelings, each
//! with more precise words beneath it.
//!
//! Codes are stable forever: they are written into events. A word may be
//! relabelled, never recoded or removed. The core feeling itself can be
//! picked too, for a day when "sad" is precise enough.

use crate::kernel::listed::listed_enum;
use crate::kernel::refusal::Refusal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

listed_enum! {
    /// The eight families of feeling. Charts count check-ins per family.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum CoreFeeling {
        Hurt,
        Afraid,
        Angry,
        Sad,
        Ashamed,
        Lonely,
        Hopeful,
        Close,
    }
}

impl CoreFeeling {
    /// Position in [`CoreFeeling::ALL`]; used to index per-feeling tallies.
    pub fn index(self) -> usize {
        self as usize
    }

    /// Stable code; also the suffix of the chart CSS class (`series-hurt`).
    pub fn code(self) -> &'static str {
        match self {
            CoreFeeling::Hurt => "hurt",
            CoreFeeling::Afraid => "afraid",
            CoreFeeling::Angry => "angry",
            CoreFeeling::Sad => "sad",
            CoreFeeling::Ashamed => "ashamed",
            CoreFeeling::Lonely => "lonely",
            CoreFeeling::Hopeful => "hopeful",
            CoreFeeling::Close => "close",
        }
    }

    pub fn label(self) -> &'static str {
        self.word().label()
    }

    /// The word that names the family itself.
    pub fn word(self) -> Feeling {
        // The vocabulary lists every core word first, in `ALL` order.
        Feeling(self.index() as u8)
    }

    /// The family's own word first, then the words beneath it.
    pub fn words(self) -> impl Iterator<Item = Feeling> {
        Feeling::all().filter(move |f| f.core() == self)
    }
}

struct Word {
    code: &'static str,
    label: &'static str,
    core: CoreFeeling,
    intensity_field: &'static str,
}

macro_rules! words {
    ($( $core:ident : [ $( ($code:literal, $label:literal) ),* $(,)? ] ),* $(,)?) => {
        &[ $( $( Word {
            code: $code,
            label: $label,
            core: CoreFeeling::$core,
            intensity_field: concat!("intensity_", $code),
        }, )* )* ]
    };
}

/// The core words come first (in `CoreFeeling::ALL` order) so that
/// `CoreFeeling::word` can name them by position.
static VOCABULARY: &[Word] = words! {
    Hurt: [("hurt", "Hurt")],
    Afraid: [("afraid", "Afraid")],
    Angry: [("angry", "Angry")],
    Sad: [("sad", "Sad")],
    Ashamed: [("ashamed", "Ashamed")],
    Lonely: [("lonely", "Lonely")],
    Hopeful: [("hopeful", "Hopeful")],
    Close: [("close", "Close")],
    Hurt: [
        ("betrayed", "Betrayed"),
        ("heartbroken", "Heartbroken"),
        ("humiliated", "Humiliated"),
        ("rejected", "Rejected"),
        ("let_down", "Let down"),
        ("shocked", "Shocked"),
        ("stung", "Stung"),
        ("wounded", "Wounded"),
    ],
    Afraid: [
        ("anxious", "Anxious"),
        ("on_edge", "On edge"),
        ("insecure", "Insecure"),
        ("suspicious", "Suspicious"),
        ("worried", "Worried"),
        ("panicky", "Panicky"),
        ("uncertain", "Uncertain"),
        ("confused", "Confused"),
        ("dreading", "Full of dread"),
    ],
    Angry: [
        ("furious", "Furious"),
        ("resentful", "Resentful"),
        ("bitter", "Bitter"),
        ("frustrated", "Frustrated"),
        ("irritated", "Irritated"),
        ("disgusted", "Disgusted"),
        ("indignant", "Indignant"),
        ("jealous", "Jealous"),
    ],
    Sad: [
        ("grieving", "Grieving"),
        ("disappointed", "Disappointed"),
        ("discouraged", "Discouraged"),
        ("numb", "Numb"),
        ("empty", "Empty"),
        ("weary", "Weary"),
        ("low", "Low"),
        ("tearful", "Tearful"),
    ],
    Ashamed: [
        ("guilty", "Guilty"),
        ("embarrassed", "Embarrassed"),
        ("regretful", "Regretful"),
        ("exposed", "Exposed"),
        ("unworthy", "Unworthy"),
        ("remorseful", "Remorseful"),
        ("self_critical", "Hard on myself"),
        ("foolish", "Foolish"),
    ],
    Lonely: [
        ("isolated", "Isolated"),
        ("distant", "Distant"),
        ("unseen", "Unseen"),
        ("unheard", "Unheard"),
        ("shut_out", "Shut out"),
        ("abandoned", "Abandoned"),
        ("disconnected", "Disconnected"),
        ("misunderstood", "Misunderstood"),
    ],
    Hopeful: [
        ("encouraged", "Encouraged"),
        ("optimistic", "Optimistic"),
        ("determined", "Determined"),
        ("curious", "Curious"),
        ("relieved", "Relieved"),
        ("proud", "Proud of us"),
        ("brave", "Brave"),
        ("willing", "Willing"),
    ],
    Close: [
        ("connected", "Connected"),
        ("tender", "Tender"),
        ("loved", "Loved"),
        ("grateful", "Grateful"),
        ("safe", "Safe"),
        ("at_ease", "At ease"),
        ("peaceful", "Peaceful"),
        ("appreciated", "Appreciated"),
        ("affectionate", "Affectionate"),
    ],
};

/// One word of the vocabulary. A small handle: cheap to copy, and written
/// into events as its stable code.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Feeling(u8);

impl Feeling {
    /// Every word, core words first.
    pub fn all() -> impl Iterator<Item = Feeling> {
        (0..VOCABULARY.len()).map(|i| Feeling(i as u8))
    }

    pub fn from_code(code: &str) -> Option<Feeling> {
        VOCABULARY
            .iter()
            .position(|w| w.code == code)
            .map(|i| Feeling(i as u8))
    }

    /// Parses a posted code, refusing one the vocabulary does not know.
    pub fn parse(field: &'static str, code: &str) -> Result<Feeling, Refusal> {
        Self::from_code(code.trim())
            .ok_or_else(|| Refusal::invalid(field, "Please choose feelings from the list."))
    }

    fn word(self) -> &'static Word {
        &VOCABULARY[usize::from(self.0)]
    }

    pub fn code(self) -> &'static str {
        self.word().code
    }

    pub fn label(self) -> &'static str {
        self.word().label
    }

    pub fn core(self) -> CoreFeeling {
        self.word().core
    }

    /// The name of the form field that carries this word's intensity.
    pub fn intensity_field(self) -> &'static str {
        self.word().intensity_field
    }

    pub fn is_core(self) -> bool {
        self == self.core().word()
    }
}

impl fmt::Debug for Feeling {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Feeling({})", self.code())
    }
}

impl Serialize for Feeling {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Feeling {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Feeling::from_code(&code)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown feeling code {code:?}")))
    }
}

/// How strongly a feeling is felt, 1 (a little) to 5 (overwhelmingly).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Intensity(u8);

impl Intensity {
    pub const MIN: u8 = 1;
    pub const MAX: u8 = 5;

    pub fn new(value: u8) -> Option<Intensity> {
        (Self::MIN..=Self::MAX)
            .contains(&value)
            .then_some(Intensity(value))
    }

    pub fn value(self) -> u8 {
        self.0
    }

    /// Words for the form's scale, from 1 to 5.
    pub fn label(self) -> &'static str {
        match self.0 {
            1 => "a little",
            2 => "somewhat",
            3 => "clearly",
            4 => "strongly",
            _ => "overwhelmingly",
        }
    }

    /// Every step of the scale, for rendering the choice.
    pub fn scale() -> impl Iterator<Item = Intensity> {
        (Self::MIN..=Self::MAX).map(Intensity)
    }
}

impl TryFrom<u8> for Intensity {
    type Error = String;

    fn try_from(value: u8) -> Result<Self, Self::Error> {
        Intensity::new(value).ok_or_else(|| format!("intensity {value} is outside 1..=5"))
    }
}

impl From<Intensity> for u8 {
    fn from(value: Intensity) -> u8 {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::refused_field;
    use std::collections::HashSet;

    #[test]
    fn the_vocabulary_has_between_sixty_and_eighty_words_with_unique_codes() {
        let count = Feeling::all().count();
        assert!((60..=80).contains(&count), "{count} words");
        let codes: HashSet<_> = Feeling::all().map(Feeling::code).collect();
        assert_eq!(codes.len(), count);
    }

    #[test]
    fn each_core_feeling_names_itself_and_has_several_words_beneath_it() {
        for core in CoreFeeling::ALL {
            assert_eq!(core.word().code(), core.code());
            assert_eq!(core.word().core(), core);
            assert!(core.word().is_core());
            assert_eq!(core.words().next(), Some(core.word()));
            assert!(core.words().count() >= 8, "{core:?}");
        }
    }

    #[test]
    fn codes_round_trip_through_serde_and_unknown_codes_are_refused() {
        let betrayed = Feeling::from_code("betrayed").unwrap();
        assert_eq!(betrayed.core(), CoreFeeling::Hurt);
        assert!(!betrayed.is_core());
        assert_eq!(betrayed.intensity_field(), "intensity_betrayed");
        let json = serde_json::to_string(&betrayed).unwrap();
        assert_eq!(json, "\"betrayed\"");
        assert_eq!(serde_json::from_str::<Feeling>(&json).unwrap(), betrayed);
        assert!(serde_json::from_str::<Feeling>("\"elated_beyond_words\"").is_err());
        assert_eq!(
            refused_field(Feeling::parse("feelings", "nope")),
            "feelings"
        );
    }

    #[test]
    fn intensity_is_one_to_five_also_when_read_back() {
        assert!(Intensity::new(0).is_none());
        assert!(Intensity::new(6).is_none());
        assert_eq!(Intensity::new(5).map(Intensity::value), Some(5));
        assert_eq!(Intensity::scale().count(), 5);
        assert!(serde_json::from_str::<Intensity>("9").is_err());
        assert_eq!(serde_json::from_str::<Intensity>("3").unwrap().value(), 3);
    }
}
