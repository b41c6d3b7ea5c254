//! The words people read, one catalogue per language: `i18n/<code>.txt`
//! beside this crate, `key = text` a line, embedded in the binary. English
//! is complete; every other language has exactly its keys (checked by the
//! tests here). A key missing at run time reads as English, then as itself.

use std::collections::HashMap;
use std::sync::LazyLock;

/// A language a page or a mail can be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// English, the default.
    #[default]
    En,
    /// German.
    De,
}

/// Every language, English first.
pub const LANGS: [Lang; 2] = [Lang::En, Lang::De];

rapport_core::str_enum!(Lang {
    Lang::En => "en",
    Lang::De => "de",
});

fn source(lang: Lang) -> &'static str {
    match lang {
        Lang::En => include_str!("../i18n/en.txt"),
        Lang::De => include_str!("../i18n/de.txt"),
    }
}

/// A catalogue's entries, in file order (comments and blank lines skipped).
fn entries(text: &'static str) -> impl Iterator<Item = (&'static str, &'static str)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (key, value) = l.split_once(" = ").unwrap_or((l, ""));
            (key.trim(), value.trim())
        })
}

static CATALOGUES: LazyLock<Vec<HashMap<&'static str, &'static str>>> = LazyLock::new(|| {
    LANGS
        .iter()
        .map(|lang| entries(source(*lang)).collect())
        .collect()
});

fn catalogue(lang: Lang) -> &'static HashMap<&'static str, &'static str> {
    let index = LANGS.iter().position(|l| *l == lang).unwrap_or(0);
    &CATALOGUES[index]
}

impl Lang {
    /// The text of `key` in this language.
    pub fn text(self, key: &str) -> &'static str {
        if let Some(text) = catalogue(self).get(key) {
            return text;
        }
        match catalogue(Lang::En).get_key_value(key) {
            Some((_, text)) => text,
            None => {
                tracing::warn!(key, "a text missing from the catalogue");
                "?"
            }
        }
    }

    /// Whether `key` is in the catalogues.
    pub fn has(key: &str) -> bool {
        catalogue(Lang::En).contains_key(key)
    }

    /// The language a browser asks for (`Accept-Language`), by its
    /// preference weights; English when none we have is named.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(f32, usize, Lang)> = None;
        for (position, part) in header.split(',').enumerate() {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let weight = pieces
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            let Ok(lang) = primary.parse::<Lang>() else {
                continue;
            };
            if weight <= 0.0 {
                continue;
            }
            let better = best.is_none_or(|(w, p, _)| weight > w || (weight == w && position < p));
            if better {
                best = Some((weight, position, lang));
            }
        }
        best.map_or(Lang::En, |(_, _, lang)| lang)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_language_has_exactly_the_english_keys_each_once_and_filled() {
        let english: BTreeSet<&str> = entries(source(Lang::En)).map(|(k, _)| k).collect();
        assert!(english.len() > 40);
        for lang in LANGS {
            let list: Vec<(&str, &str)> = entries(source(lang)).collect();
            let keys: BTreeSet<&str> = list.iter().map(|(k, _)| *k).collect();
            assert_eq!(keys.len(), list.len(), "{lang:?}: a key twice");
            assert_eq!(
                keys.symmetric_difference(&english).collect::<Vec<_>>(),
                Vec::<&&str>::new(),
                "{lang:?}: keys differ from English"
            );
            for (key, text) in list {
                assert!(!text.is_empty(), "{lang:?}: {key} has no text");
            }
        }
    }

    #[test]
    fn the_browser_s_preference_picks_the_language() {
        assert_eq!(
            Lang::from_accept_language("de-DE,de;q=0.9,en;q=0.8"),
            Lang::De
        );
        assert_eq!(Lang::from_accept_language("en-US,de;q=0.5"), Lang::En);
        assert_eq!(Lang::from_accept_language("fr-FR, de;q=0.7"), Lang::De);
        assert_eq!(Lang::from_accept_language("fr"), Lang::En);
        assert_eq!(Lang::from_accept_language("de;q=0"), Lang::En);
        assert_eq!(Lang::from_accept_language(""), Lang::En);
        assert_eq!(Lang::De.text("portal.nav.new"), "Neue Anfrage");
        assert_eq!(Lang::En.text("portal.nav.new"), "New request");
    }
}
