//! Structural signs that a reply answers an ask whatever words it uses: a
//! yes or a no to a closed question, a refusal of a request, a step taken
//! on the thing the customer pointed at with "it" or "this".

use super::Ask;

/// Auxiliaries a closed (yes/no) question opens with.
const AUXILIARIES: &[&str] = &[
    "is", "are", "was", "were", "do", "does", "did", "can", "could", "will", "would", "should",
    "has", "have", "may", "am", "shall",
];

/// Modals that make a question a request ("Could it be posted?").
const MODALS: &[&str] = &["can", "could", "will", "would", "may"];

/// Words that point back at what the customer reported.
const POINTERS: &[&str] = &[
    "it",
    "this",
    "that",
    "them",
    "they",
    "these",
    "those",
    "anything",
    "something",
    "someone",
    "anyone",
    "anybody",
    "somebody",
    "nothing",
];

/// Ways a reply opens an answer with a yes or a no.
const YES_NO: &[&str] = &[
    "yes",
    "no,",
    "no.",
    "no ",
    "yep",
    "certainly",
    "of course",
    "absolutely",
    "sure",
    "definitely",
    "i'm afraid not",
    "unfortunately not",
    "not at all",
    "not necessarily",
    "not at the moment",
    "not yet",
    "not right now",
    "probably not",
    "good news",
];

/// Refusals: a clear no to a request answers it (whether the no is fair is
/// for the other checks).
const REFUSALS: &[&str] = &[
    "can't",
    "cannot",
    "can only",
    "unable to",
    "not able to",
    "not possible",
    "nothing i can do",
    "nothing we can do",
    "not covered",
    "don't make exceptions",
    "do not make exceptions",
    "no exceptions",
    "won't be",
    "will not be",
    "not going to",
    "non-refundable",
    "non-transferable",
    "applied correctly",
    "stands",
    // Handing the job to someone else is a no from us.
    "not ours",
    "not our responsibility",
    "their responsibility",
    "need to contact",
    "would need to contact",
];

fn words(lower: &str) -> Vec<&str> {
    crate::text::plain_words(lower).collect()
}

/// The first word of the ask, skipping a leading "or"/"and"/"so".
fn opening(ask_lower: &str) -> Vec<&str> {
    let mut w = words(ask_lower);
    while w
        .first()
        .is_some_and(|f| ["or", "and", "so", "but", "also", "then"].contains(f))
    {
        w.remove(0);
    }
    w
}

/// A closed question: it opens with an auxiliary ("Is it lost?", "Does that
/// change anything", "or could my neighbour collect it?").
pub(super) fn closed(ask: &Ask) -> bool {
    let lower = ask.text.to_lowercase();
    let w = opening(&lower);
    w.first().is_some_and(|f| AUXILIARIES.contains(f)) || elliptical(&ask.text, &w)
}

/// A closed question about how things stand ("Is it lost?", "Has anyone
/// looked at it?", "Known issue?"), not a request ("Can I have it back?").
pub(super) fn about_state(ask: &Ask) -> bool {
    let lower = ask.text.to_lowercase();
    let w = opening(&lower);
    match w.first() {
        Some(f) if ["is", "are", "was", "were", "has", "have", "does", "did"].contains(f) => true,
        Some(&"will") => w.get(1) != Some(&"you"),
        _ => elliptical(&ask.text, &w),
    }
}

/// A short question with no question word and no auxiliary ("Known
/// issue?", "Any news?", "Still on for Friday?"): a yes or a no answers it.
fn elliptical(text: &str, w: &[&str]) -> bool {
    text.trim_end().ends_with('?')
        && w.len() <= 4
        && w.first().is_some_and(|f| {
            !AUXILIARIES.contains(f)
                && ![
                    "what", "when", "where", "why", "who", "which", "how", "whose",
                ]
                .contains(f)
        })
}

/// A request put as a question with a modal ("Could it be posted?", "Can we
/// swap it?") or as an imperative ("Refund it.", "Please stop.").
pub(super) fn request(ask: &Ask) -> bool {
    let lower = ask.text.to_lowercase();
    let w = opening(&lower);
    w.first()
        .is_some_and(|f| MODALS.contains(f) || *f == "please")
        || ask.action.is_some()
}

