//! User-editable mail templates, checked when saved: they must render (in a
//! sandbox with strict variables and a fuel limit), say what they must say,
//! and pass the reply coach like any reply would.

use crate::i18n::Lang;
use crate::{App, AppError, Caller};
use minijinja::{Environment, UndefinedBehavior, Value};
use rapport_coach::{Context, Finding, Severity};
use rapport_core::{Permission, Timestamp};
use rapport_store::TemplateRecord;
use std::collections::BTreeMap;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Instant;

/// The name of the acknowledgment sent for every new request.
pub const ACKNOWLEDGMENT: &str = "acknowledgment";
/// Variables the acknowledgment must use: the customer needs the ticket
/// number and the honest time by which a person answers.
pub const ACKNOWLEDGMENT_REQUIRES: &[&str] = &["ticket_number", "response_by"];
/// The name of the satisfaction survey mail.
pub const SURVEY: &str = "survey";
/// The name of the satisfaction survey page (subject: its heading; body: the question's introduction).
pub const SURVEY_PAGE: &str = "survey_page";
/// Variables the survey mail must use: which request, and the link to answer.
pub const SURVEY_REQUIRES: &[&str] = &["ticket_number", "survey_link"];
/// Variables the survey page must use: which request it asks about.
pub const SURVEY_PAGE_REQUIRES: &[&str] = &["ticket_number"];
/// Variables only the survey mail has (no other template may use them).
const SURVEY_ONLY: &[&str] = &["survey_link"];
/// The templates the system sends or shows (not canned replies).
pub const SYSTEM_TEMPLATES: &[&str] = &[ACKNOWLEDGMENT, SURVEY, SURVEY_PAGE];
/// A canned reply must be personalised with one of these.
pub const CANNED_REQUIRES_ONE_OF: &[&str] = &["customer_name", "customer_first_name"];
/// Instructions a template may run while rendering, so a loop cannot hang a worker.
const FUEL: u64 = 20_000;
/// The largest template accepted, in bytes.
const MAX_TEMPLATE_BYTES: usize = 64 * 1024;

/// The variables every template may use, with the sample values used to
/// check it. The acknowledgment's times come from the default calendar:
/// `response_by` is when a person will have answered, `opens_at` when the
/// desk opens next (now, when `open_now`), both in the business zone with
/// the zone named; `response_target` is "by" and `response_by`, kept for
/// templates written before.
pub fn sample_variables() -> BTreeMap<&'static str, Value> {
    let text = |s: &str| Value::from(s.to_string());
    BTreeMap::from([
        ("customer_name", text("Ann Lee")),
        ("customer_first_name", text("Ann")),
        ("agent_name", text("Sam Rivera")),
        ("ticket_number", text("#1234")),
        ("ticket_tag", text("[#1234]")),
        ("subject", text("My lamp arrived broken")),
        ("response_by", text("Monday 17:00 (Berlin time)")),
        ("response_target", text("by Monday 17:00 (Berlin time)")),
        ("open_now", Value::from(false)),
        ("opens_at", text("Monday 09:00 (Berlin time)")),
        ("business_name", text("Rapport Demo Shop")),
        (
            "survey_link",
            text("https://help.example/survey/1234-5f0c2a9e"),
        ),
        ("survey_days", text("28")),
    ])
}

/// The survey mail used until someone saves their own: short, in the
/// business's voice, says what the link does (nothing is recorded until
/// the customer answers) and how long it works.
pub const DEFAULT_SURVEY_SUBJECT: &str = "How did we do with \"{{ subject }}\"?";
/// The body of [`DEFAULT_SURVEY_SUBJECT`].
pub const DEFAULT_SURVEY_BODY: &str = "Hello {{ customer_first_name }},

your request \"{{ subject }}\" (ticket {{ ticket_number }}) is solved. Would you tell us how we did? It takes one click:

{{ survey_link }}

Choose a rating from 1 to 5 and, if you like, add a sentence. Nothing is recorded until you send the answer, and you can change it for {{ survey_days }} days.

If something is still not right, reply to this e-mail and the same team picks it up again.

Kind regards,
{{ business_name }}
";
/// The survey page's heading.
pub const DEFAULT_SURVEY_PAGE_SUBJECT: &str = "How did we do with ticket {{ ticket_number }}?";
/// The survey page's introduction to the question.
pub const DEFAULT_SURVEY_PAGE_BODY: &str = "Hello {{ customer_first_name }}, thank you for letting {{ business_name }} help with \"{{ subject }}\" (ticket {{ ticket_number }}). How satisfied are you with how we handled it? The team that helped you reads every answer.";

