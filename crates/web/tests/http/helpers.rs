//! Starts Kintsugi for a test and plays its people.

#![allow(dead_code)]

use kintsugi_store::MasterKey;
use kintsugi_web::app::clock::ManualClock;
use kintsugi_web::app::config::{Limits, WebConfig};
use reqwest::cookie::{CookieStore, Jar};
use reqwest::redirect::Policy;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tempfile::TempDir;

pub const PASSWORD: &str = "a quiet walk by the river";

pub struct TestApp {
    pub base: String,
    pub data_dir: TempDir,
    /// The database the store opened.
    pub database_url: String,
    pub store: Arc<dyn kintsugi_store::Store>,
    /// The app's clock: it starts at the real time and moves only when a
    /// test moves it (`advance`, `set`).
    pub clock: Arc<ManualClock>,
    /// The app's state, for what a test runs beside the server (the
    /// reminder task's tick).
    pub state: kintsugi_web::AppState,
    people: AtomicUsize,
    /// The running server, stopped when the app is dropped.
    server: tokio::task::JoinHandle<()>,
    _database: Option<PostgresDatabase>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// A PostgreSQL database made for one test and dropped after it, even when
/// the test fails.
struct PostgresDatabase {
    admin_url: String,
    name: String,
}

impl Drop for PostgresDatabase {
    fn drop(&mut self) {
        let admin_url = self.admin_url.clone();
        let name = self.name.clone();
        // Drop runs inside the test's runtime, which cannot block on itself.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime
                .block_on(async {
                    let admin = sqlx::PgPool::connect(&admin_url).await?;
                    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&admin)
                        .await?;
                    admin.close().await;
                    Ok::<_, sqlx::Error>(())
                })
                .map_err(std::io::Error::other)
        })
        .join();
    }
}

/// What a request returned. Redirects are not followed.
#[derive(Debug)]
pub struct Page {
    pub status: u16,
    pub body: String,
    pub location: Option<String>,
    pub headers: reqwest::header::HeaderMap,
}

impl Page {
    /// The `Set-Cookie` headers of the answer.
    pub fn set_cookies(&self) -> Vec<&str> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().expect("a readable cookie"))
            .collect()
    }
}

pub struct Person {
    pub email: String,
    pub base: String,
    pub client: reqwest::Client,
    jar: Arc<Jar>,
}

