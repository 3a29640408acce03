//! Properties that hold for any text: no panic, spans inside the text and on
//! character boundaries, and work bounded by a constant times the length.

use kintsugi_core::coach::{self, apology::ApologyParts, Finding, Stats, MAX_STEPS_PER_BYTE};
use proptest::prelude::*;

fn assert_spans_fit(text: &str, findings: &[Finding]) {
    for f in findings {
        assert!(f.start <= f.end, "{f:?}");
        assert!(f.end <= text.len(), "{f:?}");
        assert!(
            text.is_char_boundary(f.start) && text.is_char_boundary(f.end),
            "{f:?}"
        );
        assert!(!f.message.is_empty() && !f.suggestion.is_empty());
    }
}

fn assert_linear(text: &str, stats: Stats) {
    let budget = MAX_STEPS_PER_BYTE * (text.len() + 1);
    assert!(
        stats.steps <= budget,
        "{} steps for {} bytes",
        stats.steps,
        text.len()
    );
}

fn check_text(text: &str) {
    let (findings, stats) = coach::apology::review_with_stats(text);
    assert_spans_fit(text, &findings);
    assert_linear(text, stats);
    let (findings, stats) = coach::request::review_with_stats(text);
    assert_spans_fit(text, &findings);
    assert_linear(text, stats);
}

/// Words the coaches react to, and the punctuation between them, so that
/// random texts reach deep into the rules rather than only into the splitter.
fn trigger_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "sorry", "if", "but", "you", "i", "i'm", "don’t", "didn't", "not", "just", "only", "it",
        "was", "made", "me", "because", "never", "stop", "and", "also", "text", "call", "when",
        "every", "feel", "make", "so", "bad", "my", "fault", "choice", "will", "move", "on",
        "forgive", "happened", "mistakes", "were", "at", "9pm", "21:00", "be", "more", "honest",
        "no", "more", ",", ".", ";", "?", "\n", "\n\n", "’", "'", "é", "🙂", "ß", "İ", " ", "",
    ]);
    prop::collection::vec(pieces, 0..300).prop_map(|pieces| pieces.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn any_text_is_reviewed_without_panic_within_bounds(text in any::<String>()) {
        check_text(&text);
    }

    #[test]
    fn any_printable_unicode_is_reviewed_within_bounds(text in "\\PC{0,3000}") {
        check_text(&text);
    }

    #[test]
    fn texts_made_of_trigger_words_are_reviewed_within_bounds(text in trigger_text()) {
        check_text(&text);
    }

    #[test]
    fn trigger_words_among_control_and_direction_characters_are_reviewed_within_bounds(
        text in prop::collection::vec(prop_oneof![trigger_text(), hostile_characters()], 0..20)
            .prop_map(|pieces| pieces.concat())
    ) {
        check_text(&text);
    }

    #[test]
    fn texts_made_of_trigger_words_without_spaces_are_reviewed_within_bounds(
        text in trigger_text().prop_map(|t| t.replace(' ', ""))
    ) {
        check_text(&text);
    }

    #[test]
    fn any_apology_in_parts_is_reviewed_within_bounds(
        parts in prop::collection::vec(prop_oneof![trigger_text(), "\\PC{0,200}"], 7)
    ) {
        let apology = ApologyParts {
            what_i_did: parts[0].clone(),
            impact: parts[1].clone(),
            responsibility: parts[2].clone(),
            remorse: parts[3].clone(),
            changes: parts[4].clone(),
            repair: parts[5].clone(),
            factors: parts[6].clone(),
        };
        let (found, stats) = coach::apology::review_parts_with_stats(&apology);
        let texts = apology.named();
        for part in &found {
            let (_, text) = texts.iter().find(|(name, _)| *name == part.part).unwrap();
            assert_spans_fit(text, std::slice::from_ref(&part.finding));
        }
        let total: usize = texts.iter().map(|(_, t)| t.len() + 1).sum();
        prop_assert!(stats.steps <= MAX_STEPS_PER_BYTE * total);
    }
}

/// Characters a hostile or careless text carries: NUL and other controls,
/// direction overrides and isolates, joiners, a byte-order mark, combining
/// marks and lone apostrophes, in runs.
fn hostile_characters() -> impl Strategy<Value = String> {
    "[\\x00-\\x1f\\x7f\u{200b}-\u{200f}\u{202a}-\u{202e}\u{2066}-\u{2069}\u{feff}\u{301}'’]{1,8}"
}

/// Inputs built to make a careless matcher do quadratic work: long runs of
/// phrase beginnings that almost match, and no spaces at all.
fn adversarial(size: usize) -> Vec<String> {
    let units = [
        "sorry but ",
        "sorry, but ",
        "if if if ",
        "if you ",
        "i i i ",
        "i am so ",
        "you made ",
        "just just ",
        "not not ",
        "and also and ",
        "text me and call me and ",
        "don't ",
        "because you were ",
        "9:9:9:9:",
        "''''",
        "’’’’ ",
        "a",
        "é",
        "\n",
        ". . ",
        "I I’m I’m sorry sorry if if I hurt ",
    ];
    units
        .iter()
        .map(|unit| unit.repeat(size / unit.len() + 1))
        .collect()
}

#[test]
fn adversarial_inputs_of_100k_bytes_stay_within_the_step_budget() {
    for text in adversarial(100_000) {
        check_text(&text);
    }
}

#[test]
fn doubling_an_adversarial_input_at_most_doubles_the_work() {
    for (small, large) in adversarial(20_000).into_iter().zip(adversarial(40_000)) {
        for review in [
            |t: &str| coach::apology::review_with_stats(t).1.steps,
            |t: &str| coach::request::review_with_stats(t).1.steps,
        ] {
            let (a, b) = (review(&small), review(&large));
            let ratio = b as f64 / a.max(1) as f64;
            let size_ratio = large.len() as f64 / small.len() as f64;
            assert!(
                ratio <= size_ratio * 1.05 + 0.01,
                "{a} then {b} steps for {:?}",
                &small[..small.len().min(20)]
            );
        }
    }
}

#[test]
fn a_long_apology_finds_as_much_as_its_pieces() {
    let piece = "I'm sorry if I hurt you. It was just a kiss. ";
    let text = piece.repeat(2_000);
    let findings = coach::apology::review(&text);
    let conditionals = findings
        .iter()
        .filter(|f| f.code == coach::Code::Conditional)
        .count();
    assert_eq!(conditionals, 2_000);
}
