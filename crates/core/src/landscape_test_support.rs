//! A couple and their two private streams, folded the way the web layer
//! folds them, for the emotional-landscape tests.

use crate::access::visibility::Destination;
use crate::checkin::{self, CheckInInput};
use crate::kernel::ids::{EntryId, UserId};
use crate::pulse::{self, PulseInput, ITEMS, ITEM_COUNT};
use crate::space::{BetrayalKind, Slot, SpaceEvent};
use crate::streams::couple::{CoupleEvent, CoupleState};
use crate::streams::private::{PrivateEvent, PrivateState};
use crate::Meta;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

pub struct World {
    /// Created the space; the hurt partner in the recorded betrayal.
    pub hurt: UserId,
    pub involved: UserId,
    pub stranger: UserId,
    pub couple: CoupleState,
    pub hurt_private: PrivateState,
    pub involved_private: PrivateState,
    pub now: OffsetDateTime,
}

impl World {
    pub fn new() -> World {
        let mut w = World {
            hurt: UserId(Uuid::from_u128(1)),
            involved: UserId(Uuid::from_u128(2)),
            stranger: UserId(Uuid::from_u128(3)),
            couple: CoupleState::default(),
            hurt_private: PrivateState::default(),
            involved_private: PrivateState::default(),
            now: datetime!(2026-03-02 09:00 UTC),
        };
        w.couple_event(w.hurt, CoupleEvent::Space(SpaceEvent::Created));
        w.couple_event(
            w.hurt,
            CoupleEvent::Space(SpaceEvent::BetrayalRecorded {
                kind: BetrayalKind::EmotionalAffair,
                hurt: Slot::Creator,
                discovered_on: None,
                note: None,
            }),
        );
        w.couple_event(w.involved, CoupleEvent::Space(SpaceEvent::PartnerJoined));
        w
    }

    fn tick(&mut self) -> OffsetDateTime {
        self.now += Duration::minutes(1);
        self.now
    }

    pub fn advance_days(&mut self, days: i64) {
        self.now += Duration::days(days);
    }

    pub fn couple_event(&mut self, author: UserId, event: CoupleEvent) -> EntryId {
        let meta = Meta {
            seq: self.couple.seq + 1,
            author,
            at: self.tick(),
        };
        self.couple.apply(&meta, &event);
        meta.entry()
    }

    pub fn private_of(&mut self, user: UserId) -> &mut PrivateState {
        if user == self.hurt {
            &mut self.hurt_private
        } else {
            &mut self.involved_private
        }
    }

    pub fn private_event(&mut self, author: UserId, event: PrivateEvent) -> EntryId {
        let at = self.tick();
        let state = self.private_of(author);
        let meta = Meta {
            seq: state.seq + 1,
            author,
            at,
        };
        state.apply(&meta, &event);
        meta.entry()
    }

    pub fn append(&mut self, author: UserId, destination: Destination) -> EntryId {
        match destination {
            Destination::Private(event) => self.private_event(author, event),
            Destination::Shared(event) => self.couple_event(author, event),
        }
    }

    fn check_in_as(
        &mut self,
        author: UserId,
        feelings: &[(&str, &str)],
        visibility: &str,
    ) -> EntryId {
        let input = CheckInInput {
            feelings: feelings
                .iter()
                .map(|(c, i)| ((*c).to_owned(), (*i).to_owned()))
                .collect(),
            note: format!("note by {author}"),
            visibility: visibility.to_owned(),
        };
        let destination =
            checkin::check_in(&self.couple, author, &input).expect("a valid check-in");
        self.append(author, destination)
    }

    pub fn share_check_in(&mut self, author: UserId, feelings: &[(&str, &str)]) -> EntryId {
        self.check_in_as(author, feelings, "partner")
    }

    pub fn keep_check_in(&mut self, author: UserId, feelings: &[(&str, &str)]) -> EntryId {
        self.check_in_as(author, feelings, "only_me")
    }

    /// Records a pulse with its signs note; returns the pulse's entry id.
    pub fn pulse(
        &mut self,
        author: UserId,
        values: [u8; ITEM_COUNT],
        share: &str,
        signs: &[&str],
    ) -> EntryId {
        let input = PulseInput {
            answers: ITEMS
                .iter()
                .zip(values)
                .map(|(i, v)| (i.code.to_owned(), v.to_string()))
                .collect(),
            share: share.to_owned(),
            signs: signs.iter().map(|s| (*s).to_owned()).collect(),
        };
        let outcome = pulse::record_pulse(&self.couple, author, &input).expect("a valid pulse");
        let id = self.append(author, outcome.pulse);
        self.private_event(author, outcome.signs);
        id
    }

    pub fn share_pulse(&mut self, author: UserId, values: [u8; ITEM_COUNT]) -> EntryId {
        self.pulse(author, values, "partner", &[])
    }

    pub fn keep_pulse(&mut self, author: UserId, values: [u8; ITEM_COUNT]) -> EntryId {
        self.pulse(author, values, "only_me", &[])
    }
}
