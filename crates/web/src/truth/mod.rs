//! The truth log: disclosures volunteered by the involved partner, the hurt
//! partner's questions and their answers, acknowledgements, questions parked
//! for therapy, and corrections that stand beside what they correct.

use crate::app::clock::Zone;
use crate::app::error::{AppError, AppResult};
use crate::app::layout::{render, render_refused, Layout};
use crate::exec::{Landed, Submission, Writes};
use crate::http::extractors::{Desk, EntryForm, PostedForm};
use crate::http::forms::text_form;
use crate::http::forms::{FormCaps, FormErrors, NoFields};
use crate::http::routes::Route;
use crate::present::dates;
use crate::present::repair::refused_form;
use crate::present::repair::{betrayal_tag, form_errors, BetrayalChoice, Chosen};
use crate::present::words::{excerpt, who};
use askama::Template;
use axum::extract::Query;
use axum::response::{IntoResponse, Redirect, Response};
use kintsugi_core::access::repair_rules::RepairAction;
use kintsugi_core::access::room::Acting;
use kintsugi_core::kernel::days::plain_delay;
use kintsugi_core::streams::couple::CoupleState;
use kintsugi_core::truth::{
    self, AckState, AcknowledgementInput, AnswerInput, CorrectionInput, DisclosureInput, EntryKind,
    QuestionInput, QuestionStatus, TruthEntry, TruthEvent, TruthFilter, TruthLog, Waiting,
};
use kintsugi_core::{EntryId, Refusal, UserId};
use serde::Deserialize;

pub fn routes() -> Vec<Route> {
    vec![
        Route::page("/truth", "the truth log", log_page),
        Route::form("/truth/disclosures", "volunteer a disclosure", volunteer).leads_to("/truth"),
        Route::form("/truth/questions", "ask a question", ask).leads_to("/truth"),
        Route::form("/truth/{id}/answer", "answer a question", answer).leads_to(AT_ENTRY),
        Route::form(
            "/truth/{id}/acknowledge",
            "acknowledge an entry",
            acknowledge,
        )
        .leads_to(AT_ENTRY),
        Route::form("/truth/{id}/park", "park a question for therapy", park).leads_to(AT_ENTRY),
        Route::form("/truth/{id}/unpark", "bring a parked question home", unpark)
            .leads_to(AT_ENTRY),
        Route::form("/truth/{id}/correct", "correct an entry", correct).leads_to(AT_ENTRY),
    ]
}

/// Where an entry's forms lead when their address is opened directly.
const AT_ENTRY: &str = "/truth#entry-{id}";

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct FilterQuery {
    filter: String,
}

/// A disclosure, an answer or a correction: one text of up to 10,000
/// characters.
const TELLING: FormCaps = FormCaps::new(16, 20_000, 20_000);

text_form! {
    pub struct DisclosureForm { betrayal, text, refers_to }
    caps TELLING
}

text_form! {
    pub struct QuestionForm { betrayal, text }
}

text_form! {
    /// The answer and correction forms: one text.
    pub struct TextForm { text }
    caps TELLING
}

/// A form that was refused, to be shown again with what was typed.
enum Refused {
    Nothing,
    Disclosure(DisclosureForm, FormErrors),
    Question(QuestionForm, FormErrors),
    Answer(EntryId, String, FormErrors),
    Correction(EntryId, String, FormErrors),
    Acknowledgement(EntryId, String, FormErrors),
    /// A button on an entry (park, bring back) that could not be pressed.
    Entry(EntryId, FormErrors),
}

/// Something in the log that waits for this person: a question to answer
/// or an entry to read. Listed above the log so it is not missed.
pub struct WaitingItem {
    id: u64,
    what: &'static str,
    text: String,
}

/// What was typed into a form whose step closed before it was sent (say, a
/// question parked meanwhile): shown read-only so nothing is lost, without
/// a button that could not work.
pub struct KeptText {
    field_id: String,
    label: &'static str,
    text: String,
    message: String,
    note: &'static str,
}

pub struct NewDisclosure {
    form: DisclosureForm,
    choice: BetrayalChoice,
    errors: FormErrors,
}

pub struct NewQuestion {
    form: QuestionForm,
    choice: BetrayalChoice,
    errors: FormErrors,
}

/// Another entry an entry points to: the question an answer answers, the
/// entry a correction corrects, the answer of a question.
pub struct Link {
    id: u64,
    text: String,
    /// When the entry pointed to was withdrawn by its author ("" if not).
    withdrawn: String,
}

