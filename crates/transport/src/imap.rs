//! Reading a mailbox on an IMAP server with async-imap: log in (implicit
//! TLS, STARTTLS or plain), select the folder, fetch messages above the
//! last UID taken in, mark them processed (seen, moved or deleted), and wait
//! for new mail with IDLE where the server has it.

use crate::{Security, TransportError, tls::client_config};
use futures_util::TryStreamExt;
use std::path::PathBuf;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

/// What to do with a message once it is safely stored.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum AfterProcessing {
    /// Set the \Seen flag (the default; the UID position prevents refetching anyway).
    #[default]
    Seen,
    /// Move it to another folder.
    Move(String),
    /// Delete and expunge it.
    Delete,
}

impl std::str::FromStr for AfterProcessing {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "seen" => Ok(AfterProcessing::Seen),
            "delete" => Ok(AfterProcessing::Delete),
            other => match other.strip_prefix("move:") {
                Some(folder) if !folder.trim().is_empty() => {
                    Ok(AfterProcessing::Move(folder.trim().to_string()))
                }
                _ => Err(format!(
                    "unknown after-processing {other:?}: use seen, delete or move:FOLDER"
                )),
            },
        }
    }
}

/// One mailbox to read.
#[derive(Clone)]
pub struct ImapSettings {
    /// A name for logs and the stored position.
    pub name: String,
    /// Server host name.
    pub host: String,
    /// Port (993 for TLS, 143 for STARTTLS or plain).
    pub port: u16,
    /// How the connection is protected.
    pub security: Security,
    /// Login.
    pub username: String,
    /// Password.
    pub password: String,
    /// The folder to read (usually INBOX).
    pub folder: String,
    /// What happens to processed mail.
    pub after: AfterProcessing,
    /// A PEM file of extra trusted CAs.
    pub ca_file: Option<PathBuf>,
    /// Longest wait for connecting and each command.
    pub timeout: Duration,
}

impl std::fmt::Debug for ImapSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImapSettings")
            .field("name", &self.name)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &"***")
            .field("folder", &self.folder)
            .field("after", &self.after)
            .finish()
    }
}

/// A plain or TLS connection, so one session type serves both.
#[derive(Debug)]
pub enum MailStream {
    /// Unencrypted.
    Plain(TcpStream),
    /// Encrypted.
    Tls(Box<TlsStream<TcpStream>>),
}

impl AsyncRead for MailStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            MailStream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            MailStream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for MailStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            MailStream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            MailStream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            MailStream::Plain(s) => Pin::new(s).poll_flush(cx),
            MailStream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            MailStream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            MailStream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

type Session = async_imap::Session<MailStream>;

/// A logged-in session with the folder selected.
#[derive(Debug)]
pub struct ImapSession {
    session: Session,
    settings: ImapSettings,
    idle: bool,
    can_move: bool,
    uid_validity: u32,
}

async fn within<T, E: Into<TransportError>>(
    timeout: Duration,
    what: &str,
    fut: impl std::future::Future<Output = Result<T, E>>,
) -> Result<T, TransportError> {
    match tokio::time::timeout(timeout, fut).await {
        Ok(result) => result.map_err(Into::into),
        Err(_) => Err(TransportError::Timeout(what.to_string())),
    }
}

impl From<std::io::Error> for TransportError {
    fn from(error: std::io::Error) -> Self {
        TransportError::Imap(error.to_string())
    }
}

async fn tls_wrap(settings: &ImapSettings, tcp: TcpStream) -> Result<MailStream, TransportError> {
    let config = client_config(settings.ca_file.as_deref())?;
    let name = rustls::pki_types::ServerName::try_from(settings.host.clone())
        .map_err(|e| TransportError::Config(format!("bad host name {:?}: {e}", settings.host)))?;
    let stream = TlsConnector::from(config)
        .connect(name, tcp)
        .await
        .map_err(|e| TransportError::Connect {
            server: format!("{}:{}", settings.host, settings.port),
            message: format!("TLS: {e}"),
        })?;
    Ok(MailStream::Tls(Box::new(stream)))
}