/// The reply's sentences that open with a yes or a no, lower-cased.
pub(super) fn yes_or_no(draft: &str) -> Vec<String> {
    crate::text::sentences(draft)
        .into_iter()
        .filter_map(|s| {
            let lower = draft[s].trim_start().to_lowercase();
            // Past a greeting line ("Hi Ann,\n\nYes, ...").
            let body = lower.rsplit('\n').next().unwrap_or(&lower).trim_start();
            YES_NO
                .iter()
                .any(|y| body.starts_with(y))
                .then(|| body.to_string())
        })
        .collect()
}

/// A word's root for matching forms of one verb ("coming" and "come",
/// "arriving" and "arrive").
fn root(word: &str) -> &str {
    let mut w = word;
    for suffix in ["ing", "ed", "es", "s"] {
        if let Some(base) = w.strip_suffix(suffix)
            && base.len() >= 3
        {
            w = base;
            break;
        }
    }
    w.strip_suffix('e').filter(|b| b.len() >= 3).unwrap_or(w)
}

/// A yes or no answers this closed question: it is the only one asked, the
/// answer covers them all ("Yes to both"), or it names the ask's subject.
pub(super) fn yes_no_answers(ask: &Ask, answers: &[String], closed_asks: usize) -> bool {
    !answers.is_empty()
        && (closed_asks <= 1
            || answers.iter().any(|a| {
                let said: Vec<&str> = words(a).into_iter().map(root).collect();
                a.contains("both")
                    || a.contains(" all")
                    || ask.subject.iter().any(|w| said.contains(&root(w)))
            }))
}

/// The ask names nothing beyond what the customer already reported: a
/// pronoun carries its object and at most two other content words remain
/// ("Can someone fix it?", "Please unblock it now.", "Is it lost?"), or is
/// too short to name anything ("Can you help?").
pub(super) fn points_back(ask: &Ask) -> bool {
    let lower = ask.text.to_lowercase();
    let w = words(&lower);
    // "Can you help?": too short to name anything of its own.
    let bare_help = w.len() <= 3 && w.iter().any(|x| ["help", "assist", "advise"].contains(x));
    // "Please stop.": a short order, not a question, names only its verb.
    let bare_order = w.len() <= 3
        && crate::form_letter::content_words(&ask.text).len() <= 1
        && !ask.text.trim_end().ends_with('?')
        && w.first().is_some_and(|f| {
            !AUXILIARIES.contains(f)
                && !["what", "when", "where", "why", "who", "which", "how"].contains(f)
        });
    // Count the ask's own words: "Where is it?" borrows its subject from
    // the sentence before, which does not make it name more.
    let own = crate::form_letter::content_words(&ask.text).len();
    bare_help || bare_order || w.iter().any(|x| POINTERS.contains(x)) && own <= 2
}

/// The reply says what state the thing is in or will be in, whoever does
/// it ("it has been relabelled", "the files aren't gone", "the part is
/// replaced tomorrow", "the crew are checking the van"): an answer to "is
/// it lost?" or "is anyone fixing it?".
pub(super) fn states(draft_lower: &str) -> bool {
    const STATES: &[&str] = &[
        "is on its way",
        "are on their way",
        "isn't lost",
        "aren't lost",
        "not lost",
        "aren't gone",
        "isn't gone",
        "not gone",
        "is safe",
        "are safe",
        "is fixed",
        "are fixed",
        "is back",
        "are back",
        "is known",
    ];
    // A passive of an action ("has been relabelled", "will be delivered"),
    // not a description ("has been stable").
    let words = words(draft_lower);
    let passive = words.windows(3).any(|w| {
        matches!(
            (w[0], w[1]),
            (
                "has" | "have" | "will" | "is" | "are",
                "been" | "be" | "being"
            )
        ) && (w[2].ends_with("ed") || w[2].ends_with("en") || w[2] == "sent")
    });
    // Work in progress on it ("the crew are checking the van").
    let progressive = words
        .windows(2)
        .any(|w| ["is", "are"].contains(&w[0]) && w[1].len() > 5 && w[1].ends_with("ing"));
    passive || progressive || STATES.iter().any(|p| draft_lower.contains(p))
}

/// The reply refuses in plain words.
pub(super) fn refuses(draft_lower: &str) -> bool {
    REFUSALS.iter().any(|r| draft_lower.contains(r))
}

/// We did or will do something: a first-person action ("I've lifted the
/// block", "we'll send a technician"), not a description ("has been stable").
pub(super) fn steps(draft_lower: &str) -> bool {
    [
        "i've ", "we've ", "i have ", "we have ", "i'll ", "we'll ", "i will ", "we will ",
        "i can ", "we can ", "you can ",
    ]
    .iter()
    .any(|p| draft_lower.contains(p))
}

