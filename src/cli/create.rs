//! `kubectl ecrcreds create NAME`: builds an ECRPullSecret from flags, asking
//! on a terminal for what is missing, and creates it (or prints it with
//! `--dry-run`).

use std::collections::BTreeMap;
use std::io::IsTerminal;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, LabelSelectorRequirement};
use kube::ResourceExt;

use super::{GlobalArgs, OutputFormat, exit};
use crate::crd::{
    Credentials, DeletionPolicy, ECRPullSecret, ECRPullSecretSpec, SecretRef, ServiceAccountRef,
    parse_interval,
};
use crate::ecr::Registry;
use crate::error::{Error, Result};
use crate::kube_api;
use crate::output;

/// Arguments of `create`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
On a terminal, missing values are asked for; with --yes, --no-interactive or no
terminal, nothing is asked and missing required values are errors.

Examples:
  kubectl ecrcreds create team-a --secret-name ecr-pull --namespaces default,payments \\
      --registries 111122223333.dkr.ecr.us-east-1.amazonaws.com
  kubectl ecrcreds create team-b --secret-name ecr --namespace-selector ecr-pull=true \\
      --secret-ref ecr-system/aws-creds --role-arn arn:aws:iam::111122223333:role/pull \\
      --dry-run=client -o yaml")]
pub struct Args {
    /// Name of the ECRPullSecret.
    #[arg(value_name = "NAME")]
    pub name: String,
    /// Name of the Secret to write in each namespace.
    #[arg(long, value_name = "NAME")]
    pub secret_name: Option<String>,
    /// Target namespaces (comma-separated or repeated).
    #[arg(long, value_delimiter = ',', value_name = "NS,...")]
    pub namespaces: Vec<String>,
    /// Namespaces whose labels match: k=v, k!=v, k (exists), !k (absent), comma-separated.
    #[arg(long, value_name = "SELECTOR")]
    pub namespace_selector: Option<String>,
    /// ECR registry hosts (comma-separated or repeated).
    #[arg(long, value_delimiter = ',', value_name = "HOST,...")]
    pub registries: Vec<String>,
    /// Secret holding AWS keys, as NAMESPACE/NAME.
    #[arg(long, value_name = "NS/NAME")]
    pub secret_ref: Option<String>,
    /// ServiceAccount whose token is exchanged for --role-arn (or its
    /// eks.amazonaws.com/role-arn annotation) by web identity, as NAMESPACE/NAME.
    #[arg(long, value_name = "NS/NAME", conflicts_with = "secret_ref")]
    pub service_account_ref: Option<String>,
    /// Audience of the --service-account-ref token (default sts.amazonaws.com).
    #[arg(long, value_name = "AUDIENCE", requires = "service_account_ref")]
    pub audience: Option<String>,
    /// IAM role to assume.
    #[arg(long, value_name = "ARN")]
    pub role_arn: Option<String>,
    /// External ID for --role-arn.
    #[arg(
        long,
        value_name = "ID",
        requires = "role_arn",
        conflicts_with = "service_account_ref"
    )]
    pub external_id: Option<String>,
    /// ServiceAccounts to patch (comma-separated; "*" for all; "" for none).
    #[arg(long, value_delimiter = ',', value_name = "SA,...", num_args = 0..)]
    pub service_accounts: Option<Vec<String>>,
    /// Also write each registry's dual-stack host (dkr-ecr.<region>.on.aws).
    #[arg(long)]
    pub dual_stack_aliases: bool,
    /// Refresh interval, between 1m and 11h.
    #[arg(long, value_name = "DURATION")]
    pub refresh_interval: Option<String>,
    /// What deleting the resource does to its Secrets.
    #[arg(long, value_enum, value_name = "POLICY")]
    pub deletion_policy: Option<Policy>,
    /// Create it paused.
    #[arg(long)]
    pub suspend: bool,
    /// Labels for the resource, k=v comma-separated.
    #[arg(short = 'l', long, value_delimiter = ',', value_name = "K=V,...")]
    pub labels: Vec<String>,
    /// Print the resource instead of creating it: client (locally) or server (validated, not persisted).
    #[arg(long, value_name = "MODE", num_args = 0..=1, default_missing_value = "client", value_parser = ["client", "server", "none"], default_value = "none")]
    pub dry_run: String,
    /// Output format of the created (or dry-run) resource.
    #[arg(short, long, value_enum)]
    pub output: Option<OutputFormat>,
    /// Replace an existing resource of that name instead of failing.
    #[arg(long)]
    pub overwrite: bool,
    /// Never prompt.
    #[arg(short = 'y', long, alias = "no-interactive")]
    pub yes: bool,
}

