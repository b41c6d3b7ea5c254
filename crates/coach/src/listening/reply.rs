//! The reply, read once: its words and their synonym groups, whether it
//! names a time, refuses, has done something, keeps the conversation going;
//! and the matching of each ask against it.

use super::extract::{Ask, asks_for_something};
use super::kinds::{acts, answers_kind};
use super::words::{MONEY, REPLACEMENT, codes, group, split_words, stem};
use super::{answers, needs};
use crate::form_letter::content_words;
use crate::{Advice, Check, Finding, Medium, Severity};
use std::cell::OnceCell;

/// Ways to point the customer to a private channel or a help article: on
/// social media that is the answer.
const ROUTES: &[&str] = &[
    "http",
    "dm",
    "direct message",
    "ticket",
    "email us",
    "send us",
    "contact our",
    "chat with",
    "reach out",
    "call us",
];

/// A refusal in any words: no time is owed for what will not happen.
const REFUSES_AT_ALL: &[&str] = &[
    "can't",
    "cannot",
    "not allowed",
    "not able",
    "unable",
    "not possible",
];

/// A refusal that answers a request or a time asked for.
const REFUSES: &[&str] = &[
    "can only",
    "can't",
    "cannot",
    "not able to",
    "unable to",
    "not allowed",
    "applies to all",
    "nothing i can do",
    "hands are tied",
    "not possible",
    "non-refundable",
    "not payable",
    "unable to",
    "not permitted",
    "no exceptions",
    "is final",
    "are final",
];

/// The draft as the listening check reads it.
pub(super) struct Reply<'a> {
    /// The draft as written.
    draft: &'a str,
    /// The draft lower-cased, with typographic apostrophes made plain.
    pub(super) lower: String,
    /// Whether it names a time, read on first use.
    time: OnceCell<bool>,
    /// Whether it reports something done, read on first use.
    done: OnceCell<bool>,
    /// Its content words, read on first use.
    content: OnceCell<Vec<String>>,
    /// It asks the customer something back, or (on social media) routes
    /// them to a private channel or an article: the conversation goes on.
    pub(super) continues: bool,
}

impl<'a> Reply<'a> {
    /// Reads the draft.
    pub(super) fn read(draft: &'a str, medium: Medium, findings: &[Finding]) -> Self {
        let lower = crate::text::lower(draft);
        // A reply that asks the customer something back keeps the conversation
        // on their need; on social media, pointing to a private channel or to
        // the help article is the answer.
        // A rhetorical question that blames or mocks ("did you even read
        // the manual?") asks nothing back.
        let rhetorical = |s: &std::ops::Range<usize>| {
            findings.iter().any(|f| {
                matches!(f.check, Check::Rude | Check::Blame | Check::Arguing)
                    && f.span.start < s.end
                    && s.start < f.span.end
            })
        };
        let asks_back = answers::asks_back(draft, &lower, rhetorical);
        let routes = medium == Medium::Social
            && ROUTES.iter().any(|p| {
                lower.split(|c: char| !c.is_alphanumeric()).any(|w| w == *p) || lower.contains(p)
            });
        Reply {
            draft,
            lower,
            time: OnceCell::new(),
            done: OnceCell::new(),
            content: OnceCell::new(),
            continues: asks_back || routes,
        }
    }

    /// The draft as written.
    pub(super) fn draft(&self) -> &str {
        self.draft
    }

    /// A not-listening warning on the first line of the draft.
    pub(super) fn finding(&self, explanation: String, advice: Advice) -> Finding {
        Finding {
            check: Check::NotListening,
            severity: Severity::Warn,
            span: 0..self.draft.find('\n').unwrap_or(self.draft.len()),
            explanation,
            suggestion: Some(advice.into()),
        }
    }

    /// It names a time, or a time tied to an event.
    pub(super) fn names_time(&self) -> bool {
        *self.time.get_or_init(|| needs::names_a_time(&self.lower))
    }

    /// It names a date, ties the time to the customer's own deadline ("in
    /// time", "before the meeting") or to their own act ("as soon as you
    /// confirm it"); an event with no date ("once the landlord has signed")
    /// does not meet a deadline.
    pub(super) fn meets_deadline_with_time(&self) -> bool {
        needs::names_a_date(&self.lower)
            || [
                "in time",
                "before the",
                "well before",
                "before then",
                "before your",
                "as soon as you",
                "once you",
            ]
            .iter()
            .any(|p| self.lower.contains(p))
    }

    /// It refuses in any words.
    pub(super) fn refuses_at_all(&self) -> bool {
        REFUSES_AT_ALL.iter().any(|r| self.lower.contains(r))
    }

    /// It reports something done for the customer: done already meets any
    /// deadline ("I've reissued them as e-tickets").
    pub(super) fn done(&self) -> bool {
        *self.done.get_or_init(|| answers::done(&self.lower))
    }

