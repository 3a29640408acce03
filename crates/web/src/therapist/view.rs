//! The therapist pages as a partner reads them.

use super::seen::SeenView;
use super::session::{SessionBox, SessionRefused};
use super::{ProposeForm, Refused};
use crate::app::clock::Zone;
use crate::app::error::AppResult;
use crate::app::layout::Layout;
use crate::http::extractors::Desk;
use crate::http::forms::FormErrors;
use crate::present::dates;
use crate::present::repair::refused_at;
use crate::present::words::who;
use askama::Template;
use kintsugi_core::access::room::Acting;
use kintsugi_core::access::therapist::what_our_therapist_sees;
use kintsugi_core::space::SpaceState;
use kintsugi_core::therapist::{self, Engagement, Scope, Scopes, Therapy};
use kintsugi_core::{EntryId, UserId};
use kintsugi_store::TherapistInviteRecord;

/// One scope as a checkbox.
pub struct ScopeBox {
    pub code: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

/// The scopes a person may tick: every one but the parked questions,
/// which are always in.
fn boxes(checked: impl Fn(Scope) -> bool) -> Vec<ScopeBox> {
    Scope::ALL
        .iter()
        .filter(|s| **s != Scope::ParkedQuestions)
        .map(|s| ScopeBox {
            code: s.code(),
            label: s.label(),
            checked: checked(*s),
        })
        .collect()
}

fn boxes_typed(typed: &[String]) -> Vec<ScopeBox> {
    boxes(|s| typed.iter().any(|code| code == s.code()))
}

fn boxes_held(held: Option<&Scopes>) -> Vec<ScopeBox> {
    boxes(|s| held.is_some_and(|h| h.contains(&s)))
}

/// One scope's row in the table of who consented to what.
pub struct ScopeRow {
    pub label: &'static str,
    pub mine: bool,
    pub partner: Option<bool>,
    pub seen: bool,
}

/// The therapist proposed now, where it stands for the viewer.
pub struct CurrentView {
    pub id: u64,
    pub name: String,
    pub proposed: String,
    /// What happens next, in one sentence for the viewer.
    pub stage: String,
    pub active: bool,
    pub rows: Vec<ScopeRow>,
    pub can_consent: bool,
    pub can_change: bool,
    pub can_end: bool,
    pub can_hand_over: bool,
    /// The viewer's scope boxes: for consent (as the proposer ticked
    /// them) or for a change (as the viewer holds them now).
    pub scope_boxes: Vec<ScopeBox>,
    pub scope_errors: FormErrors,
    pub errors: FormErrors,
    /// A link made just now, shown this once.
    pub new_link: Option<String>,
    /// The newest link's state, in words.
    pub link_state: Option<String>,
}

pub struct PastView {
    pub name: String,
    pub how: String,
}

#[derive(Template)]
#[template(path = "therapist/therapist.html")]
pub struct TherapistPage {
    pub layout: Layout,
    pub can_propose: bool,
    pub propose_form: ProposeForm,
    pub propose_boxes: Vec<ScopeBox>,
    pub propose_errors: FormErrors,
    pub current: Option<CurrentView>,
    /// The next session, while a therapist is working with the couple.
    pub session: Option<SessionBox>,
    pub past: Vec<PastView>,
}

#[derive(Template)]
#[template(path = "therapist/sees.html")]
pub struct SeesPage {
    pub layout: Layout,
    pub seen: Option<SeenView>,
}

fn stage(e: &Engagement, space: &SpaceState, me: UserId, zone: Zone) -> String {
    if let Some(accepted) = e.accepted.filter(|_| e.active_therapist(space).is_some()) {
        return format!(
            "{} accepted on {} and sees what both of you consented to.",
            e.name,
            dates::when(accepted.at, zone)
        );
    }
    if e.consent_of(me).is_none() {
        return "Your partner proposed this therapist. Nothing is shared until you say yes, and then only what both of you tick.".into();
    }
    if !e.both_consented(space) {
        return "Waiting for your partner to say yes or no. Nothing is shared before both of you and the therapist have said yes.".into();
    }
    format!(
        "Both of you said yes. Waiting for {} to accept with their own account, through the one-time link.",
        e.name
    )
}

fn rows(e: &Engagement, space: &SpaceState, me: UserId) -> Vec<ScopeRow> {
    let seen = e.visible(space);
    let partner = space.partner_of(me).and_then(|p| e.consent_of(p));
    Scope::ALL
        .iter()
        .map(|s| ScopeRow {
            label: s.label(),
            mine: e.consent_of(me).is_some_and(|h| h.contains(s)),
            partner: partner.map(|h| h.contains(s)),
            seen: seen.contains(s),
        })
        .collect()
}

fn link_state(link: Option<&TherapistInviteRecord>, zone: Zone) -> Option<String> {
    let link = link?;
    Some(match link.used_at {
        Some(at) => format!("The link was used on {}.", dates::when(at, zone)),
        None => format!(
            "A link was made on {}; it works once, until {}.",
            dates::when(link.created_at, zone),
            dates::when(link.expires_at, zone)
        ),
    })
}

struct Context<'a> {
    space: &'a SpaceState,
    therapy: &'a Therapy,
    me: UserId,
    zone: Zone,
}

