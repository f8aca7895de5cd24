//! Rendering for people and programs: tables, JSON, YAML. No I/O beyond the
//! final write to stdout, which treats a closed pipe as a normal end.

use std::io::Write;

use comfy_table::{ContentArrangement, Table, presets};

use crate::cli::OutputFormat;
use crate::error::{Error, Result};
use crate::reconcile::Report;

/// A kubectl-looking table: upper-case headers, no borders.
pub fn table(headers: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_style(presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(headers.iter().map(|h| h.to_uppercase()));
    for col in t.column_iter_mut() {
        col.set_padding((0, 2));
    }
    t
}

/// Renders `refresh` results.
pub fn refresh(reports: &[Report], format: OutputFormat) -> String {
    match format {
        OutputFormat::Json => {
            let mut s = serde_json::to_string_pretty(reports).expect("reports serialize");
            s.push('\n');
            s
        }
        OutputFormat::Yaml => serde_yaml::to_string(reports).expect("reports serialize"),
        OutputFormat::Name => reports
            .iter()
            .map(|r| format!("ecrpullsecret.alchemy.com/{}\n", r.resource))
            .collect(),
        OutputFormat::Table | OutputFormat::Wide => {
            let wide = format == OutputFormat::Wide;
            let mut headers = vec![
                "resource",
                "namespace",
                "secret",
                "result",
                "serviceaccounts",
            ];
            if wide {
                headers.push("patched");
            }
            headers.push("message");
            let mut t = table(&headers);
            for r in reports {
                if r.suspended || r.error.is_some() {
                    let (result, msg) = if r.suspended {
                        (
                            "suspended",
                            "spec.suspend is true; nothing done".to_string(),
                        )
                    } else {
                        ("failed", r.error.clone().unwrap_or_default())
                    };
                    let mut row = vec![
                        r.resource.clone(),
                        "-".into(),
                        r.secret_name.clone(),
                        result.into(),
                        "-".into(),
                    ];
                    if wide {
                        row.push("-".into());
                    }
                    row.push(msg);
                    t.add_row(row);
                    continue;
                }
                for n in &r.namespaces {
                    let sas = if n.service_accounts.is_empty() {
                        "-".to_string()
                    } else {
                        n.service_accounts.join(",")
                    };
                    let mut row = vec![
                        r.resource.clone(),
                        n.namespace.clone(),
                        r.secret_name.clone(),
                        n.secret.to_string(),
                        sas,
                    ];
                    if wide {
                        row.push(if n.patched.is_empty() {
                            "-".into()
                        } else {
                            n.patched.join(",")
                        });
                    }
                    row.push(n.error.clone().unwrap_or_default());
                    t.add_row(row);
                }
            }
            let mut s = t.trim_fmt();
            s.push('\n');
            s
        }
    }
}

/// Writes to stdout; a reader that went away (`| head`) ends output quietly.
pub fn print(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::Invalid(format!("cannot write output: {e}"))),
    }
}

/// "; did you mean ...?" for the closest names, or advice to list them.
pub fn suggest(name: &str, candidates: &[String]) -> String {
    let mut near: Vec<(usize, &String)> = candidates
        .iter()
        .map(|c| (strsim::levenshtein(name, c), c))
        .filter(|(d, c)| {
            *d <= 2.max(name.len() / 3) || c.contains(name) || name.contains(c.as_str())
        })
        .collect();
    near.sort();
    match near.as_slice() {
        [] => "; list them with `kubectl ecrcreds list` or `kubectl get ecrps`".into(),
        list => format!(
            "; did you mean {}?",
            list.iter()
                .take(3)
                .map(|(_, c)| format!("{c:?}"))
                .collect::<Vec<_>>()
                .join(" or ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_name_close_matches_first() {
        let names = vec!["team-a".to_string(), "team-b".into(), "payments".into()];
        assert_eq!(
            suggest("teama", &names),
            "; did you mean \"team-a\" or \"team-b\"?"
        );
        assert!(suggest("zzzzzzzz", &names).contains("kubectl ecrcreds list"));
    }
}

/// A kubectl-style short duration: `45s`, `12m`, `5h`, `3d`.
pub fn short_duration(secs: i64) -> String {
    let s = secs.max(0);
    match s {
        0..=119 => format!("{s}s"),
        120..=7199 => format!("{}m", s / 60),
        7200..=172_799 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86_400),
    }
}

/// Age of a timestamp relative to `now`, or `<unknown>`.
pub fn age(t: Option<&jiff::Timestamp>, now: jiff::Timestamp) -> String {
    t.map(|t| short_duration(now.as_second() - t.as_second()))
        .unwrap_or_else(|| "<unknown>".into())
}

/// Time left until `t`: `11h`, or `expired`.
pub fn expires_in(t: Option<&jiff::Timestamp>, now: jiff::Timestamp) -> String {
    match t {
        None => "-".into(),
        Some(t) if *t <= now => "expired".into(),
        Some(t) => short_duration(t.as_second() - now.as_second()),
    }
}

/// Serializes `value` as `-o json` or `-o yaml` would.
pub fn structured<T: serde::Serialize>(value: &T, format: OutputFormat) -> String {
    match format {
        OutputFormat::Yaml => serde_yaml::to_string(value).expect("serializable"),
        _ => {
            let mut s = serde_json::to_string_pretty(value).expect("serializable");
            s.push('\n');
            s
        }
    }
}

#[cfg(test)]
mod duration_tests {
    use super::*;

    #[test]
    fn short_durations_read_like_kubectl() {
        assert_eq!(short_duration(45), "45s");
        assert_eq!(short_duration(600), "10m");
        assert_eq!(short_duration(5 * 3600), "5h");
        assert_eq!(short_duration(3 * 86_400), "3d");
        let now: jiff::Timestamp = "2026-01-01T12:00:00Z".parse().unwrap();
        let past: jiff::Timestamp = "2015-01-01T00:00:00Z".parse().unwrap();
        assert_eq!(expires_in(Some(&past), now), "expired");
        assert_eq!(expires_in(None, now), "-");
    }
}
