use super::{
    assert_not_theirs, assert_outsiders_refused, assert_redirect, assert_refused,
    assert_tokenless_refused, create, created_id, World,
};
use crate::helpers::{OnceForm, Person};

async fn make(involved: &Person, kind: &str, details: &str) -> u64 {
    let fields = [("betrayal", ""), ("kind", kind), ("details", details)];
    create(
        involved,
        "/commitments",
        &fields,
        "/commitments#commitment-",
    )
    .await
}

/// The part of the page that shows one commitment.
fn commitment(body: &str, id: u64) -> String {
    let start = body
        .find(&format!("id=\"commitment-{id}\""))
        .unwrap_or_else(|| panic!("commitment {id} is not on the page"));
    let rest = &body[start..];
    let end = rest.find("<li id=\"commitment-").unwrap_or(rest.len());
    rest[..end].to_owned()
}

#[tokio::test]
async fn a_commitment_is_made_seen_updated_and_its_history_kept() {
    let w = World::new().await;
    let (hurt, involved) = (&w.couple.hurt, &w.couple.involved);

    let page = involved.get("/commitments").await;
    assert!(page.body.contains("Nothing here watches anyone."));
    let no_contact = page.body.find("value=\"no_contact\"").unwrap();
    let therapy = page.body.find("value=\"therapy\"").unwrap();
    assert!(no_contact < therapy, "no contact is offered first");

    let id = make(
        involved,
        "no_contact",
        "Marker-ended: I blocked her number.",
    )
    .await;
    let page = hurt.get("/commitments").await;
    let shown = commitment(&page.body, id);
    assert!(shown.contains("No contact with the affair partner"));
    assert!(shown.contains("Marker-ended: I blocked her number."));
    assert!(shown.contains("Not seen yet"));
    assert!(shown.contains("I have seen this"));
    assert!(!commitment(&involved.get("/commitments").await.body, id).contains("I have seen this"));

    let seen = hurt
        .post(&format!("/commitments/{id}/acknowledge"), &[])
        .await;
    assert_redirect(&seen, &format!("/commitments#commitment-{id}"));
    let again = hurt
        .post(&format!("/commitments/{id}/acknowledge"), &[])
        .await;
    assert_refused(&again, "You have already seen the latest news.");

    let unchosen = involved
        .post(
            &format!("/commitments/{id}/status"),
            &[("status", ""), ("note", "Marker-kept-note")],
        )
        .await;
    assert_refused(
        &unchosen,
        "Please choose: kept, at risk, broken, or renewed.",
    );
    assert!(unchosen.body.contains("Marker-kept-note"));
    let updated = involved
        .post(
            &format!("/commitments/{id}/status"),
            &[
                ("status", "at_risk"),
                ("note", "Marker-risk: she wrote to me today."),
            ],
        )
        .await;
    assert_redirect(&updated, &format!("/commitments#commitment-{id}"));

    let page = hurt.get("/commitments").await;
    let shown = commitment(&page.body, id);
    assert!(shown.contains("At risk"));
    assert!(shown.contains("Marker-risk: she wrote to me today."));
    assert!(shown.contains("You saw this on"), "the first news was seen");
    assert!(shown.contains("Not seen yet"), "the new news waits");
    assert!(shown.contains("I have seen this"));
    let newest_first = shown.find("Marker-risk").unwrap() < shown.find(">Made<").unwrap();
    assert!(newest_first);
    hurt.post(&format!("/commitments/{id}/acknowledge"), &[])
        .await;
    let own = involved.get("/commitments").await;
    assert!(commitment(&own.body, id).contains("Your partner saw this on"));
}

#[tokio::test]
async fn a_refused_commitment_is_shown_again_with_what_was_chosen() {
    let w = World::new().await;
    let involved = &w.couple.involved;
    let page = involved
        .post(
            "/commitments",
            &[("betrayal", ""), ("kind", "own"), ("details", "  ")],
        )
        .await;
    assert_refused(&page, "Please write the commitment in your own words.");
    assert!(page.body.contains("value=\"own\" checked"));
    make(involved, "therapy", "").await;
    let twice = involved
        .post(
            "/commitments",
            &[
                ("betrayal", ""),
                ("kind", "therapy"),
                ("details", "Marker-twice"),
            ],
        )
        .await;
    assert_refused(&twice, "You have already made this commitment");
    assert!(twice.body.contains("Marker-twice"));
    let own = make(involved, "own", "Marker-own: I come home by seven.").await;
    let page = w.couple.hurt.get("/commitments").await;
    assert!(commitment(&page.body, own).contains("<h3><bdi>Marker-own: I come home by seven."));
}

