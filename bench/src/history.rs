//! A couple's history, made with the domain's own commands and appended to
//! a real store: daily check-ins for both partners (some kept, some shared
//! and answered), a weekly trust pulse each with its signs note, and the
//! marks left by opening Today every few evenings.
//!
//! The store stamps every event with the moment it is appended; a history
//! needs older times. So the history is folded here with the times it
//! should have and appended in batches through `Store::append_dated`, which
//! writes, encrypts and seals each event with its own time: the record
//! verifies, and the app reads it as it would a real one.

use anyhow::{anyhow, Context, Result};
use kintsugi_core::checkin::feelings::Feeling;
use kintsugi_core::checkin::{self, AcknowledgeInput, CheckInInput};
use kintsugi_core::pulse::{self, PulseInput, ITEMS};
use kintsugi_core::signs::Sign;
use kintsugi_core::space::{self, BetrayalInput};
use kintsugi_core::streams::couple::{CoupleEvent, CoupleState};
use kintsugi_core::streams::private::{PrivateEvent, PrivateState};
use kintsugi_core::streams::Destination;
use kintsugi_core::views::today;
use kintsugi_core::{CoupleId, EntryId, Meta, StreamId, UserId};
use kintsugi_store::{NewEvent, Store, UserRecord};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// Events per `Store::append` call.
const BATCH: usize = 500;

/// A small deterministic generator, so every run builds the same history.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, sides: u64) -> u64 {
        // xorshift64
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % sides.max(1)
    }

    fn chance(&mut self, one_in: u64) -> bool {
        self.roll(one_in) == 0
    }
}

/// One stream's events as folded, waiting to be appended.
#[derive(Default)]
pub struct Pending {
    events: Vec<NewEvent>,
    /// The time each event should carry, by position (seq - 1).
    times: Vec<OffsetDateTime>,
}

impl Pending {
    fn push(&mut self, author: UserId, kind: &str, payload: Vec<u8>, at: OffsetDateTime) {
        self.events.push(NewEvent {
            author: author.to_string(),
            kind: kind.to_owned(),
            payload,
        });
        self.times.push(at);
    }
}

/// A couple made for the benchmark, and how much history it has.
pub struct BenchCouple {
    pub label: &'static str,
    pub hurt: UserId,
    pub couple_events: usize,
    pub private_events: usize,
    /// The couple's record and the hurt partner's private stream, by id.
    pub couple_stream: String,
    pub hurt_stream: String,
    /// The events of the hurt partner's private stream.
    pub hurt_events: usize,
}

struct Builder {
    hurt: UserId,
    couple: CoupleState,
    hurt_private: PrivateState,
    involved_private: PrivateState,
    couple_pending: Pending,
    hurt_pending: Pending,
    involved_pending: Pending,
    dice: Dice,
    vocabulary: Vec<Feeling>,
}

impl Builder {
    fn shared(
        &mut self,
        author: UserId,
        at: OffsetDateTime,
        event: CoupleEvent,
    ) -> Result<EntryId> {
        let meta = Meta {
            seq: self.couple.seq + 1,
            author,
            at,
        };
        let payload = serde_json::to_vec(&event)?;
        self.couple_pending.push(author, event.kind(), payload, at);
        self.couple.apply(&meta, &event);
        Ok(meta.entry())
    }

    fn private(&mut self, author: UserId, at: OffsetDateTime, event: PrivateEvent) -> Result<()> {
        let (state, pending) = if author == self.hurt {
            (&mut self.hurt_private, &mut self.hurt_pending)
        } else {
            (&mut self.involved_private, &mut self.involved_pending)
        };
        let meta = Meta {
            seq: state.seq + 1,
            author,
            at,
        };
        pending.push(author, event.kind(), serde_json::to_vec(&event)?, at);
        state.apply(&meta, &event);
        Ok(())
    }

    fn append(
        &mut self,
        author: UserId,
        at: OffsetDateTime,
        to: Destination,
    ) -> Result<Option<EntryId>> {
        match to {
            Destination::Shared(event) => self.shared(author, at, event).map(Some),
            Destination::Private(event) => self.private(author, at, event).map(|()| None),
        }
    }

    /// Opening Today leaves a mark in the person's private stream.
    fn visit(&mut self, person: UserId, at: OffsetDateTime) -> Result<()> {
        let mine = if person == self.hurt {
            &self.hurt_private
        } else {
            &self.involved_private
        };
        match today::mark_visit(mine, person, at).map_err(|r| anyhow!("visit refused: {r:?}"))? {
            Some(mark) => self.private(person, at, mark),
            None => Ok(()),
        }
    }

