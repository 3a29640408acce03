//! The printable session brief: one page per session for the therapist,
//! and the very same page for both partners. Built from the core's brief,
//! which reads only the therapist's view, so nothing outside the consented
//! scopes can reach it.

use super::seen::{check_ins_of, item, person, reflections, SeenItem, SeenSection};
use crate::app::clock::Zone;
use crate::app::layout::Layout;
use crate::present::dates;
use askama::Template;
use kintsugi_core::access::therapist::TherapistView;
use kintsugi_core::streams::couple::CoupleState;
use kintsugi_core::therapist::Scope;
use kintsugi_core::views::brief::{brief, Brief};

#[derive(Template)]
#[template(path = "therapist/brief.html")]
pub struct BriefPage {
    pub layout: Layout,
    /// How the couple names their therapist.
    pub therapist: String,
    /// "Session 3", the session this brief prepares.
    pub session: u32,
    /// "since 12 November 2026 (session 2)".
    pub since: String,
    /// Where "back" leads.
    pub back: String,
    pub sections: Vec<SeenSection>,
}

impl BriefPage {
    pub fn build(
        view: &TherapistView<'_>,
        state: &CoupleState,
        layout: Layout,
        back: &str,
    ) -> BriefPage {
        let zone = layout.now.zone;
        let today = layout.now.today();
        let found = brief(view, |_| today);
        let since = match found.last_session {
            Some(held) => format!(
                "Since session {} on {}",
                held.number,
                dates::when(held.held.at, zone)
            ),
            None => format!(
                "Since {} accepted on {}",
                view.engagement.name,
                dates::when(found.since, zone)
            ),
        };
        BriefPage {
            therapist: view.engagement.name.clone(),
            session: view.sessions.agenda.number,
            since,
            back: back.to_owned(),
            sections: sections(view, &found, state, zone),
            layout,
        }
    }
}

fn sections(
    view: &TherapistView<'_>,
    found: &Brief<'_>,
    state: &CoupleState,
    zone: Zone,
) -> Vec<SeenSection> {
    let space = &state.space;
    let shows = |scope| view.scopes.contains(&scope);
    let mut sections = vec![agenda(view, state)];
    if shows(Scope::Pulses) {
        sections.push(pulse_trend(found, state));
    }
    if shows(Scope::CheckIns) {
        sections.push(SeenSection {
            id: "check-ins",
            title: "Check-ins marked for the therapist",
            items: check_ins_of(&found.check_ins, space, zone),
            empty: "No check-ins were marked for the therapist since.",
        });
    }
    if shows(Scope::Requests) {
        sections.push(reliability(found, state));
    }
    if shows(Scope::Commitments) {
        sections.push(commitments(found, state, zone));
    }
    if shows(Scope::Reflections) {
        sections.push(reflections(&found.reflections, space, zone));
    }
    sections
}

/// The next session's agenda: parked questions first, then the items.
fn agenda(view: &TherapistView<'_>, state: &CoupleState) -> SeenSection {
    let space = &state.space;
    let seen = &view.sessions;
    let questions = seen.questions.iter().map(|q| SeenItem {
        by: person(space, q.author),
        on: String::new(),
        label: "Parked question".to_owned(),
        text: q.text.clone(),
        parts: Vec::new(),
    });
    let items = seen.agenda.items.iter().map(|line| SeenItem {
        by: person(space, line.item.added.by),
        on: String::new(),
        label: line.carried_from.map_or_else(
            || "Agenda item".to_owned(),
            |h| format!("Carried over from session {}", h.number),
        ),
        text: line.item.text.clone(),
        parts: Vec::new(),
    });
    SeenSection {
        id: "agenda",
        title: "The agenda",
        items: questions.chain(items).collect(),
        empty: "Nothing on the agenda yet.",
    }
}

fn pulse_trend(found: &Brief<'_>, state: &CoupleState) -> SeenSection {
    let space = &state.space;
    SeenSection {
        id: "pulse-trend",
        title: "Trust pulse",
        items: found
            .pulses
            .iter()
            .map(|trend| {
                let points: Vec<String> = trend
                    .before
                    .into_iter()
                    .chain(trend.during.iter().copied())
                    .map(|p| p.score.index.to_string())
                    .collect();
                item(
                    person(space, trend.author),
                    String::new(),
                    "Trust index",
                    points.join(" → "),
                )
            })
            .collect(),
        empty: "No trust pulse was shared since.",
    }
}

fn reliability(found: &Brief<'_>, state: &CoupleState) -> SeenSection {
    let space = &state.space;
    SeenSection {
        id: "reliability",
        title: "Requests: how reliably they were kept",
        items: found
            .requests
            .iter()
            .map(|r| {
                let kept = match (r.reliability.expected, r.reliability.percent()) {
                    (Some(expected), Some(percent)) => {
                        format!(
                            "Done {} of {expected} times ({percent}%)",
                            r.reliability.done
                        )
                    }
                    _ => format!("Done {} times", r.reliability.done),
                };
                let mut shown = item(
                    person(space, r.request.asked_by),
                    String::new(),
                    r.request.status.label(),
                    r.request.terms.what.clone(),
                );
                shown.parts.push(("Since", kept));
                shown
            })
            .collect(),
        empty: "No agreed requests.",
    }
}

fn commitments(found: &Brief<'_>, state: &CoupleState, zone: Zone) -> SeenSection {
    let space = &state.space;
    SeenSection {
        id: "commitments",
        title: "Commitments and contact reports",
        items: found
            .commitments
            .iter()
            .map(|c| {
                item(
                    "The involved partner",
                    String::new(),
                    c.status().label(),
                    c.kind.label().to_owned(),
                )
            })
            .chain(found.contact.iter().map(|r| {
                item(
                    person(space, r.reported_by),
                    dates::when(r.reported_at, zone),
                    "Contact reported",
                    r.channel.label().to_owned(),
                )
            }))
            .collect(),
        empty: "No changes to commitments and no contact reported.",
    }
}
