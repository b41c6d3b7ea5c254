//! Running a parsed query: the tantivy query it becomes, ranking, paging
//! and escaped snippets.

use crate::index::{Opened, SearchIndex};
use crate::pairs::pair;
use crate::query::{Clause, DateRange, DueWhen, OwnerRef, Query, Term as QTerm};
use crate::rank::BestFirst;
use crate::schema::{Fields, NO_DUE, status_team_key};
use crate::snippet::Highlighter;
use crate::{SearchError, html};
use std::collections::HashMap;
use std::ops::Bound;
use std::time::Instant;
use tantivy::collector::TopDocs;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, PhraseQuery,
    Query as TQuery, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{DocAddress, Order, Searcher, TantivyDocument, Term};

/// How results are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Best match first; among equals, the most recently changed first.
    #[default]
    Relevance,
    /// Most recently changed first.
    Newest,
}

/// What the caller's query words refer to, resolved by the caller.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The agent searching (`owner:me`); none for a customer.
    pub me: Option<i64>,
    /// Team ids by lowercased name (`team:billing`).
    pub teams: HashMap<String, i64>,
    /// Agent ids by lowercased email (`owner:ana@example.com`).
    pub agents: HashMap<String, i64>,
    /// Only this customer's tickets (the portal).
    pub customer: Option<i64>,
    /// The instant `breached:` compares with (UTC µs).
    pub now: i64,
    /// Today in the business's time zone (`due:today`).
    pub today: DateRange,
    /// Tomorrow in the business's time zone (`due:tomorrow`).
    pub tomorrow: DateRange,
}

/// One page of results.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// The hits on this page.
    pub hits: Vec<Hit>,
    /// The offset of the next page, when there is one.
    pub next: Option<usize>,
}

/// One matching ticket.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// The ticket's id.
    pub ticket_id: i64,
    /// The relevance score (0 when sorted by date).
    pub score: f32,
    /// The subject with the matched words in `<mark>`, HTML-escaped.
    pub subject_html: String,
    /// A fragment of the messages with the matched words in `<mark>`,
    /// HTML-escaped; empty when no message text matched.
    pub snippet_html: String,
}

/// The longest message fragment under a hit, in bytes.
const SNIPPET_BYTES: usize = 200;

/// The most results one page may ask for.
pub const MAX_PAGE: usize = 100;
/// The deepest offset paging may reach.
pub const MAX_OFFSET: usize = 10_000;

impl SearchIndex {
    /// Runs `query` for `ctx`, `limit` results from `offset`. Blocking: call
    /// it off the async workers.
    pub fn search(
        &self,
        query: &Query,
        ctx: &Context,
        sort: Sort,
        offset: usize,
        limit: usize,
    ) -> Result<Page, SearchError> {
        let opened = self.opened()?;
        let limit = limit.clamp(1, MAX_PAGE);
        let offset = offset.min(MAX_OFFSET);
        let started = Instant::now();
        let searcher = opened.reader.searcher();
        let (tquery, highlight) = compile(&opened, &searcher, query, ctx);
        let found: Vec<(f32, DocAddress)> = match sort {
            Sort::Relevance => searcher.search(
                &tquery,
                &BestFirst {
                    offset,
                    limit: limit + 1,
                },
            )?,
            Sort::Newest => searcher
                .search(
                    &tquery,
                    &TopDocs::with_limit(limit + 1)
                        .and_offset(offset)
                        .order_by_fast_field::<i64>("updated_at", Order::Desc),
                )?
                .into_iter()
                .map(|(_, addr)| (0.0, addr))
                .collect(),
        };
        let next = (found.len() > limit).then_some(offset + limit);
        let matched = started.elapsed();
        let mut snippets = Snippets::new(&searcher, &opened, highlight.as_deref())?;
        let mut hits = Vec::with_capacity(limit);
        for (score, addr) in found.into_iter().take(limit) {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let ticket_id = doc
                .get_first(opened.fields.id)
                .and_then(|v| v.as_u64())
                .ok_or_else(|| SearchError::Corrupt("a document without a ticket id".into()))?;
            let (subject_html, snippet_html) = snippets.render(&doc);
            hits.push(Hit {
                ticket_id: ticket_id as i64,
                score,
                subject_html,
                snippet_html,
            });
        }
        tracing::debug!(
            match_us = matched.as_micros() as u64,
            snippets_us = (started.elapsed() - matched).as_micros() as u64,
            hits = hits.len(),
            "search: index"
        );
        Ok(Page { hits, next })
    }
}

