//! The authorization table: every route in `kintsugi_web::routes()`, the
//! list the router is built from, and what each of nine visitors meets
//! there. A listed route without a row fails, and so does a row naming a
//! route that is not listed.
//!
//! Every row starts on a fresh copy of one world, and every form's cell on
//! its own: our couple with an entry of every kind (kept ones included,
//! each with its own marker words), another couple with entries of its own,
//! a therapist nobody invited, our couple's therapist (active; the same
//! person earlier, proposed and not yet consented to, on a copy of the
//! world from that moment) and the one whose access our couple ended, a
//! signed-in stranger with no space, and a visitor who is not signed in.
//! Besides the outcome in the row, every cell checks that nothing kept by
//! one partner reaches anyone else, that nothing of our couple reaches
//! anyone outside it, and that a refused form wrote nothing.
//!
//! A new route is one row: its method, its address, what fills the address
//! and whose it is (`About`), the fields its form sends, and six outcomes;
//! the three therapists of our couple meet what the uninvited one meets,
//! unless the row says otherwise (`.t([active, proposed, ended])`).

use crate::addresses::has_layout;
use crate::checkin::{check_in, check_in_fields};
use crate::helpers::id_before;
use crate::helpers::{field_refs, Couple, Heads, Page, Person, Snapshot, TestApp};
use crate::pulse::pulse_fields;
use crate::repair::{created_id, excerpt};
use form::*;
use std::collections::BTreeSet;
use About::*;
use Outcome::*;

/// Who visits, in the order of a row's outcomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Visitor {
    /// Wrote the entry the route is about; for a route about no entry, the
    /// partner who acts there.
    Author,
    /// The author's partner in the same space.
    Partner,
    /// A signed-in account with no membership and no invitation to this
    /// couple.
    UninvitedTherapist,
    /// Our couple's therapist: both partners consented and they accepted.
    ActiveTherapist,
    /// The same therapist on a copy of the world from before the other
    /// partner consented: proposed, holding the link, not yet let in.
    ProposedTherapist,
    /// The therapist our couple had before, whose access they ended.
    EndedTherapist,
    /// The member of another space in the author's role, with entries of
    /// their own.
    OtherCouple,
    /// Signed in, with no space.
    Stranger,
    /// Not signed in.
    Anonymous,
}

const VISITORS: [Visitor; 9] = [
    Visitor::Author,
    Visitor::Partner,
    Visitor::UninvitedTherapist,
    Visitor::ActiveTherapist,
    Visitor::ProposedTherapist,
    Visitor::EndedTherapist,
    Visitor::OtherCouple,
    Visitor::Stranger,
    Visitor::Anonymous,
];

/// One partner of a couple, by their role in its one betrayal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    Hurt,
    Involved,
}

impl Side {
    fn other(self) -> Side {
        match self {
            Side::Hurt => Side::Involved,
            Side::Involved => Side::Hurt,
        }
    }
}

/// What a row is about: what fills its address's parameter, and so who
/// its author is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum About {
    /// No entry; the hurt partner acts here.
    HurtActs,
    /// No entry; the involved partner acts here.
    InvolvedActs,
    SharedCheckIn,
    /// A check-in the hurt partner kept to themselves.
    KeptCheckIn,
    SharedPulse,
    /// A pulse the involved partner kept to themselves.
    KeptPulse,
    Disclosure,
    Question,
    ParkedQuestion,
    ApologyVersion,
    /// A request not answered yet.
    Request,
    /// A request with an alternative proposed.
    RequestWithAlternative,
    AgreedRequest,
    PausedRequest,
    /// A fulfilment logged on the agreed request.
    Fulfilment,
    Commitment,
    Contact,
    /// A step the hurt partner proposed for the readiness list, not answered yet.
    ReadinessProposal,
    /// A talk request the hurt partner asked, not answered yet.
    TalkRequest,
    /// A talk request with a time proposed, for its asker to pick.
    TalkWithTimes,
    /// A talk request answered "I need space".
    TalkWithSpace,
    /// A talk request answered "now is good".
    AgreedTalk,
    /// A talk that happened, with the hurt partner's word on it kept to
    /// themselves.
    KeptTalkWord,
    /// Time together the hurt partner suggested, waiting for an answer.
    TogetherPlan,
    /// A ritual of connection the hurt partner began.
    Ritual,
    /// A day and time for the weekly meeting the hurt partner suggested,
    /// not answered yet.
    MeetingTime,
    /// The hurt partner's appreciation on the meeting's agenda (the
    /// involved partner added one too).
    MeetingItem,
    /// A reflection the hurt partner wrote and revised, kept to
    /// themselves.
    Reflection,
    /// A trigger note the hurt partner sent, not answered yet.
    TriggerNote,
    /// A check-in the hurt partner marked for the therapist too.
    TherapistCheckIn,
    /// The hurt partner's proposal of our therapist, whom both consented
    /// to and who accepted.
    TherapistProposal,
    /// The one-time link our therapist accepted through (used).
    TherapistLink,
    /// Our couple itself, as the therapist's addresses name it.
    OurCouple,
    /// The author's session in another browser.
    OtherSession,
    /// The link the involved partner joined by, made by the hurt partner.
    Invitation,
    /// An email's unsubscribe link that no email carried (the mail story
    /// tests, `reminders.rs`, follow real ones).
    UnsubscribeLink,
    Stylesheet,
}

/// What a visitor meets.
#[derive(Clone, Copy, Debug)]
enum Outcome {
    /// 200, a page in the layout.
    Page,
    /// 200, and the entry the row is about is on it.
    Shows,
    /// 200, not a page: the health check, the style sheet.
    Plain,
    /// 303 to this address: `{id}` is the row's entry, `*` any number.
    To(&'static str),
    /// 303 to the sign-in page.
    SignIn,
    /// 404 "Nothing here", as for an address that does not exist.
    Missing,
    /// 403 "Not this step": this partner's role does not take it.
    NotTheirs,
    /// 422: the form again, saying why; nothing written.
    Refused,
    /// 409: the step was taken already.
    Taken,
    /// 410: a link that was used already.
    Gone,
}

/// A form's fields, as the browser sends them.
type Fields = &'static [(&'static str, &'static str)];

struct Row {
    method: &'static str,
    path: &'static str,
    about: About,
    /// The form's fields; `{email}` is the visitor's own address, `{soon}`
    /// a time a month from now as a person types it.
    fields: Fields,
    /// Author, partner, uninvited therapist, other couple, stranger,
    /// anonymous.
    expect: [Outcome; 6],
    /// Our active, proposed and ended therapists, when they meet anything
    /// but what the uninvited therapist meets.
    therapists: Option<[Outcome; 3]>,
}

const fn get(path: &'static str, about: About, expect: [Outcome; 6]) -> Row {
    Row {
        method: "GET",
        path,
        about,
        fields: &[],
        expect,
        therapists: None,
    }
}

const fn post(path: &'static str, about: About, fields: Fields, expect: [Outcome; 6]) -> Row {
    Row {
        method: "POST",
        path,
        about,
        fields,
        expect,
        therapists: None,
    }
}

impl Row {
    /// What our active, proposed and ended therapists meet here.
    const fn t(mut self, therapists: [Outcome; 3]) -> Row {
        self.therapists = Some(therapists);
        self
    }

    /// Every visitor's outcome, in the order of `VISITORS`.
    fn outcomes(&self) -> [(Visitor, Outcome); 9] {
        let [author, partner, uninvited, other, stranger, anonymous] = self.expect;
        let [active, proposed, ended] = self.therapists.unwrap_or([uninvited; 3]);
        let outcomes = [
            author, partner, uninvited, active, proposed, ended, other, stranger, anonymous,
        ];
        std::array::from_fn(|n| (VISITORS[n], outcomes[n]))
    }
}

/// What each form in the table sends, one form a line. `{email}` is the
/// visitor's own address.
#[rustfmt::skip]
mod form {
    use super::Fields;
    use crate::helpers::PASSWORD;

