//! The repair work: the truth log, the apology, requested behaviours,
//! commitments and contact reports. The rules live in `kintsugi-core`
//! (`repair_rules` says who may take each step); these pages show each
//! person the steps that are theirs and pass their forms through.

use crate::app::error::{AppError, AppResult};
use crate::app::layout::{render, render_refused};
use crate::exec::{Landed, Outcome};
use crate::http::extractors::Desk;
use crate::http::forms::{Form, FormErrors};
use askama::Template;
use axum::response::{IntoResponse, Redirect, Response};
pub use kintsugi_core::access::repair_rules::AcknowledgementInput;
use kintsugi_core::access::repair_rules::{self, RepairAction};
use kintsugi_core::coach::{Code, Finding};
use kintsugi_core::space::SpaceState;
use kintsugi_core::{EntryId, Refusal, UserId};
use std::future::Future;

/// "I read this" with optional words back, as a form (a truth entry, a
/// contact report).
impl Form for AcknowledgementInput {}

/// The refusals a form shows beside its fields or above them.
pub fn form_errors(refusal: Refusal) -> AppResult<FormErrors> {
    match refusal {
        Refusal::NotAllowed(why) => Err(AppError::Forbidden(why.to_owned())),
        other => FormErrors::from_refusal(other),
    }
}

/// Where a repair form leads once it went through the submit path: on to
/// the address `landed_at` gives, or the room's page drawn again by
/// `redraw` with what was typed and why it was refused.
pub async fn land_or_redraw<Page: Template, Redrawn: Future<Output = AppResult<Page>>>(
    outcome: Outcome,
    landed_at: impl FnOnce(Landed) -> String,
    redraw: impl FnOnce(FormErrors) -> Redrawn,
) -> AppResult<Response> {
    match outcome.or_form(form_errors)? {
        Ok(landed) => Ok(Redirect::to(&landed_at(landed)).into_response()),
        Err(errors) => render_refused(&redraw(errors).await?),
    }
}

/// A room's refused form that knows its page: the page is drawn again
/// around it, with what was typed and why not.
pub trait Redraw: Sized + Send {
    type Page: Template;

    fn redraw(self, desk: Desk) -> impl Future<Output = AppResult<Self::Page>> + Send;
}

/// A room's `Refused` redraws with its `build(desk, refused)`.
macro_rules! redraws_with {
    ($refused:ty, $page:ty, $build:path) => {
        impl $crate::present::repair::Redraw for $refused {
            type Page = $page;

            fn redraw(
                self,
                desk: $crate::http::extractors::Desk,
            ) -> impl std::future::Future<Output = $crate::app::error::AppResult<$page>> + Send
            {
                $build(desk, self)
            }
        }
    };
}
pub(crate) use redraws_with;

/// What was typed in a refused form and why it was refused, when
/// `$refused` is that form's `$variant`; an empty form and no errors
/// otherwise.
macro_rules! refused_form {
    ($refused:expr, $variant:path) => {
        match $refused {
            $variant(form, errors) => (form.clone(), errors.clone()),
            _ => Default::default(),
        }
    };
}
pub(crate) use refused_form;

/// Why the form about entry `$id` was refused, when `$refused` is that
/// form's `$variant` for that entry; no errors otherwise.
macro_rules! refused_at {
    ($refused:expr, $variant:path, $id:expr) => {
        match $refused {
            $variant(id, errors) if *id == $id => errors.clone(),
            _ => $crate::http::forms::FormErrors::default(),
        }
    };
}
pub(crate) use refused_at;

/// A room's page as first opened, with no form refused: the one page
/// handler of every room whose `Refused` starts as nothing.
pub async fn room_page<Refused: Redraw + Default>(desk: Desk) -> AppResult<Response> {
    render(&Refused::default().redraw(desk).await?)
}

/// A room's page, at the entry `shown` when there is one (`#{kind}-{id}`).
pub fn at_entry(page: &str, kind: &str, shown: Option<EntryId>) -> String {
    match shown {
        Some(id) => format!("{page}#{kind}-{}", id.0),
        None => page.to_owned(),
    }
}

/// One betrayal a form may name.
pub struct BetrayalOption {
    pub value: String,
    pub label: String,
}

/// The "which of the things that happened" select of a form. It is shown
/// only when the couple has recorded several betrayals; with one, the field
/// stays empty and the record fills it in.
pub struct BetrayalChoice {
    pub shown: bool,
    pub options: Vec<BetrayalOption>,
    pub selected: String,
}

impl BetrayalChoice {
    /// The betrayals in which `me` may take `action`.
    pub fn for_action(
        space: &SpaceState,
        me: UserId,
        action: RepairAction,
        selected: &str,
    ) -> Self {
        let options: Vec<BetrayalOption> = space
            .betrayals
            .iter()
            .filter(|b| repair_rules::may(space, me, b.id, action))
            .map(|b| BetrayalOption {
                value: b.id.0.to_string(),
                label: betrayal_label(space, me, b.id),
            })
            .collect();
        let selected = match options.as_slice() {
            [only] if selected.trim().is_empty() => only.value.clone(),
            _ => selected.trim().to_owned(),
        };
        BetrayalChoice {
            shown: space.betrayals.len() > 1,
            options,
            selected,
        }
    }

