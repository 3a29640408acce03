//! The two servers under load: the real `kintsugi serve` (the release
//! binary, a child process with its own data directory) and a bare axum
//! handler answering "ok", the ceiling of any page on this machine.

use anyhow::{bail, Context, Result};
use axum::Router;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The `kintsugi` binary: `KINTSUGI_BENCH_BIN`, else the workspace's
/// release build.
pub fn binary() -> Result<PathBuf> {
    let path = match std::env::var_os("KINTSUGI_BENCH_BIN") {
        Some(path) => PathBuf::from(path),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/release/kintsugi"),
    };
    if !path.is_file() {
        bail!(
            "no kintsugi binary at {}: build it first with \
             `cargo build --release -p kintsugi-cli` (or name one in KINTSUGI_BENCH_BIN)",
            path.display()
        );
    }
    Ok(path)
}

/// A running `kintsugi serve`, stopped when dropped.
pub struct App {
    child: Child,
    pub address: SocketAddr,
}

/// Starts `kintsugi serve` on a free loopback port with `store` flags
/// (`--data-dir …` or `--database-url …`), its log in `log`, and waits
/// until it says where it listens.
pub fn start_app(bin: &Path, store: &[String], log: &Path) -> Result<App> {
    let log_file = std::fs::File::create(log)?;
    let mut child = Command::new(bin)
        .args(store)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(log_file)
        .spawn()
        .with_context(|| format!("starting {}", bin.display()))?;
    let stdout = child.stdout.take().context("the app's standard output")?;
    let (tx, rx) = mpsc::channel();
    // Reads every line the app prints, so its output never blocks it.
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(url) = line.strip_prefix("Kintsugi is running at http://") {
                let _ = tx.send(url.trim().parse::<SocketAddr>());
            }
        }
    });
    let mut app = App {
        child,
        address: SocketAddr::from(([127, 0, 0, 1], 0)),
    };
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(Ok(address)) => app.address = address,
        _ => bail!("kintsugi serve did not start; its log is {}", log.display()),
    }
    Ok(app)
}

impl App {
    /// The app's process id, for reading its memory.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Asks the app to stop (SIGTERM, its graceful shutdown) and waits.
    pub fn stop(&mut self) -> Result<()> {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let started = Instant::now();
        while self.child.try_wait()?.is_none() {
            if started.elapsed() > Duration::from_secs(30) {
                self.child.kill()?;
                self.child.wait()?;
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(())
    }
}

impl Drop for App {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Runs `kintsugi verify` with `store` flags; whether it found everything
/// intact, and what it said.
pub fn verify(bin: &Path, store: &[String]) -> Result<(bool, String)> {
    let output = Command::new(bin)
        .args(store)
        .arg("verify")
        .output()
        .with_context(|| format!("running {} verify", bin.display()))?;
    // Its log lines (on standard error) only when something is wrong.
    let mut said = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() {
        said.push_str(&String::from_utf8_lossy(&output.stderr));
    }
    Ok((output.status.success(), said.trim().to_owned()))
}

/// Serves "ok" to any request on a free loopback port, on this process's
/// runtime (idle while the app is measured).
pub async fn start_bare() -> Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let router = Router::new().fallback(|| async { "ok" });
    tokio::spawn(async move { axum::serve(listener, router).await });
    Ok(address)
}
