//! The documented endpoint as data: the embedded schema and its annotated fields, the error
//! codes, the request's parameters (read in one place), who calls (the caller) and in which
//! language, and the shapes a body comes in.

pub mod body_shape;
pub mod caller;
pub(crate) mod email_format;
pub mod errcodes;
pub mod fields;
pub mod language;
pub mod request;
