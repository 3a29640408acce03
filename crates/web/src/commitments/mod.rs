//! Commitments: the involved partner's bedrock actions (no contact first),
//! each with its whole status history, which the hurt partner sees and
//! acknowledges. Nothing here watches anyone: what is shared is offered.

use crate::app::clock::Zone;
use crate::app::error::AppResult;
use crate::app::layout::Layout;
use crate::exec::{Landed, Submission};
use crate::http::extractors::{Desk, EntryForm, PostedForm};
use crate::http::forms::{Form, FormErrors, NoFields};
use crate::http::routes::Route;
use crate::present::dates;
use crate::present::repair::{
    at_entry, betrayal_tag, redraws_with, room_page, BetrayalChoice, Choice,
};
use crate::present::repair::{refused_at, refused_form};
use crate::present::words::who;
use askama::Template;
use axum::response::Response;
use kintsugi_core::access::repair_rules::RepairAction;
use kintsugi_core::access::room::Acting;
use kintsugi_core::commitments::{
    self, Commitment, CommitmentEvent, CommitmentInput, CommitmentKind, CommitmentStatus,
    Commitments, StatusInput,
};
use kintsugi_core::streams::couple::CoupleState;
use kintsugi_core::{EntryId, Refusal, UserId};

pub fn routes() -> Vec<Route> {
    vec![
        Route::page(
            "/commitments",
            "commitments and the form",
            room_page::<Refused>,
        ),
        Route::form("/commitments", "make a commitment", make),
        Route::form(
            "/commitments/{id}/status",
            "update a commitment",
            update_status,
        )
        .leads_to("/commitments"),
        Route::form(
            "/commitments/{id}/acknowledge",
            "acknowledge news",
            acknowledge,
        )
        .leads_to("/commitments"),
    ]
}

impl Form for CommitmentInput {}

impl Form for StatusInput {}

#[derive(Default)]
enum Refused {
    #[default]
    Nothing,
    Make(CommitmentInput, FormErrors),
    Status(EntryId, StatusInput, FormErrors),
    Acknowledge(EntryId, FormErrors),
}

pub struct KindChoice {
    code: &'static str,
    label: &'static str,
    hint: &'static str,
}

pub struct NewCommitment {
    form: CommitmentInput,
    choice: BetrayalChoice,
    errors: FormErrors,
    kinds: Vec<KindChoice>,
    /// Unfolded when there is nothing else to see yet, or after a refusal
    /// so what was chosen and typed is in view.
    open: bool,
}

pub struct StatusRow {
    label: &'static str,
    code: &'static str,
    note: String,
    when: String,
    who: &'static str,
    seen: String,
}

pub struct StatusBox {
    form: StatusInput,
    errors: FormErrors,
    choices: Vec<Choice>,
}

pub struct CommitmentView {
    id: u64,
    can_withdraw: bool,
    title: String,
    kind: &'static str,
    details: String,
    status: &'static str,
    status_code: &'static str,
    betrayal: String,
    history: Vec<StatusRow>,
    update: Option<StatusBox>,
    can_acknowledge: bool,
    acknowledge_errors: FormErrors,
}

#[derive(Template)]
#[template(path = "commitments/commitments.html")]
struct CommitmentsPage {
    layout: Layout,
    withdrawn: Vec<crate::withdrawal::Tombstone>,
    new: Option<NewCommitment>,
    commitments: Vec<CommitmentView>,
    contact_reports: usize,
    contact_waiting: usize,
}

