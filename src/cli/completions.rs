//! Shell completion: `kubectl ecrcreds completions SHELL` prints a script for
//! the `kubectl-ecrcreds` binary, and the hidden `__complete` answers kubectl's
//! plugin completion (through `completions/kubectl_complete-ecrcreds`), so
//! `kubectl ecrcreds <TAB>` completes subcommands, flags and resource names.

use std::io::Write;

use clap::CommandFactory;
use clap_complete::Shell;
use kube::ResourceExt;

use super::{Cli, GlobalArgs, exit};
use crate::error::Result;
use crate::kube_api;

/// Arguments of `completions`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  source <(kubectl ecrcreds completions bash)
  kubectl ecrcreds completions zsh > \"${fpath[1]}/_kubectl-ecrcreds\"
For `kubectl ecrcreds <TAB>`, put completions/kubectl_complete-ecrcreds on PATH.")]
pub struct Args {
    /// The shell.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Prints the completion script for `shell`.
pub fn run(args: Args) -> Result<i32> {
    let mut out = Vec::new();
    clap_complete::generate(
        args.shell,
        &mut Cli::command(),
        "kubectl-ecrcreds",
        &mut out,
    );
    let _ = std::io::stdout().lock().write_all(&out);
    Ok(exit::OK)
}

/// Cobra's "do not complete file names" directive.
const NO_FILE_COMP: u8 = 4;

/// Answers `kubectl_complete-ecrcreds ARGS... PARTIAL`: one candidate per line,
/// then `:<directive>`, as kubectl's plugin completion expects.
pub async fn complete(words: Vec<String>) -> Result<i32> {
    let (partial, args) = match words.split_last() {
        Some((p, rest)) => (p.clone(), rest.to_vec()),
        None => (String::new(), Vec::new()),
    };
    let candidates = candidates(&args, &partial).await;
    let mut out = String::new();
    for c in candidates.iter().filter(|c| c.starts_with(&partial)) {
        out.push_str(c);
        out.push('\n');
    }
    out.push_str(&format!(":{NO_FILE_COMP}\n"));
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    Ok(exit::OK)
}

async fn candidates(args: &[String], partial: &str) -> Vec<String> {
    let root = Cli::command();
    let sub_name = args.iter().find(|a| !a.starts_with('-')).cloned();
    let sub = sub_name
        .as_deref()
        .and_then(|n| root.get_subcommands().find(|s| s.get_name() == n));

    // The value of the flag just before the cursor.
    if let Some(prev) = args
        .last()
        .filter(|a| a.starts_with('-') && !a.contains('='))
    {
        let flag = prev.trim_start_matches('-');
        match flag {
            "o" | "output" => {
                return ["table", "wide", "json", "yaml", "name"]
                    .map(String::from)
                    .to_vec();
            }
            "context" => return contexts(),
            "namespaces" => return namespaces(args).await,
            _ => {}
        }
    }
    let Some(sub) = sub else {
        if partial.starts_with('-') {
            return flags(&root);
        }
        return root
            .get_subcommands()
            .filter(|s| !s.is_hide_set())
            .map(|s| s.get_name().to_string())
            .collect();
    };
    if partial.starts_with('-') {
        let mut f = flags(sub);
        f.extend(flags(&root));
        return f;
    }
    match sub.get_name() {
        "refresh" | "describe" | "cleanup" => resources(args).await,
        "completions" => ["bash", "zsh", "fish", "powershell", "elvish"]
            .map(String::from)
            .to_vec(),
        _ => Vec::new(),
    }
}

fn flags(cmd: &clap::Command) -> Vec<String> {
    cmd.get_arguments()
        .filter(|a| !a.is_hide_set())
        .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
        .collect()
}

/// The cluster flags present on the line being completed.
fn global_from(args: &[String]) -> GlobalArgs {
    let value = |name: &str| {
        args.iter().enumerate().find_map(|(i, a)| {
            a.strip_prefix(&format!("--{name}="))
                .map(String::from)
                .or_else(|| {
                    (a == &format!("--{name}"))
                        .then(|| args.get(i + 1).cloned())
                        .flatten()
                })
        })
    };
    // Only the flags that choose the cluster matter for completing names.
    GlobalArgs {
        kubeconfig: value("kubeconfig").map(Into::into),
        context: value("context").into_iter().collect(),
        ..Default::default()
    }
}

async fn resources(args: &[String]) -> Vec<String> {
    let Ok(client) = global_from(args).client().await else {
        return Vec::new();
    };
    match tokio::time::timeout(
        std::time::Duration::from_secs(5),
        kube_api::resources::names(&client),
    )
    .await
    {
        Ok(Ok(names)) => names,
        _ => Vec::new(),
    }
}

async fn namespaces(args: &[String]) -> Vec<String> {
    let Ok(client) = global_from(args).client().await else {
        return Vec::new();
    };
    match tokio::time::timeout(
        std::time::Duration::from_secs(5),
        kube_api::namespaces::list(&client, |n| n.name_any()),
    )
    .await
    {
        Ok(Ok((names, _))) => names,
        _ => Vec::new(),
    }
}

fn contexts() -> Vec<String> {
    kube::config::Kubeconfig::read()
        .map(|k| k.contexts.into_iter().map(|c| c.name).collect())
        .unwrap_or_default()
}