impl ImapSession {
    /// Connects, logs in and selects the folder.
    pub async fn connect(settings: &ImapSettings) -> Result<Self, TransportError> {
        let server = format!("{}:{}", settings.host, settings.port);
        let tcp = within(
            settings.timeout,
            "connecting",
            TcpStream::connect((settings.host.as_str(), settings.port)),
        )
        .await
        .map_err(|e| TransportError::Connect {
            server: server.clone(),
            message: e.to_string(),
        })?;
        let stream = match settings.security {
            Security::Tls => tls_wrap(settings, tcp).await?,
            Security::None | Security::StartTls => MailStream::Plain(tcp),
        };
        let mut client = async_imap::Client::new(stream);
        within(settings.timeout, "the greeting", client.read_response())
            .await?
            .ok_or_else(|| TransportError::Connect {
                server: server.clone(),
                message: "no greeting".into(),
            })?;
        if settings.security == Security::StartTls {
            within(
                settings.timeout,
                "STARTTLS",
                client.run_command_and_check_ok("STARTTLS", None),
            )
            .await?;
            let MailStream::Plain(tcp) = client.into_inner() else {
                return Err(TransportError::Imap("STARTTLS on a TLS stream".into()));
            };
            client = async_imap::Client::new(tls_wrap(settings, tcp).await?);
        }
        let mut session = match within(settings.timeout, "login", async {
            client
                .login(&settings.username, &settings.password)
                .await
                .map_err(|(e, _)| e)
        })
        .await
        {
            Ok(session) => session,
            Err(TransportError::Imap(_)) => {
                return Err(TransportError::Login(settings.username.clone()));
            }
            Err(e) => return Err(e),
        };
        let capabilities = within(settings.timeout, "CAPABILITY", session.capabilities()).await?;
        let idle = capabilities.has_str("IDLE");
        let can_move = capabilities.has_str("MOVE");
        if let AfterProcessing::Move(target) = &settings.after {
            // Make the destination once; it usually exists already, which is fine.
            let _ = within(settings.timeout, "CREATE", session.create(target)).await;
        }
        let mailbox = within(settings.timeout, "SELECT", session.select(&settings.folder)).await?;
        Ok(Self {
            session,
            settings: settings.clone(),
            idle,
            can_move,
            uid_validity: mailbox.uid_validity.unwrap_or(0),
        })
    }

    /// The folder's UIDVALIDITY: when it changes, every UID before means nothing.
    pub fn uid_validity(&self) -> u32 {
        self.uid_validity
    }

    /// Whether the server pushes new mail (IDLE).
    pub fn has_idle(&self) -> bool {
        self.idle
    }

    fn drain_unsolicited(&mut self) {
        while self.session.unsolicited_responses.try_recv().is_ok() {}
    }

    /// The UIDs above `last_uid`, lowest first, at most `limit`.
    pub async fn new_uids(
        &mut self,
        last_uid: u32,
        limit: usize,
    ) -> Result<Vec<u32>, TransportError> {
        let query = format!("UID {}:*", last_uid.saturating_add(1));
        let found = within(
            self.settings.timeout,
            "UID SEARCH",
            self.session.uid_search(query),
        )
        .await?;
        self.drain_unsolicited();
        let mut uids: Vec<u32> = found.into_iter().filter(|u| *u > last_uid).collect();
        uids.sort_unstable();
        uids.truncate(limit);
        Ok(uids)
    }

    /// Fetches whole messages by UID, without marking them seen.
    pub async fn fetch(&mut self, uids: &[u32]) -> Result<Vec<(u32, Vec<u8>)>, TransportError> {
        if uids.is_empty() {
            return Ok(Vec::new());
        }
        let set = uid_set(uids);
        let timeout = self.settings.timeout * 4;
        let fetched: Vec<async_imap::types::Fetch> = within(timeout, "UID FETCH", async {
            self.session
                .uid_fetch(&set, "(UID BODY.PEEK[])")
                .await?
                .try_collect()
                .await
        })
        .await?;
        self.drain_unsolicited();
        let mut out: Vec<(u32, Vec<u8>)> = fetched
            .iter()
            .filter_map(|f| Some((f.uid?, f.body()?.to_vec())))
            .filter(|(uid, _)| uids.contains(uid))
            .collect();
        out.sort_by_key(|(uid, _)| *uid);
        Ok(out)
    }

