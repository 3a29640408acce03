//! Every form the rooms read, by name, decoded as its route decodes it:
//! the caps, the fields, the one-time key, then the pure steps that read
//! the fields before any state is consulted (an email, a password, a
//! check-in's feelings, a contact's time, a request's rhythm, the coaches).
//! Any body gives a form or a typed refusal, never a panic. The property
//! tests below hold every decoder to that on stable; `fuzz/` drives the same
//! table under libFuzzer (the `fuzzing` feature).

use crate::app::clock::{read_typed_time, Zone};
use crate::app::error::AppError;
use crate::auth::routes::account_email;
use crate::http::forms::{decode_submitted, Form, FormCaps, NoFields, SubmittedForm};
use crate::{
    apology, auth, checkin, contact, invite, meeting, pulse, readiness, reflections, requests,
    space, talk, together, truth,
};
use kintsugi_core::access::repair_rules::AcknowledgementInput;
use kintsugi_core::checkin::CheckInInput;
use kintsugi_core::commitments::{CommitmentInput, StatusInput};
use kintsugi_core::kernel::account::NewPassword;
use kintsugi_core::pulse::PulseInput;
use kintsugi_core::requests::{AlternativeAnswerInput, FulfilmentInput, ReasonInput};
use kintsugi_core::Refusal;
use time::Date;

/// Why a body did not become its input.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    /// The body as a whole: larger than its cap, too many fields or one far
    /// too long, or not a form of this kind.
    #[error("the body: {0}")]
    Body(AppError),
    /// One field, as its form would be shown again to say so.
    #[error("a field: {0}")]
    Field(Refusal),
}

type Decode = Box<dyn Fn(&[u8], Date) -> Result<(), Refused> + Send + Sync>;

/// One form's decoder: its name, its caps, and the reading itself.
pub struct Decoder {
    pub name: &'static str,
    pub caps: FormCaps,
    decode: Decode,
}

impl Decoder {
    /// Reads `body` as this form would be read on `today` (a request's
    /// "by date" is checked against it).
    pub fn decode(&self, body: &[u8], today: Date) -> Result<(), Refused> {
        (self.decode)(body, today)
    }
}

/// A form whose fields are read further by `then` once decoded.
fn form<T: Form + 'static>(
    name: &'static str,
    then: fn(T, Date) -> Result<(), Refusal>,
) -> Decoder {
    Decoder {
        name,
        caps: T::CAPS,
        decode: Box::new(move |body, today| {
            let SubmittedForm { form, .. } =
                decode_submitted::<T>(name, body).map_err(Refused::Body)?;
            then(form, today).map_err(Refused::Field)
        }),
    }
}

/// A form whose fields only the domain's commands read, against a state.
fn plain<T: Form + 'static>(name: &'static str) -> Decoder {
    form::<T>(name, |_, _| Ok(()))
}

/// A zone whose clocks jump, so the typed times meet gaps and overlaps too.
fn new_york() -> Zone {
    Zone::named("America/New_York").unwrap_or_else(|_| Zone::utc())
}

