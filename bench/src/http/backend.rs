//! Where the app under load keeps its record: a SQLite file in a fresh data
//! directory (one instance), or a PostgreSQL database made for the run and
//! dropped after it (two instances behind it).

use anyhow::{Context, Result};
use sqlx::{Connection, Executor, PgConnection};
use std::path::{Path, PathBuf};

/// The server PostgreSQL runs use, as `KINTSUGI_BENCH_POSTGRES_URL` or
/// this default; the bench makes its own database there.
const POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/postgres";

pub struct Backend {
    /// The store's URL, for the bench's own connections.
    pub url: String,
    pub key_file: PathBuf,
    /// The flags `kintsugi` takes to open the same store.
    pub flags: Vec<String>,
    /// How many `kintsugi serve` share it.
    pub instances: usize,
    /// For PostgreSQL: the server's own URL and the database to drop.
    made: Option<(String, String)>,
}

impl Backend {
    pub fn sqlite(dir: &Path) -> Result<Backend> {
        let data = dir.join("data");
        std::fs::create_dir_all(&data)?;
        Ok(Backend {
            url: format!("sqlite://{}", data.join("kintsugi.db").display()),
            key_file: data.join("master.key"),
            flags: vec!["--data-dir".to_owned(), data.display().to_string()],
            instances: 1,
            made: None,
        })
    }

    /// A new database `kintsugi_bench_<pid>` on the PostgreSQL server.
    pub async fn postgres(dir: &Path) -> Result<Backend> {
        let server = std::env::var("KINTSUGI_BENCH_POSTGRES_URL").unwrap_or(POSTGRES.to_owned());
        let name = format!("kintsugi_bench_{}", std::process::id());
        let mut admin = PgConnection::connect(&server)
            .await
            .with_context(|| format!("connecting to {server}"))?;
        admin
            .execute(format!("DROP DATABASE IF EXISTS {name}").as_str())
            .await?;
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await?;
        admin.close().await?;
        let (base, _) = server
            .rsplit_once('/')
            .context("a server URL with a path")?;
        let url = format!("{base}/{name}");
        let key_file = dir.join("master.key");
        Ok(Backend {
            flags: vec![
                "--database-url".to_owned(),
                url.clone(),
                "--master-key-file".to_owned(),
                key_file.display().to_string(),
                "--data-dir".to_owned(),
                dir.display().to_string(),
            ],
            url,
            key_file,
            instances: 2,
            made: Some((server, name)),
        })
    }

    pub fn name(&self) -> &'static str {
        if self.made.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    }

    /// Drops the database the bench made, if it made one.
    pub async fn clean_up(&self) -> Result<()> {
        if let Some((server, name)) = &self.made {
            let mut admin = PgConnection::connect(server).await?;
            admin
                .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                .await?;
            admin.close().await?;
        }
        Ok(())
    }
}
