//! Random tokens for cookies, invitations and recovery codes; only their
//! hashes are ever stored.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use kintsugi_store::Hash;
use rand::rngs::OsRng;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// 256 random bits, URL-safe.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn hash_token(token: &str) -> Hash {
    Sha256::digest(token.as_bytes()).into()
}

/// A token as it came from outside: only URL-safe characters of the right
/// length are looked up at all.
pub fn is_well_formed(token: &str) -> bool {
    token.len() == 43
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Recovery codes people can copy by hand: ten groups of lower-case letters
/// and digits without look-alikes (no 0/o, 1/l/i).
pub fn recovery_code() -> String {
    const ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";
    let mut bytes = [0u8; 12];
    OsRng.fill_bytes(&mut bytes);
    let chars: String = bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect();
    format!("{}-{}-{}", &chars[0..4], &chars[4..8], &chars[8..12])
}

/// What a person typed as a recovery code, in the form it was hashed in.
pub fn normalise_recovery_code(typed: &str) -> String {
    let compact: String = typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if compact.len() != 12 {
        return compact;
    }
    format!("{}-{}-{}", &compact[0..4], &compact[4..8], &compact[8..12])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique_well_formed_and_hashed() {
        let a = random_token();
        let b = random_token();
        assert_ne!(a, b);
        assert!(is_well_formed(&a));
        assert!(!is_well_formed("short"));
        assert!(!is_well_formed(&format!("{}!", &a[..42])));
        assert_ne!(hash_token(&a), hash_token(&b));
    }

    #[test]
    fn recovery_codes_survive_sloppy_typing() {
        let code = recovery_code();
        assert_eq!(code.len(), 14);
        let sloppy = code.to_uppercase().replace('-', " ");
        assert_eq!(normalise_recovery_code(&sloppy), code);
    }
}
