//! What the person running the instance can configure about the web side.

use crate::app::clock::Zone;
use std::net::IpAddr;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Where the quick-exit link on every page leads.
    pub quick_exit_url: String,
    /// Shown on the safety screen before a couple space is created.
    pub safety_resources: Vec<SafetyResource>,
    /// Set when the app is reached over TLS (directly or behind a proxy):
    /// cookies get `Secure` and the `__Host-` prefix.
    pub secure_cookies: bool,
    /// How long an invitation link stays valid.
    pub invite_ttl: Duration,
    /// How long both partners keep reading and exporting an ended shared
    /// space before its record is destroyed.
    pub separation: Duration,
    /// Reverse proxies whose `X-Forwarded-For` is believed. From anyone
    /// else the header is ignored: a client could write anything in it.
    pub trusted_proxies: Vec<IpAddr>,
    pub limits: Limits,
    /// The zone dates read in for someone who has not chosen theirs, and
    /// the one offered first at registration.
    pub time_zone: Zone,
    /// Reminders by email; `None`: this instance sends no email.
    pub mail: Option<MailConfig>,
    /// What the projections held in memory may weigh, roughly, in bytes:
    /// half for the couples' records, half for the private streams.
    pub cache_bytes: usize,
}

/// How reminders by email are sent, when the operator set it up.
#[derive(Clone)]
pub struct MailConfig {
    /// `smtp://host:port` (plain, for a relay on the same machine),
    /// `smtp://host:587?tls=required` (STARTTLS) or `smtps://host:465`
    /// (TLS), with `user:password@` when the server asks for them.
    pub smtp_url: String,
    /// The sender, with the display name people see: `Kintsugi
    /// <kintsugi@example.org>`.
    pub from: lettre::message::Mailbox,
    /// Where people reach this instance (`https://kintsugi.example.org`):
    /// the links in an email start with it.
    pub public_url: String,
}

impl MailConfig {
    /// Checks the three settings: a URL lettre can send through, a sender
    /// address, and a public address of http(s).
    pub fn new(smtp_url: &str, from: &str, public_url: &str) -> Result<MailConfig, MailSetupError> {
        lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(smtp_url)
            .map_err(|e| MailSetupError::SmtpUrl(e.to_string()))?;
        let from = from
            .parse()
            .map_err(|_| MailSetupError::From(from.to_owned()))?;
        let public_url = public_url.trim().trim_end_matches('/');
        if !(public_url.starts_with("https://") || public_url.starts_with("http://")) {
            return Err(MailSetupError::PublicUrl(public_url.to_owned()));
        }
        Ok(MailConfig {
            smtp_url: smtp_url.to_owned(),
            from,
            public_url: public_url.to_owned(),
        })
    }
}

/// The SMTP URL may hold a password: it is never printed.
impl std::fmt::Debug for MailConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailConfig")
            .field("smtp_url", &"…")
            .field("from", &self.from.to_string())
            .field("public_url", &self.public_url)
            .finish()
    }
}

/// Mail settings that cannot work, named.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MailSetupError {
    #[error("the SMTP URL is not one of smtp://HOST:PORT, smtp://HOST:PORT?tls=required or smtps://HOST:PORT: {0}")]
    SmtpUrl(String),
    #[error("the sender {0:?} is not an address like `Kintsugi <kintsugi@example.org>`")]
    From(String),
    #[error("the public URL {0:?} must start with https:// (or http://)")]
    PublicUrl(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafetyResource {
    pub name: String,
    pub contact: String,
    pub url: Option<String>,
}

/// A helpline number as written and as a phone dials it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneNumber {
    pub written: String,
    pub dial: String,
}

impl SafetyResource {
    /// The number a contact line starts with ("1-800-799-7233, or text …"),
    /// so a phone can call it in one tap; `None` when it starts with words.
    pub fn phone(&self) -> Option<PhoneNumber> {
        let written: String = self
            .contact
            .chars()
            .take_while(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' ' | '(' | ')'))
            .collect();
        let written = written.trim().to_owned();
        let dial: String = written
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '+')
            .collect();
        (dial.chars().filter(char::is_ascii_digit).count() >= 6)
            .then_some(PhoneNumber { written, dial })
    }
}

