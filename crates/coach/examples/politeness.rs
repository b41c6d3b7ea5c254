//! Does the politeness score hold outside Wikipedia? Trains model variants
//! on the Stanford Politeness Corpus (Wikipedia) exactly as
//! `rapport train-politeness` does, and prints for each its 10-fold
//! accuracy on Wikipedia and its ROC AUC and accuracy at 0.5 on the
//! customer-care drafts of the frozen evaluation sets (impolite = labelled
//! `rude`, polite = no label; `+arguing` also counts `arguing` as impolite).
//! `cargo run --release -p rapport-coach --example politeness -- [CORPUS] [--dev] [--write VARIANT PATH]`
//! `--dev` leaves out `frozen2` (features are chosen on `frozen` only);
//! `--write` writes the named variant's weights (trained on all of Wikipedia).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use rapport_coach::politeness::{
    FIRST_STRATEGIES, Model, STRATEGIES, WIKIPEDIA_WORDS, cross_validate_with, train_with,
};

#[path = "../tests/support/politeness_sets.rs"]
mod politeness_sets;

/// The top and bottom quartile of the corpus, as `rapport train-politeness` takes them.
fn wikipedia(path: &str) -> Vec<(String, bool)> {
    let rows =
        rapport_coach::politeness::read_csv(&std::fs::read_to_string(path).expect("the corpus"));
    let header = &rows[0];
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (request, score) = (col("Request"), col("Normalized Score"));
    let mut scored: Vec<(String, f64)> = rows[1..]
        .iter()
        .filter_map(|r| Some((r.get(request)?.clone(), r.get(score)?.parse::<f64>().ok()?)))
        .collect();
    let mut scores: Vec<f64> = scored.iter().map(|(_, s)| *s).collect();
    scores.sort_by(f64::total_cmp);
    let (low, high) = (scores[scores.len() / 4], scores[scores.len() * 3 / 4]);
    scored.retain(|(_, s)| *s <= low || *s >= high);
    scored.into_iter().map(|(t, s)| (t, s >= high)).collect()
}

/// The variants: name, vocabulary, strategies used, Wikipedia words left out.
const VARIANTS: [(&str, usize, usize, bool); 9] = [
    ("words1500+24 (old)", 1500, FIRST_STRATEGIES, false),
    ("words1500+30", 1500, STRATEGIES.len(), false),
    ("nowiki1500+30", 1500, STRATEGIES.len(), true),
    ("nowiki300+30", 300, STRATEGIES.len(), true),
    ("words300+30", 300, STRATEGIES.len(), false),
    ("words100+30", 100, STRATEGIES.len(), false),
    ("words50+30", 50, STRATEGIES.len(), false),
    ("strategies24", 0, FIRST_STRATEGIES, false),
    ("strategies30", 0, STRATEGIES.len(), false),
];

fn dropped(nowiki: bool) -> &'static [&'static str] {
    if nowiki { &WIKIPEDIA_WORDS } else { &[] }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let corpus = args
        .first()
        .filter(|a| !a.starts_with("--"))
        .cloned()
        .unwrap_or_else(|| "/work/shared/data/politeness/wikipedia.annotated.csv".into());
    let dev = args.iter().any(|a| a == "--dev");
    let epochs = 6;
    let wiki = wikipedia(&corpus);
    let wiki: Vec<(&str, bool)> = wiki.iter().map(|(t, p)| (t.as_str(), *p)).collect();
    if let Some(i) = args.iter().position(|a| a == "--write") {
        let (name, path) = (&args[i + 1], &args[i + 2]);
        let (_, vocabulary, used, nowiki) = VARIANTS.iter().find(|v| v.0 == name).unwrap();
        let model = train_with(&wiki, *vocabulary, epochs, *used, dropped(*nowiki));
        std::fs::write(path, model.to_text()).unwrap();
        println!("{name} written to {path}");
        return;
    }
    let mut sets = vec![("frozen", false), ("frozen+arguing", true)];
    if !dev {
        sets.extend([("frozen2", false), ("frozen2+arguing", true)]);
    }
    let sets: Vec<(&str, Vec<(String, bool)>)> = sets
        .into_iter()
        .map(|(name, arguing)| {
            (
                name,
                politeness_sets::labelled(name.split('+').next().unwrap(), arguing),
            )
        })
        .collect();
    println!(
        "Wikipedia: {} requests (top and bottom quartile)",
        wiki.len()
    );
    for (name, set) in &sets {
        let polite = set.iter().filter(|s| s.1).count();
        println!("{name}: {polite} polite, {} impolite", set.len() - polite);
    }
    print!("{:<20} {:>9}", "variant", "wiki10cv");
    for (name, _) in &sets {
        print!(" {:>22}", format!("{name} auc/acc"));
    }
    println!();
    for (name, vocabulary, used, nowiki) in VARIANTS {
        let drop = dropped(nowiki);
        let accuracy = cross_validate_with(&wiki, 10, vocabulary, epochs, used, drop);
        let model: Model = train_with(&wiki, vocabulary, epochs, used, drop);
        print!("{name:<20} {:>8.1}%", accuracy * 100.0);
        for (_, set) in &sets {
            let texts: Vec<(&str, bool)> = set.iter().map(|(t, p)| (t.as_str(), *p)).collect();
            let s = model.separation(&texts);
            print!(
                " {:>22}",
                format!("{:.3} / {:.1}%", s.auc, s.accuracy * 100.0)
            );
        }
        println!();
    }
}
