//! The apology: written by the involved partner in parts, checked with the
//! coach as often as they like, sent as numbered versions that all stay
//! visible, and answered by the hurt partner.

use crate::app::clock::Zone;
use crate::app::error::{AppError, AppResult};
use crate::app::layout::{render, Layout};
use crate::exec::Outcome;
use crate::http::extractors::{Desk, EntryForm, PostedForm};
use crate::http::forms::text_form;
use crate::http::forms::{FormCaps, FormErrors};
use crate::http::routes::Route;
use crate::present::dates;
use crate::present::repair::{
    betrayal_label, form_errors, land_or_redraw, redraws_with, room_page, Choice, FindingView,
};
use askama::Template;
use axum::response::Response;
use kintsugi_core::access::room::Acting;
use kintsugi_core::apology::{
    self, Apologies, Apology, ApologyAnswer, ApologyAnswerInput, ApologyInput, ApologyParts,
    ApologyStatus, ApologyVersion, DraftParts, ANSWERS, FACTORS_LABEL, OWNERSHIP_PARTS,
};
use kintsugi_core::coach::apology::PartFinding;
use kintsugi_core::space::Role;
use kintsugi_core::streams::couple::CoupleState;
use kintsugi_core::{EntryId, Refusal, UserId};

pub fn routes() -> Vec<Route> {
    vec![
        Route::page(
            "/apology",
            "the apology and its versions",
            room_page::<Pending>,
        ),
        Route::form("/apology", "write or send an apology", write),
        Route::form("/apology/versions/{id}/answer", "answer a version", answer)
            .leads_to("/apology"),
    ]
}

text_form! {
    /// The apology form: its parts, and which button was pressed (`check` or
    /// `send`).
    pub struct ApologyForm {
        betrayal, what_i_did, impact, responsibility, remorse, changes, repair, factors, action,
    }
    /// Seven parts of up to 5,000 characters each.
    caps FormCaps::new(16, 10_000, 70_000)
}

impl ApologyForm {
    pub(crate) fn input(&self) -> ApologyInput {
        ApologyInput {
            betrayal: self.betrayal.clone(),
            draft: DraftParts {
                what_i_did: self.what_i_did.clone(),
                impact: self.impact.clone(),
                responsibility: self.responsibility.clone(),
                remorse: self.remorse.clone(),
                changes: self.changes.clone(),
                repair: self.repair.clone(),
                factors: self.factors.clone(),
            },
        }
    }

    /// A new version starts from the last one sent.
    fn from_parts(parts: &ApologyParts) -> Self {
        ApologyForm {
            what_i_did: parts.what_i_did.clone(),
            impact: parts.impact.clone(),
            responsibility: parts.responsibility.clone(),
            remorse: parts.remorse.clone(),
            changes: parts.changes.clone(),
            repair: parts.repair.clone(),
            factors: parts.factors.clone().unwrap_or_default(),
            ..Default::default()
        }
    }

    fn text_of(&self, name: &str) -> &str {
        match name {
            "what_i_did" => &self.what_i_did,
            "impact" => &self.impact,
            "responsibility" => &self.responsibility,
            "remorse" => &self.remorse,
            "changes" => &self.changes,
            "repair" => &self.repair,
            "factors" => &self.factors,
            _ => "",
        }
    }
}

text_form! {
    pub struct AnswerForm { answer, what }
}

/// What the page shows beyond the record: a draft being written (checked
/// with the coach, or refused when sent), or a refused answer.
#[derive(Default)]
enum Pending {
    #[default]
    Nothing,
    Draft {
        betrayal: EntryId,
        form: Box<ApologyForm>,
        errors: FormErrors,
        /// `Some` after "Check with the coach".
        findings: Option<Vec<PartFinding>>,
        /// After a check: what would stop the draft being sent that the
        /// coach's "still to write" list does not already say.
        check_note: String,
        /// "Send" was pressed while the coach had findings: the page asks
        /// once, calmly, whether to send it as it is or revise it.
        asking_to_send: bool,
    },
    Answer {
        version: EntryId,
        form: AnswerForm,
        errors: FormErrors,
    },
}

