//! The sending task: a tick each minute, on the app's clock. Each tick
//! reads every person's choices, asks core which reminders are due for
//! them now in their own zone, **claims** each due occasion in the store,
//! and sends only what it claimed.
//!
//! At most once is the rule. The claim is committed before the message is
//! sent; if sending then fails, the reminder is not tried again (a later
//! tick, here or on another instance, finds the claim taken). A missed
//! gentle reminder costs little; a second one, or one that arrives when
//! the partner happened to act, would tell something. The failure is
//! logged, without the address.
//!
//! A claim is made for a quiet decision too (nothing waits, already
//! checked in): the day's decision is made once, at the person's chosen
//! time, so nothing the partner does later that day can send it.

use crate::app::clock::Zone;
use crate::app::config::MailConfig;
use crate::app::state::AppState;
use crate::auth::tokens::{hash_token, random_token};
use crate::couple::MyCouple;
use crate::mail::message::{self, MailError};
use kintsugi_core::reminders::{self, Choice, Decision, Facts, ReminderKind};
use kintsugi_core::{CoupleId, StreamId, UserId};
use kintsugi_store::ChosenReminder;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use time::{OffsetDateTime, Time};

/// How long a claim is kept: far longer than any occasion stays open.
const CLAIMS_KEPT: time::Duration = time::Duration::days(3);
/// How long an unsubscribe link keeps working.
const LINKS_KEPT: time::Duration = time::Duration::days(90);

/// What one tick did, in counts only.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TickReport {
    /// Messages handed to the SMTP server.
    pub sent: usize,
    /// Occasions decided with nothing to send.
    pub quiet: usize,
    /// Occasions another instance had claimed first.
    pub claimed_elsewhere: usize,
    /// Claimed, but the message could not be made or sent: not retried.
    pub failed: usize,
}

/// Starts the task that ticks each minute; `serve` calls it only when
/// SMTP is configured.
pub fn start(app: AppState) -> tokio::task::JoinHandle<()> {
    crate::app::ticks::every_minute(app, "reminders", |app| async move { tick(&app).await })
}

/// One tick at the app clock's now; tests call it directly after moving
/// the clock. Does nothing when this instance sends no email.
pub async fn tick(app: &AppState) -> Result<TickReport, MailError> {
    let Some(mail) = app.config.mail.as_ref() else {
        return Ok(TickReport::default());
    };
    let now = app.clock.now();
    app.store
        .forget_reminders_before(now - CLAIMS_KEPT, now - LINKS_KEPT)
        .await?;
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&mail.smtp_url)?.build();
    let mut report = TickReport::default();
    let chosen = app.store.chosen_reminders().await?;
    for person in chosen.chunk_by(|a, b| a.user_id == b.user_id) {
        if let Err(error) = remind(app, mail, &transport, person, now, &mut report).await {
            report.failed += 1;
            tracing::warn!(%error, "a reminder was not sent");
        }
    }
    Ok(report)
}

/// A person's chosen reminders at `now`: decided, claimed, and sent when
/// there is something to say.
async fn remind(
    app: &AppState,
    mail: &MailConfig,
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    choices: &[ChosenReminder],
    now: OffsetDateTime,
    report: &mut TickReport,
) -> Result<(), MailError> {
    let Some(first) = choices.first() else {
        return Ok(());
    };
    let person = UserId(first.user_id);
    let zone = first
        .time_zone
        .as_deref()
        .and_then(|name| Zone::named(name).ok())
        .unwrap_or(app.config.time_zone);
    let local = zone.local(now);
    let choices: Vec<Choice> = choices.iter().filter_map(choice_of).collect();
    // Whether any is due depends on the time alone: only then is the
    // person's Today read.
    if reminders::decide_all(&choices, local, Facts::default()).is_empty() {
        return Ok(());
    }
    let facts = facts_of(app, person, zone, local).await?;
    for decision in reminders::decide_all(&choices, local, facts) {
        let (occasion, send) = match decision {
            Decision::Send(occasion) => (occasion, true),
            Decision::Quiet(occasion) => (occasion, false),
            Decision::NotNow => continue,
        };
        if !app
            .store
            .claim_reminder(person.0, &occasion.key(), now)
            .await?
        {
            report.claimed_elsewhere += 1;
            continue;
        }
        if !send {
            report.quiet += 1;
            continue;
        }
        let token = random_token();
        app.store
            .add_unsubscribe_token(&hash_token(&token), person.0, occasion.kind.as_str(), now)
            .await?;
        let email = message::reminder(mail, occasion.kind, &first.email, &token)?;
        transport.send(email).await?;
        report.sent += 1;
    }
    Ok(())
}

fn choice_of(chosen: &ChosenReminder) -> Option<Choice> {
    let kind = ReminderKind::parse(&chosen.kind)?;
    let hour = u8::try_from(chosen.at_minute / 60).ok()?;
    let minute = u8::try_from(chosen.at_minute % 60).ok()?;
    Some(Choice {
        kind,
        at: Time::from_hms(hour, minute, 0).ok()?,
    })
}

/// The facts of the person's Today, from their couple's record and their
/// own private stream, read only to answer yes or no for their own
/// reminder. Someone without a space has nothing waiting and nothing to
/// check in to: nothing is sent to them.
async fn facts_of(
    app: &AppState,
    person: UserId,
    zone: Zone,
    local: OffsetDateTime,
) -> Result<Facts, MailError> {
    let Some(couple) = app.store.couple_of(person.0).await? else {
        return Ok(Facts {
            checked_in_today: true,
            ..Facts::default()
        });
    };
    let couple = MyCouple {
        id: CoupleId(couple),
        stream: StreamId::couple(CoupleId(couple)),
        me: person,
    };
    let shared = couple.read(app).await?;
    let mine = app
        .privates
        .read(app.store.as_ref(), StreamId::private(person).as_str())
        .await?;
    let facts = reminders::facts(&shared.state, &mine.state, person, local, |at| {
        zone.local(at).date()
    })
    .map_err(crate::app::error::AppError::from_refusal)?;
    Ok(facts)
}
