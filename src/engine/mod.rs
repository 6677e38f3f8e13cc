//! The stages every response and every finding go through, whichever reader found them: a
//! bare body (`pipeline`) or an exchange of request and answer (`exchange`), then placing.

pub mod answer;
pub mod exchange;
pub mod fingerprint;
pub mod finish;
pub mod guard;
pub mod origin;
pub mod outcome;
pub mod pipeline;
pub mod place;
pub(crate) mod validate;
