//! What the cluster holds for a resource, namespace by namespace, as
//! `describe` shows it: the Secret present, stale, expired, missing or
//! foreign, and the ServiceAccounts carrying it. Pure.

use std::collections::HashMap;

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Secret, ServiceAccount};
use serde::Serialize;

use super::secret::DOCKERCONFIGJSON;
use super::targets::Targets;
use crate::crd::{ECRPullSecret, EXPIRES_ANNOTATION, OWNER_LABEL};
use crate::kube_api::service_accounts::lists_pull_secret;

/// The state of the Secret in one namespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SecretState {
    /// Ours, written by the last refresh, token not expired.
    Present,
    /// Ours, but older than the last refresh.
    Stale,
    /// Ours and current, but the token's expiry has passed.
    Expired,
    /// No Secret of that name.
    Missing,
    /// A Secret of that name that is not ours.
    Foreign,
}

impl std::fmt::Display for SecretState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = serde_json::to_value(self).expect("enum serializes");
        f.write_str(s.as_str().unwrap_or_default())
    }
}

/// One target namespace as the cluster has it.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NamespaceView {
    /// The namespace.
    pub namespace: String,
    /// The Secret's state.
    pub secret: SecretState,
    /// Token expiry recorded on the Secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Timestamp>,
    /// ServiceAccounts whose `imagePullSecrets` carry the Secret.
    pub service_accounts: Vec<String>,
    /// The last error the status recorded for this namespace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
}

/// Builds one row per target namespace from the live objects.
pub fn namespace_views(
    obj: &ECRPullSecret,
    targets: &Targets,
    secrets: &HashMap<String, Secret>,
    service_accounts: &[ServiceAccount],
    now: Timestamp,
) -> Vec<NamespaceView> {
    let name = obj.metadata.name.clone().unwrap_or_default();
    let secret_name = &obj.spec.secret_name;
    let status = obj.status.as_ref();
    let status_expiry = status.and_then(|s| s.expires_at.as_ref()).map(|t| t.0);
    let errors: HashMap<&str, &str> = status
        .and_then(|s| s.namespaces.as_ref())
        .map(|n| {
            n.failed
                .iter()
                .map(|f| (f.namespace.as_str(), f.reason.as_str()))
                .collect()
        })
        .unwrap_or_default();
    let mut namespaces: Vec<&str> = targets
        .ready
        .iter()
        .map(String::as_str)
        .chain(targets.unavailable.iter().map(|f| f.namespace.as_str()))
        .collect();
    namespaces.sort_unstable();
    namespaces.dedup();
    namespaces
        .into_iter()
        .map(|ns| {
            let secret = secrets.get(ns);
            let expires_at = secret
                .and_then(|s| s.metadata.annotations.as_ref())
                .and_then(|a| a.get(EXPIRES_ANNOTATION))
                .and_then(|v| v.parse::<Timestamp>().ok());
            let state = match secret {
                None => SecretState::Missing,
                Some(s)
                    if s.type_.as_deref() != Some(DOCKERCONFIGJSON)
                        || s.metadata.labels.as_ref().and_then(|l| l.get(OWNER_LABEL))
                            != Some(&name) =>
                {
                    SecretState::Foreign
                }
                Some(_) if status_expiry.is_some() && expires_at != status_expiry => {
                    SecretState::Stale
                }
                Some(_) if expires_at.is_some_and(|e| e <= now) => SecretState::Expired,
                Some(_) => SecretState::Present,
            };
            let mut carrying: Vec<String> = service_accounts
                .iter()
                .filter(|sa| sa.metadata.namespace.as_deref() == Some(ns))
                .filter(|sa| lists_pull_secret(sa, secret_name))
                .filter_map(|sa| sa.metadata.name.clone())
                .collect();
            carrying.sort();
            let last_error = errors.get(ns).map(|e| e.to_string()).or_else(|| {
                targets
                    .unavailable
                    .iter()
                    .find(|f| f.namespace == ns)
                    .map(|f| f.reason.clone())
            });
            NamespaceView {
                namespace: ns.to_string(),
                secret: state,
                expires_at,
                service_accounts: carrying,
                last_error,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reconcile::secret::{Payload, desired_secret};

    fn expiring(at: Timestamp) -> Payload {
        Payload {
            bytes: std::sync::Arc::new(b"{}".to_vec()),
            expires_at: Some(at),
        }
    }

    #[test]
    fn rows_tell_present_stale_expired_missing_and_foreign_apart() {
        let now: Timestamp = "2026-06-01T00:00:00Z".parse().unwrap();
        let soon: Timestamp = "2026-06-01T10:00:00Z".parse().unwrap();
        let older: Timestamp = "2026-05-31T10:00:00Z".parse().unwrap();
        let mut obj = ECRPullSecret::new(
            "r",
            serde_json::from_value(serde_json::json!({"secretName": "ecr", "namespaces": ["a"]}))
                .unwrap(),
        );
        obj.status = Some(crate::crd::ECRPullSecretStatus {
            expires_at: Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(soon)),
            ..Default::default()
        });
        let targets = Targets {
            ready: vec!["a".into(), "b".into(), "c".into(), "d".into()],
            unavailable: vec![],
        };
        let mut foreign = desired_secret("other", "ecr", "d", &expiring(soon));
        foreign.metadata.labels = None;
        let secrets = HashMap::from([
            (
                "a".to_string(),
                desired_secret("r", "ecr", "a", &expiring(soon)),
            ),
            (
                "b".to_string(),
                desired_secret("r", "ecr", "b", &expiring(older)),
            ),
            ("d".to_string(), foreign),
        ]);
        let rows = namespace_views(&obj, &targets, &secrets, &[], now);
        let states: Vec<_> = rows.iter().map(|r| r.secret).collect();
        assert_eq!(
            states,
            vec![
                SecretState::Present,
                SecretState::Stale,
                SecretState::Missing,
                SecretState::Foreign
            ]
        );
        let later: Timestamp = "2026-06-02T00:00:00Z".parse().unwrap();
        assert_eq!(
            namespace_views(&obj, &targets, &secrets, &[], later)[0].secret,
            SecretState::Expired
        );
    }
}
