//! The leanest client for the fan-out benchmark: server-side applies one
//! dockerconfigjson Secret into each of N namespaces with the same client stack
//! and concurrency as the reconcile, and nothing else (no reads, no tokens, no
//! ServiceAccounts, no status). Its time is the physical limit the controller
//! is compared with.
//!
//! With a SERVICE_ACCOUNT it also adds the Secret to that ServiceAccount's
//! imagePullSecrets in each namespace, with the one guarded JSON patch the
//! controller sends when the list is absent (test null, add): the limit for
//! the controller's default job, Secret and ServiceAccount entry.
//!
//! Usage: cargo run --release --example lean_apply -- PREFIX COUNT CONCURRENCY SECRET_NAME [SERVICE_ACCOUNT]

use std::collections::BTreeMap;
use std::time::Instant;

use futures::{StreamExt, stream};
use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::{Secret, ServiceAccount};
use kube::api::{ObjectMeta, Patch, PatchParams};
use kube::{Api, Client};

#[tokio::main]
async fn main() -> anyhow_free::Result {
    let args: Vec<String> = std::env::args().collect();
    let (prefix, count, concurrency, name, account) = match args.as_slice() {
        [_, p, c, k, n] => (p, c, k, n, None),
        [_, p, c, k, n, a] => (p, c, k, n, Some(a.clone())),
        _ => {
            eprintln!("usage: lean_apply PREFIX COUNT CONCURRENCY SECRET_NAME [SERVICE_ACCOUNT]");
            std::process::exit(2);
        }
    };
    let count: usize = count.parse()?;
    let concurrency: usize = concurrency.parse()?;
    let client = Client::try_default().await?;
    let payload = br#"{"auths":{"111122223333.dkr.ecr.us-east-1.amazonaws.com":{"username":"AWS","password":"x","auth":"QVdTOng="}}}"#;
    let start = Instant::now();
    let results: Vec<Result<(), kube::Error>> = stream::iter(1..=count)
        .map(|i| {
            let client = client.clone();
            let ns = format!("{prefix}{i}");
            let account = account.clone();
            async move {
                let secret = Secret {
                    metadata: ObjectMeta {
                        name: Some(name.clone()),
                        namespace: Some(ns.clone()),
                        ..Default::default()
                    },
                    type_: Some("kubernetes.io/dockerconfigjson".into()),
                    data: Some(BTreeMap::from([(
                        ".dockerconfigjson".to_string(),
                        ByteString(payload.to_vec()),
                    )])),
                    ..Default::default()
                };
                Api::<Secret>::namespaced(client.clone(), &ns)
                    .patch(
                        name,
                        &PatchParams::apply("lean-apply").force(),
                        &Patch::Apply(&secret),
                    )
                    .await?;
                if let Some(account) = account {
                    let ops = serde_json::json!([
                        {"op": "test", "path": "/imagePullSecrets", "value": null},
                        {"op": "add", "path": "/imagePullSecrets", "value": [{"name": name}]},
                    ]);
                    let patch: json_patch::Patch =
                        serde_json::from_value(ops).expect("valid JSON patch");
                    Api::<ServiceAccount>::namespaced(client, &ns)
                        .patch(&account, &PatchParams::default(), &Patch::<()>::Json(patch))
                        .await?;
                }
                Ok(())
            }
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    let failed = results.iter().filter(|r| r.is_err()).count();
    println!("{}", start.elapsed().as_millis());
    if failed > 0 {
        eprintln!("{failed} applies failed");
        std::process::exit(1);
    }
    Ok(())
}

/// `?` on any error, without pulling in a crate for it.
mod anyhow_free {
    pub type Result = std::result::Result<(), Box<dyn std::error::Error>>;
}
