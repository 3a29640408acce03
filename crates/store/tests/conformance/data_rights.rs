//! Data rights in the record: an author withdrawing an entry (its
//! ciphertext goes in the commit that names it, the chain still verifies)
//! and a stream destroyed for good (a sealed deletion record stays, which
//! `verify` and the witnesses accept in its place).

use crate::harness::{self, conformance_tests, event, fill, Kind, TestDb, TestPayloads};
use kintsugi_store::{
    DeletionReason, IntegrityProblem as P, InviteRecord, MasterKey, NewMember, SessionRecord,
    Store, StoreError, StreamAppend, UserRecord, Witness,
};
use std::sync::Arc;
use time::macros::datetime;
use time::OffsetDateTime;
use uuid::Uuid;

conformance_tests!(
    an_author_redacts_an_earlier_event_in_the_commit_that_names_it,
    a_redaction_is_refused_unless_it_is_the_authors_own_earlier_entry,
    a_redaction_proof_moved_to_another_event_proves_nothing,
    a_destroyed_stream_leaves_a_sealed_record_that_verify_and_witnesses_accept,
    destroying_a_space_removes_its_members_and_invitations,
    destroyers_racing_destroy_a_stream_once,
    a_forged_deletion_record_is_found,
    a_deleted_account_leaves_nothing_and_its_email_registers_again,
);

const AT: OffsetDateTime = datetime!(2026-12-04 09:00 UTC);
const STREAM: &str = "couple:data-rights";

/// `fill`'s three events by author-a, then a redaction by `author` of
/// `targets`, after `expected_seq`.
fn redaction(author: &str, expected_seq: u64, targets: &[u64]) -> StreamAppend {
    let names = format!("redacts {}", targets.first().copied().unwrap_or_default());
    let mut append = StreamAppend::new(STREAM, expected_seq, vec![event(author, "note", &names)]);
    append.redacts = targets.to_vec();
    append
}

async fn filled(kind: Kind) -> (TestDb, Arc<dyn Store>) {
    let (db, store) = TestDb::with_store(kind).await;
    fill(store.as_ref(), STREAM, 3).await;
    (db, store)
}

async fn an_author_redacts_an_earlier_event_in_the_commit_that_names_it(kind: Kind) {
    let (db, store) = filled(kind).await;
    let before = db.raw().await.ciphertexts().await;

    store
        .commit(vec![redaction("author-a", 3, &[2])], None)
        .await
        .unwrap();

    let events = store.read(STREAM, 0).await.unwrap();
    let payloads: Vec<_> = events.iter().map(|e| e.payload.is_some()).collect();
    assert_eq!(payloads, [true, false, true, true]);
    assert_eq!(events[1].hash, before_hash(&store, 2).await);
    assert_eq!(
        store.read_page(STREAM, 1, 1).await.unwrap()[0].payload,
        None
    );
    let after = db.raw().await.ciphertexts().await;
    assert!(before[1].2.is_some());
    assert_eq!(
        after[1],
        (STREAM.to_owned(), 2, None),
        "the ciphertext is gone"
    );
    assert_eq!(after[0], before[0], "only the target changed");
    let report = store.verify_with(&TestPayloads).await.unwrap();
    assert_eq!(report.first_break, None);
    // Without a decoder nothing names the redaction: verify says so.
    let found = store.verify().await.unwrap().first_break.unwrap();
    assert_eq!((found.seq, found.problem), (2, P::UnprovenRedaction));
}

async fn before_hash(store: &Arc<dyn Store>, seq: u64) -> [u8; 32] {
    store.read(STREAM, seq - 1).await.unwrap()[0].hash
}

async fn a_redaction_is_refused_unless_it_is_the_authors_own_earlier_entry(kind: Kind) {
    let (_db, store) = filled(kind).await;
    let refusals = [
        ("another author", redaction("author-b", 3, &[2])),
        ("the event being appended", redaction("author-a", 3, &[4])),
        ("no event", redaction("author-a", 3, &[0])),
        ("one target twice", redaction("author-a", 3, &[1, 1])),
        ("nothing naming it", {
            let mut bare = StreamAppend::new(STREAM, 3, Vec::new());
            bare.redacts = vec![1];
            bare
        }),
    ];
    for (what, append) in refusals {
        let refused = store.commit(vec![append], None).await;
        assert!(
            matches!(refused, Err(StoreError::NotRedactable { .. })),
            "{what}: {refused:?}"
        );
        assert_eq!(store.head(STREAM).await.unwrap().unwrap().seq, 3, "{what}");
    }
    store
        .commit(vec![redaction("author-a", 3, &[2])], None)
        .await
        .unwrap();
    let again = store
        .commit(vec![redaction("author-a", 4, &[2])], None)
        .await;
    assert!(
        matches!(again, Err(StoreError::NotRedactable { seq: 2, .. })),
        "{again:?}"
    );
    assert_eq!(store.read(STREAM, 0).await.unwrap().len(), 4);
}

