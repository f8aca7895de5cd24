//! Every Kubernetes API call the reconcile makes, in one place: reading the
//! cluster, server-side applying Secrets, adding or removing our entry in
//! ServiceAccounts, and writing status and Events.

use std::collections::HashMap;

use k8s_openapi::api::core::v1::{Namespace, Secret, ServiceAccount};
use kube::api::{ListParams, ObjectList, Patch, PatchParams};
use kube::runtime::events::{Event, EventType, Recorder};
use kube::{Api, Client, Resource, ResourceExt};
use serde::de::DeserializeOwned;

use super::desired::{self, NamespaceInfo};
use crate::crd::{ECRPullSecret, ECRPullSecretStatus, FIELD_MANAGER, SecretRef};
use crate::error::{Error, Result};

/// Page size for list calls: large enough to be few, small enough to stream.
const PAGE: u32 = 500;

/// Fetches every page of a list, keeping what `keep` makes of each item, and
/// returns them with the resourceVersion of the first page (when the list was
/// read).
async fn paged<T, U, F, Fut>(
    lp: &ListParams,
    what: &str,
    mut fetch: F,
    keep: impl Fn(T) -> U,
) -> Result<(Vec<U>, Option<String>)>
where
    T: Clone,
    F: FnMut(ListParams) -> Fut,
    Fut: std::future::Future<Output = kube::Result<ObjectList<T>>>,
{
    let mut out = Vec::new();
    let mut revision = None;
    let mut lp = lp.clone().limit(PAGE);
    loop {
        let page = fetch(lp.clone())
            .await
            .map_err(|e| Error::kube(format!("list {what}"), e))?;
        if revision.is_none() {
            revision = page.metadata.resource_version.clone();
        }
        out.extend(page.items.into_iter().map(&keep));
        match page.metadata.continue_ {
            Some(c) if !c.is_empty() => lp = lp.continue_token(&c),
            _ => return Ok((out, revision)),
        }
    }
}

/// Lists every page of `api` matching `lp`. managedFields are dropped as each
/// page arrives: nothing here reads them, and for thousands of objects they are
/// most of the memory a pass holds.
async fn list_all<K>(api: &Api<K>, lp: &ListParams, what: &str) -> Result<Vec<K>>
where
    K: Clone + DeserializeOwned + std::fmt::Debug + Resource,
{
    let fetch = |lp: ListParams| async move { api.list(&lp).await };
    let (items, _) = paged(lp, what, fetch, |mut o: K| {
        o.meta_mut().managed_fields = None;
        o
    })
    .await?;
    Ok(items)
}

/// All namespaces, names and labels only.
pub async fn namespaces(client: &Client) -> Result<Vec<NamespaceInfo>> {
    namespaces_at(client).await.map(|(n, _)| n)
}

/// All namespaces, and the resourceVersion the list was read at (that of its
/// first page): what a pass that cannot read Secrets compares its applies
/// against to tell a write from a no-op.
pub async fn namespaces_at(client: &Client) -> Result<(Vec<NamespaceInfo>, Option<String>)> {
    let api: Api<Namespace> = Api::all(client.clone());
    let fetch = |lp: ListParams| {
        let api = &api;
        async move { api.list_metadata(&lp).await }
    };
    paged(&ListParams::default(), "namespaces", fetch, |n| {
        NamespaceInfo {
            terminating: n.metadata.deletion_timestamp.is_some(),
            uid: n.metadata.uid.clone().unwrap_or_default(),
            labels: n.metadata.labels.clone().unwrap_or_default(),
            name: n.name_any(),
        }
    })
    .await
}

