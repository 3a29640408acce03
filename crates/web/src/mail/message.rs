//! One reminder email: plain text, a subject that says only that something
//! is there, a link to the app, and a one-click unsubscribe link (RFC 8058:
//! `List-Unsubscribe` with `List-Unsubscribe-Post`, so a mail client
//! unsubscribes by `POST`, and a scanner that fetches links changes
//! nothing). Nothing anyone wrote is ever in it.

use crate::app::config::MailConfig;
use kintsugi_core::reminders::ReminderKind;
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::Mailbox;
use lettre::Message;

/// Why a message could not be made or sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("the recipient's address is not one an email can go to")]
    Recipient,
    #[error("the message could not be built: {0}")]
    Build(#[from] lettre::error::Error),
    #[error("the SMTP server: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    #[error("store: {0}")]
    Store(#[from] kintsugi_store::StoreError),
    #[error("{0}")]
    App(#[from] crate::app::error::AppError),
}

/// The subject, and the words before the link, for each kind.
pub fn words(kind: ReminderKind) -> (&'static str, &'static str, &'static str) {
    match kind {
        ReminderKind::Digest => (
            "Something is waiting for you in Kintsugi",
            "You have something waiting in Kintsugi.",
            "/",
        ),
        ReminderKind::CheckIn => (
            "A gentle reminder to check in",
            "If you would like to, take a moment to check in with how you feel today. One word is enough.",
            "/checkin",
        ),
        ReminderKind::Meeting => (
            "Your weekly meeting is today",
            "Today is the day you agreed for your weekly couple meeting.",
            "/",
        ),
    }
}

/// The email for one reminder of `kind` to `to`, whose unsubscribe link
/// carries `token`.
pub fn reminder(
    config: &MailConfig,
    kind: ReminderKind,
    to: &str,
    token: &str,
) -> Result<Message, MailError> {
    let to: Mailbox = to.parse().map_err(|_| MailError::Recipient)?;
    let (subject, line, path) = words(kind);
    let base = &config.public_url;
    let unsubscribe = format!("{base}/unsubscribe/{token}");
    let body = format!(
        "{line}\n\n\
         Open Kintsugi: {base}{path}\n\n\
         You get this email because you chose it on your account page. \
         To stop this kind of email, open {unsubscribe} and press the button, \
         or choose again on your account page.\n"
    );
    Ok(Message::builder()
        .from(config.from.clone())
        .to(to)
        .subject(subject)
        .header(ContentType::TEXT_PLAIN)
        .header(ListUnsubscribe(format!("<{unsubscribe}>")))
        .header(ListUnsubscribePost)
        .body(body)?)
}

/// The one-time link to a couple's invitation, sent to their therapist
/// because a partner asked for it. It names no one and says nothing of
/// the couple: whoever reads it learns only that there is an invitation.
pub fn therapist_invitation(
    config: &MailConfig,
    to: &str,
    token: &str,
    expires: &str,
) -> Result<Message, MailError> {
    let to: Mailbox = to.parse().map_err(|_| MailError::Recipient)?;
    let link = format!("{}/practice/join/{token}", config.public_url);
    let body = format!(
        "A couple you work with has invited you to Kintsugi, where they\n\
         can share part of their record with their therapist, with the\n\
         consent of both of them.\n\n\
         Open this link, sign in or create an account of your own, and\n\
         accept:\n\n\
         {link}\n\n\
         The link works once, until {expires}.\n\
         If you did not expect this, you can ignore this email.\n"
    );
    Ok(Message::builder()
        .from(config.from.clone())
        .to(to)
        .subject("An invitation to Kintsugi")
        .header(ContentType::TEXT_PLAIN)
        .body(body)?)
}

/// The partner's word that something changed in their shared space (it
/// ended): a neutral subject, a link, and nothing of what or why, since an
/// email may be read by someone else first.
pub fn space_changed(config: &MailConfig, to: &str) -> Result<Message, MailError> {
    let to: Mailbox = to.parse().map_err(|_| MailError::Recipient)?;
    let body = format!(
        "Something changed in your shared space in Kintsugi.\n\n\
         You can see what when you sign in: {}/\n",
        config.public_url
    );
    Ok(Message::builder()
        .from(config.from.clone())
        .to(to)
        .subject("Something changed in your Kintsugi space")
        .header(ContentType::TEXT_PLAIN)
        .body(body)?)
}

/// Sends one message through the configured SMTP server.
pub async fn send(config: &MailConfig, message: Message) -> Result<(), MailError> {
    use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&config.smtp_url)?.build();
    transport.send(message).await?;
    Ok(())
}

/// `List-Unsubscribe: <https://…/unsubscribe/TOKEN>`.
#[derive(Debug, Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribe(s.to_owned()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058).
#[derive(Debug, Clone)]
struct ListUnsubscribePost;

/// The one body RFC 8058 lets a mail client post.
pub const ONE_CLICK: &str = "List-Unsubscribe=One-Click";

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribePost)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), ONE_CLICK.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reminder_says_nothing_but_that_something_is_there() {
        let config = MailConfig::new(
            "smtp://127.0.0.1:2525",
            "Our Kintsugi <kintsugi@example.org>",
            "https://kintsugi.example.org/",
        )
        .unwrap();
        let message = reminder(&config, ReminderKind::Digest, "a@example.org", "TOKEN").unwrap();
        let text = String::from_utf8(message.formatted()).unwrap();
        assert!(text.contains("Subject: Something is waiting for you in Kintsugi"));
        assert!(
            text.contains("From: \"Our Kintsugi\" <kintsugi@example.org>"),
            "{text}"
        );
        assert!(text.contains("List-Unsubscribe: <https://kintsugi.example.org/unsubscribe/TOKEN>"));
        assert!(text.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
        assert!(text.contains("Open Kintsugi: https://kintsugi.example.org/"));
        assert!(reminder(&config, ReminderKind::CheckIn, "not an address", "T").is_err());
    }
}
