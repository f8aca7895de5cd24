//! `kubectl ecrcreds describe NAME`: the spec, the conditions, one row per
//! target namespace computed from the live cluster, and recent Events. Works
//! with or without a controller running.

use std::fmt::Write as _;

use jiff::Timestamp;
use kube::ResourceExt;
use serde::Serialize;

use super::{GlobalArgs, OutputFormat, exit};
use crate::crd::ECRPullSecret;
use crate::error::{Error, Result};
use crate::kube_api;
use crate::output;
use crate::reconcile::targets::{NamespaceInfo, TargetSpec, Targets};
use crate::reconcile::view::{self, NamespaceView};

/// Arguments of `describe`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  kubectl ecrcreds describe team-a
  kubectl ecrcreds describe team-a -o json")]
pub struct Args {
    /// The ECRPullSecret to describe.
    #[arg(value_name = "NAME")]
    pub name: String,
    /// Output format (table is the human-readable description).
    #[arg(short, long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

/// The structured form of a description (`-o json|yaml`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Description<'a> {
    resource: &'a ECRPullSecret,
    namespaces: &'a [NamespaceView],
    events: Vec<EventView>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EventView {
    #[serde(rename = "type")]
    type_: String,
    reason: String,
    time: Option<Timestamp>,
    note: String,
}

/// Runs `describe`.
pub async fn run(global: &GlobalArgs, args: Args) -> Result<i32> {
    let client = global.client().await?;
    let obj = kube_api::resources::get(&client, &args.name).await?;

    let (cluster, _) = kube_api::namespaces::list(&client, NamespaceInfo::from_meta).await?;
    let spec = TargetSpec::from_spec(&obj.spec).map_err(Error::Invalid)?;
    let targets = Targets::select(&spec, &cluster);
    let secrets = kube_api::secrets::named(&client, &obj.spec.secret_name).await?;
    let wanted = obj.spec.service_accounts();
    let sas: Vec<_> = if targets.ready.is_empty() {
        Vec::new()
    } else {
        // Every ServiceAccount that might carry the entry, not only the wanted
        // ones: describe shows what is, not what should be.
        kube_api::service_accounts::list(&client, &["*".to_string()])
            .await?
            .into_values()
            .collect()
    };
    let now = Timestamp::now();
    let rows = view::namespace_views(&obj, &targets, &secrets, &sas, now);
    let events = recent_events(&client, &obj.name_any()).await;

    let text = match args.output {
        OutputFormat::Json | OutputFormat::Yaml => output::structured(
            &Description {
                resource: &obj,
                namespaces: &rows,
                events,
            },
            args.output,
        ),
        OutputFormat::Name => output::resource_name(&obj.name_any()),
        OutputFormat::Table | OutputFormat::Wide => render(&obj, &wanted, &rows, &events, now),
    };
    output::print(&text)?;
    Ok(exit::OK)
}

/// Events about the resource, newest last; failing to read them is not fatal.
async fn recent_events(client: &kube::Client, name: &str) -> Vec<EventView> {
    let mut events: Vec<EventView> = match kube_api::events::about(client, name).await {
        Ok(list) => list
            .into_iter()
            .map(|e| EventView {
                type_: e.type_.unwrap_or_default(),
                reason: e.reason.unwrap_or_default(),
                time: e
                    .series
                    .as_ref()
                    .and_then(|s| s.last_observed_time.as_ref())
                    .map(|t| t.0)
                    .or(e.event_time.as_ref().map(|t| t.0))
                    .or(e.last_timestamp.as_ref().map(|t| t.0)),
                note: e.message.unwrap_or_default(),
            })
            .collect(),
        Err(e) => {
            tracing::info!(error = %e, "could not read events");
            Vec::new()
        }
    };
    events.sort_by_key(|e| e.time);
    let skip = events.len().saturating_sub(10);
    events.split_off(skip)
}

fn render(
    obj: &ECRPullSecret,
    wanted_sas: &[String],
    rows: &[NamespaceView],
    events: &[EventView],
    now: Timestamp,
) -> String {
    let spec = &obj.spec;
    let mut s = String::new();
    let field = |s: &mut String, k: &str, v: &str| {
        let _ = writeln!(s, "{:<18}{v}", format!("{k}:"));
    };
    field(&mut s, "Name", &obj.name_any());
    field(&mut s, "Secret", &spec.secret_name);
    let mut targets = spec.namespaces.clone().unwrap_or_default().join(", ");
    if let Some(sel) = &spec.namespace_selector {
        let mut parts: Vec<String> = sel
            .match_labels
            .iter()
            .flatten()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        parts.extend(sel.match_expressions.iter().flatten().map(|e| {
            format!(
                "{} {} ({})",
                e.key,
                e.operator,
                e.values.clone().unwrap_or_default().join(",")
            )
        }));
        if !targets.is_empty() {
            targets.push_str("; ");
        }
        let _ = write!(targets, "selector {}", parts.join(","));
    }
    field(&mut s, "Namespaces", &targets);
    field(
        &mut s,
        "Registries",
        &match spec.registries.as_deref() {
            Some(r) if !r.is_empty() => r.join(", "),
            _ => "(the runner's default registry)".into(),
        },
    );
    let creds = match &spec.credentials {
        None => "the runner's AWS default chain".to_string(),
        Some(c) => {
            let mut t = match &c.secret_ref {
                Some(r) => format!("Secret {}/{}", r.namespace, r.name),
                None => "the runner's AWS default chain".into(),
            };
            if let Some(role) = &c.role_arn {
                let _ = write!(t, ", assuming {role}");
            }
            t
        }
    };
    field(&mut s, "Credentials", &creds);
    field(
        &mut s,
        "ServiceAccounts",
        &if wanted_sas.is_empty() {
            "(none)".into()
        } else {
            wanted_sas.join(", ")
        },
    );
    field(
        &mut s,
        "Refresh interval",
        spec.refresh_interval.as_deref().unwrap_or("6h (default)"),
    );
    field(
        &mut s,
        "Deletion policy",
        &format!("{:?}", spec.deletion_policy()),
    );
    field(&mut s, "Suspended", &spec.suspended().to_string());

    let _ = writeln!(s, "Conditions:");
    match obj.status.as_ref().map(|st| &st.conditions) {
        Some(conds) if !conds.is_empty() => {
            let mut t = output::table(&["  type", "status", "reason", "since", "message"]);
            for c in conds {
                t.add_row(vec![
                    format!("  {}", c.type_),
                    c.status.clone(),
                    c.reason.clone(),
                    output::age(Some(&c.last_transition_time.0), now),
                    c.message.clone(),
                ]);
            }
            let _ = writeln!(s, "{}", t.trim_fmt());
        }
        _ => {
            let _ = writeln!(s, "  (none yet: never refreshed)");
        }
    }
    if let Some(st) = &obj.status {
        let when = |t: &Option<k8s_openapi::apimachinery::pkg::apis::meta::v1::Time>,
                    past: bool| {
            t.as_ref()
                .map(|t| {
                    let rel = output::short_duration((t.0.as_second() - now.as_second()).abs());
                    let rel = if past || t.0 <= now {
                        format!("{rel} ago")
                    } else {
                        format!("in {rel}")
                    };
                    format!("{} ({rel})", t.0.strftime("%Y-%m-%dT%H:%M:%SZ"))
                })
                .unwrap_or_else(|| "-".into())
        };
        field(&mut s, "Last refresh", &when(&st.last_refresh_time, true));
        field(&mut s, "Token expires", &when(&st.expires_at, false));
        field(&mut s, "Next refresh", &when(&st.next_refresh_time, false));
    }

    let _ = writeln!(s, "Target namespaces:");
    if rows.is_empty() {
        let _ = writeln!(s, "  (none match)");
    } else {
        let mut t = output::table(&[
            "  namespace",
            "secret",
            "expires in",
            "serviceaccounts",
            "last error",
        ]);
        for r in rows {
            t.add_row(vec![
                format!("  {}", r.namespace),
                r.secret.to_string(),
                output::expires_in(r.expires_at.as_ref(), now),
                output::list_or_dash(&r.service_accounts),
                r.last_error.clone().unwrap_or_default(),
            ]);
        }
        let _ = writeln!(s, "{}", t.trim_fmt());
    }
    let _ = writeln!(s, "Events:");
    if events.is_empty() {
        let _ = writeln!(s, "  <none>");
    } else {
        let mut t = output::table(&["  type", "reason", "age", "message"]);
        for e in events {
            t.add_row(vec![
                format!("  {}", e.type_),
                e.reason.clone(),
                output::age(e.time.as_ref(), now),
                e.note.clone(),
            ]);
        }
        let _ = writeln!(s, "{}", t.trim_fmt());
    }
    s
}
