//! The JSON of every stored event, byte for byte.
//!
//! Events are on disk (encrypted, but decoded by these very types), so a
//! renamed variant, field or tag would make an existing record unreadable.
//! Each literal below was captured from the code before the core was split
//! into rooms; a test fails if any of them would now be read or written
//! differently. The `every_variant_is_covered` tests make sure a new variant
//! cannot be added without a literal here.

use kintsugi_core::apology::ApologyEvent;
use kintsugi_core::checkin::{CheckInEvent, PrivateCheckInEvent};
use kintsugi_core::commitments::CommitmentEvent;
use kintsugi_core::contact::ContactEvent;
use kintsugi_core::meeting::{AgendaItem, MeetingEvent};
use kintsugi_core::pulse::{PrivatePulseEvent, PulseEvent};
use kintsugi_core::readiness::{ReadinessEvent, ReadinessMarkEvent};
use kintsugi_core::reflections::{PrivateReflectionEvent, ReflectionEvent};
use kintsugi_core::requests::RequestEvent;
use kintsugi_core::sessions::SessionEvent;
use kintsugi_core::signs::SignsEvent;
use kintsugi_core::space::SpaceEvent;
use kintsugi_core::streams::couple::{CoupleEvent, CoupleState};
use kintsugi_core::streams::private::{PrivateEvent, PrivateState};
use kintsugi_core::talk::{PrivateTalkEvent, TalkEvent};
use kintsugi_core::therapist::practice::PracticeEvent;
use kintsugi_core::therapist::TherapistEvent;
use kintsugi_core::together::{PrivateTogetherEvent, TogetherEvent};
use kintsugi_core::truth::TruthEvent;
use kintsugi_core::visits::VisitEvent;
use kintsugi_core::withdrawal::WithdrawalEvent;
use kintsugi_core::Projection;
use std::collections::BTreeSet;

const ANSWERS: &str = r#"{"dependable_follow_through":5,"dependable_hesitate":3,"faith_doubt":2,"faith_future":6,"honesty_believe":4,"honesty_hidden":4,"predictable_know":7,"predictable_surprise":1,"safety_guarded":3,"safety_open":5}"#;

