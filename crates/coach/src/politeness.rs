//! Politeness score in [0, 1]: a small logistic model over politeness
//! strategies (gratitude, apology, please, hedges, deference, greetings,
//! first-person plural, direct questions and imperatives, second-person
//! openings, ...), structure that carries across communities (all-caps
//! words, "you must", "as I said", minimizers, "??", "you didn't") and
//! 1,500 words.
//!
//! Whether the score holds outside Wikipedia is measured on the frozen
//! customer-care drafts (rude vs clean): `cargo run --release -p
//! rapport-coach --example politeness`; `tests/politeness.rs` keeps it.
//!
//! The weights are trained by `rapport train-politeness` on the Stanford
//! Politeness Corpus (Wikipedia requests, top vs bottom quartile) and
//! committed as `data/politeness.tsv`. Training is deterministic: same corpus,
//! same weights.

use std::collections::HashMap;
use std::sync::LazyLock;

/// Names of the strategy features, in feature order.
pub const STRATEGIES: [&str; 30] = [
    "gratitude",
    "apology",
    "please",
    "please_start",
    "hedge",
    "deference",
    "greeting",
    "we",
    "i_start",
    "you_start",
    "direct_question",
    "direct_start",
    "imperative",
    "factuality",
    "counterfactual",
    "indicative",
    "by_the_way",
    "positive",
    "negative",
    "you_lot",
    "question_mark",
    "exclamation",
    "long",
    "swear",
    "all_caps",
    "you_must",
    "as_said",
    "minimizer",
    "repeat_punct",
    "you_blame",
];

/// How many of [`STRATEGIES`] the first model used: the later ones are the
/// structure features added so that the score carries across communities.
pub const FIRST_STRATEGIES: usize = 24;

fn lower_words(text: &str) -> Vec<String> {
    crate::text::words(text)
        .map(|(_, w)| crate::text::lower(w))
        .collect()
}

/// A text lower-cased once (curly apostrophes straightened), with its words.
struct Lowered {
    text: String,
}

impl Lowered {
    fn of(text: &str) -> Self {
        Self {
            text: crate::text::lower(text),
        }
    }

    fn words(&self) -> Vec<&str> {
        crate::text::words(&self.text).map(|(_, w)| w).collect()
    }
}

/// The strategy features of a text, each 0 or 1.
pub fn strategies(text: &str) -> [f64; STRATEGIES.len()] {
    let lower = Lowered::of(text);
    strategies_of(text, &lower.text, &lower.words())
}

/// Whether the text shouts: a word of four or more capital letters. `words`
/// are slices of `lower`, the text lower-cased.
fn shouts(text: &str, lower: &str, words: &[&str]) -> bool {
    let capitals = |w: &str| w.len() >= 4 && w.bytes().all(|b| b.is_ascii_uppercase());
    if text.len() != lower.len() {
        return text.split(|c: char| !c.is_alphanumeric()).any(capitals);
    }
    // Lower-casing kept every length: the words sit at the same places.
    words.iter().filter(|w| w.len() >= 4).any(|w| {
        let at = w.as_ptr() as usize - lower.as_ptr() as usize;
        text.get(at..at + w.len()).is_some_and(capitals)
    })
}

/// Whether `c` comes twice in a row in `text` ("??", "!!").
fn doubled(text: &str, c: char) -> bool {
    let mut parts = text.split(c).skip(1).peekable();
    while let Some(part) = parts.next() {
        if part.is_empty() && parts.peek().is_some() {
            return true;
        }
    }
    false
}

