//! Drives a server with `wrk` (1 thread, 32 connections) and a Lua script
//! written for the run: each request picks one of the signed-in partners
//! and, for a check-in, carries a submission key used nowhere else. The
//! script counts the answers by status and prints one line `wrk` leaves
//! alone, read back here.

use super::couples::{encoded, Session, CHECK_IN_FIELDS};
use anyhow::{bail, Context, Result};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// Connections `wrk` keeps open, one thread.
pub const CONNECTIONS: usize = 32;

/// What one run measured.
#[derive(Debug, Clone, Default)]
pub struct Run {
    pub requests: u64,
    pub seconds: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Answers by status (a redirect with where it leads: `303 /`), as
    /// the script counted them.
    pub statuses: BTreeMap<String, u64>,
    /// Connect, read, write errors and timeouts, as `wrk` counts them.
    pub socket_errors: u64,
}

impl Run {
    pub fn per_second(&self) -> f64 {
        self.requests as f64 / self.seconds.max(f64::MIN_POSITIVE)
    }

    /// Answers that were not 2xx or 3xx.
    pub fn failed(&self) -> u64 {
        self.statuses
            .iter()
            .filter(|(status, _)| !(status.starts_with('2') || status.starts_with('3')))
            .map(|(_, n)| n)
            .sum()
    }

    /// How many answers were `status` (`"200"`, `"303 /checkin?done=shared"`).
    pub fn answered(&self, status: &str) -> u64 {
        self.statuses.get(status).copied().unwrap_or(0)
    }

    /// Runs made side by side (one per instance) as one: requests and
    /// answers added up, the longest duration, the worst percentiles.
    pub fn together(runs: Vec<Run>) -> Run {
        let mut all = Run::default();
        for run in runs {
            all.requests += run.requests;
            all.seconds = all.seconds.max(run.seconds);
            all.p50_ms = all.p50_ms.max(run.p50_ms);
            all.p99_ms = all.p99_ms.max(run.p99_ms);
            all.socket_errors += run.socket_errors;
            for (status, n) in run.statuses {
                *all.statuses.entry(status).or_insert(0) += n;
            }
        }
        all
    }
}

/// Fails with the command to install `wrk` when it is not there.
pub fn ensure_installed() -> Result<()> {
    match Command::new("wrk").arg("--version").output() {
        Ok(_) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => bail!(
            "wrk is not installed: `apt-get install -y wrk` (Debian's package) \
             or put a wrk binary on the PATH"
        ),
        Err(error) => Err(error).context("running wrk"),
    }
}

/// A Lua string literal holding `text` exactly.
fn lua_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for byte in text.bytes() {
        match byte {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b' '..=b'~' => out.push(byte as char),
            other => {
                let _ = write!(out, "\\{other:03}");
            }
        }
    }
    out.push('"');
    out
}

fn lua_list(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|item| lua_string(item)).collect();
    format!("{{\n  {}\n}}", items.join(",\n  "))
}

/// The line read back by [`parse`], printed once `wrk` is done.
const SUMMARY: &str = r#"
counts = {}
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "kintsugi-bench requests=%d duration_us=%d p50_us=%d p99_us=%d socket_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout))
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("counts")) do
      io.write(string.format("kintsugi-bench-status %d %s\n", n, status))
    end
  end
end
"#;

/// Counting the answers by status, a redirect with where it leads.
const COUNTING: &str = r#"
function response(status, headers, body)
  local key = tostring(status)
  if status >= 300 and status < 400 then
    key = key .. " " .. (headers["location"] or headers["Location"] or "?")
  end
  counts[key] = (counts[key] or 0) + 1
end
"#;

/// A plain `GET /`, the same request every time, and no hook per request
/// or answer: `wrk` at its fastest, the client's own ceiling.
pub fn plain_script() -> String {
    SUMMARY.to_owned()
}

/// `GET /`, each request as one of the partners (picked at random).
pub fn today_script(host: SocketAddr, sessions: &[Session]) -> String {
    let heads: Vec<String> = sessions
        .iter()
        .map(|s| {
            format!(
                "GET / HTTP/1.1\r\nHost: {host}\r\nCookie: {}\r\n\r\n",
                s.cookie
            )
        })
        .collect();
    format!(
        "local heads = {}\n\nfunction request()\n  return heads[math.random(#heads)]\nend\n{SUMMARY}{COUNTING}",
        lua_list(&heads)
    )
}

/// Digits of the counter in a submission key.
const KEY_DIGITS: usize = 14;

