//! Signs that trust has gone missing, noticed in oneself.
//!
//! During a trust pulse a person may tick the signs they noticed in
//! themselves lately. The ticks always go to their own private stream, even
//! when the pulse itself is shared: they are for self-understanding, never a
//! report on anyone. Only their author ever sees them or their count.

use crate::kernel::ids::EntryId;
use crate::kernel::refusal::Refusal;
use crate::Meta;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

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

impl Sign {
    pub const COUNT: usize = 10;

    pub const ALL: [Sign; Self::COUNT] = [
        Sign::CheckingPhone,
        Sign::AskingAgain,
        Sign::Withdrawing,
        Sign::AssumingWorst,
        Sign::KeepingScore,
        Sign::TroubleSleeping,
        Sign::AvoidingCloseness,
        Sign::Replaying,
        Sign::NeedingWhereabouts,
        Sign::HidingFeelings,
    ];

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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignsNote {
    pub id: EntryId,
    pub at: OffsetDateTime,
    pub signs: Vec<Sign>,
}

/// One person's noticed signs, in time order, with running totals.
#[derive(Debug, Clone, Default)]
pub struct SignsLog {
    notes: Vec<SignsNote>,
    totals: [u32; Sign::COUNT],
}

impl SignsLog {
    pub fn apply(&mut self, meta: &Meta, event: &SignsEvent) {
        match event {
            SignsEvent::Noticed { signs } => {
                for sign in signs {
                    self.totals[sign.index()] += 1;
                }
                self.notes.push(SignsNote {
                    id: meta.entry(),
                    at: meta.at,
                    signs: signs.clone(),
                });
            }
        }
    }

    pub fn notes(&self) -> &[SignsNote] {
        &self.notes
    }

    /// How many times each sign was ticked, in `Sign::ALL` order.
    pub fn totals(&self) -> impl Iterator<Item = (Sign, u32)> + '_ {
        Sign::ALL.into_iter().map(|s| (s, self.totals[s.index()]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn codes(list: &[&str]) -> Vec<String> {
        list.iter().map(|c| (*c).to_owned()).collect()
    }

    #[test]
    fn the_checklist_has_ten_signs_with_unique_codes_that_round_trip() {
        let mut seen: Vec<&str> = Sign::ALL.iter().map(|s| s.code()).collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), Sign::COUNT);
        for sign in Sign::ALL {
            assert_eq!(Sign::from_code(sign.code()), Some(sign));
            let json = serde_json::to_string(&sign).unwrap();
            assert_eq!(json, format!("\"{}\"", sign.code()));
        }
    }

    #[test]
    fn ticked_signs_are_deduplicated_and_unknown_ones_refused() {
        assert_eq!(
            Sign::parse_ticked(&codes(&["replaying", "checking_phone", "replaying"])),
            Ok(vec![Sign::CheckingPhone, Sign::Replaying])
        );
        assert_eq!(Sign::parse_ticked(&[]), Ok(vec![]));
        assert!(matches!(
            Sign::parse_ticked(&codes(&["reading_diary"])),
            Err(Refusal::Invalid { field: "signs", .. })
        ));
    }

    #[test]
    fn the_log_keeps_notes_in_order_and_counts_each_sign() {
        let mut log = SignsLog::default();
        let meta = |seq| Meta {
            seq,
            author: crate::UserId(uuid::Uuid::nil()),
            at: datetime!(2026-01-01 08:00 UTC),
        };
        log.apply(
            &meta(1),
            &SignsEvent::Noticed {
                signs: vec![Sign::Replaying, Sign::Withdrawing],
            },
        );
        log.apply(&meta(2), &SignsEvent::Noticed { signs: vec![] });
        log.apply(
            &meta(3),
            &SignsEvent::Noticed {
                signs: vec![Sign::Replaying],
            },
        );
        assert_eq!(log.notes().len(), 3);
        assert_eq!(log.notes()[1].id, EntryId(2));
        let totals: Vec<_> = log.totals().filter(|(_, n)| *n > 0).collect();
        assert_eq!(totals, vec![(Sign::Withdrawing, 1), (Sign::Replaying, 2)]);
    }
}
