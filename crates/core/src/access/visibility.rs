//! Whose eyes a query is made for.
//!
//! Check-ins and trust pulses can be kept to oneself or shared. A query made
//! for one person receives the private projections wrapped in [`Private`],
//! which knows whose they are, so a query handed the partner's private
//! projection fails closed instead of showing it. Where an entry goes is
//! decided by its command and named by `streams::Destination`.

use crate::kernel::ids::UserId;
use crate::kernel::refusal::Refusal;
use crate::space::SpaceState;

/// Whose entry a viewer is looking at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Whose {
    Mine,
    Partner,
}

impl Whose {
    pub fn of(author: UserId, viewer: UserId) -> Whose {
        if author == viewer {
            Whose::Mine
        } else {
            Whose::Partner
        }
    }
}

/// Refuses anyone who is not one of the two partners.
pub fn member(space: &SpaceState, viewer: UserId) -> Result<(), Refusal> {
    if space.is_member(viewer) {
        Ok(())
    } else {
        Err(Refusal::NotAMember)
    }
}

/// A part of one person's private projection, with the person it belongs
/// to (`None` for a stream with nothing in it yet).
#[derive(Debug)]
pub struct Private<'a, T> {
    owner: Option<UserId>,
    value: &'a T,
}

// Derived Clone/Copy would ask `T: Copy`; a shared borrow is always Copy.
impl<T> Clone for Private<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Private<'_, T> {}

impl<'a, T> Private<'a, T> {
    pub fn new(owner: Option<UserId>, value: &'a T) -> Self {
        Private { owner, value }
    }

    /// The projection, if it is `viewer`'s own; refused (as "not found")
    /// when it belongs to someone else.
    pub fn read_as(self, viewer: UserId) -> Result<&'a T, Refusal> {
        match self.owner {
            Some(owner) if owner != viewer => Err(Refusal::NotFound),
            _ => Ok(self.value),
        }
    }
}

/// Who looks at a room whose entries are kept or shared (check-ins,
/// pulses): the space, the room's shared part, the viewer's private part,
/// and the viewer. The first argument of those rooms' queries, so the four
/// travel together; `streams::couple::CoupleState` makes one per room.
#[derive(Debug)]
pub struct Viewing<'a, Shared, Kept> {
    pub space: &'a SpaceState,
    pub shared: &'a Shared,
    pub kept: Private<'a, Kept>,
    pub viewer: UserId,
}

// Derived Clone/Copy would ask the rooms to be `Copy`; only borrows are copied.
impl<Shared, Kept> Clone for Viewing<'_, Shared, Kept> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<Shared, Kept> Copy for Viewing<'_, Shared, Kept> {}

impl<'a, Shared, Kept> Viewing<'a, Shared, Kept> {
    /// Refuses a viewer who is not one of the two partners.
    pub fn member(self) -> Result<(), Refusal> {
        member(self.space, self.viewer)
    }

    /// The viewer's own private part, after the membership check; refused
    /// (as "not found") when it belongs to someone else.
    pub fn own(self) -> Result<&'a Kept, Refusal> {
        self.member()?;
        self.kept.read_as(self.viewer)
    }
}

