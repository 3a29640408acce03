//! What a therapist sees: the one function that builds it, from the couple
//! stream only (never a private stream), within the scopes both partners
//! consented to, while all three have said yes. Both partners open the
//! same view ("what our therapist sees"), so nothing is shared with the
//! therapist alone. The view holds this engagement's sessions too, and
//! `session_party` decides, once, who takes part in them: a partner, or
//! the active therapist of this engagement.

use crate::apology::Apology;
use crate::checkin::SharedCheckIn;
use crate::commitments::Commitment;
use crate::contact::ContactReport;
use crate::kernel::ids::{EntryId, UserId};
use crate::kernel::refusal::Refusal;
use crate::pulse::PulseRecord;
use crate::reflections::SharedCopy;
use crate::requests::Request;
use crate::sessions::{Agenda, HeldSession, ParkedQuestion};
use crate::space::SpaceState;
use crate::streams::couple::CoupleState;
use crate::therapist::{Engagement, Scope, Scopes, Therapy};
use crate::truth::{QuestionStatus, TruthEntry, TruthFilter};
use crate::withdrawal::{EntryRoom, Withdrawn};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TherapistView<'a> {
    pub engagement: &'a Engagement,
    pub scopes: Scopes,
    /// Questions parked for therapy (always in scope), newest first.
    pub parked: Vec<&'a TruthEntry>,
    /// Check-ins their authors marked for the therapist.
    pub check_ins: Vec<&'a SharedCheckIn>,
    /// Trust-pulse results shared with the partner.
    pub pulses: &'a [PulseRecord],
    pub requests: Vec<&'a Request>,
    pub commitments: &'a [Commitment],
    pub contact: Vec<&'a ContactReport>,
    /// The apology as sent, version by version (drafts never reach the
    /// couple stream).
    pub apologies: &'a [Apology],
    /// The whole truth log, newest first.
    pub truth: Vec<&'a TruthEntry>,
    /// The copies of reflections partners shared with each other, newest
    /// first (never the private originals, never trigger notes).
    pub reflections: Vec<&'a SharedCopy>,
    /// This engagement's sessions: the next agenda and those held.
    pub sessions: SessionsSeen<'a>,
    /// The tombstones of the rooms in scope (check-ins, requests,
    /// commitments and contact reports, the apology) and of this engagement's session
    /// agenda: when an author withdrew an entry, never what it said. The
    /// truth log's stand in `truth`; a check-in's only if it was marked for
    /// the therapist.
    pub withdrawn: Vec<&'a Withdrawn>,
}

/// The sessions of the engagement a view is about (never an earlier
/// therapist's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionsSeen<'a> {
    /// The next session's agenda.
    pub agenda: Agenda<'a>,
    /// The parked questions on that agenda, as entries of the view.
    pub questions: Vec<&'a TruthEntry>,
    /// The sessions held, oldest first.
    pub held: Vec<&'a HeldSession>,
}

impl<'a> SessionsSeen<'a> {
    /// The session of this engagement in which `question` was last talked
    /// about: "talked about in session on …", as this view may show it.
    pub fn talked_about(&self, question: EntryId) -> Option<&'a HeldSession> {
        self.held
            .iter()
            .rev()
            .copied()
            .find(|h| h.talked_about.contains(&question))
    }
}

/// A parked question as the sessions room reads it.
pub fn parked_question(entry: &TruthEntry) -> Option<ParkedQuestion> {
    match entry.question_status() {
        Some(QuestionStatus::Parked(stamp)) => Some(ParkedQuestion {
            question: entry.id,
            parked_at: stamp.at,
        }),
        _ => None,
    }
}

/// The parked questions of `parked` as the sessions room reads them.
pub fn parked_questions(parked: &[&TruthEntry]) -> Vec<ParkedQuestion> {
    parked.iter().filter_map(|e| parked_question(e)).collect()
}

fn sessions_seen<'a>(
    couple: &'a CoupleState,
    engagement: &Engagement,
    parked: &[&'a TruthEntry],
) -> SessionsSeen<'a> {
    let agenda = couple
        .sessions
        .agenda(engagement.id, &parked_questions(parked));
    let questions = parked
        .iter()
        .copied()
        .filter(|e| agenda.has_question(e.id))
        .collect();
    SessionsSeen {
        agenda,
        questions,
        held: couple.sessions.held_of(engagement.id),
    }
}

