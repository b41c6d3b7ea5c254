//! Training the politeness model: logistic regression over the strategy
//! features and a vocabulary, deterministic for the same examples, and its
//! cross-validation.

use super::*;

struct Example {
    strategies: [f64; STRATEGIES.len()],
    words: Vec<usize>,
    polite: bool,
}

/// Trains a model on all strategies; deterministic for the same examples.
pub fn train(examples: &[(&str, bool)], vocabulary: usize, epochs: usize) -> Model {
    train_with(examples, vocabulary, epochs, STRATEGIES.len(), &[])
}

/// Words of the Wikipedia community (its pages, tools and roles) that a
/// vocabulary may leave out: they say nothing of politeness elsewhere.
pub const WIKIPEDIA_WORDS: [&str; 40] = [
    "wikipedia",
    "wiki",
    "wikiproject",
    "article",
    "articles",
    "edit",
    "edits",
    "edited",
    "editing",
    "editor",
    "editors",
    "page",
    "pages",
    "talk",
    "user",
    "users",
    "admin",
    "admins",
    "administrator",
    "blocked",
    "block",
    "template",
    "templates",
    "category",
    "categories",
    "deletion",
    "delete",
    "deleted",
    "revert",
    "reverted",
    "vandalism",
    "source",
    "sources",
    "sourced",
    "content",
    "removal",
    "section",
    "policy",
    "image",
    "url",
];

/// Trains a model on the first `used` strategies (the others weigh 0) and
/// the `vocabulary` words in the most examples but those in `drop`;
/// deterministic.
pub fn train_with(
    examples: &[(&str, bool)],
    vocabulary: usize,
    epochs: usize,
    used: usize,
    drop: &[&str],
) -> Model {
    // The vocabulary: words in the most examples (ties by the word itself).
    let mut document_frequency: HashMap<String, usize> = HashMap::new();
    for (text, _) in examples {
        let mut seen = lower_words(text);
        seen.sort();
        seen.dedup();
        for w in seen
            .into_iter()
            .filter(|w| w.chars().any(char::is_alphabetic))
        {
            *document_frequency.entry(w).or_default() += 1;
        }
    }
    let mut ranked: Vec<(String, usize)> = document_frequency
        .into_iter()
        .filter(|(w, n)| *n >= 3 && !drop.contains(&w.as_str()))
        .collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let vocab: Vec<String> = ranked
        .into_iter()
        .take(vocabulary)
        .map(|(w, _)| w)
        .collect();
    let index: HashMap<&str, usize> = vocab
        .iter()
        .enumerate()
        .map(|(i, w)| (w.as_str(), i))
        .collect();
    let data: Vec<Example> = examples
        .iter()
        .map(|(text, polite)| {
            let mut words: Vec<usize> = lower_words(text)
                .iter()
                .filter_map(|w| index.get(w.as_str()).copied())
                .collect();
            words.sort_unstable();
            words.dedup();
            let mut strategies = strategies(text);
            strategies.iter_mut().skip(used).for_each(|x| *x = 0.0);
            Example {
                strategies,
                words,
                polite: *polite,
            }
        })
        .collect();
    let mut bias = 0.0;
    let mut ws = vec![0.0; STRATEGIES.len()];
    let mut wv = vec![0.0; vocab.len()];
    let l2 = 1e-3;
    let mut order: Vec<usize> = (0..data.len()).collect();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for epoch in 0..epochs {
        // Deterministic Fisher-Yates shuffle.
        for i in (1..order.len()).rev() {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            order.swap(i, (seed % (i as u64 + 1)) as usize);
        }
        let rate = 0.1 / (1.0 + epoch as f64 * 0.1);
        for &i in &order {
            let e = &data[i];
            let z = bias
                + e.strategies
                    .iter()
                    .zip(&ws)
                    .map(|(x, w)| x * w)
                    .sum::<f64>()
                + e.words.iter().map(|&j| wv[j]).sum::<f64>();
            let error = sigmoid(z) - f64::from(u8::from(e.polite));
            bias -= rate * error;
            for (w, x) in ws.iter_mut().zip(e.strategies.iter()) {
                *w -= rate * (error * x + l2 * *w);
            }
            for &j in &e.words {
                wv[j] -= rate * (error + l2 * wv[j]);
            }
        }
    }
    Model {
        bias,
        strategies: ws,
        words: vocab.into_iter().zip(wv).collect(),
    }
}

/// Accuracy of `folds`-fold cross-validation (fold = example index mod folds).
pub fn cross_validate(
    examples: &[(&str, bool)],
    folds: usize,
    vocabulary: usize,
    epochs: usize,
) -> f64 {
    cross_validate_with(examples, folds, vocabulary, epochs, STRATEGIES.len(), &[])
}

/// [`cross_validate`] of [`train_with`].
pub fn cross_validate_with(
    examples: &[(&str, bool)],
    folds: usize,
    vocabulary: usize,
    epochs: usize,
    used: usize,
    drop: &[&str],
) -> f64 {
    let mut correct = 0usize;
    for fold in 0..folds {
        let (test, train_set): (Vec<_>, Vec<_>) = examples
            .iter()
            .enumerate()
            .partition(|(i, _)| i % folds == fold);
        let train_set: Vec<(&str, bool)> = train_set.into_iter().map(|(_, e)| *e).collect();
        let model = train_with(&train_set, vocabulary, epochs, used, drop);
        correct += test
            .iter()
            .filter(|(_, (text, polite))| (model.score(text) >= 0.5) == *polite)
            .count();
    }
    correct as f64 / examples.len().max(1) as f64
}
