//! The TLS the client speaks: rustls with ring's cryptography, handed to reqwest as a
//! finished configuration (so nothing is installed process-wide), trusting the
//! operating system's roots plus any the builder adds, offering HTTP/2 by ALPN.

use std::sync::Arc;

use rustls::pki_types::CertificateDer;

/// The rustls configuration for `reqwest::ClientBuilder::tls_backend_preconfigured`;
/// `Err` says why it cannot be built (a root that is not a DER certificate, no roots).
pub(crate) fn config(extra_roots: &[Vec<u8>]) -> Result<rustls::ClientConfig, String> {
    // rustls 0.23.48 deprecates ring's provider because it has no post-quantum key
    // exchange; aws-lc-rs's has, and would bring back its C build, which issue 23's
    // build budget rules out for the default features (README.md, "Features").
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = verifier(extra_roots, provider.clone())
        .map_err(|e| format!("the trust store cannot be built: {e}"))?;
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("no TLS version to offer: {e}"))?
        // The platform verifier is how rustls-platform-verifier (and reqwest) plug in
        // the operating system's trust store; "dangerous" is rustls's name for any
        // verifier of one's own choosing.
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

#[cfg(any(all(unix, not(target_os = "android")), target_os = "windows"))]
fn verifier(
    extra_roots: &[Vec<u8>],
    provider: Arc<rustls::crypto::CryptoProvider>,
) -> Result<rustls_platform_verifier::Verifier, rustls::Error> {
    let roots = extra_roots
        .iter()
        .map(|der| CertificateDer::from(der.clone()));
    rustls_platform_verifier::Verifier::new_with_extra_roots(roots, provider)
}

/// Android's verifier takes no extra roots.
#[cfg(not(any(all(unix, not(target_os = "android")), target_os = "windows")))]
fn verifier(
    extra_roots: &[Vec<u8>],
    provider: Arc<rustls::crypto::CryptoProvider>,
) -> Result<rustls_platform_verifier::Verifier, rustls::Error> {
    if !extra_roots.is_empty() {
        return Err(rustls::Error::General(
            "extra root certificates are not supported on this platform".to_owned(),
        ));
    }
    rustls_platform_verifier::Verifier::new(provider)
}
