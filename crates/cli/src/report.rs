//! `rapport report ...`: the figures as a text table or CSV, the fairness
//! audit, an agent's scorecard, and rebuilding the projection from the log.

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use rapport_app::reports::{ReportFilter, ReportQuery};
use rapport_app::{App, Caller};
use rapport_core::report::Period;
use rapport_core::report::figures::{Figures, figures_csv};
use rapport_core::{AgentId, Role, TeamId};
use std::time::Instant;

/// `rapport report`: the full report, or a subcommand.
#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ReportArgs {
    /// What else to do.
    #[command(subcommand)]
    command: Option<ReportCommand>,
    /// Which tickets.
    #[command(flatten)]
    filter: FilterArgs,
}

/// The report subcommands.
#[derive(Subcommand)]
pub enum ReportCommand {
    /// Recompute the report projection from the whole event log, with a progress bar.
    Rebuild,
    /// Compare response and outcome figures across customer groups.
    Fairness {
        /// channel, priority or a customer attribute's name.
        #[arg(long, default_value = "channel")]
        by: String,
        /// Which tickets.
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// One agent's coaching scorecard.
    Scorecard {
        /// The agent's id.
        #[arg(long)]
        agent: i64,
        /// Which tickets.
        #[command(flatten)]
        filter: FilterArgs,
    },
}

/// Which tickets a report covers.
#[derive(Args, Clone)]
pub struct FilterArgs {
    /// First day of creation (YYYY-MM-DD, business zone).
    #[arg(long)]
    from: Option<String>,
    /// Last day of creation (YYYY-MM-DD, business zone).
    #[arg(long)]
    to: Option<String>,
    /// One team's id.
    #[arg(long)]
    team: Option<i64>,
    /// One owner's id.
    #[arg(long)]
    agent_filter: Option<i64>,
    /// One channel.
    #[arg(long)]
    channel: Option<String>,
    /// One priority.
    #[arg(long)]
    priority: Option<String>,
    /// day, week or month.
    #[arg(long, default_value = "month")]
    period: String,
    /// Print CSV instead of a text table.
    #[arg(long)]
    csv: bool,
}

fn day_of(text: &str) -> Result<i64> {
    let date: jiff::civil::Date = text
        .parse()
        .with_context(|| format!("not a date: {text}"))?;
    Ok(date
        .duration_since(jiff::civil::date(1970, 1, 1))
        .as_secs()
        .div_euclid(86_400))
}

impl FilterArgs {
    fn query(&self) -> Result<ReportQuery> {
        let parse = |v: &Option<String>| v.as_deref().map(day_of).transpose();
        Ok(ReportQuery {
            filter: ReportFilter {
                from_day: parse(&self.from)?,
                to_day: parse(&self.to)?,
                team: self.team.map(TeamId),
                agent: self.agent_filter.map(AgentId),
                channel: self
                    .channel
                    .as_deref()
                    .map(str::parse)
                    .transpose()
                    .map_err(anyhow::Error::msg)?,
                priority: self
                    .priority
                    .as_deref()
                    .map(str::parse)
                    .transpose()
                    .map_err(anyhow::Error::msg)?,
            },
            period: self.period.parse::<Period>().map_err(anyhow::Error::msg)?,
        })
    }
}

fn print_table(title: &str, key: &str, rows: &[(String, &Figures)], csv: bool) {
    if csv {
        println!("# {title}");
        print!("{}", figures_csv(key, rows));
        return;
    }
    println!("\n{title}");
    println!(
        "{:<14} {:>8} {:>8} {:>9} {:>9} {:>9} {:>9} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>5} {:>5}",
        key,
        "tickets",
        "resolved",
        "FRT med",
        "FRT p90",
        "RES med",
        "RES p90",
        "FR SLA",
        "1touch",
        "reopen",
        "xfer",
        "prom",
        "CSAT",
        "ovr",
        "recov"
    );
    for (k, f) in rows {
        let m = |v: Option<i64>| v.map_or("-".into(), |v| format!("{v}m"));
        let p = |v: Option<f64>| v.map_or("-".into(), |v| format!("{:.0}%", v * 100.0));
        println!(
            "{:<14} {:>8} {:>8} {:>9} {:>9} {:>9} {:>9} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>5} {:>5}",
            k,
            f.tickets,
            f.resolved,
            m(f.first_response_median),
            m(f.first_response_p90),
            m(f.resolution_median),
            m(f.resolution_p90),
            p(f.first_response_sla),
            p(f.one_touch),
            p(f.reopen_rate),
            f.transfers_per_ticket
                .map_or("-".into(), |v| format!("{v:.2}")),
            p(f.promises_on_time),
            f.csat_average.map_or("-".into(), |v| format!("{v:.1}")),
            f.overrides,
            format!("{}/{}", f.recovery_opened, f.recovery_closed)
        );
    }
}

fn opt<T: std::fmt::Display>(v: &Option<T>, none: &str) -> String {
    v.as_ref().map_or(none.to_string(), ToString::to_string)
}

/// Runs `rapport report`.
pub async fn run(app: &App, args: ReportArgs) -> Result<()> {
    let operator = Caller::operator(AgentId(0), Role::Admin);
    match args.command {
        Some(ReportCommand::Rebuild) => {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} {pos} tickets folded ({per_sec}, {elapsed})",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            let started = Instant::now();
            let done = app.rebuild_reports(|n| bar.set_position(n)).await?;
            bar.finish_and_clear();
            println!(
                "rebuilt the report projection of {done} tickets in {:.1} s",
                started.elapsed().as_secs_f64()
            );
        }
        Some(ReportCommand::Fairness { by, filter }) => {
            let query = filter.query()?;
            let audit = app.fairness(&operator, &query.filter, &by).await?;
            if filter.csv {
                println!(
                    "group,size,measure,group_value,rest_value,difference,statistic,p_value,needs_a_look,not_tested"
                );
                for g in &audit.groups {
                    for c in &g.comparisons {
                        println!(
                            "{},{},{:?},{},{},{},{},{},{},{}",
                            rapport_core::report::figures::csv_field(&g.group),
                            g.size,
                            c.measure,
                            opt(&c.group, ""),
                            opt(&c.rest, ""),
                            opt(&c.difference, ""),
                            opt(&c.statistic, ""),
                            opt(&c.p_value, ""),
                            c.needs_a_look,
                            rapport_core::report::figures::csv_field(
                                c.not_tested.as_deref().unwrap_or("")
                            )
                        );
                    }
                }
                return Ok(());
            }
            println!(
                "Fairness by {} (minimum group {} tickets, each test at p < {:.4})",
                audit.grouped_by, audit.min_group_size, audit.alpha_per_test
            );
            for g in &audit.groups {
                println!("\n{} ({} tickets)", g.group, g.size);
                for c in &g.comparisons {
                    println!(
                        "  {:<28} group {:>10} rest {:>10} p {:>10} {}",
                        c.measure.label(),
                        c.group.map_or("-".into(), |v| format!("{v:.3}")),
                        c.rest.map_or("-".into(), |v| format!("{v:.3}")),
                        c.p_value.map_or("-".into(), |v| format!("{v:.2e}")),
                        if c.needs_a_look {
                            "NEEDS A LOOK"
                        } else {
                            c.not_tested.as_deref().unwrap_or("")
                        }
                    );
                }
            }
            println!();
            for line in &audit.summary {
                println!("{line}");
            }
        }
        Some(ReportCommand::Scorecard { agent, filter }) => {
            let query = filter.query()?;
            let card = app.scorecard(&operator, AgentId(agent), &query).await?;
            let mut rows = vec![("agent".to_string(), &card.figures)];
            if let Some(team) = &card.team_figures {
                rows.push(("their teams".to_string(), team));
            }
            print_table(
                &format!("Scorecard of agent {agent}"),
                "who",
                &rows,
                filter.csv,
            );
            let series: Vec<_> = card
                .series
                .iter()
                .map(|r| (r.key.clone(), &r.figures))
                .collect();
            print_table("Over time", "period", &series, filter.csv);
            if !filter.csv {
                for o in &card.overrides {
                    println!(
                        "overrode {:<20} {:>5} times, {} came back unhappy",
                        o.check, o.count, o.unhappy
                    );
                }
                for f in &card.findings_series {
                    println!(
                        "{:<10} the coach raised {:<20} on {:>5} replies",
                        f.period, f.check, f.count
                    );
                }
                for line in &card.needs_help {
                    println!("- {line}");
                }
            }
        }
        None => {
            let query = args.filter.query()?;
            let started = Instant::now();
            let report = app.report(&operator, &query).await?;
            let b = &report.breakdown;
            let csv = args.filter.csv;
            print_table("Totals", "all", &[("all".into(), &b.totals)], csv);
            let series: Vec<_> = b
                .series
                .iter()
                .map(|r| (r.key.clone(), &r.figures))
                .collect();
            print_table("By period", "period", &series, csv);
            let teams: Vec<_> = b
                .by_team
                .iter()
                .map(|r| (opt(&r.key.map(|t| t.0), "none"), &r.figures))
                .collect();
            print_table("By team", "team", &teams, csv);
            let agents: Vec<_> = b
                .by_agent
                .iter()
                .map(|r| (opt(&r.key.map(|a| a.0), "none"), &r.figures))
                .collect();
            print_table("By agent", "agent", &agents, csv);
            let channels: Vec<_> = b
                .by_channel
                .iter()
                .map(|r| (r.key.to_string(), &r.figures))
                .collect();
            print_table("By channel", "channel", &channels, csv);
            let priorities: Vec<_> = b
                .by_priority
                .iter()
                .map(|r| (r.key.to_string(), &r.figures))
                .collect();
            print_table("By priority", "priority", &priorities, csv);
            if csv {
                println!("# Coach overrides\r\nagent,check,count,unhappy\r");
            } else {
                println!("\nCoach overrides (agent, check, count, came back unhappy)");
            }
            for o in &report.overrides {
                let agent = opt(&o.agent_id.map(|a| a.0), "none");
                if csv {
                    println!(
                        "{agent},{},{},{}\r",
                        rapport_core::report::figures::csv_field(&o.check),
                        o.count,
                        o.unhappy
                    );
                } else {
                    println!("{agent:<8} {:<24} {:>6} {:>6}", o.check, o.count, o.unhappy);
                }
            }
            if csv {
                println!("# Coach findings\r\nagent,check,replies\r");
            } else {
                println!("\nCoach findings on sent replies (agent, check, replies)");
            }
            for f in &report.findings {
                let agent = opt(&f.agent_id.map(|a| a.0), "none");
                if csv {
                    println!(
                        "{agent},{},{}\r",
                        rapport_core::report::figures::csv_field(&f.check),
                        f.count
                    );
                } else {
                    println!("{agent:<8} {:<24} {:>6}", f.check, f.count);
                }
            }
            if !csv {
                println!("\n({} ms)", started.elapsed().as_millis());
            }
        }
    }
    Ok(())
}
