//! The index on disk: where it lives, how it is written, and the atomic
//! swap to a rebuilt one.
//!
//! ```text
//! <data-dir>/search/CURRENT        the name of the index being served
//! <data-dir>/search/index-<n>/     tantivy's files
//! <data-dir>/search/building-<n>/  a rebuild in progress
//! ```
//!
//! A rebuild writes `building-<n>`, renames it `index-<n>` and then replaces
//! `CURRENT` by renaming a temporary file over it, so a reader sees the old
//! index or the new one, never half of either. Each commit carries a
//! [`Watermark`] in tantivy's commit payload: the change feed position the
//! index holds, saved atomically with the documents.

use crate::SearchError;
use crate::doc::TicketDoc;
use crate::schema::{self, Fields, Language};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use tantivy::directory::MmapDirectory;
use tantivy::index::SegmentId;
use tantivy::indexer::{IndexWriterOptions, NoMergePolicy};
use tantivy::{Index, IndexReader, IndexSettings, IndexWriter, ReloadPolicy, Term};

/// The bytes of stored text compressed together. A hit's snippet reads
/// its ticket's block whole, so small blocks keep that cheap (tantivy's
/// default of 16 KiB made decompression the top cost of a search); an
/// index keeps the size it was created with.
const DOCSTORE_BLOCK: usize = 4 * 1024;

/// The memory a writer may buffer before it flushes a segment.
const WRITER_BUDGET: usize = 64 * 1024 * 1024;
/// The most bytes of segments one merge at the end of a rebuild reads: a
/// merge maps its input segments whole, and the mapped pages count in the
/// process's resident memory, so a rebuild of a large index ends with a few
/// segments of about this size rather than one (1M tickets: four or five).
const MERGE_BYTES: u64 = 256 * 1024 * 1024;

/// The file in an index's directory that names the language its words
/// were stemmed for; an index of another language than the configured one
/// is replaced by a new one to rebuild.
pub const LANGUAGE_FILE: &str = "rapport-language";

/// Fails when the index in `path` was built for another language than
/// `language`; records `language` when nothing is recorded (a new index,
/// or one from a release that did not record it, taken to be of the
/// configured language).
fn check_language(path: &Path, language: Language) -> Result<(), SearchError> {
    let file = path.join(LANGUAGE_FILE);
    match std::fs::read_to_string(&file) {
        Ok(built) if built.trim() == language.as_str() => Ok(()),
        Ok(built) => Err(SearchError::OtherLanguage {
            built: built.trim().to_string(),
            configured: language,
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::write(&file, language.as_str()).map_err(|e| SearchError::io(&file, e))
        }
        Err(e) => Err(SearchError::io(&file, e)),
    }
}

/// How far the change feed has been applied, saved with each commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Watermark {
    /// Every change row with an id at or below this has been applied.
    pub upto: i64,
    /// When the commit was made (UTC µs); an index older than the change
    /// feed's retention must be rebuilt.
    pub at: i64,
}

/// One opened index: reader and writer.
pub(crate) struct Opened {
    pub(crate) name: String,
    pub(crate) index: Index,
    pub(crate) reader: IndexReader,
    pub(crate) writer: Mutex<IndexWriter>,
    pub(crate) fields: Fields,
    /// The language the text fields are stemmed for.
    pub(crate) language: Language,
}

impl Opened {
    fn open(path: &Path, name: String, language: Language) -> Result<Opened, SearchError> {
        Self::open_with(path, name, language, false)
    }