/// `deletionPolicy` values.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Policy {
    /// Leave Secrets when the resource is deleted.
    #[value(name = "Retain", alias = "retain")]
    Retain,
    /// Remove Secrets when the resource is deleted.
    #[value(name = "Delete", alias = "delete")]
    Delete,
}

/// Runs `create`.
pub async fn run(global: &GlobalArgs, mut args: Args) -> Result<i32> {
    let interactive =
        !args.yes && std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let needs_cluster = interactive || args.dry_run != "client";
    let client = if needs_cluster {
        Some(global.client().await?)
    } else {
        None
    };
    if interactive {
        prompt_missing(
            &mut args,
            global,
            client.as_ref().expect("interactive has a client"),
        )
        .await?;
    }
    let obj = build(&args)?;

    let format = args.output;
    if args.dry_run == "client" {
        output::print(&render(&obj, format.unwrap_or(OutputFormat::Yaml)))?;
        return Ok(exit::OK);
    }
    let client = client.expect("server modes have a client");
    let name = obj.name_any();
    let dry = args.dry_run == "server";
    let created = kube_api::resources::create(&client, &obj, args.overwrite, dry).await?;
    match format {
        Some(f @ (OutputFormat::Json | OutputFormat::Yaml | OutputFormat::Name)) => {
            output::print(&render(&created, f))?
        }
        _ => {
            let verb = if args.overwrite {
                "configured"
            } else {
                "created"
            };
            let dry = if dry { " (server dry run)" } else { "" };
            output::print(&format!("ecrpullsecret.alchemy.com/{name} {verb}{dry}\n"))?
        }
    }
    Ok(exit::OK)
}

fn render(obj: &ECRPullSecret, format: OutputFormat) -> String {
    match format {
        OutputFormat::Name => output::resource_name(&obj.name_any()),
        OutputFormat::Json => output::structured(obj, OutputFormat::Json),
        _ => output::structured(obj, OutputFormat::Yaml),
    }
}