#[derive(Debug, Clone)]
pub struct Limits {
    /// Failed logins allowed per (email, client) before each further try
    /// has to wait (a client alone, whatever the emails, gets ten times as
    /// many; registrations and recoveries are counted per client too).
    pub auth_attempts: u32,
    /// How long failures are remembered after the last one.
    pub auth_window: Duration,
    /// The first wait once the free attempts are used up; it doubles with
    /// every further failure…
    pub auth_first_delay: Duration,
    /// …up to this.
    pub auth_longest_delay: Duration,
    /// A session ends after this long without use…
    pub session_idle: Duration,
    /// …and after this long in any case.
    pub session_absolute: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            auth_attempts: 5,
            auth_window: Duration::from_secs(24 * 3600),
            auth_first_delay: Duration::from_secs(5),
            auth_longest_delay: Duration::from_secs(15 * 60),
            session_idle: Duration::from_secs(3 * 24 * 3600),
            session_absolute: Duration::from_secs(30 * 24 * 3600),
        }
    }
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            quick_exit_url: DEFAULT_QUICK_EXIT_URL.to_owned(),
            safety_resources: default_safety_resources(),
            secure_cookies: false,
            invite_ttl: Duration::from_secs(7 * 24 * 3600),
            separation: Duration::from_secs(30 * 24 * 3600),
            trusted_proxies: Vec::new(),
            limits: Limits::default(),
            time_zone: Zone::utc(),
            mail: None,
            cache_bytes: 64 << 20,
        }
    }
}

pub const DEFAULT_QUICK_EXIT_URL: &str = "https://www.bbc.co.uk/weather";

/// The built-in list. An instance can replace it with its own file (see
/// `parse_safety_resources`), for example with local services.
pub fn default_safety_resources() -> Vec<SafetyResource> {
    let entry = |name: &str, contact: &str, url: Option<&str>| SafetyResource {
        name: name.to_owned(),
        contact: contact.to_owned(),
        url: url.map(str::to_owned),
    };
    vec![
        entry(
            "If you are in danger right now",
            "Call your local emergency number (112 in Europe, 911 in North America, 999 in the UK).",
            None,
        ),
        entry(
            "National Domestic Violence Hotline (United States)",
            "1-800-799-7233, or text START to 88788",
            Some("https://www.thehotline.org/"),
        ),
        entry(
            "National Domestic Abuse Helpline (United Kingdom)",
            "0808 2000 247, free, day and night",
            Some("https://www.nationaldahelpline.org.uk/"),
        ),
        entry(
            "1800RESPECT (Australia)",
            "1800 737 732",
            Some("https://www.1800respect.org.au/"),
        ),
    ]
}

/// Reads a resources file: one resource per line, `name | contact | url`
/// (the url may be left out); blank lines and lines starting with `#` are
/// skipped.
pub fn parse_safety_resources(text: &str) -> Result<Vec<SafetyResource>, String> {
    let mut resources = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.split('|').map(str::trim);
        let name = parts.next().unwrap_or_default();
        let contact = parts.next().unwrap_or_default();
        let url = parts.next().filter(|u| !u.is_empty());
        if name.is_empty() || contact.is_empty() {
            return Err(format!(
                "line {}: expected `name | contact | url` with a name and a contact",
                number + 1
            ));
        }
        if let Some(url) = url {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(format!(
                    "line {}: the url must start with https://",
                    number + 1
                ));
            }
        }
        resources.push(SafetyResource {
            name: name.to_owned(),
            contact: contact.to_owned(),
            url: url.map(str::to_owned),
        });
    }
    if resources.is_empty() {
        return Err("the file lists no resources".to_owned());
    }
    Ok(resources)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resources_file_is_read_line_by_line() {
        let text = "# local services\nCity helpline | 555 0100 | https://help.example\n\nA friend's number | 555 0199\n";
        let resources = parse_safety_resources(text).unwrap();
        assert_eq!(resources.len(), 2);
        assert_eq!(resources[0].url.as_deref(), Some("https://help.example"));
        assert_eq!(resources[1].url, None);
    }

    #[test]
    fn a_helpline_that_starts_with_a_number_can_be_called_in_one_tap() {
        let dialled = |contact: &str| {
            let resource = SafetyResource {
                name: "Helpline".to_owned(),
                contact: contact.to_owned(),
                url: None,
            };
            resource.phone().map(|p| (p.written, p.dial))
        };
        assert_eq!(
            dialled("1-800-799-7233, or text START to 88788"),
            Some(("1-800-799-7233".to_owned(), "18007997233".to_owned()))
        );
        assert_eq!(
            dialled("+44 808 2000 247, free"),
            Some(("+44 808 2000 247".to_owned(), "+448082000247".to_owned()))
        );
        assert_eq!(dialled("Call your local emergency number (112)."), None);
        assert_eq!(dialled("112"), None, "too short to be a helpline line");
    }

    #[test]
    fn a_resources_file_with_a_bad_line_names_it() {
        let err = parse_safety_resources("ok | 1\n| missing name\n").unwrap_err();
        assert!(err.starts_with("line 2"), "{err}");
        assert!(parse_safety_resources("x | y | javascript:alert(1)").is_err());
        assert!(parse_safety_resources("# nothing\n").is_err());
    }
}
