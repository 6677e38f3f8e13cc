//! The stages every response and every finding go through, whichever reader found them.

pub mod finish;
pub mod guard;
