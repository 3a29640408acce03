//! The session brief: what a therapist reads before the next session,
//! built from `TherapistView` alone, so it can never hold what the view
//! does not. It covers the time since the last session held for this
//! engagement (or since the therapist accepted), and a small "new since
//! the last session" count for the therapist's home, per visible scope.

use crate::access::therapist::{SessionsSeen, TherapistView};
use crate::checkin::SharedCheckIn;
use crate::commitments::Commitment;
use crate::contact::ContactReport;
use crate::kernel::ids::UserId;
use crate::pulse::PulseRecord;
use crate::reflections::SharedCopy;
use crate::requests::Request;
use crate::sessions::HeldSession;
use crate::therapist::Scope;
use crate::truth::TruthEntry;
use crate::views::progress::RequestReliability;
use time::{Date, OffsetDateTime};

/// One partner's shared trust pulses over the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PulseTrend<'a> {
    pub author: UserId,
    /// Their last shared pulse before the period, to compare with.
    pub before: Option<&'a PulseRecord>,
    /// Their shared pulses in the period, oldest first.
    pub during: Vec<&'a PulseRecord>,
}

/// What the therapist reads before the next session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Brief<'v> {
    /// The start of the period: the last session held, else acceptance.
    pub since: OffsetDateTime,
    pub last_session: Option<&'v HeldSession>,
    /// Per partner who shared a pulse (within the pulses scope).
    pub pulses: Vec<PulseTrend<'v>>,
    /// Check-ins marked for the therapist in the period.
    pub check_ins: Vec<&'v SharedCheckIn>,
    /// Each agreed request, kept against due over the period.
    pub requests: Vec<RequestReliability<'v>>,
    /// Commitments with a status change in the period.
    pub commitments: Vec<&'v Commitment>,
    /// Contact reported in the period.
    pub contact: Vec<&'v ContactReport>,
    /// Reflections shared in the period.
    pub reflections: Vec<&'v SharedCopy>,
    /// Every question parked for therapy.
    pub parked: &'v [&'v TruthEntry],
    /// The next session's agenda and the sessions held.
    pub sessions: &'v SessionsSeen<'v>,
}

/// Where the period starts: the last session held for this engagement,
/// else when the therapist accepted (else when it was proposed).
pub fn period_start(view: &TherapistView) -> OffsetDateTime {
    match view.sessions.held.last() {
        Some(last) => last.held.at,
        None => {
            view.engagement
                .accepted
                .unwrap_or(view.engagement.proposed)
                .at
        }
    }
}

/// The days from `since` to `today`, both counted, at least one.
fn days_in(since: OffsetDateTime, today: Date) -> u16 {
    let days = (today - since.date()).whole_days().saturating_add(1);
    u16::try_from(days.max(1)).unwrap_or(u16::MAX)
}

fn pulse_trends<'v>(pulses: &'v [PulseRecord], since: OffsetDateTime) -> Vec<PulseTrend<'v>> {
    let mut trends: Vec<PulseTrend<'v>> = Vec::new();
    for pulse in pulses {
        let at = match trends.iter().position(|t| t.author == pulse.author) {
            Some(at) => at,
            None => {
                trends.push(PulseTrend {
                    author: pulse.author,
                    before: None,
                    during: Vec::new(),
                });
                trends.len() - 1
            }
        };
        if pulse.at < since {
            trends[at].before = Some(pulse);
        } else {
            trends[at].during.push(pulse);
        }
    }
    trends.retain(|t| !t.during.is_empty());
    trends
}