    pub const NONE: Fields = &[];
    pub const QUESTION: Fields = &[("text", "mk-new-question")];
    pub const WORDS: Fields = &[("text", "mk-new-words"), ("refers_to", "")];
    pub const RESPONSE: Fields = &[("response", "mk-new-response")];
    pub const CHECK_IN: Fields = &[("feelings", "hopeful"), ("intensity_hopeful", "3"), ("note", "mk-new-check-in"), ("visibility", "partner")];
    pub const CHECK_IN_ANSWER: Fields = &[("preset", ""), ("own_words", "mk-new-answer")];
    /// Every statement at the middle of the scale, reverse-worded ones too.
    pub const PULSE: Fields = &[("predictable_know", "4"), ("predictable_surprise", "4"), ("dependable_follow_through", "4"), ("dependable_hesitate", "4"), ("faith_future", "4"), ("faith_doubt", "4"), ("honesty_believe", "4"), ("honesty_hidden", "4"), ("safety_open", "4"), ("safety_guarded", "4"), ("share", "partner")];
    pub const CADENCE: Fields = &[("cadence", "monthly")];
    pub const APOLOGY: Fields = &[("betrayal", ""), ("what_i_did", "I lied to you for months about where I was."), ("impact", "You stopped trusting your own memory because I denied it."), ("responsibility", "It was my choice; nothing you did caused it."), ("remorse", "I am deeply sorry for the pain I caused you."), ("changes", "I ended all contact and will tell you the same day if she writes."), ("repair", "I will answer your questions honestly, for as long as you need."), ("factors", ""), ("action", "send")];
    pub const APOLOGY_ANSWER: Fields = &[("answer", "received"), ("what", "")];
    pub const REQUEST: Fields = &[("betrayal", ""), ("what", "Text me when you leave the gym"), ("frequency", "daily"), ("trigger", ""), ("times_per_week", ""), ("weekday", ""), ("by_date", ""), ("action", "send")];
    /// Each time something happens: every fulfilment is its own occurrence,
    /// so the table may log one again on the day one was logged.
    pub const EACH_TIME_REQUEST: Fields = &[("betrayal", ""), ("what", "Text me when you leave work"), ("frequency", "each_time"), ("trigger", "you leave work"), ("times_per_week", ""), ("weekday", ""), ("by_date", ""), ("action", "send")];
    pub const ALTERNATIVE: Fields = &[("what", "Call you at lunch"), ("frequency", "weekly"), ("times_per_week", "3")];
    pub const ALTERNATIVE_ANSWER: Fields = &[("answer", "accept"), ("note", "")];
    pub const REASON: Fields = &[("reason", "A hard week at work")];
    pub const FULFILMENT: Fields = &[("happened_on", ""), ("note", "")];
    pub const COMMITMENT: Fields = &[("betrayal", ""), ("kind", "no_contact"), ("details", "I blocked her number")];
    pub const COMMITMENT_STATUS: Fields = &[("status", "kept"), ("note", "")];
    pub const CONTACT: Fields = &[("betrayal", ""), ("happened_at", "2024-03-01T09:30"), ("happened_at_which", ""), ("channel", "text_message"), ("what_was_said", "She asked how I was."), ("how_i_responded", "I did not reply.")];
    pub const TALK: Fields = &[("kind", "what_happened"), ("soon", "when_you_can"), ("topic", "mk-new-talk")];
    pub const TALK_NOW: Fields = &[("choice", "now"), ("time_1", ""), ("time_1_which", ""), ("time_2", ""), ("time_2_which", ""), ("time_3", ""), ("time_3_which", ""), ("days", ""), ("words", "")];
    pub const TALK_TIMES: Fields = &[("choice", "at_a_time"), ("time_1", "2099-01-05T18:00"), ("time_1_which", ""), ("time_2", ""), ("time_2_which", ""), ("time_3", ""), ("time_3_which", ""), ("days", ""), ("words", "")];
    pub const TALK_SPACE: Fields = &[("choice", "space"), ("time_1", ""), ("time_1_which", ""), ("time_2", ""), ("time_2_which", ""), ("time_3", ""), ("time_3_which", ""), ("days", "3"), ("words", "")];
    pub const PICK: Fields = &[("time", "0")];
    pub const HAPPENED: Fields = &[("words", "mk-new-how-it-went"), ("keep", "partner")];
    pub const SUGGEST: Fields = &[("what", "mk-new-plan: dinner out"), ("at", "{soon}"), ("at_which", "")];
    pub const PLAN_ANSWER: Fields = &[("answer", "accept"), ("at", ""), ("at_which", "")];
    pub const HOW_IT_WENT: Fields = &[("connection", "4"), ("line", "mk-new-how-together-went"), ("keep", "partner")];
    pub const RITUAL: Fields = &[("ritual", "mk-new-ritual: tea at nine")];
    pub const MEETING_TIME: Fields = &[("day", "sunday"), ("time", "19:00")];
    pub const MEETING_ITEM: Fields = &[("part", "concern"), ("text", ""), ("feel", "mk-new-feel"), ("about", "mk-new-about"), ("need", "mk-new-need")];
    pub const APPRECIATION_BACK: Fields = &[("part", "appreciation"), ("text", "mk-appreciation-back"), ("feel", ""), ("about", ""), ("need", "")];
    pub const HELD: Fields = &[("agreed", "mk-new-agreed")];
    pub const HAPPENED_KEPT: Fields = &[("words", "mk-kept-talk-word: it was hard to hear"), ("keep", "only_me")];
    pub const QUIET: Fields = &[("quiet_days", "5")];
    pub const REFLECTION: Fields = &[("prompt", "looking_forward"), ("part_1", "mk-new-reflection"), ("part_2", ""), ("part_3", "")];
    pub const REVISION: Fields = &[("part_1", "mk-new-revision"), ("part_2", ""), ("part_3", "")];
    /// The version the world's reflection is at after its revision.
    pub const SHARE: Fields = &[("version", "2")];
    pub const TRIGGER_NOTE: Fields = &[("when", "mk-new-trigger-note"), ("felt", "shaky"), ("would_help", "")];
    pub const REASSURANCE: Fields = &[("words", "mk-new-reassurance")];
    pub const QUIET_NOTE: Fields = &[("quiet_note", "mk-new-quiet-note")];
    pub const BETRAYAL: Fields = &[("kind", "emotional_affair"), ("hurt", "me"), ("discovered_on", ""), ("note", ""), ("feel_safe", "yes")];
    pub const REGISTER: Fields = &[("email", "{email}"), ("password", PASSWORD), ("password_confirm", PASSWORD)];
    pub const LOGIN: Fields = &[("email", "{email}"), ("password", PASSWORD)];
    pub const RECOVER: Fields = &[("email", "{email}"), ("code", "AAAA-BBBB-CCCC"), ("password", "a new and longer passphrase"), ("password_confirm", "a new and longer passphrase")];
    pub const IDLE: Fields = &[("minutes", "240")];
    pub const TIME_ZONE: Fields = &[("time_zone", "Europe/Berlin")];
    pub const REMINDERS: Fields = &[("digest", "on"), ("digest_at", "09:00"), ("check_in", ""), ("check_in_at", "20:00"), ("meeting", ""), ("meeting_at", "09:00")];
    pub const ONE_CLICK: Fields = &[("List-Unsubscribe", "One-Click")];
    pub const MARKS: Fields = &[("mark-same_bed", "ready"), ("mark-going_out", "not_sure")];
    pub const STEP: Fields = &[("name", "mk-new-step: dancing on Fridays")];
    pub const STEP_ANSWER: Fields = &[("answer", "accept")];
    pub const PROPOSE: Fields = &[("name", "Dr Someone"), ("scopes", "pulses")];
    pub const SCOPES: Fields = &[("scopes", "check_ins")];
    pub const COUPLE_NAME: Fields = &[("name", "mk-new-couple-name")];
    pub const NOTE: Fields = &[("text", "mk-new-therapist-note")];
    pub const AGENDA: Fields = &[("text", "mk-new-agenda-item")];
    /// The first session, with nothing ticked: all of it carries over.
    pub const SESSION_HELD: Fields = &[("number", "1")];
    pub const NEW_PASSWORD: Fields = &[("current_password", PASSWORD), ("password", "a new and longer passphrase"), ("password_confirm", "a new and longer passphrase")];
    pub const EXPORT: Fields = &[("password", PASSWORD), ("passphrase", ""), ("passphrase_confirm", "")];
    pub const END_SPACE: Fields = &[("password", PASSWORD), ("confirm", "end")];
    pub const DELETE_ACCOUNT: Fields = &[("password", PASSWORD), ("confirm", "delete my account")];
}

/// Every route × every visitor. Outcomes in the order author, partner,
/// uninvited therapist, other couple, stranger, anonymous.
#[rustfmt::skip]
const TABLE: &[Row] = &[
    get("/", HurtActs, [Page, Page, Page, Page, Page, Page]),
    get("/healthz", HurtActs, [Plain, Plain, Plain, Plain, Plain, Plain]),
    get("/static/{name}", Stylesheet, [Plain, Plain, Plain, Plain, Plain, Plain]),

    get("/register", HurtActs, [Page, Page, Page, Page, Page, Page]),
    // An address with an account already gets the same answer as a new one.
    post("/register", HurtActs, REGISTER, [To("/login?registered=1"); 6]),
    get("/login", HurtActs, [To("/"), To("/"), To("/"), To("/"), To("/"), Page]),
    post("/login", HurtActs, LOGIN, [To("/"), To("/"), To("/"), To("/"), To("/"), Refused]),
    post("/logout", HurtActs, NONE, [To("/login?signed_out=1"), To("/login?signed_out=1"), To("/login?signed_out=1"), To("/login?signed_out=1"), To("/login?signed_out=1"), To("/login?signed_out=1")]),
    get("/exit", HurtActs, [To("https://www.bbc.co.uk/weather"); 6]),
    get("/recover", HurtActs, [Page, Page, Page, Page, Page, Page]),
    // With a code that is not theirs, nobody recovers an account.
    post("/recover", HurtActs, RECOVER, [Refused, Refused, Refused, Refused, Refused, Refused]),
    get("/account", HurtActs, [Page, Page, Page, Page, Page, SignIn]),
    post("/account/sessions/{id}/end", OtherSession, NONE, [To("/account"), Missing, Missing, Missing, Missing, SignIn]),
    post("/account/password", HurtActs, NEW_PASSWORD, [Page, Page, Page, Page, Page, SignIn]),
    post("/account/recovery-codes", HurtActs, NONE, [Page, Page, Page, Page, Page, SignIn]),
    post("/account/idle-sign-out", HurtActs, IDLE, [To("/account#idle-sign-out"), To("/account#idle-sign-out"), To("/account#idle-sign-out"), To("/account#idle-sign-out"), To("/account#idle-sign-out"), SignIn]),
    post("/account/time-zone", HurtActs, TIME_ZONE, [Page, Page, Page, Page, Page, SignIn]),
    post("/account/reminders", HurtActs, REMINDERS, [To("/account#reminders"), To("/account#reminders"), To("/account#reminders"), To("/account#reminders"), To("/account#reminders"), SignIn]),
    // No sign-in needed: the link's token is what counts, and one nobody
    // was sent leads nowhere, for anyone.
    get("/unsubscribe/{token}", UnsubscribeLink, [Missing; 6]),
    post("/unsubscribe/{token}", UnsubscribeLink, ONE_CLICK, [Missing; 6]),

    get("/space", HurtActs, [Page, Page, To("/"), Page, To("/"), SignIn]),
    get("/space/new", HurtActs, [To("/space"), To("/space"), Page, To("/space"), Page, SignIn]),
    post("/space/new", HurtActs, BETRAYAL, [To("/space"), To("/space"), To("/space"), To("/space"), To("/space"), SignIn]),
    get("/space/new/record", HurtActs, [To("/space/new"), To("/space/new"), To("/space/new"), To("/space/new"), To("/space/new"), SignIn]),
    post("/space/betrayals", HurtActs, BETRAYAL, [To("/space"), To("/space"), Missing, To("/space"), Missing, SignIn]),
    post("/space/invite", HurtActs, NONE, [Taken, Taken, Missing, Taken, Missing, SignIn]),
    get("/space/end", HurtActs, [Page, Page, Missing, Page, Missing, SignIn]),
    // Either partner ends it alone; the other couple ends only their own.
    post("/space/end", HurtActs, END_SPACE, [To("/"), To("/"), Missing, To("/"), Missing, SignIn]),
    get("/invite/{token}", Invitation, [Gone, Gone, Gone, Gone, Gone, Gone]),
    post("/invite/{token}", Invitation, NONE, [Gone, To("/space"), Gone, Gone, Gone, SignIn]),
    post("/invite/{token}/decline", Invitation, NONE, [Gone, Gone, Gone, Gone, Gone, SignIn]),

    get("/checkin", KeptCheckIn, [Shows, Page, Missing, Page, Missing, SignIn]),
    post("/checkin", HurtActs, CHECK_IN, [To("/checkin?done=shared"), To("/checkin?done=shared"), Missing, To("/checkin?done=shared"), Missing, SignIn]),
    get("/checkin/{id}", SharedCheckIn, [Shows, Shows, Missing, Missing, Missing, SignIn]),
    post("/checkin/{id}/acknowledge", SharedCheckIn, CHECK_IN_ANSWER, [Refused, To("/checkin/{id}"), Missing, Missing, Missing, SignIn]),
    get("/pulse", KeptPulse, [Shows, Page, Missing, Page, Missing, SignIn]),
    post("/pulse", HurtActs, PULSE, [To("/pulse/shared/*"), To("/pulse/shared/*"), Missing, To("/pulse/shared/*"), Missing, SignIn]),
    post("/pulse/cadence", HurtActs, CADENCE, [To("/pulse#cadence"), To("/pulse#cadence"), Missing, To("/pulse#cadence"), Missing, SignIn]),
    get("/pulse/kept/{id}", KeptPulse, [Shows, Missing, Missing, Missing, Missing, SignIn]),
    get("/pulse/shared/{id}", SharedPulse, [Shows, Shows, Missing, Missing, Missing, SignIn]),
    get("/progress", KeptPulse, [Shows, Page, Missing, Page, Missing, SignIn]),

    get("/truth", Disclosure, [Shows, Shows, Missing, Page, Missing, SignIn]),
    post("/truth/disclosures", InvolvedActs, WORDS, [To("/truth#entry-*"), NotTheirs, Missing, To("/truth#entry-*"), Missing, SignIn]),
    post("/truth/questions", HurtActs, QUESTION, [To("/truth#entry-*"), NotTheirs, Missing, To("/truth#entry-*"), Missing, SignIn]),
    post("/truth/{id}/answer", Question, WORDS, [NotTheirs, To("/truth#entry-*"), Missing, Missing, Missing, SignIn]),
    post("/truth/{id}/acknowledge", Disclosure, RESPONSE, [NotTheirs, To("/truth#entry-{id}"), Missing, Missing, Missing, SignIn]),
    post("/truth/{id}/park", Question, NONE, [To("/truth#entry-{id}"), To("/truth#entry-{id}"), Missing, Missing, Missing, SignIn]),
    post("/truth/{id}/unpark", ParkedQuestion, NONE, [To("/truth#entry-{id}"), NotTheirs, Missing, Missing, Missing, SignIn]),
    post("/truth/{id}/correct", Disclosure, WORDS, [To("/truth#entry-*"), NotTheirs, Missing, Missing, Missing, SignIn]),

    get("/apology", ApologyVersion, [Shows, Shows, Missing, Page, Missing, SignIn]),
    // Our involved partner's version waits for an answer; the other couple has none.
    post("/apology", InvolvedActs, APOLOGY, [Refused, NotTheirs, Missing, To("/apology#apology-*"), Missing, SignIn]),
    post("/apology/versions/{id}/answer", ApologyVersion, APOLOGY_ANSWER, [NotTheirs, To("/apology#version-{id}"), Missing, Missing, Missing, SignIn]),

    get("/requests", AgreedRequest, [Shows, Shows, Missing, Page, Missing, SignIn]),
    post("/requests", HurtActs, REQUEST, [To("/requests/*"), NotTheirs, Missing, To("/requests/*"), Missing, SignIn]),
    get("/requests/{id}", Request, [Shows, Shows, Missing, Missing, Missing, SignIn]),
    post("/requests/{id}/accept", Request, NONE, [NotTheirs, To("/requests/{id}"), Missing, Missing, Missing, SignIn]),
    post("/requests/{id}/alternative", Request, ALTERNATIVE, [NotTheirs, To("/requests/{id}"), Missing, Missing, Missing, SignIn]),
    post("/requests/{id}/alternative/answer", RequestWithAlternative, ALTERNATIVE_ANSWER, [To("/requests/{id}"), NotTheirs, Missing, Missing, Missing, SignIn]),
    post("/requests/{id}/pause", AgreedRequest, REASON, [To("/requests/{id}"), To("/requests/{id}"), Missing, Missing, Missing, SignIn]),
    post("/requests/{id}/resume", PausedRequest, NONE, [To("/requests/{id}"), To("/requests/{id}"), Missing, Missing, Missing, SignIn]),
    post("/requests/{id}/retire", AgreedRequest, REASON, [To("/requests/{id}"), To("/requests/{id}"), Missing, Missing, Missing, SignIn]),
    post("/requests/{id}/fulfilments", AgreedRequest, FULFILMENT, [NotTheirs, To("/requests/{id}"), Missing, Missing, Missing, SignIn]),
    post("/requests/fulfilments/{id}/confirm", Fulfilment, NONE, [NotTheirs, To("/requests/*"), Missing, Missing, Missing, SignIn]),

    get("/commitments", Commitment, [Shows, Shows, Missing, Page, Missing, SignIn]),
    post("/commitments", InvolvedActs, COMMITMENT, [To("/commitments#commitment-*"), NotTheirs, Missing, To("/commitments#commitment-*"), Missing, SignIn]),
    post("/commitments/{id}/status", Commitment, COMMITMENT_STATUS, [To("/commitments#commitment-{id}"), NotTheirs, Missing, Missing, Missing, SignIn]),
    post("/commitments/{id}/acknowledge", Commitment, NONE, [NotTheirs, To("/commitments#commitment-{id}"), Missing, Missing, Missing, SignIn]),

    get("/contact", Contact, [Shows, Shows, Missing, Page, Missing, SignIn]),
    post("/contact", InvolvedActs, CONTACT, [To("/contact#report-*"), NotTheirs, Missing, To("/contact#report-*"), Missing, SignIn]),
    post("/contact/{id}/acknowledge", Contact, RESPONSE, [NotTheirs, To("/contact#report-{id}"), Missing, Missing, Missing, SignIn]),

    // Only its author withdraws an entry; the partner is told it is not
    // their step, everyone else finds nothing.
    get("/withdraw/{id}", Disclosure, [Page, NotTheirs, Missing, Missing, Missing, SignIn]),
    post("/withdraw/{id}", Disclosure, NONE, [To("/truth#entry-{id}"), NotTheirs, Missing, Missing, Missing, SignIn]),
    // A kept entry is deleted by its author alone: to anyone else, the
    // address names nothing of theirs.
    get("/delete/{id}", KeptCheckIn, [Page, Missing, Missing, Missing, Missing, SignIn]),
    post("/delete/{id}", KeptCheckIn, NONE, [To("/checkin"), Missing, Missing, Missing, Missing, SignIn]),

    get("/together", TogetherPlan, [Shows, Shows, Missing, Page, Missing, SignIn]),
    post("/together", HurtActs, SUGGEST, [To("/together#plan-*"), To("/together#plan-*"), Missing, To("/together#plan-*"), Missing, SignIn]),
    post("/together/{id}/answer", TogetherPlan, PLAN_ANSWER, [NotTheirs, To("/together#plan-{id}"), Missing, Missing, Missing, SignIn]),
    // Still to come and not agreed: nobody says how it went yet (the
    // story test in together.rs moves the clock past an agreed one).
    post("/together/{id}/how-it-went", TogetherPlan, HOW_IT_WENT, [Refused, Refused, Missing, Missing, Missing, SignIn]),

    post("/together/rituals", HurtActs, RITUAL, [To("/together#rituals"), To("/together#rituals"), Missing, To("/together#rituals"), Missing, SignIn]),
    post("/together/rituals/{id}/done", Ritual, NONE, [To("/together#rituals"), To("/together#rituals"), Missing, Missing, Missing, SignIn]),
    post("/together/rituals/{id}/set-aside", Ritual, NONE, [To("/together#rituals"), To("/together#rituals"), Missing, Missing, Missing, SignIn]),
    get("/meeting", MeetingItem, [Shows, Shows, Missing, Page, Missing, SignIn]),
    post("/meeting/time", HurtActs, MEETING_TIME, [To("/meeting#time"), To("/meeting#time"), Missing, To("/meeting#time"), Missing, SignIn]),
    post("/meeting/time/{id}/agree", MeetingTime, NONE, [NotTheirs, To("/meeting#time"), Missing, Missing, Missing, SignIn]),
    post("/meeting/items", HurtActs, MEETING_ITEM, [To("/meeting#concerns"), To("/meeting#concerns"), Missing, To("/meeting#concerns"), Missing, SignIn]),
    // Both of our partners appreciated; the other couple has not.
    post("/meeting/held", HurtActs, HELD, [To("/meeting#held"), To("/meeting#held"), Missing, Refused, Missing, SignIn]),

    get("/readiness", ReadinessProposal, [Shows, Shows, Missing, Page, Missing, SignIn]),
    post("/readiness/marks", HurtActs, MARKS, [To("/readiness#ready-together"), To("/readiness#ready-together"), Missing, To("/readiness#ready-together"), Missing, SignIn]),
    post("/readiness/steps", HurtActs, STEP, [To("/readiness#proposals"), To("/readiness#proposals"), Missing, To("/readiness#proposals"), Missing, SignIn]),
    post("/readiness/steps/{id}/answer", ReadinessProposal, STEP_ANSWER, [NotTheirs, To("/readiness#proposals"), Missing, Missing, Missing, SignIn]),
    post("/readiness/steps/{id}/withdraw", ReadinessProposal, NONE, [To("/readiness#proposals"), NotTheirs, Missing, Missing, Missing, SignIn]),
    get("/talk", TalkRequest, [Shows, Shows, Missing, Page, Missing, SignIn]),
    // Our hurt partner's quiet period is on: no new request reaches them.
    post("/talk", HurtActs, TALK, [To("/talk#talk-*"), Refused, Missing, To("/talk#talk-*"), Missing, SignIn]),
    post("/talk/{id}/answer", TalkRequest, TALK_NOW, [NotTheirs, To("/talk#talk-{id}"), Missing, Missing, Missing, SignIn]),
    post("/talk/{id}/pick", TalkWithTimes, PICK, [To("/talk#talk-{id}"), NotTheirs, Missing, Missing, Missing, SignIn]),
    post("/talk/{id}/end-space", TalkWithSpace, NONE, [NotTheirs, To("/talk#talk-{id}"), Missing, Missing, Missing, SignIn]),
    post("/talk/{id}/withdraw", TalkRequest, NONE, [To("/talk#talk-{id}"), NotTheirs, Missing, Missing, Missing, SignIn]),
    post("/talk/{id}/happened", AgreedTalk, HAPPENED, [To("/talk#talk-{id}"), To("/talk#talk-{id}"), Missing, Missing, Missing, SignIn]),
    post("/talk/quiet", HurtActs, QUIET, [To("/talk#quiet"), NotTheirs, Missing, To("/talk#quiet"), Missing, SignIn]),
    post("/talk/quiet/end", HurtActs, NONE, [To("/talk#quiet"), Refused, Missing, Refused, Missing, SignIn]),
    post("/talk/quiet/note", InvolvedActs, QUIET_NOTE, [To("/talk#quiet"), Refused, Missing, Refused, Missing, SignIn]),

    get("/reflections", Reflection, [Shows, Page, Missing, Page, Missing, SignIn]),
    post("/reflections", HurtActs, REFLECTION, [To("/reflections/*"), To("/reflections/*"), Missing, To("/reflections/*"), Missing, SignIn]),
    // A reflection, its versions and its preview are its author's alone.
    get("/reflections/{id}", Reflection, [Shows, Missing, Missing, Missing, Missing, SignIn]),
    post("/reflections/{id}/revise", Reflection, REVISION, [To("/reflections/{id}"), Missing, Missing, Missing, Missing, SignIn]),
    get("/reflections/{id}/share", Reflection, [Shows, Missing, Missing, Missing, Missing, SignIn]),
    post("/reflections/{id}/share", Reflection, SHARE, [To("/reflections/{id}#shared"), Missing, Missing, Missing, Missing, SignIn]),
    post("/reflections/{id}/withdraw", Reflection, NONE, [To("/reflections"), Missing, Missing, Missing, Missing, SignIn]),
    post("/reflections/triggers", HurtActs, TRIGGER_NOTE, [To("/reflections#trigger-notes"), NotTheirs, Missing, To("/reflections#trigger-notes"), Missing, SignIn]),
    post("/reflections/triggers/{id}/reassure", TriggerNote, REASSURANCE, [NotTheirs, To("/reflections#note-{id}"), Missing, Missing, Missing, SignIn]),

    get("/therapist", TherapistProposal, [Page, Page, Missing, Page, Missing, SignIn]),
    // One therapist at a time: ours is working with them.
    post("/therapist", HurtActs, PROPOSE, [Refused, Refused, Missing, To("/therapist"), Missing, SignIn]),
    post("/therapist/{id}/consent", TherapistProposal, SCOPES, [Refused, Refused, Missing, Missing, Missing, SignIn]),
    post("/therapist/{id}/decline", TherapistProposal, NONE, [Refused, Refused, Missing, Missing, Missing, SignIn]),
    post("/therapist/{id}/scopes", TherapistProposal, SCOPES, [To("/therapist"), To("/therapist"), Missing, Missing, Missing, SignIn]),
    post("/therapist/{id}/end", TherapistProposal, NONE, [To("/therapist"), To("/therapist"), Missing, Missing, Missing, SignIn]),
    // Accepted already: no new link is needed.
    post("/therapist/{id}/link", TherapistProposal, NONE, [Refused, Refused, Missing, Missing, Missing, SignIn]),
    get("/therapist/sees", OurCouple, [Shows, Shows, Missing, Page, Missing, SignIn]),
    // The other couple works with no therapist: no session to prepare.
    post("/therapist/agenda", HurtActs, AGENDA, [To("/therapist#session"), To("/therapist#session"), Missing, Refused, Missing, SignIn]),
    post("/therapist/held", HurtActs, SESSION_HELD, [To("/therapist#sessions-held"), To("/therapist#sessions-held"), Missing, Refused, Missing, SignIn]),
    get("/therapist/brief", OurCouple, [Shows, Shows, Missing, Missing, Missing, SignIn]),
    get("/practice", HurtActs, [Page, Page, Page, Page, Page, SignIn]).t([Page, Page, Page]),
    // The link was used: it opens nothing, but before both partners said
    // yes, it told the therapist to wait.
    get("/practice/join/{token}", TherapistLink, [Gone; 6]).t([Gone, Taken, Gone]),
    post("/practice/join/{token}", TherapistLink, COUPLE_NAME, [Gone, Gone, Gone, Gone, Gone, SignIn]).t([To("/practice/{couple}"), Taken, Gone]),
    get("/practice/{couple}", OurCouple, [Missing, Missing, Missing, Missing, Missing, SignIn]).t([Shows, Missing, Page]),
    post("/practice/{couple}/notes", OurCouple, NOTE, [Missing, Missing, Missing, Missing, Missing, SignIn]).t([To("/practice/{couple}#notes"), Missing, Missing]),
    post("/practice/{couple}/name", OurCouple, COUPLE_NAME, [Missing, Missing, Missing, Missing, Missing, SignIn]).t([To("/practice/{couple}#notes"), Missing, Missing]),
    post("/practice/{couple}/agenda", OurCouple, AGENDA, [Missing, Missing, Missing, Missing, Missing, SignIn]).t([To("/practice/{couple}#session"), Missing, Missing]),
    post("/practice/{couple}/held", OurCouple, SESSION_HELD, [Missing, Missing, Missing, Missing, Missing, SignIn]).t([To("/practice/{couple}#sessions-held"), Missing, Missing]),
    get("/practice/{couple}/brief", OurCouple, [Missing, Missing, Missing, Missing, Missing, SignIn]).t([Shows, Missing, Missing]),
    // Everyone signed in exports what they themselves can see (the zip is
    // not a page); `export.rs` opens it and searches it.
    get("/account/export", HurtActs, [Page, Page, Page, Page, Page, SignIn]),
    post("/account/export", HurtActs, EXPORT, [Plain, Plain, Plain, Plain, Plain, SignIn]),
    // Anyone signed in may delete their own account, and only their own;
    // a shared space ends with it (`account_deletion.rs` tells the rest).
    get("/account/delete", HurtActs, [Page, Page, Page, Page, Page, SignIn]),
    post("/account/delete", HurtActs, DELETE_ACCOUNT, [To("/account/deleted"), To("/account/deleted"), To("/account/deleted"), To("/account/deleted"), To("/account/deleted"), SignIn]),
    get("/account/deleted", HurtActs, [Page, Page, Page, Page, Page, Page]),
];

// ---- the world -------------------------------------------------------------

/// An entry of our couple's, as the table fills it into addresses.
struct Entry {
    about: About,
    /// What fills the address: an entry number, a session id, a token, a
    /// file name.
    id: String,
    by: Side,
    /// Kept by its author: no one else may ever see it.
    kept: bool,
    /// Words only this entry puts on a page. Any of them showing counts as
    /// the entry shown.
    marks: &'static [&'static str],
}

