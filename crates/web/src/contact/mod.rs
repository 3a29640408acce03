//! Contact reports: the involved partner tells when the affair partner made
//! contact and how they responded; the record shows how long after the
//! contact it was told, and the hurt partner acknowledges it.

use crate::app::clock::{read_typed_time, Zone};
use crate::app::error::AppResult;
use crate::app::layout::Layout;
use crate::exec::{Landed, Writes};
use crate::http::extractors::{Desk, EntryForm, PostedForm};
use crate::http::forms::text_form;
use crate::http::forms::{FormCaps, FormErrors};
use crate::http::routes::Route;
use crate::present::dates::{self, TwiceOption};
use crate::present::repair::refused_form;
use crate::present::repair::{
    at_entry, betrayal_tag, redraws_with, room_page, BetrayalChoice, Choice,
};
use crate::present::words::who;
use askama::Template;
use axum::response::Response;
use kintsugi_core::access::repair_rules::RepairAction;
use kintsugi_core::access::room::Acting;
use kintsugi_core::contact::{
    self, AcknowledgementInput, ContactChannel, ContactReport, ContactReportInput, ContactReports,
};
use kintsugi_core::kernel::days::plain_delay;
use kintsugi_core::streams::couple::CoupleState;
use kintsugi_core::{EntryId, UserId};

pub fn routes() -> Vec<Route> {
    vec![
        Route::page(
            "/contact",
            "contact reports and the form",
            room_page::<Refused>,
        ),
        Route::form("/contact", "report a contact", report),
        Route::form(
            "/contact/{id}/acknowledge",
            "acknowledge a report",
            acknowledge,
        )
        .leads_to("/contact"),
    ]
}

text_form! {
    pub struct ContactForm {
        betrayal, happened_at,
        /// Which of two times, when the typed one happened twice (clocks went
        /// back): `first` or `second`.
        happened_at_which,
        channel, what_was_said, how_i_responded,
    }
    /// Two texts of up to 5,000 characters each.
    caps FormCaps::new(16, 10_000, 20_000)
}

#[derive(Default)]
enum Refused {
    #[default]
    Nothing,
    Report(ContactForm, FormErrors),
    Acknowledge(EntryId, AcknowledgementInput, FormErrors),
}

pub struct NewReport {
    form: ContactForm,
    choice: BetrayalChoice,
    errors: FormErrors,
    channels: Vec<Choice>,
    /// The latest time the field accepts, in its own format.
    now: String,
    now_display: String,
    /// The viewer's zone, named where they type a time.
    zone: &'static str,
    /// When the typed time happened twice: the two to choose from.
    twice: Option<[TwiceOption; 2]>,
}

pub struct ReportView {
    id: u64,
    can_withdraw: bool,
    happened_at: String,
    channel: &'static str,
    reported_by: &'static str,
    reported_at: String,
    reported_after: String,
    what_was_said: String,
    how_i_responded: String,
    /// "How you responded" for the author, "How they responded" for the
    /// partner reading it.
    responded_label: &'static str,
    betrayal: String,
    ack_note: String,
    ack_response: String,
    can_acknowledge: bool,
    response: String,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "contact/contact.html")]
struct ContactPage {
    layout: Layout,
    withdrawn: Vec<crate::withdrawal::Tombstone>,
    new: Option<NewReport>,
    reports: Vec<ReportView>,
}

/// The tombstones of reports their author withdrew, each with the
/// acknowledgement it had, which stays.
fn withdrawn_reports(
    state: &CoupleState,
    me: UserId,
    zone: Zone,
) -> Vec<crate::withdrawal::Tombstone> {
    let room = kintsugi_core::withdrawal::EntryRoom::Contact;
    let mut list = crate::withdrawal::tombstones(&state.withdrawals, room, zone);
    for tombstone in &mut list {
        let id = kintsugi_core::EntryId(tombstone.id);
        if let Some(ack) = state.contact.acknowledgement_of_withdrawn(id) {
            tombstone.answered = format!(
                "{} read it on {}, before it was withdrawn",
                who(me, ack.by),
                dates::when(ack.at, zone)
            );
            tombstone.response = ack.response.clone().unwrap_or_default();
        }
    }
    list
}

