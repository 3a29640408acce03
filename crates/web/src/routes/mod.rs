//! One module per room of the app.

pub mod health;
pub mod home;
pub mod invite;
pub mod repair;
pub mod space;
