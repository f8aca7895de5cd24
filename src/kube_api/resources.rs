//! ECRPullSecret resources (read, listed, created, their status and
//! finalizer written) and the CRD that defines them.

use std::time::Duration;

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{ListParams, Patch, PatchParams, PostParams};
use kube::runtime::conditions;
use kube::runtime::wait::await_condition;
use kube::{Api, Client, CustomResourceExt, Resource, ResourceExt};

use super::is_not_found;
use crate::crd::{ECRPullSecret, ECRPullSecretStatus, FIELD_MANAGER, FINALIZER};
use crate::error::{Error, Result, suggest};

fn api(client: &Client) -> Api<ECRPullSecret> {
    Api::all(client.clone())
}

/// Reads one resource; a missing one gets a suggestion of similar names.
pub async fn get(client: &Client, name: &str) -> Result<ECRPullSecret> {
    match api(client).get_opt(name).await {
        Ok(Some(obj)) => Ok(obj),
        Ok(None) => {
            let names = names(client).await.unwrap_or_default();
            Err(Error::NotFound {
                name: name.to_string(),
                hint: suggest(name, &names),
            })
        }
        Err(e) => Err(Error::kube(format!("get ECRPullSecret {name}"), e)),
    }
}

/// Every resource, or those matching a label selector.
pub async fn list(client: &Client, selector: Option<&str>) -> Result<Vec<ECRPullSecret>> {
    let mut lp = ListParams::default();
    if let Some(s) = selector {
        lp = lp.labels(s);
    }
    api(client)
        .list(&lp)
        .await
        .map(|l| l.items)
        .map_err(|e| Error::kube("list ECRPullSecret resources", e))
}

/// The names of every resource.
pub async fn names(client: &Client) -> Result<Vec<String>> {
    api(client)
        .list_metadata(&ListParams::default())
        .await
        .map(|l| l.items.iter().map(|m| m.name_any()).collect())
        .map_err(|e| Error::kube("list ECRPullSecret resources", e))
}

/// Fails, in one sentence, when resources cannot be listed: the CRD is
/// missing or access is denied. A single-item list, to ask cheaply.
pub async fn check_listable(client: &Client) -> Result<()> {
    api(client)
        .list_metadata(&ListParams::default().limit(1))
        .await
        .map(|_| ())
        .map_err(|e| Error::kube("list ECRPullSecret resources", e))
}

/// Creates a resource (`overwrite`: server-side applies it over one of the
/// same name); `dry_run` asks the API server to validate without persisting.
pub async fn create(
    client: &Client,
    obj: &ECRPullSecret,
    overwrite: bool,
    dry_run: bool,
) -> Result<ECRPullSecret> {
    let api = api(client);
    let name = obj.name_any();
    let created = if overwrite {
        let mut pp = PatchParams::apply(FIELD_MANAGER).force();
        pp.dry_run = dry_run;
        api.patch(&name, &pp, &Patch::Apply(obj)).await
    } else {
        let pp = PostParams {
            dry_run,
            field_manager: Some(FIELD_MANAGER.into()),
        };
        api.create(&pp, obj).await
    };
    match created {
        Ok(o) => Ok(o),
        Err(kube::Error::Api(s)) if s.code == 409 => Err(Error::Invalid(format!(
            "ECRPullSecret {name:?} already exists; pick another name, or pass --overwrite to replace it"
        ))),
        Err(e) => Err(Error::kube(format!("create ECRPullSecret {name}"), e)),
    }
}

/// Server-side applies the status subresource.
pub async fn write_status(
    client: &Client,
    obj: &ECRPullSecret,
    status: &ECRPullSecretStatus,
) -> Result<()> {
    let name = obj.name_any();
    let body = serde_json::json!({
        "apiVersion": ECRPullSecret::api_version(&()),
        "kind": ECRPullSecret::kind(&()),
        "status": status,
    });
    api(client)
        .patch_status(
            &name,
            &PatchParams::apply(FIELD_MANAGER).force(),
            &Patch::Apply(&body),
        )
        .await
        .map_err(|e| Error::kube(format!("update status of ECRPullSecret {name}"), e))?;
    Ok(())
}

/// Adds or removes our finalizer. The merge patch carries the resourceVersion
/// it was computed from, so a concurrent change is never overwritten: the
/// conflict fails the pass and it is retried.
pub async fn set_finalizer(client: &Client, obj: &ECRPullSecret, present: bool) -> Result<()> {
    let name = obj.name_any();
    let mut next: Vec<String> = obj
        .finalizers()
        .iter()
        .filter(|f| *f != FINALIZER)
        .cloned()
        .collect();
    if present {
        next.push(FINALIZER.to_string());
    }
    let patch = serde_json::json!({
        "metadata": {"resourceVersion": obj.resource_version(), "finalizers": next}
    });
    match api(client)
        .patch(&name, &PatchParams::default(), &Patch::Merge(&patch))
        .await
    {
        Ok(_) => Ok(()),
        // Already gone: nothing left to hold.
        Err(e) if is_not_found(&e) && !present => Ok(()),
        Err(e) => Err(Error::kube(
            format!("update finalizers of ECRPullSecret {name}"),
            e,
        )),
    }
}

/// Server-side applies the CRD and waits up to `wait` until it is established.
/// Returns its name.
pub async fn install_crd(client: &Client, wait: Duration) -> Result<String> {
    let crd = ECRPullSecret::crd();
    let name = crd.name_any();
    let api: Api<CustomResourceDefinition> = Api::all(client.clone());
    api.patch(
        &name,
        &PatchParams::apply(FIELD_MANAGER).force(),
        &Patch::Apply(&crd),
    )
    .await
    .map_err(|e| Error::kube(format!("apply CustomResourceDefinition {name}"), e))?;
    let established = await_condition(api, &name, conditions::is_crd_established());
    match tokio::time::timeout(wait, established).await {
        Ok(Ok(_)) => Ok(name),
        Ok(Err(e)) => Err(Error::Config(format!(
            "applied CRD {name} but could not watch it become established: {}",
            crate::error::root_cause(&e)
        ))),
        Err(_) => Err(Error::Config(format!(
            "applied CRD {name} but it was not established within {}s; check `kubectl get crd {name} -o yaml`",
            wait.as_secs()
        ))),
    }
}
