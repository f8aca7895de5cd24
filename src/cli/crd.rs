//! `kubectl ecrcreds crd` prints the CRD; `kubectl ecrcreds install` applies it.

use std::io::Write;
use std::time::Duration;

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{Patch, PatchParams};
use kube::runtime::conditions;
use kube::runtime::wait::await_condition;
use kube::{Api, CustomResourceExt, ResourceExt};

use super::{GlobalArgs, exit};
use crate::crd::{ECRPullSecret, FIELD_MANAGER, crd_yaml};
use crate::error::{Error, Result};

/// Arguments of `crd`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  kubectl ecrcreds crd > ecrpullsecrets.yaml")]
pub struct PrintArgs {}

/// Arguments of `install`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  kubectl ecrcreds install --context prod")]
pub struct InstallArgs {
    /// Seconds to wait for the API server to serve the new type.
    #[arg(long, default_value_t = 30, value_name = "SECONDS")]
    pub wait: u64,
}

/// Prints the CRD YAML to stdout.
pub fn print(_args: PrintArgs) -> Result<i32> {
    let mut out = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth reporting.
    let _ = out.write_all(crd_yaml().as_bytes());
    Ok(exit::OK)
}

/// Server-side applies the CRD and waits until it is established.
pub async fn install(global: &GlobalArgs, args: InstallArgs) -> Result<i32> {
    let client = global.client().await?;
    let crd = ECRPullSecret::crd();
    let name = crd.name_any();
    let api: Api<CustomResourceDefinition> = Api::all(client);
    api.patch(
        &name,
        &PatchParams::apply(FIELD_MANAGER).force(),
        &Patch::Apply(&crd),
    )
    .await
    .map_err(|e| Error::kube(format!("apply CustomResourceDefinition {name}"), e))?;
    let established = await_condition(api, &name, conditions::is_crd_established());
    match tokio::time::timeout(Duration::from_secs(args.wait), established).await {
        Ok(Ok(_)) => {
            eprintln!("customresourcedefinition.apiextensions.k8s.io/{name} serverside-applied");
            Ok(exit::OK)
        }
        Ok(Err(e)) => Err(Error::Config(format!(
            "applied CRD {name} but could not watch it become established: {}",
            crate::error::root_cause(&e)
        ))),
        Err(_) => Err(Error::Config(format!(
            "applied CRD {name} but it was not established within {}s; check `kubectl get crd {name} -o yaml`",
            args.wait
        ))),
    }
}
