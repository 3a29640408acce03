//! One module per room of the app.

pub mod checkin;
pub mod health;
pub mod home;
pub mod invite;
pub mod progress;
pub mod pulse;
pub mod repair;
pub mod space;
pub mod today;
