//! Common-word pairs ("common grams"): a phrase over very frequent words
//! (`"the app"`, `"my order"`) answered from one posting list.
//!
//! Next to the subject and the messages the index keeps a field of word
//! pairs: every two adjacent words (as analysed: folded and stemmed) of
//! which at least one is a [`COMMON_ENGLISH`] word become one term, `"the
//! app"`. A phrase of two words with a common word is then the documents of
//! that one term, instead of the positions of "the" in nearly every ticket;
//! a longer phrase still checks positions, but only in the documents that
//! hold all of its common pairs. A pair is made exactly where a phrase
//! query would match (adjacent positions of the same analysed words), so
//! the results are those of the positional phrase.

use std::collections::HashSet;
use std::sync::Arc;
use tantivy::tokenizer::{TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer};

/// The most frequent English words, mostly function words: the top of the
/// frequency lists of English corpora (the Oxford English Corpus's and
/// COCA's first hundred words without their content words, plus the forms
/// of "be" and "have"). A pair needs only one of them, so these are the
/// words whose positions a phrase would otherwise read in most tickets.
/// Changing the list changes the terms: rename the pair fields so an index
/// with the old list is rebuilt.
pub(crate) const COMMON_ENGLISH: [&str; 60] = [
    "the", "be", "to", "of", "and", "a", "in", "that", "have", "i", "it", "for", "not", "on",
    "with", "he", "as", "you", "do", "at", "this", "but", "his", "by", "from", "they", "we", "her",
    "she", "or", "an", "will", "my", "all", "would", "there", "their", "what", "so", "if", "about",
    "who", "which", "me", "when", "can", "no", "your", "him", "them", "its", "our", "is", "are",
    "was", "were", "has", "had", "been", "am",
];

/// The analysed forms of the common words (as the stemmed analyzer makes them).
pub(crate) type Common = Arc<HashSet<String>>;

/// `words` as `analyzer` makes them.
pub(crate) fn analysed(analyzer: &mut TextAnalyzer, words: &[&str]) -> Common {
    let mut set = HashSet::new();
    for word in words {
        let mut stream = analyzer.token_stream(word);
        while let Some(token) = stream.next() {
            set.insert(token.text.clone());
        }
    }
    Arc::new(set)
}

/// The pair term of two analysed words.
pub(crate) fn pair(first: &str, second: &str) -> String {
    let mut text = String::with_capacity(first.len() + second.len() + 1);
    text.push_str(first);
    text.push(' ');
    text.push_str(second);
    text
}

/// A token filter that turns a stream of analysed words into the pairs of
/// adjacent words with a common one.
#[derive(Clone)]
pub(crate) struct CommonPairs {
    /// The analysed common words.
    pub(crate) common: Common,
}

impl TokenFilter for CommonPairs {
    type Tokenizer<T: Tokenizer> = PairTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> PairTokenizer<T> {
        PairTokenizer {
            inner: tokenizer,
            common: self.common,
        }
    }
}

/// [`CommonPairs`] applied to a tokenizer.
#[derive(Clone)]
pub(crate) struct PairTokenizer<T> {
    inner: T,
    common: Common,
}

impl<T: Tokenizer> Tokenizer for PairTokenizer<T> {
    type TokenStream<'a> = PairStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        PairStream {
            inner: self.inner.token_stream(text),
            common: &self.common,
            previous: None,
            token: Token::default(),
        }
    }
}

/// The pairs of a token stream.
pub(crate) struct PairStream<'a, S> {
    inner: S,
    common: &'a HashSet<String>,
    /// The previous word: (text, position, start offset, common).
    previous: Option<(String, usize, usize, bool)>,
    token: Token,
}

impl<S: TokenStream> TokenStream for PairStream<'_, S> {
    fn advance(&mut self) -> bool {
        while self.inner.advance() {
            let word = self.inner.token();
            let common = self.common.contains(&word.text);
            let mut made = false;
            if let Some((text, position, from, was_common)) = self.previous.as_mut() {
                // Only words the phrase query would see as neighbours.
                if (common || *was_common) && position.checked_add(1) == Some(word.position) {
                    self.token.text.clear();
                    self.token.text.push_str(text);
                    self.token.text.push(' ');
                    self.token.text.push_str(&word.text);
                    self.token.position = *position;
                    self.token.offset_from = *from;
                    self.token.offset_to = word.offset_to;
                    made = true;
                }
                text.clear();
                text.push_str(&word.text);
                *position = word.position;
                *from = word.offset_from;
                *was_common = common;
            } else {
                self.previous = Some((word.text.clone(), word.position, word.offset_from, common));
            }
            if made {
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::tokenizer::{LowerCaser, SimpleTokenizer};

    fn pairs_of(text: &str) -> Vec<(String, usize)> {
        let mut words = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .build();
        let common = analysed(&mut words, &COMMON_ENGLISH);
        let mut analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(CommonPairs { common })
            .build();
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            out.push((t.text.clone(), t.position));
        }
        out
    }

    #[test]
    fn pairs_need_a_common_word() {
        assert_eq!(
            pairs_of("The app crashed in my credit card form"),
            vec![
                ("the app".to_string(), 0),
                ("crashed in".to_string(), 2),
                ("in my".to_string(), 3),
                ("my credit".to_string(), 4),
            ]
        );
        assert!(pairs_of("credit card").is_empty());
        assert!(pairs_of("the").is_empty());
    }
}
