//! User-editable mail templates, checked when saved: they must render (in a
//! sandbox with strict variables and a fuel limit), say what they must say,
//! and pass the reply coach like any reply would.

use crate::{App, AppError, Caller};
use minijinja::{Environment, UndefinedBehavior};
use rapport_coach::{Context, Finding, Severity, analyze};
use rapport_core::{Permission, Timestamp};
use rapport_store::TemplateRecord;
use std::collections::BTreeMap;

/// The name of the acknowledgment sent for every new request.
pub const ACKNOWLEDGMENT: &str = "acknowledgment";
/// Variables the acknowledgment must use: the customer needs the ticket
/// number and the honest expected response time.
pub const ACKNOWLEDGMENT_REQUIRES: &[&str] = &["ticket_number", "response_target"];
/// A canned reply must be personalised with one of these.
pub const CANNED_REQUIRES_ONE_OF: &[&str] = &["customer_name", "customer_first_name"];
/// Instructions a template may run while rendering, so a loop cannot hang a worker.
const FUEL: u64 = 20_000;
/// The largest template accepted, in bytes.
const MAX_TEMPLATE_BYTES: usize = 64 * 1024;

/// The variables every template may use, with the sample values used to check it.
pub fn sample_variables() -> BTreeMap<&'static str, &'static str> {
    BTreeMap::from([
        ("customer_name", "Ann Lee"),
        ("customer_first_name", "Ann"),
        ("agent_name", "Sam Rivera"),
        ("ticket_number", "#1234"),
        ("ticket_tag", "[#1234]"),
        ("subject", "My lamp arrived broken"),
        (
            "response_target",
            "by Tuesday 2 pm (within 4 business hours)",
        ),
        ("business_name", "Rapport Demo Shop"),
    ])
}

/// The acknowledgment used until someone saves their own: it names the
/// ticket, restates the request, says honestly when a person will answer and
/// how to add information, and does not pretend to be a personal reply.
pub const DEFAULT_ACKNOWLEDGMENT_SUBJECT: &str = "We received your request: {{ subject }}";
/// The body of [`DEFAULT_ACKNOWLEDGMENT_SUBJECT`].
pub const DEFAULT_ACKNOWLEDGMENT_BODY: &str = "Hello {{ customer_first_name }},

thank you for writing to {{ business_name }}. Your request \"{{ subject }}\" is now ticket {{ ticket_number }}.

This confirmation is automatic. A person from our team will answer {{ response_target }}; you do not need to write again to keep your place.

If you want to add something, such as an order number or a photo, reply to this e-mail and keep {{ ticket_tag }} in the subject. It goes straight into the same ticket.

Kind regards,
{{ business_name }}
";

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
pub fn render(
    source: &str,
    variables: &BTreeMap<&'static str, String>,
) -> Result<String, AppError> {
    let env = sandbox();
    let template = env
        .template_from_str(source)
        .map_err(|e| AppError::Internal(format!("a saved template does not parse: {e}")))?;
    template
        .render(minijinja::Value::from_pairs(
            variables.iter().map(|(k, v)| (*k, v.as_str())),
        ))
        .map_err(|e| AppError::Internal(format!("a saved template does not render: {e}")))
}

/// Renders a template source with the sample variables, or says what is wrong.
pub fn render_sample(field: &'static str, source: &str) -> Result<(String, Vec<String>), AppError> {
    if source.len() > MAX_TEMPLATE_BYTES {
        return Err(AppError::invalid(
            field,
            format!("must have at most {MAX_TEMPLATE_BYTES} bytes"),
        ));
    }
    let env = sandbox();
    let template = env
        .template_from_str(source)
        .map_err(|e| AppError::invalid(field, format!("does not parse: {e}")))?;
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
            format!(
                "unknown variable {unknown:?}; available: {}",
                names.join(", ")
            ),
        ));
    }
    let rendered = template
        .render(minijinja::Value::from_pairs(
            known.iter().map(|(k, v)| (*k, *v)),
        ))
        .map_err(|e| AppError::invalid(field, format!("does not render: {e}")))?;
    Ok((rendered, used))
}

impl App {
    /// Every template.
    pub async fn templates(&self, caller: &Caller) -> Result<Vec<TemplateRecord>, AppError> {
        caller.require(Permission::Read, "read templates")?;
        Ok(self.store().templates().await?)
    }

    /// One template.
    pub async fn template(&self, caller: &Caller, name: &str) -> Result<TemplateRecord, AppError> {
        caller.require(Permission::Read, "read templates")?;
        if !valid_name(name) {
            return Err(AppError::NotFound("template"));
        }
        Ok(self.store().template(name).await?)
    }

    /// Checks and saves a template (leads and admins). Blocking coach findings
    /// on the rendered sample refuse it unless an override reason is given.
    pub async fn save_template(
        &self,
        caller: &Caller,
        name: &str,
        subject: &str,
        body: &str,
        override_reason: Option<&str>,
    ) -> Result<CheckedTemplate, AppError> {
        caller.require(Permission::ManageTeams, "change mail templates")?;
        if !valid_name(name) {
            return Err(AppError::invalid(
                "name",
                "use 1 to 64 lower-case letters, digits, '-' or '_'",
            ));
        }
        crate::plain_text("subject", subject)?;
        crate::plain_text("body", body)?;
        let (sample_subject, _) = render_sample("subject", subject)?;
        if sample_subject.trim().is_empty() {
            return Err(AppError::invalid("subject", "must not render empty"));
        }
        let (sample_body, used) = render_sample("body", body)?;
        if name == ACKNOWLEDGMENT {
            for required in ACKNOWLEDGMENT_REQUIRES {
                if !used.iter().any(|u| u == required) {
                    return Err(AppError::invalid(
                        "body",
                        format!("the acknowledgment must tell the customer {{{{ {required} }}}}"),
                    ));
                }
            }
        } else if !used
            .iter()
            .any(|u| CANNED_REQUIRES_ONE_OF.contains(&u.as_str()))
        {
            return Err(AppError::invalid(
                "body",
                "a canned reply must be personalised: use {{ customer_first_name }} or {{ customer_name }}",
            ));
        }
        let context = Context {
            customer_name: Some("Ann Lee".into()),
            now: jiff::Timestamp::now().in_tz(&self.config().timezone).ok(),
            ..Context::default()
        };
        let findings = analyze(&sample_body, &context).findings;
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
        Ok(CheckedTemplate {
            record,
            sample_subject,
            sample_body,
            findings,
        })
    }

    /// The acknowledgment's (subject, body) sources: the saved one, or the default.
    pub(crate) async fn acknowledgment_template(&self) -> Result<(String, String), AppError> {
        match self.store().template(ACKNOWLEDGMENT).await {
            Ok(t) => Ok((t.subject, t.body)),
            Err(rapport_store::StoreError::NotFound(_)) => Ok((
                DEFAULT_ACKNOWLEDGMENT_SUBJECT.to_string(),
                DEFAULT_ACKNOWLEDGMENT_BODY.to_string(),
            )),
            Err(e) => Err(e.into()),
        }
    }

    /// The canned replies, rendered with the sample values, for the form-letter check.
    pub(crate) async fn canned_replies(&self) -> Result<Vec<String>, AppError> {
        Ok(self
            .store()
            .templates()
            .await?
            .into_iter()
            .filter(|t| t.name != ACKNOWLEDGMENT)
            .filter_map(|t| render_sample("body", &t.body).ok().map(|(text, _)| text))
            .collect())
    }
}
