//! How long the 2 MB check-in body takes to be answered: `POST /checkin`
//! with about 190,000 `feelings` fields, through the real router (session
//! middleware, security headers, CSRF, the form's caps) on a temporary
//! SQLite store, as a signed-in partner with a space sends it. Once took
//! 18 s of CPU (issue 9); the goal is under 50 ms. See `bench/README.md`.

#[path = "../src/history.rs"]
#[allow(dead_code)] // shared with the page bench, which reads all of it
mod history;

use anyhow::{bail, Result};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use kintsugi_core::checkin::CheckInInput;
use kintsugi_store::MasterKey;
use kintsugi_web::app::config::WebConfig;
use kintsugi_web::AppState;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tower::ServiceExt;

/// As many `feelings` fields as the body that stalled the app held.
const FEELINGS: usize = 190_000;
const CSRF: &str = "benchcsrftokenbenchcsrftoken";
const GOAL: Duration = Duration::from_millis(50);

fn runs() -> Result<usize> {
    match std::env::var("KINTSUGI_BENCH_ITERATIONS") {
        Ok(raw) => match raw.parse::<usize>() {
            Ok(n) if n > 0 => Ok(n),
            _ => bail!("KINTSUGI_BENCH_ITERATIONS must be a positive number"),
        },
        Err(_) => Ok(50),
    }
}

/// The hostile body: the hidden two, then the same box ticked again and again.
fn hostile_body() -> Vec<u8> {
    let mut body = format!("csrf={CSRF}&submission=benchbenchbenchbench1234");
    for _ in 0..FEELINGS {
        body.push_str("&feelings=sad");
    }
    body.into_bytes()
}

/// Posts the body, with its length announced in `Content-Length` or not
/// (then the body is read only up to the form's cap), and returns the
/// status and the time to the answer.
async fn post(
    router: &Router,
    cookie: &str,
    body: &[u8],
    announced: bool,
) -> Result<(StatusCode, Duration)> {
    let mut request = Request::builder()
        .method("POST")
        .uri("/checkin")
        .header(header::COOKIE, cookie)
        .header(header::HOST, "bench.invalid")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .extension(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 9))));
    if announced {
        request = request.header(header::CONTENT_LENGTH, body.len());
    }
    let request = request.body(Body::from(body.to_vec()))?;
    let started = Instant::now();
    let response = router.clone().oneshot(request).await?;
    let status = response.status();
    axum::body::to_bytes(response.into_body(), usize::MAX).await?;
    Ok((status, started.elapsed()))
}

/// p50, p95 and the slowest of `times`.
fn summary(mut times: Vec<Duration>) -> (Duration, Duration, Duration) {
    times.sort_unstable();
    let at = |share: f64| times[((times.len() - 1) as f64 * share).round() as usize];
    (at(0.5), at(0.95), at(1.0))
}

fn ms(duration: Duration) -> String {
    format!("{:.3} ms", duration.as_secs_f64() * 1_000.0)
}

/// Prints one line of the table; with a goal, says whether every run met it.
fn report(what: &str, answer: &str, times: Vec<Duration>, goal: Option<Duration>) -> bool {
    let (p50, p95, slowest) = summary(times);
    let within = goal.is_none_or(|goal| slowest < goal);
    let verdict = match goal {
        Some(_) if within => "within the goal",
        Some(_) => "OVER THE GOAL",
        None => "",
    };
    println!(
        "{what:42} {answer:>22} {:>11} {:>11} {:>11}  {verdict}",
        ms(p50),
        ms(p95),
        ms(slowest),
    );
    within
}

#[tokio::main]
async fn main() -> Result<()> {
    let runs = runs()?;
    let dir = tempfile::tempdir()?;
    let key = MasterKey::load_or_create(&dir.path().join("master.key"))?;
    let url = format!("sqlite://{}", dir.path().join("kintsugi.db").display());
    let store = kintsugi_store::open(&url, key).await?;
    let (couple, streams) = history::generate(store.as_ref(), "1 day", 1, 1).await?;
    history::append(store.as_ref(), &streams).await?;
    let app = AppState::new(store, WebConfig::default());
    let router = kintsugi_web::app(app.clone());
    let session = kintsugi_web::auth::session::start(&app, couple.hurt, "bench".to_owned()).await?;
    let cookie = format!(
        "{}={}; kintsugi-csrf={CSRF}",
        session.name(),
        session.value()
    );

    let body = hostile_body();
    println!(
        "POST /checkin with {FEELINGS} `feelings` fields: {} bytes; {runs} runs each.\n",
        body.len()
    );
    println!(
        "{:42} {:>22} {:>11} {:>11} {:>11}",
        "", "answer", "p50", "p95", "slowest"
    );
    let mut all_within = true;
    for (what, announced) in [
        ("through the router, length announced", true),
        ("through the router, length not announced", false),
    ] {
        let mut times = Vec::with_capacity(runs);
        let mut answers = Vec::new();
        for _ in 0..runs {
            let (status, time) = post(&router, &cookie, &body, announced).await?;
            answers.push(status);
            times.push(time);
        }
        answers.dedup();
        let answer = match answers.as_slice() {
            [status] => status.to_string(),
            _ => bail!("{what}: answered {answers:?}"),
        };
        all_within &= report(what, &answer, times, Some(GOAL));
    }

    // Were the caps ever lifted: the one-pass parser on the whole body.
    let mut times = Vec::with_capacity(runs);
    let mut feelings = 0;
    for _ in 0..runs {
        let started = Instant::now();
        let pairs: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
        feelings = CheckInInput::from_form(&pairs).feelings.len();
        times.push(started.elapsed());
    }
    let answer = format!("{feelings} feelings kept");
    // Told, not held to the goal: the router never lets this body this far.
    report(
        "the check-in parser alone, every field",
        &answer,
        times,
        None,
    );

    if !all_within {
        bail!("slower than {} somewhere", ms(GOAL));
    }
    Ok(())
}