/// `POST /checkin` as one of the partners (picked at random), with that
/// partner's cookies and CSRF token and a fresh submission key: `kb`, the
/// run's `tag` (so no key repeats across runs) and a counter.
pub fn check_in_script(host: SocketAddr, sessions: &[Session], tag: &str) -> String {
    let key_prefix = format!("kb{tag}");
    let tail = format!("&{CHECK_IN_FIELDS}");
    let heads: Vec<String> = sessions
        .iter()
        .map(|s| {
            let start = format!("csrf={}&submission=", encoded(&s.csrf));
            let length = start.len() + key_prefix.len() + KEY_DIGITS + tail.len();
            format!(
                "POST /checkin HTTP/1.1\r\nHost: {host}\r\nCookie: {}\r\n\
                 Content-Type: application/x-www-form-urlencoded\r\n\
                 Content-Length: {length}\r\n\r\n{start}",
                s.cookie
            )
        })
        .collect();
    format!(
        "local heads = {}\nlocal key_prefix = {}\nlocal tail = {}\nlocal sent = 0\n\n\
         function request()\n  sent = sent + 1\n  \
         return heads[math.random(#heads)] .. key_prefix .. string.format(\"%0{KEY_DIGITS}d\", sent) .. tail\n\
         end\n{SUMMARY}{COUNTING}",
        lua_list(&heads),
        lua_string(&key_prefix),
        lua_string(&tail),
    )
}

/// Runs `wrk` with `connections` against `target` for `duration` with
/// `script` (written to `script_file` first).
pub fn run(
    target: SocketAddr,
    connections: usize,
    script: &str,
    script_file: &Path,
    duration: Duration,
) -> Result<Run> {
    std::fs::write(script_file, script)?;
    let output = Command::new("wrk")
        .args(["-t1", &format!("-c{connections}")])
        .arg(format!("-d{}s", duration.as_secs().max(1)))
        .arg("-s")
        .arg(script_file)
        .arg(format!("http://{target}/"))
        .output()
        .context("running wrk")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!(
            "wrk failed: {}{}",
            stdout,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    parse(&stdout).with_context(|| format!("reading wrk's output:\n{stdout}"))
}

/// Reads the lines the script printed.
fn parse(stdout: &str) -> Result<Run> {
    let mut run = None;
    let mut statuses = BTreeMap::new();
    for line in stdout.lines() {
        if let Some(fields) = line.strip_prefix("kintsugi-bench ") {
            let value = |name: &str| -> Result<f64> {
                fields
                    .split(' ')
                    .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
                    .with_context(|| format!("no {name}"))?
                    .parse::<f64>()
                    .with_context(|| format!("{name} is not a number"))
            };
            run = Some(Run {
                requests: value("requests")? as u64,
                seconds: value("duration_us")? / 1e6,
                p50_ms: value("p50_us")? / 1e3,
                p99_ms: value("p99_us")? / 1e3,
                statuses: BTreeMap::new(),
                socket_errors: value("socket_errors")? as u64,
            });
        } else if let Some(pair) = line.strip_prefix("kintsugi-bench-status ") {
            let (count, status) = pair.split_once(' ').context("a status line")?;
            *statuses.entry(status.to_owned()).or_insert(0) += count.parse::<u64>()?;
        }
    }
    let mut run = run.context("the script printed no summary")?;
    run.statuses = statuses;
    Ok(run)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lua_strings_keep_every_byte() {
        assert_eq!(lua_string("a\"b\\c\r\n"), "\"a\\\"b\\\\c\\013\\010\"");
    }

    #[test]
    fn the_script_lines_are_read_back() -> Result<()> {
        let out = "Running 10s test\nkintsugi-bench requests=2000 duration_us=10000000 \
                   p50_us=1500 p99_us=9600 socket_errors=0\n\
                   kintsugi-bench-status 1990 303 /checkin?done=shared\n\
                   kintsugi-bench-status 10 409\n";
        let run = parse(out)?;
        assert_eq!(run.requests, 2000);
        assert!((run.per_second() - 200.0).abs() < 1e-9);
        assert!((run.p99_ms - 9.6).abs() < 1e-9);
        assert_eq!(run.answered("303 /checkin?done=shared"), 1990);
        assert_eq!(run.failed(), 10);
        Ok(())
    }

    #[test]
    fn each_check_in_body_is_as_long_as_announced() {
        let session = Session {
            cookie: "kintsugi-session=s; kintsugi-csrf=t+/".into(),
            csrf: "t+/".into(),
        };
        let host = SocketAddr::from(([127, 0, 0, 1], 8080));
        let script = check_in_script(host, &[session], "r1");
        let announced: usize = script
            .split("Content-Length: ")
            .nth(1)
            .and_then(|rest| rest.split('\\').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        let body = format!(
            "csrf=t%2B%2F&submission=kbr1{}&{CHECK_IN_FIELDS}",
            "0".repeat(14)
        );
        assert_eq!(announced, body.len());
    }
}
