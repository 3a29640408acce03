//! The HTTP load bench (issue 15): the real `kintsugi serve` over a real
//! socket, beside a bare axum handler, both driven by `wrk` in interleaved
//! runs; then the commit rate of a plain SQLite file on the same disk, and
//! `kintsugi verify` on what the load wrote. See `bench/README.md`.

mod backend;
mod client;
mod couples;
mod fsync;
mod server;
pub mod soak;
mod wrk;

use anyhow::{bail, Context, Result};
use couples::{Prepared, Session};
use kintsugi_store::MasterKey;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;
use wrk::Run;

/// Couples under load, each with one signed-in partner.
const COUPLES: usize = 32;
/// Where an accepted shared check-in leads.
const SHARED: &str = "303 /checkin?done=shared";

struct Settings {
    seconds: u64,
    rounds: usize,
    fsync_seconds: u64,
}

fn positive(name: &str, default: u64) -> Result<u64> {
    match std::env::var(name) {
        Ok(raw) => raw
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|n| *n > 0)
            .with_context(|| format!("{name} must be a positive whole number")),
        Err(_) => Ok(default),
    }
}

impl Settings {
    fn from_env() -> Result<Self> {
        Ok(Settings {
            seconds: positive("KINTSUGI_BENCH_SECONDS", 10)?,
            rounds: positive("KINTSUGI_BENCH_ROUNDS", 3)? as usize,
            fsync_seconds: positive("KINTSUGI_BENCH_FSYNC_SECONDS", 2)?,
        })
    }
}

/// What the interleaved runs measured, run by run.
#[derive(Default)]
struct Load {
    /// Bare axum under `wrk` with no hook per request: the client's ceiling.
    plain: Run,
    bare: Vec<Run>,
    today: Vec<Run>,
    check_ins: Vec<Run>,
    fsync: Vec<f64>,
}

/// The runs one round takes, in order.
#[derive(Clone, Copy)]
enum Kind {
    BarePlain,
    Bare,
    Today,
    CheckIn,
}

const ROUND: [Kind; 4] = [Kind::Bare, Kind::Today, Kind::Bare, Kind::CheckIn];

struct Targets<'a> {
    /// Every instance of the app; the load is split evenly between them.
    apps: Vec<SocketAddr>,
    bare: SocketAddr,
    sessions: &'a [Session],
    scripts: PathBuf,
}

impl Targets<'_> {
    /// One `wrk` per target, side by side, off the async threads (the bare
    /// server runs on them), the connections split between them.
    async fn run(&self, kind: Kind, tag: &str, seconds: u64) -> Result<Run> {
        let targets = match kind {
            Kind::BarePlain | Kind::Bare => vec![self.bare],
            Kind::Today | Kind::CheckIn => self.apps.clone(),
        };
        let connections = wrk::CONNECTIONS / targets.len();
        let duration = Duration::from_secs(seconds);
        let mut runs = Vec::new();
        for (n, target) in targets.into_iter().enumerate() {
            let script = match kind {
                Kind::BarePlain => wrk::plain_script(),
                Kind::Bare | Kind::Today => wrk::today_script(target, self.sessions),
                Kind::CheckIn => wrk::check_in_script(target, self.sessions, &format!("{tag}i{n}")),
            };
            let file = self.scripts.join(format!("{tag}-{n}.lua"));
            runs.push(tokio::task::spawn_blocking(move || {
                wrk::run(target, connections, &script, &file, duration)
            }));
        }
        let mut done = Vec::with_capacity(runs.len());
        for run in runs {
            done.push(run.await??);
        }
        Ok(Run::together(done))
    }
}

fn line(when: &str, what: &str, run: &Run) {
    let statuses: Vec<String> = run
        .statuses
        .iter()
        .map(|(status, n)| format!("{n} × {status}"))
        .collect();
    println!(
        "  {when:8} {what:27} {:>9.0} req/s   p50 {:>6.2} ms   p99 {:>6.2} ms   {}",
        run.per_second(),
        run.p50_ms,
        run.p99_ms,
        statuses.join(", ")
    );
}

