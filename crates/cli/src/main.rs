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
    Serve(ServeArgs),
    /// Create the database if needed and apply pending migrations.
    Migrate,
    /// Check every chain and payload hash; exit 0 when the record is intact.
    Verify,
    /// Write a consistent copy of everything to FILE while the app runs.
    Backup { file: PathBuf },
    /// Load a backup FILE into the (empty) configured database.
    Restore { file: PathBuf },
    /// Read text on standard input and print the coach's findings as JSON.
    Coach {
        #[arg(value_enum)]
        which: coach::Which,
    },
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
        Command::Serve(args) => serve(&cli.store, args).await,
        Command::Migrate => {
            let url = cli.store.database_url()?;
            kintsugi_store::migrate(&url).await?;
            println!("The database is up to date.");
            Ok(ExitCode::SUCCESS)
        }
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
            let key = cli.store.master_key()?;
            let report = kintsugi_store::restore(&file, &url, key).await?;
            println!(
                "Restored {} rows; {} streams and {} events verified.",
                report.rows, report.verify.streams, report.verify.events
            );
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
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .with_context(|| format!("listening on {}", args.listen))?;
    let address = listener.local_addr()?;
    tracing::info!(%address, backend = store.backend(), "Kintsugi is listening");
    println!("Kintsugi is running at http://{address}");
    kintsugi_web::serve(listener, store, config).await?;
    Ok(ExitCode::SUCCESS)
}

async fn verify(store_args: &StoreArgs) -> Result<ExitCode> {
    let store = store_args.open().await?;
    let report = store.verify().await?;
    match report.first_break {
        None => {
            println!(
                "Intact: {} streams, {} events, every chain and payload hash checks out.",
                report.streams, report.events
            );
            Ok(ExitCode::SUCCESS)
        }
        Some(found) => {
            eprintln!(
                "BROKEN: stream {} at seq {}: {}",
                found.stream_id, found.seq, found.reason
            );
            Ok(ExitCode::from(2))
        }
    }
}
