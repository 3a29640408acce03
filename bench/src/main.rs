//! How long Today and Progress take to render for a couple one week in and
//! for a couple five years in, through the real router (session middleware,
//! projection cache, templates, charts) on a temporary SQLite store.
//!
//! Projections are cached per stream and caught up by reading only new
//! events, so once a couple's record has been folded, a page should cost
//! about the same whatever the length of its history. This prints both
//! times and their ratio. `http` runs the HTTP load bench instead
//! (`http/mod.rs`). See `bench/README.md`.

mod history;
mod http;

use anyhow::{bail, Context, Result};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use clap::{Parser, Subcommand};
use history::BenchCouple;
use kintsugi_store::MasterKey;
use kintsugi_web::app::config::WebConfig;
use kintsugi_web::AppState;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tower::ServiceExt;

/// The pages measured, as the hurt partner of each couple sees them.
const PAGES: [&str; 3] = ["/", "/progress", "/progress?days=90&span=all"];

struct Timing {
    p50: Duration,
    p95: Duration,
    bytes: usize,
}

struct Measured {
    couple: BenchCouple,
    cookie: String,
    first: Duration,
    pages: Vec<Timing>,
}

fn iterations() -> Result<usize> {
    match std::env::var("KINTSUGI_BENCH_ITERATIONS") {
        Ok(raw) => raw
            .parse::<usize>()
            .ok()
            .filter(|n| *n > 0)
            .context("KINTSUGI_BENCH_ITERATIONS must be a positive number"),
        Err(_) => Ok(200),
    }
}

async fn get(router: &Router, path: &str, cookie: &str) -> Result<usize> {
    get_body(router, path, cookie).await.map(|body| body.len())
}

async fn get_body(router: &Router, path: &str, cookie: &str) -> Result<axum::body::Bytes> {
    let request = Request::builder()
        .uri(path)
        .header(header::COOKIE, cookie)
        .header(header::HOST, "bench.invalid")
        .extension(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 9))))
        .body(Body::empty())?;
    let response = router.clone().oneshot(request).await?;
    if response.status() != StatusCode::OK {
        bail!("GET {path} answered {}", response.status());
    }
    Ok(axum::body::to_bytes(response.into_body(), usize::MAX).await?)
}

/// With `KINTSUGI_BENCH_SAVE=DIR`, writes each page as the last couple saw
/// it, to look at what was measured.
async fn save_pages(router: &Router, measured: &[Measured]) -> Result<()> {
    let Ok(dir) = std::env::var("KINTSUGI_BENCH_SAVE") else {
        return Ok(());
    };
    for m in measured {
        for (i, path) in PAGES.iter().enumerate() {
            let body = get_body(router, path, &m.cookie).await?;
            let name = format!("{}-{i}.html", m.couple.label.replace(' ', "-"));
            std::fs::write(std::path::Path::new(&dir).join(name), &body)?;
        }
    }
    Ok(())
}

fn summarise(mut times: Vec<Duration>, bytes: usize) -> Timing {
    times.sort_unstable();
    let at = |share: f64| times[((times.len() - 1) as f64 * share).round() as usize];
    Timing {
        p50: at(0.5),
        p95: at(0.95),
        bytes,
    }
}

/// Starts a session for the couple's hurt partner and times the first
/// request, which folds the record from the store.
async fn first_visit(app: &AppState, router: &Router, couple: BenchCouple) -> Result<Measured> {
    let cookie = kintsugi_web::auth::session::start(app, couple.hurt, "bench".to_owned()).await?;
    let cookie = format!("{}={}", cookie.name(), cookie.value());
    let started = Instant::now();
    get(router, PAGES[0], &cookie).await?;
    Ok(Measured {
        couple,
        cookie,
        first: started.elapsed(),
        pages: Vec::with_capacity(PAGES.len()),
    })
}

