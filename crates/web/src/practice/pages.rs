//! The therapist's home and one couple's page.

use super::{AtCouple, ServedCouple, TherapistForm};
use crate::app::clock::Zone;
use crate::app::error::{AppError, AppResult};
use crate::app::layout::{render, render_refused, Layout};
use crate::app::state::AppState;
use crate::auth::session::{CurrentUser, Session};
use crate::couple::my_private;
use crate::exec::{self, Outcome, Writes};
use crate::http::forms::{text_form, FormErrors};
use crate::present::dates;
use crate::present::repair::form_errors;
use crate::therapist::brief::BriefPage;
use crate::therapist::seen::SeenView;
use crate::therapist::session::{self, AgendaForm, HeldForm, SessionBox, SessionRefused};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use kintsugi_core::access::therapist::therapist_view;
use kintsugi_core::streams::couple::CoupleState;
use kintsugi_core::streams::private::PrivateState;
use kintsugi_core::therapist::practice;
use kintsugi_core::views::brief::{news, News};
use kintsugi_core::{CoupleId, EntryId, Refusal, StreamId};
use kintsugi_store::TherapistLink;

text_form! {
    pub struct NoteForm { text }
}

text_form! {
    pub struct NameForm { name }
}

/// One couple on the therapist's home.
struct CoupleRow {
    href: String,
    name: String,
    /// "Since 3 November 2026", or how access ended.
    state: String,
    active: bool,
    /// "New since the last session: 2 check-ins, 1 agenda item", within
    /// the consented scopes only.
    news: Option<String>,
}

#[derive(Template)]
#[template(path = "practice/home.html")]
struct HomePage {
    layout: Layout,
    couples: Vec<CoupleRow>,
}

struct NoteView {
    on: String,
    text: String,
}

#[derive(Template)]
#[template(path = "practice/couple.html")]
struct CouplePage {
    layout: Layout,
    id: String,
    name: String,
    /// The couple's record within the consented scopes; `None` once the
    /// couple ended access, when only that is said.
    seen: Option<SeenView>,
    /// The next session, while the therapist serves the couple.
    session: Option<SessionBox>,
    ended: Option<String>,
    notes: Vec<NoteView>,
    note_form: NoteForm,
    note_errors: FormErrors,
    name_form: NameForm,
    name_errors: FormErrors,
}

/// The name the therapist gave the couple, or a neutral stand-in.
fn name_of(mine: &PrivateState, couple: CoupleId) -> String {
    mine.practice
        .name_of(couple)
        .map_or_else(|| "A couple you see".to_owned(), str::to_owned)
}

/// How the engagement the link came through stands: `None` while active,
/// else the words that say it ended (and nothing of the couple).
fn ended(state: &CoupleState, link: &TherapistLink, me: Session, zone: Zone) -> Option<String> {
    if state.therapy.active_for(&state.space, me.user).is_some() {
        return None;
    }
    let engagement = state.therapy.get(EntryId(link.proposal));
    Some(match engagement.and_then(|e| e.ended) {
        Some(ended) => format!(
            "This couple ended your access on {}. Nothing of their record is shown any more.",
            dates::when(ended.at, zone)
        ),
        None => "This couple's access is closed. Nothing of their record is shown.".to_owned(),
    })
}

/// What is new since the last session, in words: one count per scope the
/// couple consented to, and the agenda items added.
fn news_words(found: &News) -> String {
    if found.is_empty() {
        return "Nothing new since the last session.".to_owned();
    }
    let mut parts: Vec<String> = found
        .counts
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(scope, n)| format!("{}: {n}", scope.label()))
        .collect();
    if found.agenda_items > 0 {
        parts.push(format!("Agenda items added: {}", found.agenda_items));
    }
    format!("New since the last session — {}.", parts.join("; "))
}

pub async fn home(
    State(app): State<AppState>,
    CurrentUser(me): CurrentUser,
    layout: Layout,
) -> AppResult<Response> {
    let zone = layout.now.zone;
    let links = app.store.couples_of_therapist(me.user.0).await?;
    let mine = my_private(&app, &me).await?;
    let mut couples = Vec::with_capacity(links.len());
    for link in &links {
        let stream = StreamId::couple(CoupleId(link.couple_id));
        let cached = app
            .couples
            .read(app.store.as_ref(), stream.as_str())
            .await?;
        let ended = ended(&cached.state, link, me, zone);
        let news = match ended {
            Some(_) => None,
            None => therapist_view(&cached.state, me.user)
                .ok()
                .map(|view| news_words(&news(&view))),
        };
        couples.push(CoupleRow {
            href: format!("/practice/{}", link.couple_id),
            name: name_of(&mine.state, CoupleId(link.couple_id)),
            news,
            active: ended.is_none(),
            state: ended.unwrap_or_else(|| format!("Since {}", dates::when(link.since, zone))),
        });
    }
    drop(mine);
    render(&HomePage {
        layout: layout.in_section("practice"),
        couples,
    })
}

