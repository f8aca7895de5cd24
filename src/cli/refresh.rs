//! `kubectl ecrcreds refresh`: runs the reconcile once, from where the user
//! stands, with the local AWS credentials (or each resource's own), and
//! prints one row per namespace. A resource that failed as a whole is told
//! once, as an `error:` line on stderr, not again in the table.

use std::time::Duration;

use kube::ResourceExt;

use super::{GlobalArgs, OutputFormat, exit};
use crate::error::Result;
use crate::kube_api;
use crate::output;
use crate::reconcile::{self, Lifecycle, Pass, Progress, Report, SecretAccess};

/// Arguments of `refresh`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Exit codes: 0 all namespaces refreshed, 1 failed, 2 usage error, 3 some namespaces failed.

Examples:
  kubectl ecrcreds refresh team-a
  kubectl ecrcreds refresh --all -o json
  kubectl ecrcreds refresh --all -l team=payments
  kubectl ecrcreds refresh --all --context prod-eu,prod-us
  kubectl ecrcreds refresh --all --all-contexts -o json")]
pub struct Args {
    /// ECRPullSecret resources to refresh.
    #[arg(
        value_name = "NAME",
        required_unless_present = "all",
        conflicts_with = "all"
    )]
    pub names: Vec<String>,
    /// Refresh every ECRPullSecret on the cluster.
    #[arg(long)]
    pub all: bool,
    /// With --all: only the resources matching this label selector.
    #[arg(short = 'l', long, value_name = "SELECTOR", requires = "all")]
    pub selector: Option<String>,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
    /// read (the default): find our Secrets by label across the cluster. named: read only
    /// Secrets of the names our resources use (as the controller's default; what the Helm
    /// chart's CronJob mode grants).
    #[arg(long, value_enum, default_value = "read", value_name = "MODE")]
    pub secret_access: SecretAccess,
    /// Keep the cleanup finalizer as the controller does: add it to resources with
    /// deletionPolicy Delete, and finish the deletion of those being deleted (their Secrets
    /// and ServiceAccount entries removed). For running without a controller (the Helm
    /// chart's CronJob mode); without it, resources being deleted are skipped.
    #[arg(long)]
    pub finalizers: bool,
    /// Every context in the kubeconfig, at once (see --context for a few).
    #[arg(long)]
    pub all_contexts: bool,
    /// How many namespaces to write at once.
    #[arg(long, default_value_t = 32, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=512))]
    pub concurrency: u16,
}

/// Runs `refresh`: on one cluster, or on several at once with one table (a
/// CONTEXT column first) and one exit code over all of them.
pub async fn run(global: &GlobalArgs, args: Args) -> Result<i32> {
    let Some(contexts) = global.several_contexts(args.all_contexts)? else {
        let reports = refresh(global, &args, None).await?;
        output::print(&render(&reports, args.output))?;
        return Ok(exit_code(&reports));
    };
    super::refuse_names_of_several(args.output)?;
    let results = futures::future::join_all(contexts.iter().map(|c| {
        let args = &args;
        async move {
            (
                c.clone(),
                refresh(&global.with_context(c), args, Some(c)).await,
            )
        }
    }))
    .await;
    let mut codes = Vec::new();
    let mut entries = Vec::new();
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (context, result) in results {
        match result {
            Ok(reports) => {
                codes.push(exit_code(&reports));
                let wide = args.output == OutputFormat::Wide;
                for row in table_rows(&reports, wide) {
                    rows.push(std::iter::once(context.clone()).chain(row).collect());
                }
                entries.push(serde_json::json!({"context": context, "items": reports}));
            }
            Err(e) => {
                eprintln!("error: context {context}: {e}");
                codes.push(exit::FAILED);
                entries.push(serde_json::json!({"context": context, "error": e.to_string()}));
            }
        }
    }
    let text = match args.output {
        // (-o name was refused above.)
        OutputFormat::Json | OutputFormat::Yaml | OutputFormat::Name => {
            output::structured(&entries, args.output)
        }
        OutputFormat::Table | OutputFormat::Wide if rows.is_empty() => String::new(),
        OutputFormat::Table | OutputFormat::Wide => {
            super::context_table(&headers_for(args.output == OutputFormat::Wide), rows)
        }
    };
    output::print(&text)?;
    Ok(super::worst_exit(codes))
}