/// The brief for `view`'s therapist. `today_of` is the day it is now for
/// the partner who does a request (as Progress counts it; the therapist's
/// own day will do where that is not known).
pub fn brief<'v>(view: &'v TherapistView<'v>, today_of: impl Fn(&Request) -> Date) -> Brief<'v> {
    let since = period_start(view);
    let requests = view
        .requests
        .iter()
        .filter(|r| r.agreed_on().is_some())
        .map(|request| {
            let today = today_of(request);
            RequestReliability {
                request,
                reliability: request.reliability(today, days_in(since, today)),
            }
        })
        .collect();
    Brief {
        since,
        last_session: view.sessions.held.last().copied(),
        pulses: pulse_trends(view.pulses, since),
        check_ins: new_in(&view.check_ins, since, |c| c.at),
        requests,
        commitments: view
            .commitments
            .iter()
            .filter(|c| c.history.iter().any(|s| s.at >= since))
            .collect(),
        contact: new_in(&view.contact, since, |c| c.reported_at),
        reflections: new_in(&view.reflections, since, |r| r.shared.at),
        parked: &view.parked,
        sessions: &view.sessions,
    }
}

fn new_in<'v, T>(
    list: &[&'v T],
    since: OffsetDateTime,
    at: impl Fn(&T) -> OffsetDateTime,
) -> Vec<&'v T> {
    list.iter().copied().filter(|x| at(x) >= since).collect()
}

/// "New since the last session", for the therapist's home: a count per
/// scope the therapist sees (never one for a scope left unconsented), and
/// the items waiting on the next agenda.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct News {
    pub since: OffsetDateTime,
    pub counts: Vec<(Scope, usize)>,
    pub agenda_items: usize,
}

impl News {
    /// Anything new at all.
    pub fn is_empty(&self) -> bool {
        self.agenda_items == 0 && self.counts.iter().all(|(_, n)| *n == 0)
    }
}

fn count_since(times: impl IntoIterator<Item = OffsetDateTime>, since: OffsetDateTime) -> usize {
    times.into_iter().filter(|at| *at >= since).count()
}

fn news_in(view: &TherapistView, scope: Scope, since: OffsetDateTime) -> usize {
    match scope {
        Scope::ParkedQuestions => count_since(
            view.parked
                .iter()
                .filter_map(|e| crate::access::therapist::parked_question(e).map(|p| p.parked_at)),
            since,
        ),
        Scope::CheckIns => count_since(view.check_ins.iter().map(|c| c.at), since),
        Scope::Pulses => count_since(view.pulses.iter().map(|p| p.at), since),
        Scope::Reflections => count_since(view.reflections.iter().map(|r| r.shared.at), since),
        Scope::Requests => count_since(
            view.requests
                .iter()
                .flat_map(|r| r.fulfilments.iter().map(|f| f.logged_at)),
            since,
        ),
        Scope::Commitments => {
            count_since(
                view.commitments
                    .iter()
                    .flat_map(|c| c.history.iter().map(|s| s.at)),
                since,
            ) + count_since(view.contact.iter().map(|c| c.reported_at), since)
        }
        Scope::Apology => count_since(
            view.apologies
                .iter()
                .flat_map(|a| a.versions.iter().map(|v| v.sent_at)),
            since,
        ),
        Scope::TruthLog => count_since(view.truth.iter().map(|e| e.written_at), since),
    }
}

