//! The leader-election Lease: read it, create it, and take, renew or release
//! it with a patch that carries the resourceVersion it was read at, so two
//! replicas can never both think their write won.

use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use kube::api::{Patch, PatchParams, PostParams};
use kube::{Api, Client};

use crate::crd::FIELD_MANAGER;
use crate::error::{Error, Result};

/// The Lease `name` in `namespace`.
pub fn api(client: &Client, namespace: &str) -> Api<Lease> {
    Api::namespaced(client.clone(), namespace)
}

fn op(api: &Api<Lease>, verb: &str, name: &str) -> String {
    let ns = api.namespace().unwrap_or_default();
    format!("{verb} Lease {ns}/{name}")
}

/// Reads the Lease, if it exists.
pub async fn get(api: &Api<Lease>, name: &str) -> Result<Option<Lease>> {
    api.get_opt(name)
        .await
        .map_err(|e| Error::kube(op(api, "get", name), e))
}

/// Creates the Lease with `spec`; `None` when another replica created it first.
pub async fn create(api: &Api<Lease>, name: &str, spec: LeaseSpec) -> Result<Option<Lease>> {
    let lease = Lease {
        metadata: kube::api::ObjectMeta {
            name: Some(name.to_string()),
            ..Default::default()
        },
        spec: Some(spec),
    };
    let pp = PostParams {
        field_manager: Some(format!("{FIELD_MANAGER}-lease")),
        ..Default::default()
    };
    match api.create(&pp, &lease).await {
        Ok(l) => Ok(Some(l)),
        Err(kube::Error::Api(s)) if s.code == 409 => Ok(None),
        Err(e) => Err(Error::kube(op(api, "create", name), e)),
    }
}

/// Writes `spec` over the Lease as read at `resource_version`; `None` when it
/// changed since (another replica wrote it first).
pub async fn update(
    api: &Api<Lease>,
    name: &str,
    resource_version: &str,
    spec: &LeaseSpec,
) -> Result<Option<Lease>> {
    let patch = serde_json::json!({
        "metadata": {"resourceVersion": resource_version},
        "spec": spec,
    });
    let pp = PatchParams {
        field_manager: Some(format!("{FIELD_MANAGER}-lease")),
        ..Default::default()
    };
    match api.patch(name, &pp, &Patch::Merge(&patch)).await {
        Ok(l) => Ok(Some(l)),
        Err(kube::Error::Api(s)) if s.code == 409 => Ok(None),
        Err(e) => Err(Error::kube(op(api, "renew", name), e)),
    }
}
