//! The shared test world.
