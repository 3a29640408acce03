use super::*;
use crate::access::repair_rules::RepairAction;
use crate::access::room::Acting;
use crate::kernel::ids::{EntryId, UserId};
use crate::kernel::refusal::Refusal;
use crate::testing::step;
use crate::testing::{assert_can_agrees, assert_round_trip, entry_ids, refused_field, World};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

fn contact(happened_at: OffsetDateTime) -> ContactReportInput {
    ContactReportInput {
        betrayal: String::new(),
        happened_at,
        channel: "text_message".to_owned(),
        what_was_said: "She asked how I was.".to_owned(),
        how_i_responded: "I did not reply and blocked the number.".to_owned(),
    }
}

/// The involved partner reports a contact that happened at `at`.
fn reported(c: &mut World, at: OffsetDateTime) -> EntryId {
    c.run(c.involved, step!(space: report @now(&contact(at))))
}

/// The reports `who` has still to acknowledge.
fn to_read(c: &World, who: UserId) -> Vec<EntryId> {
    let (room, space) = (&c.couple.contact, &c.couple.space);
    entry_ids(room.awaiting_acknowledgement_by(space, who))
}

#[test]
fn a_report_records_how_long_after_the_contact_it_came() {
    let mut c = World::new();
    // The couple's clock reads 2 March 2026, 09:00 UTC.
    let r = reported(&mut c, datetime!(2026-03-01 21:15 UTC));
    let made = c.couple.contact.get(r).unwrap();
    assert_eq!(made.happened_at, datetime!(2026-03-01 21:15 UTC));
    assert_eq!(made.reported_after(), Duration::minutes(11 * 60 + 45));
    assert_eq!(
        crate::kernel::days::plain_delay(made.reported_after()),
        "11 hours"
    );
    assert_eq!(made.channel, ContactChannel::TextMessage);
}

