//! ServiceAccounts: listed for the entries we keep in their
//! `imagePullSecrets`, and our entry added or removed by JSON patch without
//! touching anyone else's.

use std::collections::HashMap;

use k8s_openapi::api::authentication::v1::{TokenRequest, TokenRequestSpec};
use k8s_openapi::api::core::v1::{LocalObjectReference, ServiceAccount};
use kube::api::{ListParams, Patch, PatchParams, PostParams};
use kube::{Api, Client, ResourceExt};

use super::{is_not_found, list_all};
use crate::crd::FIELD_MANAGER;
use crate::error::{Error, Result};

/// ServiceAccounts keyed by (namespace, name). With one wanted name, the list is
/// narrowed by field selector; with several or `*`, all are listed.
pub async fn list(
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

/// ServiceAccounts in `namespace`.
pub async fn list_in(client: &Client, namespace: &str) -> Result<Vec<ServiceAccount>> {
    let api: Api<ServiceAccount> = Api::namespaced(client.clone(), namespace);
    list_all(
        &api,
        &ListParams::default(),
        &format!("ServiceAccounts in {namespace}"),
    )
    .await
}

/// Reads one ServiceAccount; `None` when it (or its namespace) is gone.
pub async fn get(client: &Client, namespace: &str, name: &str) -> Result<Option<ServiceAccount>> {
    let api: Api<ServiceAccount> = Api::namespaced(client.clone(), namespace);
    match api.get_opt(name).await {
        Ok(sa) => Ok(sa),
        Err(e) if is_not_found(&e) => Ok(None),
        Err(e) => Err(Error::kube(
            format!("get ServiceAccount {namespace}/{name}"),
            e,
        )),
    }
}

/// Asks the API server for a short-lived token of a ServiceAccount with
/// `audience` (TokenRequest: `create` on `serviceaccounts/token`). The token
/// is returned to the caller alone and never put in an error.
pub async fn request_token(
    client: &Client,
    namespace: &str,
    name: &str,
    audience: &str,
) -> Result<String> {
    let api: Api<ServiceAccount> = Api::namespaced(client.clone(), namespace);
    let request = TokenRequest {
        spec: Some(TokenRequestSpec {
            audiences: Some(vec![audience.to_string()]),
            // The shortest the API server issues: it is spent at once.
            expiration_seconds: Some(600),
            ..Default::default()
        }),
        ..Default::default()
    };
    let answer = api
        .create_token_request(name, &PostParams::default(), &request)
        .await
        .map_err(|e| {
            Error::kube(
                format!("request a token for ServiceAccount {namespace}/{name}"),
                e,
            )
        })?;
    answer
        .status
        .and_then(|s| s.token)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            Error::Invalid(format!(
                "the API server returned no token for ServiceAccount {namespace}/{name}"
            ))
        })
}

/// What to do with our entry in a ServiceAccount's `imagePullSecrets`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
    /// Append it, unless it is there.
    Add,
    /// Remove it, if it is there.
    Remove,
}

/// How many times a ServiceAccount write is retried when the list changed
/// under an operation's guard (our entry moved, or the list appeared).
const SA_GUARD_RETRIES: usize = 8;

/// Adds or removes our entry `secret_name` in a ServiceAccount's
/// `imagePullSecrets`. That list is `atomic` for server-side apply, so applying
/// it would replace everyone's entries, and a write of the whole list guarded
/// by the resourceVersion loses to any busy co-writer. Instead a JSON patch
/// appends our entry, or removes it at an index it first tests (see
/// [`pull_secret_patch`]): concurrent writes of others never make it fail.
/// When a guard does fail, the ServiceAccount is read again and the patch
/// recomputed. Returns whether a write happened.
pub async fn edit_pull_secret(
    client: &Client,
    mut sa: ServiceAccount,
    secret_name: &str,
    entry: Entry,
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
        let Some(ops) = pull_secret_patch(sa.image_pull_secrets.as_deref(), secret_name, entry)
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
                    Ok(None) if entry == Entry::Remove => return Ok(false),
                    Ok(None) => {
                        return Err(Error::Invalid(format!(
                            "failed to {op}: the ServiceAccount was deleted; it will be retried"
                        )));
                    }
                    Err(e) => return Err(Error::kube(op, e)),
                };
            }
            Err(e) if is_not_found(&e) && entry == Entry::Remove => return Ok(false),
            Err(e) => return Err(Error::kube(op, e)),
        }
    }
    Err(Error::Invalid(format!(
        "failed to {op}: its imagePullSecrets kept being reordered under us ({SA_GUARD_RETRIES} attempts); it will be retried"
    )))
}

