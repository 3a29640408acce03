//! Check-ins: filling a partner in on one's emotional landscape.
//!
//! A person picks one to three feelings from the vocabulary, says how strong
//! each is, may add a note, and chooses who may see it. "Only me" check-ins
//! go to the author's private stream; the others go to the couple stream,
//! where the partner may answer once with a short acknowledgement. Nothing
//! here scores or judges a check-in.

pub mod feelings;

use crate::access::visibility::{member, Private, Whose};
use crate::checkin::feelings::{CoreFeeling, Feeling, Intensity};
use crate::kernel::ids::{EntryId, UserId};
use crate::kernel::refusal::Refusal;
use crate::kernel::text;
use crate::space::SpaceState;
use crate::Meta;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::{Date, OffsetDateTime};

pub const MAX_FEELINGS: usize = 3;
pub const NOTE_MAX_CHARS: usize = 1000;
pub const OWN_WORDS_MAX_CHARS: usize = 280;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeltFeeling {
    pub feeling: Feeling,
    pub intensity: Intensity,
}

/// What a check-in says, wherever it is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckIn {
    pub feelings: Vec<FeltFeeling>,
    pub note: Option<String>,
}

/// Who may see a check-in, as the author chooses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    OnlyMe,
    Partner,
    PartnerAndTherapist,
}

impl Visibility {
    pub const ALL: [Visibility; 3] = [
        Visibility::OnlyMe,
        Visibility::Partner,
        Visibility::PartnerAndTherapist,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Visibility::OnlyMe => "only_me",
            Visibility::Partner => "partner",
            Visibility::PartnerAndTherapist => "partner_and_therapist",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Visibility::OnlyMe => "Only me",
            Visibility::Partner => "Me and my partner",
            Visibility::PartnerAndTherapist => "Me, my partner and our therapist",
        }
    }

    pub fn parse(raw: &str) -> Result<Visibility, Refusal> {
        Self::ALL
            .into_iter()
            .find(|v| v.code() == raw.trim())
            .ok_or_else(|| {
                Refusal::invalid("visibility", "Please choose who may see this check-in.")
            })
    }
}

/// The audience of a check-in in the couple stream. "Only me" has no
/// variant here: such a check-in cannot be written to the shared record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SharedWith {
    Partner,
    PartnerAndTherapist,
}

impl SharedWith {
    pub fn visibility(self) -> Visibility {
        match self {
            SharedWith::Partner => Visibility::Partner,
            SharedWith::PartnerAndTherapist => Visibility::PartnerAndTherapist,
        }
    }
}

/// The ready-made answers a partner can give with one tap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AckPreset {
    ThankYou,
    ImHere,
    WhenYoureReady,
}

impl AckPreset {
    pub const ALL: [AckPreset; 3] = [
        AckPreset::ThankYou,
        AckPreset::ImHere,
        AckPreset::WhenYoureReady,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AckPreset::ThankYou => "thank_you",
            AckPreset::ImHere => "im_here",
            AckPreset::WhenYoureReady => "when_youre_ready",
        }
    }

    pub fn text(self) -> &'static str {
        match self {
            AckPreset::ThankYou => "Thank you for telling me.",
            AckPreset::ImHere => "I'm here with you in this.",
            AckPreset::WhenYoureReady => "I'd like to hear more, whenever you're ready.",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Acknowledgement {
    Preset(AckPreset),
    OwnWords(String),
}

impl Acknowledgement {
    pub fn text(&self) -> &str {
        match self {
            Acknowledgement::Preset(p) => p.text(),
            Acknowledgement::OwnWords(words) => words,
        }
    }
}

/// Check-in events in the couple stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CheckInEvent {
    Shared {
        check_in: CheckIn,
        with: SharedWith,
    },
    Acknowledged {
        check_in: EntryId,
        acknowledgement: Acknowledgement,
    },
}