/// Reads AWS keys from a Secret. Errors name the Secret and the missing key,
/// never a value.
pub async fn credentials_from_secret(
    client: &Client,
    r: &SecretRef,
) -> Result<(aws_credential_types::Credentials, String)> {
    let api: Api<Secret> = Api::namespaced(client.clone(), &r.namespace);
    let what = format!("Secret {}/{}", r.namespace, r.name);
    let secret = api
        .get_opt(&r.name)
        .await
        .map_err(|e| Error::kube(format!("read credentials {what}"), e))?
        .ok_or_else(|| {
            Error::Invalid(format!(
                "credentials {what} not found; create it with keys AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
            ))
        })?;
    let data = secret.data.clone().unwrap_or_default();
    let get = |key: &str| -> Option<String> {
        data.get(key)
            .and_then(|v| String::from_utf8(v.0.clone()).ok())
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let missing = |key: &str| {
        Error::Invalid(format!(
            "credentials {what} has no {key} key; add it (keys: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, optional AWS_SESSION_TOKEN)"
        ))
    };
    let id = get("AWS_ACCESS_KEY_ID").ok_or_else(|| missing("AWS_ACCESS_KEY_ID"))?;
    let key = get("AWS_SECRET_ACCESS_KEY").ok_or_else(|| missing("AWS_SECRET_ACCESS_KEY"))?;
    let session = get("AWS_SESSION_TOKEN");
    let version = format!(
        "{}/{}@{}",
        r.namespace,
        r.name,
        secret.resource_version().unwrap_or_default()
    );
    Ok((
        aws_credential_types::Credentials::new(id, key, session, None, "SecretRef"),
        version,
    ))
}

/// Secrets called `name`, in every namespace, keyed by namespace: one list call
/// instead of one read per namespace.
pub async fn secrets_named(client: &Client, name: &str) -> Result<HashMap<String, Secret>> {
    let api: Api<Secret> = Api::all(client.clone());
    let lp = ListParams::default().fields(&format!("metadata.name={name}"));
    let items = list_all(&api, &lp, &format!("Secrets named {name}")).await?;
    Ok(items
        .into_iter()
        .map(|s| (s.namespace().unwrap_or_default(), s))
        .collect())
}

/// ServiceAccounts keyed by (namespace, name). With one wanted name, the list is
/// narrowed by field selector; with several or `*`, all are listed.
pub async fn service_accounts(
    client: &Client,
    wanted: &[String],
) -> Result<HashMap<(String, String), ServiceAccount>> {
    let api: Api<ServiceAccount> = Api::all(client.clone());
    let lp = match wanted {
        [one] if one != "*" => ListParams::default().fields(&format!("metadata.name={one}")),
        _ => ListParams::default(),
    };
    let items = list_all(&api, &lp, "ServiceAccounts").await?;
    Ok(items
        .into_iter()
        .map(|sa| ((sa.namespace().unwrap_or_default(), sa.name_any()), sa))
        .collect())
}

/// Server-side applies our Secret and returns the API server's answer, or
/// `None` when a Secret of that name exists with another type (the type is
/// immutable, so the server refused and nothing was written). `force` takes
/// over fields another manager set: that is how the original operator's
/// dockerconfigjson Secrets are adopted.
pub async fn apply_secret(client: &Client, secret: &Secret) -> Result<Option<Secret>> {
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

/// How many times a ServiceAccount write is retried when the list changed
/// under an operation's guard (our entry moved, or the list appeared).
const SA_GUARD_RETRIES: usize = 8;

/// Adds (`add = true`) or removes our entry in a ServiceAccount's
/// `imagePullSecrets`. That list is `atomic` for server-side apply, so applying
/// it would replace everyone's entries, and a write of the whole list guarded
/// by the resourceVersion loses to any busy co-writer. Instead a JSON patch
/// appends our entry, or removes it at an index it first tests (see
/// [`desired::pull_secret_patch`]): concurrent writes of others never make it
/// fail. When a guard does fail, the ServiceAccount is read again and the
/// patch recomputed. Returns whether a write happened.
pub async fn edit_pull_secret(
    client: &Client,
    mut sa: ServiceAccount,
    secret_name: &str,
    add: bool,
) -> Result<bool> {
    let ns = sa.namespace().unwrap_or_default();
    let name = sa.name_any();
    let api: Api<ServiceAccount> = Api::namespaced(client.clone(), &ns);
    let op = format!("patch ServiceAccount {ns}/{name}");
    let params = PatchParams {
        field_manager: Some(FIELD_MANAGER.into()),
        ..Default::default()
    };
    for _ in 0..SA_GUARD_RETRIES {
        let Some(ops) =
            desired::pull_secret_patch(sa.image_pull_secrets.as_deref(), secret_name, add)
        else {
            return Ok(false);
        };
        let patch: json_patch::Patch = serde_json::from_value(serde_json::Value::Array(ops))
            .expect("pull_secret_patch builds valid JSON patch operations");
        match api.patch(&name, &params, &Patch::Json::<()>(patch)).await {
            Ok(_) => return Ok(true),
            // A failed `test` (or a path that vanished) is answered with 422:
            // the list is not what it was; read it again.
            Err(kube::Error::Api(s)) if s.code == 422 => {
                sa = match api.get_opt(&name).await {
                    Ok(Some(sa)) => sa,
                    Ok(None) if !add => return Ok(false),
                    Ok(None) => {
                        return Err(Error::Invalid(format!(
                            "failed to {op}: the ServiceAccount was deleted; it will be retried"
                        )));
                    }
                    Err(e) => return Err(Error::kube(op, e)),
                };
            }
            Err(kube::Error::Api(s)) if s.code == 404 && !add => return Ok(false),
            Err(e) => return Err(Error::kube(op, e)),
        }
    }
    Err(Error::Invalid(format!(
        "failed to {op}: its imagePullSecrets kept being reordered under us ({SA_GUARD_RETRIES} attempts); it will be retried"
    )))
}

/// Server-side applies the status subresource.
pub async fn write_status(
    client: &Client,
    obj: &ECRPullSecret,
    status: &ECRPullSecretStatus,
) -> Result<()> {
    let api: Api<ECRPullSecret> = Api::all(client.clone());
    let name = obj.name_any();
    let body = serde_json::json!({
        "apiVersion": ECRPullSecret::api_version(&()),
        "kind": ECRPullSecret::kind(&()),
        "status": status,
    });
    api.patch_status(
        &name,
        &PatchParams::apply(FIELD_MANAGER).force(),
        &Patch::Apply(&body),
    )
    .await
    .map_err(|e| Error::kube(format!("update status of ECRPullSecret {name}"), e))?;
    Ok(())
}

/// Publishes an Event about the resource. Failing to record an Event is logged,
/// not fatal: it must not undo a refresh that worked.
pub async fn publish_event(
    recorder: &Recorder,
    obj: &ECRPullSecret,
    warning: bool,
    reason: &str,
    note: String,
) {
    let ev = Event {
        type_: if warning {
            EventType::Warning
        } else {
            EventType::Normal
        },
        reason: reason.into(),
        note: Some(note),
        action: "Refresh".into(),
        secondary: None,
    };
    if let Err(e) = recorder.publish(&ev, &obj.object_ref(&())).await {
        tracing::warn!(resource = %obj.name_any(), error = %crate::error::root_cause(&e), "could not record event");
    }
}

/// Secrets carrying our owner label for `resource` (all of ours when `None`).
pub async fn managed_secrets(client: &Client, resource: Option<&str>) -> Result<Vec<Secret>> {
    use crate::crd::{MANAGED_BY_LABEL, MANAGED_BY_VALUE, OWNER_LABEL};
    let api: Api<Secret> = Api::all(client.clone());
    let selector = match resource {
        Some(r) => format!("{MANAGED_BY_LABEL}={MANAGED_BY_VALUE},{OWNER_LABEL}={r}"),
        None => format!("{MANAGED_BY_LABEL}={MANAGED_BY_VALUE}"),
    };
    list_all(
        &api,
        &ListParams::default().labels(&selector),
        "managed Secrets",
    )
    .await
}

/// ServiceAccounts in `namespace`.
pub async fn service_accounts_in(client: &Client, namespace: &str) -> Result<Vec<ServiceAccount>> {
    let api: Api<ServiceAccount> = Api::namespaced(client.clone(), namespace);
    list_all(
        &api,
        &ListParams::default(),
        &format!("ServiceAccounts in {namespace}"),
    )
    .await
}

/// Deletes the Secrets in `namespace` carrying our owner label for `resource`,
/// letting the API server do the label match: the way to clean up without
/// permission to read Secrets. Returns the names deleted; a namespace that is
/// gone has none.
pub async fn delete_managed_in(
    client: &Client,
    namespace: &str,
    resource: &str,
) -> Result<Vec<String>> {
    use crate::crd::{MANAGED_BY_LABEL, MANAGED_BY_VALUE, OWNER_LABEL};
    let api: Api<Secret> = Api::namespaced(client.clone(), namespace);
    let lp = ListParams::default().labels(&format!(
        "{MANAGED_BY_LABEL}={MANAGED_BY_VALUE},{OWNER_LABEL}={resource}"
    ));
    match api.delete_collection(&Default::default(), &lp).await {
        // The answer is either the deleted objects or, for none, a Status.
        Ok(answer) => Ok(answer
            .left()
            .map(|list| list.items.iter().map(|s| s.name_any()).collect())
            .unwrap_or_default()),
        Err(kube::Error::Api(s)) if s.code == 404 => Ok(Vec::new()),
        Err(e) => Err(Error::kube(
            format!("delete the Secrets of {resource} in {namespace}"),
            e,
        )),
    }
}

/// Deletes a Secret; one already gone (or whose namespace is gone) counts as done.
/// Returns whether this call deleted it.
pub async fn delete_secret(client: &Client, namespace: &str, name: &str) -> Result<bool> {
    let api: Api<Secret> = Api::namespaced(client.clone(), namespace);
    match api.delete(name, &Default::default()).await {
        Ok(_) => Ok(true),
        Err(kube::Error::Api(s)) if s.code == 404 => Ok(false),
        Err(e) => Err(Error::kube(format!("delete Secret {namespace}/{name}"), e)),
    }
}