/// What each part asks for, in the form's words.
fn hint(name: &str) -> &'static str {
    match name {
        "what_i_did" => "Name it plainly, in your own words, without softening it.",
        "impact" => "How it affected your partner: what they have told you, and what you have come to understand.",
        "responsibility" => "That it was your choice, and yours to answer for.",
        "remorse" => "What you feel about having hurt them.",
        "changes" => "What you are doing differently, starting now.",
        "repair" => "What you will do to make amends, and keep doing.",
        _ => "Only after owning your part. What influenced you can help your partner understand; it does not excuse.",
    }
}

pub struct PartField {
    name: &'static str,
    id: String,
    label: &'static str,
    hint: &'static str,
    value: String,
    optional: bool,
    error: Option<String>,
    findings: Vec<FindingView>,
}

pub struct Compose {
    betrayal: u64,
    fields: Vec<PartField>,
    errors: FormErrors,
    checked: bool,
    findings_count: usize,
    missing: Vec<&'static str>,
    check_note: String,
    asking_to_send: bool,
    first: bool,
}

pub struct VersionView {
    id: u64,
    can_withdraw: bool,
    number: u32,
    sent_at: String,
    latest: bool,
    parts: Vec<(&'static str, String)>,
    response: String,
    response_what: String,
}

/// The answer to the latest version, shown once, near the top of the
/// apology: it is the news both partners come back for.
pub struct AnswerNews {
    version: u64,
    headline: String,
    answered_at: String,
    /// For "I need more": what the hurt partner asked to hear.
    need: String,
    need_label: &'static str,
}

pub struct AnswerBox {
    version: u64,
    number: u32,
    form: AnswerForm,
    errors: FormErrors,
    choices: Vec<Choice>,
}

pub struct Section {
    betrayal: u64,
    heading: String,
    status: String,
    news: Option<AnswerNews>,
    versions: Vec<VersionView>,
    answer: Option<AnswerBox>,
    compose: Option<Compose>,
}

#[derive(Template)]
#[template(path = "apology/apology.html")]
struct ApologyPage {
    layout: Layout,
    withdrawn: Vec<crate::withdrawal::Tombstone>,
    sections: Vec<Section>,
    /// The person writes an apology (involved partner in a betrayal).
    writes: bool,
    /// The person reads and answers one (hurt partner in a betrayal).
    reads: bool,
}

fn compose(
    betrayal: EntryId,
    form: &ApologyForm,
    errors: FormErrors,
    findings: Option<&[PartFinding]>,
    check_note: String,
    asking_to_send: bool,
    first: bool,
) -> Compose {
    let names = OWNERSHIP_PARTS
        .iter()
        .map(|(name, label)| (*name, *label, false))
        .chain(std::iter::once(("factors", FACTORS_LABEL, true)));
    let fields = names
        .map(|(name, label, optional)| {
            let value = form.text_of(name).to_owned();
            let findings = findings
                .unwrap_or_default()
                .iter()
                .filter(|f| f.part == name)
                .map(|f| FindingView::of(&value, &f.finding))
                .collect();
            PartField {
                name,
                id: format!("b{}-{name}", betrayal.0),
                label,
                hint: hint(name),
                error: errors.get(name).map(str::to_owned),
                value,
                optional,
                findings,
            }
        })
        .collect();
    Compose {
        betrayal: betrayal.0,
        fields,
        errors,
        checked: findings.is_some(),
        findings_count: findings.map_or(0, <[PartFinding]>::len),
        missing: if findings.is_some() {
            form.input().missing_parts()
        } else {
            Vec::new()
        },
        check_note,
        asking_to_send,
        first,
    }
}

fn version_views(
    apology: Option<&Apology>,
    state: &kintsugi_core::streams::couple::CoupleState,
    me: UserId,
    zone: Zone,
) -> Vec<VersionView> {
    let Some(apology) = apology else {
        return Vec::new();
    };
    let latest = apology.latest().map(|v| v.id);
    apology
        .versions
        .iter()
        .rev()
        .map(|v| {
            let (response, response_what) = match &v.response {
                Some(r) => (
                    answered(me, r.by, &r.answer),
                    match &r.answer {
                        ApologyAnswer::NeedMore { what } => what.clone(),
                        _ => String::new(),
                    },
                ),
                None => (String::new(), String::new()),
            };
            VersionView {
                id: v.id.0,
                can_withdraw: state.can_withdraw(me, v.id),
                number: v.number,
                sent_at: dates::when(v.sent_at, zone),
                latest: Some(v.id) == latest,
                parts: v
                    .parts
                    .labelled()
                    .into_iter()
                    .map(|(label, text)| (label, text.to_owned()))
                    .collect(),
                response,
                response_what,
            }
        })
        .collect()
}

/// "You answered: Not yet" or "Your partner answered: I need more".
/// The tombstones of versions their author withdrew, each with the answer
/// it had, which stays.
fn withdrawn_versions(
    state: &CoupleState,
    me: UserId,
    zone: Zone,
) -> Vec<crate::withdrawal::Tombstone> {
    let room = kintsugi_core::withdrawal::EntryRoom::Apology;
    let mut list = crate::withdrawal::tombstones(&state.withdrawals, room, zone);
    for tombstone in &mut list {
        if let Some(r) = state.apology.answer_to_withdrawn(EntryId(tombstone.id)) {
            tombstone.answered = format!(
                "{}, on {}, before it was withdrawn",
                answered(me, r.by, &r.answer),
                dates::when(r.at, zone)
            );
            if let ApologyAnswer::NeedMore { what } = &r.answer {
                tombstone.response = what.clone();
            }
        }
    }
    list
}

fn answered(me: UserId, by: UserId, answer: &ApologyAnswer) -> String {
    let who = if by == me {
        "You answered"
    } else {
        "Your partner answered"
    };
    format!("{who}: {}", answer.label())
}

/// The news of the latest version's answer, if it has one.
fn answer_news(apology: Option<&Apology>, me: UserId, zone: Zone) -> Option<AnswerNews> {
    let version = apology.and_then(Apology::latest)?;
    let response = version.response.as_ref()?;
    let (need, need_label) = match &response.answer {
        ApologyAnswer::NeedMore { what } if response.by == me => {
            (what.clone(), "What you asked to hear:")
        }
        ApologyAnswer::NeedMore { what } => (what.clone(), "What your partner needs to hear:"),
        _ => (String::new(), ""),
    };
    Some(AnswerNews {
        version: version.id.0,
        headline: answered(me, response.by, &response.answer),
        answered_at: format!(
            "To version {}, on {}.",
            version.number,
            dates::when(response.at, zone)
        ),
        need,
        need_label,
    })
}

fn status_line(apology: Option<&Apology>, role: Role) -> String {
    let involved = role == Role::Involved;
    let status = apology
        .filter(|a| !a.versions.is_empty())
        .map(Apology::status);
    match (status, involved) {
        (None, true) => "You have not sent an apology yet. Write it in your own time; check it with the coach as often as you like before you send it.",
        (None, false) => "Your partner has not sent an apology yet. When they do, it will be here for you to read and answer in your own time.",
        (Some(ApologyStatus::AwaitingResponse), true) => "Sent. Your partner will answer when they are ready.",
        (Some(ApologyStatus::AwaitingResponse), false) => "Waiting for your answer. Take the time you need.",
        (Some(ApologyStatus::Received), true) => "Your partner has received your apology.",
        (Some(ApologyStatus::Received), false) => "You have received this apology.",
        (Some(ApologyStatus::NotYet), true) => "When you are ready, you can write a new version below; the earlier ones stay.",
        (Some(ApologyStatus::NotYet), false) => "Your partner can write a new version. You can answer it when you are ready, and \"not yet\" is always a full answer.",
        (Some(ApologyStatus::NeedMore), true) => "When you are ready, you can write a new version below. It starts from your last one; the earlier ones stay.",
        (Some(ApologyStatus::NeedMore), false) => "Your partner can write a new version. You can answer it when you are ready.",
    }
    .to_owned()
}

/// Whether the record would take a new version from `me` now.
fn could_send(state: &CoupleState, me: UserId, betrayal: EntryId) -> bool {
    apology::can_send(Acting::new(&state.space, &state.apology, me), betrayal)
}

redraws_with!(Pending, ApologyPage, build);

async fn build(desk: Desk, pending: Pending) -> AppResult<ApologyPage> {
    let zone = desk.layout.now.zone;
    let cached = desk.read().await?;
    let state = &cached.state;
    let me = desk.couple.me;
    let mut page = ApologyPage {
        withdrawn: withdrawn_versions(state, me, desk.layout.now.zone),
        layout: desk.layout.in_section("apology"),
        sections: Vec::new(),
        writes: false,
        reads: false,
    };
    for betrayal in &state.space.betrayals {
        let Some(role) = state.space.role_in(me, betrayal) else {
            continue;
        };
        match role {
            Role::Involved => page.writes = true,
            Role::Hurt => page.reads = true,
        }
        let view = SectionOf {
            state,
            me,
            betrayal: betrayal.id,
            apology: state.apology.for_betrayal(betrayal.id),
        };
        page.sections.push(view.section(role, &pending, zone));
    }
    Ok(page)
}

/// One betrayal's apology as `me` sees it.
struct SectionOf<'a> {
    state: &'a CoupleState,
    me: UserId,
    betrayal: EntryId,
    apology: Option<&'a Apology>,
}

