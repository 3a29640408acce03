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
use kintsugi_core::kernel::snapshot::STATE_FORMAT;
use kintsugi_core::streams::couple::CoupleState;
use kintsugi_core::streams::private::PrivateState;
use kintsugi_store::{MasterKey, Store};
use kintsugi_web::app::config::WebConfig;
use kintsugi_web::projections::{ProjectionCache, SNAPSHOT_EVERY};
use kintsugi_web::AppState;
use std::net::SocketAddr;
use std::sync::Arc;
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

/// How many times each return is timed; the median is shown.
const RETURN_RUNS: usize = 11;

/// What a projection costs to come back into an empty cache: the couple's
/// record and the hurt partner's private stream, each read by a cache of
/// its own (a fresh instance's), `RETURN_RUNS` times; the medians, and
/// whether they came from a snapshot.
struct Return {
    couple: Duration,
    private: Duration,
    from_snapshots: bool,
}

async fn time_returns(store: &Arc<dyn Store>, couple: &BenchCouple) -> Result<Return> {
    let (mut couples, mut privates) = (Vec::new(), Vec::new());
    let mut restored = 0;
    for _ in 0..RETURN_RUNS {
        let cache = ProjectionCache::<CoupleState>::default();
        let started = Instant::now();
        drop(cache.read(store.as_ref(), &couple.couple_stream).await?);
        couples.push(started.elapsed());
        let cache_of_mine = ProjectionCache::<PrivateState>::default();
        let started = Instant::now();
        drop(
            cache_of_mine
                .read(store.as_ref(), &couple.hurt_stream)
                .await?,
        );
        privates.push(started.elapsed());
        restored += cache.restored() + cache_of_mine.restored();
    }
    Ok(Return {
        couple: summarise(couples, 0).p50,
        private: summarise(privates, 0).p50,
        from_snapshots: restored > 0,
    })
}

