//! `rapport`: the one binary. Serves the help desk, seeds demo data,
//! generates benchmark data, migrates, and manages agents.

/// jemalloc gives freed memory back to the system after a few seconds; the
/// system allocator kept the peak of one large message resident for good.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

mod bench;
mod bombs_bench;
mod calendar;
mod coach;
mod config;
mod eval;
mod feedback;
mod ingest;
mod jobs;
mod mail;
mod report;
mod sla;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use config::{FileSettings, Settings};
use rapport_app::{App, AppConfig};
use rapport_core::{Role, Scope};
use rapport_fixtures::demo::{
    Conversation, ensure_demo_staff, read_conversations, seed_demo, written_conversations,
};
use rapport_fixtures::generate::{GenerateOptions, generate};
use rapport_store::Store;
use std::io::Read;
use std::path::PathBuf;
use std::time::Instant;

/// The default place of the real conversations, beside the project.
pub(crate) const CONVERSATIONS: &str =
    "../shared/data/conversations/twitter-customer-care.dev.jsonl";

#[derive(Parser)]
#[command(
    name = "rapport",
    version,
    about = "Rapport: the help desk that makes good service the default"
)]
struct Cli {
    /// Configuration file (TOML); also RAPPORT_CONFIG.
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(flatten)]
    overrides: Overrides,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Default)]
struct Overrides {
    /// Database URL (sqlite:PATH or postgres://...); also RAPPORT_DATABASE_URL.
    #[arg(long, global = true)]
    database_url: Option<String>,
    /// Data directory; also RAPPORT_DATA_DIR.
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// Listen address; also RAPPORT_LISTEN.
    #[arg(long, global = true)]
    listen: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the help desk (prints a one-time setup token while no admin exists).
    Serve,
    /// Seed demo data from real conversations (once), print logins, and serve.
    Demo {
        /// Conversations (JSON lines) to build the demo tickets from.
        #[arg(long, default_value = CONVERSATIONS)]
        conversations: PathBuf,
        /// Seed and print the logins, then exit instead of serving.
        #[arg(long)]
        no_serve: bool,
    },
    /// Fill the database with generated tickets for benchmarks.
    Generate {
        /// How many tickets to add.
        #[arg(long, default_value_t = 100_000)]
        tickets: u64,
        /// Tickets per transaction.
        #[arg(long, default_value_t = 1000)]
        batch: usize,
        /// Random seed.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Chance (percent) that a worked ticket goes on for another round
        /// of customer message and reply, and again after that (33: about
        /// 3 messages a ticket; 0: about 2.1).
        #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=90))]
        follow_up_percent: u64,
        /// Conversations (JSON lines) to build tickets from.
        #[arg(long, default_value = CONVERSATIONS)]
        conversations: PathBuf,
    },
    /// Take in raw e-mail: files, maildir folders, mbox files, or - for stdin.
    Ingest {
        /// Files or folders ("-" reads one message from stdin).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Messages per transaction.
        #[arg(long, default_value_t = 200)]
        batch: usize,
    },
    /// The mail channel: read mailboxes, send queued mail, generate benchmark mail.
    #[command(subcommand)]
    Mail(mail::MailCommand),
    /// Benchmarks that need a database.
    #[command(subcommand)]
    Bench(bench::BenchCommand),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Rebuild the search index from the database into a new directory and
    /// swap it in (a running server keeps searching the old one until then).
    Reindex,
    /// Manage agents from the server's shell.
    #[command(subcommand)]
    Agent(AgentCommand),
    /// Import data from outside: public reviews and mentions.
    #[command(subcommand)]
    Import(feedback::ImportCommand),
    /// Teams from the server's shell: set a team's lead.
    #[command(subcommand)]
    Team(feedback::TeamCommand),
    /// Business calendars: show, import, export, check.
    #[command(subcommand)]
    Calendar(calendar::CalendarCommand),
    /// The durable scheduler: job counts, probe timers and their report.
    #[command(subcommand)]
    Jobs(jobs::JobsCommand),
    /// Response targets: the policies; recompute open tickets' due times.
    #[command(subcommand)]
    Sla(sla::SlaCommand),
    /// Reports from the event log: figures, fairness audit, scorecards, rebuild.
    Report(report::ReportArgs),
    /// Check a draft reply with the reply coach (exit code 1 when a blocking finding remains).
    Coach(coach::CoachArgs),
    /// Train the coach's politeness model and report its cross-validated accuracy.
    TrainPoliteness {
        /// The Stanford Politeness Corpus (Wikipedia) CSV.
        #[arg(
            long,
            default_value = "../shared/data/politeness/wikipedia.annotated.csv"
        )]
        corpus: PathBuf,
        /// Where to write the weights.
        #[arg(long, default_value = "crates/coach/data/politeness.tsv")]
        out: PathBuf,
        /// Folds for cross-validation.
        #[arg(long, default_value_t = 10)]
        folds: usize,
        /// Words in the model's vocabulary.
        #[arg(long, default_value_t = 1500)]
        vocabulary: usize,
        /// Training passes over the corpus.
        #[arg(long, default_value_t = 6)]
        epochs: usize,
    },
    /// Measure the reply coach: precision/recall per check, false alarms on real replies, speed.
    EvalCoach {
        /// The labelled replies (JSON lines).
        #[arg(long, default_value = "crates/coach/eval/replies.jsonl")]
        labelled: PathBuf,
        /// Real conversations whose agent turns should not be blocked.
        #[arg(long, default_value = CONVERSATIONS)]
        conversations: PathBuf,
        /// Print every miss and false alarm.
        #[arg(long)]
        show: bool,
        /// Analyses to time.
        #[arg(long, default_value_t = 5000)]
        iterations: usize,
    },
    /// Print the settings in force, or a sample configuration file.
    Config {
        /// Print the sample file instead.
        #[arg(long)]
        sample: bool,
    },
}