/// The tantivy query, and the query of positive text clauses whose terms
/// are highlighted (the words themselves, not their pairs).
fn compile(
    opened: &Opened,
    searcher: &Searcher,
    query: &Query,
    ctx: &Context,
) -> (Box<dyn TQuery>, Option<Box<dyn TQuery>>) {
    let f = &opened.fields;
    let notes = ctx.customer.is_none();
    let mut parts: Vec<(Occur, Box<dyn TQuery>)> = Vec::new();
    let mut highlight: Vec<(Occur, Box<dyn TQuery>)> = Vec::new();
    let mut together = None;
    if let Some((status, team, q)) = status_and_team(opened, query, ctx) {
        parts.push((Occur::Must, q));
        together = Some((status, team));
    }
    for (n, clause) in query.clauses.iter().enumerate() {
        if together.is_some_and(|(status, team)| n == status || n == team) {
            continue;
        }
        let q = match &clause.term {
            QTerm::Word(text) | QTerm::Phrase(text) => {
                if !clause.negated
                    && let Some(words) = any_text(opened, None, text, notes)
                {
                    highlight.push((Occur::Should, words));
                }
                any_text(opened, Some(searcher), text, notes)
            }
            // A filter narrows; it does not rank (and its score would be
            // one more number to compute for every document it lets through).
            _ => clause_query(opened, clause, ctx).map(|q| {
                if clause.negated {
                    q
                } else {
                    Box::new(ConstScoreQuery::new(q, 0.0)) as Box<dyn TQuery>
                }
            }),
        };
        let Some(q) = q else {
            continue;
        };
        parts.push((
            if clause.negated {
                Occur::MustNot
            } else {
                Occur::Must
            },
            q,
        ));
    }
    if let Some(customer) = ctx.customer {
        parts.push((Occur::Must, term_u64(f.customer_id, customer)));
    }
    if !parts.iter().any(|(o, _)| *o == Occur::Must) {
        parts.push((Occur::Must, Box::new(AllQuery)));
    }
    let highlight =
        (!highlight.is_empty()).then(|| Box::new(BooleanQuery::new(highlight)) as Box<dyn TQuery>);
    // A lone clause is not wrapped: a boolean of one clause would hide the
    // word union's block-max WAND from the collector.
    let tquery = if parts.len() == 1 {
        parts.pop().map(|(_, q)| q)
    } else {
        None
    };
    (
        tquery.unwrap_or_else(|| Box::new(BooleanQuery::new(parts))),
        highlight,
    )
}

/// The one positive `status:` and the one positive `team:` clause of a
/// query (their indexes), as one term of the `status_team` field: a team's
/// open tickets are one posting list instead of the intersection of two
/// long ones. `None` when the query does not have exactly one of each, or
/// names an unknown team (left to the clauses, which match nothing).
fn status_and_team(
    opened: &Opened,
    query: &Query,
    ctx: &Context,
) -> Option<(usize, usize, Box<dyn TQuery>)> {
    let only = |wanted: fn(&QTerm) -> bool| {
        let mut found = query
            .clauses
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.negated && wanted(&c.term));
        let first = found.next()?;
        found.next().is_none().then_some(first)
    };
    let (s, status) = only(|t| matches!(t, QTerm::Status(_)))?;
    let (t, team) = only(|t| matches!(t, QTerm::Team(_)))?;
    let QTerm::Status(status) = &status.term else {
        return None;
    };
    let QTerm::Team(team) = &team.term else {
        return None;
    };
    let team = team_id(team.as_deref(), ctx)?;
    let key = status_team_key(status.as_str(), team);
    let term = term_str(opened.fields.status_team, &key);
    Some((s, t, Box::new(ConstScoreQuery::new(term, 0.0))))
}

