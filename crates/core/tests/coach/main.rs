//! The coaches, end to end: the written corpus, and properties that must
//! hold for any text.

mod corpus;
mod figures;
mod properties;
