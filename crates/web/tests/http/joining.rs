//! The invited partner's way in: the join page (safety screen, what was
//! recorded, their role), joining or declining, and a join race that
//! leaves the loser free to start their own space.

use crate::helpers::{assert_hides, assert_shows, Page, Person, TestApp};
use kintsugi_store::InviteRecord;
use kintsugi_web::app::clock::Clock;
use kintsugi_web::auth::tokens::{hash_token, random_token};

const NOTE: &str = "We met at the conference 5521";

/// A person who created a space as the hurt partner, with a note, and the
/// invitation link they made.
async fn inviter_with_link(app: &TestApp) -> (Person, String) {
    let creator = app.stranger().await;
    let fields = [
        ("kind", "emotional_affair"),
        ("hurt", "me"),
        ("discovered_on", "2026-03-14"),
        ("note", NOTE),
        ("feel_safe", "yes"),
    ];
    let created = creator.post("/space/new", &fields).await;
    assert_eq!(created.status, 303, "{}", created.body);
    let link = creator.invite_link().await;
    (creator, link)
}

/// What the link shows, and what declining through it does, for each
/// person who might hold it.
#[tokio::test]
async fn only_the_signed_in_invited_partner_sees_what_was_recorded() {
    let app = TestApp::spawn().await;
    let (creator, link) = inviter_with_link(&app).await;
    let other_couple = app.couple().await;
    let stranger = app.stranger().await;
    let anonymous = app.anonymous();
    let decline = format!("{link}/decline");
    let record = [NOTE, "An emotional affair", "involved partner"];

    // (who, person, the link's status, declining's and joining's): the
    // record shows for none of them, and nothing they send changes it.
    let cases: [(&str, &Person, u16, u16); 3] = [
        ("anonymous", &anonymous, 200, 303),
        ("the creator", &creator, 409, 409),
        ("another couple's partner", &other_couple.hurt, 409, 409),
    ];
    for (who, person, shown, sent) in cases {
        let page = person.get(&link).await;
        assert_eq!(page.status, shown, "{who}: {}", page.body);
        assert_hides(&page, &record);
        for answer in [person.post(&decline, &[]).await, person.join(&link).await] {
            assert_eq!(answer.status, sent, "{who}: {}", answer.body);
            assert_hides(&answer, &record);
        }
    }
    let anonymous_page = anonymous.get(&link).await;
    assert_shows(
        &anonymous_page,
        &["You have been invited", "Create an account"],
    );

    let page = stranger.get(&link).await;
    assert_eq!(page.status, 200);
    assert_shows(
        &page,
        &[
            "Before you join",
            "1-800-799-7233",
            NOTE,
            "An emotional affair",
            "Came to light 14 March 2026",
            "Here you would be the <strong>involved partner</strong>",
            "Join our space",
            "Decline the invitation",
        ],
    );
    assert_eq!(page.headers["cache-control"], "no-store");
    assert!(
        !page.body.contains(&format!("<title>{NOTE}")),
        "the title reveals nothing"
    );
    // The link stayed usable through all of that.
    assert_eq!(app.anonymous().get(&link).await.status, 200);
}

#[tokio::test]
async fn the_invited_partner_ticks_for_themselves_before_joining() {
    let app = TestApp::spawn().await;
    let (creator, link) = inviter_with_link(&app).await;
    let partner = app.stranger().await;

    let unticked = partner.post(&link, &[]).await;
    assert_eq!(unticked.status, 422);
    assert_shows(&unticked, &["tick the box", "aria-invalid=\"true\"", NOTE]);
    assert_eq!(app.ids_of(&partner).await.1, None, "not joined");
    assert_eq!(partner.get(&link).await.status, 200, "the link still works");

    let joined = partner.join(&link).await;
    assert_eq!(joined.location.as_deref(), Some("/space"));
    assert_shows(
        &partner.get("/space").await,
        &["Here you are the <strong>involved partner</strong>", NOTE],
    );
    creator
        .assert_sees("/space", "Both of you have joined.")
        .await;
    let used = app.anonymous().get(&link).await;
    assert_eq!(used.status, 410);
    assert_hides(&used, &[NOTE]);
}