/// The tombstones a therapist with `scopes` in `engagement` sees.
fn tombstones_seen<'a>(
    couple: &'a CoupleState,
    engagement: &Engagement,
    scopes: &Scopes,
) -> Vec<&'a Withdrawn> {
    let rooms = [
        (Scope::Requests, EntryRoom::Request),
        (Scope::Commitments, EntryRoom::Commitment),
        (Scope::Commitments, EntryRoom::Contact),
        (Scope::Apology, EntryRoom::Apology),
        (Scope::Pulses, EntryRoom::Pulse),
    ];
    let mut seen: Vec<&Withdrawn> = rooms
        .into_iter()
        .filter(|(scope, _)| scopes.contains(scope))
        .flat_map(|(_, room)| couple.withdrawals.in_room(room))
        .collect();
    if scopes.contains(&Scope::CheckIns) {
        let check_ins = couple.withdrawals.in_room(EntryRoom::CheckIn);
        seen.extend(check_ins.filter(|w| w.for_therapist));
    }
    let sessions = couple.withdrawals.in_room(EntryRoom::Session);
    seen.extend(sessions.filter(|w| w.betrayal == Some(engagement.id)));
    seen
}

/// `list` when `scope` is consented, else nothing.
fn within<T: Default>(scopes: &Scopes, scope: Scope, list: impl FnOnce() -> T) -> T {
    if scopes.contains(&scope) {
        list()
    } else {
        T::default()
    }
}

fn view_of<'a>(couple: &'a CoupleState, engagement: &'a Engagement) -> TherapistView<'a> {
    let scopes = engagement.visible(&couple.space);
    let s = &scopes;
    let parked = within(s, Scope::ParkedQuestions, || couple.truth.parked());
    TherapistView {
        engagement,
        sessions: sessions_seen(couple, engagement, &parked),
        parked,
        check_ins: within(s, Scope::CheckIns, || {
            couple.check_ins.for_therapist().collect()
        }),
        pulses: within(s, Scope::Pulses, || couple.pulse.shared()),
        requests: within(s, Scope::Requests, || couple.requests.all()),
        commitments: within(s, Scope::Commitments, || couple.commitments.all()),
        contact: within(s, Scope::Commitments, || couple.contact.all()),
        apologies: within(s, Scope::Apology, || couple.apology.all()),
        truth: within(s, Scope::TruthLog, || {
            couple.truth.entries(TruthFilter::All)
        }),
        reflections: within(s, Scope::Reflections, || {
            couple.reflections.copies().collect()
        }),
        withdrawn: tombstones_seen(couple, engagement, s),
        scopes,
    }
}

/// What `therapist` may read of this couple now; "not found" when they are
/// not this couple's therapist, or no longer are.
pub fn therapist_view(
    couple: &CoupleState,
    therapist: UserId,
) -> Result<TherapistView<'_>, Refusal> {
    let engagement = couple
        .therapy
        .active_for(&couple.space, therapist)
        .ok_or(Refusal::NotFound)?;
    Ok(view_of(couple, engagement))
}

/// "What our therapist sees", opened by a partner: exactly the therapist's
/// view, or `None` while no therapist is active.
pub fn what_our_therapist_sees(
    couple: &CoupleState,
    partner: UserId,
) -> Result<Option<TherapistView<'_>>, Refusal> {
    super::visibility::member(&couple.space, partner)?;
    let active = couple
        .therapy
        .open()
        .filter(|e| e.active_therapist(&couple.space).is_some());
    Ok(active.map(|engagement| view_of(couple, engagement)))
}

/// Who takes part in an engagement's sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionRole {
    Partner,
    Therapist,
}