/// The couple's page, with a refused form's words kept when there is one.
async fn couple_page_with(
    app: &AppState,
    me: Session,
    served: &ServedCouple,
    layout: Layout,
    refused: Refused,
) -> AppResult<CouplePage> {
    let zone = layout.now.zone;
    let couple = served.couple.id;
    let cached = app
        .couples
        .read(app.store.as_ref(), served.couple.stream.as_str())
        .await?;
    let state = &cached.state;
    let ended = ended(state, &served.link, me, zone);
    let view = match ended {
        Some(_) => None,
        None => therapist_view(state, me.user).ok(),
    };
    let seen = view
        .as_ref()
        .map(|view| SeenView::build(view, &state.space, zone));
    let session_refused = match &refused {
        Refused::Session(session) => session.clone(),
        _ => SessionRefused::Nothing,
    };
    let base = format!("/practice/{}", couple.0);
    let session = view
        .as_ref()
        .map(|view| SessionBox::build(view, state, me.user, zone, base, &session_refused));
    let mine = my_private(app, &me).await?;
    let (note_form, note_errors, name_form, name_errors) = match refused {
        Refused::Nothing | Refused::Session(_) => Default::default(),
        Refused::Note(form, errors) => (form, errors, NameForm::default(), FormErrors::default()),
        Refused::Name(form, errors) => (NoteForm::default(), FormErrors::default(), form, errors),
    };
    Ok(CouplePage {
        id: couple.0.to_string(),
        name: name_of(&mine.state, couple),
        notes: mine
            .state
            .practice
            .notes_on(couple)
            .map(|n| NoteView {
                on: dates::when(n.written.at, zone),
                text: n.text.clone(),
            })
            .collect(),
        seen,
        session,
        ended,
        note_form,
        note_errors,
        name_form,
        name_errors,
        layout: layout.in_section("practice"),
    })
}

#[derive(Default)]
enum Refused {
    #[default]
    Nothing,
    Note(NoteForm, FormErrors),
    Name(NameForm, FormErrors),
    Session(SessionRefused),
}

pub async fn couple_page(
    State(app): State<AppState>,
    CurrentUser(me): CurrentUser,
    Path(couple): Path<String>,
    layout: Layout,
) -> AppResult<Response> {
    let served = ServedCouple::find(&app, &me, &couple).await?;
    render(&couple_page_with(&app, me, &served, layout, Refused::Nothing).await?)
}

/// One step of the therapist's about a couple they serve now: a note or a
/// name in their own stream, or an agenda item or a session's mark in the
/// couple's record; then on to `place` on the couple's page.
async fn act(
    AtCouple {
        app,
        me,
        couple,
        layout,
    }: AtCouple,
    submission: crate::exec::Submission,
    place: &str,
    decide: impl Fn(&CoupleState, CoupleId) -> Result<Writes, Refusal>,
    refused: impl FnOnce(FormErrors) -> Refused,
) -> AppResult<Response> {
    let served = ServedCouple::find(&app, &me, &couple).await?;
    let id = served.couple.id;
    let outcome = exec::submit_as_therapist(&app, &served.couple, None, &submission, |decision| {
        decide(decision.couple, id)
    })
    .await?;
    let errors = match outcome {
        Outcome::Done(_) => {
            return Ok(Redirect::to(&format!("/practice/{}#{place}", id.0)).into_response())
        }
        Outcome::Refused(refusal) => form_errors(refusal)?,
        Outcome::Again(message) => FormErrors::summary(message),
    };
    render_refused(&couple_page_with(&app, me, &served, layout, refused(errors)).await?)
}

pub async fn write_note(
    TherapistForm(at, form, submission): TherapistForm<NoteForm>,
) -> AppResult<Response> {
    let me = at.me.user;
    let decide = |state: &CoupleState, id| {
        practice::write_note(&state.space, &state.therapy, me, id, &form.text).map(Writes::private)
    };
    let refused = |errors| Refused::Note(form.clone(), errors);
    act(at, submission, "notes", decide, refused).await
}

pub async fn rename(
    TherapistForm(at, form, submission): TherapistForm<NameForm>,
) -> AppResult<Response> {
    let me = at.me.user;
    let decide = |state: &CoupleState, id| {
        practice::name_couple(&state.space, &state.therapy, me, id, &form.name).map(Writes::private)
    };
    let refused = |errors| Refused::Name(form.clone(), errors);
    act(at, submission, "notes", decide, refused).await
}

pub async fn add_agenda_item(
    TherapistForm(at, form, submission): TherapistForm<AgendaForm>,
) -> AppResult<Response> {
    let me = at.me.user;
    let decide = |state: &CoupleState, _| session::add_item(state, me, &form).map(Writes::couple);
    let refused = |errors| Refused::Session(SessionRefused::Item(form.clone(), errors));
    act(at, submission, "session", decide, refused).await
}

pub async fn mark_held(
    TherapistForm(at, form, submission): TherapistForm<HeldForm>,
) -> AppResult<Response> {
    let me = at.me.user;
    let decide = |state: &CoupleState, _| form.decide(state, me).map(Writes::couple);
    let refused = |errors| Refused::Session(SessionRefused::Held(form.clone(), errors));
    act(at, submission, "sessions-held", decide, refused).await
}

/// The brief of the couple's next session; "not found" once access ended.
pub async fn brief_page(
    State(app): State<AppState>,
    CurrentUser(me): CurrentUser,
    Path(couple): Path<String>,
    layout: Layout,
) -> AppResult<Response> {
    let served = ServedCouple::find(&app, &me, &couple).await?;
    let page = {
        let cached = app
            .couples
            .read(app.store.as_ref(), served.couple.stream.as_str())
            .await?;
        let state = &cached.state;
        let view = therapist_view(state, me.user).map_err(AppError::from_refusal)?;
        let back = format!("/practice/{}", served.couple.id.0);
        BriefPage::build(&view, state, layout, &back)
    };
    render(&page)
}