pub struct Couple {
    /// Created the space and recorded themselves as the hurt partner.
    pub hurt: Person,
    /// Joined through the invitation link.
    pub involved: Person,
    /// The invitation link the involved partner joined by (`/invite/TOKEN`).
    pub invitation: String,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(config_allowing(1_000)).await
    }

    /// The app with room for only `auth_attempts` sign-in tries, for tests
    /// of the rate limit.
    pub async fn spawn_allowing(auth_attempts: u32) -> TestApp {
        Self::spawn_with(config_allowing(auth_attempts)).await
    }

    pub async fn spawn_with(config: WebConfig) -> TestApp {
        let data_dir = tempfile::tempdir().expect("a temporary directory");
        let url = format!("sqlite://{}", data_dir.path().join("kintsugi.db").display());
        Self::start(config, data_dir, &url, None).await
    }

    /// The app on a fresh PostgreSQL database, when `KINTSUGI_TEST_POSTGRES_URL`
    /// names a server; `None` (and a note on stderr) otherwise. Under
    /// `CI=true` a missing URL fails the test: CI must not pass by skipping.
    pub async fn spawn_on_postgres() -> Option<TestApp> {
        Self::spawn_on_postgres_with(WebConfig {
            limits: Limits {
                auth_attempts: 1_000,
                ..Limits::default()
            },
            ..WebConfig::default()
        })
        .await
    }

    /// The app with `config` on a fresh PostgreSQL database, as above.
    pub async fn spawn_on_postgres_with(config: WebConfig) -> Option<TestApp> {
        let Ok(admin_url) = std::env::var("KINTSUGI_TEST_POSTGRES_URL") else {
            assert!(
                !running_in_ci(),
                "CI=true but KINTSUGI_TEST_POSTGRES_URL is not set: the PostgreSQL web tests \
                 cannot run; export KINTSUGI_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test"
            );
            eprintln!(
                "NOTE: KINTSUGI_TEST_POSTGRES_URL is not set; the PostgreSQL web tests did not run"
            );
            return None;
        };
        let name = format!("kintsugi_web_{}", uuid::Uuid::new_v4().simple());
        let admin = sqlx::PgPool::connect(&admin_url)
            .await
            .expect("PostgreSQL answers");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&admin)
            .await
            .expect("a test database");
        admin.close().await;
        let (base, _) = admin_url
            .rsplit_once('/')
            .expect("a database URL ends with /NAME");
        let url = format!("{base}/{name}");
        let database = PostgresDatabase { admin_url, name };
        let data_dir = tempfile::tempdir().expect("a temporary directory");
        Some(Self::start(config, data_dir, &url, Some(database)).await)
    }

    async fn start(
        config: WebConfig,
        data_dir: TempDir,
        url: &str,
        database: Option<PostgresDatabase>,
    ) -> TestApp {
        let key =
            MasterKey::load_or_create(&data_dir.path().join("master.key")).expect("a master key");
        let store = kintsugi_store::open(url, key)
            .await
            .expect("the store opens");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port");
        let address: SocketAddr = listener.local_addr().expect("the bound address");
        let clock = Arc::new(ManualClock::starting_at(time::OffsetDateTime::now_utc()));
        let state = kintsugi_web::AppState::with_clock(store.clone(), config, clock.clone());
        let router = kintsugi_web::app(state.clone());
        let server = tokio::spawn(async move {
            axum::serve(
                listener,
                router.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
            .expect("the app serves");
        });
        TestApp {
            base: format!("http://{address}"),
            data_dir,
            database_url: url.to_owned(),
            store,
            clock,
            state,
            people: AtomicUsize::new(0),
            server,
            _database: database,
        }
    }

    /// Another app instance on the same database and master key, started
    /// cold: its projection cache is empty, so it reads every stream from
    /// the start (a restart, or a second instance on one PostgreSQL).
    pub async fn another_instance(&self) -> TestApp {
        let data_dir = tempfile::tempdir().expect("a temporary directory");
        std::fs::copy(
            self.data_dir.path().join("master.key"),
            data_dir.path().join("master.key"),
        )
        .expect("the master key is copied");
        let url = self.database_url.clone();
        let config = WebConfig {
            mail: self.state.config.mail.clone(),
            ..config_allowing(1_000)
        };
        TestApp::start(config, data_dir, &url, None).await
    }

    /// The app stopped and started again on the same database and master
    /// key: the new process's caches are empty, and only the database and
    /// the data directory carry over.
    pub async fn restart(mut self) -> TestApp {
        self.server.abort();
        let fresh = tempfile::tempdir().expect("a temporary directory");
        let data_dir = std::mem::replace(&mut self.data_dir, fresh);
        let database = self._database.take();
        let url = self.database_url.clone();
        drop(self);
        TestApp::start(config_allowing(1_000), data_dir, &url, database).await
    }

    /// Runs one statement on the database behind the store, whichever the
    /// backend, for tests that change it behind the store's back; returns
    /// how many rows it changed.
    pub async fn raw_execute(&self, sql: &str) -> u64 {
        use sqlx::Connection;
        if self.database_url.starts_with("postgres") {
            let mut raw = sqlx::PgConnection::connect(&self.database_url)
                .await
                .expect("the database opens");
            let done = sqlx::query(sql).execute(&mut raw).await;
            done.expect("the statement runs").rows_affected()
        } else {
            let mut raw = self.raw_sqlite().await;
            let done = sqlx::query(sql).execute(&mut raw).await;
            done.expect("the statement runs").rows_affected()
        }
    }

    /// Whether the database behind the store still holds the ciphertext of
    /// one event (a withdrawal removes it), whichever the backend.
    pub async fn raw_has_ciphertext(&self, stream_id: &str, seq: u64) -> bool {
        use sqlx::Connection;
        let sql = format!(
            "SELECT COUNT(*) FROM events WHERE stream_id = '{stream_id}' AND seq = {seq} \
             AND payload_ciphertext IS NOT NULL"
        );
        let count: i64 = if self.database_url.starts_with("postgres") {
            let mut raw = sqlx::PgConnection::connect(&self.database_url)
                .await
                .expect("the database opens");
            sqlx::query_scalar(&sql).fetch_one(&mut raw).await
        } else {
            let mut raw = self.raw_sqlite().await;
            sqlx::query_scalar(&sql).fetch_one(&mut raw).await
        }
        .expect("the count is read");
        count > 0
    }

    /// The clear-text `kind` column of every event of a stream, in order.
    pub async fn raw_kinds(&self, stream_id: &str) -> Vec<String> {
        use sqlx::Connection;
        let sql = format!("SELECT kind FROM events WHERE stream_id = '{stream_id}' ORDER BY seq");
        if self.database_url.starts_with("postgres") {
            let mut raw = sqlx::PgConnection::connect(&self.database_url)
                .await
                .expect("the database opens");
            let rows = sqlx::query_scalar(&sql).fetch_all(&mut raw).await;
            rows.expect("the kinds are read")
        } else {
            let mut raw = self.raw_sqlite().await;
            let rows = sqlx::query_scalar(&sql).fetch_all(&mut raw).await;
            rows.expect("the kinds are read")
        }
    }

    pub fn anonymous(&self) -> Person {
        let n = self.people.fetch_add(1, Ordering::Relaxed);
        Person::new(&self.base, format!("person{n}@example.org"))
    }

    /// A second browser for someone who already has an account.
    pub fn anonymous_as(&self, email: &str) -> Person {
        Person::new(&self.base, email.to_owned())
    }

    /// A registered person, logged in, past the recovery-codes page.
    pub async fn stranger(&self) -> Person {
        let person = self.anonymous();
        person.register().await;
        person.login().await;
        person
    }

    /// A registered person signed in on two browsers: a phone, and a laptop
    /// that signed in after it.
    pub async fn signed_in_twice(&self) -> (Person, Person) {
        let phone = self.stranger().await;
        let laptop = self.anonymous_as(&phone.email);
        laptop.login().await;
        (phone, laptop)
    }

    /// `path` for a browser that carries nothing but a session cookie (an old
    /// one kept somewhere, or one made up).
    pub async fn get_with_session_cookie(&self, path: &str, session: &str) -> Page {
        let client = reqwest::Client::builder()
            .redirect(Policy::none())
            .build()
            .expect("a client");
        let response = client
            .get(format!("{}{path}", self.base))
            .header("cookie", format!("kintsugi-session={session}"))
            .send()
            .await
            .expect("GET");
        Person::page(response).await
    }

    /// The app with a couple in it, for tests that need no one else.
    pub async fn with_couple() -> (TestApp, Couple) {
        let app = TestApp::spawn().await;
        let couple = app.couple().await;
        (app, couple)
    }

    /// The app with its clock set to `at` and a couple made then.
    pub async fn with_couple_at(at: time::OffsetDateTime) -> (TestApp, Couple) {
        let app = TestApp::spawn().await;
        app.clock.set(at);
        let couple = app.couple().await;
        (app, couple)
    }

    /// A registered person who created a space (of `kind`, with `hurt`
    /// `me` or `partner`) and made an invitation link; returns them and the
    /// link's path.
    pub async fn space_with_link(&self, kind: &str, hurt: &str) -> (Person, String) {
        let creator = self.stranger().await;
        creator.create_space(kind, hurt).await;
        let link = creator.invite_link().await;
        (creator, link)
    }

    /// Two partners: the first creates the space as the hurt partner,
    /// invites the second, who joins.
    pub async fn couple(&self) -> Couple {
        let (hurt, link) = self.space_with_link("physical_affair", "me").await;
        let involved = self.stranger().await;
        let joined = involved.join(&link).await;
        assert_eq!(joined.status, 303, "joining: {}", joined.body);
        assert_eq!(joined.location.as_deref(), Some("/space"));
        Couple {
            hurt,
            involved,
            invitation: link,
        }
    }

    /// A copy of the database as it is now. Each app started from it
    /// (`Snapshot::spawn`) has its own copy, so what one test step writes
    /// there reaches neither this app nor any other copy.
    pub async fn snapshot(&self) -> Snapshot {
        use sqlx::Connection;
        let dir = tempfile::tempdir().expect("a temporary directory");
        let copy = dir.path().join("kintsugi.db");
        let mut raw = self.raw_sqlite().await;
        sqlx::query("VACUUM INTO $1")
            .bind(copy.display().to_string())
            .execute(&mut raw)
            .await
            .expect("the database is copied");
        raw.close().await.expect("the copy's connection closes");
        std::fs::copy(
            self.data_dir.path().join("master.key"),
            dir.path().join("master.key"),
        )
        .expect("the master key is copied");
        Snapshot { dir }
    }
}

