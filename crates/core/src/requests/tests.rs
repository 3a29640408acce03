use super::*;
use crate::access::repair_rules::RepairAction;
use crate::access::room::Acting;
use crate::kernel::ids::{EntryId, UserId};
use crate::kernel::refusal::Refusal;
use crate::testing::step;
use crate::testing::{assert_can_agrees, assert_round_trip, entry_ids, refused_field, World};
use time::macros::{date, datetime};
use time::{Date, Duration, Weekday};

fn every(frequency: &str) -> FrequencyInput {
    FrequencyInput {
        frequency: frequency.to_owned(),
        ..Default::default()
    }
}

fn request(what: &str, when: FrequencyInput) -> RequestInput {
    RequestInput {
        betrayal: String::new(),
        what: what.to_owned(),
        when,
    }
}

fn because(reason: &str) -> ReasonInput {
    ReasonInput {
        reason: reason.to_owned(),
    }
}

fn on(day: &str) -> FulfilmentInput {
    FulfilmentInput {
        happened_on: day.to_owned(),
        note: String::new(),
    }
}

/// Once a week or more: `times` a week (empty: once), on `weekday` or any.
fn weekly(times: &str, weekday: &str) -> FrequencyInput {
    FrequencyInput {
        times_per_week: times.to_owned(),
        weekday: weekday.to_owned(),
        ..every("weekly")
    }
}

/// Each time `trigger` happens.
fn each_time(trigger: &str) -> FrequencyInput {
    FrequencyInput {
        trigger: trigger.to_owned(),
        ..every("each_time")
    }
}

/// Once, by `date`.
fn by(date: &str) -> FrequencyInput {
    FrequencyInput {
        by_date: date.to_owned(),
        ..every("by_date")
    }
}

/// The hurt partner asks for `what`, at the couple's clock.
fn asked(c: &mut World, what: &str, when: FrequencyInput) -> EntryId {
    c.run(c.hurt, step!(space: make @now(&request(what, when))))
}

/// Given a request made and accepted at the couple's clock.
fn agreed(c: &mut World, when: FrequencyInput) -> EntryId {
    let r = asked(c, "Text me when you leave work", when);
    c.run(c.involved, step!(requests: accept(r)));
    r
}

/// `who` says the request `r` was done on `day` (empty: today).
fn log(c: &World, who: UserId, r: EntryId, day: &str) -> Result<RequestEvent, Refusal> {
    c.attempt(who, step!(requests: log_fulfilment @now(r, &on(day))))
}

/// The involved partner logs the request `r` done on `day` (empty: today).
fn done(c: &mut World, r: EntryId, day: &str) -> EntryId {
    c.run(
        c.involved,
        step!(requests: log_fulfilment @now(r, &on(day))),
    )
}

#[test]
fn frequencies_are_read_from_the_form() {
    let today = date!(2026 - 03 - 02);
    for (code, _) in FREQUENCIES {
        let input = FrequencyInput {
            trigger: "you leave work".to_owned(),
            by_date: "2026-03-09".to_owned(),
            ..every(code)
        };
        assert_eq!(input.parse(today).map(|f| f.code()), Ok(code));
    }
    let parse = |input: FrequencyInput| input.parse(today);
    assert_eq!(parse(every("daily")), Ok(Frequency::Daily));
    assert_eq!(
        parse(each_time(" you leave work ")),
        Ok(Frequency::EachTime {
            trigger: "you leave work".to_owned()
        })
    );
    assert_eq!(
        parse(weekly("3", "")),
        Ok(Frequency::Weekly { times: 3, on: None })
    );
    assert_eq!(
        parse(weekly("", "Sunday")),
        Ok(Frequency::Weekly {
            times: 1,
            on: Some(Weekday::Sunday)
        })
    );
    assert_eq!(
        parse(by("2026-03-02")),
        Ok(Frequency::ByDate { date: today })
    );
}

