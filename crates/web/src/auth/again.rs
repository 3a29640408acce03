//! The password asked again before a step that lets the record leave or
//! cannot be undone: downloading an export, ending the shared space,
//! deleting the account. Wrong passwords are counted per account and form
//! with the growing delays of sign-in, so a partner holding an unlocked
//! phone cannot guess their way through.

use crate::app::error::{AppError, AppResult};
use crate::app::state::AppState;
use crate::auth::password;
use crate::auth::session::Session;
use crate::http::rate_limit::{self, Counter};

/// What the password field says when the password is not theirs.
pub const NOT_YOUR_PASSWORD: &str = "That is not your password. Please type it again.";

/// One form's check of the password, for one account.
pub struct PasswordAgain {
    counter: [Counter; 1],
}

impl PasswordAgain {
    /// Refuses at once (as rate-limited) when this account has tried this
    /// form too often lately.
    pub async fn begin(app: &AppState, me: &Session, form: &'static str) -> AppResult<Self> {
        let counter = [Counter::new(
            form,
            &[&me.user.0.to_string()],
            app.config.limits.auth_attempts,
        )];
        rate_limit::check(app, &counter).await?;
        Ok(PasswordAgain { counter })
    }

    /// Whether `typed` is the person's password; a wrong one is counted.
    pub async fn matches(&self, app: &AppState, me: &Session, typed: &str) -> AppResult<bool> {
        let user = app
            .store
            .user_by_id(me.user.0)
            .await?
            .ok_or(AppError::NotFound)?;
        let matches = password::verify(typed.to_owned(), Some(user.password_hash)).await?;
        if !matches {
            rate_limit::count_failure(app, &self.counter).await?;
        }
        Ok(matches)
    }

    /// The step is taken: earlier failures are forgotten.
    pub async fn passed(&self, app: &AppState) -> AppResult<()> {
        rate_limit::clear(app, &self.counter[0]).await
    }
}
