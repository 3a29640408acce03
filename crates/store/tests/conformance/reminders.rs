//! Reminder choices, unsubscribe links and claims, on both backends.

use crate::accounts::user;
use crate::harness::{conformance_tests, Kind, TestDb};
use kintsugi_store::{MasterKey, Store, UserRecord};
use std::sync::Arc;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

conformance_tests!(
    choices_are_kept_per_person_and_kind,
    a_claim_is_won_once_even_by_racing_stores,
    an_unsubscribe_link_ends_its_one_choice_once,
    old_claims_and_links_are_forgotten,
);

const AT: OffsetDateTime = datetime!(2026-11-30 09:00 UTC);

/// A store with one account, Ana's.
async fn store_with_ana(kind: Kind) -> (TestDb, Arc<dyn Store>, UserRecord) {
    let db = TestDb::new(kind).await;
    let store = db.open(&MasterKey::generate()).await;
    let ana = user("ana@example.org");
    store.create_user(&ana, &[]).await.unwrap();
    (db, store, ana)
}

/// The digest at 09:00 and the check-in reminder at 20:00.
async fn choose_digest_and_check_in(store: &dyn Store, person: uuid::Uuid) {
    for (kind, minute) in [("digest", 540), ("check_in", 1200)] {
        store
            .set_reminder_choice(person, kind, Some(minute))
            .await
            .unwrap();
    }
}

async fn choices_are_kept_per_person_and_kind(kind: Kind) {
    let (_db, store, ana) = store_with_ana(kind).await;
    let ben = user("ben@example.org");
    store.create_user(&ben, &[]).await.unwrap();
    choose_digest_and_check_in(store.as_ref(), ana.id).await;
    store
        .set_reminder_choice(ana.id, "digest", Some(480))
        .await
        .unwrap();
    store.set_time_zone(ana.id, "Asia/Kolkata").await.unwrap();
    assert_eq!(
        store.reminder_choices(ana.id).await.unwrap(),
        vec![("check_in".to_owned(), 1200), ("digest".to_owned(), 480)]
    );
    assert!(store.reminder_choices(ben.id).await.unwrap().is_empty());
    let chosen = store.chosen_reminders().await.unwrap();
    assert_eq!(chosen.len(), 2);
    assert!(chosen.iter().all(|c| c.user_id == ana.id
        && c.email == "ana@example.org"
        && c.time_zone.as_deref() == Some("Asia/Kolkata")));
    store
        .set_reminder_choice(ana.id, "digest", None)
        .await
        .unwrap();
    assert_eq!(store.reminder_choices(ana.id).await.unwrap().len(), 1);
    assert!(store
        .set_reminder_choice(ana.id, "digest", Some(1440))
        .await
        .is_err());
}

async fn a_claim_is_won_once_even_by_racing_stores(kind: Kind) {
    let db = TestDb::new(kind).await;
    let key = MasterKey::generate();
    let one = db.open(&key).await;
    let two = db.open(&key).await;
    let ana = user("ana@example.org");
    one.create_user(&ana, &[]).await.unwrap();
    let (first, second) = tokio::join!(
        one.claim_reminder(ana.id, "digest:2026-11-30", AT),
        two.claim_reminder(ana.id, "digest:2026-11-30", AT),
    );
    assert_eq!(
        [first.unwrap(), second.unwrap()]
            .iter()
            .filter(|won| **won)
            .count(),
        1
    );
    assert!(!one
        .claim_reminder(ana.id, "digest:2026-11-30", AT)
        .await
        .unwrap());
    assert!(one
        .claim_reminder(ana.id, "digest:2026-12-01", AT)
        .await
        .unwrap());
    assert!(one
        .claim_reminder(ana.id, "check_in:2026-11-30", AT)
        .await
        .unwrap());
}

async fn an_unsubscribe_link_ends_its_one_choice_once(kind: Kind) {
    let (_db, store, ana) = store_with_ana(kind).await;
    choose_digest_and_check_in(store.as_ref(), ana.id).await;
    let (link, other) = ([7u8; 32], [8u8; 32]);
    store
        .add_unsubscribe_token(&link, ana.id, "digest", AT)
        .await
        .unwrap();
    store
        .add_unsubscribe_token(&other, ana.id, "digest", AT)
        .await
        .unwrap();
    let named = Some((ana.id, "digest".to_owned()));
    assert_eq!(store.unsubscribe_token(&link).await.unwrap(), named);
    assert_eq!(store.unsubscribe(&link).await.unwrap(), named);
    assert_eq!(
        store.reminder_choices(ana.id).await.unwrap(),
        vec![("check_in".to_owned(), 1200)]
    );
    assert_eq!(store.unsubscribe(&link).await.unwrap(), None);
    assert_eq!(
        store.unsubscribe_token(&other).await.unwrap(),
        None,
        "every link of that choice"
    );
    assert_eq!(store.unsubscribe(&[9u8; 32]).await.unwrap(), None);
}

async fn old_claims_and_links_are_forgotten(kind: Kind) {
    let (_db, store, ana) = store_with_ana(kind).await;
    store
        .claim_reminder(ana.id, "digest:2026-11-30", AT)
        .await
        .unwrap();
    store
        .add_unsubscribe_token(&[7u8; 32], ana.id, "digest", AT)
        .await
        .unwrap();
    let later = AT + Duration::days(1);
    store.forget_reminders_before(AT, AT).await.unwrap();
    assert!(store.unsubscribe_token(&[7u8; 32]).await.unwrap().is_some());
    assert!(!store
        .claim_reminder(ana.id, "digest:2026-11-30", later)
        .await
        .unwrap());
    store.forget_reminders_before(later, later).await.unwrap();
    assert!(store.unsubscribe_token(&[7u8; 32]).await.unwrap().is_none());
    assert!(store
        .claim_reminder(ana.id, "digest:2026-11-30", later)
        .await
        .unwrap());
}
