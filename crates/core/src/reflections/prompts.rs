//! The prompts a reflection starts from, written for this product: a few
//! short questions each, every one of them optional.

use serde::{Deserialize, Serialize};

/// What a reflection is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Prompt {
    ForgivingPartner,
    ForgivingMyself,
    Trigger,
    WorthIt,
    TrustingMyself,
    LookingForward,
}

/// The most questions a prompt asks.
pub const MOST_PARTS: usize = 5;

impl Prompt {
    pub const ALL: [Prompt; 6] = [
        Prompt::ForgivingPartner,
        Prompt::ForgivingMyself,
        Prompt::Trigger,
        Prompt::WorthIt,
        Prompt::TrustingMyself,
        Prompt::LookingForward,
    ];

    /// The prompt a form names, by its code.
    pub fn from_code(code: &str) -> Option<Prompt> {
        Self::ALL.into_iter().find(|p| p.code() == code.trim())
    }

    pub fn code(self) -> &'static str {
        match self {
            Prompt::ForgivingPartner => "forgiving_partner",
            Prompt::ForgivingMyself => "forgiving_myself",
            Prompt::Trigger => "trigger",
            Prompt::WorthIt => "worth_it",
            Prompt::TrustingMyself => "trusting_myself",
            Prompt::LookingForward => "looking_forward",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Prompt::ForgivingPartner => "Forgiving my partner",
            Prompt::ForgivingMyself => "Forgiving myself",
            Prompt::Trigger => "A trigger I noticed",
            Prompt::WorthIt => "Is it worth it?",
            Prompt::TrustingMyself => "Trusting myself",
            Prompt::LookingForward => "Looking forward",
        }
    }

    /// A line or two to start from.
    pub fn lead(self) -> &'static str {
        match self {
            Prompt::ForgivingPartner => {
                "Forgiving is not excusing, and it is not forgetting. It can come slowly, a small piece at a time, or not yet."
            }
            Prompt::ForgivingMyself => {
                "Many people blame themselves for what someone else chose. Be as fair to yourself as you would be to a friend."
            }
            Prompt::Trigger => {
                "Something brought the hurt back. Noticing how you protected yourself is a way to choose differently next time."
            }
            Prompt::WorthIt => {
                "It is normal to wonder whether staying is worth it. Writing it down can make the question less loud."
            }
            Prompt::TrustingMyself => {
                "Trusting your partner starts with trusting your own sense of things again."
            }
            Prompt::LookingForward => {
                "Not what was, but what the two of you are making now."
            }
        }
    }

    /// The questions, in order; each answer is optional.
    pub fn parts(self) -> &'static [&'static str] {
        match self {
            Prompt::ForgivingPartner => &[
                "What I am still holding against my partner",
                "What letting a little of it go would mean for me",
                "One thing I am ready to forgive, if any",
            ],
            Prompt::ForgivingMyself => &[
                "What I blame myself for",
                "What I would say to a friend who blamed themselves for this",
                "What I can stop carrying",
            ],
            Prompt::Trigger => &[
                "The situation",
                "What I felt",
                "The defence I noticed in myself",
                "The coping I chose",
                "How it went",
            ],
            Prompt::WorthIt => &["What I want", "What I fear", "What I need to decide"],
            Prompt::TrustingMyself => &[
                "A time lately I listened to myself",
                "What my own sense of things tells me now",
                "What would help me trust my judgement",
            ],
            Prompt::LookingForward => &[
                "What we are building",
                "How I would like our days to feel a year from now",
                "One small step toward it",
            ],
        }
    }
}