    /// Whether the form has anywhere to go at all.
    pub fn any(&self) -> bool {
        !self.options.is_empty()
    }
}

/// How a betrayal is named on a page: what happened and the person's role
/// in it ("A physical affair (you: hurt partner)").
pub fn betrayal_label(space: &SpaceState, me: UserId, id: EntryId) -> String {
    let Some(betrayal) = space.betrayal(id) else {
        return String::new();
    };
    match space.role_in(me, betrayal) {
        Some(role) => format!("{} (you: {})", betrayal.kind.label(), role.label()),
        None => betrayal.kind.label().to_owned(),
    }
}

/// The betrayal's name when the couple has several, so entries say which
/// one they belong to; empty when there is only one.
pub fn betrayal_tag(space: &SpaceState, me: UserId, id: EntryId) -> String {
    if space.betrayals.len() > 1 {
        betrayal_label(space, me, id)
    } else {
        String::new()
    }
}

/// Whether `me` may take `action` in any of the couple's betrayals.
pub fn may_any(space: &SpaceState, me: UserId, action: RepairAction) -> bool {
    space
        .betrayals
        .iter()
        .any(|b| repair_rules::may(space, me, b.id, action))
}

/// A coach finding as a page shows it.
pub struct FindingView {
    pub code: &'static str,
    pub heading: &'static str,
    /// The words the finding points at, quoted from the text; empty when it
    /// is about something missing.
    pub quoted: String,
    pub message: String,
    pub suggestion: String,
}

impl FindingView {
    pub fn of(text: &str, finding: &Finding) -> Self {
        let quoted = if finding.is_missing_part() {
            String::new()
        } else {
            text.get(finding.start..finding.end)
                .unwrap_or_default()
                .trim()
                .to_owned()
        };
        FindingView {
            code: finding.code.as_str(),
            heading: heading(finding.code),
            quoted,
            message: finding.message.clone(),
            suggestion: finding.suggestion.clone(),
        }
    }
}

/// A short, friendly heading for each thing the coaches notice.
fn heading(code: Code) -> &'static str {
    match code {
        Code::Conditional => "An \"if\" in the apology",
        Code::BlameShift => "Pointing at your partner",
        Code::ButAfterSorry => "A \"but\" after sorry",
        Code::Minimising => "Making it sound smaller",
        Code::PassiveVoice => "Who did it?",
        Code::PressureToForgive => "Pressure to move on",
        Code::SelfFocus => "More about you than about them",
        Code::NoImpact => "The impact on your partner",
        Code::NoResponsibility => "Owning the choice",
        Code::NoChange => "What will be different",
        Code::Vague => "Something you could see",
        Code::Unmeasurable => "A feeling rather than a behaviour",
        Code::NoWhen => "When, or how often",
        Code::NegativeOnly => "What you would like instead",
        Code::Bundled => "More than one request",
    }
}

/// A choice of a radio group or select: its form code and its label.
pub struct Choice {
    pub code: &'static str,
    pub label: &'static str,
}

/// A choice that may be the one chosen now: a checked radio button, the
/// filter a page shows.
pub struct Chosen {
    pub code: &'static str,
    pub label: &'static str,
    pub chosen: bool,
}

impl Chosen {
    /// Every one of `all`, with `now` marked as the one chosen.
    pub fn among<T: Copy + PartialEq>(
        all: &[T],
        now: T,
        code: fn(T) -> &'static str,
        label: fn(T) -> &'static str,
    ) -> Vec<Chosen> {
        all.iter()
            .map(|&each| Chosen {
                code: code(each),
                label: label(each),
                chosen: each == now,
            })
            .collect()
    }
}

impl Choice {
    pub fn list(pairs: &[(&'static str, &'static str)]) -> Vec<Choice> {
        pairs
            .iter()
            .map(|(code, label)| Choice { code, label })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_coach_code_has_a_heading_of_its_own() {
        let mut headings: Vec<&str> = Code::ALL.iter().map(|c| heading(*c)).collect();
        headings.sort_unstable();
        headings.dedup();
        assert_eq!(headings.len(), Code::ALL.len());
    }

    #[test]
    fn a_finding_quotes_the_words_it_points_at() {
        let text = "I am sorry if you were hurt.";
        let findings = kintsugi_core::coach::apology::review(text);
        let conditional = findings
            .iter()
            .find(|f| f.code == Code::Conditional)
            .expect("a conditional apology is noticed");
        let view = FindingView::of(text, conditional);
        assert!(view.quoted.contains("if"), "quoted: {}", view.quoted);
        assert_eq!(view.heading, "An \"if\" in the apology");
    }
}