/// The engagement whose sessions `actor` takes part in, and as whom: a
/// partner of the space, or the therapist who accepted, while all three
/// have said yes and nobody ended it. A therapist only proposed, one whose
/// access ended, or anyone else meets "not found"; a partner meets a
/// conflict while no therapist is active.
pub fn session_party<'a>(
    space: &SpaceState,
    therapy: &'a Therapy,
    actor: UserId,
) -> Result<(&'a Engagement, SessionRole), Refusal> {
    if space.is_member(actor) {
        let active = therapy
            .open()
            .filter(|e| e.active_therapist(space).is_some())
            .ok_or(Refusal::Conflict(
                "Sessions begin once your therapist has accepted.",
            ))?;
        return Ok((active, SessionRole::Partner));
    }
    let engagement = therapy.active_for(space, actor).ok_or(Refusal::NotFound)?;
    Ok((engagement, SessionRole::Therapist))
}

/// Who acts on a room of the therapy sessions: the space, the therapist
/// room (which says whose sessions these are), the room and the actor. The
/// first argument of the sessions room's `check_*`, `can_*` and commands.
#[derive(Debug)]
pub struct SessionActing<'a, Room> {
    pub space: &'a SpaceState,
    pub therapy: &'a Therapy,
    pub room: &'a Room,
    pub actor: UserId,
}

impl<Room> Clone for SessionActing<'_, Room> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<Room> Copy for SessionActing<'_, Room> {}

impl<'a, Room> SessionActing<'a, Room> {
    pub fn new(space: &'a SpaceState, therapy: &'a Therapy, room: &'a Room, actor: UserId) -> Self {
        SessionActing {
            space,
            therapy,
            room,
            actor,
        }
    }

