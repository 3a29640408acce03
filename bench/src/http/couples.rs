//! The 32 couples under load: made in the store with the domain's own
//! commands (a week of history each, as the page bench makes them), then
//! each hurt partner signs in through the real forms over HTTP, so the
//! session and CSRF cookies are the app's own.

use super::client::{self, form_body, Jar};
use crate::history;
use anyhow::{anyhow, bail, Context, Result};
use kintsugi_store::{MasterKey, Store};
use kintsugi_web::auth::session::CookieNames;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

/// The one password of every person the bench makes.
const PASSWORD: &str = "a bench password, long enough";
/// Days of history each couple starts with.
const DAYS: u32 = 7;

/// A couple made for the load, before anyone signed in.
pub struct Prepared {
    pub email: String,
    /// The couple stream's id, and its head before the load.
    pub stream: String,
    pub events_before: u64,
}

/// A signed-in partner: the `Cookie` header a browser would send, and the
/// CSRF token its forms carry.
#[derive(Clone)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

/// Makes `count` couples in the store at `url` (SQLite or PostgreSQL) and
/// gives each hurt partner a password.
pub async fn prepare(url: &str, key_file: &Path, count: usize) -> Result<Vec<Prepared>> {
    let key = MasterKey::load_or_create(key_file)?;
    let store: Arc<dyn Store> = kintsugi_store::open(url, key).await?;
    let hash = kintsugi_web::auth::password::hash(PASSWORD.to_owned())
        .await
        .map_err(|e| anyhow!("hashing the bench password: {e:?}"))?;
    let mut made = Vec::with_capacity(count);
    for seed in 1..=count as u64 {
        let (couple, streams) = history::generate(store.as_ref(), "1 week", DAYS, seed).await?;
        history::append(store.as_ref(), &streams).await?;
        store.set_password_hash(couple.hurt.0, &hash).await?;
        let stream = streams
            .first()
            .map(|(id, _)| id.clone())
            .context("a couple without its stream")?;
        made.push(Prepared {
            email: format!("hurt-{}@bench.invalid", couple.hurt.0),
            events_before: couple.couple_events as u64,
            stream,
        });
    }
    Ok(made)
}

/// Signs `email` in as a browser would: the sign-in page (which hands out
/// the CSRF cookie), the form, then Today, which must answer 200.
pub async fn sign_in(address: SocketAddr, email: &str) -> Result<Session> {
    let names = CookieNames::new(false);
    let mut jar = Jar::default();
    let page = client::send(address, "GET", "/login", "", None).await?;
    jar.take(&page);
    let csrf = jar
        .get(names.csrf)
        .context("the sign-in page set no CSRF cookie")?
        .to_owned();
    let body = form_body(&[
        ("csrf", &csrf),
        ("email", email),
        ("password", PASSWORD),
        ("invite", ""),
    ]);
    let answer = client::send(address, "POST", "/login", &jar.header(), Some(&body)).await?;
    jar.take(&answer);
    if answer.status != 303 || jar.get(names.session).is_none() {
        bail!("signing in answered {} without a session", answer.status);
    }
    let csrf = jar
        .get(names.csrf)
        .context("no CSRF cookie after signing in")?
        .to_owned();
    let today = client::send(address, "GET", "/", &jar.header(), None).await?;
    if today.status != 200 {
        bail!("Today answered {} to a fresh session", today.status);
    }
    Ok(Session {
        cookie: jar.header(),
        csrf,
    })
}

/// The check-in the load posts: one feeling, shared with the partner, so
/// it lands in the couple stream.
pub const CHECK_IN_FIELDS: &str = "feelings=sad&intensity_sad=3&note=&visibility=partner";

/// Posts one check-in the way the load will, to be sure the form is
/// accepted (303 to the shared check-ins) before `wrk` sends thousands.
pub async fn check_one_post(address: SocketAddr, session: &Session) -> Result<()> {
    let body = format!(
        "csrf={}&submission=benchsanitycheck0001&{CHECK_IN_FIELDS}",
        encoded(&session.csrf)
    );
    let answer = client::send(address, "POST", "/checkin", &session.cookie, Some(&body)).await?;
    match (answer.status, answer.location.as_deref()) {
        (303, Some("/checkin?done=shared")) => Ok(()),
        (status, location) => {
            bail!("a check-in answered {status} (to {location:?}), not 303 to the shared list")
        }
    }
}

/// A value URL-encoded for a form body.
pub fn encoded(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}
