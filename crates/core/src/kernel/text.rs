//! Free text typed by a person: trimmed, required or optional, bounded.

use crate::kernel::refusal::Refusal;

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

    #[test]
    fn required_text_is_trimmed_and_must_not_be_empty() {
        assert_eq!(required("f", "  hi  ", 10), Ok("hi".to_owned()));
        assert!(matches!(
            required("f", "   ", 10),
            Err(Refusal::Invalid { field: "f", .. })
        ));
    }

    #[test]
    fn text_longer_than_the_bound_is_refused_counting_characters_not_bytes() {
        assert!(required("f", "ééé", 3).is_ok());
        assert!(required("f", "éééé", 3).is_err());
        assert_eq!(optional("f", " ", 3), Ok(None));
    }
}
