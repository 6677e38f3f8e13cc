//! The JSON helpers every stage shares: the parsed arena, typed pointers, pointer → byte range, and lines and columns.

pub mod doc;
pub mod pointer;

pub use pointer::Pointer;