async fn a_redaction_proof_moved_to_another_event_proves_nothing(kind: Kind) {
    let (db, store) = filled(kind).await;
    store
        .commit(vec![redaction("author-a", 3, &[2])], None)
        .await
        .unwrap();
    let raw = db.raw().await;
    raw.set_bytes("payload_ciphertext", STREAM, 3, None).await;
    raw.execute(&format!(
        "INSERT INTO redactions (stream_id, seq, proof) \
         SELECT stream_id, 3, proof FROM redactions WHERE stream_id = '{STREAM}' AND seq = 2"
    ))
    .await;

    match store.read(STREAM, 0).await {
        Err(StoreError::Integrity {
            seq: 3,
            problem: P::UnprovenRedaction,
            ..
        }) => {}
        other => panic!("a moved proof was accepted: {other:?}"),
    }
}

async fn a_destroyed_stream_leaves_a_sealed_record_that_verify_and_witnesses_accept(kind: Kind) {
    let (db, store) = filled(kind).await;
    let head = store.head(STREAM).await.unwrap().unwrap();
    let witness = |seq, hash| Witness {
        stream_id: STREAM.to_owned(),
        seq,
        hash,
    };

    let record = store
        .destroy_stream(STREAM, DeletionReason::SpaceEnded, AT)
        .await
        .unwrap()
        .expect("the stream was there to destroy");

    assert_eq!((record.last_seq, record.last_hash), (3, head.hash));
    assert_eq!(
        (record.deleted_at, record.reason),
        (AT, DeletionReason::SpaceEnded)
    );
    assert_eq!(store.deletion_record(STREAM).await.unwrap(), Some(record));
    let raw = db.raw().await;
    assert!(raw.rows(STREAM).await.is_empty());
    assert!(raw
        .stream_bytes("stream_keys", "wrapped_key", STREAM)
        .await
        .is_none());
    assert!(raw
        .stream_bytes("stream_seals", "seal", STREAM)
        .await
        .is_none());
    assert_eq!(store.head(STREAM).await.unwrap(), None);
    let report = store.verify_with(&TestPayloads).await.unwrap();
    assert_eq!((report.first_break, report.deleted_streams), (None, 1));
    store.check_witness(&witness(3, head.hash)).await.unwrap();
    store.check_witness(&witness(2, [0; 32])).await.unwrap();
    let beyond = store.check_witness(&witness(4, [0; 32])).await;
    assert!(
        matches!(
            beyond,
            Err(StoreError::Integrity {
                problem: P::BehindWitness,
                ..
            })
        ),
        "a witness that saw more than the record names: {beyond:?}"
    );
    let other_head = store.check_witness(&witness(3, [9; 32])).await;
    assert!(other_head.is_err(), "{other_head:?}");
    let again = store
        .destroy_stream(STREAM, DeletionReason::SpaceEnded, AT)
        .await;
    assert_eq!(again.unwrap(), None);
}

async fn destroying_a_space_removes_its_members_and_invitations(kind: Kind) {
    let (_db, store) = TestDb::with_store(kind).await;
    let founder = harness::person(store.as_ref(), AT).await;
    let couple_id = Uuid::new_v4();
    let stream = format!("couple:{couple_id}");
    let member = NewMember {
        couple_id,
        user_id: founder,
        at: AT,
        invite: None,
    };
    let founding = harness::one_event(&stream, 0, founder, "space");
    store
        .commit_with_member(founding, None, Some(member))
        .await
        .unwrap();
    let invite = InviteRecord {
        token_hash: [7; 32],
        couple_id,
        created_by: founder,
        created_at: AT,
        expires_at: AT + time::Duration::days(7),
        used_at: None,
        used_by: None,
        declined_at: None,
    };
    store.create_invite(&invite).await.unwrap();

    store
        .destroy_stream(&stream, DeletionReason::SpaceEnded, AT)
        .await
        .unwrap()
        .unwrap();

    assert_eq!(store.couple_of(founder).await.unwrap(), None);
    assert!(store.members_of(couple_id).await.unwrap().is_empty());
    assert_eq!(store.invite_by_token_hash(&[7; 32]).await.unwrap(), None);
    assert!(
        store.user_by_id(founder).await.unwrap().is_some(),
        "the person stays"
    );
}

