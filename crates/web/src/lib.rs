//! Kintsugi's HTTP side.