/// A later correction of an entry, and how long after it came.
pub struct LaterCorrection {
    id: u64,
    after: String,
}

pub struct EntryView {
    id: u64,
    label: &'static str,
    kind: &'static str,
    text: String,
    author: &'static str,
    written_at: String,
    refers_to: String,
    betrayal: String,
    /// For a question: "open", "parked" or "answered".
    question_state: &'static str,
    parked_note: String,
    answer: Option<Link>,
    answers: Option<Link>,
    corrects: Option<Link>,
    corrected_after: String,
    corrections: Vec<LaterCorrection>,
    ack_needed: bool,
    ack_note: String,
    ack_response: String,
    can_answer: bool,
    can_park: bool,
    can_unpark: bool,
    can_correct: bool,
    can_acknowledge: bool,
    can_withdraw: bool,
    /// A tombstone's words ("Withdrawn by its author on …"), else "".
    withdrawn: String,
    answer_text: String,
    answer_errors: FormErrors,
    correction_text: String,
    correction_errors: FormErrors,
    response_text: String,
    response_errors: FormErrors,
    entry_errors: FormErrors,
    kept: Option<KeptText>,
}

#[derive(Template)]
#[template(path = "truth/truth.html")]
struct TruthPage {
    layout: Layout,
    filters: Vec<Chosen>,
    entries: Vec<EntryView>,
    empty: &'static str,
    showing_all: bool,
    waiting: Vec<WaitingItem>,
    disclosure: Option<NewDisclosure>,
    question: Option<NewQuestion>,
    partner_joined: bool,
}

fn quote(entry: Option<&TruthEntry>, zone: Zone) -> Option<Link> {
    entry.map(|e| Link {
        id: e.id.0,
        text: excerpt(&e.text, 160),
        withdrawn: e
            .withdrawn()
            .map(|w| dates::day_of(w.at, zone))
            .unwrap_or_default(),
    })
}

/// The questions `me` may answer and the entries `me` has yet to read,
/// newest first, whatever the log is filtered to.
fn waiting_for(state: &CoupleState, me: UserId) -> Vec<WaitingItem> {
    state
        .truth
        .waiting_for(&state.space, me)
        .into_iter()
        .map(|(entry, step)| WaitingItem {
            id: entry.id.0,
            what: match (step, &entry.kind) {
                (Waiting::Answer, _) => "A question to answer",
                (Waiting::Acknowledge, EntryKind::Disclosure { .. }) => "A disclosure to read",
                (Waiting::Acknowledge, EntryKind::Answer { .. }) => "An answer to read",
                (Waiting::Acknowledge, EntryKind::Correction { .. }) => "A correction to read",
                (Waiting::Acknowledge, EntryKind::Question { .. }) => "A question to read",
                (Waiting::Acknowledge, EntryKind::Withdrawn(_)) => "An entry to read",
            },
            text: excerpt(&entry.text, 90),
        })
        .collect()
}

/// The first message of a refusal, for a form that is no longer offered.
fn refusal_message(errors: &FormErrors, field: &str) -> String {
    errors
        .summary
        .clone()
        .or_else(|| errors.get(field).map(str::to_owned))
        .unwrap_or_default()
}

