//! Check-ins folded from the events: per-day tallies and the entries.

use super::*;
use crate::checkin::feelings::CoreFeeling;
use crate::kernel::entries::{self, entry_by_id_field};
use crate::kernel::ids::{EntryId, UserId};
use crate::Meta;
use std::collections::BTreeMap;
use time::OffsetDateTime;

// ---------------------------------------------------------------------------
// Tallies: per-day buckets so charts and Today never walk the whole history.

/// Check-in counts per core feeling over some span of days. A family is
/// counted once per check-in even when two of its words were picked; its
/// intensity is then the stronger of the two.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FeelingTally {
    pub check_ins: u32,
    pub counts: [u32; CoreFeeling::COUNT],
    pub intensity_sums: [u32; CoreFeeling::COUNT],
}

impl FeelingTally {
    fn add_check_in(&mut self, check_in: &CheckIn) {
        self.check_ins += 1;
        let mut strongest = [0u8; CoreFeeling::COUNT];
        for felt in &check_in.feelings {
            let slot = &mut strongest[felt.feeling.core().index()];
            *slot = (*slot).max(felt.intensity.value());
        }
        for (i, intensity) in strongest.into_iter().enumerate() {
            if intensity > 0 {
                self.counts[i] += 1;
                self.intensity_sums[i] += u32::from(intensity);
            }
        }
    }

    pub fn add(&mut self, other: &FeelingTally) {
        self.check_ins += other.check_ins;
        for i in 0..CoreFeeling::COUNT {
            self.counts[i] += other.counts[i];
            self.intensity_sums[i] += other.intensity_sums[i];
        }
    }

    pub fn count(&self, core: CoreFeeling) -> u32 {
        self.counts[core.index()]
    }

    /// The mean intensity of a family when it came up, in tenths (35 = 3.5).
    pub fn mean_intensity_tenths(&self, core: CoreFeeling) -> Option<u32> {
        let count = self.count(core);
        (count > 0).then(|| (self.intensity_sums[core.index()] * 10 + count / 2) / count)
    }
}

/// One person's check-ins, tallied by the instant each was made: which day
/// one falls on depends on the zone of whoever asks, so days are cut only
/// when asked ([`FeelingDays::between`]).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct FeelingDays {
    first_at: Option<OffsetDateTime>,
    last_at: Option<OffsetDateTime>,
    pub(super) by_instant: BTreeMap<OffsetDateTime, FeelingTally>,
}

impl FeelingDays {
    fn add(&mut self, at: OffsetDateTime, check_in: &CheckIn) {
        self.first_at.get_or_insert(at);
        self.last_at = Some(self.last_at.map_or(at, |last| last.max(at)));
        let tally = self.by_instant.entry(at).or_default();
        tally.add_check_in(check_in);
    }

    pub fn first_at(&self) -> Option<OffsetDateTime> {
        self.first_at
    }

    pub fn last_at(&self) -> Option<OffsetDateTime> {
        self.last_at
    }

    /// The tally of the check-ins made from `starts` on, before `ends`.
    pub fn between(&self, starts: OffsetDateTime, ends: OffsetDateTime) -> FeelingTally {
        let mut tally = FeelingTally::default();
        if starts < ends {
            for made in self.by_instant.range(starts..ends).map(|(_, t)| t) {
                tally.add(made);
            }
        }
        tally
    }
}

// ---------------------------------------------------------------------------
// Projections.

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AckRecord {
    pub by: UserId,
    pub at: OffsetDateTime,
    pub acknowledgement: Acknowledgement,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SharedCheckIn {
    pub id: EntryId,
    pub author: UserId,
    pub at: OffsetDateTime,
    pub check_in: CheckIn,
    pub with: SharedWith,
    pub acknowledgement: Option<AckRecord>,
}

/// The shared check-ins of the couple stream.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct CheckInsState {
    /// In stream order, which is time order.
    pub(super) entries: Vec<SharedCheckIn>,
    /// `(when, which check-in)` in time order, for "since your last visit".
    acknowledged: Vec<(OffsetDateTime, EntryId)>,
    tallies: BTreeMap<UserId, FeelingDays>,
    /// Each author's places in `entries`, in time order: one partner's news
    /// is found without reading past every check-in of the other.
    by_author: BTreeMap<UserId, Vec<usize>>,
    /// The answers to check-ins their author withdrew (or that this fold
    /// never read, their payload gone): the partner's words stay.
    answered_withdrawn: BTreeMap<EntryId, AckRecord>,
}

impl CheckInsState {
    pub fn apply(&mut self, meta: &Meta, event: &CheckInEvent) {
        match event {
            CheckInEvent::Shared { check_in, with } => {
                self.tallies
                    .entry(meta.author)
                    .or_default()
                    .add(meta.at, check_in);
                self.by_author
                    .entry(meta.author)
                    .or_default()
                    .push(self.entries.len());
                self.entries.push(SharedCheckIn {
                    id: meta.entry(),
                    author: meta.author,
                    at: meta.at,
                    check_in: check_in.clone(),
                    with: *with,
                    acknowledgement: None,
                });
            }
            CheckInEvent::Acknowledged {
                check_in,
                acknowledgement,
            } => {
                let record = AckRecord {
                    by: meta.author,
                    at: meta.at,
                    acknowledgement: acknowledgement.clone(),
                };
                match entries::find_mut(&mut self.entries, *check_in) {
                    Some(entry) => {
                        if entry.acknowledgement.is_none() {
                            entry.acknowledgement = Some(record);
                            self.acknowledged.push((meta.at, *check_in));
                        }
                    }
                    None => {
                        self.answered_withdrawn.entry(*check_in).or_insert(record);
                    }
                }
            }
        }
    }

