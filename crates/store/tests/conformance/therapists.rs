//! A therapist accepting a couple's one-time link: the link's use, the
//! therapist's row and the acceptance in the couple's record land in one
//! commit, a link works once (however two acceptances race), a newer link
//! ends the older one, and a therapist is linked to many couples without
//! ever becoming a member of a space.

use crate::harness::{self, conformance_tests, Kind, TestDb};
use kintsugi_store::{
    Hash, Joining, MasterKey, NewMember, NewTherapistLink, Store, StoreError, StreamAppend,
    TherapistInviteRecord, TherapistLink,
};
use std::sync::Arc;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

conformance_tests!(
    accepting_writes_the_link_with_the_event_and_uses_the_link_once,
    two_acceptances_at_once_leave_one,
    a_newer_link_ends_the_older_and_an_expired_one_opens_nothing,
    a_therapist_serves_many_couples_and_stays_out_of_their_spaces,
    counts_say_how_many_and_nothing_else,
);

const AT: OffsetDateTime = datetime!(2026-12-01 09:00 UTC);
const ACCEPTING: OffsetDateTime = datetime!(2026-12-02 10:00 UTC);
/// The proposal's entry in each couple's record.
const PROPOSAL: u64 = 1;

fn hash(byte: u8) -> Hash {
    [byte; 32]
}

fn one_event(stream_id: &str, expected_seq: u64, author: Uuid) -> Vec<StreamAppend> {
    harness::one_event(stream_id, expected_seq, author, "therapist")
}

async fn person(store: &dyn Store) -> Uuid {
    harness::person(store, AT).await
}

/// A couple space with one event (the proposal), its founder, and a
/// link made at `AT`.
async fn couple_with_link(store: &dyn Store, token: u8) -> (Uuid, Uuid) {
    let founder = person(store).await;
    let couple_id = Uuid::new_v4();
    let member = NewMember {
        couple_id,
        user_id: founder,
        at: AT,
        invite: None,
    };
    let stream = format!("couple:{couple_id}");
    store
        .commit_with_member(one_event(&stream, 0, founder), None, Some(member))
        .await
        .unwrap();
    make_link(store, couple_id, founder, token, AT).await;
    (couple_id, founder)
}

async fn make_link(store: &dyn Store, couple_id: Uuid, by: Uuid, token: u8, at: OffsetDateTime) {
    store
        .create_therapist_invite(&TherapistInviteRecord {
            token_hash: hash(token),
            couple_id,
            proposal: PROPOSAL,
            created_by: by,
            created_at: at,
            expires_at: at + Duration::days(7),
            used_at: None,
            used_by: None,
        })
        .await
        .unwrap();
}

/// `therapist` accepts couple `couple_id`'s link `token` at `at`, writing
/// the acceptance to the couple's record after `seq`.
async fn accept(
    store: &dyn Store,
    couple_id: Uuid,
    therapist: Uuid,
    token: u8,
    at: OffsetDateTime,
) -> kintsugi_store::Result<()> {
    let joining = Joining::Therapist(NewTherapistLink {
        link: TherapistLink {
            therapist_id: therapist,
            couple_id,
            proposal: PROPOSAL,
            since: at,
        },
        invite: hash(token),
    });
    let stream = format!("couple:{couple_id}");
    store
        .commit_at(one_event(&stream, 1, therapist), None, Some(joining), at)
        .await
        .map(drop)
}

async fn opened(kind: Kind) -> (TestDb, Arc<dyn Store>) {
    let db = TestDb::new(kind).await;
    let store = db.open(&MasterKey::generate()).await;
    (db, store)
}

