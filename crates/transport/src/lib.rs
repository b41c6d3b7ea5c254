//! Rapport's mail over the network: sending through an SMTP server
//! ([`smtp`], lettre) and reading a mailbox on an IMAP server ([`imap`],
//! async-imap), both with TLS by rustls (implicit TLS or STARTTLS) and the
//! system's trusted roots plus an optional private CA.
//!
//! Nothing here knows about tickets: the outbox worker and the mailbox
//! poller in `rapport-app` decide what to send and what to do with what
//! arrives.

pub mod imap;
pub mod smtp;
mod tls;

pub use imap::{AfterProcessing, ImapSession, ImapSettings};
pub use smtp::{SendError, SmtpSender, SmtpSettings};

/// How a connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Security {
    /// TLS from the first byte (SMTPS 465, IMAPS 993).
    #[default]
    Tls,
    /// Plain first, then upgraded with STARTTLS (required, never skipped).
    StartTls,
    /// No encryption: only for a server on the same machine or network.
    None,
}

impl std::str::FromStr for Security {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "tls" | "ssl" | "implicit" => Ok(Security::Tls),
            "starttls" => Ok(Security::StartTls),
            "none" | "plain" => Ok(Security::None),
            other => Err(format!(
                "unknown security {other:?}: use tls, starttls or none"
            )),
        }
    }
}

/// Why a connection could not be set up or used.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    /// The settings are wrong (unreadable CA file, bad host name).
    #[error("{0}")]
    Config(String),
    /// TCP or TLS failed.
    #[error("connection to {server} failed: {message}")]
    Connect {
        /// host:port
        server: String,
        /// What went wrong.
        message: String,
    },
    /// The server refused the login.
    #[error("the server refused the login for {0}")]
    Login(String),
    /// The IMAP server answered with an error.
    #[error("IMAP: {0}")]
    Imap(String),
    /// No answer in time.
    #[error("timed out: {0}")]
    Timeout(String),
}

impl From<async_imap::error::Error> for TransportError {
    fn from(error: async_imap::error::Error) -> Self {
        TransportError::Imap(error.to_string())
    }
}
