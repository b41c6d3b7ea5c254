//! Settings: built-in defaults, then a TOML file, then `RAPPORT_*`
//! environment variables, then command-line flags.

mod business;
mod feedback;

use anyhow::{Context, Result, bail};
pub use business::BusinessFile;
use business::business_config;
pub use feedback::FeedbackFile;
use feedback::feedback_config;
use rapport_app::scheduler::SchedulerPolicy;
use rapport_app::{BusinessConfig, FeedbackConfig, MailConfig, SecurityConfig};
use rapport_mail::SubjectTag;
use rapport_transport::{ImapSettings, Security, SmtpSettings};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Every setting, as read from a file (all optional there).
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FileSettings {
    /// `sqlite:PATH` or `postgres://user@host/db`; default: SQLite in the data directory.
    pub database_url: Option<String>,
    /// Address to listen on.
    pub listen: Option<String>,
    /// Where Rapport keeps its files.
    pub data_dir: Option<PathBuf>,
    /// How people reach this Rapport (for links it prints).
    pub public_base_url: Option<String>,
    /// Log filter, e.g. `info` or `rapport=debug`.
    pub log: Option<String>,
    /// Where attachment files are kept (default: `<data_dir>/attachments`).
    pub attachments_dir: Option<PathBuf>,
    /// Another place for attachments instead of the folder: `s3://bucket/prefix`.
    pub attachments_store: Option<String>,
    /// The e-mail channel.
    pub mail: Option<MailFile>,
    /// The SMTP server that sends Rapport's mail; without it nothing is sent.
    pub smtp: Option<SmtpFile>,
    /// IMAP mailboxes to read.
    #[serde(default)]
    pub imap: Vec<ImapFile>,
    /// Rate limits and trusted proxies.
    pub security: Option<SecurityFile>,
    /// Business time: the zone, the calendar seeded as the default, targets.
    pub business: Option<BusinessFile>,
    /// The durable scheduler.
    pub jobs: Option<JobsFile>,
    /// Satisfaction surveys, recovery tasks and reviews.
    pub feedback: Option<FeedbackFile>,
    /// Search.
    pub search: Option<SearchFile>,
}

/// `[search]`: the search index.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SearchFile {
    /// The language whose stemming applies (default english).
    pub language: Option<String>,
}

/// `[jobs]`: the durable scheduler.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct JobsFile {
    /// Seconds a server holds a claimed job before another may take it (default 60).
    pub lease_seconds: Option<u64>,
    /// Jobs claimed and run in one transaction (default 500).
    pub batch: Option<i64>,
}

/// `[security]`: rate limits and whom to believe about client addresses.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityFile {
    /// Proxies (addresses or networks) whose X-Forwarded-For names the client.
    pub trusted_proxies: Option<Vec<String>>,
    /// Drafts one agent may check with the coach per minute.
    pub coach_per_minute: Option<u32>,
    /// Raw messages one token's agent may post to /inbound/mime per minute.
    pub inbound_per_minute: Option<u32>,
    /// Days the link to a ticket in our mail signs its customer in.
    pub ticket_link_days: Option<i64>,
}

/// `[mail]`: how the e-mail channel behaves.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MailFile {
    /// The support address customers write to.
    pub address: Option<String>,
    /// The business's name in mail.
    pub business_name: Option<String>,
    /// Subject tag prefix: `#` gives `[#1234]`.
    pub subject_tag: Option<String>,
    /// No longer read: the acknowledgment names a real time from the
    /// business calendar and `[business] first_response_minutes`.
    pub response_target: Option<String>,
    /// Acknowledge new requests.
    pub acknowledgments: Option<bool>,
    /// Acknowledgments per address and hour at most.
    pub acknowledgments_per_hour: Option<i64>,
    /// New tickets per sender and hour at most.
    pub new_tickets_per_hour: Option<i64>,
    /// Largest attachment kept, in MB.
    pub max_attachment_mb: Option<f64>,
    /// Most attachment MB kept per message.
    pub max_message_attachments_mb: Option<f64>,
    /// Seconds reading one message may take before it is quarantined.
    pub read_budget_seconds: Option<f64>,
    /// Seconds a sent reply waits, undoable, before it leaves (0: at once).
    pub undo_send_seconds: Option<u64>,
}

