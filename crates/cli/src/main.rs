//! The `kintsugi` binary: a thin shell over the library crates. It reads
//! configuration (flags and `KINTSUGI_*` variables), opens the store and
//! hands over.

mod coach;
mod settings;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use settings::{ServeArgs, StoreArgs};
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "kintsugi",
    version,
    about = "A private place for two partners rebuilding trust."
)]
struct Cli {
    #[command(flatten)]
    store: StoreArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web app.
    Serve(Box<ServeArgs>),
    /// Create the database if needed, apply pending migrations and, when the
    /// master key is there, seal the streams of an older version.
    Migrate,
    /// Check every chain, seal and payload (decrypted and decoded); exit 0
    /// when the app can read everything, 2 at the first problem.
    Verify,
    /// Write a consistent copy of everything to FILE while the app runs.
    Backup { file: PathBuf },
    /// Load a backup FILE into the (empty) configured database.
    Restore { file: PathBuf },
    /// What the operator may look at: counts only, never content.
    Admin {
        #[command(subcommand)]
        task: AdminTask,
    },
    /// Read text on standard input and print the coach's findings as JSON.
    Coach {
        #[arg(value_enum)]
        which: coach::Which,
    },
}

#[derive(Subcommand)]
enum AdminTask {
    /// Print how many people, spaces and events there are, and the
    /// database's size. Never content, never an email address.
    Stats,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    settings::init_logging();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("kintsugi: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("kintsugi: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Serve(args) => serve(&cli.store, *args).await,
        Command::Migrate => migrate(&cli.store).await,
        Command::Verify => verify(&cli.store).await,
        Command::Backup { file } => {
            let store = cli.store.open().await?;
            store
                .backup(&file)
                .await
                .with_context(|| format!("backing up to {}", file.display()))?;
            println!("Backup written to {}.", file.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Restore { file } => {
            let url = cli.store.database_url()?;
            let key = cli.store.master_key(&url).await?;
            let report = kintsugi_store::restore(&file, &url, key).await?;
            println!(
                "Restored {} rows; {} streams and {} events verified.",
                report.rows, report.verify.streams, report.verify.events
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Admin {
            task: AdminTask::Stats,
        } => {
            let store = cli.store.open().await?;
            let counts = store.counts().await.context("counting")?;
            println!("backend: {}", store.backend());
            println!("people: {}", counts.people);
            println!("spaces: {}", counts.spaces);
            println!("events: {}", counts.events);
            println!("database size: {} bytes", counts.database_bytes);
            Ok(ExitCode::SUCCESS)
        }
        Command::Coach { which } => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .context("reading standard input (it must be UTF-8 text)")?;
            println!("{}", coach::findings_json(which, &text)?);
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn serve(store_args: &StoreArgs, args: ServeArgs) -> Result<ExitCode> {
    let config = args.web_config()?;
    let store = store_args.open().await?;
    if !store.may_serve() {
        anyhow::bail!(
            "another kintsugi process is using the database {}; only one may serve a SQLite \
             file: stop the other one first",
            store_args.database_url()?
        );
    }
    seal_older_streams(store_args).await?;
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .with_context(|| format!("listening on {}", args.listen))?;
    let address = listener.local_addr()?;
    tracing::info!(%address, backend = store.backend(), "Kintsugi is listening");
    println!("Kintsugi is running at http://{address}");
    let metrics = match args.metrics_listen {
        Some(address) => {
            let listener = tokio::net::TcpListener::bind(address)
                .await
                .with_context(|| format!("listening for metrics on {address}"))?;
            tracing::info!(%address, "metrics are served at /metrics");
            Some(listener)
        }
        None => None,
    };
    kintsugi_web::serve(listener, metrics, store, config).await?;
    Ok(ExitCode::SUCCESS)
}

/// A database from before sealed heads is sealed at the first start, as
/// `kintsugi migrate` would, so an upgrade needs no extra step; a stream
/// that fails its checks stays unsealed and is shown to its couple as such.
async fn seal_older_streams(store_args: &StoreArgs) -> Result<()> {
    let url = store_args.database_url()?;
    let Some(key) = store_args.existing_master_key()? else {
        return Ok(());
    };
    let report = kintsugi_store::seal_streams(&url, key).await?;
    if report.sealed > 0 {
        tracing::info!(
            sealed = report.sealed,
            "sealed the streams of an older version"
        );
    }
    for refused in &report.refused {
        tracing::warn!(stream = %refused.stream_id, seq = refused.seq, "a stream failed its checks and was not sealed; run `kintsugi verify`");
    }
    Ok(())
}

async fn verify(store_args: &StoreArgs) -> Result<ExitCode> {
    let store = store_args.open().await?;
    let report = store
        .verify_with(&kintsugi_web::record::DomainEvents)
        .await?;
    match report.first_break {
        None => {
            println!(
                "Intact: {} streams, {} events; every chain, seal and payload checks out \
                 and every event is readable.",
                report.streams, report.events
            );
            if report.deleted_streams > 0 {
                println!(
                    "{} destroyed streams, each with its sealed deletion record.",
                    report.deleted_streams
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(found) => {
            eprintln!(
                "BROKEN: stream {} at seq {}: {} ({:?})",
                found.stream_id, found.seq, found.reason, found.problem
            );
            Ok(ExitCode::from(2))
        }
    }
}

/// Schema first (no key needed); then, with the key, seals the streams an
/// older version left unsealed, and says what it did.
async fn migrate(store_args: &StoreArgs) -> Result<ExitCode> {
    let url = store_args.database_url()?;
    kintsugi_store::migrate(&url).await?;
    println!("The database is up to date.");
    let Some(key) = store_args.existing_master_key()? else {
        println!(
            "No master key at {}: streams were not sealed. Run `kintsugi migrate` again \
             with the key (--master-key-file or KINTSUGI_MASTER_KEY_FILE).",
            store_args.master_key_path()?.display()
        );
        return Ok(ExitCode::SUCCESS);
    };
    let report = kintsugi_store::seal_streams(&url, key).await?;
    println!(
        "Sealed {} streams; {} were sealed already.",
        report.sealed, report.already_sealed
    );
    for refused in &report.refused {
        eprintln!(
            "NOT SEALED: stream {} at seq {}: {}; run `kintsugi verify`",
            refused.stream_id, refused.seq, refused.reason
        );
    }
    Ok(if report.refused.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}
