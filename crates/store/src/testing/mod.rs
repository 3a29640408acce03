//! What tests outside this crate share to damage a record behind the
//! store's back: raw SQL on its database ([`Raw`]) and the table of every
//! tampering with what must be found ([`tamper::TAMPERINGS`]). Behind the
//! `testing` feature; test code, so a failed `unwrap` is a failed test.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test"
)]

mod raw;
pub mod tamper;

pub use raw::{Raw, RawEvent};

use crate::{MasterKey, Result, Store};
use std::sync::Arc;

/// Opens the database as a store in another process would: on SQLite it
/// knows none of the stream heads this process wrote or read, and asks the
/// file every time. The same as `open` on PostgreSQL.
pub async fn open_as_another_process(database_url: &str, key: MasterKey) -> Result<Arc<dyn Store>> {
    let store = crate::open_as(database_url, key, crate::sqlite::Heads::None).await?;
    let store: Arc<dyn crate::sql_store::OpenStore> = Arc::from(store);
    Ok(store)
}