    /// It offers the customer a way forward: something we did, a time, a
    /// question back, or a step we or they can take (an undated one only
    /// when no vague promise was found).
    pub(super) fn helps(&self, vague: bool) -> bool {
        // "Our caretaker will carry it up" as well as "we'll": a step by us.
        const OFFERS: &[&str] = &[" will ", "i'll ", "we'll ", "i can ", "we can ", "you can "];
        self.continues
            || self.names_time()
            || self.done()
            || !vague
                && OFFERS.iter().any(|o| {
                    // "there is nothing more I can do" offers nothing.
                    self.lower.match_indices(o).any(|(i, _)| {
                        !self.lower[..i]
                            .split_whitespace()
                            .rev()
                            .take(3)
                            .any(|w| ["nothing", "not", "no", "never", "anything"].contains(&w))
                    })
                })
    }

    /// It uses the word or phrase as words ("cook", not "cooker").
    pub(super) fn says(&self, word: &str) -> bool {
        self.lower.match_indices(word).any(|(i, _)| {
            let before = self.lower[..i].chars().next_back();
            let after = self.lower[i + word.len()..].chars().next();
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        })
    }

    /// It says we will find out and come back.
    pub(super) fn defers(&self) -> bool {
        ["look into", "get back to you", "find out"]
            .iter()
            .any(|d| self.lower.contains(d))
    }

    /// Builds the word-level reading that asks are matched against.
    pub(super) fn matcher(&'a self, asks: &[Ask]) -> Matcher<'a> {
        let content = self.content.get_or_init(|| content_words(self.draft));
        let draft_codes = codes(self.draft);
        let mut groups: Vec<usize> = content.iter().filter_map(|w| group(w)).collect();
        let stems = content.iter().map(|w| stem(w)).collect();
        if self.lower.contains("a new ") || self.lower.contains("new one") {
            groups.push(REPLACEMENT);
        }
        Matcher {
            reply: self,
            stems,
            codes: draft_codes,
            groups,
            yes_no: answers::yes_or_no(self.draft),
            closed_asks: asks.iter().filter(|a| answers::closed(a)).count(),
            time_asks: asks.iter().filter(|a| a.kind == "when" || a.timed).count(),
            refuses: REFUSES.iter().any(|r| self.lower.contains(r)),
            refusal: OnceCell::new(),
        }
    }
}

/// The reply's words, groups and structure, ready to match asks against.
pub(super) struct Matcher<'a> {
    /// The reply.
    reply: &'a Reply<'a>,
    /// The stems of its content words.
    stems: Vec<&'a str>,
    /// Its codes and acronyms (compared as they are).
    codes: Vec<String>,
    /// The synonym groups of its content words.
    groups: Vec<usize>,
    /// Its sentences that open with a yes or a no.
    yes_no: Vec<String>,
    /// How many of the customer's asks are closed questions.
    closed_asks: usize,
    /// How many of the customer's asks want a time ("when ...?", "on Friday?").
    time_asks: usize,
    /// It refuses a request.
    refuses: bool,
    /// It refuses in any words ([`answers::refuses`]), read on first use.
    refusal: OnceCell<bool>,
}

