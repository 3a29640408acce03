//! Private reflections: guided journaling kept in the author's own stream
//! (`/reflections`, `/reflections/{id}`), every version kept for them
//! alone; a copy shared with the partner only after a preview of exactly
//! what goes (`/reflections/{id}/share`); and the hurt partner's trigger
//! note, answered by the other with reassurance.

mod pages;

use crate::app::error::AppResult;
use crate::app::layout::render;
use crate::exec::{Landed, Writes};
use crate::http::extractors::{Desk, EntryForm, EntryIdParam, PostedForm};
use crate::http::forms::{Form, FormCaps, FormErrors, NoFields};
use crate::http::routes::Route;
use crate::present::repair::Redraw;
use axum::extract::Query;
use axum::response::Response;
use kintsugi_core::access::room::Acting;
use kintsugi_core::reflections::{self, Prompt, ShareCopy};
use kintsugi_core::EntryId;
use pages::{EntryShown, ListShown, PreviewShown};
use serde::Deserialize;

pub fn routes() -> Vec<Route> {
    vec![
        Route::page(
            "/reflections",
            "my reflections, the prompts and trigger notes",
            list_page,
        ),
        Route::form("/reflections", "write a reflection", write),
        Route::page("/reflections/{id}", "one of my reflections", entry_page),
        Route::form("/reflections/{id}/revise", "revise a reflection", revise)
            .leads_to("/reflections/{id}"),
        Route::page(
            "/reflections/{id}/share",
            "the preview of a copy to share",
            preview_page,
        ),
        Route::form(
            "/reflections/{id}/share",
            "share a copy of a reflection",
            share,
        ),
        Route::form(
            "/reflections/{id}/withdraw",
            "put a reflection away",
            withdraw,
        )
        .leads_to("/reflections"),
        Route::form("/reflections/triggers", "send a trigger note", send_note)
            .leads_to("/reflections#trigger-notes"),
        Route::form(
            "/reflections/triggers/{id}/reassure",
            "answer a trigger note",
            reassure,
        )
        .leads_to("/reflections#note-{id}"),
    ]
}

/// A reflection's answers, one per question; `prompt` only when writing.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct ReflectionForm {
    pub(crate) prompt: String,
    pub(crate) part_1: String,
    pub(crate) part_2: String,
    pub(crate) part_3: String,
    pub(crate) part_4: String,
    pub(crate) part_5: String,
}

impl Form for ReflectionForm {
    const CAPS: FormCaps = FormCaps::new(16, 8_000, 40_000);
}

impl ReflectionForm {
    pub(crate) fn parts(&self) -> [&str; 5] {
        [
            &self.part_1,
            &self.part_2,
            &self.part_3,
            &self.part_4,
            &self.part_5,
        ]
    }

    /// The form filled with a version's answers.
    fn filled(parts: &[String]) -> Self {
        let part = |n: usize| parts.get(n).cloned().unwrap_or_default();
        ReflectionForm {
            prompt: String::new(),
            part_1: part(0),
            part_2: part(1),
            part_3: part(2),
            part_4: part(3),
            part_5: part(4),
        }
    }
}

/// The confirm under a preview: the version the preview showed.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct ShareForm {
    pub(crate) version: String,
}

impl Form for ShareForm {}

#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct TriggerForm {
    pub(crate) when: String,
    pub(crate) felt: String,
    pub(crate) would_help: String,
}

impl Form for TriggerForm {}

#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct ReassureForm {
    pub(crate) words: String,
}

impl Form for ReassureForm {}

/// `?prompt=trigger` opens the form for that prompt.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PromptQuery {
    prompt: String,
}

fn entry_link(id: EntryId) -> String {
    format!("/reflections/{}", id.0)
}

async fn list_page(desk: Desk, Query(query): Query<PromptQuery>) -> AppResult<Response> {
    let chosen = Prompt::from_code(&query.prompt);
    render(&ListShown::Fresh(chosen).redraw(desk).await?)
}

async fn entry_page(desk: Desk, EntryIdParam(id): EntryIdParam) -> AppResult<Response> {
    render(&EntryShown::Fresh(id).redraw(desk).await?)
}

async fn preview_page(desk: Desk, EntryIdParam(id): EntryIdParam) -> AppResult<Response> {
    render(&PreviewShown(id, FormErrors::default()).redraw(desk).await?)
}

async fn write(
    PostedForm(desk, form, submission): PostedForm<ReflectionForm>,
) -> AppResult<Response> {
    let me = desk.couple.me;
    let outcome = desk
        .submit(&submission, |decision| {
            reflections::write(&decision.couple.space, me, &form.prompt, &form.parts())
                .map(Writes::private)
        })
        .await?;
    let landed = |landed: Landed| match landed {
        Landed::Private(id) => entry_link(id),
        _ => "/reflections".to_owned(),
    };
    desk.land(outcome, landed, |errors| {
        ListShown::Write(form.clone(), errors)
    })
    .await
}

async fn revise(
    EntryForm(desk, id, form, submission): EntryForm<ReflectionForm>,
) -> AppResult<Response> {
    let me = desk.couple.me;
    let outcome = desk
        .submit(&submission, |decision| {
            let mine = decision.private.kept_reflections();
            let space = &decision.couple.space;
            reflections::revise(space, mine, me, id, &form.parts()).map(Writes::private)
        })
        .await?;
    desk.land(
        outcome,
        |_| entry_link(id),
        |errors| EntryShown::Revise(id, form.clone(), errors),
    )
    .await
}

async fn share(EntryForm(desk, id, form, submission): EntryForm<ShareForm>) -> AppResult<Response> {
    let me = desk.couple.me;
    let outcome = desk
        .submit(&submission, |decision| {
            let mine = decision.private.kept_reflections();
            let ShareCopy { copy, mark } =
                reflections::share(&decision.couple.space, mine, me, id, &form.version)?;
            Ok(Writes::couple(copy).and_private(mark))
        })
        .await?;
    desk.land(
        outcome,
        |_| format!("{}#shared", entry_link(id)),
        |errors| PreviewShown(id, errors),
    )
    .await
}

async fn withdraw(EntryForm(desk, id, _, submission): EntryForm<NoFields>) -> AppResult<Response> {
    let me = desk.couple.me;
    let outcome = desk
        .submit(&submission, |decision| {
            let mine = decision.private.kept_reflections();
            reflections::withdraw(mine, me, id).map(Writes::private)
        })
        .await?;
    desk.land(
        outcome,
        |_| "/reflections".to_owned(),
        |_| EntryShown::Fresh(id),
    )
    .await
}

async fn send_note(
    PostedForm(desk, form, submission): PostedForm<TriggerForm>,
) -> AppResult<Response> {
    let me = desk.couple.me;
    let outcome = desk
        .submit(&submission, |decision| {
            let space = &decision.couple.space;
            reflections::send_trigger_note(space, me, &form.when, &form.felt, &form.would_help)
                .map(Writes::couple)
        })
        .await?;
    desk.land(
        outcome,
        |_| "/reflections#trigger-notes".to_owned(),
        |errors| ListShown::Trigger(form.clone(), errors),
    )
    .await
}

async fn reassure(
    EntryForm(desk, note, form, submission): EntryForm<ReassureForm>,
) -> AppResult<Response> {
    desk.step_and_land(
        &submission,
        |state| &state.reflections,
        |acting: Acting<'_, _>| reflections::reassure(acting, note, &form.words),
        |_| format!("/reflections#note-{}", note.0),
        |errors| ListShown::Reassure(note, form.clone(), errors),
    )
    .await
}