#[tokio::test]
async fn declining_ends_the_link_and_the_inviter_sees_it() {
    let app = TestApp::spawn().await;
    let (creator, link) = inviter_with_link(&app).await;
    let partner = app.stranger().await;
    let decline = format!("{link}/decline");
    assert_eq!(
        partner.get(&decline).await.location.as_deref(),
        Some(link.as_str()),
        "the decline address opened directly leads to the invitation"
    );

    let declined = partner.post(&decline, &[]).await;
    assert_eq!(declined.status, 200, "{}", declined.body);
    assert_shows(&declined, &["You declined the invitation"]);
    assert_hides(&declined, &[NOTE]);

    for answer in [
        partner.get(&link).await,
        partner.join(&link).await,
        partner.post(&decline, &[]).await,
    ] {
        assert_eq!(answer.status, 410, "{}", answer.body);
        assert_shows(&answer, &["This invitation was declined"]);
    }
    assert_eq!(app.ids_of(&partner).await.1, None);
    let space = creator.get("/space").await;
    assert_shows(
        &space,
        &[
            "Your partner declined the invitation on",
            "Make an invitation link",
        ],
    );

    // A new link later: the notice gives way to it, and it works.
    app.clock.advance(time::Duration::days(1));
    let fresh = creator.invite_link().await;
    assert_hides(&creator.get("/space").await, &["declined"]);
    assert_eq!(
        partner.join(&fresh).await.location.as_deref(),
        Some("/space")
    );
}

/// Finding 5: two people accept two live invitations of one space at the
/// same moment. One joins; the other is told plainly, holds no place in
/// the space, and can start their own.
async fn a_join_race_leaves_two_members_and_the_loser_free(app: &TestApp) {
    let (creator, first_link) = inviter_with_link(app).await;
    let space = app.ids_of(&creator).await.1.unwrap();
    // A second live link, as two could be before a new link ended the
    // older ones: it counts from an hour ahead, so the first lasts till then.
    let token = random_token();
    let from = app.clock.now() + time::Duration::hours(1);
    app.store
        .create_invite(&InviteRecord {
            token_hash: hash_token(&token),
            couple_id: space,
            created_by: app.ids_of(&creator).await.0,
            created_at: from,
            expires_at: from + time::Duration::days(7),
            used_at: None,
            used_by: None,
            declined_at: None,
        })
        .await
        .unwrap();
    let second_link = format!("/invite/{token}");
    let (one, two) = (app.stranger().await, app.stranger().await);

    let (a, b) = tokio::join!(one.join(&first_link), two.join(&second_link));

    let (loser, lost): (&Person, Page) = match (a.status, b.status) {
        (303, 409) => (&two, b),
        (409, 303) => (&one, a),
        other => panic!(
            "one joins and one is refused: {other:?} {} {}",
            a.body, b.body
        ),
    };
    assert_shows(
        &lost,
        &["Both partners have already joined this space", "create one"],
    );
    assert_eq!(app.store.members_of(space).await.unwrap().len(), 2);
    assert_eq!(app.ids_of(loser).await.1, None, "no membership left behind");
    assert_eq!(loser.get("/space").await.location.as_deref(), Some("/"));
    let safety = loser.get("/space/new").await;
    assert_eq!(safety.status, 200, "not stuck: {}", safety.body);
    loser.create_space("deception", "partner").await;
    loser
        .assert_sees("/space", "Your partner has not joined yet.")
        .await;
}

#[tokio::test]
async fn a_join_race_leaves_two_members_and_the_loser_free_on_sqlite() {
    a_join_race_leaves_two_members_and_the_loser_free(&TestApp::spawn().await).await;
}

#[tokio::test]
async fn a_join_race_leaves_two_members_and_the_loser_free_on_postgres() {
    if let Some(app) = TestApp::spawn_on_postgres().await {
        a_join_race_leaves_two_members_and_the_loser_free(&app).await;
    }
}