    /// Marks messages processed as configured (seen, moved or deleted).
    pub async fn mark_processed(&mut self, uids: &[u32]) -> Result<(), TransportError> {
        if uids.is_empty() {
            return Ok(());
        }
        let set = uid_set(uids);
        let timeout = self.settings.timeout;
        match self.settings.after.clone() {
            AfterProcessing::Seen => {
                within(timeout, "UID STORE", async {
                    self.session
                        .uid_store(&set, "+FLAGS.SILENT (\\Seen)")
                        .await?
                        .try_collect::<Vec<_>>()
                        .await
                })
                .await?;
            }
            AfterProcessing::Move(folder) if self.can_move => {
                within(timeout, "UID MOVE", self.session.uid_mv(&set, &folder)).await?;
            }
            AfterProcessing::Move(folder) => {
                within(timeout, "UID COPY", self.session.uid_copy(&set, &folder)).await?;
                self.delete(&set).await?;
            }
            AfterProcessing::Delete => self.delete(&set).await?,
        }
        self.drain_unsolicited();
        Ok(())
    }

    async fn delete(&mut self, set: &str) -> Result<(), TransportError> {
        let timeout = self.settings.timeout;
        within(timeout, "UID STORE", async {
            self.session
                .uid_store(set, "+FLAGS.SILENT (\\Deleted)")
                .await?
                .try_collect::<Vec<_>>()
                .await
        })
        .await?;
        within(timeout, "EXPUNGE", async {
            self.session.expunge().await?.try_collect::<Vec<_>>().await
        })
        .await?;
        Ok(())
    }

    /// Waits until the server reports new mail (IDLE) or `wait` passes.
    /// Without IDLE it just sleeps for `wait` (polling).
    pub async fn wait_for_mail(self, wait: Duration) -> Result<Self, TransportError> {
        if !self.idle {
            tokio::time::sleep(wait).await;
            let mut this = self;
            within(this.settings.timeout, "NOOP", this.session.noop()).await?;
            return Ok(this);
        }
        let Self {
            session,
            settings,
            idle,
            can_move,
            uid_validity,
        } = self;
        let mut handle = session.idle();
        within(settings.timeout, "IDLE", handle.init()).await?;
        let (waiting, stop) = handle.wait_with_timeout(wait);
        let result = waiting.await;
        drop(stop);
        result?;
        let session = within(settings.timeout, "DONE", handle.done()).await?;
        let mut this = Self {
            session,
            settings,
            idle,
            can_move,
            uid_validity,
        };
        this.drain_unsolicited();
        Ok(this)
    }

    /// Logs out politely.
    pub async fn logout(mut self) {
        let _ = within(self.settings.timeout, "LOGOUT", self.session.logout()).await;
    }
}

/// A UID set like `3,5:7,9`.
fn uid_set(uids: &[u32]) -> String {
    let mut sorted = uids.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut parts = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let start = sorted[i];
        let mut end = start;
        while i + 1 < sorted.len() && sorted[i + 1] == end + 1 {
            i += 1;
            end = sorted[i];
        }
        parts.push(if start == end {
            start.to_string()
        } else {
            format!("{start}:{end}")
        });
        i += 1;
    }
    parts.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uid_sets_are_compact() {
        assert_eq!(uid_set(&[9, 3, 5, 6, 7, 7]), "3,5:7,9");
        assert_eq!(uid_set(&[1]), "1");
    }

    #[test]
    fn after_processing_parses() {
        assert_eq!("seen".parse(), Ok(AfterProcessing::Seen));
        assert_eq!(
            "move:Processed".parse(),
            Ok(AfterProcessing::Move("Processed".into()))
        );
        assert!("move:".parse::<AfterProcessing>().is_err());
        assert!("archive".parse::<AfterProcessing>().is_err());
    }
}