/// The features read from word sequences, in one pass over the words:
/// second-person commands ("you must", "you should", "you have to", "you
/// need to"), repeating oneself ("as I said", "as stated", "I already"),
/// minimizers ("obviously", "simply", ...), blame ("you didn't", "you
/// failed", "you never", "your fault"), factuality ("in fact", "actually",
/// "the truth", "the point", "really"), counterfactual ("could you", "would
/// you", "would it", "could it"), indicative ("can you", "will you", "can't
/// you", "won't you"), "by the way" and "you people / guys / all"; then the
/// words of gratitude, apology, "please", hedges, deference, "we", positive,
/// negative and swear words.
fn sequences(words: &[&str]) -> [bool; 18] {
    // 0 you_must, 1 as_said, 2 minimizer, 3 you_blame, 4 factuality,
    // 5 counterfactual, 6 indicative, 7 by_the_way, 8 you_lot, 9 gratitude,
    // 10 apology, 11 please, 12 hedge, 13 deference words, 14 we,
    // 15 positive, 16 negative, 17 swear.
    let mut found = [false; 18];
    for (i, w) in words.iter().enumerate() {
        let next = words.get(i + 1).copied().unwrap_or("");
        let after = words.get(i + 2).copied().unwrap_or("");
        match *w {
            "you" => {
                found[0] |= matches!(next, "must" | "should")
                    || (matches!(next, "have" | "need") && after == "to");
                found[3] |= matches!(next, "didn't" | "failed" | "never");
                found[8] |= matches!(next, "people" | "guys" | "all");
            }
            "your" => found[3] |= matches!(next, "fault" | "own"),
            "as" => {
                found[1] |= matches!(next, "stated" | "mentioned" | "said")
                    || (next == "i" && matches!(after, "said" | "told" | "already"));
            }
            "i" => found[1] |= next == "already",
            "obviously" | "clearly" | "simply" | "literally" | "whatever" => found[2] = true,
            "actually" | "really" => found[4] = true,
            "in" => found[4] |= next == "fact",
            "the" => found[4] |= matches!(next, "truth" | "point"),
            "could" | "would" => found[5] |= matches!(next, "you" | "it"),
            "can" | "will" | "can't" | "won't" => found[6] |= next == "you",
            "btw" => found[7] = true,
            "by" => found[7] |= next == "the" && after == "way",
            "thanks" | "thank" | "thx" | "grateful" | "appreciate" | "appreciated" => {
                found[9] = true
            }
            "sorry" | "apologize" | "apologise" | "apologies" | "oops" | "excuse" | "forgive" => {
                found[10] = true
            }
            "please" | "pls" | "plz" => found[11] = true,
            "think" | "thought" | "suggest" | "perhaps" | "maybe" | "possibly" | "probably"
            | "might" | "guess" | "wonder" | "seems" | "somewhat" | "hope" => found[12] = true,
            "great" | "good" | "nice" | "interesting" | "cool" | "excellent" | "awesome"
            | "impressive" | "wonderful" => found[13] = true,
            "we" | "our" | "us" | "ours" | "let's" => found[14] = true,
            "love" | "happy" | "glad" | "helpful" | "kind" | "welcome" | "pleasure" | "enjoy"
            | "agree" | "fair" => found[15] = true,
            "wrong" | "bad" | "stupid" | "idiot" | "ridiculous" | "nonsense" | "vandalism"
            | "vandal" | "waste" | "annoying" | "useless" | "terrible" | "worst" | "lie"
            | "liar" => found[16] = true,
            "damn" | "hell" | "crap" | "shit" | "fuck" | "fucking" | "ass" | "wtf" => {
                found[17] = true
            }
            _ => {}
        }
    }
    found
}