    /// Opens for serving, or for a rebuild (`bulk`): no merges while the
    /// documents arrive (each would re-read what was just written; the
    /// rebuild merges once at its end) and one merge thread.
    fn open_with(
        path: &Path,
        name: String,
        language: Language,
        bulk: bool,
    ) -> Result<Opened, SearchError> {
        std::fs::create_dir_all(path).map_err(|e| SearchError::io(path, e))?;
        check_language(path, language)?;
        let (schema, fields) = schema::schema();
        let dir = MmapDirectory::open(path)?;
        let index = Index::builder()
            .schema(schema)
            .settings(IndexSettings {
                docstore_blocksize: DOCSTORE_BLOCK,
                ..IndexSettings::default()
            })
            .open_or_create(dir)?;
        schema::register(&index, language);
        let writer: IndexWriter = index.writer_with_options(
            IndexWriterOptions::builder()
                .memory_budget_per_thread(WRITER_BUDGET)
                .num_worker_threads(1)
                .num_merge_threads(1)
                .build(),
        )?;
        if bulk {
            writer.set_merge_policy(Box::new(NoMergePolicy));
        }
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            // Hits land on random blocks: a cache of them rarely serves one.
            .doc_store_cache_num_blocks(0)
            .try_into()?;
        Ok(Opened {
            name,
            index,
            reader,
            writer: Mutex::new(writer),
            fields,
            language,
        })
    }

    fn watermark(&self) -> Result<Option<Watermark>, SearchError> {
        let metas = self.index.load_metas()?;
        Ok(metas
            .payload
            .as_deref()
            .and_then(|p| serde_json::from_str(p).ok()))
    }

    /// Replaces the documents of these tickets and removes `gone`, then
    /// commits with the watermark and makes the result visible.
    fn apply(&self, docs: &[TicketDoc], gone: &[i64], mark: Watermark) -> Result<(), SearchError> {
        let mut writer = self.writer.lock().map_err(|_| SearchError::Poisoned)?;
        for id in gone.iter().copied().chain(docs.iter().map(|d| d.id)) {
            writer.delete_term(Term::from_field_u64(self.fields.id, id as u64));
        }
        for doc in docs {
            writer.add_document(doc.to_document(&self.fields))?;
        }
        let payload =
            serde_json::to_string(&mark).map_err(|e| SearchError::Corrupt(e.to_string()))?;
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&payload);
        prepared.commit()?;
        drop(writer);
        self.reader.reload()?;
        Ok(())
    }
}

/// The served index of a data directory, swapped whole when a rebuild lands.
#[derive(Clone)]
pub struct SearchIndex {
    root: PathBuf,
    language: Language,
    current: Arc<RwLock<Arc<Opened>>>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("root", &self.root)
            .finish_non_exhaustive()
    }
}

/// The name `CURRENT` holds, if any.
fn read_current(root: &Path) -> Result<Option<String>, SearchError> {
    let path = root.join("CURRENT");
    match std::fs::read_to_string(&path) {
        Ok(s) => {
            let name = s.trim().to_string();
            let valid = name.starts_with("index-")
                && name[6..].bytes().all(|b| b.is_ascii_digit())
                && root.join(&name).is_dir();
            Ok(valid.then_some(name))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(SearchError::io(&path, e)),
    }
}

/// Points `CURRENT` at `name` atomically (write a temporary file, rename it).
fn write_current(root: &Path, name: &str) -> Result<(), SearchError> {
    let tmp = root.join("CURRENT.tmp");
    std::fs::write(&tmp, name).map_err(|e| SearchError::io(&tmp, e))?;
    let path = root.join("CURRENT");
    std::fs::rename(&tmp, &path).map_err(|e| SearchError::io(&path, e))
}

/// A name for a new index, later than any existing one.
fn next_number(root: &Path) -> Result<u64, SearchError> {
    let mut max = 0;
    let entries = std::fs::read_dir(root).map_err(|e| SearchError::io(root, e))?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let n = name
            .strip_prefix("index-")
            .or_else(|| name.strip_prefix("building-"))
            .and_then(|n| n.parse::<u64>().ok());
        max = max.max(n.unwrap_or(0));
    }
    Ok(max + 1)
}