/// "Just to confirm, did you try the reset steps here: <link>": a question
/// to the customer by its word order, when a link ate the question mark.
fn asks_you(sentence: &str) -> bool {
    let mut words = crate::text::words(sentence).map(|(_, w)| w.to_ascii_lowercase());
    let mut previous = String::new();
    for word in words.by_ref().take(5) {
        if word == "you"
            && ["did", "have", "are", "were", "do", "can", "could"].contains(&previous.as_str())
        {
            return true;
        }
        previous = word;
    }
    false
}

/// A question back in the imperative: "please let us know which platform
/// you play on" asks as much as "which platform do you play on?"; "let us
/// know if you need anything" is a closing, not a question.
const ASKS_BACK: &[&str] = &[
    "let us know what",
    "let us know which",
    "let us know whether",
    "let us know how",
    "let us know when",
    "let us know where",
    "let me know what",
    "let me know which",
    "let me know whether",
    "tell us what",
    "tell us which",
    "tell us more",
    "tell us whether",
    "please share",
    "please provide",
    "send us a screenshot",
    "send over a screenshot",
];

/// Whether the reply asks the customer something back, in whatever form; a
/// question that mocks or blames (`rhetorical`) asks nothing.
pub(super) fn asks_back(
    draft: &str,
    draft_lower: &str,
    rhetorical: impl Fn(&std::ops::Range<usize>) -> bool,
) -> bool {
    crate::text::sentences(draft).into_iter().any(|s| {
        let sentence = &draft[s.clone()];
        (sentence.trim_end().ends_with('?') || asks_you(sentence)) && !rhetorical(&s)
    }) || ASKS_BACK.iter().any(|p| draft_lower.contains(p))
}

/// Acts that are no step for the customer: looking, asking, passing on.
const NOT_DONE: &[&str] = &[
    "checked",
    "looked",
    "asked",
    "passed",
    "noted",
    "raised",
    "forwarded",
    "escalated",
    "contacted",
    "reviewed",
    "investigated",
    "logged",
    "reached",
    "received",
    "been",
    "had",
    "got",
    "spoken",
    "told",
    "tried",
    "seen",
    "read",
    "heard",
    "recorded",
    "shared",
];

/// The case file rather than the customer's thing: a change to it is no
/// step for them.
const CASE_FILE: &[&str] = &[
    "case",
    "request",
    "ticket",
    "report",
    "complaint",
    "query",
    "enquiry",
    "inquiry",
    "claim",
    "feedback",
    "comments",
];

/// Past participles without "-ed" that report a thing done.
const DONE_IRREGULAR: &[&str] = &[
    "sent", "made", "put", "given", "done", "set", "paid", "taken", "written", "found", "rebuilt",
    "brought", "refunded", "built", "rung", "cut",
];

/// Whether the reply reports something done for the customer: we did it
/// ("I've cancelled it", not "I've checked"), or their thing is done ("your
/// invoice has been corrected", not "once an order has been dispatched").
pub(super) fn done(lower: &str) -> bool {
    let words: Vec<&str> = crate::text::plain_words(lower).collect();
    let participle =
        |w: &str| (w.ends_with("ed") || DONE_IRREGULAR.contains(&w)) && !NOT_DONE.contains(&w);
    words.iter().enumerate().any(|(i, w)| {
        let next = |k: usize| words.get(i + k).copied().unwrap_or("");
        let ours = matches!(*w, "i've" | "we've")
            || matches!(*w, "i" | "we") && next(1) == "have"
                // "we have now refunded", "I've just sent".
                ;
        let at = if matches!(*w, "i've" | "we've") { 1 } else { 2 };
        let skip = |k: usize| {
            if matches!(next(k), "now" | "just" | "already" | "also") {
                k + 1
            } else {
                k
            }
        };
        if ours && participle(next(skip(at))) {
            return true;
        }
        // "your card has been cancelled": the customer's thing, not a
        // general rule after "once" or "when", nor the case file ("your
        // request has been classed as ...").
        if matches!(*w, "has" | "have") && next(1) == "been" && participle(next(skip(2))) {
            let before = &words[i.saturating_sub(4)..i];
            if before.last().is_some_and(|b| CASE_FILE.contains(b)) {
                return false;
            }
            return before.iter().any(|b| {
                matches!(
                    *b,
                    "your" | "it" | "they" | "this" | "these" | "both" | "all"
                )
            }) && !before
                .iter()
                .any(|b| matches!(*b, "once" | "when" | "after" | "if" | "until" | "before"));
        }
        false
    })
}
