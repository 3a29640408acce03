//! The application itself, apart from any one request: its state, its
//! configuration, its clock, how failures become pages, and the layout every
//! page shares.

pub mod clock;
pub mod config;
pub mod error;
pub mod health;
pub mod layout;
pub mod state;
pub mod ticks;
