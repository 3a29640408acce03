//! Small helpers for the words a page uses about people and texts.

use kintsugi_core::UserId;

/// "You" or "Your partner", for the author of an entry.
pub fn who(me: UserId, author: UserId) -> &'static str {
    if me == author {
        "You"
    } else {
        "Your partner"
    }
}

/// The start of a longer text, for a line that points to it: cut after
/// `max_chars` characters, never inside one.
pub fn excerpt(text: &str, max_chars: usize) -> String {
    let mut chars = text.char_indices();
    match chars.nth(max_chars) {
        Some((cut, _)) => format!("{}…", text[..cut].trim_end()),
        None => text.to_owned(),
    }
}

/// Keeps a quoted text short enough for a list: whole words, an ellipsis.
pub fn excerpt_on_word(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max_chars).collect();
    let cut = cut
        .rsplit_once(char::is_whitespace)
        .map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_cut_long_text_on_a_character_boundary() {
        assert_eq!(excerpt("short", 10), "short");
        assert_eq!(excerpt("ééééé", 3), "ééé…");
        assert_eq!(excerpt("one two three", 8), "one two…");
    }

    #[test]
    fn excerpts_on_a_word_end_on_a_whole_word() {
        assert_eq!(excerpt_on_word("short", 10), "short");
        assert_eq!(
            excerpt_on_word("I met them once more in May", 14),
            "I met them…"
        );
        assert_eq!(excerpt_on_word("abcdefghij", 4), "abcd…");
    }

    #[test]
    fn the_author_is_you_or_your_partner() {
        let me = UserId(uuid::Uuid::from_u128(1));
        let partner = UserId(uuid::Uuid::from_u128(2));
        assert_eq!(who(me, me), "You");
        assert_eq!(who(me, partner), "Your partner");
    }
}