fn entry_view(
    state: &CoupleState,
    me: UserId,
    entry: &TruthEntry,
    refused: &Refused,
    zone: Zone,
) -> EntryView {
    let log = &state.truth;
    let acting = Acting::new(&state.space, log, me);
    let id = entry.id;
    let (question_state, mut parked_note, answer) = question_parts(entry, log, me, zone);
    if let Some(held) = state.sessions.talked_about(id) {
        parked_note.push_str(&format!(
            " Talked about in session {} on {}.",
            held.number,
            dates::day_of(held.held.at, zone)
        ));
    }
    let (answers, corrects, corrected_after) = links(entry, log, zone);
    let (ack_needed, ack_note, ack_response) = acknowledgement(entry, me, zone);
    let mut view = EntryView {
        id: id.0,
        label: entry.label(),
        kind: kind_code(&entry.kind),
        text: entry.text.clone(),
        author: who(me, entry.author),
        written_at: dates::when(entry.written_at, zone),
        refers_to: match entry.kind {
            EntryKind::Disclosure {
                refers_to: Some(day),
            } => dates::day(day),
            _ => String::new(),
        },
        betrayal: betrayal_tag(&state.space, me, entry.betrayal),
        question_state,
        parked_note,
        answer,
        answers,
        corrects,
        corrected_after,
        corrections: log
            .corrections_of(id)
            .iter()
            .map(|c| LaterCorrection {
                id: c.id.0,
                after: c.corrected_after().map(plain_delay).unwrap_or_default(),
            })
            .collect(),
        ack_needed,
        ack_note,
        ack_response,
        // A step is offered exactly when the record would accept it.
        can_answer: truth::can_answer(acting, id),
        can_park: truth::can_park(acting, id),
        can_unpark: truth::can_unpark(acting, id),
        can_correct: truth::can_correct(acting, id),
        can_acknowledge: truth::can_acknowledge(acting, id),
        can_withdraw: state.can_withdraw(me, id),
        withdrawn: entry
            .withdrawn()
            .map(|w| crate::withdrawal::tombstone(w, zone))
            .unwrap_or_default(),
        answer_text: String::new(),
        answer_errors: FormErrors::default(),
        correction_text: String::new(),
        correction_errors: FormErrors::default(),
        response_text: String::new(),
        response_errors: FormErrors::default(),
        entry_errors: FormErrors::default(),
        kept: None,
    };
    view.keep(id, refused);
    view
}

fn kind_code(kind: &EntryKind) -> &'static str {
    match kind {
        EntryKind::Disclosure { .. } => "disclosure",
        EntryKind::Question { .. } => "question",
        EntryKind::Answer { .. } => "answer",
        EntryKind::Correction { .. } => "correction",
        EntryKind::Withdrawn(_) => "withdrawn",
    }
}

/// For a question: "open", "parked" or "answered", who parked it and when,
/// and its answer.
fn question_parts(
    entry: &TruthEntry,
    log: &TruthLog,
    me: UserId,
    zone: Zone,
) -> (&'static str, String, Option<Link>) {
    match entry.question_status() {
        Some(QuestionStatus::Open) => ("open", String::new(), None),
        Some(QuestionStatus::Parked(parking)) => (
            "parked",
            format!(
                "{} parked it on {}.",
                who(me, parking.by),
                dates::when(parking.at, zone)
            ),
            None,
        ),
        Some(QuestionStatus::Answered { answer }) => {
            ("answered", String::new(), quote(log.entry(*answer), zone))
        }
        None => ("", String::new(), None),
    }
}

/// The question an answer answers, the entry a correction corrects, and how
/// long after it the correction came.
fn links(entry: &TruthEntry, log: &TruthLog, zone: Zone) -> (Option<Link>, Option<Link>, String) {
    match &entry.kind {
        EntryKind::Answer { question } => (quote(log.entry(*question), zone), None, String::new()),
        EntryKind::Correction { corrects, after } => {
            (None, quote(log.entry(*corrects), zone), plain_delay(*after))
        }
        _ => (None, None, String::new()),
    }
}

/// Whether the entry waits to be read, who read it and when, and their
/// words back.
fn acknowledgement(entry: &TruthEntry, me: UserId, zone: Zone) -> (bool, String, String) {
    if let (Some(_), Some(ack)) = (entry.withdrawn(), &entry.acknowledgement) {
        let note = format!(
            "{} read this on {}, before it was withdrawn",
            who(me, ack.by),
            dates::when(ack.at, zone)
        );
        return (true, note, ack.response.clone().unwrap_or_default());
    }
    match entry.ack_state() {
        AckState::NotNeeded => (false, String::new(), String::new()),
        AckState::Awaiting => (true, "Not acknowledged yet".to_owned(), String::new()),
        AckState::Acknowledged(ack) => (
            true,
            format!(
                "{} read this on {}",
                who(me, ack.by),
                dates::when(ack.at, zone)
            ),
            ack.response.clone().unwrap_or_default(),
        ),
    }
}

