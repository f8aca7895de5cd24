//! Events about a resource: recorded after a pass, read back by `describe`.

use k8s_openapi::api::core::v1::Event as CoreEvent;
use kube::api::ListParams;
use kube::runtime::events::{Event, EventType, Recorder};
use kube::{Api, Client, Resource, ResourceExt};

use crate::crd::ECRPullSecret;
use crate::error::{Error, Result};

/// Publishes an Event about the resource. Failing to record an Event is logged,
/// not fatal: it must not undo a refresh that worked.
pub async fn publish(
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

/// Publishes a Warning about a stored resource that does not match our types
/// (written with validation off, or under an older schema).
pub async fn publish_invalid(recorder: &Recorder, meta: &kube::api::ObjectMeta, note: String) {
    let ev = Event {
        type_: EventType::Warning,
        reason: "InvalidResource".into(),
        note: Some(note),
        action: "Refresh".into(),
        secondary: None,
    };
    let reference = k8s_openapi::api::core::v1::ObjectReference {
        api_version: Some(ECRPullSecret::api_version(&()).into_owned()),
        kind: Some(ECRPullSecret::kind(&()).into_owned()),
        name: meta.name.clone(),
        uid: meta.uid.clone(),
        resource_version: meta.resource_version.clone(),
        ..Default::default()
    };
    if let Err(e) = recorder.publish(&ev, &reference).await {
        tracing::warn!(error = %crate::error::root_cause(&e), "could not record event");
    }
}

/// Events whose involved object is the resource `name`.
pub async fn about(client: &Client, name: &str) -> Result<Vec<CoreEvent>> {
    let lp = ListParams::default().fields(&format!(
        "involvedObject.kind=ECRPullSecret,involvedObject.name={name}"
    ));
    Api::<CoreEvent>::all(client.clone())
        .list(&lp)
        .await
        .map(|l| l.items)
        .map_err(|e| Error::kube(format!("list Events of ECRPullSecret {name}"), e))
}
