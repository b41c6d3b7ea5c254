//! Small text helpers: sentences and words with their byte spans.

use std::ops::Range;

/// How many texts [`sentences`] keeps split: a review splits the draft, the
/// customer's message and their lower-case copies again and again.
const SPLIT_MEMO: usize = 6;

/// Texts shorter than this are split again rather than looked up.
const SPLIT_MEMO_MIN: usize = 48;

/// A text and its sentences.
type Split = (Box<str>, Vec<Range<usize>>);

std::thread_local! {
    /// The texts this thread split last, with their sentences.
    static SPLIT: std::cell::RefCell<Vec<Split>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Forgets the texts split before: called when a review starts, so that
/// each review pays for its own splitting, and when it ends, so that no
/// draft stays in a worker thread's memory.
pub(crate) fn forget_sentences() {
    SPLIT.with_borrow_mut(Vec::clear);
}

/// Byte ranges of the sentences in `text` (split after . ! ? and newlines).
/// The same text is split once per review (compared by content).
pub(crate) fn sentences(text: &str) -> Vec<Range<usize>> {
    if text.len() < SPLIT_MEMO_MIN {
        return split_sentences(text);
    }
    SPLIT.with_borrow_mut(|memo| {
        if let Some((_, split)) = memo.iter().find(|(t, _)| **t == *text) {
            return split.clone();
        }
        let split = split_sentences(text);
        if memo.len() == SPLIT_MEMO {
            memo.remove(0);
        }
        memo.push((text.into(), split.clone()));
        split
    })
}

/// Splits `text` into sentences: what [`sentences`] remembers.
fn split_sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let ends = match b {
            b'\n' => true,
            b'.' | b'!' | b'?' => {
                // "3.5", "e.g." and URLs do not end sentences.
                let next = bytes.get(i + 1).copied();
                next.is_none_or(|n| n == b' ' || n == b'\n' || n == b'"' || n == b')')
            }
            _ => false,
        };
        if ends {
            push_trimmed(text, start..i + 1, &mut out);
            start = i + 1;
        }
        i += 1;
    }
    push_trimmed(text, start..text.len(), &mut out);
    out
}

fn push_trimmed(text: &str, range: Range<usize>, out: &mut Vec<Range<usize>>) {
    let slice = &text[range.clone()];
    let lead = slice.len() - slice.trim_start().len();
    let trail = slice.len() - slice.trim_end().len();
    if lead + trail < slice.len() {
        out.push(range.start + lead..range.end - trail);
    }
}

/// Words (letters, digits, apostrophes) with their byte spans, found
/// lazily: no allocation.
pub(crate) fn words(text: &str) -> Words<'_> {
    Words {
        text,
        at: 0,
        curly: true,
    }
}

/// The runs of letters, digits and straight apostrophes in `text`: what
/// `text.split(|c: char| !(c.is_alphanumeric() || c == '\'')).filter(|w|
/// !w.is_empty())` gives, without decoding ASCII. A typographic apostrophe
/// splits here (lower-cased texts have none left).
pub(crate) fn plain_words(text: &str) -> impl Iterator<Item = &str> {
    Words {
        text,
        at: 0,
        curly: false,
    }
    .map(|(_, w)| w)
}

/// The iterator behind [`words`].
pub(crate) struct Words<'t> {
    text: &'t str,
    at: usize,
    /// Whether a typographic apostrophe is inside a word.
    curly: bool,
}

fn inside_word(c: char) -> bool {
    c.is_alphanumeric() || c == '\'' || c == '’'
}

/// Whether the character starting at byte `i` belongs to a word, and its
/// length in bytes (ASCII is decided without decoding).
#[inline]
fn word_char_at(text: &str, i: usize, curly: bool) -> (bool, usize) {
    match text.as_bytes()[i] {
        b if b.is_ascii() => (b.is_ascii_alphanumeric() || b == b'\'', 1),
        _ => {
            let c = text[i..].chars().next().unwrap_or(' ');
            let inside = if curly {
                inside_word(c)
            } else {
                c.is_alphanumeric()
            };
            (inside, c.len_utf8())
        }
    }
}