/// The strategy features of a text, its lower-cased form and its words.
fn strategies_of(text: &str, lower: &str, words: &[&str]) -> [f64; STRATEGIES.len()] {
    let sentence_starts: Vec<&str> = crate::text::sentences(lower)
        .into_iter()
        .filter_map(|s| crate::text::words(&lower[s]).next().map(|(_, w)| w))
        .collect();
    let starts = |list: &[&str]| sentence_starts.iter().any(|w| list.contains(w));
    let first = words.first().copied().unwrap_or("");
    let f = |b: bool| f64::from(u8::from(b));
    let sequence = sequences(words);
    [
        f(sequence[9]),
        f(sequence[10]),
        f(sequence[11]),
        f(first == "please"),
        f(sequence[12]),
        f(sequence[13]
            && starts(&[
                "great",
                "good",
                "nice",
                "interesting",
                "cool",
                "excellent",
                "awesome",
                "wow",
            ])),
        f(starts(&["hi", "hello", "hey", "dear", "greetings"])),
        f(sequence[14]),
        f(starts(&["i", "my", "mine", "i'm", "i've", "i'd"])),
        f(starts(&["you", "your", "you're", "you've"])),
        f(starts(&[
            "what", "why", "who", "how", "where", "when", "which",
        ])),
        f(starts(&["so", "then", "and", "but", "or"])),
        f(starts(&[
            "do", "don't", "stop", "give", "tell", "explain", "fix", "look", "read", "go", "make",
            "take", "leave", "get", "put", "answer", "show",
        ])),
        f(sequence[4]),
        f(sequence[5]),
        f(sequence[6]),
        f(sequence[7]),
        f(sequence[15]),
        f(sequence[16]),
        f(sequence[8]),
        f(lower.contains('?')),
        f(lower.contains('!')),
        f(words.len() > 30),
        f(sequence[17]),
        f(shouts(text, lower, words)),
        f(sequence[0]),
        f(sequence[1]),
        f(sequence[2]),
        f(doubled(lower, '?') || doubled(lower, '!')),
        f(sequence[3]),
    ]
}

/// A trained model.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    bias: f64,
    strategies: Vec<f64>,
    words: WordWeights,
}

mod training;
pub use training::{WIKIPEDIA_WORDS, cross_validate, cross_validate_with, train, train_with};

/// The model's word weights in word order, and each word's place in it.
#[derive(Debug, Clone, Default, PartialEq)]
struct WordWeights {
    /// Each word's index in `weights`.
    rank: crate::text::WordMap<u32>,
    /// The words and their weights, sorted by word.
    weights: Vec<(String, f64)>,
}

impl FromIterator<(String, f64)> for WordWeights {
    /// A later weight for the same word replaces an earlier one.
    fn from_iter<I: IntoIterator<Item = (String, f64)>>(pairs: I) -> Self {
        let sorted: std::collections::BTreeMap<String, f64> = pairs.into_iter().collect();
        let weights: Vec<(String, f64)> = sorted.into_iter().collect();
        let rank = weights
            .iter()
            .enumerate()
            .map(|(i, (word, _))| (word.clone(), i as u32))
            .collect();
        Self { rank, weights }
    }
}

/// The logistic function.
fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

impl Model {
    /// The politeness of a text, from 0 (rude) to 1 (polite).
    pub fn score(&self, text: &str) -> f64 {
        let lower = Lowered::of(text);
        let words = lower.words();
        let s = strategies_of(text, &lower.text, &words);
        let mut z = self.bias
            + s.iter()
                .zip(&self.strategies)
                .map(|(x, w)| x * w)
                .sum::<f64>();
        if self.words.weights.is_empty() {
            return sigmoid(z);
        }
        // Each known word once, added in word order.
        let mut ranks: Vec<u32> = words
            .iter()
            .filter_map(|w| self.words.rank.get(*w).copied())
            .collect();
        ranks.sort_unstable();
        ranks.dedup();
        z += ranks
            .iter()
            .filter_map(|&r| self.words.weights.get(r as usize))
            .map(|(_, weight)| weight)
            .sum::<f64>();
        sigmoid(z)
    }

    /// The model as text: `bias`, then `s:<strategy>` and `w:<word>` lines with weights.
    pub fn to_text(&self) -> String {
        let mut out = format!("bias\t{:.6}\n", self.bias);
        for (name, w) in STRATEGIES.iter().zip(&self.strategies) {
            out.push_str(&format!("s:{name}\t{w:.6}\n"));
        }
        for (word, w) in &self.words.weights {
            out.push_str(&format!("w:{word}\t{w:.6}\n"));
        }
        out
    }

