//! The master key file.

use kintsugi_store::{MasterKey, StoreError};

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test]
async fn a_new_key_file_is_private_and_loads_as_the_same_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data").join("master.key");
    let db_url = format!("sqlite://{}", dir.path().join("k.db").display());

    let created = MasterKey::load_or_create(&path).unwrap();

    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.trim().len(), 64);
    assert!(text.trim().chars().all(|c| c.is_ascii_hexdigit()));
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);
    kintsugi_store::open(&db_url, created).await.unwrap();
    // Loading again gives the key the database was set up with.
    let loaded = MasterKey::load_or_create(&path).unwrap();
    kintsugi_store::open(&db_url, loaded).await.unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    let from_hex = MasterKey::from_hex(&text).unwrap();
    kintsugi_store::open(&db_url, from_hex).await.unwrap();
}

#[cfg(unix)]
#[test]
fn a_key_file_others_can_read_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("master.key");
    MasterKey::load_or_create(&path).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();

    match MasterKey::load_or_create(&path) {
        Err(StoreError::KeyFile {
            path: named,
            message,
        }) => {
            assert_eq!(named, path.display().to_string());
            assert!(message.contains("chmod 600"), "{message}");
        }
        other => panic!("expected a key file error, got {other:?}"),
    }
}

#[test]
fn a_key_file_without_a_key_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("master.key");
    MasterKey::load_or_create(&path).unwrap();
    std::fs::write(&path, "not a key\n").unwrap();

    assert!(matches!(
        MasterKey::load_or_create(&path),
        Err(StoreError::KeyFile { .. })
    ));
}

#[test]
fn a_key_never_prints() {
    let key = MasterKey::from_hex(&"ab".repeat(32)).unwrap();
    assert_eq!(format!("{key:?}"), "MasterKey(*******)");
    assert!(MasterKey::from_hex("abc").is_err());
}
