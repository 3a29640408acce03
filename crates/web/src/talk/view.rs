//! The talk page as each partner reads it: their quiet-period card, the
//! form to ask, and every request with the steps that are theirs, every
//! date in the viewer's own zone.

use super::{AnswerForm, NoteForm, QuietForm, TIME_FIELDS};
use crate::app::clock::Zone;
use crate::app::error::AppResult;
use crate::app::layout::Layout;
use crate::http::extractors::Desk;
use crate::http::forms::FormErrors;
use crate::present::dates::{self, TwiceOption};
use crate::present::repair::refused_form;
use crate::present::repair::{redraws_with, Choice};
use crate::present::words::who;
use askama::Template;
use kintsugi_core::access::room::Acting;
use kintsugi_core::streams::couple::CoupleState;
use kintsugi_core::streams::private::own_private;
use kintsugi_core::talk::{
    self, Answered, AskInput, HappenedInput, NotYet, Stage, TalkAnswer, TalkKind, TalkRequest,
    TalkSoon, Talks,
};
use kintsugi_core::withdrawal;
use kintsugi_core::{EntryId, UserId};
use time::OffsetDateTime;

/// Which form was refused, with what was typed, so the page is drawn again
/// around it.
#[derive(Default)]
pub enum Refused {
    #[default]
    Nothing,
    Ask(AskInput, FormErrors),
    Answer(EntryId, AnswerForm, FormErrors),
    /// A step with no words: pick, end space, withdraw.
    Step(EntryId, FormErrors),
    Happened(EntryId, HappenedInput, FormErrors),
    Quiet(QuietForm, FormErrors),
    Note(NoteForm, FormErrors),
}

pub struct AskView {
    form: AskInput,
    errors: FormErrors,
    kinds: Vec<Choice>,
    soons: Vec<Choice>,
    /// Kinds that wait, and why, in plain words.
    waits: Vec<String>,
}

pub struct QuietView {
    /// The viewer's own quiet period, on until then.
    mine_until: Option<String>,
    can_declare: bool,
    can_end: bool,
    /// The partner's quiet period, on until then.
    partners_until: Option<String>,
    can_leave_note: bool,
    /// The viewer left their note for the period that is on.
    note_left: bool,
    /// The partner's note, once the viewer's own period is over.
    note_for_me: Option<String>,
    /// The viewer's own note, which they may withdraw from the record.
    withdraw_note: Option<u64>,
    form: QuietForm,
    errors: FormErrors,
    note: NoteForm,
    note_errors: FormErrors,
}

/// One proposed-time field of the answer form.
pub struct TimeField {
    name: &'static str,
    which: &'static str,
    value: String,
    twice: Option<[TwiceOption; 2]>,
}

/// One proposed time, to pick or to read.
pub struct TimeOption {
    index: usize,
    label: String,
}

pub struct RequestView {
    id: u64,
    kind: &'static str,
    soon: &'static str,
    asked_by: &'static str,
    asked_at: String,
    topic: String,
    /// Where it stands, in one plain sentence.
    stage: String,
    /// The sentence that came with "I need space", if any.
    space_words: Option<String>,
    times: Vec<TimeOption>,
    can_answer: bool,
    can_pick: bool,
    can_end_space: bool,
    can_withdraw: bool,
    can_mark: bool,
    /// The asker may withdraw what they wrote from the record (data
    /// rights), unlike taking an open request back, which keeps its words.
    withdraw_entry: bool,
    /// The viewer's answer asking for space, with words they may withdraw.
    withdraw_answer: Option<u64>,
    /// The viewer's kept word on how it went, which they may delete.
    delete_kept: Option<u64>,
    /// "You: …", "Your partner: …" on how it went.
    marks: Vec<String>,
    /// The viewer's shared word on how it went, which they may withdraw.
    withdraw_mark: Option<u64>,
    kept_word: Option<String>,
    answer: AnswerForm,
    time_fields: Vec<TimeField>,
    /// The latest time the answer's fields accept, in their own format.
    min_time: String,
    happened: HappenedInput,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "talk/talk.html")]
pub struct TalkPage {
    layout: Layout,
    zone: &'static str,
    quiet: QuietView,
    ask: Option<AskView>,
    open: Vec<RequestView>,
    earlier: Vec<RequestView>,
    days: Vec<u8>,
    /// Requests, answers and notes their author withdrew, with what
    /// answered a withdrawn request.
    withdrawn: Vec<crate::withdrawal::Tombstone>,
}

redraws_with!(Refused, TalkPage, build);