impl EntryView {
    /// A refused form stays on the page with what was typed. When its step
    /// is still open the form comes back with the text in it; when the step
    /// closed meanwhile (say, the question was parked), the text is kept
    /// read-only with the reason, and no button that could not work.
    fn keep(&mut self, id: EntryId, refused: &Refused) {
        match refused {
            Refused::Answer(target, text, errors) if *target == id => {
                if self.can_answer {
                    self.answer_text = text.clone();
                    self.answer_errors = errors.clone();
                } else {
                    let note = if self.question_state == "parked" {
                        "Nothing was sent. Your answer is kept here for you to copy; \
                         it can be sent once the question is brought back home."
                    } else {
                        "Nothing was sent. Your answer is kept here for you to copy."
                    };
                    self.kept =
                        Some(self.kept_text("text", "Your answer (not sent)", text, errors, note));
                }
            }
            Refused::Correction(target, text, errors) if *target == id => {
                if self.can_correct {
                    self.correction_text = text.clone();
                    self.correction_errors = errors.clone();
                } else {
                    self.kept = Some(self.kept_text(
                        "text",
                        "Your correction (not sent)",
                        text,
                        errors,
                        "Nothing was sent. Your correction is kept here for you to copy.",
                    ));
                }
            }
            Refused::Acknowledgement(target, text, errors) if *target == id => {
                if self.can_acknowledge {
                    self.response_text = text.clone();
                    self.response_errors = errors.clone();
                } else {
                    self.kept = Some(self.kept_text(
                        "response",
                        "Your words back (not sent)",
                        text,
                        errors,
                        "Nothing was sent. Your words are kept here for you to copy.",
                    ));
                }
            }
            Refused::Entry(target, errors) if *target == id => {
                self.entry_errors = errors.clone();
            }
            _ => {}
        }
    }

    fn kept_text(
        &self,
        name: &str,
        label: &'static str,
        text: &str,
        errors: &FormErrors,
        note: &'static str,
    ) -> KeptText {
        KeptText {
            field_id: format!("kept-{name}-{}", self.id),
            label,
            text: text.to_owned(),
            message: refusal_message(errors, name),
            note,
        }
    }
}

fn empty_message(filter: TruthFilter) -> &'static str {
    match filter {
        TruthFilter::All => {
            "Nothing has been written here yet. What is told or asked will be listed here, newest first, each entry just as it was written."
        }
        TruthFilter::Disclosures => "No disclosures yet.",
        TruthFilter::QuestionsOpen => "No questions are waiting for an answer.",
        TruthFilter::QuestionsAnswered => "No questions have been answered yet.",
        TruthFilter::QuestionsParked => "No questions are waiting for therapy.",
    }
}

async fn build(desk: Desk, filter: TruthFilter, refused: Refused) -> AppResult<TruthPage> {
    let zone = desk.layout.now.zone;
    let cached = desk.read().await?;
    let state = &cached.state;
    let me = desk.couple.me;
    let entries = state
        .truth
        .entries(filter)
        .into_iter()
        .map(|entry| entry_view(state, me, entry, &refused, zone))
        .collect();
    let (disclosure_form, disclosure_errors) = refused_form!(&refused, Refused::Disclosure);
    let (question_form, question_errors) = refused_form!(&refused, Refused::Question);
    let choice = BetrayalChoice::for_action(
        &state.space,
        me,
        RepairAction::Volunteer,
        &disclosure_form.betrayal,
    );
    let disclosure = choice.any().then_some(NewDisclosure {
        form: disclosure_form,
        choice,
        errors: disclosure_errors,
    });
    let choice =
        BetrayalChoice::for_action(&state.space, me, RepairAction::Ask, &question_form.betrayal);
    let question = choice.any().then_some(NewQuestion {
        form: question_form,
        choice,
        errors: question_errors,
    });
    Ok(TruthPage {
        layout: desk.layout.in_section("truth"),
        filters: Chosen::among(
            &TruthFilter::ALL,
            filter,
            TruthFilter::code,
            TruthFilter::label,
        ),
        entries,
        empty: empty_message(filter),
        showing_all: filter == TruthFilter::All,
        waiting: waiting_for(state, me),
        disclosure,
        question,
        partner_joined: state.space.is_complete(),
    })
}

async fn log_page(desk: Desk, Query(query): Query<FilterQuery>) -> AppResult<Response> {
    let filter = TruthFilter::parse(&query.filter);
    render(&build(desk, filter, Refused::Nothing).await?)
}

/// Where a form leads once it has landed.
#[derive(Clone, Copy)]
enum Anchor {
    /// The entry the form created (a disclosure, a question, a correction).
    Created,
    /// The entry the form is about (an answered question, a read entry).
    Entry(EntryId),
}

