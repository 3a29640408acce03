//! What the talk room records.

use crate::kernel::ids::EntryId;
use crate::kernel::listed::{by_code, listed_enum};
use crate::kernel::refusal::Refusal;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

listed_enum! {
    /// What a conversation is about, broadly; the topic says it in the
    /// asker's own words. The codes are the serde names, stable forever.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum TalkKind {
        WhatHappened,
        Details,
        OurFuture,
        Trigger,
        Practical,
        SomethingElse,
    }
}

impl TalkKind {
    pub fn code(self) -> &'static str {
        match self {
            TalkKind::WhatHappened => "what_happened",
            TalkKind::Details => "details",
            TalkKind::OurFuture => "our_future",
            TalkKind::Trigger => "trigger",
            TalkKind::Practical => "practical",
            TalkKind::SomethingElse => "something_else",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TalkKind::WhatHappened => "What happened",
            TalkKind::Details => "The details",
            TalkKind::OurFuture => "Our future",
            TalkKind::Trigger => "A trigger",
            TalkKind::Practical => "Practical things",
            TalkKind::SomethingElse => "Something else",
        }
    }

    pub fn parse(code: &str) -> Result<Self, Refusal> {
        by_code(&Self::ALL, code, Self::code)
            .ok_or_else(|| Refusal::invalid("kind", "Please choose what the talk is about."))
    }
}

listed_enum! {
    /// How soon the asker would like to talk.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum TalkSoon {
        WhenYouCan,
        Soon,
    }
}

impl TalkSoon {
    pub fn code(self) -> &'static str {
        match self {
            TalkSoon::WhenYouCan => "when_you_can",
            TalkSoon::Soon => "soon",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TalkSoon::WhenYouCan => "When you can",
            TalkSoon::Soon => "Soon, it weighs on me",
        }
    }

    pub fn parse(code: &str) -> Result<Self, Refusal> {
        by_code(&Self::ALL, code, Self::code)
            .ok_or_else(|| Refusal::invalid("soon", "Please choose how soon."))
    }
}

/// The other partner's answer to a talk request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TalkAnswer {
    /// Now is good.
    Now,
    /// One to three times; the asker picks one.
    AtATime {
        #[serde(with = "instants")]
        times: Vec<OffsetDateTime>,
    },
    /// At the couple's weekly meeting: on its agenda until they talked.
    AtQuietTalk,
    /// "I need space", for `days` from the answer, with an optional sentence.
    Space { days: u8, words: Option<String> },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TalkEvent {
    Asked {
        kind: TalkKind,
        soon: TalkSoon,
        topic: String,
    },
    Answered {
        request: EntryId,
        answer: TalkAnswer,
    },
    /// The asker picks one of the proposed times.
    TimePicked {
        request: EntryId,
        #[serde(with = "time::serde::rfc3339")]
        at: OffsetDateTime,
    },
    /// The partner who asked for space ends it early.
    SpaceEnded { request: EntryId },
    /// The asker takes the request back.
    Withdrawn { request: EntryId },
    /// "We talked", with a shared word on how it went (`None` when the word
    /// was kept, or none was given).
    Happened {
        request: EntryId,
        words: Option<String>,
    },
    /// A quiet period of `days` from now, by the hurt partner; while one is
    /// on, this renews it.
    QuietDeclared { days: u8 },
    /// The quiet period ends early.
    QuietEnded,
    /// The other partner's one short note, shown when the quiet period ends.
    QuietNoteLeft { note: String },
}

/// In a person's private stream: the word on how a talk went, kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PrivateTalkEvent {
    HowItWent { request: EntryId, words: String },
}

/// A list of instants, each in RFC 3339 like every stored instant.
mod instants {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use time::format_description::well_known::Rfc3339;
    use time::OffsetDateTime;

    pub fn serialize<S: Serializer>(times: &[OffsetDateTime], s: S) -> Result<S::Ok, S::Error> {
        let written: Result<Vec<String>, _> = times.iter().map(|t| t.format(&Rfc3339)).collect();
        written.map_err(serde::ser::Error::custom)?.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<OffsetDateTime>, D::Error> {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|t| OffsetDateTime::parse(t, &Rfc3339).map_err(serde::de::Error::custom))
            .collect()
    }
}