fn view(
    state: &CoupleState,
    me: UserId,
    r: &ContactReport,
    refused: &Refused,
    zone: Zone,
) -> ReportView {
    let (ack_note, ack_response) = match &r.acknowledgement {
        Some(ack) => (
            format!(
                "{} read this on {}",
                who(me, ack.by),
                dates::when(ack.at, zone)
            ),
            ack.response.clone().unwrap_or_default(),
        ),
        None => ("Not read yet".to_owned(), String::new()),
    };
    let (response, errors, refused_here) = match refused {
        Refused::Acknowledge(id, form, errors) if *id == r.id => {
            (form.response.clone(), errors.clone(), true)
        }
        _ => Default::default(),
    };
    ReportView {
        id: r.id.0,
        can_withdraw: state.can_withdraw(me, r.id),
        happened_at: dates::when(r.happened_at, zone),
        channel: r.channel.label(),
        reported_by: who(me, r.reported_by),
        reported_at: dates::when(r.reported_at, zone),
        reported_after: plain_delay(r.reported_after()),
        what_was_said: r.what_was_said.clone(),
        how_i_responded: r.how_i_responded.clone(),
        responded_label: if r.reported_by == me {
            "How you responded"
        } else {
            "How they responded"
        },
        betrayal: betrayal_tag(&state.space, me, r.betrayal),
        ack_note,
        ack_response,
        // A refused acknowledgement stays with the words typed.
        can_acknowledge: refused_here
            || contact::can_acknowledge(Acting::new(&state.space, &state.contact, me), r.id),
        response,
        errors,
    }
}

redraws_with!(Refused, ContactPage, build);

async fn build(desk: Desk, refused: Refused) -> AppResult<ContactPage> {
    let layout = desk.layout;
    let zone = layout.now.zone;
    let cached = desk.couple.read(&desk.app).await?;
    let state = &cached.state;
    let me = desk.couple.me;
    let (form, errors) = refused_form!(&refused, Refused::Report);
    let choice = BetrayalChoice::for_action(
        &state.space,
        me,
        RepairAction::ReportContact,
        &form.betrayal,
    );
    let moment = layout.now.instant;
    let now = dates::typed_value(layout.now.local(moment));
    let twice = dates::twice_options(&form.happened_at, &form.happened_at_which, zone);
    let new = choice.any().then(|| NewReport {
        form,
        choice,
        errors,
        channels: ContactChannel::ALL
            .iter()
            .map(|c| Choice {
                code: c.code(),
                label: c.label(),
            })
            .collect(),
        now,
        now_display: dates::when(moment, zone),
        zone: zone.name(),
        twice,
    });
    Ok(ContactPage {
        withdrawn: withdrawn_reports(state, me, zone),
        layout: layout.in_section("commitments"),
        new,
        reports: state
            .contact
            .all()
            .into_iter()
            .map(|r| view(state, me, r, &refused, zone))
            .collect(),
    })
}

async fn report(
    PostedForm(desk, form, submission): PostedForm<ContactForm>,
) -> AppResult<Response> {
    let now = desk.layout.now;
    // The time typed is on the reporter's own wall clock.
    let happened_at = read_typed_time(
        "happened_at",
        &form.happened_at,
        &form.happened_at_which,
        now.zone,
    );
    let me = desk.couple.me;
    let outcome = desk
        .submit(&submission, |decision| {
            let input = ContactReportInput {
                betrayal: form.betrayal.clone(),
                happened_at: happened_at.clone()?,
                channel: form.channel.clone(),
                what_was_said: form.what_was_said.clone(),
                how_i_responded: form.how_i_responded.clone(),
            };
            contact::report(&decision.couple.space, me, now.instant, &input).map(Writes::couple)
        })
        .await?;
    let landed_at = |landed: Landed| at_entry("/contact", "report", landed.couple_entry());
    desk.land(outcome, landed_at, |errors| Refused::Report(form, errors))
        .await
}

async fn acknowledge(
    EntryForm(desk, report, form, submission): EntryForm<AcknowledgementInput>,
) -> AppResult<Response> {
    let step = |acting: Acting<'_, ContactReports>| contact::acknowledge(acting, report, &form);
    let landed_at = |_| at_entry("/contact", "report", Some(report));
    let refused = |errors| Refused::Acknowledge(report, form.clone(), errors);
    desk.step_and_land(&submission, |s| &s.contact, step, landed_at, refused)
        .await
}