impl SearchIndex {
    /// Opens the index `<root>/CURRENT` names, creating an empty one when
    /// there is none; removes indexes a swap left behind. Returns whether
    /// it was created (and so needs a rebuild).
    pub fn open(root: &Path, language: Language) -> Result<(SearchIndex, bool), SearchError> {
        std::fs::create_dir_all(root).map_err(|e| SearchError::io(root, e))?;
        let (name, created) = match read_current(root)? {
            Some(name) => (name, false),
            None => {
                let name = format!("index-{}", next_number(root)?);
                write_current(root, &name)?;
                (name, true)
            }
        };
        let (name, opened, created) = match Opened::open(&root.join(&name), name.clone(), language)
        {
            Ok(opened) => (name, opened, created),
            // An index written by a release with other fields, or stemmed
            // for another language than the one configured now: start a
            // new one beside it, which the caller rebuilds (the old one
            // keeps nothing this server can serve right).
            Err(
                e @ (SearchError::Index(tantivy::TantivyError::SchemaError(_))
                | SearchError::OtherLanguage { .. }),
            ) => {
                tracing::warn!(index = %name, reason = %e, "search index has other fields or another language; starting a new one");
                let name = format!("index-{}", next_number(root)?);
                let opened = Opened::open(&root.join(&name), name.clone(), language)?;
                write_current(root, &name)?;
                (name, opened, true)
            }
            Err(e) => return Err(e),
        };
        let index = SearchIndex {
            root: root.to_path_buf(),
            language,
            current: Arc::new(RwLock::new(Arc::new(opened))),
        };
        index.remove_stale(&name);
        Ok((index, created))
    }

    /// Removes `index-*` directories other than `keep` (left by swaps).
    fn remove_stale(&self, keep: &str) {
        let Ok(entries) = std::fs::read_dir(&self.root) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with("index-")
                && name != keep
                && let Err(e) = std::fs::remove_dir_all(entry.path())
            {
                tracing::warn!(index = %name, error = %e, "could not remove an old search index");
            }
        }
    }

    pub(crate) fn opened(&self) -> Result<Arc<Opened>, SearchError> {
        Ok(self
            .current
            .read()
            .map_err(|_| SearchError::Poisoned)?
            .clone())
    }

    /// The watermark of the served index (none before its first commit).
    pub fn watermark(&self) -> Result<Option<Watermark>, SearchError> {
        self.opened()?.watermark()
    }

    /// Replaces the documents of `docs`' tickets, removes the tickets in
    /// `gone`, and commits with `mark`. Blocking: call it off the async
    /// workers.
    pub fn apply(
        &self,
        docs: &[TicketDoc],
        gone: &[i64],
        mark: Watermark,
    ) -> Result<(), SearchError> {
        self.opened()?.apply(docs, gone, mark)
    }

    /// The number of tickets in the served index.
    pub fn len(&self) -> Result<u64, SearchError> {
        Ok(self.opened()?.reader.searcher().num_docs())
    }

    /// True when the served index holds no ticket.
    pub fn is_empty(&self) -> Result<bool, SearchError> {
        Ok(self.len()? == 0)
    }

    /// Bytes on disk of the served index.
    pub fn size_on_disk(&self) -> Result<u64, SearchError> {
        let name = self.opened()?.name.clone();
        let dir = self.root.join(name);
        let mut total = 0;
        for entry in std::fs::read_dir(&dir)
            .map_err(|e| SearchError::io(&dir, e))?
            .flatten()
        {
            total += entry.metadata().map(|m| m.len()).unwrap_or(0);
        }
        Ok(total)
    }

    /// Switches to the index `CURRENT` names when a rebuild (possibly by
    /// another process) replaced it; returns true when it switched.
    pub fn follow_swap(&self) -> Result<bool, SearchError> {
        let served = self.opened()?.name.clone();
        let Some(name) = read_current(&self.root)? else {
            return Ok(false);
        };
        if name == served {
            return Ok(false);
        }
        let opened = Opened::open(&self.root.join(&name), name.clone(), self.language)?;
        *self.current.write().map_err(|_| SearchError::Poisoned)? = Arc::new(opened);
        tracing::info!(index = %name, "search switched to a rebuilt index");
        self.remove_stale(&name);
        Ok(true)
    }

    /// Starts a rebuild into a new directory beside the served index.
    pub fn start_rebuild(root: &Path, language: Language) -> Result<Rebuild, SearchError> {
        std::fs::create_dir_all(root).map_err(|e| SearchError::io(root, e))?;
        // A rebuild that died leaves its directory: nothing reads it.
        if let Ok(entries) = std::fs::read_dir(root) {
            for entry in entries.flatten() {
                if entry.file_name().to_string_lossy().starts_with("building-") {
                    let _ = std::fs::remove_dir_all(entry.path());
                }
            }
        }
        let n = next_number(root)?;
        let building = root.join(format!("building-{n}"));
        let opened = Opened::open_with(&building, format!("index-{n}"), language, true)?;
        Ok(Rebuild {
            root: root.to_path_buf(),
            building,
            opened,
            added: 0,
        })
    }
}