/// The product's core promise, proved on a couple with both partners keeping
/// and sharing: a partner's view never holds the other's private items.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkin::feelings::CoreFeeling;
    use crate::checkin::{self, CheckInId, CheckInInput};
    use crate::pulse::{self, PulseId};
    use crate::streams::private::PrivateState;
    use crate::streams::Destination;
    use crate::testing::{steady, utc_days, World};
    use crate::views::progress;
    use crate::views::today::{self, PartnerNews};
    use time::OffsetDateTime;

    /// The trust index of each point, in order.
    fn indexes(points: &[progress::TrustPoint]) -> Vec<u8> {
        points.iter().map(|p| p.score.index).collect()
    }

    const HURT_SECRET: &str = "hurt-only-marker";
    const INVOLVED_SECRET: &str = "involved-only-marker";

    fn note_check_in(
        w: &mut World,
        author: UserId,
        feeling: &str,
        note: &str,
        visibility: &str,
    ) -> Destination {
        let input = CheckInInput {
            feelings: vec![(feeling.to_owned(), "4".to_owned())],
            note: note.to_owned(),
            visibility: visibility.to_owned(),
        };
        let destination: Destination = checkin::check_in(&w.couple.space, author, &input)
            .unwrap()
            .into();
        w.append(author, destination.clone());
        destination
    }

    /// Both partners keep and share; each private item carries a marker.
    fn world() -> World {
        let mut w = World::ticking();
        let (hurt, involved) = (w.hurt, w.involved);
        let kept = note_check_in(&mut w, hurt, "betrayed", HURT_SECRET, "only_me");
        assert!(kept.is_private());
        note_check_in(&mut w, hurt, "sad", "shared by the hurt partner", "partner");
        note_check_in(&mut w, involved, "ashamed", INVOLVED_SECRET, "only_me");
        note_check_in(
            &mut w,
            involved,
            "hopeful",
            "shared by the involved partner",
            "partner_and_therapist",
        );
        // Kept pulses at levels nobody shares (1 and 7 → index 0 and 100).
        w.pulse(
            w.hurt,
            steady(1),
            "only_me",
            &["checking_phone", "replaying"],
        );
        w.pulse(w.hurt, steady(4), "partner", &["trouble_sleeping"]);
        w.pulse(w.involved, steady(7), "only_me", &["withdrawing"]);
        w.pulse(w.involved, steady(5), "partner", &[]);
        w
    }

    #[test]
    fn the_couple_state_holds_no_private_item_at_all() {
        let w = world();
        let shared = format!("{:?}", w.couple);
        assert!(!shared.contains(HURT_SECRET));
        assert!(!shared.contains(INVOLVED_SECRET));
        assert!(!shared.contains("CheckingPhone"));
        assert!(!shared.contains("Withdrawing"));
        assert_eq!(w.couple.check_ins.all().len(), 2);
        assert_eq!(w.couple.pulse.shared().len(), 2);
        assert_eq!(w.hurt_private.check_ins.all().len(), 1);
        assert_eq!(w.hurt_private.pulses.all().len(), 1);
        assert_eq!(w.hurt_private.signs.notes().len(), 2);
    }

    #[test]
    fn each_partner_sees_their_own_check_ins_and_only_the_others_shared_ones() {
        let w = world();
        let involved = checkin::history(w.check_ins_seen_by(w.involved), None, 100).unwrap();
        assert_eq!(involved.len(), 3);
        assert!(involved
            .iter()
            .all(|v| v.check_in.note.as_deref() != Some(HURT_SECRET)));
        let partner_items: Vec<_> = involved
            .iter()
            .filter(|v| v.whose == Whose::Partner)
            .collect();
        assert_eq!(partner_items.len(), 1);
        assert!(matches!(partner_items[0].id, CheckInId::Shared(_)));

        let hurt = checkin::history(w.check_ins_seen_by(w.hurt), None, 100).unwrap();
        assert_eq!(hurt.len(), 3);
        assert!(hurt
            .iter()
            .all(|v| v.check_in.note.as_deref() != Some(INVOLVED_SECRET)));
        assert!(hurt
            .iter()
            .any(|v| v.check_in.note.as_deref() == Some(HURT_SECRET)));
    }

    #[test]
    fn a_private_entry_cannot_be_reached_by_id_through_the_shared_record() {
        let w = world();
        let hurt_private_id = w.hurt_private.check_ins.all()[0].id;
        let through_own = checkin::view(
            w.check_ins_seen_by(w.involved),
            CheckInId::Private(hurt_private_id),
        );
        assert!(through_own.map_or(true, |v| v.check_in.note.as_deref() != Some(HURT_SECRET)));
        assert_eq!(
            checkin::view(
                w.couple.check_ins_seen_by(w.involved, &w.hurt_private),
                CheckInId::Private(hurt_private_id)
            ),
            Err(Refusal::NotFound)
        );
    }

    #[test]
    fn handing_a_query_the_partners_private_state_fails_closed() {
        let w = world();
        let day = w.now.date();
        let (viewer, theirs) = (w.involved, &w.hurt_private);
        assert_eq!(
            checkin::history(w.couple.check_ins_seen_by(viewer, theirs), None, 10),
            Err(Refusal::NotFound)
        );
        assert_eq!(
            pulse::visible_pulses(w.couple.pulses_seen_by(viewer, theirs)),
            Err(Refusal::NotFound)
        );
        assert_eq!(
            pulse::due(
                w.couple.pulses_seen_by(viewer, theirs),
                day,
                OffsetDateTime::date
            ),
            Err(Refusal::NotFound)
        );
        assert_eq!(
            progress::trust_series(&w.couple, theirs, viewer, None),
            Err(Refusal::NotFound)
        );
        assert_eq!(
            progress::feelings_window(&w.couple, theirs, viewer, utc_days(day, 30)),
            Err(Refusal::NotFound)
        );
        assert_eq!(
            progress::signs_series(theirs, viewer, None),
            Err(Refusal::NotFound)
        );
        assert_eq!(
            progress::milestones(&w.couple, theirs, viewer, day, OffsetDateTime::date),
            Err(Refusal::NotFound)
        );
        assert_eq!(
            today::today(&w.couple, theirs, viewer, None, day, OffsetDateTime::date),
            Err(Refusal::NotFound)
        );
        // Day lookups ignore the foreign state: only the shared record counts.
        let nothing_kept = PrivateState::default();
        assert_eq!(
            checkin::last_check_in_day(
                &w.couple.check_ins,
                theirs.kept_check_ins(),
                viewer,
                OffsetDateTime::date
            ),
            checkin::last_check_in_day(
                &w.couple.check_ins,
                nothing_kept.kept_check_ins(),
                viewer,
                OffsetDateTime::date
            )
        );
        assert_eq!(
            pulse::last_pulse_day(
                &w.couple.pulse,
                theirs.kept_pulses(),
                viewer,
                OffsetDateTime::date
            ),
            pulse::last_pulse_day(
                &w.couple.pulse,
                nothing_kept.kept_pulses(),
                viewer,
                OffsetDateTime::date
            )
        );
    }

    #[test]
    fn pulses_and_trust_series_show_only_the_partners_shared_pulses() {
        let w = world();
        let views = pulse::visible_pulses(w.pulses_seen_by(w.involved)).unwrap();
        let partner: Vec<_> = views.iter().filter(|v| v.whose == Whose::Partner).collect();
        assert_eq!(partner.len(), 1);
        assert!(matches!(partner[0].id, PulseId::Shared(_)));
        assert_eq!(partner[0].record.score.index, 50);
        assert!(
            views.iter().all(|v| v.record.score.index != 0),
            "the hurt partner's kept pulse leaked"
        );

        let series =
            progress::trust_series(&w.couple, &w.involved_private, w.involved, None).unwrap();
        assert_eq!(indexes(&series.partner), vec![50]);
        assert_eq!(indexes(&series.mine), vec![100, 67]);

        let series = progress::trust_series(&w.couple, &w.hurt_private, w.hurt, None).unwrap();
        assert_eq!(indexes(&series.partner), vec![67]);
        assert_eq!(indexes(&series.mine), vec![0, 50]);
    }

    #[test]
    fn feelings_and_signs_progress_never_count_the_partners_private_items() {
        let w = world();
        let day = w.now.date();
        let involved = progress::feelings_window(
            &w.couple,
            &w.involved_private,
            w.involved,
            utc_days(day, 30),
        )
        .unwrap();
        assert_eq!(involved.partner.check_ins, 1);
        assert_eq!(
            involved.partner.count(CoreFeeling::Hurt),
            0,
            "the kept 'betrayed' leaked"
        );
        assert_eq!(involved.partner.count(CoreFeeling::Sad), 1);
        assert_eq!(involved.mine.check_ins, 2);
        assert_eq!(involved.mine.count(CoreFeeling::Ashamed), 1);

        let signs = progress::signs_series(&w.involved_private, w.involved, None).unwrap();
        assert_eq!(
            signs.points.iter().map(|p| p.count).collect::<Vec<_>>(),
            vec![1, 0]
        );
        assert_eq!(signs.most_often, vec![(crate::signs::Sign::Withdrawing, 1)]);
    }

    #[test]
    fn today_news_holds_only_what_the_partner_shared() {
        let w = world();
        let t = today::today(
            &w.couple,
            &w.involved_private,
            w.involved,
            None,
            w.now.date(),
            OffsetDateTime::date,
        )
        .unwrap();
        assert_eq!(t.news.len(), 2);
        for news in &t.news {
            match news {
                PartnerNews::CheckIn(v) => {
                    assert_eq!(v.whose, Whose::Partner);
                    assert!(matches!(v.id, CheckInId::Shared(_)));
                    assert_ne!(v.check_in.note.as_deref(), Some(HURT_SECRET));
                }
                PartnerNews::Pulse(p) => assert_eq!(p.score.index, 50),
                other => panic!("unexpected news {other:?}"),
            }
        }
    }
}
