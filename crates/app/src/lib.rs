//! Rapport's use cases, shared by the CLI and the web layer.
//!
//! [`App`] owns the store and answers every request a person or program can
//! make: log in, create a ticket, reply, transfer. Authorization lives here,
//! next to the rule it guards, so no front end can forget it: every use case
//! takes the [`Caller`] and checks the caller's role and ownership before the
//! state machine in `rapport-core` checks the move itself. A read a customer
//! may reach (or must be refused) takes a [`Principal`] instead: an agent's
//! `Caller` or a customer's id.

/// A [`Msg`]: `msg!("error.passwords.min", min = 10)`; every value is
/// shown with `Display`. A test checks that every key written so is in the
/// catalogues.
#[macro_export]
macro_rules! msg {
    ($key:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::Msg::new($key, vec![$((stringify!($name), $value.to_string())),*])
    };
}

pub mod agents;
pub mod auth;
pub mod bulk_actions;
pub mod calendars;
pub mod canned;
pub mod client;
pub mod coaching;
pub mod coaching_overview;
pub mod core_words;
pub mod cpu;
pub mod customer_attributes;
pub mod customers;
pub mod drafts;
mod error;
mod feed_gaps;
pub mod feedback;
pub mod gateway;
pub mod hours;
pub mod i18n;
pub mod intake;
pub mod live;
pub mod mail_admin;
pub mod mailer;
mod mentions;
pub mod notices;
mod outbound;
pub mod passwords;
pub mod poller;
pub mod portal;
pub mod portal_files;
pub mod portal_reply;
pub mod presence;
pub mod principal;
pub mod promises;
pub mod reports;
pub mod scheduler;
pub mod search;
mod signed;
pub mod sla;
pub mod system_notes;
pub mod teams;
pub mod templates;
pub mod throttle;
pub mod ticket_links;
pub mod tickets;
pub mod undo_send;
pub mod uploads;
pub mod web_sessions;
pub mod workspace;

pub use auth::{Caller, IssuedToken};
pub use error::{AppError, Msg};
pub use principal::Principal;

use rapport_mail::SubjectTag;
use rapport_store::Store;
use std::sync::Arc;

/// Settings the use cases need.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// Where people reach this Rapport, for links it prints.
    pub public_base_url: String,
    /// How long a login session lasts, in hours.
    pub session_hours: i64,
    /// Business time: the calendar seeded as the default, response targets.
    pub business: BusinessConfig,
    /// The e-mail channel.
    pub mail: MailConfig,
    /// Rate limits and whom to believe about client addresses.
    pub security: SecurityConfig,
    /// Satisfaction surveys, recovery tasks and imported reviews.
    pub feedback: FeedbackConfig,
}

/// Satisfaction surveys, recovery tasks and reviews: the `[feedback]` section.
#[derive(Debug, Clone)]
pub struct FeedbackConfig {
    /// Ask the customer of a solved ticket how it went.
    pub surveys: bool,
    /// Business minutes after solving before the customer is asked.
    pub survey_delay_minutes: i64,
    /// Days a survey link takes (and changes) an answer.
    pub survey_days: i64,
    /// Ratings at or below this (of 5) open a recovery task.
    pub low_rating: u8,
    /// Reviews rated at or below this (of 5) open a recovery task.
    pub negative_review: u8,
    /// Business minutes a lead has to follow a recovery task up.
    pub recovery_minutes: i64,
}

impl Default for FeedbackConfig {
    fn default() -> Self {
        Self {
            surveys: true,
            survey_delay_minutes: 120,
            survey_days: 28,
            low_rating: 2,
            negative_review: 2,
            recovery_minutes: 480,
        }
    }
}

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            public_base_url: "http://127.0.0.1:8080".into(),
            session_hours: 12,
            business: BusinessConfig::default(),
            mail: MailConfig::default(),
            security: SecurityConfig::default(),
            feedback: FeedbackConfig::default(),
        }
    }
}

