//! The roots the upstream's certificate is checked against: the system's trust store (where a
//! company that inspects TLS puts its root, and what curl, browsers and the JVM use), Mozilla's
//! bundled roots where the system has none, and `--upstream-ca` files on top. There is no way to
//! turn the check off.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::CertificateDer;
use tokio_rustls::rustls::{self, ClientConfig, RootCertStore};

/// The roots, and where they came from.
#[derive(Debug, Clone)]
pub struct Trust {
    roots: Arc<RootCertStore>,
    described: String,
}

impl Trust {
    /// The system's roots (or the bundled ones) and those of `extra` (PEM files).
    ///
    /// # Errors
    /// A message naming an `extra` file that cannot be read or holds no usable certificate.
    pub fn load(extra: &[PathBuf]) -> Result<Self, String> {
        let mut roots = RootCertStore::empty();
        // rustls-native-certs reads SSL_CERT_FILE and SSL_CERT_DIR as OpenSSL does.
        let system = rustls_native_certs::load_native_certs();
        let (added, _unusable) = roots.add_parsable_certificates(system.certs);
        let mut described = if added > 0 {
            // Either variable replaces the platform's own store: say which were read.
            let from: Vec<String> = ["SSL_CERT_FILE", "SSL_CERT_DIR"]
                .iter()
                .filter_map(|name| {
                    std::env::var_os(name)
                        .filter(|v| !v.is_empty())
                        .map(|v| format!("{name}={}", Path::new(&v).display()))
                })
                .collect();
            let from = if from.is_empty() {
                String::new()
            } else {
                format!(" ({})", from.join(", "))
            };
            format!(
                "{} from the system's trust store{from}",
                crate::report::count(added as u64, "root", "roots")
            )
        } else {
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            // Say why: SSL_CERT_FILE naming a file that is not there is a set-up to fix, not a
            // machine without a store.
            let why = system
                .errors
                .first()
                .map(|e| format!(": {e}"))
                .unwrap_or_default();
            format!(
                "{} bundled Mozilla roots (no system trust store{why})",
                roots.len()
            )
        };
        for path in extra {
            let added = add_file(&mut roots, path)?;
            described.push_str(&format!(" + {added} from --upstream-ca {}", path.display()));
        }
        Ok(Self {
            roots: Arc::new(roots),
            described,
        })
    }

    /// The roots in words, for the start-up line.
    pub fn describe(&self) -> &str {
        &self.described
    }

    /// A client configuration that checks certificates against these roots and offers HTTP/2
    /// and HTTP/1.1 by ALPN.
    pub(crate) fn client_config(&self) -> Result<ClientConfig, String> {
        // ring, as before: rustls 0.23.48 deprecates it for lacking post-quantum key exchange,
        // but aws-lc-rs would add a C and assembler build to every target the wheel is made for.
        #[allow(deprecated)]
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS: {e}"))?
            .with_root_certificates(Arc::clone(&self.roots))
            .with_no_client_auth();
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(config)
    }
}

/// Adds the certificates of one PEM file; how many were added.
fn add_file(roots: &mut RootCertStore, path: &Path) -> Result<usize, String> {
    let shown = path.display();
    let certificates = CertificateDer::pem_file_iter(path)
        .map_err(|e| format!("--upstream-ca {shown}: cannot read it: {e}"))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("--upstream-ca {shown}: not PEM: {e}"))?;
    if certificates.is_empty() {
        return Err(format!(
            "--upstream-ca {shown}: no certificate in it (PEM, -----BEGIN CERTIFICATE-----)"
        ));
    }
    let (added, unusable) = roots.add_parsable_certificates(certificates);
    if unusable > 0 {
        return Err(format!(
            "--upstream-ca {shown}: {unusable} of its certificates cannot be used as a root"
        ));
    }
    Ok(added)
}