fn couple_literals() -> Vec<String> {
    let fixed = [
        r#"{"room":"space","event":{"type":"created"}}"#,
        r#"{"room":"space","event":{"type":"betrayal_recorded","kind":"emotional_affair","hurt":"creator","discovered_on":[2026,60],"note":"found the messages"}}"#,
        r#"{"room":"space","event":{"type":"betrayal_recorded","kind":"other","hurt":"invitee","discovered_on":null,"note":null}}"#,
        r#"{"room":"space","event":{"type":"partner_joined"}}"#,
        r#"{"room":"space","event":{"type":"ended","reason":"partner_ended"}}"#,
        r#"{"room":"space","event":{"type":"ended","reason":"account_deleted"}}"#,
        r#"{"room":"check_in","event":{"type":"shared","check_in":{"feelings":[{"feeling":"betrayed","intensity":4},{"feeling":"sad","intensity":2}],"note":"a long day"},"with":"partner_and_therapist"}}"#,
        r#"{"room":"check_in","event":{"type":"acknowledged","check_in":7,"acknowledgement":{"preset":"im_here"}}}"#,
        r#"{"room":"check_in","event":{"type":"acknowledged","check_in":7,"acknowledgement":{"own_words":"I hear you"}}}"#,
        r#"{"room":"pulse","event":{"type":"cadence_chosen","cadence":"fortnightly"}}"#,
        r#"{"room":"truth","event":{"type":"disclosed","betrayal":2,"text":"I met them twice more","refers_to":"2026-02-14"}}"#,
        r#"{"room":"truth","event":{"type":"disclosed","betrayal":2,"text":"I deleted messages","refers_to":null}}"#,
        r#"{"room":"truth","event":{"type":"asked","betrayal":2,"text":"When did it start?"}}"#,
        r#"{"room":"truth","event":{"type":"answered","question":5,"text":"In March"}}"#,
        r#"{"room":"truth","event":{"type":"acknowledged","entry":6,"response":"thank you"}}"#,
        r#"{"room":"truth","event":{"type":"parked","question":5}}"#,
        r#"{"room":"truth","event":{"type":"unparked","question":5}}"#,
        r#"{"room":"truth","event":{"type":"corrected","corrects":6,"text":"In February"}}"#,
        r#"{"room":"apology","event":{"type":"sent","betrayal":2,"parts":{"what_i_did":"a","impact":"b","responsibility":"c","remorse":"d","changes":"e","repair":"f","factors":"g"}}}"#,
        r#"{"room":"apology","event":{"type":"answered","version":9,"answer":{"kind":"received"}}}"#,
        r#"{"room":"apology","event":{"type":"answered","version":9,"answer":{"kind":"not_yet"}}}"#,
        r#"{"room":"apology","event":{"type":"answered","version":9,"answer":{"kind":"need_more","what":"the why"}}}"#,
        r#"{"room":"request","event":{"type":"made","betrayal":2,"what":"text me when you leave","frequency":{"every":"each_time","trigger":"leaving work"}}}"#,
        r#"{"room":"request","event":{"type":"made","betrayal":2,"what":"a walk","frequency":{"every":"daily"}}}"#,
        r#"{"room":"request","event":{"type":"made","betrayal":2,"what":"dinner","frequency":{"every":"weekly","times":1,"on":"friday"}}}"#,
        r#"{"room":"request","event":{"type":"made","betrayal":2,"what":"dinner","frequency":{"every":"weekly","times":3,"on":null}}}"#,
        r#"{"room":"request","event":{"type":"accepted","request":11}}"#,
        r#"{"room":"request","event":{"type":"alternative_proposed","request":11,"what":"call me","frequency":{"every":"by_date","date":"2026-04-01"}}}"#,
        r#"{"room":"request","event":{"type":"alternative_accepted","request":11}}"#,
        r#"{"room":"request","event":{"type":"alternative_declined","request":11,"note":"not quite"}}"#,
        r#"{"room":"request","event":{"type":"paused","request":11,"reason":"travel"}}"#,
        r#"{"room":"request","event":{"type":"resumed","request":11}}"#,
        r#"{"room":"request","event":{"type":"retired","request":11,"reason":"no longer needed"}}"#,
        r#"{"room":"request","event":{"type":"fulfilment_logged","request":11,"happened_on":"2026-03-03","note":null}}"#,
        r#"{"room":"request","event":{"type":"fulfilment_confirmed","request":11,"fulfilment":12}}"#,
        r#"{"room":"commitment","event":{"type":"made","betrayal":2,"kind":"no_contact","details":"blocked everywhere"}}"#,
        r#"{"room":"commitment","event":{"type":"status_updated","commitment":13,"status":"at_risk","note":null}}"#,
        r#"{"room":"commitment","event":{"type":"acknowledged","commitment":13,"entry":14}}"#,
        r#"{"room":"contact","event":{"type":"reported","betrayal":2,"happened_at":"2026-03-02T08:30:00Z","channel":"social_media","what_was_said":"hello","how_i_responded":"did not answer"}}"#,
        r#"{"room":"contact","event":{"type":"acknowledged","report":15,"response":null}}"#,
        r#"{"room":"readiness","event":{"type":"proposed","name":"Cooking together on Sundays"}}"#,
        r#"{"room":"readiness","event":{"type":"accepted","proposal":16}}"#,
        r#"{"room":"readiness","event":{"type":"declined","proposal":16}}"#,
        r#"{"room":"readiness","event":{"type":"withdrawn","proposal":16}}"#,
        r#"{"room":"talk","event":{"type":"asked","kind":"our_future","soon":"soon","topic":"the lake house"}}"#,
        r#"{"room":"talk","event":{"type":"answered","request":16,"answer":{"kind":"now"}}}"#,
        r#"{"room":"talk","event":{"type":"answered","request":16,"answer":{"kind":"at_a_time","times":["2026-03-04T18:00:00Z","2026-03-05T19:30:00-05:00"]}}}"#,
        r#"{"room":"talk","event":{"type":"answered","request":16,"answer":{"kind":"at_quiet_talk"}}}"#,
        r#"{"room":"talk","event":{"type":"answered","request":16,"answer":{"kind":"space","days":3,"words":"a few days, please"}}}"#,
        r#"{"room":"talk","event":{"type":"answered","request":16,"answer":{"kind":"space","days":14,"words":null}}}"#,
        r#"{"room":"talk","event":{"type":"time_picked","request":16,"at":"2026-03-04T18:00:00Z"}}"#,
        r#"{"room":"talk","event":{"type":"space_ended","request":16}}"#,
        r#"{"room":"talk","event":{"type":"withdrawn","request":16}}"#,
        r#"{"room":"talk","event":{"type":"happened","request":16,"words":"hard but good"}}"#,
        r#"{"room":"talk","event":{"type":"happened","request":16,"words":null}}"#,
        r#"{"room":"talk","event":{"type":"quiet_declared","days":7}}"#,
        r#"{"room":"talk","event":{"type":"quiet_ended"}}"#,
        r#"{"room":"talk","event":{"type":"quiet_note_left","note":"I will be here"}}"#,
        r#"{"room":"together","event":{"type":"suggested","what":"a walk by the river","at":"2026-03-07T10:00:00Z"}}"#,
        r#"{"room":"together","event":{"type":"accepted","plan":17}}"#,
        r#"{"room":"together","event":{"type":"moved","plan":17,"at":"2026-03-08T10:00:00+01:00"}}"#,
        r#"{"room":"together","event":{"type":"declined","plan":17}}"#,
        r#"{"room":"together","event":{"type":"shared","plan":17,"connection":4,"line":"like before"}}"#,
        r#"{"room":"together","event":{"type":"shared","plan":17,"connection":2,"line":null}}"#,
        r#"{"room":"together","event":{"type":"happened","plan":17}}"#,
        r#"{"room":"together","event":{"type":"ritual_begun","what":"twenty minutes of talk after dinner"}}"#,
        r#"{"room":"together","event":{"type":"ritual_done","ritual":18,"on":[2026,66]}}"#,
        r#"{"room":"together","event":{"type":"ritual_set_aside","ritual":18}}"#,
        r#"{"room":"meeting","event":{"type":"time_proposed","day":"sunday","hour":19,"minute":0,"zone":"Europe/London"}}"#,
        r#"{"room":"meeting","event":{"type":"time_agreed","proposal":19}}"#,
        r#"{"room":"meeting","event":{"type":"item_added","item":{"part":"appreciation","text":"the tea"}}}"#,
        r#"{"room":"meeting","event":{"type":"item_added","item":{"part":"went_well","text":"the walk"}}}"#,
        r#"{"room":"meeting","event":{"type":"item_added","item":{"part":"concern","feel":"uneasy","about":"late evenings","need":"a message"}}}"#,
        r#"{"room":"meeting","event":{"type":"item_added","item":{"part":"plan","text":"dinner out"}}}"#,
        r#"{"room":"meeting","event":{"type":"held_marked","round":1,"covered":[20,21],"agreed":"dinner on Friday"}}"#,
        r#"{"room":"meeting","event":{"type":"held_marked","round":2,"covered":[],"agreed":null}}"#,
        r#"{"room":"therapist","event":{"type":"proposed","name":"Dr Okafor","scopes":["check_ins","requests"]}}"#,
        r#"{"room":"therapist","event":{"type":"consented","proposal":21,"scopes":["parked_questions","pulses","reflections","commitments","apology","truth_log"]}}"#,
        r#"{"room":"therapist","event":{"type":"declined","proposal":21}}"#,
        r#"{"room":"therapist","event":{"type":"accepted","proposal":21}}"#,
        r#"{"room":"therapist","event":{"type":"narrowed","proposal":21,"scopes":[]}}"#,
        r#"{"room":"therapist","event":{"type":"widened","proposal":21,"scopes":["truth_log"]}}"#,
        r#"{"room":"therapist","event":{"type":"ended","proposal":21}}"#,
        r#"{"room":"reflection","event":{"type":"copy_shared","prompt":"forgiving_myself","parts":["that I did not see it","",""]}}"#,
        r#"{"room":"reflection","event":{"type":"trigger_noted","when":"your phone buzzed","felt":"scared","would_help":"a hug"}}"#,
        r#"{"room":"reflection","event":{"type":"trigger_noted","when":"the song","felt":"cold","would_help":null}}"#,
        r#"{"room":"reflection","event":{"type":"reassured","note":22,"words":"I am here"}}"#,
        r#"{"room":"session","event":{"type":"item_added","engagement":21,"text":"the holidays"}}"#,
        r#"{"room":"session","event":{"type":"held","engagement":21,"number":1,"covered":[23],"talked_about":[5]}}"#,
        r#"{"room":"withdrawal","event":{"type":"withdrawn","entry":6,"room":"truth","betrayal":2,"written_at":"2026-03-02T09:00:00Z"}}"#,
        r#"{"room":"withdrawal","event":{"type":"withdrawn","entry":9,"room":"check_in","betrayal":null,"written_at":"2026-03-02T09:00:00Z","for_therapist":true}}"#,
        r#"{"room":"withdrawal","event":{"type":"withdrawn","entry":10,"room":"talk","betrayal":null,"written_at":"2026-03-02T09:00:00Z"}}"#,
        r#"{"room":"withdrawal","event":{"type":"withdrawn","entry":11,"room":"together","betrayal":null,"written_at":"2026-03-02T09:00:00Z"}}"#,
        r#"{"room":"withdrawal","event":{"type":"withdrawn","entry":12,"room":"meeting","betrayal":null,"written_at":"2026-03-02T09:00:00Z"}}"#,
        r#"{"room":"withdrawal","event":{"type":"withdrawn","entry":23,"room":"session","betrayal":21,"written_at":"2026-03-02T09:00:00Z"}}"#,
    ];
    let mut literals: Vec<String> = fixed.iter().map(|s| (*s).to_owned()).collect();
    literals.push(format!(
        r#"{{"room":"pulse","event":{{"type":"shared","answers":{ANSWERS}}}}}"#
    ));
    literals
}