/// `[smtp]`: the server that sends mail.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpFile {
    /// Host name.
    pub host: Option<String>,
    /// Port (default 587 with starttls, 465 with tls, 25 with none).
    pub port: Option<u16>,
    /// tls, starttls (default) or none.
    pub security: Option<String>,
    /// Login.
    pub username: Option<String>,
    /// Password (or `password_file`).
    pub password: Option<String>,
    /// A file whose first line is the password.
    pub password_file: Option<PathBuf>,
    /// A PEM file of extra trusted CAs.
    pub ca_file: Option<PathBuf>,
    /// Seconds to wait for the server.
    pub timeout_seconds: Option<u64>,
}

/// `[[imap]]`: a mailbox to read.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ImapFile {
    /// A name for logs and the stored position (default: user@host/folder).
    pub name: Option<String>,
    /// Host name.
    pub host: String,
    /// Port (default 993 with tls, 143 otherwise).
    pub port: Option<u16>,
    /// tls (default), starttls or none.
    pub security: Option<String>,
    /// Login.
    pub username: String,
    /// Password (or `password_file`).
    pub password: Option<String>,
    /// A file whose first line is the password.
    pub password_file: Option<PathBuf>,
    /// Folder to read (default INBOX).
    pub folder: Option<String>,
    /// seen (default), delete, or move:FOLDER.
    pub after: Option<String>,
    /// A PEM file of extra trusted CAs.
    pub ca_file: Option<PathBuf>,
    /// Seconds between checks without IDLE, and the longest IDLE (default 300).
    pub poll_seconds: Option<u64>,
    /// Seconds to wait for the server.
    pub timeout_seconds: Option<u64>,
}

/// The settings in force.
#[derive(Clone)]
pub struct Settings {
    /// Database URL.
    pub database_url: String,
    /// Listen address.
    pub listen: String,
    /// Data directory.
    pub data_dir: PathBuf,
    /// Public base URL.
    pub public_base_url: String,
    /// Log filter.
    pub log: String,
    /// Attachment folder.
    pub attachments_dir: PathBuf,
    /// Attachment store instead of the folder (`s3://...`).
    pub attachments_store: Option<String>,
    /// The e-mail channel.
    pub mail: MailConfig,
    /// The SMTP server, if mail is sent.
    pub smtp: Option<SmtpSettings>,
    /// Mailboxes to read, with how often to check each.
    pub imap: Vec<(ImapSettings, Duration)>,
    /// Rate limits and trusted proxies.
    pub security: SecurityConfig,
    /// Business time.
    pub business: BusinessConfig,
    /// The durable scheduler.
    pub jobs: SchedulerPolicy,
    /// Satisfaction surveys, recovery tasks and reviews.
    pub feedback: FeedbackConfig,
    /// The search index's stemming language.
    pub search_language: rapport_app::search::Language,
}

impl Settings {
    /// Where the search index lives.
    pub fn search_dir(&self) -> PathBuf {
        self.data_dir.join("search")
    }
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("database_url", &rapport_store::redact(&self.database_url))
            .field("listen", &self.listen)
            .field("data_dir", &self.data_dir)
            .field("public_base_url", &self.public_base_url)
            .field("log", &self.log)
            .field("attachments_dir", &self.attachments_dir)
            .field("attachments_store", &self.attachments_store)
            .field("mail", &self.mail)
            .field("smtp", &self.smtp)
            .field("imap", &self.imap)
            .field("security", &self.security)
            .field("business", &self.business)
            .field("jobs", &self.jobs)
            .field("feedback", &self.feedback)
            .field("search_language", &self.search_language)
            .finish()
    }
}

/// The sample configuration file, with every key and its default.
pub const SAMPLE: &str = r##"# Rapport configuration. Every key is optional; RAPPORT_<KEY> environment
# variables (e.g. RAPPORT_DATABASE_URL) override this file, flags override both.

# Where Rapport keeps its files (the SQLite database by default).
data_dir = "rapport-data"

# sqlite:PATH (default: sqlite:<data_dir>/rapport.db) or postgres://user@host:5432/db
# database_url = "postgres://postgres@127.0.0.1:5432/rapport"

# Address to listen on.
listen = "127.0.0.1:8080"

# How people reach this Rapport; used in links it prints.
public_base_url = "http://127.0.0.1:8080"

# Log filter (tracing EnvFilter syntax).
log = "info"