/// A SQLite database and its master key, copied from a running app.
pub struct Snapshot {
    dir: TempDir,
}

impl Snapshot {
    /// A new app on a fresh copy of the snapshot, its sessions included.
    pub async fn spawn(&self) -> TestApp {
        let data_dir = tempfile::tempdir().expect("a temporary directory");
        for name in ["kintsugi.db", "master.key"] {
            std::fs::copy(self.dir.path().join(name), data_dir.path().join(name))
                .expect("the snapshot is copied");
        }
        let url = format!("sqlite://{}", data_dir.path().join("kintsugi.db").display());
        TestApp::start(config_allowing(1_000), data_dir, &url, None).await
    }
}

impl Person {
    fn new(base: &str, email: String) -> Person {
        let jar = Arc::new(Jar::default());
        let client = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .expect("a client");
        Person {
            email,
            base: base.to_owned(),
            client,
            jar,
        }
    }

    /// This person's browser as it is now, cookies and all, pointed at
    /// `app` (started from a snapshot): what the copy sets does not change
    /// this browser.
    pub fn visiting(&self, app: &TestApp) -> Person {
        let person = Person::new(&app.base, self.email.clone());
        let from = self.base.parse().expect("a url");
        let to = app.base.parse().expect("a url");
        if let Some(header) = self.jar.cookies(&from) {
            for pair in header.to_str().expect("ASCII cookies").split("; ") {
                person.jar.add_cookie_str(pair, &to);
            }
        }
        person
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{}", self.base, path)
        }
    }

    async fn page(response: reqwest::Response) -> Page {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let location = headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response.text().await.expect("a body");
        Page {
            status,
            body,
            location,
            headers,
        }
    }

    pub async fn get(&self, path: &str) -> Page {
        let response = self.client.get(self.url(path)).send().await.expect("GET");
        Self::page(response).await
    }

    /// The CSRF token from this browser's cookie, fetching a page first if
    /// there is none yet.
    pub async fn csrf(&self) -> String {
        if let Some(token) = self.cookie("kintsugi-csrf") {
            return token;
        }
        self.get("/login").await;
        self.cookie("kintsugi-csrf")
            .expect("the app sets a CSRF cookie")
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        let url = self.base.parse().expect("a url");
        let header = self.jar.cookies(&url)?;
        header
            .to_str()
            .ok()?
            .split("; ")
            .find_map(|pair| pair.strip_prefix(&format!("{name}=")).map(str::to_owned))
    }

    /// Posts a form with the CSRF token, as a browser on the page would.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let csrf = self.csrf().await;
        let mut form: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        form.extend_from_slice(fields);
        self.post_raw(path, &form).await
    }

    /// Posts the same form twice at the same moment under one submission key,
    /// as a double tap on a slow connection does; returns both answers.
    pub async fn post_twice_at_once(&self, path: &str, fields: &[(&str, &str)]) -> (Page, Page) {
        let key = submission_key();
        let mut form: Vec<(&str, &str)> = vec![("submission", key.as_str())];
        form.extend_from_slice(fields);
        tokio::join!(self.post(path, &form), self.post(path, &form))
    }

    /// Posts a form under the given submission key.
    pub async fn post_with_key(&self, path: &str, key: &str, fields: &[(&str, &str)]) -> Page {
        let mut form: Vec<(&str, &str)> = vec![("submission", key)];
        form.extend_from_slice(fields);
        self.post(path, &form).await
    }

    pub async fn post_without_csrf(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        self.csrf().await;
        self.post_raw(path, fields).await
    }

    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let body = serde_html_form::to_string(fields).expect("a form body");
        let form = [("content-type", "application/x-www-form-urlencoded")];
        self.post_with_headers(path, &form, body).await
    }

    /// Posts `body` as it is, with these headers and this browser's cookies.
    pub async fn post_with_headers(
        &self,
        path: &str,
        headers: &[(&str, &str)],
        body: String,
    ) -> Page {
        let mut request = self.client.post(self.url(path)).body(body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        Self::page(request.send().await.expect("POST")).await
    }

    /// Sends the registration form as typed: a password and its
    /// confirmation, which may differ.
    pub async fn post_register(&self, email: &str, password: &str, confirm: &str) -> Page {
        let fields = [
            ("email", email),
            ("password", password),
            ("password_confirm", confirm),
        ];
        self.post("/register", &fields).await
    }

    /// Sends the login form as typed.
    pub async fn post_login(&self, email: &str, password: &str) -> Page {
        self.post("/login", &[("email", email), ("password", password)])
            .await
    }

    /// Sends the recovery form as typed: a recovery code and a new password,
    /// confirmed.
    pub async fn post_recover(&self, email: &str, code: &str, password: &str) -> Page {
        let fields = [
            ("email", email),
            ("code", code),
            ("password", password),
            ("password_confirm", password),
        ];
        self.post("/recover", &fields).await
    }

    /// Sends the account page's password form: the current password and a
    /// new one, confirmed.
    pub async fn post_password_change(&self, current: &str, new: &str) -> Page {
        let fields = [
            ("current_password", current),
            ("password", new),
            ("password_confirm", new),
        ];
        self.post("/account/password", &fields).await
    }

    /// Whether this browser's session still opens the account page; a
    /// signed-out browser is sent to sign in.
    pub async fn is_signed_in(&self) -> bool {
        self.reaches("/account", "/login").await
    }

    /// Whether `path` answers this person with its page (true) or leads them
    /// on to `elsewhere` (false); any other answer fails the test.
    async fn reaches(&self, path: &str, elsewhere: &str) -> bool {
        let page = self.get(path).await;
        match (page.status, page.location.as_deref()) {
            (200, _) => true,
            (303, Some(to)) if to == elsewhere => false,
            other => panic!("{path} answered {other:?}"),
        }
    }

    pub async fn register(&self) -> Page {
        let page = self.post_register(&self.email, PASSWORD, PASSWORD).await;
        assert_eq!(page.status, 303, "registering: {}", page.body);
        page
    }

    pub async fn login(&self) -> Page {
        let page = self.post_login(&self.email, PASSWORD).await;
        assert!(
            page.status == 200 || page.status == 303,
            "logging in: {} {}",
            page.status,
            page.body
        );
        page
    }

    pub async fn create_space(&self, kind: &str, hurt: &str) {
        let fields = space_fields(betrayal_fields(kind, hurt, "", ""), "yes");
        let page = self.post("/space/new", &fields).await;
        assert_eq!(page.status, 303, "creating the space: {}", page.body);
    }

    /// Joins through an invitation link, ticking that they feel safe, as
    /// the invited partner does on the page the link opens.
    pub async fn join(&self, link: &str) -> Page {
        self.post(link, &[("feel_safe", "yes")]).await
    }

    /// Whether this signed-in person has a couple space; without one, the
    /// space page leads to the start page.
    pub async fn has_a_space(&self) -> bool {
        self.reaches("/space", "/").await
    }

    /// Makes an invitation and returns its path (`/invite/TOKEN`).
    pub async fn invite_link(&self) -> String {
        let page = self.post("/space/invite", &[]).await;
        assert_eq!(page.status, 200, "inviting: {}", page.body);
        let start = page.body.find("/invite/").expect("the page shows the link");
        let token: String = page.body[start + "/invite/".len()..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        format!("/invite/{token}")
    }
}

/// The fields of the form that records a betrayal (`/space/betrayals`):
/// `hurt` is `me` or `partner`, `discovered_on` a date or empty.
pub fn betrayal_fields<'a>(
    kind: &'a str,
    hurt: &'a str,
    discovered_on: &'a str,
    note: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("kind", kind),
        ("hurt", hurt),
        ("discovered_on", discovered_on),
        ("note", note),
    ]
}

