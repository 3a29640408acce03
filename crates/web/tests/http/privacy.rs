//! The product's core promise: what a person keeps to themselves (an "only
//! me" check-in, a kept pulse, the signs they noticed) never reaches anyone
//! else, by any page, count, chart or error.

use crate::checkin::{answerable, check_in};
use crate::helpers::{assert_hides, assert_shows, Couple, Person, TestApp};
use crate::pulse::take_pulse;

const MARKER: &str = "only-me-marker-7f3c91";
const SHARED_NOTE: &str = "shared words for both of us";

struct Scene {
    app: TestApp,
    couple: Couple,
    other: Couple,
    stranger: Person,
    /// The hurt partner's shared check-in and pulse, by address.
    shared_check_in: String,
    shared_pulse: String,
    kept_pulse: String,
    /// "After entry N" on the space page once the shared items were made.
    entries_before_private: String,
}

fn entries_line(space_page: &str) -> String {
    let at = space_page.find("After entry ").expect("the entry count");
    space_page[at..].chars().take_while(|c| *c != '.').collect()
}

/// A couple where the hurt partner shared one check-in and one pulse, then
/// kept a check-in (with the marker), a pulse and every sign to themselves.
async fn scene() -> Scene {
    let app = TestApp::spawn().await;
    let couple = app.couple().await;
    let other = app.couple().await;
    let stranger = app.stranger().await;
    let hurt = &couple.hurt;

    check_in(hurt, &[("hopeful", "2")], SHARED_NOTE, "partner").await;
    let shared_pulse = take_pulse(hurt, 4, "partner", &[])
        .await
        .location
        .expect("a shared pulse");
    let shared_id = answerable(&couple.involved).await;
    let entries_before_private = entries_line(&couple.involved.get("/space").await.body);

    let kept = check_in(hurt, &[("humiliated", "5")], MARKER, "only_me").await;
    assert_eq!(kept.location.as_deref(), Some("/checkin?done=kept"));
    let signs: Vec<&str> = kintsugi_core::signs::Sign::ALL
        .iter()
        .map(|s| s.code())
        .collect();
    let kept_pulse = take_pulse(hurt, 1, "only_me", &signs)
        .await
        .location
        .expect("a kept pulse");
    assert!(kept_pulse.starts_with("/pulse/kept/"));

    Scene {
        app,
        couple,
        other,
        stranger,
        shared_check_in: format!("/checkin/{shared_id}"),
        shared_pulse,
        kept_pulse,
        entries_before_private,
    }
}

impl Scene {
    /// Every page of the emotional landscape, the home and the space page,
    /// with the ids of this couple's entries (shared and kept) in them.
    fn pages(&self) -> Vec<String> {
        let kept_seq = self.kept_pulse.trim_start_matches("/pulse/kept/");
        let mut pages: Vec<String> = [
            "/",
            "/space",
            "/checkin",
            "/checkin?before=99999999999999999",
            "/checkin?done=kept",
            "/pulse",
            "/progress",
            "/progress?days=90",
            "/progress?construct=honesty&span=all",
            "/progress?construct=safety&days=90",
        ]
        .iter()
        .map(|p| (*p).to_owned())
        .collect();
        pages.extend([
            self.shared_check_in.clone(),
            self.shared_pulse.clone(),
            self.kept_pulse.clone(),
            // The kept items' numbers in their author's private stream,
            // tried as shared ids too.
            "/checkin/1".to_owned(),
            format!("/checkin/{kept_seq}"),
            format!("/pulse/shared/{kept_seq}"),
            "/pulse/kept/1".to_owned(),
        ]);
        pages
    }

    /// What each visitor is answered on each page: the kept items are
    /// missing for everyone but their author, the couple's shared items for
    /// everyone outside the couple, and a signed-out visitor signs in first.
    fn expected_status(&self, who: &str, path: &str) -> &'static [u16] {
        const PAGE: &[u16] = &[200];
        const MISSING: &[u16] = &[404];
        const SIGN_IN: &[u16] = &[303];
        let kept_seq = self.kept_pulse.trim_start_matches("/pulse/kept/");
        let is_kept = path == self.kept_pulse || path == "/pulse/kept/1";
        let is_shared = path == self.shared_check_in || path == self.shared_pulse;
        // Numbers of kept items tried as shared ids may name another entry of
        // the shared record, or none: never a page about a kept item.
        let is_guess = path == "/checkin/1"
            || path == format!("/checkin/{kept_seq}")
            || path == format!("/pulse/shared/{kept_seq}");
        match who {
            "an anonymous visitor" if path == "/" => PAGE,
            "an anonymous visitor" => SIGN_IN,
            "the partner" if is_kept => MISSING,
            "the partner" if is_guess => &[200, 404],
            "the partner" => PAGE,
            "a stranger" if path == "/space" => &[303],
            "a stranger" if path == "/" => PAGE,
            "a stranger" => MISSING,
            _ if is_kept || is_shared || is_guess => MISSING,
            _ => PAGE,
        }
    }

    /// Posts that come back as pages (refusals and errors), by anyone.
    async fn refused_posts(&self, person: &Person) -> Vec<String> {
        let kept_seq = self.kept_pulse.trim_start_matches("/pulse/kept/");
        let mut bodies = Vec::new();
        for path in [
            "/checkin/1/acknowledge".to_owned(),
            format!("/checkin/{kept_seq}/acknowledge"),
            format!("{}/acknowledge", self.shared_check_in),
        ] {
            bodies.push(person.post(&path, &[("own_words", "")]).await.body);
        }
        bodies.push(check_in(person, &[("sad", "")], "", "partner").await.body);
        bodies.push(person.post("/pulse", &[("share", "partner")]).await.body);
        bodies.push(
            person
                .post("/pulse/cadence", &[("cadence", "weekly")])
                .await
                .body,
        );
        bodies
    }
}