#[test]
fn frequencies_that_make_no_sense_are_refused_on_their_field() {
    let today = date!(2026 - 03 - 02);
    let field = |input: FrequencyInput| refused_field(input.parse(today));
    assert_eq!(field(every("each_time")), "trigger");
    assert_eq!(field(every("sometimes")), "frequency");
    assert_eq!(field(weekly("8", "")), "times_per_week");
    assert_eq!(field(weekly("2", "monday")), "weekday");
    assert_eq!(field(weekly("", "someday")), "weekday");
    assert_eq!(field(every("by_date")), "by_date");
    assert_eq!(field(by("2026-03-01")), "by_date");
}

#[test]
fn the_hurt_partner_makes_a_request_and_the_involved_partner_accepts_it() {
    let mut c = World::new();
    let input = request("Text me when you leave work", every("daily"));
    assert_eq!(
        c.attempt(c.hurt, step!(space: make @now(&input))),
        Ok(RequestEvent::Made {
            betrayal: c.betrayal,
            what: "Text me when you leave work".to_owned(),
            frequency: Frequency::Daily,
        })
    );
    let r = c.run(c.hurt, step!(space: make @now(&input)));
    assert_eq!(
        c.couple
            .requests
            .awaiting_answer_from(&c.couple.space, c.involved)
            .len(),
        1
    );
    c.run(c.involved, step!(requests: accept(r)));
    let made = c.couple.requests.get(r).unwrap();
    assert_eq!(made.status, RequestStatus::Active);
    assert_eq!(made.agreed_on(), Some(date!(2026 - 03 - 02)));
    assert_eq!(
        c.attempt(c.involved, step!(requests: accept(r))),
        Err(Refusal::Conflict("This request has already been agreed."))
    );
}

#[test]
fn the_coach_asks_when_only_while_the_form_has_no_rhythm() {
    use crate::coach::Code;
    let codes =
        |input: &RequestInput| -> Vec<Code> { input.coach().iter().map(|f| f.code).collect() };
    let unsaid = request("Text me", FrequencyInput::default());
    assert!(codes(&unsaid).contains(&Code::NoWhen));
    let daily = request("Text me", every("daily"));
    assert!(!codes(&daily).contains(&Code::NoWhen));
    let vague = request("Be more present", every("weekly"));
    assert!(codes(&vague).contains(&Code::Vague));
}

#[test]
fn a_vague_request_gets_advice_but_can_still_be_made() {
    let mut c = World::new();
    let input = request("Be more present", every("daily"));
    assert!(!input.coach().is_empty());
    let r = c.run(c.hurt, step!(space: make @now(&input)));
    assert_eq!(
        c.couple.requests.get(r).map(|r| r.terms.what.as_str()),
        Some("Be more present")
    );
}

#[test]
fn an_accepted_alternative_becomes_the_terms_and_a_declined_one_returns_the_request() {
    let mut c = World::new();
    let r = asked(&mut c, "Call me at lunch", every("daily"));
    let alternative = AlternativeInput {
        what: "Call me at lunch".to_owned(),
        when: weekly("3", ""),
    };
    c.run(
        c.involved,
        step!(requests: propose_alternative @now(r, &alternative)),
    );
    assert_eq!(
        c.attempt(c.involved, step!(requests: accept(r))),
        Err(Refusal::Conflict(
            "An alternative is waiting for your partner's answer."
        ))
    );
    let decline = AlternativeAnswerInput {
        answer: "decline".to_owned(),
        note: "Lunch is when I worry most.".to_owned(),
    };
    c.run(c.hurt, step!(requests: answer_alternative(r, &decline)));
    let declined = c.couple.requests.get(r).unwrap();
    assert_eq!(declined.status, RequestStatus::AwaitingAnswer);
    assert_eq!(declined.terms.frequency, Frequency::Daily);
    assert_eq!(declined.alternative, None);
    assert_eq!(
        declined.first_asked_before_alternative(),
        None,
        "a declined alternative leaves what was asked as the terms"
    );

    c.run(
        c.involved,
        step!(requests: propose_alternative @now(r, &alternative)),
    );
    let waiting = c
        .couple
        .requests
        .awaiting_answer_from(&c.couple.space, c.hurt);
    assert_eq!(waiting.len(), 1);
    let accept_it = AlternativeAnswerInput {
        answer: "accept".to_owned(),
        note: String::new(),
    };
    c.run(c.hurt, step!(requests: answer_alternative(r, &accept_it)));
    let agreed = c.couple.requests.get(r).unwrap();
    assert_eq!(agreed.status, RequestStatus::Active);
    assert_eq!(
        agreed.terms.frequency,
        Frequency::Weekly { times: 3, on: None }
    );
    assert_eq!(
        agreed
            .first_asked_before_alternative()
            .map(|first| &first.frequency),
        Some(&Frequency::Daily),
        "what was first asked stays beside the agreed alternative"
    );
    assert_eq!(
        c.attempt(c.hurt, step!(requests: answer_alternative(r, &accept_it))),
        Err(Refusal::Conflict(
            "There is no alternative waiting for your answer."
        ))
    );
    let kinds: Vec<_> = agreed
        .history()
        .iter()
        .map(|item| match item {
            HistoryItem::Change(step) => match step.change {
                Change::Made(_) => "made",
                Change::AlternativeProposed(_) => "proposed",
                Change::AlternativeDeclined { .. } => "declined",
                Change::AlternativeAccepted => "accepted",
                _ => "other",
            },
            HistoryItem::Fulfilment(_) => "fulfilment",
        })
        .collect();
    assert_eq!(
        kinds,
        vec!["accepted", "proposed", "declined", "proposed", "made"]
    );
}

