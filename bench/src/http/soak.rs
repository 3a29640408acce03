//! The soak (issue 15): one `kintsugi serve` on SQLite under reads and
//! writes mixed from 50 couples, minute after minute, for
//! `KINTSUGI_SOAK_MINUTES` (10). Each minute a Today run and a check-in run
//! go side by side, 16 connections each, as fast as the app answers or, with
//! `KINTSUGI_SOAK_CHECK_INS_PER_MINUTE`, at the pace of couples' habits
//! (each couple that many check-ins a minute, four times as many looks at
//! Today); after each minute the app's
//! resident memory is read from `/proc`. It passes with no answer of 5xx,
//! the memory at the end within 10 % of its value after the first minute,
//! every acknowledged check-in in the record, and `verify` intact.

use super::{accounted, backend, couples, positive, server, start, written, wrk, SHARED};
use anyhow::{bail, Context, Result};
use std::path::Path;
use std::time::Duration;
use wrk::Run;

/// Couples under load, each with one signed-in partner.
const COUPLES: usize = 50;
/// How far the memory at the end may stray from that after the first minute.
const RSS_TOLERANCE: f64 = 0.10;

/// What one minute measured.
struct Minute {
    today: Run,
    check_ins: Run,
    rss_kib: u64,
}

/// The resident memory of process `pid`, in KiB, from `/proc`.
fn rss_kib(pid: u32) -> Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .with_context(|| format!("reading the memory of process {pid}"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
        .context("no VmRSS line in /proc/PID/status")
}

/// Answers of 5xx in `run`.
fn server_errors(run: &Run) -> u64 {
    run.statuses
        .iter()
        .filter(|(status, _)| status.starts_with('5'))
        .map(|(_, n)| n)
        .sum()
}

/// Whether the memory at the end stayed within the tolerance of the first
/// minute's.
fn memory_steady(first_kib: u64, last_kib: u64) -> bool {
    let first = first_kib as f64;
    (last_kib as f64 - first).abs() <= first * RSS_TOLERANCE
}

/// How often each couple checks in and opens Today, per minute; `None`
/// for as fast as the app answers.
#[derive(Debug, Clone, Copy)]
struct Pace {
    check_ins: u64,
    todays: u64,
}

/// `KINTSUGI_SOAK_CHECK_INS_PER_MINUTE`: each couple's check-ins a minute
/// (and four times as many looks at Today); unset, as fast as it goes.
fn pace() -> Result<Option<Pace>> {
    const NAME: &str = "KINTSUGI_SOAK_CHECK_INS_PER_MINUTE";
    if std::env::var_os(NAME).is_none() {
        return Ok(None);
    }
    let check_ins = positive(NAME, 1)?;
    Ok(Some(Pace {
        check_ins,
        todays: check_ins * 4,
    }))
}

/// `script` with a wait before each request, so that `connections` of it
/// send `per_minute` requests a minute for each couple between them.
fn paced(script: String, connections: usize, per_minute: u64) -> String {
    let per_second = (COUPLES as f64 * per_minute as f64 / 60.0).max(0.001);
    let wait_ms = (connections as f64 * 1_000.0 / per_second).round();
    format!("{script}\nfunction delay()\n  return {wait_ms}\nend\n")
}

/// A Today run and a check-in run side by side for one minute.
async fn one_minute(
    app: std::net::SocketAddr,
    sessions: &[couples::Session],
    (dir, pace): (&Path, Option<Pace>),
    minute: u64,
) -> Result<(Run, Run)> {
    let half = wrk::CONNECTIONS / 2;
    let duration = Duration::from_secs(60);
    let mut today = wrk::today_script(app, sessions);
    let mut posts = wrk::check_in_script(app, sessions, &format!("soak{minute}"));
    if let Some(pace) = pace {
        today = paced(today, half, pace.todays);
        posts = paced(posts, half, pace.check_ins);
    }
    let today_file = dir.join(format!("soak-{minute}-today.lua"));
    let posts_file = dir.join(format!("soak-{minute}-posts.lua"));
    let reads =
        tokio::task::spawn_blocking(move || wrk::run(app, half, &today, &today_file, duration));
    let writes =
        tokio::task::spawn_blocking(move || wrk::run(app, half, &posts, &posts_file, duration));
    Ok((reads.await??, writes.await??))
}

pub async fn run() -> Result<()> {
    wrk::ensure_installed()?;
    let bin = server::binary()?;
    let minutes = positive("KINTSUGI_SOAK_MINUTES", 10)?;
    let pace = pace()?;
    let dir = tempfile::tempdir()?;
    let backend = backend::Backend::sqlite(dir.path())?;
    let couples = couples::prepare(&backend.url, &backend.key_file, COUPLES).await?;
    let (mut apps, sessions) = start(&bin, &backend, dir.path(), &couples).await?;
    let app = apps.first().context("one instance")?;
    let (address, pid) = (app.address, app.pid());
    let paced_at = match pace {
        Some(pace) => format!(
            "each couple checking in {} times a minute and opening Today {} times",
            pace.check_ins, pace.todays
        ),
        None => "as fast as the app answers".to_owned(),
    };
    println!(
        "soak: SQLite behind one kintsugi serve at {address}, {COUPLES} couples signed in, \
         {minutes} minutes of Today and check-ins side by side ({} connections each), \
         {paced_at}.\n",
        wrk::CONNECTIONS / 2
    );
    let mut log = Vec::new();
    for minute in 1..=minutes {
        let (today, check_ins) = one_minute(address, &sessions, (dir.path(), pace), minute).await?;
        let rss = rss_kib(pid)?;
        println!(
            "  minute {minute:>2}  Today {:>7.0} req/s p99 {:>7.2} ms   check-ins {:>6.0} req/s \
             p99 {:>7.2} ms   5xx {:>3}   RSS {:>6.1} MB",
            today.per_second(),
            today.p99_ms,
            check_ins.per_second(),
            check_ins.p99_ms,
            server_errors(&today) + server_errors(&check_ins),
            rss as f64 / 1024.0,
        );
        log.push(Minute {
            today,
            check_ins,
            rss_kib: rss,
        });
    }
    for app in &mut apps {
        app.stop()?;
    }
    judge(&bin, &backend, &couples, &log).await
}

/// The soak's verdict, printed and returned.
async fn judge(
    bin: &Path,
    backend: &backend::Backend,
    couples: &[couples::Prepared],
    log: &[Minute],
) -> Result<()> {
    let errors: u64 = log
        .iter()
        .map(|m| server_errors(&m.today) + server_errors(&m.check_ins))
        .sum();
    let (first, last) = match (log.first(), log.last()) {
        (Some(first), Some(last)) => (first.rss_kib, last.rss_kib),
        _ => bail!("the soak ran no minute"),
    };
    // The check made before the load was acknowledged too.
    let acknowledged = 1 + log
        .iter()
        .map(|m| m.check_ins.answered(SHARED))
        .sum::<u64>();
    let written = written(&backend.url, &backend.key_file, couples).await?;
    let in_flight = (wrk::CONNECTIONS / 2 * log.len()) as u64;
    let accounted = accounted(acknowledged, written, in_flight);
    let verified = server::verify(bin, &backend.flags)?;
    let steady = memory_steady(first, last);
    println!("\n  answers of 5xx                {errors:>9}");
    println!(
        "  RSS after minute 1, at the end {:>8.1} MB, {:.1} MB ({})",
        first as f64 / 1024.0,
        last as f64 / 1024.0,
        if steady {
            "within 10 %"
        } else {
            "MORE than 10 % apart"
        }
    );
    let verdict = match &accounted {
        Ok(verdict) | Err(verdict) => verdict,
    };
    println!("  acknowledged check-ins        {acknowledged:>9}   found: {written} ({verdict})");
    println!(
        "  kintsugi verify               {}",
        if verified.0 { "intact" } else { "BROKEN" }
    );
    if errors > 0 || !steady || accounted.is_err() || !verified.0 {
        bail!("the soak failed: see above");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paced_script_waits_so_its_connections_keep_the_rate() {
        // 50 couples, 6 a minute each: 5 a second; 16 connections, 3.2 s apart.
        let script = paced("request = nil".into(), 16, 6);
        assert!(script.starts_with("request = nil\n"));
        assert!(
            script.contains("function delay()\n  return 3200\nend"),
            "{script}"
        );
    }

    #[test]
    fn memory_is_steady_within_a_tenth_either_way() {
        assert!(memory_steady(100_000, 110_000));
        assert!(memory_steady(100_000, 90_000));
        assert!(!memory_steady(100_000, 110_001));
        assert!(!memory_steady(100_000, 89_999));
    }

    #[test]
    fn only_answers_of_5xx_count_as_server_errors() {
        let mut run = Run::default();
        run.statuses.insert("200".into(), 10);
        run.statuses.insert("422".into(), 2);
        run.statuses.insert("500".into(), 1);
        run.statuses.insert("503".into(), 3);
        assert_eq!(server_errors(&run), 4);
    }
}