/// Where a new entry's number is found.
#[derive(Clone, Copy)]
enum Number {
    /// At the end of the address the form led to.
    InRedirect,
    /// The head of the couple's record, for a form that leads elsewhere.
    RecordHead,
    /// On its author's list of check-ins, the one place a kept one shows.
    OnOwnList,
}

struct World {
    app: TestApp,
    ours: Couple,
    theirs: Couple,
    therapist: Person,
    /// Our couple's therapist; on `pending`, proposed and not let in yet.
    our_therapist: Person,
    /// The therapist whose access our couple ended.
    ended_therapist: Person,
    /// The world as it was when our therapist was proposed, before the
    /// other partner consented.
    pending: Option<Snapshot>,
    stranger: Person,
    entries: Vec<Entry>,
}

/// What our couple both consented their therapist may see: besides the
/// parked questions, the check-ins marked for the therapist and requests.
const OUR_SCOPES: Fields = &[("scopes", "check_ins"), ("scopes", "requests")];

/// The entries our active therapist may read.
fn seen_by_our_therapist(about: About) -> bool {
    matches!(
        about,
        ParkedQuestion
            | TherapistCheckIn
            | Request
            | RequestWithAlternative
            | AgreedRequest
            | PausedRequest
            | OurCouple
    )
}

