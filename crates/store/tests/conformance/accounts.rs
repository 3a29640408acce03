//! Accounts, sessions and invitations (joining a space: `joining.rs`).

use crate::harness::{conformance_tests, Kind, TestDb};
use kintsugi_store::{Hash, InviteRecord, MasterKey, SessionRecord, Store, StoreError, UserRecord};
use std::sync::Arc;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

conformance_tests!(
    a_user_is_found_by_normalised_email_and_by_id,
    a_second_account_with_the_same_email_is_refused,
    password_and_recovery_code_flags_are_updated,
    a_recovery_code_is_used_up_once,
    sessions_are_created_listed_touched_and_ended,
    a_new_invite_ends_the_older_unused_ones_of_its_space,
    failed_attempts_are_counted_forgotten_after_the_window_and_cleared,
    a_device_names_its_owner,
    other_sessions_end_and_the_kept_one_stays,
    an_email_with_a_control_character_finds_no_account,
    a_time_zone_is_unset_until_chosen_and_then_kept_per_person,
);

const AT: OffsetDateTime = datetime!(2026-11-26 18:00:00.123456 UTC);

pub(crate) fn user(email: &str) -> UserRecord {
    UserRecord {
        id: Uuid::new_v4(),
        email: email.to_string(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_string(),
        created_at: AT,
        recovery_codes_shown: false,
    }
}

fn hash(byte: u8) -> Hash {
    [byte; 32]
}

async fn store_with_user(kind: Kind, email: &str) -> (TestDb, Arc<dyn Store>, UserRecord) {
    let db = TestDb::new(kind).await;
    let store = db.open(&MasterKey::generate()).await;
    let user = user(email);
    store.create_user(&user, &[hash(1), hash(2)]).await.unwrap();
    (db, store, user)
}

async fn a_user_is_found_by_normalised_email_and_by_id(kind: Kind) {
    let db = TestDb::new(kind).await;
    let store = db.open(&MasterKey::generate()).await;
    let mut created = user("  Ana@Example.ORG ");
    store.create_user(&created, &[]).await.unwrap();
    created.email = "ana@example.org".to_string();

    assert_eq!(
        store.user_by_email("ANA@example.org").await.unwrap(),
        Some(created.clone())
    );
    assert_eq!(store.user_by_id(created.id).await.unwrap(), Some(created));
    assert_eq!(store.user_by_email("ben@example.org").await.unwrap(), None);
    assert_eq!(store.user_by_id(Uuid::new_v4()).await.unwrap(), None);
}

async fn a_second_account_with_the_same_email_is_refused(kind: Kind) {
    let (_db, store, first) = store_with_user(kind, "ana@example.org").await;

    let refused = store
        .create_user(&user(" ANA@example.org"), &[hash(9)])
        .await;

    assert!(
        matches!(refused, Err(StoreError::EmailTaken)),
        "{refused:?}"
    );
    assert_eq!(
        store
            .user_by_email("ana@example.org")
            .await
            .unwrap()
            .map(|u| u.id),
        Some(first.id)
    );
}

async fn password_and_recovery_code_flags_are_updated(kind: Kind) {
    let (_db, store, user) = store_with_user(kind, "ana@example.org").await;

    store
        .set_password_hash(user.id, "$argon2id$new")
        .await
        .unwrap();
    store.mark_recovery_codes_shown(user.id).await.unwrap();

    let updated = store.user_by_id(user.id).await.unwrap().unwrap();
    assert_eq!(updated.password_hash, "$argon2id$new");
    assert!(updated.recovery_codes_shown);
    assert_eq!(updated.created_at, AT);
}

async fn a_recovery_code_is_used_up_once(kind: Kind) {
    let (_db, store, user) = store_with_user(kind, "ana@example.org").await;
    let other = self::user("ben@example.org");
    store.create_user(&other, &[hash(7)]).await.unwrap();

    assert!(store
        .consume_recovery_code(user.id, &hash(1))
        .await
        .unwrap());
    assert!(!store
        .consume_recovery_code(user.id, &hash(1))
        .await
        .unwrap());
    assert!(!store
        .consume_recovery_code(user.id, &hash(7))
        .await
        .unwrap());

    store
        .replace_recovery_codes(user.id, &[hash(3), hash(4)])
        .await
        .unwrap();
    assert!(!store
        .consume_recovery_code(user.id, &hash(2))
        .await
        .unwrap());
    assert!(store
        .consume_recovery_code(user.id, &hash(4))
        .await
        .unwrap());
    assert!(store
        .consume_recovery_code(other.id, &hash(7))
        .await
        .unwrap());
}

async fn sessions_are_created_listed_touched_and_ended(kind: Kind) {
    let (_db, store, user) = store_with_user(kind, "ana@example.org").await;
    let partner = self::user("ben@example.org");
    store.create_user(&partner, &[]).await.unwrap();
    let session = |owner: Uuid, token: u8, device: &str| SessionRecord {
        id: Uuid::new_v4(),
        user_id: owner,
        token_hash: hash(token),
        created_at: AT,
        last_seen_at: AT,
        device: device.to_string(),
    };
    let phone = session(user.id, 10, "Firefox on Android");
    let laptop = session(user.id, 11, "Safari on macOS");
    let partners = session(partner.id, 12, "Chrome on Windows");
    for s in [&phone, &laptop, &partners] {
        store.create_session(s).await.unwrap();
    }

    assert_eq!(
        store.session_by_token_hash(&hash(10)).await.unwrap(),
        Some(phone.clone())
    );
    assert_eq!(store.session_by_token_hash(&hash(99)).await.unwrap(), None);

    let later = AT + Duration::minutes(5);
    store.touch_session(laptop.id, later).await.unwrap();
    let listed = store.sessions_of(user.id).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0].id, laptop.id, "most recently seen first");
    assert_eq!(listed[0].last_seen_at, later);

    assert!(
        !store.delete_session(user.id, partners.id).await.unwrap(),
        "nobody ends someone else's session"
    );
    assert!(store.delete_session(user.id, phone.id).await.unwrap());
    assert!(!store.delete_session(user.id, phone.id).await.unwrap());
    assert_eq!(store.session_by_token_hash(&hash(10)).await.unwrap(), None);

    store.delete_sessions_of(user.id).await.unwrap();
    assert!(store.sessions_of(user.id).await.unwrap().is_empty());
    assert_eq!(store.sessions_of(partner.id).await.unwrap(), vec![partners]);
}

