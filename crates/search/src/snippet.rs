//! The message fragment shown under a hit: the window of text with the most
//! (and rarest) matched words, as tantivy's `SnippetGenerator` chooses it,
//! found without stemming every word of the ticket.
//!
//! tantivy's generator runs the field's whole analyzer (stemmer included)
//! over the text of every hit and allocates a lowercased copy of each word.
//! Here the text is split and folded with the same tokenizer, and only a
//! word that could stem to a highlighted term is stemmed: one whose folded
//! form is a term already, or, for English, one that begins with a term's
//! first two letters (English stemming rewrites a word's ending; the only
//! stems that begin otherwise come from words like "dying", handled apart).
//! The fragments, scores and marks are those of tantivy's generator (a
//! property test holds the two together).

use crate::schema::Language;
use std::collections::HashMap;
use std::ops::Range;
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer,
};

/// Picks and marks a fragment of a hit's message text.
pub(crate) struct Highlighter {
    /// Highlighted terms (analysed) and their weight, `1 / (1 + doc_freq)`.
    terms: HashMap<String, f32>,
    /// The first two bytes of every term (English only; see the module):
    /// a few, so a scan beats hashing every word of the text.
    prefixes: Option<Vec<[u8; 2]>>,
    /// Splits, lowercases and folds, as the stemmed analyzer does before
    /// it stems.
    folded: TextAnalyzer,
    /// Stems one folded word.
    stem: TextAnalyzer,
    /// The longest fragment, in bytes.
    max_len: usize,
}

/// A chosen fragment: its text and the byte ranges of its matched words.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Fragment {
    /// The fragment's text.
    pub(crate) text: String,
    /// Matched words, as byte ranges of `text`.
    pub(crate) marks: Vec<Range<usize>>,
}

/// One candidate window while scanning.
struct Window {
    score: f32,
    start: usize,
    stop: usize,
    marks: Vec<Range<usize>>,
}

impl Window {
    fn new(start: usize) -> Window {
        Window {
            score: 0.0,
            start,
            stop: start,
            marks: Vec::new(),
        }
    }
}

impl Highlighter {
    /// A highlighter for `terms` (analysed text, weight) in text stemmed
    /// for `language`, with fragments of at most `max_len` bytes.
    pub(crate) fn new(
        terms: HashMap<String, f32>,
        language: Language,
        max_len: usize,
    ) -> Highlighter {
        let prefixes = (language == Language::English).then(|| {
            let mut prefixes: Vec<[u8; 2]> = terms
                .keys()
                .filter_map(|t| t.as_bytes().first_chunk::<2>().copied())
                .collect();
            prefixes.sort_unstable();
            prefixes.dedup();
            prefixes
        });
        // A one-letter term has no two-letter prefix: stem every word.
        let prefixes = prefixes.filter(|_| terms.keys().all(|t| t.len() >= 2));
        Highlighter {
            terms,
            prefixes,
            folded: TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(RemoveLongFilter::limit(48))
                .filter(LowerCaser)
                .filter(AsciiFoldingFilter)
                .build(),
            stem: TextAnalyzer::builder(RawTokenizer::default())
                .filter(Stemmer::new(language.stemmer()))
                .build(),
            max_len,
        }
    }