/// Builds and checks the resource; every error names the flag.
pub fn build(args: &Args) -> Result<ECRPullSecret> {
    let invalid = |s: String| Error::Invalid(s);
    if !is_subdomain(&args.name) {
        return Err(invalid(format!(
            "invalid name {:?}: use lower-case letters, digits, '-' and '.', starting and ending with a letter or digit",
            args.name
        )));
    }
    let secret_name = args.secret_name.clone().ok_or_else(|| {
        invalid("missing --secret-name: name the Secret to write in each namespace".into())
    })?;
    if !is_subdomain(&secret_name) {
        return Err(invalid(format!(
            "invalid --secret-name {secret_name:?}: use lower-case letters, digits, '-' and '.'"
        )));
    }
    for ns in &args.namespaces {
        if !is_label(ns) {
            return Err(invalid(format!(
                "invalid namespace name {ns:?} in --namespaces: use at most 63 lower-case letters, digits and '-'"
            )));
        }
    }
    let selector = args
        .namespace_selector
        .as_deref()
        .map(parse_selector)
        .transpose()
        .map_err(invalid)?;
    if args.namespaces.is_empty() && selector.is_none() {
        return Err(invalid(
            "no target namespaces: pass --namespaces, --namespace-selector or both".into(),
        ));
    }
    // Written as parsed: `https://public.ecr.aws/` is `public.ecr.aws`, the
    // form the schema takes.
    let registries = args
        .registries
        .iter()
        .map(|r| {
            Registry::parse(r)
                .map(|r| r.host)
                .map_err(|e| invalid(format!("in --registries: {e}")))
        })
        .collect::<Result<Vec<_>>>()?;
    if let Some(i) = &args.refresh_interval {
        parse_interval(i).map_err(|e| invalid(format!("--refresh-interval: {e}")))?;
    }
    let secret_ref = args
        .secret_ref
        .as_deref()
        .map(|s| match s.split_once('/') {
            Some((ns, name)) if is_label(ns) && is_subdomain(name) => Ok(SecretRef {
                namespace: ns.into(),
                name: name.into(),
            }),
            _ => Err(invalid(format!(
                "invalid --secret-ref {s:?}: use NAMESPACE/NAME"
            ))),
        })
        .transpose()?;
    let service_account_ref = args
        .service_account_ref
        .as_deref()
        .map(|s| match s.split_once('/') {
            Some((ns, name)) if is_label(ns) && is_subdomain(name) => Ok(ServiceAccountRef {
                namespace: ns.into(),
                name: name.into(),
                audience: args.audience.clone(),
            }),
            _ => Err(invalid(format!(
                "invalid --service-account-ref {s:?}: use NAMESPACE/NAME"
            ))),
        })
        .transpose()?;
    let credentials = (secret_ref.is_some()
        || service_account_ref.is_some()
        || args.role_arn.is_some())
    .then(|| Credentials {
        secret_ref,
        service_account_ref,
        role_arn: args.role_arn.clone(),
        external_id: args.external_id.clone(),
    });
    let mut labels = BTreeMap::new();
    for l in &args.labels {
        let (k, v) = l
            .split_once('=')
            .ok_or_else(|| invalid(format!("invalid label {l:?} in --labels: use key=value")))?;
        labels.insert(k.to_string(), v.to_string());
    }
    let spec = ECRPullSecretSpec {
        secret_name,
        namespaces: (!args.namespaces.is_empty()).then(|| args.namespaces.clone()),
        namespace_selector: selector,
        registries: (!registries.is_empty()).then_some(registries),
        dual_stack_aliases: args.dual_stack_aliases.then_some(true),
        credentials,
        service_accounts: args
            .service_accounts
            .clone()
            .map(|v| v.into_iter().filter(|s| !s.is_empty()).collect()),
        refresh_interval: args.refresh_interval.clone(),
        deletion_policy: args.deletion_policy.map(|p| match p {
            Policy::Retain => DeletionPolicy::Retain,
            Policy::Delete => DeletionPolicy::Delete,
        }),
        suspend: args.suspend.then_some(true),
    };
    let mut obj = ECRPullSecret::new(&args.name, spec);
    if !labels.is_empty() {
        obj.metadata.labels = Some(labels);
    }
    Ok(obj)
}

/// Parses `k=v,k!=v,k,!k` into a label selector.
pub fn parse_selector(s: &str) -> std::result::Result<LabelSelector, String> {
    let mut labels = BTreeMap::new();
    let mut exprs = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let req = |key: &str, op: &str, values: Option<Vec<String>>| LabelSelectorRequirement {
            key: key.to_string(),
            operator: op.to_string(),
            values,
        };
        if let Some((k, v)) = part.split_once("!=") {
            exprs.push(req(k.trim(), "NotIn", Some(vec![v.trim().to_string()])));
        } else if let Some((k, v)) = part.split_once('=') {
            labels.insert(
                k.trim().trim_end_matches('=').to_string(),
                v.trim().to_string(),
            );
        } else if let Some(k) = part.strip_prefix('!') {
            exprs.push(req(k.trim(), "DoesNotExist", None));
        } else {
            exprs.push(req(part, "Exists", None));
        }
    }
    if labels.is_empty() && exprs.is_empty() {
        return Err(format!(
            "invalid --namespace-selector {s:?}: use key=value, key!=value, key or !key, comma-separated"
        ));
    }
    Ok(LabelSelector {
        match_labels: (!labels.is_empty()).then_some(labels),
        match_expressions: (!exprs.is_empty()).then_some(exprs),
    })
}

