//! Word pairs ("bigrams"): a phrase answered from one posting list.
//!
//! Next to the subject and the messages the index keeps a field of word
//! pairs: every two adjacent words (as analysed: folded and stemmed) become
//! one term, `"the app"`, `"customer servic"`. A two-word phrase is then the
//! documents of that one term, instead of the positions of its words in
//! every ticket holding both; a longer phrase still checks positions, but
//! only in the documents that hold all of its pairs. A pair is made exactly
//! where a phrase query would match (adjacent positions of the same
//! analysed words), so the results are those of the positional phrase.

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// The pair term of two analysed words.
pub(crate) fn pair(first: &str, second: &str) -> String {
    let mut text = String::with_capacity(first.len() + second.len() + 1);
    text.push_str(first);
    text.push(' ');
    text.push_str(second);
    text
}

/// A token filter that turns a stream of analysed words into the pairs of
/// adjacent words.
#[derive(Clone)]
pub(crate) struct WordPairs;

impl TokenFilter for WordPairs {
    type Tokenizer<T: Tokenizer> = PairTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> PairTokenizer<T> {
        PairTokenizer { inner: tokenizer }
    }
}

/// [`WordPairs`] applied to a tokenizer.
#[derive(Clone)]
pub(crate) struct PairTokenizer<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for PairTokenizer<T> {
    type TokenStream<'a> = PairStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        PairStream {
            inner: self.inner.token_stream(text),
            previous: None,
            token: Token::default(),
        }
    }
}

/// The pairs of a token stream.
pub(crate) struct PairStream<S> {
    inner: S,
    /// The previous word: (text, position, start offset).
    previous: Option<(String, usize, usize)>,
    token: Token,
}

impl<S: TokenStream> TokenStream for PairStream<S> {
    fn advance(&mut self) -> bool {
        while self.inner.advance() {
            let word = self.inner.token();
            let mut made = false;
            if let Some((text, position, from)) = self.previous.as_mut() {
                // Only words the phrase query would see as neighbours.
                if position.checked_add(1) == Some(word.position) {
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
            } else {
                self.previous = Some((word.text.clone(), word.position, word.offset_from));
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
    use tantivy::tokenizer::{LowerCaser, SimpleTokenizer, TextAnalyzer};

    fn pairs_of(text: &str) -> Vec<(String, usize)> {
        let mut analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(WordPairs)
            .build();
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            out.push((t.text.clone(), t.position));
        }
        out
    }

    #[test]
    fn every_two_neighbours_are_a_pair() {
        assert_eq!(
            pairs_of("The app crashed, in my credit-card form"),
            vec![
                ("the app".to_string(), 0),
                ("app crashed".to_string(), 1),
                ("crashed in".to_string(), 2),
                ("in my".to_string(), 3),
                ("my credit".to_string(), 4),
                ("credit card".to_string(), 5),
                ("card form".to_string(), 6),
            ]
        );
        assert!(pairs_of("the").is_empty());
        assert!(pairs_of("").is_empty());
    }
}
