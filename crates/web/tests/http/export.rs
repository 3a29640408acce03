//! "Take your story with you": the export page, the password asked again,
//! the zip with its JSON document and readable copy, the passphrase. And
//! the privacy promise: each partner's export holds every item that
//! partner can see and nothing private of the other (a marker in every
//! private item, searched for in the other's zip: found 0 times; found in
//! its author's). On SQLite, and on PostgreSQL when the suite has a server.

use crate::checkin::check_in;
use crate::helpers::{assert_page, on_both_backends, Person, TestApp, PASSWORD};
use kintsugi_web::app::clock::Clock;
use std::io::{Cursor, Read};

const PASSPHRASE: &str = "salt and gold and seawater";

/// What the download answered: status, headers and the bytes as sent.
pub(crate) struct Download {
    pub(crate) status: u16,
    headers: reqwest::header::HeaderMap,
    bytes: Vec<u8>,
}

impl Download {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    /// Every file in the zip, by name, opened with `passphrase` if given.
    fn files(&self, passphrase: Option<&str>) -> Vec<(String, String)> {
        let mut archive = zip::ZipArchive::new(Cursor::new(&self.bytes)).expect("a zip");
        let mut files = Vec::new();
        for n in 0..archive.len() {
            let mut file = match passphrase {
                Some(passphrase) => archive
                    .by_index_decrypt(n, passphrase.as_bytes())
                    .expect("opens with the passphrase"),
                None => archive.by_index(n).expect("opens"),
            };
            let mut text = String::new();
            file.read_to_string(&mut text).expect("a text file");
            let name = file.name().expect("a name").into_owned();
            files.push((name, text));
        }
        files
    }

    pub(crate) fn json(&self, passphrase: Option<&str>) -> serde_json::Value {
        let files = self.files(passphrase);
        let (_, json) = files
            .iter()
            .find(|(name, _)| name == "kintsugi-export.json")
            .expect("the JSON document");
        serde_json::from_str(json).expect("JSON")
    }

    /// How often `marker` occurs in all the files together.
    pub(crate) fn count(&self, marker: &str) -> usize {
        self.files(None)
            .iter()
            .map(|(_, text)| text.matches(marker).count())
            .sum()
    }
}

pub(crate) async fn download(person: &Person, password: &str, passphrase: &str) -> Download {
    let csrf = person.csrf().await;
    let form = [
        ("csrf", csrf.as_str()),
        ("password", password),
        ("passphrase", passphrase),
        ("passphrase_confirm", passphrase),
    ];
    let response = person
        .client
        .post(format!("{}/account/export", person.base))
        .form(&form)
        .send()
        .await
        .expect("POST");
    Download {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        bytes: response.bytes().await.expect("a body").to_vec(),
    }
}

/// Writes a private reflection; its address.
async fn reflect(person: &Person, words: &str) -> String {
    let fields = [
        ("prompt", "looking_forward"),
        ("part_1", words),
        ("part_2", ""),
        ("part_3", ""),
    ];
    let written = person.post("/reflections", &fields).await;
    assert_eq!(written.status, 303, "{}", written.body);
    written.location.expect("the reflection's address")
}

