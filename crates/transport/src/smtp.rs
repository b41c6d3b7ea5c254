//! Sending through an SMTP server with lettre: implicit TLS, STARTTLS or
//! plain, optional AUTH, a timeout, pooled connections. Failures are sorted
//! into permanent (the server refused for good: 5xx, a bad address) and
//! transient (4xx, network, TLS, timeout), which the outbox retries.

use crate::{Security, TransportError, tls::pem_certificates};
use lettre::address::{Address, Envelope};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::path::PathBuf;
use std::time::Duration;

/// Where and how to send mail.
#[derive(Clone)]
pub struct SmtpSettings {
    /// Server host name.
    pub host: String,
    /// Port (465 for TLS, 587 for STARTTLS, 25 for plain).
    pub port: u16,
    /// How the connection is protected.
    pub security: Security,
    /// Login, if the server wants one.
    pub username: Option<String>,
    /// Password for the login.
    pub password: Option<String>,
    /// A PEM file of extra trusted CAs.
    pub ca_file: Option<PathBuf>,
    /// Longest wait for any server answer.
    pub timeout: Duration,
    /// Name given in EHLO.
    pub hello_name: Option<String>,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("ca_file", &self.ca_file)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// Why a mail was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Try again later.
    #[error("temporary failure: {0}")]
    Transient(String),
    /// Trying again will not help.
    #[error("permanent failure: {0}")]
    Permanent(String),
}

/// A connection pool to one SMTP server.
#[derive(Clone)]
pub struct SmtpSender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    server: String,
}

impl std::fmt::Debug for SmtpSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSender")
            .field("server", &self.server)
            .finish()
    }
}

impl SmtpSender {
    /// Prepares the sender (connections are made when mail is sent).
    pub fn new(settings: &SmtpSettings) -> Result<Self, TransportError> {
        let tls = || -> Result<TlsParameters, TransportError> {
            let mut builder = TlsParameters::builder(settings.host.clone());
            if let Some(path) = &settings.ca_file {
                for cert in pem_certificates(path)? {
                    let cert = Certificate::from_der(cert.as_ref().to_vec())
                        .map_err(|e| TransportError::Config(format!("bad CA certificate: {e}")))?;
                    builder = builder.add_root_certificate(cert);
                }
            }
            builder
                .build_rustls()
                .map_err(|e| TransportError::Config(format!("TLS settings: {e}")))
        };
        let tls = match settings.security {
            Security::Tls => Tls::Wrapper(tls()?),
            Security::StartTls => Tls::Required(tls()?),
            Security::None => Tls::None,
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host)
            .port(settings.port)
            .tls(tls)
            .timeout(Some(settings.timeout));
        if let Some(name) = &settings.hello_name {
            builder = builder.hello_name(lettre::transport::smtp::extension::ClientId::Domain(
                name.clone(),
            ));
        }
        if let Some(user) = &settings.username {
            builder = builder.credentials(Credentials::new(
                user.clone(),
                settings.password.clone().unwrap_or_default(),
            ));
        }
        Ok(Self {
            transport: builder.build(),
            server: format!("{}:{}", settings.host, settings.port),
        })
    }

    /// Checks that the server answers and accepts the login.
    pub async fn check(&self) -> Result<(), TransportError> {
        match self.transport.test_connection().await {
            Ok(true) => Ok(()),
            Ok(false) => Err(TransportError::Connect {
                server: self.server.clone(),
                message: "the server did not answer".into(),
            }),
            Err(e) => Err(TransportError::Connect {
                server: self.server.clone(),
                message: e.to_string(),
            }),
        }
    }

    /// Sends a complete message to the envelope recipients.
    pub async fn send(&self, from: &str, to: &[String], raw: &[u8]) -> Result<(), SendError> {
        let parse = |a: &str| {
            a.parse::<Address>()
                .map_err(|e| SendError::Permanent(format!("bad address {a:?}: {e}")))
        };
        let recipients = to.iter().map(|a| parse(a)).collect::<Result<Vec<_>, _>>()?;
        let envelope = Envelope::new(Some(parse(from)?), recipients)
            .map_err(|e| SendError::Permanent(format!("bad envelope: {e}")))?;
        match self.transport.send_raw(&envelope, raw).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(SendError::Permanent(e.to_string())),
            Err(e) => Err(SendError::Transient(e.to_string())),
        }
    }
}