impl Desk {
    /// The one shape of every truth form: the step goes through the submit
    /// path, then back to its entry, or the page again with what was typed.
    async fn act(
        self,
        submission: &Submission,
        anchor: Anchor,
        step: impl Fn(&CoupleState, UserId) -> Result<TruthEvent, Refusal>,
        refused: impl FnOnce(FormErrors) -> Refused,
    ) -> AppResult<Response> {
        let outcome = self
            .submit(submission, |decision| {
                step(decision.couple, self.couple.me).map(Writes::couple)
            })
            .await?;
        let errors = match outcome.or_form(form_errors)? {
            Ok(landed) => return redirect_to(anchor, landed),
            Err(errors) => errors,
        };
        render_refused(&build(self, TruthFilter::All, refused(errors)).await?)
    }
}

fn redirect_to(anchor: Anchor, landed: Landed) -> AppResult<Response> {
    let entry = match anchor {
        Anchor::Entry(entry) => entry,
        Anchor::Created => landed
            .couple_entry()
            .ok_or_else(|| AppError::Internal("a truth step wrote no entry".into()))?,
    };
    Ok(Redirect::to(&format!("/truth#entry-{}", entry.0)).into_response())
}

async fn volunteer(
    PostedForm(desk, form, submission): PostedForm<DisclosureForm>,
) -> AppResult<Response> {
    let now = desk.layout.now;
    let input = DisclosureInput {
        betrayal: form.betrayal.clone(),
        text: form.text.clone(),
        refers_to: form.refers_to.clone(),
    };
    let step = |state: &CoupleState, me| truth::volunteer(&state.space, me, now.instant, &input);
    let refused = |errors| Refused::Disclosure(form, errors);
    desk.act(&submission, Anchor::Created, step, refused).await
}

async fn ask(PostedForm(desk, form, submission): PostedForm<QuestionForm>) -> AppResult<Response> {
    let input = QuestionInput {
        betrayal: form.betrayal.clone(),
        text: form.text.clone(),
    };
    let step = |state: &CoupleState, me| truth::ask(&state.space, me, &input);
    let refused = |errors| Refused::Question(form, errors);
    desk.act(&submission, Anchor::Created, step, refused).await
}

/// A step on the truth log, in the shape `Desk::act` takes.
fn on_log(
    step: impl Fn(Acting<'_, TruthLog>) -> Result<TruthEvent, Refusal>,
) -> impl Fn(&CoupleState, UserId) -> Result<TruthEvent, Refusal> {
    move |state, me| step(Acting::new(&state.space, &state.truth, me))
}

async fn answer(
    EntryForm(desk, question, form, submission): EntryForm<TextForm>,
) -> AppResult<Response> {
    let input = AnswerInput { text: form.text };
    let step = on_log(|acting| truth::answer(acting, question, &input));
    let refused = |errors| Refused::Answer(question, input.text.clone(), errors);
    desk.act(&submission, Anchor::Entry(question), step, refused)
        .await
}

async fn correct(
    EntryForm(desk, original, form, submission): EntryForm<TextForm>,
) -> AppResult<Response> {
    let input = CorrectionInput { text: form.text };
    let step = on_log(|acting| truth::correct(acting, original, &input));
    let refused = |errors| Refused::Correction(original, input.text.clone(), errors);
    desk.act(&submission, Anchor::Created, step, refused).await
}

async fn acknowledge(
    EntryForm(desk, entry, input, submission): EntryForm<AcknowledgementInput>,
) -> AppResult<Response> {
    let step = on_log(|acting| truth::acknowledge(acting, entry, &input));
    let refused = |errors| Refused::Acknowledgement(entry, input.response.clone(), errors);
    desk.act(&submission, Anchor::Entry(entry), step, refused)
        .await
}

async fn park(posted: EntryForm<NoFields>) -> AppResult<Response> {
    set_aside(posted, truth::park).await
}

async fn unpark(posted: EntryForm<NoFields>) -> AppResult<Response> {
    set_aside(posted, truth::unpark).await
}

/// Parking a question for therapy and taking it back: one button on the
/// question, back to it.
async fn set_aside(
    EntryForm(desk, question, _, submission): EntryForm<NoFields>,
    step: fn(Acting<'_, TruthLog>, EntryId) -> Result<TruthEvent, Refusal>,
) -> AppResult<Response> {
    let step = on_log(|acting| step(acting, question));
    let refused = |errors| Refused::Entry(question, errors);
    desk.act(&submission, Anchor::Entry(question), step, refused)
        .await
}
