//! How `dtlint proxy` reaches its upstream: the URL (`--upstream`), the roots its certificate
//! is checked against (the system's, `--upstream-ca`), the egress proxy of a company network
//! (`HTTPS_PROXY`, `NO_PROXY`), `--connect-to` and `--resolve`, and the connector that opens,
//! counts and names the failures of each connection.

mod address;
mod connect;
mod egress;
mod failure;
mod route;
mod trust;

pub use address::Upstream;
pub use connect::{Connector, Opened, Reach};
pub use egress::Egress;
pub use failure::{ConnectFailure, Hop};
pub use route::Routes;
pub use trust::Trust;