/// A rebuild in progress: documents are added, then [`Rebuild::finish`]
/// commits and swaps it in.
pub struct Rebuild {
    root: PathBuf,
    building: PathBuf,
    opened: Opened,
    added: u64,
}

impl std::fmt::Debug for Rebuild {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rebuild")
            .field("building", &self.building)
            .field("added", &self.added)
            .finish_non_exhaustive()
    }
}

impl Rebuild {
    /// Adds tickets (blocking; the writer indexes on its own thread).
    pub fn add(&mut self, docs: &[TicketDoc]) -> Result<(), SearchError> {
        let writer = self
            .opened
            .writer
            .lock()
            .map_err(|_| SearchError::Poisoned)?;
        for doc in docs {
            writer.add_document(doc.to_document(&self.opened.fields))?;
        }
        self.added += docs.len() as u64;
        Ok(())
    }

    /// Tickets added so far.
    pub fn added(&self) -> u64 {
        self.added
    }

    /// Commits with `mark`, merges down, closes the writer, renames the
    /// directory and points `CURRENT` at it. Serving processes switch on
    /// their next [`SearchIndex::follow_swap`].
    pub fn finish(self, mark: Watermark) -> Result<PathBuf, SearchError> {
        let Rebuild {
            root,
            building,
            opened,
            ..
        } = self;
        let Opened {
            name,
            writer,
            index,
            ..
        } = opened;
        let mut writer = writer.into_inner().map_err(|_| SearchError::Poisoned)?;
        let payload =
            serde_json::to_string(&mark).map_err(|e| SearchError::Corrupt(e.to_string()))?;
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&payload);
        prepared.commit()?;
        merge_down(&index, &mut writer, &building)?;
        writer.wait_merging_threads()?;
        let target = root.join(&name);
        std::fs::rename(&building, &target).map_err(|e| SearchError::io(&target, e))?;
        write_current(&root, &name)?;
        Ok(target)
    }
}

/// Merges a rebuilt index's segments into a few of at most about
/// [`MERGE_BYTES`] each, one merge at a time (so only one merge's input is
/// mapped at once), smallest segments first. The commit payload is kept.
fn merge_down(index: &Index, writer: &mut IndexWriter, dir: &Path) -> Result<(), SearchError> {
    let mut sized: Vec<(u64, SegmentId)> = index
        .searchable_segment_metas()?
        .into_iter()
        .map(|meta| {
            let bytes = meta
                .list_files()
                .iter()
                .filter_map(|f| std::fs::metadata(dir.join(f)).ok())
                .map(|m| m.len())
                .sum();
            (bytes, meta.id())
        })
        .collect();
    sized.sort_unstable_by_key(|(bytes, _)| *bytes);
    let mut groups: Vec<Vec<SegmentId>> = Vec::new();
    let mut group: Vec<SegmentId> = Vec::new();
    let mut group_bytes = 0;
    for (bytes, id) in sized {
        if !group.is_empty() && group_bytes + bytes > MERGE_BYTES {
            groups.push(std::mem::take(&mut group));
            group_bytes = 0;
        }
        group.push(id);
        group_bytes += bytes;
    }
    groups.push(group);
    for group in groups.into_iter().filter(|g| g.len() > 1) {
        writer.merge(&group).wait()?;
    }
    Ok(())
}