impl SectionOf<'_> {
    fn section(&self, role: Role, pending: &Pending, zone: Zone) -> Section {
        let space = &self.state.space;
        let mut heading = match role {
            Role::Involved => "Your apology".to_owned(),
            Role::Hurt => "Your partner's apology to you".to_owned(),
        };
        if space.betrayals.len() > 1 {
            let label = betrayal_label(space, self.me, self.betrayal);
            heading = format!("{heading}: {label}");
        }
        Section {
            betrayal: self.betrayal.0,
            heading,
            status: status_line(self.apology, role),
            news: answer_news(self.apology, self.me, zone),
            versions: version_views(self.apology, self.state, self.me, zone),
            answer: self.answer_box(pending),
            compose: self.compose(pending),
        }
    }

    fn latest(&self) -> Option<&ApologyVersion> {
        self.apology.and_then(Apology::latest)
    }

    /// A refused answer stays with what was typed; otherwise the latest
    /// version is offered for an answer when the record would take one.
    fn answer_box(&self, pending: &Pending) -> Option<AnswerBox> {
        let refused = match pending {
            Pending::Answer {
                version,
                form,
                errors,
            } => self
                .apology
                .and_then(|a| a.versions.iter().find(|v| v.id == *version))
                .map(|v| (v, form.clone(), errors.clone())),
            _ => None,
        };
        let state = self.state;
        refused
            .or_else(|| {
                self.latest()
                    .filter(|v| {
                        apology::can_answer(
                            Acting::new(&state.space, &state.apology, self.me),
                            v.id,
                        )
                    })
                    .map(|v| (v, AnswerForm::default(), FormErrors::default()))
            })
            .map(|(v, form, errors)| AnswerBox {
                version: v.id.0,
                number: v.number,
                form,
                errors,
                choices: Choice::list(&ANSWERS),
            })
    }

    /// A draft shown again keeps its text even when it cannot be sent now
    /// (say, a version crossed with the partner's answer); otherwise a new
    /// version, starting from the last one sent, when the record would take
    /// one.
    fn compose(&self, pending: &Pending) -> Option<Compose> {
        let first = self.latest().is_none();
        match pending {
            Pending::Draft {
                betrayal: drafted,
                form,
                errors,
                findings,
                check_note,
                asking_to_send,
            } if *drafted == self.betrayal => Some(compose(
                self.betrayal,
                form,
                errors.clone(),
                findings.as_deref(),
                check_note.clone(),
                *asking_to_send,
                first,
            )),
            _ => could_send(self.state, self.me, self.betrayal).then(|| {
                let form = self
                    .latest()
                    .map(|v| ApologyForm::from_parts(&v.parts))
                    .unwrap_or_default();
                let errors = FormErrors::default();
                compose(
                    self.betrayal,
                    &form,
                    errors,
                    None,
                    String::new(),
                    false,
                    first,
                )
            }),
        }
    }
}

