//! The next session as both partners and the therapist see it: the
//! agenda (the parked questions first, then the items, each carried-over
//! one saying from which session), adding to it, marking the session held
//! with what was covered, and the sessions held before. One builder for
//! both sides, so the agenda reads the same for all three.

use super::seen::person;
use crate::app::clock::Zone;
use crate::http::forms::{text_form, Form, FormErrors};
use crate::present::dates;
use kintsugi_core::access::therapist::TherapistView;
use kintsugi_core::sessions::{self, HeldInput};
use kintsugi_core::streams::couple::CoupleState;
use kintsugi_core::{EntryId, UserId};
use serde::Deserialize;

text_form! {
    pub struct AgendaForm { text }
}

/// The "we held the session" form: the session it was drawn for, and the
/// ids ticked, one field each.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct HeldForm {
    pub(crate) number: String,
    pub(crate) covered: Vec<String>,
    pub(crate) talked_about: Vec<String>,
}

impl Form for HeldForm {}

fn ids(raw: &[String]) -> Vec<EntryId> {
    raw.iter()
        .filter_map(|id| id.trim().parse().ok().map(EntryId))
        .collect()
}

impl HeldForm {
    /// The session's mark as the core decides on it.
    pub fn decide(
        &self,
        state: &CoupleState,
        me: UserId,
    ) -> Result<sessions::SessionEvent, kintsugi_core::Refusal> {
        let covered = ids(&self.covered);
        let talked_about = ids(&self.talked_about);
        let parked = kintsugi_core::access::therapist::parked_questions(&state.truth.parked());
        let input = HeldInput {
            number: self.number.trim().parse().unwrap_or_default(),
            covered: &covered,
            talked_about: &talked_about,
        };
        sessions::mark_held(state.sessions_acting(me), &parked, input)
    }
}

/// The agenda item form's decision.
pub fn add_item(
    state: &CoupleState,
    me: UserId,
    form: &AgendaForm,
) -> Result<sessions::SessionEvent, kintsugi_core::Refusal> {
    sessions::add_agenda_item(state.sessions_acting(me), &form.text)
}

/// A refused session form, with what was typed.
#[derive(Default, Clone)]
pub enum SessionRefused {
    #[default]
    Nothing,
    Item(AgendaForm, FormErrors),
    Held(HeldForm, FormErrors),
}

pub struct AgendaLineView {
    pub id: u64,
    pub by: &'static str,
    pub text: String,
    /// "Carried over from session 2", when it was.
    pub carried: Option<String>,
    pub ticked: bool,
    /// The viewer added it and may withdraw it from the record.
    pub withdraw: bool,
}

pub struct HeldView {
    pub number: u32,
    pub on: String,
    pub by: &'static str,
    pub covered: Vec<String>,
    pub talked_about: Vec<String>,
}

pub struct SessionBox {
    /// Where the forms post: `/therapist` or `/practice/{couple}`.
    pub base: String,
    /// Where the brief opens.
    pub brief: String,
    pub number: u32,
    pub questions: Vec<AgendaLineView>,
    pub items: Vec<AgendaLineView>,
    pub can_add: bool,
    pub can_mark: bool,
    pub item_form: AgendaForm,
    pub item_errors: FormErrors,
    pub held_errors: FormErrors,
    pub held: Vec<HeldView>,
    /// This engagement's agenda items their author withdrew: when, never
    /// what, for the partners and the therapist alike.
    pub withdrawn: Vec<crate::withdrawal::Tombstone>,
}

impl SessionBox {
    pub fn build(
        view: &TherapistView<'_>,
        state: &CoupleState,
        me: UserId,
        zone: Zone,
        base: String,
        refused: &SessionRefused,
    ) -> SessionBox {
        let space = &state.space;
        let seen = &view.sessions;
        let acting = state.sessions_acting(me);
        let (item_form, item_errors) = match refused {
            SessionRefused::Item(form, errors) => (form.clone(), errors.clone()),
            _ => Default::default(),
        };
        let (ticked, held_errors) = match refused {
            SessionRefused::Held(form, errors) => (
                ids(&form.covered)
                    .into_iter()
                    .chain(ids(&form.talked_about))
                    .collect(),
                errors.clone(),
            ),
            _ => (Vec::new(), FormErrors::default()),
        };
        SessionBox {
            brief: format!("{base}/brief"),
            number: seen.agenda.number,
            questions: seen
                .questions
                .iter()
                .map(|q| AgendaLineView {
                    id: q.id.0,
                    by: person(space, q.author),
                    text: q.text.clone(),
                    carried: None,
                    ticked: ticked.contains(&q.id),
                    withdraw: false,
                })
                .collect(),
            items: seen
                .agenda
                .items
                .iter()
                .map(|line| AgendaLineView {
                    id: line.item.id.0,
                    by: person(space, line.item.added.by),
                    text: line.item.text.clone(),
                    carried: line
                        .carried_from
                        .map(|h| format!("Carried over from session {}", h.number)),
                    ticked: ticked.contains(&line.item.id),
                    withdraw: state.can_withdraw(me, line.item.id),
                })
                .collect(),
            can_add: sessions::can_add_agenda_item(acting),
            can_mark: sessions::can_mark_held(acting),
            item_form,
            item_errors,
            held_errors,
            held: held_views(view, state, zone),
            withdrawn: crate::withdrawal::tombstones_where(
                &state.withdrawals,
                kintsugi_core::withdrawal::EntryRoom::Session,
                zone,
                |w| w.betrayal == Some(view.engagement.id),
            ),
            base,
        }
    }
}

/// The sessions held, newest first, with what was covered in words.
fn held_views(view: &TherapistView<'_>, state: &CoupleState, zone: Zone) -> Vec<HeldView> {
    let space = &state.space;
    // Only what the view holds: a question unparked since is not
    // read from the record, which may be outside the scopes.
    let text_of = |id: EntryId| {
        let question = view
            .parked
            .iter()
            .chain(view.truth.iter())
            .find(|q| q.id == id);
        match question {
            Some(q) => q.text.clone(),
            None => state
                .sessions
                .items_of(view.engagement.id)
                .into_iter()
                .find(|i| i.id == id)
                .map_or_else(
                    || "A question no longer parked".to_owned(),
                    |i| i.text.clone(),
                ),
        }
    };
    view.sessions
        .held
        .iter()
        .rev()
        .map(|h| HeldView {
            number: h.number,
            on: dates::when(h.held.at, zone),
            by: person(space, h.held.by),
            covered: h.covered.iter().map(|id| text_of(*id)).collect(),
            talked_about: h.talked_about.iter().map(|id| text_of(*id)).collect(),
        })
        .collect()
}
