//! `rapport import reviews FILE` and `rapport team lead`: feedback from the
//! server's shell, run as the operator (every right of an admin) through
//! the same use cases as the API.

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use rapport_app::feedback::{ReviewOutcome, parse_reviews};
use rapport_app::{App, Caller};
use rapport_core::{AgentId, Role};
use std::path::PathBuf;

/// `rapport import ...`.
#[derive(Subcommand)]
pub enum ImportCommand {
    /// Public reviews and mentions as tickets on the reviews channel: a CSV
    /// file with a header row or JSON lines, with source, id, author,
    /// rating, text, date, url. A second import of the same (source, id) is
    /// a no-op; bad rows are reported and the rest imported.
    Reviews {
        /// The file.
        file: PathBuf,
    },
}

/// `rapport team ...`.
#[derive(Subcommand)]
pub enum TeamCommand {
    /// Set a team's lead, who follows up its recovery tasks (without one, the admins do).
    Lead {
        /// The team's name.
        team: String,
        /// The lead's e-mail; omit with --clear.
        email: Option<String>,
        /// Clear the lead instead.
        #[arg(long)]
        clear: bool,
    },
}

fn operator() -> Caller {
    Caller::operator(AgentId(0), Role::Admin)
}

/// Runs `rapport import ...`; fails (exit code 1) when a row was refused.
pub async fn import(app: &App, command: ImportCommand) -> Result<()> {
    let ImportCommand::Reviews { file } = command;
    let text =
        std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
    let report = app
        .import_reviews(&operator(), parse_reviews(&text))
        .await?;
    for row in &report.rows {
        match row {
            ReviewOutcome::Imported {
                row,
                ticket_id,
                matched_customer,
                recovery_task_id,
                ..
            } => println!(
                "line {row}: ticket #{ticket_id}{}{}",
                if *matched_customer {
                    " (known customer)"
                } else {
                    ""
                },
                recovery_task_id
                    .map(|t| format!(", recovery task {t}"))
                    .unwrap_or_default()
            ),
            ReviewOutcome::Duplicate { row, ticket_id } => {
                println!("line {row}: imported before as ticket #{ticket_id}; unchanged")
            }
            ReviewOutcome::Error { row, message } => eprintln!("line {row}: refused: {message}"),
        }
    }
    println!(
        "{} imported, {} already there, {} refused",
        report.imported, report.duplicates, report.errors
    );
    if report.errors > 0 {
        bail!("{} row(s) were refused", report.errors);
    }
    Ok(())
}

/// Runs `rapport team ...`.
pub async fn team(app: &App, command: TeamCommand) -> Result<()> {
    let TeamCommand::Lead { team, email, clear } = command;
    let caller = operator();
    let found = app
        .teams(&caller)
        .await?
        .into_iter()
        .find(|t| t.name.eq_ignore_ascii_case(team.trim()))
        .with_context(|| format!("no team named {team:?}"))?;
    let lead = match (email, clear) {
        (Some(_), true) => bail!("give an e-mail or --clear, not both"),
        (None, false) => bail!("give the lead's e-mail, or --clear"),
        (None, true) => None,
        (Some(email), false) => {
            let email = email.trim().to_lowercase();
            let agent = app
                .operator_agent_by_email(&email)
                .await?
                .with_context(|| format!("no agent with e-mail {email}"))?;
            Some(agent.id)
        }
    };
    let updated = app.set_team_lead(&caller, found.id, lead).await?;
    match updated.lead {
        Some(lead) => println!("{}: lead is agent {lead}", updated.name),
        None => println!(
            "{}: no lead; the admins follow up its recovery tasks",
            updated.name
        ),
    }
    Ok(())
}