async fn accepting_writes_the_link_with_the_event_and_uses_the_link_once(kind: Kind) {
    let (_db, store) = opened(kind).await;
    let (couple_id, _) = couple_with_link(store.as_ref(), 1).await;
    let therapist = person(store.as_ref()).await;
    accept(store.as_ref(), couple_id, therapist, 1, ACCEPTING)
        .await
        .unwrap();
    let link = store
        .therapist_link(therapist, couple_id)
        .await
        .unwrap()
        .expect("the therapist's row");
    assert_eq!(
        link,
        TherapistLink {
            therapist_id: therapist,
            couple_id,
            proposal: PROPOSAL,
            since: ACCEPTING,
        }
    );
    let invite = store
        .therapist_invite_by_token_hash(&hash(1))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(invite.used_at, Some(ACCEPTING));
    assert_eq!(invite.used_by, Some(therapist));
    let head = store
        .head(&format!("couple:{couple_id}"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(head.seq, 2, "the acceptance is in the couple's record");
    // The used link opens nothing for anyone else, and writes nothing.
    let another = person(store.as_ref()).await;
    let again = accept(store.as_ref(), couple_id, another, 1, ACCEPTING).await;
    assert!(matches!(
        again,
        Err(StoreError::Conflict { .. }) | Err(StoreError::InviteGone)
    ));
    let stream = format!("couple:{couple_id}");
    let after = store.head(&stream).await.unwrap().unwrap();
    assert_eq!(after.seq, 2);
    assert_eq!(
        store.therapist_link(another, couple_id).await.unwrap(),
        None
    );
}

async fn two_acceptances_at_once_leave_one(kind: Kind) {
    let (_db, store) = opened(kind).await;
    let (couple_id, _) = couple_with_link(store.as_ref(), 2).await;
    let first = person(store.as_ref()).await;
    let second = person(store.as_ref()).await;
    let (a, b) = tokio::join!(
        accept(store.as_ref(), couple_id, first, 2, ACCEPTING),
        accept(store.as_ref(), couple_id, second, 2, ACCEPTING),
    );
    assert_eq!(
        [a.is_ok(), b.is_ok()].iter().filter(|ok| **ok).count(),
        1,
        "{a:?} {b:?}"
    );
    let rows = [
        store.therapist_link(first, couple_id).await.unwrap(),
        store.therapist_link(second, couple_id).await.unwrap(),
    ];
    assert_eq!(rows.iter().flatten().count(), 1);
}

async fn a_newer_link_ends_the_older_and_an_expired_one_opens_nothing(kind: Kind) {
    let (_db, store) = opened(kind).await;
    let (couple_id, founder) = couple_with_link(store.as_ref(), 3).await;
    let newer = AT + Duration::hours(1);
    make_link(store.as_ref(), couple_id, founder, 4, newer).await;
    let older = store
        .therapist_invite_by_token_hash(&hash(3))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(older.expires_at, newer, "the older link ends");
    let latest = store
        .latest_therapist_invite(couple_id, PROPOSAL)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(latest.token_hash, hash(4));
    let therapist = person(store.as_ref()).await;
    let refused = accept(store.as_ref(), couple_id, therapist, 3, ACCEPTING).await;
    assert!(
        matches!(refused, Err(StoreError::InviteGone)),
        "{refused:?}"
    );
    let late = newer + Duration::days(8);
    let refused = accept(store.as_ref(), couple_id, therapist, 4, late).await;
    assert!(
        matches!(refused, Err(StoreError::InviteGone)),
        "{refused:?}"
    );
    let head = store
        .head(&format!("couple:{couple_id}"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(head.seq, 1, "nothing was written");
}

async fn a_therapist_serves_many_couples_and_stays_out_of_their_spaces(kind: Kind) {
    let (_db, store) = opened(kind).await;
    let (first, _) = couple_with_link(store.as_ref(), 5).await;
    let (second, _) = couple_with_link(store.as_ref(), 6).await;
    let therapist = person(store.as_ref()).await;
    accept(store.as_ref(), first, therapist, 5, ACCEPTING)
        .await
        .unwrap();
    let later = ACCEPTING + Duration::hours(1);
    accept(store.as_ref(), second, therapist, 6, later)
        .await
        .unwrap();
    let served: Vec<Uuid> = store
        .couples_of_therapist(therapist)
        .await
        .unwrap()
        .iter()
        .map(|link| link.couple_id)
        .collect();
    assert_eq!(served, [second, first], "the newest first");
    assert_eq!(store.couple_of(therapist).await.unwrap(), None);
    for couple in [first, second] {
        let members = store.members_of(couple).await.unwrap();
        assert!(!members.contains(&therapist));
    }
    // A therapist may be a partner elsewhere: their own space is theirs.
    let own = Uuid::new_v4();
    let member = NewMember {
        couple_id: own,
        user_id: therapist,
        at: later,
        invite: None,
    };
    let stream = format!("couple:{own}");
    store
        .commit_with_member(one_event(&stream, 0, therapist), None, Some(member))
        .await
        .unwrap();
    assert_eq!(store.couple_of(therapist).await.unwrap(), Some(own));
    assert_eq!(
        store.couples_of_therapist(therapist).await.unwrap().len(),
        2
    );
}

async fn counts_say_how_many_and_nothing_else(kind: Kind) {
    let (_db, store) = opened(kind).await;
    let empty = store.counts().await.unwrap();
    assert_eq!((empty.people, empty.spaces, empty.events), (0, 0, 0));
    let (couple_id, _) = couple_with_link(store.as_ref(), 7).await;
    let therapist = person(store.as_ref()).await;
    accept(store.as_ref(), couple_id, therapist, 7, ACCEPTING)
        .await
        .unwrap();
    let counts = store.counts().await.unwrap();
    assert_eq!(counts.people, 2, "the founder and the therapist");
    assert_eq!(counts.spaces, 1, "a therapist is no member of a space");
    assert_eq!(counts.events, 2);
    assert!(counts.database_bytes > 0);
}
