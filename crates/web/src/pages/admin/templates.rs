//! `/app/admin/templates`: the mail templates (the acknowledgment, the
//! survey mail and page, canned replies). The editor shows the text beside
//! the save-time checks: the sample rendering, what a refusal says, and
//! the reply coach's findings on the sample; "Check" runs them without
//! saving, "Save" refuses what they refuse (blocking coach findings need a
//! reason). The same use cases as `/api/v1/templates`.

use super::{noticed, refused, staff_only};
use crate::extract::Query;
use crate::pages::render::{Chrome, PageError, page, when};
use crate::pages::session::AgentPage;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use rapport_app::AppError;
use rapport_app::i18n::{LANGS, Lang};
use rapport_app::templates::{
    ACKNOWLEDGMENT, SURVEY, SURVEY_PAGE, SYSTEM_TEMPLATES, TemplateCheck, sample_variables,
};
use serde::Deserialize;

const DONE: &[(&str, &str)] = &[("saved", "templates.saved")];

/// A template in the list.
struct TemplateRow {
    name: String,
    language: &'static str,
    language_name: &'static str,
    kind: &'static str,
    updated: String,
    override_reason: String,
}

#[derive(Template)]
#[template(path = "admin_templates.html")]
struct ListPage {
    chrome: Chrome,
    templates: Vec<TemplateRow>,
}

/// A template kind's catalogue key.
fn kind(name: &str) -> &'static str {
    match name {
        ACKNOWLEDGMENT => "templates.kind.acknowledgment",
        SURVEY => "templates.kind.survey",
        SURVEY_PAGE => "templates.kind.survey_page",
        _ => "templates.kind.canned",
    }
}

/// The language a request names (`?language=`): English when absent.
fn language(code: Option<&str>) -> Result<Lang, PageError> {
    Ok(Lang::parse_setting("language", code.unwrap_or(""))?.unwrap_or_default())
}

/// Every template in every language, the built-in ones first (saved or not).
pub async fn list(State(s): State<AppState>, agent: AgentPage) -> Result<Response, PageError> {
    staff_only(&agent)?;
    let zone = s.app.business_calendar().await?.time_zone().clone();
    let lang = agent.chrome.lang;
    let saved = s.app.templates(&agent.caller).await?;
    let mut templates: Vec<TemplateRow> = SYSTEM_TEMPLATES
        .iter()
        .flat_map(|n| LANGS.iter().map(move |l| (*n, *l)))
        .filter(|(n, l)| {
            !saved
                .iter()
                .any(|t| t.name == *n && t.language == l.as_str())
        })
        .map(|(n, l)| TemplateRow {
            name: n.to_string(),
            language: l.as_str(),
            language_name: l.own_name(),
            kind: kind(n),
            updated: lang.text("templates.builtin").into(),
            override_reason: String::new(),
        })
        .collect();
    templates.extend(saved.iter().map(|t| {
        let l = Lang::from_stored(Some(&t.language)).unwrap_or_default();
        TemplateRow {
            name: t.name.clone(),
            language: l.as_str(),
            language_name: l.own_name(),
            kind: kind(&t.name),
            updated: when(t.updated_at, &zone, lang).0,
            override_reason: t.override_reason.clone().unwrap_or_default(),
        }
    }));
    let template = ListPage {
        chrome: agent.chrome,
        templates,
    };
    Ok(page(StatusCode::OK, &template))
}

/// The name of a new canned reply.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewName {
    name: Option<String>,
}

/// Opens the editor for a new canned reply's name.
pub async fn new(
    State(s): State<AppState>,
    agent: AgentPage,
    Query(q): Query<NewName>,
) -> Result<Response, PageError> {
    staff_only(&agent)?;
    let name = q.name.unwrap_or_default();
    match s.app.template_draft(&agent.caller, &name, Lang::En).await? {
        Some(_) => Ok(Redirect::to(&format!("/app/admin/templates/{name}")).into_response()),
        None => Err(AppError::invalid("name", rapport_app::msg!("error.templates.name")).into()),
    }
}

/// A coach finding beside the text.
struct FindingRow {
    check: &'static str,
    severity: &'static str,
    quote: String,
    explanation: &'static str,
    suggestion: String,
}

#[derive(Template)]
#[template(path = "admin_template.html")]
struct EditPage {
    chrome: Chrome,
    name: String,
    language: &'static str,
    language_name: &'static str,
    /// Every language: (code, own name, this one).
    languages: Vec<(&'static str, &'static str, bool)>,
    /// Whether the coach read it (English only).
    coached: bool,
    kind: &'static str,
    subject: String,
    body: String,
    override_reason: String,
    blocked: bool,
    problem: Option<String>,
    sample_subject: String,
    sample_body: String,
    findings: Vec<FindingRow>,
    variables: Vec<&'static str>,
}

/// The text being edited and what the checks said of it.
struct Edited {
    subject: String,
    body: String,
    override_reason: String,
    checked: Result<TemplateCheck, String>,
}