/// The team a `team:` clause names: 0 for `team:none`, none for a name
/// the caller did not resolve.
fn team_id(name: Option<&str>, ctx: &Context) -> Option<i64> {
    match name {
        None => Some(0),
        Some(name) => ctx.teams.get(&name.to_lowercase()).copied(),
    }
}

fn term_u64(field: Field, value: i64) -> Box<dyn TQuery> {
    Box::new(TermQuery::new(
        Term::from_field_u64(field, value.max(0) as u64),
        IndexRecordOption::Basic,
    ))
}

fn term_str(field: Field, value: &str) -> Box<dyn TQuery> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, value),
        IndexRecordOption::Basic,
    ))
}

/// `text` as `field`'s analyzer makes it: its words (terms' texts).
fn words(opened: &Opened, field: Field, text: &str) -> Vec<String> {
    let Ok(mut analyzer) = opened.index.tokenizer_for_field(field) else {
        return Vec::new();
    };
    let mut stream = analyzer.token_stream(text);
    let mut words = Vec::new();
    while let Some(token) = stream.next() {
        words.push(token.text.clone());
    }
    words
}

/// Analysed words as a term (one) or a phrase (more).
fn word_query(field: Field, words: &[String]) -> Option<Box<dyn TQuery>> {
    match words {
        [] => None,
        [word] => Some(Box::new(TermQuery::new(
            Term::from_field_text(field, word),
            IndexRecordOption::WithFreqs,
        ))),
        _ => Some(Box::new(PhraseQuery::new(
            words
                .iter()
                .map(|w| Term::from_field_text(field, w))
                .collect(),
        ))),
    }
}

/// Text analysed with the field's analyzer: a term, a phrase, or nothing
/// when no token remains (punctuation only).
fn text_query(opened: &Opened, field: Field, text: &str) -> Option<Box<dyn TQuery>> {
    word_query(field, &words(opened, field, text))
}

/// A phrase through the pair field `pairs` (see [`crate::pairs`]): two
/// words are their pair's term; a longer phrase keeps its positional check,
/// narrowed to the documents holding all its pairs (which add nothing to
/// the score).
fn paired_query(field: Field, pairs: Field, words: &[String]) -> Option<Box<dyn TQuery>> {
    let terms: Vec<Term> = words
        .windows(2)
        .map(|w| Term::from_field_text(pairs, &pair(&w[0], &w[1])))
        .collect();
    if terms.is_empty() {
        return word_query(field, words);
    }
    if let [term] = terms.as_slice() {
        return Some(Box::new(TermQuery::new(
            term.clone(),
            IndexRecordOption::WithFreqs,
        )));
    }
    let mut must: Vec<(Occur, Box<dyn TQuery>)> = vec![(Occur::Must, word_query(field, words)?)];
    for term in terms {
        let narrow = TermQuery::new(term, IndexRecordOption::Basic);
        must.push((
            Occur::Must,
            Box::new(ConstScoreQuery::new(Box::new(narrow), 0.0)),
        ));
    }
    Some(Box::new(BooleanQuery::new(must)))
}

