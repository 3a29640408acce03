//! The signs a person may notice in themselves, and the event that records them.

use crate::kernel::listed::listed_enum;
use crate::kernel::refusal::Refusal;
use serde::{Deserialize, Serialize};

listed_enum! {
    /// The codes are the serde names and are stable forever.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Sign {
        CheckingPhone,
        AskingAgain,
        Withdrawing,
        AssumingWorst,
        KeepingScore,
        TroubleSleeping,
        AvoidingCloseness,
        Replaying,
        NeedingWhereabouts,
        HidingFeelings,
    }
}

impl Sign {
    pub fn index(self) -> usize {
        self as usize
    }

    pub fn code(self) -> &'static str {
        match self {
            Sign::CheckingPhone => "checking_phone",
            Sign::AskingAgain => "asking_again",
            Sign::Withdrawing => "withdrawing",
            Sign::AssumingWorst => "assuming_worst",
            Sign::KeepingScore => "keeping_score",
            Sign::TroubleSleeping => "trouble_sleeping",
            Sign::AvoidingCloseness => "avoiding_closeness",
            Sign::Replaying => "replaying",
            Sign::NeedingWhereabouts => "needing_whereabouts",
            Sign::HidingFeelings => "hiding_feelings",
        }
    }

    /// Written in the first person: the person ticks what they noticed in
    /// themselves.
    pub fn label(self) -> &'static str {
        match self {
            Sign::CheckingPhone => "I looked through my partner's phone, messages or accounts",
            Sign::AskingAgain => "I asked the same question again and again",
            Sign::Withdrawing => "I pulled away or went quiet",
            Sign::AssumingWorst => "I assumed the worst when something was unclear",
            Sign::KeepingScore => "I kept score of who did what",
            Sign::TroubleSleeping => "I had trouble sleeping, or woke up with it on my mind",
            Sign::AvoidingCloseness => "I avoided touch or closeness",
            Sign::Replaying => "I replayed what happened over and over",
            Sign::NeedingWhereabouts => "I needed to know where my partner was at every moment",
            Sign::HidingFeelings => "I kept my feelings to myself to keep the peace",
        }
    }

    pub fn from_code(code: &str) -> Option<Sign> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Parses the ticked boxes, ignoring repeats, in the list's order.
    pub fn parse_ticked(codes: &[String]) -> Result<Vec<Sign>, Refusal> {
        let mut ticked = [false; Self::COUNT];
        for code in codes {
            let sign = Self::from_code(code.trim())
                .ok_or_else(|| Refusal::invalid("signs", "Please tick signs from the list."))?;
            ticked[sign.index()] = true;
        }
        Ok(Self::ALL
            .into_iter()
            .filter(|s| ticked[s.index()])
            .collect())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SignsEvent {
    /// Recorded with every pulse, also when nothing was ticked: "none this
    /// time" is worth seeing in one's own chart.
    Noticed { signs: Vec<Sign> },
}