/// "Check with the coach" shows the draft again with the coach's findings;
/// "Send to my partner" sends it as a new version.
async fn write(PostedForm(desk, form, submission): PostedForm<ApologyForm>) -> AppResult<Response> {
    let input = form.input();
    let me = desk.couple.me;
    let (betrayal, asks_first) = {
        let cached = desk.read().await?;
        let space = &cached.state.space;
        let betrayal =
            apology::check_write(space, me, &form.betrayal).map_err(AppError::from_refusal)?;
        (betrayal, apology::asks_before_sending(space, me, &input))
    };
    if form.action == "check" {
        return check(desk, betrayal, form, false).await;
    }
    // A plain "send" the coach had findings on asks once; "send as it is" sends.
    if asks_first && form.action != SEND_AS_IT_IS {
        return check(desk, betrayal, form, true).await;
    }
    let decide = |acting: Acting<'_, Apologies>| apology::send(acting, &input);
    let outcome = desk
        .submit_step(&submission, |s| &s.apology, decide)
        .await?;
    let pending = |errors| Pending::Draft {
        betrayal,
        form: Box::new(form),
        errors,
        findings: None,
        check_note: String::new(),
        asking_to_send: false,
    };
    let anchor = format!("/apology#apology-{}", betrayal.0);
    finish(desk, outcome, &anchor, pending).await
}

