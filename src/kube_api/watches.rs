//! The watch streams the controller runs on: resources (cached, each read
//! through a [`DeserializeGuard`]), namespaces
//! (metadata only), our Secrets (by label, metadata only) and ServiceAccounts
//! (streamed, not cached). Each retries with kube's default backoff.

use futures::Stream;
use k8s_openapi::api::core::v1::{Namespace, Secret, ServiceAccount};
use kube::core::{DeserializeGuard, PartialObjectMeta};
use kube::runtime::WatchStreamExt;
use kube::runtime::reflector::store::Writer;
use kube::runtime::watcher::{self, watcher};
use kube::{Api, Client, Resource};
use serde::de::DeserializeOwned;

use crate::crd::{ECRPullSecret, MANAGED_BY_LABEL, MANAGED_BY_VALUE};

/// A resource as stored, or the error that kept it from reading as one: a
/// single malformed object (written with validation off, or under an older
/// schema) must not stop the watch of all the others.
pub type Guarded = DeserializeGuard<ECRPullSecret>;

/// Every change to the resources (those matching `selector`, if given),
/// written into `store` as it comes.
pub fn resources(
    client: &Client,
    selector: Option<&str>,
    store: Writer<Guarded>,
) -> impl Stream<Item = Result<watcher::Event<Guarded>, watcher::Error>> + Send + use<> {
    let mut config = watcher::Config::default();
    if let Some(selector) = selector {
        config = config.labels(selector);
    }
    watcher(Api::<Guarded>::all(client.clone()), config)
        .default_backoff()
        .reflect(store)
}

/// Namespaces: names and labels only.
pub fn namespaces(
    client: &Client,
) -> impl Stream<Item = Result<PartialObjectMeta<Namespace>, watcher::Error>> + Send + use<> {
    metadata(client, watcher::Config::default())
}

/// Secrets: only ours, by label, metadata only (the owner label is all a
/// trigger needs), and never kept in memory.
pub fn managed_secrets(
    client: &Client,
) -> impl Stream<Item = Result<PartialObjectMeta<Secret>, watcher::Error>> + Send + use<> {
    let ours = format!("{MANAGED_BY_LABEL}={MANAGED_BY_VALUE}");
    metadata(client, watcher::Config::default().labels(&ours))
}

/// Our Secrets named `name`, metadata only: in `named` Secret access one such
/// watch runs per distinct name, its field selector keeping the request within
/// what RBAC `resourceNames` grants.
pub fn named_secrets(
    client: &Client,
    name: &str,
) -> impl Stream<Item = Result<PartialObjectMeta<Secret>, watcher::Error>> + Send + use<> {
    let ours = format!("{MANAGED_BY_LABEL}={MANAGED_BY_VALUE}");
    let config = watcher::Config::default()
        .fields(&format!("metadata.name={name}"))
        .labels(&ours);
    metadata(client, config)
}

/// Whether a watch failed because RBAC refuses it (retrying cannot help until
/// the grant changes).
pub fn forbidden(err: &watcher::Error) -> bool {
    use watcher::Error as E;
    match err {
        E::InitialListFailed(kube::Error::Api(s))
        | E::WatchStartFailed(kube::Error::Api(s))
        | E::WatchFailed(kube::Error::Api(s)) => s.code == 403,
        E::WatchError(s) => s.code == 403,
        _ => false,
    }
}

/// Every change to the metadata of the objects of kind `K` that `config`
/// selects.
fn metadata<K>(
    client: &Client,
    config: watcher::Config,
) -> impl Stream<Item = Result<PartialObjectMeta<K>, watcher::Error>> + Send + use<K>
where
    K: Resource<DynamicType = ()>
        + Clone
        + DeserializeOwned
        + std::fmt::Debug
        + Send
        + Sync
        + 'static,
{
    watcher(Api::<PartialObjectMeta<K>>::all(client.clone()), config)
        .default_backoff()
        .touched_objects()
}

/// ServiceAccounts: streamed, not cached.
pub fn service_accounts(
    client: &Client,
) -> impl Stream<Item = Result<ServiceAccount, watcher::Error>> + Send + use<> {
    watcher(
        Api::<ServiceAccount>::all(client.clone()),
        watcher::Config::default(),
    )
    .default_backoff()
    .applied_objects()
}