/// Words or a phrase in any text field (the internal notes' only when
/// `notes`: never for a customer); the subject weighs double. With
/// `searcher`, phrases go through the pair fields and a single word leaves
/// out the fields that do not hold it, so its fields' union stays a union
/// of terms that block-max WAND can prune (an absent term would turn it
/// off); without, the words as they are (for highlighting).
fn any_text(
    opened: &Opened,
    searcher: Option<&Searcher>,
    text: &str,
    notes: bool,
) -> Option<Box<dyn TQuery>> {
    let f = &opened.fields;
    let mut should: Vec<(Occur, Box<dyn TQuery>)> = Vec::new();
    let mut any_words = false;
    let fields = [
        (f.subject, Some(f.subject_pairs), 2.0),
        (f.body, Some(f.body_pairs), 1.0),
        (f.people, None, 1.0),
        (f.extra, None, 1.0),
        (f.notes, Some(f.notes_pairs), 1.0),
    ];
    let fields = if notes { &fields[..] } else { &fields[..4] };
    for &(field, pairs, boost) in fields {
        let words = words(opened, field, text);
        any_words |= !words.is_empty();
        let q = match (searcher, pairs, words.as_slice()) {
            (None, _, _) => word_query(field, &words),
            (Some(searcher), _, [word]) => {
                let term = Term::from_field_text(field, word);
                if searcher.doc_freq(&term).unwrap_or(1) == 0 {
                    continue;
                }
                word_query(field, &words)
            }
            (Some(_), Some(pairs), _) => paired_query(field, pairs, &words),
            (Some(_), None, _) => word_query(field, &words),
        };
        if let Some(q) = q {
            let q: Box<dyn TQuery> = if boost == 1.0 {
                q
            } else {
                Box::new(BoostQuery::new(q, boost))
            };
            should.push((Occur::Should, q));
        }
    }
    match should.len() {
        0 if any_words => Some(Box::new(EmptyQuery)),
        0 => None,
        1 => should.pop().map(|(_, q)| q),
        _ => Some(Box::new(BooleanQuery::new(should))),
    }
}

/// One clause as a tantivy query; `None` when it constrains nothing.
fn clause_query(opened: &Opened, clause: &Clause, ctx: &Context) -> Option<Box<dyn TQuery>> {
    let f = &opened.fields;
    let nothing = || Some(Box::new(EmptyQuery) as Box<dyn TQuery>);
    match &clause.term {
        QTerm::Word(text) | QTerm::Phrase(text) => {
            any_text(opened, None, text, ctx.customer.is_none())
        }
        QTerm::Status(s) => Some(term_str(f.status, s.as_str())),
        QTerm::Owner(OwnerRef::Me) => match ctx.me {
            Some(me) => Some(term_u64(f.owner, me)),
            None => nothing(),
        },
        QTerm::Owner(OwnerRef::Nobody) => Some(term_u64(f.owner, 0)),
        QTerm::Owner(OwnerRef::Email(email)) => match ctx.agents.get(email) {
            Some(id) => Some(term_u64(f.owner, *id)),
            None => nothing(),
        },
        QTerm::Team(team) => match team_id(team.as_deref(), ctx) {
            Some(id) => Some(term_u64(f.team, id)),
            None => nothing(),
        },
        QTerm::Tag(tag) => Some(term_str(f.tag, tag)),
        QTerm::From(who) if who.contains('@') => Some(term_str(f.from_addr, who)),
        QTerm::From(who) => text_query(opened, f.from_name, who).or_else(nothing),
        QTerm::Customer(who) => text_query(opened, f.customer, who).or_else(nothing),
        QTerm::HasAttachment => Some(term_u64(f.has_attachment, 1)),
        QTerm::Created(range) => Some(in_range(f.created_at, range)),
        QTerm::Due(when) => Some(in_range(
            f.due_at,
            &match when {
                DueWhen::Today => ctx.today,
                DueWhen::Tomorrow => ctx.tomorrow,
                DueWhen::Range(r) => *r,
            },
        )),
        QTerm::Breached(true) => Some(past_due(f, ctx.now)),
        QTerm::Breached(false) => Some(Box::new(BooleanQuery::new(vec![
            (Occur::Must, Box::new(AllQuery) as Box<dyn TQuery>),
            (Occur::MustNot, past_due(f, ctx.now)),
        ]))),
        QTerm::Ticket(id) => Some(term_u64(f.id, *id)),
    }
}