/// The button that sends a draft the coach had findings on, once they were shown.
const SEND_AS_IT_IS: &str = "send_as_it_is";

/// The draft again with the coach's findings. A check is not a send: it
/// writes nothing, and what is still missing goes to the coach's calm
/// list, never to red errors on the fields. `asking_to_send`: "send" was
/// pressed, and the page asks whether to send it as it is.
async fn check(
    desk: Desk,
    betrayal: EntryId,
    form: ApologyForm,
    asking_to_send: bool,
) -> AppResult<Response> {
    let input = form.input();
    let checked = {
        let cached = desk.read().await?;
        apology::check_draft(&cached.state.space, desk.couple.me, &input).map(drop)
    };
    let (errors, check_note) = match checked {
        Ok(()) => (FormErrors::default(), String::new()),
        Err(refusal) => check_outcome(refusal, &input.missing_parts())?,
    };
    let draft = Pending::Draft {
        betrayal,
        form: Box::new(form),
        errors,
        findings: Some(input.coach()),
        check_note,
        asking_to_send,
    };
    render(&build(desk, draft).await?)
}

/// After a form that writes: on to `anchor`, or the page again with what
/// was typed.
async fn finish(
    desk: Desk,
    outcome: Outcome,
    anchor: &str,
    pending: impl FnOnce(FormErrors) -> Pending,
) -> AppResult<Response> {
    land_or_redraw(
        outcome,
        |_| anchor.to_owned(),
        |errors| build(desk, pending(errors)),
    )
    .await
}

/// What a refusal means on "Check with the coach": nothing for a part the
/// "still to write" list names already, a calm note for anything else
/// about the parts; a refusal the form cannot show (not this person's step)
/// stays an error.
fn check_outcome(refusal: Refusal, missing: &[&str]) -> AppResult<(FormErrors, String)> {
    let calm = |note: String| Ok((FormErrors::default(), note));
    match refusal {
        Refusal::Invalid { field, .. }
            if part_label(field).is_some_and(|label| missing.contains(&label)) =>
        {
            calm(String::new())
        }
        Refusal::Invalid { field, .. } if field == "factors" && !missing.is_empty() => {
            calm("What influenced you can follow once these are written.".to_owned())
        }
        Refusal::Invalid { field, message } => calm(match part_label(field) {
            Some(label) => format!("{label}: {message}"),
            None => message,
        }),
        other => form_errors(other).map(|errors| (errors, String::new())),
    }
}

/// The form's label of a part, from its field name.
fn part_label(field: &str) -> Option<&'static str> {
    OWNERSHIP_PARTS
        .iter()
        .find(|(name, _)| *name == field)
        .map(|(_, label)| *label)
        .or((field == "factors").then_some(FACTORS_LABEL))
}

async fn answer(
    EntryForm(desk, version, form, submission): EntryForm<AnswerForm>,
) -> AppResult<Response> {
    let input = ApologyAnswerInput {
        answer: form.answer.clone(),
        what: form.what.clone(),
    };
    let decide = |acting: Acting<'_, Apologies>| apology::answer(acting, version, &input);
    let outcome = desk
        .submit_step(&submission, |s| &s.apology, decide)
        .await?;
    let pending = |errors| Pending::Answer {
        version,
        form,
        errors,
    };
    let anchor = format!("/apology#version-{}", version.0);
    finish(desk, outcome, &anchor, pending).await
}
