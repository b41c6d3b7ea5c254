//! Attachment bytes, content-addressed: stored once under their SHA-256 in
//! an object store (a local folder by default; anything `object_store`
//! speaks, such as S3, for several servers). The same file sent twice is
//! kept once, and writing a blob that exists is a no-op, so intake can put
//! blobs before its database transaction without leaving duplicates.

use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt};
use rapport_core::hex;
use std::sync::Arc;

/// Why a blob could not be stored or read.
#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    /// No blob with that hash.
    #[error("attachment content {0} not found")]
    NotFound(String),
    /// The location cannot be used.
    #[error("attachment store {0}")]
    Location(String),
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

    /// Blobs at a location: a folder path, `file:///path`, or (built with the
    /// `s3` feature) `s3://bucket/prefix`, with credentials, region and
    /// endpoint from the usual `AWS_*` environment variables.
    pub fn from_location(location: &str) -> Result<Self, BlobError> {
        if let Some(rest) = location.strip_prefix("s3://") {
            return s3(rest);
        }
        let path = location.strip_prefix("file://").unwrap_or(location);
        Self::filesystem(std::path::Path::new(path))
    }

    /// Blobs in any object store.
    pub fn new(store: Arc<dyn ObjectStore>) -> Self {
        Self { inner: store }
    }

    /// Stores bytes; returns their SHA-256. Storing the same bytes again does nothing.
    pub async fn put(&self, data: &[u8]) -> Result<String, BlobError> {
        let sha256 = hex::sha256(data);
        let path = location(&sha256)?;
        match self.inner.head(&path).await {
            Ok(_) => return Ok(sha256),
            Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => return Err(e.into()),
        }
        // Two writers racing here write the same bytes under the same name.
        self.inner.put(&path, data.to_vec().into()).await?;
        Ok(sha256)
    }

    /// Stores bytes whose SHA-256 the caller computed (off the async
    /// workers), without copying them. Storing the same bytes again does nothing.
    pub async fn put_hashed(&self, sha256: &str, data: bytes::Bytes) -> Result<(), BlobError> {
        let path = location(sha256)?;
        match self.inner.head(&path).await {
            Ok(_) => return Ok(()),
            Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => return Err(e.into()),
        }
        self.inner.put(&path, data.into()).await?;
        Ok(())
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

/// An S3 bucket (and optional key prefix) as the blob store.
#[cfg(feature = "s3")]
fn s3(bucket_and_prefix: &str) -> Result<Blobs, BlobError> {
    let (bucket, prefix) = bucket_and_prefix
        .split_once('/')
        .unwrap_or((bucket_and_prefix, ""));
    if bucket.is_empty() {
        return Err(BlobError::Location("s3:// needs a bucket name".into()));
    }
    let store = object_store::aws::AmazonS3Builder::from_env()
        .with_bucket_name(bucket)
        .build()?;
    let prefix = prefix.trim_matches('/');
    Ok(Blobs {
        inner: if prefix.is_empty() {
            Arc::new(store)
        } else {
            Arc::new(object_store::prefix::PrefixStore::new(store, prefix))
        },
    })
}

#[cfg(not(feature = "s3"))]
fn s3(_: &str) -> Result<Blobs, BlobError> {
    Err(BlobError::Location(
        "s3:// needs a build with S3 support: cargo build --release --features s3".into(),
    ))
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
        assert_eq!(a, hex::sha256(b"photo of a broken lamp"));
        assert!(
            dir.join("sha256")
                .join(&a[..2])
                .join(&a[2..4])
                .join(&a)
                .exists()
        );
        assert_eq!(blobs.get(&a).await?, b"photo of a broken lamp");
        assert!(matches!(
            blobs.get(&hex::sha256(b"other")).await,
            Err(BlobError::NotFound(_))
        ));
        assert!(matches!(
            blobs.get("../../etc/passwd").await,
            Err(BlobError::BadHash(_))
        ));
        let _ = std::fs::remove_dir_all(&dir);
        Ok(())
    }

    /// Against an S3-compatible server named by `RAPPORT_TEST_S3` (a bucket
    /// location such as `s3://rapport-test/blobs`, with `AWS_*` variables
    /// for endpoint and keys); CI starts one.
    #[cfg(feature = "s3")]
    #[tokio::test]
    async fn blobs_in_s3() -> Result<(), BlobError> {
        let Ok(location) = std::env::var("RAPPORT_TEST_S3") else {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI=true but RAPPORT_TEST_S3 names no S3 server"
            );
            eprintln!("\n!!! SKIPPED blobs_in_s3: set RAPPORT_TEST_S3 !!!\n");
            return Ok(());
        };
        let blobs = Blobs::from_location(&location)?;
        let data = format!("invoice {}", std::process::id()).into_bytes();
        let a = blobs.put(&data).await?;
        assert_eq!(blobs.put(&data).await?, a);
        assert_eq!(blobs.get(&a).await?, data);
        assert!(matches!(
            blobs.get(&hex::sha256(b"never stored")).await,
            Err(BlobError::NotFound(_))
        ));
        Ok(())
    }

    #[cfg(not(feature = "s3"))]
    #[test]
    fn s3_locations_need_the_feature() {
        assert!(matches!(
            Blobs::from_location("s3://bucket/x"),
            Err(BlobError::Location(_))
        ));
    }
}