impl World {
    fn entry(&self, about: About) -> Option<&Entry> {
        self.entries.iter().find(|entry| entry.about == about)
    }

    fn author_side(&self, about: About) -> Side {
        match about {
            HurtActs => Side::Hurt,
            InvolvedActs => Side::Involved,
            _ => {
                self.entry(about)
                    .unwrap_or_else(|| panic!("the world has no {about:?}"))
                    .by
            }
        }
    }

    fn member(couple: &Couple, side: Side) -> &Person {
        match side {
            Side::Hurt => &couple.hurt,
            Side::Involved => &couple.involved,
        }
    }

    /// The visitor's browser, for a row about `about`; `None` for someone
    /// who is not signed in.
    fn visitor(&self, visitor: Visitor, about: About) -> Option<&Person> {
        let side = self.author_side(about);
        match visitor {
            Visitor::Author => Some(Self::member(&self.ours, side)),
            Visitor::Partner => Some(Self::member(&self.ours, side.other())),
            Visitor::UninvitedTherapist => Some(&self.therapist),
            Visitor::ActiveTherapist | Visitor::ProposedTherapist => Some(&self.our_therapist),
            Visitor::EndedTherapist => Some(&self.ended_therapist),
            Visitor::OtherCouple => Some(Self::member(&self.theirs, side)),
            Visitor::Stranger => Some(&self.stranger),
            Visitor::Anonymous => None,
        }
    }