#[test]
fn pausing_and_retiring_need_a_reason_and_fit_the_status() {
    let mut c = World::new();
    let r = agreed(&mut c, every("daily"));
    assert_eq!(
        refused_field(c.attempt(c.involved, step!(requests: pause(r, &because(" "))))),
        "reason"
    );
    assert_eq!(
        c.attempt(c.hurt, step!(requests: resume(r))),
        Err(Refusal::Conflict("This request is not paused."))
    );
    c.run(c.involved, |s, a, _| {
        pause(
            Acting::new(&s.space, &s.requests, a),
            r,
            &because("Away for a work trip"),
        )
    });
    assert_eq!(
        c.couple.requests.get(r).unwrap().status,
        RequestStatus::Paused
    );
    assert!(matches!(
        log(&c, c.involved, r, ""),
        Err(Refusal::Conflict(_))
    ));
    c.run(c.hurt, step!(requests: resume(r)));
    c.run(
        c.hurt,
        step!(requests: retire(r, &because("I don't need it any more"))),
    );
    let retired = c.couple.requests.get(r).unwrap();
    assert_eq!(retired.status, RequestStatus::Retired);
    assert!(matches!(
        retired.changes.last().map(|c| &c.change),
        Some(Change::Retired { reason }) if reason == "I don't need it any more"
    ));
    assert_eq!(
        c.attempt(c.involved, step!(requests: retire(r, &because("x")))),
        Err(Refusal::Conflict("This request is already retired."))
    );
}

#[test]
fn a_fulfilment_is_logged_on_a_past_day_since_agreement_and_confirmed_once() {
    let mut c = World::new();
    let r = agreed(&mut c, every("daily"));
    c.advance(Duration::days(3));
    assert_eq!(
        refused_field(log(&c, c.involved, r, "2026-03-06")),
        "happened_on"
    );
    assert_eq!(
        refused_field(log(&c, c.involved, r, "2026-03-01")),
        "happened_on"
    );
    assert_eq!(
        log(&c, c.hurt, r, ""),
        Err(Refusal::NotAllowed(RepairAction::LogFulfilment.refusal()))
    );
    let yesterday = done(&mut c, r, "2026-03-04");
    let today = done(&mut c, r, "");
    assert_eq!(
        c.couple
            .requests
            .fulfilment(today)
            .map(|(_, f)| f.happened_on),
        Some(date!(2026 - 03 - 05))
    );
    let to_confirm = c
        .couple
        .requests
        .fulfilments_to_confirm_by(&c.couple.space, c.hurt);
    assert_eq!(to_confirm.len(), 2);

    c.run(c.hurt, step!(requests: confirm_fulfilment(yesterday)));
    assert_eq!(
        c.attempt(c.hurt, step!(requests: confirm_fulfilment(yesterday))),
        Err(Refusal::Conflict("You have already confirmed this."))
    );
    assert_eq!(
        c.attempt(c.involved, step!(requests: confirm_fulfilment(today))),
        Err(Refusal::NotAllowed(
            RepairAction::ConfirmFulfilment.refusal()
        ))
    );
    let left: Vec<_> = c
        .couple
        .requests
        .fulfilments_to_confirm_by(&c.couple.space, c.hurt)
        .iter()
        .map(|(_, f)| f.id)
        .collect();
    assert_eq!(left, vec![today]);
}