#[tokio::test]
async fn kept_items_reach_no_one_but_their_author_on_any_page() {
    let scene = scene().await;
    let anonymous = scene.app.anonymous();
    let others: [(&str, &Person); 5] = [
        ("the partner", &scene.couple.involved),
        ("another couple's hurt partner", &scene.other.hurt),
        ("another couple's involved partner", &scene.other.involved),
        ("a stranger", &scene.stranger),
        ("an anonymous visitor", &anonymous),
    ];
    for (who, person) in others {
        for path in scene.pages() {
            let page = person.get(&path).await;
            let expected = scene.expected_status(who, &path);
            assert!(
                expected.contains(&page.status),
                "{who} got {} on {path}, expected one of {expected:?}",
                page.status
            );
            assert!(
                !page.body.contains(MARKER),
                "{who} saw the marker on {path}"
            );
            assert!(
                !page
                    .body
                    .contains("I needed to know where my partner was at every moment:"),
                "{who} saw a sign count on {path}"
            );
        }
        for body in scene.refused_posts(person).await {
            assert!(!body.contains(MARKER), "{who} saw the marker in a refusal");
        }
    }

    let author = &scene.couple.hurt;
    let list = author.get("/checkin").await;
    assert!(list.body.contains(MARKER), "the author sees their own");
    assert!(list.body.contains("Humiliated"));
    let kept = author.get(&scene.kept_pulse).await;
    assert_eq!(kept.status, 200);
    assert!(kept.body.contains("<span class=\"trust-number\">0</span>"));
    let counted = "I needed to know where my partner was at every moment: 1 time";
    author.assert_sees("/progress", counted).await;
}

#[tokio::test]
async fn counts_shown_to_the_partner_leave_kept_items_out() {
    let scene = scene().await;
    let partner = &scene.couple.involved;
    let author = &scene.couple.hurt;

    let list = partner.get("/checkin").await;
    assert_eq!(list.body.matches("<article class=\"checkin").count(), 1);
    assert!(list.body.contains(SHARED_NOTE));

    let today = partner.get("/").await;
    assert_eq!(today.body.matches("Your partner checked in:").count(), 1);
    assert_eq!(
        today
            .body
            .matches("Your partner shared a trust pulse")
            .count(),
        1
    );
    assert!(!today.body.contains("Humiliated"));

    let pulses = partner.get("/pulse").await;
    assert_eq!(pulses.body.matches("<li><a href=\"/pulse/").count(), 1);
    assert!(pulses
        .body
        .contains(&format!("<a href=\"{}\">", scene.shared_pulse)));

    let progress = partner.get("/progress").await;
    assert_shows(
        &progress,
        &[
            "You checked in 0 times; your partner shared 1 check-in.",
            "Your partner’s latest shared: <strong>50 on ",
        ],
    );
    assert!(!progress.body.contains("(kept to yourself)"));
    assert_shows(
        &progress,
        &[
            "<th scope=\"row\">Hurt</th><td>0</td><td>0</td>",
            "<th scope=\"row\">Hopeful</th><td>0</td><td>1</td>",
        ],
    );
    assert!(
        progress.body.contains("Nothing here yet."),
        "no signs of the partner's"
    );

    let space = partner.get("/space").await;
    assert_eq!(entries_line(&space.body), scene.entries_before_private);
    assert_eq!(
        entries_line(&author.get("/space").await.body),
        scene.entries_before_private,
        "kept items are not entries of the shared record"
    );

    let own = author.get("/progress").await;
    assert_shows(
        &own,
        &[
            "You checked in 2 times; your partner shared 0 check-ins.",
            "<th scope=\"row\">Hurt</th><td>1</td><td>0</td>",
            "(kept to yourself)",
        ],
    );
}

#[tokio::test]
async fn when_one_partner_last_looked_is_never_shown_to_the_other() {
    let scene = scene().await;
    let (hurt, partner) = (&scene.couple.hurt, &scene.couple.involved);
    for _ in 0..2 {
        assert_eq!(hurt.get("/").await.status, 200);
    }
    // The partner's news starts from their own first visit.
    let theirs = partner.get("/").await;
    assert_shows(&theirs, &["Everything your partner has shared so far."]);
    assert_hides(&theirs, &["last visit"]);
    // Within one sitting the news still starts from the beginning.
    hurt.assert_sees("/", "Nothing shared by your partner yet.")
        .await;
}

#[tokio::test]
async fn kept_ids_are_not_found_by_anyone_else() {
    let scene = scene().await;
    for person in [&scene.couple.involved, &scene.other.hurt, &scene.stranger] {
        let page = person.get(&scene.kept_pulse).await;
        assert_eq!(page.status, 404);
        assert!(page.body.contains("not yours to see"));
    }
    let shared = scene.couple.involved.get(&scene.shared_pulse).await;
    assert_eq!(shared.status, 200);
    for person in [&scene.other.hurt, &scene.stranger] {
        assert_eq!(person.get(&scene.shared_pulse).await.status, 404);
        assert_eq!(person.get(&scene.shared_check_in).await.status, 404);
    }
    let anonymous = scene.app.anonymous();
    let page = anonymous.get(&scene.kept_pulse).await;
    assert_eq!(page.location.as_deref(), Some("/login"));
}
