//! `kubectl ecrcreds cleanup`: removes the Secrets we manage and only our
//! entries in ServiceAccounts' `imagePullSecrets`, after asking on a terminal;
//! without one, only with `--yes`.

use std::io::IsTerminal;

use super::{GlobalArgs, OutputFormat, exit};
use crate::error::{Error, Result};
use crate::output;
use crate::reconcile::cleanup::{CleanupItem, CleanupScope, execute_cleanup, plan_cleanup};

/// Arguments of `cleanup`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
The resources themselves are not deleted. While a resource exists, a running
controller writes its Secrets again: delete the resource or set suspend: true.

Examples:
  kubectl ecrcreds cleanup team-a --dry-run
  kubectl ecrcreds cleanup --orphans --yes
  kubectl ecrcreds cleanup --all")]
pub struct Args {
    /// Resources whose Secrets to remove (they need not exist any more).
    #[arg(value_name = "NAME", required_unless_present_any = ["all", "orphans"], conflicts_with_all = ["all", "orphans"])]
    pub names: Vec<String>,
    /// Every Secret managed by kubectl-ecrcreds.
    #[arg(long, conflicts_with = "orphans")]
    pub all: bool,
    /// Managed Secrets whose ECRPullSecret no longer exists.
    #[arg(long)]
    pub orphans: bool,
    /// Only list what would be removed.
    #[arg(long, value_name = "MODE", num_args = 0..=1, default_missing_value = "client", value_parser = ["client", "server", "none"], default_value = "none")]
    pub dry_run: String,
    /// Do not ask for confirmation.
    #[arg(short, long)]
    pub yes: bool,
    /// Output format for the list of objects.
    #[arg(short, long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

/// Runs `cleanup`.
pub async fn run(global: &GlobalArgs, args: Args) -> Result<i32> {
    let client = global.client().await?;
    let scope = if args.all {
        CleanupScope::All
    } else if args.orphans {
        CleanupScope::Orphans
    } else {
        CleanupScope::Resources(args.names.clone())
    };
    let plan = plan_cleanup(&client, &scope).await?;
    if plan.is_empty() {
        eprintln!("Nothing to clean up.");
        return Ok(exit::OK);
    }
    if args.dry_run != "none" {
        output::print(&render(&plan, args.output, " (dry run)"))?;
        return Ok(exit::OK);
    }
    let terminal = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    if !args.yes && !terminal {
        // Deleting is not undone: with nobody to ask, do nothing unless told.
        return Err(Error::Invalid(format!(
            "cleanup would remove {} objects and cannot ask for confirmation without a terminal; add --yes to remove them (or --dry-run to list them)",
            plan.len()
        )));
    }
    if !args.yes {
        eprint!("{}", render(&plan, OutputFormat::Table, ""));
        let go = dialoguer::Confirm::new()
            .with_prompt(format!("Remove these {} objects?", plan.len()))
            .default(false)
            .interact()
            .map_err(|e| Error::Invalid(format!("cannot read the answer: {e}")))?;
        if !go {
            eprintln!("Nothing removed.");
            return Ok(exit::OK);
        }
    }
    let done = execute_cleanup(&client, &plan).await?;
    output::print(&render(&done, args.output, ""))?;
    Ok(exit::OK)
}

fn render(items: &[CleanupItem], format: OutputFormat, suffix: &str) -> String {
    match format {
        OutputFormat::Json | OutputFormat::Yaml => output::structured(items, format),
        _ => items
            .iter()
            .map(|i| match &i.entry {
                None => format!("secret/{} deleted from {}{suffix}\n", i.name, i.namespace),
                Some(e) => format!(
                    "serviceaccount/{} in {}: imagePullSecrets entry {e} removed{suffix}\n",
                    i.name, i.namespace
                ),
            })
            .collect(),
    }
}