    /// Whether there is anything to highlight.
    pub(crate) fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Every matched word of `text`, as byte ranges (a subject is marked
    /// whole).
    pub(crate) fn marks(&mut self, text: &str) -> Vec<Range<usize>> {
        let mut marks = Vec::new();
        if self.terms.is_empty() {
            return marks;
        }
        let mut stream = self.folded.token_stream(text);
        while let Some(token) = stream.next() {
            if weight(
                &self.terms,
                self.prefixes.as_ref(),
                &mut self.stem,
                &token.text,
            )
            .is_some()
            {
                marks.push(token.offset_from..token.offset_to);
            }
        }
        marks
    }

    /// The best fragment of `text`: the window of at most `max_len` bytes
    /// whose matched words weigh most, the earliest among equals; empty
    /// when no word matches.
    pub(crate) fn fragment(&mut self, text: &str) -> Fragment {
        if self.terms.is_empty() {
            return Fragment::default();
        }
        let Highlighter {
            terms,
            prefixes,
            folded,
            stem,
            max_len,
        } = self;
        let mut best: Option<Window> = None;
        let mut window = Window::new(0);
        let mut stream = folded.token_stream(text);
        while let Some(token) = stream.next() {
            let (from, to) = (token.offset_from, token.offset_to);
            if to - window.start > *max_len {
                let done = std::mem::replace(&mut window, Window::new(from));
                keep_better(&mut best, done);
            }
            window.stop = to;
            if let Some(w) = weight(terms, prefixes.as_ref(), stem, &token.text) {
                window.score += w;
                window.marks.push(from..to);
            }
        }
        keep_better(&mut best, window);
        match best {
            Some(w) => Fragment {
                text: text[w.start..w.stop].to_string(),
                marks: w
                    .marks
                    .iter()
                    .map(|m| m.start - w.start..m.end - w.start)
                    .collect(),
            },
            None => Fragment::default(),
        }
    }
}

/// The weight of a folded word: its own, or its stem's.
fn weight(
    terms: &HashMap<String, f32>,
    prefixes: Option<&Vec<[u8; 2]>>,
    stem: &mut TextAnalyzer,
    word: &str,
) -> Option<f32> {
    if let Some(prefixes) = prefixes {
        // Every term is two bytes long at least (else there is no prefix
        // list), so a shorter word is none of them, nor stems to one.
        let first = word.as_bytes().first_chunk::<2>()?;
        // "dying", "vying", "lying": the only words whose stems begin
        // otherwise (checked with this stemmer against the 278,581 words of Debian's
        // american-english-huge list).
        if !prefixes.contains(first) && first[1] != b'y' {
            return None;
        }
    }
    if let Some(w) = terms.get(word) {
        return Some(*w);
    }
    let mut stream = stem.token_stream(word);
    let stemmed = stream.next()?;
    terms.get(&stemmed.text).copied()
}

/// Keeps `candidate` when it scores above the best so far (the earlier
/// window wins a tie) and above zero.
fn keep_better(best: &mut Option<Window>, candidate: Window) {
    if candidate.score <= 0.0 {
        return;
    }
    if best.as_ref().is_none_or(|b| candidate.score > b.score) {
        *best = Some(candidate);
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;
    use crate::schema;
    use proptest::prelude::*;
    use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
    use tantivy::schema::IndexRecordOption;
    use tantivy::snippet::SnippetGenerator;
    use tantivy::{Index, TantivyDocument, Term};

    /// Words with their inflections, accents, capitals and a one-letter
    /// word, so stems differ from their words in every way English has.
    const WORDS: [&str; 40] = [
        "refund",
        "refunds",
        "Refunded",
        "refunding",
        "happy",
        "happiness",
        "Happily",
        "order",
        "orders",
        "ordered",
        "ORDERING",
        "delivery",
        "deliveries",
        "delivered",
        "café",
        "Cafés",
        "naïve",
        "the",
        "a",
        "I",
        "is",
        "was",
        "agreed",
        "agreement",
        "running",
        "ran",
        "sky",
        "skies",
        "dying",
        "die",
        "généreux",
        "x",
        "lying",
        "vying",
        "yes",
        "yellow",
        "Year",
        "played",
        "saying",
        "toy",
    ];
    const GAPS: [&str; 6] = [" ", ", ", ". ", "\n\n", " - ", "'s "];

    /// tantivy's snippet and ours of `text` for a query of `query` words.
    fn both(text: &str, query: &[&str]) -> (Fragment, Fragment) {
        let (schema, fields) = schema::schema();
        let index = Index::create_in_ram(schema);
        schema::register(&index, Language::English);
        let mut writer = index
            .writer_with_num_threads(1, 15_000_000)
            .expect("in-memory index");
        let mut doc = TantivyDocument::new();
        doc.add_text(fields.body, text);
        writer.add_document(doc).expect("in-memory index");
        let mut other = TantivyDocument::new();
        other.add_text(fields.body, "refund orders happy the sky");
        writer.add_document(other).expect("in-memory index");
        writer.commit().expect("in-memory index");
        let searcher = index.reader().expect("in-memory index").searcher();
        let mut analyzer = index
            .tokenizer_for_field(fields.body)
            .expect("in-memory index");
        let mut parts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut weights = HashMap::new();
        for word in query {
            let mut stream = analyzer.token_stream(word);
            while let Some(t) = stream.next() {
                let term = Term::from_field_text(fields.body, &t.text);
                let df = searcher.doc_freq(&term).expect("in-memory index");
                if df > 0 {
                    weights.insert(t.text.clone(), 1.0 / (1.0 + df as f32));
                }
                parts.push((
                    Occur::Should,
                    Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
                ));
            }
        }
        let query = BooleanQuery::new(parts);
        let mut generator =
            SnippetGenerator::create(&searcher, &query, fields.body).expect("in-memory index");
        generator.set_max_num_chars(60);
        let theirs = generator.snippet(text);
        let theirs = Fragment {
            text: theirs.fragment().to_string(),
            marks: theirs.highlighted().to_vec(),
        };
        let mut highlighter = Highlighter::new(weights.clone(), Language::English, 60);
        let ours = highlighter.fragment(text);
        // Every word whose stem is a term, as the stemmed analyzer sees them.
        let mut stemmed = Vec::new();
        let mut stream = analyzer.token_stream(text);
        while let Some(t) = stream.next() {
            if weights.contains_key(&t.text) {
                stemmed.push(t.offset_from..t.offset_to);
            }
        }
        assert_eq!(highlighter.marks(text), stemmed, "marks of {text:?}");
        (theirs, ours)
    }

    #[test]
    fn marks_the_words_whose_stems_match() {
        let (theirs, ours) = both(
            "We refunded the order. Your happiness matters; refunds take a day.",
            &["refund", "happy"],
        );
        assert_eq!(ours, theirs);
        assert_eq!(
            ours.text,
            "We refunded the order. Your happiness matters; refunds take"
        );
        let marked: Vec<&str> = ours.marks.iter().map(|m| &ours.text[m.clone()]).collect();
        assert_eq!(marked, ["refunded", "happiness", "refunds"]);
    }

    #[test]
    fn no_match_is_an_empty_fragment() {
        let (theirs, ours) = both("Nothing to see here.", &["refund"]);
        assert_eq!(ours, theirs);
        assert_eq!(ours, Fragment::default());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]
        #[test]
        fn chooses_the_fragment_tantivy_chooses(
            words in proptest::collection::vec((0..WORDS.len(), 0..GAPS.len()), 0..80),
            query in proptest::collection::vec(0..WORDS.len(), 1..4),
        ) {
            let text: String = words.iter().map(|&(w, g)| format!("{}{}", WORDS[w], GAPS[g])).collect();
            let query: Vec<&str> = query.iter().map(|&w| WORDS[w]).collect();
            let (theirs, ours) = both(&text, &query);
            prop_assert_eq!(ours, theirs);
        }
    }
}
