//! Form letters: a draft that is a canned reply or an earlier reply sent
//! unchanged, with no sentence that speaks to this customer's message.
//!
//! Similarity is estimated with MinHash over word 3-grams (shingles): 64
//! hash functions give the Jaccard similarity of two texts to within a few
//! per cent, in time linear in their length.

use crate::{Advice, Check, Finding, Severity};

const HASHES: usize = 64;
/// Estimated Jaccard similarity from which a draft counts as a copy.
pub const COPY_THRESHOLD: f64 = 0.7;

/// A text's MinHash signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature([u64; HASHES]);

fn mix(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

/// Each word's hash, lower-cased character by character (ASCII words,
/// nearly all of them, without decoding).
fn word_hashes(text: &str) -> Vec<u64> {
    let step = |h: u64, c: u64| (h ^ c).wrapping_mul(0x0100_0000_01b3);
    crate::text::words(text)
        .map(|(_, w)| {
            if w.is_ascii() {
                w.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                    step(h, u64::from(b.to_ascii_lowercase()))
                })
            } else {
                w.chars()
                    .flat_map(char::to_lowercase)
                    .fold(0xcbf2_9ce4_8422_2325u64, |h, c| step(h, c as u64))
            }
        })
        .collect()
}

/// A text's distinct word 3-grams (or single words for very short texts), hashed.
fn shingles(text: &str) -> Vec<u64> {
    let words = word_hashes(text);
    let mut shingles: Vec<u64> = if words.len() >= 3 {
        words
            .windows(3)
            .map(|w| mix(w[0] ^ mix(w[1] ^ mix(w[2]))))
            .collect()
    } else {
        words
    };
    shingles.sort_unstable();
    shingles.dedup();
    shingles
}

/// Below this ratio of shingle counts two texts cannot be copies: their
/// Jaccard similarity is at most the ratio, and a 64-hash estimate of 0.5
/// or less reaches [`COPY_THRESHOLD`] less than once in a thousand.
const SIZE_RATIO_BOUND: f64 = 0.5;

/// The highest estimated similarity of `draft` to any of `earlier`; texts
/// whose length alone rules out a copy are not hashed at all.
pub fn best_similarity<'a>(draft: &str, earlier: impl IntoIterator<Item = &'a str>) -> f64 {
    let own = shingles(draft);
    let mut signature: Option<Signature> = None;
    let mut best = 0.0f64;
    for text in earlier {
        let theirs = shingles(text);
        let (small, large) = (own.len().min(theirs.len()), own.len().max(theirs.len()));
        if large == 0 || (small as f64) < SIZE_RATIO_BOUND * large as f64 {
            continue;
        }
        let mine = signature.get_or_insert_with(|| Signature::from_shingles(&own));
        best = best.max(mine.similarity(&Signature::from_shingles(&theirs)));
    }
    best
}

impl Signature {
    /// The signature of a text's word 3-grams (or single words for very short texts).
    pub fn of(text: &str) -> Self {
        Self::from_shingles(&shingles(text))
    }

