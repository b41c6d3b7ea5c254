//! TLS client settings shared by SMTP and IMAP: the system's roots plus an
//! optional private CA (a company mail server, or a test server).

use crate::TransportError;
use rustls::RootCertStore;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use std::path::Path;
use std::sync::Arc;

/// Reads every certificate in a PEM file.
pub(crate) fn pem_certificates(
    path: &Path,
) -> Result<Vec<CertificateDer<'static>>, TransportError> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
        .map_err(|e| {
            TransportError::Config(format!("cannot read CA file {}: {e}", path.display()))
        })?
        .collect::<Result<_, _>>()
        .map_err(|e| TransportError::Config(format!("bad CA file {}: {e}", path.display())))?;
    if certs.is_empty() {
        return Err(TransportError::Config(format!(
            "CA file {} holds no certificate",
            path.display()
        )));
    }
    Ok(certs)
}

/// A rustls client configuration trusting the system roots and `extra_ca`.
pub(crate) fn client_config(
    extra_ca: Option<&Path>,
) -> Result<Arc<rustls::ClientConfig>, TransportError> {
    let mut roots = RootCertStore::empty();
    let native = rustls_native_certs::load_native_certs();
    for cert in native.certs {
        // A broken system certificate must not stop the others from loading.
        let _ = roots.add(cert);
    }
    if let Some(path) = extra_ca {
        for cert in pem_certificates(path)? {
            roots
                .add(cert)
                .map_err(|e| TransportError::Config(format!("bad CA certificate: {e}")))?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TransportError::Config(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}