async fn failed_attempts_are_counted_forgotten_after_the_window_and_cleared(kind: Kind) {
    let db = TestDb::new(kind).await;
    let store = db.open(&MasterKey::generate()).await;
    let key = hash(7);
    let other = hash(8);
    let window_start = AT - Duration::hours(1);
    assert_eq!(
        store.failed_attempts(&key, window_start).await.unwrap(),
        None
    );
    for n in 1..=3_u32 {
        let at = AT + Duration::seconds(i64::from(n));
        let counted = store
            .count_failed_attempt(&key, at, window_start)
            .await
            .unwrap();
        assert_eq!(counted.failures, n);
        assert_eq!(counted.last_at, at);
    }
    store
        .count_failed_attempt(&other, AT, window_start)
        .await
        .unwrap();
    let found = store
        .failed_attempts(&key, window_start)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.failures, 3, "each key counts apart");

    // A day later the old failures are outside the window: counting starts afresh.
    let later = AT + Duration::days(1);
    let since = later - Duration::hours(1);
    assert_eq!(store.failed_attempts(&key, since).await.unwrap(), None);
    let afresh = store
        .count_failed_attempt(&key, later, since)
        .await
        .unwrap();
    assert_eq!(afresh.failures, 1);
    assert_eq!(
        store.failed_attempts(&other, window_start).await.unwrap(),
        None,
        "old rows are swept"
    );

    store.clear_failed_attempts(&key).await.unwrap();
    assert_eq!(store.failed_attempts(&key, since).await.unwrap(), None);
}

