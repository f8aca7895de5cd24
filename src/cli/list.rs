//! `kubectl ecrcreds list`: every ECRPullSecret with its state, as a table,
//! names, JSON or YAML.

use jiff::Timestamp;
use kube::ResourceExt;

use super::{GlobalArgs, OutputFormat, exit};
use crate::crd::ECRPullSecret;
use crate::error::Result;
use crate::kube_api;
use crate::output;

/// Arguments of `list`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  kubectl ecrcreds list
  kubectl ecrcreds list -l team=payments -o wide
  kubectl ecrcreds list -o yaml > backup.yaml")]
pub struct Args {
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
    /// Only resources matching this label selector.
    #[arg(short = 'l', long, value_name = "SELECTOR")]
    pub selector: Option<String>,
}

/// Runs `list`.
pub async fn run(global: &GlobalArgs, args: Args) -> Result<i32> {
    let client = global.client().await?;
    let mut items = kube_api::resources::list(&client, args.selector.as_deref()).await?;
    items.sort_by_key(|r| r.name_any());
    if items.is_empty() && matches!(args.output, OutputFormat::Table | OutputFormat::Wide) {
        eprintln!("No ECRPullSecret resources found.");
        return Ok(exit::OK);
    }
    output::print(&render(&items, args.output, Timestamp::now()))?;
    Ok(exit::OK)
}

/// Renders resources in the chosen format.
pub fn render(items: &[ECRPullSecret], format: OutputFormat, now: Timestamp) -> String {
    match format {
        OutputFormat::Json | OutputFormat::Yaml => {
            let list = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": items});
            output::structured(&list, format)
        }
        OutputFormat::Name => items
            .iter()
            .map(|r| output::resource_name(&r.name_any()))
            .collect(),
        OutputFormat::Table | OutputFormat::Wide => {
            let wide = format == OutputFormat::Wide;
            let mut headers = vec![
                "name",
                "secret",
                "namespaces",
                "ready",
                "last refresh",
                "expires in",
                "age",
            ];
            if wide {
                headers.extend(["reason", "next refresh", "registries"]);
            }
            let mut t = output::table(&headers);
            for r in items {
                let status = r.status.as_ref();
                let ready = status.and_then(|s| s.conditions.iter().find(|c| c.type_ == "Ready"));
                let counts = status
                    .and_then(|s| s.namespaces.as_ref())
                    .map(|n| format!("{}/{}", n.ready, n.desired))
                    .unwrap_or_else(|| "-".into());
                let ready_text = if r.spec.suspended() {
                    "Paused".to_string()
                } else {
                    ready
                        .map(|c| c.status.clone())
                        .unwrap_or_else(|| "Unknown".into())
                };
                let last = status
                    .and_then(|s| s.last_refresh_time.as_ref())
                    .map(|t| format!("{} ago", output::age(Some(&t.0), now)))
                    .unwrap_or_else(|| "never".into());
                let mut row = vec![
                    r.name_any(),
                    r.spec.secret_name.clone(),
                    counts,
                    ready_text,
                    last,
                    output::expires_in(
                        status.and_then(|s| s.expires_at.as_ref()).map(|t| &t.0),
                        now,
                    ),
                    output::age(r.metadata.creation_timestamp.as_ref().map(|t| &t.0), now),
                ];
                if wide {
                    row.push(
                        ready
                            .map(|c| c.reason.clone())
                            .unwrap_or_else(|| "-".into()),
                    );
                    row.push(
                        status
                            .and_then(|s| s.next_refresh_time.as_ref())
                            .map(|t| {
                                format!(
                                    "in {}",
                                    output::short_duration(t.0.as_second() - now.as_second())
                                )
                            })
                            .unwrap_or_else(|| "-".into()),
                    );
                    row.push(match r.spec.registries.as_deref() {
                        Some(list) if !list.is_empty() => list.join(","),
                        _ => "(default)".into(),
                    });
                }
                t.add_row(row);
            }
            output::lines(&t)
        }
    }
}
