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
    pub store: Arc<dyn kintsugi_store::Store>,
    /// The app's clock: it starts at the real time and moves only when a
    /// test moves it (`advance`, `set`).
    pub clock: Arc<ManualClock>,
    people: AtomicUsize,
    _database: Option<PostgresDatabase>,
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
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(WebConfig {
            limits: Limits {
                auth_attempts: 1_000,
                ..Limits::default()
            },
            ..WebConfig::default()
        })
        .await
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
        let router = kintsugi_web::app(state);
        tokio::spawn(async move {
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
            store,
            clock,
            people: AtomicUsize::new(0),
            _database: database,
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

    /// Two partners: the first creates the space as the hurt partner,
    /// invites the second, who joins.
    pub async fn couple(&self) -> Couple {
        let hurt = self.stranger().await;
        hurt.create_space("physical_affair", "me").await;
        let link = hurt.invite_link().await;
        let involved = self.stranger().await;
        let joined = involved.post(&link, &[]).await;
        assert_eq!(joined.status, 303, "joining: {}", joined.body);
        assert_eq!(joined.location.as_deref(), Some("/space"));
        Couple { hurt, involved }
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
        let response = self
            .client
            .post(self.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("POST");
        Self::page(response).await
    }

    pub async fn register(&self) -> Page {
        let page = self
            .post(
                "/register",
                &[
                    ("email", &self.email),
                    ("password", PASSWORD),
                    ("password_confirm", PASSWORD),
                ],
            )
            .await;
        assert_eq!(page.status, 303, "registering: {}", page.body);
        page
    }

    pub async fn login(&self) -> Page {
        let page = self
            .post("/login", &[("email", &self.email), ("password", PASSWORD)])
            .await;
        assert!(
            page.status == 200 || page.status == 303,
            "logging in: {} {}",
            page.status,
            page.body
        );
        page
    }

    pub async fn create_space(&self, kind: &str, hurt: &str) {
        let page = self
            .post(
                "/space/new",
                &[
                    ("kind", kind),
                    ("hurt", hurt),
                    ("discovered_on", ""),
                    ("note", ""),
                    ("feel_safe", "yes"),
                ],
            )
            .await;
        assert_eq!(page.status, 303, "creating the space: {}", page.body);
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
