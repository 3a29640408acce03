//! The weekly meeting's review, filled in from the record: how requests
//! went this week, what changed in the commitments and what contact was
//! reported since the last meeting, and the talks the couple said they
//! would have at the meeting.

use super::progress::{request_reliability, RequestReliability};
use crate::access::visibility::member;
use crate::commitments::{Commitment, StatusEntry};
use crate::contact::ContactReport;
use crate::kernel::ids::UserId;
use crate::kernel::refusal::Refusal;
use crate::requests::{Request, Requests};
use crate::streams::couple::CoupleState;
use crate::talk::TalkRequest;
use time::{Date, Duration, OffsetDateTime};

/// How many days of request keeping the review reads: one week.
pub const REVIEW_DAYS: u16 = 7;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review<'a> {
    /// Since when the review reads: the last meeting held, or a week ago.
    pub since: OffsetDateTime,
    /// Agreed requests, each with how it was kept over the last week.
    pub requests: Vec<RequestReliability<'a>>,
    /// Each commitment status given since, with its commitment.
    pub commitments: Vec<(&'a Commitment, &'a StatusEntry)>,
    /// Contact reported since.
    pub contact: Vec<&'a ContactReport>,
    /// Talk requests answered "at our weekly meeting", still open.
    pub talks: Vec<&'a TalkRequest>,
}

/// The review for `viewer`'s next meeting at `now`. `requests` and
/// `today_of` read each request on its doer's clock, as Progress does.
pub fn meeting_review<'a>(
    couple: &'a CoupleState,
    requests: &'a Requests,
    viewer: UserId,
    now: OffsetDateTime,
    today_of: impl Fn(&Request) -> Date,
) -> Result<Review<'a>, Refusal> {
    member(&couple.space, viewer)?;
    let since = couple
        .meeting
        .held()
        .last()
        .map_or(now - Duration::days(i64::from(REVIEW_DAYS)), |held| {
            held.at()
        });
    let commitments = couple
        .commitments
        .all()
        .iter()
        .flat_map(|c| c.history.iter().map(move |status| (c, status)))
        .filter(|(_, status)| status.at > since)
        .collect();
    let contact = couple
        .contact
        .all()
        .into_iter()
        .filter(|report| report.reported_at > since)
        .collect();
    Ok(Review {
        since,
        requests: request_reliability(couple, requests, viewer, today_of, REVIEW_DAYS)?,
        commitments,
        contact,
        talks: couple.talk.for_the_meeting(&couple.space, viewer),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commitments::{self, CommitmentInput, StatusInput};
    use crate::kernel::ids::EntryId;
    use crate::meeting::{self, ItemInput};
    use crate::testing::{step, World};

    fn review(w: &World, who: UserId) -> Result<Review<'_>, Refusal> {
        meeting_review(&w.couple, &w.couple.requests, who, w.now, |_| w.now.date())
    }

    fn update(w: &mut World, k: EntryId, code: &str) -> EntryId {
        let input = StatusInput {
            status: code.to_owned(),
            note: String::new(),
        };
        w.run(
            w.involved,
            step!(commitments: commitments::update_status(k, &input)),
        )
    }

    fn hold_meeting(w: &mut World) {
        for who in [w.hurt, w.involved] {
            let thanks = ItemInput {
                part: "appreciation",
                text: "thank you",
                ..ItemInput::default()
            };
            w.run(who, step!(meeting: meeting::add_item(thanks)));
        }
        for who in [w.hurt, w.involved] {
            w.run(who, step!(meeting: meeting::mark_held(&[], "")));
        }
    }

    #[test]
    fn the_review_reads_what_changed_since_the_last_meeting_and_only_for_the_couple() {
        let mut w = World::new();
        let input = CommitmentInput {
            betrayal: String::new(),
            kind: "no_contact".to_owned(),
            details: String::new(),
        };
        let k = w.run(w.involved, step!(commitments: commitments::make(&input)));
        w.advance(Duration::hours(1));
        let before = update(&mut w, k, "kept");
        let first = review(&w, w.hurt).unwrap();
        assert_eq!(
            first.since,
            w.now - Duration::days(7),
            "no meeting yet: a week"
        );
        assert_eq!(
            first
                .commitments
                .iter()
                .map(|(_, s)| s.id)
                .collect::<Vec<_>>(),
            [k, before],
            "made, then kept"
        );
        w.advance(Duration::hours(1));
        hold_meeting(&mut w);
        let held_at = w.now;
        assert!(review(&w, w.hurt).unwrap().commitments.is_empty());
        w.advance(Duration::days(2));
        let after = update(&mut w, k, "at_risk");
        for who in [w.hurt, w.involved] {
            let seen = review(&w, who).unwrap();
            assert_eq!(seen.since, held_at);
            let ids: Vec<EntryId> = seen.commitments.iter().map(|(_, s)| s.id).collect();
            assert_eq!(ids, [after]);
        }
        assert_eq!(review(&w, w.stranger), Err(Refusal::NotAMember));
    }
}
