//! The index's fields and text analysis.
//!
//! One document per ticket: its subject, the visible text of its messages,
//! the names and addresses of its customer and of every sender, its tags and
//! the file names of its attachments, plus the fields the filters read.

use crate::pairs::WordPairs;
use tantivy::Index;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language as StemLanguage, LowerCaser, RemoveLongFilter, SimpleTokenizer,
    Stemmer, TextAnalyzer,
};

/// The stemmed, folded analyzer's name.
const STEMMED: &str = "rapport_stemmed";
/// The folded analyzer without stemming (names and addresses).
const FOLDED: &str = "rapport_folded";
/// The stemmed analyzer's pairs of adjacent words (see [`crate::pairs`]).
const PAIRS: &str = "rapport_word_pairs";

/// The language whose stemming rules apply to subjects and message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    /// English (the default).
    #[default]
    English,
    /// French.
    French,
    /// German.
    German,
    /// Spanish.
    Spanish,
    /// Portuguese.
    Portuguese,
    /// Italian.
    Italian,
    /// Dutch.
    Dutch,
    /// Swedish.
    Swedish,
}

/// A language name that is not supported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a supported search language (english, french, german, spanish, portuguese, italian, dutch, swedish)"
)]
pub struct UnknownLanguage(pub String);

impl std::str::FromStr for Language {
    type Err = UnknownLanguage;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "english" | "en" => Language::English,
            "french" | "fr" => Language::French,
            "german" | "de" => Language::German,
            "spanish" | "es" => Language::Spanish,
            "portuguese" | "pt" => Language::Portuguese,
            "italian" | "it" => Language::Italian,
            "dutch" | "nl" => Language::Dutch,
            "swedish" | "sv" => Language::Swedish,
            _ => return Err(UnknownLanguage(s.to_string())),
        })
    }
}

impl Language {
    pub(crate) fn stemmer(self) -> StemLanguage {
        match self {
            Language::English => StemLanguage::English,
            Language::French => StemLanguage::French,
            Language::German => StemLanguage::German,
            Language::Spanish => StemLanguage::Spanish,
            Language::Portuguese => StemLanguage::Portuguese,
            Language::Italian => StemLanguage::Italian,
            Language::Dutch => StemLanguage::Dutch,
            Language::Swedish => StemLanguage::Swedish,
        }
    }
}

/// The fields of a ticket document.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// The ticket's id (u64).
    pub id: Field,
    /// The subject, stemmed and stored (snippets).
    pub subject: Field,
    /// Every public message's visible text, stemmed and stored (snippets).
    pub body: Field,
    /// The subject's adjacent word pairs (no positions).
    pub subject_pairs: Field,
    /// The messages' adjacent word pairs (no positions).
    pub body_pairs: Field,
    /// Internal notes' text and their files' names, stemmed and stored:
    /// agents search them, customers never do.
    pub notes: Field,
    /// The notes' adjacent word pairs (no positions).
    pub notes_pairs: Field,
    /// Names and addresses of the customer and the senders.
    pub people: Field,
    /// Tags and attachment file names, stemmed.
    pub extra: Field,
    /// The customer's names and addresses (`customer:`).
    pub customer: Field,
    /// Senders' names (`from:Ana`).
    pub from_name: Field,
    /// Senders' addresses, lowercased, untokenized (`from:ana@example.net`).
    pub from_addr: Field,
    /// Tags, lowercased, untokenized (`tag:`).
    pub tag: Field,
    /// The status's stored name (`status:`).
    pub status: Field,
    /// The team's id, 0 for none.
    pub team: Field,
    /// Status and team together (`open/3`, see [`status_team_key`]): a
    /// team's tickets in one status are one posting list.
    pub status_team: Field,
    /// The owner's id, 0 for none.
    pub owner: Field,
    /// The customer's id (the portal's scope).
    pub customer_id: Field,
    /// 1 when some message has an attachment.
    pub has_attachment: Field,
    /// Creation instant (UTC µs).
    pub created_at: Field,
    /// Last change (UTC µs): the recency tie-breaker and the date sort.
    pub updated_at: Field,
    /// When the earliest running response target falls due (UTC µs);
    /// [`NO_DUE`] when no clock runs (`due:`, `breached:`).
    pub due_at: Field,
}

/// The `status_team` term of a status's stored name and a team id (0 for
/// no team).
pub(crate) fn status_team_key(status: &str, team: i64) -> String {
    format!("{status}/{team}")
}

/// `due_at` of a ticket with no running response target: after every instant.
pub(crate) const NO_DUE: i64 = i64::MAX;

/// Builds the schema.
pub(crate) fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |analyzer: &str, stored: bool| {
        let opts = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analyzer)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        if stored { opts.set_stored() } else { opts }
    };
    // Pairs answer two-word phrases by themselves and narrow longer ones,
    // whose positions come from the word fields: frequencies are enough.
    let pairs = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(PAIRS)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields = Fields {
        id: b.add_u64_field("id", INDEXED | STORED | FAST),
        subject: b.add_text_field("subject", text(STEMMED, true)),
        body: b.add_text_field("body", text(STEMMED, true)),
        subject_pairs: b.add_text_field("subject_word_pairs", pairs.clone()),
        body_pairs: b.add_text_field("body_word_pairs", pairs.clone()),
        notes: b.add_text_field("notes", text(STEMMED, true)),
        notes_pairs: b.add_text_field("notes_word_pairs", pairs),
        people: b.add_text_field("people", text(FOLDED, false)),
        extra: b.add_text_field("extra", text(STEMMED, false)),
        customer: b.add_text_field("customer", text(FOLDED, false)),
        from_name: b.add_text_field("from_name", text(FOLDED, false)),
        from_addr: b.add_text_field("from_addr", STRING),
        tag: b.add_text_field("tag", STRING),
        status: b.add_text_field("status", STRING | STORED),
        team: b.add_u64_field("team", INDEXED),
        status_team: b.add_text_field("status_team", STRING),
        owner: b.add_u64_field("owner", INDEXED),
        customer_id: b.add_u64_field("customer_id", INDEXED),
        has_attachment: b.add_u64_field("has_attachment", INDEXED),
        created_at: b.add_i64_field("created_at", INDEXED | FAST),
        updated_at: b.add_i64_field("updated_at", INDEXED | FAST | STORED),
        due_at: b.add_i64_field("due_at", INDEXED | FAST),
    };
    (b.build(), fields)
}

/// Registers the analyzers on an index.
pub(crate) fn register(index: &Index, language: Language) {
    let stemmed = || {
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(48))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(language.stemmer()))
    };
    let pairs = stemmed().filter(WordPairs).build();
    let stemmed = stemmed().build();
    let folded = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(48))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build();
    index.tokenizers().register(STEMMED, stemmed);
    index.tokenizers().register(FOLDED, folded);
    index.tokenizers().register(PAIRS, pairs);
}
