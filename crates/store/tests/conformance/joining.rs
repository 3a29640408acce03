//! Creating and joining a space: the membership row, the invitation's use
//! and the record's events land in one commit, and a space never holds a
//! third partner, however the joins race.

use crate::harness::{self, conformance_tests, Kind, TestDb};
use kintsugi_store::{
    Hash, InviteRecord, MasterKey, NewMember, Store, StoreError, StoredEvent, StreamAppend,
};
use std::sync::Arc;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

conformance_tests!(
    creating_and_joining_write_the_member_with_the_events,
    two_joins_at_once_leave_exactly_two_members,
    an_invitation_that_cannot_be_used_joins_nobody,
    an_invitation_is_declined_once_and_the_inviter_sees_it,
    a_person_belongs_to_one_space_and_a_space_to_two_people,
);

const AT: OffsetDateTime = datetime!(2026-12-01 09:00 UTC);
/// When the joins in these stories happen.
const JOINING: OffsetDateTime = datetime!(2026-12-01 10:00 UTC);

fn hash(byte: u8) -> Hash {
    [byte; 32]
}

/// A space its founder created, in a database two store instances share.
struct Space {
    _db: TestDb,
    store: Arc<dyn Store>,
    second: Arc<dyn Store>,
    couple_id: Uuid,
    founder: Uuid,
}

fn one_event(stream_id: &str, expected_seq: u64, author: Uuid) -> Vec<StreamAppend> {
    harness::one_event(stream_id, expected_seq, author, "space")
}

async fn person(store: &dyn Store) -> Uuid {
    harness::person(store, AT).await
}

async fn founded(kind: Kind) -> Space {
    let db = TestDb::new(kind).await;
    let key = MasterKey::generate();
    let store = db.open(&key).await;
    let second = db.open(&key).await;
    let founder = person(store.as_ref()).await;
    let couple_id = Uuid::new_v4();
    let stream = format!("couple:{couple_id}");
    let member = NewMember {
        couple_id,
        user_id: founder,
        at: AT,
        invite: None,
    };
    store
        .commit_with_member(one_event(&stream, 0, founder), None, Some(member))
        .await
        .unwrap();
    Space {
        _db: db,
        store,
        second,
        couple_id,
        founder,
    }
}

impl Space {
    fn stream(&self) -> String {
        format!("couple:{}", self.couple_id)
    }

    /// An invitation made at `created_at`, lasting a week.
    async fn invite(&self, token: u8, created_at: OffsetDateTime) {
        self.store
            .create_invite(&InviteRecord {
                token_hash: hash(token),
                couple_id: self.couple_id,
                created_by: self.founder,
                created_at,
                expires_at: created_at + Duration::days(7),
                used_at: None,
                used_by: None,
                declined_at: None,
            })
            .await
            .unwrap();
    }

    /// `user` joins through invitation `token` at [`JOINING`], writing one
    /// event to the shared record (`shared`) or only to their own stream.
    async fn join(
        &self,
        store: &dyn Store,
        user: Uuid,
        token: u8,
        shared: bool,
    ) -> kintsugi_store::Result<Vec<Vec<StoredEvent>>> {
        let appends = if shared {
            one_event(&self.stream(), 1, user)
        } else {
            one_event(&format!("private:{user}"), 0, user)
        };
        let member = NewMember {
            couple_id: self.couple_id,
            user_id: user,
            at: JOINING,
            invite: Some(hash(token)),
        };
        store.commit_with_member(appends, None, Some(member)).await
    }

    /// Asserts that `user`'s refused join left nothing: no membership, no
    /// event in their stream, and the shared record at `head`.
    async fn left_nothing(&self, user: Uuid, head: u64) {
        assert_eq!(self.store.couple_of(user).await.unwrap(), None);
        let private = format!("private:{user}");
        assert!(self.store.read(&private, 0).await.unwrap().is_empty());
        let shared = self.store.head(&self.stream()).await.unwrap().unwrap();
        assert_eq!(shared.seq, head);
    }

    async fn invitation(&self, token: u8) -> InviteRecord {
        let found = self.store.invite_by_token_hash(&hash(token)).await;
        found.unwrap().unwrap()
    }
}

async fn creating_and_joining_write_the_member_with_the_events(kind: Kind) {
    let space = founded(kind).await;
    let store = space.store.as_ref();
    assert_eq!(
        store.members_of(space.couple_id).await.unwrap(),
        [space.founder]
    );
    assert_eq!(store.head(&space.stream()).await.unwrap().unwrap().seq, 1);
    space.invite(1, AT).await;
    let partner = person(store).await;

    let written = space.join(store, partner, 1, true).await.unwrap();

    assert_eq!(written[0][0].seq, 2);
    assert_eq!(
        store.members_of(space.couple_id).await.unwrap(),
        [space.founder, partner]
    );
    let used = space.invitation(1).await;
    assert_eq!((used.used_by, used.used_at), (Some(partner), Some(JOINING)));

    // The founder founding a second space writes nothing at all.
    let elsewhere = Uuid::new_v4();
    let stream = format!("couple:{elsewhere}");
    let again = NewMember {
        couple_id: elsewhere,
        user_id: space.founder,
        at: AT,
        invite: None,
    };
    let refused = store
        .commit_with_member(one_event(&stream, 0, space.founder), None, Some(again))
        .await;
    assert!(
        matches!(refused, Err(StoreError::AlreadyInCouple)),
        "{refused:?}"
    );
    assert_eq!(store.head(&stream).await.unwrap(), None);
    assert!(store.members_of(elsewhere).await.unwrap().is_empty());
}