/// The fields of the form that creates a space (`/space/new`): the first
/// betrayal's, and `feel_safe` ticked (`yes`) or not (empty).
pub fn space_fields<'a>(
    mut betrayal: Vec<(&'a str, &'a str)>,
    feel_safe: &'a str,
) -> Vec<(&'a str, &'a str)> {
    betrayal.push(("feel_safe", feel_safe));
    betrayal
}

/// The default settings with `auth_attempts` sign-in tries allowed; most
/// tests sign in often, so they allow many.
fn config_allowing(auth_attempts: u32) -> WebConfig {
    WebConfig {
        limits: Limits {
            auth_attempts,
            ..Limits::default()
        },
        ..WebConfig::default()
    }
}

/// Whether this runs in CI (`CI=true`, as CI services set it).
fn running_in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| value.eq_ignore_ascii_case("true") || value == "1")
}

/// A fresh submission key, as a page would render one.
pub fn submission_key() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The submission key of the first form on a page, as a browser would send it.
pub fn first_submission_key(page: &Page) -> String {
    let marker = "name=\"submission\" value=\"";
    let start = page
        .body
        .find(marker)
        .expect("the page has a form with a submission key")
        + marker.len();
    let end = page.body[start..].find('"').expect("a closing quote") + start;
    page.body[start..end].to_owned()
}

