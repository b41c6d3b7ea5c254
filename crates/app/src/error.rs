//! The one error type of the use cases, with a stable code for each kind,
//! and [`Msg`], the sentence people read: a catalogue key and its values,
//! English in the API (`to_string()`), the reader's language on a page.

use crate::i18n::Lang;
use rapport_core::TicketError;
use rapport_store::StoreError;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// A sentence for people: a key of the catalogues (`crates/app/i18n`) and
/// the values its `{name}`s stand for. `Display` is the English text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Msg {
    /// The catalogue key.
    pub key: Cow<'static, str>,
    /// The values, by name.
    #[serde(default)]
    pub args: Vec<(Cow<'static, str>, String)>,
    /// Values that are sentences themselves, by name: shown one after
    /// another, separated by "; ".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lists: Vec<(Cow<'static, str>, Vec<Msg>)>,
}

impl Msg {
    /// A sentence with its values.
    pub fn new(key: &'static str, args: Vec<(&'static str, String)>) -> Self {
        Self {
            key: Cow::Borrowed(key),
            args: args
                .into_iter()
                .map(|(name, value)| (Cow::Borrowed(name), value))
                .collect(),
            lists: Vec::new(),
        }
    }

    /// The same with a value that is a list of sentences.
    pub fn with_list(mut self, name: &'static str, sentences: Vec<Msg>) -> Self {
        self.lists.push((Cow::Borrowed(name), sentences));
        self
    }

    /// A text from outside the catalogues (a parser's or a library's own
    /// message), shown as it is in every language.
    pub fn detail(text: impl Into<String>) -> Self {
        Self::new("error.detail", vec![("detail", text.into())])
    }

    /// The sentence in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        let lists: Vec<(&str, String)> = self
            .lists
            .iter()
            .map(|(name, list)| {
                let texts: Vec<String> = list.iter().map(|m| m.text(lang)).collect();
                (name.as_ref(), texts.join("; "))
            })
            .collect();
        let values: Vec<(&str, &str)> = self
            .args
            .iter()
            .map(|(name, value)| (name.as_ref(), value.as_str()))
            .chain(lists.iter().map(|(name, text)| (*name, text.as_str())))
            .collect();
        lang.fill(&self.key, &values)
    }
}

impl std::fmt::Display for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

/// Why a use case failed.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No valid credentials (the catalogue key of the sentence).
    #[error("{}", Lang::En.text(.0))]
    Unauthorized(&'static str),
    /// Valid credentials, not enough rights.
    #[error("{0}")]
    Forbidden(Msg),
    /// No such record.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A field is wrong.
    #[error("{field}: {message}")]
    Invalid {
        /// The field, as named in the request.
        field: &'static str,
        /// What is wrong with it.
        message: Msg,
    },
    /// The request clashes with what is stored (a taken name, a record in use).
    #[error("{0}")]
    Conflict(Msg),
    /// The state machine refused the move.
    #[error("{0}")]
    Refused(#[from] TicketError),
    /// The reply coach found something that must not reach the customer.
    #[error("the reply coach blocked this reply; fix it or send it with an override_reason")]
    CoachBlocked(Vec<rapport_coach::Finding>),
    /// Someone else wrote on the ticket after the message the sender had
    /// seen, or a colleague's reply the sender was not shown is in its undo
    /// window: the send is stopped, with what is new (oldest first).
    #[error("{} new message(s) on this ticket since you opened it; read them, then send again (based on the newest) or revise", .0.len())]
    Collided(Box<crate::presence::Collision>),
    /// Too many attempts.
    #[error("{0}")]
    TooManyAttempts(Msg),
    /// Too many requests from this client or token; try again after the wait.
    #[error("{message}")]
    Throttled {
        /// A sentence for people.
        message: Msg,
        /// Seconds until a new attempt may succeed (`Retry-After`).
        retry_after_secs: u64,
    },
    /// The database cannot be reached now; the request may be tried again.
    #[error("storage unavailable: {0}")]
    Unavailable(StoreError),
    /// The database failed.
    #[error("storage failure: {0}")]
    Store(StoreError),
    /// A search query that cannot be parsed, with the bytes it is about.
    #[error("{message} (at {start}..{end})")]
    BadQuery {
        /// What is wrong, for people.
        message: Msg,
        /// The first byte of the bad part.
        start: usize,
        /// The byte after the bad part.
        end: usize,
    },
    /// The search index cannot answer now.
    #[error("search unavailable: {0}")]
    Search(String),
    /// Something else that is not the caller's fault.
    #[error("internal error: {0}")]
    Internal(String),
    /// What was asked for existed but is over (an expired survey link).
    #[error("{0}")]
    Gone(Msg),
}

impl AppError {
    /// A field error.
    pub fn invalid(field: &'static str, message: Msg) -> Self {
        AppError::Invalid { field, message }
    }

    /// The stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthorized(_) => "unauthorized",
            AppError::Forbidden(_) => "forbidden",
            AppError::NotFound(_) => "not_found",
            AppError::Invalid { .. } => "invalid_field",
            AppError::Conflict(_) => "conflict",
            AppError::Refused(e) => e.code(),
            AppError::CoachBlocked(_) => "coach_blocked",
            AppError::Collided(_) => "ticket_changed",
            AppError::TooManyAttempts(_) => "too_many_attempts",
            AppError::Throttled { .. } => "rate_limited",
            AppError::Unavailable(_) => "storage_unavailable",
            AppError::Store(_) => "storage_failure",
            AppError::BadQuery { .. } => "bad_query",
            AppError::Search(_) => "search_unavailable",
            AppError::Internal(_) => "internal_error",
            AppError::Gone(_) => "gone",
        }
    }

    /// The sentence a person reads about this error (without the field),
    /// in any language; none for failures on our side, which pages word
    /// by their code (`error.code.<code>`).
    pub fn sentence(&self) -> Option<Msg> {
        match self {
            AppError::Unauthorized(key) => Some(Msg::new(key, Vec::new())),
            AppError::Forbidden(m)
            | AppError::Conflict(m)
            | AppError::TooManyAttempts(m)
            | AppError::Gone(m)
            | AppError::Invalid { message: m, .. }
            | AppError::Throttled { message: m, .. }
            | AppError::BadQuery { message: m, .. } => Some(m.clone()),
            AppError::NotFound(what) => Some(not_found(what)),
            AppError::Refused(e) => Some(refusal(e)),
            AppError::CoachBlocked(_) => Some(msg!("error.code.coach_blocked")),
            AppError::Collided(newer) => {
                Some(msg!("error.code.ticket_changed", count = newer.len()))
            }
            AppError::Unavailable(_)
            | AppError::Store(_)
            | AppError::Search(_)
            | AppError::Internal(_) => None,
        }
    }
}