async fn a_device_names_its_owner(kind: Kind) {
    let (_db, store, user) = store_with_user(kind, "ana@example.org").await;
    assert_eq!(store.device_owner(&hash(9)).await.unwrap(), None);
    store.add_device(&hash(9), user.id, AT).await.unwrap();
    assert_eq!(store.device_owner(&hash(9)).await.unwrap(), Some(user.id));
    assert_eq!(store.device_owner(&hash(10)).await.unwrap(), None);
}

async fn other_sessions_end_and_the_kept_one_stays(kind: Kind) {
    let (_db, store, user) = store_with_user(kind, "ana@example.org").await;
    let session = |byte: u8| SessionRecord {
        id: Uuid::new_v4(),
        user_id: user.id,
        token_hash: hash(byte),
        created_at: AT,
        last_seen_at: AT,
        device: "Firefox on Linux".to_string(),
    };
    let (kept, other, third) = (session(20), session(21), session(22));
    for s in [&kept, &other, &third] {
        store.create_session(s).await.unwrap();
    }
    store.delete_other_sessions(user.id, kept.id).await.unwrap();
    let left = store.sessions_of(user.id).await.unwrap();
    assert_eq!(left, vec![kept]);
}

async fn an_email_with_a_control_character_finds_no_account(kind: Kind) {
    let (_db, store, _user) = store_with_user(kind, "ana@example.org").await;
    assert_eq!(
        store.user_by_email("ana\0@example.org").await.unwrap(),
        None
    );
    assert_eq!(
        store.user_by_email("ana@example.org\u{7}").await.unwrap(),
        None
    );
}

async fn a_new_invite_ends_the_older_unused_ones_of_its_space(kind: Kind) {
    let db = TestDb::new(kind).await;
    let store = db.open(&MasterKey::generate()).await;
    let inviter = user("ana@example.org");
    store.create_user(&inviter, &[]).await.unwrap();
    let (space, elsewhere) = (Uuid::new_v4(), Uuid::new_v4());
    let invite = |token: u8, couple_id: Uuid, created_at: OffsetDateTime| InviteRecord {
        token_hash: hash(token),
        couple_id,
        created_by: inviter.id,
        created_at,
        expires_at: created_at + Duration::days(7),
        used_at: None,
        used_by: None,
        declined_at: None,
    };
    let first = invite(1, space, AT);
    let other_space = invite(2, elsewhere, AT);
    store.create_invite(&first).await.unwrap();
    store.create_invite(&other_space).await.unwrap();
    let later = AT + Duration::hours(3);
    let second = invite(3, space, later);
    store.create_invite(&second).await.unwrap();

    let ended = store.invite_by_token_hash(&hash(1)).await.unwrap().unwrap();
    assert_eq!(
        ended.expires_at, later,
        "the older link ends when the new one is made"
    );
    assert_eq!(
        store.invite_by_token_hash(&hash(3)).await.unwrap(),
        Some(second)
    );
    assert_eq!(
        store.invite_by_token_hash(&hash(2)).await.unwrap(),
        Some(other_space),
        "another space's link is untouched"
    );
}

async fn a_time_zone_is_unset_until_chosen_and_then_kept_per_person(kind: Kind) {
    let (_db, store, ana) = store_with_user(kind, "ana@example.org").await;
    let ben = user("ben@example.org");
    store.create_user(&ben, &[]).await.unwrap();
    assert_eq!(store.time_zone(ana.id).await.unwrap(), None);

    store
        .set_time_zone(ana.id, "Pacific/Kiritimati")
        .await
        .unwrap();
    store
        .set_time_zone(ben.id, "Pacific/Pago_Pago")
        .await
        .unwrap();
    store
        .set_time_zone(ana.id, "America/New_York")
        .await
        .unwrap();

    assert_eq!(
        store.time_zone(ana.id).await.unwrap().as_deref(),
        Some("America/New_York"),
        "the newest choice is kept"
    );
    assert_eq!(
        store.time_zone(ben.id).await.unwrap().as_deref(),
        Some("Pacific/Pago_Pago"),
        "each person's own"
    );
    assert_eq!(store.time_zone(Uuid::new_v4()).await.unwrap(), None);
}
