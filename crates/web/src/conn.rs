//! The one error shape for the errors hyper answers by itself.
//!
//! A request hyper cannot parse never reaches the router: a space or a
//! control character in the URL or a malformed header (400), a URL over
//! 64 KiB (414), headers over its buffer (431). hyper writes the status
//! line and an empty body itself, then closes the connection, and offers no
//! hook to change that. So each connection is wrapped: when hyper writes a
//! response head that is exactly such an automatic answer (one of those
//! statuses, `content-length: 0`, nothing after the head), the wrapper
//! writes the same head with the JSON body of [`ApiError::for_status`]
//! instead. Rapport's own error responses always have a body, so they are
//! never mistaken for one; everything else passes through untouched.

use crate::error::ApiError;
use axum::http::StatusCode;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// A TCP listener whose connections are [`ShapedIo`].
pub(crate) struct ShapedListener(pub TcpListener);

impl axum::serve::Listener for ShapedListener {
    type Io = ShapedIo<TcpStream>;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let (io, addr) = axum::serve::Listener::accept(&mut self.0).await;
        (ShapedIo::new(io), addr)
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.0.local_addr()
    }
}

/// The peer of a connection, as the rate limits want it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Peer(pub std::net::SocketAddr);

impl axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, ShapedListener>>
    for Peer
{
    fn connect_info(stream: axum::serve::IncomingStream<'_, ShapedListener>) -> Self {
        Peer(*stream.remote_addr())
    }
}

/// Hands the connection's peer to the handlers as `ConnectInfo<SocketAddr>`.
pub(crate) async fn peer_address(mut request: axum::extract::Request) -> axum::extract::Request {
    let peer = request
        .extensions()
        .get::<axum::extract::ConnectInfo<Peer>>()
        .map(|info| (info.0).0);
    if let Some(peer) = peer {
        request
            .extensions_mut()
            .insert(axum::extract::ConnectInfo(peer));
    }
    request
}

/// A replacement being written in place of the bytes hyper handed over.
struct Replacement {
    bytes: Vec<u8>,
    written: usize,
    /// How many bytes hyper is told were written once the replacement is out.
    reported: usize,
}

/// A connection that gives hyper's automatic error responses a JSON body.
pub(crate) struct ShapedIo<S> {
    inner: S,
    replacing: Option<Replacement>,
}

impl<S> ShapedIo<S> {
    fn new(inner: S) -> Self {
        Self {
            inner,
            replacing: None,
        }
    }
}

/// The shaped form of `head` when it is one of hyper's automatic error
/// responses: the same head with a JSON content type and body.
pub(crate) fn shaped(head: &[u8]) -> Option<Vec<u8>> {
    let status = match head.get(..12)? {
        b"HTTP/1.1 400" | b"HTTP/1.0 400" => StatusCode::BAD_REQUEST,
        b"HTTP/1.1 414" | b"HTTP/1.0 414" => StatusCode::URI_TOO_LONG,
        b"HTTP/1.1 431" | b"HTTP/1.0 431" => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
        _ => return None,
    };
    let end = head.windows(4).position(|w| w == b"\r\n\r\n")?;
    if end + 4 != head.len() {
        return None;
    }
    let lines = std::str::from_utf8(&head[..end]).ok()?;
    let mut out = String::with_capacity(head.len() + 256);
    let mut empty = false;
    for line in lines.split("\r\n") {
        if line.eq_ignore_ascii_case("content-length: 0") {
            empty = true;
        } else {
            out.push_str(line);
            out.push_str("\r\n");
        }
    }
    if !empty {
        return None;
    }
    let body = serde_json::to_string(&ApiError::for_status(status).body()).ok()?;
    out.push_str("content-type: application/json\r\n");
    out.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
    out.push_str(&body);
    Some(out.into_bytes())
}

impl<S: AsyncWrite + Unpin> ShapedIo<S> {
    /// Writes the replacement under way; ready with the length to report.
    fn poll_replacement(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let Some(r) = self.replacing.as_mut() else {
            return Poll::Ready(Ok(0));
        };
        while r.written < r.bytes.len() {
            match ready!(Pin::new(&mut self.inner).poll_write(cx, &r.bytes[r.written..])) {
                Ok(0) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Ok(n) => r.written += n,
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
        let reported = r.reported;
        self.replacing = None;
        Poll::Ready(Ok(reported))
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for ShapedIo<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for ShapedIo<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.replacing.is_none() {
            match shaped(buf) {
                Some(bytes) => {
                    self.replacing = Some(Replacement {
                        bytes,
                        written: 0,
                        reported: buf.len(),
                    })
                }
                None => return Pin::new(&mut self.inner).poll_write(cx, buf),
            }
        }
        self.poll_replacement(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let mut filled = bufs.iter().filter(|b| !b.is_empty());
        match (self.replacing.is_some(), filled.next(), filled.next()) {
            (true, _, _) => self.poll_replacement(cx),
            (false, Some(one), None) => self.poll_write(cx, one),
            _ => Pin::new(&mut self.inner).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::shaped;

    #[test]
    fn only_hypers_bare_error_heads_are_shaped() {
        let bare = b"HTTP/1.1 414 URI Too Long\r\nconnection: close\r\ncontent-length: 0\r\ndate: Thu, 03 Dec 2026 09:49:43 GMT\r\n\r\n";
        let out = String::from_utf8(shaped(bare).unwrap_or_default()).unwrap_or_default();
        assert!(out.starts_with("HTTP/1.1 414 URI Too Long\r\nconnection: close\r\ndate: "));
        assert!(out.contains("content-type: application/json\r\n"));
        assert!(!out.contains("content-length: 0\r\n"));
        let (head, body) = out.split_once("\r\n\r\n").unwrap_or_default();
        assert!(head.ends_with(&format!("content-length: {}", body.len())));
        assert!(body.contains("\"code\":\"uri_too_long\""), "{body}");
        // Rapport's own errors have a body; other statuses and heads followed by a body pass.
        assert!(shaped(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 12\r\n\r\n").is_none());
        assert!(shaped(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").is_none());
        assert!(
            shaped(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\nHTTP/1.1 200").is_none()
        );
        assert!(
            shaped(b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\n\r\n")
                .is_some()
        );
    }
}