fn private_literals() -> Vec<String> {
    vec![
        r#"{"room":"check_in","event":{"type":"kept","check_in":{"feelings":[{"feeling":"hopeful","intensity":1}],"note":null}}}"#.to_owned(),
        format!(r#"{{"room":"pulse","event":{{"type":"kept","answers":{ANSWERS}}}}}"#),
        r#"{"room":"signs","event":{"type":"noticed","signs":["checking_phone","hiding_feelings"]}}"#.to_owned(),
        r#"{"room":"signs","event":{"type":"noticed","signs":[]}}"#.to_owned(),
        r#"{"room":"visit","event":{"type":"today_opened"}}"#.to_owned(),
        r#"{"room":"talk","event":{"type":"how_it_went","request":16,"words":"kept for me"}}"#.to_owned(),
        format!(
            r#"{{"room":"visit","event":{{"type":"couple_head_seen","couple":"00000000-0000-0000-0000-000000000007","seq":12,"hash":[{}]}}}}"#,
            ["9"; 32].join(",")
        ),
        r#"{"room":"readiness","event":{"type":"marked","step":{"usual":"same_bed"},"mark":"ready"}}"#.to_owned(),
        r#"{"room":"together","event":{"type":"kept","plan":17,"connection":3,"line":null}}"#.to_owned(),
        r#"{"room":"readiness","event":{"type":"marked","step":{"proposed":16},"mark":"not_sure"}}"#.to_owned(),
        r#"{"room":"reflection","event":{"type":"written","prompt":"trigger","parts":["the song","","I went cold","",""]}}"#.to_owned(),
        r#"{"room":"reflection","event":{"type":"revised","reflection":5,"parts":["the song","sad","I went cold","",""]}}"#.to_owned(),
        r#"{"room":"reflection","event":{"type":"copy_shared","reflection":5,"version":2}}"#.to_owned(),
        r#"{"room":"reflection","event":{"type":"withdrawn","reflection":5}}"#.to_owned(),
        r#"{"room":"practice","event":{"type":"couple_named","couple":"00000000-0000-0000-0000-000000000007","name":"The Ashbys"}}"#.to_owned(),
        r#"{"room":"practice","event":{"type":"note_written","couple":"00000000-0000-0000-0000-000000000007","text":"calmer today"}}"#.to_owned(),
        r#"{"room":"withdrawal","event":{"type":"withdrawn","entry":1,"room":"check_in","betrayal":null,"written_at":"2026-03-02T09:00:00Z"}}"#.to_owned(),
    ]
}

/// Reads each literal and writes it again: both directions must match.
fn assert_stable<T>(literals: &[String]) -> Vec<T>
where
    T: serde::Serialize + serde::de::DeserializeOwned,
{
    literals
        .iter()
        .map(|literal| {
            let event: T = serde_json::from_str(literal)
                .unwrap_or_else(|e| panic!("stored event no longer reads: {literal}: {e}"));
            let written = serde_json::to_string(&event).expect("an event serialises");
            assert_eq!(&written, literal, "an event is now written differently");
            event
        })
        .collect()
}

fn couple_variant(event: &CoupleEvent) -> &'static str {
    use CoupleEvent as C;
    match event {
        C::Space(SpaceEvent::Created) => "space.created",
        C::Space(SpaceEvent::BetrayalRecorded { .. }) => "space.betrayal_recorded",
        C::Space(SpaceEvent::PartnerJoined) => "space.partner_joined",
        C::Space(SpaceEvent::Ended { .. }) => "space.ended",
        C::CheckIn(CheckInEvent::Shared { .. }) => "check_in.shared",
        C::CheckIn(CheckInEvent::Acknowledged { .. }) => "check_in.acknowledged",
        C::Pulse(PulseEvent::Shared { .. }) => "pulse.shared",
        C::Pulse(PulseEvent::CadenceChosen { .. }) => "pulse.cadence_chosen",
        C::Truth(TruthEvent::Disclosed { .. }) => "truth.disclosed",
        C::Truth(TruthEvent::Asked { .. }) => "truth.asked",
        C::Truth(TruthEvent::Answered { .. }) => "truth.answered",
        C::Truth(TruthEvent::Acknowledged { .. }) => "truth.acknowledged",
        C::Truth(TruthEvent::Parked { .. }) => "truth.parked",
        C::Truth(TruthEvent::Unparked { .. }) => "truth.unparked",
        C::Truth(TruthEvent::Corrected { .. }) => "truth.corrected",
        C::Apology(ApologyEvent::Sent { .. }) => "apology.sent",
        C::Apology(ApologyEvent::Answered { .. }) => "apology.answered",
        C::Request(RequestEvent::Made { .. }) => "request.made",
        C::Request(RequestEvent::Accepted { .. }) => "request.accepted",
        C::Request(RequestEvent::AlternativeProposed { .. }) => "request.alternative_proposed",
        C::Request(RequestEvent::AlternativeAccepted { .. }) => "request.alternative_accepted",
        C::Request(RequestEvent::AlternativeDeclined { .. }) => "request.alternative_declined",
        C::Request(RequestEvent::Paused { .. }) => "request.paused",
        C::Request(RequestEvent::Resumed { .. }) => "request.resumed",
        C::Request(RequestEvent::Retired { .. }) => "request.retired",
        C::Request(RequestEvent::FulfilmentLogged { .. }) => "request.fulfilment_logged",
        C::Request(RequestEvent::FulfilmentConfirmed { .. }) => "request.fulfilment_confirmed",
        C::Commitment(CommitmentEvent::Made { .. }) => "commitment.made",
        C::Commitment(CommitmentEvent::StatusUpdated { .. }) => "commitment.status_updated",
        C::Commitment(CommitmentEvent::Acknowledged { .. }) => "commitment.acknowledged",
        C::Contact(ContactEvent::Reported { .. }) => "contact.reported",
        C::Contact(ContactEvent::Acknowledged { .. }) => "contact.acknowledged",
        C::Together(TogetherEvent::Suggested { .. }) => "together.suggested",
        C::Together(TogetherEvent::Accepted { .. }) => "together.accepted",
        C::Together(TogetherEvent::Moved { .. }) => "together.moved",
        C::Together(TogetherEvent::Declined { .. }) => "together.declined",
        C::Together(TogetherEvent::Shared { .. }) => "together.shared",
        C::Together(TogetherEvent::Happened { .. }) => "together.happened",
        C::Together(TogetherEvent::RitualBegun { .. }) => "together.ritual_begun",
        C::Together(TogetherEvent::RitualDone { .. }) => "together.ritual_done",
        C::Together(TogetherEvent::RitualSetAside { .. }) => "together.ritual_set_aside",
        C::Readiness(ReadinessEvent::Proposed { .. }) => "readiness.proposed",
        C::Readiness(ReadinessEvent::Accepted { .. }) => "readiness.accepted",
        C::Readiness(ReadinessEvent::Declined { .. }) => "readiness.declined",
        C::Readiness(ReadinessEvent::Withdrawn { .. }) => "readiness.withdrawn",
        C::Talk(TalkEvent::Asked { .. }) => "talk.asked",
        C::Talk(TalkEvent::Answered { .. }) => "talk.answered",
        C::Talk(TalkEvent::TimePicked { .. }) => "talk.time_picked",
        C::Talk(TalkEvent::SpaceEnded { .. }) => "talk.space_ended",
        C::Talk(TalkEvent::Withdrawn { .. }) => "talk.withdrawn",
        C::Talk(TalkEvent::Happened { .. }) => "talk.happened",
        C::Talk(TalkEvent::QuietDeclared { .. }) => "talk.quiet_declared",
        C::Talk(TalkEvent::QuietEnded) => "talk.quiet_ended",
        C::Talk(TalkEvent::QuietNoteLeft { .. }) => "talk.quiet_note_left",
        C::Meeting(MeetingEvent::TimeProposed { .. }) => "meeting.time_proposed",
        C::Meeting(MeetingEvent::TimeAgreed { .. }) => "meeting.time_agreed",
        C::Meeting(MeetingEvent::ItemAdded { item }) => match item {
            AgendaItem::Appreciation { .. } => "meeting.item_added.appreciation",
            AgendaItem::WentWell { .. } => "meeting.item_added.went_well",
            AgendaItem::Concern { .. } => "meeting.item_added.concern",
            AgendaItem::Plan { .. } => "meeting.item_added.plan",
        },
        C::Meeting(MeetingEvent::HeldMarked { .. }) => "meeting.held_marked",
        C::Therapist(TherapistEvent::Proposed { .. }) => "therapist.proposed",
        C::Therapist(TherapistEvent::Consented { .. }) => "therapist.consented",
        C::Therapist(TherapistEvent::Declined { .. }) => "therapist.declined",
        C::Therapist(TherapistEvent::Accepted { .. }) => "therapist.accepted",
        C::Therapist(TherapistEvent::Narrowed { .. }) => "therapist.narrowed",
        C::Therapist(TherapistEvent::Widened { .. }) => "therapist.widened",
        C::Therapist(TherapistEvent::Ended { .. }) => "therapist.ended",
        C::Reflection(ReflectionEvent::CopyShared { .. }) => "reflection.copy_shared",
        C::Reflection(ReflectionEvent::TriggerNoted { .. }) => "reflection.trigger_noted",
        C::Reflection(ReflectionEvent::Reassured { .. }) => "reflection.reassured",
        C::Session(SessionEvent::ItemAdded { .. }) => "session.item_added",
        C::Session(SessionEvent::Held { .. }) => "session.held",
        C::Withdrawal(WithdrawalEvent::Withdrawn { .. }) => "withdrawal.withdrawn",
    }
}