#[test]
fn a_request_not_yet_agreed_takes_no_fulfilments() {
    let mut c = World::new();
    let r = asked(&mut c, "x", every("daily"));
    assert!(matches!(
        log(&c, c.involved, r, ""),
        Err(Refusal::Conflict(_))
    ));
}

/// Builds a daily request agreed on 2 March, paused 10–12 March
/// (resumed on the 13th), done on the listed days.
fn daily_with_pause(done: &[Date]) -> (World, EntryId) {
    let mut c = World::new();
    let r = agreed(&mut c, every("daily"));
    c.now = datetime!(2026-03-10 08:00 UTC);
    c.run(c.hurt, step!(requests: pause(r, &because("Holiday apart"))));
    c.now = datetime!(2026-03-13 08:00 UTC);
    c.run(c.hurt, step!(requests: resume(r)));
    c.now = datetime!(2026-03-31 20:00 UTC);
    for day in done {
        c.record(
            c.involved,
            RequestEvent::FulfilmentLogged {
                request: r,
                happened_on: *day,
                note: None,
            },
        );
    }
    (c, r)
}

#[test]
fn daily_reliability_counts_running_days_and_leaves_out_the_pause() {
    let done = [
        date!(2026 - 03 - 02),
        date!(2026 - 03 - 03),
        date!(2026 - 03 - 14),
        date!(2026 - 03 - 15),
        date!(2026 - 03 - 15),
        date!(2026 - 03 - 20),
    ];
    let (c, r) = daily_with_pause(&done);
    let request = c.couple.requests.get(r).unwrap();

    // 14–20 March: seven running days, today (the 20th) done; four days.
    let week = request.reliability(date!(2026 - 03 - 20), 7);
    assert_eq!((week.done, week.expected), (3, Some(7)));
    assert_eq!(week.percent(), Some(42));

    // 2–20 March, 30-day window: running 2–9 and 13–20 = 16 days.
    let month = request.reliability(date!(2026 - 03 - 20), 30);
    assert_eq!((month.done, month.expected), (5, Some(16)));

    // On the 21st, nothing done yet: the day is still open, so the
    // expectation stays at 16 (2–9 and 13–20 March).
    let next = request.reliability(date!(2026 - 03 - 21), 30);
    assert_eq!(next.expected, Some(16));
}

#[test]
fn weekly_reliability_is_pro_rated_in_whole_occasions() {
    let mut c = World::new();
    let r = agreed(&mut c, weekly("3", ""));
    c.now = datetime!(2026-03-12 20:00 UTC);
    for day in ["2026-03-03", "2026-03-05", "2026-03-09"] {
        done(&mut c, r, day);
    }
    let request = c.couple.requests.get(r).unwrap();
    // Agreed on the 2nd; on the 12th (not done today) ten days are over:
    // 3 × 10 / 7 = 4 whole occasions.
    let month = request.reliability(date!(2026 - 03 - 12), 30);
    assert_eq!((month.done, month.expected), (3, Some(4)));
    // The last 7 days (6–12 March), six of them over: 3 × 6 / 7 = 2.
    let week = request.reliability(date!(2026 - 03 - 12), 7);
    assert_eq!((week.done, week.expected), (1, Some(2)));
}

#[test]
fn a_named_weekday_expects_that_day_only() {
    let mut c = World::new();
    // 2 March 2026 is a Monday.
    let r = agreed(&mut c, weekly("", "sunday"));
    c.now = datetime!(2026-03-20 20:00 UTC);
    done(&mut c, r, "2026-03-08");
    let request = c.couple.requests.get(r).unwrap();
    // Sundays 8 and 15 March are over.
    let month = request.reliability(date!(2026 - 03 - 20), 30);
    assert_eq!((month.done, month.expected), (1, Some(2)));
    assert!(request.is_due_on(date!(2026 - 03 - 22)));
    assert!(!request.is_due_on(date!(2026 - 03 - 21)));
}