fn view(
    state: &CoupleState,
    me: UserId,
    c: &Commitment,
    refused: &Refused,
    zone: Zone,
) -> CommitmentView {
    let update =
        commitments::can_update_status(Acting::new(&state.space, &state.commitments, me), c.id)
            .then(|| {
                let (form, errors) = match refused {
                    Refused::Status(id, form, errors) if *id == c.id => {
                        (form.clone(), errors.clone())
                    }
                    _ => Default::default(),
                };
                StatusBox {
                    form,
                    errors,
                    choices: CommitmentStatus::UPDATES
                        .iter()
                        .map(|s| Choice {
                            code: s.code(),
                            label: s.label(),
                        })
                        .collect(),
                }
            });
    CommitmentView {
        id: c.id.0,
        can_withdraw: state.can_withdraw(me, c.id),
        title: c.title().to_owned(),
        kind: c.kind.label(),
        details: match c.kind {
            CommitmentKind::Own => String::new(),
            _ => c.details.clone().unwrap_or_default(),
        },
        status: c.status().label(),
        status_code: c.status().code(),
        betrayal: betrayal_tag(&state.space, me, c.betrayal),
        history: c
            .history
            .iter()
            .rev()
            .map(|entry| StatusRow {
                label: entry.status.label(),
                code: entry.status.code(),
                note: entry.note.clone().unwrap_or_default(),
                when: dates::when(entry.at, zone),
                who: who(me, entry.by),
                seen: entry
                    .seen
                    .as_ref()
                    .map(|s| format!("{} saw this on {}", who(me, s.by), dates::when(s.at, zone)))
                    .unwrap_or_else(|| "Not seen yet".to_owned()),
            })
            .collect(),
        update,
        can_acknowledge: commitments::can_acknowledge(
            Acting::new(&state.space, &state.commitments, me),
            c.id,
        ),
        acknowledge_errors: refused_at!(refused, Refused::Acknowledge, c.id),
    }
}

redraws_with!(Refused, CommitmentsPage, build);

async fn build(desk: Desk, refused: Refused) -> AppResult<CommitmentsPage> {
    let zone = desk.layout.now.zone;
    let cached = desk.read().await?;
    let state = &cached.state;
    let me = desk.couple.me;
    let (form, errors) = refused_form!(&refused, Refused::Make);
    let choice = BetrayalChoice::for_action(
        &state.space,
        me,
        RepairAction::MakeCommitment,
        &form.betrayal,
    );
    let nothing_made = state.commitments.all().is_empty();
    let new = choice.any().then(|| NewCommitment {
        open: nothing_made || errors.any(),
        form,
        choice,
        errors,
        kinds: CommitmentKind::ALL
            .iter()
            .map(|k| KindChoice {
                code: k.code(),
                label: k.label(),
                hint: k.details_hint(),
            })
            .collect(),
    });
    Ok(CommitmentsPage {
        withdrawn: crate::withdrawal::tombstones(
            &state.withdrawals,
            kintsugi_core::withdrawal::EntryRoom::Commitment,
            zone,
        ),
        layout: desk.layout.in_section("commitments"),
        new,
        commitments: state
            .commitments
            .all()
            .iter()
            .rev()
            .map(|c| view(state, me, c, &refused, zone))
            .collect(),
        contact_reports: state.contact.all().len(),
        contact_waiting: state
            .contact
            .awaiting_acknowledgement_by(&state.space, me)
            .len(),
    })
}

async fn make(
    PostedForm(desk, form, submission): PostedForm<CommitmentInput>,
) -> AppResult<Response> {
    let step = |acting: Acting<'_, Commitments>| commitments::make(acting, &form);
    let landed_at = |landed: Landed| at_entry("/commitments", "commitment", landed.couple_entry());
    let refused = |errors| Refused::Make(form.clone(), errors);
    desk.step_and_land(&submission, |s| &s.commitments, step, landed_at, refused)
        .await
}

async fn update_status(
    EntryForm(desk, commitment, form, submission): EntryForm<StatusInput>,
) -> AppResult<Response> {
    let step =
        |acting: Acting<'_, Commitments>| commitments::update_status(acting, commitment, &form);
    let refused = |errors| Refused::Status(commitment, form.clone(), errors);
    on_a_commitment(desk, &submission, commitment, step, refused).await
}

async fn acknowledge(
    EntryForm(desk, commitment, _, submission): EntryForm<NoFields>,
) -> AppResult<Response> {
    let step = |acting: Acting<'_, Commitments>| commitments::acknowledge(acting, commitment);
    let refused = |errors| Refused::Acknowledge(commitment, errors);
    on_a_commitment(desk, &submission, commitment, step, refused).await
}

/// A step on one commitment, then back to its card.
async fn on_a_commitment(
    desk: Desk,
    submission: &Submission,
    commitment: EntryId,
    step: impl Fn(Acting<'_, Commitments>) -> Result<CommitmentEvent, Refusal>,
    refused: impl FnOnce(FormErrors) -> Refused,
) -> AppResult<Response> {
    let landed_at = |_| at_entry("/commitments", "commitment", Some(commitment));
    desk.step_and_land(submission, |s| &s.commitments, step, landed_at, refused)
        .await
}