    /// `path` with its parameter filled from the entry `about` names.
    fn address(&self, path: &str, about: About) -> String {
        let Some(start) = path.find('{') else {
            return path.to_owned();
        };
        let end = path[start..].find('}').expect("a closed parameter") + start;
        let entry = self
            .entry(about)
            .unwrap_or_else(|| panic!("{path} needs an entry, and {about:?} is none"));
        format!("{}{}{}", &path[..start], entry.id, &path[end + 1..])
    }

    /// The marker words `visitor` must never meet: everything of our
    /// couple's for someone outside it (for our active therapist, all but
    /// what both partners consented to), the other partner's kept entries
    /// for a partner.
    fn forbidden_for(&self, visitor: Visitor, about: About) -> Vec<&'static str> {
        let side = self.author_side(about);
        let own_side = match visitor {
            Visitor::Author => Some(side),
            Visitor::Partner => Some(side.other()),
            _ => None,
        };
        self.entries
            .iter()
            .filter(|entry| match own_side {
                None if visitor == Visitor::ActiveTherapist => {
                    !seen_by_our_therapist(entry.about) || entry.kept
                }
                None => true,
                Some(own) => entry.kept && entry.by != own,
            })
            .flat_map(|entry| entry.marks.iter().copied())
            .collect()
    }

    /// How far our couple's record and each partner's own stream have come.
    async fn our_heads(&self, app: &TestApp) -> (Heads, Heads) {
        (
            app.heads_of(&self.ours.hurt).await,
            app.heads_of(&self.ours.involved).await,
        )
    }
}