/// The acknowledgment used until someone saves their own: it names the
/// ticket, restates the request, says when the desk opens if it is closed
/// and by when a person answers (a real time in the business zone), how to
/// add information, and does not pretend to be a personal reply.
pub const DEFAULT_ACKNOWLEDGMENT_SUBJECT: &str = "We received your request: {{ subject }}";
/// The body of [`DEFAULT_ACKNOWLEDGMENT_SUBJECT`].
pub const DEFAULT_ACKNOWLEDGMENT_BODY: &str = "Hello {{ customer_first_name }},

thank you for writing to {{ business_name }}. Your request \"{{ subject }}\" is now ticket {{ ticket_number }}.

This confirmation is automatic. {% if not open_now %}We are closed right now and open again on {{ opens_at }}. {% endif %}A person from our team will answer by {{ response_by }}; you do not need to write again to keep your place.

If you want to add something, such as an order number or a photo, reply to this e-mail and keep {{ ticket_tag }} in the subject. It goes straight into the same ticket.

Kind regards,
{{ business_name }}
";

/// The German acknowledgment (same variables, same promises as the English).
pub const DEFAULT_ACKNOWLEDGMENT_SUBJECT_DE: &str =
    "Wir haben Ihre Anfrage erhalten: {{ subject }}";
/// The body of [`DEFAULT_ACKNOWLEDGMENT_SUBJECT_DE`].
pub const DEFAULT_ACKNOWLEDGMENT_BODY_DE: &str = "Hallo {{ customer_first_name }},

danke, dass Sie sich an {{ business_name }} gewandt haben. Ihre Anfrage „{{ subject }}“ hat jetzt die Ticketnummer {{ ticket_number }}.

Diese Bestätigung wird automatisch verschickt. {% if not open_now %}Wir sind gerade nicht erreichbar und ab {{ opens_at }} wieder für Sie da. {% endif %}Eine Person aus unserem Team antwortet Ihnen bis {{ response_by }}; Sie müssen nicht noch einmal schreiben, um Ihren Platz zu behalten.

Wenn Sie etwas ergänzen möchten, etwa eine Bestellnummer oder ein Foto, antworten Sie einfach auf diese E-Mail und lassen Sie {{ ticket_tag }} im Betreff stehen. Dann landet es direkt im selben Ticket.

Viele Grüße
{{ business_name }}
";
/// The German survey mail.
pub const DEFAULT_SURVEY_SUBJECT_DE: &str = "Wie zufrieden waren Sie mit „{{ subject }}“?";
/// The body of [`DEFAULT_SURVEY_SUBJECT_DE`].
pub const DEFAULT_SURVEY_BODY_DE: &str = "Hallo {{ customer_first_name }},

Ihre Anfrage „{{ subject }}“ (Ticket {{ ticket_number }}) ist erledigt. Verraten Sie uns, wie wir das gemacht haben? Es dauert nur einen Klick:

{{ survey_link }}

Wählen Sie eine Bewertung von 1 bis 5 und schreiben Sie, wenn Sie möchten, einen Satz dazu. Gespeichert wird erst, wenn Sie Ihre Antwort absenden, und Sie können sie {{ survey_days }} Tage lang ändern.

Falls noch etwas nicht stimmt, antworten Sie einfach auf diese E-Mail; dasselbe Team kümmert sich dann wieder darum.

Viele Grüße
{{ business_name }}
";
/// The German survey page's heading.
pub const DEFAULT_SURVEY_PAGE_SUBJECT_DE: &str =
    "Wie zufrieden waren Sie mit Ticket {{ ticket_number }}?";
/// The German survey page's introduction to the question.
pub const DEFAULT_SURVEY_PAGE_BODY_DE: &str = "Hallo {{ customer_first_name }}, danke, dass {{ business_name }} Ihnen bei „{{ subject }}“ (Ticket {{ ticket_number }}) helfen durfte. Wie zufrieden sind Sie damit, wie wir uns darum gekümmert haben? Das Team, das Ihnen geholfen hat, liest jede Antwort.";

/// A template's sample rendering and the coach's findings on it.
#[derive(Debug, Clone)]
pub struct TemplateCheck {
    /// The sample rendering of the subject.
    pub sample_subject: String,
    /// The sample rendering of the body.
    pub sample_body: String,
    /// Every coach finding on the sample body.
    pub findings: Vec<Finding>,
}