    /// `session_party`, for this actor.
    pub fn party(self) -> Result<(&'a Engagement, SessionRole), Refusal> {
        session_party(self.space, self.therapy, self.actor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::ids::EntryId;
    use crate::testing::{step, user, World};
    use crate::therapist::{self, TherapistEvent};
    use crate::truth::{self, QuestionInput};

    const THERAPIST: u128 = 77;

    /// A couple with one of each kind of entry: a parked question, a
    /// question not parked, a check-in for the therapist, one for the
    /// partner only, one kept, and a shared and a kept pulse.
    fn world() -> (World, EntryId, EntryId) {
        let mut w = World::new();
        let ask = |text: &str| QuestionInput {
            betrayal: String::new(),
            text: text.to_owned(),
        };
        let parked = w.run(w.hurt, step!(space: truth::ask(&ask("parked one"))));
        w.run(w.hurt, step!(truth: truth::park(parked)));
        let open = w.run(w.hurt, step!(space: truth::ask(&ask("open one"))));
        w.check_in_for_therapist(w.hurt, &[("hopeful", "2")]);
        w.share_check_in(w.involved, &[("sad", "3")]);
        w.keep_check_in(w.involved, &[("angry", "4")]);
        (w, parked, open)
    }

    fn engage(w: &mut World, hurt: &[&str], involved: &[&str]) -> EntryId {
        fn room(
            w: &World,
            who: UserId,
        ) -> crate::access::room::Acting<'_, crate::therapist::Therapy> {
            crate::access::room::Acting::new(&w.couple.space, &w.couple.therapy, who)
        }
        let (a, b) = (w.hurt, w.involved);
        let event = therapist::propose(room(w, a), "Dr Okafor", hurt).unwrap();
        let p = w.record(a, event);
        let event = therapist::consent(room(w, b), p, involved).unwrap();
        w.record(b, event);
        let event =
            therapist::accept(&w.couple.space, &w.couple.therapy, user(THERAPIST), p).unwrap();
        w.record(user(THERAPIST), event);
        p
    }

    #[test]
    fn the_view_holds_parked_questions_and_only_the_scopes_both_consented() {
        let (mut w, parked, open) = world();
        assert_eq!(
            therapist_view(&w.couple, user(THERAPIST)),
            Err(Refusal::NotFound)
        );
        engage(
            &mut w,
            &["check_ins", "truth_log"],
            &["check_ins", "requests"],
        );
        let view = therapist_view(&w.couple, user(THERAPIST)).unwrap();
        assert_eq!(
            view.parked.iter().map(|e| e.id).collect::<Vec<_>>(),
            [parked]
        );
        assert_eq!(
            view.check_ins.len(),
            1,
            "only the one marked for the therapist"
        );
        assert!(
            view.truth.is_empty(),
            "the truth log was consented by one partner only"
        );
        assert!(!view.truth.iter().any(|e| e.id == open));
        assert!(view.requests.is_empty() && view.pulses.is_empty());
        let theirs = what_our_therapist_sees(&w.couple, w.involved)
            .unwrap()
            .unwrap();
        assert_eq!(
            theirs, view,
            "both partners see exactly the therapist's view"
        );
        assert_eq!(
            what_our_therapist_sees(&w.couple, w.stranger),
            Err(Refusal::NotAMember)
        );
        assert_eq!(therapist_view(&w.couple, user(78)), Err(Refusal::NotFound));
    }

    #[test]
    fn after_the_end_the_therapist_reaches_nothing() {
        let (mut w, _, _) = world();
        let p = engage(&mut w, &["truth_log"], &["truth_log"]);
        assert_eq!(
            therapist_view(&w.couple, user(THERAPIST))
                .unwrap()
                .truth
                .len(),
            2
        );
        w.record(w.involved, TherapistEvent::Ended { proposal: p });
        assert_eq!(
            therapist_view(&w.couple, user(THERAPIST)),
            Err(Refusal::NotFound)
        );
        assert_eq!(what_our_therapist_sees(&w.couple, w.hurt), Ok(None));
    }

    #[test]
    fn reflections_are_the_shared_copies_only_and_only_when_both_consented() {
        use crate::reflections::{PrivateReflectionEvent, Prompt, ReflectionEvent};
        let (mut w, _, _) = world();
        let parts = |text: &str| vec![text.to_owned(), String::new(), String::new()];
        w.record_private(
            w.involved,
            PrivateReflectionEvent::Written {
                prompt: Prompt::ForgivingMyself,
                parts: parts("the private original"),
            },
        );
        w.record(
            w.involved,
            ReflectionEvent::CopyShared {
                prompt: Prompt::ForgivingMyself,
                parts: parts("the copy I shared"),
            },
        );
        w.record(
            w.hurt,
            ReflectionEvent::TriggerNoted {
                when: "the trigger note".to_owned(),
                felt: "cold".to_owned(),
                would_help: None,
            },
        );
        let p = engage(&mut w, &["reflections"], &["check_ins"]);
        let view = therapist_view(&w.couple, user(THERAPIST)).unwrap();
        assert!(view.reflections.is_empty(), "one partner consented only");
        w.record(
            w.involved,
            TherapistEvent::Widened {
                proposal: p,
                scopes: vec![Scope::Reflections],
            },
        );
        let view = therapist_view(&w.couple, user(THERAPIST)).unwrap();
        assert_eq!(view.reflections.len(), 1);
        assert_eq!(view.reflections[0].parts[0], "the copy I shared");
        let seen = format!("{view:?}");
        assert!(!seen.contains("the private original"));
        assert!(!seen.contains("the trigger note"));
    }

    #[test]
    fn a_withdrawn_pulse_leaves_only_its_tombstone_and_only_within_the_scope() {
        let (mut w, _, _) = world();
        let stays = w.share_pulse(w.hurt, [5; crate::pulse::ITEM_COUNT]);
        let gone = w.share_pulse(w.involved, [2; crate::pulse::ITEM_COUNT]);
        let withdrawn = crate::withdrawal::withdraw(&w.couple.withdrawals, w.involved, gone);
        w.record(w.involved, withdrawn.expect("its author withdraws it"));
        let p = engage(&mut w, &["pulses"], &["check_ins"]);
        let view = therapist_view(&w.couple, user(THERAPIST)).unwrap();
        assert!(view.pulses.is_empty() && view.withdrawn.is_empty());
        w.record(
            w.involved,
            TherapistEvent::Widened {
                proposal: p,
                scopes: vec![Scope::Pulses],
            },
        );
        let view = therapist_view(&w.couple, user(THERAPIST)).unwrap();
        let shown: Vec<_> = view.pulses.iter().map(|r| r.id).collect();
        assert_eq!(shown, [stays]);
        let tombstones: Vec<_> = view
            .withdrawn
            .iter()
            .filter(|t| t.room == EntryRoom::Pulse)
            .map(|t| (t.entry, t.stamp.by))
            .collect();
        assert_eq!(tombstones, [(gone, w.involved)]);
    }
}
