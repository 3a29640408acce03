//! What makes an acceptable email address and password. Hashing and storage
//! live elsewhere; these are the rules a person is told about.

use crate::kernel::refusal::Refusal;

pub const PASSWORD_MIN_CHARS: usize = 8;
pub const PASSWORD_MAX_CHARS: usize = 256;

/// An email address, trimmed and lower-cased so one address is one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, Refusal> {
        let email = raw.trim().to_lowercase();
        let invalid = || {
            Refusal::invalid(
                "email",
                "Please enter an email address like name@example.org.",
            )
        };
        if email.is_empty() || email.len() > 254 || email.chars().any(char::is_whitespace) {
            return Err(invalid());
        }
        let (local, domain) = email.split_once('@').ok_or_else(invalid)?;
        if local.is_empty()
            || domain.contains('@')
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
        {
            return Err(invalid());
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password a person chose, checked against the policy. Never printed.
pub struct NewPassword(String);

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(*******)")
    }
}

impl NewPassword {
    pub fn parse(raw: &str, confirmation: &str, email: Option<&Email>) -> Result<Self, Refusal> {
        let chars = raw.chars().count();
        if chars < PASSWORD_MIN_CHARS {
            return Err(Refusal::invalid(
                "password",
                format!("Please use at least {PASSWORD_MIN_CHARS} characters. A short sentence is easy to remember and hard to guess."),
            ));
        }
        if chars > PASSWORD_MAX_CHARS {
            return Err(Refusal::invalid(
                "password",
                format!("Please keep your password under {PASSWORD_MAX_CHARS} characters."),
            ));
        }
        if is_common(raw) || email.is_some_and(|e| e.as_str() == raw.trim().to_lowercase()) {
            return Err(Refusal::invalid(
                "password",
                "That password is one of the first that people guess. Please choose another, perhaps a few words only you would put together.",
            ));
        }
        if raw != confirmation {
            return Err(Refusal::invalid(
                "password_confirm",
                "The two passwords are not the same. Please type it again in both boxes.",
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

fn is_common(password: &str) -> bool {
    let lowered = password.trim().to_lowercase();
    COMMON_PASSWORDS.contains(&lowered.as_str())
}

/// Passwords that appear at the top of every published list of leaked
/// passwords (only those of eight characters or more matter here).
const COMMON_PASSWORDS: &[&str] = &[
    "password",
    "password1",
    "password12",
    "password123",
    "password1234",
    "passw0rd",
    "p@ssw0rd",
    "p@ssword",
    "12345678",
    "123456789",
    "1234567890",
    "0123456789",
    "87654321",
    "11111111",
    "00000000",
    "12341234",
    "11223344",
    "12121212",
    "123123123",
    "qwertyuiop",
    "qwerty123",
    "qwerty12",
    "1qaz2wsx",
    "1q2w3e4r",
    "1q2w3e4r5t",
    "zaq12wsx",
    "asdfghjkl",
    "asdfasdf",
    "iloveyou",
    "iloveyou1",
    "iloveyou2",
    "sunshine",
    "princess",
    "football",
    "baseball",
    "superman",
    "starwars",
    "whatever",
    "trustno1",
    "letmein1",
    "welcome1",
    "welcome123",
    "abcd1234",
    "abc12345",
    "computer",
    "internet",
    "michelle",
    "jennifer",
    "jordan23",
    "mustang1",
    "michael1",
    "charlie1",
    "corvette",
    "midnight",
    "football1",
    "baseball1",
    "shadow12",
    "changeme",
    "forgiveme",
    "sorry123",
    "loveyou1",
    "mylove12",
    "lovelove",
    "babygirl",
    "chocolate",
    "butterfly",
    "liverpool",
    "password!",
    "qwertyui",
    "aaaaaaaa",
    "master123",
    "admin123",
    "administrator",
    "samsung1",
    "hello123",
    "monkey12",
    "dragon12",
    "freedom1",
    "blink182",
    "flower12",
    "basketball",
    "soccer12",
    "hunter22",
    "1234qwer",
    "qwer1234",
    "q1w2e3r4",
    "q1w2e3r4t5",
    "a1b2c3d4",
    "kintsugi",
    "kintsugi1",
    "kintsugi123",
    "trustme1",
    "together",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_normalised_and_checked() {
        assert_eq!(
            Email::parse("  Sam@Example.ORG ").unwrap().as_str(),
            "sam@example.org"
        );
        for bad in [
            "",
            "sam",
            "sam@",
            "@example.org",
            "sam@example",
            "s am@example.org",
            "a@b@c.org",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn password_length_is_bounded_in_characters() {
        assert!(NewPassword::parse("short", "short", None).is_err());
        let ok = "our garden in may";
        assert!(NewPassword::parse(ok, ok, None).is_ok());
        let long = "é".repeat(PASSWORD_MAX_CHARS);
        assert!(
            NewPassword::parse(&long, &long, None).is_ok(),
            "128+ characters are allowed"
        );
        let too_long = "é".repeat(PASSWORD_MAX_CHARS + 1);
        assert!(NewPassword::parse(&too_long, &too_long, None).is_err());
    }

    #[test]
    fn common_passwords_are_refused_kindly_whatever_their_case() {
        match NewPassword::parse("Password123", "Password123", None) {
            Err(Refusal::Invalid {
                field: "password",
                message,
            }) => assert!(message.contains("first that people guess")),
            other => panic!("expected a refusal, got {other:?}"),
        }
        let email = Email::parse("robin.hood@example.org").unwrap();
        assert!(NewPassword::parse(
            "robin.hood@example.org",
            "robin.hood@example.org",
            Some(&email)
        )
        .is_err());
    }

    #[test]
    fn the_confirmation_must_match() {
        let err = NewPassword::parse("our garden in may", "our garden in june", None).unwrap_err();
        assert!(matches!(
            err,
            Refusal::Invalid {
                field: "password_confirm",
                ..
            }
        ));
    }
}