#[test]
fn a_one_off_is_expected_once_its_date_is_in_the_window() {
    let mut c = World::new();
    let r = agreed(&mut c, by("2026-03-10"));
    let request = c.couple.requests.get(r).unwrap();
    assert_eq!(
        request.reliability(date!(2026 - 03 - 09), 7).expected,
        Some(0)
    );
    assert_eq!(
        request.reliability(date!(2026 - 03 - 11), 7),
        Reliability {
            days: 7,
            done: 0,
            confirmed: 0,
            expected: Some(1)
        }
    );
    assert!(request.is_due_on(date!(2026 - 03 - 10)));
    assert!(!request.is_due_on(date!(2026 - 03 - 09)));

    c.now = datetime!(2026-03-04 12:00 UTC);
    done(&mut c, r, "");
    let request = c.couple.requests.get(r).unwrap();
    // Done on the 4th, counted where the date falls even on the 16th,
    // when the 4th is outside the last seven days.
    let later = request.reliability(date!(2026 - 03 - 16), 7);
    assert_eq!((later.done, later.expected), (1, Some(1)));
    assert!(!request.is_due_on(date!(2026 - 03 - 10)));
    assert_eq!(
        log(&c, c.involved, r, ""),
        Err(Refusal::Conflict("This one-off request is already done."))
    );
}

#[test]
fn each_time_reports_done_and_confirmed_without_an_expectation() {
    let mut c = World::new();
    let r = agreed(&mut c, each_time("you see her at work"));
    c.now = datetime!(2026-03-05 18:00 UTC);
    let f = done(&mut c, r, "2026-03-03");
    done(&mut c, r, "");
    c.run(c.hurt, step!(requests: confirm_fulfilment(f)));
    let request = c.couple.requests.get(r).unwrap();
    let week = request.reliability(date!(2026 - 03 - 05), 7);
    assert_eq!(
        week,
        Reliability {
            days: 7,
            done: 2,
            confirmed: 1,
            expected: None
        }
    );
    assert_eq!(week.percent(), None);
    assert!(!request.is_due_on(date!(2026 - 03 - 05)));
}

#[test]
fn due_today_lists_what_is_still_open_today() {
    let mut c = World::new();
    let daily = agreed(&mut c, every("daily"));
    let weekly = agreed(&mut c, weekly("2", ""));
    let waiting = asked(&mut c, "x", every("daily"));
    let today = date!(2026 - 03 - 02);
    let due = entry_ids(c.couple.requests.due_on(today));
    assert_eq!(due, vec![daily, weekly]);
    assert!(!c.couple.requests.get(waiting).unwrap().is_due_on(today));

    done(&mut c, daily, "");
    done(&mut c, weekly, "");
    assert!(c.couple.requests.due_on(today).is_empty());
    // Two a week: one done on the 2nd keeps pace until the 5th
    // (2 × 4 / 7 rounds up to 2).
    assert!(!c
        .couple
        .requests
        .get(weekly)
        .unwrap()
        .is_due_on(date!(2026 - 03 - 04)));
    assert!(c
        .couple
        .requests
        .get(weekly)
        .unwrap()
        .is_due_on(date!(2026 - 03 - 05)));
    assert_eq!(
        c.couple
            .requests
            .due_for(&c.couple.space, c.involved, date!(2026 - 03 - 03))
            .iter()
            .map(|r| r.id)
            .collect::<Vec<_>>(),
        vec![daily]
    );
    assert!(c
        .couple
        .requests
        .due_for(&c.couple.space, c.hurt, date!(2026 - 03 - 03))
        .is_empty());
}

