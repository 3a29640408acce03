//! The account page's reminders: each kind on or off, at a local time of
//! the person's choosing. Without SMTP the section says plainly that this
//! Kintsugi sends no email, and its choices are disabled.

use crate::app::error::{AppError, AppResult};
use crate::app::state::AppState;
use crate::auth::session::CurrentUser;
use crate::http::forms::{CsrfForm, Form};
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use kintsugi_core::reminders::ReminderKind;
use serde::Deserialize;
use uuid::Uuid;

/// The time offered before a person chooses one, per kind.
fn default_minute(kind: ReminderKind) -> u32 {
    match kind {
        ReminderKind::Digest | ReminderKind::Meeting => 9 * 60,
        ReminderKind::CheckIn => 20 * 60,
    }
}

/// One kind as the section shows it.
pub struct ReminderRow {
    /// The form's field names: `digest` and `digest_at`.
    pub name: &'static str,
    pub label: &'static str,
    pub hint: &'static str,
    pub on: bool,
    /// `HH:MM`, for a time input.
    pub at: String,
}

/// The account page's section.
pub struct RemindersSection {
    /// Whether this instance sends email at all.
    pub sends: bool,
    pub rows: Vec<ReminderRow>,
}

/// The kinds the page offers.
pub fn offered() -> Vec<ReminderKind> {
    ReminderKind::ALL.to_vec()
}

fn words(kind: ReminderKind) -> (&'static str, &'static str) {
    match kind {
        ReminderKind::Digest => (
            "A daily note when something waits for me",
            "Sent at this time only when something from your partner waits; it never says what, and never comes when your partner acts.",
        ),
        ReminderKind::CheckIn => (
            "A reminder to check in",
            "Sent at this time on days you have not checked in yet.",
        ),
        ReminderKind::Meeting => (
            "A reminder of our weekly meeting",
            "Sent at this time on the morning of the day you both agreed.",
        ),
    }
}

impl RemindersSection {
    pub async fn of(app: &AppState, user: Uuid) -> AppResult<Self> {
        let chosen = app.store.reminder_choices(user).await?;
        let rows = offered()
            .into_iter()
            .map(|kind| {
                let mine = chosen.iter().find(|(name, _)| name == kind.as_str());
                let minute = mine.map_or(default_minute(kind), |&(_, minute)| minute);
                let (label, hint) = words(kind);
                ReminderRow {
                    name: kind.as_str(),
                    label,
                    hint,
                    on: mine.is_some(),
                    at: format!("{:02}:{:02}", minute / 60, minute % 60),
                }
            })
            .collect();
        Ok(Self {
            sends: app.config.mail.is_some(),
            rows,
        })
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RemindersForm {
    digest: String,
    digest_at: String,
    check_in: String,
    check_in_at: String,
    meeting: String,
    meeting_at: String,
}

impl Form for RemindersForm {}

impl RemindersForm {
    fn of(&self, kind: ReminderKind) -> (&str, &str) {
        match kind {
            ReminderKind::Digest => (&self.digest, &self.digest_at),
            ReminderKind::CheckIn => (&self.check_in, &self.check_in_at),
            ReminderKind::Meeting => (&self.meeting, &self.meeting_at),
        }
    }
}

/// A time input's `HH:MM` (seconds allowed) as a minute of the day.
pub fn minute_of_day(typed: &str) -> Option<u32> {
    let mut parts = typed.trim().split(':');
    let hour: u32 = parts.next()?.parse().ok()?;
    let minute: u32 = parts.next()?.parse().ok()?;
    if let Some(seconds) = parts.next() {
        seconds.parse::<u32>().ok().filter(|s| *s < 60)?;
    }
    (hour < 24 && minute < 60 && parts.next().is_none()).then_some(hour * 60 + minute)
}

/// Saves every offered kind: a ticked box with its time opts in, an
/// unticked one opts out. A time the time input cannot send is refused.
pub async fn choose(
    State(app): State<AppState>,
    CurrentUser(me): CurrentUser,
    CsrfForm(form): CsrfForm<RemindersForm>,
) -> AppResult<Response> {
    let mut chosen = Vec::new();
    for kind in offered() {
        let (on, at) = form.of(kind);
        let minute = match on {
            "" => None,
            _ => Some(minute_of_day(at).ok_or(AppError::BadForm)?),
        };
        chosen.push((kind, minute));
    }
    for (kind, minute) in chosen {
        app.store
            .set_reminder_choice(me.user.0, kind.as_str(), minute)
            .await?;
    }
    Ok(Redirect::to("/account#reminders").into_response())
}

#[cfg(test)]
mod tests {
    use super::minute_of_day;

    #[test]
    fn a_time_input_reads_as_a_minute_of_the_day() {
        assert_eq!(minute_of_day("09:00"), Some(540));
        assert_eq!(minute_of_day("23:59:30"), Some(1439));
        assert_eq!(minute_of_day("00:00"), Some(0));
        for bad in ["24:00", "9", "09:60", "", "nine", "09:00:00:00", "-1:00"] {
            assert_eq!(minute_of_day(bad), None, "{bad}");
        }
    }
}