/// Every form decoder, one per form type the rooms parse.
pub fn decoders() -> Vec<Decoder> {
    vec![
        form::<auth::routes::RegisterForm>("register", |f, _| {
            let email = account_email(&f.email)?;
            NewPassword::parse(&f.password, &f.password_confirm, Some(&email)).map(drop)
        }),
        form::<auth::routes::LoginForm>("login", |f, _| account_email(&f.email).map(drop)),
        form::<auth::routes::RecoverForm>("recover", |f, _| {
            let email = account_email(&f.email).ok();
            NewPassword::parse(&f.password, &f.password_confirm, email.as_ref()).map(drop)
        }),
        form::<auth::routes::PasswordForm>("password", |f, _| {
            NewPassword::parse(&f.password, &f.password_confirm, None).map(drop)
        }),
        plain::<auth::idle::IdleForm>("idle"),
        plain::<crate::mail::choices::RemindersForm>("reminders"),
        plain::<NoFields>("button"),
        plain::<crate::export::ExportForm>("export"),
        plain::<space::BetrayalForm>("betrayal"),
        plain::<invite::JoinForm>("join"),
        form::<checkin::CheckInFields>("checkin", |f, _| {
            CheckInInput::from_form(&f.0);
            Ok(())
        }),
        plain::<checkin::AcknowledgeForm>("checkin-acknowledge"),
        form::<pulse::PulseFields>("pulse", |f, _| {
            PulseInput::from_form(&f.0);
            Ok(())
        }),
        plain::<pulse::CadenceForm>("pulse-cadence"),
        plain::<truth::DisclosureForm>("truth-disclosure"),
        plain::<truth::QuestionForm>("truth-question"),
        plain::<truth::TextForm>("truth-text"),
        plain::<AcknowledgementInput>("truth-response"),
        form::<apology::ApologyForm>("apology", |f, _| {
            let input = f.input();
            input.coach();
            input.parts().map(drop)
        }),
        plain::<apology::AnswerForm>("apology-answer"),
        form::<requests::RequestForm>("request", |f, today| {
            let input = f.input();
            input.coach();
            input.when.parse(today).map(drop)
        }),
        form::<requests::AlternativeForm>("request-alternative", |f, today| {
            f.input().when.parse(today).map(drop)
        }),
        plain::<AlternativeAnswerInput>("request-alternative-answer"),
        plain::<ReasonInput>("request-reason"),
        plain::<FulfilmentInput>("request-fulfilment"),
        plain::<CommitmentInput>("commitment"),
        plain::<StatusInput>("commitment-status"),
        form::<contact::ContactForm>("contact", |f, _| {
            read_typed_time(
                "happened_at",
                &f.happened_at,
                &f.happened_at_which,
                new_york(),
            )
            .map(drop)
        }),
        plain::<AcknowledgementInput>("contact-response"),
    ]
    .into_iter()
    .chain(pacing_decoders())
    .collect()
}

