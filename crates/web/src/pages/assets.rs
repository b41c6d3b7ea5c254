//! The stylesheet and script of the pages: files in the repo, embedded in
//! the binary, served under names carrying a hash of their content with a
//! year-long immutable cache lifetime (a new build gets new names).

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::sync::LazyLock;

/// One embedded file and the name it is served under.
pub struct Asset {
    /// `/assets/<stem>-<hash>.<ext>`.
    pub path: String,
    /// The bytes.
    pub body: &'static str,
    /// Its content type.
    pub content_type: &'static str,
}

fn asset(stem: &str, ext: &str, body: &'static str, content_type: &'static str) -> Asset {
    let hash = rapport_core::hex::sha256(body.as_bytes());
    Asset {
        path: format!("/assets/{stem}-{}.{ext}", &hash[..16]),
        body,
        content_type,
    }
}

/// The stylesheet of every page.
pub static CSS: LazyLock<Asset> = LazyLock::new(|| {
    asset(
        "rapport",
        "css",
        include_str!("../../assets/rapport.css"),
        "text/css; charset=utf-8",
    )
});

/// The workspace's script (shortcuts, live list), after the live-list
/// function it shares with the portal.
pub static JS: LazyLock<Asset> = LazyLock::new(|| {
    asset(
        "workspace",
        "js",
        concat!(
            include_str!("../../assets/live.js"),
            include_str!("../../assets/workspace.js")
        ),
        "text/javascript; charset=utf-8",
    )
});

/// The portal's script (its live ticket list), after the live-list
/// function it shares with the workspace.
pub static PORTAL_JS: LazyLock<Asset> = LazyLock::new(|| {
    asset(
        "portal",
        "js",
        concat!(
            include_str!("../../assets/live.js"),
            include_str!("../../assets/portal.js")
        ),
        "text/javascript; charset=utf-8",
    )
});

/// Serves an asset by its hashed name; any other name is a 404.
pub async fn serve(Path(name): Path<String>) -> Response {
    let wanted = format!("/assets/{name}");
    for asset in [&*CSS, &*JS, &*PORTAL_JS] {
        if asset.path == wanted {
            return (
                [
                    (
                        header::CONTENT_TYPE,
                        HeaderValue::from_static(asset.content_type),
                    ),
                    (
                        header::CACHE_CONTROL,
                        HeaderValue::from_static("public, max-age=31536000, immutable"),
                    ),
                ],
                asset.body,
            )
                .into_response();
        }
    }
    StatusCode::NOT_FOUND.into_response()
}