#[derive(Subcommand)]
enum AgentCommand {
    /// Create an agent; the password is read from stdin when --password-stdin is given.
    Create {
        /// Login e-mail.
        #[arg(long)]
        email: String,
        /// Display name.
        #[arg(long)]
        name: String,
        /// agent, lead or admin.
        #[arg(long, default_value = "agent")]
        role: String,
        /// Read the password from the first line of stdin.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List agents.
    List,
    /// Issue an API token for an agent (printed once).
    Token {
        /// The agent's e-mail.
        #[arg(long)]
        email: String,
        /// What the token is for.
        #[arg(long, default_value = "cli")]
        name: String,
        /// inbound_mail (the MTA pipe), metrics, read_only, agent or admin;
        /// default: the full scope of the agent's role.
        #[arg(long)]
        scope: Option<String>,
    },
    /// Set an agent's password from the first line of stdin (revokes their sessions).
    Password {
        /// The agent's e-mail.
        #[arg(long)]
        email: String,
    },
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    let overrides = FileSettings {
        database_url: cli.overrides.database_url.clone(),
        data_dir: cli.overrides.data_dir.clone(),
        listen: cli.overrides.listen.clone(),
        ..Default::default()
    };
    let settings = config::load(cli.config.as_deref(), overrides)?;
    match cli.command {
        Command::Coach(args) => {
            let blocked = coach::run(args, &settings.business)?;
            std::process::exit(i32::from(blocked));
        }
        Command::EvalCoach {
            labelled,
            conversations,
            show,
            iterations,
        } => {
            eval::labelled(&labelled, show)?;
            eval::false_alarms(&conversations, show)?;
            eval::speed(iterations);
            return Ok(());
        }
        Command::TrainPoliteness {
            corpus,
            out,
            folds,
            vocabulary,
            epochs,
        } => {
            return coach::train_politeness(&corpus, &out, folds, vocabulary, epochs);
        }
        _ => {}
    }
    if let Command::Config { sample } = cli.command {
        if sample {
            print!("{}", config::SAMPLE);
        } else {
            println!("{settings:#?}");
        }
        return Ok(());
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(quiet_libraries(&settings.log))
                .context("RAPPORT_LOG / log is not a valid log filter")?,
        )
        .with_writer(std::io::stderr)
        .init();
    // Batch commands do one thing at a time: one runtime thread saves the
    // cross-thread wake-ups that would otherwise follow every database call.
    let one_thread = matches!(cli.command, Command::Ingest { .. } | Command::Bench(_));
    let runtime = if one_thread {
        tokio::runtime::Builder::new_current_thread()
    } else {
        tokio::runtime::Builder::new_multi_thread()
    }
    .enable_all()
    .build()
    .context("cannot start the async runtime")?;
    runtime.block_on(run(cli.command, settings))
}

/// The log filter with the HTML parser's chatter about the customer HTML it
/// repairs ("foster parenting not implemented") kept out of info and warn,
/// unless the filter names html5ever itself.
fn quiet_libraries(filter: &str) -> String {
    if filter.contains("html5ever") {
        filter.to_string()
    } else {
        format!("{filter},html5ever=error")
    }
}

async fn open(settings: &Settings) -> Result<App> {
    Ok(open_with_store(settings).await?.0)
}

/// Opens the help desk and hands back its store too, for the bulk loader
/// of `rapport generate`, which writes around the use cases.
async fn open_with_store(settings: &Settings) -> Result<(App, Store)> {
    if settings.database_url.starts_with("sqlite:") {
        std::fs::create_dir_all(&settings.data_dir).with_context(|| {
            format!(
                "cannot create the data directory {}",
                settings.data_dir.display()
            )
        })?;
    }
    let store = Store::open(&settings.database_url).await.with_context(|| {
        format!(
            "cannot open the database {}",
            rapport_store::redact(&settings.database_url)
        )
    })?;
    let blobs = match &settings.attachments_store {
        Some(location) => rapport_store::Blobs::from_location(location)
            .with_context(|| format!("cannot use the attachment store {location}"))?,
        None => rapport_store::Blobs::filesystem(&settings.attachments_dir).with_context(|| {
            format!(
                "cannot use the attachment folder {}",
                settings.attachments_dir.display()
            )
        })?,
    };
    let app = App::new(
        store.clone(),
        blobs,
        AppConfig {
            public_base_url: settings.public_base_url.clone(),
            mail: settings.mail.clone(),
            security: settings.security.clone(),
            business: settings.business.clone(),
            feedback: settings.feedback.clone(),
            ..AppConfig::default()
        },
    );
    Ok((app, store))
}

/// Real conversations for the generators, or the demo's written ones when
/// the shared corpus is not beside the project.
fn conversations(path: &std::path::Path) -> Result<Vec<Conversation>> {
    if path.exists() {
        return Ok(read_conversations(path)?);
    }
    eprintln!(
        "note: {} not found; using the demo's written conversations",
        path.display()
    );
    Ok(written_conversations()?
        .into_iter()
        .map(Conversation::from)
        .collect())
}

/// The real conversations that enrich the demo, where present.
fn demo_corpus(path: &std::path::Path) -> Result<Vec<Conversation>> {
    if path.exists() {
        Ok(read_conversations(path)?)
    } else {
        eprintln!(
            "note: {} not found; the demo has its own written conversations only",
            path.display()
        );
        Ok(Vec::new())
    }
}

fn read_secret_line() -> Result<String> {
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .context("cannot read stdin")?;
    let line = input.lines().next().unwrap_or("").to_string();
    if line.is_empty() {
        bail!("expected the password on the first line of stdin");
    }
    Ok(line)
}

async fn run(command: Command, settings: Settings) -> Result<()> {
    match command {
        Command::Config { .. }
        | Command::Coach(_)
        | Command::TrainPoliteness { .. }
        | Command::EvalCoach { .. } => Ok(()),
        Command::Migrate => {
            let app = open(&settings).await?;
            app.close().await;
            println!("database is up to date");
            Ok(())
        }
        Command::Serve => serve_command(&settings).await,
        Command::Reindex => reindex_command(&settings).await,
        Command::Demo {
            conversations,
            no_serve,
        } => demo_command(&settings, &conversations, no_serve).await,
        Command::Generate {
            tickets,
            batch,
            seed,
            follow_up_percent,
            conversations,
        } => {
            let options = GenerateOptions {
                tickets,
                batch: batch.max(1),
                seed,
                follow_up_percent,
                ..Default::default()
            };
            generate_command(&settings, &conversations, &options).await
        }
        Command::Ingest { paths, batch } => {
            let app = open(&settings).await?;
            let result = ingest::run(&app, &paths, batch, false).await.map(|_| ());
            app.close().await;
            result
        }
        Command::Mail(command) => {
            let app = open(&settings).await?;
            let result = mail::run(&app, &settings, command).await;
            app.close().await;
            result
        }
        Command::Bench(command) => bench::run(command, &settings).await,
        Command::Agent(agent) => {
            let app = open(&settings).await?;
            let result = agent_command(&app, agent).await;
            app.close().await;
            result
        }
        Command::Import(command) => {
            let app = open(&settings).await?;
            let result = feedback::import(&app, command).await;
            app.close().await;
            result
        }
        Command::Team(command) => {
            let app = open(&settings).await?;
            let result = feedback::team(&app, command).await;
            app.close().await;
            result
        }
        Command::Calendar(command) => {
            let app = open(&settings).await?;
            let result = calendar::run(&app, command).await;
            app.close().await;
            result
        }
        Command::Jobs(command) => {
            let app = open(&settings).await?;
            let result = jobs::run(&app, command).await;
            app.close().await;
            result
        }
        Command::Report(args) => {
            let app = open(&settings).await?;
            let result = report::run(&app, args).await;
            app.close().await;
            result
        }
        Command::Sla(command) => {
            let app = open(&settings).await?;
            let result = sla::run(&app, command).await;
            app.close().await;
            result
        }
    }
}

/// `rapport serve`: prints the one-time setup token while no admin exists.
async fn serve_command(settings: &Settings) -> Result<()> {
    let app = open(settings).await?;
    if let Some(token) = app.issue_setup_token().await? {
        println!("No admin exists yet. Create the first admin with this one-time setup token:");
        println!("  {token}");
        println!(
            "  curl -X POST {}/api/v1/setup -H 'content-type: application/json' \\\n    -d '{{\"setup_token\":\"{token}\",\"email\":\"you@example.com\",\"name\":\"Your Name\",\"password\":\"at-least-10-chars\"}}'",
            settings.public_base_url
        );
        println!(
            "  (or run: rapport agent create --role admin --email ... --name ... --password-stdin)"
        );
    }
    serve(app, settings).await
}

/// `rapport demo`: seeds once, prints fresh logins, serves unless told not to.
async fn demo_command(settings: &Settings, corpus: &std::path::Path, no_serve: bool) -> Result<()> {
    let app = open(settings).await?;
    let started = Instant::now();
    let (logins, agents, teams) = ensure_demo_staff(&app).await?;
    let seeded = seed_demo(&app, &demo_corpus(corpus)?, &agents, &teams).await?;
    if seeded > 0 {
        println!(
            "Seeded {seeded} demo tickets in {:.1} s.",
            started.elapsed().as_secs_f64()
        );
    }
    println!(
        "Rapport demo at {} — log in with one of these (fresh passwords each start):",
        settings.public_base_url
    );
    for l in &logins {
        println!("  {:<6} {:<22} {}", l.role.as_str(), l.email, l.password);
    }
    if let Some(first) = logins.first() {
        println!(
            "  curl -s -X POST {}/api/v1/auth/login -H 'content-type: application/json' -d '{{\"email\":\"{}\",\"password\":\"{}\"}}'",
            settings.public_base_url, first.email, first.password
        );
    }
    println!("  API reference: {}/api/v1/docs", settings.public_base_url);
    if no_serve {
        app.close().await;
        return Ok(());
    }
    serve(app, settings).await
}

/// `rapport generate`: bulk tickets with a progress bar.
async fn generate_command(
    settings: &Settings,
    corpus: &std::path::Path,
    options: &GenerateOptions,
) -> Result<()> {
    let (app, store) = open_with_store(settings).await?;
    let conversations = conversations(corpus)?;
    let bar = indicatif::ProgressBar::new(options.tickets);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} tickets {per_sec} eta {eta}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let started = Instant::now();
    let progress = |n| bar.set_position(n);
    let report = generate(&app, &store, &conversations, options, &progress).await?;
    bar.finish();
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "generated {} tickets, {} messages, {} events, {} customers in {seconds:.1} s ({:.0} tickets/s)",
        report.tickets,
        report.messages,
        report.events,
        report.customers,
        report.tickets as f64 / seconds
    );
    println!(
        "run `rapport reindex` to make them searchable (a server with an empty index builds it when it starts)"
    );
    app.close().await;
    Ok(())
}

