//! The JSON helpers every stage shares: the parsed arena, typed pointers, pointer → byte range, and lines and columns.

pub(crate) mod doc;
pub mod lines;
pub mod locate;
pub(crate) mod pointer;
pub(crate) mod scan;

pub use lines::{LineIndex, Location};
pub use pointer::Pointer;
