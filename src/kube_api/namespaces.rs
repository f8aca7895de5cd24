//! Namespaces: listed metadata-only, for the targets of a resource.

use k8s_openapi::api::core::v1::Namespace;
use kube::api::ListParams;
use kube::core::PartialObjectMeta;
use kube::{Api, Client};

use super::{is_not_found, paged};
use crate::error::{Error, Result};

/// Every namespace's metadata, as `keep` reduces it (each page is reduced as
/// it arrives, so a large cluster's metadata is never held whole), and the
/// resourceVersion the list was read at (that of its first page): what a pass
/// that cannot read Secrets compares its applies against to tell a write from
/// a no-op.
pub async fn list<T>(
    client: &Client,
    keep: impl Fn(PartialObjectMeta<Namespace>) -> T,
) -> Result<(Vec<T>, Option<String>)> {
    let api: Api<Namespace> = Api::all(client.clone());
    let fetch = |lp: ListParams| {
        let api = &api;
        async move { api.list_metadata(&lp).await }
    };
    paged(&ListParams::default(), "namespaces", fetch, keep).await
}

/// One namespace's metadata; `None` when it does not exist.
pub async fn get(client: &Client, name: &str) -> Result<Option<PartialObjectMeta<Namespace>>> {
    let api: Api<Namespace> = Api::all(client.clone());
    match api.get_metadata_opt(name).await {
        Ok(n) => Ok(n),
        Err(e) if is_not_found(&e) => Ok(None),
        Err(e) => Err(Error::kube(format!("get namespace {name}"), e)),
    }
}