impl Matcher<'_> {
    /// The reply uses the word, or a synonym of it.
    fn addressed(&self, w: &str) -> bool {
        self.has_stem(stem(w)) || group(w).is_some_and(|g| self.groups.contains(&g))
    }

    /// A content word of the reply has this stem, or a code is this word.
    fn has_stem(&self, s: &str) -> bool {
        self.stems.contains(&s) || self.codes.iter().any(|x| x == s)
    }

    /// The reply uses the customer's own word for the thing (a replacement
    /// in any words counts).
    fn own_words(&self, w: &str) -> bool {
        self.has_stem(stem(w))
            || (group(w) == Some(REPLACEMENT) && self.groups.contains(&REPLACEMENT))
    }

    /// Whether the reply answers the ask, by words, by kind or by structure.
    pub(super) fn answers(&self, ask: &Ask) -> bool {
        let open_kind = !ask.timed && !["when", "how long", "how much"].contains(&ask.kind);
        self.by_words(ask)
            || open_kind && (answers_kind(&self.reply.lower, ask.kind) || self.structurally(ask))
    }

    /// Whether the reply answers an ask of an open kind by its structure:
    /// a yes or no closes a closed question, a plain refusal answers a
    /// request, and a step taken answers an ask that only points back at
    /// the reported problem.
    fn structurally(&self, ask: &Ask) -> bool {
        let lower = &self.reply.lower;
        let refusal = || *self.refusal.get_or_init(|| answers::refuses(lower));
        (answers::closed(ask) && answers::yes_no_answers(ask, &self.yes_no, self.closed_asks))
            || (answers::request(ask) && refusal())
            || (answers::points_back(ask)
                && (answers::steps(lower) || refusal() || answers_kind(lower, "how")))
            // "Is it lost?", "Is anyone fixing it?": the state of the
            // thing, or a time it will be done, answers.
            || (answers::points_back(ask)
                && answers::about_state(ask)
                && (answers::states(lower) || self.reply.names_time()))
    }

    /// The reply answers the ask in its words: a time for a time, the way
    /// for a how, the action or the thing for a request.
    fn by_words(&self, ask: &Ask) -> bool {
        let lower = &self.reply.lower;
        if ask.timed || ask.kind == "how long" {
            // "Cancel it before it ships tomorrow": "I've cancelled it".
            let done = ask.timed
                && self.reply.done()
                && (ask.action.as_ref().is_some_and(|a| self.addressed(a))
                    || ask.subject.iter().any(|w| self.own_words(w)));
            self.reply.names_time() || self.refuses || done
        } else if ask.kind == "how much" {
            // An amount asked: the topic repeated is no answer.
            answers_kind(lower, "how much") || self.refuses
        } else if ask.kind == "when" {
            // "When?" is answered by a time, not by the customer's own words;
            // "shortly" answers when, if badly (that is a vague promise), but
            // "as soon as we can" gives no time at all.
            // An event with no date ("as soon as the lab sends them")
            // is no time either.
            // Two asks for a time are not both answered by one: the time
            // must be in a clause about the thing asked ("the fitter comes
            // back on Thursday" does not say when the door arrives).
            if self.time_asks >= 2 {
                return crate::text::sentences(lower)
                    .into_iter()
                    .flat_map(|s| clauses(&lower[s]))
                    .any(|clause| {
                        needs::names_a_date(clause)
                            && split_words(clause).iter().any(|w| {
                                ask.subject
                                    .iter()
                                    .any(|a| a.len() >= 3 && stem(a) == stem(w))
                            })
                    });
            }
            needs::names_a_date(lower)
                || ["soon", "shortly"].iter().any(|v| {
                    lower
                        .match_indices(v)
                        .any(|(i, _)| !lower[..i].ends_with("as "))
                })
        } else if ask.kind == "how" {
            // "How do I return it?" wants the way, not the topic repeated.
            answers_kind(lower, "how")
                || self.refuses
                || ask.subject.iter().any(|w| w.len() <= 3 && self.has_stem(w))
        } else if answers::points_back(ask) && answers::about_state(ask) {
            // "Is it dispatched yet?": the thing's state in the customer's
            // own words, not a word on the topic ("delivery").
            ask.subject.iter().any(|w| self.own_words(w))
        } else if ask.generic {
            acts(lower) || ask.subject.iter().any(|w| self.addressed(w))
        } else if ask.kind == "what" && self.refuses && asks_for_something(&ask.text) {
            true
        } else if ask.text.to_lowercase().contains("confirm")
            && [
                "got ",
                "got them",
                "received",
                "have them",
                "have it",
                "have everything",
                "all here",
            ]
            .iter()
            .any(|p| lower.contains(p))
        {
            // "Can you confirm you have everything?": "Got them."
            true
        } else {
            match &ask.action {
                // A request is answered by its action ("refund" in other
                // words), or by the reply using the customer's own words for
                // the thing (an explanation instead of the action); synonyms
                // of the thing alone do not count ("arrive" does not answer
                // "refund the shipping fee").
                Some(action) => {
                    self.addressed(action)
                        || ask
                            .subject
                            .iter()
                            .filter(|w| *w != action)
                            .any(|w| self.own_words(w))
                }
                None => {
                    // "Can I get a refund for my annual plan?": the refund is
                    // the need; answering about the plan is a neighbouring answer.
                    // A reference in brackets ("(booking 99281)") is not the need.
                    let keys: Vec<usize> = ask
                        .subject
                        .iter()
                        .filter(|w| !ask.aside.contains(w))
                        .filter_map(|w| group(w))
                        .collect();
                    // "Has my claim moved forward?" asks how things stand,
                    // not for a move: any word of it answered is heard.
                    if keys.is_empty() || answers::about_state(ask) {
                        ask.subject.iter().any(|w| self.addressed(w))
                    } else {
                        keys.iter().any(|g| self.groups.contains(g))
                            // Money asked about, money answered in any words
                            // ("get back what I lost" / "a credit on your bill").
                            || keys.iter().any(|g| MONEY.contains(g))
                                && needs::speaks_of_money(lower)
                    }
                }
            }
        }
    }
}

/// The clauses of a sentence: split at semicolons and at ", and" / ", but".
pub(super) fn clauses(sentence: &str) -> Vec<&str> {
    sentence
        .split(';')
        .flat_map(|part| part.split(", and "))
        .flat_map(|part| part.split(", but "))
        .collect()
}