/// Asserts that the page shows every one of `texts`, naming the one
/// that is missing.
pub fn assert_shows(page: &Page, texts: &[&str]) {
    for text in texts {
        assert!(
            page.body.contains(text),
            "{text:?} is not on the page: {}",
            page.body
        );
    }
}

/// Asserts that the page shows none of `texts`, naming the one found.
pub fn assert_hides(page: &Page, texts: &[&str]) {
    for text in texts {
        assert!(
            !page.body.contains(text),
            "{text:?} should not be on the page: {}",
            page.body
        );
    }
}

/// Both answers to a double post: one did the work and the other replayed
/// it, so both lead to the same place.
pub fn assert_same_answer(first: &Page, second: &Page) {
    assert_eq!(
        first.status, second.status,
        "both answers agree: {first:?} / {second:?}"
    );
    assert_eq!(
        first.location, second.location,
        "both lead to the same place"
    );
}

/// Asserts a 303 to exactly `location`.
pub fn assert_redirect(page: &Page, location: &str) {
    assert_eq!(
        (page.status, page.location.as_deref()),
        (303, Some(location)),
        "{}",
        excerpt(&page.body)
    );
}

/// Asserts a form shown again after a refusal (422) that says `message`.
pub fn assert_refused(page: &Page, message: &str) {
    assert_page(page, 422, &[message]);
}