/// Six people join at once from two store instances through two live
/// invitations of one space, in two ways: each writing to the shared
/// record (its head decides), and each writing only to their own stream
/// (the invitation and the space's two places decide). Either way one
/// joins, every other is refused cleanly and leaves nothing behind.
async fn two_joins_at_once_leave_exactly_two_members(kind: Kind) {
    const JOINERS: usize = 6;
    for shared in [true, false] {
        let space = Arc::new(founded(kind).await);
        // The second invitation is dated after the joins, so the first
        // stays usable until then: two live links, as before links
        // replaced each other.
        space.invite(1, AT).await;
        space.invite(2, JOINING + Duration::hours(1)).await;
        let mut joiners = Vec::new();
        for _ in 0..JOINERS {
            joiners.push(person(space.store.as_ref()).await);
        }
        let barrier = Arc::new(tokio::sync::Barrier::new(JOINERS));
        let attempts: Vec<_> = joiners
            .iter()
            .enumerate()
            .map(|(n, &user)| {
                let (space, barrier) = (space.clone(), barrier.clone());
                tokio::spawn(async move {
                    let store = if n % 2 == 0 {
                        &space.store
                    } else {
                        &space.second
                    };
                    barrier.wait().await;
                    let token = 1 + (n % 2) as u8;
                    (user, space.join(store.as_ref(), user, token, shared).await)
                })
            })
            .collect();
        let mut results = Vec::new();
        for attempt in attempts {
            results.push(attempt.await.unwrap());
        }
        let mut joined = Vec::new();
        for (user, result) in results {
            match result {
                Ok(_) => joined.push(user),
                Err(
                    StoreError::Conflict { .. } | StoreError::SpaceFull | StoreError::InviteGone,
                ) => {
                    space.left_nothing(user, 1 + u64::from(shared)).await;
                }
                Err(other) => panic!("a refused join is refused cleanly: {other:?}"),
            }
        }
        assert_eq!(joined.len(), 1, "shared record: {shared}");
        let members = space.store.members_of(space.couple_id).await.unwrap();
        assert_eq!(members, [space.founder, joined[0]]);
        let takers: Vec<_> = [space.invitation(1).await, space.invitation(2).await]
            .into_iter()
            .filter_map(|invite| invite.used_by)
            .collect();
        assert_eq!(takers, [joined[0]], "only the joiner's invitation is used");
    }
}

async fn an_invitation_that_cannot_be_used_joins_nobody(kind: Kind) {
    let space = founded(kind).await;
    let store = space.store.as_ref();
    space.invite(1, AT - Duration::days(8)).await; // expired before the join
    space.invite(2, AT).await;
    assert!(store.decline_invite(&hash(2), AT).await.unwrap());
    let other = founded(kind).await;
    other.invite(3, AT).await;
    let late = person(store).await;
    // Another space's invitation, an unknown one, an expired one, a
    // declined one.
    for token in [3, 9, 1, 2] {
        let refused = space.join(store, late, token, true).await;
        assert!(
            matches!(refused, Err(StoreError::InviteGone)),
            "{refused:?}"
        );
        space.left_nothing(late, 1).await;
    }
    assert_eq!(other.invitation(3).await.used_at, None);
}

async fn an_invitation_is_declined_once_and_the_inviter_sees_it(kind: Kind) {
    let space = founded(kind).await;
    let store = space.store.as_ref();
    assert_eq!(store.latest_invite(space.couple_id).await.unwrap(), None);
    space.invite(1, AT).await;

    assert!(store.decline_invite(&hash(1), JOINING).await.unwrap());
    assert!(!store.decline_invite(&hash(1), JOINING).await.unwrap());
    let declined = store.latest_invite(space.couple_id).await.unwrap().unwrap();
    assert_eq!(declined.token_hash, hash(1));
    assert_eq!(declined.declined_at, Some(JOINING));
    assert_eq!((declined.used_at, declined.used_by), (None, None));

    // A new link is the newest; the declined one stays declined.
    space.invite(2, JOINING + Duration::minutes(5)).await;
    let newest = store.latest_invite(space.couple_id).await.unwrap().unwrap();
    assert_eq!((newest.token_hash, newest.declined_at), (hash(2), None));
    let partner = person(store).await;
    space.join(store, partner, 2, true).await.unwrap();
    assert!(
        !store.decline_invite(&hash(2), JOINING).await.unwrap(),
        "a used link cannot be declined"
    );
    assert!(!store
        .decline_invite(&hash(1), JOINING + Duration::days(30))
        .await
        .unwrap());
}

/// The rules hold for `add_member` too, which tools use without an
/// invitation or an event.
async fn a_person_belongs_to_one_space_and_a_space_to_two_people(kind: Kind) {
    let space = founded(kind).await;
    let store = space.store.as_ref();
    let (partner, third) = (person(store).await, person(store).await);
    store
        .add_member(space.couple_id, partner, AT)
        .await
        .unwrap();

    let full = store.add_member(space.couple_id, third, AT).await;
    let twice = store.add_member(Uuid::new_v4(), partner, AT).await;
    let again = store.add_member(space.couple_id, space.founder, AT).await;

    assert!(matches!(full, Err(StoreError::SpaceFull)), "{full:?}");
    assert!(
        matches!(twice, Err(StoreError::AlreadyInCouple)),
        "{twice:?}"
    );
    assert!(
        matches!(again, Err(StoreError::AlreadyInCouple)),
        "{again:?}"
    );
    assert_eq!(store.couple_of(third).await.unwrap(), None);
    assert_eq!(
        store.members_of(space.couple_id).await.unwrap(),
        [space.founder, partner]
    );
}
