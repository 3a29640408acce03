//! Private reflections: guided journaling kept in its author's own stream,
//! revised with every version kept for them alone, and shared with the
//! partner only as a copy the author chose to send, after seeing exactly
//! what will go. Beside it, the trigger note: the hurt partner tells the
//! other what set them off and what would help, and the other answers with
//! reassurance.
//!
//! "Forgiveness is key… you also may need to forgive yourself." Nothing
//! here is counted against anyone, and nothing kept reaches anyone else.

mod commands;
mod events;
mod prompts;
mod queries;
mod state;
#[cfg(test)]
pub(crate) mod tests;

pub use commands::*;
pub use events::*;
pub use prompts::*;
pub use queries::*;
pub use state::*;