#[tokio::test]
async fn only_the_involved_partner_commits_and_only_the_hurt_partner_acknowledges() {
    let w = World::new().await;
    let (hurt, involved) = (&w.couple.hurt, &w.couple.involved);
    assert!(!hurt.sees("/commitments", "name=\"kind\"").await);
    assert_not_theirs(
        &hurt
            .post(
                "/commitments",
                &[("betrayal", ""), ("kind", "therapy"), ("details", "")],
            )
            .await,
    );
    let id = make(involved, "therapy", "").await;
    assert_not_theirs(
        &hurt
            .post(
                &format!("/commitments/{id}/status"),
                &[("status", "kept"), ("note", "")],
            )
            .await,
    );
    assert_not_theirs(
        &involved
            .post(&format!("/commitments/{id}/acknowledge"), &[])
            .await,
    );
}

#[tokio::test]
async fn nobody_outside_the_couple_reaches_its_commitments() {
    let w = World::new().await;
    let involved = &w.couple.involved;
    // Two entries first, so the commitment's id is past the other couple's record.
    make(involved, "therapy", "Marker-private-first").await;
    let id = make(involved, "no_contact", "Marker-private-commitment").await;
    let marker = "Marker-private";

    let theirs = w.other.hurt.get("/commitments").await;
    assert_eq!(theirs.status, 200);
    assert!(!theirs.body.contains(marker));
    assert_eq!(w.stranger.get("/commitments").await.status, 404);
    assert_redirect(&w.anon.get("/commitments").await, "/login");
    assert_outsiders_refused(
        &w,
        &format!("/commitments/{id}/status"),
        Some(&[("status", "kept"), ("note", "")]),
        marker,
    )
    .await;
    assert_outsiders_refused(
        &w,
        &format!("/commitments/{id}/acknowledge"),
        Some(&[]),
        marker,
    )
    .await;
    assert_eq!(
        w.stranger
            .post("/commitments", &[("kind", "therapy")])
            .await
            .status,
        404
    );
    assert_redirect(
        &w.anon.post("/commitments", &[("kind", "therapy")]).await,
        "/login",
    );
    let missing = w
        .couple
        .hurt
        .post("/commitments/999/acknowledge", &[])
        .await;
    assert_eq!(missing.status, 404);
}

#[tokio::test]
async fn a_commitment_without_its_safety_token_is_refused() {
    let w = World::new().await;
    let (hurt, involved) = (&w.couple.hurt, &w.couple.involved);
    let fields = [
        ("betrayal", ""),
        ("kind", "own"),
        ("details", "Marker-no-token"),
    ];
    assert_tokenless_refused(involved, "/commitments", &fields, hurt, "/commitments").await;
}

#[tokio::test]
async fn the_commitment_form_folds_away_once_there_are_commitments_to_read() {
    let w = World::new().await;
    let involved = &w.couple.involved;
    let open = "<details class=\"new-entry\" id=\"new-commitment\" open>";
    assert!(
        involved.sees("/commitments", open).await,
        "with nothing made yet the form is open"
    );
    make(involved, "no_contact", "").await;
    let page = involved.get("/commitments").await;
    assert!(page
        .body
        .contains("<details class=\"new-entry\" id=\"new-commitment\">"));
    let refused = involved
        .post(
            "/commitments",
            &[("betrayal", ""), ("kind", "own"), ("details", "")],
        )
        .await;
    assert_refused(&refused, "Please write the commitment in your own words.");
    assert!(refused.body.contains(open), "a refused form stays unfolded");
    assert!(
        !w.couple
            .hurt
            .get("/commitments")
            .await
            .body
            .contains("new-commitment"),
        "the hurt partner makes no commitment here"
    );
}

#[tokio::test]
async fn every_commitment_form_sent_twice_at_once_writes_once() {
    let w = World::new().await;
    let (hurt, involved) = (&w.couple.hurt, &w.couple.involved);
    let fields = [
        ("betrayal", ""),
        ("kind", "own"),
        ("details", "Marker-once: home by seven"),
    ];
    let made = involved
        .sends_once(&OnceForm {
            path: "/commitments".into(),
            fields: fields.to_vec(),
            edited: Some(("details", "Marker-edited: home by eight")),
            shown_on: "/commitments".into(),
            entry: "Marker-once: home by seven",
        })
        .await;
    let id = created_id(&made);
    let forms = [
        (
            involved,
            OnceForm {
                path: format!("/commitments/{id}/status"),
                fields: vec![("status", "kept"), ("note", "Marker-kept-once")],
                edited: Some(("note", "Marker-kept-edited")),
                shown_on: "/commitments".into(),
                entry: "Marker-kept-once",
            },
        ),
        (
            hurt,
            OnceForm {
                path: format!("/commitments/{id}/acknowledge"),
                fields: Vec::new(),
                edited: None,
                shown_on: "/commitments".into(),
                entry: "saw this on",
            },
        ),
    ];
    for (person, form) in &forms {
        let page = person.sends_once(form).await;
        assert_redirect(&page, &format!("/commitments#commitment-{id}"));
    }
}