/// Asserts the page answered `status` and shows every one of `texts`.
pub fn assert_page(page: &Page, status: u16, texts: &[&str]) {
    assert_eq!(page.status, status, "{}", excerpt(&page.body));
    for text in texts {
        assert!(
            page.body.contains(text),
            "expected {text:?} in the page: {}",
            excerpt(&page.body)
        );
    }
}

/// The page's main content, shortened, for a failure message.
pub fn excerpt(body: &str) -> String {
    let start = body.find("<main").unwrap_or(0);
    body[start..].chars().take(3_000).collect()
}

/// A couple at work, another couple beside them, a signed-in stranger with
/// no space, and a visitor who is not signed in: everyone an authorization
/// test asks.
pub struct World {
    /// Kept for the length of the test: it owns the running app's data.
    pub _app: TestApp,
    pub couple: Couple,
    pub other: Couple,
    pub stranger: Person,
    pub anon: Person,
}

impl World {
    pub async fn new() -> World {
        let app = TestApp::spawn().await;
        let couple = app.couple().await;
        let other = app.couple().await;
        let stranger = app.stranger().await;
        let anon = app.anonymous();
        World {
            _app: app,
            couple,
            other,
            stranger,
            anon,
        }
    }
}

// ---- check-ins, pulses, today, progress, space, invite ---------------------------

/// How far a person's couple record and own private stream have come: the
/// `seq` of each head, 0 for a stream not written yet. Counts entries
/// without reading them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Heads {
    pub couple: u64,
    pub private: u64,
}

impl TestApp {
    pub async fn heads_of(&self, person: &Person) -> Heads {
        use kintsugi_core::{CoupleId, StreamId, UserId};
        let (user, couple) = self.ids_of(person).await;
        let seq_of = |stream: StreamId| async move {
            let head = self.store.head(stream.as_str()).await.expect("a head");
            head.map_or(0, |head| head.seq)
        };
        Heads {
            couple: match couple {
                Some(couple) => seq_of(StreamId::couple(CoupleId(couple))).await,
                None => 0,
            },
            private: seq_of(StreamId::private(UserId(user))).await,
        }
    }

    /// A person's user id and their couple space's id, if they have one.
    pub async fn ids_of(&self, person: &Person) -> (uuid::Uuid, Option<uuid::Uuid>) {
        let user = self
            .store
            .user_by_email(&person.email)
            .await
            .expect("the store answers")
            .expect("a registered person")
            .id;
        let couple = self.store.couple_of(user).await.expect("the store answers");
        (user, couple)
    }

    /// A raw connection to the SQLite database behind the store, for tests
    /// that break it on purpose.
    pub async fn raw_sqlite(&self) -> sqlx::SqliteConnection {
        use sqlx::Connection;
        let path = self.data_dir.path().join("kintsugi.db");
        sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
            .await
            .expect("the database opens")
    }
}

/// Owned form fields as the `&str` pairs `Person::post` takes.
pub fn field_refs(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect()
}

// ---- requests, commitments, contact ------------------------------------------

/// The fields of the new-request form: `action` is `send`, or `check` to ask
/// the coach first.
pub fn request_fields<'a>(
    what: &'a str,
    frequency: &'a str,
    action: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("betrayal", ""),
        ("what", what),
        ("frequency", frequency),
        ("trigger", ""),
        ("times_per_week", ""),
        ("weekday", ""),
        ("by_date", ""),
        ("action", action),
    ]
}