    /// One to three different feelings with strengths, as the form posts them.
    fn feelings(&mut self) -> Vec<(String, String)> {
        let count = 1 + self.dice.roll(3) as usize;
        let mut chosen: Vec<(String, String)> = Vec::with_capacity(count);
        while chosen.len() < count {
            let word = self.vocabulary[self.dice.roll(self.vocabulary.len() as u64) as usize];
            if chosen.iter().all(|(code, _)| code != word.code()) {
                chosen.push((word.code().to_owned(), (1 + self.dice.roll(5)).to_string()));
            }
        }
        chosen
    }

    fn check_in(
        &mut self,
        author: UserId,
        at: OffsetDateTime,
        day: u32,
    ) -> Result<Option<EntryId>> {
        let visibility = match self.dice.roll(10) {
            0..=2 => "only_me",
            3 => "partner_and_therapist",
            _ => "partner",
        };
        let note = if self.dice.chance(3) {
            format!("Day {day}: a few words about how it went.")
        } else {
            String::new()
        };
        let input = CheckInInput {
            feelings: self.feelings(),
            note,
            visibility: visibility.to_owned(),
        };
        let to = checkin::check_in(&self.couple.space, author, &input)
            .map(Destination::from)
            .map_err(|r| anyhow!("check-in refused: {r:?}"))?;
        self.append(author, at, to)
    }

    fn answer(&mut self, author: UserId, at: OffsetDateTime, check_in: EntryId) -> Result<()> {
        let preset = ["thank_you", "im_here", "when_youre_ready"][self.dice.roll(3) as usize];
        let input = AcknowledgeInput {
            check_in: check_in.0.to_string(),
            preset: preset.to_owned(),
            own_words: String::new(),
        };
        let event =
            checkin::acknowledge(&self.couple.space, &self.couple.check_ins, author, &input)
                .map(CoupleEvent::from)
                .map_err(|r| anyhow!("answer refused: {r:?}"))?;
        self.shared(author, at, event).map(|_| ())
    }

    /// A pulse near `level` (1 to 7), shared or kept, with its signs note.
    fn pulse(&mut self, author: UserId, at: OffsetDateTime, level: u64, share: bool) -> Result<()> {
        let answers = ITEMS
            .iter()
            .map(|item| {
                let value = (level + self.dice.roll(3)).clamp(2, 8) - 1;
                let value = if item.reverse { 8 - value } else { value };
                (item.code.to_owned(), value.to_string())
            })
            .collect();
        let signs = Sign::ALL
            .iter()
            .filter(|_| self.dice.chance(4))
            .map(|s| s.code().to_owned())
            .collect();
        let input = PulseInput {
            answers,
            share: if share { "partner" } else { "only_me" }.to_owned(),
            signs,
        };
        let outcome = pulse::record_pulse(&self.couple.space, author, &input)
            .map_err(|r| anyhow!("pulse refused: {r:?}"))?;
        self.append(author, at, outcome.pulse.into())?;
        self.private(author, at + Duration::seconds(1), outcome.signs.into())
    }
}

impl Builder {
    /// One day of the couple's life from `midnight`: check-ins and their
    /// answers, a weekly pulse each, and visits to Today.
    fn live_one_day(
        &mut self,
        midnight: OffsetDateTime,
        day: u32,
        days: u32,
        involved: UserId,
    ) -> Result<()> {
        let hurt = self.hurt;
        let at = |hour: i64, minutes: u64| {
            midnight + Duration::hours(hour) + Duration::minutes(minutes as i64)
        };
        let morning = self.dice.roll(90);
        if let Some(id) = self.check_in(hurt, at(7, morning), day)? {
            if self.dice.chance(2) {
                self.answer(involved, at(12, 0), id)?;
            }
        }
        if day % 7 == 6 {
            // Trust slowly comes back over the years, unevenly.
            let progress = u64::from(day) * 4 / u64::from(days.max(1));
            let share = !self.dice.chance(2);
            self.pulse(hurt, at(19, 0), 2 + progress, share)?;
            let share = !self.dice.chance(4);
            self.pulse(involved, at(19, 30), 3 + progress, share)?;
        }
        let evening = self.dice.roll(60);
        if let Some(id) = self.check_in(involved, at(21, evening), day)? {
            if self.dice.chance(2) {
                self.answer(hurt, at(23, 0), id)?;
            }
        }
        // The hurt partner opens Today on about one evening in three, before
        // the involved partner's check-in; the involved partner on about
        // half the evenings, late.
        if self.dice.chance(3) {
            self.visit(hurt, at(20, 30))?;
        }
        if self.dice.chance(2) {
            self.visit(involved, at(22, 45))?;
        }
        Ok(())
    }
}