# Where attachment files are kept (content-addressed); default <data_dir>/attachments.
# attachments_dir = "rapport-data/attachments"
# Or S3 / an S3-compatible store (a build with --features s3; keys, region and
# endpoint from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION, AWS_ENDPOINT):
# attachments_store = "s3://my-bucket/rapport"

[mail]
# The address customers write to; replies and acknowledgments come from it.
address = "support@localhost"
business_name = "Rapport"
# Ticket numbers in subjects look like [#1234]; "Shop #" gives [Shop #1234].
subject_tag = "#"
acknowledgments = true
# Mail-loop guards: acknowledgments per address and hour, new tickets per sender and hour.
acknowledgments_per_hour = 3
new_tickets_per_hour = 30
max_attachment_mb = 10
max_message_attachments_mb = 20
read_budget_seconds = 20
# A sent reply waits this long (with an Undo button) before it leaves; 0 sends at once.
undo_send_seconds = 10

[business]
# The business time zone (IANA name); also RAPPORT_BUSINESS_TIME_ZONE.
time_zone = "UTC"
# The first server to start stores this calendar (zone, hours, holidays) as
# the default. From then on the stored calendars are the one source of
# truth: change them with `rapport calendar import FILE.ics --default` or
# the API (`rapport calendar show` prints the one in force).
calendar_name = "Business hours"
# always_open = false
# Business minutes until a person answers a new request; the acknowledgment
# names the time it gives ("by Tuesday 10:00 (Berlin time)").
first_response_minutes = 480
# Business minutes before a promise made in a reply falls due that its owner
# is reminded (0: no reminders).
promise_reminder_minutes = 60
# Response targets (SLA) are policies stored in the database (admins:
# /api/v1/sla-policies; `rapport sla policies`); a ticket no policy matches
# gets first_response_minutes for its first and next responses. Statuses
# that pause the clocks (the business time counted so far is kept):
pausing_statuses = ["pending", "on_hold"]
# Percent of a target at which the owner is warned (a policy may say otherwise).
warn_percent = 75
# Escalation mail to owners and team leads waits until the business opens.
escalate_in_business_hours = true

# Opening hours per weekday in wall-clock time of time_zone; a day not
# listed is closed, an interval may run past midnight ("22:00"-"02:00").
[business.hours]
monday = [{ start = "09:00", end = "17:00" }]
tuesday = [{ start = "09:00", end = "17:00" }]
wednesday = [{ start = "09:00", end = "17:00" }]
thursday = [{ start = "09:00", end = "17:00" }]
friday = [{ start = "09:00", end = "17:00" }]

# Holidays close their whole civil day: a date, a yearly date, or the nth
# (first..fifth, last) weekday of a month.
# [[business.holidays]]
# name = "Christmas Day"
# rule = { kind = "yearly", month = 12, day = 25 }
# [[business.holidays]]
# name = "Company day"
# rule = { kind = "date", date = "2026-06-12" }
# [[business.holidays]]
# name = "Spring bank holiday"
# rule = { kind = "nth_weekday", month = 5, weekday = "monday", nth = "last" }
# One-off closures: whole days, or a period in wall-clock time (quoted).
# [[business.closures]]
# reason = "Inventory"
# span = { kind = "period", start = "2026-12-30T12:00", end = "2026-12-31T00:00" }

# Without [smtp] nothing is sent: replies are stored, acknowledgments skipped.
# [smtp]
# host = "smtp.example.com"
# port = 587
# security = "starttls"      # tls, starttls or none
# username = "support@example.com"
# password_file = "/etc/rapport/smtp-password"   # or password = "..."; or RAPPORT_SMTP_PASSWORD
# ca_file = "/etc/rapport/private-ca.pem"
# timeout_seconds = 60

# One [[imap]] block per mailbox to read.
# [[imap]]
# host = "imap.example.com"
# port = 993
# security = "tls"
# username = "support@example.com"
# password_file = "/etc/rapport/imap-password"
# folder = "INBOX"
# after = "seen"             # seen, delete, or move:Processed
# poll_seconds = 300

