//! Attachment bytes, content-addressed: stored once under their SHA-256 in
//! an object store (a local folder by default; anything `object_store`
//! speaks, such as S3, for several servers). The same file sent twice is
//! kept once, and writing a blob that exists is a no-op, so intake can put
//! blobs before its database transaction without leaving duplicates.

use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutMode, PutOptions};
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// Why a blob could not be stored or read.
#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    /// No blob with that hash.
    #[error("attachment content {0} not found")]
    NotFound(String),
    /// The hash is not 64 hex characters.
    #[error("{0:?} is not a SHA-256")]
    BadHash(String),
    /// The folder could not be made.
    #[error("attachment folder: {0}")]
    Io(#[from] std::io::Error),
    /// The object store failed.
    #[error("attachment store: {0}")]
    Store(#[from] object_store::Error),
}

/// Where attachment bytes live.
#[derive(Clone, Debug)]
pub struct Blobs {
    inner: Arc<dyn ObjectStore>,
}

/// SHA-256 of some bytes, hex.
pub fn sha256_hex(data: &[u8]) -> String {
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn location(sha256: &str) -> Result<Path, BlobError> {
    if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(BlobError::BadHash(sha256.to_string()));
    }
    Ok(Path::from(format!(
        "sha256/{}/{}/{}",
        &sha256[..2],
        &sha256[2..4],
        sha256
    )))
}

impl Blobs {
    /// Blobs in a local folder (created if missing).
    pub fn filesystem(dir: &std::path::Path) -> Result<Self, BlobError> {
        std::fs::create_dir_all(dir)?;
        let store = object_store::local::LocalFileSystem::new_with_prefix(dir)?;
        Ok(Self {
            inner: Arc::new(store),
        })
    }

    /// Blobs in memory (tests and throw-away runs).
    pub fn in_memory() -> Self {
        Self {
            inner: Arc::new(object_store::memory::InMemory::new()),
        }
    }

    /// Blobs in any object store.
    pub fn new(store: Arc<dyn ObjectStore>) -> Self {
        Self { inner: store }
    }

    /// Stores bytes; returns their SHA-256. Storing the same bytes again does nothing.
    pub async fn put(&self, data: &[u8]) -> Result<String, BlobError> {
        let sha256 = sha256_hex(data);
        let path = location(&sha256)?;
        let options = PutOptions {
            mode: PutMode::Create,
            ..PutOptions::default()
        };
        match self
            .inner
            .put_opts(&path, data.to_vec().into(), options)
            .await
        {
            Ok(_) | Err(object_store::Error::AlreadyExists { .. }) => Ok(sha256),
            Err(e) => Err(e.into()),
        }
    }

    /// Reads bytes back by their SHA-256.
    pub async fn get(&self, sha256: &str) -> Result<Vec<u8>, BlobError> {
        let path = location(sha256)?;
        match self.inner.get(&path).await {
            Ok(result) => Ok(result.bytes().await?.to_vec()),
            Err(object_store::Error::NotFound { .. }) => {
                Err(BlobError::NotFound(sha256.to_string()))
            }
            Err(e) => Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn blobs_are_content_addressed_on_disk() -> Result<(), BlobError> {
        let dir = std::env::temp_dir().join(format!("rapport-blobs-{}", std::process::id()));
        let blobs = Blobs::filesystem(&dir)?;
        let a = blobs.put(b"photo of a broken lamp").await?;
        let again = blobs.put(b"photo of a broken lamp").await?;
        assert_eq!(a, again);
        assert_eq!(a, sha256_hex(b"photo of a broken lamp"));
        assert!(
            dir.join("sha256")
                .join(&a[..2])
                .join(&a[2..4])
                .join(&a)
                .exists()
        );
        assert_eq!(blobs.get(&a).await?, b"photo of a broken lamp");
        assert!(matches!(
            blobs.get(&sha256_hex(b"other")).await,
            Err(BlobError::NotFound(_))
        ));
        assert!(matches!(
            blobs.get("../../etc/passwd").await,
            Err(BlobError::BadHash(_))
        ));
        let _ = std::fs::remove_dir_all(&dir);
        Ok(())
    }
}
