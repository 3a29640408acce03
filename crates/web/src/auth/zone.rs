//! The time zone a person reads dates in: chosen at registration and on
//! the account page, from the IANA zones grouped by region so a person
//! finds theirs on a phone (the region, then the city).

use crate::app::clock::{UnknownZone, Zone};
use crate::app::error::{AppError, AppResult};
use crate::app::layout::{render, Layout};
use crate::app::state::AppState;
use crate::auth::routes::{account_view, Saved};
use crate::auth::session::CurrentUser;
use crate::http::forms::text_form;
use crate::http::forms::{CsrfForm, FormErrors};
use axum::extract::State;
use axum::response::Response;

/// One zone of the select: its IANA name and how it reads ("New York").
pub struct ZoneOption {
    pub value: &'static str,
    pub label: String,
    pub selected: bool,
}

/// The zones of one region ("America"), for an `<optgroup>`.
pub struct ZoneGroup {
    pub region: &'static str,
    pub zones: Vec<ZoneOption>,
}

/// Every zone a person can choose, grouped by region, `selected` chosen.
pub fn zone_groups(selected: &str) -> Vec<ZoneGroup> {
    let mut groups: Vec<ZoneGroup> = Vec::new();
    for name in Zone::choices() {
        let (region, place) = name.split_once('/').unwrap_or(("Other", name));
        let option = ZoneOption {
            value: name,
            label: place.replace('_', " ").replace('/', " / "),
            selected: name == selected,
        };
        match groups.last_mut() {
            Some(group) if group.region == region => group.zones.push(option),
            _ => groups.push(ZoneGroup {
                region,
                zones: vec![option],
            }),
        }
    }
    groups
}

/// A zone name from a form, or the message the form shows.
pub fn chosen_zone(field: &'static str, raw: &str) -> Result<Zone, FormErrors> {
    Zone::named(raw.trim()).map_err(|UnknownZone(_)| {
        FormErrors::field(field, "Please choose your time zone from the list.")
    })
}

text_form! {
    pub struct ZoneForm { time_zone }
}

/// Saves the person's zone and shows the account page in it at once, with
/// a word that it was saved.
pub async fn choose(
    State(app): State<AppState>,
    CurrentUser(me): CurrentUser,
    mut layout: Layout,
    CsrfForm(form): CsrfForm<ZoneForm>,
) -> AppResult<Response> {
    // The select offers only known zones: anything else was not sent by it.
    let zone = Zone::named(form.time_zone.trim()).map_err(|_| AppError::BadForm)?;
    app.store.set_time_zone(me.user.0, zone.name()).await?;
    app.sessions.clear();
    layout.now.zone = zone;
    let saved = Saved::TimeZone;
    render(&account_view(&app, me, layout, FormErrors::default(), saved).await?)
}