[feedback]
# Ask the customer of a solved ticket how it went: a short mail with a signed
# link (and the question on the portal's ticket page), once per ticket, this
# many business minutes after solving (in the ticket's business calendar).
surveys = true
survey_delay_minutes = 120
# Days the link takes an answer (and a changed one).
survey_days = 28
# A rating at or below this (of 5) opens a recovery task for the team's lead;
# so does an imported review rated at or below negative_review. 0: never.
low_rating = 2
negative_review = 2
# Business minutes the lead has to follow a recovery task up.
recovery_minutes = 480

[security]
# Proxies whose X-Forwarded-For header names the client (addresses or
# networks). Empty: the connecting address is the client, and the header is
# ignored. Also RAPPORT_TRUSTED_PROXIES (comma-separated).
trusted_proxies = []
# Drafts one agent may check with the coach per minute.
coach_per_minute = 120
# Raw messages one token's agent may post to /api/v1/inbound/mime per minute.
inbound_per_minute = 600
# Days the link to a ticket in each mail to its customer works: it opens
# that ticket in the portal and signs the customer in (1 to 365).
ticket_link_days = 30

[jobs]
# The durable scheduler (timers in the database). Seconds a server holds a
# claimed job before another server may take it (after a crash); also
# RAPPORT_JOBS_LEASE_SECONDS.
lease_seconds = 60
# Jobs claimed and run in one transaction.
batch = 500

[search]
# The language whose stemming rules apply to subjects and messages (english,
# french, german, spanish, portuguese, italian, dutch, swedish). The index
# records it: after a change the index is rebuilt when the server starts.
language = "english"
"##;

fn secret(password: Option<String>, file: Option<&Path>, what: &str) -> Result<Option<String>> {
    if let Some(path) = file {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the {what} password file {}", path.display()))?;
        return Ok(Some(text.lines().next().unwrap_or("").to_string()));
    }
    Ok(password)
}

fn security(text: Option<&str>, default: Security) -> Result<Security> {
    text.map(|s| s.parse::<Security>().map_err(anyhow::Error::msg))
        .transpose()
        .map(|s| s.unwrap_or(default))
}

fn mail_config(file: MailFile, outbound: bool) -> Result<MailConfig> {
    if file.response_target.is_some() {
        bail!(
            "mail.response_target is no longer read: the acknowledgment names a real time from the business calendar; set [business] first_response_minutes instead"
        );
    }
    let defaults = MailConfig::default();
    let address = env("MAIL_ADDRESS")
        .or(file.address)
        .unwrap_or(defaults.address);
    let well_formed = address.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty() && !domain.is_empty() && !domain.contains('@')
    }) && !address.contains(char::is_whitespace);
    if !well_formed {
        bail!("mail.address {address:?} is not an e-mail address");
    }
    let megabytes = |mb: Option<f64>, default: usize| -> Result<usize> {
        match mb {
            None => Ok(default),
            Some(mb) if mb > 0.0 && mb <= 1024.0 => Ok((mb * 1024.0 * 1024.0) as usize),
            Some(mb) => bail!("attachment limits must be between 0 and 1024 MB, got {mb}"),
        }
    };
    Ok(MailConfig {
        address,
        business_name: file.business_name.unwrap_or(defaults.business_name),
        subject_tag: match file.subject_tag {
            Some(prefix) => SubjectTag::new(&prefix).map_err(anyhow::Error::msg)?,
            None => defaults.subject_tag,
        },
        outbound,
        acknowledgments: file.acknowledgments.unwrap_or(defaults.acknowledgments),
        acknowledgments_per_hour: file
            .acknowledgments_per_hour
            .unwrap_or(defaults.acknowledgments_per_hour)
            .max(0),
        new_tickets_per_hour: file
            .new_tickets_per_hour
            .unwrap_or(defaults.new_tickets_per_hour)
            .max(1),
        max_attachment_bytes: megabytes(file.max_attachment_mb, defaults.max_attachment_bytes)?,
        max_message_attachment_bytes: megabytes(
            file.max_message_attachments_mb,
            defaults.max_message_attachment_bytes,
        )?,
        read_budget: match file.read_budget_seconds {
            None => defaults.read_budget,
            Some(s) if s > 0.0 && s <= 3600.0 => std::time::Duration::from_secs_f64(s),
            Some(s) => bail!("mail.read_budget_seconds must be between 0 and 3600, got {s}"),
        },
        undo_send: match file.undo_send_seconds {
            None => DEFAULT_UNDO_SEND,
            Some(s) if s <= 120 => std::time::Duration::from_secs(s),
            Some(s) => bail!("mail.undo_send_seconds must be between 0 and 120, got {s}"),
        },
        mailboxes: Vec::new(),
    })
}