async fn agent_command(app: &App, command: AgentCommand) -> Result<()> {
    let by_email = |email: String| async move {
        let email = email.trim().to_lowercase();
        app.operator_agent_by_email(&email)
            .await?
            .with_context(|| format!("no agent with e-mail {email}"))
    };
    match command {
        AgentCommand::Create {
            email,
            name,
            role,
            password_stdin,
        } => {
            let role: Role = role.parse().map_err(anyhow::Error::msg)?;
            let password = if password_stdin {
                Some(read_secret_line()?)
            } else {
                None
            };
            let agent = app
                .create_agent_unchecked(&email, &name, role, password.as_deref())
                .await?;
            println!(
                "created {} {} <{}> (id {})",
                agent.role, agent.name, agent.email, agent.id
            );
        }
        AgentCommand::List => {
            for a in app.operator_agents().await? {
                println!(
                    "{:>5}  {:<6} {:<8} {:<30} {}",
                    a.id,
                    a.role,
                    if a.active { "active" } else { "inactive" },
                    a.email,
                    a.name
                );
            }
        }
        AgentCommand::Token { email, name, scope } => {
            let agent = by_email(email).await?;
            let issued = match scope {
                Some(scope) => {
                    let scope: Scope = scope.parse().map_err(|_| {
                        anyhow::anyhow!(
                            "unknown scope {scope:?} (inbound_mail, metrics, read_only, agent or admin)"
                        )
                    })?;
                    app.issue_token_with_scope(agent.id, &name, scope).await?
                }
                None => app.issue_token_for(agent.id, &name).await?,
            };
            println!("{}", issued.token);
        }
        AgentCommand::Password { email } => {
            let agent = by_email(email).await?;
            app.set_password(agent.id, &read_secret_line()?).await?;
            println!(
                "password set for {}; their sessions were ended",
                agent.email
            );
        }
    }
    Ok(())
}