/// Check-in events in the author's private stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PrivateCheckInEvent {
    Kept { check_in: CheckIn },
}

// ---------------------------------------------------------------------------
// Tallies: per-day buckets so charts and Today never walk the whole history.

/// Check-in counts per core feeling over some span of days. A family is
/// counted once per check-in even when two of its words were picked; its
/// intensity is then the stronger of the two.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
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

/// One person's check-ins bucketed by day.
#[derive(Debug, Clone, Default)]
pub struct FeelingDays {
    first_at: Option<OffsetDateTime>,
    last_day: Option<Date>,
    days: BTreeMap<Date, FeelingTally>,
}

impl FeelingDays {
    fn add(&mut self, at: OffsetDateTime, check_in: &CheckIn) {
        self.first_at.get_or_insert(at);
        let day = at.date();
        self.last_day = Some(self.last_day.map_or(day, |d| d.max(day)));
        self.days.entry(day).or_default().add_check_in(check_in);
    }

    pub fn first_at(&self) -> Option<OffsetDateTime> {
        self.first_at
    }

    pub fn last_day(&self) -> Option<Date> {
        self.last_day
    }

    /// The tally of the days from `from` to `to`, both included.
    pub fn between(&self, from: Date, to: Date) -> FeelingTally {
        let mut tally = FeelingTally::default();
        if from <= to {
            for day in self.days.range(from..=to).map(|(_, t)| t) {
                tally.add(day);
            }
        }
        tally
    }

    pub fn days(&self) -> impl DoubleEndedIterator<Item = (Date, &FeelingTally)> {
        self.days.iter().map(|(d, t)| (*d, t))
    }
}

// ---------------------------------------------------------------------------
// Projections.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AckRecord {
    pub by: UserId,
    pub at: OffsetDateTime,
    pub acknowledgement: Acknowledgement,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedCheckIn {
    pub id: EntryId,
    pub author: UserId,
    pub at: OffsetDateTime,
    pub check_in: CheckIn,
    pub with: SharedWith,
    pub acknowledgement: Option<AckRecord>,
}

/// The shared check-ins of the couple stream.
#[derive(Debug, Clone, Default)]
pub struct CheckInsState {
    /// In stream order, which is time order.
    entries: Vec<SharedCheckIn>,
    /// `(when, which check-in)` in time order, for "since your last visit".
    acknowledged: Vec<(OffsetDateTime, EntryId)>,
    tallies: BTreeMap<UserId, FeelingDays>,
}

impl CheckInsState {
    pub fn apply(&mut self, meta: &Meta, event: &CheckInEvent) {
        match event {
            CheckInEvent::Shared { check_in, with } => {
                self.tallies
                    .entry(meta.author)
                    .or_default()
                    .add(meta.at, check_in);
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
                if let Some(entry) = self.entry_mut(*check_in) {
                    if entry.acknowledgement.is_none() {
                        entry.acknowledgement = Some(AckRecord {
                            by: meta.author,
                            at: meta.at,
                            acknowledgement: acknowledgement.clone(),
                        });
                        self.acknowledged.push((meta.at, *check_in));
                    }
                }
            }
        }
    }

    pub fn get(&self, id: EntryId) -> Option<&SharedCheckIn> {
        self.entries
            .binary_search_by_key(&id, |e| e.id)
            .ok()
            .map(|i| &self.entries[i])
    }