/// The built-in (subject, body) of a template that has one, in a language.
pub fn default_of(name: &str, lang: Lang) -> Option<(&'static str, &'static str)> {
    match (name, lang) {
        (ACKNOWLEDGMENT, Lang::En) => {
            Some((DEFAULT_ACKNOWLEDGMENT_SUBJECT, DEFAULT_ACKNOWLEDGMENT_BODY))
        }
        (ACKNOWLEDGMENT, Lang::De) => Some((
            DEFAULT_ACKNOWLEDGMENT_SUBJECT_DE,
            DEFAULT_ACKNOWLEDGMENT_BODY_DE,
        )),
        (SURVEY, Lang::En) => Some((DEFAULT_SURVEY_SUBJECT, DEFAULT_SURVEY_BODY)),
        (SURVEY, Lang::De) => Some((DEFAULT_SURVEY_SUBJECT_DE, DEFAULT_SURVEY_BODY_DE)),
        (SURVEY_PAGE, Lang::En) => Some((DEFAULT_SURVEY_PAGE_SUBJECT, DEFAULT_SURVEY_PAGE_BODY)),
        (SURVEY_PAGE, Lang::De) => {
            Some((DEFAULT_SURVEY_PAGE_SUBJECT_DE, DEFAULT_SURVEY_PAGE_BODY_DE))
        }
        _ => None,
    }
}

/// Why a template was refused, or its rendered sample and coach findings.
#[derive(Debug, Clone)]
pub struct CheckedTemplate {
    /// The stored record.
    pub record: TemplateRecord,
    /// The sample rendering of the subject.
    pub sample_subject: String,
    /// The sample rendering of the body.
    pub sample_body: String,
    /// Every coach finding on the sample (blocking ones were overridden).
    pub findings: Vec<Finding>,
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

fn sandbox() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_fuel(Some(FUEL));
    env
}

/// Renders a saved template with real values (in the same sandbox as the check).
pub fn render(source: &str, variables: &BTreeMap<&'static str, Value>) -> Result<String, AppError> {
    let env = sandbox();
    let template = env
        .template_from_str(source)
        .map_err(|e| AppError::Internal(format!("a saved template does not parse: {e}")))?;
    template
        .render(Value::from_pairs(
            variables.iter().map(|(k, v)| (*k, v.clone())),
        ))
        .map_err(|e| AppError::Internal(format!("a saved template does not render: {e}")))
}

/// Renders a template source with the sample variables, or says what is wrong.
pub fn render_sample(field: &'static str, source: &str) -> Result<(String, Vec<String>), AppError> {
    if source.len() > MAX_TEMPLATE_BYTES {
        return Err(AppError::invalid(
            field,
            msg!("error.field.max_bytes", max = MAX_TEMPLATE_BYTES),
        ));
    }
    let env = sandbox();
    let template = env
        .template_from_str(source)
        .map_err(|e| AppError::invalid(field, msg!("error.templates.parse", detail = e)))?;
    let known = sample_variables();
    let globals: Vec<&str> = env.globals().map(|(name, _)| name).collect();
    let mut used: Vec<String> = template
        .undeclared_variables(false)
        .into_iter()
        .filter(|v| !globals.contains(&v.as_str()))
        .collect();
    used.sort();
    if let Some(unknown) = used.iter().find(|v| !known.contains_key(v.as_str())) {
        let names: Vec<&str> = known.keys().copied().collect();
        return Err(AppError::invalid(
            field,
            msg!(
                "error.templates.unknown_variable",
                name = format!("{unknown:?}"),
                available = names.join(", ")
            ),
        ));
    }
    let rendered = template
        .render(Value::from_pairs(
            known.iter().map(|(k, v)| (*k, v.clone())),
        ))
        .map_err(|e| AppError::invalid(field, msg!("error.templates.render", detail = e)))?;
    Ok((rendered, used))
}

impl App {
    /// Every template of every language.
    pub async fn templates(&self, caller: &Caller) -> Result<Vec<TemplateRecord>, AppError> {
        caller.require(Permission::Read, "read templates")?;
        Ok(self.store().templates().await?)
    }

    /// One saved template in one language.
    pub async fn template(
        &self,
        caller: &Caller,
        name: &str,
        lang: Lang,
    ) -> Result<TemplateRecord, AppError> {
        caller.require(Permission::Read, "read templates")?;
        if !valid_name(name) {
            return Err(AppError::NotFound("template"));
        }
        Ok(self.store().template(name, lang.as_str()).await?)
    }