fn private_variant(event: &PrivateEvent) -> &'static str {
    match event {
        PrivateEvent::CheckIn(PrivateCheckInEvent::Kept { .. }) => "check_in.kept",
        PrivateEvent::Pulse(PrivatePulseEvent::Kept { .. }) => "pulse.kept",
        PrivateEvent::Signs(SignsEvent::Noticed { .. }) => "signs.noticed",
        PrivateEvent::Visit(VisitEvent::TodayOpened) => "visit.today_opened",
        PrivateEvent::Visit(VisitEvent::CoupleHeadSeen(_)) => "visit.couple_head_seen",
        PrivateEvent::Readiness(ReadinessMarkEvent::Marked { .. }) => "readiness.marked",
        PrivateEvent::Together(PrivateTogetherEvent::Kept { .. }) => "together.kept",
        PrivateEvent::Talk(PrivateTalkEvent::HowItWent { .. }) => "talk.how_it_went",
        PrivateEvent::Reflection(e) => match e {
            PrivateReflectionEvent::Written { .. } => "reflection.written",
            PrivateReflectionEvent::Revised { .. } => "reflection.revised",
            PrivateReflectionEvent::CopyShared { .. } => "reflection.copy_shared",
            PrivateReflectionEvent::Withdrawn { .. } => "reflection.withdrawn",
        },
        PrivateEvent::Practice(e) => match e {
            PracticeEvent::CoupleNamed { .. } => "practice.couple_named",
            PracticeEvent::NoteWritten { .. } => "practice.note_written",
        },
        PrivateEvent::Withdrawal(WithdrawalEvent::Withdrawn { .. }) => "withdrawal.withdrawn",
    }
}

