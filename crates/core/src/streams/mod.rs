//! The stream types: the couple's shared record and each person's private
//! stream. One line per capability; the capabilities never import this.

pub mod couple;
pub mod private;