    /// Runs the save-time checks on a template without saving it (leads
    /// and admins): it must render in the sandbox with the sample values,
    /// use what its kind requires, and the coach reads the sample body.
    /// Refusals are errors; the coach's findings (blocking ones included)
    /// come back for the editor to show beside the text. The coach reads
    /// English only: a template in another language gets the render and
    /// required-variable checks, and no coach findings.
    pub async fn check_template(
        &self,
        caller: &Caller,
        (name, lang): (&str, Lang),
        subject: &str,
        body: &str,
    ) -> Result<TemplateCheck, AppError> {
        caller.require(Permission::ManageTeams, "change mail templates")?;
        if !valid_name(name) {
            return Err(AppError::invalid("name", msg!("error.templates.name")));
        }
        crate::plain_text("subject", subject)?;
        crate::plain_text("body", body)?;
        let (sample_subject, _) = render_sample("subject", subject)?;
        if sample_subject.trim().is_empty() {
            return Err(AppError::invalid(
                "subject",
                msg!("error.templates.empty_subject"),
            ));
        }
        let (sample_body, used) = render_sample("body", body)?;
        check_required(name, &used)?;
        let findings = if lang == Lang::En {
            let context = Context {
                customer_name: Some("Ann Lee".into()),
                ..self.coach_clock().await?
            };
            self.analyze_off_workers(&sample_body, context)
                .await?
                .findings
        } else {
            Vec::new()
        };
        Ok(TemplateCheck {
            sample_subject,
            sample_body,
            findings,
        })
    }

    /// Checks and saves a template (leads and admins). Blocking coach findings
    /// on the rendered sample refuse it unless an override reason is given.
    pub async fn save_template(
        &self,
        caller: &Caller,
        (name, lang): (&str, Lang),
        subject: &str,
        body: &str,
        override_reason: Option<&str>,
    ) -> Result<CheckedTemplate, AppError> {
        let TemplateCheck {
            sample_subject,
            sample_body,
            findings,
        } = self
            .check_template(caller, (name, lang), subject, body)
            .await?;
        let blocking: Vec<Finding> = findings
            .iter()
            .filter(|f| f.severity == Severity::Block)
            .cloned()
            .collect();
        let reason = override_reason.map(str::trim).filter(|r| !r.is_empty());
        if !blocking.is_empty() && reason.is_none() {
            return Err(AppError::CoachBlocked(blocking));
        }
        let record = TemplateRecord {
            name: name.to_string(),
            language: lang.to_string(),
            subject: subject.to_string(),
            body: body.to_string(),
            override_reason: if blocking.is_empty() {
                None
            } else {
                reason.map(|r| r.chars().take(500).collect())
            },
            updated_by: Some(caller.agent_id),
            updated_at: Timestamp::now(),
        };
        self.store().put_template(&record).await?;
        self.canned.set(None);
        Ok(CheckedTemplate {
            record,
            sample_subject,
            sample_body,
            findings,
        })
    }