    /// Reads a model written by [`Model::to_text`].
    pub fn from_text(text: &str) -> Result<Self, String> {
        let mut model = Model {
            bias: 0.0,
            strategies: vec![0.0; STRATEGIES.len()],
            words: WordWeights::default(),
        };
        let mut words = Vec::new();
        for (n, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let (key, value) = line
                .split_once('\t')
                .ok_or_else(|| format!("line {}: no tab", n + 1))?;
            let value: f64 = value
                .trim()
                .parse()
                .map_err(|_| format!("line {}: not a number", n + 1))?;
            if key == "bias" {
                model.bias = value;
            } else if let Some(name) = key.strip_prefix("s:") {
                let i = STRATEGIES
                    .iter()
                    .position(|s| *s == name)
                    .ok_or_else(|| format!("line {}: unknown strategy {name}", n + 1))?;
                model.strategies[i] = value;
            } else if let Some(word) = key.strip_prefix("w:") {
                words.push((word.to_string(), value));
            } else {
                return Err(format!("line {}: unknown key {key}", n + 1));
            }
        }
        model.words = words.into_iter().collect();
        Ok(model)
    }
}

/// How well scores tell polite texts from impolite ones.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Separation {
    /// Area under the ROC curve: the chance that a polite text scores above
    /// an impolite one (ties count half).
    pub auc: f64,
    /// Share of texts on the right side of 0.5.
    pub accuracy: f64,
}

/// The [`Separation`] of `(score, polite)` pairs.
pub fn separation(scored: &[(f64, bool)]) -> Separation {
    let polite: Vec<f64> = scored.iter().filter(|s| s.1).map(|s| s.0).collect();
    let rude: Vec<f64> = scored.iter().filter(|s| !s.1).map(|s| s.0).collect();
    let mut above = 0.0;
    for p in &polite {
        for r in &rude {
            above += match p.total_cmp(r) {
                std::cmp::Ordering::Greater => 1.0,
                std::cmp::Ordering::Equal => 0.5,
                std::cmp::Ordering::Less => 0.0,
            };
        }
    }
    let pairs = (polite.len() * rude.len()).max(1) as f64;
    let right = scored.iter().filter(|(s, p)| (*s >= 0.5) == *p).count();
    Separation {
        auc: above / pairs,
        accuracy: right as f64 / scored.len().max(1) as f64,
    }
}

impl Model {
    /// The [`Separation`] of this model's scores on labelled texts.
    pub fn separation(&self, texts: &[(&str, bool)]) -> Separation {
        let scored: Vec<(f64, bool)> = texts.iter().map(|(t, p)| (self.score(t), *p)).collect();
        separation(&scored)
    }
}

/// Reads an RFC 4180 CSV (quoted fields may hold commas, quotes and
/// newlines): the politeness corpus, for training.
pub fn read_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, '\r') => {}
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// The committed model (a neutral one if the file were unreadable).
pub static MODEL: LazyLock<Model> = LazyLock::new(|| {
    Model::from_text(include_str!("../data/politeness.tsv")).unwrap_or(Model {
        bias: 0.0,
        strategies: vec![0.0; STRATEGIES.len()],
        words: WordWeights::default(),
    })
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_model_loads_and_ranks_sensibly() {
        assert!(
            MODEL.words.weights.len() > 100,
            "model not trained: run rapport train-politeness"
        );
        let polite = MODEL.score("Hi Ann, thank you so much for your patience. Could you please send me the order number? I'd really appreciate it.");
        let rude = MODEL.score("Why did you do that? Stop wasting my time and fix it.");
        assert!(
            polite > 0.6 && rude < 0.4,
            "polite {polite:.2}, rude {rude:.2}"
        );
    }

    #[test]
    fn training_is_deterministic_and_round_trips() {
        let examples = [
            ("thank you so much, could you please help", true),
            ("why would you do this stupid thing", false),
            ("thanks, would you mind", true),
            ("fix it now, this is wrong", false),
        ];
        let a = train(&examples, 50, 20);
        assert_eq!(a, train(&examples, 50, 20));
        let back = Model::from_text(&a.to_text()).unwrap_or_else(|e| panic!("{e}"));
        assert!((back.score("thank you") - a.score("thank you")).abs() < 1e-4);
    }
}
