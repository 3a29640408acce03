//! Time together: suggest something to do and when, answer a suggestion
//! (yes, another time, not this time), and once it has happened say how
//! connected you felt, shared or kept.

use crate::app::clock::{read_typed_time, Zone};
use crate::app::error::AppResult;
use crate::exec::{Landed, Submission, Writes};
use crate::http::extractors::{Desk, EntryForm, PostedForm};
use crate::http::forms::text_form;
use crate::http::forms::{FormErrors, NoFields};
use crate::http::routes::Route;
use crate::present::dates::{self, TwiceOption};
use crate::present::repair::{at_entry, redraws_with, room_page};
use crate::present::repair::{refused_at, refused_form};
use crate::present::words::who;
use askama::Template;
use axum::response::Response;
use kintsugi_core::access::room::Acting;
use kintsugi_core::streams::couple::CoupleState;
use kintsugi_core::streams::private::PrivateState;
use kintsugi_core::together::{self, Connection, HowItWent, Plan, PlanStatus, Together};
use kintsugi_core::withdrawal;
use kintsugi_core::{EntryId, UserId};
use time::OffsetDateTime;

pub fn routes() -> Vec<Route> {
    vec![
        Route::page(
            "/together",
            "time together and the form",
            room_page::<Refused>,
        ),
        Route::form("/together", "suggest time together", suggest),
        Route::form("/together/{id}/answer", "answer a suggestion", answer)
            .leads_to("/together#plan-{id}"),
        Route::form("/together/{id}/how-it-went", "say how it went", how_it_went)
            .leads_to("/together#plan-{id}"),
        Route::form("/together/rituals", "begin a ritual", begin_ritual)
            .leads_to("/together#rituals"),
        Route::form(
            "/together/rituals/{id}/done",
            "mark a ritual done today",
            ritual_done,
        )
        .leads_to("/together#rituals"),
        Route::form(
            "/together/rituals/{id}/set-aside",
            "set a ritual aside",
            set_ritual_aside,
        )
        .leads_to("/together#rituals"),
    ]
}

text_form! {
    /// A suggestion, or an answer with another time: a time typed on the
    /// person's own clock, and which of two when clocks went back.
    pub struct SuggestForm { what, at, at_which }
}

text_form! {
    pub struct AnswerForm {
        /// `accept`, `move` or `decline`: the button pressed.
        answer,
        at, at_which,
    }
}

text_form! {
    pub struct HowItWentForm {
        connection, line,
        /// `only_me` keeps the word; anything else shares it.
        keep,
    }
}

text_form! {
    pub struct RitualForm { ritual }
}

/// A typed time on the viewer's clock; an empty field is asked for.
fn typed_time(
    raw: &str,
    which: &str,
    zone: Zone,
) -> Result<OffsetDateTime, kintsugi_core::Refusal> {
    if raw.trim().is_empty() {
        return Err(kintsugi_core::Refusal::invalid(
            "at",
            "Please choose a day and a time.",
        ));
    }
    read_typed_time("at", raw, which, zone)
}

#[derive(Default)]
enum Refused {
    #[default]
    Nothing,
    Suggest(SuggestForm, FormErrors),
    Answer(EntryId, AnswerForm, FormErrors),
    HowItWent(EntryId, HowItWentForm, FormErrors),
    Ritual(RitualForm, FormErrors),
    OnRitual(EntryId, FormErrors),
}

pub struct NewPlan {
    form: SuggestForm,
    errors: FormErrors,
    twice: Option<[TwiceOption; 2]>,
    /// The earliest time the field offers, on the viewer's clock.
    min: String,
}

pub struct AnswerBox {
    form: AnswerForm,
    errors: FormErrors,
    twice: Option<[TwiceOption; 2]>,
}

pub struct WordView {
    who: &'static str,
    connection: &'static str,
    pub(crate) line: String,
    /// Where its author withdraws (shared) or deletes (kept) it.
    remove: Option<String>,
}

pub struct HowBox {
    form: HowItWentForm,
    errors: FormErrors,
}

