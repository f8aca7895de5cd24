//! `kubectl ecrcreds crd` prints the CRD; `kubectl ecrcreds install` applies it.

use std::io::Write;
use std::time::Duration;

use super::{GlobalArgs, exit};
use crate::crd::crd_yaml;
use crate::error::Result;
use crate::kube_api;

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
    let name = kube_api::resources::install_crd(&client, Duration::from_secs(args.wait)).await?;
    eprintln!("customresourcedefinition.apiextensions.k8s.io/{name} serverside-applied");
    Ok(exit::OK)
}