fn is_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

fn is_subdomain(s: &str) -> bool {
    !s.is_empty() && s.len() <= 253 && s.split('.').all(is_label)
}

/// Asks for what the flags left out, with choices read from the cluster.
async fn prompt_missing(args: &mut Args, global: &GlobalArgs, client: &kube::Client) -> Result<()> {
    use dialoguer::{Input, MultiSelect, Select};
    let io = |e: dialoguer::Error| Error::Invalid(format!("cannot read the answer: {e}"));
    if args.secret_name.is_none() {
        let name: String = Input::new()
            .with_prompt("Secret name to write in each namespace")
            .default("ecr-pull".into())
            .validate_with(|s: &String| {
                if is_subdomain(s) {
                    Ok(())
                } else {
                    Err("use lower-case letters, digits, '-' and '.'")
                }
            })
            .interact_text()
            .map_err(io)?;
        args.secret_name = Some(name);
    }
    if args.namespaces.is_empty() && args.namespace_selector.is_none() {
        let (names, _) = kube_api::namespaces::list(client, |n| {
            (n.metadata.deletion_timestamp.is_none()).then(|| n.name_any())
        })
        .await?;
        let mut names: Vec<String> = names.into_iter().flatten().collect();
        names.sort();
        let picked = MultiSelect::new()
            .with_prompt("Target namespaces (space to select, enter to confirm)")
            .items(&names)
            .interact()
            .map_err(io)?;
        args.namespaces = picked.into_iter().map(|i| names[i].clone()).collect();
    }
    if args.registries.is_empty() && global.registry.is_none() {
        let hosts: String = Input::new()
            .with_prompt("ECR registry hosts (comma-separated)")
            .validate_with(|s: &String| {
                s.split(',')
                    .map(str::trim)
                    .filter(|h| !h.is_empty())
                    .try_for_each(|h| Registry::parse(h).map(|_| ()))
            })
            .interact_text()
            .map_err(io)?;
        args.registries = hosts
            .split(',')
            .map(|h| h.trim().to_string())
            .filter(|h| !h.is_empty())
            .collect();
    }
    if args.secret_ref.is_none() && args.role_arn.is_none() {
        // Offer Secrets that hold AWS keys; listing may be forbidden, which
        // just means no choice beyond the default chain.
        let mut choices = vec!["(none: the runner's AWS default chain)".to_string()];
        if let Ok(list) = kube_api::secrets::all(client).await {
            let mut found: Vec<String> = list
                .iter()
                .filter(|s| {
                    s.data
                        .as_ref()
                        .is_some_and(|d| d.contains_key("AWS_ACCESS_KEY_ID"))
                })
                .map(|s| format!("{}/{}", s.namespace().unwrap_or_default(), s.name_any()))
                .collect();
            found.sort();
            choices.extend(found);
        }
        if choices.len() > 1 {
            let i = Select::new()
                .with_prompt("AWS credentials")
                .items(&choices)
                .default(0)
                .interact()
                .map_err(io)?;
            if i > 0 {
                args.secret_ref = Some(choices[i].clone());
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_parse_into_labels_and_expressions() {
        let s = parse_selector("team=a, tier!=legacy, pull, !skip").unwrap();
        assert_eq!(s.match_labels.unwrap()["team"], "a");
        let ops: Vec<_> = s
            .match_expressions
            .unwrap()
            .into_iter()
            .map(|e| e.operator)
            .collect();
        assert_eq!(ops, vec!["NotIn", "Exists", "DoesNotExist"]);
        assert!(parse_selector(" , ").is_err());
    }

    #[test]
    fn dns_names_are_checked_like_the_api_server() {
        assert!(is_subdomain("ecr-pull.v2"));
        assert!(!is_subdomain("Bad_Name"));
        assert!(is_label("payments"));
        assert!(!is_label("-x"));
        assert!(!is_label(&"a".repeat(64)));
    }
}
