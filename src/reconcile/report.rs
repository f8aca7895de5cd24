//! What a pass reports, per namespace and per resource: what `refresh`
//! prints (`-o json|yaml` serializes these types as they are).

use jiff::Timestamp;
use kube::ResourceExt;
use serde::Serialize;

use super::schedule::NextRefresh;
use crate::crd::{ECRPullSecret, NamespaceFailure};

/// What happened to the Secret in one namespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SecretResult {
    /// Written for the first time.
    Created,
    /// Rewritten with new content.
    Updated,
    /// Already current; nothing written.
    Unchanged,
    /// Could not be brought up to date.
    Failed,
}

impl std::fmt::Display for SecretResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SecretResult::Created => "created",
            SecretResult::Updated => "updated",
            SecretResult::Unchanged => "unchanged",
            SecretResult::Failed => "failed",
        })
    }
}

/// The outcome in one namespace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NamespaceReport {
    /// The namespace.
    pub namespace: String,
    /// The Secret's fate.
    pub secret: SecretResult,
    /// ServiceAccounts that carry our entry after the pass.
    pub service_accounts: Vec<String>,
    /// ServiceAccounts written in this pass.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub patched: Vec<String>,
    /// Why it failed, if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl NamespaceReport {
    /// A namespace nothing has been done in yet: failed until shown otherwise.
    pub fn untouched(namespace: &str) -> Self {
        NamespaceReport {
            namespace: namespace.to_string(),
            secret: SecretResult::Failed,
            service_accounts: Vec::new(),
            patched: Vec::new(),
            error: None,
        }
    }

    /// A target that could not be written at all.
    pub fn unavailable(f: &NamespaceFailure) -> Self {
        NamespaceReport {
            error: Some(f.reason.clone()),
            ..NamespaceReport::untouched(&f.namespace)
        }
    }
}

/// The outcome of one pass over one resource.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// The resource.
    pub resource: String,
    /// The Secret name it writes.
    pub secret_name: String,
    /// Per-namespace outcomes, sorted by namespace.
    pub namespaces: Vec<NamespaceReport>,
    /// A failure that stopped the pass before any namespace was touched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Machine-readable reason for `error`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// True when the resource is suspended and nothing was done.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub suspended: bool,
    /// Earliest token expiry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Timestamp>,
    /// When the next pass is due.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_refresh: Option<Timestamp>,
    /// The token expiry was already past when fetched.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub expiry_in_past: bool,
    /// Objects written (Secrets and ServiceAccounts).
    pub writes: usize,
}

impl Report {
    /// Whether every namespace is up to date.
    pub fn succeeded(&self) -> bool {
        self.error.is_none() && self.namespaces.iter().all(|n| n.error.is_none())
    }

    /// A pass that got through to its end.
    pub fn done(
        obj: &ECRPullSecret,
        namespaces: Vec<NamespaceReport>,
        expires_at: Option<Timestamp>,
        next: Option<NextRefresh>,
        writes: usize,
    ) -> Self {
        Report {
            resource: obj.name_any(),
            secret_name: obj.spec.secret_name.clone(),
            namespaces,
            error: None,
            reason: None,
            suspended: false,
            expires_at,
            next_refresh: next.map(|n| n.at),
            expiry_in_past: next.is_some_and(|n| n.expiry_in_past),
            writes,
        }
    }

    /// A suspended resource: nothing done.
    pub fn suspended(obj: &ECRPullSecret) -> Self {
        Report {
            suspended: true,
            ..Report::done(obj, Vec::new(), None, None, 0)
        }
    }

    /// A pass stopped before touching any namespace.
    pub fn stopped(obj: &ECRPullSecret, reason: &str, error: String) -> Self {
        Report {
            error: Some(error),
            reason: Some(reason.into()),
            ..Report::done(obj, Vec::new(), None, None, 0)
        }
    }
}
