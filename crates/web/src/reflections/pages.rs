//! The reflections pages: the list with the prompts and trigger notes, one
//! reflection with its versions, and the preview of a copy to share.

use super::{ReassureForm, ReflectionForm, TriggerForm};
use crate::app::clock::Zone;
use crate::app::error::AppResult;
use crate::app::layout::Layout;
use crate::http::extractors::Desk;
use crate::http::forms::FormErrors;
use crate::present::dates;
use crate::present::repair::redraws_with;
use crate::present::words::{excerpt_on_word, who};
use crate::withdrawal::Tombstone;
use askama::Template;
use kintsugi_core::access::room::Acting;
use kintsugi_core::reflections::{self, Prompt, Reflection, SharedCopy, TriggerNote};
use kintsugi_core::streams::couple::CoupleState;
use kintsugi_core::streams::private::PrivateState;
use kintsugi_core::withdrawal::{self, EntryRoom};
use kintsugi_core::{EntryId, UserId};

/// The list page as shown: fresh (with a prompt chosen, or none), or
/// around a refused form.
pub enum ListShown {
    Fresh(Option<Prompt>),
    Write(ReflectionForm, FormErrors),
    Trigger(TriggerForm, FormErrors),
    Reassure(EntryId, ReassureForm, FormErrors),
}

/// One reflection's page as shown: fresh, or around a refused revision.
pub enum EntryShown {
    Fresh(EntryId),
    Revise(EntryId, ReflectionForm, FormErrors),
}

/// The preview of a copy, with why a confirm was refused, if it was.
pub struct PreviewShown(pub EntryId, pub FormErrors);

/// One question of a prompt with its box.
pub struct PartBox {
    pub name: &'static str,
    pub label: &'static str,
    pub value: String,
}

/// The form of a prompt: to write, or to revise.
pub struct WriteBox {
    pub code: &'static str,
    pub title: &'static str,
    pub lead: &'static str,
    pub parts: Vec<PartBox>,
    pub errors: FormErrors,
}

impl WriteBox {
    fn of(prompt: Prompt, form: &ReflectionForm, errors: FormErrors) -> Self {
        const NAMES: [&str; 5] = ["part_1", "part_2", "part_3", "part_4", "part_5"];
        let typed = form.parts();
        WriteBox {
            code: prompt.code(),
            title: prompt.title(),
            lead: prompt.lead(),
            parts: prompt
                .parts()
                .iter()
                .enumerate()
                .map(|(n, label)| PartBox {
                    name: NAMES[n],
                    label,
                    value: typed[n].to_owned(),
                })
                .collect(),
            errors,
        }
    }
}

/// An answer given, under its question.
pub struct Answered {
    pub label: &'static str,
    pub text: String,
}

fn answered(prompt: Prompt, parts: &[String]) -> Vec<Answered> {
    prompt
        .parts()
        .iter()
        .zip(parts)
        .filter(|(_, text)| !text.is_empty())
        .map(|(label, text)| Answered {
            label,
            text: text.clone(),
        })
        .collect()
}

pub struct PromptLink {
    pub code: &'static str,
    pub title: &'static str,
    pub chosen: bool,
}

pub struct ReflectionRow {
    pub id: u64,
    pub title: &'static str,
    pub when: String,
    pub start: String,
    pub versions: usize,
}

fn reflection_row(r: &Reflection, zone: Zone) -> ReflectionRow {
    let latest = r.latest();
    let first = latest.parts.iter().find(|p| !p.is_empty());
    ReflectionRow {
        id: r.id.0,
        title: r.prompt.title(),
        when: dates::when(latest.at, zone),
        start: excerpt_on_word(first.map_or("", String::as_str), 140),
        versions: r.versions.len(),
    }
}

/// A reflection its author put away, listed to them alone so they can
/// delete it: its prompt and when it was last written, never its words.
pub struct PutAwayRow {
    pub id: u64,
    pub title: &'static str,
    pub when: String,
    /// Where its author deletes it, every version, if they may now.
    pub delete: Option<String>,
}

fn put_away_rows(
    mine: &PrivateState,
    own: &reflections::Reflections,
    me: UserId,
    zone: Zone,
) -> Vec<PutAwayRow> {
    own.put_away()
        .map(|r| PutAwayRow {
            id: r.id.0,
            title: r.prompt.title(),
            when: dates::when(r.latest().at, zone),
            delete: withdrawal::can_withdraw(&mine.withdrawals, me, r.id)
                .then(|| format!("/delete/{}", r.id.0)),
        })
        .collect()
}

pub struct CopyView {
    pub id: u64,
    pub who: &'static str,
    pub title: &'static str,
    pub when: String,
    pub answers: Vec<Answered>,
    /// Where its author withdraws it, if the viewer is its author.
    pub withdraw: Option<String>,
}

fn copy_view(state: &CoupleState, copy: &SharedCopy, me: UserId, zone: Zone) -> CopyView {
    CopyView {
        id: copy.id.0,
        who: who(me, copy.shared.by),
        title: copy.prompt.title(),
        when: dates::when(copy.shared.at, zone),
        answers: answered(copy.prompt, &copy.parts),
        withdraw: withdraw_link(state, me, copy.id),
    }
}

