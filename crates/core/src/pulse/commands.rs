//! Taking the pulse, and choosing how often.

use super::*;
use crate::access::repair_rules::member;
use crate::kernel::ids::UserId;
use crate::kernel::refusal::Refusal;
use crate::signs::{Sign, SignsEvent};
use crate::space::SpaceState;

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