/// Round after round: bare, Today, bare, check-ins, then the fsync rate.
async fn drive(targets: &Targets<'_>, settings: &Settings, fsync_file: &Path) -> Result<Load> {
    // Folds every couple's record into the app's cache, as any first visit does.
    targets.run(Kind::Today, "warm", 2).await?;
    let mut load = Load {
        plain: targets
            .run(Kind::BarePlain, "plain", settings.seconds)
            .await?,
        ..Load::default()
    };
    line("first", "bare axum  GET /, plain wrk", &load.plain);
    for round in 1..=settings.rounds {
        for (i, kind) in ROUND.iter().enumerate() {
            let tag = format!("r{round}x{i}");
            let run = targets.run(*kind, &tag, settings.seconds).await?;
            match kind {
                Kind::BarePlain | Kind::Bare => {
                    line(&format!("round {round}"), "bare axum  GET /", &run);
                    load.bare.push(run);
                }
                Kind::Today => {
                    line(&format!("round {round}"), "kintsugi   GET / (Today)", &run);
                    load.today.push(run);
                }
                Kind::CheckIn => {
                    line(&format!("round {round}"), "kintsugi   POST /checkin", &run);
                    load.check_ins.push(run);
                }
            }
        }
        let rate =
            fsync::commits_per_second(fsync_file, Duration::from_secs(settings.fsync_seconds))
                .await?;
        println!("  round {round:<2} plain SQLite commits        {rate:>9.0} /s");
        load.fsync.push(rate);
    }
    Ok(load)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => 0.0,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// Check-ins found in the couple streams beyond those made before the load.
async fn written(url: &str, key_file: &Path, couples: &[Prepared]) -> Result<u64> {
    let store = kintsugi_store::open(url, MasterKey::load(key_file)?).await?;
    let mut written = 0;
    for couple in couples {
        let head = store.head(&couple.stream).await?.map_or(0, |h| h.seq);
        written += head.saturating_sub(couple.events_before);
    }
    Ok(written)
}

/// Whether the check-ins found in the record are those acknowledged: none
/// missing, and no more than the answers `wrk` stopped waiting for when a
/// run ended (`in_flight`, one per connection and run) could explain.
fn accounted(acknowledged: u64, written: u64, in_flight: u64) -> Result<String, String> {
    if written < acknowledged {
        Err(format!("{} LOST", acknowledged - written))
    } else if written - acknowledged > in_flight {
        Err(format!(
            "{} MORE than the {in_flight} answers that could have been in flight: written twice?",
            written - acknowledged
        ))
    } else {
        Ok(format!(
            "none lost; {} more were written while wrk stopped waiting, of {in_flight} that could be",
            written - acknowledged
        ))
    }
}

/// Each round's ratios, measured side by side: Today and check-ins
/// against the mean of the round's two bare runs, check-ins against the
/// round's SQLite commit rate. Medians of these are steadier than ratios
/// of medians when other work on the machine comes and goes.
struct Ratios {
    today: f64,
    check_ins: f64,
    to_fsync: f64,
}

impl Ratios {
    fn of(load: &Load) -> Ratios {
        let (mut today, mut check_ins, mut to_fsync) = (Vec::new(), Vec::new(), Vec::new());
        for (round, (t, c)) in load.today.iter().zip(&load.check_ins).enumerate() {
            let bare: f64 = load.bare[2 * round..2 * round + 2]
                .iter()
                .map(Run::per_second)
                .sum::<f64>()
                / 2.0;
            today.push(t.per_second() / bare);
            check_ins.push(c.per_second() / bare);
            to_fsync.push(c.per_second() / load.fsync[round]);
        }
        Ratios {
            today: median(today),
            check_ins: median(check_ins),
            to_fsync: median(to_fsync),
        }
    }
}

fn summary(
    load: &Load,
    acknowledged: u64,
    written: u64,
    accounted: &Result<String, String>,
    verified: &(bool, String),
) {
    let bare = median(load.bare.iter().map(Run::per_second).collect());
    let today = median(load.today.iter().map(Run::per_second).collect());
    let today_p99 = median(load.today.iter().map(|r| r.p99_ms).collect());
    let posts = median(load.check_ins.iter().map(Run::per_second).collect());
    let posts_p99 = median(load.check_ins.iter().map(|r| r.p99_ms).collect());
    let fsync = median(load.fsync.clone());
    let ratios = Ratios::of(load);
    let today_failed: u64 = load.today.iter().map(Run::failed).sum();
    let posts_failed: u64 = load.check_ins.iter().map(Run::failed).sum();
    let posts_other: u64 = load
        .check_ins
        .iter()
        .map(|r| r.requests.saturating_sub(r.answered(SHARED) + r.failed()))
        .sum();
    let socket_errors: u64 = [&load.bare, &load.today, &load.check_ins]
        .iter()
        .flat_map(|runs| runs.iter())
        .map(|r| r.socket_errors)
        .sum();
    println!(
        "\nMedians of {} rounds (a ratio: the median of each round's own):",
        load.today.len()
    );
    println!(
        "  bare axum GET /, plain wrk      {:>9.0} req/s   (wrk without a hook per request: \
         the client's own ceiling)",
        load.plain.per_second()
    );
    println!("  bare axum GET /                 {bare:>9.0} req/s   (the Today script: the ceiling below)");
    println!(
        "  Today GET /                     {today:>9.0} req/s   p99 {today_p99:.2} ms   \
         {:.1} % of bare   ({today_failed} not 2xx/3xx)",
        100.0 * ratios.today
    );
    println!(
        "  shared check-in POST /checkin   {posts:>9.0} req/s   p99 {posts_p99:.2} ms   \
         {:.1} % of bare   ({posts_failed} not 2xx/3xx, {posts_other} other redirects)",
        100.0 * ratios.check_ins
    );
    println!("  plain SQLite, one commit each   {fsync:>9.0} commits/s (WAL, synchronous=FULL)");
    println!(
        "  check-ins / SQLite commits      {:>9.2} ×",
        ratios.to_fsync
    );
    println!("  socket errors and timeouts      {socket_errors:>9}");
    let verdict = match &accounted {
        Ok(verdict) | Err(verdict) => verdict,
    };
    println!(
        "  acknowledged check-ins          {acknowledged:>9}   found in the couple streams: \
         {written} ({verdict})"
    );
    println!(
        "  kintsugi verify                 {}",
        if verified.0 { "intact" } else { "BROKEN" }
    );
    println!("    {}", verified.1.replace('\n', "\n    "));
}

/// Starts every instance and signs one partner of each couple in (on the
/// instances in turn); checks that one check-in is accepted.
pub(super) async fn start(
    bin: &Path,
    backend: &backend::Backend,
    dir: &Path,
    couples: &[Prepared],
) -> Result<(Vec<server::App>, Vec<Session>)> {
    let mut apps = Vec::with_capacity(backend.instances);
    for n in 0..backend.instances {
        let log = dir.join(format!("kintsugi-{n}.log"));
        apps.push(server::start_app(bin, &backend.flags, &log)?);
    }
    let mut sessions = Vec::with_capacity(couples.len());
    for (n, couple) in couples.iter().enumerate() {
        let app = &apps[n % apps.len()];
        sessions.push(couples::sign_in(app.address, &couple.email).await?);
    }
    couples::check_one_post(apps[apps.len() - 1].address, &sessions[0]).await?;
    Ok((apps, sessions))
}

/// Runs the bench on SQLite (one instance), or on PostgreSQL (two).
pub async fn run(postgres: bool) -> Result<()> {
    wrk::ensure_installed()?;
    let bin = server::binary()?;
    let settings = Settings::from_env()?;
    let dir = tempfile::tempdir()?;
    let backend = if postgres {
        backend::Backend::postgres(dir.path()).await?
    } else {
        backend::Backend::sqlite(dir.path())?
    };
    let outcome = measure(&bin, &backend, &settings, dir.path()).await;
    backend.clean_up().await?;
    outcome
}

async fn measure(
    bin: &Path,
    backend: &backend::Backend,
    settings: &Settings,
    dir: &Path,
) -> Result<()> {
    println!(
        "kintsugi: {}
in {}",
        bin.display(),
        dir.display()
    );
    let couples = couples::prepare(&backend.url, &backend.key_file, COUPLES).await?;
    let (mut apps, sessions) = start(bin, backend, dir, &couples).await?;
    let bare = server::start_bare().await?;
    let addresses: Vec<SocketAddr> = apps.iter().map(|app| app.address).collect();
    println!(
        "{} behind {} kintsugi serve at {addresses:?}, bare axum at {bare}; \
         {COUPLES} couples signed in.\n\
         wrk: 1 thread, {} connections, {} s a run, {} rounds.\n",
        backend.name(),
        apps.len(),
        wrk::CONNECTIONS,
        settings.seconds,
        settings.rounds
    );
    let targets = Targets {
        apps: addresses,
        bare,
        sessions: &sessions,
        scripts: dir.to_owned(),
    };
    let load = drive(&targets, settings, &dir.join("fsync.db")).await?;
    for app in &mut apps {
        app.stop()?;
    }

    // The check made before the load was acknowledged too.
    let acknowledged = 1 + load
        .check_ins
        .iter()
        .map(|r| r.answered(SHARED))
        .sum::<u64>();
    let written = written(&backend.url, &backend.key_file, &couples).await?;
    let verified = server::verify(bin, &backend.flags)?;
    let in_flight = (wrk::CONNECTIONS * load.check_ins.len()) as u64;
    let accounted = accounted(acknowledged, written, in_flight);
    summary(&load, acknowledged, written, &accounted, &verified);
    if accounted.is_err() || !verified.0 {
        bail!("the check-ins written are not those acknowledged, or verify failed");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_acknowledged_check_in_is_found_and_no_more_than_were_in_flight() {
        assert!(accounted(100, 100, 64).is_ok());
        assert!(accounted(100, 164, 64).is_ok());
        assert_eq!(accounted(100, 99, 64), Err("1 LOST".to_owned()));
        assert!(accounted(100, 165, 64).is_err_and(|e| e.starts_with("65 MORE")));
    }
}
