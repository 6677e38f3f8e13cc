//! The readers: each finds the response texts or exchanges of one input (a file, a folder's
//! file, NDJSON, a log, a HAR, a VCR cassette) and their origin, hands them to the engine, and delivers one
//! outcome per item to its caller (the run) in order.

pub(crate) mod archive;
pub mod decompress;
pub(crate) mod file;
pub mod format;
pub mod framed;
mod har;
pub(crate) mod log;
mod ndjson;
pub(crate) mod pipeline;
pub(crate) mod vcr;

pub use crate::engine::outcome::Outcome;
pub use file::{body_outcome, Limits};
pub(crate) use har::{climbs_out, har_outcomes_in, Bodies};
pub use har::{har_outcomes, API_PATH};
pub use ndjson::{log_outcomes, ndjson_outcomes};
pub use pipeline::Pace;
pub use vcr::{is_cassette, vcr_outcomes};

/// What a reader hands on for each item; `false` back asks it to stop reading (the output was
/// closed or the run interrupted).
pub type Deliver<'a> = dyn FnMut(Outcome) -> bool + 'a;
