//! Configuration: every setting is a flag and a `KINTSUGI_*` variable, with
//! defaults that let `kintsugi serve` run with nothing set up.

use anyhow::{Context, Result};
use clap::Args;
use kintsugi_store::{MasterKey, Store};
use kintsugi_web::app::clock::Zone;
use kintsugi_web::app::config::{
    parse_safety_resources, MailConfig, WebConfig, DEFAULT_QUICK_EXIT_URL,
};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

#[derive(Args, Debug)]
pub struct StoreArgs {
    /// Where the embedded database and the master key live.
    #[arg(
        long,
        env = "KINTSUGI_DATA_DIR",
        default_value = "./kintsugi-data",
        global = true
    )]
    pub data_dir: PathBuf,
    /// `sqlite://PATH` or `postgres://…`; defaults to a SQLite file in the data directory.
    #[arg(long, env = "KINTSUGI_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// The master key file (created with mode 0600 if missing); defaults to `master.key` in the data directory.
    #[arg(long, env = "KINTSUGI_MASTER_KEY_FILE", global = true)]
    pub master_key_file: Option<PathBuf>,
}

impl StoreArgs {
    pub fn database_url(&self) -> Result<String> {
        if let Some(url) = &self.database_url {
            return Ok(url.clone());
        }
        self.ensure_data_dir()?;
        Ok(format!(
            "sqlite://{}",
            self.data_dir.join("kintsugi.db").display()
        ))
    }

    fn ensure_data_dir(&self) -> Result<()> {
        if self.data_dir.is_dir() {
            return Ok(());
        }
        std::fs::create_dir_all(&self.data_dir)
            .with_context(|| format!("creating the data directory {}", self.data_dir.display()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&self.data_dir, std::fs::Permissions::from_mode(0o700))?;
        }
        Ok(())
    }

    /// `--master-key-file`, else `master.key` in the data directory.
    pub fn master_key_path(&self) -> Result<PathBuf> {
        match &self.master_key_file {
            Some(path) => Ok(path.clone()),
            None => {
                self.ensure_data_dir()?;
                Ok(self.data_dir.join("master.key"))
            }
        }
    }

    /// The master key, from its file. A new key file is written only for a
    /// new database: when the database exists and the file does not, the
    /// start is refused and nothing is written, so an operator is never
    /// handed a fresh key that opens nothing (and backs it up).
    pub async fn master_key(&self, database_url: &str) -> Result<MasterKey> {
        let path = self.master_key_path()?;
        if !path.exists() && kintsugi_store::database_exists(database_url).await? {
            anyhow::bail!(
                "there is no master key file at {} but the database {} exists; give the key \
                 it was set up with by --master-key-file or KINTSUGI_MASTER_KEY_FILE \
                 (no new key was written)",
                path.display(),
                database_url
            );
        }
        MasterKey::load_or_create(&path)
            .with_context(|| format!("the master key at {}", path.display()))
    }

    /// The master key if its file exists; never creates one.
    pub fn existing_master_key(&self) -> Result<Option<MasterKey>> {
        let path = self.master_key_path()?;
        if !path.exists() {
            return Ok(None);
        }
        MasterKey::load(&path)
            .map(Some)
            .with_context(|| format!("the master key at {}", path.display()))
    }