fn edit_page(chrome: Chrome, (name, lang): (&str, Lang), edited: Edited) -> EditPage {
    let (problem, sample_subject, sample_body, findings) = match edited.checked {
        Ok(check) => {
            let findings = check
                .findings
                .iter()
                .map(|f| {
                    let (name, explanation, suggestion) =
                        crate::pages::ticket::finding_words(chrome.lang, f);
                    FindingRow {
                        check: name,
                        severity: crate::pages::ticket::severity(f.severity),
                        quote: check
                            .sample_body
                            .get(f.span.clone())
                            .unwrap_or_default()
                            .to_string(),
                        explanation,
                        suggestion: suggestion.unwrap_or_default(),
                    }
                })
                .collect();
            (None, check.sample_subject, check.sample_body, findings)
        }
        Err(problem) => (Some(problem), String::new(), String::new(), Vec::new()),
    };
    let blocked = findings.iter().any(|f: &FindingRow| f.severity == "block");
    EditPage {
        chrome,
        name: name.to_string(),
        language: lang.as_str(),
        language_name: lang.own_name(),
        languages: LANGS
            .iter()
            .map(|l| (l.as_str(), l.own_name(), *l == lang))
            .collect(),
        coached: lang == Lang::En,
        kind: kind(name),
        subject: edited.subject,
        body: edited.body,
        override_reason: edited.override_reason,
        blocked,
        problem,
        sample_subject,
        sample_body,
        findings,
        variables: sample_variables().keys().copied().collect(),
    }
}

/// Runs the checks, keeping a refusal's sentence (a server failure is an error).
async fn check(
    s: &AppState,
    agent: &AgentPage,
    named: (&str, Lang),
    subject: &str,
    body: &str,
) -> Result<Result<TemplateCheck, String>, PageError> {
    match s
        .app
        .check_template(&agent.caller, named, subject, body)
        .await
    {
        Ok(check) => Ok(Ok(check)),
        Err(e @ (AppError::Invalid { .. } | AppError::CoachBlocked(_))) => {
            Ok(Err(refused(e, agent.chrome.lang).1))
        }
        Err(e) => Err(e.into()),
    }
}

/// The editor with the saved text (or the built-in one) and its checks.
pub async fn edit(
    State(s): State<AppState>,
    agent: AgentPage,
    Path(name): Path<String>,
    Query(q): Query<EditQuery>,
) -> Result<Response, PageError> {
    staff_only(&agent)?;
    let lang = language(q.language.as_deref())?;
    let Some((subject, body, record)) = s.app.template_draft(&agent.caller, &name, lang).await?
    else {
        return Err(AppError::NotFound("template").into());
    };
    let checked = if body.is_empty() {
        Err(agent.chrome.t("templates.new_canned").to_string())
    } else {
        check(&s, &agent, (&name, lang), &subject, &body).await?
    };
    let override_reason = record.and_then(|r| r.override_reason).unwrap_or_default();
    let chrome = noticed(agent.chrome.clone(), q.done.as_deref(), DONE);
    let edited = Edited {
        subject,
        body,
        override_reason,
        checked,
    };
    Ok(page(
        StatusCode::OK,
        &edit_page(chrome, (&name, lang), edited),
    ))
}

/// The editor's query: which language, and what was just done.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditQuery {
    /// `en` (the default) or another language's code.
    language: Option<String>,
    /// Which change was made.
    done: Option<String>,
}

/// What the editor sends.
#[derive(Debug, Deserialize)]
pub struct TemplateForm {
    #[serde(default)]
    subject: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    override_reason: String,
    #[serde(default)]
    action: String,
}

/// Checks the text ("check") or saves it ("save"); a refusal shows the
/// text again, unchanged, beside what was refused.
pub async fn submit(
    State(s): State<AppState>,
    agent: AgentPage,
    Path(name): Path<String>,
    Query(q): Query<EditQuery>,
    Form(form): Form<TemplateForm>,
) -> Result<Response, PageError> {
    staff_only(&agent)?;
    let lang = language(q.language.as_deref())?;
    if s.app
        .template_draft(&agent.caller, &name, lang)
        .await?
        .is_none()
    {
        return Err(AppError::NotFound("template").into());
    }
    let (status, chrome) = if form.action == "save" {
        let reason = Some(form.override_reason.as_str()).filter(|r| !r.trim().is_empty());
        match s
            .app
            .save_template(
                &agent.caller,
                (&name, lang),
                &form.subject,
                &form.body,
                reason,
            )
            .await
        {
            Ok(_) => {
                let to = format!("/app/admin/templates/{name}?language={lang}&done=saved");
                return Ok(Redirect::to(&to).into_response());
            }
            Err(e) => {
                let (status, message) = refused(e, agent.chrome.lang);
                let chrome = agent.chrome.clone().with_notice(
                    format!("{} {message}", agent.chrome.t("templates.not_saved")),
                    true,
                );
                (status, chrome)
            }
        }
    } else {
        (StatusCode::OK, agent.chrome.clone())
    };
    let checked = check(&s, &agent, (&name, lang), &form.subject, &form.body).await?;
    let status = match (&checked, status) {
        (Err(_), StatusCode::OK) => StatusCode::UNPROCESSABLE_ENTITY,
        (_, status) => status,
    };
    let edited = Edited {
        subject: form.subject,
        body: form.body,
        override_reason: form.override_reason,
        checked,
    };
    Ok(page(status, &edit_page(chrome, (&name, lang), edited)))
}