impl Context<'_> {
    fn acting(&self) -> Acting<'_, Therapy> {
        Acting::new(self.space, self.therapy, self.me)
    }

    fn current(
        &self,
        e: &Engagement,
        refused: &Refused,
        link: Option<&TherapistInviteRecord>,
    ) -> CurrentView {
        let (space, me) = (self.space, self.me);
        let can_consent = therapist::can_consent(self.acting(), e.id);
        let can_change = therapist::can_change(self.acting(), e.id);
        let (scope_boxes, scope_errors) = match refused {
            Refused::Scopes(id, form, errors) if *id == e.id => {
                (boxes_typed(&form.scopes), errors.clone())
            }
            _ if can_consent => (
                boxes_held(e.consents.first().map(|(_, s)| s)),
                FormErrors::default(),
            ),
            _ => (boxes_held(e.consent_of(me)), FormErrors::default()),
        };
        CurrentView {
            id: e.id.0,
            name: e.name.clone(),
            proposed: format!(
                "Proposed by {} on {}",
                who(me, e.proposed.by).to_lowercase(),
                dates::when(e.proposed.at, self.zone)
            ),
            stage: stage(e, space, me, self.zone),
            active: e.active_therapist(space).is_some(),
            rows: rows(e, space, me),
            can_consent,
            can_change,
            can_end: therapist::can_end(self.acting(), e.id),
            can_hand_over: therapist::can_hand_over(self.acting(), e.id),
            scope_boxes,
            scope_errors,
            errors: refused_at!(refused, Refused::OnProposal, e.id),
            new_link: match refused {
                Refused::Link(id, link) if *id == e.id => Some(link.clone()),
                _ => None,
            },
            link_state: link_state(link, self.zone),
        }
    }

    fn past(&self, current: Option<EntryId>) -> Vec<PastView> {
        self.therapy
            .all()
            .iter()
            .rev()
            .filter(|e| Some(e.id) != current)
            .map(|e| PastView {
                name: e.name.clone(),
                how: match (e.ended, e.declined) {
                    (Some(ended), _) => format!(
                        "Access ended by {} on {}",
                        who(self.me, ended.by).to_lowercase(),
                        dates::when(ended.at, self.zone)
                    ),
                    (None, Some(declined)) => {
                        format!("Declined on {}", dates::when(declined.at, self.zone))
                    }
                    (None, None) => String::new(),
                },
            })
            .collect()
    }
}

pub async fn build(desk: Desk, refused: Refused) -> AppResult<TherapistPage> {
    let me = desk.couple.me;
    let zone = desk.layout.now.zone;
    let open_id = {
        let cached = desk.read().await?;
        cached.state.therapy.open().map(|e| e.id)
    };
    let link = match open_id {
        Some(id) => {
            desk.app
                .store
                .latest_therapist_invite(desk.couple.id.0, id.0)
                .await?
        }
        None => None,
    };
    let cached = desk.read().await?;
    let state = &cached.state;
    let context = Context {
        space: &state.space,
        therapy: &state.therapy,
        me,
        zone,
    };
    let current = state
        .therapy
        .open()
        .map(|e| context.current(e, &refused, link.as_ref()));
    let session_refused = match &refused {
        Refused::Session(session) => session.clone(),
        _ => SessionRefused::Nothing,
    };
    let session = what_our_therapist_sees(state, me)
        .ok()
        .flatten()
        .map(|view| {
            SessionBox::build(
                &view,
                state,
                me,
                zone,
                "/therapist".into(),
                &session_refused,
            )
        });
    let (propose_form, propose_errors) = match &refused {
        Refused::Propose(form, errors) => (form.clone(), errors.clone()),
        _ => Default::default(),
    };
    Ok(TherapistPage {
        can_propose: therapist::can_propose(context.acting()),
        propose_boxes: boxes_typed(&propose_form.scopes),
        propose_form,
        propose_errors,
        past: context.past(current.as_ref().map(|c| EntryId(c.id))),
        current,
        session,
        layout: desk.layout,
    })
}