/// What is new since the last session, per scope `view` holds.
pub fn news(view: &TherapistView) -> News {
    let since = period_start(view);
    News {
        since,
        counts: view
            .scopes
            .iter()
            .map(|scope| (*scope, news_in(view, *scope, since)))
            .collect(),
        agenda_items: view
            .sessions
            .agenda
            .items
            .iter()
            .filter(|l| l.item.added.at >= since)
            .count(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::therapist::therapist_view;
    use crate::kernel::ids::EntryId;
    use crate::sessions::tests::{engage, THERAPIST};
    use crate::sessions::{self, HeldInput};
    use crate::streams::couple::CoupleEvent;
    use crate::testing::{step, user, World};
    use crate::therapist::TherapistEvent;
    use crate::truth::{self, QuestionInput};
    use time::macros::date;

    const ANSWERS: &str = r#"{"dependable_follow_through":5,"dependable_hesitate":3,"faith_doubt":2,"faith_future":6,"honesty_believe":4,"honesty_hidden":4,"predictable_know":7,"predictable_surprise":1,"safety_guarded":3,"safety_open":5}"#;

    fn record_json(w: &mut World, who: UserId, json: &str) -> EntryId {
        let event: CoupleEvent = serde_json::from_str(json).unwrap();
        w.record(who, event)
    }

    /// One entry of each scope, each with `MARK-<scope code>` in its text
    /// (pulses have no text: the brief's list of them must be empty).
    fn one_of_each(w: &mut World) {
        let (hurt, involved, b) = (w.hurt, w.involved, w.betrayal.0);
        let input = QuestionInput {
            betrayal: String::new(),
            text: "MARK-parked_questions".to_owned(),
        };
        let q = w.run(hurt, step!(space: truth::ask(&input)));
        w.run(hurt, step!(truth: truth::park(q)));
        record_json(
            w,
            hurt,
            r#"{"room":"check_in","event":{"type":"shared","check_in":{"feelings":[{"feeling":"sad","intensity":2}],"note":"MARK-check_ins"},"with":"partner_and_therapist"}}"#,
        );
        record_json(
            w,
            hurt,
            &format!(r#"{{"room":"pulse","event":{{"type":"shared","answers":{ANSWERS}}}}}"#),
        );
        record_json(
            w,
            involved,
            r#"{"room":"reflection","event":{"type":"copy_shared","prompt":"forgiving_myself","parts":["MARK-reflections","",""]}}"#,
        );
        let r = record_json(
            w,
            hurt,
            &format!(
                r#"{{"room":"request","event":{{"type":"made","betrayal":{b},"what":"MARK-requests","frequency":{{"every":"daily"}}}}}}"#
            ),
        );
        record_json(
            w,
            involved,
            &format!(
                r#"{{"room":"request","event":{{"type":"accepted","request":{}}}}}"#,
                r.0
            ),
        );
        record_json(
            w,
            involved,
            &format!(
                r#"{{"room":"request","event":{{"type":"fulfilment_logged","request":{},"happened_on":"2026-03-02","note":null}}}}"#,
                r.0
            ),
        );
        record_json(
            w,
            involved,
            &format!(
                r#"{{"room":"commitment","event":{{"type":"made","betrayal":{b},"kind":"no_contact","details":"MARK-commitments"}}}}"#
            ),
        );
        record_json(
            w,
            involved,
            &format!(
                r#"{{"room":"contact","event":{{"type":"reported","betrayal":{b},"happened_at":"2026-03-02T08:30:00Z","channel":"social_media","what_was_said":"MARK-commitments","how_i_responded":"no"}}}}"#
            ),
        );
        record_json(
            w,
            involved,
            &format!(
                r#"{{"room":"apology","event":{{"type":"sent","betrayal":{b},"parts":{{"what_i_did":"MARK-apology","impact":"b","responsibility":"c","remorse":"d","changes":"e","repair":"f","factors":"g"}}}}}}"#
            ),
        );
        record_json(
            w,
            involved,
            &format!(
                r#"{{"room":"truth","event":{{"type":"disclosed","betrayal":{b},"text":"MARK-truth_log","refers_to":null}}}}"#
            ),
        );
        record_json(
            w,
            hurt,
            r#"{"room":"reflection","event":{"type":"trigger_noted","when":"MARK-trigger","felt":"cold","would_help":null}}"#,
        );
    }

    const TODAY: Date = date!(2026 - 03 - 02);

    #[test]
    fn for_every_scope_left_unconsented_nothing_of_it_is_in_the_brief_or_the_news() {
        for left_out in Scope::ALL {
            if left_out == Scope::ParkedQuestions {
                continue;
            }
            let mut w = World::ticking();
            let scopes: Vec<&str> = Scope::ALL
                .iter()
                .filter(|s| **s != left_out)
                .map(|s| s.code())
                .collect();
            engage(&mut w, &scopes);
            one_of_each(&mut w);
            let view = therapist_view(&w.couple, user(THERAPIST)).unwrap();
            let seen = format!("{:?}", brief(&view, |_| TODAY));
            let marker = format!("MARK-{}", left_out.code());
            assert!(!seen.contains(&marker), "{marker} in {seen}");
            assert!(!seen.contains("MARK-trigger"), "trigger notes never");
            let news = news(&view);
            assert!(
                news.counts.iter().all(|(scope, _)| *scope != left_out),
                "{left_out:?} counted: {news:?}"
            );
            for (scope, count) in &news.counts {
                assert!(*count >= 1, "{scope:?} had something new: {news:?}");
            }
            if left_out == Scope::Pulses {
                assert!(brief(&view, |_| TODAY).pulses.is_empty());
            }
        }
    }

    #[test]
    fn with_every_scope_the_brief_holds_each_one() {
        let mut w = World::ticking();
        let all: Vec<&str> = Scope::ALL.iter().map(|s| s.code()).collect();
        engage(&mut w, &all);
        one_of_each(&mut w);
        let view = therapist_view(&w.couple, user(THERAPIST)).unwrap();
        let b = brief(&view, |_| TODAY);
        let seen = format!("{b:?}");
        for scope in [
            "parked_questions",
            "check_ins",
            "reflections",
            "requests",
            "commitments",
        ] {
            assert!(seen.contains(&format!("MARK-{scope}")), "{scope}");
        }
        assert_eq!(b.pulses.len(), 1);
        assert_eq!(b.pulses[0].during.len(), 1);
        assert_eq!(b.contact.len(), 1);
        let reliability = b.requests[0].reliability;
        assert_eq!((reliability.done, reliability.expected), (1, Some(1)));
        let news = news(&view);
        assert_eq!(news.counts.len(), Scope::ALL.len());
        assert!(news.counts.contains(&(Scope::Commitments, 2)), "{news:?}");
    }

    #[test]
    fn the_brief_covers_the_time_since_the_last_session_and_ends_with_the_access() {
        let mut w = World::ticking();
        let p = engage(&mut w, &["check_ins", "pulses"]);
        let accepted = w.now;
        w.check_in_for_therapist(w.hurt, &[("sad", "2")]);
        let item = w.run(w.involved, |s, a, _| {
            sessions::add_agenda_item(s.sessions_acting(a), "the weekend")
        });
        let view = therapist_view(&w.couple, user(THERAPIST)).unwrap();
        assert_eq!(period_start(&view), accepted);
        let n = news(&view);
        assert_eq!(
            n.counts,
            [
                (Scope::ParkedQuestions, 0),
                (Scope::CheckIns, 1),
                (Scope::Pulses, 0)
            ]
        );
        assert_eq!(n.agenda_items, 1);
        w.advance_days(7);
        let t = user(THERAPIST);
        w.run(t, |s, a, _| {
            let input = HeldInput {
                number: 1,
                covered: &[],
                talked_about: &[],
            };
            sessions::mark_held(s.sessions_acting(a), &[], input)
        });
        let view = therapist_view(&w.couple, t).unwrap();
        let b = brief(&view, |_| TODAY + time::Duration::days(7));
        assert_eq!(b.since, w.now);
        assert!(b.check_ins.is_empty(), "before the last session");
        assert_eq!(b.sessions.agenda.items[0].item.id, item);
        assert_eq!(
            b.sessions.agenda.items[0].carried_from.map(|h| h.number),
            Some(1)
        );
        let n = news(&view);
        assert!(n.is_empty(), "{n:?}");
        w.record(w.hurt, TherapistEvent::Ended { proposal: p });
        assert_eq!(
            therapist_view(&w.couple, t),
            Err(crate::kernel::refusal::Refusal::NotFound)
        );
    }
}
