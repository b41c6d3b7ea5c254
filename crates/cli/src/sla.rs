//! `rapport sla ...`: response targets from the shell: the policies, and
//! recomputing every open ticket's due times after a rule change.

use anyhow::Result;
use clap::Subcommand;
use rapport_app::App;
use std::time::Instant;

/// The sla subcommands.
#[derive(Subcommand)]
pub enum SlaCommand {
    /// Recompute the due times of every open ticket from its events under
    /// the current policies and calendars, with a progress bar.
    Recompute,
    /// The policies, in matching order.
    Policies,
}

/// Runs an sla subcommand.
pub async fn run(app: &App, command: SlaCommand) -> Result<()> {
    match command {
        SlaCommand::Recompute => {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} {pos} tickets recomputed ({per_sec}, {elapsed})",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            let started = Instant::now();
            let done = app.recompute_sla(|n| bar.set_position(n)).await?;
            bar.finish_and_clear();
            println!(
                "recomputed the due times of {done} open tickets in {:.1} s",
                started.elapsed().as_secs_f64()
            );
        }
        SlaCommand::Policies => {
            let caller =
                rapport_app::Caller::operator(rapport_core::AgentId(0), rapport_core::Role::Admin);
            let policies = app.sla_policies(&caller).await?;
            if policies.is_empty() {
                println!(
                    "no policies: every ticket has the default targets ([business] first_response_minutes)"
                );
            }
            for p in policies {
                let minutes = |m: Option<i64>| m.map_or("-".to_string(), |m| format!("{m} min"));
                println!(
                    "{:>3} {:<24} first {:<9} next {:<9} resolution {:<9} warn {}%  when {}",
                    p.position,
                    p.name,
                    minutes(p.first_response_minutes),
                    minutes(p.next_response_minutes),
                    minutes(p.resolution_minutes),
                    p.warn_percent,
                    serde_json::to_string(&p.conditions)?
                );
            }
        }
    }
    Ok(())
}