/// Waits (a few seconds at most) for the snapshot of each long stream of
/// `couple`, which the app writes from a task of its own: the bytes of
/// each found, `None` for a stream too short to have one.
async fn snapshots_written(
    store: &Arc<dyn Store>,
    couple: &BenchCouple,
) -> Result<[Option<usize>; 2]> {
    let long = SNAPSHOT_EVERY as usize;
    let streams = [
        (&couple.couple_stream, couple.couple_events),
        (&couple.hurt_stream, couple.hurt_events),
    ];
    let mut sizes = [None, None];
    for ((stream, events), size) in streams.into_iter().zip(&mut sizes) {
        if events < long {
            continue;
        }
        for _ in 0..500 {
            if let Some(snapshot) = store.load_snapshot(stream, STATE_FORMAT).await? {
                *size = Some(snapshot.state.len());
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        size.get_or_insert(0);
    }
    Ok(sizes)
}

/// The first request of each couple on a fresh app over the same store,
/// `RETURN_RUNS` times (a new app each time): the medians.
async fn fresh_first_requests(
    store: &Arc<dyn Store>,
    measured: &[Measured],
) -> Result<Vec<Duration>> {
    let mut times = vec![Vec::with_capacity(RETURN_RUNS); measured.len()];
    for _ in 0..RETURN_RUNS {
        let app = AppState::new(store.clone(), WebConfig::default());
        let router = kintsugi_web::app(app);
        for (i, m) in measured.iter().enumerate() {
            let started = Instant::now();
            get(&router, PAGES[0], &m.cookie).await?;
            times[i].push(started.elapsed());
        }
    }
    Ok(times.into_iter().map(|t| summarise(t, 0).p50).collect())
}

/// This process's resident memory now and at its peak, in MB, from
/// `/proc/self/status` (Linux); `None` elsewhere.
fn rss() -> Option<(f64, f64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb = |name: &str| -> Option<f64> {
        let line = status.lines().find(|line| line.starts_with(name))?;
        line.split_whitespace().nth(1)?.parse::<f64>().ok()
    };
    Some((kb("VmRSS:")? / 1024.0, kb("VmHWM:")? / 1024.0))
}

fn rss_line(when: &str) -> String {
    match rss() {
        Some((now, peak)) => format!("RSS {when}: {now:.1} MB (peak {peak:.1} MB)"),
        None => format!("RSS {when}: not known on this system"),
    }
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
    println!("… done in {}.", ms(started.elapsed()));
    println!("{}\n", rss_line("after generating"));

    // Each projection folded whole, before any snapshot exists.
    let mut folds = Vec::new();
    for couple in &couples {
        folds.push(time_returns(&store, couple).await?);
    }
    // A fresh app: its projection cache starts empty, as after a restart.
    let app = AppState::new(store.clone(), WebConfig::default());
    let router = kintsugi_web::app(app.clone());
    let mut results = Vec::new();
    for couple in couples {
        results.push(first_visit(&app, &router, couple).await?);
    }
    time_pages(&router, &mut results, runs).await?;
    save_pages(&router, &results).await?;
    println!("{}\n", rss_line("with every projection in memory"));
    let back = come_back(&store, &results, folds).await?;
    println!("{runs} requests per page, as the hurt partner; p50 / p95, body size.\n");
    for (r, back) in results.iter().zip(&back) {
        report(r, back);
    }
    println!("{}\n", rss_line("at the end"));
    ratios(&results);
    Ok(())
}

/// How one couple's projections come back into an empty cache: folded
/// whole, then (once the app wrote their snapshots) from the snapshots,
/// and a fresh app's first page.
struct CameBack {
    folded: Return,
    /// The bytes of the record's and the private stream's snapshots.
    written: [Option<usize>; 2],
    returned: Return,
    fresh_first: Duration,
}

/// The app wrote the long streams' snapshots as it folded them: each
/// projection comes back from them, and so does a fresh app's first page.
async fn come_back(
    store: &Arc<dyn Store>,
    results: &[Measured],
    folds: Vec<Return>,
) -> Result<Vec<CameBack>> {
    let fresh = fresh_first_requests(store, results).await?;
    let mut back = Vec::new();
    for ((r, folded), fresh_first) in results.iter().zip(folds).zip(fresh) {
        back.push(CameBack {
            folded,
            written: snapshots_written(store, &r.couple).await?,
            returned: time_returns(store, &r.couple).await?,
            fresh_first,
        });
    }
    Ok(back)
}

fn report(r: &Measured, back: &CameBack) {
    println!(
        "{:8} {} events in the couple stream, {} in the two private streams",
        r.couple.label, r.couple.couple_events, r.couple.private_events
    );
    println!(
        "         first request after start (folds the record): {}",
        ms(r.first)
    );
    let size =
        |bytes: Option<usize>| bytes.map_or("none".to_owned(), |b| format!("{} KB", b / 1024));
    let how = match (back.written, back.returned.from_snapshots) {
        ([None, None], _) => "no snapshot: too few events for one".to_owned(),
        ([couple, private], true) => {
            format!("from snapshots of {} + {}", size(couple), size(private))
        }
        (_, false) => "snapshots written but not used".to_owned(),
    };
    println!("         projections back (median of {RETURN_RUNS}), record + own private stream:");
    let (folded, returned) = (&back.folded, &back.returned);
    println!(
        "           folded whole         {:>10} + {:>10}",
        ms(folded.couple),
        ms(folded.private)
    );
    println!(
        "           returned             {:>10} + {:>10}  ({how})",
        ms(returned.couple),
        ms(returned.private)
    );
    println!(
        "         first request on a fresh app after snapshots: {}",
        ms(back.fresh_first)
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

fn ratios(results: &[Measured]) {
    if let [week, year, five] = results {
        for (label, base) in [("1 week", week), ("1 year", year)] {
            println!("Ratio 5 years / {label} (p50):");
            for (i, path) in PAGES.iter().enumerate() {
                let ratio = five.pages[i].p50.as_secs_f64() / base.pages[i].p50.as_secs_f64();
                println!("         GET {path:28} {ratio:>6.2}×");
            }
        }
    }
}
