//! `kubectl ecrcreds refresh`: runs the reconcile once, from where the user
//! stands, with the local AWS credentials (or each resource's own).

use std::time::Duration;

use kube::api::ListParams;
use kube::{Api, ResourceExt};

use super::{GlobalArgs, OutputFormat, exit};
use crate::crd::ECRPullSecret;
use crate::error::{Error, Result};
use crate::output;
use crate::reconcile::{self, Mode, Report};

/// Arguments of `refresh`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Exit codes: 0 all namespaces refreshed, 1 failed, 2 usage error, 3 some namespaces failed.

Examples:
  kubectl ecrcreds refresh team-a
  kubectl ecrcreds refresh --all -o json")]
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
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
    /// How many namespaces to write at once.
    #[arg(long, default_value_t = 32, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=512))]
    pub concurrency: u16,
}

/// Runs `refresh`.
pub async fn run(global: &GlobalArgs, args: Args) -> Result<i32> {
    let client = global.client().await?;
    let ctx = global
        .context(client.clone(), args.concurrency.into(), None)
        .await?;
    let api: Api<ECRPullSecret> = Api::all(client);

    let resources = if args.all {
        let list = api
            .list(&ListParams::default())
            .await
            .map_err(|e| Error::kube("list ECRPullSecret resources", e))?;
        list.items
    } else {
        let mut out = Vec::new();
        for name in &args.names {
            out.push(get(&api, name).await?);
        }
        out
    };

    let mut reports: Vec<Report> = Vec::new();
    for obj in &resources {
        tracing::info!(resource = %obj.name_any(), "refreshing");
        let pass = reconcile::reconcile(&ctx, obj, Mode::Refresh, Duration::ZERO);
        let report = with_progress(&ctx, &obj.name_any(), pass).await?;
        if let Some(err) = &report.error {
            eprintln!("error: ECRPullSecret {}: {err}", report.resource);
        }
        reports.push(report);
    }
    if resources.is_empty() {
        eprintln!("No ECRPullSecret resources found.");
    }
    output::print(&output::refresh(&reports, args.output))?;

    let code = if reports.iter().any(|r| r.error.is_some()) {
        exit::FAILED
    } else if reports.iter().all(Report::succeeded) {
        exit::OK
    } else {
        exit::PARTIAL
    };
    Ok(code)
}

/// Fan-outs at least this large show progress on stderr.
const PROGRESS_FROM: usize = 50;

/// Runs `pass`, showing how many namespaces are done: a line redrawn in place
/// on a terminal, a plain line every few seconds otherwise.
async fn with_progress<F: std::future::Future>(
    ctx: &reconcile::Context,
    name: &str,
    pass: F,
) -> F::Output {
    use std::io::{IsTerminal, Write};
    use std::sync::atomic::Ordering::Relaxed;
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
                let (done, total) = (ctx.progress.done.load(Relaxed), ctx.progress.total.load(Relaxed));
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

/// Reads one resource; a missing one gets a suggestion of similar names.
pub async fn get(api: &Api<ECRPullSecret>, name: &str) -> Result<ECRPullSecret> {
    match api.get_opt(name).await {
        Ok(Some(obj)) => Ok(obj),
        Ok(None) => {
            let names: Vec<String> = api
                .list_metadata(&ListParams::default())
                .await
                .map(|l| l.items.iter().map(|m| m.name_any()).collect())
                .unwrap_or_default();
            Err(Error::NotFound {
                name: name.to_string(),
                hint: output::suggest(name, &names),
            })
        }
        Err(e) => Err(Error::kube(format!("get ECRPullSecret {name}"), e)),
    }
}