#[test]
fn a_report_keeps_the_instant_whatever_offset_it_was_read_in() {
    let c = World::new();
    // 10:30 at +02:00 is 08:30 UTC: half an hour ago, not in the future.
    let input = contact(datetime!(2026-03-02 10:30 +02:00));
    match c.attempt(c.involved, step!(space: report @now(&input))) {
        Ok(ContactEvent::Reported { happened_at, .. }) => {
            assert_eq!(happened_at, datetime!(2026-03-02 08:30 UTC));
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn a_contact_cannot_be_in_the_future_and_every_field_is_checked() {
    let c = World::new();
    // (the field, a value it refuses); the refusal marks that field.
    let cases = [
        ("happened_at", "a minute from now"),
        ("channel", "telepathy"),
        ("what_was_said", " "),
        ("how_i_responded", ""),
    ];
    for (field, value) in cases {
        let mut input = contact(datetime!(2026-03-01 10:00 UTC));
        match field {
            "happened_at" => input.happened_at = datetime!(2026-03-02 09:01 UTC),
            "channel" => input.channel = value.to_owned(),
            "what_was_said" => input.what_was_said = value.to_owned(),
            _ => input.how_i_responded = value.to_owned(),
        }
        let refused = c.attempt(c.involved, |s, a, n| report(&s.space, a, n, &input));
        assert_eq!(refused_field(refused), field, "{value:?}");
    }
}

#[test]
fn a_wall_time_is_read_from_the_form_or_refused_with_the_field_named() {
    assert_eq!(
        parse_wall_time("happened_at", " 2026-03-01T21:15 "),
        Ok(time::macros::datetime!(2026-03-01 21:15))
    );
    assert_eq!(
        parse_wall_time("happened_at", "2026-03-01T21:15:30"),
        Ok(time::macros::datetime!(2026-03-01 21:15:30))
    );
    for refused in [
        "yesterday",
        "",
        "1999-12-31T23:59",
        "9999-12-31T23:59",
        "2026-02-30T10:00",
    ] {
        assert!(
            matches!(
                parse_wall_time("happened_at", refused),
                Err(Refusal::Invalid {
                    field: "happened_at",
                    ..
                })
            ),
            "{refused:?}"
        );
    }
}

#[test]
fn the_hurt_partner_acknowledges_a_report_once() {
    let mut c = World::new();
    let first = reported(&mut c, datetime!(2026-03-01 21:15 UTC));
    let second = reported(&mut c, datetime!(2026-03-02 08:00 UTC));
    let waiting = to_read(&c, c.hurt);
    assert_eq!(waiting, vec![first, second]);
    let newest_first = entry_ids(c.couple.contact.all());
    assert_eq!(newest_first, vec![second, first]);

    let thanks = AcknowledgementInput {
        response: "Thank you for telling me straight away.".to_owned(),
    };
    assert_eq!(
        c.attempt(c.involved, step!(contact: acknowledge(first, &thanks))),
        Err(Refusal::NotAllowed(
            RepairAction::AcknowledgeContact.refusal()
        ))
    );
    c.run(c.hurt, step!(contact: acknowledge(first, &thanks)));
    assert_eq!(
        c.couple
            .contact
            .get(first)
            .and_then(|r| r.acknowledgement.as_ref())
            .and_then(|a| a.response.as_deref()),
        Some("Thank you for telling me straight away.")
    );
    assert_eq!(
        c.attempt(c.hurt, step!(contact: acknowledge(first, &thanks))),
        Err(Refusal::Conflict(
            "You have already acknowledged this report."
        ))
    );
    let left = to_read(&c, c.hurt);
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

/// For the hurt partner, the involved partner and a stranger, on reports
/// acknowledged and not, in both directions of betrayal, `can_acknowledge`
/// agrees with `acknowledge`.
#[test]
fn can_acknowledge_agrees_with_its_command() {
    let mut c = World::new();
    let other_way = c.with_second_betrayal_the_other_way();
    let first = c.betrayal.0.to_string();
    let in_first = |at: OffsetDateTime| ContactReportInput {
        betrayal: first.clone(),
        ..contact(at)
    };
    let unread = c.run(
        c.involved,
        step!(space: report @now(&in_first(datetime!(2026-03-01 20:00 UTC)))),
    );
    let read = c.run(
        c.involved,
        step!(space: report @now(&in_first(datetime!(2026-03-01 21:00 UTC)))),
    );
    c.run(
        c.hurt,
        step!(contact: acknowledge(read, &AcknowledgementInput::default())),
    );
    let theirs = c.run(c.hurt, |s, a, n| {
        let input = ContactReportInput {
            betrayal: other_way.0.to_string(),
            ..contact(datetime!(2026-03-01 22:00 UTC))
        };
        report(&s.space, a, n, &input)
    });
    let (space, reports) = (&c.couple.space, &c.couple.contact);
    let actors = [c.hurt, c.involved, c.stranger];
    assert_can_agrees(
        "acknowledge",
        &actors,
        &[unread, read, theirs, EntryId(999)],
        |a, id| {
            let input = AcknowledgementInput::default();
            let accepted = acknowledge(Acting::new(space, reports, a), id, &input).is_ok();
            (
                can_acknowledge(Acting::new(space, reports, a), id),
                accepted,
            )
        },
    );
}

/// Every contact event, with the response present and absent.
pub(crate) fn any_event() -> impl proptest::strategy::Strategy<Value = ContactEvent> {
    use crate::testing::strategies::{entry_id, instant, maybe_text, one_of, text};
    use proptest::prelude::*;
    let report = (
        entry_id(),
        instant(),
        one_of(ContactChannel::ALL),
        text(),
        text(),
    );
    prop_oneof![
        report.prop_map(|said| ContactEvent::Reported {
            betrayal: said.0,
            happened_at: said.1,
            channel: said.2,
            what_was_said: said.3,
            how_i_responded: said.4,
        }),
        (entry_id(), maybe_text())
            .prop_map(|(report, response)| ContactEvent::Acknowledged { report, response }),
    ]
}
