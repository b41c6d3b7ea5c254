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

    /// A language setting as people send it: a code we have, or "" for
    /// none (then the browser's language applies); anything else is refused.
    pub fn parse_setting(field: &'static str, code: &str) -> Result<Option<Lang>, crate::AppError> {
        match code.trim() {
            "" => Ok(None),
            code => code.parse::<Lang>().map(Some).map_err(|_| {
                let known: Vec<&str> = LANGS.iter().map(|l| l.as_str()).collect();
                crate::AppError::invalid(
                    field,
                    msg!(
                        "error.lang.unknown",
                        code = format!("{code:?}"),
                        known = known.join(", ")
                    ),
                )
            }),
        }
    }

    /// The language stored for someone (a code), if it is one we have.
    pub fn from_stored(code: Option<&str>) -> Option<Lang> {
        code.and_then(|c| c.parse().ok())
    }

    /// The language's own name, for choosers ("English", "Deutsch").
    pub fn own_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::De => "Deutsch",
        }
    }

    /// The text of `key` with each `{name}` replaced by its value.
    pub fn fill(self, key: &str, values: &[(&str, &str)]) -> String {
        let mut text = self.text(key).to_string();
        for (name, value) in values {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    /// Whether `key` is in the catalogues.
    pub fn has(key: &str) -> bool {
        catalogue(Lang::En).contains_key(key)
    }

    /// The language a browser asks for (`Accept-Language`), by its
    /// preference weights; English when none we have is named.
    pub fn from_accept_language(header: &str) -> Lang {
        Lang::from_header(header).unwrap_or_default()
    }

    /// The language a `Content-Language` or `Accept-Language` header names
    /// first (by weight) among those we have; none if it names none.
    pub fn from_header(header: &str) -> Option<Lang> {
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
        best.map(|(_, _, lang)| lang)
    }
}

/// An instant as a reader of `lang` reads it, in `zone` (the business's):
/// English "5 Dec 2026, 14:05", German "05.12.2026, 14:05". The one
/// formatting of dates and times for pages and mails.
pub fn format_time(lang: Lang, t: rapport_core::Timestamp, zone: &jiff::tz::TimeZone) -> String {
    let Ok(ts) = jiff::Timestamp::from_microsecond(t.0) else {
        return String::new();
    };
    let local = ts.to_zoned(zone.clone());
    format!(
        "{}, {}",
        format_date(lang, local.date()),
        local.strftime("%H:%M")
    )
}

/// A civil date as a reader of `lang` reads it: "7 Dec 2026", "07.12.2026".
pub fn format_date(lang: Lang, date: jiff::civil::Date) -> String {
    match lang {
        Lang::En => format!(
            "{} {} {}",
            date.day(),
            lang.text(
                MONTHS_SHORT[usize::from(date.month().unsigned_abs()).saturating_sub(1) % 12]
            ),
            date.year()
        ),
        Lang::De => date.strftime("%d.%m.%Y").to_string(),
    }
}

/// The same instant as `<time datetime>` wants it, with the zone's offset.
pub fn machine_time(t: rapport_core::Timestamp, zone: &jiff::tz::TimeZone) -> String {
    jiff::Timestamp::from_microsecond(t.0)
        .map(|ts| {
            ts.to_zoned(zone.clone())
                .strftime("%Y-%m-%dT%H:%M:%S%:z")
                .to_string()
        })
        .unwrap_or_default()
}

/// A weekday's name (Monday first) in this language.
pub fn weekday_name(lang: Lang, day: jiff::civil::Weekday) -> &'static str {
    const KEYS: [&str; 7] = [
        "date.weekday.1",
        "date.weekday.2",
        "date.weekday.3",
        "date.weekday.4",
        "date.weekday.5",
        "date.weekday.6",
        "date.weekday.7",
    ];
    let index = usize::from(day.to_monday_one_offset().unsigned_abs()).saturating_sub(1) % 7;
    lang.text(KEYS[index])
}

/// A month's full name (January first) in this language.
pub fn month_name(lang: Lang, month: i8) -> &'static str {
    const KEYS: [&str; 12] = [
        "date.month.1",
        "date.month.2",
        "date.month.3",
        "date.month.4",
        "date.month.5",
        "date.month.6",
        "date.month.7",
        "date.month.8",
        "date.month.9",
        "date.month.10",
        "date.month.11",
        "date.month.12",
    ];
    lang.text(KEYS[usize::from(month.unsigned_abs()).saturating_sub(1) % 12])
}

const MONTHS_SHORT: [&str; 12] = [
    "date.month_short.1",
    "date.month_short.2",
    "date.month_short.3",
    "date.month_short.4",
    "date.month_short.5",
    "date.month_short.6",
    "date.month_short.7",
    "date.month_short.8",
    "date.month_short.9",
    "date.month_short.10",
    "date.month_short.11",
    "date.month_short.12",
];

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
    fn dates_read_in_the_reader_s_format_and_the_business_zone() {
        let zone = jiff::tz::TimeZone::get("Europe/Berlin").unwrap();
        // 2026-12-05 13:05 UTC is 14:05 in Berlin.
        let t = rapport_core::Timestamp(
            "2026-12-05T13:05:00Z"
                .parse::<jiff::Timestamp>()
                .unwrap()
                .as_microsecond(),
        );
        assert_eq!(format_time(Lang::En, t, &zone), "5 Dec 2026, 14:05");
        assert_eq!(format_time(Lang::De, t, &zone), "05.12.2026, 14:05");
        assert_eq!(machine_time(t, &zone), "2026-12-05T14:05:00+01:00");
        assert_eq!(
            format_time(Lang::En, t, &jiff::tz::TimeZone::UTC),
            "5 Dec 2026, 13:05"
        );
        assert_eq!(
            weekday_name(Lang::De, jiff::civil::Weekday::Tuesday),
            "Dienstag"
        );
        assert_eq!(month_name(Lang::De, 3), "März");
        assert_eq!(month_name(Lang::En, 12), "December");
        assert_eq!(Lang::parse_setting("language", "").unwrap(), None);
        assert_eq!(
            Lang::parse_setting("language", "de").unwrap(),
            Some(Lang::De)
        );
        assert!(Lang::parse_setting("language", "xx").is_err());
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