/// `field` within `range` (a half-open range; unbounded sides open). A
/// ticket without a running clock (`NO_DUE`) is never due in a range.
fn in_range(field: Field, range: &DateRange) -> Box<dyn TQuery> {
    let from = range.from.map_or(Bound::Unbounded, |v| {
        Bound::Included(Term::from_field_i64(field, v))
    });
    let until = Bound::Excluded(Term::from_field_i64(field, range.until.unwrap_or(NO_DUE)));
    Box::new(RangeQuery::new(from, until))
}

/// A running response target already past due at `now`.
fn past_due(f: &Fields, now: i64) -> Box<dyn TQuery> {
    Box::new(RangeQuery::new(
        Bound::Unbounded,
        Bound::Included(Term::from_field_i64(f.due_at, now.min(NO_DUE - 1))),
    ))
}

/// Highlighted, escaped subject and message fragments.
struct Snippets {
    /// Marks every highlighted word of the subject.
    subject: Highlighter,
    /// Picks and marks the messages' fragment.
    body: Highlighter,
    /// Picks and marks the internal notes' fragment (agents only: a
    /// customer's query never names the notes' field).
    notes: Highlighter,
    fields: Fields,
}

impl Snippets {
    fn new(
        searcher: &Searcher,
        opened: &Opened,
        highlight: Option<&dyn TQuery>,
    ) -> Result<Self, SearchError> {
        let fields = opened.fields;
        let mut subject_terms = HashMap::new();
        let mut body_terms = Vec::new();
        let mut note_terms = Vec::new();
        if let Some(q) = highlight {
            q.query_terms(&mut |term, _| {
                if let Some(text) = term.value().as_str() {
                    if term.field() == fields.subject {
                        subject_terms.insert(text.to_string(), 1.0);
                    } else if term.field() == fields.body {
                        body_terms.push((term.clone(), text.to_string()));
                    } else if term.field() == fields.notes {
                        note_terms.push((term.clone(), text.to_string()));
                    }
                }
            });
        }
        Ok(Snippets {
            subject: Highlighter::new(subject_terms, opened.language, SNIPPET_BYTES),
            body: Highlighter::new(
                weights(searcher, body_terms)?,
                opened.language,
                SNIPPET_BYTES,
            ),
            notes: Highlighter::new(
                weights(searcher, note_terms)?,
                opened.language,
                SNIPPET_BYTES,
            ),
            fields,
        })
    }

    /// (subject, message fragment), both escaped HTML.
    fn render(&mut self, doc: &TantivyDocument) -> (String, String) {
        let subject = doc
            .get_first(self.fields.subject)
            .and_then(|v| v.as_str())
            .unwrap_or_default();
        let ranges = self.subject.marks(subject);
        let mut body = fragment(&mut self.body, doc, self.fields.body);
        if body.is_empty() {
            body = fragment(&mut self.notes, doc, self.fields.notes);
        }
        (html::mark(subject, &ranges), body)
    }
}

/// Rarer words weigh more, as in tantivy's snippet generator.
fn weights(
    searcher: &Searcher,
    terms: Vec<(Term, String)>,
) -> Result<HashMap<String, f32>, SearchError> {
    let mut weights = HashMap::new();
    for (term, text) in terms {
        let doc_freq = searcher.doc_freq(&term)?;
        if doc_freq > 0 {
            weights.insert(text, 1.0 / (1.0 + doc_freq as f32));
        }
    }
    Ok(weights)
}

/// The marked, escaped fragment of `field`'s first text; empty when none
/// of the highlighter's words is in it.
fn fragment(highlighter: &mut Highlighter, doc: &TantivyDocument, field: Field) -> String {
    if highlighter.is_empty() {
        return String::new();
    }
    let text = doc
        .get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    let fragment = highlighter.fragment(text.trim());
    if fragment.marks.is_empty() {
        return String::new();
    }
    html::mark(&fragment.text, &fragment.marks)
}
