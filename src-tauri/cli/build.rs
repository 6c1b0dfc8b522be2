//! `strata build DIR`: the project pipeline (prepare → build → verify → tag) from the command line,
//! once or on every change with `--watch` — or, for a project with live-sync rules (compose's
//! `develop.watch`), each edit copied into the running container when the rules say so. The
//! builder's log goes to stderr under a progress bar; the outcome goes to stdout, as a summary or
//! JSON (one object per build or sync).

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use super::{connect, OutputArgs};
use crate::audit::FailOn;
use crate::format::{self, plural};
use crate::problem::{ErrorCode, Failure, Problem};
use crate::progress::Cancel;
use crate::project::pipeline::{PipelineEvent, PipelineOutcome};
use crate::project::session::{
    build_and_record, initial_sync, keep_sync, rebuild_on_change, sync_or_rebuild, EditOutcome, WatchEnd,
};
use crate::project::settings::{BuildRecord, Project, ProjectStore};
use crate::project::steps::{cached_of, BuildStep};
use crate::project::sync::SyncReport;
use crate::project::watch::{watch, Trigger, WatchTiming};
use crate::project::watch_rules::{RulesRead, WatchRules};
use crate::project::{BuildContext, BuildEvent};

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The project folder, or a Dockerfile in it.
    pub path: PathBuf,
    /// Print the project's history (builds and syncs, oldest first) instead of building.
    #[arg(long, conflicts_with = "watch")]
    pub history: bool,
    /// Build again whenever a file the build uses changes (Ctrl+C stops). With watch rules (the
    /// project's compose file's `develop.watch`), edits they sync are copied into the container
    /// named by --sync-into (or --restart) instead.
    #[arg(long)]
    pub watch: bool,
    /// Tag the image `name:tag` (repeatable). Default: the project's tags, for a new project
    /// `<folder>:dev` and `<folder>:<git short sha>`.
    #[arg(long = "tag", short = 't', value_name = "NAME:TAG")]
    pub tags: Vec<String>,
    /// The Dockerfile, relative to the folder.
    #[arg(long, short = 'f', value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// The stage of a multi-stage Dockerfile to build.
    #[arg(long, value_name = "STAGE")]
    pub target: Option<String>,
    /// A build argument (repeatable).
    #[arg(long = "build-arg", value_name = "KEY=VALUE")]
    pub build_args: Vec<String>,
    /// A label to set on the image (repeatable), besides the OCI ones Strata sets.
    #[arg(long = "label", value_name = "KEY=VALUE")]
    pub labels: Vec<String>,
    /// Run this command in a container of the new image; tags move only if it exits 0.
    #[arg(long, value_name = "COMMAND")]
    pub verify: Option<String>,
    /// Push the tags to their registry after a good build (credentials from `docker login`).
    #[arg(long)]
    pub push: bool,
    /// Replace this container with one of the new image after a good build.
    #[arg(long, value_name = "CONTAINER")]
    pub restart: Option<String>,
    /// With --watch and watch rules: copy edits into this running container (default: the one
    /// --restart names).
    #[arg(long, value_name = "CONTAINER")]
    pub sync_into: Option<String>,
    /// The *verify security* stage's policy: `secrets` (any secret fails the build; the
    /// default), a severity (`info` … `critical`), `never` (report only), or `off` (no audit).
    #[arg(long, value_name = "POLICY", value_parser = audit_policy)]
    pub audit_fail_on: Option<AuditPolicy>,
    /// Fail the *verify security* stage when a known vulnerability (from `strata vulns update`'s
    /// database) is at or above this severity: `critical`, `high`, `medium`, `low`, `unknown`.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub vulns_fail_on: Option<crate::vulns::Severity>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `--audit-fail-on`: a policy, or `off` (`None`) for no audit.
#[derive(Debug, Clone, Copy)]
pub struct AuditPolicy(Option<FailOn>);

fn audit_policy(text: &str) -> Result<AuditPolicy, String> {
    match text {
        "off" => Ok(AuditPolicy(None)),
        policy => policy.parse().map(|policy| AuditPolicy(Some(policy))),
    }
}