    fn entry_mut(&mut self, id: EntryId) -> Option<&mut SharedCheckIn> {
        self.entries
            .binary_search_by_key(&id, |e| e.id)
            .ok()
            .map(|i| &mut self.entries[i])
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrivateCheckIn {
    pub id: EntryId,
    pub at: OffsetDateTime,
    pub check_in: CheckIn,
}

/// The check-ins a person kept to themselves.
#[derive(Debug, Clone, Default)]
pub struct PrivateCheckIns {
    entries: Vec<PrivateCheckIn>,
    days: FeelingDays,
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

    pub fn all(&self) -> &[PrivateCheckIn] {
        &self.entries
    }

    pub fn get(&self, id: EntryId) -> Option<&PrivateCheckIn> {
        self.entries
            .binary_search_by_key(&id, |e| e.id)
            .ok()
            .map(|i| &self.entries[i])
    }

    pub fn days(&self) -> &FeelingDays {
        &self.days
    }
}

// ---------------------------------------------------------------------------
// Who may do what.

/// Only the partner of the author may acknowledge a shared check-in, and
/// only once: an acknowledgement is a reply, not a conversation.
fn may_acknowledge(
    space: &SpaceState,
    actor: UserId,
    entry: &SharedCheckIn,
) -> Result<(), Refusal> {
    member(space, actor)?;
    if entry.author == actor {
        return Err(Refusal::NotAllowed(
            "This is your own check-in; your partner can answer it.",
        ));
    }
    if entry.acknowledgement.is_some() {
        return Err(Refusal::Conflict(
            "This check-in has already been answered.",
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Commands.

/// A check-in form as posted. `feelings` pairs a feeling code with the
/// intensity posted for it.
#[derive(Debug, Clone, Default)]
pub struct CheckInInput {
    pub feelings: Vec<(String, String)>,
    pub note: String,
    pub visibility: String,
}

impl CheckInInput {
    /// Builds the input from the raw pairs of a urlencoded form: each ticked
    /// box posts `feelings=<code>`, its scale posts `intensity_<code>=<1..5>`,
    /// plus `note` and `visibility`. Scales of unticked feelings are ignored.
    pub fn from_form(pairs: &[(String, String)]) -> CheckInInput {
        let value_of = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let feelings = pairs
            .iter()
            .filter(|(k, _)| k == "feelings")
            .map(|(_, code)| {
                let code = code.trim().to_owned();
                let intensity = value_of(&format!("intensity_{code}"));
                (code, intensity)
            })
            .collect();
        CheckInInput {
            feelings,
            note: value_of("note"),
            visibility: value_of("visibility"),
        }
    }

    fn parse(&self) -> Result<(CheckIn, Visibility), Refusal> {
        if self.feelings.is_empty() {
            return Err(Refusal::invalid(
                "feelings",
                "Please choose at least one feeling.",
            ));
        }
        if self.feelings.len() > MAX_FEELINGS {
            return Err(Refusal::invalid(
                "feelings",
                "Please choose up to three feelings: the ones that stand out most right now.",
            ));
        }
        let mut feelings: Vec<FeltFeeling> = Vec::with_capacity(self.feelings.len());
        for (code, raw_intensity) in &self.feelings {
            let feeling = Feeling::parse("feelings", code)?;
            if feelings.iter().any(|f| f.feeling == feeling) {
                return Err(Refusal::invalid(
                    "feelings",
                    format!("“{}” is chosen twice; once is enough.", feeling.label()),
                ));
            }
            let intensity = raw_intensity
                .trim()
                .parse::<u8>()
                .ok()
                .and_then(Intensity::new)
                .ok_or_else(|| {
                    Refusal::invalid(
                        feeling.intensity_field(),
                        format!(
                            "Please choose how strongly you feel “{}”, from 1 (a little) to 5 (overwhelmingly).",
                            feeling.label()
                        ),
                    )
                })?;
            feelings.push(FeltFeeling { feeling, intensity });
        }
        let note = text::optional("note", &self.note, NOTE_MAX_CHARS)?;
        let visibility = Visibility::parse(&self.visibility)?;
        Ok((CheckIn { feelings, note }, visibility))
    }
}

/// A new check-in, kept or shared: `streams::Destination` turns it into
/// the stream it belongs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewCheckIn {
    /// "Only me": the author's private stream.
    Kept(PrivateCheckInEvent),
    /// The couple's shared record.
    Shared(CheckInEvent),
}

/// Records a check-in and says which stream it belongs in: the author's
/// private stream for "only me", the couple stream otherwise.
pub fn check_in(
    space: &SpaceState,
    actor: UserId,
    input: &CheckInInput,
) -> Result<NewCheckIn, Refusal> {
    member(space, actor)?;
    let (check_in, visibility) = input.parse()?;
    let with = match visibility {
        Visibility::OnlyMe => return Ok(NewCheckIn::Kept(PrivateCheckInEvent::Kept { check_in })),
        Visibility::Partner => SharedWith::Partner,
        Visibility::PartnerAndTherapist => SharedWith::PartnerAndTherapist,
    };
    Ok(NewCheckIn::Shared(CheckInEvent::Shared { check_in, with }))
}

/// An answer to a partner's check-in as posted: `check_in` is the entry id
/// from the address; `preset` one of [`AckPreset`]'s codes; `own_words`, when
/// not blank, is used instead of the preset.
#[derive(Debug, Clone, Default)]
pub struct AcknowledgeInput {
    pub check_in: String,
    pub preset: String,
    pub own_words: String,
}

pub fn acknowledge(
    space: &SpaceState,
    shared: &CheckInsState,
    actor: UserId,
    input: &AcknowledgeInput,
) -> Result<CheckInEvent, Refusal> {
    member(space, actor)?;
    let id = input
        .check_in
        .trim()
        .parse::<u64>()
        .map(EntryId)
        .map_err(|_| Refusal::NotFound)?;
    let entry = shared.get(id).ok_or(Refusal::NotFound)?;
    may_acknowledge(space, actor, entry)?;
    let acknowledgement = match text::optional("own_words", &input.own_words, OWN_WORDS_MAX_CHARS)?
    {
        Some(words) => Acknowledgement::OwnWords(words),
        None => AckPreset::ALL
            .into_iter()
            .find(|p| p.code() == input.preset.trim())
            .map(Acknowledgement::Preset)
            .ok_or_else(|| {
                Refusal::invalid(
                    "own_words",
                    "Please choose one of the answers, or write a few words of your own.",
                )
            })?,
    };
    Ok(CheckInEvent::Acknowledged {
        check_in: id,
        acknowledgement,
    })
}

// ---------------------------------------------------------------------------
// Queries: each takes the viewer and returns only what they may see.

/// Names a check-in across both streams.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckInId {
    Private(EntryId),
    Shared(EntryId),
}

/// A check-in as one viewer sees it. Borrowed from the projections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckInView<'a> {
    pub id: CheckInId,
    pub whose: Whose,
    pub at: OffsetDateTime,
    pub check_in: &'a CheckIn,
    pub visibility: Visibility,
    pub acknowledgement: Option<&'a AckRecord>,
    /// The viewer may answer it now (their partner's, not yet answered).
    pub can_acknowledge: bool,
}

impl<'a> CheckInView<'a> {
    pub(crate) fn shared(space: &SpaceState, viewer: UserId, entry: &'a SharedCheckIn) -> Self {
        CheckInView {
            id: CheckInId::Shared(entry.id),
            whose: Whose::of(entry.author, viewer),
            at: entry.at,
            check_in: &entry.check_in,
            visibility: entry.with.visibility(),
            acknowledgement: entry.acknowledgement.as_ref(),
            can_acknowledge: may_acknowledge(space, viewer, entry).is_ok(),
        }
    }

    fn private(entry: &'a PrivateCheckIn) -> Self {
        CheckInView {
            id: CheckInId::Private(entry.id),
            whose: Whose::Mine,
            at: entry.at,
            check_in: &entry.check_in,
            visibility: Visibility::OnlyMe,
            acknowledgement: None,
            can_acknowledge: false,
        }
    }
}

/// The viewer's check-ins (private and shared) and their partner's shared
/// ones, newest first, made strictly before `before` (all when `None`), at
/// most `limit`. Pass the last item's `at` as `before` for the next page.
pub fn history<'a>(
    space: &SpaceState,
    shared: &'a CheckInsState,
    kept: Private<'a, PrivateCheckIns>,
    viewer: UserId,
    before: Option<OffsetDateTime>,
    limit: usize,
) -> Result<Vec<CheckInView<'a>>, Refusal> {
    member(space, viewer)?;
    let mine = kept.read_as(viewer)?;
    let cut = |at: OffsetDateTime| before.is_none_or(|b| at < b);
    let shared_end = shared.entries.partition_point(|e| cut(e.at));
    let private_end = mine.entries.partition_point(|e| cut(e.at));
    let mut shared = shared.entries[..shared_end].iter().rev().peekable();
    let mut private = mine.entries[..private_end].iter().rev().peekable();
    let mut out = Vec::with_capacity(limit.min(shared_end + private_end));
    while out.len() < limit {
        let take_shared = match (shared.peek(), private.peek()) {
            (Some(s), Some(p)) => s.at >= p.at,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        let view = if take_shared {
            shared.next().map(|e| CheckInView::shared(space, viewer, e))
        } else {
            private.next().map(CheckInView::private)
        };
        out.extend(view);
    }
    Ok(out)
}

/// One check-in, if the viewer may see it.
pub fn view<'a>(
    space: &SpaceState,
    shared: &'a CheckInsState,
    kept: Private<'a, PrivateCheckIns>,
    viewer: UserId,
    id: CheckInId,
) -> Result<CheckInView<'a>, Refusal> {
    member(space, viewer)?;
    match id {
        CheckInId::Shared(id) => shared
            .get(id)
            .map(|e| CheckInView::shared(space, viewer, e))
            .ok_or(Refusal::NotFound),
        CheckInId::Private(id) => kept
            .read_as(viewer)?
            .get(id)
            .map(CheckInView::private)
            .ok_or(Refusal::NotFound),
    }
}

