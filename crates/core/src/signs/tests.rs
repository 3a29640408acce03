use super::*;
use crate::kernel::event::Meta;
use crate::kernel::ids::EntryId;
use crate::testing::refused_field;
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
    assert_eq!(
        refused_field(Sign::parse_ticked(&codes(&["reading_diary"]))),
        "signs"
    );
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

/// A signs event with none, some, or every sign, repeats included.
pub(crate) fn any_event() -> impl proptest::strategy::Strategy<Value = SignsEvent> {
    use crate::testing::strategies::one_of;
    use proptest::prelude::*;
    proptest::collection::vec(one_of(Sign::ALL), 0..=Sign::COUNT + 2)
        .prop_map(|signs| SignsEvent::Noticed { signs })
}
