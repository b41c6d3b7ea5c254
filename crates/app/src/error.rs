//! The one error type of the use cases, with a stable code for each kind.

use rapport_core::TicketError;
use rapport_store::StoreError;

/// Why a use case failed.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No valid credentials.
    #[error("{0}")]
    Unauthorized(&'static str),
    /// Valid credentials, not enough rights.
    #[error("{0}")]
    Forbidden(String),
    /// No such record.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A field is wrong.
    #[error("{field}: {message}")]
    Invalid {
        /// The field, as named in the request.
        field: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// The request clashes with what is stored (a taken name, a record in use).
    #[error("{0}")]
    Conflict(String),
    /// The state machine refused the move.
    #[error("{0}")]
    Refused(#[from] TicketError),
    /// The reply coach found something that must not reach the customer.
    #[error("the reply coach blocked this reply; fix it or send it with an override_reason")]
    CoachBlocked(Vec<rapport_coach::Finding>),
    /// Someone else wrote on the ticket after the message the sender had
    /// seen: the send is stopped, with what is new (oldest first).
    #[error("{} new message(s) on this ticket since you opened it; read them, then send again (based on the newest) or revise", .0.len())]
    Collided(Vec<rapport_store::MessageRecord>),
    /// Too many attempts.
    #[error("{0}")]
    TooManyAttempts(String),
    /// Too many requests from this client or token; try again after the wait.
    #[error("{message}")]
    Throttled {
        /// A sentence for people.
        message: String,
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
        message: String,
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
    Gone(String),
}

impl AppError {
    /// A field error.
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        AppError::Invalid {
            field,
            message: message.into(),
        }
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
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound(what) => AppError::NotFound(what),
            StoreError::Conflict(what) => AppError::Conflict(what),
            StoreError::InUse => AppError::Conflict("other records still refer to it".into()),
            StoreError::Unavailable(_) => AppError::Unavailable(error),
            other => AppError::Store(other),
        }
    }
}

/// For a record a request names: "does not exist" as a field error when it
/// is missing, and any other failure (an outage above all) as itself.
pub(crate) fn missing_as(
    field: &'static str,
    message: String,
) -> impl FnOnce(StoreError) -> AppError {
    move |error| match error {
        StoreError::NotFound(_) => AppError::invalid(field, message),
        other => other.into(),
    }
}
