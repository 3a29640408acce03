//! The reflections room's decisions.

use super::events::{PrivateReflectionEvent, ReflectionEvent};
use super::prompts::{Prompt, MOST_PARTS};
use super::queries::{check_reassure, check_share, check_trigger_note, own_reflection};
use super::state::{Reflections, SharedReflections};
use crate::access::room::*;
use crate::access::visibility::Private;
use crate::kernel::refusal::FieldChecks;
use crate::kernel::text::Field;

/// Each answer's field, by its place in the prompt.
const PARTS: [Field; MOST_PARTS] = [
    Field::new("part_1", 4000),
    Field::new("part_2", 4000),
    Field::new("part_3", 4000),
    Field::new("part_4", 4000),
    Field::new("part_5", 4000),
];
const WHEN: Field = Field::new("when", 500);
const FELT: Field = Field::new("felt", 500);
const WOULD_HELP: Field = Field::new("would_help", 500);
const WORDS: Field = Field::new("words", 1000);

/// The answers to `prompt`'s questions, each optional, at least one given;
/// every field checked at once. Answers beyond the prompt's questions are
/// not read.
fn answers(prompt: Prompt, typed: &[&str]) -> Result<Vec<String>, Refusal> {
    let mut checks = FieldChecks::default();
    let mut parts = Vec::new();
    for (n, _) in prompt.parts().iter().enumerate() {
        let raw = typed.get(n).copied().unwrap_or_default();
        let checked = checks.check(PARTS[n].optional(raw))?;
        parts.push(checked.flatten().unwrap_or_default());
    }
    checks.finish()?;
    if parts.iter().all(String::is_empty) {
        return Err(Refusal::invalid(
            "part_1",
            "Please write something in at least one of the boxes.",
        ));
    }
    Ok(parts)
}

/// Whether `me` may write a reflection now: a partner of an open space
/// (what `write` asks first).
pub fn can_write(space: &SpaceState, me: UserId) -> bool {
    repair_rules::member(space, me).is_ok()
}

/// Writes a reflection to the author's own stream. A person whose partner
/// has not joined may write too.
pub fn write(
    space: &SpaceState,
    me: UserId,
    prompt: &str,
    typed: &[&str],
) -> Result<PrivateReflectionEvent, Refusal> {
    repair_rules::member(space, me)?;
    let prompt = Prompt::from_code(prompt)
        .ok_or_else(|| Refusal::invalid("prompt", "Please choose what to reflect on."))?;
    Ok(PrivateReflectionEvent::Written {
        prompt,
        parts: answers(prompt, typed)?,
    })
}

/// A new version of the author's own reflection; the earlier ones stay.
/// Like writing one, only while the space is open: once it ended, nothing
/// is added anywhere, a person's own stream included (what they wrote stays
/// theirs to read, export or delete).
pub fn revise(
    space: &SpaceState,
    mine: Private<'_, Reflections>,
    me: UserId,
    id: EntryId,
    typed: &[&str],
) -> Result<PrivateReflectionEvent, Refusal> {
    let reflection = own_reflection(mine, me, id)?;
    repair_rules::member(space, me)?;
    let parts = answers(reflection.prompt, typed)?;
    if parts == reflection.latest().parts {
        return Err(Refusal::invalid(
            "part_1",
            "This is the same as the newest version; change something to keep a new one.",
        ));
    }
    Ok(PrivateReflectionEvent::Revised {
        reflection: id,
        parts,
    })
}

/// Sharing a copy writes the copy to the couple's record and, in the
/// author's own stream, that this version was shared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareCopy {
    pub copy: ReflectionEvent,
    pub mark: PrivateReflectionEvent,
}

/// Shares a copy of version `version` (the one the preview showed).
pub fn share(
    space: &SpaceState,
    mine: Private<'_, Reflections>,
    me: UserId,
    id: EntryId,
    version: &str,
) -> Result<ShareCopy, Refusal> {
    let version: u32 = version
        .trim()
        .parse()
        .map_err(|_| Refusal::Conflict("Please open the preview again and share from there."))?;
    check_share(space, mine, me, id, version)?;
    let reflection = own_reflection(mine, me, id)?;
    Ok(ShareCopy {
        copy: ReflectionEvent::CopyShared {
            prompt: reflection.prompt,
            parts: reflection.latest().parts.clone(),
        },
        mark: PrivateReflectionEvent::CopyShared {
            reflection: id,
            version,
        },
    })
}

/// Puts a reflection away: it leaves the author's list; a copy shared
/// before stays where it is.
pub fn withdraw(
    mine: Private<'_, Reflections>,
    me: UserId,
    id: EntryId,
) -> Result<PrivateReflectionEvent, Refusal> {
    own_reflection(mine, me, id)?;
    Ok(PrivateReflectionEvent::Withdrawn { reflection: id })
}

/// The hurt partner's trigger note: when, what they felt, and (if they
/// know) what would help.
pub fn send_trigger_note(
    space: &SpaceState,
    me: UserId,
    when: &str,
    felt: &str,
    would_help: &str,
) -> Result<ReflectionEvent, Refusal> {
    check_trigger_note(space, me)?;
    let mut checks = FieldChecks::default();
    let when = checks.check(WHEN.required(when))?;
    let felt = checks.check(FELT.required(felt))?;
    let would_help = checks.check(WOULD_HELP.optional(would_help))?;
    checks.finish()?;
    match (when, felt, would_help) {
        (Some(when), Some(felt), Some(would_help)) => Ok(ReflectionEvent::TriggerNoted {
            when,
            felt,
            would_help,
        }),
        _ => Err(Refusal::invalid("when", "Please check the form.")),
    }
}

/// The other partner's reassurance.
pub fn reassure(
    acting: Acting<SharedReflections>,
    note: EntryId,
    words: &str,
) -> Result<ReflectionEvent, Refusal> {
    check_reassure(acting, note)?;
    Ok(ReflectionEvent::Reassured {
        note,
        words: WORDS.required(words)?,
    })
}