    fn from_shingles(shingles: &[u64]) -> Self {
        let mut sig = [u64::MAX; HASHES];
        for &shingle in shingles {
            for (i, slot) in sig.iter_mut().enumerate() {
                let h = mix(shingle ^ (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
                if h < *slot {
                    *slot = h;
                }
            }
        }
        Self(sig)
    }

    /// Estimated Jaccard similarity with another signature.
    pub fn similarity(&self, other: &Signature) -> f64 {
        if self.0[0] == u64::MAX || other.0[0] == u64::MAX {
            return 0.0;
        }
        self.0
            .iter()
            .zip(other.0.iter())
            .filter(|(a, b)| a == b)
            .count() as f64
            / HASHES as f64
    }
}

/// Content words of a text: lower-case, four letters or more, not filler.
pub(crate) fn content_words(text: &str) -> Vec<String> {
    const FILLER: &[&str] = &[
        "that", "this", "with", "have", "your", "will", "from", "they", "them", "there", "their",
        "what", "when", "where", "which", "would", "could", "should", "about", "been", "were",
        "into", "just", "also", "some", "more", "very", "than", "then", "please", "thanks",
        "thank", "hello", "dear", "regards", "best", "sorry", "here", "know", "like", "need",
        "does", "doing", "done", "want", "help", "still", "only", "much", "many", "well", "being",
        "because",
    ];
    crate::text::words(text)
        // Four characters take at least four bytes: shorter words are
        // dropped before they are copied.
        .filter(|(_, w)| w.len() >= 4)
        .filter_map(|(_, w)| {
            if w.is_ascii() {
                // Compared in place, copied only when kept.
                let filler = FILLER.iter().any(|f| f.eq_ignore_ascii_case(w));
                (!filler && w.bytes().any(|b| b.is_ascii_alphabetic()))
                    .then(|| w.to_ascii_lowercase())
            } else {
                let w = crate::text::lower(w);
                (w.chars().count() >= 4
                    && !FILLER.contains(&w.as_str())
                    && w.chars().any(char::is_alphabetic))
                .then_some(w)
            }
        })
        .collect()
}

/// Stock phrases of boilerplate: thanks for writing, assurances, routing.
static STOCK: std::sync::LazyLock<crate::phrases::PhraseTable<()>> =
    std::sync::LazyLock::new(|| {
        static MARK: () = ();
        let phrases: &[&'static str] = &[
            "thank you for contacting",
            "thanks for contacting",
            "thank you for reaching out",
            "thanks for reaching out",
            "thank you for getting in touch",
            "thanks for getting in touch",
            "thank you for your email",
            "thank you for your message",
            "thank you for your feedback",
            "thank you for your valuable feedback",
            "thank you for your patience",
            "thank you for your understanding",
            "thank you for taking the time",
            "thank you for choosing",
            "thank you for shopping",
            "thank you for flying",
            "thank you for staying",
            "thanks for your interest",
            "thank you for your interest",
            "thank you for your enquiry",
            "thank you for your query",
            "we value your feedback",
            "we value every",
            "we value all",
            "valued customer",
            "valued guest",
            "valuable feedback",
            "customers like you",
            "customer feedback helps",
            "we appreciate your patience",
            "we appreciate your understanding",
            "we appreciate your business",
            "we appreciate your loyalty",
            "we appreciate you bringing",
            "appreciate your patience",
            "we understand your concern",
            "we take all feedback seriously",
            "we take all concerns seriously",
            "we take your feedback seriously",
            "your satisfaction is our",
            "our top priority",
            "are our top priority",
            "is our top priority",
            "is important to us",
            "are important to us",
            "matters to us",
            "is being reviewed",
            "our team is reviewing",
            "our team is looking into",
            "the relevant team",
            "the relevant department",
            "the appropriate department",
            "the appropriate team",
            "has been escalated",
            "has been forwarded",
            "have been passed on",
            "has been passed on",
            "has been received",
            "have received your message",
            "we have received your",
            "acknowledge receipt",
            "have been noted",
            "has been noted",
            "we have noted your",
            "we have logged your comments",
            "for quality purposes",
            "we are committed to",
            "we're committed to",
            "we strive to",
            "we endeavour to",
            "we endeavor to",
            "in a timely manner",
            "in order of priority",
            "always looking for ways",
            "always happy to help",
            "always here to help",
            "look forward to welcoming you",
            "hope to welcome you",
            "at the heart of everything",
            "everything we do",
            "don't hesitate to",
            "do not hesitate to",
            "a member of our team will",
            "we aim to respond",
            "we will revert",
            "please be assured",
            "dear customer",
            "dear valued",
            "dear guest",
            "dear member",
            "dear passenger",
            "dear student",
            "dear tenant",
            "dear client",
            "dear sir or madam",
        ];
        let entries: Vec<(&'static str, Option<&'static ()>)> =
            phrases.iter().map(|p| (*p, Some(&MARK))).collect();
        crate::phrases::PhraseTable::new(&entries)
    });

/// Words too general to show that a sentence speaks to this customer.
const GENERIC: &[&str] = &[
    "order",
    "team",
    "customer",
    "customers",
    "request",
    "query",
    "enquiry",
    "message",
    "feedback",
    "service",
    "experience",
    "issue",
    "contact",
    "email",
    "comments",
    "comment",
    "concern",
    "support",
    "account",
    "time",
    "help",
    "information",
    "update",
    "today",
    "week",
    "month",
];

fn loose_stem(word: &str) -> &str {
    let w = crate::text::trim_possessive(word);
    w.strip_suffix('s').filter(|b| b.len() >= 4).unwrap_or(w)
}

/// Marks of a sentence written for every customer: the company praising
/// itself, the customers in general, demand and queues, filler times.
const GENERAL: &[&str] = &[
    "we pride ourselves",
    "pride ourselves",
    "every customer",
    "all our customers",
    "all customers",
    "some customers",
    "our customers",
    "every traveller",
    "every guest",
    "wide range",
    "high demand",
    "high volume",
    "higher than usual",
    "as soon as possible",
    "as quickly as possible",
    "any inconvenience",
    "in the order they",
    "in the order in which",
    "standard timeframe",
    "usual timeframe",
    "extremely seriously",
    "very seriously",
    "measures in place",
    "please note that",
    "for more information",
    "visit our website",
    "we are pleased to",
    "we're pleased to",
    "we are delighted to",
    "exciting",
    "loyal customer",
    "will be in touch",
    "will be in contact",
    "we are continually",
    "we are constantly",
    "continually investing",
    "thank you for your order",
    "thank you for your correspondence",
    "thank you for your letter",
    "thank you for registering",
    "thank you for being",
    "thanks for being",
];

/// The greeting names a role, not the person ("Dear Subscriber,", "Dear
/// valued customer").
fn role_greeting(draft: &str) -> bool {
    let first = draft
        .trim_start()
        .lines()
        .next()
        .unwrap_or("")
        .to_lowercase();
    let Some(rest) = first
        .strip_prefix("dear ")
        .or_else(|| first.strip_prefix("hello "))
        .or_else(|| first.strip_prefix("hi "))
    else {
        return false;
    };
    let rest = rest.trim_end_matches([',', '!', '.', ' ']);
    rest.split_whitespace().count() <= 3
        && rest
            .split_whitespace()
            .last()
            .is_some_and(|w| crate::basics::ROLES.contains(&w.trim_end_matches('s')))
}

/// A sentence written for anyone: a stock phrase or a general mark.
fn general(sentence: &str) -> bool {
    let lower = crate::text::lower(sentence);
    STOCK.find(sentence).next().is_some() || GENERAL.iter().any(|g| lower.contains(g))
}

/// Boilerplate on its own merits: stock phrases and no sentence that
/// shares a specific word with what the customer wrote. A sentence written
/// for anyone ("claims are processed in the order they are received")
/// refers to nothing of this customer's even when it names their topic.
fn boilerplate(draft: &str, customer_message: &str, findings: &mut Vec<Finding>) {
    let salutation = role_greeting(draft);
    let first = match STOCK.find(draft).next() {
        Some((first, _)) => first,
        None if salutation => 0..draft.trim_start().lines().next().map_or(0, str::len),
        None => return,
    };
    let asked: Vec<String> = content_words(customer_message)
        .iter()
        .map(|w| loose_stem(w).to_string())
        .filter(|w| !GENERIC.contains(&w.as_str()))
        .collect();
    // The body: without the greeting line and the sign-off lines.
    let lines: Vec<&str> = draft.trim().lines().collect();
    let body = if lines.len() >= 3 {
        lines[1..lines.len() - 2].join("\n")
    } else {
        draft.to_string()
    };
    // What is left once the sentences written for anyone are taken out.
    let sentences = crate::text::sentences(&body);
    let generals = sentences
        .iter()
        .filter(|s| general(&body[(*s).clone()]))
        .count();
    let mut rest = String::new();
    for s in sentences.iter().filter(|s| !general(&body[(*s).clone()])) {
        rest.push_str(&body[s.clone()]);
        rest.push(' ');
    }
    let mut shared: Vec<String> = content_words(&rest)
        .iter()
        .map(|w| loose_stem(w).to_string())
        .filter(|w| asked.contains(w))
        .collect();
    // Codes, acronyms and numbers the customer used ("SSO", "order 5521").
    let marked = |t: &str| -> Vec<String> {
        crate::text::words(t)
            .map(|(_, w)| w)
            .filter(|w| {
                w.len() >= 2
                    && w.chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            })
            .map(str::to_string)
            .collect()
    };
    let codes = marked(customer_message);
    shared.extend(marked(&body).into_iter().filter(|w| codes.contains(w)));
    shared.sort();
    shared.dedup();
    if shared.len() >= 2 || draft.contains("http") {
        return;
    }
    // Boilerplate is mostly stock: several stock phrases or sentences
    // written for anyone, or little else.
    let stock = STOCK.find(&body).count().max(generals) + usize::from(salutation);
    let specific = content_words(&rest)
        .iter()
        .filter(|w| !GENERIC.contains(&loose_stem(w)))
        .count();
    if stock < 2 && specific > 6 || stock == 0 {
        return;
    }
    findings.push(Finding {
        check: Check::FormLetter,
        severity: Severity::Warn,
        span: first,
        explanation: "boilerplate: stock phrases, and nothing that refers to what this customer wrote"
            .into(),
        suggestion: Some(Advice::SayWhatYouFound.into()),
    });
}

/// Flags a draft that copies a canned or earlier reply, or that is
/// boilerplate, without speaking to the customer's message.
pub fn check<'a>(
    draft: &str,
    customer_message: &str,
    earlier: impl IntoIterator<Item = &'a str>,
    findings: &mut Vec<Finding>,
) {
    if draft.trim().is_empty() {
        return;
    }
    let best = best_similarity(draft, earlier);
    if best < COPY_THRESHOLD {
        boilerplate(draft, customer_message, findings);
        return;
    }
    // A sentence that shares content words with the customer's message makes it personal.
    let asked: Vec<String> = content_words(customer_message);
    let personal = crate::text::sentences(draft).into_iter().any(|s| {
        let shared = content_words(&draft[s])
            .iter()
            .filter(|w| asked.contains(w))
            .count();
        shared >= 2
    });
    if personal {
        return;
    }
    findings.push(Finding {
        check: Check::FormLetter,
        severity: Severity::Block,
        span: 0..draft.trim_end().len(),
        explanation: format!(
            "this reads as a form letter: {:.0}% the same as a canned or earlier reply, and no sentence speaks to what this customer wrote",
            best * 100.0
        ),
        suggestion: Some(Advice::AddTheirSituation.into()),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    const CANNED: &str = "Thank you for contacting us. We have received your request and a member of our team will look into it. We appreciate your patience.";

    #[test]
    fn similarity_tracks_overlap() {
        let a = Signature::of(CANNED);
        assert!((a.similarity(&Signature::of(CANNED)) - 1.0).abs() < f64::EPSILON);
        let other = Signature::of(
            "Your replacement lamp ships today from our Berlin warehouse with tracking.",
        );
        assert!(a.similarity(&other) < 0.1);
    }

    #[test]
    fn length_alone_rules_out_a_copy_and_copies_are_still_found() {
        // A short earlier reply cannot be a copy of a long draft.
        let long = format!("{CANNED} {CANNED} Your lamp ships today with tracking from Berlin.");
        assert!(best_similarity(&long, ["Thank you for contacting us."]) < f64::EPSILON);
        // The same text, and a near copy, are still found among others.
        let near = format!("{CANNED} Best wishes.");
        let best = best_similarity(CANNED, ["Hi.", near.as_str(), "Other words."]);
        assert!(best >= COPY_THRESHOLD, "{best}");
        assert!((best_similarity(CANNED, [CANNED]) - 1.0).abs() < f64::EPSILON);
    }

    #[test]
    fn a_copied_reply_is_a_form_letter_unless_it_speaks_to_the_customer() {
        let earlier = [CANNED];
        let mut f = Vec::new();
        check(
            CANNED,
            "My lamp arrived broken, the shade is cracked.",
            earlier,
            &mut f,
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].check, Check::FormLetter);
        let personal =
            format!("{CANNED} I'm sorry the lamp shade arrived cracked; a new shade ships today.");
        let mut f = Vec::new();
        check(
            &personal,
            "My lamp arrived broken, the shade is cracked.",
            earlier,
            &mut f,
        );
        assert!(f.is_empty(), "{f:?}");
        let mut f = Vec::new();
        check(
            "Hi Ann, the new lamp ships today.",
            "lamp broken",
            earlier,
            &mut f,
        );
        assert!(f.is_empty());
    }
}
