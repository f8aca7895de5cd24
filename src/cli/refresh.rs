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
        let report = reconcile::reconcile(&ctx, obj, Mode::Refresh, Duration::ZERO).await?;
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