/// The marks of a pulse's trust index: on its own page and in lists.
const SHARED_PULSE: &[&str] = &[
    "<span class=\"trust-number\">83</span>",
    "trust index <strong>83</strong>",
];
/// A kept pulse also carries its signs, counted on its author's Progress.
const KEPT_PULSE: &[&str] = &[
    "<span class=\"trust-number\">17</span>",
    "trust index <strong>17</strong>",
    "I replayed what happened over and over: 1 time",
];

/// One entry our couple writes for the world: by whom, with which form,
/// where its number is found, its marks, and the steps taken on it next
/// (`{id}` in a step's address is the entry's number).
struct Plan {
    about: About,
    by: Side,
    path: &'static str,
    fields: Vec<(String, String)>,
    number: Number,
    marks: &'static [&'static str],
    then: &'static [Step],
}

/// A step taken on a planned entry: by whom, at which address, with which
/// fields.
type Step = (Side, &'static str, Fields);

/// The involved partner accepts the request just made.
const ACCEPT: Step = (Side::Involved, "/requests/{id}/accept", NONE);

/// `fields` with the one named `name` set to `value`.
fn with(fields: &[(&str, &str)], name: &str, value: &str) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|&(field, old)| (field, if field == name { value } else { old }))
        .map(|(field, value)| (field.to_owned(), value.to_owned()))
        .collect()
}

/// Every entry of our couple's, in the order written.
#[rustfmt::skip]
fn plans() -> Vec<Plan> {
    use Side::{Hurt, Involved};
    use Number::{InRedirect, OnOwnList, RecordHead};
    let plan = |about, by, path, fields, number, marks| Plan {
        about,
        by,
        path,
        fields,
        number,
        marks,
        then: &[],
    };
    let text = |words| with(&[("text", ""), ("refers_to", "")], "text", words);
    let request = |words| with(REQUEST, "what", words);
    let talk = |kind, words| with(&[("kind", kind), ("soon", "soon"), ("topic", "")], "topic", words);
    vec![
        plan(SharedCheckIn, Hurt, "/checkin", check_in_fields(&[("hopeful", "2")], "mk-shared-check-in", "partner"), RecordHead, &["mk-shared-check-in"]),
        plan(KeptCheckIn, Hurt, "/checkin", check_in_fields(&[("hopeful", "2")], "mk-kept-check-in", "only_me"), OnOwnList, &["mk-kept-check-in"]),
        plan(TherapistCheckIn, Hurt, "/checkin", check_in_fields(&[("hopeful", "2")], "mk-therapist-check-in", "partner_and_therapist"), RecordHead, &["mk-therapist-check-in"]),
        plan(SharedPulse, Hurt, "/pulse", pulse_fields(6, "partner", &[]), InRedirect, SHARED_PULSE),
        plan(KeptPulse, Involved, "/pulse", pulse_fields(2, "only_me", &["replaying"]), InRedirect, KEPT_PULSE),
        plan(Disclosure, Involved, "/truth/disclosures", text("mk-disclosure"), InRedirect, &["mk-disclosure"]),
        plan(Question, Hurt, "/truth/questions", text("mk-question"), InRedirect, &["mk-question"]),
        Plan {
            then: &[(Hurt, "/truth/{id}/park", NONE)],
            ..plan(ParkedQuestion, Hurt, "/truth/questions", text("mk-parked"), InRedirect, &["mk-parked"])
        },
        plan(ApologyVersion, Involved, "/apology", with(APOLOGY, "what_i_did", "mk-apology: I lied to you for months."), RecordHead, &["mk-apology"]),
        plan(Request, Hurt, "/requests", request("mk-req-open: text me when you leave the gym"), InRedirect, &["mk-req-open"]),
        Plan {
            then: &[(Involved, "/requests/{id}/alternative", ALTERNATIVE)],
            ..plan(RequestWithAlternative, Hurt, "/requests", request("mk-req-alternative: text me at noon"), InRedirect, &["mk-req-alternative"])
        },
        Plan {
            then: &[ACCEPT],
            ..plan(AgreedRequest, Hurt, "/requests", with(EACH_TIME_REQUEST, "what", "mk-req-agreed: text me when you leave work"), InRedirect, &["mk-req-agreed"])
        },
        Plan {
            then: &[ACCEPT, (Hurt, "/requests/{id}/pause", REASON)],
            ..plan(PausedRequest, Hurt, "/requests", request("mk-req-paused: text me when you land"), InRedirect, &["mk-req-paused"])
        },
        plan(Fulfilment, Involved, "/requests/{agreed}/fulfilments", with(FULFILMENT, "note", "mk-fulfilment"), RecordHead, &["mk-fulfilment"]),
        plan(Commitment, Involved, "/commitments", with(&[("betrayal", ""), ("kind", "therapy"), ("details", "")], "details", "mk-commitment: therapy every Tuesday"), InRedirect, &["mk-commitment"]),
        plan(Contact, Involved, "/contact", with(CONTACT, "what_was_said", "mk-contact: she asked to meet"), InRedirect, &["mk-contact"]),
        plan(TogetherPlan, Hurt, "/together", vec![("what".to_owned(), "mk-plan: a walk by the river".to_owned()), ("at".to_owned(), in_a_month()), ("at_which".to_owned(), String::new())], InRedirect, &["mk-plan"]),
        plan(Ritual, Hurt, "/together/rituals", with(&[("ritual", "")], "ritual", "mk-ritual: a walk on Sundays"), RecordHead, &["mk-ritual"]),
        plan(MeetingTime, Hurt, "/meeting/time", with(MEETING_TIME, "day", "saturday"), RecordHead, &[]),
        Plan {
            then: &[(Involved, "/meeting/items", APPRECIATION_BACK)],
            ..plan(MeetingItem, Hurt, "/meeting/items", with(APPRECIATION_BACK, "text", "mk-meeting-item: the tea you made"), RecordHead, &["mk-meeting-item"])
        },
        Plan {
            then: &[(Hurt, "/reflections/{id}/revise", &[("part_1", "mk-kept-reflection: the garden we plant"), ("part_2", ""), ("part_3", "")])],
            ..plan(Reflection, Hurt, "/reflections", with(REFLECTION, "part_1", "mk-kept-reflection: a garden"), InRedirect, &["mk-kept-reflection"])
        },
        plan(TriggerNote, Hurt, "/reflections/triggers", with(TRIGGER_NOTE, "when", "mk-trigger-note: the car park"), RecordHead, &["mk-trigger-note"]),
        plan(ReadinessProposal, Hurt, "/readiness/steps", with(&[("name", "")], "name", "mk-step: cooking on Sundays"), RecordHead, &["mk-step"]),
        plan(TalkRequest, Hurt, "/talk", talk("details", "mk-talk-open: the lake house"), InRedirect, &["mk-talk-open"]),
        Plan {
            then: &[(Involved, "/talk/{id}/answer", TALK_TIMES)],
            ..plan(TalkWithTimes, Hurt, "/talk", talk("practical", "mk-talk-times: the school run"), InRedirect, &["mk-talk-times"])
        },
        Plan {
            then: &[(Involved, "/talk/{id}/answer", TALK_SPACE)],
            ..plan(TalkWithSpace, Hurt, "/talk", talk("trigger", "mk-talk-space: the song"), InRedirect, &["mk-talk-space"])
        },
        // Last, so nothing written before meets it: the hurt partner's
        // quiet period.
        Plan {
            then: &[(Involved, "/talk/{id}/answer", TALK_NOW), (Hurt, "/talk/quiet", QUIET)],
            ..plan(AgreedTalk, Hurt, "/talk", talk("our_future", "mk-talk-agreed: next summer"), InRedirect, &["mk-talk-agreed"])
        },
        // During the quiet period, the hurt partner may still ask; the
        // word they keep on how it went is theirs alone.
        Plan {
            then: &[(Involved, "/talk/{id}/answer", TALK_NOW), (Hurt, "/talk/{id}/happened", HAPPENED_KEPT)],
            ..plan(KeptTalkWord, Hurt, "/talk", talk("something_else", "shared topic of a talk"), InRedirect, &["mk-kept-talk-word"])
        },
    ]
}

