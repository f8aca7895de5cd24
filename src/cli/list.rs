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
  kubectl ecrcreds list -o yaml > backup.yaml
  kubectl ecrcreds list --context prod-eu,prod-us
  kubectl ecrcreds list --all-contexts")]
pub struct Args {
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
    /// Only resources matching this label selector.
    #[arg(short = 'l', long, value_name = "SELECTOR")]
    pub selector: Option<String>,
    /// Every context in the kubeconfig, at once, in one table with a CONTEXT column.
    #[arg(long)]
    pub all_contexts: bool,
}

/// The resources of one cluster, sorted by name.
async fn items(global: &GlobalArgs, selector: Option<&str>) -> Result<Vec<ECRPullSecret>> {
    let client = global.client().await?;
    let mut items = kube_api::resources::list(&client, selector).await?;
    items.sort_by_key(|r| r.name_any());
    Ok(items)
}

/// Runs `list`.
pub async fn run(global: &GlobalArgs, args: Args) -> Result<i32> {
    if let Some(contexts) = global.several_contexts(args.all_contexts)? {
        return run_several(global, &args, contexts).await;
    }
    let items = items(global, args.selector.as_deref()).await?;
    if items.is_empty() && matches!(args.output, OutputFormat::Table | OutputFormat::Wide) {
        eprintln!("No ECRPullSecret resources found.");
        return Ok(exit::OK);
    }
    output::print(&render(&items, args.output, Timestamp::now()))?;
    Ok(exit::OK)
}

/// `list` over several clusters at once: one table with a CONTEXT column (a
/// cluster that fails gets an `error:` line and fails the exit code, the
/// others are still shown), or for JSON and YAML one entry per context.
async fn run_several(global: &GlobalArgs, args: &Args, contexts: Vec<String>) -> Result<i32> {
    super::refuse_names_of_several(args.output)?;
    let results = futures::future::join_all(contexts.iter().map(|c| async move {
        (
            c.clone(),
            items(&global.with_context(c), args.selector.as_deref()).await,
        )
    }))
    .await;
    let mut code = exit::OK;
    let now = Timestamp::now();
    let mut entries = Vec::new();
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (context, result) in results {
        match result {
            Ok(items) => {
                match args.output {
                    OutputFormat::Table | OutputFormat::Wide => {
                        for row in table_rows(&items, args.output == OutputFormat::Wide, now) {
                            rows.push(std::iter::once(context.clone()).chain(row).collect());
                        }
                    }
                    _ => {}
                }
                entries.push(serde_json::json!({"context": context, "items": items}));
            }
            Err(e) => {
                eprintln!("error: context {context}: {e}");
                entries.push(serde_json::json!({"context": context, "error": e.to_string()}));
                code = exit::FAILED;
            }
        }
    }
    let text = match args.output {
        // (-o name was refused above.)
        OutputFormat::Json | OutputFormat::Yaml | OutputFormat::Name => {
            output::structured(&entries, args.output)
        }
        OutputFormat::Table | OutputFormat::Wide => {
            if rows.is_empty() {
                if code == exit::OK {
                    eprintln!("No ECRPullSecret resources found.");
                }
                return Ok(code);
            }
            super::context_table(&headers_for(args.output == OutputFormat::Wide), rows)
        }
    };
    output::print(&text)?;
    Ok(code)
}

/// The table's headers.
fn headers_for(wide: bool) -> Vec<&'static str> {
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
    headers
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
            let mut t = output::table(&headers_for(wide));
            t.add_rows(table_rows(items, wide, now));
            output::lines(&t)
        }
    }
}

/// One table row per resource.
fn table_rows(items: &[ECRPullSecret], wide: bool, now: Timestamp) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = Vec::new();
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
        rows.push(row);
    }
    rows
}
