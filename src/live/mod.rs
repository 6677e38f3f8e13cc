//! The live side of dtlint: `dtlint mock` (a faithful stand-in for the endpoint) and `dtlint
//! proxy` (a reverse proxy checking each exchange as a HAR entry is checked). The only async
//! runtime of the project lives here, started by these two commands alone.

mod decode;
mod entry;
pub mod mock;
pub mod proxy;
mod record;
mod server;
pub mod upstream;
pub mod users;

pub use record::{rotated_path, Recorder, Rotation};
pub use server::{is_loopback_host, runtime, Cut, Limits, Server, Tally};