async fn export_story(app: TestApp) {
    let couple = app.couple().await;
    let hurt = &couple.hurt;
    check_in(hurt, &[("hopeful", "2")], "mk-shared-check-in", "partner").await;

    let account = hurt.get("/account").await;
    assert_page(&account, 200, &["href=\"/account/export\""]);
    let page = hurt.get("/account/export").await;
    assert_page(
        &page,
        200,
        &[
            "not protected by Kintsugi",
            "name=\"password\"",
            "name=\"passphrase\"",
            "name=\"passphrase_confirm\"",
        ],
    );

    // A wrong password: the form again, the passphrase kept, not the password.
    let wrong = hurt
        .post(
            "/account/export",
            &[
                ("password", "not my password"),
                ("passphrase", PASSPHRASE),
                ("passphrase_confirm", PASSPHRASE),
            ],
        )
        .await;
    assert_page(&wrong, 422, &["That is not your password", PASSPHRASE]);
    assert!(!wrong.body.contains("not my password"));
    // Two passphrases that differ.
    let differ = hurt
        .post(
            "/account/export",
            &[
                ("password", PASSWORD),
                ("passphrase", PASSPHRASE),
                ("passphrase_confirm", "something else"),
            ],
        )
        .await;
    assert_page(&differ, 422, &["The two passphrases are not the same"]);

    let export = download(hurt, PASSWORD, "").await;
    assert_eq!(export.status, 200, "{}", export.text());
    // A neutral name: the day it was made, on the person's own clock.
    let disposition = export.headers["content-disposition"].to_str().unwrap();
    let day = disposition
        .strip_prefix("attachment; filename=\"kintsugi-export-")
        .and_then(|rest| rest.strip_suffix(".zip\""))
        .unwrap_or_else(|| panic!("{disposition}"));
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let day = time::Date::parse(day, &format).expect("a date");
    let utc_day = app.clock.now().date();
    assert!((day - utc_day).whole_days().abs() <= 1, "{day} {utc_day}");
    assert_eq!(export.headers["content-type"], "application/zip");
    assert_eq!(export.headers["cache-control"], "no-store");

    let json = export.json(None);
    assert_eq!(json["format"], "kintsugi-export");
    assert_eq!(json["version"], 1);
    assert_eq!(json["person"]["email"], hurt.email.as_str());
    let couple_events = json["couple"].as_array().unwrap();
    let shared = couple_events
        .iter()
        .find(|e| e["room"] == "check_in" && e["kind"] == "shared")
        .unwrap_or_else(|| panic!("the shared check-in in {couple_events:?}"));
    assert_eq!(shared["who"], "me");
    assert!(shared.to_string().contains("mk-shared-check-in"));
    assert!(couple_events.iter().any(|e| e["who"] == "my_partner"));
    let seqs: Vec<u64> = couple_events
        .iter()
        .map(|e| e["seq"].as_u64().unwrap())
        .collect();
    assert!(
        seqs.windows(2).all(|w| w[0] < w[1]),
        "in the record's order"
    );

    let files = export.files(None);
    let (_, html) = files
        .iter()
        .find(|(name, _)| name == "kintsugi-export.html")
        .expect("the readable copy");
    assert!(html.contains("mk-shared-check-in"));
    assert!(html.contains("not protected by Kintsugi"));
    assert!(!html.contains("<script"), "no script");
    assert!(!html.contains("src="), "nothing loaded from outside");

    // Nothing was written by exporting.
    let before = app.heads_of(hurt).await;
    download(hurt, PASSWORD, "").await;
    assert!(app.heads_of(hurt).await == before);
}

on_both_backends!(export_story: an_export_holds_my_record_on_sqlite, an_export_holds_my_record_on_postgres);

async fn passphrase_story(app: TestApp) {
    let couple = app.couple().await;
    check_in(
        &couple.involved,
        &[("hopeful", "2")],
        "mk-sealed-words",
        "partner",
    )
    .await;
    let export = download(&couple.involved, PASSWORD, PASSPHRASE).await;
    assert_eq!(export.status, 200, "{}", export.text());
    assert!(!export.text().contains("mk-sealed-words"));
    let mut archive = zip::ZipArchive::new(Cursor::new(&export.bytes)).unwrap();
    assert_eq!(archive.len(), 2);
    assert!(
        archive.by_index(0).is_err(),
        "no file opens without the passphrase"
    );
    assert!(archive.by_index_decrypt(0, b"a wrong passphrase").is_err());
    let json = export.json(Some(PASSPHRASE));
    assert!(json["couple"].to_string().contains("mk-sealed-words"));
}

on_both_backends!(passphrase_story: a_passphrase_protects_the_zip_on_sqlite, a_passphrase_protects_the_zip_on_postgres);