#[test]
fn every_request_event_survives_the_stored_json() {
    let r = EntryId(4);
    let events = [
        (
            RequestEvent::Made {
                betrayal: EntryId(2),
                what: "w".to_owned(),
                frequency: Frequency::EachTime {
                    trigger: "t".to_owned(),
                },
            },
            "made",
        ),
        (RequestEvent::Accepted { request: r }, "accepted"),
        (
            RequestEvent::AlternativeProposed {
                request: r,
                what: "w".to_owned(),
                frequency: Frequency::Weekly {
                    times: 1,
                    on: Some(Weekday::Friday),
                },
            },
            "alternative_proposed",
        ),
        (
            RequestEvent::AlternativeAccepted { request: r },
            "alternative_accepted",
        ),
        (
            RequestEvent::AlternativeDeclined {
                request: r,
                note: Some("n".to_owned()),
            },
            "alternative_declined",
        ),
        (
            RequestEvent::Paused {
                request: r,
                reason: "why".to_owned(),
            },
            "paused",
        ),
        (RequestEvent::Resumed { request: r }, "resumed"),
        (
            RequestEvent::Retired {
                request: r,
                reason: "why".to_owned(),
            },
            "retired",
        ),
        (
            RequestEvent::FulfilmentLogged {
                request: r,
                happened_on: date!(2026 - 03 - 04),
                note: None,
            },
            "fulfilment_logged",
        ),
        (
            RequestEvent::FulfilmentConfirmed {
                request: r,
                fulfilment: EntryId(9),
            },
            "fulfilment_confirmed",
        ),
    ];
    for (event, tag) in &events {
        assert_round_trip(event, tag);
    }
    for frequency in [
        Frequency::Daily,
        Frequency::Weekly { times: 3, on: None },
        Frequency::ByDate {
            date: date!(2026 - 04 - 01),
        },
    ] {
        let made = RequestEvent::Made {
            betrayal: EntryId(2),
            what: "w".to_owned(),
            frequency,
        };
        assert_round_trip(&made, "made");
    }
    let json = serde_json::to_value(&events[2].0).unwrap();
    assert_eq!(
        json["frequency"],
        serde_json::json!({"every": "weekly", "times": 1, "on": "friday"})
    );
    let json = serde_json::to_value(&events[8].0).unwrap();
    assert_eq!(json["happened_on"], "2026-03-04");
}

