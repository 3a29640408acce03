//! One person's private stream: what they keep for themselves. Only queries
//! made for its author ever read it (DESIGN §3, principle 2).

use crate::event::{Meta, Projection};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "room", content = "event", rename_all = "snake_case")]
pub enum PrivateEvent {}

impl PrivateEvent {
    pub fn kind(&self) -> &'static str {
        match *self {}
    }
}

#[derive(Debug, Clone, Default)]
pub struct PrivateState {
    pub seq: u64,
}

impl PrivateState {
    pub fn apply(&mut self, meta: &Meta, event: &PrivateEvent) {
        self.seq = meta.seq;
        match *event {}
    }
}

impl Projection for PrivateState {
    type Event = PrivateEvent;

    fn seq(&self) -> u64 {
        self.seq
    }

    fn apply(&mut self, meta: &Meta, event: &PrivateEvent) {
        PrivateState::apply(self, meta, event);
    }

    fn kind(event: &PrivateEvent) -> &'static str {
        event.kind()
    }

    fn skip(&mut self, meta: &Meta) {
        self.seq = meta.seq;
    }
}