/// The JSON patch that puts our entry into ([`Entry::Add`]) or takes it out of
/// a ServiceAccount's `imagePullSecrets`, given the list as last read, or
/// `None` when the list is already as wanted (ours exactly once, or not at
/// all).
///
/// The patch never carries the object's resourceVersion, so a busy co-writer
/// cannot starve it; instead each operation guards only what it relies on:
/// appending needs nothing, creating the list tests that it is still absent,
/// and each removal tests that our entry is still at that index. Entries of
/// others are never rewritten. A duplicate of ours (two writers raced to
/// append) is removed, keeping the first.
pub fn pull_secret_patch(
    current: Option<&[LocalObjectReference]>,
    secret_name: &str,
    entry: Entry,
) -> Option<Vec<serde_json::Value>> {
    let current = current.unwrap_or_default();
    let ours = serde_json::json!({ "name": secret_name });
    let at: Vec<usize> = current
        .iter()
        .enumerate()
        .filter(|(_, r)| r.name == secret_name)
        .map(|(i, _)| i)
        .collect();
    let remove = |indices: &[usize]| -> Vec<serde_json::Value> {
        // Highest index first, so earlier removals do not shift later ones.
        indices
            .iter()
            .rev()
            .flat_map(|i| {
                let path = format!("/imagePullSecrets/{i}");
                [
                    serde_json::json!({"op": "test", "path": path, "value": ours}),
                    serde_json::json!({"op": "remove", "path": path}),
                ]
            })
            .collect()
    };
    match (entry, at.as_slice()) {
        (Entry::Add, []) if current.is_empty() => Some(vec![
            serde_json::json!({"op": "test", "path": "/imagePullSecrets", "value": null}),
            serde_json::json!({"op": "add", "path": "/imagePullSecrets", "value": [ours]}),
        ]),
        (Entry::Add, []) => Some(vec![
            serde_json::json!({"op": "add", "path": "/imagePullSecrets/-", "value": ours}),
        ]),
        (Entry::Add, [_]) | (Entry::Remove, []) => None,
        (Entry::Add, [_, extra @ ..]) => Some(remove(extra)),
        (Entry::Remove, all) => Some(remove(all)),
    }
}

/// Whether `sa` lists `secret_name` in its `imagePullSecrets`.
pub fn lists_pull_secret(sa: &ServiceAccount, secret_name: &str) -> bool {
    sa.image_pull_secrets
        .iter()
        .flatten()
        .any(|r| r.name == secret_name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    #[test]
    fn pull_secret_patches_append_create_dedupe_and_remove_by_guarded_index() {
        let patch = |list: Option<&[&str]>, entry| {
            let refs: Option<Vec<LocalObjectReference>> = list.map(|names| {
                names
                    .iter()
                    .map(|n| LocalObjectReference {
                        name: n.to_string(),
                    })
                    .collect()
            });
            pull_secret_patch(refs.as_deref(), "ecr", entry).map(Value::Array)
        };
        let ours = json!({"name": "ecr"});
        let remove_at = |i: usize| {
            let path = format!("/imagePullSecrets/{i}");
            vec![
                json!({"op": "test", "path": path, "value": ours}),
                json!({"op": "remove", "path": path}),
            ]
        };
        let create = json!([
            {"op": "test", "path": "/imagePullSecrets", "value": null},
            {"op": "add", "path": "/imagePullSecrets", "value": [ours]},
        ]);
        let twice: &[&str] = &["ecr", "x", "ecr"];
        /// The list as read, the edit, the patch wanted.
        type Case<'a> = (Option<&'a [&'a str]>, Entry, Option<Value>);
        let cases: Vec<Case> = vec![
            // Others' entries: append after them, guarding nothing.
            (
                Some(&["x", "y"]),
                Entry::Add,
                Some(json!([{"op": "add", "path": "/imagePullSecrets/-", "value": ours}])),
            ),
            // No list: create it only if it is still absent.
            (None, Entry::Add, Some(create.clone())),
            (Some(&[]), Entry::Add, Some(create)),
            // Already there once: nothing to do; not there: nothing to remove.
            (Some(&["x", "ecr"]), Entry::Add, None),
            (Some(&["x"]), Entry::Remove, None),
            (None, Entry::Remove, None),
            // A duplicate is removed, the first kept; removal tests each index,
            // highest first.
            (Some(twice), Entry::Add, Some(Value::Array(remove_at(2)))),
            (
                Some(twice),
                Entry::Remove,
                Some(Value::Array([remove_at(2), remove_at(0)].concat())),
            ),
        ];
        for (list, entry, want) in cases {
            assert_eq!(patch(list, entry), want, "{list:?} {entry:?}");
        }
    }
}