/// For the hurt partner, the involved partner and a stranger, on requests
/// in every status (and fulfilments confirmed or not), each `can_*` query
/// agrees with whether its command takes valid input.
#[test]
fn every_can_query_agrees_with_its_command() {
    let mut c = World::new();
    let awaiting = asked(&mut c, "Call me at lunch", every("daily"));
    let alternative = asked(&mut c, "Call me at lunch", every("daily"));
    let offer = AlternativeInput {
        what: "Call me after lunch".to_owned(),
        when: every("daily"),
    };
    c.run(
        c.involved,
        step!(requests: propose_alternative @now(alternative, &offer)),
    );
    let active = agreed(&mut c, every("daily"));
    let paused = agreed(&mut c, every("daily"));
    c.run(c.hurt, step!(requests: pause(paused, &because("Away."))));
    let retired = agreed(&mut c, every("daily"));
    c.run(
        c.involved,
        step!(requests: retire(retired, &because("Done."))),
    );
    let by_date = agreed(&mut c, by("2026-03-20"));
    let done_once = done(&mut c, by_date, "");
    let unseen = done(&mut c, active, "");
    c.run(c.hurt, step!(requests: confirm_fulfilment(done_once)));

    let (space, reqs, now) = (&c.couple.space, &c.couple.requests, c.now);
    let actors = [c.hurt, c.involved, c.stranger];
    let ids = [
        awaiting,
        alternative,
        active,
        paused,
        retired,
        by_date,
        EntryId(999),
    ];
    assert_can_agrees("accept", &actors, &ids, |a, id| {
        (
            can_accept(Acting::new(space, reqs, a), id),
            accept(Acting::new(space, reqs, a), id).is_ok(),
        )
    });
    assert_can_agrees("propose an alternative", &actors, &ids, |a, id| {
        let accepted = propose_alternative(Acting::new(space, reqs, a), now, id, &offer).is_ok();
        (
            can_propose_alternative(Acting::new(space, reqs, a), id),
            accepted,
        )
    });
    assert_can_agrees("answer the alternative", &actors, &ids, |a, id| {
        let input = AlternativeAnswerInput {
            answer: "accept".to_owned(),
            note: String::new(),
        };
        let accepted = answer_alternative(Acting::new(space, reqs, a), id, &input).is_ok();
        (
            can_answer_alternative(Acting::new(space, reqs, a), id),
            accepted,
        )
    });
    assert_can_agrees("pause", &actors, &ids, |a, id| {
        let accepted = pause(Acting::new(space, reqs, a), id, &because("Away.")).is_ok();
        (can_pause(Acting::new(space, reqs, a), id), accepted)
    });
    assert_can_agrees("resume", &actors, &ids, |a, id| {
        (
            can_resume(Acting::new(space, reqs, a), id),
            resume(Acting::new(space, reqs, a), id).is_ok(),
        )
    });
    assert_can_agrees("retire", &actors, &ids, |a, id| {
        let accepted = retire(Acting::new(space, reqs, a), id, &because("Done.")).is_ok();
        (can_retire(Acting::new(space, reqs, a), id), accepted)
    });
    assert_can_agrees("log", &actors, &ids, |a, id| {
        // A day already logged is a refused date, not a closed step: the
        // form stays, for another day.
        let accepted = match log_fulfilment(Acting::new(space, reqs, a), now, id, &on("")) {
            Ok(_) => true,
            Err(refusal) => refused_day(&refusal),
        };
        (
            can_log_fulfilment(Acting::new(space, reqs, a), id),
            accepted,
        )
    });
    let fulfilments = [done_once, unseen, active, EntryId(999)];
    assert_can_agrees("confirm", &actors, &fulfilments, |a, id| {
        let accepted = confirm_fulfilment(Acting::new(space, reqs, a), id).is_ok();
        (
            can_confirm_fulfilment(Acting::new(space, reqs, a), id),
            accepted,
        )
    });
}

/// Every frequency, a weekly one with and without its day.
fn any_frequency() -> impl proptest::strategy::Strategy<Value = Frequency> {
    use crate::kernel::days::WEEKDAYS;
    use crate::testing::strategies::{day, one_of, text};
    use proptest::prelude::*;
    let weekday = proptest::option::of(one_of(WEEKDAYS.map(|(day, _)| day)));
    prop_oneof![
        text().prop_map(|trigger| Frequency::EachTime { trigger }),
        Just(Frequency::Daily),
        (any::<u8>(), weekday).prop_map(|(times, on)| Frequency::Weekly { times, on }),
        day().prop_map(|date| Frequency::ByDate { date }),
    ]
}

/// Every request event, with each optional note present and absent.
pub(crate) fn any_event() -> impl proptest::strategy::Strategy<Value = RequestEvent> {
    use crate::testing::strategies::{day, entry_id, maybe_text, text};
    use proptest::prelude::*;
    let id = entry_id;
    // What is asked for and how often: a request's terms, made or proposed.
    let terms = || (id(), text(), any_frequency());
    prop_oneof![
        terms().prop_map(|(betrayal, what, frequency)| RequestEvent::Made {
            betrayal,
            what,
            frequency
        }),
        id().prop_map(|request| RequestEvent::Accepted { request }),
        terms().prop_map(
            |(request, what, frequency)| RequestEvent::AlternativeProposed {
                request,
                what,
                frequency
            }
        ),
        id().prop_map(|request| RequestEvent::AlternativeAccepted { request }),
        (id(), maybe_text())
            .prop_map(|(request, note)| RequestEvent::AlternativeDeclined { request, note }),
        (id(), text()).prop_map(|(request, reason)| RequestEvent::Paused { request, reason }),
        id().prop_map(|request| RequestEvent::Resumed { request }),
        (id(), text()).prop_map(|(request, reason)| RequestEvent::Retired { request, reason }),
        (id(), day(), maybe_text()).prop_map(|(request, happened_on, note)| {
            RequestEvent::FulfilmentLogged {
                request,
                happened_on,
                note,
            }
        }),
        (id(), id()).prop_map(|(request, fulfilment)| RequestEvent::FulfilmentConfirmed {
            request,
            fulfilment
        }),
    ]
}