/// The forms of the rooms that set the pace: readiness, talks, time
/// together, the weekly meeting, reflections.
fn pacing_decoders() -> Vec<Decoder> {
    vec![
        plain::<readiness::MarksForm>("readiness-marks"),
        plain::<readiness::ProposeForm>("readiness-step"),
        plain::<readiness::AnswerForm>("readiness-answer"),
        plain::<kintsugi_core::talk::AskInput>("talk-ask"),
        form::<talk::AnswerForm>("talk-answer", |f, _| {
            let zone = new_york();
            for (field, raw, which) in f.typed() {
                if !raw.trim().is_empty() {
                    read_typed_time(field, raw, which, zone)?;
                }
            }
            Ok(())
        }),
        plain::<talk::PickForm>("talk-pick"),
        plain::<kintsugi_core::talk::HappenedInput>("talk-happened"),
        plain::<talk::QuietForm>("talk-quiet"),
        plain::<talk::NoteForm>("talk-note"),
        form::<together::SuggestForm>("together-suggest", |f, _| {
            read_typed_time("at", &f.at, &f.at_which, new_york()).map(drop)
        }),
        form::<together::AnswerForm>("together-answer", |f, _| {
            read_typed_time("at", &f.at, &f.at_which, new_york()).map(drop)
        }),
        plain::<together::HowItWentForm>("together-how-it-went"),
        plain::<together::RitualForm>("together-ritual"),
        plain::<meeting::TimeForm>("meeting-time"),
        plain::<meeting::ItemForm>("meeting-item"),
        form::<meeting::HeldForm>("meeting-held", |f, _| {
            f.covered();
            Ok(())
        }),
        plain::<reflections::ReflectionForm>("reflection"),
        plain::<reflections::ShareForm>("reflection-share"),
        plain::<reflections::TriggerForm>("reflection-trigger-note"),
        plain::<reflections::ReassureForm>("reflection-reassure"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every name a form of the app sends, and the two hidden ones.
    const NAMES: &[&str] = &[
        "csrf",
        "submission",
        "email",
        "password",
        "password_confirm",
        "current_password",
        "invite",
        "code",
        "minutes",
        "kind",
        "hurt",
        "discovered_on",
        "note",
        "feel_safe",
        "feelings",
        "intensity_sad",
        "intensity_angry",
        "visibility",
        "preset",
        "own_words",
        "share",
        "signs",
        "cadence",
        "betrayal",
        "text",
        "refers_to",
        "response",
        "what_i_did",
        "impact",
        "responsibility",
        "remorse",
        "changes",
        "repair",
        "factors",
        "action",
        "answer",
        "what",
        "frequency",
        "trigger",
        "times_per_week",
        "weekday",
        "by_date",
        "reason",
        "happened_on",
        "details",
        "status",
        "happened_at",
        "happened_at_which",
        "channel",
        "what_was_said",
        "how_i_responded",
        "mark-same_bed",
        "mark-proposed-1",
        "name",
        "day",
        "time",
        "part",
        "feel",
        "about",
        "need",
        "covered",
        "agreed",
        "prompt",
        "part_1",
        "part_5",
        "version",
        "when",
        "felt",
        "would_help",
        "words",
    ];

    /// Values at the edges: calendar limits and impossible days, extreme
    /// offsets, numbers past their types, the choices' own codes, keys of
    /// the wrong shape, broken percent-escapes, NUL and direction overrides.
    const EDGES: &[&str] = &[
        "",
        " ",
        "9999-12-31T23:59",
        "-9999-01-01T00:00",
        "0000-01-01T00:00",
        "2024-02-29T12:00",
        "2023-02-29T12:00",
        "2026-12-31T24:00",
        "1999-12-31T23:59:60",
        "2000-01-01T00:00",
        "+10000-01-01T00:00",
        "9999-12-31",
        "2024-02-29",
        "2023-02-29",
        "0000-00-00",
        "-23:59",
        "+23:59",
        "+24:00",
        "-00:00",
        "+99:99",
        "Z",
        "0",
        "-1",
        "7",
        "8",
        "255",
        "256",
        "18446744073709551616",
        "monday",
        "weekly",
        "by_date",
        "each_time",
        "daily",
        "sad",
        "me",
        "partner",
        "only_me",
        "yes",
        "send",
        "accept",
        "decline",
        "ready",
        "not_yet",
        "aaaaaaaaaaaaaaaaaaaaaaaa",
        "!!!!!!!!!!!!!!!!",
        "a@b",
        "name@example.org\0",
        "%",
        "%zz",
        "%e2%80",
        "%ff%fe",
        "%00",
        "+",
        "&&==&",
        "\0",
        "\u{202e}",
        "\u{2066}x\u{2069}",
        "\u{feff}",
        "\r\n",
        "é\u{301}",
        "🙂",
    ];

    fn name() -> impl Strategy<Value = String> {
        prop_oneof![
            3 => prop::sample::select(NAMES).prop_map(str::to_owned),
            1 => "[a-z_%\\x00-\\x1f\u{202e}]{0,12}",
        ]
    }

    fn value() -> impl Strategy<Value = String> {
        prop_oneof![
            3 => prop::sample::select(EDGES).prop_map(str::to_owned),
            2 => "[ -~\\x00-\\x1f\u{202a}-\u{202e}\u{2066}-\u{2069}é]{0,40}",
            1 => any::<String>(),
            1 => (prop::sample::select(EDGES), 1..300usize).prop_map(|(v, n)| v.repeat(n)),
        ]
    }

    /// Pairs written as a browser would write them, or joined raw so that
    /// `%`, `&`, `=` and `+` in them reach the parser as they are.
    fn body_of(pairs: &[(String, String)], raw: bool) -> Vec<u8> {
        if raw {
            let joined: Vec<String> = pairs.iter().map(|(n, v)| format!("{n}={v}")).collect();
            joined.join("&").into_bytes()
        } else {
            let mut body = form_urlencoded::Serializer::new(String::new());
            for (n, v) in pairs {
                body.append_pair(n, v);
            }
            body.finish().into_bytes()
        }
    }

    fn body() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            prop::collection::vec(any::<u8>(), 0..2_000),
            (
                prop::collection::vec((name(), value()), 0..40),
                any::<bool>()
            )
                .prop_map(|(pairs, raw)| body_of(&pairs, raw)),
            // One field repeated, up to past the largest field cap.
            (name(), value(), 0..400usize, any::<bool>())
                .prop_map(|(n, v, count, raw)| body_of(&vec![(n, v); count], raw)),
        ]
    }

    fn today() -> impl Strategy<Value = Date> {
        prop::sample::select(vec![
            Date::MIN,
            Date::MAX,
            time::macros::date!(2024 - 02 - 29),
            time::macros::date!(2026 - 12 - 31),
            time::macros::date!(2000 - 01 - 01),
        ])
    }

    /// A refusal a person can be shown: a page for the body, or their form
    /// again with a word beside each field refused. Anything else (an internal
    /// error) would be a 500.
    fn assert_typed(decoder: &Decoder, body: &[u8], outcome: &Result<(), Refused>) {
        let shown = match outcome {
            Ok(()) => true,
            Err(Refused::Body(error)) => matches!(
                error,
                AppError::BadForm | AppError::FormTooLarge | AppError::FormOverfull
            ),
            Err(Refused::Field(refusal)) => {
                matches!(refusal, Refusal::Invalid { .. } | Refusal::InvalidFields(_))
            }
        };
        assert!(
            shown,
            "{}: {outcome:?} for {:?}",
            decoder.name,
            String::from_utf8_lossy(&body[..body.len().min(200)])
        );
        if body.len() > decoder.caps.body_bytes {
            assert!(
                matches!(outcome, Err(Refused::Body(AppError::FormTooLarge))),
                "{}: a body past its cap is refused as too large",
                decoder.name
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn any_body_gives_every_form_a_value_or_a_typed_refusal(body in body(), today in today()) {
            for decoder in decoders() {
                let outcome = decoder.decode(&body, today);
                assert_typed(&decoder, &body, &outcome);
            }
        }

        #[test]
        fn a_form_filled_to_its_field_cap_is_read_and_one_more_field_is_refused(
            name in name(),
            value in prop::sample::select(EDGES),
            today in today(),
        ) {
            for decoder in decoders() {
                let full = vec![(name.clone(), value.to_owned()); decoder.caps.fields];
                let body = body_of(&full, false);
                assert_typed(&decoder, &body, &decoder.decode(&body, today));

                let over = vec![(name.clone(), value.to_owned()); decoder.caps.fields + 1];
                let body = body_of(&over, false);
                let outcome = decoder.decode(&body, today);
                prop_assert!(
                    matches!(
                        outcome,
                        Err(Refused::Body(AppError::FormOverfull | AppError::FormTooLarge))
                    ),
                    "{}: {outcome:?}",
                    decoder.name
                );
            }
        }
    }

    #[test]
    fn every_decoder_has_its_own_name() {
        let mut names: Vec<&str> = decoders().iter().map(|d| d.name).collect();
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count);
    }

    fn decoder_named(name: &str) -> Decoder {
        decoders()
            .into_iter()
            .find(|d| d.name == name)
            .unwrap_or_else(|| panic!("a decoder named {name}"))
    }

    #[test]
    fn a_well_formed_check_in_is_read() {
        let checkin = decoder_named("checkin");
        let body = b"feelings=sad&intensity_sad=3&visibility=partner&note=hi";
        assert!(checkin
            .decode(body, time::macros::date!(2026 - 03 - 14))
            .is_ok());
    }

    #[test]
    fn an_impossible_contact_time_is_a_field_refusal() {
        let contact = decoder_named("contact");
        let body = b"happened_at=9999-12-31T23:59&happened_at_which=second";
        let outcome = contact.decode(body, time::macros::date!(2026 - 03 - 14));
        assert!(
            matches!(
                outcome,
                Err(Refused::Field(Refusal::Invalid {
                    field: "happened_at",
                    ..
                }))
            ),
            "{outcome:?}"
        );
    }
}