pub struct PlanView {
    id: u64,
    pub(crate) what: String,
    when: String,
    suggested_by: &'static str,
    /// "Waiting for your answer", "Agreed", …
    status: String,
    answer: Option<AnswerBox>,
    how: Option<HowBox>,
    words: Vec<WordView>,
    /// The viewer's own kept word, shown only to them.
    kept: Option<WordView>,
    /// The viewer suggested it and may withdraw it from the record.
    can_withdraw: bool,
    /// Why a step on this plan was refused, when its form is not offered
    /// (any more): said beside the plan itself.
    refused: FormErrors,
}

pub struct RitualView {
    id: u64,
    what: String,
    /// "Done 9 times in the last four weeks", or how it began.
    count: String,
    done_today: bool,
    /// Whether "we did it today" is offered: not twice a day, nor once the
    /// space ended.
    can_mark_done: bool,
    can_set_aside: bool,
    /// The viewer began it and may withdraw it from the record.
    can_withdraw: bool,
    errors: FormErrors,
}

/// A ritual set aside that the viewer began and may still withdraw from
/// the record: what it was, and who set it aside when.
pub struct SetAsideView {
    id: u64,
    what: String,
    when: String,
}

/// The rituals set aside that the viewer may withdraw, newest first: a
/// ritual set aside leaves the couple's page, and comes back only to its
/// author, only so they can take it out of the record.
fn set_aside_views(state: &CoupleState, me: UserId, zone: Zone) -> Vec<SetAsideView> {
    state
        .together
        .rituals()
        .iter()
        .rev()
        .filter(|r| state.can_withdraw(me, r.id))
        .filter_map(|r| {
            let aside = r.set_aside?;
            Some(SetAsideView {
                id: r.id.0,
                what: r.what.clone(),
                when: format!(
                    "Set aside by {} on {}",
                    who(me, aside.by).to_lowercase(),
                    dates::when(aside.at, zone)
                ),
            })
        })
        .collect()
}