/// Every private item of each partner carries its own marker; every shared
/// item carries one too. Each partner's zip holds their own and the shared
/// ones, and not one of the other's.
async fn privacy_story(app: TestApp) {
    let couple = app.couple().await;
    let partners = [
        (&couple.hurt, "mk-hurt-private-3a7e", "mk-hurt-shared-81c2"),
        (
            &couple.involved,
            "mk-involved-private-5d90",
            "mk-involved-shared-2f44",
        ),
    ];
    for (person, private, shared) in partners {
        let kept = check_in(
            person,
            &[("sad", "3")],
            &format!("{private} check-in"),
            "only_me",
        )
        .await;
        assert_eq!(kept.location.as_deref(), Some("/checkin?done=kept"));
        reflect(person, &format!("{private} reflection")).await;
        check_in(
            person,
            &[("hopeful", "2")],
            &format!("{shared} check-in"),
            "partner",
        )
        .await;
        let copy = reflect(person, &format!("{shared} reflection")).await;
        let sent = person
            .post(&format!("{copy}/share"), &[("version", "1")])
            .await;
        assert_eq!(sent.status, 303, "{}", sent.body);
    }
    let stranger = app.stranger().await;
    let alone = download(&stranger, PASSWORD, "").await;
    assert_eq!(alone.status, 200);
    assert_eq!(alone.json(None)["couple"], serde_json::json!([]));

    for (n, (person, own_private, _)) in partners.iter().enumerate() {
        let export = download(person, PASSWORD, "").await;
        assert_eq!(export.status, 200, "{}", export.text());
        let (_, their_private, _) = partners[1 - n];
        // In the JSON and in the readable copy: two items, each twice.
        assert_eq!(export.count(own_private), 4, "{}'s own", person.email);
        assert_eq!(export.count(their_private), 0, "{}'s zip", person.email);
        for (_, _, shared) in partners {
            assert!(
                export.count(shared) >= 2,
                "{shared} in {}'s zip",
                person.email
            );
        }
        for (_, private, shared) in partners {
            assert_eq!(alone.count(private) + alone.count(shared), 0);
        }
    }
}

on_both_backends!(privacy_story: no_export_holds_the_partners_private_items_on_sqlite, no_export_holds_the_partners_private_items_on_postgres);

#[tokio::test]
async fn wrong_passwords_on_the_export_are_rate_limited() {
    let app = TestApp::spawn_allowing(2).await;
    let person = app.stranger().await;
    for _ in 0..2 {
        assert_eq!(download(&person, "a guess at it", "").await.status, 422);
    }
    let limited = download(&person, "a guess at it", "").await;
    assert_eq!(limited.status, 429);
    assert!(limited.headers.get("retry-after").is_some());
    assert_eq!(
        download(&person, PASSWORD, "").await.status,
        429,
        "even the right one waits"
    );
}

/// A word on a talk kept to oneself is its author's alone; the note left
/// for the end of the other's quiet period reaches their export only once
/// that period is over, its author's at once.
async fn talk_story(app: TestApp) {
    let couple = app.couple().await;
    let (hurt, involved) = (&couple.hurt, &couple.involved);
    let talk = [
        ("kind", "what_happened"),
        ("soon", "when_you_can"),
        ("topic", "mk-talk-topic"),
    ];
    let asked = hurt.post("/talk", &talk).await;
    let at = asked.location.expect("the talk's place");
    let id = at.trim_start_matches("/talk#talk-");
    let now = crate::talk::answer_fields("now", &[]);
    let answered = involved.post(&format!("/talk/{id}/answer"), &now).await;
    assert_eq!(answered.status, 303, "{}", answered.body);
    let kept = [("words", "mk-kept-talk-word"), ("keep", "only_me")];
    let marked = involved.post(&format!("/talk/{id}/happened"), &kept).await;
    assert_eq!(marked.status, 303, "{}", marked.body);
    let quiet = hurt.post("/talk/quiet", &[("quiet_days", "2")]).await;
    assert_eq!(quiet.status, 303, "{}", quiet.body);
    let note = [("quiet_note", "mk-quiet-note")];
    assert_eq!(involved.post("/talk/quiet/note", &note).await.status, 303);

    let during = download(hurt, PASSWORD, "").await;
    assert!(during.count("mk-talk-topic") >= 2);
    assert_eq!(during.count("mk-kept-talk-word"), 0);
    assert_eq!(during.count("mk-quiet-note"), 0, "not while it is on");
    let theirs = download(involved, PASSWORD, "").await;
    assert_eq!(theirs.count("mk-kept-talk-word"), 2);
    assert_eq!(theirs.count("mk-quiet-note"), 2, "its author's at once");

    app.clock.advance(time::Duration::days(2));
    let after = download(hurt, PASSWORD, "").await;
    assert_eq!(after.count("mk-quiet-note"), 2, "shown once it ended");
    assert_eq!(after.count("mk-kept-talk-word"), 0);
}

on_both_backends!(talk_story: a_held_back_note_waits_in_the_export_on_sqlite, a_held_back_note_waits_in_the_export_on_postgres);
