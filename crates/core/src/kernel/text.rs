//! Free text typed by a person: trimmed, required or optional, bounded.

use crate::kernel::refusal::Refusal;

/// One free-text field of a form: the name a refusal marks, and how many
/// characters it holds at most. Each room names its fields once, beside the
/// command that reads them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    name: &'static str,
    max: usize,
}

impl Field {
    pub const fn new(name: &'static str, max: usize) -> Field {
        Field { name, max }
    }

    /// The text as typed, trimmed; refused when empty or too long.
    pub fn required(self, raw: &str) -> Result<String, Refusal> {
        required(self.name, raw, self.max)
    }

    /// The text as typed, trimmed, or `None` when empty; refused when too
    /// long.
    pub fn optional(self, raw: &str) -> Result<Option<String>, Refusal> {
        optional(self.name, raw, self.max)
    }
}

/// Trims `raw` and refuses it when empty or longer than `max` characters.
pub fn required(field: &'static str, raw: &str, max: usize) -> Result<String, Refusal> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(Refusal::invalid(field, "Please write something here."));
    }
    bounded(field, text, max).map(str::to_owned)
}

/// Trims `raw`; empty becomes `None`; refuses text longer than `max` characters.
pub fn optional(field: &'static str, raw: &str, max: usize) -> Result<Option<String>, Refusal> {
    let text = raw.trim();
    if text.is_empty() {
        return Ok(None);
    }
    bounded(field, text, max).map(|t| Some(t.to_owned()))
}

fn bounded<'a>(field: &'static str, text: &'a str, max: usize) -> Result<&'a str, Refusal> {
    let len = text.chars().count();
    if len > max {
        return Err(Refusal::invalid(
            field,
            format!("This is {len} characters long; please keep it under {max}."),
        ));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::refused_field;

    #[test]
    fn required_text_is_trimmed_and_must_not_be_empty() {
        assert_eq!(required("f", "  hi  ", 10), Ok("hi".to_owned()));
        assert_eq!(refused_field(required("f", "   ", 10)), "f");
    }

    #[test]
    fn text_longer_than_the_bound_is_refused_counting_characters_not_bytes() {
        assert!(required("f", "ééé", 3).is_ok());
        assert!(required("f", "éééé", 3).is_err());
        assert_eq!(optional("f", " ", 3), Ok(None));
    }
}
