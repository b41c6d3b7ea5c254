//! What the HTTP layer adds to the rate limits of `rapport-app`: the
//! client's address (from the socket, or from `X-Forwarded-For` when the
//! peer is a trusted proxy) and a `Retry-After` header on every 429.

use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use rapport_app::AppError;
use rapport_app::client::client_address;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

/// The client's address; none when the server was not started with
/// connection info (tests calling the router directly).
pub struct ClientAddr(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(ConnectInfo(peer)) = parts.extensions.get::<ConnectInfo<SocketAddr>>() else {
            return Ok(ClientAddr(None));
        };
        let forwarded: Vec<&str> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        let trusted = &state.app.config().security.trusted_proxies;
        Ok(ClientAddr(Some(client_address(
            peer.ip(),
            &forwarded,
            trusted,
        ))))
    }
}

/// An error response that tells a throttled client when to come back.
#[derive(Debug)]
pub struct Refusal {
    error: ApiError,
    retry_after_secs: Option<u64>,
}

impl From<AppError> for Refusal {
    fn from(error: AppError) -> Self {
        let retry_after_secs = match &error {
            AppError::Throttled {
                retry_after_secs, ..
            } => Some(*retry_after_secs),
            _ => None,
        };
        Self {
            error: error.into(),
            retry_after_secs,
        }
    }
}

impl From<ApiError> for Refusal {
    fn from(error: ApiError) -> Self {
        Self {
            error,
            retry_after_secs: None,
        }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let mut response = self.error.into_response();
        if let Some(secs) = self.retry_after_secs {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs.max(1)));
        }
        response
    }
}
