//! Every call this program makes to the Kubernetes API, one file per kind:
//! [`resources`] (ECRPullSecrets and their CRD), [`namespaces`], [`secrets`],
//! [`service_accounts`], [`events`], [`pods`], and the [`watches`] and leader [`lease`]
//! the controller runs on. Nothing outside this module builds an `Api`. Every
//! error names the operation and the object. These functions speak in
//! Kubernetes objects; deciding what to write is the reconcile's business.

pub mod events;
pub mod lease;
pub mod namespaces;
pub mod pods;
pub mod resources;
pub mod secrets;
pub mod service_accounts;
pub mod watches;

use kube::api::{ListParams, ObjectList};
use kube::{Api, Resource};
use serde::de::DeserializeOwned;

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

/// Whether a client error is the API server saying "no such object".
fn is_not_found(err: &kube::Error) -> bool {
    matches!(err, kube::Error::Api(s) if s.code == 404)
}

/// Whether a failed call was refused by RBAC.
pub fn is_forbidden(err: &Error) -> bool {
    matches!(err, Error::Kube { source: kube::Error::Api(s), .. } if s.code == 403)
}
