use super::{
    assert_not_theirs, assert_outsiders_refused, assert_redirect, assert_refused,
    assert_room_kept_in, assert_step_not_theirs, create, created_id, World,
};
use crate::helpers::{assert_shows, OnceForm, Page, Person};

/// The fields of the form that makes a commitment.
pub(super) fn commitment_fields<'a>(kind: &'a str, details: &'a str) -> [(&'a str, &'a str); 3] {
    [("betrayal", ""), ("kind", kind), ("details", details)]
}

async fn make(involved: &Person, kind: &str, details: &str) -> u64 {
    let fields = commitment_fields(kind, details);
    let anchor = "/commitments#commitment-";
    create(involved, "/commitments", &fields, anchor).await
}

/// Takes `step` (`status`, `acknowledge`) on commitment `id`.
async fn step(by: &Person, id: u64, step: &str, fields: &[(&str, &str)]) -> Page {
    by.post(&format!("/commitments/{id}/{step}"), fields).await
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

    let form = involved.get("/commitments").await;
    assert!(form.body.contains("Nothing here watches anyone."));
    let no_contact = form.body.find("value=\"no_contact\"").unwrap();
    let therapy = form.body.find("value=\"therapy\"").unwrap();
    assert!(no_contact < therapy, "no contact is offered first");

    let ended = "Marker-ended: I blocked her number.";
    let id = make(involved, "no_contact", ended).await;
    let anchor = format!("/commitments#commitment-{id}");
    let shown = commitment(&hurt.get("/commitments").await.body, id);
    for text in ["No contact with the affair partner", ended, "Not seen yet"] {
        assert!(shown.contains(text), "{text:?} in {shown}");
    }
    assert!(shown.contains("I have seen this"));
    let own = commitment(&involved.get("/commitments").await.body, id);
    assert!(!own.contains("I have seen this"));

    let seen = step(hurt, id, "acknowledge", &[]).await;
    assert_redirect(&seen, &anchor);
    let again = step(hurt, id, "acknowledge", &[]).await;
    assert_refused(&again, "You have already seen the latest news.");

    let unchosen = [("status", ""), ("note", "Marker-kept-note")];
    let unchosen = step(involved, id, "status", &unchosen).await;
    assert_refused(
        &unchosen,
        "Please choose: kept, at risk, broken, or renewed.",
    );
    assert!(unchosen.body.contains("Marker-kept-note"));
    let risk = "Marker-risk: she wrote to me today.";
    let updated = step(
        involved,
        id,
        "status",
        &[("status", "at_risk"), ("note", risk)],
    )
    .await;
    assert_redirect(&updated, &anchor);

    let shown = commitment(&hurt.get("/commitments").await.body, id);
    assert!(shown.contains("At risk"));
    assert!(shown.contains(risk));
    assert!(shown.contains("You saw this on"), "the first news was seen");
    assert!(shown.contains("Not seen yet"), "the new news waits");
    assert!(shown.contains("I have seen this"));
    let newest_first = shown.find("Marker-risk").unwrap() < shown.find(">Made<").unwrap();
    assert!(newest_first);
    step(hurt, id, "acknowledge", &[]).await;
    let own = involved.get("/commitments").await;
    assert!(commitment(&own.body, id).contains("Your partner saw this on"));
}

#[tokio::test]
async fn a_refused_commitment_is_shown_again_with_what_was_chosen() {
    let w = World::new().await;
    let involved = &w.couple.involved;
    let blank = commitment_fields("own", "  ");
    let page = involved.post("/commitments", &blank).await;
    assert_refused(&page, "Please write the commitment in your own words.");
    assert!(page.body.contains("value=\"own\" checked"));
    make(involved, "therapy", "").await;
    let twice = commitment_fields("therapy", "Marker-twice");
    let twice = involved.post("/commitments", &twice).await;
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
    let therapy = commitment_fields("therapy", "");
    assert_step_not_theirs(hurt, "/commitments", &therapy).await;
    let id = make(involved, "therapy", "").await;
    let kept = [("status", "kept"), ("note", "")];
    assert_not_theirs(&step(hurt, id, "status", &kept).await);
    assert_not_theirs(&step(involved, id, "acknowledge", &[]).await);
}

#[tokio::test]
async fn nobody_outside_the_couple_reaches_its_commitments() {
    let w = World::new().await;
    let involved = &w.couple.involved;
    // Two entries first, so the commitment's id is past the other couple's record.
    make(involved, "therapy", "Marker-private-first").await;
    let id = make(involved, "no_contact", "Marker-private-commitment").await;
    let marker = "Marker-private";

    let therapy = [("kind", "therapy")];
    assert_room_kept_in(&w, "/commitments", Some(&therapy), marker).await;
    let kept = [("status", "kept"), ("note", "")];
    let steps: [(&str, &[(&str, &str)]); 2] = [("status", &kept), ("acknowledge", &[])];
    for (name, fields) in steps {
        let path = format!("/commitments/{id}/{name}");
        assert_outsiders_refused(&w, &path, Some(fields), marker).await;
    }
    let missing = step(&w.couple.hurt, 999, "acknowledge", &[]).await;
    assert_eq!(missing.status, 404);
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
    let folded = "<details class=\"new-entry\" id=\"new-commitment\">";
    involved.assert_sees("/commitments", folded).await;
    let empty = commitment_fields("own", "");
    let refused = involved.post("/commitments", &empty).await;
    assert_refused(&refused, "Please write the commitment in your own words.");
    assert_shows(&refused, &[open]); // a refused form stays unfolded
    let offered = w.couple.hurt.sees("/commitments", "new-commitment").await;
    assert!(!offered, "the hurt partner makes no commitment here");
}

#[tokio::test]
async fn every_commitment_form_sent_twice_at_once_writes_once() {
    let w = World::new().await;
    let (hurt, involved) = (&w.couple.hurt, &w.couple.involved);
    let fields = commitment_fields("own", "Marker-once: home by seven");
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