#[test]
fn only_the_hurt_partner_may_make_a_request_and_the_coach_page_asks_the_same_question() {
    let c = World::new();
    let space = &c.couple.space;
    let betrayal = check_make(space, c.hurt, "").expect("the hurt partner asks");
    assert_eq!(Some(betrayal), space.betrayals.first().map(|b| b.id));
    assert!(matches!(
        check_make(space, c.involved, ""),
        Err(Refusal::NotAllowed(_))
    ));
    assert!(check_make(space, c.stranger, "").is_err());
    assert!(
        check_make(space, c.hurt, "999").is_err(),
        "no such betrayal"
    );
}

#[test]
fn a_day_counts_once_for_a_daily_or_weekly_request_and_a_one_off_is_done_once() {
    for when in [every("daily"), weekly("3", "")] {
        let mut c = World::new();
        let r = agreed(&mut c, when);
        done(&mut c, r, "");
        assert_eq!(
            refused_field(log(&c, c.involved, r, "")),
            "happened_on",
            "the same day a second time is no second occurrence"
        );
        c.advance_days(1);
        assert!(log(&c, c.involved, r, "").is_ok(), "the next day counts");
    }

    let mut c = World::new();
    let r = agreed(&mut c, by("2099-01-01"));
    done(&mut c, r, "");
    c.advance_days(1);
    assert!(
        matches!(log(&c, c.involved, r, ""), Err(Refusal::Conflict(_))),
        "a one-off request is done once"
    );

    let mut c = World::new();
    let r = agreed(&mut c, each_time("you leave work"));
    done(&mut c, r, "");
    assert!(
        log(&c, c.involved, r, "").is_ok(),
        "each time it happens is its own occurrence, twice a day too"
    );
}

/// A refusal of the day typed, which leaves logging open for another day.
fn refused_day(refusal: &Refusal) -> bool {
    matches!(
        refusal,
        Refusal::Invalid {
            field: "happened_on",
            ..
        }
    )
}
/// A daily request accepted at 20:00 UTC on 2 March by a partner on
/// Pago Pago (UTC-11, 09:00 there) and logged by them that morning: its
/// days are theirs, wherever the partner reading it is.
#[test]
fn a_request_runs_on_the_days_of_the_partner_who_does_it() {
    let mut c = World::new();
    c.advance(Duration::hours(11)); // 2 March, 20:00 UTC
    let r = c.run(
        c.hurt,
        step!(space: make @now(&request("Text me when you leave work", every("daily")))),
    );
    c.run(c.involved, step!(requests: accept(r)));
    let pago_pago = time::macros::offset!(-11);
    let doers = c.couple.requests.on_doers_clock(|_, _| pago_pago);
    let theirs = doers.get(r).unwrap();
    assert_eq!(theirs.agreed_on(), Some(date!(2026 - 03 - 02)));
    // Read on a UTC+14 clock it would have been agreed on 3 March.
    let far_east = c
        .couple
        .requests
        .on_doers_clock(|_, _| time::macros::offset!(+14));
    assert_eq!(
        far_east.get(r).unwrap().agreed_on(),
        Some(date!(2026 - 03 - 03))
    );
    assert_eq!(
        theirs.changes.iter().map(|s| s.at).collect::<Vec<_>>(),
        c.couple
            .requests
            .get(r)
            .unwrap()
            .changes
            .iter()
            .map(|s| s.at)
            .collect::<Vec<_>>(),
        "the instants themselves do not move"
    );
    // Logged "today" on their clock, it counts for their 2 March, the day
    // they agreed it, not for the UTC day after.
    let their_now = c.now.to_offset(pago_pago);
    let logged = log_fulfilment(
        Acting::new(&c.couple.space, &doers, c.involved),
        their_now,
        r,
        &on(""),
    );
    assert!(
        matches!(
            logged,
            Ok(RequestEvent::FulfilmentLogged { happened_on, .. })
                if happened_on == date!(2026 - 03 - 02)
        ),
        "{logged:?}"
    );
}
