//! The first steps of a new couple, three for each role, shown on Today
//! until each is taken. They follow the source's order: the hurt partner
//! is heard first and asks for what they need; the involved partner tells
//! the truth, apologises and makes commitments.

use crate::kernel::ids::UserId;
use crate::space::Role;
use crate::streams::couple::CoupleState;
use crate::truth::{EntryKind, TruthFilter};

/// One first step, in the order it is offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartStep {
    FirstCheckIn,
    FirstQuestion,
    FirstRequest,
    FirstDisclosure,
    BeginApology,
    FirstCommitment,
}

/// The viewer's first steps and which of them are taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartPath {
    pub role: Role,
    pub steps: Vec<(StartStep, bool)>,
}

/// The path for `viewer` by their role in the first betrayal recorded;
/// `None` once every step is taken, so it is gone for good.
pub fn start_path(couple: &CoupleState, viewer: UserId, checked_in: bool) -> Option<StartPath> {
    let space = &couple.space;
    let role = space.role_in(viewer, space.betrayals.first()?)?;
    let wrote = |kind: fn(&EntryKind) -> bool| {
        couple
            .truth
            .entries(TruthFilter::All)
            .iter()
            .any(|e| e.author == viewer && kind(&e.kind))
    };
    let steps = match role {
        Role::Hurt => vec![
            (StartStep::FirstCheckIn, checked_in),
            (
                StartStep::FirstQuestion,
                wrote(|k| matches!(k, EntryKind::Question { .. })),
            ),
            (
                StartStep::FirstRequest,
                couple.requests.all().iter().any(|r| r.asked_by == viewer),
            ),
        ],
        Role::Involved => vec![
            (
                StartStep::FirstDisclosure,
                wrote(|k| matches!(k, EntryKind::Disclosure { .. })),
            ),
            (
                StartStep::BeginApology,
                couple.apology.all().iter().any(|a| !a.versions.is_empty()),
            ),
            (
                StartStep::FirstCommitment,
                !couple.commitments.all().is_empty(),
            ),
        ],
    };
    let open = steps.iter().any(|(_, done)| !done);
    open.then_some(StartPath { role, steps })
}