pub async fn build(endpoint: Option<String>, args: BuildArgs) -> Result<bool, Failure> {
    let store = ProjectStore::user();
    if args.history {
        return print_history(&args, store.as_ref());
    }
    let project = project_for(&args, store.as_ref())?;
    let context = project.context()?;
    let connection = connect(endpoint).await?;
    if !args.watch {
        return Ok(build_once(&connection, &project, &context, None, &args, store.as_ref()).await.is_ok());
    }
    let (rules, read) = WatchRules::read(&project);
    say_rules(&read, &project);
    let timing = if matches!(read, RulesRead::From(_)) { WatchTiming::for_sync() } else { WatchTiming::default() };
    let (_watching, mut events) = watch(context.clone(), timing)?;
    eprintln!("Watching {} (Ctrl+C stops)", context.root().display());
    let _ = build_once(&connection, &project, &context, None, &args, store.as_ref()).await;
    if let (Some(first), _) = rules.current() {
        match initial_sync(&connection.docker, &project, &first).await {
            Ok(reports) => report_syncs(reports, Trigger::of([]), &project, &args, store.as_ref()),
            Err(failure) => eprintln!("strata: the initial sync failed: {failure}"),
        }
    }
    let (connection, project, context, args, store, rules) =
        (&connection, &project, &context, &args, store.as_ref(), &rules);
    let rebuilds = rebuild_on_change(&mut events, |mut trigger| async move {
        let (current, read) = rules.current();
        if let Some(read) = &read {
            eprintln!("{}", read.said_again());
        }
        if let Some(current) = &current {
            match sync_or_rebuild(&connection.docker, project, current, &trigger).await {
                EditOutcome::Synced(reports) => return report_syncs(reports, trigger, project, args, store),
                EditOutcome::Ignored => return eprintln!("\nIgnored by the watch rules: {}", listed(&trigger)),
                EditOutcome::Rebuild(reason) => trigger.reason = Some(reason),
            }
        }
        match &trigger.reason {
            Some(reason) => eprintln!("\nRebuilding: {reason}"),
            None => eprintln!("\n{} changed: {}", plural(trigger.count, "file"), listed(&trigger)),
        }
        let _ = build_once(connection, project, context, Some(trigger), args, store).await;
    });
    let end = tokio::select! {
        end = rebuilds => end,
        _ = tokio::signal::ctrl_c() => return Ok(true),
    };
    let code = match end {
        WatchEnd::Stopped => return Ok(true),
        WatchEnd::Gone { .. } => ErrorCode::NotFound,
        WatchEnd::Failed { .. } => ErrorCode::Internal,
    };
    let reason = end.reason().unwrap_or_default();
    Err(Failure::new(code, reason).with_hint("Watching stopped; start it again."))
}

/// What reading the project's live-sync rules found when watching starts, said on stderr; rules
/// that cannot be used mean every edit rebuilds meanwhile.
fn say_rules(read: &RulesRead, project: &Project) {
    match read {
        RulesRead::From(from) => {
            let into = project.sync_into().unwrap_or("no container yet: pass --sync-into or --restart NAME");
            eprintln!("Live sync: the watch rules of {from}, into {into}");
        }
        RulesRead::None => {}
        RulesRead::Unusable(why) => eprintln!("strata: {why}"),
    }
}

/// Each copy as a line (or a JSON object), kept in the project's history.
fn report_syncs(
    reports: Vec<SyncReport>,
    trigger: Trigger,
    project: &Project,
    args: &BuildArgs,
    store: Option<&ProjectStore>,
) {
    for report in reports {
        if args.output.json {
            println!("{}", serde_json::json!({ "synced": &report, "files": &trigger.paths }));
        } else {
            println!("{}: {}", chrono::Local::now().format("%H:%M:%S"), report.summary);
        }
        if let (_, Some(error)) = keep_sync(report, &trigger, &project.folder, store) {
            eprintln!("note: the history was not saved: {error}");
        }
    }
}