    pub async fn open(&self) -> Result<Arc<dyn Store>> {
        let url = self.database_url()?;
        let key = self.master_key(&url).await?;
        kintsugi_store::open(&url, key)
            .await
            .context("opening the database")
    }
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// The address and port to listen on.
    #[arg(long, env = "KINTSUGI_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// Where the quick-exit link on every page leads.
    #[arg(long, env = "KINTSUGI_QUICK_EXIT_URL", default_value = DEFAULT_QUICK_EXIT_URL)]
    pub quick_exit_url: String,
    /// A file of safety resources, one per line: `name | contact | url`.
    #[arg(long, env = "KINTSUGI_SAFETY_RESOURCES")]
    pub safety_resources: Option<PathBuf>,
    /// Set when people reach Kintsugi over HTTPS (for example behind a reverse proxy).
    #[arg(long, env = "KINTSUGI_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Reverse proxies (addresses, comma-separated) whose `X-Forwarded-For` is believed for rate limits; from anyone else the header is ignored.
    #[arg(
        long = "trusted-proxy",
        env = "KINTSUGI_TRUSTED_PROXY",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Where Prometheus metrics are served (`127.0.0.1:9464`, or a port
    /// alone for loopback): request counts and latencies by coarse route
    /// group, appends, commit sizes and cache hits; never a couple, a
    /// person or any content. Off unless set.
    #[arg(long, env = "KINTSUGI_METRICS_LISTEN", value_parser = parse_metrics_listen)]
    pub metrics_listen: Option<std::net::SocketAddr>,
    /// How many days an invitation link stays valid, from 1 to 30.
    #[arg(
        long,
        env = "KINTSUGI_INVITE_DAYS",
        default_value_t = 7,
        value_parser = clap::value_parser!(u64).range(1..=30)
    )]
    pub invite_days: u64,
    /// How many days both partners keep reading and exporting a shared
    /// space one of them ended, before its record is destroyed (1 to 365).
    #[arg(
        long,
        env = "KINTSUGI_SEPARATION_DAYS",
        default_value_t = 30,
        value_parser = clap::value_parser!(u64).range(1..=365)
    )]
    pub separation_days: u64,
    /// What the records held in memory may weigh, in megabytes (1 to
    /// 65536); past it the least recently read are let go and read again
    /// from the database when next needed.
    #[arg(
        long,
        env = "KINTSUGI_CACHE_MB",
        default_value_t = 64,
        value_parser = clap::value_parser!(u64).range(1..=65_536)
    )]
    pub cache_mb: u64,
    /// The IANA time zone dates read in for someone who has not chosen
    /// theirs, and the one offered first at registration (`Europe/Berlin`).
    #[arg(long, env = "KINTSUGI_TIME_ZONE", default_value = "UTC")]
    pub time_zone: String,
    /// Where reminder emails are sent through: `smtps://USER:PASSWORD@HOST:465`
    /// (TLS), `smtp://USER:PASSWORD@HOST:587?tls=required` (STARTTLS), or
    /// `smtp://127.0.0.1:25` (a local relay). Without it no email is sent.
    #[arg(long, env = "KINTSUGI_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// The sender of reminder emails, with its display name:
    /// `Kintsugi <kintsugi@example.org>`. Needed with `--smtp-url`.
    #[arg(long, env = "KINTSUGI_MAIL_FROM")]
    pub mail_from: Option<String>,
    /// The address people reach this Kintsugi at
    /// (`https://kintsugi.example.org`), for the links in emails. Needed
    /// with `--smtp-url`.
    #[arg(long, env = "KINTSUGI_PUBLIC_URL")]
    pub public_url: Option<String>,
}

impl ServeArgs {
    pub fn web_config(&self) -> Result<WebConfig> {
        let mut config = WebConfig {
            quick_exit_url: self.quick_exit_url.clone(),
            secure_cookies: self.secure_cookies,
            trusted_proxies: self.trusted_proxies.clone(),
            invite_ttl: Duration::from_secs(self.invite_days * 24 * 3600),
            separation: Duration::from_secs(self.separation_days * 24 * 3600),
            cache_bytes: usize::try_from(self.cache_mb << 20).unwrap_or(usize::MAX),
            time_zone: Zone::named(self.time_zone.trim()).map_err(|unknown| {
                anyhow::anyhow!(
                    "--time-zone (KINTSUGI_TIME_ZONE): {unknown}; \
                     the names are those of the IANA time zone database"
                )
            })?,
            ..WebConfig::default()
        };
        if !(config.quick_exit_url.starts_with("https://")
            || config.quick_exit_url.starts_with("http://"))
        {
            anyhow::bail!("the quick-exit URL must start with https://");
        }
        config.mail = self.mail_config()?;
        if let Some(path) = &self.safety_resources {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading safety resources from {}", path.display()))?;
            config.safety_resources = parse_safety_resources(&text)
                .map_err(|e| anyhow::anyhow!("safety resources in {}: {e}", path.display()))?;
        }
        Ok(config)
    }
}

impl ServeArgs {
    /// The mail settings: all three with `--smtp-url`, none without it.
    fn mail_config(&self) -> Result<Option<MailConfig>> {
        let Some(smtp_url) = &self.smtp_url else {
            if self.mail_from.is_some() {
                tracing::warn!("--mail-from is set but --smtp-url is not: no email is sent");
            }
            return Ok(None);
        };
        let from = self.mail_from.as_deref().context(
            "--smtp-url needs --mail-from (KINTSUGI_MAIL_FROM), e.g. `Kintsugi <kintsugi@example.org>`",
        )?;
        let public_url = self.public_url.as_deref().context(
            "--smtp-url needs --public-url (KINTSUGI_PUBLIC_URL), the address the links in emails lead to",
        )?;
        let config = MailConfig::new(smtp_url, from, public_url)
            .map_err(|error| anyhow::anyhow!("mail settings: {error}"))?;
        Ok(Some(config))
    }
}