/// "<what> not found" as the catalogue words it: `error.missing.<what>`
/// (spaces as `_`).
fn not_found(what: &str) -> Msg {
    Msg {
        key: Cow::Owned(format!("error.missing.{}", what.replace(' ', "_"))),
        args: Vec::new(),
        lists: Vec::new(),
    }
}

/// The sentence of the state machine's refusal: `error.code.<code>`, with
/// the values the English sentence names.
fn refusal(error: &TicketError) -> Msg {
    use rapport_core::machine::{
        MAX_TAGS_PER_TICKET, MIN_HANDOFF_NOTE_CHARS, MIN_HANDOFF_NOTE_WORDS,
    };
    match error {
        TicketError::AlreadyOwned(agent) => msg!("error.code.already_owned", agent = agent),
        TicketError::HandOffNoteTooShort => msg!(
            "error.code.handoff_note_required",
            chars = MIN_HANDOFF_NOTE_CHARS,
            words = MIN_HANDOFF_NOTE_WORDS
        ),
        TicketError::NeedsOwner(status) => msg!("error.code.owner_required", status = status),
        TicketError::IllegalTransition { from, to } => {
            msg!("error.code.illegal_transition", from = from, to = to)
        }
        TicketError::NoChange(what) => msg!("error.code.no_change", what = what),
        TicketError::BadTag(why) => crate::core_words::tag_words(why),
        TicketError::TooManyTags => msg!("error.code.too_many_tags", max = MAX_TAGS_PER_TICKET),
        other => Msg {
            key: Cow::Owned(format!("error.code.{}", other.code())),
            args: Vec::new(),
            lists: Vec::new(),
        },
    }
}

/// What is wrong with a query, in the catalogues' words.
pub(crate) fn query_words(kind: &rapport_search::QueryErrorKind) -> Msg {
    use rapport_search::QueryErrorKind;
    use rapport_search::query::{MAX_CLAUSES, MAX_QUERY_BYTES};
    match kind {
        QueryErrorKind::Empty => msg!("error.query.empty"),
        QueryErrorKind::TooLong => msg!("error.query.too_long", max = MAX_QUERY_BYTES),
        QueryErrorKind::TooManyClauses => msg!("error.query.too_many", max = MAX_CLAUSES),
        QueryErrorKind::UnclosedQuote => msg!("error.query.unclosed_quote"),
        QueryErrorKind::MissingValue => msg!("error.query.missing_value"),
        QueryErrorKind::UnknownFilter(v) => msg!("error.query.unknown_filter", value = v),
        QueryErrorKind::BadStatus(v) => msg!("error.query.bad_status", value = v),
        QueryErrorKind::BadHas(v) => msg!("error.query.bad_has", value = v),
        QueryErrorKind::BadDate(v) => msg!("error.query.bad_date", value = v),
        QueryErrorKind::BadDue(v) => msg!("error.query.bad_due", value = v),
        QueryErrorKind::BadBreached(v) => msg!("error.query.bad_breached", value = v),
        QueryErrorKind::BadTicketNumber => msg!("error.query.ticket_number"),
        QueryErrorKind::DanglingMinus => msg!("error.query.dangling_minus"),
        other => Msg::detail(other.to_string()),
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound(what) => AppError::NotFound(what),
            StoreError::Conflict(what) => AppError::Conflict(Msg::detail(what)),
            StoreError::InUse => AppError::Conflict(msg!("error.in_use")),
            StoreError::Unavailable(_) => AppError::Unavailable(error),
            other => AppError::Store(other),
        }
    }
}

/// For a record a request names: "does not exist" as a field error when it
/// is missing, and any other failure (an outage above all) as itself.
pub(crate) fn missing_as(field: &'static str, message: Msg) -> impl FnOnce(StoreError) -> AppError {
    move |error| match error {
        StoreError::NotFound(_) => AppError::invalid(field, message),
        other => other.into(),
    }
}