/// The saved project for the folder (or a new one), with the command line's choices on top.
fn project_for(args: &BuildArgs, store: Option<&ProjectStore>) -> Result<Project, Failure> {
    let saved = match store {
        Some(store) => store.find(&args.path).unwrap_or(None),
        None => None,
    };
    let mut project = saved.unwrap_or_else(|| Project::for_path(&args.path));
    if let Some(file) = &args.file {
        project.dockerfile = Some(file.clone());
    }
    if args.target.is_some() {
        project.target = args.target.clone();
    }
    if args.verify.is_some() {
        project.verify = args.verify.clone();
    }
    if let Some(AuditPolicy(policy)) = args.audit_fail_on {
        project.audit_fail_on = policy;
    }
    if args.vulns_fail_on.is_some() {
        project.vulns_fail_on = args.vulns_fail_on;
    }
    if args.restart.is_some() {
        project.restart_container = args.restart.clone();
    }
    if args.sync_into.is_some() {
        project.sync_container = args.sync_into.clone();
    }
    project.build_args.extend(pairs(&args.build_args, "--build-arg")?);
    project.labels.extend(pairs(&args.labels, "--label")?);
    Ok(project)
}

fn pairs(items: &[String], flag: &str) -> Result<Vec<(String, String)>, Failure> {
    items
        .iter()
        .map(|item| {
            item.split_once('=').map(|(k, v)| (k.to_string(), v.to_string())).ok_or_else(|| {
                Failure::new(ErrorCode::InvalidInput, format!("{flag} {item} is not KEY=VALUE"))
                    .with_hint(format!("Write it as {flag} NAME=value."))
            })
        })
        .collect()
}

/// One run of the pipeline, reported and recorded in the project's history.
async fn build_once(
    connection: &crate::engine::Connection,
    project: &Project,
    context: &BuildContext,
    trigger: Option<Trigger>,
    args: &BuildArgs,
    store: Option<&ProjectStore>,
) -> Result<PipelineOutcome, ()> {
    let tags = (!args.tags.is_empty()).then(|| args.tags.clone());
    let publish_with = args.push.then(|| crate::engine::Environment::from_process().docker_config_dir);
    let request = project.pipeline_request(context, tags, publish_with);
    let bar = ProgressBar::new(0)
        .with_style(ProgressStyle::with_template("{spinner} {msg} [{elapsed}]").expect("the template is valid"));
    bar.enable_steady_tick(Duration::from_millis(120));
    let shown = bar.clone();
    let recorded = build_and_record(
        connection,
        &request,
        &Cancel::new(),
        &mut |event| match event {
            PipelineEvent::Stage { name } => shown.set_message(name.to_string()),
            PipelineEvent::Build(BuildEvent::Step { number, total, instruction }) => {
                shown.set_message(format!("step {number}/{total}: {instruction}"));
                shown.suspend(|| eprintln!("Step {number}/{total} : {instruction}"));
            }
            PipelineEvent::Build(BuildEvent::Output { line }) | PipelineEvent::Note { line } => {
                shown.suspend(|| eprintln!("{line}"))
            }
        },
        &project.folder,
        trigger,
        store,
    )
    .await;
    bar.finish_and_clear();
    if let Some(error) = &recorded.not_kept {
        eprintln!("note: the build history was not saved: {error}");
    }
    let (result, record) = (recorded.outcome, recorded.record);
    match result {
        Ok(outcome) => {
            if args.output.json {
                println!("{}", serde_json::to_string(&outcome).expect("outcomes serialize"));
            } else {
                print_outcome(&outcome, &record);
            }
            Ok(outcome)
        }
        Err(error) => {
            eprintln!("strata: {error}. {}", error.hint());
            Err(())
        }
    }
}

