//! Privacy is a property of the exit and of `redact`: the one list of credential names, the
//! same-length masking every report goes through, and the copies `dtlint redact` writes.

pub mod copy;
pub mod credentials;
pub(crate) mod mask;
pub mod name;
pub(crate) mod scrub;
pub(crate) mod spans;
pub(crate) mod tree;
