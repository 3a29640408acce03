//! The therapist's read-only view as a page shows it: the same rows for
//! the therapist and for both partners ("what our therapist sees"), so
//! nothing can read differently for one of them. People are named by
//! their part in the first thing recorded, never "you".

use crate::app::clock::Zone;
use crate::present::dates;
use kintsugi_core::access::therapist::TherapistView;
use kintsugi_core::checkin::SharedCheckIn;
use kintsugi_core::reflections::SharedCopy;
use kintsugi_core::space::{Role, SpaceState};
use kintsugi_core::therapist::Scope;
use kintsugi_core::withdrawal::EntryRoom;
use kintsugi_core::UserId;

/// One entry of the view: who and when, what kind, and its words.
pub struct SeenItem {
    pub by: &'static str,
    pub on: String,
    pub label: String,
    pub text: String,
    /// Further labelled parts (an apology's parts, a report's answers).
    pub parts: Vec<(&'static str, String)>,
}

/// One consented part of the record and its entries.
pub struct SeenSection {
    pub id: &'static str,
    pub title: &'static str,
    pub items: Vec<SeenItem>,
    pub empty: &'static str,
}

pub struct SeenView {
    /// How the couple names their therapist.
    pub therapist: String,
    /// The scopes both partners consented to, in words.
    pub scopes: Vec<&'static str>,
    /// The scopes left out, in words: said, never shown.
    pub left_out: Vec<&'static str>,
    pub sections: Vec<SeenSection>,
}

/// "The hurt partner" or "The involved partner", by the part the person
/// took in the first thing the couple recorded; "The therapist" for anyone
/// else the record names.
pub fn person(space: &SpaceState, who: UserId) -> &'static str {
    let first = space.betrayals.first();
    match first.and_then(|betrayal| space.role_in(who, betrayal)) {
        Some(Role::Hurt) => "The hurt partner",
        Some(Role::Involved) => "The involved partner",
        None => "The therapist",
    }
}

pub(crate) fn item(
    by: &'static str,
    on: String,
    label: impl Into<String>,
    text: String,
) -> SeenItem {
    SeenItem {
        by,
        on,
        label: label.into(),
        text,
        parts: Vec::new(),
    }
}

impl SeenView {
    pub fn build(view: &TherapistView<'_>, space: &SpaceState, zone: Zone) -> SeenView {
        let mut sections = Vec::new();
        let shows = |scope| view.scopes.contains(&scope);
        sections.push(parked(view, space, zone));
        if shows(Scope::CheckIns) {
            sections.push(check_ins(view, space, zone));
        }
        if shows(Scope::Pulses) {
            sections.push(pulses(view, space, zone));
        }
        if shows(Scope::Requests) {
            sections.push(requests(view, space, zone));
        }
        if shows(Scope::Commitments) {
            sections.extend(commitments(view, space, zone));
        }
        if shows(Scope::Reflections) {
            sections.push(reflections(&view.reflections, space, zone));
        }
        if shows(Scope::Apology) {
            sections.push(apologies(view, space, zone));
        }
        if shows(Scope::TruthLog) {
            sections.push(truth(view, space, zone));
        }
        SeenView {
            therapist: view.engagement.name.clone(),
            scopes: Scope::ALL
                .iter()
                .filter(|s| shows(**s))
                .map(|s| s.label())
                .collect(),
            left_out: Scope::ALL
                .iter()
                .filter(|s| !shows(**s))
                .map(|s| s.label())
                .collect(),
            sections,
        }
    }
}

fn parked(view: &TherapistView<'_>, space: &SpaceState, zone: Zone) -> SeenSection {
    SeenSection {
        id: "parked",
        title: "Questions parked for therapy",
        items: view
            .parked
            .iter()
            .map(|e| {
                let on = dates::when(e.written_at, zone);
                item(person(space, e.author), on, "Question", e.text.clone())
            })
            .collect(),
        empty: "No questions are parked for therapy.",
    }
}

pub(crate) fn check_ins(view: &TherapistView<'_>, space: &SpaceState, zone: Zone) -> SeenSection {
    SeenSection {
        id: "check-ins",
        title: "Check-ins marked for the therapist",
        items: check_ins_of(&view.check_ins, space, zone)
            .into_iter()
            .chain(tombstones(view, EntryRoom::CheckIn, space, zone))
            .collect(),
        empty: "No check-ins were marked for the therapist.",
    }
}

pub(crate) fn check_ins_of(
    list: &[&SharedCheckIn],
    space: &SpaceState,
    zone: Zone,
) -> Vec<SeenItem> {
    list.iter()
        .map(|c| {
            let feelings = c
                .check_in
                .feelings
                .iter()
                .map(|f| format!("{} ({})", f.feeling.label(), f.intensity.label()))
                .collect::<Vec<_>>()
                .join(", ");
            let mut shown = item(
                person(space, c.author),
                dates::when(c.at, zone),
                "Check-in",
                feelings,
            );
            if let Some(note) = &c.check_in.note {
                shown.parts.push(("Note", note.clone()));
            }
            shown
        })
        .collect()
}

fn pulses(view: &TherapistView<'_>, space: &SpaceState, zone: Zone) -> SeenSection {
    let shown = view.pulses.iter().map(|p| {
        let score = format!("Trust index {} of 100", p.score.index);
        let on = dates::when(p.at, zone);
        (
            p.at,
            item(person(space, p.author), on, "Trust pulse", score),
        )
    });
    // Where a pulse its author withdrew stood: only when.
    let withdrawn = view.withdrawn.iter().filter(|w| w.room == EntryRoom::Pulse);
    let withdrawn = withdrawn.map(|w| {
        let words = crate::withdrawal::tombstone(w.stamp, zone);
        let on = dates::when(w.stamp.at, zone);
        (
            w.written_at,
            item(person(space, w.stamp.by), on, "Trust pulse", words),
        )
    });
    let mut items: Vec<_> = shown.chain(withdrawn).collect();
    items.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
    SeenSection {
        id: "pulses",
        title: "Shared trust-pulse results",
        items: items.into_iter().map(|(_, item)| item).collect(),
        empty: "No trust-pulse results were shared.",
    }
}