/// Business time: the `[business]` section of the configuration.
#[derive(Debug, Clone)]
pub struct BusinessConfig {
    /// The calendar stored as the default when the database has none yet
    /// (its zone is the business time zone); afterwards the stored default
    /// is the one source of truth.
    pub calendar: rapport_core::CalendarSpec,
    /// How many business minutes after a request arrives a person answers,
    /// as the acknowledgment promises (until SLA policies set it per ticket).
    pub first_response_minutes: i64,
    /// How many business minutes before a promise falls due its owner is reminded.
    pub promise_reminder_minutes: i64,
    /// How long a server uses its copy of the default calendar before
    /// checking whether another server changed it.
    pub recheck: std::time::Duration,
    /// Which statuses pause the response-target clocks.
    pub pausing: rapport_core::sla::PausingStatuses,
    /// The share of a target, in per mille, at which to warn, when no
    /// policy says (750 = 75 %).
    pub warn_permille: i64,
    /// Escalation mail waits for the business to open.
    pub escalate_in_business_hours: bool,
}

impl Default for BusinessConfig {
    fn default() -> Self {
        Self {
            calendar: rapport_core::CalendarSpec::office_hours("Business hours", "UTC"),
            first_response_minutes: 480,
            promise_reminder_minutes: 60,
            recheck: calendars::RECHECK,
            pausing: rapport_core::sla::PausingStatuses::default(),
            warn_permille: 750,
            escalate_in_business_hours: true,
        }
    }
}

/// Rate limits and whom to believe about client addresses.
#[derive(Debug, Clone)]
pub struct SecurityConfig {
    /// Proxies whose `X-Forwarded-For` names the client (none by default:
    /// the socket's peer is the client).
    pub trusted_proxies: Vec<client::IpNet>,
    /// Drafts one agent may check with the coach per minute.
    pub coach_per_minute: u32,
    /// Raw messages one token's agent may post to the intake per minute.
    pub inbound_per_minute: u32,
    /// Days the link to a ticket in our mail signs its customer in.
    pub ticket_link_days: i64,
}

impl Default for SecurityConfig {
    fn default() -> Self {
        Self {
            trusted_proxies: Vec::new(),
            coach_per_minute: 120,
            inbound_per_minute: 600,
            ticket_link_days: 30,
        }
    }
}

/// How the e-mail channel behaves.
#[derive(Debug, Clone)]
pub struct MailConfig {
    /// The support address customers write to and replies come from.
    pub address: String,
    /// The business's name, shown in mail and templates.
    pub business_name: String,
    /// How ticket numbers appear in subjects.
    pub subject_tag: SubjectTag,
    /// Queue mail to customers (an SMTP server is configured). Off, replies are only stored.
    pub outbound: bool,
    /// Acknowledge new requests by mail.
    pub acknowledgments: bool,
    /// Acknowledgments one address receives per hour at most (stops mail loops).
    pub acknowledgments_per_hour: i64,
    /// New tickets one sender opens per hour at most; more are quarantined (stops loops).
    pub new_tickets_per_hour: i64,
    /// The largest attachment kept, in bytes; larger ones are dropped with a note.
    pub max_attachment_bytes: usize,
    /// The most attachment bytes kept per message.
    pub max_message_attachment_bytes: usize,
    /// How long reading one message (parsing, sanitising) may take before
    /// it is quarantined with the reason.
    pub read_budget: std::time::Duration,
    /// How long a sent reply waits, undoable, before it is stored and
    /// mailed (zero: at once). `rapport serve` defaults to 10 s.
    pub undo_send: std::time::Duration,
    /// The names of the IMAP mailboxes configured (`[[imap]]`), so the mail
    /// status lists one that has never been polled too.
    pub mailboxes: Vec<String>,
}

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            address: "support@localhost".into(),
            business_name: "Rapport".into(),
            subject_tag: SubjectTag::default(),
            outbound: false,
            acknowledgments: true,
            acknowledgments_per_hour: 3,
            new_tickets_per_hour: 30,
            max_attachment_bytes: 10 * 1024 * 1024,
            max_message_attachment_bytes: 20 * 1024 * 1024,
            read_budget: std::time::Duration::from_secs(20),
            undo_send: std::time::Duration::ZERO,
            mailboxes: Vec::new(),
        }
    }
}

/// The help desk: its store, attachment blobs, settings and in-memory guards.
#[derive(Clone)]
pub struct App {
    store: Store,
    blobs: Blobs,
    config: AppConfig,
    cpu: cpu::CpuPool,
    coach_pool: cpu::CpuPool,
    limits: Arc<throttle::Limits>,
    reply_secret: Arc<tokio::sync::OnceCell<Vec<u8>>>,
    calendar: Arc<calendars::CalendarCache>,
    canned: Arc<templates::CannedCache>,
    sla: Arc<sla::SlaCache>,
    search: Arc<std::sync::OnceLock<Arc<search::SearchService>>>,
}