/// Where `me` withdraws this entry of the couple's record, if it is
/// theirs to withdraw now.
fn withdraw_link(state: &CoupleState, me: UserId, id: EntryId) -> Option<String> {
    state
        .can_withdraw(me, id)
        .then(|| format!("/withdraw/{}", id.0))
}

/// What its author withdrew here, newest first: the notes that had a
/// reassurance (which stays, and says what it answered), and the rest
/// (copies, notes, reassurances: a tombstone says only when).
fn withdrawn(state: &CoupleState, me: UserId, zone: Zone) -> (Vec<Tombstone>, Vec<Tombstone>) {
    let list = crate::withdrawal::tombstones(&state.withdrawals, EntryRoom::Reflection, zone);
    let (mut answered, mut rest) = (Vec::new(), Vec::new());
    for mut tombstone in list {
        match state
            .reflections
            .reassurance_to_withdrawn(EntryId(tombstone.id))
        {
            Some(r) => {
                let whose = if r.by.by == me {
                    "Your reassurance"
                } else {
                    "Your partner’s reassurance"
                };
                tombstone.answered = format!(
                    "{whose} of {}, to a note since withdrawn",
                    dates::when(r.by.at, zone)
                );
                tombstone.response = r.words.clone();
                answered.push(tombstone);
            }
            None => rest.push(tombstone),
        }
    }
    (answered, rest)
}