pub async fn build(desk: Desk, refused: Refused) -> AppResult<TalkPage> {
    let cached = desk.read().await?;
    let private = desk.my_private().await?;
    let me = desk.couple.me;
    let mine = own_private(&private.state, me)?;
    let state = &cached.state;
    let now = desk.layout.now.instant;
    let zone = desk.layout.now.zone;
    let acting = Acting::new(&state.space, &state.talk, me);
    let seen = Seen {
        state,
        me,
        now,
        zone,
        refused: &refused,
    };
    let (open, earlier): (Vec<&TalkRequest>, Vec<&TalkRequest>) =
        state.talk.all().partition(|r| r.is_open());
    let view = |r: &TalkRequest| {
        let mut view = seen.request(r);
        if let Some(kept) = mine.talk.kept(r.id) {
            view.kept_word = Some(kept.words.clone());
            let mine = &mine.withdrawals;
            view.delete_kept = withdrawal::can_withdraw(mine, me, kept.id).then_some(kept.id.0);
        }
        view
    };
    let partner_joined = state.space.partner_of(me).is_some();
    Ok(TalkPage {
        zone: zone.name(),
        quiet: seen.quiet(acting),
        ask: (partner_joined && talk::can_ask(acting)).then(|| seen.ask(acting)),
        open: open.into_iter().map(view).collect(),
        earlier: earlier.into_iter().map(view).collect(),
        days: (1..=talk::MOST_DAYS).collect(),
        withdrawn: seen.withdrawn(),
        layout: desk.layout.in_section("talk"),
    })
}

/// What the page is drawn from: the record, for whom, when, and which form
/// was refused.
struct Seen<'a> {
    state: &'a CoupleState,
    me: UserId,
    now: OffsetDateTime,
    zone: Zone,
    refused: &'a Refused,
}

