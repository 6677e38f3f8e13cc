//! Why the upstream could not be reached, named by cause: the proxy answers 502 with it and
//! counts it, and a user in a company network learns from it which of their settings to fix.

use std::fmt;
use std::io;

use tokio_rustls::rustls::{self, CertificateError};

/// Which hop failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hop {
    /// Finding or reaching the upstream (or the egress proxy) over TCP.
    Network,
    /// The egress proxy refused or broke the tunnel.
    Egress,
    /// The TLS handshake with the upstream.
    Tls,
}

/// A connection to the upstream that could not be made.
#[derive(Debug, Clone)]
pub struct ConnectFailure {
    /// Which hop failed.
    pub hop: Hop,
    /// What failed, in a word a script can match: `unknown-issuer`, `name-mismatch`,
    /// `expired`, `handshake-timeout`, `refused`, `proxy-auth-required`…
    pub reason: &'static str,
    /// The same in a sentence, with the names and addresses involved (never credentials).
    pub message: String,
}

impl ConnectFailure {
    pub(crate) fn new(hop: Hop, reason: &'static str, message: impl Into<String>) -> Self {
        Self {
            hop,
            reason,
            message: message.into(),
        }
    }

    /// The `error` member of the proxy's 502.
    pub fn kind(&self) -> &'static str {
        match self.hop {
            Hop::Network => "upstream-unreachable",
            Hop::Egress => "egress-proxy",
            Hop::Tls => "upstream-tls",
        }
    }

    /// A failed TLS handshake with `host`, told by what rustls found wrong.
    pub(crate) fn tls(host: &str, error: &io::Error) -> Self {
        let found = error
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<rustls::Error>());
        let (reason, what) = match found {
            Some(rustls::Error::InvalidCertificate(certificate)) => certificate_fault(certificate),
            Some(rustls::Error::AlertReceived(alert)) => (
                "alert",
                format!("the upstream ended the handshake with the alert {alert:?}"),
            ),
            Some(rustls::Error::NoApplicationProtocol) => (
                "no-protocol",
                "the upstream speaks neither HTTP/2 nor HTTP/1.1 by ALPN".to_owned(),
            ),
            Some(other) => ("handshake-failed", other.to_string()),
            None if error.kind() == io::ErrorKind::UnexpectedEof => (
                "handshake-failed",
                "the upstream closed the connection during the handshake".to_owned(),
            ),
            None => ("handshake-failed", error.to_string()),
        };
        Self::new(Hop::Tls, reason, format!("TLS with {host}: {what}"))
    }
}

/// What is wrong with the upstream's certificate, in a word and a sentence that says what to do.
fn certificate_fault(fault: &CertificateError) -> (&'static str, String) {
    match fault {
        CertificateError::UnknownIssuer => (
            "unknown-issuer",
            "the certificate is signed by an authority this machine does not trust; a company \
             that inspects TLS has its own root: add it with --upstream-ca FILE or to the \
             system's trust store"
                .to_owned(),
        ),
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => (
            "name-mismatch",
            format!(
                "the certificate is not valid for this name ({})",
                detail(fault)
            ),
        ),
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => (
            "expired",
            format!("the certificate has expired ({})", detail(fault)),
        ),
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => (
            "not-yet-valid",
            format!("the certificate is not valid yet ({})", detail(fault)),
        ),
        CertificateError::Revoked => ("revoked", "the certificate is revoked".to_owned()),
        other => (
            "bad-certificate",
            format!("the certificate is refused: {}", detail(other)),
        ),
    }
}

fn detail(fault: &CertificateError) -> String {
    rustls::Error::InvalidCertificate(fault.clone()).to_string()
}

impl fmt::Display for ConnectFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConnectFailure {}
