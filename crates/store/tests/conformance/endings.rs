//! Ended shared spaces: the ending's row lands in the same commit as the
//! record's "ended" event or not at all, the task finds the endings whose
//! window has passed (and no other), and forgetting one is idempotent.

use crate::harness::{self, conformance_tests, Kind, TestDb};
use kintsugi_store::{
    DeletionReason, Joining, MasterKey, NewMember, SpaceEnding, Store, StoreError, StreamAppend,
};
use std::sync::Arc;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

conformance_tests!(
    an_ending_lands_with_its_event_or_not_at_all,
    the_endings_due_are_those_whose_window_has_passed,
    racing_destroyers_destroy_an_ended_space_once,
);

const AT: OffsetDateTime = datetime!(2026-12-01 09:00 UTC);
const ENDED: OffsetDateTime = datetime!(2026-12-02 10:00 UTC);

fn one_event(stream_id: &str, expected_seq: u64, author: Uuid) -> Vec<StreamAppend> {
    harness::one_event(stream_id, expected_seq, author, "space")
}

async fn opened(kind: Kind) -> (TestDb, Arc<dyn Store>) {
    let db = TestDb::new(kind).await;
    let store = db.open(&MasterKey::generate()).await;
    (db, store)
}

/// A couple space with one event, and its founder.
async fn couple(store: &dyn Store) -> (Uuid, Uuid) {
    let founder = harness::person(store, AT).await;
    let couple_id = Uuid::new_v4();
    let member = NewMember {
        couple_id,
        user_id: founder,
        at: AT,
        invite: None,
    };
    store
        .commit_with_member(
            one_event(&stream(couple_id), 0, founder),
            None,
            Some(member),
        )
        .await
        .unwrap();
    (couple_id, founder)
}

fn stream(couple_id: Uuid) -> String {
    format!("couple:{couple_id}")
}

fn ending(couple_id: Uuid, ended_at: OffsetDateTime, days: i64) -> SpaceEnding {
    SpaceEnding {
        couple_id,
        ended_at,
        destroy_after: ended_at + Duration::days(days),
    }
}

/// The "ended" event after `seq`, with its ending.
async fn end(
    store: &dyn Store,
    couple_id: Uuid,
    by: Uuid,
    seq: u64,
    ending: SpaceEnding,
) -> kintsugi_store::Result<()> {
    store
        .commit_at(
            one_event(&stream(couple_id), seq, by),
            None,
            Some(Joining::Ending(ending)),
            ending.ended_at,
        )
        .await
        .map(drop)
}

async fn an_ending_lands_with_its_event_or_not_at_all(kind: Kind) {
    let (_db, store) = opened(kind).await;
    let store = store.as_ref();
    let (couple_id, founder) = couple(store).await;
    assert_eq!(store.space_ending(couple_id).await.unwrap(), None);
    // An append that lost its race writes no ending either.
    let lost = end(store, couple_id, founder, 0, ending(couple_id, ENDED, 30)).await;
    assert!(matches!(lost, Err(StoreError::Conflict { .. })), "{lost:?}");
    assert_eq!(store.space_ending(couple_id).await.unwrap(), None);

    let ended = ending(couple_id, ENDED, 30);
    end(store, couple_id, founder, 1, ended).await.unwrap();
    assert_eq!(store.space_ending(couple_id).await.unwrap(), Some(ended));
    assert_eq!(
        store.head(&stream(couple_id)).await.unwrap().unwrap().seq,
        2
    );
    // A second ending of the same space is refused, and writes no event.
    let again = end(store, couple_id, founder, 2, ending(couple_id, ENDED, 60)).await;
    assert!(again.is_err());
    assert_eq!(store.space_ending(couple_id).await.unwrap(), Some(ended));
    assert_eq!(
        store.head(&stream(couple_id)).await.unwrap().unwrap().seq,
        2
    );

    store.forget_space_ending(couple_id).await.unwrap();
    assert_eq!(store.space_ending(couple_id).await.unwrap(), None);
    store.forget_space_ending(couple_id).await.unwrap();
}

async fn the_endings_due_are_those_whose_window_has_passed(kind: Kind) {
    let (_db, store) = opened(kind).await;
    let store = store.as_ref();
    let (first, by_first) = couple(store).await;
    let (second, by_second) = couple(store).await;
    let (open, _) = couple(store).await;
    let sooner = ending(first, ENDED, 7);
    let later = ending(second, ENDED, 30);
    end(store, first, by_first, 1, sooner).await.unwrap();
    end(store, second, by_second, 1, later).await.unwrap();

    let due = |at| store.space_endings_due(at);
    assert_eq!(due(ENDED).await.unwrap(), vec![]);
    let just_before = sooner.destroy_after - Duration::seconds(1);
    assert_eq!(due(just_before).await.unwrap(), vec![]);
    assert_eq!(due(sooner.destroy_after).await.unwrap(), vec![sooner]);
    let both = due(later.destroy_after + Duration::days(1)).await.unwrap();
    assert_eq!(both, vec![sooner, later], "oldest first");
    store.forget_space_ending(first).await.unwrap();
    assert_eq!(due(later.destroy_after).await.unwrap(), vec![later]);
    assert_eq!(store.space_ending(open).await.unwrap(), None);
}

/// What the task does on two instances at once, for an ending that is due:
/// one destroys the record, the other finds it gone, and both forget the
/// ending without error.
async fn racing_destroyers_destroy_an_ended_space_once(kind: Kind) {
    let (_db, store) = opened(kind).await;
    let store = store.as_ref();
    let (couple_id, founder) = couple(store).await;
    let ended = ending(couple_id, ENDED, 30);
    end(store, couple_id, founder, 1, ended).await.unwrap();
    let at = ended.destroy_after;
    assert_eq!(store.space_endings_due(at).await.unwrap(), vec![ended]);
    let id = stream(couple_id);
    let destroy = || store.destroy_stream(&id, DeletionReason::SpaceEnded, at);
    let (one, two) = tokio::join!(destroy(), destroy());
    let (one, two) = (one.unwrap(), two.unwrap());
    assert_eq!(
        [one.is_some(), two.is_some()]
            .iter()
            .filter(|done| **done)
            .count(),
        1,
        "{one:?} {two:?}"
    );
    let record = one.or(two).unwrap();
    assert_eq!(
        (record.last_seq, record.reason),
        (2, DeletionReason::SpaceEnded)
    );
    let (first, second) = tokio::join!(
        store.forget_space_ending(couple_id),
        store.forget_space_ending(couple_id)
    );
    first.unwrap();
    second.unwrap();
    assert_eq!(store.space_endings_due(at).await.unwrap(), vec![]);
    assert_eq!(
        store.couple_of(founder).await.unwrap(),
        None,
        "the member row went"
    );
    assert_eq!(store.head(&stream(couple_id)).await.unwrap(), None);
    let report = store.verify().await.unwrap();
    assert!(report.first_break.is_none(), "{:?}", report.first_break);
}
