//! The stages every response and every finding go through, whichever reader found them.

pub mod fingerprint;
pub mod finish;
pub mod guard;
pub mod pipeline;
pub mod place;
