//! Rapport's search: one tantivy document per ticket (its subject, the
//! visible text of its messages, the names and addresses of its customer
//! and senders, its tags and attachment file names), the agents' query
//! language ([`query::Query`]), ranking, paging and escaped snippets.
//!
//! The index lives in `<data-dir>/search/` ([`SearchIndex`]). It knows
//! nothing of the database: the application reads the change feed, gathers
//! [`TicketDoc`]s from the store and hands them to [`SearchIndex::apply`]
//! with the feed position ([`Watermark`]), which is committed with them.
//! A rebuild ([`SearchIndex::start_rebuild`]) writes a new directory that
//! is swapped in atomically while the old one keeps serving.
//!
//! Everything here blocks (disk, CPU): callers run it off the async workers.

mod doc;
pub mod html;
mod index;
mod pairs;
pub mod query;
mod rank;
mod schema;
mod search;
mod snippet;

pub use doc::{MessageDoc, TicketDoc};
pub use index::{LANGUAGE_FILE, Rebuild, SearchIndex, Watermark};
pub use query::{Query, QueryError, QueryErrorKind};
pub use schema::{Language, UnknownLanguage};
pub use search::{Context, Hit, MAX_OFFSET, MAX_PAGE, Page, Sort};

use std::path::Path;

/// What can go wrong with the index.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SearchError {
    /// tantivy failed (disk, a corrupt segment, a lock held by another process).
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// The index directory could not be opened.
    #[error("search index directory: {0}")]
    Directory(#[from] tantivy::directory::error::OpenDirectoryError),
    /// A file operation on the index directory failed.
    #[error("search index at {path}: {source}")]
    Io {
        /// The file or directory.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The index holds something it should not.
    #[error("search index corrupt: {0}")]
    Corrupt(String),
    /// A thread panicked while holding the index.
    #[error("search index lock poisoned")]
    Poisoned,
    /// The index was built for another language than the one configured.
    #[error("search index built for {built}, configured for {configured}")]
    OtherLanguage {
        /// The language the index's words were stemmed for.
        built: String,
        /// The language configured now.
        configured: Language,
    },
}

impl SearchError {
    fn io(path: &Path, source: std::io::Error) -> Self {
        SearchError::Io {
            path: path.display().to_string(),
            source,
        }
    }
}