impl Couple {
    /// A request the hurt partner made and the involved partner accepted;
    /// returns the request's page (`/requests/ID`).
    pub async fn agreed_request(&self, what: &str, frequency: &str) -> String {
        let made = self
            .hurt
            .post("/requests", &request_fields(what, frequency, "send"))
            .await;
        assert_eq!(made.status, 303, "making the request: {}", made.body);
        let request = made.location.expect("the request's page");
        let accepted = self.involved.post(&format!("{request}/accept"), &[]).await;
        assert_eq!(accepted.status, 303, "accepting it: {}", accepted.body);
        request
    }

    /// The involved partner logs, with no note, that they did the request
    /// at `request` (`/requests/ID`) today.
    pub async fn log_done(&self, request: &str) {
        let done = [("happened_on", ""), ("note", "")];
        let logged = self
            .involved
            .post(&format!("{request}/fulfilments"), &done)
            .await;
        assert_eq!(logged.status, 303, "logging it: {}", logged.body);
    }
}

/// One kind of form, as the "sent twice, written once" tests send it.
pub struct OnceForm<'a> {
    pub path: String,
    pub fields: Vec<(&'a str, &'a str)>,
    /// A field typed differently for a resend under the used key (Back,
    /// edit, send); `None` for a button, which has nothing to edit.
    pub edited: Option<(&'a str, &'a str)>,
    /// The page that shows what the form writes, and a text each written
    /// entry adds to it once.
    pub shown_on: String,
    pub entry: &'a str,
}

impl Person {
    /// Sends `form` twice at the same moment under one key and asserts that
    /// both answers agree and exactly one entry was written. Then, when the
    /// form has a field to edit, sends it again under the used key with that
    /// field changed and asserts the form comes back (422) with the edited
    /// text and a fresh key, and nothing new was written. Returns the first
    /// answer.
    pub async fn sends_once(&self, form: &OnceForm<'_>) -> Page {
        let entries = || async {
            self.get(&form.shown_on)
                .await
                .body
                .matches(form.entry)
                .count()
        };
        let before = entries().await;
        let key = submission_key();
        let (first, second) = tokio::join!(
            self.post_with_key(&form.path, &key, &form.fields),
            self.post_with_key(&form.path, &key, &form.fields)
        );
        assert_same_answer(&first, &second);
        assert_eq!(first.status, 303, "{} was taken: {}", form.path, first.body);
        assert_eq!(entries().await, before + 1, "{} wrote once", form.path);
        if let Some((name, edited)) = form.edited {
            let fields: Vec<(&str, &str)> = form
                .fields
                .iter()
                .map(|&(field, value)| (field, if field == name { edited } else { value }))
                .collect();
            let again = self.post_with_key(&form.path, &key, &fields).await;
            assert_eq!(
                again.status, 422,
                "{} shown again: {}",
                form.path, again.body
            );
            assert!(
                again.body.contains(edited),
                "{} keeps {edited:?}",
                form.path
            );
            assert_ne!(first_submission_key(&again), key, "a fresh key");
            let shown = self.get(&form.shown_on).await.body;
            assert_eq!(shown.matches(form.entry).count(), before + 1);
            assert!(!shown.contains(edited), "{} wrote nothing new", form.path);
        }
        first
    }
}

// ---- Truth and apology: one form, one entry, whatever the taps ----

/// A kind of form, as a person sends it, and another request sent later
/// under the same submission key (Back, edit, send again).
pub struct WrittenOnce<'a> {
    pub by: &'a Person,
    pub path: String,
    pub fields: Vec<(&'a str, &'a str)>,
    pub resent_path: String,
    pub resent_fields: Vec<(&'a str, &'a str)>,
    /// What the resent form must show again (the edited words).
    pub resent_shows: &'a str,
}

impl<'a> WrittenOnce<'a> {
    /// A form of one text field, resent with `edited` in it.
    pub fn words(
        by: &'a Person,
        path: String,
        field: &'a str,
        words: &'a str,
        edited: &'a str,
    ) -> Self {
        WrittenOnce {
            by,
            resent_path: path.clone(),
            path,
            fields: vec![(field, words)],
            resent_fields: vec![(field, edited)],
            resent_shows: edited,
        }
    }