/// How long a sent reply waits, undoable, unless `[mail] undo_send_seconds` says.
const DEFAULT_UNDO_SEND: std::time::Duration = std::time::Duration::from_secs(10);

fn smtp_settings(file: Option<SmtpFile>) -> Result<Option<SmtpSettings>> {
    let file = file.unwrap_or_default();
    let Some(host) = env("SMTP_HOST").or(file.host) else {
        return Ok(None);
    };
    let security = security(
        env("SMTP_SECURITY").as_deref().or(file.security.as_deref()),
        Security::StartTls,
    )?;
    let port = match env("SMTP_PORT") {
        Some(p) => p
            .parse()
            .context("RAPPORT_SMTP_PORT must be a port number")?,
        None => file.port.unwrap_or(match security {
            Security::Tls => 465,
            Security::StartTls => 587,
            Security::None => 25,
        }),
    };
    let password = secret(
        env("SMTP_PASSWORD").or(file.password),
        file.password_file.as_deref(),
        "SMTP",
    )?;
    Ok(Some(SmtpSettings {
        host,
        port,
        security,
        username: env("SMTP_USERNAME").or(file.username),
        password,
        ca_file: file.ca_file,
        timeout: Duration::from_secs(file.timeout_seconds.unwrap_or(60).clamp(1, 600)),
        hello_name: None,
    }))
}

fn imap_settings(file: ImapFile) -> Result<(ImapSettings, Duration)> {
    let security = security(file.security.as_deref(), Security::Tls)?;
    let folder = file.folder.unwrap_or_else(|| "INBOX".into());
    let password = secret(file.password, file.password_file.as_deref(), "IMAP")?
        .with_context(|| format!("[[imap]] {} needs a password or password_file", file.host))?;
    let settings = ImapSettings {
        name: file
            .name
            .unwrap_or_else(|| format!("{}@{}/{folder}", file.username, file.host)),
        port: file.port.unwrap_or(match security {
            Security::Tls => 993,
            _ => 143,
        }),
        host: file.host,
        security,
        username: file.username,
        password,
        folder,
        after: match file.after {
            Some(a) => a.parse().map_err(anyhow::Error::msg)?,
            None => Default::default(),
        },
        ca_file: file.ca_file,
        timeout: Duration::from_secs(file.timeout_seconds.unwrap_or(60).clamp(1, 600)),
    };
    Ok((
        settings,
        Duration::from_secs(file.poll_seconds.unwrap_or(300).clamp(5, 1740)),
    ))
}

fn security_config(file: SecurityFile) -> Result<SecurityConfig> {
    let defaults = SecurityConfig::default();
    let proxies: Vec<String> = match env("TRUSTED_PROXIES") {
        Some(list) => list.split(',').map(str::to_string).collect(),
        None => file.trusted_proxies.unwrap_or_default(),
    };
    let trusted_proxies = proxies
        .iter()
        .filter(|p| !p.trim().is_empty())
        .map(|p| p.parse().map_err(anyhow::Error::msg))
        .collect::<Result<Vec<_>>>()
        .context("security.trusted_proxies")?;
    Ok(SecurityConfig {
        trusted_proxies,
        coach_per_minute: file
            .coach_per_minute
            .unwrap_or(defaults.coach_per_minute)
            .max(1),
        inbound_per_minute: file
            .inbound_per_minute
            .unwrap_or(defaults.inbound_per_minute)
            .max(1),
        ticket_link_days: file
            .ticket_link_days
            .unwrap_or(defaults.ticket_link_days)
            .clamp(1, 365),
    })
}

fn jobs_policy(file: JobsFile) -> Result<SchedulerPolicy> {
    let defaults = SchedulerPolicy::default();
    let lease = match env("JOBS_LEASE_SECONDS") {
        Some(text) => Some(
            text.parse::<u64>()
                .context("RAPPORT_JOBS_LEASE_SECONDS must be a number of seconds")?,
        ),
        None => file.lease_seconds,
    };
    let lease = match lease {
        None => defaults.lease,
        Some(seconds @ 1..=86_400) => Duration::from_secs(seconds),
        Some(seconds) => bail!("jobs.lease_seconds must be between 1 and 86400, got {seconds}"),
    };
    let batch = match file.batch {
        None => defaults.batch,
        Some(n @ 1..=2000) => n,
        Some(n) => bail!("jobs.batch must be between 1 and 2000, got {n}"),
    };
    Ok(SchedulerPolicy {
        lease,
        batch,
        ..defaults
    })
}