/// Where the entries of `room` their authors withdrew stood: who and
/// when, never what they said.
fn tombstones(
    view: &TherapistView<'_>,
    room: EntryRoom,
    space: &SpaceState,
    zone: Zone,
) -> impl Iterator<Item = SeenItem> {
    let stones: Vec<SeenItem> = view
        .withdrawn
        .iter()
        .filter(|w| w.room == room)
        .map(|w| {
            item(
                person(space, w.stamp.by),
                dates::when(w.written_at, zone),
                "Withdrawn",
                crate::withdrawal::tombstone(w.stamp, zone),
            )
        })
        .collect();
    stones.into_iter()
}

fn requests(view: &TherapistView<'_>, space: &SpaceState, zone: Zone) -> SeenSection {
    SeenSection {
        id: "requests",
        title: "Requests",
        items: view
            .requests
            .iter()
            .map(|r| {
                let mut shown = item(
                    person(space, r.asked_by),
                    dates::when(r.made_at, zone),
                    r.status.label(),
                    r.terms.what.clone(),
                );
                shown
                    .parts
                    .push(("How often", r.terms.frequency.describe()));
                shown
                    .parts
                    .push(("Kept", format!("{} logged", r.fulfilments.len())));
                shown
            })
            .chain(tombstones(view, EntryRoom::Request, space, zone))
            .collect(),
        empty: "No requests yet.",
    }
}

fn commitments(view: &TherapistView<'_>, space: &SpaceState, zone: Zone) -> [SeenSection; 2] {
    let made = view.commitments.iter().map(|c| {
        let started = c.history.first();
        let mut shown = item(
            started.map_or("The involved partner", |s| person(space, s.by)),
            started.map_or_else(String::new, |s| dates::when(s.at, zone)),
            c.status().label(),
            c.kind.label().to_owned(),
        );
        if let Some(details) = &c.details {
            shown.parts.push(("Details", details.clone()));
        }
        shown
    });
    let reports = view.contact.iter().map(|r| {
        let mut shown = item(
            person(space, r.reported_by),
            dates::when(r.reported_at, zone),
            format!("Contact on {}", dates::when(r.happened_at, zone)),
            r.channel.label().to_owned(),
        );
        shown.parts.push(("What was said", r.what_was_said.clone()));
        shown
            .parts
            .push(("How it was answered", r.how_i_responded.clone()));
        shown
    });
    [
        SeenSection {
            id: "commitments",
            title: "Commitments",
            items: made
                .chain(tombstones(view, EntryRoom::Commitment, space, zone))
                .collect(),
            empty: "No commitments yet.",
        },
        SeenSection {
            id: "contact",
            title: "Contact reports",
            items: reports
                .chain(tombstones(view, EntryRoom::Contact, space, zone))
                .collect(),
            empty: "No contact was reported.",
        },
    ]
}

fn apologies(view: &TherapistView<'_>, space: &SpaceState, zone: Zone) -> SeenSection {
    let versions = view.apologies.iter().flat_map(|a| a.versions.iter());
    SeenSection {
        id: "apology",
        title: "The apology as sent",
        items: versions
            .map(|v| {
                let mut shown = item(
                    person(space, v.author),
                    dates::when(v.sent_at, zone),
                    format!("Version {}", v.number),
                    String::new(),
                );
                shown.parts = v
                    .parts
                    .labelled()
                    .into_iter()
                    .map(|(label, text)| (label, text.to_owned()))
                    .collect();
                shown
            })
            .chain(tombstones(view, EntryRoom::Apology, space, zone))
            .collect(),
        empty: "No apology was sent yet.",
    }
}

fn truth(view: &TherapistView<'_>, space: &SpaceState, zone: Zone) -> SeenSection {
    SeenSection {
        id: "truth",
        title: "The truth log",
        items: view
            .truth
            .iter()
            .map(|e| match e.withdrawn() {
                // Where an entry its author withdrew stood: only when.
                Some(withdrawn) => item(
                    person(space, e.author),
                    dates::when(withdrawn.at, zone),
                    e.label(),
                    crate::withdrawal::tombstone(withdrawn, zone),
                ),
                None => {
                    let on = dates::when(e.written_at, zone);
                    item(person(space, e.author), on, e.label(), e.text.clone())
                }
            })
            .collect(),
        empty: "Nothing in the truth log yet.",
    }
}

/// Reflections a partner shared a copy of: each answer under its question.
pub(crate) fn reflections(copies: &[&SharedCopy], space: &SpaceState, zone: Zone) -> SeenSection {
    SeenSection {
        id: "reflections",
        title: "Reflections shared",
        items: copies
            .iter()
            .map(|c| {
                let mut shown = item(
                    person(space, c.shared.by),
                    dates::when(c.shared.at, zone),
                    c.prompt.title(),
                    String::new(),
                );
                shown.parts = c
                    .prompt
                    .parts()
                    .iter()
                    .zip(&c.parts)
                    .filter(|(_, text)| !text.is_empty())
                    .map(|(label, text)| (*label, text.clone()))
                    .collect();
                shown
            })
            .collect(),
        empty: "No reflections were shared.",
    }
}