async fn destroyers_racing_destroy_a_stream_once(kind: Kind) {
    let db = TestDb::new(kind).await;
    let key = MasterKey::generate();
    let store = db.open(&key).await;
    let second = db.open(&key).await;
    fill(store.as_ref(), STREAM, 3).await;

    let third = db.open(&key).await;
    let mut destroyers = tokio::task::JoinSet::new();
    for store in [store.clone(), second, store.clone(), third] {
        destroyers.spawn(async move {
            store
                .destroy_stream(STREAM, DeletionReason::SpaceEnded, AT)
                .await
        });
    }
    let mut destroyed = 0;
    while let Some(outcome) = destroyers.join_next().await {
        destroyed += usize::from(outcome.unwrap().unwrap().is_some());
    }
    assert_eq!(destroyed, 1);
    let report = store.verify_with(&TestPayloads).await.unwrap();
    assert_eq!((report.first_break, report.deleted_streams), (None, 1));
}

async fn a_forged_deletion_record_is_found(kind: Kind) {
    let (db, store) = filled(kind).await;
    store
        .destroy_stream(STREAM, DeletionReason::AccountDeleted, AT)
        .await
        .unwrap();
    let raw = db.raw().await;
    raw.execute("UPDATE stream_deletions SET last_seq = 9")
        .await;

    let found = store
        .verify_with(&TestPayloads)
        .await
        .unwrap()
        .first_break
        .unwrap();
    assert_eq!(
        (found.stream_id.as_str(), found.problem),
        (STREAM, P::ForgedDeletion)
    );
    let refused = store.deletion_record(STREAM).await;
    assert!(
        matches!(refused, Err(StoreError::Integrity { .. })),
        "{refused:?}"
    );
    let witness = Witness {
        stream_id: STREAM.to_owned(),
        seq: 5,
        hash: [0; 32],
    };
    assert!(store.check_witness(&witness).await.is_err());
}

async fn a_deleted_account_leaves_nothing_and_its_email_registers_again(kind: Kind) {
    let (_db, store) = TestDb::with_store(kind).await;
    let user = harness::person(store.as_ref(), AT).await;
    let record = store.user_by_id(user).await.unwrap().unwrap();
    let couple_id = Uuid::new_v4();
    let member = NewMember {
        couple_id,
        user_id: user,
        at: AT,
        invite: None,
    };
    let founding = harness::one_event(&format!("couple:{couple_id}"), 0, user, "space");
    store
        .commit_with_member(founding, None, Some(member))
        .await
        .unwrap();
    let session = SessionRecord {
        id: Uuid::new_v4(),
        user_id: user,
        token_hash: [3; 32],
        created_at: AT,
        last_seen_at: AT,
        device: "Firefox on Android".into(),
    };
    store.create_session(&session).await.unwrap();
    store
        .replace_recovery_codes(user, &[[4; 32]])
        .await
        .unwrap();

    assert!(store.delete_user(user).await.unwrap());

    assert_eq!(store.user_by_id(user).await.unwrap(), None);
    assert_eq!(store.user_by_email(&record.email).await.unwrap(), None);
    assert_eq!(store.session_by_token_hash(&[3; 32]).await.unwrap(), None);
    assert!(!store.consume_recovery_code(user, &[4; 32]).await.unwrap());
    assert_eq!(store.couple_of(user).await.unwrap(), None);
    assert!(!store.delete_user(user).await.unwrap(), "once");
    let again = UserRecord {
        id: Uuid::new_v4(),
        ..record
    };
    store.create_user(&again, &[]).await.unwrap();
    assert_eq!(
        store.user_by_email(&again.email).await.unwrap().unwrap().id,
        again.id
    );
}
