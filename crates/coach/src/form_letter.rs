//! Form letters: a draft that is a canned reply or an earlier reply sent
//! unchanged, with no sentence that speaks to this customer's message.
//!
//! Similarity is estimated with MinHash over word 3-grams (shingles): 64
//! hash functions give the Jaccard similarity of two texts to within a few
//! per cent, in time linear in their length.

use crate::{Check, Finding, Severity};

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

fn word_hashes(text: &str) -> Vec<u64> {
    crate::text::words(text)
        .map(|(_, w)| {
            w.chars()
                .flat_map(char::to_lowercase)
                .fold(0xcbf2_9ce4_8422_2325u64, |h, c| {
                    (h ^ c as u64).wrapping_mul(0x0100_0000_01b3)
                })
        })
        .collect()
}

impl Signature {
    /// The signature of a text's word 3-grams (or single words for very short texts).
    pub fn of(text: &str) -> Self {
        let words = word_hashes(text);
        let shingles: Vec<u64> = if words.len() >= 3 {
            words
                .windows(3)
                .map(|w| mix(w[0] ^ mix(w[1] ^ mix(w[2]))))
                .collect()
        } else {
            words
        };
        let mut sig = [u64::MAX; HASHES];
        for shingle in shingles {
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
        .map(|(_, w)| w.to_lowercase().replace('’', "'"))
        .filter(|w| {
            w.chars().count() >= 4
                && !FILLER.contains(&w.as_str())
                && w.chars().any(char::is_alphabetic)
        })
        .collect()
}

/// Flags a draft that copies a canned or earlier reply without speaking to
/// the customer's message.
pub fn check(
    draft: &str,
    customer_message: &str,
    earlier: &[Signature],
    findings: &mut Vec<Finding>,
) {
    if earlier.is_empty() || draft.trim().is_empty() {
        return;
    }
    let signature = Signature::of(draft);
    let best = earlier
        .iter()
        .map(|e| signature.similarity(e))
        .fold(0.0, f64::max);
    if best < COPY_THRESHOLD {
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
        suggestion: Some("add a sentence about this customer's own situation".into()),
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
    fn a_copied_reply_is_a_form_letter_unless_it_speaks_to_the_customer() {
        let earlier = [Signature::of(CANNED)];
        let mut f = Vec::new();
        check(
            CANNED,
            "My lamp arrived broken, the shade is cracked.",
            &earlier,
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
            &earlier,
            &mut f,
        );
        assert!(f.is_empty(), "{f:?}");
        let mut f = Vec::new();
        check(
            "Hi Ann, the new lamp ships today.",
            "lamp broken",
            &earlier,
            &mut f,
        );
        assert!(f.is_empty());
    }
}