/// `rapport reindex`: rebuilds the search index with a progress bar.
async fn reindex_command(settings: &Settings) -> Result<()> {
    let app = open(settings).await?;
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} tickets {per_sec} eta {eta}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let started = Instant::now();
    let progress = |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    };
    let report = app
        .rebuild_search(&settings.search_dir(), settings.search_language, &progress)
        .await;
    bar.finish();
    app.close().await;
    let report = report?;
    println!(
        "indexed {} tickets in {:.1} s; index {:.1} MB at {}",
        report.tickets,
        started.elapsed().as_secs_f64(),
        report.bytes as f64 / 1e6,
        settings.search_dir().display()
    );
    Ok(())
}

async fn serve(app: App, settings: &Settings) -> Result<()> {
    // Each server keeps its own index; one whose data directory another
    // server's index holds (tantivy's writer lock) serves without search.
    if let Err(e) = app.enable_search(&settings.search_dir(), settings.search_language) {
        tracing::error!(error = %e, dir = %settings.search_dir().display(), "search is off on this server: give each server its own data directory");
    }
    let listener = tokio::net::TcpListener::bind(&settings.listen)
        .await
        .with_context(|| format!("cannot listen on {}", settings.listen))?;
    tracing::info!(address = %settings.listen, database = %rapport_store::redact(&settings.database_url), "serving");
    println!("Rapport is serving on http://{}", listener.local_addr()?);
    let (stop, mut workers) = mail::start_workers(&app, settings)?;
    workers.push(jobs::start_scheduler(&app, settings, stop.subscribe()));
    workers.push(tokio::spawn(app.clone().run_indexer(stop.subscribe())));
    let served = rapport_web::serve(listener, app.clone(), shutdown_signal()).await;
    let _ = stop.send(true);
    for worker in workers {
        let _ = tokio::time::timeout(std::time::Duration::from_secs(10), worker).await;
    }
    app.close().await;
    served?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
