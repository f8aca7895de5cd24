//! The fan-out benchmark's stopwatch: creates an ECRPullSecret and waits,
//! through a watch, until its status reports COUNT namespaces ready; prints the
//! milliseconds in between. In one process, so neither kubectl's start-up nor
//! a polling interval is counted as the controller's time.
//!
//! Usage: ready_probe NAME SECRET_NAME SERVICE_ACCOUNTS_JSON COUNT
//! (the resource selects namespaces labelled bench=yes, two registries in two
//! regions, and carries the label bench=controller).

use std::time::Instant;

use futures::{StreamExt, TryStreamExt};
use kube::api::{Api, PostParams};
use kube::runtime::watcher;
use kube::{Client, ResourceExt};
use kubectl_ecrcreds::crd::ECRPullSecret;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, name, secret_name, sas, count] = args.as_slice() else {
        eprintln!("usage: ready_probe NAME SECRET_NAME SERVICE_ACCOUNTS_JSON COUNT");
        std::process::exit(2);
    };
    let count: u32 = count.parse()?;
    let sas: serde_json::Value = serde_json::from_str(sas)?;
    let resource: ECRPullSecret = serde_json::from_value(serde_json::json!({
        "apiVersion": "alchemy.com/v1alpha1",
        "kind": "ECRPullSecret",
        "metadata": {"name": name, "labels": {"bench": "controller"}},
        "spec": {
            "secretName": secret_name,
            "namespaceSelector": {"matchLabels": {"bench": "yes"}},
            "registries": [
                "111122223333.dkr.ecr.us-east-1.amazonaws.com",
                "444455556666.dkr.ecr.eu-west-1.amazonaws.com",
            ],
            "serviceAccounts": sas,
        },
    }))?;
    let client = Client::try_default().await?;
    let api: Api<ECRPullSecret> = Api::all(client);
    // Watch first, so the status that completes the fan-out cannot be missed;
    // create once the watch's initial list is in.
    let config = watcher::Config::default().fields(&format!("metadata.name={name}"));
    let mut events = watcher(api.clone(), config).boxed();
    let mut began = None;
    while let Some(event) = events.try_next().await? {
        let obj = match event {
            watcher::Event::InitDone if began.is_none() => {
                began = Some(Instant::now());
                api.create(&PostParams::default(), &resource).await?;
                continue;
            }
            watcher::Event::Apply(obj) | watcher::Event::InitApply(obj) => obj,
            _ => continue,
        };
        let ready = obj
            .status
            .as_ref()
            .and_then(|s| s.namespaces.as_ref())
            .map(|n| n.ready);
        if let (Some(t), Some(ready)) = (began, ready)
            && obj.name_any() == *name
            && ready == count
        {
            println!("{}", t.elapsed().as_millis());
            return Ok(());
        }
    }
    Err("the watch ended before the resource was ready".into())
}