    /// A button has no words to edit: its key sent with another button
    /// (`other`) is another request all the same, even one that would be
    /// allowed. The page shown again still `shows` the entry.
    pub fn button(by: &'a Person, path: String, other: String, shows: &'a str) -> Self {
        WrittenOnce {
            by,
            path,
            fields: Vec::new(),
            resent_path: other,
            resent_fields: Vec::new(),
            resent_shows: shows,
        }
    }
}

impl Person {
    /// GETs a page this person may see, asserting it answered 200.
    pub async fn visit(&self, path: &str) -> Page {
        let page = self.get(path).await;
        assert_eq!(page.status, 200, "{path}: {}", excerpt(&page.body));
        page
    }

    /// Whether the page at `path` shows `text` to this person.
    pub async fn sees(&self, path: &str, text: &str) -> bool {
        self.get(path).await.body.contains(text)
    }

    /// Asserts that the page at `path` shows `text` to this person.
    pub async fn assert_sees(&self, path: &str, text: &str) {
        assert!(self.sees(path, text).await, "{path} does not show {text:?}");
    }
}

impl TestApp {
    /// How many events the shared record of `person`'s couple holds.
    pub async fn couple_record_length(&self, person: &Person) -> usize {
        let user = self
            .store
            .user_by_email(&person.email)
            .await
            .expect("the store answers")
            .expect("the person has an account");
        let couple = self
            .store
            .couple_of(user.id)
            .await
            .expect("the store answers")
            .expect("the person is in a couple");
        self.store
            .read(&format!("couple:{couple}"), 0)
            .await
            .expect("the record reads")
            .len()
    }

    /// Sends `form` twice at the same moment under one key and finds one
    /// entry written, both answers alike; sends it once more (a replay) and
    /// is led to the same place; then sends other words under that key and
    /// is shown the form again with those words and a new key, nothing
    /// written.
    pub async fn assert_written_once(&self, form: &WrittenOnce<'_>) {
        let before = self.couple_record_length(form.by).await;
        let key = submission_key();
        let (first, second) = tokio::join!(
            form.by.post_with_key(&form.path, &key, &form.fields),
            form.by.post_with_key(&form.path, &key, &form.fields),
        );
        assert_eq!(first.status, 303, "{}: {}", form.path, first.body);
        assert_same_answer(&first, &second);
        let after = self.couple_record_length(form.by).await;
        assert_eq!(after, before + 1, "{}: one entry for two taps", form.path);

        let replay = form.by.post_with_key(&form.path, &key, &form.fields).await;
        assert_same_answer(&first, &replay);

        let resent = form
            .by
            .post_with_key(&form.resent_path, &key, &form.resent_fields)
            .await;
        assert_eq!(resent.status, 422, "{}: {}", form.resent_path, resent.body);
        assert!(
            resent
                .body
                .contains("This form was sent before with other words"),
            "{}: says why nothing was saved",
            form.resent_path
        );
        assert!(
            resent.body.contains(form.resent_shows),
            "{}: shows {:?} again",
            form.resent_path,
            form.resent_shows
        );
        assert_ne!(first_submission_key(&resent), key);
        assert!(
            !resent.body.contains(&key),
            "the used key is not offered again"
        );
        let last = self.couple_record_length(form.by).await;
        assert_eq!(last, after, "{}: nothing written", form.resent_path);
    }
}

/// The number after the last `prefix` before the first `marker` on a page:
/// the id of the entry, version or item that shows `marker`
/// (`id_before(body, "my words", "id=\"entry-")`).
pub fn id_before(body: &str, marker: &str, prefix: &str) -> u64 {
    let at = body
        .find(marker)
        .unwrap_or_else(|| panic!("{marker:?} is not on the page"));
    let start = body[..at]
        .rfind(prefix)
        .unwrap_or_else(|| panic!("no {prefix:?} before {marker:?}"))
        + prefix.len();
    let digits: String = body[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("no id after {prefix:?}"))
}

/// One test per backend for a story `async fn(TestApp)`: on SQLite, and
/// on PostgreSQL when the suite is given a server.
macro_rules! on_both_backends {
    ($story:ident: $on_sqlite:ident, $on_postgres:ident) => {
        #[tokio::test]
        async fn $on_sqlite() {
            $story($crate::helpers::TestApp::spawn().await).await;
        }

        #[tokio::test]
        async fn $on_postgres() {
            if let Some(app) = $crate::helpers::TestApp::spawn_on_postgres().await {
                $story(app).await;
            }
        }
    };
}
pub(crate) use on_both_backends;
