//! A small HTTP/1.1 client over a plain TCP socket, one request per
//! connection: enough to sign in through the real forms and to check, before
//! `wrk` starts, that a session opens Today and that a check-in is accepted.

use anyhow::{bail, Context, Result};
use std::net::SocketAddr;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// What came back: the status, the `Set-Cookie` pairs (`name=value`, the
/// attributes left out) and the `Location`.
pub struct Answer {
    pub status: u16,
    pub set_cookies: Vec<(String, String)>,
    pub location: Option<String>,
}

/// Sends one request and reads the whole answer (`Connection: close`).
pub async fn send(
    address: SocketAddr,
    method: &str,
    path: &str,
    cookie: &str,
    form: Option<&str>,
) -> Result<Answer> {
    let mut request =
        format!("{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n");
    if !cookie.is_empty() {
        request.push_str(&format!("Cookie: {cookie}\r\n"));
    }
    if let Some(body) = form {
        request.push_str(&format!(
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ));
    } else {
        request.push_str("\r\n");
    }
    let mut stream = TcpStream::connect(address)
        .await
        .with_context(|| format!("connecting to {address}"))?;
    stream.write_all(request.as_bytes()).await?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await?;
    parse(&raw).with_context(|| format!("the answer to {method} {path}"))
}

fn parse(raw: &[u8]) -> Result<Answer> {
    let text = String::from_utf8_lossy(raw);
    let head = text.split("\r\n\r\n").next().unwrap_or_default();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse::<u16>().ok())
        .context("no status line")?;
    let mut answer = Answer {
        status,
        set_cookies: Vec::new(),
        location: None,
    };
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            bail!("a malformed header line: {line:?}");
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("set-cookie") {
            let pair = value.split(';').next().unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                answer
                    .set_cookies
                    .push((name.trim().to_owned(), value.trim().to_owned()));
            }
        } else if name.eq_ignore_ascii_case("location") {
            answer.location = Some(value.to_owned());
        }
    }
    Ok(answer)
}

/// A browser's cookie jar, as far as the bench needs one: the newest value
/// of each cookie, an emptied one forgotten.
#[derive(Default, Clone)]
pub struct Jar(Vec<(String, String)>);

impl Jar {
    pub fn take(&mut self, answer: &Answer) {
        for (name, value) in &answer.set_cookies {
            self.0.retain(|(kept, _)| kept != name);
            if !value.is_empty() {
                self.0.push((name.clone(), value.clone()));
            }
        }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(kept, _)| kept == name)
            .map(|(_, value)| value.as_str())
    }

    /// The `Cookie` header's value.
    pub fn header(&self) -> String {
        self.0
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// A form body from its fields, each value URL-encoded.
pub fn form_body(fields: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_gives_its_status_cookies_and_location() -> Result<()> {
        let raw = b"HTTP/1.1 303 See Other\r\nlocation: /\r\nset-cookie: kintsugi-session=abc; Path=/; HttpOnly\r\nset-cookie: kintsugi-email=; Max-Age=0\r\n\r\n";
        let answer = parse(raw)?;
        assert_eq!(answer.status, 303);
        assert_eq!(answer.location.as_deref(), Some("/"));
        let mut jar = Jar::default();
        jar.take(&Answer {
            status: 200,
            set_cookies: vec![("kintsugi-email".into(), "a@b.c".into())],
            location: None,
        });
        jar.take(&answer);
        assert_eq!(jar.header(), "kintsugi-session=abc");
        assert_eq!(jar.get("kintsugi-session"), Some("abc"));
        Ok(())
    }

    #[test]
    fn a_garbled_answer_is_an_error() {
        assert!(parse(b"garbage").is_err());
    }
}
