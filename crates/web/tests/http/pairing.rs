use crate::helpers::{
    assert_hides, assert_page, assert_shows, betrayal_fields, space_fields, TestApp, PASSWORD,
};

#[tokio::test]
async fn two_partners_pair_through_a_one_time_link_and_see_the_same_space() {
    let app = TestApp::spawn().await;
    let hurt = app.stranger().await;

    // The safety resources are read on the page that creates the space,
    // before anything is recorded.
    let safety = hurt.get("/space/new").await;
    assert_page(
        &safety,
        200,
        &[
            "Before you begin",
            "<form method=\"post\" action=\"/space/new\">",
            "1-800-799-7233",
            "<a class=\"call\" href=\"tel:18007997233\">Call 1-800-799-7233</a>",
        ],
    );

    hurt.create_space("emotional_affair", "me").await;
    let link = hurt.invite_link().await;

    // The partner arrives signed out, registers through the link and joins.
    let partner = app.anonymous();
    let landing = partner.get(&link).await;
    assert_eq!(landing.status, 200);
    assert!(landing.body.contains("You have been invited"));
    assert!(
        !landing.body.contains("emotional affair"),
        "a link alone reveals nothing of the space"
    );
    let token = link.trim_start_matches("/invite/");
    let login = [
        ("email", partner.email.as_str()),
        ("password", PASSWORD),
        ("invite", token),
    ];
    let register = [&login[..], &[("password_confirm", PASSWORD)]].concat();
    let registered = partner.post("/register", &register).await;
    assert_eq!(
        registered.location,
        Some(format!("/login?registered=1&invite={token}"))
    );
    let codes = partner.post("/login", &login).await;
    assert!(
        codes.body.contains(&format!("href=\"{link}\"")),
        "after the codes, back to the invitation"
    );
    let joined = partner.join(&link).await;
    assert_eq!(joined.status, 303);

    let theirs = hurt.get("/space").await;
    let mine = partner.get("/space").await;
    assert_eq!(theirs.status, 200);
    assert_eq!(mine.status, 200);
    assert!(theirs.body.contains("the <strong>hurt partner</strong>"));
    assert_shows(
        &mine,
        &[
            "the <strong>involved partner</strong>",
            "An emotional affair",
            "Both of you have joined.",
            // Joining ends with a next step, not a dead end.
            "<a class=\"button\" href=\"/\">Start here: your first steps are on Today</a>",
        ],
    );
    let fingerprint = |body: &str| {
        let at = body.find("<p><code>").expect("a fingerprint") + "<p><code>".len();
        body[at..at + 19].to_owned()
    };
    assert_eq!(
        fingerprint(&theirs.body),
        fingerprint(&mine.body),
        "both see the same fingerprint"
    );
    assert_eq!(fingerprint(&mine.body).len(), 19);
}

#[tokio::test]
async fn a_used_invitation_explains_itself() {
    let app = TestApp::spawn().await;
    let couple = app.couple().await;
    let hurt = &couple.hurt;
    // The space is complete: no new link can be made.
    assert_eq!(hurt.post("/space/invite", &[]).await.status, 409);

    let app = TestApp::spawn().await;
    let (_, link) = app.space_with_link("deception", "partner").await;
    let first = app.stranger().await;
    assert_eq!(first.join(&link).await.status, 303);
    let second = app.stranger().await;
    let reused = second.join(&link).await;
    assert_eq!(reused.status, 410);
    assert!(reused.body.contains("has been used already"));
    let viewed = app.anonymous().get(&link).await;
    assert_eq!(viewed.status, 410);
    assert!(
        !second.has_a_space().await,
        "the second person joined nothing"
    );
}