/// Logs go to standard error; `KINTSUGI_LOG` (or `RUST_LOG`) picks the level.
pub fn init_logging() {
    let filter = std::env::var("KINTSUGI_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| "info".to_owned());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(std::io::stderr)
        .try_init();
}

/// A metrics address: `HOST:PORT`, or a port alone, which means loopback
/// (the metrics page is for the operator, not for the world).
fn parse_metrics_listen(text: &str) -> Result<std::net::SocketAddr, String> {
    if let Ok(port) = text.parse::<u16>() {
        return Ok(std::net::SocketAddr::from(([127, 0, 0, 1], port)));
    }
    text.parse()
        .map_err(|_| format!("{text:?} is not an address and port such as 127.0.0.1:9464"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Serve {
        #[command(flatten)]
        args: ServeArgs,
    }

    #[test]
    fn trusted_proxies_are_a_comma_separated_list_of_addresses() {
        let serve = Serve::try_parse_from(["serve", "--trusted-proxy", "10.0.0.1,::1"]).unwrap();
        let config = serve.args.web_config().unwrap();
        assert_eq!(
            config.trusted_proxies,
            vec![
                "10.0.0.1".parse::<std::net::IpAddr>().unwrap(),
                "::1".parse().unwrap()
            ]
        );
        assert!(Serve::try_parse_from(["serve", "--trusted-proxy", "proxy.local"]).is_err());
        let none = Serve::try_parse_from(["serve"]).unwrap();
        assert!(none.args.web_config().unwrap().trusted_proxies.is_empty());
    }

    #[test]
    fn an_invitation_lasts_one_to_thirty_days() {
        for refused in ["0", "31", "-1", "seven"] {
            assert!(
                Serve::try_parse_from(["serve", "--invite-days", refused]).is_err(),
                "{refused} days"
            );
        }
        let serve = Serve::try_parse_from(["serve", "--invite-days", "30"]).unwrap();
        let config = serve.args.web_config().unwrap();
        assert_eq!(config.invite_ttl, Duration::from_secs(30 * 24 * 3600));
        let default = Serve::try_parse_from(["serve"]).unwrap();
        assert_eq!(
            default.args.web_config().unwrap().invite_ttl,
            Duration::from_secs(7 * 24 * 3600)
        );
    }

    #[test]
    fn the_cache_budget_is_64_megabytes_unless_the_operator_chose_another() {
        for refused in ["0", "65537", "lots"] {
            assert!(
                Serve::try_parse_from(["serve", "--cache-mb", refused]).is_err(),
                "{refused} MB"
            );
        }
        let serve = Serve::try_parse_from(["serve", "--cache-mb", "8"]).unwrap();
        assert_eq!(serve.args.web_config().unwrap().cache_bytes, 8 << 20);
        let default = Serve::try_parse_from(["serve"]).unwrap();
        assert_eq!(default.args.web_config().unwrap().cache_bytes, 64 << 20);
    }

    #[test]
    fn an_ended_space_is_kept_thirty_days_unless_the_operator_chose_one_to_365() {
        for refused in ["0", "366", "thirty"] {
            assert!(
                Serve::try_parse_from(["serve", "--separation-days", refused]).is_err(),
                "{refused} days"
            );
        }
        let serve = Serve::try_parse_from(["serve", "--separation-days", "90"]).unwrap();
        let config = serve.args.web_config().unwrap();
        assert_eq!(config.separation, Duration::from_secs(90 * 24 * 3600));
        let default = Serve::try_parse_from(["serve"]).unwrap();
        assert_eq!(
            default.args.web_config().unwrap().separation,
            Duration::from_secs(30 * 24 * 3600)
        );
    }

    #[test]
    fn email_is_sent_only_with_an_smtp_url_a_sender_and_a_public_address() {
        let none = Serve::try_parse_from(["serve"]).unwrap();
        assert!(none.args.web_config().unwrap().mail.is_none());
        let all = [
            "serve",
            "--smtp-url",
            "smtps://user:secret@mail.example.org:465",
            "--mail-from",
            "Our Kintsugi <kintsugi@example.org>",
            "--public-url",
            "https://kintsugi.example.org/",
        ];
        let config = Serve::try_parse_from(all)
            .unwrap()
            .args
            .web_config()
            .unwrap();
        let mail = config.mail.expect("mail is set up");
        assert_eq!(mail.public_url, "https://kintsugi.example.org");
        assert_eq!(mail.from.name.as_deref(), Some("Our Kintsugi"));
        assert!(
            !format!("{mail:?}").contains("secret"),
            "the password is never printed"
        );
        // Without the sender, or the public address, the start is refused.
        for missing in [3, 5] {
            let mut args = all.to_vec();
            args.drain(missing..missing + 2);
            let serve = Serve::try_parse_from(args).unwrap();
            assert!(serve.args.web_config().is_err(), "without {}", all[missing]);
        }
        let bad_url = Serve::try_parse_from([
            "serve",
            "--smtp-url",
            "ftp://mail",
            "--mail-from",
            "k@example.org",
            "--public-url",
            "https://k.example.org",
        ])
        .unwrap();
        assert!(bad_url.args.web_config().is_err());
    }
}
