//! Secrets: the credentials Secrets we read, the pull Secrets we server-side
//! apply, list and delete.

use std::collections::HashMap;

use k8s_openapi::api::core::v1::Secret;
use kube::api::{ListParams, Patch, PatchParams};
use kube::{Api, Client, ResourceExt};

use super::{is_not_found, list_all};
use crate::crd::{FIELD_MANAGER, MANAGED_BY_LABEL, MANAGED_BY_VALUE, OWNER_LABEL};
use crate::error::{Error, Result};

/// Reads one Secret; `None` when it does not exist. `what` says why it is
/// read, for the error (`credentials`).
pub async fn get(
    client: &Client,
    namespace: &str,
    name: &str,
    what: &str,
) -> Result<Option<Secret>> {
    Api::<Secret>::namespaced(client.clone(), namespace)
        .get_opt(name)
        .await
        .map_err(|e| Error::kube(format!("read {what} Secret {namespace}/{name}"), e))
}

/// Every Secret the caller may list, in one unpaged call (for offering choices).
pub async fn all(client: &Client) -> Result<Vec<Secret>> {
    Api::<Secret>::all(client.clone())
        .list(&ListParams::default())
        .await
        .map(|l| l.items)
        .map_err(|e| Error::kube("list Secrets", e))
}

/// Secrets called `name`, in every namespace, keyed by namespace: one list call
/// instead of one read per namespace.
pub async fn named(client: &Client, name: &str) -> Result<HashMap<String, Secret>> {
    let api: Api<Secret> = Api::all(client.clone());
    let lp = ListParams::default().fields(&format!("metadata.name={name}"));
    let items = list_all(&api, &lp, &format!("Secrets named {name}")).await?;
    Ok(items
        .into_iter()
        .map(|s| (s.namespace().unwrap_or_default(), s))
        .collect())
}

/// Secrets carrying our owner label for `resource` (all of ours when `None`).
pub async fn managed(client: &Client, resource: Option<&str>) -> Result<Vec<Secret>> {
    let api: Api<Secret> = Api::all(client.clone());
    list_all(
        &api,
        &ListParams::default().labels(&owner_selector(resource)),
        "managed Secrets",
    )
    .await
}

/// Secrets named `name` carrying `resource`'s owner label, in every namespace:
/// the field selector keeps the request within what RBAC `resourceNames`
/// grants.
pub async fn managed_named(client: &Client, resource: &str, name: &str) -> Result<Vec<Secret>> {
    let api: Api<Secret> = Api::all(client.clone());
    let lp = ListParams::default()
        .fields(&format!("metadata.name={name}"))
        .labels(&owner_selector(Some(resource)));
    list_all(&api, &lp, &format!("managed Secrets named {name}")).await
}

/// The label selector for our Secrets, of one resource or of all.
fn owner_selector(resource: Option<&str>) -> String {
    match resource {
        Some(r) => format!("{MANAGED_BY_LABEL}={MANAGED_BY_VALUE},{OWNER_LABEL}={r}"),
        None => format!("{MANAGED_BY_LABEL}={MANAGED_BY_VALUE}"),
    }
}

/// Server-side applies our Secret and returns the API server's answer, or
/// `None` when a Secret of that name exists with another type (the type is
/// immutable, so the server refused and nothing was written). `force` takes
/// over fields another manager set: that is how the original operator's
/// dockerconfigjson Secrets are adopted.
pub async fn apply(client: &Client, secret: &Secret) -> Result<Option<Secret>> {
    let ns = secret.namespace().unwrap_or_default();
    let name = secret.name_any();
    let api: Api<Secret> = Api::namespaced(client.clone(), &ns);
    match api
        .patch(
            &name,
            &PatchParams::apply(FIELD_MANAGER).force(),
            &Patch::Apply(secret),
        )
        .await
    {
        Ok(s) => Ok(Some(s)),
        Err(kube::Error::Api(s)) if s.code == 422 && type_refused(&s) => Ok(None),
        Err(e) => Err(Error::kube(format!("apply Secret {ns}/{name}"), e)),
    }
}

/// Whether a 422 is the API server refusing to change a Secret's type.
fn type_refused(status: &kube::core::Status) -> bool {
    match &status.details {
        Some(d) if !d.causes.is_empty() => d.causes.iter().any(|c| c.field == "type"),
        _ => status.message.contains("type: Invalid value"),
    }
}

/// Deletes a Secret; one already gone (or whose namespace is gone) counts as done.
/// Returns whether this call deleted it.
pub async fn delete(client: &Client, namespace: &str, name: &str) -> Result<bool> {
    let api: Api<Secret> = Api::namespaced(client.clone(), namespace);
    match api.delete(name, &Default::default()).await {
        Ok(_) => Ok(true),
        Err(e) if is_not_found(&e) => Ok(false),
        Err(e) => Err(Error::kube(format!("delete Secret {namespace}/{name}"), e)),
    }
}