#[tokio::test]
async fn an_expired_or_unknown_invitation_explains_itself() {
    let app = TestApp::spawn().await;
    let (_, link) = app.space_with_link("financial_secret", "me").await;
    // The default invitation lasts a week; the app's clock moves past it.
    app.clock
        .advance(time::Duration::days(7) + time::Duration::seconds(1));
    let late = app.stranger().await;
    let expired = late.join(&link).await;
    assert_eq!(expired.status, 410);
    assert!(expired.body.contains("expired"));

    let unknown = late
        .get("/invite/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        .await;
    assert_eq!(unknown.status, 404);
    assert!(unknown.body.contains("does not work"));
    assert_eq!(late.get("/invite/not-a-token").await.status, 404);
}

#[tokio::test]
async fn a_new_invitation_ends_the_older_link() {
    let app = TestApp::spawn().await;
    let (creator, lost) = app.space_with_link("financial_secret", "me").await;
    app.clock.advance(time::Duration::minutes(1));
    let fresh = creator.invite_link().await;
    assert_ne!(lost, fresh);
    let partner = app.stranger().await;
    let old = partner.join(&lost).await;
    assert_eq!(old.status, 410, "the lost link no longer works");
    assert!(old.body.contains("expired"));
    let joined = partner.join(&fresh).await;
    assert_eq!(
        joined.location.as_deref(),
        Some("/space"),
        "the new one does"
    );
}

#[tokio::test]
async fn a_person_belongs_to_one_space_at_most() {
    let app = TestApp::spawn().await;
    let couple = app.couple().await;
    let (creator, link) = app.space_with_link("other", "me").await;
    let refused = couple.involved.join(&link).await;
    assert_eq!(refused.status, 409);
    assert!(refused.body.contains("already part of a couple space"));
    // Trying to create a second space leads back to the first.
    let again = couple.hurt.get("/space/new").await;
    assert_eq!(again.location.as_deref(), Some("/space"));
    // And the creator opening their own link is told to send it on.
    let own = creator.get(&link).await;
    assert!(own.body.contains("the invitation link you made"));
}

#[tokio::test]
async fn a_third_person_and_a_visitor_get_nothing_of_the_space() {
    let app = TestApp::spawn().await;
    let couple = app.couple().await;
    let stranger = app.stranger().await;
    let anonymous = app.anonymous();
    let other = app.couple().await;

    let space = couple.hurt.get("/space").await;
    let fingerprint_at = space.body.find("<p><code>").unwrap() + "<p><code>".len();
    let fingerprint = &space.body[fingerprint_at..fingerprint_at + 19];

    for (who, person) in [("stranger", &stranger), ("other couple", &other.hurt)] {
        let page = person.get("/space").await;
        assert!(
            !page.body.contains(fingerprint),
            "{who} must not see the couple's fingerprint"
        );
        assert!(!page.body.contains("A physical affair") || who == "other couple");
        let betrayal = betrayal_fields("deception", "me", "", "");
        let posted = person.post("/space/betrayals", &betrayal).await;
        if who == "stranger" {
            assert_eq!(
                posted.status, 404,
                "{who} gets nothing, not even a refusal that confirms a space"
            );
        }
    }
    let page = anonymous.get("/space").await;
    assert_eq!(page.status, 303);
    assert_eq!(page.location.as_deref(), Some("/login"));
    assert_eq!(
        anonymous
            .post("/space/invite", &[])
            .await
            .location
            .as_deref(),
        Some("/login")
    );
    // The other couple's betrayal went into their own record, not this one.
    let after = couple.hurt.get("/space").await;
    assert_eq!(after.body.matches("<span class=\"tag\">you:").count(), 1);
}

#[tokio::test]
async fn bad_space_input_is_explained_and_kept() {
    let app = TestApp::spawn().await;
    let person = app.stranger().await;
    let future = betrayal_fields("deception", "me", "2999-01-01", "Kept note 8472");
    let page = person
        .post("/space/new", &space_fields(future, "yes"))
        .await;
    let shown = [
        "cannot be in the future",
        "Kept note 8472",
        "value=\"deception\" checked",
    ];
    assert_page(&page, 422, &shown);

    let unticked = space_fields(betrayal_fields("deception", "me", "", ""), "");
    let unsafe_page = person.post("/space/new", &unticked).await;
    assert_page(&unsafe_page, 422, &["tick this box"]);
    assert!(!person.has_a_space().await, "no space was created");
}

#[tokio::test]
async fn an_empty_space_form_names_every_problem_at_once() {
    let app = TestApp::spawn().await;
    let person = app.stranger().await;
    let empty = space_fields(betrayal_fields("", "", "", ""), "");
    let page = person.post("/space/new", &empty).await;
    assert_page(
        &page,
        422,
        &[
            "id=\"kind-error\"",
            "Please say who was hurt: you or your partner.",
            "Please tick this box if you both feel safe doing this work together.",
        ],
    );
    assert_hides(&page, &["read the note above"]);
}

#[tokio::test]
async fn either_partner_can_record_another_betrayal_in_either_direction() {
    let app = TestApp::spawn().await;
    let couple = app.couple().await;
    let betrayal = betrayal_fields("financial_secret", "me", "2026-01-05", "");
    let page = couple.involved.post("/space/betrayals", &betrayal).await;
    assert_eq!(page.status, 303);
    let mine = couple.involved.get("/space").await;
    assert_shows(
        &mine,
        &["hurt partner and involved partner", "5 January 2026"],
    );
}

#[tokio::test]
async fn creating_or_joining_a_space_twice_at_once_happens_once() {
    use crate::helpers::assert_same_answer;
    let app = TestApp::spawn().await;
    let fields = space_fields(betrayal_fields("deception", "me", "", ""), "yes");
    let once = app.stranger().await;
    assert_eq!(once.post("/space/new", &fields).await.status, 303);
    let begun = app.heads_of(&once).await.couple;

    let creator = app.stranger().await;
    let (first, second) = creator.post_twice_at_once("/space/new", &fields).await;
    assert_eq!(first.status, 303, "{}", first.body);
    assert_eq!(first.location.as_deref(), Some("/space"));
    assert_same_answer(&first, &second);
    let space = app.ids_of(&creator).await.1.expect("a space");
    let members = app.store.members_of(space).await.expect("members");
    assert_eq!(members.len(), 1);
    assert_eq!(app.heads_of(&creator).await.couple, begun, "begun once");

    let link = creator.invite_link().await;
    let partner = app.stranger().await;
    let (first, second) = partner
        .post_twice_at_once(&link, &[("feel_safe", "yes")])
        .await;
    assert_eq!(first.status, 303, "{}", first.body);
    assert_eq!(first.location.as_deref(), Some("/space"));
    assert_same_answer(&first, &second);
    let members = app.store.members_of(space).await.expect("members");
    assert_eq!(members.len(), 2);
    assert_eq!(
        app.heads_of(&partner).await.couple,
        begun + 1,
        "joined once"
    );
    let theirs = partner.get("/space").await;
    assert!(theirs.body.contains("Both of you have joined."));
}