/// The day of the viewer's latest check-in, private or shared.
pub fn last_check_in_day(
    shared: &CheckInsState,
    kept: Private<'_, PrivateCheckIns>,
    viewer: UserId,
) -> Option<Date> {
    let private = kept.read_as(viewer).ok().and_then(|m| m.days.last_day());
    let shared = shared.days_of(viewer).and_then(FeelingDays::last_day);
    private.max(shared)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::testing::*;

    pub fn input(feelings: &[(&str, &str)], note: &str, visibility: &str) -> CheckInInput {
        CheckInInput {
            feelings: feelings
                .iter()
                .map(|(c, i)| ((*c).to_owned(), (*i).to_owned()))
                .collect(),
            note: note.to_owned(),
            visibility: visibility.to_owned(),
        }
    }

    fn invalid_field(result: Result<NewCheckIn, Refusal>) -> &'static str {
        match result {
            Err(Refusal::Invalid { field, .. }) => field,
            other => panic!("expected an invalid-input refusal, got {other:?}"),
        }
    }

    #[test]
    fn an_only_me_check_in_goes_to_the_private_stream() {
        let w = World::ticking();
        let out = check_in(
            &w.couple.space,
            w.hurt,
            &input(&[("sad", "3")], " tired ", "only_me"),
        )
        .unwrap();
        let NewCheckIn::Kept(PrivateCheckInEvent::Kept { check_in }) = out else {
            panic!("expected a private check-in, got {out:?}");
        };
        assert_eq!(check_in.note.as_deref(), Some("tired"));
        assert_eq!(check_in.feelings[0].feeling.code(), "sad");
        assert_eq!(check_in.feelings[0].intensity.value(), 3);
    }

    #[test]
    fn shared_check_ins_go_to_the_couple_stream_with_their_audience() {
        let w = World::ticking();
        for (visibility, with) in [
            ("partner", SharedWith::Partner),
            ("partner_and_therapist", SharedWith::PartnerAndTherapist),
        ] {
            let out = check_in(
                &w.couple.space,
                w.involved,
                &input(&[("ashamed", "4"), ("hopeful", "2")], "", visibility),
            )
            .unwrap();
            let NewCheckIn::Shared(CheckInEvent::Shared {
                check_in,
                with: got,
            }) = out
            else {
                panic!("expected a shared check-in, got {out:?}");
            };
            assert_eq!(got, with);
            assert_eq!(check_in.feelings.len(), 2);
            assert_eq!(check_in.note, None);
        }
    }

    #[test]
    fn a_stranger_cannot_check_in() {
        let w = World::ticking();
        assert_eq!(
            check_in(
                &w.couple.space,
                w.stranger,
                &input(&[("sad", "3")], "", "partner")
            ),
            Err(Refusal::NotAMember)
        );
    }

    #[test]
    fn check_in_input_is_validated_field_by_field() {
        let w = World::ticking();
        let run = |i: CheckInInput| invalid_field(check_in(&w.couple.space, w.hurt, &i));
        assert_eq!(run(input(&[], "", "partner")), "feelings");
        assert_eq!(
            run(input(
                &[
                    ("sad", "1"),
                    ("angry", "1"),
                    ("lonely", "1"),
                    ("afraid", "1")
                ],
                "",
                "partner"
            )),
            "feelings"
        );
        assert_eq!(
            run(input(&[("sad", "1"), ("sad", "2")], "", "partner")),
            "feelings"
        );
        assert_eq!(run(input(&[("elated", "1")], "", "partner")), "feelings");
        assert_eq!(
            run(input(&[("betrayed", "0")], "", "partner")),
            "intensity_betrayed"
        );
        assert_eq!(
            run(input(&[("betrayed", "6")], "", "partner")),
            "intensity_betrayed"
        );
        assert_eq!(
            run(input(&[("betrayed", "")], "", "partner")),
            "intensity_betrayed"
        );
        assert_eq!(
            run(input(
                &[("sad", "2")],
                &"x".repeat(NOTE_MAX_CHARS + 1),
                "partner"
            )),
            "note"
        );
        assert_eq!(run(input(&[("sad", "2")], "", "everyone")), "visibility");
        assert_eq!(run(input(&[("sad", "2")], "", "")), "visibility");
        assert!(check_in(
            &w.couple.space,
            w.hurt,
            &input(&[("sad", "2")], &"x".repeat(NOTE_MAX_CHARS), "partner")
        )
        .is_ok());
    }

    #[test]
    fn the_intensity_refusal_names_the_feeling_kindly() {
        let w = World::ticking();
        let Err(Refusal::Invalid { message, .. }) = check_in(
            &w.couple.space,
            w.hurt,
            &input(&[("let_down", "x")], "", "partner"),
        ) else {
            panic!("expected a refusal");
        };
        assert!(message.contains("Let down"), "{message}");
    }

    #[test]
    fn form_pairs_become_an_input_keeping_only_ticked_feelings() {
        let pairs: Vec<(String, String)> = [
            ("feelings", "betrayed"),
            ("intensity_betrayed", "4"),
            ("intensity_calm", "2"),
            ("feelings", "hopeful"),
            ("intensity_hopeful", "1"),
            ("note", "long day"),
            ("visibility", "partner"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        let input = CheckInInput::from_form(&pairs);
        assert_eq!(
            input.feelings,
            vec![
                ("betrayed".to_owned(), "4".to_owned()),
                ("hopeful".to_owned(), "1".to_owned())
            ]
        );
        assert_eq!(input.note, "long day");
        assert_eq!(input.visibility, "partner");
    }

    fn ack(check_in: EntryId, preset: &str, own_words: &str) -> AcknowledgeInput {
        AcknowledgeInput {
            check_in: check_in.0.to_string(),
            preset: preset.to_owned(),
            own_words: own_words.to_owned(),
        }
    }

    #[test]
    fn only_the_partner_acknowledges_a_shared_check_in_and_only_once() {
        let mut w = World::ticking();
        let id = w.share_check_in(w.hurt, &[("hurt", "5")]);
        assert_eq!(
            acknowledge(
                &w.couple.space,
                &w.couple.check_ins,
                w.hurt,
                &ack(id, "thank_you", "")
            ),
            Err(Refusal::NotAllowed(
                "This is your own check-in; your partner can answer it."
            ))
        );
        assert_eq!(
            acknowledge(
                &w.couple.space,
                &w.couple.check_ins,
                w.stranger,
                &ack(id, "thank_you", "")
            ),
            Err(Refusal::NotAMember)
        );
        let event = acknowledge(
            &w.couple.space,
            &w.couple.check_ins,
            w.involved,
            &ack(id, "thank_you", ""),
        )
        .unwrap();
        assert_eq!(
            event,
            CheckInEvent::Acknowledged {
                check_in: id,
                acknowledgement: Acknowledgement::Preset(AckPreset::ThankYou)
            }
        );
        w.record(w.involved, event);
        let entry = w.couple.check_ins.get(id).unwrap();
        assert_eq!(
            entry.acknowledgement.as_ref().map(|a| a.by),
            Some(w.involved)
        );
        assert_eq!(
            acknowledge(
                &w.couple.space,
                &w.couple.check_ins,
                w.involved,
                &ack(id, "im_here", "")
            ),
            Err(Refusal::Conflict(
                "This check-in has already been answered."
            ))
        );
    }

    #[test]
    fn own_words_win_over_a_preset_and_an_empty_answer_is_refused() {
        let mut w = World::ticking();
        let id = w.share_check_in(w.hurt, &[("lonely", "3")]);
        let event = acknowledge(
            &w.couple.space,
            &w.couple.check_ins,
            w.involved,
            &ack(id, "thank_you", "  I see you.  "),
        )
        .unwrap();
        let CheckInEvent::Acknowledged {
            acknowledgement, ..
        } = event
        else {
            panic!("expected an acknowledgement");
        };
        assert_eq!(acknowledgement.text(), "I see you.");
        assert!(matches!(
            acknowledge(
                &w.couple.space,
                &w.couple.check_ins,
                w.involved,
                &ack(id, "", " ")
            ),
            Err(Refusal::Invalid {
                field: "own_words",
                ..
            })
        ));
        assert!(matches!(
            acknowledge(
                &w.couple.space,
                &w.couple.check_ins,
                w.involved,
                &ack(id, "", &"x".repeat(OWN_WORDS_MAX_CHARS + 1))
            ),
            Err(Refusal::Invalid {
                field: "own_words",
                ..
            })
        ));
    }

    #[test]
    fn acknowledging_a_missing_or_private_check_in_is_not_found() {
        let mut w = World::ticking();
        let private_id = w.keep_check_in(w.hurt, &[("sad", "2")]);
        assert_eq!(
            acknowledge(
                &w.couple.space,
                &w.couple.check_ins,
                w.involved,
                &ack(EntryId(999), "thank_you", "")
            ),
            Err(Refusal::NotFound)
        );
        assert_eq!(
            acknowledge(
                &w.couple.space,
                &w.couple.check_ins,
                w.involved,
                &ack(private_id, "thank_you", "")
            ),
            Err(Refusal::NotFound)
        );
        let mut garbled = ack(EntryId(1), "thank_you", "");
        garbled.check_in = "abc".to_owned();
        assert_eq!(
            acknowledge(&w.couple.space, &w.couple.check_ins, w.involved, &garbled),
            Err(Refusal::NotFound)
        );
    }

    #[test]
    fn tallies_count_a_family_once_per_check_in_with_its_strongest_intensity() {
        let mut w = World::ticking();
        w.share_check_in(
            w.hurt,
            &[("hurt", "2"), ("betrayed", "5"), ("hopeful", "1")],
        );
        w.share_check_in(w.hurt, &[("stung", "3")]);
        let day = w.now.date();
        let tally = w
            .couple
            .check_ins
            .days_of(w.hurt)
            .unwrap()
            .between(day, day);
        assert_eq!(tally.check_ins, 2);
        assert_eq!(tally.count(CoreFeeling::Hurt), 2);
        assert_eq!(tally.count(CoreFeeling::Hopeful), 1);
        assert_eq!(tally.count(CoreFeeling::Sad), 0);
        assert_eq!(tally.mean_intensity_tenths(CoreFeeling::Hurt), Some(40));
        assert_eq!(tally.mean_intensity_tenths(CoreFeeling::Sad), None);
    }

    #[test]
    fn history_merges_own_private_and_shared_check_ins_newest_first_and_pages() {
        let mut w = World::ticking();
        let a = w.keep_check_in(w.hurt, &[("sad", "2")]);
        let b = w.share_check_in(w.involved, &[("ashamed", "4")]);
        let c = w.share_check_in(w.hurt, &[("afraid", "3")]);
        let d = w.keep_check_in(w.hurt, &[("close", "1")]);
        let page = history(
            &w.couple.space,
            &w.couple.check_ins,
            w.hurt_private.kept_check_ins(),
            w.hurt,
            None,
            3,
        )
        .unwrap();
        let ids: Vec<_> = page.iter().map(|v| v.id).collect();
        assert_eq!(
            ids,
            vec![
                CheckInId::Private(d),
                CheckInId::Shared(c),
                CheckInId::Shared(b)
            ]
        );
        assert_eq!(page[2].whose, Whose::Partner);
        assert!(page[2].can_acknowledge);
        assert!(!page[1].can_acknowledge);
        let next = history(
            &w.couple.space,
            &w.couple.check_ins,
            w.hurt_private.kept_check_ins(),
            w.hurt,
            Some(page[2].at),
            3,
        )
        .unwrap();
        assert_eq!(
            next.iter().map(|v| v.id).collect::<Vec<_>>(),
            vec![CheckInId::Private(a)]
        );
    }

    #[test]
    fn last_check_in_day_looks_at_both_streams() {
        let mut w = World::ticking();
        assert_eq!(
            last_check_in_day(&w.couple.check_ins, w.hurt_private.kept_check_ins(), w.hurt),
            None
        );
        w.keep_check_in(w.hurt, &[("sad", "2")]);
        assert_eq!(
            last_check_in_day(&w.couple.check_ins, w.hurt_private.kept_check_ins(), w.hurt),
            Some(w.now.date())
        );
        assert_eq!(
            last_check_in_day(
                &w.couple.check_ins,
                w.involved_private.kept_check_ins(),
                w.involved
            ),
            None
        );
        w.advance_days(2);
        w.share_check_in(w.involved, &[("sad", "2")]);
        assert_eq!(
            last_check_in_day(
                &w.couple.check_ins,
                w.involved_private.kept_check_ins(),
                w.involved
            ),
            Some(w.now.date())
        );
    }

    #[test]
    fn events_round_trip_through_json() {
        let event = CheckInEvent::Shared {
            check_in: CheckIn {
                feelings: vec![FeltFeeling {
                    feeling: Feeling::from_code("on_edge").unwrap(),
                    intensity: Intensity::new(2).unwrap(),
                }],
                note: Some("a <b> note".to_owned()),
            },
            with: SharedWith::PartnerAndTherapist,
        };
        let json = serde_json::to_string(&event).unwrap();
        assert!(json.contains("\"on_edge\""), "{json}");
        assert_eq!(serde_json::from_str::<CheckInEvent>(&json).unwrap(), event);
    }
}
