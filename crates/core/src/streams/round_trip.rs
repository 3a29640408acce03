//! DESIGN §4: every event type round-trips through its stored form. For each
//! capability, any event its strategy makes (every variant, every optional
//! field present and absent) is written the way the store writes it — the
//! serde_json bytes of the stream enum — and must read back equal, and write
//! the same bytes again. Each room owns its strategy beside its tests; this
//! file only lists them.

use super::couple::CoupleEvent;
use super::private::PrivateEvent;
use proptest::prelude::*;
use serde::{de::DeserializeOwned, Serialize};
use std::fmt::Debug;

fn reads_back_from_its_stored_form<E>(event: &E) -> Result<(), TestCaseError>
where
    E: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let stored = serde_json::to_vec(event)
        .map_err(|e| TestCaseError::fail(format!("{event:?} did not serialise: {e}")))?;
    let read: E = serde_json::from_slice(&stored).map_err(|e| {
        let json = String::from_utf8_lossy(&stored);
        TestCaseError::fail(format!("{json} did not read back: {e}"))
    })?;
    prop_assert_eq!(&read, event);
    let stored_again = serde_json::to_vec(&read)
        .map_err(|e| TestCaseError::fail(format!("{read:?} did not serialise again: {e}")))?;
    prop_assert_eq!(stored_again, stored, "written again, the bytes changed");
    Ok(())
}

/// One property per capability: `name: Stream = strategy`.
macro_rules! round_trips {
    ($($name:ident: $stream:ty = $strategy:expr;)*) => {
        proptest! {
            #![proptest_config(ProptestConfig::with_cases(64))]
            $(
                #[test]
                fn $name(event in $strategy) {
                    reads_back_from_its_stored_form(&<$stream>::from(event))?;
                }
            )*
        }
    };
}

round_trips! {
    space_events: CoupleEvent = crate::space::tests::any_event();
    truth_events: CoupleEvent = crate::truth::tests::any_event();
    apology_events: CoupleEvent = crate::apology::tests::any_event();
    request_events: CoupleEvent = crate::requests::tests::any_event();
    commitment_events: CoupleEvent = crate::commitments::tests::any_event();
    contact_events: CoupleEvent = crate::contact::tests::any_event();
    check_in_events: CoupleEvent = crate::checkin::tests::any_event();
    pulse_events: CoupleEvent = crate::pulse::tests::any_event();
    readiness_events: CoupleEvent = crate::readiness::tests::any_event();
    talk_events: CoupleEvent = crate::talk::tests::any_event();
    together_events: CoupleEvent = crate::together::tests::any_event();
    meeting_events: CoupleEvent = crate::meeting::tests::any_event();
    therapist_events: CoupleEvent = crate::therapist::tests::any_event();
    reflection_events: CoupleEvent = crate::reflections::tests::any_event();
    session_events: CoupleEvent = crate::sessions::tests::any_event();
    withdrawal_events: CoupleEvent = crate::withdrawal::tests::any_event();
    private_withdrawal_events: PrivateEvent = crate::withdrawal::tests::any_event();
    private_check_in_events: PrivateEvent = crate::checkin::tests::any_private_event();
    private_pulse_events: PrivateEvent = crate::pulse::tests::any_private_event();
    signs_events: PrivateEvent = crate::signs::tests::any_event();
    visit_events: PrivateEvent = crate::visits::tests::any_event();
    readiness_marks: PrivateEvent = crate::readiness::tests::any_mark_event();
    private_talk_events: PrivateEvent = crate::talk::tests::any_private_event();
    kept_together_events: PrivateEvent = crate::together::tests::any_private_event();
    private_reflection_events: PrivateEvent = crate::reflections::tests::any_private_event();
}