pub struct NoteView {
    pub id: u64,
    pub who: &'static str,
    pub sent: String,
    pub when: String,
    pub felt: String,
    pub would_help: String,
    /// Who answered, when, and their words.
    pub reassurance: Option<(&'static str, String, String)>,
    pub answer: Option<(ReassureForm, FormErrors)>,
    /// Why an answer was refused once its form is gone.
    pub refused: FormErrors,
    /// Where its author withdraws the note, and where the partner who
    /// answered withdraws their reassurance, for whichever the viewer is.
    pub withdraw: Option<String>,
    pub withdraw_reassurance: Option<String>,
}

fn note_view(
    state: &CoupleState,
    note: &TriggerNote,
    me: UserId,
    zone: Zone,
    shown: &ListShown,
) -> NoteView {
    let acting = Acting::new(&state.space, &state.reflections, me);
    let refused = match shown {
        ListShown::Reassure(id, form, errors) if *id == note.id => {
            Some((form.clone(), errors.clone()))
        }
        _ => None,
    };
    let answer =
        reflections::can_reassure(acting, note.id).then(|| refused.clone().unwrap_or_default());
    NoteView {
        id: note.id.0,
        who: who(me, note.sent.by),
        sent: dates::when(note.sent.at, zone),
        when: note.when.clone(),
        felt: note.felt.clone(),
        would_help: note.would_help.clone().unwrap_or_default(),
        reassurance: note.reassurance.as_ref().map(|r| {
            (
                who(me, r.by.by),
                dates::when(r.by.at, zone),
                r.words.clone(),
            )
        }),
        refused: match (&answer, refused) {
            (None, Some((_, errors))) => errors,
            _ => FormErrors::default(),
        },
        answer,
        withdraw: withdraw_link(state, me, note.id),
        withdraw_reassurance: note
            .reassurance
            .as_ref()
            .and_then(|r| withdraw_link(state, me, r.id)),
    }
}

#[derive(Template)]
#[template(path = "reflections/list.html")]
pub struct ListPage {
    layout: Layout,
    prompts: Vec<PromptLink>,
    write: Option<WriteBox>,
    mine: Vec<ReflectionRow>,
    /// The viewer's own reflections put away, each to delete.
    put_away: Vec<PutAwayRow>,
    partner_joined: bool,
    trigger: Option<(TriggerForm, FormErrors)>,
    notes: Vec<NoteView>,
    copies: Vec<CopyView>,
    /// Withdrawn notes whose reassurance stays, and every other tombstone.
    answered_withdrawn: Vec<Tombstone>,
    withdrawn: Vec<Tombstone>,
}

async fn build_list(desk: Desk, shown: ListShown) -> AppResult<ListPage> {
    let me = desk.couple.me;
    let zone = desk.layout.now.zone;
    let cached = desk.read().await?;
    let private = desk.my_private().await?;
    let (state, mine) = (&cached.state, &private.state);
    let own = mine.kept_reflections().read_as(me)?;
    let write = match &shown {
        ListShown::Fresh(Some(prompt)) => Some(WriteBox::of(
            *prompt,
            &ReflectionForm::default(),
            FormErrors::default(),
        )),
        ListShown::Write(form, errors) => Some(match Prompt::from_code(&form.prompt) {
            Some(prompt) => WriteBox::of(prompt, form, errors.clone()),
            None => WriteBox {
                code: "",
                title: "Choose what to reflect on",
                lead: "",
                parts: Vec::new(),
                errors: FormErrors::summary("Please choose what to reflect on."),
            },
        }),
        _ => None,
    }
    .filter(|_| reflections::can_write(&state.space, me));
    let chosen = write.as_ref().map_or("", |w| w.code);
    let trigger = reflections::can_send_trigger_note(&state.space, me).then(|| match &shown {
        ListShown::Trigger(form, errors) => (form.clone(), errors.clone()),
        _ => Default::default(),
    });
    let (answered_withdrawn, withdrawn) = withdrawn(state, me, zone);
    Ok(ListPage {
        answered_withdrawn,
        withdrawn,
        prompts: Prompt::ALL
            .into_iter()
            .map(|p| PromptLink {
                code: p.code(),
                title: p.title(),
                chosen: p.code() == chosen,
            })
            .collect(),
        write,
        mine: own.listed().map(|r| reflection_row(r, zone)).collect(),
        put_away: put_away_rows(mine, own, me, zone),
        partner_joined: state.space.partner_of(me).is_some(),
        trigger,
        notes: state
            .reflections
            .notes()
            .map(|n| note_view(state, n, me, zone, &shown))
            .collect(),
        copies: state
            .reflections
            .copies()
            .map(|c| copy_view(state, c, me, zone))
            .collect(),
        layout: desk.layout.in_section("reflections"),
    })
}

redraws_with!(ListShown, ListPage, build_list);

pub struct VersionView {
    pub number: u32,
    pub when: String,
    pub answers: Vec<Answered>,
    pub shared: Option<String>,
}

#[derive(Template)]
#[template(path = "reflections/entry.html")]
pub struct EntryPage {
    layout: Layout,
    id: u64,
    title: &'static str,
    versions: Vec<VersionView>,
    /// The form for a new version, while one can be kept (not once the
    /// space ended).
    revise: Option<WriteBox>,
    can_share: bool,
    /// Where its author deletes it, every version, if they may now.
    delete: Option<String>,
}

fn version_views(r: &Reflection, zone: Zone) -> Vec<VersionView> {
    r.versions
        .iter()
        .rev()
        .map(|v| VersionView {
            number: v.number,
            when: dates::when(v.at, zone),
            answers: answered(r.prompt, &v.parts),
            shared: r
                .shared
                .iter()
                .find(|s| s.version == v.number)
                .map(|s| dates::when(s.at, zone)),
        })
        .collect()
}

async fn build_entry(desk: Desk, shown: EntryShown) -> AppResult<EntryPage> {
    let me = desk.couple.me;
    let zone = desk.layout.now.zone;
    let id = match &shown {
        EntryShown::Fresh(id) | EntryShown::Revise(id, ..) => *id,
    };
    let cached = desk.read().await?;
    let private = desk.my_private().await?;
    let r = reflections::own_reflection(private.state.kept_reflections(), me, id)?;
    let revise = match &shown {
        EntryShown::Revise(_, form, errors) => WriteBox::of(r.prompt, form, errors.clone()),
        EntryShown::Fresh(_) => WriteBox::of(
            r.prompt,
            &ReflectionForm::filled(&r.latest().parts),
            FormErrors::default(),
        ),
    };
    let mine = &private.state.withdrawals;
    Ok(EntryPage {
        id: id.0,
        title: r.prompt.title(),
        versions: version_views(r, zone),
        revise: reflections::can_write(&cached.state.space, me).then_some(revise),
        delete: withdrawal::can_withdraw(mine, me, id).then(|| format!("/delete/{}", id.0)),
        can_share: reflections::can_share(
            &cached.state.space,
            private.state.kept_reflections(),
            me,
            id,
        ),
        layout: desk.layout.in_section("reflections"),
    })
}

redraws_with!(EntryShown, EntryPage, build_entry);

#[derive(Template)]
#[template(path = "reflections/preview.html")]
pub struct PreviewPage {
    layout: Layout,
    id: u64,
    title: &'static str,
    version: u32,
    answers: Vec<Answered>,
    can_share: bool,
    /// Why it cannot be shared now, when it cannot.
    why_not: String,
    errors: FormErrors,
}

/// Why the newest version cannot be shared now.
fn why_not(state: &CoupleState, mine: &PrivateState, me: UserId, r: &Reflection) -> String {
    let mine = mine.kept_reflections();
    match reflections::check_share(&state.space, mine, me, r.id, r.latest().number) {
        Ok(()) => String::new(),
        Err(refusal) => refusal.to_string(),
    }
}

async fn build_preview(
    desk: Desk,
    PreviewShown(id, errors): PreviewShown,
) -> AppResult<PreviewPage> {
    let me = desk.couple.me;
    let cached = desk.read().await?;
    let private = desk.my_private().await?;
    let r = reflections::own_reflection(private.state.kept_reflections(), me, id)?;
    let why_not = why_not(&cached.state, &private.state, me, r);
    Ok(PreviewPage {
        id: id.0,
        title: r.prompt.title(),
        version: r.latest().number,
        answers: answered(r.prompt, &r.latest().parts),
        can_share: why_not.is_empty(),
        why_not,
        errors,
        layout: desk.layout.in_section("reflections"),
    })
}

redraws_with!(PreviewShown, PreviewPage, build_preview);