impl<'t> Iterator for Words<'t> {
    type Item = (Range<usize>, &'t str);

    fn next(&mut self) -> Option<Self::Item> {
        let bytes = self.text.as_bytes();
        let mut i = self.at;
        // Plain ASCII letters and spaces are read a byte at a time.
        while let Some(&b) = bytes.get(i) {
            match ASCII_CLASS[usize::from(b)] {
                WORD => break,
                OTHER => i += 1,
                _ => {
                    let (inside, step) = word_char_at(self.text, i, self.curly);
                    if inside {
                        break;
                    }
                    i += step;
                }
            }
        }
        if i >= bytes.len() {
            self.at = bytes.len();
            return None;
        }
        let start = i;
        while let Some(&b) = bytes.get(i) {
            match ASCII_CLASS[usize::from(b)] {
                WORD => i += 1,
                OTHER => break,
                _ => {
                    let (inside, step) = word_char_at(self.text, i, self.curly);
                    if !inside {
                        break;
                    }
                    i += step;
                }
            }
        }
        self.at = i;
        Some((start..i, &self.text[start..i]))
    }
}

/// [`ASCII_CLASS`]: an ASCII letter, digit or apostrophe.
const WORD: u8 = 1;
/// [`ASCII_CLASS`]: any other ASCII byte.
const OTHER: u8 = 0;
/// [`ASCII_CLASS`]: a byte of a multi-byte character, decoded to decide.
const WIDE: u8 = 2;

/// Each byte's class for [`Words`], looked up rather than tested.
static ASCII_CLASS: [u8; 256] = {
    let mut class = [WIDE; 256];
    let mut b = 0;
    while b < 128 {
        let byte = b as u8;
        class[b] = if byte.is_ascii_alphanumeric() || byte == b'\'' {
            WORD
        } else {
            OTHER
        };
        b += 1;
    }
    class
};

/// FNV-1a: a fast hash for the coach's fixed word tables (the model's
/// vocabulary, the synonym groups), whose keys are ours, not the sender's.
#[derive(Default, Clone, Copy)]
pub(crate) struct WordHasher(u64);

impl std::hash::Hasher for WordHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// A map keyed by words, hashed with [`WordHasher`].
pub(crate) type WordMap<V> =
    std::collections::HashMap<String, V, std::hash::BuildHasherDefault<WordHasher>>;

/// A text lower-cased with typographic apostrophes made plain: what
/// `text.to_lowercase().replace('’', "'")` gives, in one pass for ASCII.
pub(crate) fn lower(text: &str) -> String {
    if text.is_ascii() {
        text.to_ascii_lowercase()
    } else {
        text.to_lowercase().replace('’', "'")
    }
}

/// The word without its possessive endings: `word.trim_end_matches("'s")`,
/// without setting up a substring searcher for two bytes.
pub(crate) fn trim_possessive(mut word: &str) -> &str {
    while let Some(rest) = word.strip_suffix("'s") {
        word = rest;
    }
    word
}

/// Whether the byte at `i` (or the text edge) is a word boundary.
pub(crate) fn boundary_before(text: &str, i: usize) -> bool {
    text[..i]
        .chars()
        .next_back()
        .is_none_or(|c| !c.is_alphanumeric())
}

/// Whether position `i` is followed by a non-word character or the end.
pub(crate) fn boundary_after(text: &str, i: usize) -> bool {
    text[i..]
        .chars()
        .next()
        .is_none_or(|c| !c.is_alphanumeric())
}

/// Levenshtein distance over characters, case-insensitively.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            current[j + 1] = (previous[j] + cost)
                .min(previous[j + 1] + 1)
                .min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_sentences_but_not_numbers_or_urls() {
        let text = "Hi Ann. The fee is 3.50 today! See https://x.org/a.b for more?\nThanks";
        let got: Vec<&str> = sentences(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(
            got,
            [
                "Hi Ann.",
                "The fee is 3.50 today!",
                "See https://x.org/a.b for more?",
                "Thanks"
            ]
        );
    }

    #[test]
    fn measures_edits() {
        assert_eq!(edit_distance("Jackson", "johnson"), 3);
        assert_eq!(edit_distance("Katherine", "Catherine"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn finds_words_with_apostrophes() {
        let got: Vec<&str> = words("We’ll call, don't worry!").map(|(_, w)| w).collect();
        assert_eq!(got, ["We’ll", "call", "don't", "worry"]);
        let text = "Ça coûte 5€ — Zoë’s naïve café!";
        let got: Vec<(std::ops::Range<usize>, &str)> = words(text).collect();
        let spans: Vec<&str> = got.iter().map(|(r, _)| &text[r.clone()]).collect();
        let words: Vec<&str> = got.iter().map(|(_, w)| *w).collect();
        assert_eq!(words, ["Ça", "coûte", "5", "Zoë’s", "naïve", "café"]);
        assert_eq!(spans, words);
    }
}
