//! The repair work's pages: truth log, apology, requests, commitments and
//! contact reports, as each person in and around a couple meets them.

mod apology;
mod commitments;
mod contact;
mod requests;
mod truth;

pub use crate::helpers::{assert_redirect, assert_refused, excerpt, World};
use crate::helpers::{request_fields, Page, Person};

/// The id at the end of a redirect: `/truth#entry-7` and `/requests/7` are 7.
pub fn created_id(page: &Page) -> u64 {
    let location = page.location.as_deref().unwrap_or_else(|| {
        panic!(
            "expected a redirect, got {}: {}",
            page.status,
            excerpt(&page.body)
        )
    });
    let digits: String = location
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("no id at the end of {location}"))
}

/// Posts a form that creates an entry, asserts the redirect to the new
/// entry (`{anchor}{id}`, as `/truth#entry-` + 7) and returns its id.
pub async fn create(by: &Person, path: &str, fields: &[(&str, &str)], anchor: &str) -> u64 {
    let page = by.post(path, fields).await;
    let id = created_id(&page);
    assert_redirect(&page, &format!("{anchor}{id}"));
    id
}

/// A form sent without its safety token is refused (403) and what it
/// carried (`Marker-no-token` in one of `fields`) never reaches `reader`'s
/// view of `shown_on`. Returns the refusal.
pub async fn assert_tokenless_refused(
    by: &Person,
    path: &str,
    fields: &[(&str, &str)],
    reader: &Person,
    shown_on: &str,
) -> Page {
    let page = by.post_without_csrf(path, fields).await;
    assert_eq!(page.status, 403, "{}", excerpt(&page.body));
    assert!(!reader.sees(shown_on, "Marker-no-token").await);
    page
}

#[tokio::test]
async fn every_repair_form_without_its_safety_token_is_refused_and_adds_nothing() {
    let w = World::new().await;
    let (hurt, involved) = (&w.couple.hurt, &w.couple.involved);
    let when = contact::local_time(time::Duration::hours(1));
    let marker = "Marker-no-token";
    let forms = [
        (involved, "/apology", apology::owned("send", marker), hurt),
        (
            involved,
            "/commitments",
            commitments::commitment_fields("own", marker).to_vec(),
            hurt,
        ),
        (
            involved,
            "/contact",
            contact::report_fields(&when, marker),
            hurt,
        ),
        (
            hurt,
            "/requests",
            request_fields(marker, "daily", "send"),
            involved,
        ),
        (
            involved,
            "/truth/disclosures",
            vec![("text", marker), ("refers_to", "")],
            involved,
        ),
    ];
    for (by, path, fields, reader) in &forms {
        let room = path.trim_end_matches("/disclosures");
        let page = assert_tokenless_refused(by, path, fields, reader, room).await;
        assert!(page.body.contains("Please try that again"), "{path}");
    }
}

/// Asserts the "not this step" page a person sees when their role does not
/// allow the step.
pub fn assert_not_theirs(page: &Page) {
    assert_eq!(page.status, 403, "{}", excerpt(&page.body));
    assert!(page.body.contains("Not this step"));
}

/// Posts `fields` to `path` as `by` and asserts the "not this step" page.
pub async fn assert_step_not_theirs(by: &Person, path: &str, fields: &[(&str, &str)]) {
    assert_not_theirs(&by.post(path, fields).await);
}

/// A room's page (`room`, as `/truth`) and, when given, the form that writes
/// in it, seen from outside the couple: another couple sees their own room,
/// without `marker`; a signed-in stranger with no space finds neither (404);
/// a visitor who is not signed in is sent to log in.
pub async fn assert_room_kept_in(
    w: &World,
    room: &str,
    form: Option<&[(&str, &str)]>,
    marker: &str,
) {
    let theirs = w.other.hurt.get(room).await;
    assert_eq!(theirs.status, 200, "another couple sees their own {room}");
    assert!(!theirs.body.contains(marker), "{room} leaked {marker}");
    assert_eq!(w.stranger.get(room).await.status, 404);
    assert_redirect(&w.anon.get(room).await, "/login");
    if let Some(fields) = form {
        assert_eq!(w.stranger.post(room, fields).await.status, 404);
        assert_redirect(&w.anon.post(room, fields).await, "/login");
    }
}

/// Someone outside the couple gets "not found", exactly like a page that does
/// not exist, and learns nothing of its content; a visitor who is not signed
/// in is sent to log in.
pub async fn assert_outsiders_refused(
    w: &World,
    path: &str,
    fields: Option<&[(&str, &str)]>,
    marker: &str,
) {
    for outsider in [&w.other.hurt, &w.other.involved, &w.stranger] {
        let page = match fields {
            Some(fields) => outsider.post(path, fields).await,
            None => outsider.get(path).await,
        };
        assert_eq!(
            page.status,
            404,
            "{path} for an outsider: {}",
            excerpt(&page.body)
        );
        assert!(page.body.contains("Nothing here"));
        assert!(!page.body.contains(marker), "{path} leaked {marker}");
    }
    let page = match fields {
        Some(fields) => w.anon.post(path, fields).await,
        None => w.anon.get(path).await,
    };
    assert_redirect(&page, "/login");
}
