//! `kubectl ecrcreds verify [NAME…|--all]`: asks every registry in each
//! resource's Secrets whether it takes the token there (see
//! [`crate::verify`]), once per distinct token and host, and says accepted,
//! rejected or unreachable.

use std::collections::{BTreeSet, HashMap};

use futures::StreamExt;
use kube::ResourceExt;
use serde::Serialize;

use super::{GlobalArgs, OutputFormat, exit};
use crate::error::{Error, Result};
use crate::kube_api;
use crate::output;
use crate::verify::{Copy, Prober, Verdict, distinct_copies, parse_connect_to};

/// How many registries are asked at once.
const PARALLEL: usize = 8;

/// Arguments of `verify`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Exit codes:
  0  every registry accepted its token
  1  the check could not run (the message says why)
  3  at least one registry rejected its token, could not be reached or
     answered otherwise, or a resource has no Secret yet

Trust: the system's CA certificates, or the file SSL_CERT_FILE names.

Examples:
  kubectl ecrcreds verify --all
  kubectl ecrcreds verify team-a -o json
  kubectl ecrcreds verify team-a --connect-to 111122223333.dkr.ecr.us-east-1.amazonaws.com=10.0.0.7:443")]
pub struct Args {
    /// ECRPullSecret resources to verify.
    #[arg(
        value_name = "NAME",
        required_unless_present = "all",
        conflicts_with = "all"
    )]
    pub names: Vec<String>,
    /// Verify every resource.
    #[arg(long)]
    pub all: bool,
    /// Reach a registry host at this address instead of resolving it (TLS
    /// name and Host header stay the registry's): HOST=ADDRESS:PORT, repeatable.
    #[arg(long, value_name = "HOST=ADDR:PORT", value_parser = parse_connect_to)]
    pub connect_to: Vec<(String, std::net::SocketAddr)>,
    /// Output format (wide lists the namespaces).
    #[arg(short, long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

/// One registry entry of one resource and what the registry said.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Row {
    resource: String,
    registry: String,
    namespaces: BTreeSet<String>,
    #[serde(flatten)]
    verdict: Verdict,
}

/// Runs `verify`.
pub async fn run(global: &GlobalArgs, args: Args) -> Result<i32> {
    let prober = Prober::new(args.connect_to.iter().cloned().collect()).map_err(Error::Invalid)?;
    let client = global.client().await?;
    let resources = if args.all {
        kube_api::resources::list(&client, None).await?
    } else {
        let mut found = Vec::new();
        for n in &args.names {
            found.push(kube_api::resources::get(&client, n).await?);
        }
        found
    };
    let names: Vec<String> = resources.iter().map(|r| r.name_any()).collect();

    // Its Secrets as they are now: the current secretName with its owner
    // label (what `named` Secret access may read), not leftovers of an old one.
    let mut per_resource: Vec<(String, Vec<Copy>)> = Vec::new();
    for r in &resources {
        let secrets =
            kube_api::secrets::managed_named(&client, &r.name_any(), &r.spec.secret_name).await?;
        per_resource.push((r.name_any(), distinct_copies(&secrets)));
    }
    // One probe per distinct entry, however many resources and namespaces share it.
    let mut unique: Vec<&Copy> = Vec::new();
    for copy in per_resource.iter().flat_map(|(_, c)| c) {
        if !unique.iter().any(|u| u.same_entry(copy)) {
            unique.push(copy);
        }
    }
    let verdicts: Vec<(usize, Verdict)> = futures::stream::iter(unique.iter().enumerate())
        .map(|(i, c)| {
            let prober = &prober;
            async move { (i, prober.probe(c).await) }
        })
        .buffer_unordered(PARALLEL)
        .collect()
        .await;
    let verdicts: HashMap<usize, Verdict> = verdicts.into_iter().collect();

    let mut rows = Vec::new();
    for (resource, copies) in &per_resource {
        if copies.is_empty() {
            rows.push(Row {
                resource: resource.clone(),
                registry: "-".into(),
                namespaces: BTreeSet::new(),
                verdict: Verdict::Unexpected(format!(
                    "no Secret written yet; run kubectl ecrcreds refresh {resource}"
                )),
            });
        }
        for copy in copies {
            let i = unique
                .iter()
                .position(|u| u.same_entry(copy))
                .expect("every copy was probed");
            rows.push(Row {
                resource: resource.clone(),
                registry: copy.host.clone(),
                namespaces: copy.namespaces.clone(),
                verdict: verdicts[&i].clone(),
            });
        }
    }

    let text = match args.output {
        OutputFormat::Json | OutputFormat::Yaml => output::structured(&rows, args.output),
        OutputFormat::Name => names.iter().map(|n| output::resource_name(n)).collect(),
        OutputFormat::Table | OutputFormat::Wide => {
            render(&rows, args.output == OutputFormat::Wide)
        }
    };
    output::print(&text)?;
    if rows.is_empty() {
        eprintln!("no ECRPullSecret resources found");
    }
    Ok(if rows.iter().all(|r| r.verdict.ok()) {
        exit::OK
    } else {
        exit::PARTIAL
    })
}

fn render(rows: &[Row], wide: bool) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let mut t = output::table(&["name", "registry", "namespaces", "result", "detail"]);
    for r in rows {
        let namespaces = if wide {
            output::list_or_dash(&r.namespaces.iter().cloned().collect::<Vec<_>>())
        } else {
            r.namespaces.len().to_string()
        };
        t.add_row(vec![
            r.resource.clone(),
            r.registry.clone(),
            namespaces,
            r.verdict.word().to_string(),
            r.verdict.detail().to_string(),
        ]);
    }
    output::lines(&t)
}