/// Makes two people and their space, and `days` days of history ending
/// yesterday. Returns the couple and its events, ready to append.
pub async fn generate(
    store: &dyn Store,
    label: &'static str,
    days: u32,
    seed: u64,
) -> Result<(BenchCouple, Vec<(String, Pending)>)> {
    let now = OffsetDateTime::now_utc();
    let hurt = UserId(Uuid::new_v4());
    let involved = UserId(Uuid::new_v4());
    let couple_id = CoupleId(Uuid::new_v4());
    for (user, role) in [(hurt, "hurt"), (involved, "involved")] {
        store
            .create_user(
                &UserRecord {
                    id: user.0,
                    email: format!("{role}-{}@bench.invalid", user.0),
                    // Never used: the benchmark starts sessions directly.
                    password_hash: "no login".to_owned(),
                    created_at: now,
                    recovery_codes_shown: true,
                },
                &[],
            )
            .await?;
        store.add_member(couple_id.0, user.0, now).await?;
    }

    let start = (now - Duration::days(i64::from(days))).replace_time(time::Time::MIDNIGHT);
    let mut b = Builder {
        hurt,
        couple: CoupleState::default(),
        hurt_private: PrivateState::default(),
        involved_private: PrivateState::default(),
        couple_pending: Pending::default(),
        hurt_pending: Pending::default(),
        involved_pending: Pending::default(),
        dice: Dice(seed | 1),
        vocabulary: Feeling::all().collect(),
    };
    let betrayal = BetrayalInput {
        kind: "physical_affair".to_owned(),
        hurt: "me".to_owned(),
        discovered_on: String::new(),
        note: String::new(),
    };
    let opening =
        space::create_space(&betrayal, start).map_err(|r| anyhow!("space refused: {r:?}"))?;
    for event in opening {
        b.shared(hurt, start, CoupleEvent::Space(event))?;
    }
    let joined =
        space::join(&b.couple.space, involved).map_err(|r| anyhow!("join refused: {r:?}"))?;
    b.shared(
        involved,
        start + Duration::minutes(5),
        CoupleEvent::Space(joined),
    )?;

    for day in 0..days {
        b.live_one_day(start + Duration::days(i64::from(day)), day, days, involved)?;
    }

    Ok(b.finish(label, couple_id, involved))
}

impl Builder {
    /// The couple as the benchmark reports it, and each stream's events.
    fn finish(
        self,
        label: &'static str,
        couple_id: CoupleId,
        involved: UserId,
    ) -> (BenchCouple, Vec<(String, Pending)>) {
        let (couple_stream, hurt_stream) = (
            StreamId::couple(couple_id).as_str().to_owned(),
            StreamId::private(self.hurt).as_str().to_owned(),
        );
        let couple = BenchCouple {
            label,
            hurt: self.hurt,
            couple_events: self.couple_pending.events.len(),
            private_events: self.hurt_pending.events.len() + self.involved_pending.events.len(),
            couple_stream: couple_stream.clone(),
            hurt_stream: hurt_stream.clone(),
            hurt_events: self.hurt_pending.events.len(),
        };
        let streams = vec![
            (couple_stream, self.couple_pending),
            (hurt_stream, self.hurt_pending),
            (
                StreamId::private(involved).as_str().to_owned(),
                self.involved_pending,
            ),
        ];
        (couple, streams)
    }
}

/// Appends each stream's events through the store, in batches, each with
/// the time it should carry.
pub async fn append(store: &dyn Store, streams: &[(String, Pending)]) -> Result<()> {
    for (stream, pending) in streams {
        let mut seq = 0u64;
        let dated: Vec<_> = pending
            .events
            .iter()
            .cloned()
            .zip(pending.times.iter().copied())
            .collect();
        for batch in dated.chunks(BATCH) {
            let stored = store
                .append_dated(stream, seq, batch.to_vec())
                .await
                .with_context(|| format!("appending to {stream} after {seq}"))?;
            seq += stored.len() as u64;
        }
    }
    Ok(())
}