impl App {
    /// Wraps an opened store and the attachment blob store.
    pub fn new(store: Store, blobs: Blobs, config: AppConfig) -> Self {
        let limits = throttle::Limits::new(
            config.security.coach_per_minute,
            config.security.inbound_per_minute,
        );
        Self {
            store,
            blobs,
            config,
            cpu: cpu::CpuPool::default(),
            coach_pool: cpu::CpuPool::with_threads(
                std::thread::available_parallelism().map_or(2, |n| n.get()),
            ),
            limits: Arc::new(limits),
            reply_secret: Arc::new(tokio::sync::OnceCell::new()),
            calendar: Arc::default(),
            canned: Arc::default(),
            sla: Arc::default(),
            search: Arc::default(),
        }
    }

    /// The store, for the use cases only: the web layer and the CLI go
    /// through use cases, never around their authorization.
    pub(crate) fn store(&self) -> &Store {
        &self.store
    }

    /// Closes the database connections (at shutdown).
    pub async fn close(&self) {
        self.store.close().await;
    }

    /// Whether the database answers (for `/healthz`).
    pub async fn ping(&self) -> Result<(), AppError> {
        Ok(self.store.ping().await?)
    }

    /// How many tickets there are, for the operator (benchmarks need an empty help desk).
    pub async fn ticket_count(&self) -> Result<i64, AppError> {
        Ok(self.store.ticket_count().await?)
    }

    /// The bounded pool for CPU-heavy work.
    pub fn cpu(&self) -> &cpu::CpuPool {
        &self.cpu
    }

    /// The attachment blobs.
    pub fn blobs(&self) -> &Blobs {
        &self.blobs
    }

    /// The key that signs reply addresses, made once per installation and
    /// shared by every server through the database.
    pub(crate) async fn reply_secret(&self) -> Result<&[u8], AppError> {
        self.reply_secret
            .get_or_try_init(|| async {
                let fresh = auth::random_secret("")?;
                let stored = self
                    .store
                    .setting_or_insert("reply_token_secret", &fresh)
                    .await?;
                Ok::<_, AppError>(stored.into_bytes())
            })
            .await
            .map(Vec::as_slice)
    }

    /// The settings.
    pub fn config(&self) -> &AppConfig {
        &self.config
    }
}

/// Checks that a text field is present, not too long and free of control
/// characters; returns it trimmed.
pub(crate) fn required_text(
    field: &'static str,
    value: &str,
    max: usize,
) -> Result<String, AppError> {
    plain_text(field, value)?;
    let value = value.trim();
    if value.is_empty() {
        return Err(AppError::invalid(field, msg!("error.field.empty")));
    }
    if value.chars().count() > max {
        return Err(AppError::invalid(
            field,
            msg!("error.field.max_chars", max = max),
        ));
    }
    Ok(value.to_string())
}

/// Refuses control characters other than tab and line breaks
/// ([`rapport_core::text`]): the web layer refuses them in every request,
/// this is the same rule for the other ways in (the CLI, demo data).
pub(crate) fn plain_text(field: &'static str, value: &str) -> Result<(), AppError> {
    rapport_core::check_text(value)
        .map_err(|m| AppError::invalid(field, msg!("error.field.control_chars", detail = m)))
}

/// The stored records the use cases hand out, re-exported so front ends need not know the store.
pub use rapport_store::{
    AgentRecord, AttachmentRecord, AuditAction, AuditLine, Blobs, CalendarRecord, CustomerRecord,
    IdentityRecord, InboundRecord, InboundStatus, JobCount, JobKind, JobRecord, JobStatus,
    MailboxHealth, MessageRecord, NewJob, OutboxCounts, OutboxKind, OutboxRecord, OutboxStatus,
    ProbeReport, PromiseCounts, PromiseFilter, PromiseRecord, RecoveryFilter, RecoveryStatus,
    RecoveryTaskRecord, SurveyRecord, TeamBlockers, TeamRecord, TeamRemoval, TemplateRecord,
    TicketChange, TicketFilter, TicketSort, TokenRecord,
};