impl World {
    async fn new() -> World {
        let app = TestApp::spawn().await;
        let theirs = app.couple().await;
        their_own_entries(&theirs).await;
        let ours = app.couple().await;
        // Accounts with no space of their own: a therapist nobody invited,
        // ours, and the one whose access our couple ended.
        let therapist = app.stranger().await;
        let our_therapist = app.stranger().await;
        let ended_therapist = app.stranger().await;
        let stranger = app.stranger().await;
        // Our entries' numbers name nothing in the other couple's record.
        let theirs_head = app.heads_of(&theirs.hurt).await.couple;
        while app.heads_of(&ours.hurt).await.couple < theirs_head {
            let padding = check_in(&ours.hurt, &[("hopeful", "2")], "", "partner").await;
            assert_eq!(padding.status, 303, "{}", excerpt(&padding.body));
        }
        // Nor do our partners' kept entries share numbers: the involved
        // partner's private stream starts with opening Today, so the number
        // of the hurt partner's first kept entry names nothing the involved
        // partner may delete.
        let opened = ours.involved.get("/").await;
        assert_eq!(opened.status, 200, "{}", excerpt(&opened.body));
        let mut world = World {
            app,
            ours,
            theirs,
            therapist,
            our_therapist,
            ended_therapist,
            pending: None,
            stranger,
            entries: Vec::new(),
        };
        for plan in plans() {
            world.write(&plan).await;
        }
        world.note_the_rest().await;
        world.engage_therapists().await;
        world
    }

    /// A therapist invited, accepted and ended; then ours, proposed (the
    /// pending copy of the world is taken here), consented to and accepted.
    async fn engage_therapists(&mut self) {
        let (hurt, involved) = (&self.ours.hurt, &self.ours.involved);
        let ended = self.invite(&self.ended_therapist, "Dr Earlier").await;
        let page = hurt
            .post(&format!("/therapist/{}/end", ended.0), NONE)
            .await;
        assert_eq!(page.status, 303, "{}", excerpt(&page.body));
        let proposed = hurt
            .post(
                "/therapist",
                &[
                    ("name", "Dr Okafor"),
                    ("scopes", "check_ins"),
                    ("scopes", "requests"),
                    ("scopes", "truth_log"),
                ],
            )
            .await;
        assert_eq!(proposed.status, 303, "{}", excerpt(&proposed.body));
        let proposal = self.app.heads_of(hurt).await.couple.to_string();
        let made = hurt
            .post(&format!("/therapist/{proposal}/link"), NONE)
            .await;
        let token = id_after(&made.body, "/practice/join/");
        self.pending = Some(self.app.snapshot().await);
        let consented = involved
            .post(&format!("/therapist/{proposal}/consent"), OUR_SCOPES)
            .await;
        assert_eq!(consented.status, 303, "{}", excerpt(&consented.body));
        let accepted = self
            .our_therapist
            .post(
                &format!("/practice/join/{token}"),
                &[("name", "Our couple")],
            )
            .await;
        assert_eq!(accepted.status, 303, "{}", excerpt(&accepted.body));
        let (_, couple) = self.app.ids_of(hurt).await;
        let couple = couple.expect("our couple's space").to_string();
        for (about, id, marks) in [
            (TherapistProposal, proposal, &[][..]),
            (TherapistLink, token, &[][..]),
            (OurCouple, couple, &["mk-parked"][..]),
        ] {
            self.entries.push(Entry {
                about,
                id,
                by: Side::Hurt,
                kept: false,
                marks,
            });
        }
    }

    /// `therapist` proposed by our hurt partner, consented to by the
    /// involved one and accepted: the proposal's number and the link.
    async fn invite(&self, therapist: &Person, name: &str) -> (String, String) {
        let (hurt, involved) = (&self.ours.hurt, &self.ours.involved);
        let proposed = hurt
            .post("/therapist", &[("name", name), ("scopes", "check_ins")])
            .await;
        assert_eq!(proposed.status, 303, "{}", excerpt(&proposed.body));
        let proposal = self.app.heads_of(hurt).await.couple.to_string();
        let consented = involved
            .post(&format!("/therapist/{proposal}/consent"), OUR_SCOPES)
            .await;
        assert_eq!(consented.status, 303, "{}", excerpt(&consented.body));
        let made = hurt
            .post(&format!("/therapist/{proposal}/link"), NONE)
            .await;
        let token = id_after(&made.body, "/practice/join/");
        let accepted = therapist
            .post(
                &format!("/practice/join/{token}"),
                &[("name", "Earlier couple")],
            )
            .await;
        assert_eq!(accepted.status, 303, "{}", excerpt(&accepted.body));
        (proposal, token)
    }

    /// Writes a planned entry, notes it with its number, and takes the
    /// steps planned on it.
    async fn write(&mut self, plan: &Plan) {
        let person = Self::member(&self.ours, plan.by);
        // A fulfilment is logged on the agreed request, written before it.
        let path = if plan.path.contains("{agreed}") {
            plan.path
                .replace("{agreed}", &self.address("{id}", AgreedRequest))
        } else {
            plan.path.to_owned()
        };
        let page = person.post(&path, &field_refs(&plan.fields)).await;
        assert_eq!(
            page.status,
            303,
            "{:?}: {}",
            plan.about,
            excerpt(&page.body)
        );
        let id = match plan.number {
            Number::InRedirect => created_id(&page),
            Number::RecordHead => self.app.heads_of(person).await.couple,
            Number::OnOwnList => {
                let own = person.get("/checkin").await;
                id_before(&own.body, plan.marks[0], "id=\"kept-")
            }
        }
        .to_string();
        self.entries.push(Entry {
            about: plan.about,
            id: id.clone(),
            by: plan.by,
            kept: matches!(
                plan.about,
                KeptCheckIn | KeptPulse | KeptTalkWord | Reflection
            ),
            marks: plan.marks,
        });
        for &(by, step, fields) in plan.then {
            let path = step.replace("{id}", &id);
            let page = Self::member(&self.ours, by).post(&path, fields).await;
            assert_eq!(page.status, 303, "{path}: {}", excerpt(&page.body));
        }
    }

    /// What fills the addresses that are not about entries: the hurt
    /// partner's session in a second browser, the invitation our involved
    /// partner joined by, the style sheet's name.
    async fn note_the_rest(&mut self) {
        let second = self.app.anonymous_as(&self.ours.hurt.email);
        second.login().await;
        let account = second.get("/account").await.body;
        let this_one = account.find("this one").expect("the current session");
        let session = id_after(&account[this_one..], "/account/sessions/");
        let token = self.ours.invitation.trim_start_matches("/invite/");
        let home = self.ours.hurt.get("/").await.body;
        let sheet = id_after(&home, "/static/");
        for (about, id) in [
            (OtherSession, session),
            (Invitation, token.to_owned()),
            (
                UnsubscribeLink,
                "n0tAnUnsubscribeTokenAnyEmailEverCarried0000"
                    .chars()
                    .take(43)
                    .collect(),
            ),
            (Stylesheet, sheet),
        ] {
            self.entries.push(Entry {
                about,
                id,
                by: Side::Hurt,
                kept: false,
                marks: &[],
            });
        }
    }
}

/// A time a month from now, as a person types it into a form.
fn in_a_month() -> String {
    let at = time::OffsetDateTime::now_utc() + time::Duration::days(30);
    format!(
        "{:04}-{:02}-{:02}T18:00",
        at.year(),
        u8::from(at.month()),
        at.day()
    )
}

