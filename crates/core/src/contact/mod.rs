//! Contact reports: when the affair partner makes contact, the involved
//! partner tells the hurt partner what happened and how they responded. The
//! record keeps how long after the contact the report came, because telling
//! promptly is part of being trustworthy. The hurt partner acknowledges it.
//!
//! Reports are written by a person; nothing here watches a phone, an inbox or
//! a location.

use crate::access::repair_rules::{self, Acknowledgement, RepairAction};
use crate::kernel::event::Meta;
use crate::kernel::ids::{EntryId, UserId};
use crate::kernel::refusal::Refusal;
use crate::kernel::text;
use crate::space::{Role, SpaceState};
use crate::streams::couple::{CoupleEvent, CoupleState};
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime, PrimitiveDateTime, UtcOffset};

const MAX_TEXT: usize = 5_000;
const MAX_RESPONSE: usize = 2_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactChannel {
    TextMessage,
    Call,
    Email,
    SocialMedia,
    InPerson,
    ThroughSomeone,
    Other,
}

impl ContactChannel {
    pub const ALL: [ContactChannel; 7] = [
        ContactChannel::TextMessage,
        ContactChannel::Call,
        ContactChannel::Email,
        ContactChannel::SocialMedia,
        ContactChannel::InPerson,
        ContactChannel::ThroughSomeone,
        ContactChannel::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ContactChannel::TextMessage => "text_message",
            ContactChannel::Call => "call",
            ContactChannel::Email => "email",
            ContactChannel::SocialMedia => "social_media",
            ContactChannel::InPerson => "in_person",
            ContactChannel::ThroughSomeone => "through_someone",
            ContactChannel::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ContactChannel::TextMessage => "A text message",
            ContactChannel::Call => "A call",
            ContactChannel::Email => "An email",
            ContactChannel::SocialMedia => "Social media",
            ContactChannel::InPerson => "In person",
            ContactChannel::ThroughSomeone => "Through someone else",
            ContactChannel::Other => "Another way",
        }
    }

    pub fn parse(code: &str) -> Result<Self, Refusal> {
        Self::ALL
            .into_iter()
            .find(|c| c.code() == code.trim())
            .ok_or_else(|| Refusal::invalid("channel", "Please choose how the contact came."))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ContactEvent {
    /// The report's own time is the event's time.
    Reported {
        betrayal: EntryId,
        #[serde(with = "time::serde::rfc3339")]
        happened_at: OffsetDateTime,
        channel: ContactChannel,
        what_was_said: String,
        how_i_responded: String,
    },
    Acknowledged {
        report: EntryId,
        response: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactReport {
    pub id: EntryId,
    pub betrayal: EntryId,
    pub reported_by: UserId,
    pub reported_at: OffsetDateTime,
    pub happened_at: OffsetDateTime,
    pub channel: ContactChannel,
    pub what_was_said: String,
    pub how_i_responded: String,
    pub acknowledgement: Option<Acknowledgement>,
}

impl ContactReport {
    /// How long after the contact it was reported.
    pub fn reported_after(&self) -> Duration {
        self.reported_at - self.happened_at
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactReports {
    /// In the order reported; ids grow with it.
    reports: Vec<ContactReport>,
}

impl ContactReports {
    pub fn apply(&mut self, meta: &Meta, event: &ContactEvent) {
        match event {
            ContactEvent::Reported {
                betrayal,
                happened_at,
                channel,
                what_was_said,
                how_i_responded,
            } => self.reports.push(ContactReport {
                id: meta.entry(),
                betrayal: *betrayal,
                reported_by: meta.author,
                reported_at: meta.at,
                happened_at: *happened_at,
                channel: *channel,
                what_was_said: what_was_said.clone(),
                how_i_responded: how_i_responded.clone(),
                acknowledgement: None,
            }),
            ContactEvent::Acknowledged { report, response } => {
                if let Some(found) = self.get_mut(*report) {
                    found.acknowledgement = Some(Acknowledgement {
                        by: meta.author,
                        at: meta.at,
                        response: response.clone(),
                    });
                }
            }
        }
    }

    pub fn get(&self, id: EntryId) -> Option<&ContactReport> {
        self.reports
            .binary_search_by_key(&id, |r| r.id)
            .ok()
            .map(|i| &self.reports[i])
    }

    fn get_mut(&mut self, id: EntryId) -> Option<&mut ContactReport> {
        self.reports
            .binary_search_by_key(&id, |r| r.id)
            .ok()
            .map(|i| &mut self.reports[i])
    }

    /// Every report, newest first.
    pub fn all(&self) -> Vec<&ContactReport> {
        self.reports.iter().rev().collect()
    }

    /// Reports `me` has not acknowledged yet, oldest first.
    pub fn awaiting_acknowledgement_by(
        &self,
        space: &SpaceState,
        me: UserId,
    ) -> Vec<&ContactReport> {
        self.reports
            .iter()
            .filter(|r| r.acknowledgement.is_none())
            .filter(|r| repair_rules::holds(space, me, r.betrayal, Role::Hurt))
            .collect()
    }
}

#[derive(Debug, Clone, Default)]
pub struct ContactReportInput {
    pub betrayal: String,
    /// An HTML `datetime-local` value: `2026-03-14T18:30`.
    pub happened_at: String,
    /// The offset the time was given in (`+01:00`); empty means UTC. The web
    /// layer fills it from the person's time zone setting.
    pub utc_offset: String,
    /// One of `ContactChannel::code`.
    pub channel: String,
    pub what_was_said: String,
    pub how_i_responded: String,
}

#[derive(Debug, Clone, Default)]
pub struct ContactAcknowledgementInput {
    pub response: String,
}

/// Reads a `datetime-local` value given at `utc_offset` and returns it in UTC.
pub fn parse_local_datetime(
    field: &'static str,
    raw: &str,
    utc_offset: &str,
) -> Result<OffsetDateTime, Refusal> {
    let offset = match utc_offset.trim() {
        "" => UtcOffset::UTC,
        raw_offset => UtcOffset::parse(
            raw_offset,
            time::macros::format_description!("[offset_hour sign:mandatory]:[offset_minute]"),
        )
        .map_err(|_| Refusal::invalid("utc_offset", "The time zone was not understood."))?,
    };
    let raw = raw.trim();
    let with_seconds =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    let without_seconds = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    let local = PrimitiveDateTime::parse(raw, without_seconds)
        .or_else(|_| PrimitiveDateTime::parse(raw, with_seconds))
        .map_err(|_| {
            Refusal::invalid(field, "Please give a date and time like 2026-03-14 18:30.")
        })?;
    if local.year() < 2000 {
        return Err(Refusal::invalid(field, "Please check the year."));
    }
    Ok(local.assume_offset(offset).to_offset(UtcOffset::UTC))
}

pub fn report(
    state: &CoupleState,
    actor: UserId,
    now: OffsetDateTime,
    input: &ContactReportInput,
) -> Result<CoupleEvent, Refusal> {
    let betrayal = repair_rules::choose_betrayal(&state.space, actor, &input.betrayal)?;
    repair_rules::authorize(&state.space, actor, betrayal, RepairAction::ReportContact)?;
    let happened_at = parse_local_datetime("happened_at", &input.happened_at, &input.utc_offset)?;
    if happened_at > now {
        return Err(Refusal::invalid(
            "happened_at",
            "This time is still to come; please give when the contact happened.",
        ));
    }
    let channel = ContactChannel::parse(&input.channel)?;
    let what_was_said = text::required("what_was_said", &input.what_was_said, MAX_TEXT)?;
    let how_i_responded = text::required("how_i_responded", &input.how_i_responded, MAX_TEXT)?;
    Ok(CoupleEvent::Contact(ContactEvent::Reported {
        betrayal,
        happened_at,
        channel,
        what_was_said,
        how_i_responded,
    }))
}

pub fn acknowledge(
    state: &CoupleState,
    actor: UserId,
    report: EntryId,
    input: &ContactAcknowledgementInput,
) -> Result<CoupleEvent, Refusal> {
    repair_rules::member(&state.space, actor)?;
    let found = state.contact.get(report).ok_or(Refusal::NotFound)?;
    repair_rules::authorize(
        &state.space,
        actor,
        found.betrayal,
        RepairAction::AcknowledgeContact,
    )?;
    if found.acknowledgement.is_some() {
        return Err(Refusal::Conflict(
            "You have already acknowledged this report.",
        ));
    }
    let response = text::optional("response", &input.response, MAX_RESPONSE)?;
    Ok(CoupleEvent::Contact(ContactEvent::Acknowledged {
        report,
        response,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_round_trip, World};
    use time::macros::datetime;

    fn contact(happened_at: &str) -> ContactReportInput {
        ContactReportInput {
            betrayal: String::new(),
            happened_at: happened_at.to_owned(),
            utc_offset: String::new(),
            channel: "text_message".to_owned(),
            what_was_said: "She asked how I was.".to_owned(),
            how_i_responded: "I did not reply and blocked the number.".to_owned(),
        }
    }

    #[test]
    fn a_report_records_how_long_after_the_contact_it_came() {
        let mut c = World::new();
        // The couple's clock reads 2 March 2026, 09:00 UTC.
        let r = c.run(c.involved, |s, a, n| {
            report(s, a, n, &contact("2026-03-01T21:15"))
        });
        let made = c.couple.contact.get(r).unwrap();
        assert_eq!(made.happened_at, datetime!(2026-03-01 21:15 UTC));
        assert_eq!(made.reported_after(), Duration::minutes(11 * 60 + 45));
        assert_eq!(repair_rules::plain_delay(made.reported_after()), "11 hours");
        assert_eq!(made.channel, ContactChannel::TextMessage);
    }

    #[test]
    fn a_time_given_in_a_time_zone_is_stored_in_utc() {
        let c = World::new();
        let input = ContactReportInput {
            utc_offset: "+02:00".to_owned(),
            ..contact("2026-03-02T10:30")
        };
        // 10:30 at +02:00 is 08:30 UTC: half an hour ago, not in the future.
        match c.attempt(c.involved, |s, a, n| report(s, a, n, &input)) {
            Ok(CoupleEvent::Contact(ContactEvent::Reported { happened_at, .. })) => {
                assert_eq!(happened_at, datetime!(2026-03-02 08:30 UTC));
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn a_contact_cannot_be_in_the_future_and_every_field_is_checked() {
        let c = World::new();
        let field = |input: ContactReportInput| match c
            .attempt(c.involved, |s, a, n| report(s, a, n, &input))
        {
            Err(Refusal::Invalid { field, .. }) => field,
            other => panic!("expected a refusal, got {other:?}"),
        };
        assert_eq!(field(contact("2026-03-02T09:01")), "happened_at");
        assert_eq!(field(contact("yesterday")), "happened_at");
        assert_eq!(
            field(ContactReportInput {
                channel: "telepathy".to_owned(),
                ..contact("2026-03-01T10:00")
            }),
            "channel"
        );
        assert_eq!(
            field(ContactReportInput {
                what_was_said: " ".to_owned(),
                ..contact("2026-03-01T10:00")
            }),
            "what_was_said"
        );
        assert_eq!(
            field(ContactReportInput {
                how_i_responded: String::new(),
                ..contact("2026-03-01T10:00")
            }),
            "how_i_responded"
        );
        assert_eq!(
            field(ContactReportInput {
                utc_offset: "Europe/Paris".to_owned(),
                ..contact("2026-03-01T10:00")
            }),
            "utc_offset"
        );
    }

    #[test]
    fn the_hurt_partner_acknowledges_a_report_once() {
        let mut c = World::new();
        let first = c.run(c.involved, |s, a, n| {
            report(s, a, n, &contact("2026-03-01T21:15"))
        });
        let second = c.run(c.involved, |s, a, n| {
            report(s, a, n, &contact("2026-03-02T08:00"))
        });
        let waiting: Vec<_> = c
            .couple
            .contact
            .awaiting_acknowledgement_by(&c.couple.space, c.hurt)
            .iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(waiting, vec![first, second]);
        let newest_first: Vec<_> = c.couple.contact.all().iter().map(|r| r.id).collect();
        assert_eq!(newest_first, vec![second, first]);

        let thanks = ContactAcknowledgementInput {
            response: "Thank you for telling me straight away.".to_owned(),
        };
        assert_eq!(
            c.attempt(c.involved, |s, a, _| acknowledge(s, a, first, &thanks)),
            Err(Refusal::NotAllowed(
                RepairAction::AcknowledgeContact.refusal()
            ))
        );
        c.run(c.hurt, |s, a, _| acknowledge(s, a, first, &thanks));
        assert_eq!(
            c.couple
                .contact
                .get(first)
                .and_then(|r| r.acknowledgement.as_ref())
                .and_then(|a| a.response.as_deref()),
            Some("Thank you for telling me straight away.")
        );
        assert_eq!(
            c.attempt(c.hurt, |s, a, _| acknowledge(s, a, first, &thanks)),
            Err(Refusal::Conflict(
                "You have already acknowledged this report."
            ))
        );
        let left: Vec<_> = c
            .couple
            .contact
            .awaiting_acknowledgement_by(&c.couple.space, c.hurt)
            .iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(left, vec![second]);
    }

    #[test]
    fn every_contact_event_survives_the_stored_json() {
        for channel in ContactChannel::ALL {
            assert_round_trip(
                &ContactEvent::Reported {
                    betrayal: EntryId(2),
                    happened_at: datetime!(2026-03-01 21:15 UTC),
                    channel,
                    what_was_said: "w".to_owned(),
                    how_i_responded: "h".to_owned(),
                },
                "reported",
            );
        }
        assert_round_trip(
            &ContactEvent::Acknowledged {
                report: EntryId(4),
                response: None,
            },
            "acknowledged",
        );
        let json = serde_json::to_value(ContactEvent::Reported {
            betrayal: EntryId(2),
            happened_at: datetime!(2026-03-01 21:15 UTC),
            channel: ContactChannel::ThroughSomeone,
            what_was_said: "w".to_owned(),
            how_i_responded: "h".to_owned(),
        })
        .unwrap();
        assert_eq!(json["happened_at"], "2026-03-01T21:15:00Z");
        assert_eq!(json["channel"], "through_someone");
    }
}