/// The exit code of one cluster's reports.
fn exit_code(reports: &[Report]) -> i32 {
    if reports.iter().any(|r| r.error.is_some()) {
        exit::FAILED
    } else if reports.iter().all(Report::succeeded) {
        exit::OK
    } else {
        exit::PARTIAL
    }
}

/// Refreshes the resources `args` names on the cluster of `global`, telling
/// each failed resource once on stderr (prefixed with `context`, when several
/// clusters run at once, which also turns off the progress line).
async fn refresh(global: &GlobalArgs, args: &Args, context: Option<&str>) -> Result<Vec<Report>> {
    let runner = global
        .runner(args.concurrency.into(), None, args.secret_access)
        .await?;
    let client = &runner.client;
    let resources = if args.all {
        kube_api::resources::list(client, args.selector.as_deref()).await?
    } else {
        let mut out = Vec::new();
        for name in &args.names {
            out.push(kube_api::resources::get(client, name).await?);
        }
        out
    };
    let prefix = context
        .map(|c| format!("context {c}: "))
        .unwrap_or_default();
    if resources.is_empty() {
        eprintln!("{prefix}No ECRPullSecret resources found.");
    }
    let progress = Progress::default();
    let mut reports: Vec<Report> = Vec::new();
    for obj in &resources {
        let name = obj.name_any();
        if args.finalizers {
            match reconcile::upkeep(&runner, obj).await {
                Ok(Lifecycle::Live) => {}
                Ok(Lifecycle::Deleted(done)) => {
                    eprintln!(
                        "{prefix}ECRPullSecret {name} is being deleted: {} of its objects removed, then its finalizer",
                        done.len()
                    );
                    continue;
                }
                Err(e) => {
                    eprintln!("error: {prefix}ECRPullSecret {name}: {e}");
                    reports.push(Report::stopped(obj, "FinalizerFailed", e.to_string()));
                    continue;
                }
            }
        } else if obj.metadata.deletion_timestamp.is_some() {
            eprintln!(
                "{prefix}ECRPullSecret {name} is being deleted; skipped (its cleanup is the controller's, or `refresh --finalizers`)"
            );
            continue;
        }
        tracing::info!(resource = %name, context, "refreshing");
        let pass = reconcile::reconcile(
            &runner,
            obj,
            Pass {
                progress: Some(&progress),
                ..Pass::once()
            },
        );
        let report = if context.is_some() {
            pass.await?.report
        } else {
            with_progress(&progress, &name, pass).await?.report
        };
        if let Some(err) = &report.error {
            eprintln!("error: {prefix}ECRPullSecret {name}: {err}");
        }
        if let (true, Some(at)) = (report.expiry_in_past, report.expires_at) {
            eprintln!(
                "warning: {prefix}ECRPullSecret {name}: the token's reported expiry ({at}) is already past (clock skew?), so refreshInterval sets the next refresh"
            );
        }
        reports.push(report);
    }
    Ok(reports)
}

/// The results as `-o` asks. The table has a row per namespace, and one for a
/// suspended resource; a resource that stopped has none (its `error:` line
/// says why), and a table with no rows is not printed.
pub fn render(reports: &[Report], format: OutputFormat) -> String {
    match format {
        OutputFormat::Json | OutputFormat::Yaml => output::structured(reports, format),
        OutputFormat::Name => reports
            .iter()
            .map(|r| output::resource_name(&r.resource))
            .collect(),
        OutputFormat::Table | OutputFormat::Wide => {
            let wide = format == OutputFormat::Wide;
            let rows = table_rows(reports, wide);
            if rows.is_empty() {
                return String::new();
            }
            let mut t = output::table(&headers_for(wide));
            t.add_rows(rows);
            output::lines(&t)
        }
    }
}

