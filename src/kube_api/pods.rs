//! Pods and the kubelet's Events about them, read by `doctor`.

use k8s_openapi::api::core::v1::{Event, Pod};
use kube::api::ListParams;
use kube::{Api, Client};

use super::{is_not_found, list_all};
use crate::error::{Error, Result};

/// Pods in `namespace`, or in every namespace when `None`.
pub async fn list(client: &Client, namespace: Option<&str>) -> Result<Vec<Pod>> {
    let (api, what): (Api<Pod>, String) = match namespace {
        Some(ns) => (Api::namespaced(client.clone(), ns), format!("Pods in {ns}")),
        None => (Api::all(client.clone()), "Pods".into()),
    };
    list_all(&api, &ListParams::default(), &what).await
}

/// One Pod; `None` when it does not exist.
pub async fn get(client: &Client, namespace: &str, name: &str) -> Result<Option<Pod>> {
    match Api::<Pod>::namespaced(client.clone(), namespace)
        .get_opt(name)
        .await
    {
        Ok(p) => Ok(p),
        Err(e) if is_not_found(&e) => Ok(None),
        Err(e) => Err(Error::kube(format!("get Pod {namespace}/{name}"), e)),
    }
}

/// The kubelet's `Failed` Events about Pods (a failed pull is one), in
/// `namespace` or everywhere, or about one Pod: one list call however many
/// Pods there are.
pub async fn failed_events(
    client: &Client,
    namespace: Option<&str>,
    pod: Option<&str>,
) -> Result<Vec<Event>> {
    let api: Api<Event> = match namespace {
        Some(ns) => Api::namespaced(client.clone(), ns),
        None => Api::all(client.clone()),
    };
    let mut fields = "involvedObject.kind=Pod,reason=Failed".to_string();
    if let Some(p) = pod {
        fields.push_str(&format!(",involvedObject.name={p}"));
    }
    let lp = ListParams::default().fields(&fields);
    list_all(&api, &lp, "Events about Pods").await
}