impl Seen<'_> {
    fn when(&self, at: OffsetDateTime) -> String {
        dates::when(at, self.zone)
    }

    /// The talk room's tombstones, each with what answered it.
    fn withdrawn(&self) -> Vec<crate::withdrawal::Tombstone> {
        let room = withdrawal::EntryRoom::Talk;
        let talk = &self.state.talk;
        let mut list =
            crate::withdrawal::tombstones_where(&self.state.withdrawals, room, self.zone, |w| {
                !talk.tombstone_held(self.me, w.stamp.by, w.written_at, self.now)
            });
        for tombstone in &mut list {
            let Some(answer) = self.state.talk.answer_to_withdrawn(EntryId(tombstone.id)) else {
                continue;
            };
            tombstone.answered = format!(
                "{} answered this request on {}, before it was withdrawn: {}",
                who(self.me, answer.by),
                self.when(answer.at),
                answer_in_words(&answer.answer),
            );
            if let TalkAnswer::Space {
                words: Some(words), ..
            } = &answer.answer
            {
                tombstone.response = words.clone();
            }
        }
        list
    }

    fn ask(&self, acting: Acting<'_, Talks>) -> AskView {
        let (form, errors) = refused_form!(self.refused, Refused::Ask);
        let waits = TalkKind::ALL
            .into_iter()
            .filter_map(|kind| {
                let wait = talk::not_yet(acting, self.now, kind).ok().flatten()?;
                let why = match wait {
                    NotYet::QuietPeriod { .. } => return None,
                    NotYet::OneOpen => "you have a request open".to_owned(),
                    NotYet::Space { until } => {
                        format!("your partner asked for space until {}", self.when(until))
                    }
                    NotYet::CoolDown { until } => {
                        format!("you can ask again from {}", self.when(until))
                    }
                };
                Some(format!("{}: {why}.", kind.label()))
            })
            .collect();
        AskView {
            form,
            errors,
            kinds: TalkKind::ALL
                .iter()
                .map(|k| Choice {
                    code: k.code(),
                    label: k.label(),
                })
                .collect(),
            soons: TalkSoon::ALL
                .iter()
                .map(|s| Choice {
                    code: s.code(),
                    label: s.label(),
                })
                .collect(),
            waits,
        }
    }

    fn quiet(&self, acting: Acting<'_, Talks>) -> QuietView {
        let talk = &self.state.talk;
        let partner = self.state.space.partner_of(self.me);
        let partners = partner.and_then(|p| talk.quiet_on(p, self.now));
        let (form, errors) = refused_form!(self.refused, Refused::Quiet);
        let (note, note_errors) = refused_form!(self.refused, Refused::Note);
        let mine = talk.latest_quiet_of(self.me);
        QuietView {
            mine_until: talk.quiet_on(self.me, self.now).map(|p| self.when(p.until)),
            can_declare: talk::can_declare_quiet(acting),
            can_end: talk::can_end_quiet(acting, self.now),
            partners_until: partners.map(|p| self.when(p.until)),
            can_leave_note: note_errors.any() || talk::can_leave_quiet_note(acting, self.now),
            note_left: partners.is_some_and(|p| p.note.as_ref().is_some_and(|n| n.by == self.me)),
            note_for_me: mine
                .and_then(|p| p.note_after_end(self.now))
                .map(|n| n.note.clone()),
            withdraw_note: talk
                .quiet_periods()
                .iter()
                .rev()
                .filter_map(|p| p.note.as_ref())
                .find(|n| n.by == self.me && self.state.can_withdraw(self.me, n.id))
                .map(|n| n.id.0),
            form,
            errors,
            note,
            note_errors,
        }
    }

    /// The plain sentence saying where a request stands, for the viewer.
    fn stage(&self, r: &TalkRequest) -> String {
        let mine = r.asked_by == self.me;
        match (r.stage(), &r.answer) {
            (Stage::AwaitingAnswer, _) if mine => "Waiting for your partner's answer.".to_owned(),
            (Stage::AwaitingAnswer, _) => "Waiting for your answer.".to_owned(),
            (Stage::AwaitingPick, _) if mine => {
                "Your partner proposed times: pick the one that suits you.".to_owned()
            }
            (Stage::AwaitingPick, _) => "You proposed times; your partner picks one.".to_owned(),
            (Stage::Space { until }, Some(Answered { by, .. })) => {
                let ended = if until > self.now {
                    "until"
                } else {
                    "which ended"
                };
                format!(
                    "{} asked for space, {ended} {}.",
                    who(self.me, *by),
                    self.when(until)
                )
            }
            (Stage::Withdrawn, _) => format!(
                "Taken back on {}.",
                self.when(r.withdrawn_at.unwrap_or(r.asked_at))
            ),
            (Stage::Happened, _) => "You talked.".to_owned(),
            (_, Some(answered)) => self.agreed(r, answered),
            (_, None) => String::new(),
        }
    }

    fn agreed(&self, r: &TalkRequest, answered: &Answered) -> String {
        let by = who(self.me, answered.by);
        match (&answered.answer, r.picked) {
            (TalkAnswer::Now, _) => format!("{by} said now is good."),
            (TalkAnswer::AtQuietTalk, _) => format!("{by} said: at our next quiet talk."),
            (_, Some(at)) => format!("Agreed: {}.", self.when(at)),
            _ => String::new(),
        }
    }

    fn request(&self, r: &TalkRequest) -> RequestView {
        let acting = Acting::new(&self.state.space, &self.state.talk, self.me);
        let (answer, happened, errors) = match self.refused {
            Refused::Answer(id, form, errors) if *id == r.id => {
                (form.clone(), HappenedInput::default(), errors.clone())
            }
            Refused::Happened(id, form, errors) if *id == r.id => {
                (AnswerForm::default(), form.clone(), errors.clone())
            }
            Refused::Step(id, errors) if *id == r.id => (
                AnswerForm::default(),
                HappenedInput::default(),
                errors.clone(),
            ),
            _ => Default::default(),
        };
        let space_words = match &r.answer {
            Some(Answered {
                answer: TalkAnswer::Space { words, .. },
                ..
            }) => words.clone(),
            _ => None,
        };
        RequestView {
            id: r.id.0,
            kind: r.kind.label(),
            soon: r.soon.label(),
            asked_by: who(self.me, r.asked_by),
            asked_at: self.when(r.asked_at),
            topic: r.topic.clone(),
            stage: self.stage(r),
            space_words,
            times: self.times(r),
            can_answer: talk::can_answer(acting, r.id),
            can_pick: talk::can_pick(acting, r.id),
            can_end_space: talk::can_end_space(acting, self.now, r.id),
            can_withdraw: talk::can_withdraw(acting, r.id),
            can_mark: talk::can_mark_happened(acting, r.id),
            withdraw_entry: self.state.can_withdraw(self.me, r.id),
            withdraw_answer: r
                .answer
                .as_ref()
                .filter(|a| self.state.can_withdraw(self.me, a.id))
                .map(|a| a.id.0),
            delete_kept: None,
            marks: r
                .happened
                .iter()
                .map(|m| match &m.words {
                    Some(words) => format!("{}: “{words}”", who(self.me, m.by)),
                    None => format!("{} marked that you talked.", who(self.me, m.by)),
                })
                .collect(),
            withdraw_mark: r
                .happened
                .iter()
                .find(|m| m.by == self.me && self.state.can_withdraw(self.me, m.id))
                .map(|m| m.id.0),
            kept_word: None,
            time_fields: self.time_fields(&answer),
            min_time: dates::typed_value(self.zone.local(self.now)),
            answer,
            happened,
            errors,
        }
    }

    fn times(&self, r: &TalkRequest) -> Vec<TimeOption> {
        // Once one is picked, the stage sentence says which.
        if r.picked.is_some() {
            return Vec::new();
        }
        r.proposed_times()
            .iter()
            .enumerate()
            .map(|(index, at)| TimeOption {
                index,
                label: self.when(*at),
            })
            .collect()
    }

    fn time_fields(&self, form: &AnswerForm) -> Vec<TimeField> {
        form.typed()
            .into_iter()
            .zip(TIME_FIELDS)
            .map(|((name, raw, which), (_, which_name))| TimeField {
                name,
                which: which_name,
                value: raw.to_owned(),
                twice: dates::twice_options(raw, which, self.zone),
            })
            .collect()
    }
}

/// What an answer said, in a few plain words (never the words that came
/// with it: those show beneath, as their author wrote them).
fn answer_in_words(answer: &TalkAnswer) -> &'static str {
    match answer {
        TalkAnswer::Now => "now is good",
        TalkAnswer::AtATime { .. } => "at a time",
        TalkAnswer::AtQuietTalk => "at the next quiet talk",
        TalkAnswer::Space { .. } => "space first",
    }
}