fn print_outcome(outcome: &PipelineOutcome, record: &BuildRecord) {
    let id = outcome.build.image_id.trim_start_matches("sha256:");
    let change = match &outcome.previous {
        Some(previous) => format!(" ({})", format::signed_size(outcome.size_bytes as i64 - previous.size_bytes as i64)),
        None => String::new(),
    };
    let slower = match record.seconds_delta {
        Some(delta) => format!(" ({})", format::signed_seconds(delta)),
        None => String::new(),
    };
    println!(
        "Built {} in {:.1} s{slower}: {}{change}, context {} ({})",
        &id[..12.min(id.len())],
        outcome.build.seconds,
        format::size(outcome.size_bytes),
        plural(outcome.build.context.files, "file"),
        format::size(outcome.build.context.bytes),
    );
    print_steps(outcome);
    if let Some(verification) = &outcome.verification {
        println!("Verified in {:.1} s: {}", verification.seconds, verification.command);
    }
    if let Some(audit) = &outcome.audit {
        match audit.findings.iter().filter(|f| !f.allowed).count() {
            0 => println!("Security: nothing found (`strata audit` for the details)"),
            count => println!("Security: passed with {} (`strata audit` lists them)", plural(count, "finding")),
        }
    }
    if !outcome.tags.is_empty() {
        println!("Tagged {}", outcome.tags.join(", "));
    }
    for layer in outcome.layer_changes.iter().filter(|l| l.delta_bytes != 0).take(5) {
        let command: String = layer.command.chars().take(80).collect();
        println!("  {} in layer {}: {command}", format::signed_size(layer.delta_bytes), layer.index);
    }
    for published in &outcome.published {
        println!("Pushed {} ({})", published.reference, published.digest.as_deref().unwrap_or("no digest reported"));
    }
    if let Some((name, id)) = &outcome.restarted {
        println!("Restarted {name} ({})", &id[..12.min(id.len())]);
    }
    if let Some(removed) = &outcome.removed {
        println!("Removed the image it replaced ({})", &removed.trim_start_matches("sha256:")[..12]);
    }
}

/// Where the build's time went: the slowest steps that ran, why the cache missed, and advice.
fn print_steps(outcome: &PipelineOutcome) {
    if outcome.steps.is_empty() {
        return;
    }
    let (cached, counted) = cached_of(&outcome.steps);
    let mut ran: Vec<&BuildStep> = outcome.steps.iter().filter(|s| !s.cached && s.seconds > 0.0).collect();
    ran.sort_by(|a, b| b.seconds.total_cmp(&a.seconds));
    let slowest: Vec<String> = ran
        .iter()
        .take(3)
        .map(|s| format!("{} ({})", format::shortened(&s.label(), 50), format::seconds(s.seconds)))
        .collect();
    let slowest = if slowest.is_empty() { String::new() } else { format!("; slowest: {}", slowest.join(", ")) };
    println!("Steps: {cached} of {counted} from the cache{slowest}");
    if let Some(miss) = &outcome.cache_miss {
        println!("  {}", miss.summary);
    }
    if let Some(hint) = &outcome.hint {
        println!("  Hint: {hint}");
    }
}

/// `strata build --history DIR`: each build or sync, a line (or the records as JSON).
fn print_history(args: &BuildArgs, store: Option<&ProjectStore>) -> Result<bool, Failure> {
    let folder = Project::for_path(&args.path).folder;
    let history = match store {
        Some(store) => store.history(&folder)?,
        None => Vec::new(),
    };
    if args.output.json {
        println!("{}", serde_json::to_string_pretty(&history).expect("records serialize"));
        return Ok(true);
    }
    if history.is_empty() {
        println!("No builds of {} yet.", folder.display());
    }
    for record in &history {
        let when = chrono::DateTime::from_timestamp(record.started, 0)
            .map(|t| t.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M:%S").to_string())
            .unwrap_or_default();
        let what = match (&record.synced, &record.error) {
            (Some(report), _) => report.summary.clone(),
            (None, Some(error)) => format!("failed after {:.1} s: {error}", record.seconds),
            (None, None) => format!("built in {:.1} s: {}", record.seconds, record.tags.join(", ")),
        };
        let why = match &record.trigger {
            Some(Trigger { reason: Some(reason), .. }) => format!(" (rebuilt: {reason})"),
            Some(trigger) if record.synced.is_none() => format!(" ({} changed)", listed(trigger)),
            _ => String::new(),
        };
        let miss = match &record.cache_miss {
            Some(miss) => format!(" — step {} not cached: {}", miss.step, miss.reason),
            None => String::new(),
        };
        println!("{when}  {what}{why}{miss}");
    }
    Ok(true)
}

/// "a, b, c and 12 more"
fn listed(trigger: &Trigger) -> String {
    const SHOWN: usize = 5;
    let mut text = trigger.paths.iter().take(SHOWN).cloned().collect::<Vec<_>>().join(", ");
    if trigger.count > SHOWN {
        text.push_str(&format!(" and {} more", trigger.count - SHOWN));
    }
    text
}
