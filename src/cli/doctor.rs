//! `kubectl ecrcreds doctor [POD]`: for each Pod that cannot pull an image
//! from an ECR registry, the cause and the fix in one line, read from the live
//! cluster (see [`crate::diagnose`]). Needs no controller, writes nothing.

use std::collections::{BTreeSet, HashMap};

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Event, Pod, Secret, ServiceAccount};
use kube::ResourceExt;

use super::{GlobalArgs, OutputFormat, exit};
use crate::diagnose::{self, Around, Finding};
use crate::error::{Error, Result};
use crate::kube_api;
use crate::output;
use crate::reconcile::targets::NamespaceInfo;

/// Arguments of `doctor`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Exit codes:
  0  no Pod in scope is failing to pull an ECR image
  1  the check could not run (the message says why)
  3  at least one Pod cannot pull; each failing container is one line

Examples:
  kubectl ecrcreds doctor -A
  kubectl ecrcreds doctor web-7d9f8c-x2x -n payments
  kubectl ecrcreds doctor -n payments -o json")]
pub struct Args {
    /// One Pod to check (default: every Pod in the namespace).
    #[arg(value_name = "POD")]
    pub pod: Option<String>,
    /// The namespace to look in (default: the kubeconfig context's).
    #[arg(short, long, value_name = "NS", conflicts_with = "all_namespaces")]
    pub namespace: Option<String>,
    /// Look at Pods in every namespace.
    #[arg(short = 'A', long, conflicts_with = "pod")]
    pub all_namespaces: bool,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

/// Runs `doctor`.
pub async fn run(global: &GlobalArgs, args: Args) -> Result<i32> {
    let client = global.client().await?;
    let scope = if args.all_namespaces {
        None
    } else {
        Some(
            args.namespace
                .clone()
                .unwrap_or_else(|| client.default_namespace().to_string()),
        )
    };
    let pods = match (&args.pod, &scope) {
        (Some(name), Some(ns)) => match kube_api::pods::get(&client, ns, name).await? {
            Some(p) => vec![p],
            None => {
                return Err(Error::Invalid(format!(
                    "Pod {name} not found in namespace {ns}; list them with kubectl get pods -n {ns}"
                )));
            }
        },
        _ => kube_api::pods::list(&client, scope.as_deref()).await?,
    };
    // Which Pods fail, from their statuses alone; the kubelet's Events, for
    // what it said, only when some do.
    let failing_pods: Vec<&Pod> = pods
        .iter()
        .filter(|p| !diagnose::failing_pulls(p, &[]).is_empty())
        .collect();
    let events = if failing_pods.is_empty() {
        Vec::new()
    } else {
        kube_api::pods::failed_events(&client, scope.as_deref(), args.pod.as_deref()).await?
    };
    let mut by_pod: HashMap<(String, String), Vec<&Event>> = HashMap::new();
    for e in &events {
        let o = &e.involved_object;
        by_pod
            .entry((
                o.namespace.clone().unwrap_or_default(),
                o.name.clone().unwrap_or_default(),
            ))
            .or_default()
            .push(e);
    }
    let failing: Vec<(&Pod, Vec<diagnose::FailingPull>)> = failing_pods
        .into_iter()
        .map(|p| {
            let key = (p.namespace().unwrap_or_default(), p.name_any());
            // Events of an earlier Pod of the same name (a StatefulSet's) do
            // not speak for this one.
            let evs: Vec<&Event> = by_pod
                .get(&key)
                .into_iter()
                .flatten()
                .copied()
                .filter(|e| {
                    e.involved_object.uid.is_none() || e.involved_object.uid == p.metadata.uid
                })
                .collect();
            (p, diagnose::failing_pulls(p, &evs))
        })
        .collect();

    let findings = if failing.is_empty() {
        Vec::new()
    } else {
        diagnose_all(&client, &failing, scope.as_deref()).await?
    };

    let text = match args.output {
        OutputFormat::Json | OutputFormat::Yaml => output::structured(&findings, args.output),
        OutputFormat::Name => findings
            .iter()
            .map(|f| match &scope {
                Some(_) => format!("pod/{}\n", f.pod),
                None => format!("{}/pod/{}\n", f.namespace, f.pod),
            })
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
        OutputFormat::Table | OutputFormat::Wide => render(&findings, scope.is_none()),
    };
    output::print(&text)?;
    if findings.is_empty() && matches!(args.output, OutputFormat::Table | OutputFormat::Wide) {
        let place = match (&args.pod, &scope) {
            (Some(p), Some(ns)) => format!("Pod {ns}/{p} is not"),
            (_, Some(ns)) => format!("no Pod in namespace {ns} is"),
            _ => "no Pod is".into(),
        };
        eprintln!("{place} failing to pull an image from an ECR registry");
    }
    Ok(if findings.is_empty() {
        exit::OK
    } else {
        exit::PARTIAL
    })
}

/// Reads what the failing Pods' pulls depend on, once each, and diagnoses
/// every failing container. Within one namespace (`scope`), only that
/// namespace is read, so a namespace-scoped user can run it.
async fn diagnose_all(
    client: &kube::Client,
    failing: &[(&Pod, Vec<diagnose::FailingPull>)],
    scope: Option<&str>,
) -> Result<Vec<Finding>> {
    // Without the CRD there is no resource: that is a finding, not an error.
    let (resources, crd_installed) = match kube_api::resources::list(client, None).await {
        Ok(r) => (r, true),
        Err(Error::CrdMissing) => (Vec::new(), false),
        Err(e) => return Err(e),
    };
    let cluster: Vec<NamespaceInfo> = match scope {
        Some(ns) => kube_api::namespaces::get(client, ns)
            .await?
            .map(NamespaceInfo::from_meta)
            .into_iter()
            .collect(),
        None => {
            kube_api::namespaces::list(client, NamespaceInfo::from_meta)
                .await?
                .0
        }
    };
    let namespaces: HashMap<&str, &NamespaceInfo> =
        cluster.iter().map(|n| (n.name.as_str(), n)).collect();
    // Secrets by namespace, then by name: one read (or one list across
    // namespaces) per distinct secretName.
    let mut secrets: HashMap<String, HashMap<String, Secret>> = HashMap::new();
    let names: BTreeSet<&str> = resources
        .iter()
        .map(|r| r.spec.secret_name.as_str())
        .collect();
    for name in names {
        let found = match scope {
            Some(ns) => kube_api::secrets::get(client, ns, name, "pull")
                .await?
                .map(|s| (ns.to_string(), s))
                .into_iter()
                .collect(),
            None => kube_api::secrets::named(client, name).await?,
        };
        for (ns, s) in found {
            secrets.entry(ns).or_default().insert(name.to_string(), s);
        }
    }
    let mut accounts: HashMap<(String, String), Option<ServiceAccount>> = HashMap::new();
    let none = HashMap::new();
    let now = Timestamp::now();
    let mut findings = Vec::new();
    for (pod, pulls) in failing {
        let ns = pod.namespace().unwrap_or_default();
        let account = pod
            .spec
            .as_ref()
            .and_then(|s| s.service_account_name.clone())
            .unwrap_or_else(|| "default".into());
        let key = (ns.clone(), account);
        if !accounts.contains_key(&key) {
            let sa = kube_api::service_accounts::get(client, &key.0, &key.1).await?;
            accounts.insert(key.clone(), sa);
        }
        let fallback = NamespaceInfo {
            name: ns.clone(),
            labels: Default::default(),
            terminating: false,
        };
        let around = Around {
            resources: &resources,
            namespace: namespaces.get(ns.as_str()).copied().unwrap_or(&fallback),
            secrets: secrets.get(&ns).unwrap_or(&none),
            service_account: accounts[&key].as_ref(),
            crd_installed,
            now,
        };
        findings.extend(pulls.iter().map(|p| diagnose::diagnose(pod, p, &around)));
    }
    findings.sort_by(|a, b| {
        (&a.namespace, &a.pod, &a.container).cmp(&(&b.namespace, &b.pod, &b.container))
    });
    Ok(findings)
}

fn render(findings: &[Finding], all_namespaces: bool) -> String {
    if findings.is_empty() {
        return String::new();
    }
    let mut headers = vec!["pod", "container", "cause", "problem and fix"];
    if all_namespaces {
        headers.insert(0, "namespace");
    }
    let mut t = output::table(&headers);
    for f in findings {
        let cause = serde_json::to_value(f.cause).expect("enum serializes");
        let mut row = vec![
            f.pod.clone(),
            f.container.clone(),
            cause.as_str().unwrap_or_default().to_string(),
            f.message.clone(),
        ];
        if all_namespaces {
            row.insert(0, f.namespace.clone());
        }
        t.add_row(row);
    }
    output::lines(&t)
}
