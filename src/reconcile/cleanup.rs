//! Cleanup: the Secrets we manage and only our entries in ServiceAccounts'
//! `imagePullSecrets`, found ([`plan_cleanup`]) and removed
//! ([`execute_cleanup`]); for `kubectl ecrcreds cleanup` and for the
//! finalizer of `deletionPolicy: Delete` (see [`super::clean_up`]).

use std::collections::{BTreeMap, HashSet};

use k8s_openapi::api::core::v1::ServiceAccount;
use kube::{Client, ResourceExt};
use serde::Serialize;

use crate::crd::OWNER_LABEL;
use crate::error::Result;
use crate::kube_api;
use crate::kube_api::service_accounts::{Entry, lists_pull_secret};

/// Which managed Secrets a cleanup covers.
#[derive(Clone, Debug)]
pub enum CleanupScope {
    /// Those written for these resources.
    Resources(Vec<String>),
    /// Every Secret we manage.
    All,
    /// Those whose resource no longer exists.
    Orphans,
}

/// One object a cleanup removes or edits.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CleanupItem {
    /// `secret` (deleted) or `serviceaccount` (our entry removed).
    pub kind: &'static str,
    /// Its namespace.
    pub namespace: String,
    /// Its name.
    pub name: String,
    /// The resource it belonged to.
    pub resource: String,
    /// For a ServiceAccount, the entry removed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
}

impl CleanupItem {
    /// One of our Secrets.
    pub fn secret(namespace: &str, name: &str, resource: &str) -> Self {
        CleanupItem {
            kind: "secret",
            namespace: namespace.to_string(),
            name: name.to_string(),
            resource: resource.to_string(),
            entry: None,
        }
    }
}

/// Works out what a cleanup would remove, without changing anything: our
/// labelled Secrets in scope, and in their namespaces the ServiceAccounts that
/// list them. Entries of others are never part of it.
pub async fn plan_cleanup(client: &Client, scope: &CleanupScope) -> Result<Vec<CleanupItem>> {
    let secrets = match scope {
        CleanupScope::Resources(names) => {
            let mut all = Vec::new();
            for n in names {
                all.extend(kube_api::secrets::managed(client, Some(n)).await?);
            }
            all
        }
        CleanupScope::All | CleanupScope::Orphans => {
            kube_api::secrets::managed(client, None).await?
        }
    };
    let existing: HashSet<String> = if matches!(scope, CleanupScope::Orphans) {
        kube_api::resources::names(client)
            .await?
            .into_iter()
            .collect()
    } else {
        HashSet::new()
    };
    let mut items = Vec::new();
    let mut by_ns: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for secret in secrets {
        let owner = secret
            .labels()
            .get(OWNER_LABEL)
            .cloned()
            .unwrap_or_default();
        if matches!(scope, CleanupScope::Orphans) && existing.contains(&owner) {
            continue;
        }
        let ns = secret.namespace().unwrap_or_default();
        by_ns
            .entry(ns.clone())
            .or_default()
            .push((secret.name_any(), owner.clone()));
        items.push(CleanupItem::secret(&ns, &secret.name_any(), &owner));
    }
    items.extend(service_account_entries(client, &by_ns).await?);
    items.sort();
    Ok(items)
}

/// What a cleanup of `resource` removes for a runner that may read only
/// Secrets of the resource's name: those of that name carrying its owner
/// label (one list, narrowed by field and label), and our entries naming them.
pub async fn plan_named(
    client: &Client,
    resource: &str,
    secret_name: &str,
) -> Result<Vec<CleanupItem>> {
    let mut items = Vec::new();
    let mut by_ns: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for secret in kube_api::secrets::managed_named(client, resource, secret_name).await? {
        let ns = secret.namespace().unwrap_or_default();
        by_ns
            .entry(ns.clone())
            .or_default()
            .push((secret.name_any(), resource.to_string()));
        items.push(CleanupItem::secret(&ns, &secret.name_any(), resource));
    }
    items.extend(service_account_entries(client, &by_ns).await?);
    items.sort();
    Ok(items)
}

/// Above this many namespaces, ServiceAccounts are listed once cluster-wide
/// rather than namespace by namespace.
const SA_LIST_PER_NAMESPACE_MAX: usize = 8;

/// The ServiceAccount entries naming our Secrets, given the Secrets
/// (name, owning resource) by namespace.
pub(super) async fn service_account_entries(
    client: &Client,
    by_ns: &BTreeMap<String, Vec<(String, String)>>,
) -> Result<Vec<CleanupItem>> {
    let sas: Vec<ServiceAccount> = if by_ns.len() > SA_LIST_PER_NAMESPACE_MAX {
        kube_api::service_accounts::list(client, &["*".to_string()])
            .await?
            .into_values()
            .collect()
    } else {
        let mut all = Vec::new();
        for ns in by_ns.keys() {
            all.extend(kube_api::service_accounts::list_in(client, ns).await?);
        }
        all
    };
    Ok(entries_naming(&sas, by_ns))
}

/// The entries among `sas` that name one of our Secrets.
fn entries_naming(
    sas: &[ServiceAccount],
    by_ns: &BTreeMap<String, Vec<(String, String)>>,
) -> Vec<CleanupItem> {
    let mut items = Vec::new();
    for sa in sas {
        let ns = sa.namespace().unwrap_or_default();
        for (secret_name, owner) in by_ns.get(&ns).into_iter().flatten() {
            if lists_pull_secret(sa, secret_name) {
                items.push(CleanupItem {
                    kind: "serviceaccount",
                    namespace: ns.clone(),
                    name: sa.name_any(),
                    resource: owner.clone(),
                    entry: Some(secret_name.clone()),
                });
            }
        }
    }
    items
}

/// Carries out a plan: ServiceAccount entries first (so no ServiceAccount ever
/// points at a deleted Secret for long), then the Secrets. Objects already gone
/// count as done. Returns the items actually changed.
pub async fn execute_cleanup(client: &Client, plan: &[CleanupItem]) -> Result<Vec<CleanupItem>> {
    let mut done = Vec::new();
    for item in plan.iter().filter(|i| i.kind == "serviceaccount") {
        let Some(sa) = kube_api::service_accounts::get(client, &item.namespace, &item.name).await?
        else {
            continue;
        };
        let entry = item.entry.as_deref().unwrap_or_default();
        if kube_api::service_accounts::edit_pull_secret(client, sa, entry, Entry::Remove).await? {
            done.push(item.clone());
        }
    }
    for item in plan.iter().filter(|i| i.kind == "secret") {
        if kube_api::secrets::delete(client, &item.namespace, &item.name).await? {
            done.push(item.clone());
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reconcile::plan::tests::sa;

    #[test]
    fn only_entries_naming_our_secrets_in_their_namespace_are_ours_to_remove() {
        let by_ns = BTreeMap::from([("a".to_string(), vec![("ecr".to_string(), "r".to_string())])]);
        let sas = [
            sa("a", "default", &["theirs", "ecr"]),
            sa("a", "builder", &["theirs"]),
            sa("b", "default", &["ecr"]),
        ];
        assert_eq!(
            entries_naming(&sas, &by_ns),
            vec![CleanupItem {
                kind: "serviceaccount",
                namespace: "a".into(),
                name: "default".into(),
                resource: "r".into(),
                entry: Some("ecr".into()),
            }]
        );
    }
}
