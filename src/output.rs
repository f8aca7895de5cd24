//! Rendering for people and programs: the `-o` formats, kubectl-looking
//! tables, JSON and YAML, and short durations. Each subcommand builds its own
//! table from these helpers. No I/O beyond the final write to stdout, which
//! treats a closed pipe as a normal end.

use std::io::Write;

use comfy_table::{ContentArrangement, Table, presets};
use serde::Serialize;

use crate::error::{Error, Result};

/// `-o` values shared by commands that print results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum OutputFormat {
    /// A table for people.
    #[default]
    Table,
    /// A table with more columns.
    Wide,
    /// JSON.
    Json,
    /// YAML.
    Yaml,
    /// `kind/name` only (where it applies).
    Name,
}

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

/// A finished table as text, without trailing blanks, ending in a newline.
pub fn lines(table: &Table) -> String {
    let mut s = table.trim_fmt();
    s.push('\n');
    s
}

/// A list for a table cell: comma-separated, or `-` when empty.
pub fn list_or_dash(items: &[String]) -> String {
    if items.is_empty() {
        "-".into()
    } else {
        items.join(",")
    }
}

/// How `-o name` shows a resource.
pub fn resource_name(name: &str) -> String {
    format!("ecrpullsecret.alchemy.com/{name}\n")
}

/// Serializes `value` as `-o json` or `-o yaml` would (JSON for any other format).
pub fn structured<T: Serialize + ?Sized>(value: &T, format: OutputFormat) -> String {
    match format {
        OutputFormat::Yaml => serde_yaml::to_string(value).expect("serializable"),
        _ => {
            let mut s = serde_json::to_string_pretty(value).expect("serializable");
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

#[cfg(test)]
mod tests {
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

    #[test]
    fn empty_lists_show_as_a_dash() {
        assert_eq!(list_or_dash(&[]), "-");
        assert_eq!(list_or_dash(&["a".into(), "b".into()]), "a,b");
    }
}
