//! The master key: 32 bytes that wrap every stream's data key. It never
//! prints, never serialises, and is wiped from memory when dropped.

use crate::{Result, StoreError};
use rand::RngCore;
use std::fmt;
use std::io::Write;
use std::path::Path;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

pub const MASTER_KEY_LEN: usize = 32;

#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct MasterKey([u8; MASTER_KEY_LEN]);

impl MasterKey {
    /// A fresh key from the operating system's random source.
    pub fn generate() -> MasterKey {
        let mut key = MasterKey([0u8; MASTER_KEY_LEN]);
        rand::rngs::OsRng.fill_bytes(&mut key.0);
        key
    }

    pub fn from_bytes(bytes: [u8; MASTER_KEY_LEN]) -> MasterKey {
        MasterKey(bytes)
    }

    /// Parses 64 hexadecimal digits (surrounding whitespace is ignored), as
    /// written in a key file or given through the environment.
    pub fn from_hex(text: &str) -> Result<MasterKey> {
        let digits = text.trim();
        if digits.len() != MASTER_KEY_LEN * 2 {
            return Err(StoreError::InvalidKey(format!(
                "expected {} hexadecimal digits, found {}",
                MASTER_KEY_LEN * 2,
                digits.len()
            )));
        }
        // Decoded in place, so no stray copy of the key is left behind.
        let mut key = MasterKey([0u8; MASTER_KEY_LEN]);
        hex::decode_to_slice(digits, &mut key.0).map_err(|_| {
            StoreError::InvalidKey("it holds characters that are not hexadecimal digits".into())
        })?;
        Ok(key)
    }

    /// Loads the key file at `path`, or creates it (and its directory) with a
    /// fresh key if there is none. The file is created with mode 0600, and
    /// a key file that the group or others may read is refused: a key that
    /// anyone else on the machine can read protects nothing.
    pub fn load_or_create(path: &Path) -> Result<MasterKey> {
        match Self::create(path) {
            Ok(key) => Ok(key),
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Self::load(path),
            Err(error) => Err(key_file_error(
                path,
                format!("could not create it: {error}"),
            )),
        }
    }

    /// Loads an existing key file, refusing one the group or others may read.
    pub fn load(path: &Path) -> Result<MasterKey> {
        check_private(path)?;
        let text = Zeroizing::new(
            std::fs::read_to_string(path)
                .map_err(|error| key_file_error(path, format!("could not read it: {error}")))?,
        );
        MasterKey::from_hex(&text).map_err(|error| match error {
            StoreError::InvalidKey(message) => {
                key_file_error(path, format!("it does not hold a key: {message}"))
            }
            other => other,
        })
    }

    fn create(path: &Path) -> std::io::Result<MasterKey> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            create_private_dir(parent)?;
        }
        let mut file = private_file_options().open(path)?;
        let key = MasterKey::generate();
        let text = Zeroizing::new(format!("{}\n", hex::encode(key.0)));
        let written = file
            .write_all(text.as_bytes())
            .and_then(|()| file.sync_all());
        if let Err(error) = written {
            // A half-written key file would be refused on every later start.
            let _ = std::fs::remove_file(path);
            return Err(error);
        }
        Ok(key)
    }

    pub(crate) fn bytes(&self) -> &[u8; MASTER_KEY_LEN] {
        &self.0
    }
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey(*******)")
    }
}

fn key_file_error(path: &Path, message: String) -> StoreError {
    StoreError::KeyFile {
        path: path.display().to_string(),
        message,
    }
}

#[cfg(unix)]
fn private_file_options() -> std::fs::OpenOptions {
    use std::os::unix::fs::OpenOptionsExt;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true).mode(0o600);
    options
}

#[cfg(not(unix))]
fn private_file_options() -> std::fs::OpenOptions {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    options
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

#[cfg(unix)]
fn check_private(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let metadata = std::fs::metadata(path)
        .map_err(|error| key_file_error(path, format!("could not read it: {error}")))?;
    let mode = metadata.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(key_file_error(
            path,
            format!(
                "other users may read or change it (mode {mode:03o}); \
                 make it private with `chmod 600` and start again"
            ),
        ));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_path: &Path) -> Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_key() {
        let key = MasterKey::from_bytes([0xab; 32]);
        assert_eq!(format!("{key:?}"), "MasterKey(*******)");
    }

    #[test]
    fn hex_round_trips_and_rejects_garbage() {
        let key = MasterKey::from_hex(&format!(" {}\n", "0f".repeat(32))).unwrap();
        assert_eq!(key.bytes(), &[0x0f; 32]);
        assert!(matches!(
            MasterKey::from_hex("abcd"),
            Err(StoreError::InvalidKey(_))
        ));
        assert!(matches!(
            MasterKey::from_hex(&"zz".repeat(32)),
            Err(StoreError::InvalidKey(_))
        ));
    }
}
