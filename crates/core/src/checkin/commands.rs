//! Checking in, and answering a partner's check-in.

use super::*;
use crate::access::repair_rules::member;
use crate::checkin::feelings::{Feeling, Intensity};
use crate::kernel::ids::{EntryId, UserId};
use crate::kernel::listed::by_code;
use crate::kernel::refusal::Refusal;
use crate::kernel::text;
use crate::space::SpaceState;
use std::collections::HashMap;

// ---------------------------------------------------------------------------
// Commands.

/// A check-in form as posted. `feelings` pairs a feeling code with the
/// intensity posted for it.
#[derive(Debug, Clone, Default)]
pub struct CheckInInput {
    pub feelings: Vec<(String, String)>,
    pub note: String,
    pub visibility: String,
}

impl CheckInInput {
    /// Builds the input from the raw pairs of a urlencoded form: each ticked
    /// box posts `feelings=<code>`, its scale posts `intensity_<code>=<1..5>`,
    /// plus `note` and `visibility`. Scales of unticked feelings are ignored.
    pub fn from_form(pairs: &[(String, String)]) -> CheckInInput {
        // One pass over the fields, whatever their number: a posted form is
        // read in time linear in its size (the first value of a name counts).
        let mut single: HashMap<&str, &str> = HashMap::new();
        let mut ticked: Vec<&str> = Vec::new();
        for (name, value) in pairs {
            if name == "feelings" {
                // More than the most that can be chosen is refused anyway;
                // one past it is enough to say so.
                if ticked.len() <= MAX_FEELINGS {
                    ticked.push(value.trim());
                }
            } else {
                single.entry(name.as_str()).or_insert(value.as_str());
            }
        }
        let value_of = |name: &str| {
            single
                .get(name)
                .map(|v| (*v).to_owned())
                .unwrap_or_default()
        };
        let feelings = ticked
            .into_iter()
            .map(|code| (code.to_owned(), value_of(&format!("intensity_{code}"))))
            .collect();
        CheckInInput {
            feelings,
            note: value_of("note"),
            visibility: value_of("visibility"),
        }
    }

    pub(crate) fn parse(&self) -> Result<(CheckIn, Visibility), Refusal> {
        if self.feelings.is_empty() {
            return Err(Refusal::invalid(
                "feelings",
                "Please choose at least one feeling.",
            ));
        }
        if self.feelings.len() > MAX_FEELINGS {
            return Err(Refusal::invalid(
                "feelings",
                "Please choose up to three feelings: the ones that stand out most right now.",
            ));
        }
        let mut feelings: Vec<FeltFeeling> = Vec::with_capacity(self.feelings.len());
        for (code, raw_intensity) in &self.feelings {
            let feeling = Feeling::parse("feelings", code)?;
            if feelings.iter().any(|f| f.feeling == feeling) {
                return Err(Refusal::invalid(
                    "feelings",
                    format!("“{}” is chosen twice; once is enough.", feeling.label()),
                ));
            }
            let intensity = raw_intensity
                .trim()
                .parse::<u8>()
                .ok()
                .and_then(Intensity::new)
                .ok_or_else(|| {
                    Refusal::invalid(
                        feeling.intensity_field(),
                        format!(
                            "Please choose how strongly you feel “{}”, from 1 (a little) to 5 (overwhelmingly).",
                            feeling.label()
                        ),
                    )
                })?;
            feelings.push(FeltFeeling { feeling, intensity });
        }
        let note = text::optional("note", &self.note, NOTE_MAX_CHARS)?;
        let visibility = Visibility::parse(&self.visibility)?;
        Ok((CheckIn { feelings, note }, visibility))
    }
}

/// A new check-in, kept or shared: `streams::Destination` turns it into
/// the stream it belongs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewCheckIn {
    /// "Only me": the author's private stream.
    Kept(PrivateCheckInEvent),
    /// The couple's shared record.
    Shared(CheckInEvent),
}

/// Records a check-in and says which stream it belongs in: the author's
/// private stream for "only me", the couple stream otherwise.
pub fn check_in(
    space: &SpaceState,
    actor: UserId,
    input: &CheckInInput,
) -> Result<NewCheckIn, Refusal> {
    member(space, actor)?;
    let (check_in, visibility) = input.parse()?;
    let with = match visibility {
        Visibility::OnlyMe => return Ok(NewCheckIn::Kept(PrivateCheckInEvent::Kept { check_in })),
        Visibility::Partner => SharedWith::Partner,
        Visibility::PartnerAndTherapist => SharedWith::PartnerAndTherapist,
    };
    Ok(NewCheckIn::Shared(CheckInEvent::Shared { check_in, with }))
}

/// An answer to a partner's check-in as posted: `check_in` is the entry id
/// from the address; `preset` one of [`AckPreset`]'s codes; `own_words`, when
/// not blank, is used instead of the preset.
#[derive(Debug, Clone, Default)]
pub struct AcknowledgeInput {
    pub check_in: String,
    pub preset: String,
    pub own_words: String,
}

pub fn acknowledge(
    space: &SpaceState,
    shared: &CheckInsState,
    actor: UserId,
    input: &AcknowledgeInput,
) -> Result<CheckInEvent, Refusal> {
    member(space, actor)?;
    let id = input
        .check_in
        .trim()
        .parse::<u64>()
        .map(EntryId)
        .map_err(|_| Refusal::NotFound)?;
    let entry = shared.get(id).ok_or(Refusal::NotFound)?;
    may_acknowledge(space, actor, entry)?;
    let acknowledgement = match text::optional("own_words", &input.own_words, OWN_WORDS_MAX_CHARS)?
    {
        Some(words) => Acknowledgement::OwnWords(words),
        None => by_code(&AckPreset::ALL, &input.preset, AckPreset::code)
            .map(Acknowledgement::Preset)
            .ok_or_else(|| {
                Refusal::invalid(
                    "own_words",
                    "Please choose one of the answers, or write a few words of your own.",
                )
            })?,
    };
    Ok(CheckInEvent::Acknowledged {
        check_in: id,
        acknowledgement,
    })
}