    /// The text a template starts from in the editor: the saved one in
    /// this language, its built-in default (the acknowledgment and the
    /// survey), the English one for another language, or nothing for a new
    /// canned reply (`None` for a name no template may have).
    pub async fn template_draft(
        &self,
        caller: &Caller,
        name: &str,
        lang: Lang,
    ) -> Result<Option<(String, String, Option<TemplateRecord>)>, AppError> {
        caller.require(Permission::Read, "read templates")?;
        if !valid_name(name) {
            return Ok(None);
        }
        match self.store().template(name, lang.as_str()).await {
            Ok(t) => Ok(Some((t.subject.clone(), t.body.clone(), Some(t)))),
            Err(rapport_store::StoreError::NotFound(_)) => {
                let (subject, body) = self.template_in(name, lang).await?.unwrap_or_default();
                Ok(Some((subject, body, None)))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// A template's (subject, body) sources in a language: the saved one,
    /// else its built-in default in that language, else the English saved
    /// one, else the English default; none if there is no such template.
    pub(crate) async fn template_in(
        &self,
        name: &str,
        lang: Lang,
    ) -> Result<Option<(String, String)>, AppError> {
        let mut langs = vec![lang];
        if lang != Lang::En {
            langs.push(Lang::En);
        }
        for lang in langs {
            match self.store().template(name, lang.as_str()).await {
                Ok(t) => return Ok(Some((t.subject, t.body))),
                Err(rapport_store::StoreError::NotFound(_)) => {}
                Err(e) => return Err(e.into()),
            }
            if let Some((subject, body)) = default_of(name, lang) {
                return Ok(Some((subject.to_string(), body.to_string())));
            }
        }
        Ok(None)
    }

    /// A built-in template's (subject, body) sources in a language (see
    /// [`App::template_in`]).
    pub(crate) async fn template_or_default(
        &self,
        name: &str,
        lang: Lang,
    ) -> Result<(String, String), AppError> {
        self.template_in(name, lang)
            .await?
            .ok_or(AppError::NotFound("template"))
    }

    /// The canned replies, rendered with the sample values, for the
    /// form-letter check: rendered once and kept, re-read after a save
    /// through this server and at most `[business] recheck` old otherwise
    /// (a save through another server).
    pub(crate) async fn canned_replies(&self) -> Result<Arc<Vec<String>>, AppError> {
        if let Some(fresh) = self.canned.fresh(self.config().business.recheck) {
            return Ok(fresh);
        }
        let rendered: Vec<String> = self
            .store()
            .templates()
            .await?
            .into_iter()
            .filter(|t| !SYSTEM_TEMPLATES.contains(&t.name.as_str()) && t.language == "en")
            .filter_map(|t| render_sample("body", &t.body).ok().map(|(text, _)| text))
            .collect();
        let rendered = Arc::new(rendered);
        self.canned.set(Some(Arc::clone(&rendered)));
        Ok(rendered)
    }
}

/// What a template of this name must use: the acknowledgment and the
/// survey their required variables, a canned reply the customer's name;
/// only the survey mail has the survey link.
fn check_required(name: &str, used: &[String]) -> Result<(), AppError> {
    let required = match name {
        ACKNOWLEDGMENT => Some(("acknowledgment", ACKNOWLEDGMENT_REQUIRES)),
        SURVEY => Some(("survey", SURVEY_REQUIRES)),
        SURVEY_PAGE => Some(("survey_page", SURVEY_PAGE_REQUIRES)),
        _ => None,
    };
    if name != SURVEY
        && let Some(only) = used.iter().find(|u| SURVEY_ONLY.contains(&u.as_str()))
    {
        return Err(AppError::invalid(
            "body",
            msg!("error.templates.survey_only", name = only),
        ));
    }
    match required {
        Some((what, required)) => {
            for required in required {
                if !used.iter().any(|u| u == required) {
                    return Err(AppError::invalid("body", required_msg(what, required)));
                }
            }
            Ok(())
        }
        None if used
            .iter()
            .any(|u| CANNED_REQUIRES_ONE_OF.contains(&u.as_str())) =>
        {
            Ok(())
        }
        None => Err(AppError::invalid(
            "body",
            msg!("error.templates.personalise"),
        )),
    }
}

/// "<the template> must tell the customer {{ <variable> }}", by the
/// template's name.
fn required_msg(what: &str, required: &str) -> crate::Msg {
    match what {
        "acknowledgment" => msg!("error.templates.requires_ack", name = required),
        "survey" => msg!("error.templates.requires_survey", name = required),
        _ => msg!("error.templates.requires_survey_page", name = required),
    }
}

/// The rendered canned replies and when they were read.
#[derive(Debug, Default)]
pub(crate) struct CannedCache {
    slot: RwLock<Option<(Instant, Arc<Vec<String>>)>>,
}

impl CannedCache {
    /// The kept replies, if read less than `max_age` ago.
    fn fresh(&self, max_age: std::time::Duration) -> Option<Arc<Vec<String>>> {
        let slot = self.slot.read().unwrap_or_else(PoisonError::into_inner);
        slot.as_ref()
            .filter(|(read, _)| read.elapsed() < max_age)
            .map(|(_, replies)| Arc::clone(replies))
    }

    /// Keeps freshly read replies, or forgets them (`None`) after a save.
    fn set(&self, replies: Option<Arc<Vec<String>>>) {
        *self.slot.write().unwrap_or_else(PoisonError::into_inner) =
            replies.map(|r| (Instant::now(), r));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_acknowledgment_names_real_times_and_passes_its_own_checks() {
        let (body, used) =
            render_sample("body", DEFAULT_ACKNOWLEDGMENT_BODY).unwrap_or_else(|e| panic!("{e}"));
        for required in ACKNOWLEDGMENT_REQUIRES {
            assert!(used.iter().any(|u| u == required), "{required}");
        }
        assert!(
            body.contains(
                "We are closed right now and open again on Monday 09:00 (Berlin time). \
                 A person from our team will answer by Monday 17:00 (Berlin time);"
            ),
            "{body}"
        );
        let mut open = sample_variables();
        open.insert("open_now", Value::from(true));
        let body = render(DEFAULT_ACKNOWLEDGMENT_BODY, &open).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            body.contains("automatic. A person from our team will answer by Monday 17:00"),
            "{body}"
        );
        let (subject, _) = render_sample("subject", DEFAULT_ACKNOWLEDGMENT_SUBJECT)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(subject, "We received your request: My lamp arrived broken");
    }
}