    /// Forgets a shared check-in its author withdrew: the same state as a
    /// fold that never read it (tallies counted again from what is left),
    /// but the partner's answer to it stays.
    pub fn withdraw(&mut self, id: EntryId) {
        if let Some(ack) = self.get(id).and_then(|e| e.acknowledgement.clone()) {
            self.answered_withdrawn.insert(id, ack);
        }
        self.entries.retain(|e| e.id != id);
        self.acknowledged.retain(|(_, e)| *e != id);
        let mut tallies: BTreeMap<UserId, FeelingDays> = BTreeMap::new();
        let mut by_author: BTreeMap<UserId, Vec<usize>> = BTreeMap::new();
        for (place, entry) in self.entries.iter().enumerate() {
            tallies
                .entry(entry.author)
                .or_default()
                .add(entry.at, &entry.check_in);
            by_author.entry(entry.author).or_default().push(place);
        }
        self.tallies = tallies;
        self.by_author = by_author;
    }

    /// The answer to a check-in its author withdrew, if it had one.
    pub fn answer_to_withdrawn(&self, id: EntryId) -> Option<&AckRecord> {
        self.answered_withdrawn.get(&id)
    }

    pub fn get(&self, id: EntryId) -> Option<&SharedCheckIn> {
        entries::find(&self.entries, id)
    }

    /// Every shared check-in, oldest first. Both partners may see all of them.
    pub fn all(&self) -> &[SharedCheckIn] {
        &self.entries
    }

    /// The check-ins both partners agreed a therapist may read.
    pub fn for_therapist(&self) -> impl DoubleEndedIterator<Item = &SharedCheckIn> {
        self.entries
            .iter()
            .filter(|e| e.with == SharedWith::PartnerAndTherapist)
    }

    /// `author`'s shared check-ins made after `since`, oldest first; as
    /// cheap to count as to take the newest few of.
    pub fn by_after(
        &self,
        author: UserId,
        since: OffsetDateTime,
    ) -> impl DoubleEndedIterator<Item = &SharedCheckIn> + ExactSizeIterator {
        let places = self.by_author.get(&author).map_or(&[][..], Vec::as_slice);
        let start = places.partition_point(|&place| self.entries[place].at <= since);
        places[start..].iter().map(|&place| &self.entries[place])
    }

    /// The shared check-ins made after `since`, oldest first.
    pub fn after(&self, since: OffsetDateTime) -> &[SharedCheckIn] {
        let start = self.entries.partition_point(|e| e.at <= since);
        &self.entries[start..]
    }

    /// When the first shared check-in was answered.
    pub fn first_acknowledged_at(&self) -> Option<OffsetDateTime> {
        self.acknowledged.first().map(|(at, _)| *at)
    }

    /// The acknowledgements given after `since`, oldest first.
    pub fn acknowledged_after(
        &self,
        since: OffsetDateTime,
    ) -> impl DoubleEndedIterator<Item = &SharedCheckIn> {
        let start = self.acknowledged.partition_point(|(at, _)| *at <= since);
        self.acknowledged[start..]
            .iter()
            .filter_map(|(_, id)| self.get(*id))
    }

    /// One author's shared check-ins, bucketed by day.
    pub fn days_of(&self, author: UserId) -> Option<&FeelingDays> {
        self.tallies.get(&author)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PrivateCheckIn {
    pub id: EntryId,
    pub at: OffsetDateTime,
    pub check_in: CheckIn,
}

/// The check-ins a person kept to themselves.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct PrivateCheckIns {
    pub(super) entries: Vec<PrivateCheckIn>,
    pub(super) days: FeelingDays,
}

impl PrivateCheckIns {
    pub fn apply(&mut self, meta: &Meta, event: &PrivateCheckInEvent) {
        match event {
            PrivateCheckInEvent::Kept { check_in } => {
                self.days.add(meta.at, check_in);
                self.entries.push(PrivateCheckIn {
                    id: meta.entry(),
                    at: meta.at,
                    check_in: check_in.clone(),
                });
            }
        }
    }

    /// Deletes a kept check-in in place: the same state as a fold that never
    /// read it (the day tallies counted again from what is left).
    pub fn withdraw(&mut self, id: EntryId) {
        self.entries.retain(|e| e.id != id);
        let mut days = FeelingDays::default();
        for entry in &self.entries {
            days.add(entry.at, &entry.check_in);
        }
        self.days = days;
    }

    pub fn all(&self) -> &[PrivateCheckIn] {
        &self.entries
    }

    pub fn get(&self, id: EntryId) -> Option<&PrivateCheckIn> {
        entries::find(&self.entries, id)
    }

    pub fn days(&self) -> &FeelingDays {
        &self.days
    }
}

entry_by_id_field!(SharedCheckIn, PrivateCheckIn);