/// Times every page for every couple, taking turns between the couples so
/// that a busy moment on the machine weighs on all of them alike.
async fn time_pages(router: &Router, measured: &mut [Measured], runs: usize) -> Result<()> {
    for path in PAGES {
        let mut times = vec![Vec::with_capacity(runs); measured.len()];
        let mut bytes = vec![0; measured.len()];
        for _ in 0..runs {
            for (i, m) in measured.iter().enumerate() {
                let started = Instant::now();
                bytes[i] = get(router, path, &m.cookie).await?;
                times[i].push(started.elapsed());
            }
        }
        for ((m, times), bytes) in measured.iter_mut().zip(times).zip(bytes) {
            m.pages.push(summarise(times, bytes));
        }
    }
    Ok(())
}

fn ms(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1_000.0)
}

#[derive(Parser)]
#[command(about = "Kintsugi's benchmarks; see bench/README.md.")]
struct Cli {
    #[command(subcommand)]
    bench: Option<Bench>,
}

#[derive(Subcommand)]
enum Bench {
    /// Today and Progress through the router, one week against five years
    /// of history (the default).
    Pages,
    /// The release `kintsugi serve` and a bare axum server under wrk over
    /// loopback: Today, durable check-ins, SQLite's commit rate, verify.
    Http {
        /// Two instances behind a PostgreSQL database made for the run
        /// (`KINTSUGI_BENCH_POSTGRES_URL`), instead of SQLite.
        #[arg(long)]
        postgres: bool,
    },
    /// The release `kintsugi serve` on SQLite under Today and check-ins
    /// from 50 couples for `KINTSUGI_SOAK_MINUTES` (10): no 5xx, memory
    /// steady, every acknowledged write kept, verify intact.
    Soak,
}

#[tokio::main]
async fn main() -> Result<()> {
    match Cli::parse().bench {
        None | Some(Bench::Pages) => pages().await,
        Some(Bench::Http { postgres }) => http::run(postgres).await,
        Some(Bench::Soak) => http::soak::run().await,
    }
}

async fn pages() -> Result<()> {
    let runs = iterations()?;
    let dir = tempfile::tempdir()?;
    let key = MasterKey::load_or_create(&dir.path().join("master.key"))?;
    let url = format!("sqlite://{}", dir.path().join("kintsugi.db").display());
    let store = kintsugi_store::open(&url, key).await?;

    println!("Generating histories into {} …", dir.path().display());
    let started = Instant::now();
    let mut couples = Vec::new();
    for (label, days, seed) in [
        ("1 week", 7, 7),
        ("1 year", 365, 365),
        ("5 years", 5 * 365 + 1, 1826),
    ] {
        let (couple, streams) = history::generate(store.as_ref(), label, days, seed).await?;
        history::append(store.as_ref(), &streams).await?;
        couples.push(couple);
    }
    println!("… done in {}.\n", ms(started.elapsed()));

    // A fresh app: its projection cache starts empty, as after a restart.
    let app = AppState::new(store, WebConfig::default());
    let router = kintsugi_web::app(app.clone());
    let mut results = Vec::new();
    for couple in couples {
        results.push(first_visit(&app, &router, couple).await?);
    }
    time_pages(&router, &mut results, runs).await?;
    save_pages(&router, &results).await?;

    println!("{runs} requests per page, as the hurt partner; p50 / p95, body size.\n");
    for r in &results {
        println!(
            "{:8} {} events in the couple stream, {} in the two private streams",
            r.couple.label, r.couple.couple_events, r.couple.private_events
        );
        println!(
            "         first request after start (folds the record): {}",
            ms(r.first)
        );
        for (path, t) in PAGES.iter().zip(&r.pages) {
            println!(
                "         GET {path:28} {:>10} / {:>10}  {:>4} KB",
                ms(t.p50),
                ms(t.p95),
                t.bytes / 1024
            );
        }
        println!();
    }
    if let [week, year, five] = results.as_slice() {
        for (label, base) in [("1 week", week), ("1 year", year)] {
            println!("Ratio 5 years / {label} (p50):");
            for (i, path) in PAGES.iter().enumerate() {
                let ratio = five.pages[i].p50.as_secs_f64() / base.pages[i].p50.as_secs_f64();
                println!("         GET {path:28} {ratio:>6.2}×");
            }
        }
    }
    Ok(())
}