/// The rituals still kept, each with the days it was done lately.
fn ritual_views(
    state: &CoupleState,
    me: UserId,
    today: time::Date,
    refused: &Refused,
) -> Vec<RitualView> {
    let acting = Acting::new(&state.space, &state.together, me);
    let four_weeks_ago = today - time::Duration::days(27);
    state
        .together
        .rituals()
        .iter()
        .filter(|r| r.set_aside.is_none())
        .map(|r| {
            let done = r.done_between(four_weeks_ago, today);
            RitualView {
                id: r.id.0,
                what: r.what.clone(),
                count: match done {
                    0 => "Not marked yet in the last four weeks".to_owned(),
                    1 => "Done once in the last four weeks".to_owned(),
                    n => format!("Done {n} times in the last four weeks"),
                },
                done_today: r.done_on.contains(&today),
                can_mark_done: together::can_mark_ritual_done(acting, today, r.id),
                can_set_aside: together::can_set_aside(acting, r.id),
                can_withdraw: state.can_withdraw(me, r.id),
                errors: refused_at!(refused, Refused::OnRitual, r.id),
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "together/together.html")]
struct TogetherPage {
    layout: crate::app::layout::Layout,
    new: NewPlan,
    connections: Vec<(u8, &'static str)>,
    waiting: Vec<PlanView>,
    coming: Vec<PlanView>,
    spent: Vec<PlanView>,
    rituals: Vec<RitualView>,
    /// The viewer's own rituals set aside, which they may still withdraw.
    set_aside: Vec<SetAsideView>,
    ritual_form: RitualForm,
    ritual_errors: FormErrors,
    /// Whether a plan or a ritual can be begun now (not once the space ended).
    can_add: bool,
    /// Plans, words and rituals their author withdrew.
    withdrawn: Vec<crate::withdrawal::Tombstone>,
}

/// Where a plan stands, from the viewer's side.
fn status_words(plan: &Plan, me: UserId, now: OffsetDateTime) -> String {
    match plan.status {
        PlanStatus::Asked { by } if by == me => "Waiting for your partner's answer".to_owned(),
        PlanStatus::Asked { .. } => "Waiting for your answer".to_owned(),
        PlanStatus::Declined(_) => "Not this time".to_owned(),
        PlanStatus::Agreed if plan.at > now => "Agreed".to_owned(),
        PlanStatus::Agreed => match plan.happened.len() {
            0 => "Has it happened? Say how it went".to_owned(),
            _ => "Spent together".to_owned(),
        },
    }
}

fn word(by: UserId, me: UserId, connection: Connection, line: &Option<String>) -> WordView {
    WordView {
        who: who(me, by),
        connection: connection.label(),
        line: line.clone().unwrap_or_default(),
        remove: None,
    }
}

fn plan_view(
    state: &CoupleState,
    mine: &PrivateState,
    plan: &Plan,
    me: UserId,
    now: OffsetDateTime,
    refused: &Refused,
    zone: Zone,
) -> PlanView {
    let acting = Acting::new(&state.space, &state.together, me);
    let answer = together::can_answer(acting, plan.id).then(|| {
        let (form, errors) = match refused {
            Refused::Answer(id, form, errors) if *id == plan.id => (form.clone(), errors.clone()),
            _ => Default::default(),
        };
        let twice = dates::twice_options(&form.at, &form.at_which, zone);
        AnswerBox {
            form,
            errors,
            twice,
        }
    });
    let how = together::can_say_how_it_went(acting, now, plan.id).then(|| match refused {
        Refused::HowItWent(id, form, errors) if *id == plan.id => HowBox {
            form: form.clone(),
            errors: errors.clone(),
        },
        _ => HowBox {
            form: HowItWentForm::default(),
            errors: FormErrors::default(),
        },
    });
    let refused_here = match refused {
        Refused::Answer(id, _, errors) if *id == plan.id && answer.is_none() => errors.clone(),
        Refused::HowItWent(id, _, errors) if *id == plan.id && how.is_none() => errors.clone(),
        _ => FormErrors::default(),
    };
    PlanView {
        refused: refused_here,
        id: plan.id.0,
        what: plan.what.clone(),
        when: dates::when(plan.at, zone),
        suggested_by: who(me, plan.suggested.by),
        status: status_words(plan, me, now),
        answer,
        how,
        words: plan
            .words
            .iter()
            .map(|w| WordView {
                remove: state
                    .can_withdraw(me, w.id)
                    .then(|| format!("/withdraw/{}", w.id.0)),
                ..word(w.by, me, w.connection, &w.line)
            })
            .collect(),
        kept: mine.together.on(plan.id).map(|w| WordView {
            remove: withdrawal::can_withdraw(&mine.withdrawals, me, w.id)
                .then(|| format!("/delete/{}", w.id.0)),
            ..word(me, me, w.connection, &w.line)
        }),
        can_withdraw: state.can_withdraw(me, plan.id),
    }
}

async fn build(desk: Desk, refused: Refused) -> AppResult<TogetherPage> {
    let now = desk.layout.now;
    let me = desk.couple.me;
    let cached = desk.read().await?;
    let private = desk.my_private().await?;
    let (state, mine) = (&cached.state, &private.state);
    let view = |plan: &Plan| plan_view(state, mine, plan, me, now.instant, &refused, now.zone);
    let plans: Vec<&Plan> = state.together.all().iter().rev().collect();
    let waiting_on_someone = |p: &&Plan| matches!(p.status, PlanStatus::Asked { .. });
    let coming_up = |p: &&Plan| p.status == PlanStatus::Agreed && p.at > now.instant;
    let (form, errors) = refused_form!(&refused, Refused::Suggest);
    let (ritual_form, ritual_errors) = refused_form!(&refused, Refused::Ritual);
    Ok(TogetherPage {
        can_add: kintsugi_core::access::repair_rules::can_add(&state.space, me),
        withdrawn: crate::withdrawal::tombstones(
            &state.withdrawals,
            withdrawal::EntryRoom::Together,
            now.zone,
        ),
        rituals: ritual_views(state, me, now.today(), &refused),
        set_aside: set_aside_views(state, me, now.zone),
        ritual_form,
        ritual_errors,
        new: NewPlan {
            twice: dates::twice_options(&form.at, &form.at_which, now.zone),
            form,
            errors,
            min: dates::typed_value(now.local(now.instant)),
        },
        connections: (1..=Connection::MOST)
            .filter_map(Connection::new)
            .map(|c| (c.value(), c.label()))
            .collect(),
        waiting: plans
            .iter()
            .copied()
            .filter(waiting_on_someone)
            .map(view)
            .collect(),
        coming: plans.iter().copied().filter(coming_up).map(view).collect(),
        spent: plans
            .iter()
            .copied()
            .filter(|p| !waiting_on_someone(p) && !coming_up(p))
            .map(view)
            .collect(),
        layout: desk.layout.in_section("together"),
    })
}

redraws_with!(Refused, TogetherPage, build);

/// One step of the room, then the plan it was about, or the page again.
async fn step(
    desk: Desk,
    submission: &Submission,
    decide: impl Fn(&CoupleState, Acting<'_, Together>) -> Result<Writes, kintsugi_core::Refusal>,
    landed_at: impl FnOnce(Landed) -> String,
    refused: impl FnOnce(FormErrors) -> Refused,
) -> AppResult<Response> {
    let me = desk.couple.me;
    let outcome = desk
        .submit(submission, |decision| {
            let state = decision.couple;
            decide(state, Acting::new(&state.space, &state.together, me))
        })
        .await?;
    desk.land(outcome, landed_at, refused).await
}

/// Where a step on plan `plan` (or on the plan it made) lands.
fn at_plan(plan: Option<EntryId>) -> impl FnOnce(Landed) -> String {
    move |landed| at_entry("/together", "plan", plan.or(landed.couple_entry()))
}

fn at_rituals(_: Landed) -> String {
    "/together#rituals".to_owned()
}

async fn suggest(
    PostedForm(desk, form, submission): PostedForm<SuggestForm>,
) -> AppResult<Response> {
    let now = desk.layout.now;
    let at = typed_time(&form.at, &form.at_which, now.zone);
    let decide = |_: &CoupleState, acting: Acting<'_, Together>| {
        together::suggest(acting, now.instant, &form.what, at.clone()).map(Writes::couple)
    };
    step(desk, &submission, decide, at_plan(None), |errors| {
        Refused::Suggest(form.clone(), errors)
    })
    .await
}

async fn answer(
    EntryForm(desk, plan, form, submission): EntryForm<AnswerForm>,
) -> AppResult<Response> {
    let now = desk.layout.now;
    let at = typed_time(&form.at, &form.at_which, now.zone);
    let decide = |_: &CoupleState, acting: Acting<'_, Together>| {
        together::answer(acting, now.instant, plan, &form.answer, at.clone()).map(Writes::couple)
    };
    step(desk, &submission, decide, at_plan(Some(plan)), |errors| {
        Refused::Answer(plan, form.clone(), errors)
    })
    .await
}

async fn how_it_went(
    EntryForm(desk, plan, form, submission): EntryForm<HowItWentForm>,
) -> AppResult<Response> {
    let now = desk.layout.now.instant;
    let decide = |_: &CoupleState, acting: Acting<'_, Together>| {
        let said =
            together::how_it_went(acting, now, plan, &form.connection, &form.line, &form.keep)?;
        Ok(match said {
            HowItWent::Shared(event) => Writes::couple(event),
            HowItWent::Kept(happened, word) => Writes::couple(happened).and_private(word),
        })
    };
    step(desk, &submission, decide, at_plan(Some(plan)), |errors| {
        Refused::HowItWent(plan, form.clone(), errors)
    })
    .await
}

async fn begin_ritual(
    PostedForm(desk, form, submission): PostedForm<RitualForm>,
) -> AppResult<Response> {
    let decide = |_: &CoupleState, acting: Acting<'_, Together>| {
        together::begin_ritual(acting, &form.ritual).map(Writes::couple)
    };
    step(desk, &submission, decide, at_rituals, |errors| {
        Refused::Ritual(form.clone(), errors)
    })
    .await
}

async fn ritual_done(
    EntryForm(desk, ritual, _, submission): EntryForm<NoFields>,
) -> AppResult<Response> {
    let today = desk.layout.now.today();
    let decide = |_: &CoupleState, acting: Acting<'_, Together>| {
        together::ritual_done(acting, today, ritual).map(Writes::couple)
    };
    step(desk, &submission, decide, at_rituals, |errors| {
        Refused::OnRitual(ritual, errors)
    })
    .await
}

async fn set_ritual_aside(
    EntryForm(desk, ritual, _, submission): EntryForm<NoFields>,
) -> AppResult<Response> {
    let decide = |_: &CoupleState, acting: Acting<'_, Together>| {
        together::set_ritual_aside(acting, ritual).map(Writes::couple)
    };
    step(desk, &submission, decide, at_rituals, |errors| {
        Refused::OnRitual(ritual, errors)
    })
    .await
}