#[test]
fn couple_events_read_and_write_exactly_as_stored() {
    assert_stable::<CoupleEvent>(&couple_literals());
}

#[test]
fn private_events_read_and_write_exactly_as_stored() {
    assert_stable::<PrivateEvent>(&private_literals());
}

#[test]
fn every_couple_variant_is_covered() {
    let events = assert_stable::<CoupleEvent>(&couple_literals());
    let covered: BTreeSet<&str> = events.iter().map(couple_variant).collect();
    // The number of arms in `couple_variant`: adding a variant there without
    // a literal above fails here.
    assert_eq!(covered.len(), 74, "covered: {covered:?}");
}

#[test]
fn every_private_variant_is_covered() {
    let events = assert_stable::<PrivateEvent>(&private_literals());
    let covered: BTreeSet<&str> = events.iter().map(private_variant).collect();
    assert_eq!(covered.len(), 15, "covered: {covered:?}");
}

#[test]
fn the_kind_column_names_the_couple_room_and_says_only_private_for_a_private_event() {
    let kinds: BTreeSet<&str> = assert_stable::<CoupleEvent>(&couple_literals())
        .iter()
        .map(<CoupleState as Projection>::kind)
        .collect();
    let expected = [
        "apology",
        "checkin",
        "commitment",
        "contact",
        "meeting",
        "pulse",
        "readiness",
        "reflection",
        "request",
        "session",
        "space",
        "talk",
        "therapist",
        "together",
        "truth",
        "withdrawal",
    ];
    assert_eq!(kinds, expected.into_iter().collect());
    let private: BTreeSet<&str> = assert_stable::<PrivateEvent>(&private_literals())
        .iter()
        .map(<PrivateState as Projection>::kind)
        .collect();
    assert_eq!(private, ["private"].into_iter().collect());
    // The room is still in the payload, which is encrypted at rest.
    let rooms: BTreeSet<&str> = assert_stable::<PrivateEvent>(&private_literals())
        .iter()
        .map(PrivateEvent::kind)
        .collect();
    assert_eq!(
        rooms,
        [
            "checkin",
            "practice",
            "pulse",
            "readiness",
            "reflection",
            "signs",
            "talk",
            "together",
            "visit",
            "withdrawal"
        ]
        .into_iter()
        .collect()
    );
}