pub(crate) fn env(key: &str) -> Option<String> {
    std::env::var(format!("RAPPORT_{key}"))
        .ok()
        .filter(|v| !v.is_empty())
}

/// Reads the file (if any) and the environment, then applies the overrides.
pub fn load(file: Option<&Path>, overrides: FileSettings) -> Result<Settings> {
    let file = file
        .map(Path::to_path_buf)
        .or_else(|| env("CONFIG").map(PathBuf::from));
    let from_file = match &file {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| {
                format!("cannot read the configuration file {}", path.display())
            })?;
            toml::from_str::<FileSettings>(&text).with_context(|| {
                format!("{} is not a valid Rapport configuration", path.display())
            })?
        }
        None => FileSettings::default(),
    };
    let data_dir = overrides
        .data_dir
        .or_else(|| env("DATA_DIR").map(PathBuf::from))
        .or(from_file.data_dir)
        .unwrap_or_else(|| PathBuf::from("rapport-data"));
    let listen = overrides
        .listen
        .or_else(|| env("LISTEN"))
        .or(from_file.listen)
        .unwrap_or_else(|| "127.0.0.1:8080".into());
    let database_url = overrides
        .database_url
        .or_else(|| env("DATABASE_URL"))
        .or(from_file.database_url)
        .unwrap_or_else(|| format!("sqlite:{}", data_dir.join("rapport.db").display()));
    rapport_store::Backend::from_url(&database_url)?;
    let public_base_url = overrides
        .public_base_url
        .or_else(|| env("PUBLIC_BASE_URL"))
        .or(from_file.public_base_url)
        .unwrap_or_else(|| format!("http://{listen}"));
    if !public_base_url.starts_with("http://") && !public_base_url.starts_with("https://") {
        bail!("public_base_url must start with http:// or https://, got {public_base_url:?}");
    }
    let log = overrides
        .log
        .or_else(|| env("LOG"))
        .or(from_file.log)
        .unwrap_or_else(|| "info".into());
    let attachments_dir = overrides
        .attachments_dir
        .or_else(|| env("ATTACHMENTS_DIR").map(PathBuf::from))
        .or(from_file.attachments_dir)
        .unwrap_or_else(|| data_dir.join("attachments"));
    let attachments_store = env("ATTACHMENTS_STORE").or(from_file.attachments_store);
    let smtp = smtp_settings(from_file.smtp)?;
    let mut mail = mail_config(from_file.mail.unwrap_or_default(), smtp.is_some())?;
    let imap = from_file
        .imap
        .into_iter()
        .map(imap_settings)
        .collect::<Result<Vec<_>>>()?;
    mail.mailboxes = imap.iter().map(|(s, _)| s.name.clone()).collect();
    let security = security_config(from_file.security.unwrap_or_default())?;
    let business = business_config(from_file.business.unwrap_or_default())?;
    let jobs = jobs_policy(from_file.jobs.unwrap_or_default())?;
    let feedback = feedback_config(from_file.feedback.unwrap_or_default())?;
    let search_language = match from_file.search.and_then(|s| s.language) {
        Some(name) => name.parse()?,
        None => rapport_app::search::Language::default(),
    };
    Ok(Settings {
        database_url,
        listen,
        data_dir,
        public_base_url: public_base_url.trim_end_matches('/').to_string(),
        log,
        attachments_dir,
        attachments_store,
        mail,
        smtp,
        imap,
        security,
        business,
        jobs,
        feedback,
        search_language,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_parses_and_unknown_keys_are_refused() {
        assert!(toml::from_str::<FileSettings>(SAMPLE).is_ok());
        assert!(toml::from_str::<FileSettings>("databse_url = \"x\"").is_err());
    }

    #[test]
    fn flags_beat_the_file_and_defaults_follow_the_data_dir() -> Result<()> {
        let dir = std::env::temp_dir().join(format!("rapport-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let file = dir.join("rapport.toml");
        std::fs::write(
            &file,
            "listen = \"127.0.0.1:9000\"\ndata_dir = \"/srv/rapport\"\n",
        )?;
        let s = load(Some(&file), FileSettings::default())?;
        assert_eq!(s.listen, "127.0.0.1:9000");
        assert_eq!(s.database_url, "sqlite:/srv/rapport/rapport.db");
        assert_eq!(s.public_base_url, "http://127.0.0.1:9000");
        let s = load(
            Some(&file),
            FileSettings {
                listen: Some("0.0.0.0:1".into()),
                ..Default::default()
            },
        )?;
        assert_eq!(s.listen, "0.0.0.0:1");
        let bad = load(
            Some(&file),
            FileSettings {
                database_url: Some("mysql://x".into()),
                ..Default::default()
            },
        );
        assert!(bad.is_err());
        std::fs::remove_dir_all(&dir)?;
        Ok(())
    }
}

#[cfg(test)]
mod mail_tests {
    use super::*;

    #[test]
    fn mail_sections_are_read_and_passwords_stay_hidden() -> Result<()> {
        let dir = std::env::temp_dir().join(format!("rapport-mailconfig-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let secret = dir.join("imap-password");
        std::fs::write(&secret, "imap-secret\n")?;
        let file = dir.join("rapport.toml");
        std::fs::write(
            &file,
            format!(
                r#"[mail]
address = "help@shop.example"
subject_tag = "Shop #"
max_attachment_mb = 2
undo_send_seconds = 5

[smtp]
host = "smtp.shop.example"
security = "tls"
username = "help@shop.example"
password = "smtp-secret"

[[imap]]
host = "imap.shop.example"
username = "help@shop.example"
password_file = "{}"
after = "move:Done"
"#,
                secret.display()
            ),
        )?;
        let s = load(Some(&file), FileSettings::default())?;
        assert_eq!(s.mail.address, "help@shop.example");
        assert!(s.mail.outbound, "an [smtp] server turns outbound mail on");
        assert_eq!(s.mail.subject_tag.format(7), "[Shop #7]");
        assert_eq!(s.mail.max_attachment_bytes, 2 * 1024 * 1024);
        assert_eq!(s.mail.undo_send, std::time::Duration::from_secs(5));
        let smtp = s.smtp.clone().context("smtp")?;
        assert_eq!((smtp.port, smtp.security), (465, Security::Tls));
        let (imap, wait) = &s.imap[0];
        assert_eq!(imap.password, "imap-secret");
        assert_eq!(imap.port, 993);
        assert_eq!(
            imap.after,
            rapport_transport::AfterProcessing::Move("Done".into())
        );
        assert_eq!(*wait, Duration::from_secs(300));
        let shown = format!("{s:?}");
        assert!(
            !shown.contains("smtp-secret") && !shown.contains("imap-secret"),
            "{shown}"
        );
        std::fs::write(
            &file,
            "[security]\ntrusted_proxies = [\"10.0.0.0/8\", \"::1\"]\ncoach_per_minute = 30\n",
        )?;
        let s = load(Some(&file), FileSettings::default())?;
        assert_eq!(s.security.trusted_proxies.len(), 2);
        assert_eq!(s.security.coach_per_minute, 30);
        std::fs::write(&file, "[security]\ntrusted_proxies = [\"proxy\"]\n")?;
        assert!(load(Some(&file), FileSettings::default()).is_err());
        std::fs::write(&file, "[mail]\naddress = \"not an address\"\n")?;
        assert!(load(Some(&file), FileSettings::default()).is_err());
        std::fs::write(
            &file,
            "[mail]\nresponse_target = \"within 8 business hours\"\n",
        )?;
        let gone = load(Some(&file), FileSettings::default()).map(|_| ());
        assert!(
            format!("{gone:?}").contains("first_response_minutes"),
            "the fixed phrase is gone, with a pointer: {gone:?}"
        );
        std::fs::write(&file, "[smtp]\nhost = \"x\"\nsecurity = \"maybe\"\n")?;
        assert!(load(Some(&file), FileSettings::default()).is_err());
        std::fs::write(&file, "[[imap]]\nhost = \"x\"\nusername = \"u\"\n")?;
        assert!(
            load(Some(&file), FileSettings::default()).is_err(),
            "no password"
        );
        std::fs::remove_dir_all(&dir)?;
        Ok(())
    }
}