/// The table's headers.
fn headers_for(wide: bool) -> Vec<&'static str> {
    let mut headers = vec![
        "resource",
        "namespace",
        "secret",
        "result",
        "serviceaccounts",
    ];
    if wide {
        headers.push("patched");
    }
    headers.push("message");
    headers
}

/// A row per namespace, and one for a suspended resource; none for a
/// resource that stopped (its `error:` line says why).
fn table_rows(reports: &[Report], wide: bool) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = Vec::new();
    for r in reports {
        if r.suspended {
            let mut row = vec![
                r.resource.clone(),
                "-".into(),
                r.secret_name.clone(),
                "suspended".into(),
                "-".into(),
            ];
            if wide {
                row.push("-".into());
            }
            row.push("spec.suspend is true; nothing done".into());
            rows.push(row);
        }
        for n in &r.namespaces {
            let mut row = vec![
                r.resource.clone(),
                n.namespace.clone(),
                r.secret_name.clone(),
                n.secret.to_string(),
                output::list_or_dash(&n.service_accounts),
            ];
            if wide {
                row.push(output::list_or_dash(&n.patched));
            }
            row.push(n.error.clone().unwrap_or_default());
            rows.push(row);
        }
    }
    rows
}

/// Fan-outs at least this large show progress on stderr.
const PROGRESS_FROM: usize = 50;

/// Runs `pass`, showing how many namespaces are done: a line redrawn in place
/// on a terminal, a plain line every few seconds otherwise.
async fn with_progress<F: std::future::Future>(
    progress: &Progress,
    name: &str,
    pass: F,
) -> F::Output {
    use std::io::{IsTerminal, Write};
    let tty = std::io::stderr().is_terminal();
    let every = if tty {
        Duration::from_millis(100)
    } else {
        Duration::from_secs(2)
    };
    tokio::pin!(pass);
    let mut ticker = tokio::time::interval(every);
    ticker.tick().await;
    let mut shown = false;
    loop {
        tokio::select! {
            out = &mut pass => {
                if shown && tty {
                    eprint!("\r\x1b[2K");
                }
                return out;
            }
            _ = ticker.tick() => {
                let (done, total) = progress.get();
                if total < PROGRESS_FROM {
                    continue;
                }
                shown = true;
                if tty {
                    eprint!("\r\x1b[2K{name}: {done}/{total} namespaces");
                    let _ = std::io::stderr().flush();
                } else {
                    eprintln!("{name}: {done}/{total} namespaces");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reconcile::{NamespaceReport, SecretResult};

    fn report(name: &str) -> Report {
        Report {
            resource: name.into(),
            secret_name: "ecr".into(),
            namespaces: Vec::new(),
            error: None,
            reason: None,
            suspended: false,
            expires_at: None,
            next_refresh: None,
            expiry_in_past: false,
            writes: 0,
        }
    }

    #[test]
    fn the_table_has_a_row_per_namespace_and_none_for_a_resource_that_stopped() {
        let mut ok = report("ok");
        ok.namespaces.push(NamespaceReport {
            namespace: "a".into(),
            secret: SecretResult::Created,
            service_accounts: vec!["default".into()],
            patched: vec!["default".into()],
            error: None,
        });
        let mut stopped = report("stopped");
        stopped.error = Some("could not reach ECR".into());
        let mut paused = report("paused");
        paused.suspended = true;
        let text = render(&[ok, stopped.clone(), paused], OutputFormat::Wide);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(lines[0].starts_with("RESOURCE  NAMESPACE  SECRET  RESULT"));
        let cells: Vec<&str> = lines[1].split_whitespace().collect();
        assert_eq!(
            cells,
            vec!["ok", "a", "ecr", "created", "default", "default"]
        );
        assert!(lines[2].contains("suspended") && lines[2].contains("nothing done"));
        assert!(
            !text.contains("could not reach ECR"),
            "told once, on stderr"
        );
        assert_eq!(render(&[stopped], OutputFormat::Table), "");
    }
}
