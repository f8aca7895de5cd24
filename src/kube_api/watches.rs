//! The watch streams the controller runs on: resources (cached), namespaces
//! (metadata only), our Secrets (by label, metadata only) and ServiceAccounts
//! (streamed, not cached). Each retries with kube's default backoff.

use futures::Stream;
use k8s_openapi::api::core::v1::{Namespace, Secret, ServiceAccount};
use kube::core::PartialObjectMeta;
use kube::runtime::WatchStreamExt;
use kube::runtime::reflector::store::Writer;
use kube::runtime::watcher::{self, watcher};
use kube::{Api, Client};

use crate::crd::{ECRPullSecret, MANAGED_BY_LABEL, MANAGED_BY_VALUE};

/// Resources (those matching `selector`, if given), written into `store` as
/// they change.
pub fn resources(
    client: &Client,
    selector: Option<&str>,
    store: Writer<ECRPullSecret>,
) -> impl Stream<Item = Result<ECRPullSecret, watcher::Error>> + Send + use<> {
    let mut config = watcher::Config::default();
    if let Some(selector) = selector {
        config = config.labels(selector);
    }
    watcher(Api::<ECRPullSecret>::all(client.clone()), config)
        .default_backoff()
        .reflect(store)
        .applied_objects()
}

/// Namespaces: names and labels only.
pub fn namespaces(
    client: &Client,
) -> impl Stream<Item = Result<PartialObjectMeta<Namespace>, watcher::Error>> + Send + use<> {
    watcher(
        Api::<PartialObjectMeta<Namespace>>::all(client.clone()),
        watcher::Config::default(),
    )
    .default_backoff()
    .touched_objects()
}

/// Secrets: only ours, by label, metadata only (the owner label is all a
/// trigger needs), and never kept in memory.
pub fn managed_secrets(
    client: &Client,
) -> impl Stream<Item = Result<PartialObjectMeta<Secret>, watcher::Error>> + Send + use<> {
    watcher(
        Api::<PartialObjectMeta<Secret>>::all(client.clone()),
        watcher::Config::default().labels(&format!("{MANAGED_BY_LABEL}={MANAGED_BY_VALUE}")),
    )
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