/// The other couple's own record: a question, a disclosure, a request and
/// a check-in of theirs.
async fn their_own_entries(theirs: &Couple) {
    let question = [("text", "Their question")];
    let disclosure = [("text", "Their disclosure"), ("refers_to", "")];
    for (person, path, fields) in [
        (&theirs.hurt, "/truth/questions", &question[..]),
        (&theirs.involved, "/truth/disclosures", &disclosure[..]),
        (&theirs.hurt, "/requests", REQUEST),
    ] {
        let page = person.post(path, fields).await;
        assert_eq!(page.status, 303, "{path}: {}", excerpt(&page.body));
    }
    let shared = check_in(
        &theirs.involved,
        &[("hopeful", "2")],
        "Their check-in",
        "partner",
    )
    .await;
    assert_eq!(shared.status, 303, "{}", excerpt(&shared.body));
}

/// A page's heading and the first message it shows, for a failure.
fn gist(body: &str) -> String {
    let between = |open: &str, close: &str| {
        let start = body.find(open)? + open.len();
        let end = body[start..].find(close)? + start;
        Some(body[start..end].trim().to_owned())
    };
    let heading = between("<h1>", "</h1>").unwrap_or_default();
    let message = between("role=\"alert\">", "</")
        .or_else(|| between("class=\"field-error\"", "</p>"))
        .unwrap_or_default();
    format!("«{heading}» {message}")
}

/// The plain token that follows `prefix` in `text`: an id, a token or a
/// file name.
fn id_after(text: &str, prefix: &str) -> String {
    let start = text.find(prefix).unwrap_or_else(|| panic!("no {prefix}")) + prefix.len();
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect()
}

// ---- the checks ------------------------------------------------------------

impl Outcome {
    /// Whether the visitor was turned away, so nothing may be written.
    fn refuses(self) -> bool {
        matches!(self, SignIn | Missing | NotTheirs | Refused | Taken | Gone)
    }
}

impl World {
    /// Every cell of one row on a fresh copy of the world: a form's cells
    /// each on their own, as a form may change what the next one meets; a
    /// page's cells on one, as a page changes nothing but the visitor's own
    /// session (quick exit). The differences from the table, in words.
    /// Our proposed therapist's cell runs on a copy of the world from
    /// before the other partner consented.
    async fn check_row(&self, row: &Row, snapshot: &Snapshot) -> Vec<String> {
        let mut differences = Vec::new();
        let mut copy = snapshot.spawn().await;
        let pending = self.pending.as_ref().expect("the pending world");
        for (n, (visitor, expected)) in row.outcomes().into_iter().enumerate() {
            let result = if visitor == Visitor::ProposedTherapist {
                let earlier = pending.spawn().await;
                self.check_cell(&earlier, row, visitor, expected).await
            } else {
                if n > 0 && row.method != "GET" {
                    copy = snapshot.spawn().await;
                }
                self.check_cell(&copy, row, visitor, expected).await
            };
            if let Err(difference) = result {
                let path = self.address(row.path, row.about);
                differences.push(format!(
                    "{} {path} for {visitor:?}: {difference}",
                    row.method
                ));
            }
        }
        differences
    }

    async fn check_cell(
        &self,
        copy: &TestApp,
        row: &Row,
        visitor: Visitor,
        expected: Outcome,
    ) -> Result<(), String> {
        let browser = match self.visitor(visitor, row.about) {
            Some(person) => person.visiting(copy),
            None => copy.anonymous_as("newcomer@example.org"),
        };
        let path = self.address(row.path, row.about);
        let before = self.our_heads(copy).await;
        let page = if row.method == "GET" {
            browser.get(&path).await
        } else {
            let soon = in_a_month();
            let fields: Vec<(&str, &str)> = row
                .fields
                .iter()
                .map(|&(name, value)| match value {
                    "{email}" => (name, browser.email.as_str()),
                    "{soon}" => (name, soon.as_str()),
                    _ => (name, value),
                })
                .collect();
            browser.post(&path, &fields).await
        };
        self.meets(&page, expected, row)?;
        self.hides(&browser, &page, visitor, row).await?;
        // Our active therapist writes agenda items and session marks.
        let outsider = !matches!(
            visitor,
            Visitor::Author | Visitor::Partner | Visitor::ActiveTherapist
        );
        if (outsider || expected.refuses()) && self.our_heads(copy).await != before {
            return Err("our couple's record changed".to_owned());
        }
        Ok(())
    }

    fn meets(&self, page: &Page, expected: Outcome, row: &Row) -> Result<(), String> {
        let redirect = |target: &str| page.status == 303 && self.leads_to(page, target, row);
        let met = match expected {
            Page => page.status == 200 && has_layout(page),
            Shows => {
                let marks = self.entry(row.about).map_or(&[][..], |entry| entry.marks);
                page.status == 200 && marks.iter().any(|mark| page.body.contains(mark))
            }
            Plain => page.status == 200 && !has_layout(page),
            To(target) => redirect(target),
            SignIn => redirect("/login"),
            Missing => page.status == 404 && page.body.contains("Nothing here"),
            NotTheirs => page.status == 403 && page.body.contains("Not this step"),
            Refused => page.status == 422,
            Taken => page.status == 409,
            Gone => page.status == 410,
        };
        if met {
            return Ok(());
        }
        Err(format!(
            "expected {expected:?}, got {} {} {}",
            page.status,
            page.location.as_deref().unwrap_or(""),
            gist(&page.body)
        ))
    }

    /// Whether the page's redirect goes to `target`, its `{id}` filled
    /// from the row and `*` standing for any number.
    fn leads_to(&self, page: &Page, target: &str, row: &Row) -> bool {
        let target = if target.contains("{id}") {
            self.address(target, row.about)
        } else if target.contains("{couple}") {
            self.address(target, OurCouple)
        } else {
            target.to_owned()
        };
        let Some(location) = page.location.as_deref() else {
            return false;
        };
        match target.split_once('*') {
            None => location == target,
            Some((before, after)) => location.strip_prefix(before).is_some_and(|rest| {
                rest.strip_suffix(after).is_some_and(|number| {
                    !number.is_empty() && number.chars().all(|c| c.is_ascii_digit())
                })
            }),
        }
    }

    /// Nothing the visitor may not see is on the page; for a page that
    /// takes an entry number, nor when the numbers of kept entries are
    /// tried in its address.
    async fn hides(
        &self,
        browser: &Person,
        page: &Page,
        visitor: Visitor,
        row: &Row,
    ) -> Result<(), String> {
        let forbidden = self.forbidden_for(visitor, row.about);
        let mut pages = vec![(row.path.to_owned(), page.body.clone())];
        if row.method == "GET" && row.path.contains("{id}") {
            for kept in self.entries.iter().filter(|entry| entry.kept) {
                let path = row.path.replace("{id}", &kept.id);
                pages.push((path.clone(), browser.get(&path).await.body));
            }
        }
        for (path, body) in pages {
            if let Some(mark) = forbidden.iter().find(|mark| body.contains(**mark)) {
                return Err(format!("{path} shows {mark:?}, not theirs to see"));
            }
        }
        Ok(())
    }
}

// ---- the tests -------------------------------------------------------------

#[test]
fn the_table_has_a_row_for_every_listed_route_and_no_other() {
    let listed: BTreeSet<(String, &str)> = kintsugi_web::routes()
        .iter()
        .map(|route| (route.method.to_string(), route.path))
        .collect();
    let mut rows = BTreeSet::new();
    for row in TABLE {
        assert!(
            rows.insert((row.method.to_owned(), row.path)),
            "two rows for {} {}",
            row.method,
            row.path
        );
    }
    let without_row: Vec<_> = listed.difference(&rows).collect();
    let not_listed: Vec<_> = rows.difference(&listed).collect();
    assert!(
        without_row.is_empty() && not_listed.is_empty(),
        "listed routes with no row in the authorization table: {without_row:?}; \
         rows for routes the app does not list: {not_listed:?}"
    );
}

#[tokio::test]
async fn every_route_answers_each_visitor_as_its_row_says() {
    let world = World::new().await;
    let snapshot = world.app.snapshot().await;
    let mut differences = Vec::new();
    for row in TABLE {
        differences.extend(world.check_row(row, &snapshot).await);
    }
    assert!(
        differences.is_empty(),
        "{} cells differ from the table:\n{}",
        differences.len(),
        differences.join("\n")
    );
}
